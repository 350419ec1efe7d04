/*
 * sbxapply doctor: is this machine ready for sbxapply? One line per check,
 * each not-ok line with its fix:
 *
 *   sbx        found on PATH (or SBXAPPLY_SBX), and its version
 *   sbx_forms  the spelling of each command sbxapply uses with that release,
 *              and what the release lacks (backends/sbx/sbx_caps.h)
 *   requires   the file's requires.sbx against it
 *   policy     whether a network policy was chosen (its preset's rules)
 *   runner     Docker Model Runner, found as apply finds it, and its version
 *   docker     the docker client and its model plugin (`docker model version`)
 *   state_dir  the state directory can be written
 *   file       the file validates (no file: a warning)
 *
 * Read-only: it lists, asks for versions and writes only a temporary file in
 * the state directory (removed at once) and the sbx capability cache that
 * every run keeps. Exit 0 when nothing failed (warnings do not fail).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/dmr/dmr.h"
#include "backends/sbx/sbx.h"
#include "backends/sbx/sbx_parse.h"
#include "cmd/cli.h"
#include "cmd/cmd_common.h"
#include "cmd/cmd_doctor_report.h"
#include "cmd/cmd_requires.h"
#include "lang/config.h"
#include "os/signals.h"
#include "os/spawn.h"
#include "plan/inventory.h"
#include "util/strutil.h"
#include "util/xalloc.h"

#define DOCKER_TIMEOUT_MS 15000
#define INSTALL_SBX "https://docs.docker.com/ai/sandboxes/get-started/"

struct doctor {
	const struct cli_options *opts;
	struct doctor_report report;
	struct config cfg;
	bool loaded;   /* config_load() ran: cfg must be released */
	bool have_cfg; /* the file loaded and validated */
	int cancel_fd;
	struct sbx_client sbx;
	bool sbx_ok;
};

/* ---- the file (loaded first: it names the runner and the sbx it requires; reported last) ---- */

static void load_file(struct doctor *d, struct doctor_check *out)
{
	const char *file = d->opts->file;
	struct diag_list diags = DIAG_LIST_INIT;
	if (strcmp(file, "-") && access(file, F_OK) < 0 && errno == ENOENT) {
		out->status = DOCTOR_WARN;
		out->message = xasprintf("%s does not exist: only this machine was checked", file);
		out->fix = xstrdup("name the file with -f FILE, or start one from examples/claude-dmr/sandbox.yaml");
		return;
	}
	int rc = config_load(&d->cfg, file, NULL, &diags);
	d->loaded = true;
	d->have_cfg = rc == 0;
	const char *name = strcmp(file, "-") ? file : "<stdin>";
	const struct diag *first = NULL;
	for (size_t i = 0; i < diags.nr && !first; i++)
		if (diags.items[i].severity == (rc < 0 ? DIAG_ERROR : DIAG_WARNING))
			first = &diags.items[i];
	struct strbuf where = STRBUF_INIT;
	if (first && first->line)
		strbuf_addf(&where, "%s:%d:%d: %s", first->source ? first->source->name : name, first->line, first->col,
			    first->message);
	else if (first)
		strbuf_addf(&where, "%s: %s", name, first->message);
	if (rc < 0) {
		out->status = DOCTOR_FAIL;
		out->exit_code = EXIT_INVALID;
		out->message = xasprintf("%s does not validate (%zu %s; the first: %s)", name, diags.errors,
					 diags.errors == 1 ? "error" : "errors", where.buf);
		out->fix = xasprintf("'sbxapply validate -f %s' lists each problem with its line; correct them", name);
	} else if (diags.warnings) {
		out->status = DOCTOR_WARN;
		out->message = xasprintf("%s is valid, with %zu %s (the first: %s)", name, diags.warnings,
					 diags.warnings == 1 ? "warning" : "warnings", where.buf);
		out->fix = xasprintf("'sbxapply validate -f %s' shows each warning and its fix", name);
	} else {
		out->status = DOCTOR_OK;
		out->message = xasprintf("%s is valid: project %s, %zu %s, %zu %s, %zu %s", name, d->cfg.project,
					 d->cfg.nr_models, d->cfg.nr_models == 1 ? "model" : "models", d->cfg.nr_packages,
					 d->cfg.nr_packages == 1 ? "package" : "packages", d->cfg.nr_sandboxes,
					 d->cfg.nr_sandboxes == 1 ? "sandbox" : "sandboxes");
	}
	strbuf_release(&where);
	diag_list_release(&diags);
}

