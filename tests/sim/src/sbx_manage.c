/*
 * sbx_manage: ls, stop, rm and reset over sandboxes.json.
 */
#include "sbx_internal.h"
#include "state.h"

#include <stdlib.h>
#include <string.h>

/* ls --json rows (ls-json@v0.31.3.txt); the keys added later are sbxsim's
 * names for what docs/backends.md §6 lists.  Key order: Go struct order, guessed. */
static cJSON *ls_row(const struct sbx_ctx *ctx, const cJSON *sb)
{
	cJSON *row = cJSON_CreateObject();
	if (sbx_has(ctx, F_LS_ID))
		cJSON_AddStringToObject(row, "id", json_str(sb, "id", ""));
	cJSON_AddStringToObject(row, "name", json_str(sb, "name", ""));
	cJSON_AddStringToObject(row, "agent", json_str(sb, "agent", ""));
	cJSON_AddStringToObject(row, "status", json_str(sb, "status", "stopped"));
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(sb, "workspaces");
	cJSON_AddItemToObject(row, "workspaces", w ? cJSON_Duplicate(w, 1) : cJSON_CreateArray());
	if (sbx_has(ctx, F_LS_LAST_USED))
		cJSON_AddStringToObject(row, "last_used_at", json_str(sb, "last_used_at", ""));
	if (sbx_has(ctx, F_LS_CREATED_RESOURCES)) {
		cJSON_AddStringToObject(row, "created_at", json_str(sb, "created_at", ""));
		const cJSON *cpus = cJSON_GetObjectItemCaseSensitive(sb, "cpus");
		cJSON_AddNumberToObject(row, "cpus", cJSON_IsNumber(cpus) ? cpus->valuedouble : 1);
		cJSON_AddStringToObject(row, "memory", json_str(sb, "memory", ""));
	}
	return row;
}

int sbx_cmd_ls(struct sbx_ctx *ctx, const struct args *a)
{
	int lock = state_lock();
	cJSON *doc = sandboxes_load();
	state_unlock(lock);
	cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "sandboxes");
	int n = cJSON_GetArraySize(list);
	const cJSON *sb;
	if (arg_set(a, "json")) {
		cJSON *out = cJSON_CreateObject();
		cJSON *arr = cJSON_AddArrayToObject(out, "sandboxes");
		cJSON_ArrayForEach(sb, list) cJSON_AddItemToArray(arr, ls_row(ctx, sb));
		json_print_go(ctx->out, out);
		cJSON_Delete(out);
	} else if (arg_set(a, "quiet")) {
		cJSON_ArrayForEach(sb, list) fprintf(ctx->out, "%s\n", json_str(sb, "name", ""));
	} else {
		/* Columns of ls@docs-recent.txt; PORTS is "-" (ports are not simulated). */
		const char **cells = xcalloc((size_t)(n + 1) * 5, sizeof(char *));
		const char *hdr[] = { "SANDBOX", "AGENT", "STATUS", "PORTS", "WORKSPACE" };
		memcpy(cells, hdr, sizeof(hdr));
		int r = 1;
		cJSON_ArrayForEach(sb, list) {
			const cJSON *w = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sb, "workspaces"), 0);
			const char *row[] = { json_str(sb, "name", ""), json_str(sb, "agent", ""),
					      json_str(sb, "status", "stopped"), "-", cJSON_IsString(w) ? w->valuestring : "-" };
			memcpy(cells + r * 5, row, sizeof(row));
			r++;
		}
		table_print(ctx->out, cells, 5, n + 1);
		free(cells);
	}
	cJSON_Delete(doc);
	return 0;
}

int sbx_cmd_stop(struct sbx_ctx *ctx, const struct args *a)
{
	int rc = 0;
	int lock = state_lock();
	cJSON *doc = sandboxes_load();
	for (int i = 0; i < a->npos; i++) {
		cJSON *sb = sandbox_find(doc, a->pos[i]);
		if (!sb) {
			rc = sbx_no_sandbox(ctx, a->pos[i]);
			continue;
		}
		json_set(sb, "status", cJSON_CreateString("stopped"));
		fprintf(ctx->out, "Stopped sandbox '%s'\n", a->pos[i]);
	}
	sandboxes_save(doc);
	cJSON_Delete(doc);
	state_unlock(lock);
	return rc;
}

static void remove_entry(cJSON *doc, cJSON *sb)
{
	char *dir = sandbox_dir(json_str(sb, "name", ""));
	rm_rf(dir);
	free(dir);
	cJSON_DetachItemViaPointer(cJSON_GetObjectItemCaseSensitive(doc, "sandboxes"), sb);
	cJSON_Delete(sb);
}

