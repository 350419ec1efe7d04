/*
 * sbx_policy: `sbx policy init|allow|deny|ls|rm|check` and seed-rule.
 *
 * Where FACTS.md is silent these are sbxsim's choices, kept deliberately
 * unhelpful where a reconciler must not rely on luck:
 *  - allow/deny before `policy init` fails (set SBXSIM_POLICY_INIT=balanced
 *    to start from an initialised store);
 *  - allowing an existing rule again adds a duplicate rule
 *    (SBXSIM_POLICY_DUP=noop|error to change it), so a reconciler must
 *    check first;
 *  - the JSON of `policy ls --json` (v0.42+) is undocumented: sbxsim
 *    prints {"rules":[{...}]} with the wide table's fields;
 *  - the old table's NAME is the rule id and ORIGIN says "global",
 *    "sandbox:NAME" or "kit:POLICY"/"org:POLICY".
 */
#include "sbx.h"
#include "sbx_internal.h"
#include "sbx_policy.h"
#include "state.h"

#include <stdlib.h>
#include <string.h>

static void add_rule(cJSON *rules, const char *source, const char *policy, const char *policy_id,
		     const char *rule_id, const char *applies_to, const char *type, const char *decision,
		     const char *resources_csv)
{
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "rule_id", rule_id);
	cJSON_AddStringToObject(r, "policy", policy);
	cJSON_AddStringToObject(r, "policy_id", policy_id);
	cJSON_AddStringToObject(r, "rule", "-");
	cJSON_AddStringToObject(r, "source", source);
	cJSON_AddStringToObject(r, "applies_to", applies_to);
	cJSON_AddStringToObject(r, "type", type);
	cJSON_AddStringToObject(r, "decision", decision);
	cJSON *res = cJSON_AddArrayToObject(r, "resources");
	char *copy = xstrdup(resources_csv), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		cJSON_AddItemToArray(res, cJSON_CreateString(t));
	free(copy);
	cJSON_AddItemToArray(rules, r);
}

static const char *MODES[] = { "allow-all", "balanced", "deny-all" };

static void init_store(cJSON *doc, const char *mode)
{
	json_set(doc, "initialized", cJSON_CreateString(mode));
	cJSON *rules = cJSON_GetObjectItemCaseSensitive(doc, "rules");
	add_rule(rules, "local", "-", "local-policy", "default-fs-read-allow-all", "all", "filesystem:read", "allow", "**");
	add_rule(rules, "local", "-", "local-policy", "default-fs-write-allow-all", "all", "filesystem:write", "allow",
		 "**");
	if (strcmp(mode, "deny-all") == 0)
		add_rule(rules, "local", "default-deny-all", "-", "default-deny-all", "all", "network", "deny", "**");
	else if (strcmp(mode, "allow-all") == 0)
		add_rule(rules, "local", "default-allow-all", "-", "default-allow-all", "all", "network", "allow", "**");
	else
		add_rule(rules, "local", "default-balanced", "-", "default-balanced-allow", "all", "network", "allow",
			 "api.anthropic.com,**.github.com,**.githubusercontent.com,registry.npmjs.org,pypi.org,"
			 "files.pythonhosted.org,proxy.golang.org");
}

static cJSON *policies_load(void)
{
	cJSON *doc = state_load("policies.json", "{\"initialized\":null,\"rules\":[]}");
	if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(doc, "rules"))) {
		cJSON_Delete(doc);
		doc = cJSON_Parse("{\"initialized\":null,\"rules\":[]}");
	}
	const char *pre = getenv("SBXSIM_POLICY_INIT");
	if (pre && *pre && !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(doc, "initialized")))
		init_store(doc, pre);
	return doc;
}

static const char *rs(const cJSON *r, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, key);
	return cJSON_IsString(v) ? v->valuestring : "-";
}

static char *joined(const cJSON *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const cJSON *x;
	int i = 0;
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(r, "resources")) fprintf(f, "%s%s", i++ ? "," : "", x->valuestring);
	fclose(f);
	return buf;
}

static bool is_user_rule(const cJSON *r)
{
	return strcmp(rs(r, "source"), "local") == 0 && strcmp(rs(r, "policy_id"), "local-policy") == 0 &&
	       !str_starts(rs(r, "rule_id"), "default-");
}

