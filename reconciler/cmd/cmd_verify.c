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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/dmr/dmr_messages.h"
#include "backends/dmr/dmr_session.h"
#include "backends/sbx/sbx.h"
#include "backends/sbx/sbx_parse.h"
#include "backends/sbx/sbx_probe.h"
#include "cmd/cli.h"
#include "cmd/cmd_common.h"
#include "engine/scheduler.h"
#include "os/signals.h"
#include "lang/config.h"
#include "plan/inventory.h"
#include "refs/modelref.h"
#include "refs/policyrule.h"
#include "util/jsonw.h"
#include "util/strutil.h"
#include "util/xalloc.h"

#define MODELS_TIMEOUT_S 20
#define MESSAGES_TIMEOUT_S 300 /* a first request loads the model into memory */
#define VERIFY_PARALLELISM 8   /* sandboxes checked at once unless --parallelism says */
#define GUIDE_BASE_URL "http://host.docker.internal:12434"
#define ENABLE_RUNNER "docker desktop enable model-runner --tcp 12434"

#include "cmd/cmd_verify_report.h"

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

struct verify {
	const struct cli_options *opts;
	const struct config *cfg;
	struct report report;
	struct dmr_session dmr;
	struct dmr *runner; /* NULL: does not answer */
	const struct dmr_model *models;
	size_t nr_models;
	struct sbx_client sbx;
	bool sbx_ok;
	struct sbx_sandbox *sandboxes;
	size_t nr_sandboxes;
};

static void check_runner(struct verify *v)
{
	struct strbuf err = STRBUF_INIT;
	v->runner = dmr_session_client(&v->dmr, &err);
	if (v->runner && dmr_session_models(&v->dmr, &v->models, &v->nr_models, &err) < 0)
		v->runner = NULL;
	if (v->runner) {
		verify_add(&v->report, NULL, "runner", V_OK, NULL, NULL, "Docker Model Runner answers at %s (found via %s; %zu models)",
			   v->runner->endpoint.url, v->runner->found_via, v->nr_models);
	} else {
		/* dmr_connect's message lists every place tried, then how to enable the runner: keep the list */
		char *cut = strstr(err.buf, "\nEnable it with");
		if (cut)
			strbuf_setlen(&err, (size_t)(cut - err.buf));
		/* "tried:\n  A: why\n  B: why" on one line: "tried: A: why; B: why" */
		struct strbuf one = STRBUF_INIT;
		for (const char *p = err.buf; *p; p++) {
			if (!strncmp(p, "\n  ", 3)) {
				strbuf_addstr(&one, one.len && one.buf[one.len - 1] == ':' ? " " : "; ");
				p += 2;
			} else {
				strbuf_addch(&one, *p);
			}
		}
		v->report.backend_down = true;
		char *why = verify_excerpt(one.buf, 600);
		strbuf_release(&one);
		verify_add(&v->report, NULL, "runner", V_FAIL, "runner_down",
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
	if (sbx_client_detect(&v->sbx, &err) == 0 && sbx_sandboxes(&v->sbx, &v->sandboxes, &v->nr_sandboxes, &err) == 0) {
		v->sbx_ok = true;
		int major, minor, patch;
		if (v->sbx.version_line && sbx_parse_version(v->sbx.version_line, &major, &minor, &patch) == 0)
			verify_add(&v->report, NULL, "sbx", V_OK, NULL, NULL, "sbx v%d.%d.%d answers (%zu sandbox%s)", major, minor,
				   patch, v->nr_sandboxes, v->nr_sandboxes == 1 ? "" : "es");
		else
			verify_add(&v->report, NULL, "sbx", V_OK, NULL, NULL, "sbx answers (%zu sandbox%s)", v->nr_sandboxes,
				   v->nr_sandboxes == 1 ? "" : "es");
	} else {
		v->report.backend_down = true;
		char *why = verify_excerpt(err.buf, 400);
		verify_add(&v->report, NULL, "sbx", V_FAIL, "sbx_unavailable",
			   xstrdup("install Docker Sandboxes (https://docs.docker.com/ai/sandboxes/get-started/), or set "
				   "SBXAPPLY_SBX to the sbx program; 'sbx diagnose' tells what is wrong with one installed"),
			   "%s", why);
		free(why);
	}
	strbuf_release(&err);
}

/* How sbxapply apply would make the model exist, for the fix. */
static char *model_fix(const struct config *cfg, const char *model)
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
		verify_add(&v->report, s->name, "model", V_SKIP, NULL, NULL, "not checked: the sandbox declares no model");
		return;
	}
	if (!v->runner) {
		verify_add(&v->report, s->name, "model", V_SKIP, NULL, NULL, "not checked: the runner does not answer");
		return;
	}
	for (size_t i = 0; i < v->nr_models; i++)
		for (size_t t = 0; t < v->models[i].nr_tags; t++) {
			char *canonical = modelref_normalize(v->models[i].tags[t]);
			bool same = !strcmp(canonical, s->model_canonical);
			free(canonical);
			if (same) {
				verify_add(&v->report, s->name, "model", V_OK, NULL, NULL, "%s is in the runner (as %s, %.19s)", s->model,
					   v->models[i].tags[t], v->models[i].id);
				return;
			}
		}
	verify_add(&v->report, s->name, "model", V_FAIL, "model_missing", model_fix(v->cfg, s->model),
		   "%s is not in the runner", s->model);
}