/* rm also deletes the secrets scoped to the sandbox (docs@c2b0924 sbx_rm.yaml). */
static void drop_secrets(const char *name)
{
	cJSON *doc = state_load("secrets.json", "{\"secrets\":[]}");
	cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "secrets");
	for (int i = cJSON_GetArraySize(list) - 1; i >= 0; i--)
		if (strcmp(json_str(cJSON_GetArrayItem(list, i), "scope", ""), name) == 0)
			cJSON_DeleteItemFromArray(list, i);
	state_save("secrets.json", doc);
	cJSON_Delete(doc);
}

/* From v0.29 rm asks first: no TTY and no --force fails, saying what to
 * run; declining exits 0 until v0.45, 1 after (docs/backends.md §6). */
static int confirm_rm(struct sbx_ctx *ctx, const char **names, int n, int *rc)
{
	char *list = sbx_join(names);
	char *question = xasprintf("Remove %s %s? This cannot be undone.", n == 1 ? "sandbox" : "sandboxes", list);
	bool no_tty;
	bool yes = sbx_confirm(ctx, question, &no_tty);
	free(question);
	if (!yes && no_tty) {
		for (char *c = list; *c; c++)
			if (c[0] == ',' && c[1] == ' ')
				memmove(c, c + 1, strlen(c));
		*rc = sbx_error(ctx, "confirmation required and no terminal to ask: run \"sbx rm --force %s\"", list);
	} else if (!yes && sbx_has(ctx, F_RM_DECLINE_FAILS))
		*rc = sbx_error(ctx, "removal cancelled");
	else if (!yes)
		fputs("Cancelled.\n", ctx->out);
	free(list);
	return yes;
}

int sbx_cmd_rm(struct sbx_ctx *ctx, const struct args *a)
{
	bool force = arg_set(a, "force");
	int rc = 0;
	int lock = state_lock();
	cJSON *doc = sandboxes_load();
	const char **names = xcalloc((size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "sandboxes")) +
					     (size_t)a->npos + 1,
				     sizeof(char *));
	int n = 0;
	if (arg_set(a, "all")) {
		const cJSON *sb;
		cJSON_ArrayForEach(sb, cJSON_GetObjectItemCaseSensitive(doc, "sandboxes")) names[n++] = json_str(sb, "name", "");
	} else if (a->npos == 0) {
		rc = sbx_error(ctx, "requires at least 1 arg(s), only received 0");
	}
	for (int i = 0; i < a->npos && !arg_set(a, "all"); i++) {
		if (sandbox_find(doc, a->pos[i]))
			names[n++] = a->pos[i];
		else
			rc = sbx_no_sandbox(ctx, a->pos[i]);
	}
	bool go = n > 0 && (force || !sbx_has(ctx, F_RM_CONFIRM) || confirm_rm(ctx, names, n, &rc));
	for (int i = 0; go && i < n; i++) {
		cJSON *sb = sandbox_find(doc, names[i]);
		if (sbx_has(ctx, F_RM_IN_USE) && !force && sandbox_has_sessions(sb)) {
			rc = sbx_error(ctx, "sandbox '%s' has an active session; use --force to remove it", names[i]);
			continue;
		}
		char *name = xstrdup(names[i]);
		remove_entry(doc, sb);
		drop_secrets(name);
		fprintf(ctx->out, "Removed sandbox '%s'\n", name);
		free(name);
	}
	free(names);
	sandboxes_save(doc);
	cJSON_Delete(doc);
	state_unlock(lock);
	return rc;
}

/* reset@v0.33.0.txt: every sandbox goes, and the policy store must be
 * chosen again (SBXI#588). */
int sbx_cmd_reset(struct sbx_ctx *ctx, const struct args *a)
{
	(void)a;
	int lock = state_lock();
	cJSON *doc = sandboxes_load();
	int stopped = 0;
	fputs("Deleting all sandboxes...\n", ctx->out);
	cJSON *sb;
	while ((sb = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "sandboxes"), 0))) {
		stopped += strcmp(json_str(sb, "status", ""), "running") == 0;
		remove_entry(doc, sb);
	}
	sandboxes_save(doc);
	cJSON_Delete(doc);
	state_unlock(lock);
	policies_uninitialise();
	fprintf(ctx->out, "Not signed in.\n\n\xe2\x9c\x93 Reset complete!\n\nSummary:\n  \xe2\x80\xa2 Sandboxes stopped: %d\n",
		stopped);
	return 0;
}
