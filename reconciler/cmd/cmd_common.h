#ifndef SBXAPPLY_CMD_CMD_COMMON_H
#define SBXAPPLY_CMD_CMD_COMMON_H
/* What the engine commands (apply, diff, plan, down, run) share. */
#include "cmd/cli.h"
#include "core/config.h"
#include "core/engine.h"

/*
 * Loads and validates opts->file, printing every diagnostic. Returns 0, or
 * EXIT_INVALID after saying that nothing was changed. Call config_release() either way.
 */
int cmd_load_config(const struct cli_options *opts, struct config *cfg);
/* Engine options from the command line: log to stderr unless -q, Ctrl-C cancels. */
void cmd_engine_options(const struct cli_options *opts, struct engine_options *eo);

/* One `sbxapply apply` with these options (cmd_apply.c): an exit code of cli.h's table. */
int cmd_apply_run(const struct cli_options *opts);

#endif