/* allow/deny/rm/check scope: NULL for global, else a sandbox name. */
static int parse_scope(struct sbx_ctx *ctx, struct args *a, int sandbox_flag, int global_flag, int want_pos,
		       bool required, const char **scope, const char ***pos, int *npos)
{
	*scope = NULL;
	*pos = a->pos;
	*npos = a->npos;
	if (ctx->version >= V_SCOPE_FLAG) {
		if (sandbox_flag >= 0 && a->set[sandbox_flag])
			*scope = a->value[sandbox_flag];
		return 0;
	}
	/* Old CLI: `[-g | SANDBOX]` before the resources. */
	if (global_flag >= 0 && a->set[global_flag])
		return 0;
	if (a->npos > want_pos) {
		*scope = a->pos[1];
		(*pos)++;
		(*npos)--;
		(*pos)[0] = a->pos[0];
		return 0;
	}
	if (!required)
		return 0;
	return sbx_error(ctx, "either --global (-g) or a sandbox name is required");
}

static int check_sandbox(struct sbx_ctx *ctx, const char *scope)
{
	if (!scope)
		return 0;
	cJSON *doc = sandboxes_load();
	bool ok = sandbox_find(doc, scope) != NULL;
	cJSON_Delete(doc);
	return ok ? 0 : sbx_error(ctx, "no sandbox named '%s'", scope);
}

static const struct flag scope_flags[] = {
	{ "sandbox", 0, FLAG_VALUE, V_SCOPE_FLAG, 0 }, { "global", 'g', FLAG_BOOL, 0, V_SCOPE_FLAG },
	{ "resource", 0, FLAG_VALUE, 0, 0 },           { "id", 0, FLAG_VALUE, 0, 0 },
};

static int cmd_allow_deny(struct sbx_ctx *ctx, int argc, char **argv, const char *decision)
{
	struct args a;
	if (args_parse(ctx, scope_flags, 2, argc, argv, true, &a) < 0)
		return 1;
	const char *scope, **pos;
	int npos, rc = parse_scope(ctx, &a, 0, 1, 2, true, &scope, &pos, &npos);
	if (!rc && npos != 2)
		rc = sbx_error(ctx, "accepts 2 arg(s), received %d", npos);
	if (!rc && strcmp(pos[0], "network") != 0)
		rc = sbx_error(ctx, "unsupported policy type \"%s\": only network is supported", pos[0]);
	char *csv = rc ? NULL : xstrdup(pos[1]), *save = NULL;
	for (char *t = csv ? strtok_r(csv, ",", &save) : NULL; t && !rc; t = strtok_r(NULL, ",", &save))
		if (!policy_resource_valid(t))
			rc = sbx_error(ctx, "invalid network resource \"%s\"", t);
	free(csv);
	if (rc) {
		args_release(&a);
		return rc;
	}
	int lock = state_lock();
	cJSON *doc = policies_load();
	rc = check_sandbox(ctx, scope);
	if (!rc && !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(doc, "initialized")))
		rc = sbx_error(ctx, "global network policy is not initialized: run 'sbx policy init' first");
	const char *applies = scope ? scope : "all";
	cJSON *rules = cJSON_GetObjectItemCaseSensitive(doc, "rules");
	if (!rc) {
		const char *dup_mode = getenv("SBXSIM_POLICY_DUP");
		const cJSON *r;
		const cJSON *existing = NULL;
		cJSON_ArrayForEach(r, rules)
		{
			char *j = joined(r);
			if (is_user_rule(r) && strcmp(rs(r, "decision"), decision) == 0 &&
			    strcmp(rs(r, "applies_to"), applies) == 0 && strcmp(j, pos[1]) == 0)
				existing = r;
			free(j);
		}
		if (existing && dup_mode && strcmp(dup_mode, "error") == 0) {
			rc = sbx_error(ctx, "a %s rule for \"%s\" already exists", decision, pos[1]);
		} else if (existing && dup_mode && strcmp(dup_mode, "noop") == 0) {
			fprintf(ctx->out, "Rule %s added: %s network %s\n", rs(existing, "rule_id"), decision, pos[1]);
		} else {
			char id[37];
			char *seed = xasprintf("%s|%s|%s|%f|%d", decision, applies, pos[1], now_s(), cJSON_GetArraySize(rules));
			fake_uuid(id, seed);
			free(seed);
			add_rule(rules, "local", "-", "local-policy", id, applies, "network", decision, pos[1]);
			fprintf(ctx->out, "Rule %s added: %s network %s\n", id, decision, pos[1]);
			state_save("policies.json", doc);
		}
	}
	cJSON_Delete(doc);
	state_unlock(lock);
	args_release(&a);
	return rc;
}

