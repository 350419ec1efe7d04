/*
 * sbxapply down: remove what this project created (never what it adopted or
 * found), after a confirmation; --yes for CI. Sandboxes go too: down is the
 * explicit request that --allow-replace stands for elsewhere.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/cmd_common.h"
#include "cmd/cmd_requires.h"
#include "lang/config.h"
#include "engine/engine.h"
#include "plan/plan_render.h"
#include "lang/dotenv.h"
#include "lang/schema.h"
#include "plan/inventory.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/*
 * down needs the project's name, never a secret's value: a variable set
 * nowhere (the environment, then the .env beside the file) reads as a
 * placeholder, so a secret whose variable is unset does not stop it.
 */
#define DOWN_UNSET "sbxapply-down-unset-variable"

static const char *down_getenv(void *ctx, const char *name)
{
	const char *v = getenv(name);
	if (!v)
		v = dotenv_get(ctx, name);
	return v ? v : DOWN_UNSET;
}

static int load_for_down(const struct cli_options *opts, struct config *cfg)
{
	struct diag_list diags = DIAG_LIST_INIT, ignored = DIAG_LIST_INIT;
	struct dotenv dotenv;
	bool from_stdin = !strcmp(opts->file, "-");
	const char *slash = from_stdin ? NULL : strrchr(opts->file, '/');
	char *env_path = slash ? xasprintf("%.*s/.env", (int)(slash - opts->file), opts->file) : xstrdup(".env");
	memset(&dotenv, 0, sizeof(dotenv));
	dotenv_load(&dotenv, env_path, env_path, &ignored); /* its own problems are reported by config_load */
	struct config_options co = { .getenv = down_getenv, .getenv_ctx = &dotenv };
	int rc = config_load(cfg, opts->file, &co, &diags);
	cmd_print_diags(opts, &diags);
	const char *name = from_stdin ? "<stdin>" : opts->file;
	if (rc < 0) {
		fprintf(stderr, "%s: %zu %s; nothing was done\n", name, diags.errors, diags.errors == 1 ? "error" : "errors");
		cmd_hint_no_file(opts);
	} else if (cfg->project && strstr(cfg->project, DOWN_UNSET)) {
		fprintf(stderr, "%s: the project name comes from a variable that is not set; nothing was done\n", name);
		rc = -1;
	}
	diag_list_release(&diags);
	diag_list_release(&ignored);
	dotenv_release(&dotenv);
	free(env_path);
	return rc < 0 ? EXIT_INVALID : EXIT_OK;
}

/*
 * down --project NAME: the file may be gone; the inventory names what the
 * project created, and that is all down needs. The config is empty but for
 * the project's name (the runner is then found as without runner.endpoint).
 */
static int config_for_project(const struct cli_options *opts, struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	const char *name = opts->project;
	size_t n = strlen(name);
	bool ok = n && n <= SCHEMA_PROJECT_MAX && (islower((unsigned char)name[0]) || isdigit((unsigned char)name[0]));
	for (size_t i = 0; ok && i < n; i++)
		ok = islower((unsigned char)name[i]) || isdigit((unsigned char)name[i]) || name[i] == '-' || name[i] == '_';
	if (!ok) {
		cli_error("'%s' is not a project name (lowercase letters, digits, '-' and '_', at most %d)", name,
			  SCHEMA_PROJECT_MAX);
		return EXIT_USAGE;
	}
	if (opts->file_given) {
		cli_error("down takes either -f FILE or --project NAME, not both");
		return EXIT_USAGE;
	}
	char *dir = inventory_dir(opts->state_dir);
	char *path = xasprintf("%s/%s.json", dir, name);
	int rc = EXIT_OK;
	if (access(path, F_OK) < 0) {
		cli_error("no inventory for project '%s' in %s: nothing recorded to take down (--state-dir names another "
			  "state directory)",
			  name, dir);
		rc = EXIT_USAGE;
	}
	free(path);
	free(dir);
	cfg->project = xstrdup(name);
	return rc;
}

