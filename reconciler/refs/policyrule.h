#ifndef SBXAPPLY_REFS_POLICYRULE_H
#define SBXAPPLY_REFS_POLICYRULE_H
/*
 * Network policy rule resources as `sbx policy allow network` takes them
 * (docs/backends.md §9): an exact host, host:port, *.domain (one level),
 * **.domain (any depth), an IP address (IPv6 in brackets when a port follows),
 * a CIDR range, or ** for everything. localhost, 127.0.0.1 and
 * host.docker.internal are different resources and stay different here.
 */

/* NULL when rule is well formed, else a static reason. */
const char *policyrule_check(const char *rule);
/*
 * Canonical text for comparisons, malloc'd: the host part lowercased, and an IP
 * address (bare, in brackets, or before a CIDR's '/') written as inet_ntop writes it.
 */
char *policyrule_normalize(const char *rule);

#endif
