/*
 * sbxapply run NAME [-- ARGS]: the guide's step 6. Validates the file, checks
 * that the sandbox is declared and exists, then replaces this process with
 * `sbx run NAME -- --model MODEL ARGS...` (the sandbox's declared model), so
 * the agent gets the terminal, the signals and the exit status directly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/cmd_common.h"
#include "lang/config.h"
#include "backends/sbx/sbx.h"
#include "backends/sbx/sbx_parse.h"
#include "backends/dmr/dmr_session.h"
#include "plan/inventory.h"
#include "refs/modelref.h"
#include "util/strutil.h"
#include "util/xalloc.h"

static int undeclared(const struct config *cfg, const char *name, const char *file)
{
	const char **names = xcalloc(cfg->nr_sandboxes + 1, sizeof(*names));
	struct strbuf list = STRBUF_INIT;
	for (size_t i = 0; i < cfg->nr_sandboxes; i++) {
		names[i] = cfg->sandboxes[i].name;
		strbuf_addf(&list, "%s%s", i ? ", " : "", names[i]);
	}
	const char *hint = str_suggest(name, names, cfg->nr_sandboxes);
	if (hint)
		cli_error("sandbox '%s' is not declared in '%s'; did you mean '%s'?", name, file, hint);
	else if (cfg->nr_sandboxes)
		cli_error("sandbox '%s' is not declared in '%s' (declared: %s)", name, file, list.buf);
	else
		cli_error("sandbox '%s' is not declared in '%s', which declares no sandboxes", name, file);
	strbuf_release(&list);
	free(names);
	return EXIT_USAGE;
}

/* 0 when `sbx ls` shows the sandbox; otherwise says why and returns an exit code. */
static int check_exists(const char *name, const char *state_dir, bool *run_name)
{
	struct sbx_client c;
	char *cache = inventory_dir(state_dir);
	struct strbuf err = STRBUF_INIT;
	struct sbx_sandbox *list = NULL;
	size_t nr = 0;
	int rc = EXIT_OK;
	sbx_client_init(&c, -1, NULL);
	sbx_client_set_cache_dir(&c, cache);
	if (sbx_client_detect(&c, &err) < 0 || sbx_sandboxes(&c, &list, &nr, &err) < 0) {
		cli_error("%s", err.buf);
		rc = EXIT_BACKEND;
	} else {
		size_t i;
		for (i = 0; i < nr && strcmp(list[i].name, name); i++)
			;
		if (i == nr) {
			cli_error("sandbox '%s' does not exist ('sbx ls' does not list it): run 'sbxapply apply' first", name);
			rc = EXIT_BACKEND;
		}
		*run_name = c.caps.run_name;
	}
	sbx_sandboxes_free(list, nr);
	sbx_client_release(&c);
	strbuf_release(&err);
	free(cache);
	return rc;
}

/* 0 when the runner has the sandbox's model; otherwise says why (and the fix) and returns an exit code. */
static int check_model(const struct config *cfg, const struct cfg_sandbox *s, const char *runner_url)
{
	if (!s->model)
		return EXIT_OK;
	struct dmr_discovery where = dmr_discovery_of(runner_url, cfg->runner_endpoint, false);
	struct dmr_session session;
	struct strbuf err = STRBUF_INIT;
	const struct dmr_model *models;
	size_t nr;
	dmr_session_init(&session, &where, -1, NULL, NULL);
	int rc = EXIT_OK;
	if (dmr_session_models(&session, &models, &nr, &err) < 0) {
		cli_error("%s", err.buf);
		rc = EXIT_BACKEND;
	} else {
		bool found = false;
		for (size_t i = 0; i < nr && !found; i++)
			for (size_t t = 0; t < models[i].nr_tags && !found; t++)
				found = modelref_equal(models[i].tags[t], s->model);
		if (!found) {
			cli_error("model '%s' of sandbox '%s' is not in Docker Model Runner at %s: run 'sbxapply apply' "
				  "(it pulls the model)",
				  s->model, s->name, session.dmr.endpoint.url);
			rc = EXIT_BACKEND;
		}
	}
	dmr_session_release(&session);
	strbuf_release(&err);
	return rc;
}