static int cmd_rm(struct sbx_ctx *ctx, int argc, char **argv)
{
	struct args a;
	if (args_parse(ctx, scope_flags, 4, argc, argv, true, &a) < 0)
		return 1;
	const char *scope, **pos;
	int npos, rc = parse_scope(ctx, &a, 0, 1, 1, !a.set[3], &scope, &pos, &npos);
	if (!rc && (npos != 1 || strcmp(pos[0], "network") != 0))
		rc = sbx_error(ctx, "usage: sbx policy rm network [--sandbox NAME] --resource RESOURCE | --id ID");
	if (!rc && !a.set[2] && !a.set[3])
		rc = sbx_error(ctx, "either --resource or --id is required");
	if (rc) {
		args_release(&a);
		return rc;
	}
	int lock = state_lock();
	cJSON *doc = policies_load();
	cJSON *rules = cJSON_GetObjectItemCaseSensitive(doc, "rules");
	int removed = 0;
	for (int i = cJSON_GetArraySize(rules) - 1; i >= 0 && !rc; i--) {
		cJSON *r = cJSON_GetArrayItem(rules, i);
		if (a.set[3]) {
			if (strcmp(rs(r, "rule_id"), a.value[3]) != 0)
				continue;
			if (strcmp(rs(r, "source"), "local") != 0) {
				rc = sbx_error(ctx, "rule '%s' comes from %s policy '%s' and cannot be removed", a.value[3],
					       rs(r, "source"), rs(r, "policy_id"));
				break;
			}
			fprintf(ctx->out, "Rule %s removed\n", rs(r, "rule_id"));
			cJSON_DeleteItemFromArray(rules, i);
			removed++;
			continue;
		}
		if (!is_user_rule(r) || strcmp(rs(r, "applies_to"), scope ? scope : "all") != 0)
			continue;
		cJSON *res = cJSON_GetObjectItemCaseSensitive(r, "resources");
		for (int k = cJSON_GetArraySize(res) - 1; k >= 0; k--) {
			if (strcmp(cJSON_GetArrayItem(res, k)->valuestring, a.value[2]) == 0) {
				cJSON_DeleteItemFromArray(res, k);
				removed++;
			}
		}
		if (cJSON_GetArraySize(res) == 0) {
			fprintf(ctx->out, "Rule %s removed\n", rs(r, "rule_id"));
			cJSON_DeleteItemFromArray(rules, i);
		}
	}
	if (!rc && !removed)
		rc = a.set[3] ? sbx_error(ctx, "no policy rule with id '%s'", a.value[3])
			      : sbx_error(ctx, "no network rule for \"%s\"", a.value[2]);
	if (!rc)
		state_save("policies.json", doc);
	cJSON_Delete(doc);
	state_unlock(lock);
	args_release(&a);
	return rc;
}

static int cmd_init(struct sbx_ctx *ctx, int argc, char **argv)
{
	struct args a;
	if (args_parse(ctx, NULL, 0, argc, argv, true, &a) < 0)
		return 1;
	int rc = 0;
	if (a.npos != 1 || !(strcmp(a.pos[0], MODES[0]) == 0 || strcmp(a.pos[0], MODES[1]) == 0 ||
			     strcmp(a.pos[0], MODES[2]) == 0))
		rc = sbx_error(ctx, "expected one of allow-all, balanced, deny-all");
	int lock = state_lock();
	cJSON *doc = policies_load();
	if (!rc && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(doc, "initialized")))
		rc = sbx_error(ctx, "global network policy is already initialized");
	if (!rc) {
		init_store(doc, a.pos[0]);
		state_save("policies.json", doc);
		fprintf(ctx->out, "Global network policy initialized: %s\n", a.pos[0]);
	}
	cJSON_Delete(doc);
	state_unlock(lock);
	args_release(&a);
	return rc;
}

