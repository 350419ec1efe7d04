/*
 * sbx_policy: the network policy store ("<state>/policies.json") and
 * `sbx policy set-default|init|reset|allow|deny|rm|check`, seed-rule.
 *
 * A rule: {"id","name","policy","policy_id","source","sandbox","sandbox_id",
 * "type","decision","resources":[...]}.  source is "local" for rules sbx
 * manages, "kit" or "org" for rules it only shows; sandbox is null for a
 * global rule.  Preset rules are local with ids "default-*": listed, never
 * editable.
 *
 * The store starts initialised with the balanced preset, as on most
 * machines that run sbx (docs/backends.md §6): SBXSIM_POLICY_INIT=MODE picks
 * another preset, SBXSIM_POLICY_UNINITIALISED=1 a never-initialised store
 * (both only when policies.json does not exist yet); `sbx policy reset -f`
 * and `sbx reset` uninitialise it.
 *
 * Where docs/backends.md is silent these are sbxsim's choices: allowing an existing
 * rule again adds a duplicate (SBXSIM_POLICY_DUP=noop|error to change it),
 * so a reconciler must check first; the balanced preset's rules.
 */
#include "sbx.h"
#include "sbx_internal.h"
#include "sbx_policy.h"
#include "state.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *MODES[] = { "allow-all", "balanced", "deny-all", NULL };

static cJSON *new_rule(const char *id, const char *name, const char *source, const char *policy, const char *policy_id,
		       const char *type, const char *decision, const char *resources_csv)
{
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "id", id);
	cJSON_AddStringToObject(r, "name", name);
	cJSON_AddStringToObject(r, "policy", policy);
	cJSON_AddStringToObject(r, "policy_id", policy_id);
	cJSON_AddStringToObject(r, "source", source);
	cJSON_AddNullToObject(r, "sandbox");
	cJSON_AddStringToObject(r, "type", type);
	cJSON_AddStringToObject(r, "decision", decision);
	cJSON *res = cJSON_AddArrayToObject(r, "resources");
	char *copy = xstrdup(resources_csv), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		cJSON_AddItemToArray(res, cJSON_CreateString(t));
	free(copy);
	return r;
}

static void preset(cJSON *rules, const char *id, const char *policy, const char *policy_id, const char *type,
		   const char *decision, const char *resources)
{
	cJSON_AddItemToArray(rules, new_rule(id, id, "local", policy, policy_id, type, decision, resources));
}

/* Rules of policy-ls-wide@unknown-i588.txt (Locked Down = deny-all); the
 * balanced list is sbxsim's. */
static void init_store(cJSON *doc, const char *mode)
{
	json_set(doc, "initialized", cJSON_CreateString(mode));
	json_set(doc, "rules", cJSON_CreateArray());
	cJSON *rules = cJSON_GetObjectItemCaseSensitive(doc, "rules");
	preset(rules, "default-fs-read-allow-all", "-", "local-policy", "filesystem:read", "allow", "**");
	preset(rules, "default-fs-write-allow-all", "-", "local-policy", "filesystem:write", "allow", "**");
	if (strcmp(mode, "deny-all") == 0) {
		preset(rules, "default-deny-all", "default-deny-all", "-", "network", "deny", "**");
	} else if (strcmp(mode, "allow-all") == 0) {
		preset(rules, "default-allow-all", "default-allow-all", "-", "network", "allow", "**");
	} else {
		preset(rules, "default-allow-ai-services", "-", "local-policy", "network", "allow",
		       "api.anthropic.com,api.openai.com,generativelanguage.googleapis.com");
		preset(rules, "default-allow-package-registries", "-", "local-policy", "network", "allow",
		       "registry.npmjs.org,pypi.org,files.pythonhosted.org,proxy.golang.org");
		preset(rules, "default-allow-github", "-", "local-policy", "network", "allow",
		       "github.com,**.github.com,**.githubusercontent.com");
		preset(rules, "default-deny-cloud-metadata", "-", "local-policy", "network", "deny", "169.254.169.254");
	}
}

static bool valid_mode(const char *m)
{
	return m && sbx_in_list(MODES, m);
}

