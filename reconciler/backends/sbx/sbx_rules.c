/*
 * `sbx policy ls` in its three forms (docs/backends.md §7, §9): the old rule
 * table (NAME TYPE ORIGIN DECISION STATUS RESOURCES, before v0.35), the
 * --wide rule table, and --json, whose shape is not documented: the rules
 * are found wherever they sit, with the policy around them as context.
 */
#include "sbx_parse.h"

#include <stdlib.h>
#include <string.h>

#include "io/json.h"
#include "util/strutil.h"
#include "util/xalloc.h"

struct rule_list {
	struct sbx_rule *v;
	size_t nr, alloc;
};

static char *copy_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

static bool is_preset(const char *id, const char *policy)
{
	return (id && str_starts_with(id, "default-")) || (policy && str_starts_with(policy, "default-"));
}

/*
 * A rule the user (or sbxapply) added: in the local store, not seeded by a
 * preset ("default-..." ids and policies) and not part of a named policy
 * (kits, org policy). Only these may ever be removed.
 */
static bool user_rule(const char *source, const char *policy, const char *policy_id, const char *id)
{
	if (source && strcmp(source, "local") && strcmp(source, "global") && strcmp(source, "user"))
		return false;
	if (is_preset(id, policy) || is_preset(NULL, policy_id))
		return false;
	if (!sbx_blank_cell(policy) && strcmp(policy, "local-policy") && strcmp(policy, "local"))
		return false;
	if (!sbx_blank_cell(policy_id) && strcmp(policy_id, "local-policy") && strcmp(policy_id, "local"))
		return false;
	return true;
}

/* Adds one entry per resource. */
static void add_rule(struct rule_list *l, const struct sbx_rule *proto, const char *const *resources, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		XGROW(l->v, l->alloc, l->nr + 1);
		struct sbx_rule *r = &l->v[l->nr++];
		*r = *proto;
		r->id = proto->id ? xstrdup(proto->id) : NULL;
		r->source = proto->source ? xstrdup(proto->source) : NULL;
		r->policy = proto->policy ? xstrdup(proto->policy) : NULL;
		r->scope = proto->scope ? xstrdup(proto->scope) : NULL;
		r->decision = proto->decision ? xstrdup(proto->decision) : NULL;
		r->type = proto->type ? xstrdup(proto->type) : NULL;
		r->resource = xstrdup(resources[i]);
		r->siblings = n;
	}
}

