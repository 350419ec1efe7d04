/*
 * sbx_policy: the network policy store ("<state>/policies.json") shared
 * by `sbx policy` and `sbxsim seed-rule`, and resource matching.
 *
 * A rule: {"rule_id","policy","policy_id","rule","source","applies_to",
 * "type","decision","resources":[...]}.  source is "local" for rules sbx
 * manages, "kit" or "org" for rules it only shows; applies_to is "all" or
 * a sandbox name.
 */
#ifndef SBXSIM_SBX_POLICY_H
#define SBXSIM_SBX_POLICY_H

#include <stdbool.h>

bool policy_resource_valid(const char *resource);
/* Whether a rule resource covers a target "host[:port]" (or URL). */
bool policy_resource_matches(const char *rule, const char *target);

#endif