/* ---- from inside a sandbox ---- */

struct target {
	const char *var; /* NULL: no known variable */
	enum dmr_api api;
	const char *check; /* "messages" or "chat" */
	const struct cfg_env *declared;
};

static const struct cfg_env *declared_env(const struct cfg_sandbox *s, const char *key)
{
	for (size_t i = 0; i < s->nr_env; i++)
		if (!strcmp(s->env[i].key, key))
			return &s->env[i];
	return NULL;
}

/*
 * The variable the agent reads its endpoint from: Claude Code's
 * ANTHROPIC_BASE_URL (the guide's step 4); for another agent, whichever of
 * ANTHROPIC_BASE_URL or OPENAI_BASE_URL the sandbox declares.
 */
static struct target target_of(const struct cfg_sandbox *s)
{
	struct target t = { .api = DMR_API_ANTHROPIC, .check = "messages" };
	if (!strcmp(s->agent, "claude") || declared_env(s, "ANTHROPIC_BASE_URL")) {
		t.var = "ANTHROPIC_BASE_URL";
	} else if (declared_env(s, "OPENAI_BASE_URL")) {
		t.var = "OPENAI_BASE_URL";
		t.api = DMR_API_OPENAI;
		t.check = "chat";
	}
	if (t.var)
		t.declared = declared_env(s, t.var);
	return t;
}

static void skip_inside(struct verify *v, const struct cfg_sandbox *s, const char *check, const char *why)
{
	verify_add(&v->report, s->name, "base_url", V_SKIP, NULL, NULL, "not checked: %s", why);
	verify_add(&v->report, s->name, "proxy", V_SKIP, NULL, NULL, "not checked: %s", why);
	verify_add(&v->report, s->name, check, V_SKIP, NULL, NULL, "not checked: %s", why);
}

/* Whether the file allows the rule resource for this sandbox (globally or for it). */
static bool rule_declared(const struct config *cfg, const struct cfg_sandbox *s, const char *rule)
{
	const struct cfg_strings *lists[] = { &cfg->policy.allow, &s->policy.allow };
	char *want = policyrule_normalize(rule);
	bool found = false;
	for (size_t l = 0; l < 2 && !found; l++)
		for (size_t i = 0; i < lists[l]->nr && !found; i++) {
			char *have = policyrule_normalize(lists[l]->items[i]);
			found = want && have && !strcmp(want, have);
			free(have);
		}
	free(want);
	return found;
}

