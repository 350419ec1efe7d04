/*
 * sbxapply verify [SANDBOX...]: the guide's step 5 made a command. For every
 * declared sandbox (or those named) it checks, and prints one line per check:
 *
 *   host      runner    Docker Model Runner answers (dmr_connect's discovery)
 *   host      sbx       the sbx CLI answers and lists the sandboxes
 *   SANDBOX   model     its declared model is in the runner (normalised refs)
 *   SANDBOX   sandbox   it exists (and whether it runs)
 *   SANDBOX   base_url  ANTHROPIC_BASE_URL (or the agent's equivalent) is set
 *                       in a login shell inside it
 *   SANDBOX   proxy     the runner answers GET BASE/models from inside it,
 *                       through the sandbox's policy proxy
 *   SANDBOX   messages  POST BASE/v1/messages with the model returns a message
 *
 * The last three run as one `sbx exec` of a constant script
 * (backends/sbx/sbx_probe.h); `sbx exec` starts a stopped sandbox, so a
 * stopped one is checked only with --start. Every failure names its cause
 * and the fix. Nothing is changed, apart from starting a sandbox with --start.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/dmr/dmr_session.h"
#include "backends/sbx/sbx.h"
#include "backends/sbx/sbx_parse.h"
#include "cmd/cli.h"
#include "cmd/cmd_common.h"
#include "engine/scheduler.h"
#include "os/signals.h"
#include "lang/config.h"
#include "plan/inventory.h"
#include "refs/modelref.h"
#include "util/strutil.h"
#include "util/xalloc.h"

#define VERIFY_PARALLELISM 8 /* sandboxes checked at once unless --parallelism says */

#include "cmd/cmd_verify.h"

static int undeclared(const struct config *cfg, const char *name)
{
	const char **names = xcalloc(cfg->nr_sandboxes + 1, sizeof(*names));
	for (size_t i = 0; i < cfg->nr_sandboxes; i++)
		names[i] = cfg->sandboxes[i].name;
	const char *hint = str_suggest(name, names, cfg->nr_sandboxes);
	if (hint)
		cli_error("sandbox '%s' is not declared in '%s'; did you mean '%s'?", name, cfg->display_name, hint);
	else
		cli_error("sandbox '%s' is not declared in '%s'", name, cfg->display_name);
	free(names);
	return EXIT_USAGE;
}

/* ---- from the host ---- */

static void check_runner(struct verify *v)
{
	struct strbuf err = STRBUF_INIT;
	v->runner = dmr_session_client(v->dmr, &err);
	if (v->runner && dmr_session_models(v->dmr, &v->models, &v->nr_models, &err) < 0)
		v->runner = NULL;
	if (v->runner) {
		verify_add(v->report, NULL, "runner", V_OK, NULL, NULL, "Docker Model Runner answers at %s (found via %s; %zu models)",
			   v->runner->endpoint.url, v->runner->found_via, v->nr_models);
	} else {
		/* every place tried, on one line, without the advice the fix below gives */
		struct strbuf one = STRBUF_INIT;
		cmd_runner_error_line(err.buf, &one);
		v->report->backend_down = true;
		char *why = verify_excerpt(one.buf, 600);
		strbuf_release(&one);
		verify_add(v->report, NULL, "runner", V_FAIL, "runner_down",
			   xstrdup("start Docker Model Runner: '" ENABLE_RUNNER "' (Docker Desktop) or install "
				   "docker-model-plugin (Docker Engine); name it with --runner URL, runner.endpoint or "
				   "MODEL_RUNNER_HOST if it runs elsewhere"),
			   "%s", why);
		free(why);
	}
	strbuf_release(&err);
}

static void check_sbx(struct verify *v)
{
	struct strbuf err = STRBUF_INIT;
	if (sbx_client_detect(v->sbx, &err) == 0 && sbx_sandboxes(v->sbx, &v->sandboxes, &v->nr_sandboxes, &err) == 0) {
		v->sbx_ok = true;
		int major, minor, patch;
		if (v->sbx->version_line && sbx_parse_version(v->sbx->version_line, &major, &minor, &patch) == 0)
			verify_add(v->report, NULL, "sbx", V_OK, NULL, NULL, "sbx v%d.%d.%d answers (%zu sandbox%s)", major, minor,
				   patch, v->nr_sandboxes, v->nr_sandboxes == 1 ? "" : "es");
		else
			verify_add(v->report, NULL, "sbx", V_OK, NULL, NULL, "sbx answers (%zu sandbox%s)", v->nr_sandboxes,
				   v->nr_sandboxes == 1 ? "" : "es");
	} else {
		v->report->backend_down = true;
		char *why = verify_excerpt(err.buf, 400);
		verify_add(v->report, NULL, "sbx", V_FAIL, "sbx_unavailable",
			   xstrdup("install Docker Sandboxes (https://docs.docker.com/ai/sandboxes/get-started/), or set "
				   "SBXAPPLY_SBX to the sbx program; 'sbx diagnose' tells what is wrong with one installed"),
			   "%s", why);
		free(why);
	}
	strbuf_release(&err);
}

