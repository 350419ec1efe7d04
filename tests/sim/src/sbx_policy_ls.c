/*
 * sbx_policy_ls: `sbx policy ls`, in the format of the release.
 *
 *  - before v0.35, the rule table NAME TYPE ORIGIN DECISION STATUS RESOURCES
 *    (policy-ls@unknown-i72.txt, -i78.txt, policy-ls@v0.28.3-*.txt): a
 *    blank line between rules, further resources on lines of their own
 *    under RESOURCES, user rules named local:<uuid>, presets by bare id,
 *    and on v0.28 and older the default-* rows hidden once another allow
 *    rule exists; network rules only; --json is an unknown flag;
 *  - from v0.35, one row per policy, POLICY SOURCE APPLIES TO SUMMARY
 *    (policy-ls@docs-v0.35plus.txt); --wide the rule table of
 *    policy-ls-wide@unknown-i588.txt; --json in a shape nobody documented,
 *    so sbxsim changes it between releases (README.md): {"rules":[...]}
 *    up to v0.41, {"policies":[{"id","name","source","rules":[...]}]} after.
 */
#include "sbx_internal.h"
#include "state.h"

#include <stdlib.h>
#include <string.h>

struct cells {
	const char **v;
	int ncols, nrows, cap;
	char **owned;
	int nowned;
};

static void row_add(struct cells *t, const char **row)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = xrealloc(t->v, sizeof(char *) * (size_t)(t->cap * t->ncols));
	}
	for (int c = 0; c < t->ncols; c++)
		t->v[t->nrows * t->ncols + c] = row ? row[c] : NULL;
	t->nrows++;
}

static const char *own(struct cells *t, char *s)
{
	t->owned = xrealloc(t->owned, sizeof(char *) * (size_t)(t->nowned + 1));
	t->owned[t->nowned++] = s;
	return s;
}

static void cells_free(struct cells *t)
{
	for (int i = 0; i < t->nowned; i++)
		free(t->owned[i]);
	free(t->owned);
	free(t->v);
}

static const char *sandbox_of(const cJSON *r)
{
	const cJSON *sb = cJSON_GetObjectItemCaseSensitive(r, "sandbox");
	return cJSON_IsString(sb) ? sb->valuestring : NULL;
}

static bool is_preset(const cJSON *r)
{
	return strcmp(json_str(r, "source", ""), "local") == 0 && str_starts(json_str(r, "id", ""), "default-");
}

static bool is_user(const cJSON *r)
{
	return strcmp(json_str(r, "source", ""), "local") == 0 && !is_preset(r);
}

static char *applies_to(const cJSON *r)
{
	return sandbox_of(r) ? xasprintf("sandbox:%s", sandbox_of(r)) : xstrdup("all");
}

/* The policy a rule shows under: its name, else its id (i588: "-" cells). */
static const char *policy_shown(const cJSON *r)
{
	const char *p = json_str(r, "policy", "-");
	return strcmp(p, "-") ? p : json_str(r, "policy_id", "-");
}

/* The rules the flags select, in store order. */
static cJSON *select_rules(struct sbx_ctx *ctx, const struct args *a, cJSON *doc, int *rc)
{
	const char *type = arg_str(a, "type") ? arg_str(a, "type") : "all";
	const char *source = arg_str(a, "source"), *decision = arg_str(a, "decision");
	const char *sandbox = a->npos ? a->pos[0] : NULL;
	bool v2 = sbx_has(ctx, F_POLICY_V2);
	if (strcmp(type, "all") && strcmp(type, "network") && (!v2 || strcmp(type, "filesystem"))) {
		*rc = sbx_error(ctx, "invalid --type \"%s\": must be %s", type,
				v2 ? "\"all\", \"network\", or \"filesystem\"" : "\"all\" or \"network\"");
		return NULL;
	}
	cJSON *out = cJSON_CreateArray();
	bool hide_presets = false;
	const cJSON *r;
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "rules")) {
		/* policy-ls@v0.28.3-user-rule.txt: the preset row vanishes once an
		 * allow rule of the user's (or a kit's: policy-ls@unknown-i72.txt)
		 * exists, though it still applies. */
		if (sbx_has(ctx, F_POLICY_LS_HIDES_PRESET) && !is_preset(r) && strcmp(json_str(r, "decision", ""), "allow") == 0)
			hide_presets = true;
	}
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "rules")) {
		const char *t = json_str(r, "type", "");
		bool network = strcmp(t, "network") == 0;
		if ((!v2 && !network) || (strcmp(type, "network") == 0 && !network) ||
		    (strcmp(type, "filesystem") == 0 && network))
			continue;
		if ((source && strcmp(source, json_str(r, "source", ""))) || (decision && strcmp(decision, json_str(r, "decision", ""))))
			continue;
		if (sandbox && sandbox_of(r) && strcmp(sandbox, sandbox_of(r)))
			continue;
		if (hide_presets && is_preset(r))
			continue;
		cJSON_AddItemToArray(out, cJSON_Duplicate(r, 1));
	}
	return out;
}

