/*
 * sbx_sandbox: create, ls, stop, rm and run.  A sandbox is an entry in
 * sandboxes.json plus "<state>/sandboxes/<name>/" holding its /etc layer
 * ("etc/", so etc/sandbox-persistent.sh is the file the guide appends to)
 * and its home directory.
 */
#include "sbx_internal.h"
#include "state.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *agents[] = { "claude", "codex",   "copilot", "cursor",   "devin", "docker-agent",
				"droid",  "gemini", "kiro",    "opencode", "shell" };

static bool valid_name(const char *n)
{
	if (strlen(n) < 2 || !isalnum((unsigned char)n[0]))
		return false;
	for (const char *c = n; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '.')
			return false;
	return true;
}

static bool valid_env_key(const char *k, size_t len)
{
	if (len == 0 || !(isalpha((unsigned char)k[0]) || k[0] == '_'))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!(isalnum((unsigned char)k[i]) || k[i] == '_'))
			return false;
	return true;
}

static int add_env(struct sbx_ctx *ctx, cJSON *env, const char *kv)
{
	const char *eq = strchr(kv, '=');
	if (!eq || !valid_env_key(kv, (size_t)(eq - kv)))
		return sbx_error(ctx, "invalid environment variable \"%s\": expected KEY=VALUE", kv);
	char *key = xstrndup(kv, (size_t)(eq - kv));
	cJSON_DeleteItemFromObjectCaseSensitive(env, key);
	cJSON_AddStringToObject(env, key, eq + 1);
	free(key);
	return 0;
}

static int add_env_file(struct sbx_ctx *ctx, cJSON *env, const char *path)
{
	char *text = read_file(path, NULL);
	if (!text)
		return sbx_error(ctx, "cannot read env file '%s': %s", path, strerror(errno));
	int rc = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && !rc; line = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		if (*line && *line != '#')
			rc = add_env(ctx, env, line);
	}
	free(text);
	return rc;
}

static void secrets_snapshot(cJSON *sb)
{
	/* A global secret reaches only sandboxes created after it. */
	cJSON *doc = state_load("secrets.json", "{\"secrets\":[]}");
	cJSON *list = cJSON_AddArrayToObject(sb, "secrets");
	const cJSON *s;
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(doc, "secrets"))
	{
		const cJSON *scope = cJSON_GetObjectItemCaseSensitive(s, "scope");
		const cJSON *svc = cJSON_GetObjectItemCaseSensitive(s, "service");
		if (cJSON_IsString(scope) && strcmp(scope->valuestring, "global") == 0 && cJSON_IsString(svc))
			cJSON_AddItemToArray(list, cJSON_CreateString(svc->valuestring));
	}
	cJSON_Delete(doc);
}

static int make_dirs(const char *name)
{
	char *dir = sandbox_dir(name);
	char *etc = xasprintf("%s/etc", dir), *work = xasprintf("%s/.etc-work", dir);
	char *home = xasprintf("%s/home", dir), *file = xasprintf("%s/sandbox-persistent.sh", etc);
	char *profile_d = xasprintf("%s/profile.d", etc);
	char *hook = xasprintf("%s/00-sandbox-persistent.sh", profile_d);
	int rc = mkdir_p(etc, 0755) | mkdir_p(work, 0755) | mkdir_p(home, 0755) | mkdir_p(profile_d, 0755);
	int fd = rc ? -1 : open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	else
		rc = -1;
	/* Login shells source the persistent file, as the sandbox image does. */
	static const char hook_text[] = "[ -r /etc/sandbox-persistent.sh ] && . /etc/sandbox-persistent.sh\n";
	if (!rc && write_file_atomic(hook, hook_text, sizeof(hook_text) - 1) < 0)
		rc = -1;
	free(profile_d);
	free(hook);
	free(dir);
	free(etc);
	free(work);
	free(home);
	free(file);
	return rc;
}