/* ---- sbx ---- */

static void check_sbx(struct doctor *d)
{
	struct strbuf err = STRBUF_INIT, text = STRBUF_INIT;
	char *cache = inventory_dir(d->opts->state_dir);
	sbx_client_init(&d->sbx, d->cancel_fd, NULL);
	sbx_client_set_cache_dir(&d->sbx, cache);
	free(cache);
	if (sbx_client_detect(&d->sbx, &err) < 0) {
		char *advice = strstr(err.buf, ": install Docker Sandboxes"); /* the fix says it */
		if (advice)
			strbuf_setlen(&err, (size_t)(advice - err.buf));
		doctor_add(&d->report, "sbx", DOCTOR_FAIL,
			   xasprintf("install Docker Sandboxes (%s), or set SBXAPPLY_SBX to the sbx program; "
				     "'sbx diagnose' tells what is wrong with one that is installed",
				     INSTALL_SBX),
			   "%s", err.buf)
			->exit_code = EXIT_BACKEND;
		strbuf_release(&err);
		return;
	}
	d->sbx_ok = true;
	struct sbx_client *c = &d->sbx;
	doctor_add(&d->report, "sbx", DOCTOR_OK, NULL, "sbx %s at %s (\"%s\"; %s)", c->version, c->path, c->version_line,
		   c->from_cache ? "its capabilities were remembered" : "its --help pages were read");

	/* the forms in use, and what this release lacks */
	bool scoped_rules = false;
	for (size_t i = 0; d->have_cfg && i < d->cfg.nr_sandboxes; i++)
		scoped_rules |= d->cfg.sandboxes[i].policy.allow.nr || d->cfg.sandboxes[i].policy.deny.nr;
	struct doctor_check *forms;
	if (scoped_rules && c->caps.rule_scope == SBX_SCOPE_GLOBAL_ONLY)
		forms = doctor_add(&d->report, "sbx_forms", DOCTOR_WARN,
				   xasprintf("install sbx v0.29 or later, or move the sandboxes' rules to the top-level "
					     "policy in %s",
					     d->cfg.display_name),
				   "sbx %s cannot scope a rule to one sandbox, and %s declares sandbox rules: the plan "
				   "blocks them",
				   c->version, d->cfg.display_name);
	else
		forms = doctor_add(&d->report, "sbx_forms", DOCTOR_OK, NULL, "the forms sbxapply uses with sbx %s:",
				   c->version);
	sbx_caps_describe(&c->caps, &text);
	doctor_add_details(forms, text.buf);
	strbuf_reset(&text);
	sbx_caps_lacks(&c->caps, &text);
	if (text.len) {
		struct strbuf lacks = STRBUF_INIT;
		for (const char *p = text.buf; *p;) {
			size_t n = strcspn(p, "\n");
			strbuf_addf(&lacks, "lacks: %.*s\n", (int)n, p);
			p += n + (p[n] == '\n');
		}
		doctor_add_details(forms, lacks.buf);
		strbuf_release(&lacks);
	}
	strbuf_reset(&text);
	if (sbx_client_take_warning(c, &text)) {
		char *note = xasprintf("note: %s", text.buf);
		doctor_add_details(forms, note);
		free(note);
	}
	strbuf_release(&text);
	strbuf_release(&err);
}

static void check_requires(struct doctor *d)
{
	if (!d->have_cfg || !d->cfg.requires_sbx)
		return;
	struct strbuf why = STRBUF_INIT;
	enum requires_outcome o = cmd_requires_sbx(&d->cfg, &d->sbx, &why);
	if (o == REQUIRES_MET)
		doctor_add(&d->report, "requires", DOCTOR_OK, NULL, "%s:%d: %s", d->cfg.display_name,
			   d->cfg.requires_sbx_mark.line, why.buf);
	else if (d->sbx_ok) /* unavailable is the sbx line's failure, with its fix */
		doctor_add(&d->report, "requires", DOCTOR_FAIL, cmd_requires_fix(&d->cfg), "%s:%d: %s", d->cfg.display_name,
			   d->cfg.requires_sbx_mark.line, why.buf)
			->exit_code = EXIT_BACKEND;
	strbuf_release(&why);
}

