/*
 * sbx_internal: what the sbx command files share: the version profile, a
 * cobra-like flag parser (so unknown flags fail with cobra's words), the
 * tabwriter-style table printer and the sandboxes.json accessors.
 *
 * Commands return the process exit status.  All output goes through
 * ctx->out (stdout, or a buffer when a truncate fault is active) and
 * ctx->err.  Errors print "ERROR: <message>" and return 1, like sbx.
 */
#ifndef SBXSIM_SBX_INTERNAL_H
#define SBXSIM_SBX_INTERNAL_H

#include "util.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

/* Versions as minor*100+patch (all sbx releases are 0.x.y). */
#define V_OLD_DEFAULT 3102     /* v0.31.2 */
#define V_NEW_DEFAULT 4501     /* v0.45.1 */
#define V_SCOPE_FLAG 3200      /* --sandbox, global by default; ls --format; --no-input */
#define V_POLICY_PER_POLICY 3500
#define V_CREATE_ENV 3900
#define V_PATH_OPTIONAL 4200
#define V_POLICY_JSON 4200

struct sbx_ctx {
	int version;
	char version_str[32];
	FILE *out;
	FILE *err;
	bool no_input;
};

enum flag_kind { FLAG_BOOL, FLAG_VALUE, FLAG_MULTI };

struct flag {
	const char *name;
	char shorthand; /* 0 for none */
	enum flag_kind kind;
	int min_version; /* 0: every version */
	int max_version; /* 0: still present */
};

#define MAX_FLAGS 16

struct args {
	bool set[MAX_FLAGS];
	const char *value[MAX_FLAGS];
	const char **multi[MAX_FLAGS];
	int nmulti[MAX_FLAGS];
	const char **pos;
	int npos;
	const char **rest; /* after "--" (or after the first positional when not interspersed) */
	int nrest;
	bool dashdash;
};

/* Parse argv (argv[0] is the first argument, not the command name).
 * Prints cobra's message and returns -1 on an unknown or incomplete flag. */
int args_parse(struct sbx_ctx *ctx, const struct flag *flags, int nflags, int argc, char **argv,
	       bool interspersed, struct args *out);
void args_release(struct args *a);
int flag_index(const struct flag *flags, int nflags, const char *name);

int sbx_error(struct sbx_ctx *ctx, const char *fmt, ...) SBXSIM_PRINTF(2, 3);

/* Go tabwriter, padding 3: cells[row*ncols+col]; blank lines between rows
 * when spaced (the `policy ls --wide` layout). */
void table_print(FILE *out, const char **cells, int ncols, int nrows, bool spaced);

/* sandboxes.json: {"sandboxes":[...]}; callers hold the state lock. */
cJSON *sandboxes_load(void);
void sandboxes_save(cJSON *doc);
cJSON *sandbox_find(cJSON *doc, const char *name);
char *sandbox_dir(const char *name); /* "<state>/sandboxes/<name>" */
/* Whether a pid recorded as a session is still alive. */
bool sandbox_has_sessions(cJSON *sb);
void sandbox_touch(cJSON *sb, const char *status);

int sbx_cmd_create(struct sbx_ctx *ctx, int argc, char **argv);
int sbx_cmd_ls(struct sbx_ctx *ctx, int argc, char **argv);
int sbx_cmd_stop(struct sbx_ctx *ctx, int argc, char **argv);
int sbx_cmd_rm(struct sbx_ctx *ctx, int argc, char **argv);
int sbx_cmd_run(struct sbx_ctx *ctx, int argc, char **argv);
int sbx_cmd_exec(struct sbx_ctx *ctx, int argc, char **argv);
int sbx_cmd_policy(struct sbx_ctx *ctx, int argc, char **argv);
int sbx_cmd_secret(struct sbx_ctx *ctx, int argc, char **argv);

/* Run argv inside a sandbox's mount namespace and wait; returns the exit
 * status (128+signal when killed), or -1 after printing why it could not
 * start.  stdin_null: the command reads /dev/null instead of our stdin. */
int sandbox_spawn(const char *name, cJSON *env, const char *workdir, char **argv, bool stdin_null, bool wait);

#endif
