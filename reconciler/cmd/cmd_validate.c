/* sbxapply validate: read, interpolate and check sandbox.yaml; change nothing. */
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/cmd_common.h"
#include "lang/config.h"
#include "util/jsonw.h"
#include "util/strbuf.h"

static void print_json(const struct config *cfg, const char *file, const struct diag_list *diags)
{
	struct strbuf out = STRBUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &out, true);
	jsonw_begin_object(&w);
	jsonw_kv_int(&w, "format_version", 1);
	jsonw_kv_string(&w, "file", file);
	jsonw_kv_bool(&w, "valid", diags->errors == 0);
	jsonw_kv_int(&w, "error_count", (long long)diags->errors);
	jsonw_kv_int(&w, "warning_count", (long long)diags->warnings);
	jsonw_key(&w, "diagnostics");
	jsonw_begin_array(&w);
	for (size_t i = 0; i < diags->nr; i++) {
		const struct diag *d = &diags->items[i];
		jsonw_begin_object(&w);
		jsonw_kv_string(&w, "severity", d->severity == DIAG_ERROR ? "error" : "warning");
		jsonw_kv_string(&w, "file", d->source ? d->source->name : file);
		jsonw_kv_int(&w, "line", d->line);
		jsonw_kv_int(&w, "column", d->col);
		jsonw_kv_string(&w, "message", d->message);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	if (!diags->errors) {
		jsonw_key(&w, "summary");
		jsonw_begin_object(&w);
		jsonw_kv_string(&w, "project", cfg->project);
		jsonw_kv_int(&w, "models", (long long)cfg->nr_models);
		jsonw_kv_int(&w, "packages", (long long)cfg->nr_packages);
		jsonw_kv_int(&w, "sandboxes", (long long)cfg->nr_sandboxes);
		jsonw_end_object(&w);
	}
	jsonw_end_object(&w);
	fwrite(out.buf, 1, out.len, stdout);
	fputc('\n', stdout);
	strbuf_release(&out);
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static int validate_exec(const struct cli_options *opts)
{
	struct config cfg;
	struct diag_list diags = DIAG_LIST_INIT;
	if (opts->nr_args) {
		cli_error("validate takes no arguments; use -f FILE to name the file");
		return EXIT_USAGE;
	}
	struct config_options co = { .offline = opts->offline };
	int rc = config_load(&cfg, opts->file, &co, &diags);
	if (rc == 0 && opts->strict && diags.warnings)
		rc = -1; /* --strict: a warning fails the file */
	const char *name = strcmp(opts->file, "-") ? opts->file : "<stdin>";
	if (!strcmp(opts->output, "json")) {
		print_json(&cfg, name, &diags);
	} else {
		cmd_print_diags(opts, &diags);
		if (rc == 0 && !opts->quiet)
			printf("%s is valid: project %s, %zu %s, %zu %s, %zu %s\n", name, cfg.project,
			       cfg.nr_models, plural(cfg.nr_models, "model", "models"),
			       cfg.nr_packages, plural(cfg.nr_packages, "package", "packages"),
			       cfg.nr_sandboxes, plural(cfg.nr_sandboxes, "sandbox", "sandboxes"));
		else if (rc != 0)
			fprintf(stderr, "%s: %zu %s, %zu %s\n", name, diags.errors, plural(diags.errors, "error", "errors"),
				diags.warnings, plural(diags.warnings, "warning", "warnings"));
		if (rc != 0)
			cmd_hint_no_file(opts);
	}
	diag_list_release(&diags);
	config_release(&cfg);
	return rc == 0 ? EXIT_OK : EXIT_INVALID;
}

const struct cmd_entry cmd_validate_entry = {
	.name = "validate",
	.summary = "check sandbox.yaml and report every problem",
	.usage = "sbxapply validate [-f FILE] [-o text|json] [-q] [--strict] [--offline] [--format text|github]",
	.help = "Reads the file, interpolates ${VAR} from the environment and the .env beside it,\n"
		"and checks it against the sandbox.yaml language. Every problem is reported as\n"
		"file:line:col: message, with the line and a caret, sorted. Touches no backend.\n"
		"Warnings (the guide's usual mistakes, among others) say how to fix them; with\n"
		"--strict they fail the file as errors do. --offline checks the file where it is not\n"
		"applied (a CI runner): unset variables and secrets, and missing workspaces and mounts,\n"
		"are warnings there.\n",
	.options = OPT_FILE | OPT_OUTPUT | OPT_QUIET | OPT_STRICT | OPT_OFFLINE | OPT_FORMAT,
	.exit_codes = EXIT_BIT(EXIT_OK) | EXIT_BIT(EXIT_USAGE) | EXIT_BIT(EXIT_INVALID),
	.exec = validate_exec,
};
