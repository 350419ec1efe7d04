/*
 * sbx_policy: the network policy store ("<state>/policies.json") shared
 * by `sbx policy` and `sbxsim seed-rule`, and resource matching.
 *
 * A rule: {"id","name","policy","policy_id","source","sandbox","sandbox_id",
 * "type","decision","resources":[...]} (sbx_policy.c).  source is "local"
 * for rules sbx manages, "kit" or "org" for rules it only shows; sandbox
 * is null for a global rule.
 */
#ifndef SBXSIM_SBX_POLICY_H
#define SBXSIM_SBX_POLICY_H

#include <cjson/cJSON.h>
#include <stdbool.h>

bool policy_resource_valid(const char *resource);
/* Whether a rule resource covers a target "host[:port]" (or URL). */
bool policy_resource_matches(const char *rule, const char *target);

enum policy_verdict {
	POLICY_ALLOWED,
	POLICY_DENIED_RULE,    /* a deny rule matches: deny beats allow */
	POLICY_DENIED_DEFAULT, /* no rule matches */
};

/* The network decision for target ("host:port") in a sandbox's scope (its
 * rules and the global ones; NULL: global only), as `sbx policy check` and
 * the sandbox proxy (sbx_proxy.c) take it.  *by: the deciding rule in doc,
 * NULL for POLICY_DENIED_DEFAULT. */
enum policy_verdict policy_decide(const cJSON *doc, const char *sandbox, const char *target, const cJSON **by);

#endif
