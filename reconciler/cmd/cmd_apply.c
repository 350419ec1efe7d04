/*
 * sbxapply apply | diff | plan: observe, compare and (for apply) change the
 * world to match sandbox.yaml. diff and plan never change anything and exit
 * 0 in sync, 1 with changes pending.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/cmd_common.h"
#include "lang/config.h"
#include "engine/engine.h"
#include "plan/plan_render.h"
#include "plan/plan_render_ci.h"
#include "engine/saved_plan.h"
#include "util/jsonw.h"
#include "util/strbuf.h"

enum mode {
	MODE_APPLY,
	MODE_DIFF,
	MODE_PLAN,
};

/*
 * The plan as asked: text, -o json, -o markdown (masked, for a pull-request
 * comment). With --format github the text plan is followed by one annotation
 * per change, on stdout as GitHub reads them.
 */
static void print_plan(const struct engine *e, const struct cli_options *opts)
{
	struct strbuf out = STRBUF_INIT;
	struct render_options ro = {
		.color = opts->color && isatty(STDOUT_FILENO),
		.show_secrets = opts->show_secrets,
		.project = e->cfg->project,
	};
	if (!strcmp(opts->output, "json"))
		plan_render_json(&e->plan, &ro, &out);
	else if (!strcmp(opts->output, "markdown"))
		plan_render_markdown(&e->plan, &ro, &out);
	else
		plan_render_text(&e->plan, &ro, &out);
	if (opts->github && strcmp(opts->file, "-")) {
		char *path = cmd_annotation_path(opts->file);
		plan_render_github(&e->plan, path, &out);
		free(path);
	}
	fwrite(out.buf, 1, out.len, stdout);
	fflush(stdout);
	strbuf_release(&out);
}

/* What an apply did: completed actions by type (an adoption is a no-op that completed). */
static void count_done(const struct engine *e, size_t counts[5])
{
	static const enum action_type order[5] = { ACTION_CREATE, ACTION_UPDATE, ACTION_REPLACE, ACTION_DELETE, ACTION_NOOP };
	memset(counts, 0, 5 * sizeof(*counts));
	for (size_t i = 0; e->tasks && i < e->plan.nr; i++)
		for (size_t k = 0; k < 5; k++)
			if (e->tasks[i].state == TASK_DONE && e->plan.actions[i].type == order[k])
				counts[k]++;
}

/* The last word of an apply, as a line for people or a JSON event for tools: counts of what was done. */
static void report_outcome(const struct engine *e, int rc, const struct strbuf *err, const struct cli_options *opts)
{
	size_t counts[5];
	count_done(e, counts);
	const char *what = rc == EXIT_OK	    ? "Apply complete"
			   : rc == EXIT_INTERRUPTED ? "Interrupted; what finished is recorded, run again to resume"
			   : rc == EXIT_BLOCKED	    ? "Applied, except what is blocked (nothing was tried there)"
			   : rc == EXIT_STATE	    ? "Stopped: the inventory cannot be written"
						    : "Apply failed partway; these did not complete";
	const char *event = rc == EXIT_OK ? "apply_complete" : rc == EXIT_INTERRUPTED ? "interrupted"
						       : rc == EXIT_BLOCKED	      ? "apply_blocked"
										      : "apply_failed";
	if (!strcmp(opts->progress, "json")) {
		struct strbuf sb = STRBUF_INIT;
		struct jsonw w;
		jsonw_init(&w, &sb, false);
		jsonw_begin_object(&w);
		jsonw_kv_string(&w, "event", event);
		jsonw_kv_int(&w, "exit_code", rc);
		jsonw_kv_int(&w, "created", (long long)counts[0]);
		jsonw_kv_int(&w, "updated", (long long)counts[1]);
		jsonw_kv_int(&w, "replaced", (long long)counts[2]);
		jsonw_kv_int(&w, "deleted", (long long)counts[3]);
		jsonw_kv_int(&w, "adopted", (long long)counts[4]);
		jsonw_kv_int(&w, "blocked", (long long)plan_count_blocked(&e->plan));
		if (err->len)
			jsonw_kv_string(&w, "message", err->buf);
		jsonw_end_object(&w);
		fprintf(stderr, "%s\n", sb.buf);
		strbuf_release(&sb);
		return;
	}
	if (rc != EXIT_OK)
		fprintf(stderr, "%s:\n%s\n", what, err->buf);
	if ((rc == EXIT_OK || rc == EXIT_BLOCKED) && !opts->quiet) {
		fprintf(stderr, "%s: %zu created, %zu updated, %zu replaced, %zu deleted",
			rc == EXIT_OK ? what : "Done", counts[0], counts[1], counts[2], counts[3]);
		if (counts[4])
			fprintf(stderr, ", %zu adopted", counts[4]);
		fputs(".\n", stderr);
	}
}

