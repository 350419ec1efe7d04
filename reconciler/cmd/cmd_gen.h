#ifndef SBXAPPLY_CMD_CMD_GEN_H
#define SBXAPPLY_CMD_CMD_GEN_H
/*
 * The manuals and shell completions, generated from the tables --help prints
 * (commands[], option_specs, the exit table) and from the schema tables, so
 * they cannot drift from the program. `sbxapply __gen WHAT` writes one to
 * stdout; the build runs it (reconciler/cmd/CMakeLists.txt). Each writer only
 * writes to out; nothing is allocated that outlives the call.
 */
#include <stdio.h>

#include "cmd/cli.h"

void gen_man_sbxapply(FILE *out);     /* sbxapply(1) */
void gen_man_sandbox_yaml(FILE *out); /* sandbox.yaml(5) */
void gen_bash(FILE *out);
void gen_zsh(FILE *out);
void gen_fish(FILE *out);

/* What an option's value names on disk: "file", "dir", or NULL. */
const char *gen_option_path(const struct option_spec *o);

#endif
