/* verify's checks from inside a sandbox, through one `sbx exec` (cmd_verify.h). */
#include "cmd/cmd_verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/dmr/dmr_messages.h"
#include "backends/sbx/sbx_probe.h"
#include "refs/policyrule.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define MODELS_TIMEOUT_S 20
#define MESSAGES_TIMEOUT_S 300 /* a first request loads the model into memory */

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
	verify_add(v->report, s->name, "base_url", V_SKIP, NULL, NULL, "not checked: %s", why);
	verify_add(v->report, s->name, "proxy", V_SKIP, NULL, NULL, "not checked: %s", why);
	verify_add(v->report, s->name, check, V_SKIP, NULL, NULL, "not checked: %s", why);
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
		verify_add(v->report, s->name, check, V_FAIL, cause, fix, "the sandbox's proxy refused %s (HTTP %ld: %s)", rule,
			   h->status, said);
	else
		verify_add(v->report, s->name, check, V_FAIL, cause, fix, "the sandbox's proxy refused %s (%s)", rule, said);
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
		verify_add(v->report, s->name, check, V_FAIL, "runner_unreachable", fix,
			   "the sandbox's proxy could not reach the runner at %s (HTTP %ld from %s: %s)", rule, h->status, url,
			   said);
		free(said);
		return true;
	}
	if (h->status)
		return false;
	char *said = verify_excerpt(h->error.buf, 200);
	if (h->curl_exit == 28 && !strcmp(check, "proxy"))
		verify_add(v->report, s->name, check, V_FAIL, "timeout",
			   xstrdup("the runner or the proxy is stuck: see whether the runner answers on the host "
				   "(GET /models), then 'sbx diagnose'"),
			   "no answer from %s within %d s (%s)", url, MODELS_TIMEOUT_S, said);
	else if (h->curl_exit == 28)
		verify_add(v->report, s->name, check, V_FAIL, "timeout",
			   xstrdup("a first request loads the model, which can take minutes for a large one: run sbxapply "
				   "verify again once it is loaded"),
			   "no answer from %s within %d s (%s)", url, MESSAGES_TIMEOUT_S, said);
	else
		verify_add(v->report, s->name, check, V_FAIL, "no_answer",
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
				    ? xasprintf("sbxapply apply --refresh writes it (%s declares it in env)", file)
				    : xasprintf("add %s: %s to the sandbox's env (or the top-level env) in %s, then run "
						"sbxapply apply",
						t->var, GUIDE_BASE_URL, file);
		verify_add(v->report, s->name, "base_url", V_FAIL, "base_url_unset", fix,
			   "%s is not set in a login shell of the sandbox, nor in /etc/sandbox-persistent.sh", t->var);
		return;
	}
	if (r->end == SBX_PROBE_INVALID) {
		char *value = verify_excerpt(r->base ? r->base : "", 120);
		verify_add(v->report, s->name, "base_url", V_FAIL, "base_url_invalid",
			   xasprintf("set %s to %s in the env of %s, then run sbxapply apply --refresh", t->var,
				     GUIDE_BASE_URL, file),
			   "%s=%s is not an http:// or https:// URL", t->var, hide ? "(sensitive)" : value);
		free(value);
		return;
	}
	struct strbuf note = STRBUF_INIT;
	if (t->declared && r->base && strcmp(t->declared->value.text, r->base))
		strbuf_addf(&note, "; %s declares %s: sbxapply apply --refresh writes it", file,
			    hide ? "another value" : t->declared->value.text);
	verify_add(v->report, s->name, "base_url", V_OK, NULL, NULL, "%s=%s %s%s", t->var, hide ? "(sensitive)" : r->base,
		   r->from_file ? "from /etc/sandbox-persistent.sh (a login shell did not set it)" : "in a login shell",
		   note.buf);
	strbuf_release(&note);
}

