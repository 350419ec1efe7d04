/*
 * sbx_sandbox: create and run.  A sandbox is an entry in sandboxes.json
 * plus "<state>/sandboxes/<name>/" holding its /etc layer ("etc/", so
 * etc/sandbox-persistent.sh is the file the guide appends to) and its home
 * directory.
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

/* KEY=VALUE, or a bare KEY taking the value from our environment. */
static int add_env(struct sbx_ctx *ctx, cJSON *env, const char *kv, bool bare_ok)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
	if ((!eq && !bare_ok) || !valid_env_key(kv, klen))
		return sbx_error(ctx, "invalid environment variable \"%s\": expected KEY=VALUE", kv);
	char *key = xstrndup(kv, klen);
	const char *value = eq ? eq + 1 : getenv(key);
	cJSON_DeleteItemFromObjectCaseSensitive(env, key);
	if (value)
		cJSON_AddStringToObject(env, key, value);
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
			rc = add_env(ctx, env, line, true);
	}
	free(text);
	return rc;
}

int sbx_env_from_flags(struct sbx_ctx *ctx, const struct args *a, cJSON *env)
{
	const char **list;
	int n = arg_list(a, "env-file", &list), rc = 0;
	for (int i = 0; !rc && i < n; i++)
		rc = add_env_file(ctx, env, list[i]);
	n = arg_list(a, "env", &list);
	for (int i = 0; !rc && i < n; i++)
		rc = add_env(ctx, env, list[i], true);
	return rc;
}

static void secrets_snapshot(cJSON *sb)
{
	/* A global secret reaches only sandboxes created after it. */
	cJSON *doc = state_load("secrets.json", "{\"secrets\":[]}");
	cJSON *list = cJSON_AddArrayToObject(sb, "secrets");
	const cJSON *s;
	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(doc, "secrets")) {
		if (strcmp(json_str(s, "scope", ""), "global") == 0)
			cJSON_AddItemToArray(list, cJSON_CreateString(json_str(s, "service", "")));
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

/* The resources a sandbox gets when create does not say: all host CPUs
 * and half the host's memory, at most 32 GiB (the reference's words). */
static void default_resources(cJSON *sb, const struct args *a)
{
	const char *cpus = arg_str(a, "cpus");
	long n = cpus ? strtol(cpus, NULL, 0) : 0;
	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN) > 0 ? sysconf(_SC_NPROCESSORS_ONLN) : 1;
	cJSON_AddNumberToObject(sb, "cpus", (double)n);
	const char *mem = arg_str(a, "memory");
	if (mem) {
		cJSON_AddStringToObject(sb, "memory", mem);
	} else {
		long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
		long long mib = pages > 0 && page > 0 ? (long long)pages * page / 2 / (1024 * 1024) : 4096;
		char buf[32];
		snprintf(buf, sizeof(buf), "%lldm", mib > 32768 ? 32768 : mib);
		cJSON_AddStringToObject(sb, "memory", buf);
	}
}

static char *default_name(const char *agent, cJSON *workspaces)
{
	char cwd[PATH_MAX];
	const cJSON *w0 = cJSON_GetArrayItem(workspaces, 0);
	char *base = xstrdup(w0 ? w0->valuestring : getcwd(cwd, sizeof(cwd)) ? cwd
									     : "workspace");
	if (str_ends(base, ":ro"))
		base[strlen(base) - 3] = '\0';
	char *name = xasprintf("%s-%s", agent, basename(base));
	free(base);
	for (char *c = name; *c; c++)
		*c = isalnum((unsigned char)*c) || *c == '-' || *c == '.' ? (char)tolower((unsigned char)*c) : '-';
	return name;
}

static int check_name(struct sbx_ctx *ctx, const char *name)
{
	if (strcmp(name, "default") == 0)
		return sbx_error(ctx, "invalid sandbox name \"%s\": the name is reserved", name);
	if (!valid_name(name))
		return sbx_error(ctx, "invalid sandbox name \"%s\": must be at least 2 characters, start with a letter "
				      "or digit and contain only letters, digits, '-' and '.'",
				 name);
	if (sbx_has(ctx, F_NAME_MAX_63) && strlen(name) > 63)
		return sbx_error(ctx, "invalid sandbox name \"%s\": must be at most 63 characters", name);
	return 0;
}

