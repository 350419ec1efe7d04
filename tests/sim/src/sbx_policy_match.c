/*
 * sbx_policy_match: network policy resources and matching (docs/backends.md
 * §9): exact host, host:port, "*.d" (one level), "**.d" (any
 * depth), "**", IPv4 and CIDR.  The proxy rewrites host.docker.internal
 * to localhost before matching, so that is what a rule must name.
 */
#include "sbx_policy.h"

#include "util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool valid_port(const char *p)
{
	if (!*p || strlen(p) > 5)
		return false;
	for (const char *c = p; *c; c++)
		if (!isdigit((unsigned char)*c))
			return false;
	long v = strtol(p, NULL, 10);
	return v >= 1 && v <= 65535;
}

static bool valid_host(const char *h)
{
	if (!*h)
		return false;
	for (const char *c = h; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '.' && *c != '-' && *c != '_')
			return false;
	return h[0] != '.' && h[strlen(h) - 1] != '.';
}

/* Split "host:port" (port may be NULL); the caller frees *host. */
static void split_port(const char *s, char **host, const char **port)
{
	const char *colon = strrchr(s, ':');
	if (colon && strchr(s, ':') == colon) {
		*host = xstrndup(s, (size_t)(colon - s));
		*port = colon + 1;
	} else {
		*host = xstrdup(s);
		*port = NULL;
	}
}

bool policy_resource_valid(const char *r)
{
	if (strcmp(r, "**") == 0 || strcmp(r, "*") == 0)
		return true;
	const char *slash = strchr(r, '/');
	if (slash) {
		char *ip = xstrndup(r, (size_t)(slash - r));
		struct in_addr a;
		const char *bits = slash + 1;
		bool ok = inet_pton(AF_INET, ip, &a) == 1 && *bits && strlen(bits) <= 2 &&
			  strspn(bits, "0123456789") == strlen(bits) && atoi(bits) <= 32;
		free(ip);
		return ok;
	}
	char *host;
	const char *port;
	split_port(r, &host, &port);
	const char *h = host;
	if (str_starts(h, "**."))
		h += 3;
	else if (str_starts(h, "*."))
		h += 2;
	bool ok = valid_host(h) && (!port || valid_port(port));
	free(host);
	return ok;
}

static bool cidr_match(const char *rule, const char *host)
{
	const char *slash = strchr(rule, '/');
	char *net = xstrndup(rule, (size_t)(slash - rule));
	struct in_addr a, b;
	bool ok = inet_pton(AF_INET, net, &a) == 1 && inet_pton(AF_INET, host, &b) == 1;
	free(net);
	if (!ok)
		return false;
	int bits = atoi(slash + 1);
	uint32_t mask = bits == 0 ? 0 : htonl(~0u << (32 - bits));
	return (a.s_addr & mask) == (b.s_addr & mask);
}

bool policy_resource_matches(const char *rule, const char *target_in)
{
	if (strcmp(rule, "**") == 0 || strcmp(rule, "*") == 0)
		return true;
	/* Accept URLs as targets: keep only host[:port]. */
	const char *t = strstr(target_in, "://") ? strstr(target_in, "://") + 3 : target_in;
	char *target = xstrndup(t, strcspn(t, "/?#"));
	for (char *c = target; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	char *thost, *rhost;
	const char *tport, *rport;
	split_port(target, &thost, &tport);
	if (strcmp(thost, "host.docker.internal") == 0) {
		free(thost);
		thost = xstrdup("localhost");
	}
	bool match = false;
	if (strchr(rule, '/')) {
		match = cidr_match(rule, thost);
		goto done;
	}
	split_port(rule, &rhost, &rport);
	for (char *c = rhost; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (rport && (!tport || strcmp(rport, tport) != 0)) {
		free(rhost);
		goto done;
	}
	if (str_starts(rhost, "**.")) {
		const char *suffix = rhost + 2; /* ".d" */
		match = str_ends(thost, suffix) && strlen(thost) > strlen(suffix);
	} else if (str_starts(rhost, "*.")) {
		const char *suffix = rhost + 1;
		size_t prefix_len = strlen(thost) - strlen(suffix);
		match = str_ends(thost, suffix) && strlen(thost) > strlen(suffix) &&
			memchr(thost, '.', prefix_len) == NULL;
	} else {
		match = strcmp(rhost, thost) == 0;
	}
	free(rhost);
done:
	free(thost);
	free(target);
	return match;
}
