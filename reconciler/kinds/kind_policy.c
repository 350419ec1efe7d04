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
	r->line = cfg->policy.init_line;
	resource_set_add(out, r);
}

/* `sbx policy ls` in a given format: the run's shared listing, or made again (after a change). */
static int read_rules(struct sbx_client *c, enum sbx_policy_format f, bool fresh, struct sbx_rule **rules, size_t *nr,
		      struct strbuf *err)
{
	const struct strbuf *text;
	struct spawn_result res = SPAWN_RESULT_INIT;
	int rc;
	if (fresh) {
		rc = sbx_call(c, sbx_policy_ls_args(f), NULL, 0, &res, err);
		text = &res.out;
	} else if (f == SBX_POLICY_WIDE && c->caps.policy_list == SBX_POLICY_JSON) {
		rc = sbx_policy_ls_wide_text(c, &text, err);
	} else {
		rc = sbx_policy_ls_text(c, &text, err);
	}
	struct strbuf why = STRBUF_INIT;
	if (rc == 0 && sbx_parse_rules(text->buf, text->len, f, rules, nr, &why) < 0) {
		strbuf_addf(err, "cannot read 'sbx policy ls': %s", why.buf);
		if (c->from_cache) {
			/* read in the form the remembered capabilities chose: they may be wrong, so ask again next run */
			sbx_client_forget_cached(c);
			strbuf_addstr(err, " (the remembered capabilities of this sbx are dropped: the next run asks it again)");
		}
		rc = -1;
	}
	strbuf_release(&why);
	spawn_result_release(&res);
	return rc;
}

/*
 * Every rule `sbx policy ls` shows. Its JSON has no documented shape: when
 * it holds no rule that can be read, the --wide table is read instead
 * (an initialised store always lists its preset's rules).
 */
static int list_rules(struct engine *e, bool fresh, struct sbx_rule **rules, size_t *nr, struct strbuf *err)
{
	struct sbx_client *c = kinds_sbx_client(e, err);
	if (!c)
		return -1;
	enum sbx_policy_format f = c->caps.policy_list;
	int rc = read_rules(c, f, fresh, rules, nr, err);
	if (rc == 0 && *nr == 0 && f == SBX_POLICY_JSON && c->caps.policy_ls_wide) {
		sbx_rules_free(*rules, *nr);
		rc = read_rules(c, SBX_POLICY_WIDE, fresh, rules, nr, err);
	}
	return rc;
}

static bool any_preset(const struct sbx_rule *rules, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		if (rules[i].preset)
			return true;
	return false;
}

/*
 * Whether a policy was chosen is not something sbx lists: the preset's own
 * rules ("default-*") show it, and so does an inventory that recorded the
 * init. Otherwise the store is taken as not initialised, and init runs:
 * sbx answering "already initialised" / "already set" is then success.
 */
static int init_observe(struct engine *e, struct resource_set *out, struct strbuf *err)
{
	struct sbx_rule *rules;
	size_t nr;
	if (!e->cfg->policy.init && !inventory_find(&e->inventory, kind_policy_init.name, "network") &&
	    !e->opts.observe_all)
		return 0;
	if (list_rules(e, false, &rules, &nr, err) < 0)
		return -1;
	if (any_preset(rules, nr) || inventory_find(&e->inventory, kind_policy_init.name, "network")) {
		/* the mode cannot be read back and init cannot run twice: an initialised store satisfies the file */
		struct resource *r = resource_new(&kind_policy_init, "network", NULL);
		if (e->cfg->policy.init)
			resource_set_field(r, "mode", e->cfg->policy.init, false);
		resource_set_add(out, r);
	}
	sbx_rules_free(rules, nr);
	return 0;
}