/* Resources written "a,b", "a, b" or one per line. */
static void add_rule_csv(struct rule_list *l, const struct sbx_rule *proto, const char *csv)
{
	char **parts = NULL;
	size_t n = 0, alloc = 0;
	const char *p = csv;
	while (p && *p) {
		size_t k = strcspn(p, ", \n");
		if (k) {
			XGROW(parts, alloc, n + 1);
			parts[n++] = xstrndup(p, k);
		}
		p += k;
		while (*p == ',' || *p == ' ' || *p == '\n')
			p++;
	}
	add_rule(l, proto, (const char *const *)parts, n);
	for (size_t i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
}

static void free_proto(struct sbx_rule *r)
{
	free(r->id);
	free(r->source);
	free(r->policy);
	free(r->scope);
	free(r->decision);
	free(r->type);
	memset(r, 0, sizeof(*r));
}

/* ---- JSON ---- */

static const char *const decision_keys[] = { "decision", "action", "effect", NULL };
static const char *const resource_keys[] = { "resources", "resource", "hosts", "targets", NULL };

/* The policy around a rule, from the objects that enclose it. */
struct json_context {
	const char *policy, *policy_id, *source, *scope;
};

static bool looks_like_rule(const cJSON *o)
{
	if (!cJSON_IsObject(o) || !sbx_json_first_string(o, decision_keys))
		return false;
	for (const char *const *k = resource_keys; *k; k++)
		if (cJSON_GetObjectItemCaseSensitive(o, *k))
			return true;
	return false;
}

static void add_json_rule(struct rule_list *l, const cJSON *it, const struct json_context *ctx)
{
	static const char *const id_keys[] = { "rule_id", "id", "ruleId", "name", NULL };
	static const char *const scope_keys[] = { "applies_to", "appliesTo", "sandbox", "sandbox_name", "scope", NULL };
	static const char *const pid_keys[] = { "policy_id", "policyId", NULL };
	static const char *const policy_keys[] = { "policy", "policy_name", "policyName", NULL };
	static const char *const source_keys[] = { "source", "origin", NULL };
	static const char *const type_keys[] = { "type", "resource_type", "resourceType", NULL };
	const char *policy = sbx_json_first_string(it, policy_keys), *pid = sbx_json_first_string(it, pid_keys);
	const char *id = sbx_json_first_string(it, id_keys), *source = sbx_json_first_string(it, source_keys);
	const char *scope = sbx_json_first_string(it, scope_keys);
	policy = policy ? policy : ctx->policy;
	pid = pid ? pid : ctx->policy_id;
	source = source ? source : ctx->source;
	/* "scope" may say "global"/"sandbox" with the name elsewhere */
	if (scope && !strcmp(scope, "sandbox"))
		scope = json_string(it, "sandbox_name") ? json_string(it, "sandbox_name") : ctx->scope;
	scope = scope ? scope : ctx->scope;
	struct sbx_rule proto = {
		.id = copy_or_null(id),
		.source = copy_or_null(source),
		.policy = sbx_blank_cell(policy) ? (sbx_blank_cell(pid) || !strcmp(pid, "local-policy") ? NULL : xstrdup(pid))
						 : xstrdup(policy),
		.scope = sbx_scope_of(scope),
		.decision = copy_or_null(sbx_json_first_string(it, decision_keys)),
		.type = copy_or_null(sbx_json_first_string(it, type_keys)),
		.user = user_rule(source, policy, pid, id),
		.preset = is_preset(id, policy) || is_preset(NULL, pid),
	};
	const cJSON *res = NULL;
	for (const char *const *k = resource_keys; *k && !res; k++)
		res = cJSON_GetObjectItemCaseSensitive(it, *k);
	if (cJSON_IsArray(res)) {
		size_t n = 0;
		const char **names = xcalloc((size_t)cJSON_GetArraySize(res) + 1, sizeof(*names));
		static const char *const value_keys[] = { "resource", "value", "pattern", "host", NULL };
		const cJSON *x;
		cJSON_ArrayForEach(x, res) {
			if (cJSON_IsString(x))
				names[n++] = x->valuestring;
			else if (cJSON_IsObject(x) && sbx_json_first_string(x, value_keys))
				names[n++] = sbx_json_first_string(x, value_keys);
		}
		add_rule(l, &proto, names, n);
		free(names);
	} else if (cJSON_IsString(res)) {
		add_rule_csv(l, &proto, res->valuestring);
	}
	free_proto(&proto);
}

/* Visits every object; rules anywhere, with the policy objects around them as context. */
static void find_rules(struct rule_list *l, const cJSON *node, const struct json_context *ctx, int depth)
{
	if (depth > 16)
		return;
	if (looks_like_rule(node)) {
		add_json_rule(l, node, ctx);
		return;
	}
	struct json_context inner = *ctx;
	if (cJSON_IsObject(node)) {
		/* an object holding rules is a policy: its name, id and source reach its rules */
		static const char *const name_keys[] = { "name", "policy", "policy_name", NULL };
		static const char *const id_keys[] = { "id", "policy_id", "policyId", NULL };
		static const char *const source_keys[] = { "source", "origin", NULL };
		static const char *const scope_keys[] = { "applies_to", "appliesTo", "sandbox", NULL };
		if (sbx_json_first_string(node, name_keys))
			inner.policy = sbx_json_first_string(node, name_keys);
		if (sbx_json_first_string(node, id_keys))
			inner.policy_id = sbx_json_first_string(node, id_keys);
		if (sbx_json_first_string(node, source_keys))
			inner.source = sbx_json_first_string(node, source_keys);
		if (sbx_json_first_string(node, scope_keys))
			inner.scope = sbx_json_first_string(node, scope_keys);
	}
	const cJSON *child;
	cJSON_ArrayForEach(child, node)
		if (cJSON_IsObject(child) || cJSON_IsArray(child))
			find_rules(l, child, cJSON_IsArray(node) ? ctx : &inner, depth + 1);
}

static int parse_rules_json(const char *text, size_t len, struct rule_list *l, struct strbuf *err)
{
	cJSON *root = json_parse_embedded(text, len);
	if (!root) {
		strbuf_addstr(err, "the policy list is not JSON");
		return -1;
	}
	static const struct json_context none;
	find_rules(l, root, &none, 0);
	cJSON_Delete(root);
	return 0;
}

/* ---- text tables ---- */

static bool has_column(const struct sbx_table *t, const char *h)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (!strcmp(t->headers[c], h))
			return true;
	return false;
}

/* A line holding only more RESOURCES of the row above (the old table wraps them so). */
static bool continuation(const struct sbx_table *t, size_t r)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (strcmp(t->headers[c], "RESOURCES") && *t->rows[r][c])
			return false;
	return r > 0;
}

