#ifndef SBXAPPLY_REFS_RULEMATCH_H
#define SBXAPPLY_REFS_RULEMATCH_H
/*
 * Whether network allow rules let a sandbox reach host:port, as the sbx proxy
 * matches them (docs/backends.md §9). Pure: no I/O, no backend.
 *
 *   example.com, 10.1.2.3, [::1]   that host, on every port (a rule without a
 *                                  port matches every port)
 *   example.com:443, [::1]:8080    that host, on that port only
 *   *.example.com[:port]           one label more: a.example.com, not
 *                                  example.com nor a.b.example.com
 *   **.example.com[:port]          one label more or several
 *   10.0.0.0/8, fd00::/8           IP addresses inside the range
 *   **                             everything
 *
 * Names compare case-insensitively, IP addresses by value. Rules are resources,
 * not resolutions: localhost, 127.0.0.1 and host.docker.internal are three
 * different hosts here. The one equivalence is the proxy's: it rewrites
 * host.docker.internal to localhost before matching (rulematch_destination()).
 * A malformed rule (policyrule_check() != NULL) matches nothing.
 */
#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"
#include "util/strmap.h"

/* Rules indexed once; a query then costs a few hash lookups per label of the host. */
struct rule_index {
	struct strmap keys; /* canonical "host" and "host:port" forms, wildcards kept */
	char **cidrs;	    /* lowercased ranges, tested one by one against IP hosts */
	size_t nr_cidrs, alloc_cidrs;
	bool everything; /* a ** rule */
};

/* clang-format off */
#define RULE_INDEX_INIT { STRMAP_INIT, NULL, 0, 0, false }
/* clang-format on */

void rule_index_add(struct rule_index *idx, const char *rule);
/* host as the proxy matches it (see rulematch_destination()); IPv6 without brackets. */
bool rule_index_covers(const struct rule_index *idx, const char *host, int port);
void rule_index_release(struct rule_index *idx);

/* One rule against one destination: rule_index_covers() on an index of that rule. */
bool rulematch_covers(const char *rule, const char *host, int port);

/* The host the proxy matches for a request to `host`: "localhost" for host.docker.internal. */
const char *rulematch_destination(const char *host);

/* The rule text that allows exactly host:port ("localhost:12434", "[::1]:8080"), appended to out. */
void rulematch_rule_for(struct strbuf *out, const char *host, int port);

/*
 * Splits an http:// or https:// URL into its host (lowercased, IPv6 without
 * brackets; malloc'd into *host) and port (as written, else 80 or 443).
 * Returns false, leaving *host NULL, for anything else.
 */
bool rulematch_parse_url(const char *url, char **host, int *port);

#endif