/* How sbxapply apply would make the model exist, for the fix. */
char *verify_model_fix(const struct config *cfg, const char *model)
{
	const struct cfg_package *p = config_find_package(cfg, model);
	if (p)
		return xasprintf("sbxapply apply packages it from %s (packages: declares it in %s)", p->from,
				 cfg->display_name);
	if (config_find_model(cfg, model))
		return xasprintf("sbxapply apply pulls it (models: declares it in %s)", cfg->display_name);
	return xasprintf("declare it under models: in %s, then sbxapply apply pulls it", cfg->display_name);
}

static void check_model(struct verify *v, const struct cfg_sandbox *s)
{
	if (!s->model) {
		verify_add(v->report, s->name, "model", V_SKIP, NULL, NULL, "not checked: the sandbox declares no model");
		return;
	}
	if (!v->runner) {
		verify_add(v->report, s->name, "model", V_SKIP, NULL, NULL, "not checked: the runner does not answer");
		return;
	}
	for (size_t i = 0; i < v->nr_models; i++)
		for (size_t t = 0; t < v->models[i].nr_tags; t++) {
			char *canonical = modelref_normalize(v->models[i].tags[t]);
			bool same = !strcmp(canonical, s->model_canonical);
			free(canonical);
			if (same) {
				verify_add(v->report, s->name, "model", V_OK, NULL, NULL, "%s is in the runner (as %s, %.19s)", s->model,
					   v->models[i].tags[t], v->models[i].id);
				return;
			}
		}
	verify_add(v->report, s->name, "model", V_FAIL, "model_missing", verify_model_fix(v->cfg, s->model),
		   "%s is not in the runner", s->model);
}

static void check_sandbox(struct verify *v, const struct cfg_sandbox *s)
{
	check_model(v, s);
	if (!v->sbx_ok) {
		verify_add(v->report, s->name, "sandbox", V_SKIP, NULL, NULL, "not checked: sbx is unavailable");
		verify_skip_inside(v, s, "sbx is unavailable");
		return;
	}
	const struct sbx_sandbox *live = NULL;
	for (size_t i = 0; i < v->nr_sandboxes && !live; i++)
		if (!strcmp(v->sandboxes[i].name, s->name))
			live = &v->sandboxes[i];
	if (!live) {
		verify_add(v->report, s->name, "sandbox", V_FAIL, "sandbox_missing", xstrdup("sbxapply apply creates it"),
			   "sandbox %s does not exist", s->name);
		verify_skip_inside(v, s, "the sandbox does not exist");
		return;
	}
	verify_check_inside(v, s, live);
}

/* One sandbox's checks, made on a worker thread into a report of its own. */
struct sandbox_checks {
	struct verify *v;
	const struct cfg_sandbox **wanted;
	struct report *reports;
};

static int check_one(void *ctx, size_t index, struct strbuf *err)
{
	struct sandbox_checks *c = ctx;
	if (signals_received())
		return 0; /* interrupted: the run ends with 130, unchecked sandboxes are not reported */
	/* the listings and the config are read-only by now; the backends lock themselves */
	struct verify local = *c->v;
	local.report = &c->reports[index];
	check_sandbox(&local, c->wanted[index]);
	return 0;
}

/*
 * The checks inside sandboxes are one `sbx exec` each, and a first message
 * may take a while (the runner loads the model): they run side by side, up
 * to --parallelism (default 8) at once, and are reported in file order.
 */
static void check_sandboxes(struct verify *v, const struct cli_options *opts)
{
	const struct config *cfg = v->cfg;
	const struct cfg_sandbox **wanted = xcalloc(cfg->nr_sandboxes + 1, sizeof(*wanted));
	size_t nr = 0;
	for (size_t i = 0; i < cfg->nr_sandboxes; i++) {
		bool named = opts->nr_args == 0;
		for (int a = 0; a < opts->nr_args && !named; a++)
			named = !strcmp(opts->args[a], cfg->sandboxes[i].name);
		if (named)
			wanted[nr++] = &cfg->sandboxes[i];
	}
	struct report *reports = xcalloc(nr + 1, sizeof(*reports));
	struct task *tasks = xcalloc(nr + 1, sizeof(*tasks));
	for (size_t i = 0; i < nr; i++)
		strbuf_init(&tasks[i].error);
	struct sandbox_checks c = { .v = v, .wanted = wanted, .reports = reports };
	scheduler_run(tasks, nr, opts->parallelism > 0 ? (int)opts->parallelism : VERIFY_PARALLELISM, check_one, &c, NULL);
	for (size_t i = 0; i < nr; i++) {
		verify_report_take(v->report, &reports[i]);
		strbuf_release(&tasks[i].error);
	}
	free(tasks);
	free(reports);
	free(wanted);
}

