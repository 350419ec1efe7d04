#ifndef SBXAPPLY_LANG_CONFIG_GUIDE_H
#define SBXAPPLY_LANG_CONFIG_GUIDE_H
/*
 * Internal to config_build.c: warnings for the user guide's usual mistakes, in
 * a file that is otherwise valid but would not do what the guide does. Each
 * points at the key to change and says the fix; --strict makes them errors.
 *
 *   - a claude sandbox using a runner model without ANTHROPIC_BASE_URL
 *   - a base URL no allow rule covers, after the proxy's host.docker.internal
 *     -> localhost rewrite
 *   - a rule for the runner's port on host.docker.internal or 127.0.0.1 with
 *     no localhost rule
 *   - declared models no sandbox uses
 *   - a model's runtime context_size that differs from a package made from it
 *
 * Run only on a file without errors, since the config lacks what the validator
 * rejected. Linear in the size of the file: rules are indexed once per scope,
 * models and packages are found through the config's indexes.
 */
#include "lang/config.h"

void config_guide_checks(const struct config *cfg, struct diag_list *diags);

#endif
