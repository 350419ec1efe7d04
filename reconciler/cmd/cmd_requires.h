#ifndef SBXAPPLY_CMD_CMD_REQUIRES_H
#define SBXAPPLY_CMD_CMD_REQUIRES_H
/*
 * The file's `requires: {sbx: ...}` against the installed sbx, checked before
 * anything is observed or changed. The sbx is detected as every run detects
 * it (backends/sbx/sbx.h, with the capability cache in the state directory),
 * so a normal run pays no call for it.
 */
#include "backends/sbx/sbx.h"
#include "cmd/cli.h"
#include "lang/config.h"
#include "util/strbuf.h"

enum requires_outcome {
	REQUIRES_NONE,	      /* the file requires nothing */
	REQUIRES_MET,	      /* the installed sbx meets it */
	REQUIRES_NOT_MET,     /* it does not: why says the installed version */
	REQUIRES_UNAVAILABLE, /* no usable sbx to compare: why says what happened */
};

/* Compares with c, detecting it first if needed; why gets one line (no position). */
enum requires_outcome cmd_requires_sbx(const struct config *cfg, struct sbx_client *c, struct strbuf *why);
/* What to do when the installed sbx does not meet requires.sbx (malloc'd). */
char *cmd_requires_fix(const struct config *cfg);
/*
 * For the commands that observe: EXIT_OK, or EXIT_BACKEND after printing
 * `file:line:col: error: ...` with the source line and a caret.
 */
int cmd_check_requires(const struct cli_options *opts, const struct config *cfg);

#endif