static int init_apply(struct engine *e, const struct action *a, struct strbuf *err)
{
	if (a->type == ACTION_DELETE)
		return 0; /* a store is never reset */
	struct sbx_client *c = kinds_sbx_client(e, err);
	if (!c)
		return -1;
	/* `policy init` from v0.34, `policy set-default` before (docs/backends.md §9) */
	const char *args[] = { "policy", c->caps.policy_init ? "init" : "set-default", resource_value(a->desired, "mode"),
			       NULL };
	struct spawn_result res = SPAWN_RESULT_INIT;
	struct strbuf why = STRBUF_INIT;
	int rc = sbx_call(c, args, NULL, 0, &res, &why);
	if (rc < 0 && (strstr(res.err.buf, "already initialized") || strstr(res.err.buf, "already set"))) {
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
	.backend_of = kinds_sbx_backend_of,
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
		r->line = list->lines ? list->lines[i] : 0;
		if (scope)
			resource_add_dep(r, &kind_sandbox, scope);
		if (cfg->policy.init)
			resource_add_dep(r, &kind_policy_init, "network");
		if (!strcmp(decision, "deny")) {
			/* sbx refuses a deny beside an allow of it (docker/sbx-releases#610): an allow this run
			 * deletes (moved from allow to deny in the file) goes first */
			char *allow = rule_name(scope, "allow", list->items[i]);
			resource_add_dep(r, &kind_policy_rule, allow);
			free(allow);
		}
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
	/* what the installed sbx can express, for the pure refine() */
	struct resource *v = resource_new(&kind_sbx_version, "sbx", NULL);
	const struct sbx_caps *caps = &kinds_backends(e)->sbx.caps;
	v->observed_id = xasprintf("v%d.%d.%d", caps->major, caps->minor, caps->patch);
	resource_set_field(v, "sandbox_rules", caps->rule_scope == SBX_SCOPE_GLOBAL_ONLY ? "no" : "yes", false);
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
		res->identity = r->id ? xasprintf("id:%s", r->id) : NULL;
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
	const char *sandbox_rules = v ? resource_value(v, "sandbox_rules") : NULL;
	if (scope && a->type != ACTION_NOOP && !a->blocked && sandbox_rules && !strcmp(sandbox_rules, "no"))
		a->blocked = xasprintf("sbx %s cannot scope a rule to a sandbox (its 'policy allow network' takes no "
				       "sandbox): upgrade sbx, or move the rule to the top-level policy",
				       v->observed_id);
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

/* The rule's scope as this sbx spells it (docs/backends.md §9); a scoped rule on a global-only sbx is blocked before. */
static size_t add_scope(const struct sbx_client *c, const char **args, size_t n, const char *scope)
{
	switch (c->caps.rule_scope) {
	case SBX_SCOPE_FLAG:
		if (scope) {
			args[n++] = "--sandbox";
			args[n++] = scope;
		}
		break;
	case SBX_SCOPE_POSITIONAL:
		args[n++] = scope ? scope : "-g";
		break;
	case SBX_SCOPE_GLOBAL_ONLY:
		break;
	}
	return n;
}

/*
 * The ids of rules just added (each of actions[0..nr) that is a rule), from
 * one fresh `policy ls`: a rule of the same resource added by hand later is
 * not ours. Nothing is asked when none of them is a rule.
 */
static void remember_identities(struct engine *e, const struct action *const *actions, size_t nr_actions)
{
	bool any = false;
	for (size_t k = 0; k < nr_actions && !any; k++)
		any = actions[k]->kind == &kind_policy_rule;
	if (!any)
		return;
	struct sbx_rule *rules;
	size_t nr;
	struct strbuf ignored = STRBUF_INIT;
	if (list_rules(e, true, &rules, &nr, &ignored) == 0) {
		for (size_t i = 0; i < nr; i++) {
			if (!managed(&rules[i]) || !rules[i].id)
				continue;
			char *n = rule_name(rules[i].scope, rules[i].decision, rules[i].resource);
			for (size_t k = 0; k < nr_actions; k++) {
				if (actions[k]->kind != &kind_policy_rule || strcmp(n, actions[k]->name))
					continue;
				char *id = xasprintf("id:%s", rules[i].id);
				engine_set_attr(e, actions[k], "identity", id);
				free(id);
			}
			free(n);
		}
		sbx_rules_free(rules, nr);
	}
	strbuf_release(&ignored);
}

void kinds_policy_identify(struct engine *e, const struct action *const *made, size_t nr)
{
	remember_identities(e, made, nr);
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
			n = add_scope(c, args, n, scope);
			args[n++] = "--resource";
			args[n++] = target && str_starts_with(target, "resource:") ? target + 9 : resource;
		}
	} else {
		args[n++] = decision;
		args[n++] = "network";
		n = add_scope(c, args, n, scope);
		args[n++] = resource;
	}
	args[n] = NULL;
	struct spawn_result res = SPAWN_RESULT_INIT;
	rc = sbx_call(c, args, NULL, 0, &res, err);
	/* a created rule's id is listed after the run, one listing for all (kinds_policy_identify) */
	if (rc == 0 && a->type == ACTION_UPDATE)
		remember_identities(e, &a, 1);
	if (rc < 0 && strstr(res.err.buf, "conflicts with existing allow rule"))
		strbuf_addstr(err, " (sbx refuses a deny beside an allow of the same resource at the same scope, "
				   "docker/sbx-releases#610: remove the allow rule, which the deny would override anyway; "
				   "one this project made goes with --prune)");
	if (rc < 0 && strstr(res.err.buf, "not been configured"))
		strbuf_addstr(err, " (choose a policy first: add 'init: balanced' under policy, or run 'sbx policy init')");
	if (rc < 0 && a->type == ACTION_DELETE && scope && sbx_no_such_sandbox(&res)) {
		strbuf_reset(err); /* the sandbox went first */
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
	.backend_of = kinds_sbx_backend_of,
	.noun = "policy rule",
	.updatable = false,
	.desired = rule_desired,
	.observe = rule_observe,
	.refine = rule_refine,
	.apply = rule_apply,
};
