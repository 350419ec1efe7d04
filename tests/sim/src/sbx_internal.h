/*
 * sbx_internal: what the sbx files share.
 *
 *  - struct sbx_ctx: the release being played (sbx_has() asks the release
 *    table, sbx_release.h) and the output streams;
 *  - the command tree: struct sbx_cmd entries (sbx_cmds_main.c,
 *    sbx_cmds_policy.c), one per command and release range, with their
 *    cobra texts and pflag flags, each gated by release-table features;
 *  - the pflag-like parser (sbx_flags.c), so unknown flags fail with
 *    pflag's words, and the cobra help printer (sbx_help.c);
 *  - the tabwriter-style table printer, a Go-style JSON printer and the
 *    sandboxes.json accessors (sbx_util.c).
 *
 * Handlers return the process exit status.  All output goes through
 * ctx->out (stdout, or a buffer when a truncate fault is active) and
 * ctx->err.  Errors print "ERROR: <message>" and return 1, like sbx.
 */
#ifndef SBXSIM_SBX_INTERNAL_H
#define SBXSIM_SBX_INTERNAL_H

#include "sbx_release.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

struct sbx_ctx {
	int version;
	char sha[41];
	FILE *out;
	FILE *err;
	bool debug;    /* -D */
	bool no_input; /* --no-input (releases with F_GLOBAL_NO_INPUT) */
};

static inline bool sbx_has(const struct sbx_ctx *ctx, enum sbx_feature f)
{
	return sbx_feature_on(ctx->version, f);
}

/* A pflag flag.  type: NULL for bool, else pflag's value type name as
 * help shows it ("string", "int", "strings", "stringArray"). */
struct sbx_flagdef {
	const char *name;
	char shorthand;
	const char *type;
	const char *usage;
	const char *def;	 /* shown as (default ...) when not the zero value */
	enum sbx_feature feat;	 /* present only when on */
	enum sbx_feature unless; /* present only when off (F_ALWAYS: no such gate) */
	const char *deprecated;	 /* hidden; "Flag --x has been deprecated, <this>" on use */
	bool hidden;
};

struct args;
typedef int (*sbx_handler)(struct sbx_ctx *ctx, const struct args *a);

/* A cobra command for a range of releases.  Several entries may share a
 * path with disjoint gates (the text or flags changed between releases). */
struct sbx_cmd {
	const char *path; /* "" is the root; "policy allow network" */
	const char *use;  /* the Usage line, "sbx ls [flags]" */
	const char *aliases;
	const char *short_;
	const char *long_; /* "{SERVICES}" and "{AGENTS}" expand per release */
	const char *example;
	const struct sbx_flagdef *flags; /* ends with a zero entry; NULL: none */
	enum sbx_feature feat, unless;
	bool hidden;
	const char *deprecated; /* cobra: hidden, and a warning on use */
	bool no_interspersed;	/* flags stop at the first argument (exec) */
	const char *args;	/* cobra Args: "1", "2+", "0-2"; NULL: unchecked */
	bool daemon;		/* talks to sandboxd: the start-up banner */
	sbx_handler run;	/* NULL: help only (a group, or not simulated) */
};

/* Every command entry (both tables), and the root's persistent flags. */
const struct sbx_cmd *const *sbx_cmd_all(int *n);
extern const struct sbx_flagdef sbx_global_flags[];
/* The entry for path in this release, or NULL. */
const struct sbx_cmd *sbx_cmd_find(const struct sbx_ctx *ctx, const char *path);
/* A child named (or aliased) word of cmd in this release, hidden included. */
const struct sbx_cmd *sbx_cmd_child(const struct sbx_ctx *ctx, const struct sbx_cmd *cmd, const char *word);
bool sbx_cmd_has_children(const struct sbx_ctx *ctx, const struct sbx_cmd *cmd);
/* The last word of the path ("network"), "sbx" for the root. */
const char *sbx_cmd_name(const struct sbx_cmd *cmd);
bool sbx_flag_on(const struct sbx_ctx *ctx, const struct sbx_flagdef *f);

/* Per-release lists: agents for create/run, secret services.  Returns a
 * NULL-terminated static array; joined: ", "-separated, caller frees. */
const char **sbx_agents(const struct sbx_ctx *ctx);
const char **sbx_services(const struct sbx_ctx *ctx);
char *sbx_join(const char **list);
bool sbx_in_list(const char **list, const char *s);

#define SBX_MAX_FLAGS 40