/* Callers hold the state lock. */
cJSON *policies_load(void)
{
	char *path = state_path("policies.json");
	bool fresh = access(path, F_OK) != 0;
	free(path);
	cJSON *doc = state_load("policies.json", "{\"initialized\":null,\"rules\":[]}");
	if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(doc, "rules")))
		json_set(doc, "rules", cJSON_CreateArray());
	if (fresh) {
		const char *uninit = getenv("SBXSIM_POLICY_UNINITIALISED");
		const char *mode = getenv("SBXSIM_POLICY_INIT");
		if (mode && *mode && !valid_mode(mode))
			die("SBXSIM_POLICY_INIT: want allow-all, balanced or deny-all, got '%s'", mode);
		if (!(uninit && *uninit && strcmp(uninit, "0") != 0))
			init_store(doc, mode && *mode ? mode : "balanced");
		state_save("policies.json", doc);
	}
	return doc;
}

void policies_save(cJSON *doc)
{
	state_save("policies.json", doc);
}

bool policies_initialised(const cJSON *doc)
{
	return cJSON_IsString(cJSON_GetObjectItemCaseSensitive(doc, "initialized"));
}

void policies_uninitialise(void)
{
	int lock = state_lock();
	cJSON *doc = cJSON_Parse("{\"initialized\":null,\"rules\":[]}");
	policies_save(doc);
	cJSON_Delete(doc);
	state_unlock(lock);
}

int policy_require_initialised(struct sbx_ctx *ctx)
{
	int lock = state_lock();
	cJSON *doc = policies_load();
	bool ok = policies_initialised(doc);
	cJSON_Delete(doc);
	state_unlock(lock);
	return ok ? 0 : sbx_error(ctx, "default network policy has not been configured");
}

static int init_common(struct sbx_ctx *ctx, const char *mode, const char *already, const char *done)
{
	if (!valid_mode(mode))
		return sbx_error(ctx, "invalid policy \"%s\": must be one of allow-all, balanced, deny-all", mode);
	int lock = state_lock();
	cJSON *doc = policies_load();
	int rc = 0;
	if (policies_initialised(doc)) {
		rc = sbx_error(ctx, "%s", already);
	} else {
		init_store(doc, mode);
		policies_save(doc);
		fprintf(ctx->out, "%s%s\n", done, mode);
	}
	cJSON_Delete(doc);
	state_unlock(lock);
	return rc;
}

int sbx_cmd_policy_init(struct sbx_ctx *ctx, const struct args *a)
{
	return init_common(ctx, a->pos[0], "global network policy is already initialized",
			   "Global network policy initialized: ");
}

int sbx_cmd_policy_set_default(struct sbx_ctx *ctx, const struct args *a)
{
	/* error-policy-set-default-already-set@v0.28.3.txt */
	return init_common(ctx, a->pos[0], "default policy is already set; use \"sbx policy reset\" first to change it",
			   "Default network policy set to ");
}

int sbx_cmd_policy_reset(struct sbx_ctx *ctx, const struct args *a)
{
	int lock = state_lock();
	cJSON *doc = sandboxes_load();
	bool running = false;
	const cJSON *sb;
	cJSON_ArrayForEach(sb, cJSON_GetObjectItemCaseSensitive(doc, "sandboxes")) running |=
										   strcmp(json_str(sb, "status", ""), "running") == 0;
	cJSON_Delete(doc);
	state_unlock(lock);
	bool no_tty;
	if (running && !arg_set(a, "force") &&
	    !sbx_confirm(ctx, "Running sandboxes will be stopped. Reset all policies?", &no_tty))
		return no_tty ? sbx_error(ctx, "confirmation required and no terminal to ask: run \"sbx policy reset --force\"")
			      : sbx_error(ctx, "policy reset cancelled");
	policies_uninitialise();
	sbx_daemon_stop();
	fputs("Policies reset. The daemon has been stopped.\n", ctx->out);
	return 0;
}

/* Rule scope per release: NULL (global) or a sandbox name in *scope.
 * nres: how many RESOURCES positionals the command takes (1 or 0). */