static int workspaces_from(struct sbx_ctx *ctx, const char **paths, int n, bool cwd_default, cJSON *out)
{
	char cwd[PATH_MAX];
	const char *here[] = { getcwd(cwd, sizeof(cwd)) ? cwd : "." };
	if (n == 0 && cwd_default) {
		paths = here;
		n = 1;
	}
	for (int i = 0; i < n; i++) {
		char *p = xstrdup(paths[i]);
		bool ro = str_ends(p, ":ro");
		if (ro)
			p[strlen(p) - 3] = '\0';
		char real[PATH_MAX];
		struct stat st;
		int rc = 0;
		if (!realpath(p, real) || stat(real, &st) < 0 || !S_ISDIR(st.st_mode)) {
			rc = sbx_error(ctx, "workspace path '%s' does not exist or is not a directory", p);
		} else {
			char *copy = xstrdup(real);
			/* SBXI#602: a dot-directory workspace fails deep in the VM. */
			if (basename(copy)[0] == '.')
				rc = sbx_error(ctx, "failed to create sandbox: failed to run sandbox container");
			free(copy);
			char *entry = xasprintf("%s%s", real, ro ? ":ro" : "");
			cJSON_AddItemToArray(out, cJSON_CreateString(entry));
			free(entry);
		}
		free(p);
		if (rc)
			return rc;
	}
	return 0;
}

/* Shared by create and run: make the sandbox, print nothing on success. */
static int do_create(struct sbx_ctx *ctx, const struct args *a, const char *agent, const char **paths, int npaths,
		     bool cwd_default, char **name_out)
{
	if (!sbx_in_list(sbx_agents(ctx), agent))
		return sbx_error(ctx, "unknown agent \"%s\"", agent);
	cJSON *workspaces = cJSON_CreateArray(), *env = cJSON_CreateObject();
	int rc = workspaces_from(ctx, paths, npaths, cwd_default, workspaces);
	char *name = NULL;
	if (!rc) {
		name = arg_str(a, "name") ? xstrdup(arg_str(a, "name")) : default_name(agent, workspaces);
		rc = check_name(ctx, name);
	}
	if (!rc)
		rc = sbx_env_from_flags(ctx, a, env);
	if (!rc)
		rc = policy_require_initialised(ctx);
	int lock = rc ? -1 : state_lock();
	cJSON *doc = rc ? NULL : sandboxes_load();
	if (!rc && sandbox_find(doc, name)) {
		/* error-create-exists@v0.33plus-i127.txt */
		if (sbx_has(ctx, F_CREATE_EXISTS_HINT))
			rc = sbx_error(ctx, "sandbox \"%s\" already exists for this workspace; use 'sbx run --name %s' to "
					    "start it, or pass --name to create another",
				       name, name);
		else
			rc = sbx_error(ctx, "sandbox '%s' already exists", name);
	} else if (!rc && make_dirs(name) < 0) {
		rc = sbx_error(ctx, "failed to create sandbox '%s': %s", name, strerror(errno));
	} else if (!rc) {
		cJSON *sb = cJSON_CreateObject();
		char id[37], ts[32];
		char *seed = xasprintf("%s|%f", name, now_s());
		fake_uuid(id, seed);
		free(seed);
		format_rfc3339(ts, (int64_t)now_s());
		cJSON_AddStringToObject(sb, "id", id);
		cJSON_AddStringToObject(sb, "name", name);
		cJSON_AddStringToObject(sb, "agent", agent);
		cJSON_AddStringToObject(sb, "status", "running");
		cJSON_AddItemToObject(sb, "workspaces", workspaces);
		workspaces = NULL;
		cJSON_AddStringToObject(sb, "created_at", ts);
		sandbox_touch(sb, NULL);
		default_resources(sb, a);
		if (arg_str(a, "template"))
			cJSON_AddStringToObject(sb, "template", arg_str(a, "template"));
		cJSON_AddItemToObject(sb, "env", env);
		env = NULL;
		cJSON_AddBoolToObject(sb, "mcp_gateway", 1);
		cJSON_AddArrayToObject(sb, "sessions");
		secrets_snapshot(sb);
		cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(doc, "sandboxes"), sb);
		sandboxes_save(doc);
	}
	if (doc) {
		cJSON_Delete(doc);
		state_unlock(lock);
	}
	cJSON_Delete(workspaces);
	cJSON_Delete(env);
	if (!rc && name_out)
		*name_out = xstrdup(name);
	free(name);
	return rc;
}

static int branch_removed(struct sbx_ctx *ctx, const struct args *a)
{
	/* error-run-branch@v0.31.0.txt */
	if (sbx_has(ctx, F_BRANCH_REMOVED) && arg_str(a, "branch"))
		return sbx_error(ctx, "--branch is no longer supported; use --clone instead");
	return 0;
}