static const struct flag create_flags[] = {
	{ "name", 0, FLAG_VALUE, 0, 0 },       { "cpus", 0, FLAG_VALUE, 0, 0 },
	{ "memory", 'm', FLAG_VALUE, 0, 0 },   { "template", 't', FLAG_VALUE, 0, 0 },
	{ "env", 'e', FLAG_MULTI, V_CREATE_ENV, 0 }, { "env-file", 0, FLAG_VALUE, V_CREATE_ENV, 0 },
	{ "detach", 'd', FLAG_BOOL, 0, 0 },
};
#define NCREATE ((int)(sizeof(create_flags) / sizeof(create_flags[0])))

/* Shared by create and run: make the sandbox, print nothing on success. */
static int do_create(struct sbx_ctx *ctx, struct args *a, char **name_out)
{
	int min_args = ctx->version >= V_PATH_OPTIONAL ? 1 : 2;
	if (a->npos < min_args)
		return sbx_error(ctx, "requires at least %d arg(s), only received %d", min_args, a->npos);
	const char *agent = a->pos[0];
	size_t k;
	for (k = 0; k < sizeof(agents) / sizeof(agents[0]); k++)
		if (strcmp(agents[k], agent) == 0)
			break;
	if (k == sizeof(agents) / sizeof(agents[0]))
		return sbx_error(ctx, "unknown agent \"%s\"", agent);

	cJSON *workspaces = cJSON_CreateArray();
	int rc = 0;
	for (int i = 1; i < a->npos && !rc; i++) {
		char *p = xstrdup(a->pos[i]);
		bool ro = str_ends(p, ":ro");
		if (ro)
			p[strlen(p) - 3] = '\0';
		char real[PATH_MAX];
		struct stat st;
		if (!realpath(p, real) || stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
			rc = sbx_error(ctx, "workspace path '%s' does not exist or is not a directory", p);
		} else {
			char *copy = xstrdup(real);
			/* SBXI#602: a dot-directory workspace fails deep in the VM. */
			if (basename(copy)[0] == '.')
				rc = sbx_error(ctx, "failed to run sandbox container");
			free(copy);
			char *entry = xasprintf("%s%s", real, ro ? ":ro" : "");
			cJSON_AddItemToArray(workspaces, cJSON_CreateString(entry));
			free(entry);
		}
		free(p);
	}
	if (rc) {
		cJSON_Delete(workspaces);
		return rc;
	}

	char *name;
	int fi = flag_index(create_flags, NCREATE, "name");
	if (a->set[fi]) {
		name = xstrdup(a->value[fi]);
	} else {
		char cwd[PATH_MAX];
		const cJSON *w0 = cJSON_GetArrayItem(workspaces, 0);
		char *base = xstrdup(w0 ? w0->valuestring : getcwd(cwd, sizeof(cwd)) ? cwd : "workspace");
		name = xasprintf("%s-%s", agent, basename(base));
		free(base);
		for (char *c = name; *c; c++)
			*c = isalnum((unsigned char)*c) || *c == '-' || *c == '.' ? (char)tolower((unsigned char)*c) : '-';
	}
	if (strcmp(name, "default") == 0)
		rc = sbx_error(ctx, "invalid sandbox name \"%s\": the name is reserved", name);
	else if (!valid_name(name))
		rc = sbx_error(ctx, "invalid sandbox name \"%s\": must be at least 2 characters, start with a letter "
				    "or digit and contain only letters, digits, '-' and '.'", name);
	cJSON *env = cJSON_CreateObject();
	fi = flag_index(create_flags, NCREATE, "env-file");
	if (!rc && a->set[fi])
		rc = add_env_file(ctx, env, a->value[fi]);
	fi = flag_index(create_flags, NCREATE, "env");
	for (int i = 0; !rc && i < a->nmulti[fi]; i++)
		rc = add_env(ctx, env, a->multi[fi][i]);
	fi = flag_index(create_flags, NCREATE, "cpus");
	if (!rc && a->set[fi] && atoi(a->value[fi]) <= 0)
		rc = sbx_error(ctx, "invalid argument \"%s\" for \"--cpus\" flag", a->value[fi]);
	if (rc) {
		cJSON_Delete(workspaces);
		cJSON_Delete(env);
		free(name);
		return rc;
	}

	int lock = state_lock();
	cJSON *doc = sandboxes_load();
	if (sandbox_find(doc, name)) {
		rc = sbx_error(ctx, "sandbox '%s' already exists", name);
		cJSON_Delete(workspaces);
		cJSON_Delete(env);
	} else if (make_dirs(name) < 0) {
		rc = sbx_error(ctx, "failed to create sandbox '%s': %s", name, strerror(errno));
		cJSON_Delete(workspaces);
		cJSON_Delete(env);
	} else {
		cJSON *sb = cJSON_CreateObject();
		char id[37], ts[32];
		char *seed = xasprintf("%s|%f", name, now_s());
		fake_uuid(id, seed);
		free(seed);
		int64_t now = (int64_t)now_s();
		format_rfc3339(ts, now);
		cJSON_AddStringToObject(sb, "id", id);
		cJSON_AddStringToObject(sb, "name", name);
		cJSON_AddStringToObject(sb, "agent", agent);
		cJSON_AddStringToObject(sb, "status", "running");
		cJSON_AddItemToObject(sb, "workspaces", workspaces);
		cJSON_AddStringToObject(sb, "created_at", ts);
		cJSON_AddStringToObject(sb, "last_used_at", ts);
		cJSON_AddNumberToObject(sb, "last_used_unix", (double)now);
		const char *opt[] = { "cpus", "memory", "template" };
		for (int i = 0; i < 3; i++) {
			fi = flag_index(create_flags, NCREATE, opt[i]);
			if (a->set[fi])
				cJSON_AddStringToObject(sb, opt[i], a->value[fi]);
		}
		cJSON_AddItemToObject(sb, "env", env);
		cJSON_AddBoolToObject(sb, "mcp_gateway", 1);
		cJSON_AddArrayToObject(sb, "sessions");
		secrets_snapshot(sb);
		cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(doc, "sandboxes"), sb);
		sandboxes_save(doc);
	}
	cJSON_Delete(doc);
	state_unlock(lock);
	if (!rc && name_out)
		*name_out = xstrdup(name);
	free(name);
	return rc;
}