/* A refusal by the proxy, as a failed check; false when the answer is not one. */
static bool refused(struct verify *v, const struct cfg_sandbox *s, const char *check, const struct sbx_probe_http *h,
		    const char *rule)
{
	enum sbx_proxy_refusal why = sbx_proxy_refusal(h);
	if (why == SBX_PROXY_NOT_REFUSED)
		return false;
	char *said = verify_excerpt(h->status ? h->body.buf : h->error.buf, 200);
	const char *cause = why == SBX_PROXY_NO_RULE ? "rule_missing" : why == SBX_PROXY_ORG ? "org_policy"
											     : "rule_denied";
	char *fix;
	if (why == SBX_PROXY_NO_RULE)
		fix = rule_declared(v->cfg, s, rule)
			      ? xasprintf("allow %s: sbxapply apply adds the rule back (%s declares it)", rule,
					  v->cfg->display_name)
			      : xasprintf("allow %s: add it to policy.allow in %s and run sbxapply apply (or: sbx policy "
					  "allow network %s)",
					  rule, v->cfg->display_name, rule);
	else if (why == SBX_PROXY_LOCAL_DENY)
		fix = xasprintf("remove the deny rule for %s ('sbx policy ls' shows it; 'sbx policy rm network "
				"--resource %s'), and drop it from policy.deny if %s declares it",
				rule, rule, v->cfg->display_name);
	else if (why == SBX_PROXY_ORG)
		fix = xasprintf("your organisation's policy blocks %s: ask its administrators to allow it", rule);
	else
		fix = xasprintf("a deny rule of the policy preset or of a kit matches %s ('sbx policy ls --wide' shows "
				"it): choose a preset that lets allow rules through, or remove the kit",
				rule);
	if (h->status)
		verify_add(&v->report, s->name, check, V_FAIL, cause, fix, "the sandbox's proxy refused %s (HTTP %ld: %s)", rule,
			   h->status, said);
	else
		verify_add(&v->report, s->name, check, V_FAIL, cause, fix, "the sandbox's proxy refused %s (%s)", rule, said);
	free(said);
	return true;
}

/*
 * The proxy could not reach the runner, or curl got no answer at all; false
 * otherwise. What the real proxy answers when an allowed upstream does not
 * answer is not confirmed (docs/backends.md §9): a 502, 503 or 504 is read as
 * that, and a missing answer (curl's own error) is reported as such.
 */
static bool unreachable(struct verify *v, const struct cfg_sandbox *s, const char *check,
			const struct sbx_probe_http *h, const char *url, const char *rule, const struct target *t)
{
	if (h->status == 502 || h->status == 503 || h->status == 504) {
		char *said = verify_excerpt(h->body.buf, 200);
		const char *port = strrchr(rule, ':') ? strrchr(rule, ':') + 1 : "12434";
		char *fix = v->runner ? xasprintf("the runner answers the host but not on %s: enable its TCP port "
						  "('docker desktop enable model-runner --tcp %s'), or point %s at the "
						  "port it listens on",
						  rule, port, t->var)
				      : xstrdup("start Docker Model Runner ('" ENABLE_RUNNER "' on Docker Desktop)");
		verify_add(&v->report, s->name, check, V_FAIL, "runner_unreachable", fix,
			   "the sandbox's proxy could not reach the runner at %s (HTTP %ld from %s: %s)", rule, h->status, url,
			   said);
		free(said);
		return true;
	}
	if (h->status)
		return false;
	char *said = verify_excerpt(h->error.buf, 200);
	if (h->curl_exit == 28 && !strcmp(check, "proxy"))
		verify_add(&v->report, s->name, check, V_FAIL, "timeout",
			   xstrdup("the runner or the proxy is stuck: see whether the runner answers on the host "
				   "(GET /models), then 'sbx diagnose'"),
			   "no answer from %s within %d s (%s)", url, MODELS_TIMEOUT_S, said);
	else if (h->curl_exit == 28)
		verify_add(&v->report, s->name, check, V_FAIL, "timeout",
			   xstrdup("a first request loads the model, which can take minutes for a large one: run sbxapply "
				   "verify again once it is loaded"),
			   "no answer from %s within %d s (%s)", url, MESSAGES_TIMEOUT_S, said);
	else
		verify_add(&v->report, s->name, check, V_FAIL, "no_answer",
			   xasprintf("check the sandbox's network and its proxy ('sbx diagnose'), and that %s names the host "
				     "as host.docker.internal",
				     t->var),
			   "no HTTP answer from %s (curl exit %d: %s)", url, h->curl_exit, said);
	free(said);
	return true;
}