/*
 * Deleting or replacing anything asks first, as terraform does: on a
 * terminal the plan is shown and only "yes" goes on; without one, only --yes
 * lets those actions run (the rest applies, they are shown blocked). watch
 * never deletes or replaces what holds the user's work, whatever the flags.
 * Returns whether to ask once the plan is printed.
 */
static bool guard_destruction(struct engine *e, const struct cli_options *opts)
{
	if (opts->watching)
		plan_block_destructive(&e->plan, true,
				       "watch never deletes or replaces a sandbox: waiting for a manual 'sbxapply apply'");
	if (opts->yes || !plan_count_destructive(&e->plan, false))
		return false;
	FILE *tty = opts->watching ? NULL : fopen("/dev/tty", "r");
	if (tty) {
		fclose(tty);
		return true;
	}
	plan_block_destructive(&e->plan, false,
			       "deleting or replacing needs a confirmation: no terminal to ask, so pass --yes as well");
	return false;
}

static int ask_destruction(const struct engine *e)
{
	size_t n = plan_count_destructive(&e->plan, false);
	char question[96];
	snprintf(question, sizeof(question), "Apply this plan, with %zu %s?", n,
		 n == 1 ? "deletion or replacement" : "deletions or replacements");
	if (cmd_confirm(question) == CMD_CONFIRMED)
		return EXIT_OK;
	cli_error("not confirmed: nothing was applied");
	return EXIT_USAGE;
}

/* A YAML file given where a saved plan goes: by its name, as the user sees it. */
static bool looks_like_config(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml"));
}

static int run(const struct cli_options *cli, enum mode mode)
{
	struct config cfg;
	struct engine e;
	struct strbuf err = STRBUF_INIT;
	struct saved_plan saved = { 0 };
	struct cli_options local = *cli;
	const struct cli_options *opts = &local;
	bool from_saved = mode == MODE_APPLY && cli->nr_args == 1;
	if (cli->nr_args > (mode == MODE_APPLY ? 1 : 0)) {
		cli_error("unexpected argument '%s'; use -f FILE to name the file", cli->args[cli->nr_args - 1]);
		return EXIT_USAGE;
	}
	if (cli->out && !strcmp(cli->file, "-")) {
		cli_error("a plan read from stdin cannot be saved: name the file with -f");
		return EXIT_USAGE;
	}
	if (from_saved) {
		/* apply PLANFILE: the file, --prune, --allow-replace, --adopt, --force-shared and --refresh are the plan's */
		if (saved_plan_read(&saved, cli->args[0], &err) < 0) {
			if (looks_like_config(cli->args[0]))
				strbuf_addf(&err, "; to apply a sandbox.yaml, name it with -f: sbxapply apply -f %s",
					    cli->args[0]);
			cli_error("%s", err.buf);
			strbuf_release(&err);
			return EXIT_USAGE;
		}
		local.file = saved.config_path;
		local.prune = saved.prune;
		local.allow_replace = saved.allow_replace;
		local.adopt = saved.adopt;
		local.force_shared = saved.force_shared;
		local.refresh = saved.refresh;
	}
	int rc = cmd_load_config(opts, &cfg);
	if (rc) {
		config_release(&cfg);
		saved_plan_release(&saved);
		return rc;
	}
	struct engine_options eo;
	struct kinds_options ko;
	cmd_engine_options(opts, &eo, &ko);
	eo.read_only = mode != MODE_APPLY || opts->dry_run;
	ko.observe_only = eo.read_only;
	enum engine_status status = engine_open(&e, &cfg, &eo, &err);
	if (status == ENGINE_OK)
		status = engine_plan(&e, &err);
	rc = cmd_exit_code(status);
	if (!rc && from_saved && saved_plan_check(&saved, &e, &err) < 0)
		rc = EXIT_APPLY_FAILED; /* refused as a whole: nothing was applied */
	if (rc) {
		cli_error("%s", err.len ? err.buf : "interrupted");
		goto done;
	}
	if (opts->out) {
		char *abs = realpath(opts->file, NULL);
		int wrc = saved_plan_write(opts->out, &e, abs ? abs : opts->file, &err);
		free(abs);
		if (wrc < 0) {
			cli_error("%s", err.buf);
			rc = EXIT_USAGE;
			goto done;
		}
	}
	bool ask = mode == MODE_APPLY && !opts->dry_run && guard_destruction(&e, opts);
	size_t changes = plan_count_changes(&e.plan);
	/* -q prints only problems: no text plan; an output asked for with -o is printed all the same */
	if (!opts->quiet || strcmp(opts->output, "text"))
		print_plan(&e, opts);
	if (mode != MODE_APPLY) {
		rc = changes ? EXIT_CHANGES : EXIT_OK;
		goto done;
	}
	if (opts->dry_run)
		goto done;
	if (!e.plan.nr) {
		/* nothing to do; what observation confirmed (env blocks read back as written) is kept */
		if (engine_record_observation(&e, &err) < 0)
			fprintf(stderr, "sbxapply: warning: the inventory was not updated (%s): the next run reads again\n",
				err.buf);
		goto done;
	}
	if (ask && (rc = ask_destruction(&e)))
		goto done;
	rc = cmd_exit_code(engine_apply(&e, &err));
	report_outcome(&e, rc, &err, opts);
done:
	engine_close(&e);
	config_release(&cfg);
	saved_plan_release(&saved);
	strbuf_release(&err);
	return rc;
}