int sbx_cmd_create(struct sbx_ctx *ctx, int argc, char **argv)
{
	struct args a;
	if (args_parse(ctx, create_flags, NCREATE, argc, argv, true, &a) < 0)
		return 1;
	char *name = NULL;
	int rc = do_create(ctx, &a, &name);
	if (!rc)
		fprintf(ctx->out, "Created sandbox '%s'\n", name);
	free(name);
	args_release(&a);
	return rc;
}

static cJSON *ls_row(const cJSON *sb, bool extended)
{
	static const char *base_keys[] = { "name", "agent", "status", "workspaces" };
	static const char *ext_keys[] = { "id", "name", "agent", "status", "workspaces", "created_at", "last_used_at" };
	const char **keys = extended ? ext_keys : base_keys;
	int n = extended ? 7 : 4;
	cJSON *row = cJSON_CreateObject();
	for (int i = 0; i < n; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(sb, keys[i]);
		cJSON_AddItemToObject(row, keys[i], v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
	}
	return row;
}

int sbx_cmd_ls(struct sbx_ctx *ctx, int argc, char **argv)
{
	static const struct flag flags[] = { { "json", 0, FLAG_BOOL, 0, 0 },
					     { "format", 0, FLAG_VALUE, V_SCOPE_FLAG, 0 },
					     { "quiet", 'q', FLAG_BOOL, 0, 0 } };
	struct args a;
	if (args_parse(ctx, flags, 3, argc, argv, true, &a) < 0)
		return 1;
	bool json = a.set[0];
	bool quiet = a.set[2];
	if (a.set[1]) {
		if (strcmp(a.value[1], "json") == 0)
			json = true;
		else if (strcmp(a.value[1], "table") != 0) {
			args_release(&a);
			return sbx_error(ctx, "unsupported format \"%s\": use table or json", a.value[1]);
		}
	}
	args_release(&a);
	int lock = state_lock();
	cJSON *doc = sandboxes_load();
	state_unlock(lock);
	cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "sandboxes");
	int n = cJSON_GetArraySize(list);
	if (json) {
		cJSON *out = cJSON_CreateObject();
		cJSON *arr = cJSON_AddArrayToObject(out, "sandboxes");
		const cJSON *sb;
		cJSON_ArrayForEach(sb, list) cJSON_AddItemToArray(arr, ls_row(sb, ctx->version >= V_SCOPE_FLAG));
		char *text = cJSON_PrintUnformatted(out);
		fprintf(ctx->out, "%s\n", text);
		free(text);
		cJSON_Delete(out);
	} else {
		const char **cells = xcalloc((size_t)(n + 1) * 4, sizeof(char *));
		cells[0] = "SANDBOX";
		cells[1] = "AGENT";
		cells[2] = "STATUS";
		cells[3] = "WORKSPACE";
		int r = 1;
		const cJSON *sb;
		cJSON_ArrayForEach(sb, list)
		{
			const cJSON *w = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sb, "workspaces"), 0);
			cells[r * 4 + 0] = cJSON_GetObjectItemCaseSensitive(sb, "name")->valuestring;
			cells[r * 4 + 1] = cJSON_GetObjectItemCaseSensitive(sb, "agent")->valuestring;
			cells[r * 4 + 2] = cJSON_GetObjectItemCaseSensitive(sb, "status")->valuestring;
			cells[r * 4 + 3] = w ? w->valuestring : "-";
			if (quiet)
				fprintf(ctx->out, "%s\n", cells[r * 4]);
			r++;
		}
		if (!quiet)
			table_print(ctx->out, cells, 4, n + 1, false);
		free(cells);
	}
	cJSON_Delete(doc);
	return 0;
}

