#include "policyrule.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/strutil.h"
#include "util/xalloc.h"

static bool valid_label(const char *s, size_t n)
{
	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

static bool valid_hostname(const char *s, size_t n)
{
	if (n == 0 || n > 253)
		return false;
	while (n) {
		const char *dot = memchr(s, '.', n);
		size_t len = dot ? (size_t)(dot - s) : n;
		if (!valid_label(s, len))
			return false;
		if (!dot)
			break;
		n -= len + 1;
		s = dot + 1;
		if (!n)
			return false;
	}
	return true;
}

static bool valid_port(const char *s)
{
	long port;
	return str_to_long(s, 1, 65535, &port) && isdigit((unsigned char)s[0]);
}

/* The address of that family in s[0..n), as inet_ntop writes it; false if it is none. */
static bool canonical_address(const char *s, size_t n, int family, char out[INET6_ADDRSTRLEN])
{
	char buf[64];
	unsigned char addr[16];
	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(family, buf, addr) == 1 && inet_ntop(family, addr, out, INET6_ADDRSTRLEN) != NULL;
}

static bool parse_ip(const char *s, size_t n, int family)
{
	char ignored[INET6_ADDRSTRLEN];
	return canonical_address(s, n, family, ignored);
}

static const char *check_cidr(const char *rule, const char *slash)
{
	size_t n = (size_t)(slash - rule);
	bool v6 = memchr(rule, ':', n) != NULL;
	long bits;
	if (!parse_ip(rule, n, v6 ? AF_INET6 : AF_INET))
		return "a CIDR range starts with an IP address, as in 10.0.0.0/8";
	if (!isdigit((unsigned char)slash[1]) || !str_to_long(slash + 1, 0, v6 ? 128 : 32, &bits))
		return v6 ? "an IPv6 prefix length is 0 to 128" : "an IPv4 prefix length is 0 to 32";
	return NULL;
}

const char *policyrule_check(const char *rule)
{
	size_t n = strlen(rule);
	if (!n)
		return "a rule cannot be empty";
	if (strstr(rule, "://"))
		return "a rule names a host (as in localhost:12434), not a URL";
	for (size_t i = 0; i < n; i++)
		if (isspace((unsigned char)rule[i]) || rule[i] == ',')
			return "a rule is one resource: no spaces or commas (write one list item per rule)";
	if (!strcmp(rule, "**"))
		return NULL;
	const char *slash = strchr(rule, '/');
	if (slash)
		return check_cidr(rule, slash);
	const char *host = rule, *port = NULL;
	size_t hlen = n;
	if (rule[0] == '[') {
		const char *close = strchr(rule, ']');
		if (!close || !parse_ip(rule + 1, (size_t)(close - rule - 1), AF_INET6))
			return "an IPv6 address in brackets must be valid, as in [::1]:8080";
		if (close[1] == '\0')
			return NULL;
		if (close[1] != ':' || !valid_port(close + 2))
			return "a port is a number from 1 to 65535";
		return NULL;
	}
	const char *colon = strchr(rule, ':');
	if (colon && strchr(colon + 1, ':')) {
		if (parse_ip(rule, n, AF_INET6))
			return NULL;
		return "write an IPv6 address in brackets when a port follows, as in [::1]:8080";
	}
	if (colon) {
		hlen = (size_t)(colon - rule);
		port = colon + 1;
		if (!valid_port(port))
			return "a port is a number from 1 to 65535";
	}
	if (hlen >= 3 && !memcmp(host, "**.", 3)) {
		host += 3;
		hlen -= 3;
	} else if (hlen >= 2 && !memcmp(host, "*.", 2)) {
		host += 2;
		hlen -= 2;
	}
	if (memchr(host, '*', hlen))
		return "a wildcard goes only at the start, as *.example.com or **.example.com";
	if (!valid_hostname(host, hlen))
		return "not a host name: labels of letters, digits and '-', separated by dots";
	/* no top-level label is all digits (RFC 1123 2.1): such a name is meant as an IPv4 address */
	size_t last = hlen;
	while (last && host[last - 1] != '.')
		last--;
	if (strspn(host + last, "0123456789") == hlen - last && (host != rule || !parse_ip(host, hlen, AF_INET)))
		return "not an IPv4 address: four numbers from 0 to 255, as in 10.0.0.1";
	return NULL;
}

char *policyrule_normalize(const char *rule)
{
	char *out = xstrdup(rule);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	/* one address, one text: [0:0::1] and [::1] are the same rule */
	size_t start = 0, end = strlen(out);
	if (out[0] == '[' && strchr(out, ']')) {
		start = 1;
		end = (size_t)(strchr(out, ']') - out);
	} else if (strchr(out, '/')) {
		end = (size_t)(strchr(out, '/') - out);
	}
	char canonical[INET6_ADDRSTRLEN];
	int family = memchr(out + start, ':', end - start) ? AF_INET6 : AF_INET;
	if (!canonical_address(out + start, end - start, family, canonical))
		return out;
	char *joined = xasprintf("%.*s%s%s", (int)start, out, canonical, out + end);
	free(out);
	return joined;
}