/* Whether the agent's arguments name a model themselves: then the declared one is not added. */
static bool names_model(const struct cli_options *opts)
{
	for (int i = 1; i < opts->nr_args; i++)
		if (!strcmp(opts->args[i], "--model") || !strncmp(opts->args[i], "--model=", 8))
			return true;
	return false;
}

static int run_exec(const struct cli_options *opts)
{
	if (opts->nr_args < 1) {
		cli_error("run needs the name of a sandbox: sbxapply run NAME [-- ARGS]");
		return EXIT_USAGE;
	}
	const char *name = opts->args[0];
	struct config cfg;
	int rc = cmd_load_config(opts, &cfg);
	if (rc) {
		config_release(&cfg);
		return rc;
	}
	const struct cfg_sandbox *s = config_find_sandbox(&cfg, name);
	if (!s) {
		rc = undeclared(&cfg, name, strcmp(opts->file, "-") ? opts->file : "<stdin>");
		config_release(&cfg);
		return rc;
	}
	bool run_name = true;
	bool own_model = names_model(opts);
	if ((rc = check_exists(name, opts->state_dir, &run_name)) ||
	    (!own_model && (rc = check_model(&cfg, s, opts->runner)))) {
		config_release(&cfg);
		return rc;
	}
	const char *program = getenv("SBXAPPLY_SBX") && *getenv("SBXAPPLY_SBX") ? getenv("SBXAPPLY_SBX") : "sbx";
	char **argv = xcalloc((size_t)opts->nr_args + 8, sizeof(*argv));
	size_t n = 0;
	argv[n++] = (char *)program;
	argv[n++] = "run";
	if (run_name)
		argv[n++] = "--name"; /* v0.33+: the positional form is deprecated */
	argv[n++] = (char *)name;
	bool add_model = s->model && !own_model;
	if (add_model || opts->nr_args > 1)
		argv[n++] = "--";
	if (add_model) {
		argv[n++] = "--model";
		argv[n++] = s->model;
	}
	for (int i = 1; i < opts->nr_args; i++)
		argv[n++] = opts->args[i];
	argv[n] = NULL;
	fflush(NULL);
	execvp(program, argv);
	int saved = errno;
	if (saved == ENOENT)
		cli_error("'%s' not found: install Docker Sandboxes (https://docs.docker.com/ai/sandboxes/get-started/) "
			  "or set SBXAPPLY_SBX to the sbx program",
			  program);
	else
		cli_error("cannot run '%s': %s", program, strerror(saved));
	free(argv);
	config_release(&cfg);
	return EXIT_BACKEND;
}

const struct cmd_entry cmd_run_entry = {
	.name = "run",
	.summary = "start the agent of a sandbox with its declared model (sbx run NAME -- --model M)",
	.usage = "sbxapply run [-f FILE] [--runner URL] NAME [-- AGENT_ARGS...]",
	.help = "Validates the file, then hands the terminal to `sbx run NAME -- --model MODEL\n"
		"AGENT_ARGS...`, where MODEL is the model the sandbox declares. The sandbox must be\n"
		"declared in the file and exist, and its model must be in Docker Model Runner\n"
		"(run 'sbxapply apply' first; both are checked, exit 4 naming what is missing).\n"
		"A --model among AGENT_ARGS replaces the declared one. The exit status is the\n"
		"agent's.\n",
	.options = OPT_FILE | OPT_ENGINE,
	.complete_args = "sandboxes",
	.agent_model_option = "--model",
	.exit_codes = EXIT_BIT(EXIT_OK) | EXIT_BIT(EXIT_USAGE) | EXIT_BIT(EXIT_INVALID) | EXIT_BIT(EXIT_BACKEND), /* then the agent's */
	.exec = run_exec,
};
