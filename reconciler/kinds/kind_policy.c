/*
 * Network policy (the guide's step 2): the store's one-time initialisation
 * and the allow/deny rules, global or scoped to a sandbox.
 *
 * Both kinds read one `sbx policy ls` per run, in the format the version has:
 * --json (v0.42+), the --wide rule table (v0.35+) or the old NAME TYPE
 * ORIGIN ... table. Only user rules are resources: rules from kits, org
 * policy and the `policy init` defaults are never observed, so they can never
 * be adopted, replaced or removed. A rule is identified by its scope, its
 * decision and its normalised resource: `localhost:12434`, `127.0.0.1:12434`
 * and `host.docker.internal:12434` are three different rules. sbx adds a
 * duplicate when asked to allow an existing rule, so the plan adds only what
 * is missing; removal needs --prune and an inventory record of creation.
 *
 * Names: "DECISION:RESOURCE" global, "SANDBOX/DECISION:RESOURCE" scoped (the
 * first '/' comes before the first ':' only in the scoped form).
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "kinds/kinds.h"
#include "kinds/kinds_sbx.h"
#include "refs/policyrule.h"
#include "util/strutil.h"
#include "util/xalloc.h"

const struct kind kind_sbx_version = {
	.name = "sbx",
	.noun = "sbx",
};

/* ---- the store ---- */

static void init_desired(const struct config *cfg, struct resource_set *out)
{
	if (!cfg->policy.init)
		return;
	struct resource *r = resource_new(&kind_policy_init, "network", NULL);
	resource_set_field(r, "mode", cfg->policy.init, false);
	resource_set_add(out, r);
}

static enum sbx_policy_format format_of(const struct sbx_caps *caps)
{
	return caps->policy_ls_json ? SBX_POLICY_JSON : caps->policy_ls_wide ? SBX_POLICY_WIDE : SBX_POLICY_TABLE_OLD;
}

/* Every rule `sbx policy ls` shows: shared (cached) or made again (after a change). */
static int list_rules(struct engine *e, bool fresh, struct sbx_rule **rules, size_t *nr, struct strbuf *err)
{
	struct sbx_client *c = kinds_sbx_client(e, err);
	if (!c)
		return -1;
	const struct strbuf *text;
	struct spawn_result res = SPAWN_RESULT_INIT;
	int rc;
	if (fresh) {
		static const char *const json_args[] = { "policy", "ls", "--json", NULL };
		static const char *const wide_args[] = { "policy", "ls", "--wide", NULL };
		static const char *const old_args[] = { "policy", "ls", NULL };
		enum sbx_policy_format f = format_of(&c->caps);
		rc = sbx_call(c, f == SBX_POLICY_JSON ? json_args : f == SBX_POLICY_WIDE ? wide_args : old_args, NULL, 0,
			      &res, err);
		text = &res.out;
	} else {
		rc = sbx_policy_ls_text(c, &text, err);
	}
	struct strbuf why = STRBUF_INIT;
	if (rc == 0 && sbx_parse_rules(text->buf, text->len, format_of(&c->caps), rules, nr, &why) < 0) {
		strbuf_addf(err, "cannot read 'sbx policy ls': %s", why.buf);
		rc = -1;
	}
	strbuf_release(&why);
	spawn_result_release(&res);
	return rc;
}

/* Never initialised: `policy ls` shows no rule at all (init seeds the default ones). */
static int init_observe(struct engine *e, struct resource_set *out, struct strbuf *err)
{
	struct sbx_rule *rules;
	size_t nr;
	if (!e->cfg->policy.init)
		return 0;
	if (list_rules(e, false, &rules, &nr, err) < 0)
		return -1;
	if (nr) {
		/*
		 * The mode a store was initialised with cannot be read back and
		 * `init` cannot run twice: an initialised store satisfies the file.
		 */
		struct resource *r = resource_new(&kind_policy_init, "network", NULL);
		resource_set_field(r, "mode", e->cfg->policy.init, false);
		resource_set_add(out, r);
	}
	sbx_rules_free(rules, nr);
	return 0;
}

static int init_apply(struct engine *e, const struct action *a, struct strbuf *err)
{
	if (a->type == ACTION_DELETE)
		return 0;	/* a store is never reset */
	struct sbx_client *c = kinds_sbx_client(e, err);
	if (!c)
		return -1;
	const char *args[] = { "policy", "init", resource_value(a->desired, "mode"), NULL };
	struct spawn_result res = SPAWN_RESULT_INIT;
	struct strbuf why = STRBUF_INIT;
	int rc = sbx_call(c, args, NULL, 0, &res, &why);
	if (rc < 0 && strstr(res.err.buf, "already initialized")) {
		/* someone initialised it since we looked: that is what the file asks for */
		engine_log(e, "the network policy store was already initialised: left as it is");
		rc = 0;
	} else if (rc < 0) {
		strbuf_addbuf(err, &why);
	}
	strbuf_release(&why);
	spawn_result_release(&res);
	return rc;
}

