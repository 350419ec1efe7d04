#ifndef SBXAPPLY_LANG_CONFIG_BUILD_H
#define SBXAPPLY_LANG_CONFIG_BUILD_H
/*
 * Internal to config.c: turns a validated document (validate.h) into the typed
 * config, skipping values the validator rejected, and checks what spans
 * several keys: references to declared models, refs that name one model twice,
 * workspaces and mounts that must exist, empty secrets; then the guide's usual
 * mistakes as warnings (config_guide.h).
 */
#include "lang/config.h"

/* offline: see config_options.offline (missing workspaces, mounts and secrets are warnings). */
void config_build(struct config *cfg, bool offline, struct diag_list *diags);

#endif