/*
 * sbx does not list whether a network policy was chosen: the preset's own
 * rules ("default-*") show it (docs/backends.md §9); v0.28 hides them once a
 * rule of the user's exists, so their absence proves nothing.
 */
static void check_policy(struct doctor *d)
{
	if (!d->sbx_ok)
		return;
	struct sbx_client *c = &d->sbx;
	const struct strbuf *text;
	struct strbuf err = STRBUF_INIT, presets = STRBUF_INIT;
	struct sbx_rule *rules = NULL;
	size_t nr = 0;
	enum sbx_policy_format f = c->caps.policy_list;
	int rc = sbx_policy_ls_text(c, &text, &err);
	if (rc == 0)
		rc = sbx_parse_rules(text->buf, text->len, f, &rules, &nr, &err);
	if (rc == 0 && nr == 0 && f == SBX_POLICY_JSON && c->caps.policy_ls_wide) {
		sbx_rules_free(rules, nr);
		rules = NULL;
		rc = sbx_policy_ls_wide_text(c, &text, &err);
		if (rc == 0)
			rc = sbx_parse_rules(text->buf, text->len, SBX_POLICY_WIDE, &rules, &nr, &err);
	}
	const char *named = NULL;
	size_t nr_presets = 0;
	for (size_t i = 0; rc == 0 && i < nr; i++) {
		if (!rules[i].preset || !rules[i].id || strstr(presets.buf, rules[i].id))
			continue;
		strbuf_addf(&presets, "%s%s", nr_presets++ ? ", " : "", rules[i].id);
		if (!strcmp(rules[i].id, "default-deny-all"))
			named = "deny-all (Locked Down)";
		else if (!strcmp(rules[i].id, "default-allow-all"))
			named = "allow-all (Open)";
	}
	const char *declared = d->have_cfg ? d->cfg.policy.init : NULL;
	if (rc < 0)
		doctor_add(&d->report, "policy", DOCTOR_WARN,
			   xstrdup("'sbx policy ls' should list the rules: run it to see the error, and 'sbx diagnose'"),
			   "cannot read the network policy store: %s", err.buf);
	else if (nr_presets)
		doctor_add(&d->report, "policy", DOCTOR_OK, NULL, "a network policy was chosen%s%s: its preset's rules are listed (%s)",
			   named ? ": " : "", named ? named : "", presets.buf);
	else if (declared)
		doctor_add(&d->report, "policy", DOCTOR_OK, NULL,
			   "sbx does not list whether a network policy was chosen; %s declares policy.init: %s, which apply "
			   "runs unless the store is initialised",
			   d->cfg.display_name, declared);
	else
		doctor_add(&d->report, "policy", DOCTOR_WARN,
			   xasprintf("if 'sbx create' fails with \"default network policy has not been configured\", run "
				     "'sbx policy %s balanced', or declare policy.init in the file",
				     c->caps.policy_init ? "init" : "set-default"),
			   "cannot tell whether a network policy was chosen: the store lists no preset rules (%zu %s)", nr,
			   nr == 1 ? "rule" : "rules");
	sbx_rules_free(rules, nr);
	strbuf_release(&presets);
	strbuf_release(&err);
}

/* ---- the runner and docker ---- */