const struct kind kind_policy_init = {
	.name = "policy_init",
	.noun = "network policy store",
	.updatable = false,
	.desired = init_desired,
	.observe = init_observe,
	.apply = init_apply,
};

/* ---- rules ---- */

static char *rule_name(const char *scope, const char *decision, const char *resource)
{
	char *norm = policyrule_normalize(resource);
	char *name = scope ? xasprintf("%s/%s:%s", scope, decision, norm) : xasprintf("%s:%s", decision, norm);
	free(norm);
	return name;
}

static char *rule_display(const char *scope, const char *decision, const char *resource)
{
	return scope ? xasprintf("%s %s (sandbox %s)", decision, resource, scope) : xasprintf("%s %s", decision, resource);
}

/* Splits a rule name; the strings are malloc'd (scope NULL when global). */
static void split_name(const char *name, char **scope, char **decision, char **resource)
{
	const char *slash = strchr(name, '/'), *colon = strchr(name, ':');
	*scope = NULL;
	if (slash && colon && slash < colon) {
		*scope = xstrndup(name, (size_t)(slash - name));
		name = slash + 1;
		colon = strchr(name, ':');
	}
	*decision = xstrndup(name, colon ? (size_t)(colon - name) : strlen(name));
	*resource = xstrdup(colon ? colon + 1 : "");
}

static void add_rules(struct resource_set *out, const struct config *cfg, const char *scope,
		      const struct cfg_strings *list, const char *decision)
{
	for (size_t i = 0; i < list->nr; i++) {
		char *name = rule_name(scope, decision, list->items[i]);
		char *display = rule_display(scope, decision, list->items[i]);
		struct resource *r = resource_new(&kind_policy_rule, name, display);
		if (scope)
			resource_add_dep(r, &kind_sandbox, scope);
		if (cfg->policy.init)
			resource_add_dep(r, &kind_policy_init, "network");
		resource_set_add(out, r);
		free(name);
		free(display);
	}
}

static void rule_desired(const struct config *cfg, struct resource_set *out)
{
	add_rules(out, cfg, NULL, &cfg->policy.allow, "allow");
	add_rules(out, cfg, NULL, &cfg->policy.deny, "deny");
	for (size_t i = 0; i < cfg->nr_sandboxes; i++) {
		add_rules(out, cfg, cfg->sandboxes[i].name, &cfg->sandboxes[i].policy.allow, "allow");
		add_rules(out, cfg, cfg->sandboxes[i].name, &cfg->sandboxes[i].policy.deny, "deny");
	}
}

static bool managed(const struct sbx_rule *r)
{
	return r->user && r->decision && (!strcmp(r->decision, "allow") || !strcmp(r->decision, "deny")) &&
	       (!r->type || !strcmp(r->type, "network")) && r->resource && *r->resource;
}

static int rule_observe(struct engine *e, struct resource_set *out, struct strbuf *err)
{
	struct sbx_rule *rules;
	size_t nr;
	if (list_rules(e, false, &rules, &nr, err) < 0)
		return -1;
	/* what the installed version can express, for refine() */
	struct resource *v = resource_new(&kind_sbx_version, "sbx", NULL);
	const struct sbx_caps *caps = &kinds_backends(e)->sbx.caps;
	v->observed_id = xasprintf("v%d.%d.%d", caps->major, caps->minor, caps->patch);
	/* `policy init` seeds rules: a store that lists none was never initialised */
	resource_set_field(v, "store", nr ? "initialized" : "uninitialized", false);
	resource_set_add(out, v);
	for (size_t i = 0; i < nr; i++) {
		const struct sbx_rule *r = &rules[i];
		if (!managed(r))
			continue;
		char *name = rule_name(r->scope, r->decision, r->resource);
		char *display = rule_display(r->scope, r->decision, r->resource);
		struct resource *res = resource_new(&kind_policy_rule, name, display);
		/* by id only when the rule holds this resource alone: removing it then removes nothing else */
		res->observed_id = r->id && r->siblings == 1 ? xasprintf("id:%s", r->id) : xasprintf("resource:%s", r->resource);
		resource_set_add(out, res);
		free(name);
		free(display);
	}
	sbx_rules_free(rules, nr);
	return 0;
}

