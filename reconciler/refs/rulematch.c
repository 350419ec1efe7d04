#include "rulematch.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "refs/policyrule.h"
#include "util/strutil.h"
#include "util/xalloc.h"

/* An IP address in its one text form, or a name lowercased; IPv6 in brackets. */
static void add_host(struct strbuf *out, const char *host, size_t len)
{
	char buf[INET6_ADDRSTRLEN + 1], text[INET6_ADDRSTRLEN];
	unsigned char addr[16];
	if (len < sizeof(buf)) {
		memcpy(buf, host, len);
		buf[len] = '\0';
		if (inet_pton(AF_INET, buf, addr) == 1 && inet_ntop(AF_INET, addr, text, sizeof(text))) {
			strbuf_addstr(out, text);
			return;
		}
		if (inet_pton(AF_INET6, buf, addr) == 1 && inet_ntop(AF_INET6, addr, text, sizeof(text))) {
			strbuf_addf(out, "[%s]", text);
			return;
		}
	}
	for (size_t i = 0; i < len; i++)
		strbuf_addch(out, tolower((unsigned char)host[i]));
}

static void add_port(struct strbuf *out, const char *port)
{
	long n;
	if (port && str_to_long(port, 1, 65535, &n))
		strbuf_addf(out, ":%ld", n);
}

void rule_index_add(struct rule_index *idx, const char *rule)
{
	if (policyrule_check(rule))
		return;
	char *norm = policyrule_normalize(rule);
	if (!strcmp(norm, "**")) {
		idx->everything = true;
		free(norm);
		return;
	}
	if (strchr(norm, '/')) {
		XGROW(idx->cidrs, idx->alloc_cidrs, idx->nr_cidrs + 1);
		idx->cidrs[idx->nr_cidrs++] = norm;
		return;
	}
	struct strbuf key = STRBUF_INIT;
	const char *colon = strchr(norm, ':');
	if (norm[0] == '[') {
		const char *close = strchr(norm, ']');
		add_host(&key, norm + 1, (size_t)(close - norm - 1));
		add_port(&key, close[1] == ':' ? close + 2 : NULL);
	} else if (colon && strchr(colon + 1, ':')) {
		add_host(&key, norm, strlen(norm)); /* a bare IPv6 address */
	} else {
		add_host(&key, norm, colon ? (size_t)(colon - norm) : strlen(norm));
		add_port(&key, colon ? colon + 1 : NULL);
	}
	strmap_put(&idx->keys, key.buf, idx);
	strbuf_release(&key);
	free(norm);
}

static bool has_key(const struct rule_index *idx, struct strbuf *key, const char *prefix, const char *host, int port)
{
	strbuf_reset(key);
	strbuf_addf(key, "%s%s", prefix, host);
	if (strmap_get(&idx->keys, key->buf))
		return true;
	strbuf_addf(key, ":%d", port);
	return strmap_get(&idx->keys, key->buf) != NULL;
}

static bool in_range(const char *cidr, const unsigned char *addr, int family)
{
	const char *slash = strchr(cidr, '/');
	char buf[INET6_ADDRSTRLEN + 1];
	unsigned char net[16];
	size_t n = (size_t)(slash - cidr);
	int cidr_family = memchr(cidr, ':', n) ? AF_INET6 : AF_INET;
	long bits;
	if (cidr_family != family || n >= sizeof(buf) || !str_to_long(slash + 1, 0, family == AF_INET6 ? 128 : 32, &bits))
		return false;
	memcpy(buf, cidr, n);
	buf[n] = '\0';
	if (inet_pton(family, buf, net) != 1)
		return false;
	for (long i = 0; i < bits; i++) {
		unsigned char mask = (unsigned char)(0x80 >> (i % 8));
		if ((net[i / 8] & mask) != (addr[i / 8] & mask))
			return false;
	}
	return true;
}