static void check_runner(struct doctor *d)
{
	struct dmr_discovery where = dmr_discovery_of(d->opts->runner, d->have_cfg ? d->cfg.runner_endpoint : NULL, true);
	struct dmr runner;
	struct strbuf err = STRBUF_INIT, line = STRBUF_INIT;
	struct dmr_model *models = NULL;
	size_t nr = 0;
	char *version = NULL;
	dmr_init(&runner);
	runner.cancel_fd = d->cancel_fd;
	if (dmr_connect(&runner, &where, &err) < 0) {
		cmd_runner_error_line(err.buf, &line);
		doctor_add(&d->report, "runner", DOCTOR_FAIL,
			   xstrdup("start Docker Model Runner: 'docker desktop enable model-runner --tcp 12434' (Docker "
				   "Desktop) or install docker-model-plugin (Docker Engine); if it runs elsewhere, name it "
				   "with --runner URL, runner.endpoint or MODEL_RUNNER_HOST"),
			   "%s", line.buf)
			->exit_code = EXIT_BACKEND;
		goto out;
	}
	if (dmr_list(&runner, &models, &nr, &err) < 0) {
		doctor_add(&d->report, "runner", DOCTOR_FAIL,
			   xstrdup("the runner answers but cannot list its models: look at its logs ('docker model logs')"),
			   "Docker Model Runner at %s (found via %s): %s", runner.endpoint.url, runner.found_via, err.buf)
			->exit_code = EXIT_BACKEND;
		goto out;
	}
	strbuf_reset(&err);
	int v = dmr_version(&runner, &version, &err);
	doctor_add(&d->report, "runner", DOCTOR_OK, NULL, "Docker Model Runner %s at %s (found via %s; %zu %s)",
		   v > 0 ? version : v == 0 ? "(reports no version)"
					    : "(version unknown)",
		   runner.endpoint.url,
		   runner.found_via, nr, nr == 1 ? "model" : "models");
out:
	free(version);
	dmr_models_free(models, nr);
	dmr_release(&runner);
	strbuf_release(&err);
	strbuf_release(&line);
}

/*
 * `docker model version` (https://docs.docker.com/reference/cli/docker/model/version/)
 * is one of the plugin's runner-management commands, which never install or
 * start a runner, unlike `docker model status` (docs/backends.md §13).
 */
static void check_docker(struct doctor *d)
{
	static const char *const argv[] = { "docker", "model", "version", NULL };
	/* what the docker client is for: sbxapply speaks the runner's HTTP API itself */
	static const char *const needed_for =
		"sbxapply needs it only to find the runner through 'docker model status' (pulls and packages go "
		"through the runner's API)";
	struct spawn_request req = SPAWN_REQUEST_INIT;
	struct spawn_result res = SPAWN_RESULT_INIT;
	spawn_request_args(&req, argv);
	req.timeout_ms = DOCKER_TIMEOUT_MS;
	req.cancel_fd = d->cancel_fd;
	req.out_cap = req.err_cap = 64 * 1024;
	struct strbuf why = STRBUF_INIT;
	int rc = spawn_run(&req, &res);
	char *version = rc == 0 && spawn_result_ok(&res) ? doctor_plugin_version(res.out.buf) : NULL;
	if (rc < 0 && spawn_result_not_found(&res)) {
		doctor_add(&d->report, "docker", DOCTOR_WARN,
			   xasprintf("install Docker Desktop, or Docker Engine with the docker-model-plugin package; %s, "
				     "so --runner URL, runner.endpoint or MODEL_RUNNER_HOST do without it",
				     needed_for),
			   "the docker command is not installed");
	} else if (version) {
		doctor_add(&d->report, "docker", DOCTOR_OK, NULL, "docker model plugin %s ('docker model version')", version);
	} else if (strstr(res.err.buf, "is not a docker command") || strstr(res.err.buf, "unknown command")) {
		doctor_add(&d->report, "docker", DOCTOR_WARN,
			   xasprintf("install docker-model-plugin (Docker Engine) or enable Docker Model Runner in Docker "
				     "Desktop; %s",
				     needed_for),
			   "the docker client has no model plugin ('docker model version' is not a command)");
	} else {
		spawn_result_describe(&res, "docker model version", &why);
		doctor_add(&d->report, "docker", DOCTOR_WARN,
			   xasprintf("run 'docker model version' to see what is wrong; %s", needed_for), "%s", why.buf);
	}
	free(version);
	strbuf_release(&why);
	spawn_result_release(&res);
	spawn_request_release(&req);
}

/* ---- the state directory ---- */