static void rule_refine(const struct plan_context *pc, struct action *a)
{
	char *scope, *decision, *resource;
	split_name(a->name, &scope, &decision, &resource);
	if (scope)
		kinds_sbx_redo_on_replace(pc, a, scope, "its rules may go");
	const struct resource *v = resource_set_find(pc->observed, &kind_sbx_version, "sbx");
	int major, minor, patch;
	struct sbx_caps caps;
	struct strbuf ignored = STRBUF_INIT;
	bool inexpressible = false;
	if (scope && a->type != ACTION_NOOP && v && v->observed_id &&
	    sbx_parse_version(v->observed_id, &major, &minor, &patch) == 0) {
		sbx_caps_for(&caps, major, minor, patch, &ignored);
		inexpressible = !caps.sandbox_rules;
	}
	if (inexpressible && !a->blocked)
		a->blocked = xasprintf("sbx %s cannot scope a rule to a sandbox (known from v0.%d): upgrade sbx, "
				       "or move the rule to the top-level policy", v->observed_id, SBX_OLDEST_KNOWN_MINOR);
	const char *store = v ? resource_value(v, "store") : NULL;
	if (a->type == ACTION_CREATE && !a->blocked && store && !strcmp(store, "uninitialized") &&
	    !resource_set_find(pc->desired, &kind_policy_init, "network"))
		a->blocked = xstrdup("the network policy store was never initialised, and sbx adds no rule before: "
				     "add 'init: balanced' (or allow-all, deny-all) under policy, or run 'sbx policy init'");
	strbuf_release(&ignored);
	free(scope);
	free(decision);
	free(resource);
}

static bool rule_present(const struct sbx_rule *rules, size_t nr, const char *name)
{
	for (size_t i = 0; i < nr; i++) {
		if (!managed(&rules[i]))
			continue;
		char *n = rule_name(rules[i].scope, rules[i].decision, rules[i].resource);
		bool same = !strcmp(n, name);
		free(n);
		if (same)
			return true;
	}
	return false;
}

static int rule_apply(struct engine *e, const struct action *a, struct strbuf *err)
{
	struct sbx_client *c = kinds_sbx_client(e, err);
	if (!c)
		return -1;
	char *scope, *decision, *resource;
	split_name(a->name, &scope, &decision, &resource);
	const char *args[12];
	size_t n = 0;
	int rc = 0;
	const char *target = a->observed && a->observed->observed_id ? a->observed->observed_id : NULL;
	if (a->type == ACTION_UPDATE) {
		/* re-checked after the sandbox was replaced: added again only if it went with it */
		struct sbx_rule *rules;
		size_t nr;
		if (list_rules(e, true, &rules, &nr, err) < 0) {
			rc = -1;
			goto done;
		}
		bool present = rule_present(rules, nr, a->name);
		sbx_rules_free(rules, nr);
		if (present)
			goto done;
	}
	args[n++] = "policy";
	if (a->type == ACTION_DELETE) {
		args[n++] = "rm";
		args[n++] = "network";
		if (target && str_starts_with(target, "id:")) {
			args[n++] = "--id";
			args[n++] = target + 3;
		} else {
			/* v0.32+: global by default, --sandbox NAME; before: -g | SANDBOX */
			if (scope && c->caps.sandbox_flag)
				args[n++] = "--sandbox";
			if (scope || !c->caps.sandbox_flag)
				args[n++] = scope ? scope : "-g";
			args[n++] = "--resource";
			args[n++] = target && str_starts_with(target, "resource:") ? target + 9 : resource;
		}
	} else {
		args[n++] = decision;
		args[n++] = "network";
		if (scope && c->caps.sandbox_flag)
			args[n++] = "--sandbox";
		if (scope || !c->caps.sandbox_flag)
			args[n++] = scope ? scope : "-g";
		args[n++] = resource;
	}
	args[n] = NULL;
	struct spawn_result res = SPAWN_RESULT_INIT;
	rc = sbx_call(c, args, NULL, 0, &res, err);
	if (rc < 0 && a->type == ACTION_DELETE && scope && sbx_no_such_sandbox(&res)) {
		strbuf_reset(err);	/* the sandbox went first */
		rc = 0;
	}
	spawn_result_release(&res);
done:
	free(scope);
	free(decision);
	free(resource);
	return rc;
}

const struct kind kind_policy_rule = {
	.name = "policy_rule",
	.noun = "policy rule",
	.updatable = false,
	.desired = rule_desired,
	.observe = rule_observe,
	.refine = rule_refine,
	.apply = rule_apply,
};