static int stop_or_rm(struct sbx_ctx *ctx, int argc, char **argv, bool rm)
{
	static const struct flag flags[] = { { "force", 'f', FLAG_BOOL, 0, 0 } };
	struct args a;
	if (args_parse(ctx, flags, rm ? 1 : 0, argc, argv, true, &a) < 0)
		return 1;
	int rc = 0;
	if (a.npos < 1) {
		args_release(&a);
		return sbx_error(ctx, "requires at least 1 arg(s), only received 0");
	}
	int lock = state_lock();
	cJSON *doc = sandboxes_load();
	for (int i = 0; i < a.npos; i++) {
		cJSON *sb = sandbox_find(doc, a.pos[i]);
		if (!sb) {
			rc = sbx_error(ctx, "no sandbox named '%s'", a.pos[i]);
			continue;
		}
		if (!rm) {
			json_set(sb, "status", cJSON_CreateString("stopped"));
			fprintf(ctx->out, "Stopped sandbox '%s'\n", a.pos[i]);
			continue;
		}
		if (!a.set[0] && sandbox_has_sessions(sb)) {
			rc = sbx_error(ctx, "sandbox '%s' has an active session; use --force to remove it", a.pos[i]);
			continue;
		}
		char *dir = sandbox_dir(a.pos[i]);
		rm_rf(dir);
		free(dir);
		cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "sandboxes");
		int idx = 0;
		const cJSON *it;
		cJSON_ArrayForEach(it, list)
		{
			if (it == sb)
				break;
			idx++;
		}
		cJSON_DeleteItemFromArray(list, idx);
		fprintf(ctx->out, "Removed sandbox '%s'\n", a.pos[i]);
	}
	sandboxes_save(doc);
	cJSON_Delete(doc);
	state_unlock(lock);
	args_release(&a);
	return rc;
}

