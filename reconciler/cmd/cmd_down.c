/*
 * sbxapply down: remove what this project created (never what it adopted or
 * found), after a confirmation; --yes for CI. Sandboxes go too: down is the
 * explicit request that --allow-replace stands for elsewhere.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/signals.h"
#include "core/config.h"
#include "core/engine.h"
#include "core/plan_render.h"
#include "util/strbuf.h"

/* Asks on the terminal; false when there is none or the answer is not "yes". */
static bool confirm(size_t n)
{
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return false;
	fprintf(tty, "Delete these %zu resources? Only 'yes' is accepted: ", n);
	fflush(tty);
	char answer[16] = "";
	bool ok = fgets(answer, sizeof(answer), tty) && !strcmp(answer, "yes\n");
	fclose(tty);
	return ok;
}

static int down_exec(const struct cli_options *opts)
{
	struct config cfg;
	struct engine e;
	struct strbuf err = STRBUF_INIT, text = STRBUF_INIT;
	struct diag_list diags = DIAG_LIST_INIT;
	if (opts->nr_args) {
		cli_error("down takes no arguments");
		return EXIT_USAGE;
	}
	int rc = config_load(&cfg, opts->file, NULL, &diags);
	diag_list_print(&diags, stderr, opts->color);
	diag_list_release(&diags);
	if (rc < 0) {
		config_release(&cfg);
		return EXIT_INVALID;	/* the project name comes from the file: it must be valid */
	}
	struct engine_options eo = {
		.state_dir = opts->state_dir,
		.runner_url = opts->runner,
		.parallelism = (int)opts->parallelism,
		.lock_timeout_ms = opts->lock_timeout_ms,
		.prune = true,
		.allow_replace = true,
		.destroy = true,
		.show_secrets = opts->show_secrets,
		.cancel_fd = signals_install(),
		.log = opts->quiet ? NULL : stderr,
		.progress_mode = (enum progress_mode)progress_mode_parse(opts->progress, stderr),
		.color = opts->color,
	};
	rc = engine_open(&e, &cfg, &eo, &err);
	if (!rc)
		rc = engine_plan(&e, &err);
	if (rc) {
		cli_error("%s", err.buf);
		goto done;
	}
	struct render_options ro = { .color = opts->color && isatty(STDOUT_FILENO), .project = cfg.project };
	plan_render_text(&e.plan, &ro, &text);
	fwrite(text.buf, 1, text.len, stdout);
	fflush(stdout);
	size_t n = plan_count(&e.plan, ACTION_DELETE);
	if (!n || opts->dry_run)
		goto done;
	if (!opts->yes && !confirm(n)) {
		cli_error("nothing deleted: confirm on a terminal, or pass --yes");
		rc = EXIT_USAGE;
		goto done;
	}
	rc = engine_apply(&e, &err);
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
	.usage = "sbxapply down [-f FILE] [--yes] [OPTIONS]",
	.help = "Deletes every resource this project's inventory records as created by it,\n"
		"sandboxes included, unless another project's inventory uses it too. Resources that\n"
		"were already there when sbxapply first saw them (adopted) are never deleted.\n",
	.options = OPT_FILE | OPT_QUIET | OPT_ENGINE | OPT_APPLY | OPT_YES,
	.exec = down_exec,
};
