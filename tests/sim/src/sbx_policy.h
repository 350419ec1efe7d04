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

#include <stdbool.h>

bool policy_resource_valid(const char *resource);
/* Whether a rule resource covers a target "host[:port]" (or URL). */
bool policy_resource_matches(const char *rule, const char *target);

#endif
