#include "cmd/cmd_common.h"

#include "cmd/cmd_requires.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "os/signals.h"
#include "io/http.h"
#include "util/gha.h"
#include "util/jsonw.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/xalloc.h"

int cmd_load_config(const struct cli_options *opts, struct config *cfg)
{
	struct diag_list diags = DIAG_LIST_INIT;
	if (opts->runner) {
		/* a malformed --runner is a usage error (exit 2), not an unreachable runner (4) */
		struct http_endpoint ep = HTTP_ENDPOINT_INIT;
		struct strbuf why = STRBUF_INIT;
		int bad = http_endpoint_parse(&ep, opts->runner, &why);
		http_endpoint_release(&ep);
		if (bad < 0) {
			memset(cfg, 0, sizeof(*cfg));
			cli_error("--runner: %s", why.buf);
			strbuf_release(&why);
			return EXIT_USAGE;
		}
		strbuf_release(&why);
	}
	int rc = config_load(cfg, opts->file, NULL, &diags);
	cmd_print_diags(opts, &diags);
	const char *name = strcmp(opts->file, "-") ? opts->file : "<stdin>";
	if (rc < 0) {
		fprintf(stderr, "%s: %zu %s; nothing was done\n", name, diags.errors, diags.errors == 1 ? "error" : "errors");
		cmd_hint_no_file(opts);
	} else if (opts->strict && diags.warnings) {
		fprintf(stderr, "%s: %zu %s, and --strict makes them errors; nothing was done\n", name, diags.warnings,
			diags.warnings == 1 ? "warning" : "warnings");
		rc = -1;
	}
	diag_list_release(&diags);
	if (rc < 0)
		return EXIT_INVALID;
	return cmd_check_requires(opts, cfg); /* before anything is observed */
}

void cmd_engine_options(const struct cli_options *opts, struct engine_options *eo, struct kinds_options *backend_opts)
{
	memset(eo, 0, sizeof(*eo));
	*backend_opts = (struct kinds_options){ .runner_url = opts->runner };
	eo->registry = &kinds_registry;
	eo->backend_options = backend_opts;
	eo->state_dir = opts->state_dir;
	eo->parallelism = (int)opts->parallelism;
	eo->lock_timeout_ms = opts->lock_timeout_ms;
	eo->prune = opts->prune;
	eo->allow_replace = opts->allow_replace;
	eo->adopt = opts->adopt;
	eo->force_shared = opts->force_shared;
	eo->show_secrets = opts->show_secrets;
	eo->refresh = opts->refresh;
	eo->cancel_fd = signals_install();
	eo->log = opts->quiet ? NULL : stderr;
	eo->progress_mode = (enum progress_mode)progress_mode_parse(opts->progress, stderr);
	eo->color = opts->color;
}

enum cmd_answer cmd_confirm(const char *question)
{
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return CMD_NO_TERMINAL;
	fprintf(tty, "%s Only 'yes' is accepted: ", question);
	fflush(tty);
	char answer[16] = "";
	bool ok = fgets(answer, sizeof(answer), tty) && !strcmp(answer, "yes\n");
	fclose(tty);
	return ok ? CMD_CONFIRMED : CMD_DECLINED;
}

int cmd_exit_code(enum engine_status status)
{
	switch (status) {
	case ENGINE_OK: return EXIT_OK;
	case ENGINE_BACKEND: return EXIT_BACKEND;
	case ENGINE_ACTIONS_FAILED: return EXIT_APPLY_FAILED;
	case ENGINE_BLOCKED: return EXIT_BLOCKED;
	case ENGINE_STATE: return EXIT_STATE;
	case ENGINE_LOCKED: return EXIT_LOCKED;
	case ENGINE_INTERRUPTED: return EXIT_INTERRUPTED;
	}
	return EXIT_APPLY_FAILED;
}

char *cmd_annotation_path(const char *file)
{
	const char *root = getenv("GITHUB_WORKSPACE");
	char *abs = realpath(file, NULL), *real_root = root && *root ? realpath(root, NULL) : NULL;
	char *out = NULL;
	if (abs && real_root) {
		size_t n = strlen(real_root);
		if (!strncmp(abs, real_root, n) && abs[n] == '/')
			out = xstrdup(abs + n + 1);
	}
	if (!out) {
		while (str_starts_with(file, "./"))
			file += 2;
		out = xstrdup(file);
	}
	free(abs);
	free(real_root);
	return out;
}

void cmd_print_diags(const struct cli_options *opts, const struct diag_list *diags)
{
	if (!opts->github) {
		diag_list_print(diags, stderr, opts->color);
		return;
	}
	struct strbuf out = STRBUF_INIT;
	for (size_t i = 0; i < diags->nr; i++) {
		const struct diag *d = &diags->items[i];
		const char *name = d->source ? d->source->name : NULL;
		/* "sbxapply" and "<stdin>" are no file of the repository */
		bool is_file = name && d->source->text && strcmp(name, "<stdin>");
		char *path = is_file ? cmd_annotation_path(name) : NULL;
		gha_annotation(&out, d->severity == DIAG_ERROR ? "error" : "warning", path, d->line, d->col,
			       d->severity == DIAG_ERROR ? "sbxapply: invalid" : "sbxapply: warning", d->message);
		free(path);
	}
	fwrite(out.buf, 1, out.len, stdout);
	fflush(stdout);
	strbuf_release(&out);
}

void cmd_checklist_json_begin(struct jsonw *w, int code, const char *const names[3], const size_t counts[3])
{
	jsonw_begin_object(w);
	jsonw_kv_int(w, "format_version", 1);
	jsonw_kv_bool(w, "ok", code == EXIT_OK);
	jsonw_kv_int(w, "exit_code", code);
	jsonw_key(w, "summary");
	jsonw_begin_object(w);
	for (size_t i = 0; i < 3; i++)
		jsonw_kv_int(w, names[i], (long long)counts[i]);
	jsonw_end_object(w);
	jsonw_key(w, "checks");
	jsonw_begin_array(w);
}

void cmd_hint_no_file(const struct cli_options *opts)
{
	if (opts->file_given || access(opts->file, F_OK) == 0)
		return;
	fprintf(stderr, "sbxapply: no %s in this directory or any parent; name the file with -f FILE, or write one from "
			"what this machine has with 'sbxapply init --from-host'\n",
		opts->file);
}

void cmd_runner_error_line(const char *err, struct strbuf *out)
{
	const char *end = strstr(err, "\nEnable it with");
	size_t len = end ? (size_t)(end - err) : strlen(err);
	for (size_t i = 0; i < len; i++) {
		if (!strncmp(err + i, "\n  ", 3)) {
			strbuf_addstr(out, out->len && out->buf[out->len - 1] == ':' ? " " : "; ");
			i += 2;
		} else {
			strbuf_addch(out, err[i] == '\n' ? ' ' : err[i]);
		}
	}
}