static void check_base_url(struct verify *v, const struct cfg_sandbox *s, const struct target *t,
			   const struct sbx_probe_result *r)
{
	const char *file = v->cfg->display_name;
	bool hide = t->declared && t->declared->value.sensitive && !v->opts->show_secrets;
	if (r->end == SBX_PROBE_UNSET) {
		char *fix = t->declared
				    ? xasprintf("sbxapply apply writes it (%s declares it in env)", file)
				    : xasprintf("add %s: %s to the sandbox's env (or the top-level env) in %s, then run "
						"sbxapply apply",
						t->var, GUIDE_BASE_URL, file);
		verify_add(&v->report, s->name, "base_url", V_FAIL, "base_url_unset", fix,
			   "%s is not set in a login shell of the sandbox, nor in /etc/sandbox-persistent.sh", t->var);
		return;
	}
	if (r->end == SBX_PROBE_INVALID) {
		char *value = verify_excerpt(r->base ? r->base : "", 120);
		verify_add(&v->report, s->name, "base_url", V_FAIL, "base_url_invalid",
			   xasprintf("set %s to %s in the env of %s, then run sbxapply apply", t->var, GUIDE_BASE_URL, file),
			   "%s=%s is not an http:// or https:// URL", t->var, hide ? "(sensitive)" : value);
		free(value);
		return;
	}
	struct strbuf note = STRBUF_INIT;
	if (t->declared && r->base && strcmp(t->declared->value.text, r->base))
		strbuf_addf(&note, "; %s declares %s: sbxapply apply writes it", file,
			    hide ? "another value" : t->declared->value.text);
	verify_add(&v->report, s->name, "base_url", V_OK, NULL, NULL, "%s=%s %s%s", t->var, hide ? "(sensitive)" : r->base,
		   r->from_file ? "from /etc/sandbox-persistent.sh (a login shell did not set it)" : "in a login shell",
		   note.buf);
	strbuf_release(&note);
}