static void check_state_dir(struct doctor *d)
{
	char *dir = inventory_dir(d->opts->state_dir);
	struct stat st;
	char *fix = xasprintf("make %s writable by you (or remove it: it is created again), or use --state-dir DIR",
			      dir);
	if (stat(dir, &st) == 0) {
		char *probe = xasprintf("%s/.doctor.XXXXXX", dir);
		int fd = S_ISDIR(st.st_mode) ? mkstemp(probe) : -1;
		int saved = errno;
		if (fd >= 0) {
			close(fd);
			unlink(probe);
			doctor_add(&d->report, "state_dir", DOCTOR_OK, NULL, "%s is writable (inventories, locks, the sbx cache)",
				   dir);
		} else {
			doctor_add(&d->report, "state_dir", DOCTOR_FAIL, xstrdup(fix), "cannot write in %s: %s", dir,
				   S_ISDIR(st.st_mode) ? strerror(saved) : "not a directory")
				->exit_code = EXIT_STATE;
		}
		free(probe);
	} else {
		/* the first directory that exists above it is where mkdir would start */
		char *parent = xstrdup(dir);
		char *slash;
		while ((slash = strrchr(parent, '/')) && slash != parent) {
			*slash = '\0';
			if (stat(parent, &st) == 0)
				break;
		}
		if (slash == parent)
			parent[1] = '\0';
		if (stat(parent, &st) == 0 && S_ISDIR(st.st_mode) && access(parent, W_OK | X_OK) == 0)
			doctor_add(&d->report, "state_dir", DOCTOR_OK, NULL, "%s does not exist yet; apply creates it (in %s)",
				   dir, parent);
		else
			doctor_add(&d->report, "state_dir", DOCTOR_FAIL, xstrdup(fix), "%s does not exist and cannot be made: %s "
										       "is not writable",
				   dir, parent)
				->exit_code = EXIT_STATE;
		free(parent);
	}
	free(fix);
	free(dir);
}

static int doctor_exec(const struct cli_options *opts)
{
	if (opts->nr_args) {
		cli_error("doctor takes no arguments; name the file with -f FILE");
		return EXIT_USAGE;
	}
	struct doctor d = { .opts = opts, .cancel_fd = signals_install() };
	struct doctor_check file = { .name = "file", .exit_code = EXIT_APPLY_FAILED };
	load_file(&d, &file);
	check_sbx(&d);
	check_requires(&d);
	check_policy(&d);
	check_runner(&d);
	check_docker(&d);
	check_state_dir(&d);
	/* the file last: the machine first, then what it is asked to do */
	XGROW(d.report.checks, d.report.alloc, d.report.nr + 1);
	d.report.checks[d.report.nr++] = file;

	int rc = signals_received() ? EXIT_INTERRUPTED : doctor_exit_code(&d.report);
	if (!strcmp(opts->output, "json"))
		doctor_print_json(&d.report, rc);
	else
		doctor_print_text(&d.report, opts->quiet);
	doctor_report_release(&d.report);
	sbx_client_release(&d.sbx);
	if (d.loaded)
		config_release(&d.cfg);
	return rc;
}

const struct cmd_entry cmd_doctor_entry = {
	.name = "doctor",
	.summary = "check that this machine is ready: sbx, the runner, docker, the state directory, the file",
	.usage = "sbxapply doctor [-f FILE] [-o text|json] [-q] [--runner URL] [--state-dir DIR]",
	.help = "Checks, one line each (ok, warn, or FAIL with the fix): sbx is found (its path and\n"
		"version), the form of each command sbxapply uses with that release and what it\n"
		"lacks, the file's requires.sbx, whether a network policy was chosen, Docker Model\n"
		"Runner (where it was found, its version), the docker client and its model plugin\n"
		"(only needed to find the runner), that the state directory can be written, and\n"
		"that the file validates (no file is a warning). Changes nothing.\n"
		"Exit: 0 when nothing failed (warnings do not fail), 4 sbx or the runner is unavailable\n"
		"or too old for requires.sbx, 7 the state directory cannot be written, 3 the file\n"
		"does not validate. -o json prints the same checks.\n",
	.options = OPT_FILE | OPT_OUTPUT | OPT_QUIET | OPT_ENGINE,
	.exit_codes = EXIT_BIT(EXIT_OK) | EXIT_BIT(EXIT_USAGE) | EXIT_BIT(EXIT_INVALID) | EXIT_BIT(EXIT_BACKEND) |
		      EXIT_BIT(EXIT_STATE) | EXIT_BIT(EXIT_INTERRUPTED),
	.exec = doctor_exec,
};