struct args {
	const struct sbx_cmd *cmd;
	const struct sbx_flagdef *defs[SBX_MAX_FLAGS]; /* the command's, then the globals */
	int ndefs;
	bool set[SBX_MAX_FLAGS];
	const char *value[SBX_MAX_FLAGS];
	const char **multi[SBX_MAX_FLAGS];
	int nmulti[SBX_MAX_FLAGS];
	const char **pos; /* positional arguments, "--" removed */
	int npos;
	int dash_at; /* cobra's ArgsLenAtDash: index in pos of the first arg after "--", or -1 */
	bool help;
};

/* Parse argv (the command words already removed) like pflag.  Prints
 * pflag's message as "ERROR: ..." and returns -1 on a bad flag. */
int args_parse(struct sbx_ctx *ctx, const struct sbx_cmd *cmd, int argc, char **argv, struct args *out);
void args_release(struct args *a);
/* The flags active for cmd in this release: its own (then -h), then globals. */
int sbx_cmd_flags(const struct sbx_ctx *ctx, const struct sbx_cmd *cmd, bool local,
		  const struct sbx_flagdef **out, int max);
bool arg_set(const struct args *a, const char *name);
const char *arg_str(const struct args *a, const char *name); /* NULL when unset */
int arg_list(const struct args *a, const char *name, const char ***out);
/* Whether `cobra Args` accepts n positionals; prints cobra's error if not. */
int args_check_count(struct sbx_ctx *ctx, const struct sbx_cmd *cmd, int n);

/* cobra's help for cmd, byte for byte. */
void sbx_help_print(struct sbx_ctx *ctx, const struct sbx_cmd *cmd, FILE *out);
/* pflag's FlagUsages() for these flags (sorted by name), caller frees. */
char *sbx_flag_usages(const struct sbx_flagdef *const *flags, int n);

int sbx_error(struct sbx_ctx *ctx, const char *fmt, ...) SBXSIM_PRINTF(2, 3);
void sbx_warn(struct sbx_ctx *ctx, const char *fmt, ...) SBXSIM_PRINTF(2, 3);
/* The missing-sandbox error of this release. */
int sbx_no_sandbox(struct sbx_ctx *ctx, const char *name);
/* A yes/no question on stderr; false without a TTY (sets *no_tty). */
bool sbx_confirm(struct sbx_ctx *ctx, const char *question, bool *no_tty);
/* The start-up banner, when sandboxd was stopped. */
void sbx_daemon_ensure(struct sbx_ctx *ctx);

/* Go tabwriter, padding 3: cells[row*ncols+col]; a NULL first cell in a
 * row means "blank line here".  Trailing cells are not padded. */
void table_print(FILE *out, const char **cells, int ncols, int nrows);
/* encoding/json MarshalIndent(v, "", "  ") plus a newline. */
void json_print_go(FILE *out, const cJSON *v);

/* sandboxes.json: {"sandboxes":[...]}; callers hold the state lock. */
cJSON *sandboxes_load(void);
void sandboxes_save(cJSON *doc);
cJSON *sandbox_find(cJSON *doc, const char *name);
char *sandbox_dir(const char *name); /* "<state>/sandboxes/<name>" */
/* Whether a pid recorded as a session is still alive. */
bool sandbox_has_sessions(cJSON *sb);
void sandbox_touch(cJSON *sb, const char *status);
const char *json_str(const cJSON *obj, const char *key, const char *def);

/* Handlers. */
int sbx_cmd_version(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_help(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_not_simulated(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_create(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_run(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_ls(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_stop(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_rm(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_reset(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_exec(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_policy_init(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_policy_set_default(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_policy_reset(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_policy_allow(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_policy_deny(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_policy_rm(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_policy_ls(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_policy_check(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_secret_set(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_secret_ls(struct sbx_ctx *ctx, const struct args *a);
int sbx_cmd_secret_rm(struct sbx_ctx *ctx, const struct args *a);

/* Policy store (sbx_policy.c), for sbx_policy_ls.c and reset. */
cJSON *policies_load(void);
void policies_save(cJSON *doc);
void policies_uninitialise(void);
bool policies_initialised(const cJSON *doc);
/* The error create/run give before a policy was chosen; 0 when chosen. */
int policy_require_initialised(struct sbx_ctx *ctx);

/* -e KEY=VALUE (or a bare KEY from our environment) and --env-file, as create and exec take them:
 * the files in order, then -e (which wins); a malformed one is an error. */
int sbx_env_from_flags(struct sbx_ctx *ctx, const struct args *a, cJSON *env);

/* Run argv inside a sandbox's mount namespace and wait; returns the exit
 * status (128+signal when killed), or -1 after printing why it could not
 * start.  stdin_null: the command reads /dev/null instead of our stdin. */
int sandbox_spawn(const char *name, cJSON *env, const char *workdir, char **argv, bool stdin_null, bool wait);

#endif