static int parse_scope(struct sbx_ctx *ctx, const struct args *a, int nres, bool required, const char **scope,
		       const char **resources)
{
	*scope = NULL;
	*resources = nres ? a->pos[a->npos - 1] : NULL;
	if (sbx_has(ctx, F_RULES_POSITIONAL_SCOPE)) {
		/* [-g | SANDBOX] first (help-policy-allow-network@docs-1a420e1.txt) */
		bool global = arg_set(a, "global");
		if (a->npos > nres)
			*scope = a->pos[0];
		if (global && *scope)
			return sbx_error(ctx, "use either --global (-g) or a sandbox name, not both");
		if (!global && !*scope && required)
			return sbx_error(ctx, "either --global (-g) or a sandbox name is required");
		return 0;
	}
	if (sbx_has(ctx, F_RULES_SANDBOX_FLAG)) {
		*scope = arg_str(a, "sandbox");
		if (*scope && arg_set(a, "global"))
			return sbx_error(ctx, "use either --global (-g) or --sandbox, not both");
	}
	return 0;
}

static bool is_user_rule(const cJSON *r)
{
	return strcmp(json_str(r, "source", ""), "local") == 0 && !str_starts(json_str(r, "id", ""), "default-");
}

static bool same_scope(const cJSON *r, const char *scope)
{
	const cJSON *sb = cJSON_GetObjectItemCaseSensitive(r, "sandbox");
	return scope ? cJSON_IsString(sb) && strcmp(sb->valuestring, scope) == 0 : !cJSON_IsString(sb);
}

static bool has_resource(const cJSON *r, const char *res)
{
	const cJSON *x;
	cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(r, "resources"))
		if (strcmp(x->valuestring, res) == 0) return true;
	return false;
}

/* The store locked and initialised, and the scope's sandbox present. */
static int open_store(struct sbx_ctx *ctx, const char *scope, int *lock, cJSON **doc, const char **sandbox_id)
{
	*lock = state_lock();
	*doc = policies_load();
	cJSON *sbs = sandboxes_load();
	cJSON *sb = scope ? sandbox_find(sbs, scope) : NULL;
	*sandbox_id = sb ? xstrdup(json_str(sb, "id", "")) : NULL;
	cJSON_Delete(sbs);
	int rc = 0;
	if (scope && !sb)
		rc = sbx_no_sandbox(ctx, scope);
	else if (!policies_initialised(*doc))
		rc = sbx_error(ctx, "default network policy has not been configured");
	return rc;
}

static int allow_deny(struct sbx_ctx *ctx, const struct args *a, const char *decision)
{
	const char *scope, *csv;
	if (parse_scope(ctx, a, 1, true, &scope, &csv))
		return 1;
	char *copy = xstrdup(csv), *save = NULL;
	int rc = 0;
	for (char *t = strtok_r(copy, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save))
		if (!policy_resource_valid(t))
			rc = sbx_error(ctx, "invalid network resource \"%s\"", t);
	free(copy);
	if (rc)
		return rc;
	int lock;
	cJSON *doc;
	const char *sandbox_id;
	rc = open_store(ctx, scope, &lock, &doc, &sandbox_id);
	cJSON *rules = cJSON_GetObjectItemCaseSensitive(doc, "rules");
	const char *dup_mode = getenv("SBXSIM_POLICY_DUP");
	copy = xstrdup(csv);
	/* One rule per resource (policy-ls@unknown-i78.txt). */
	for (char *t = rc ? NULL : strtok_r(copy, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save)) {
		const cJSON *r, *existing = NULL;
		cJSON_ArrayForEach(r, rules) {
			if (is_user_rule(r) && same_scope(r, scope) && strcmp(json_str(r, "decision", ""), decision) == 0 &&
			    has_resource(r, t))
				existing = r;
		}
		const cJSON *allowed = NULL;
		cJSON_ArrayForEach(r, rules) {
			if (!strcmp(decision, "deny") && is_user_rule(r) && same_scope(r, scope) &&
			    strcmp(json_str(r, "decision", ""), "allow") == 0 && has_resource(r, t))
				allowed = r;
		}
		if (allowed && sbx_has(ctx, F_DENY_BESIDE_ALLOW_REFUSED)) {
			rc = sbx_error(ctx, "deny rule for \"%s\" conflicts with existing allow rule %s", t,
				       json_str(allowed, "id", ""));
		} else if (existing && dup_mode && strcmp(dup_mode, "error") == 0) {
			rc = sbx_error(ctx, "a %s rule for \"%s\" already exists", decision, t);
		} else if (existing && dup_mode && strcmp(dup_mode, "noop") == 0) {
			fprintf(ctx->out, "Policy added: %s (%s)\n", json_str(existing, "id", ""), t);
		} else {
			char id[37];
			char *seed = xasprintf("%s|%s|%s|%f|%d", decision, scope ? scope : "", t, now_s(), cJSON_GetArraySize(rules));
			fake_uuid(id, seed);
			free(seed);
			cJSON *rule = new_rule(id, "", "local", "-", "local-policy", "network", decision, t);
			if (scope) {
				json_set(rule, "sandbox", cJSON_CreateString(scope));
				cJSON_AddStringToObject(rule, "sandbox_id", sandbox_id);
			}
			cJSON_AddItemToArray(rules, rule);
			/* policy-allow-network@v0.28.3.txt */
			fprintf(ctx->out, "Policy added: %s (%s)\n", id, t);
		}
	}
	free(copy);
	if (!rc)
		policies_save(doc);
	free((char *)sandbox_id);
	cJSON_Delete(doc);
	state_unlock(lock);
	return rc;
}