/* "Delete this resource?" or "Delete these N resources?" */
static enum cmd_answer confirm(size_t n)
{
	char question[64];
	snprintf(question, sizeof(question), n == 1 ? "Delete this resource?" : "Delete these %zu resources?", n);
	return cmd_confirm(question);
}

static int down_exec(const struct cli_options *opts)
{
	struct config cfg;
	struct engine e;
	struct strbuf err = STRBUF_INIT, text = STRBUF_INIT;
	if (opts->nr_args) {
		cli_error("down takes no arguments");
		return EXIT_USAGE;
	}
	/* the project name comes from the file (valid; secrets need not be set), or from --project */
	int rc = opts->project ? config_for_project(opts, &cfg) : load_for_down(opts, &cfg);
	if (!rc && !opts->project)
		rc = cmd_check_requires(opts, &cfg);
	if (rc) {
		config_release(&cfg);
		return rc;
	}
	struct engine_options eo;
	struct kinds_options ko;
	cmd_engine_options(opts, &eo, &ko);
	eo.prune = eo.allow_replace = eo.destroy = true;
	ko.observe_only = opts->dry_run;
	enum engine_status status = engine_open(&e, &cfg, &eo, &err);
	if (status == ENGINE_OK)
		status = engine_plan(&e, &err);
	rc = cmd_exit_code(status);
	if (rc) {
		cli_error("%s", err.buf);
		goto done;
	}
	struct render_options ro = { .color = opts->color && isatty(STDOUT_FILENO), .project = cfg.project };
	plan_render_text(&e.plan, &ro, &text);
	if (!opts->quiet)
		fwrite(text.buf, 1, text.len, stdout);
	fflush(stdout);
	size_t n = plan_count(&e.plan, ACTION_DELETE);
	if (!n || opts->dry_run)
		goto done;
	enum cmd_answer answer = opts->yes ? CMD_CONFIRMED : confirm(n);
	if (answer != CMD_CONFIRMED) {
		cli_error(answer == CMD_DECLINED ? "nothing deleted" : "nothing deleted: confirm on a terminal, or pass --yes");
		rc = EXIT_USAGE;
		goto done;
	}
	rc = cmd_exit_code(engine_apply(&e, &err));
	if (rc)
		fprintf(stderr, "Down did not complete:\n%s\n", err.buf);
	else if (!opts->quiet)
		fprintf(stderr, "Down complete: %zu deleted.\n", n);
done:
	engine_close(&e);
	config_release(&cfg);
	strbuf_release(&err);
	strbuf_release(&text);
	return rc;
}

const struct cmd_entry cmd_down_entry = {
	.name = "down",
	.summary = "remove what this project created, after a confirmation",
	.usage = "sbxapply down [-f FILE | --project NAME] [--yes] [OPTIONS]",
	.help = "Deletes every resource this project's inventory records as created by it,\n"
		"sandboxes included, unless another project's inventory uses it too. Resources that\n"
		"were already there when sbxapply first saw them (adopted) are never deleted.\n"
		"--project NAME takes the project down from its inventory alone, when the file is gone.\n",
	.options = OPT_FILE | OPT_QUIET | OPT_ENGINE | OPT_APPLY | OPT_YES | OPT_PROJECT,
	.exit_codes = EXIT_BIT(EXIT_OK) | EXIT_BIT(EXIT_USAGE) | EXIT_BIT(EXIT_INVALID) | EXIT_BIT(EXIT_BACKEND) | EXIT_BIT(EXIT_APPLY_FAILED) | EXIT_BIT(EXIT_LOCKED) | EXIT_BIT(EXIT_STATE) | EXIT_BIT(EXIT_BLOCKED) | EXIT_BIT(EXIT_INTERRUPTED),
	.exec = down_exec,
};