void verify_check_inside(struct verify *v, const struct cfg_sandbox *s, const struct sbx_sandbox *live)
{
	struct target t = target_of(s);
	const char *check = t.check;
	bool running = live->status && !strcmp(live->status, "running");
	if (!running && !v->opts->start) {
		verify_add(v->report, s->name, "sandbox", V_OK, NULL, NULL, "exists, %s", live->status ? live->status : "stopped");
		skip_inside(v, s, check, "stopped; --start checks it");
		return;
	}
	verify_add(v->report, s->name, "sandbox", V_OK, NULL, NULL, "%s", running ? "running" : "stopped: started for the checks (--start)");
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
	if (sbx_probe_run(v->sbx, s->name, &req, &r, &err) < 0 || r.end == SBX_PROBE_INCOMPLETE) {
		char *why = verify_excerpt(err.len ? err.buf : "the check script did not finish", 400);
		verify_add(v->report, s->name, "base_url", V_FAIL, "exec_failed",
			   xasprintf("see that 'sbx exec %s true' works ('sbx diagnose' for sbx itself)", s->name),
			   "cannot run the check inside the sandbox: %s", why);
		verify_add(v->report, s->name, "proxy", V_SKIP, NULL, NULL, "not checked: the check could not run");
		verify_add(v->report, s->name, check, V_SKIP, NULL, NULL, "not checked: the check could not run");
		free(why);
		goto out;
	}
	check_base_url(v, s, &t, &r);
	if (r.end == SBX_PROBE_UNSET || r.end == SBX_PROBE_INVALID) {
		char *why = xasprintf("needs %s", t.var);
		verify_add(v->report, s->name, "proxy", V_SKIP, NULL, NULL, "not checked: %s", why);
		verify_add(v->report, s->name, check, V_SKIP, NULL, NULL, "not checked: %s", why);
		free(why);
		goto out;
	}
	if (r.end == SBX_PROBE_NO_CURL) {
		verify_add(v->report, s->name, "proxy", V_SKIP, NULL, NULL, "not checked: curl is not installed in the sandbox");
		verify_add(v->report, s->name, check, V_SKIP, NULL, NULL, "not checked: curl is not installed in the sandbox");
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
		verify_add(v->report, s->name, "proxy", V_OK, NULL, NULL, "GET %s through the sandbox's proxy: HTTP %ld%s", models_url,
			   r.models.status,
			   r.models.status >= 200 && r.models.status < 300 ? "" : " (an answer: the path is checked next)");
	}
	if (!s->model) {
		verify_add(v->report, s->name, check, V_SKIP, NULL, NULL, "not checked: the sandbox declares no model");
	} else if (!proxy_ok || !r.chat.ran) {
		verify_add(v->report, s->name, check, V_SKIP, NULL, NULL, "not checked: needs the proxy check to pass");
	} else if (!refused(v, s, check, &r.chat, rule) && !unreachable(v, s, check, &r.chat, chat_url, rule, &t)) {
		struct strbuf detail = STRBUF_INIT;
		enum dmr_messages_answer a =
			dmr_messages_classify(t.api, r.chat.status, r.chat.body.buf, r.chat.body.len, &detail);
		const char *what = t.api == DMR_API_OPENAI ? "a chat completion" : "a message";
		switch (a) {
		case DMR_MESSAGES_OK:
			verify_add(v->report, s->name, check, V_OK, NULL, NULL, "POST %s with model %s: %s came back%s%s", chat_url,
				   s->model, what, detail.len ? ", " : "", detail.buf);
			break;
		case DMR_MESSAGES_MODEL_MISSING:
			verify_add(v->report, s->name, check, V_FAIL, "model_missing", verify_model_fix(v->cfg, s->model),
				   "the runner does not have %s (HTTP 404 from %s: %s)", s->model, chat_url, detail.buf);
			break;
		case DMR_MESSAGES_NO_ROUTE:
			verify_add(v->report, s->name, check, V_FAIL, "wrong_endpoint",
				   xasprintf("set %s to the runner itself, %s (the agent adds %s), in %s and run sbxapply apply",
					     t.var, t.api == DMR_API_OPENAI ? GUIDE_BASE_URL "/engines/v1" : GUIDE_BASE_URL,
					     dmr_messages_path(t.api), v->cfg->display_name),
				   "%s is not an endpoint of the runner (HTTP 404: %s)", chat_url, detail.buf);
			break;
		case DMR_MESSAGES_ERROR:
			verify_add(v->report, s->name, check, V_FAIL, "runner_error",
				   xstrdup("the runner could not answer with this model: look at Docker Model Runner's logs"),
				   "POST %s with model %s: HTTP %ld: %s", chat_url, s->model, r.chat.status, detail.buf);
			break;
		case DMR_MESSAGES_UNEXPECTED:
			verify_add(v->report, s->name, check, V_FAIL, "unexpected_answer",
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

void verify_skip_inside(struct verify *v, const struct cfg_sandbox *s, const char *why)
{
	skip_inside(v, s, target_of(s).check, why);
}