int sbx_cmd_policy_allow(struct sbx_ctx *ctx, const struct args *a)
{
	return allow_deny(ctx, a, "allow");
}

int sbx_cmd_policy_deny(struct sbx_ctx *ctx, const struct args *a)
{
	return allow_deny(ctx, a, "deny");
}

static int rm_by_id(struct sbx_ctx *ctx, cJSON *rules, const char *id)
{
	for (int i = 0; i < cJSON_GetArraySize(rules); i++) {
		cJSON *r = cJSON_GetArrayItem(rules, i);
		if (strcmp(json_str(r, "id", ""), id) != 0)
			continue;
		if (strcmp(json_str(r, "source", ""), "local") != 0)
			return sbx_error(ctx, "rule '%s' comes from %s policy '%s' and cannot be removed", id,
					 json_str(r, "source", ""), json_str(r, "policy", ""));
		if (!is_user_rule(r))
			return sbx_error(ctx, "rule '%s' belongs to the default policy and cannot be removed; use \"sbx policy "
					      "reset\" to start over",
					 id);
		fprintf(ctx->out, "Policy removed: %s\n", id);
		cJSON_DeleteItemFromArray(rules, i);
		return 0;
	}
	return sbx_error(ctx, "no policy rule with id '%s'", id);
}

int sbx_cmd_policy_rm(struct sbx_ctx *ctx, const struct args *a)
{
	const char *id = arg_str(a, "id"), *csv = arg_str(a, "resource"), *scope, *unused;
	if (parse_scope(ctx, a, 0, csv != NULL, &scope, &unused))
		return 1;
	if (!id && !csv)
		return sbx_error(ctx, "either --resource or --id is required");
	int lock;
	cJSON *doc;
	const char *sandbox_id;
	int rc = open_store(ctx, scope, &lock, &doc, &sandbox_id);
	free((char *)sandbox_id);
	cJSON *rules = cJSON_GetObjectItemCaseSensitive(doc, "rules");
	if (!rc && id)
		rc = rm_by_id(ctx, rules, id);
	char *copy = csv ? xstrdup(csv) : NULL, *save = NULL;
	for (char *t = rc || !copy ? NULL : strtok_r(copy, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save)) {
		int removed = 0;
		for (int i = cJSON_GetArraySize(rules) - 1; i >= 0; i--) {
			cJSON *r = cJSON_GetArrayItem(rules, i);
			if (!is_user_rule(r) || !same_scope(r, scope) || !has_resource(r, t))
				continue;
			cJSON *res = cJSON_GetObjectItemCaseSensitive(r, "resources");
			for (int k = cJSON_GetArraySize(res) - 1; k >= 0; k--)
				if (strcmp(cJSON_GetArrayItem(res, k)->valuestring, t) == 0)
					cJSON_DeleteItemFromArray(res, k);
			fprintf(ctx->out, "Policy removed: %s (%s)\n", json_str(r, "id", ""), t);
			if (cJSON_GetArraySize(res) == 0)
				cJSON_DeleteItemFromArray(rules, i);
			removed++;
		}
		if (!removed)
			rc = sbx_error(ctx, "no network rule for \"%s\"", t);
	}
	free(copy);
	if (!rc)
		policies_save(doc);
	cJSON_Delete(doc);
	state_unlock(lock);
	return rc;
}