static void check_inside(struct verify *v, const struct cfg_sandbox *s, const struct sbx_sandbox *live)
{
	struct target t = target_of(s);
	const char *check = t.check;
	bool running = live->status && !strcmp(live->status, "running");
	if (!running && !v->opts->start) {
		verify_add(&v->report, s->name, "sandbox", V_OK, NULL, NULL, "exists, %s", live->status ? live->status : "stopped");
		skip_inside(v, s, check, "stopped; --start checks it");
		return;
	}
	verify_add(&v->report, s->name, "sandbox", V_OK, NULL, NULL, "%s", running ? "running" : "stopped: started for the checks (--start)");
	if (!t.var) {
		char *why = xasprintf("no base-URL variable is known for agent %s: declare ANTHROPIC_BASE_URL or "
				      "OPENAI_BASE_URL in its env",
				      s->agent);
		skip_inside(v, s, check, why);
		free(why);
		return;
	}
	struct strbuf body = STRBUF_INIT, err = STRBUF_INIT;
	if (s->model)
		dmr_messages_body(&body, s->model);
	struct sbx_probe_request req = { .var = t.var,
					 .models_path = "/models",
					 .chat_path = s->model ? dmr_messages_path(t.api) : "",
					 .body = body.buf,
					 .models_timeout_s = MODELS_TIMEOUT_S,
					 .chat_timeout_s = MESSAGES_TIMEOUT_S };
	struct sbx_probe_result r;
	sbx_probe_result_init(&r);
	if (sbx_probe_run(&v->sbx, s->name, &req, &r, &err) < 0 || r.end == SBX_PROBE_INCOMPLETE) {
		char *why = verify_excerpt(err.len ? err.buf : "the check script did not finish", 400);
		verify_add(&v->report, s->name, "base_url", V_FAIL, "exec_failed",
			   xasprintf("see that 'sbx exec %s true' works ('sbx diagnose' for sbx itself)", s->name),
			   "cannot run the check inside the sandbox: %s", why);
		verify_add(&v->report, s->name, "proxy", V_SKIP, NULL, NULL, "not checked: the check could not run");
		verify_add(&v->report, s->name, check, V_SKIP, NULL, NULL, "not checked: the check could not run");
		free(why);
		goto out;
	}
	check_base_url(v, s, &t, &r);
	if (r.end == SBX_PROBE_UNSET || r.end == SBX_PROBE_INVALID) {
		char *why = xasprintf("needs %s", t.var);
		verify_add(&v->report, s->name, "proxy", V_SKIP, NULL, NULL, "not checked: %s", why);
		verify_add(&v->report, s->name, check, V_SKIP, NULL, NULL, "not checked: %s", why);
		free(why);
		goto out;
	}
	if (r.end == SBX_PROBE_NO_CURL) {
		verify_add(&v->report, s->name, "proxy", V_SKIP, NULL, NULL, "not checked: curl is not installed in the sandbox");
		verify_add(&v->report, s->name, check, V_SKIP, NULL, NULL, "not checked: curl is not installed in the sandbox");
		goto out;
	}
	char *base = xstrdup(r.base);
	while (*base && base[strlen(base) - 1] == '/')
		base[strlen(base) - 1] = '\0';
	char *rule = sbx_proxy_rule_for_url(base);
	if (!rule)
		rule = xstrdup(base);
	char *models_url = xasprintf("%s/models", base);
	char *chat_url = xasprintf("%s%s", base, dmr_messages_path(t.api));
	bool proxy_ok = false;
	if (!refused(v, s, "proxy", &r.models, rule) && !unreachable(v, s, "proxy", &r.models, models_url, rule, &t)) {
		proxy_ok = true;
		verify_add(&v->report, s->name, "proxy", V_OK, NULL, NULL, "GET %s through the sandbox's proxy: HTTP %ld%s", models_url,
			   r.models.status,
			   r.models.status >= 200 && r.models.status < 300 ? "" : " (an answer: the path is checked next)");
	}
	if (!s->model) {
		verify_add(&v->report, s->name, check, V_SKIP, NULL, NULL, "not checked: the sandbox declares no model");
	} else if (!proxy_ok || !r.chat.ran) {
		verify_add(&v->report, s->name, check, V_SKIP, NULL, NULL, "not checked: needs the proxy check to pass");
	} else if (!refused(v, s, check, &r.chat, rule) && !unreachable(v, s, check, &r.chat, chat_url, rule, &t)) {
		struct strbuf detail = STRBUF_INIT;
		enum dmr_messages_answer a =
			dmr_messages_classify(t.api, r.chat.status, r.chat.body.buf, r.chat.body.len, &detail);
		const char *what = t.api == DMR_API_OPENAI ? "a chat completion" : "a message";
		switch (a) {
		case DMR_MESSAGES_OK:
			verify_add(&v->report, s->name, check, V_OK, NULL, NULL, "POST %s with model %s: %s came back%s%s", chat_url,
				   s->model, what, detail.len ? ", " : "", detail.buf);
			break;
		case DMR_MESSAGES_MODEL_MISSING:
			verify_add(&v->report, s->name, check, V_FAIL, "model_missing", model_fix(v->cfg, s->model),
				   "the runner does not have %s (HTTP 404 from %s: %s)", s->model, chat_url, detail.buf);
			break;
		case DMR_MESSAGES_NO_ROUTE:
			verify_add(&v->report, s->name, check, V_FAIL, "wrong_endpoint",
				   xasprintf("set %s to the runner itself, %s (the agent adds %s), in %s and run sbxapply apply",
					     t.var, t.api == DMR_API_OPENAI ? GUIDE_BASE_URL "/engines/v1" : GUIDE_BASE_URL,
					     dmr_messages_path(t.api), v->cfg->display_name),
				   "%s is not an endpoint of the runner (HTTP 404: %s)", chat_url, detail.buf);
			break;
		case DMR_MESSAGES_ERROR:
			verify_add(&v->report, s->name, check, V_FAIL, "runner_error",
				   xstrdup("the runner could not answer with this model: look at Docker Model Runner's logs"),
				   "POST %s with model %s: HTTP %ld: %s", chat_url, s->model, r.chat.status, detail.buf);
			break;
		case DMR_MESSAGES_UNEXPECTED:
			verify_add(&v->report, s->name, check, V_FAIL, "unexpected_answer",
				   xasprintf("check that %s points at Docker Model Runner (%s)", t.var, GUIDE_BASE_URL),
				   "POST %s answered HTTP %ld but not with %s: %s", chat_url, r.chat.status, what, detail.buf);
			break;
		}
		strbuf_release(&detail);
	}
	free(models_url);
	free(chat_url);
	free(rule);
	free(base);
out:
	sbx_probe_result_release(&r);
	strbuf_release(&body);
	strbuf_release(&err);
}

