/*
 * sbxapply import COMPOSE: Compose's top-level `models:` (lang/compose_models.h)
 * as sandbox.yaml's `models:`. Compose's context_size and runtime_flags are
 * runtime settings (Compose configures the model on every `up`, docs/backends.md
 * §12), which is what a model's own context_size and runtime_flags are in
 * sandbox.yaml, so they map one to one; packages are not involved. The result is
 * validated, then printed, or written to -f FILE (a new file unless --force).
 */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd_common.h"
#include "cmd/init_render.h"
#include "lang/compose_models.h"
#include "os/fileio.h"
#include "util/xalloc.h"

/* Compose files are small; a cap keeps a wrong argument (a disk image) from being read whole. */
#define COMPOSE_MAX (16u << 20)

static void render(struct strbuf *out, const struct compose_models *m, const char *source)
{
	strbuf_addf(out, "# sandbox.yaml written by `sbxapply import %s`, from its top-level models: element.\n", source);
	strbuf_addstr(out, "# Compose's context_size and runtime_flags are runtime settings (docker compose\n"
			   "# configures them on every up); sandbox.yaml applies them the same way.\n"
			   "version: 1\nmodels:\n");
	for (size_t i = 0; i < m->nr; i++) {
		const struct compose_model *c = &m->items[i];
		strbuf_addstr(out, "  ");
		init_yaml_scalar(out, c->model, false);
		strbuf_addf(out, ":    # %s:%d, models.%s", source, c->line, c->name);
		if (c->also)
			strbuf_addf(out, " (and %s)", c->also);
		strbuf_addch(out, '\n');
		if (c->context_size) {
			/* digits or a ${VAR} (lang/compose_models.c): plain, so it reads as a number */
			strbuf_addf(out, "    context_size: %s\n", c->context_size);
		}
		if (c->has_flags) {
			strbuf_addstr(out, "    runtime_flags: [");
			for (size_t f = 0; f < c->nr_flags; f++) {
				strbuf_addstr(out, f ? ", " : "");
				init_yaml_scalar(out, c->runtime_flags[f], false);
			}
			strbuf_addstr(out, "]\n");
		}
	}
}

static int import_exec(const struct cli_options *opts)
{
	if (opts->nr_args != 1) {
		cli_error("import takes one Compose file: sbxapply import compose.yaml [-f sandbox.yaml]");
		return EXIT_USAGE;
	}
	const char *source = opts->args[0];
	bool to_file = opts->file_given && strcmp(opts->file, "-");
	if (to_file && access(opts->file, F_OK) == 0 && !opts->force) {
		cli_error("'%s' exists: import writes a new file; --force replaces it, or leave out -f to print it",
			  opts->file);
		return EXIT_USAGE;
	}
	struct strbuf text = STRBUF_INIT, out = STRBUF_INIT, err = STRBUF_INIT;
	struct diag_list diags = DIAG_LIST_INIT;
	struct compose_models models = { 0 };
	char *dir = NULL;
	int rc = EXIT_OK;
	if (read_file(source, &text, COMPOSE_MAX) < 0) {
		cli_error("cannot read '%s': %s", source, strerror(errno));
		rc = EXIT_USAGE;
		goto done;
	}
	int lr = compose_models_load(&models, source, text.buf, text.len, &diags);
	diag_list_print(&diags, stderr, opts->color);
	if (lr < 0) {
		fprintf(stderr, "%s: %zu %s; nothing was written\n", source, diags.errors,
			diags.errors == 1 ? "error" : "errors");
		rc = EXIT_INVALID;
		goto done;
	}
	render(&out, &models, source);
	/* checked as `validate` will read it, from where it will live */
	char *copy = xstrdup(to_file ? opts->file : "./x");
	dir = realpath(dirname(copy), NULL);
	free(copy);
	if (!dir) {
		cli_error("cannot write '%s': its directory: %s", opts->file, strerror(errno));
		rc = EXIT_USAGE;
		goto done;
	}
	struct config cfg;
	struct diag_list check = DIAG_LIST_INIT;
	int vr = config_parse(&cfg, to_file ? opts->file : "<stdout>", dir, out.buf, out.len, NULL, &check);
	if (vr < 0) {
		diag_list_print(&check, stderr, opts->color);
		cli_error("the models of '%s' do not make a valid sandbox.yaml (above): nothing was written", source);
		rc = EXIT_INVALID;
	}
	diag_list_release(&check);
	config_release(&cfg);
	if (rc)
		goto done;
	if (!to_file) {
		fwrite(out.buf, 1, out.len, stdout);
	} else if (write_file_atomic(opts->file, out.buf, out.len, &err) < 0) {
		cli_error("cannot write '%s': %s", opts->file, err.buf);
		rc = EXIT_STATE;
		goto done;
	}
	if (!opts->quiet)
		fprintf(stderr, "%s: %zu model%s imported from %s; add sandboxes (and packages) to use them\n",
			to_file ? opts->file : "<stdout>", models.nr, models.nr == 1 ? "" : "s", source);
done:
	compose_models_release(&models);
	diag_list_release(&diags);
	strbuf_release(&text);
	strbuf_release(&out);
	strbuf_release(&err);
	free(dir);
	return rc;
}

const struct cmd_entry cmd_import_entry = {
	.name = "import",
	.summary = "turn a Compose file's top-level models: into sandbox.yaml models",
	.usage = "sbxapply import COMPOSE_FILE [-f FILE] [--force]",
	.help = "Reads the top-level models: element of a Compose file (each entry's model,\n"
		"context_size and runtime_flags, as the Compose specification defines them) and\n"
		"prints a sandbox.yaml declaring those models with the same runtime settings, or\n"
		"writes it to -f FILE (a new file; --force replaces one). Unknown keys are warnings,\n"
		"x-* extensions are skipped, and the result is validated before it is written.\n"
		"One model under two Compose names is one entry; with different settings, an error.\n",
	.options = OPT_FILE | OPT_QUIET | OPT_FORCE,
	.exit_codes = EXIT_BIT(EXIT_OK) | EXIT_BIT(EXIT_USAGE) | EXIT_BIT(EXIT_INVALID) | EXIT_BIT(EXIT_STATE),
	.exec = import_exec,
};