bool rule_index_covers(const struct rule_index *idx, const char *host, int port)
{
	if (idx->everything)
		return true;
	struct strbuf canon = STRBUF_INIT, key = STRBUF_INIT;
	add_host(&canon, host, strlen(host));
	bool found = has_key(idx, &key, "", canon.buf, port);
	unsigned char addr[16];
	int family = 0;
	if (inet_pton(AF_INET, host, addr) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, host, addr) == 1)
		family = AF_INET6;
	if (family) {
		for (size_t i = 0; !found && i < idx->nr_cidrs; i++)
			found = in_range(idx->cidrs[i], addr, family);
	} else {
		/* a.b.example.com: *.b.example.com, then **.b.example.com, **.example.com, **.com */
		const char *first = strchr(canon.buf, '.');
		for (const char *dot = first; !found && dot; dot = strchr(dot + 1, '.'))
			found = (dot == first && has_key(idx, &key, "*.", dot + 1, port)) || has_key(idx, &key, "**.", dot + 1, port);
	}
	strbuf_release(&canon);
	strbuf_release(&key);
	return found;
}

void rule_index_release(struct rule_index *idx)
{
	strmap_release(&idx->keys);
	for (size_t i = 0; i < idx->nr_cidrs; i++)
		free(idx->cidrs[i]);
	free(idx->cidrs);
	*idx = (struct rule_index)RULE_INDEX_INIT;
}

bool rulematch_covers(const char *rule, const char *host, int port)
{
	struct rule_index idx = RULE_INDEX_INIT;
	rule_index_add(&idx, rule);
	bool covered = rule_index_covers(&idx, host, port);
	rule_index_release(&idx);
	return covered;
}

/* docs/backends.md §9: the proxy rewrites host.docker.internal to localhost before matching */
const char *rulematch_destination(const char *host)
{
	return strcasecmp(host, "host.docker.internal") ? host : "localhost";
}

void rulematch_rule_for(struct strbuf *out, const char *host, int port)
{
	add_host(out, host, strlen(host));
	strbuf_addf(out, ":%d", port);
}

bool rulematch_parse_url(const char *url, char **host, int *port)
{
	const char *p;
	*host = NULL;
	if (!strncasecmp(url, "http://", 7)) {
		p = url + 7;
		*port = 80;
	} else if (!strncasecmp(url, "https://", 8)) {
		p = url + 8;
		*port = 443;
	} else {
		return false;
	}
	size_t len = strcspn(p, "/?#");
	for (size_t i = len; i > 0; i--)
		if (p[i - 1] == '@') { /* user:password@ */
			len -= i;
			p += i;
			break;
		}
	const char *end = p + len, *host_end, *port_at = NULL;
	bool bracketed = *p == '[';
	if (bracketed) {
		const char *close = memchr(p, ']', len);
		if (!close)
			return false;
		p++;
		host_end = close;
		if (close + 1 < end && close[1] != ':')
			return false;
		if (close + 1 < end)
			port_at = close + 2;
	} else {
		host_end = memchr(p, ':', len);
		if (host_end)
			port_at = host_end + 1;
		else
			host_end = end;
	}
	if (port_at && port_at < end) {
		char digits[8];
		long n;
		size_t plen = (size_t)(end - port_at);
		if (plen >= sizeof(digits))
			return false;
		memcpy(digits, port_at, plen);
		digits[plen] = '\0';
		if (!isdigit((unsigned char)digits[0]) || !str_to_long(digits, 1, 65535, &n))
			return false;
		*port = (int)n;
	}
	char *h = xstrndup(p, (size_t)(host_end - p));
	for (char *c = h; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	unsigned char addr[16];
	/* a host that could be a rule without wildcards: a name or an IP address */
	bool ok = bracketed ? inet_pton(AF_INET6, h, addr) == 1 : *h && !strchr(h, '*') && !policyrule_check(h);
	if (!ok) {
		free(h);
		return false;
	}
	*host = h;
	return true;
}