static void print_table(struct sbx_ctx *ctx, cJSON *rules, bool wide)
{
	int n = cJSON_GetArraySize(rules);
	const char *hdr_old[] = { "NAME", "TYPE", "ORIGIN", "DECISION", "STATUS", "RESOURCES" };
	const char *hdr_wide[] = { "SOURCE", "APPLIES TO", "POLICY", "POLICY_ID", "RULE", "RULE_ID", "TYPE", "DECISION", "RESOURCES" };
	const char *hdr_pol[] = { "POLICY", "SOURCE", "APPLIES TO", "SUMMARY" };
	bool old = ctx->version < V_POLICY_PER_POLICY;
	int ncols = old ? 6 : wide ? 9 : 4;
	const char **cells = xcalloc((size_t)(n + 1) * (size_t)ncols, sizeof(char *));
	char **owned = xcalloc((size_t)n * 3 + 1, sizeof(char *));
	int nowned = 0;
	memcpy(cells, old ? hdr_old : wide ? hdr_wide : hdr_pol, sizeof(char *) * (size_t)ncols);
	int row = 1;
	for (int i = 0; i < n; i++) {
		const cJSON *r = cJSON_GetArrayItem(rules, i);
		const char **c = cells + row * ncols;
		char *res = owned[nowned++] = joined(r);
		const char *policy = strcmp(rs(r, "policy"), "-") ? rs(r, "policy") : rs(r, "policy_id");
		if (old) {
			bool local = strcmp(rs(r, "source"), "local") == 0;
			char *origin = owned[nowned++] =
				local ? (strcmp(rs(r, "applies_to"), "all") == 0 ? xstrdup("global")
										 : xasprintf("sandbox:%s", rs(r, "applies_to")))
				      : xasprintf("%s:%s", rs(r, "source"), policy);
			const char *v[] = { rs(r, "rule_id"), rs(r, "type"), origin, rs(r, "decision"), "active", res };
			memcpy(c, v, sizeof(v));
		} else if (wide) {
			const char *v[] = { rs(r, "source"), rs(r, "applies_to"), rs(r, "policy"), rs(r, "policy_id"),
					    rs(r, "rule"), rs(r, "rule_id"), rs(r, "type"), rs(r, "decision"), res };
			memcpy(c, v, sizeof(v));
		} else {
			/* One row per (policy, source, applies to), rules summarised. */
			int k;
			for (k = 1; k < row; k++) {
				const char **p = cells + k * ncols;
				if (strcmp(p[0], policy) == 0 && strcmp(p[1], rs(r, "source")) == 0 &&
				    strcmp(p[2], rs(r, "applies_to")) == 0)
					break;
			}
			char *part = xasprintf("%s %s %s", rs(r, "decision"), rs(r, "type"), res);
			if (k < row) {
				char *merged = owned[nowned++] = xasprintf("%s; %s", cells[k * ncols + 3], part);
				cells[k * ncols + 3] = merged;
				free(part);
				continue;
			}
			owned[nowned++] = part;
			const char *v[] = { policy, rs(r, "source"), rs(r, "applies_to"), part };
			memcpy(c, v, sizeof(v));
		}
		row++;
	}
	table_print(ctx->out, cells, ncols, row, wide && !old);
	for (int i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	free(cells);
}

static int cmd_ls(struct sbx_ctx *ctx, int argc, char **argv)
{
	static const struct flag flags[] = { { "json", 0, FLAG_BOOL, V_POLICY_JSON, 0 },
					     { "wide", 0, FLAG_BOOL, V_POLICY_PER_POLICY, 0 } };
	struct args a;
	if (args_parse(ctx, flags, 2, argc, argv, true, &a) < 0)
		return 1;
	int lock = state_lock();
	cJSON *doc = policies_load();
	state_unlock(lock);
	cJSON *rules = cJSON_GetObjectItemCaseSensitive(doc, "rules");
	if (a.set[0]) {
		cJSON *out = cJSON_CreateObject();
		cJSON_AddItemToObject(out, "rules", cJSON_Duplicate(rules, 1));
		char *text = cJSON_PrintUnformatted(out);
		fprintf(ctx->out, "%s\n", text);
		free(text);
		cJSON_Delete(out);
	} else {
		print_table(ctx, rules, a.set[1]);
	}
	cJSON_Delete(doc);
	args_release(&a);
	return 0;
}

static int cmd_check(struct sbx_ctx *ctx, int argc, char **argv)
{
	struct args a;
	if (args_parse(ctx, scope_flags, 2, argc, argv, true, &a) < 0)
		return 1;
	const char *scope, **pos;
	int npos, rc = parse_scope(ctx, &a, 0, 1, 2, false, &scope, &pos, &npos);
	if (!rc && (npos != 2 || strcmp(pos[0], "network") != 0))
		rc = sbx_error(ctx, "usage: sbx policy check network [--sandbox NAME] TARGET");
	if (rc) {
		args_release(&a);
		return rc;
	}
	int lock = state_lock();
	cJSON *doc = policies_load();
	state_unlock(lock);
	const cJSON *r, *x, *deny = NULL, *allow = NULL;
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "rules"))
	{
		if (strcmp(rs(r, "type"), "network") != 0)
			continue;
		if (strcmp(rs(r, "applies_to"), "all") != 0 && (!scope || strcmp(rs(r, "applies_to"), scope) != 0))
			continue;
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(r, "resources"))
		{
			if (!policy_resource_matches(x->valuestring, pos[1]))
				continue;
			if (strcmp(rs(r, "decision"), "deny") == 0 && !deny)
				deny = r;
			else if (!allow)
				allow = r;
		}
	}
	/* Deny beats allow; nothing matching is a deny. */
	if (deny)
		fprintf(ctx->out, "Denied: %s (rule %s)\n", pos[1], rs(deny, "rule_id"));
	else if (allow)
		fprintf(ctx->out, "Allowed: %s\n", pos[1]);
	else
		fprintf(ctx->out, "Denied: %s (no rule allows it)\n", pos[1]);
	cJSON_Delete(doc);
	args_release(&a);
	return 0;
}