/* NAME TYPE ORIGIN ...: "local:<uuid>" is the user's, "default-*" the preset's, "kit:x"/"blueprint:x" a kit's. */
static void old_row(const struct sbx_table *t, size_t r, struct sbx_rule *proto)
{
	const char *origin = sbx_table_cell(t, r, "ORIGIN"), *name = sbx_table_cell(t, r, "NAME");
	const char *colon = name ? strchr(name, ':') : NULL;
	/* the id `policy rm --id` takes is the uuid `allow` printed ("Policy added: <uuid> (...)") */
	proto->id = copy_or_null(name && str_starts_with(name, "local:") ? name + 6 : name);
	proto->preset = is_preset(name, NULL);
	if (origin && str_starts_with(origin, "sandbox:"))
		proto->scope = sbx_scope_of(origin);
	if (colon && strncmp(name, "local:", 6)) {
		/* a named policy's rule: "blueprint:test", "kit:x", "org:y" */
		proto->source = xstrndup(name, (size_t)(colon - name));
		proto->policy = xstrdup(colon + 1);
		return;
	}
	bool local = !origin || !strcmp(origin, "local") || !strcmp(origin, "global") || str_starts_with(origin, "sandbox:");
	const char *origin_colon = !local ? strchr(origin, ':') : NULL;
	if (origin_colon) {
		/* "org:corp", "kit:x" in ORIGIN: a named policy's rule */
		proto->source = xstrndup(origin, (size_t)(origin_colon - origin));
		proto->policy = xstrdup(origin_colon + 1);
		return;
	}
	proto->source = xstrdup(local ? "local" : origin);
	/* "local:<uuid>" is the user's; a bare name only where ORIGIN says global or sandbox:X */
	proto->user = local && !proto->preset && (colon || !origin || strcmp(origin, "local"));
}

static void wide_row(const struct sbx_table *t, size_t r, struct sbx_rule *proto)
{
	const char *source = sbx_table_cell(t, r, "SOURCE"), *policy = sbx_table_cell(t, r, "POLICY");
	const char *pid = sbx_table_cell(t, r, "POLICY_ID"), *id = sbx_table_cell(t, r, "RULE_ID");
	proto->id = copy_or_null(sbx_blank_cell(id) ? NULL : id);
	proto->source = copy_or_null(source);
	proto->policy = sbx_blank_cell(policy) ? (sbx_blank_cell(pid) || !strcmp(pid, "local-policy") ? NULL : xstrdup(pid))
					       : xstrdup(policy);
	proto->scope = sbx_scope_of(sbx_table_cell(t, r, "APPLIES TO"));
	proto->user = user_rule(source, policy, pid, id);
	proto->preset = is_preset(id, policy) || is_preset(NULL, pid);
}

static int parse_rules_table(const char *text, size_t len, bool old, struct rule_list *l, struct strbuf *err)
{
	struct sbx_table t;
	if (sbx_table_parse(text, len, "RESOURCES", &t) < 0 || !has_column(&t, "DECISION") || !has_column(&t, "RESOURCES")) {
		strbuf_addstr(err, "the policy list has no RESOURCES and DECISION columns");
		sbx_table_release(&t);
		return -1;
	}
	for (size_t r = 0; r < t.nrows; r++) {
		if (continuation(&t, r))
			continue;
		struct sbx_rule proto = {
			.decision = copy_or_null(sbx_table_cell(&t, r, "DECISION")),
			.type = copy_or_null(sbx_table_cell(&t, r, "TYPE")),
		};
		if (old)
			old_row(&t, r, &proto);
		else
			wide_row(&t, r, &proto);
		struct strbuf resources = STRBUF_INIT;
		strbuf_addstr(&resources, sbx_table_cell(&t, r, "RESOURCES"));
		for (size_t next = r + 1; next < t.nrows && continuation(&t, next); next++)
			strbuf_addf(&resources, ",%s", sbx_table_cell(&t, next, "RESOURCES"));
		add_rule_csv(l, &proto, resources.buf);
		strbuf_release(&resources);
		free_proto(&proto);
	}
	sbx_table_release(&t);
	return 0;
}

int sbx_parse_rules(const char *text, size_t len, enum sbx_policy_format format, struct sbx_rule **out,
		    size_t *nr, struct strbuf *err)
{
	struct rule_list l = { 0 };
	int rc = format == SBX_POLICY_JSON ? parse_rules_json(text, len, &l, err)
					   : parse_rules_table(text, len, format == SBX_POLICY_TABLE_OLD, &l, err);
	if (rc < 0) {
		sbx_rules_free(l.v, l.nr);
		l.v = NULL;
		l.nr = 0;
	}
	*out = l.v;
	*nr = l.nr;
	return rc;
}

void sbx_rules_free(struct sbx_rule *list, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(list[i].resource); /* before free_proto() clears the entry */
		free_proto(&list[i]);
	}
	free(list);
}
