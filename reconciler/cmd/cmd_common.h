#ifndef SBXAPPLY_CMD_CMD_COMMON_H
#define SBXAPPLY_CMD_CMD_COMMON_H
/* What the engine commands (apply, diff, plan, down, run) share. */
#include "cmd/cli.h"
#include "lang/config.h"
#include "engine/engine.h"
#include "kinds/kinds.h"

/*
 * Loads and validates opts->file, printing every diagnostic. Returns 0, or
 * EXIT_INVALID after saying that nothing was changed. Call config_release() either way.
 */
int cmd_load_config(const struct cli_options *opts, struct config *cfg);
/*
 * Engine options from the command line: every kind and backend (kinds/kinds.h),
 * log to stderr unless -q, Ctrl-C cancels. The backend options live in
 * backend_opts, which must outlive the engine.
 */
void cmd_engine_options(const struct cli_options *opts, struct engine_options *eo, struct kinds_options *backend_opts);
/*
 * Prints diagnostics as the command line asked: sorted with the line and a
 * caret on stderr, or (opts->github) as GitHub annotations on stdout.
 */
void cmd_print_diags(const struct cli_options *opts, const struct diag_list *diags);
/*
 * A file's path as GitHub annotations name it: relative to GITHUB_WORKSPACE
 * (the repository's checkout) when the file is inside it, else as given
 * without a leading "./". malloc'd.
 */
char *cmd_annotation_path(const char *file);
/*
 * The head of a checklist's JSON (verify, doctor): format_version, ok,
 * exit_code and a summary of counts under the three names given; leaves the
 * "checks" array open for the caller's entries.
 */
struct jsonw;
void cmd_checklist_json_begin(struct jsonw *w, int code, const char *const names[3], const size_t counts[3]);
/*
 * After a file could not be loaded: when -f was not given and no sandbox.yaml
 * exists here or above, says so on stderr with the two ways on (-f FILE, init).
 */
void cmd_hint_no_file(const struct cli_options *opts);
/* The process exit code (cli.h) for what a run came to. */
int cmd_exit_code(enum engine_status status);

/*
 * dmr_connect()'s message on one line, without its closing advice:
 * "Docker Model Runner does not answer; tried: A: why; B: why" (doctor, verify, version).
 */
void cmd_runner_error_line(const char *err, struct strbuf *out);

enum cmd_answer {
	CMD_NO_TERMINAL,
	CMD_DECLINED,
	CMD_CONFIRMED,
};
/* Asks question on the terminal (even when stdin is redirected); only "yes" confirms. */
enum cmd_answer cmd_confirm(const char *question);

/* One `sbxapply apply` with these options (cmd_apply.c): an exit code of cli.h's table. */
int cmd_apply_run(const struct cli_options *opts);

#endif
