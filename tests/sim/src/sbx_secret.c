/*
 * sbx_secret: `sbx secret set|ls|rm` over "<state>/secrets.json".
 *
 * Before v0.38 the scope comes first: `set [-g | SANDBOX] SERVICE`, one of
 * them required.  From v0.38 `set SERVICE [--sandbox S]`, global by
 * default; `-g` (pflag deprecation) and `SANDBOX SERVICE` (a WARN line)
 * still work.  The value comes on stdin or with -t.  `secret ls` prints
 * SCOPE SERVICE SECRET with "(global)" and masked values
 * (secret-ls@v0.28.1.txt).  Other output wording is sbxsim's own.
 */
#include "sbx_internal.h"
#include "state.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *read_stdin_value(void)
{
	size_t cap = 256, len = 0;
	char *buf = xmalloc(cap);
	ssize_t n;
	while ((n = read(0, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (len + 1 >= cap)
			buf = xrealloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (len && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return buf;
}

static int find(cJSON *list, const char *service, const char *scope)
{
	int i = 0;
	const cJSON *s;
	cJSON_ArrayForEach(s, list) {
		if (strcmp(json_str(s, "service", ""), service) == 0 && strcmp(json_str(s, "scope", ""), scope) == 0)
			return i;
		i++;
	}
	return -1;
}

/* Scope ("global" or a sandbox name) and service from the release's syntax. */
static int scope_and_service(struct sbx_ctx *ctx, const struct args *a, const char *verb, enum sbx_feature v2,
			     const char **scope, const char **service)
{
	bool global = arg_set(a, "global");
	*scope = "global";
	*service = NULL;
	if (a->npos == 0)
		return sbx_error(ctx, "no service given: pass SERVICE (the interactive prompt needs a terminal)");
	if (a->npos == 2) {
		if (global || arg_str(a, "sandbox"))
			return sbx_error(ctx, "give the sandbox either as an argument or with a flag, not both");
		if (sbx_has(ctx, v2))
			sbx_warn(ctx, "\"sbx secret %s SANDBOX SERVICE\" is deprecated; use \"sbx secret %s SERVICE --sandbox SANDBOX\"",
				 verb, verb);
		*scope = a->pos[0];
		*service = a->pos[1];
	} else {
		*service = a->pos[0];
		if (arg_str(a, "sandbox"))
			*scope = arg_str(a, "sandbox");
		else if (!global && !sbx_has(ctx, v2))
			return sbx_error(ctx, "either --global (-g) or a sandbox name is required");
	}
	if (!sbx_in_list(sbx_services(ctx), *service))
		return sbx_error(ctx, "unknown service \"%s\"", *service);
	if (strcmp(*scope, "global") != 0) {
		int lock = state_lock();
		cJSON *sbs = sandboxes_load();
		bool found = sandbox_find(sbs, *scope) != NULL;
		cJSON_Delete(sbs);
		state_unlock(lock);
		if (!found)
			return sbx_no_sandbox(ctx, *scope);
	}
	return 0;
}

int sbx_cmd_secret_set(struct sbx_ctx *ctx, const struct args *a)
{
	const char *scope, *service;
	if (scope_and_service(ctx, a, "set", F_SECRET_SET_V2, &scope, &service))
		return 1;
	if (arg_set(a, "oauth"))
		return sbx_error(ctx, "sbxsim does not simulate --oauth");
	char *value = arg_str(a, "token") ? xstrdup(arg_str(a, "token")) : NULL;
	if (!value && isatty(0))
		return sbx_error(ctx, "no secret value: pass it on stdin or with -t");
	if (!value)
		value = read_stdin_value();
	int rc = *value ? 0 : sbx_error(ctx, "secret value is empty");
	int lock = state_lock();
	cJSON *doc = state_load("secrets.json", "{\"secrets\":[]}");
	cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "secrets");
	int idx = find(list, service, scope);
	/* -f: "Overwrite an existing secret when --token is used". */
	if (!rc && idx >= 0 && arg_str(a, "token") && !arg_set(a, "force"))
		rc = sbx_error(ctx, "a %s secret already exists for %s; use --force to overwrite it", service,
			       strcmp(scope, "global") ? scope : "the global scope");
	if (!rc) {
		if (idx >= 0)
			cJSON_DeleteItemFromArray(list, idx);
		cJSON *s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "service", service);
		cJSON_AddStringToObject(s, "scope", scope);
		cJSON_AddStringToObject(s, "value", value);
		cJSON_AddItemToArray(list, s);
		state_save("secrets.json", doc);
		fprintf(ctx->out, "Secret for %s saved (%s)\n", service, scope);
	}
	cJSON_Delete(doc);
	state_unlock(lock);
	free(value);
	return rc;
}

/* "github********...********": a prefix, then a fixed mask. */
static char *mask(const char *v)
{
	size_t len = strlen(v);
	return xasprintf("%.*s********...********", (int)(len >= 12 ? 6 : 0), v);
}

int sbx_cmd_secret_ls(struct sbx_ctx *ctx, const struct args *a)
{
	const char *only_sandbox = a->npos ? a->pos[0] : NULL, *service = arg_str(a, "service");
	bool only_global = arg_set(a, "global");
	int lock = state_lock();
	cJSON *doc = state_load("secrets.json", "{\"secrets\":[]}");
	state_unlock(lock);
	cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "secrets");
	int n = cJSON_GetArraySize(list), r = 1;
	const char **cells = xcalloc((size_t)(n + 1) * 3, sizeof(char *));
	char **masked = xcalloc((size_t)n + 1, sizeof(char *));
	cells[0] = "SCOPE";
	cells[1] = "SERVICE";
	cells[2] = "SECRET";
	for (int i = 0; i < n; i++) {
		const cJSON *s = cJSON_GetArrayItem(list, i);
		const char *scope = json_str(s, "scope", "global");
		bool global = strcmp(scope, "global") == 0;
		if ((only_global && !global) || (only_sandbox && strcmp(scope, only_sandbox)) ||
		    (service && strcmp(service, json_str(s, "service", ""))))
			continue;
		masked[i] = mask(json_str(s, "value", ""));
		cells[r * 3] = global ? "(global)" : scope;
		cells[r * 3 + 1] = json_str(s, "service", "");
		cells[r * 3 + 2] = masked[i];
		r++;
	}
	if (r == 1 && sbx_has(ctx, F_SECRET_LS_EMPTY_LINE)) {
		/* the scoped sentence is v0.39.0's (sbx-releases#518); the unscoped one is sbxsim's own */
		if (only_sandbox)
			fprintf(ctx->out, "No secrets found for scope \"%s\".\n", only_sandbox);
		else
			fputs("No secrets found.\n", ctx->out);
	} else {
		table_print(ctx->out, cells, 3, r);
	}
	for (int i = 0; i < n; i++)
		free(masked[i]);
	free(masked);
	free(cells);
	cJSON_Delete(doc);
	return 0;
}

int sbx_cmd_secret_rm(struct sbx_ctx *ctx, const struct args *a)
{
	const char *scope, *service;
	if (scope_and_service(ctx, a, "rm", F_SECRET_RM_V2, &scope, &service))
		return 1;
	bool v2 = sbx_has(ctx, F_SECRET_RM_V2);
	const char *shown = strcmp(scope, "global") ? scope : "(global)";
	bool no_tty = false;
	/* v0.39.0's words (sbx-releases#555); the older ones are sbxsim's own */
	char *question = v2 ? xstrdup("Delete selected secret?") : xasprintf("Remove the %s secret (%s)?", service, scope);
	bool yes = arg_set(a, "force") || sbx_confirm(ctx, question, &no_tty);
	free(question);
	if (!yes)
		return no_tty ? sbx_error(ctx, "confirmation required and no terminal to ask: run \"sbx secret rm --force ...\"")
			      : sbx_error(ctx, "cancelled");
	int lock = state_lock();
	cJSON *doc = state_load("secrets.json", "{\"secrets\":[]}");
	cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "secrets");
	int idx = find(list, service, scope), rc = 0;
	if (idx < 0 && v2) {
		rc = sbx_error(ctx, "No secret found for service \"%s\" in scope \"%s\"", service, shown);
	} else if (idx < 0) {
		rc = sbx_error(ctx, "no secret for service \"%s\"", service);
	} else {
		cJSON_DeleteItemFromArray(list, idx);
		state_save("secrets.json", doc);
		if (v2)
			fprintf(ctx->out, "Deleted secret for service \"%s\" in scope \"%s\"\n", service, shown);
		else
			fprintf(ctx->out, "Secret for %s removed\n", service);
	}
	cJSON_Delete(doc);
	state_unlock(lock);
	return rc;
}