int sbx_cmd_stop(struct sbx_ctx *ctx, int argc, char **argv)
{
	return stop_or_rm(ctx, argc, argv, false);
}

int sbx_cmd_rm(struct sbx_ctx *ctx, int argc, char **argv)
{
	return stop_or_rm(ctx, argc, argv, true);
}

/*
 * `sbx run NAME|AGENT [PATH...] [--name N] [-d] [-- AGENT_ARGS...]`.
 * No agent exists here: the session is simulated by a bash login shell in
 * the sandbox that records what the agent would see, in
 * "<sandbox>/agent-run.json" (args) and "<sandbox>/agent-env.txt" (env
 * after /etc/sandbox-persistent.sh was sourced).
 */
int sbx_cmd_run(struct sbx_ctx *ctx, int argc, char **argv)
{
	struct args a;
	if (args_parse(ctx, create_flags, NCREATE, argc, argv, true, &a) < 0)
		return 1;
	int fi = flag_index(create_flags, NCREATE, "name");
	if (a.npos < 1 && !a.set[fi]) {
		args_release(&a);
		return sbx_error(ctx, "requires at least 1 arg(s), only received 0");
	}
	/* `run NAME`, `run --name NAME -d` or `run AGENT [PATH] [--name N]`. */
	int lock = state_lock();
	cJSON *doc = sandboxes_load();
	const char *existing = a.set[fi] && sandbox_find(doc, a.value[fi]) ? a.value[fi]
			       : a.npos >= 1 && sandbox_find(doc, a.pos[0]) ? a.pos[0] : NULL;
	cJSON_Delete(doc);
	state_unlock(lock);
	char *name = NULL;
	int rc = 0;
	if (existing) {
		name = xstrdup(existing);
	} else {
		rc = do_create(ctx, &a, &name);
		if (rc) {
			args_release(&a);
			return rc;
		}
		fprintf(ctx->out, "Created sandbox '%s'\n", name);
	}
	lock = state_lock();
	doc = sandboxes_load();
	cJSON *sb = sandbox_find(doc, name);
	sandbox_touch(sb, "running");
	/* run starts the sandbox fully; exec starts it without (SBXI#479). */
	json_set(sb, "mcp_gateway", cJSON_CreateBool(1));
	cJSON *run = cJSON_CreateObject();
	cJSON *args = cJSON_AddArrayToObject(run, "agent_args");
	for (int i = 0; i < a.nrest; i++)
		cJSON_AddItemToArray(args, cJSON_CreateString(a.rest[i]));
	cJSON_AddBoolToObject(run, "detached", a.set[flag_index(create_flags, NCREATE, "detach")]);
	json_set(sb, "last_run", cJSON_Duplicate(run, 1));
	cJSON *env = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(sb, "env"), 1);
	sandboxes_save(doc);
	cJSON_Delete(doc);
	state_unlock(lock);

	char *dir = sandbox_dir(name);
	char *run_path = xasprintf("%s/agent-run.json", dir);
	char *text = cJSON_PrintUnformatted(run);
	write_file_atomic(run_path, text, strlen(text));
	free(text);
	free(run_path);
	cJSON_Delete(run);
	if (!a.set[flag_index(create_flags, NCREATE, "detach")]) {
		char *env_path = xasprintf("%s/agent-env.txt", dir);
		/* The path goes in as an argument, never into the script text. */
		char *argv_sh[] = { "bash", "-l", "-c", "env > \"$1\"", "sbx-agent", env_path, NULL };
		int st = sandbox_spawn(name, env, NULL, argv_sh, true, true);
		if (st != 0)
			rc = sbx_error(ctx, "agent session failed (exit status %d)", st);
		free(env_path);
	}
	cJSON_Delete(env);
	free(dir);
	free(name);
	args_release(&a);
	return rc;
}