int cmd_apply_run(const struct cli_options *opts) { return run(opts, MODE_APPLY); }
static int apply_exec(const struct cli_options *opts) { return run(opts, MODE_APPLY); }
static int diff_exec(const struct cli_options *opts) { return run(opts, MODE_DIFF); }
static int plan_exec(const struct cli_options *opts) { return run(opts, MODE_PLAN); }

const struct cmd_entry cmd_apply_entry = {
	.name = "apply",
	.summary = "make Docker Model Runner and sbx match the file (the default command)",
	.usage = "sbxapply [-f FILE] [apply] [--prune] [--allow-replace] [--dry-run] [OPTIONS] | apply PLANFILE",
	.help = "Validates the file, observes Docker Model Runner and sbx (one bulk call per kind, in parallel),\n"
		"prints the plan and carries it out: independent actions run at the same time, and\n"
		"each one is recorded in the project's inventory as it completes. Interrupted, it\n"
		"stops starting actions and the next run resumes. A second run changes nothing.\n"
		"With PLANFILE (from 'sbxapply plan -out'), applies exactly that plan, and refuses\n"
		"when the file, the live state or the inventory moved since it was made.\n",
	.options = OPT_FILE | OPT_QUIET | OPT_ENGINE | OPT_CHANGE | OPT_APPLY | OPT_YES | OPT_STRICT | OPT_SECRETS | OPT_REFRESH | OPT_FORMAT,
	.exit_codes = EXIT_BIT(EXIT_OK) | EXIT_BIT(EXIT_USAGE) | EXIT_BIT(EXIT_INVALID) | EXIT_BIT(EXIT_BACKEND) | EXIT_BIT(EXIT_APPLY_FAILED) | EXIT_BIT(EXIT_LOCKED) | EXIT_BIT(EXIT_STATE) | EXIT_BIT(EXIT_BLOCKED) | EXIT_BIT(EXIT_INTERRUPTED),
	.complete_args = "files", /* PLANFILE */
	.exec = apply_exec,
};

const struct cmd_entry cmd_diff_entry = {
	.name = "diff",
	.summary = "show what apply would change; exit 1 when something would",
	.usage = "sbxapply diff [-f FILE] [-o text|json] [--prune] [OPTIONS]",
	.help = "Observes and plans like apply, changes nothing and exits 0 when in sync, 1 when\n"
		"changes are pending, 2 or more on errors: for CI and GitOps. Drift made outside\n"
		"sbxapply is marked as such.\n",
	.options = OPT_FILE | OPT_OUTPUT | OPT_QUIET | OPT_ENGINE | OPT_CHANGE | OPT_OBSERVE | OPT_STRICT | OPT_SECRETS | OPT_REFRESH |
		   OPT_FORMAT | OPT_MARKDOWN,
	.exit_codes = EXIT_BIT(EXIT_OK) | EXIT_BIT(EXIT_CHANGES) | EXIT_BIT(EXIT_USAGE) | EXIT_BIT(EXIT_INVALID) | EXIT_BIT(EXIT_BACKEND) | EXIT_BIT(EXIT_STATE) | EXIT_BIT(EXIT_INTERRUPTED),
	.exec = diff_exec,
};

const struct cmd_entry cmd_plan_entry = {
	.name = "plan",
	.summary = "print the plan (-o json for machines); exit 1 when changes are pending",
	.usage = "sbxapply plan [-f FILE] [-o text|json] [-out PLANFILE] [--prune] [OPTIONS]",
	.help = "The same as diff; -o json prints the plan with its format_version, each action's\n"
		"kind, name, action, changed fields (sensitive ones as (sensitive)) and reason.\n",
	.options = OPT_FILE | OPT_OUTPUT | OPT_QUIET | OPT_ENGINE | OPT_CHANGE | OPT_OBSERVE | OPT_OUT | OPT_STRICT |
		   OPT_SECRETS | OPT_REFRESH | OPT_FORMAT | OPT_MARKDOWN,
	.exit_codes = EXIT_BIT(EXIT_OK) | EXIT_BIT(EXIT_CHANGES) | EXIT_BIT(EXIT_USAGE) | EXIT_BIT(EXIT_INVALID) | EXIT_BIT(EXIT_BACKEND) | EXIT_BIT(EXIT_STATE) | EXIT_BIT(EXIT_INTERRUPTED),
	.exec = plan_exec,
};