static int verify_exec(const struct cli_options *opts)
{
	struct config cfg;
	int rc = cmd_load_config(opts, &cfg);
	if (rc) {
		config_release(&cfg);
		return rc;
	}
	for (int i = 0; i < opts->nr_args; i++)
		if (!config_find_sandbox(&cfg, opts->args[i])) {
			rc = undeclared(&cfg, opts->args[i]);
			config_release(&cfg);
			return rc;
		}

	struct report report = { 0 };
	struct dmr_session dmr;
	struct sbx_client sbx;
	struct verify v = { .opts = opts, .cfg = &cfg, .report = &report, .dmr = &dmr, .sbx = &sbx };
	int cancel_fd = signals_install();
	struct dmr_discovery where = dmr_discovery_of(opts->runner, cfg.runner_endpoint, true);
	dmr_session_init(&dmr, &where, cancel_fd, NULL, NULL);
	sbx_client_init(&sbx, cancel_fd, NULL);
	char *cache = inventory_dir(opts->state_dir);
	sbx_client_set_cache_dir(&sbx, cache);
	free(cache);

	check_runner(&v);
	check_sbx(&v);
	check_sandboxes(&v, opts);

	size_t counts[3] = { 0, 0, 0 };
	for (size_t i = 0; i < report.nr; i++)
		counts[report.checks[i].status]++;
	rc = signals_received()	   ? EXIT_INTERRUPTED
	     : report.backend_down ? EXIT_BACKEND
	     : counts[V_FAIL]	   ? EXIT_APPLY_FAILED
				   : EXIT_OK;
	if (!strcmp(opts->output, "json"))
		verify_print_json(&report, rc, counts);
	else
		verify_print_text(&report, opts->quiet, counts);
	if (!cfg.nr_sandboxes && strcmp(opts->output, "json") && !opts->quiet)
		printf("(%s declares no sandboxes: only the host was checked)\n", cfg.display_name);

	verify_report_release(&report);
	sbx_sandboxes_free(v.sandboxes, v.nr_sandboxes);
	sbx_client_release(&sbx);
	dmr_session_release(&dmr);
	config_release(&cfg);
	return rc;
}

const struct cmd_entry cmd_verify_entry = {
	.name = "verify",
	.summary = "check that each sandbox's agent reaches its model (the guide's step 5)",
	.usage = "sbxapply verify [-f FILE] [-o text|json] [-q] [--start] [--parallelism N] [--runner URL] [SANDBOX...]",
	.help = "Checks, for every declared sandbox or those named, and prints one line per check\n"
		"(ok, FAIL with its cause and the fix, or skip when it could not be checked):\n"
		"  from the host: the runner answers; the sandbox's model is in it; sbx lists the sandbox;\n"
		"  inside the sandbox (sbx exec): ANTHROPIC_BASE_URL (OPENAI_BASE_URL for an agent that\n"
		"  declares only that) is set in a login shell; GET BASE/models answers through the\n"
		"  sandbox's policy proxy; POST BASE/v1/messages with the model returns a message.\n"
		"Changes nothing. sbx exec would start a stopped sandbox (without its MCP gateway), so\n"
		"a stopped one is checked inside only with --start. Sandboxes are checked side by side,\n"
		"--parallelism at once (default 8), and listed in file order. -o json prints the same as JSON.\n"
		"Exit: 0 every check passed (skipped ones do not fail), 4 the runner or sbx is\n"
		"unavailable, 5 a check failed, 2 a named sandbox is not declared, 3 invalid file.\n",
	.options = OPT_FILE | OPT_OUTPUT | OPT_QUIET | OPT_ENGINE | OPT_SECRETS | OPT_VERIFY | OPT_OBSERVE,
	.exit_codes = EXIT_BIT(EXIT_OK) | EXIT_BIT(EXIT_USAGE) | EXIT_BIT(EXIT_INVALID) | EXIT_BIT(EXIT_BACKEND) | EXIT_BIT(EXIT_APPLY_FAILED) | EXIT_BIT(EXIT_INTERRUPTED),
	.complete_args = "sandboxes",
	.exec = verify_exec,
};