int sbx_cmd_policy(struct sbx_ctx *ctx, int argc, char **argv)
{
	if (argc < 1)
		return sbx_error(ctx, "missing subcommand: init, allow, deny, ls, rm or check");
	const char *sub = argv[0];
	if (strcmp(sub, "init") == 0)
		return cmd_init(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "allow") == 0 || strcmp(sub, "deny") == 0)
		return cmd_allow_deny(ctx, argc - 1, argv + 1, sub);
	if (strcmp(sub, "ls") == 0 || strcmp(sub, "list") == 0)
		return cmd_ls(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "rm") == 0 || strcmp(sub, "remove") == 0)
		return cmd_rm(ctx, argc - 1, argv + 1);
	if (strcmp(sub, "check") == 0)
		return cmd_check(ctx, argc - 1, argv + 1);
	return sbx_error(ctx, "unknown command \"%s\" for \"sbx policy\"", sub);
}

int sbx_seed_rule(int argc, char **argv)
{
	if (argc < 5 || argc > 6 || (strcmp(argv[1], "kit") != 0 && strcmp(argv[1], "org") != 0) ||
	    (strcmp(argv[3], "allow") != 0 && strcmp(argv[3], "deny") != 0)) {
		fputs("usage: sbxsim seed-rule kit|org POLICY allow|deny RESOURCE[,RESOURCE...] [SANDBOX]\n", stderr);
		return 2;
	}
	int lock = state_lock();
	cJSON *doc = policies_load();
	cJSON *rules = cJSON_GetObjectItemCaseSensitive(doc, "rules");
	char id[37];
	char *seed = xasprintf("seed|%s|%s|%s|%d", argv[1], argv[2], argv[4], cJSON_GetArraySize(rules));
	fake_uuid(id, seed);
	free(seed);
	add_rule(rules, argv[1], argv[2], argv[2], id, argc == 6 ? argv[5] : "all", "network", argv[3], argv[4]);
	state_save("policies.json", doc);
	cJSON_Delete(doc);
	state_unlock(lock);
	puts(id);
	return 0;
}