/* Resources: the first on the rule's row, the rest on rows of their own. */
static void add_rule_rows(struct cells *t, const char **row, const cJSON *r)
{
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(r, "resources");
	int n = cJSON_GetArraySize(res);
	row[t->ncols - 1] = n ? cJSON_GetArrayItem(res, 0)->valuestring : "";
	row_add(t, row);
	for (int i = 1; i < n; i++) {
		const char *more[16] = { 0 };
		for (int c = 0; c < t->ncols - 1; c++)
			more[c] = "";
		more[t->ncols - 1] = cJSON_GetArrayItem(res, i)->valuestring;
		row_add(t, more);
	}
}

static void old_table(struct sbx_ctx *ctx, cJSON *rules)
{
	struct cells t = { .ncols = 6 };
	const char *hdr[] = { "NAME", "TYPE", "ORIGIN", "DECISION", "STATUS", "RESOURCES" };
	row_add(&t, hdr);
	const cJSON *r;
	int i = 0;
	cJSON_ArrayForEach(r, rules) {
		const char *src = json_str(r, "source", "local");
		const char *name;
		if (is_preset(r))
			name = json_str(r, "id", "");
		else if (is_user(r))
			name = own(&t, xasprintf("local:%s", json_str(r, "id", "")));
		else if (strcmp(src, "kit") == 0)
			name = own(&t, xasprintf("%s:%s", sbx_has(ctx, F_KIT_RULES_BLUEPRINT) ? "blueprint" : "kit",
						 json_str(r, "policy", "")));
		else
			name = own(&t, xasprintf("%s:%s", src, json_str(r, "policy", "")));
		/* Kit rules show ORIGIN local (i72); sandbox-scoped ORIGIN is sbxsim's. */
		const char *origin = sandbox_of(r)	       ? own(&t, xasprintf("sandbox:%s", sandbox_of(r)))
				     : strcmp(src, "org") == 0 ? "org"
							       : "local";
		const char *row[] = { name, "network", origin, json_str(r, "decision", ""), "active", NULL };
		if (i++)
			row_add(&t, NULL);
		add_rule_rows(&t, row, r);
	}
	table_print(ctx->out, t.v, t.ncols, t.nrows);
	cells_free(&t);
}

static void wide_table(struct sbx_ctx *ctx, cJSON *rules)
{
	struct cells t = { .ncols = 9 };
	const char *hdr[] = { "SOURCE", "APPLIES TO", "POLICY", "POLICY_ID", "RULE", "RULE_ID", "TYPE", "DECISION", "RESOURCES" };
	row_add(&t, hdr);
	const cJSON *r;
	int i = 0;
	cJSON_ArrayForEach(r, rules) {
		const char *row[] = { json_str(r, "source", ""), own(&t, applies_to(r)), json_str(r, "policy", "-"),
				      json_str(r, "policy_id", "-"), "-", json_str(r, "id", ""), json_str(r, "type", ""),
				      json_str(r, "decision", ""), NULL };
		if (i++)
			row_add(&t, NULL);
		add_rule_rows(&t, row, r);
	}
	table_print(ctx->out, t.v, t.ncols, t.nrows);
	cells_free(&t);
}