int sbx_cmd_create(struct sbx_ctx *ctx, const struct args *a)
{
	if (branch_removed(ctx, a))
		return 1;
	/* `sbx create claude ...` is the create subcommand of that agent. */
	bool sub = strchr(a->cmd->path, ' ') != NULL;
	const char *agent = sub ? strchr(a->cmd->path, ' ') + 1 : a->pos[0];
	const char **paths = a->pos + (sub ? 0 : 1);
	int npaths = a->npos - (sub ? 0 : 1);
	if (sub && npaths < 1 && !sbx_has(ctx, F_CREATE_PATH_OPTIONAL))
		return sbx_error(ctx, "requires at least 1 arg(s), only received 0");
	char *name = NULL;
	int rc = do_create(ctx, a, agent, paths, npaths, false, &name);
	if (!rc)
		fprintf(ctx->out, "Created sandbox '%s'\n", name);
	free(name);
	return rc;
}

static bool exists(const char *name)
{
	int lock = state_lock();
	cJSON *doc = sandboxes_load();
	bool found = sandbox_find(doc, name) != NULL;
	cJSON_Delete(doc);
	state_unlock(lock);
	return found;
}

/* Which existing sandbox `run` re-attaches to, or NULL to create one. */
static int run_target(struct sbx_ctx *ctx, const struct args *a, int before_dash, const char **existing)
{
	const char *first = before_dash > 0 ? a->pos[0] : NULL;
	const char *name = arg_str(a, "name");
	*existing = NULL;
	if (name && exists(name)) {
		*existing = name;
	} else if (first && exists(first) && !sbx_in_list(sbx_agents(ctx), first)) {
		/* The positional form re-attaches; from v0.33 it is deprecated. */
		if (sbx_has(ctx, F_RUN_NAME_FLAG))
			sbx_warn(ctx, "\"sbx run %s\" is deprecated; use \"sbx run --name %s\" instead", first, first);
		*existing = first;
	} else if (!first) {
		if (name)
			return sbx_no_sandbox(ctx, name);
		return sbx_error(ctx, "requires an agent, or --name with an existing sandbox");
	}
	return 0;
}

/*
 * `sbx run AGENT [PATH...] [--name N] [-d] [-- AGENT_ARGS...]`, `sbx run
 * --name NAME` (v0.33+) or `sbx run NAME` (deprecated from v0.33).  No
 * agent exists here: the session is a bash login shell in the sandbox that
 * records what the agent would see, in "<sandbox>/agent-run.json" (args)
 * and "<sandbox>/agent-env.txt" (env after /etc/sandbox-persistent.sh).
 */
int sbx_cmd_run(struct sbx_ctx *ctx, const struct args *a)
{
	if (branch_removed(ctx, a))
		return 1;
	int before_dash = a->dash_at >= 0 ? a->dash_at : a->npos;
	const char *existing;
	int rc = run_target(ctx, a, before_dash, &existing);
	if (rc)
		return rc;
	char *name = NULL;
	if (existing) {
		if ((rc = policy_require_initialised(ctx)))
			return rc;
		name = xstrdup(existing);
	} else {
		rc = do_create(ctx, a, a->pos[0], a->pos + 1, before_dash - 1, true, &name);
		if (rc)
			return rc;
		fprintf(ctx->out, "Created sandbox '%s'\n", name);
	}
	cJSON *session_env = cJSON_CreateObject();
	if ((rc = sbx_env_from_flags(ctx, a, session_env))) {
		cJSON_Delete(session_env);
		free(name);
		return rc;
	}
	bool detached = arg_set(a, "detached");
	int lock = state_lock();
	cJSON *doc = sandboxes_load();
	cJSON *sb = sandbox_find(doc, name);
	sandbox_touch(sb, "running");
	/* run starts the sandbox fully; exec starts it without (SBXI#479). */
	json_set(sb, "mcp_gateway", cJSON_CreateBool(1));
	cJSON *run = cJSON_CreateObject();
	cJSON *args = cJSON_AddArrayToObject(run, "agent_args");
	for (int i = before_dash; i < a->npos; i++)
		cJSON_AddItemToArray(args, cJSON_CreateString(a->pos[i]));
	cJSON_AddBoolToObject(run, "detached", detached);
	json_set(sb, "last_run", cJSON_Duplicate(run, 1));
	cJSON *env = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(sb, "env"), 1);
	if (!env)
		env = cJSON_CreateObject();
	const cJSON *kv;
	cJSON_ArrayForEach(kv, session_env) json_set(env, kv->string, cJSON_Duplicate(kv, 0));
	cJSON_Delete(session_env);
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
	if (!detached) {
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
	return rc;
}