enum policy_verdict policy_decide(const cJSON *doc, const char *sandbox, const char *target, const cJSON **by)
{
	const cJSON *r, *x, *deny = NULL, *allow = NULL;
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "rules")) {
		if (strcmp(json_str(r, "type", ""), "network") != 0 ||
		    !(same_scope(r, NULL) || (sandbox && same_scope(r, sandbox))))
			continue;
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(r, "resources")) {
			if (!policy_resource_matches(x->valuestring, target))
				continue;
			if (strcmp(json_str(r, "decision", ""), "deny") == 0 && !deny)
				deny = r;
			else if (!allow)
				allow = r;
		}
	}
	/* Deny beats allow; nothing matching is a deny. */
	*by = deny ? deny : allow;
	return deny ? POLICY_DENIED_RULE : allow ? POLICY_ALLOWED
						 : POLICY_DENIED_DEFAULT;
}

/* "host[:port]" with the port the reference says check assumes: 443 for a
 * bare host, the scheme's default for a URL. */
static char *check_target(const char *in)
{
	const char *scheme_end = strstr(in, "://");
	const char *t = scheme_end ? scheme_end + 3 : in;
	char *hostport = xstrndup(t, strcspn(t, "/?#"));
	const char *colon = strrchr(hostport, ':');
	if (colon && strchr(hostport, ':') == colon)
		return hostport;
	char *out = xasprintf("%s:%s", hostport, scheme_end && str_starts(in, "http:") ? "80" : "443");
	free(hostport);
	return out;
}

int sbx_cmd_policy_check(struct sbx_ctx *ctx, const struct args *a)
{
	const char *scope = arg_str(a, "sandbox");
	char *target = check_target(a->pos[0]);
	int lock = state_lock();
	cJSON *doc = policies_load();
	state_unlock(lock);
	const cJSON *by;
	enum policy_verdict v = policy_decide(doc, scope, target, &by);
	const cJSON *deny = v == POLICY_DENIED_RULE ? by : NULL, *allow = v == POLICY_ALLOWED ? by : NULL;
	if (arg_set(a, "json")) {
		cJSON *out = cJSON_CreateObject();
		cJSON_AddStringToObject(out, "target", a->pos[0]);
		cJSON_AddBoolToObject(out, "allowed", v == POLICY_ALLOWED);
		if (by)
			cJSON_AddStringToObject(out, "rule_id", json_str(by, "id", ""));
		json_print_go(ctx->out, out);
		cJSON_Delete(out);
	} else if (deny) {
		fprintf(ctx->out, "Denied: %s (rule %s)\n", a->pos[0], json_str(deny, "id", ""));
	} else if (allow) {
		fprintf(ctx->out, "Allowed: %s\n", a->pos[0]);
	} else {
		fprintf(ctx->out, "Denied: %s (no rule allows it)\n", a->pos[0]);
	}
	free(target);
	cJSON_Delete(doc);
	return 0;
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
	char id[37], policy_id[37];
	char *seed = xasprintf("seed|%s|%s|%s|%d", argv[1], argv[2], argv[4], cJSON_GetArraySize(rules));
	fake_uuid(id, seed);
	free(seed);
	seed = xasprintf("policy|%s|%s", argv[1], argv[2]);
	fake_uuid(policy_id, seed);
	free(seed);
	cJSON *rule = new_rule(id, "", argv[1], argv[2], policy_id, "network", argv[3], argv[4]);
	if (argc == 6)
		json_set(rule, "sandbox", cJSON_CreateString(argv[5]));
	cJSON_AddItemToArray(rules, rule);
	policies_save(doc);
	cJSON_Delete(doc);
	state_unlock(lock);
	puts(id);
	return 0;
}