/* "network: 3 allow, 1 deny; filesystem read: 1 allow" */
static char *summary(cJSON *rules, const char *policy, const char *source, const char *applies)
{
	static const char *types[] = { "network", "filesystem:read", "filesystem:write" };
	static const char *labels[] = { "network", "filesystem read", "filesystem write" };
	int allow[3] = { 0 }, deny[3] = { 0 };
	const cJSON *r;
	cJSON_ArrayForEach(r, rules) {
		char *at = applies_to(r);
		bool mine = strcmp(policy_shown(r), policy) == 0 && strcmp(json_str(r, "source", ""), source) == 0 &&
			    strcmp(at, applies) == 0;
		free(at);
		for (int k = 0; mine && k < 3; k++)
			if (strcmp(json_str(r, "type", ""), types[k]) == 0)
				(strcmp(json_str(r, "decision", ""), "deny") == 0 ? deny : allow)[k]++;
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int parts = 0;
	for (int k = 0; k < 3; k++) {
		if (!allow[k] && !deny[k])
			continue;
		fprintf(out, "%s%s: ", parts++ ? "; " : "", labels[k]);
		if (allow[k])
			fprintf(out, "%d allow%s", allow[k], deny[k] ? ", " : "");
		if (deny[k])
			fprintf(out, "%d deny", deny[k]);
	}
	fclose(out);
	return buf;
}

static void summary_table(struct sbx_ctx *ctx, cJSON *rules)
{
	struct cells t = { .ncols = 4 };
	const char *hdr[] = { "POLICY", "SOURCE", "APPLIES TO", "SUMMARY" };
	row_add(&t, hdr);
	const cJSON *r;
	cJSON_ArrayForEach(r, rules) {
		const char *policy = policy_shown(r), *source = json_str(r, "source", "");
		const char *applies = own(&t, applies_to(r));
		bool seen = false;
		for (int k = 1; k < t.nrows && !seen; k++)
			seen = strcmp(t.v[k * 4], policy) == 0 && strcmp(t.v[k * 4 + 1], source) == 0 &&
			       strcmp(t.v[k * 4 + 2], applies) == 0;
		if (seen)
			continue;
		const char *row[] = { policy, source, applies, own(&t, summary(rules, policy, source, applies)) };
		row_add(&t, row);
	}
	table_print(ctx->out, t.v, t.ncols, t.nrows);
	cells_free(&t);
}

/* A rule as third-party clients read it (docs/backends.md §6). */
static cJSON *json_rule(const cJSON *r)
{
	cJSON *o = cJSON_CreateObject();
	const char *pid = json_str(r, "policy_id", "-");
	cJSON_AddStringToObject(o, "id", json_str(r, "id", ""));
	cJSON_AddStringToObject(o, "name", json_str(r, "name", ""));
	cJSON_AddStringToObject(o, "policy_id", strcmp(pid, "-") ? pid : json_str(r, "policy", ""));
	cJSON_AddStringToObject(o, "scope", sandbox_of(r) ? "sandbox" : "global");
	char *at = applies_to(r);
	cJSON_AddStringToObject(o, "applies_to", at);
	free(at);
	cJSON_AddStringToObject(o, "resource_type", json_str(r, "type", ""));
	cJSON_AddStringToObject(o, "decision", json_str(r, "decision", ""));
	cJSON_AddItemToObject(o, "resources", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(r, "resources"), 1));
	cJSON_AddStringToObject(o, "origin", json_str(r, "source", ""));
	cJSON_AddStringToObject(o, "status", "active");
	cJSON_AddBoolToObject(o, "editable", is_user(r));
	if (sandbox_of(r))
		cJSON_AddStringToObject(o, "sandbox_id", json_str(r, "sandbox_id", ""));
	if (strcmp(json_str(r, "source", ""), "org") == 0)
		cJSON_AddStringToObject(o, "organization", json_str(r, "policy", ""));
	return o;
}

static void json_out(struct sbx_ctx *ctx, cJSON *rules)
{
	cJSON *doc = cJSON_CreateObject();
	const cJSON *r;
	if (sbx_has(ctx, F_POLICY_JSON_RULES)) {
		cJSON *arr = cJSON_AddArrayToObject(doc, "rules");
		cJSON_ArrayForEach(r, rules) cJSON_AddItemToArray(arr, json_rule(r));
	} else {
		cJSON *pols = cJSON_AddArrayToObject(doc, "policies");
		cJSON_ArrayForEach(r, rules) {
			cJSON *rj = json_rule(r);
			const char *pid = json_str(rj, "policy_id", ""), *src = json_str(r, "source", "");
			cJSON *p, *found = NULL;
			cJSON_ArrayForEach(p, pols) {
				if (strcmp(json_str(p, "id", ""), pid) == 0 && strcmp(json_str(p, "source", ""), src) == 0)
					found = p;
			}
			if (!found) {
				found = cJSON_CreateObject();
				cJSON_AddStringToObject(found, "id", pid);
				cJSON_AddStringToObject(found, "name", policy_shown(r));
				cJSON_AddStringToObject(found, "source", src);
				cJSON_AddArrayToObject(found, "rules");
				cJSON_AddItemToArray(pols, found);
			}
			cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(found, "rules"), rj);
		}
	}
	json_print_go(ctx->out, doc);
	cJSON_Delete(doc);
}

int sbx_cmd_policy_ls(struct sbx_ctx *ctx, const struct args *a)
{
	int lock = state_lock();
	cJSON *doc = policies_load();
	state_unlock(lock);
	int rc = 0;
	cJSON *rules = select_rules(ctx, a, doc, &rc);
	if (!rules) {
		/* rc set */
	} else if (arg_set(a, "json")) {
		json_out(ctx, rules);
	} else if (arg_set(a, "wide")) {
		wide_table(ctx, rules);
	} else if (sbx_has(ctx, F_POLICY_V2)) {
		summary_table(ctx, rules);
	} else {
		old_table(ctx, rules);
	}
	cJSON_Delete(rules);
	cJSON_Delete(doc);
	return rc;
}