static void check_sandbox(struct verify *v, const struct cfg_sandbox *s)
{
	check_model(v, s);
	struct target t = target_of(s);
	if (!v->sbx_ok) {
		verify_add(&v->report, s->name, "sandbox", V_SKIP, NULL, NULL, "not checked: sbx is unavailable");
		skip_inside(v, s, t.check, "sbx is unavailable");
		return;
	}
	const struct sbx_sandbox *live = NULL;
	for (size_t i = 0; i < v->nr_sandboxes && !live; i++)
		if (!strcmp(v->sandboxes[i].name, s->name))
			live = &v->sandboxes[i];
	if (!live) {
		verify_add(&v->report, s->name, "sandbox", V_FAIL, "sandbox_missing", xstrdup("sbxapply apply creates it"),
			   "sandbox %s does not exist", s->name);
		skip_inside(v, s, t.check, "the sandbox does not exist");
		return;
	}
	check_inside(v, s, live);
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
	/* the shared state is read-only here (the listings, the config); the sbx client is thread-safe */
	struct verify local = *c->v;
	memset(&local.report, 0, sizeof(local.report));
	check_sandbox(&local, c->wanted[index]);
	c->reports[index] = local.report;
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
		for (size_t k = 0; k < reports[i].nr; k++) {
			struct check *from = &reports[i].checks[k];
			verify_add(&v->report, from->sandbox, from->name, from->status, from->cause, from->fix, "%s",
				   from->message);
			from->fix = NULL; /* taken */
		}
		verify_report_release(&reports[i]);
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

	struct verify v = { .opts = opts, .cfg = &cfg };
	int cancel_fd = signals_install();
	const char *env_url = getenv("MODEL_RUNNER_HOST");
	struct dmr_discovery where = { .flag_url = opts->runner,
				       .config_url = cfg.runner_endpoint,
				       .env_url = env_url && *env_url ? env_url : NULL };
	dmr_session_init(&v.dmr, &where, cancel_fd, NULL, NULL);
	sbx_client_init(&v.sbx, cancel_fd, NULL);
	char *cache = inventory_dir(opts->state_dir);
	sbx_client_set_cache_dir(&v.sbx, cache);
	free(cache);

	check_runner(&v);
	check_sbx(&v);
	check_sandboxes(&v, opts);

	size_t counts[3] = { 0, 0, 0 };
	for (size_t i = 0; i < v.report.nr; i++)
		counts[v.report.checks[i].status]++;
	rc = signals_received()	     ? EXIT_INTERRUPTED
	     : v.report.backend_down ? EXIT_BACKEND
	     : counts[V_FAIL]	     ? EXIT_APPLY_FAILED
				     : EXIT_OK;
	if (!strcmp(opts->output, "json"))
		verify_print_json(&v.report, rc, counts);
	else
		verify_print_text(&v.report, opts->quiet, counts);
	if (!cfg.nr_sandboxes && strcmp(opts->output, "json") && !opts->quiet)
		printf("(%s declares no sandboxes: only the host was checked)\n", cfg.display_name);

	verify_report_release(&v.report);
	sbx_sandboxes_free(v.sandboxes, v.nr_sandboxes);
	sbx_client_release(&v.sbx);
	dmr_session_release(&v.dmr);
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
	.options = OPT_FILE | OPT_OUTPUT | OPT_QUIET | OPT_ENGINE | OPT_VERIFY | OPT_OBSERVE,
	.exit_codes = EXIT_BIT(EXIT_OK) | EXIT_BIT(EXIT_USAGE) | EXIT_BIT(EXIT_INVALID) | EXIT_BIT(EXIT_BACKEND) | EXIT_BIT(EXIT_APPLY_FAILED) | EXIT_BIT(EXIT_INTERRUPTED),
	.complete_args = "sandboxes",
	.exec = verify_exec,
};
