/*
 * sbx_exec: `sbx exec` and the sandbox process runner.
 *
 * The command runs with the host's binaries but the sandbox's own /etc:
 * the child enters a private mount namespace and mounts an overlay on
 * /etc whose upper layer is "<state>/sandboxes/<name>/etc".  So
 * `bash -c "echo ... >> /etc/sandbox-persistent.sh"` writes a real file a
 * test can read, and touches nothing of the host's /etc.  argv goes to
 * execvp() untouched: no shell is involved on the way in.
 *
 * Needs root, or unprivileged user namespaces (then the child maps the
 * caller to root in a new user namespace first); otherwise exec fails with
 * a message that says so.
 *
 * The network is the sandbox's policy proxy (sbx_proxy.h): each exec starts
 * one and gives the command HTTP_PROXY/HTTPS_PROXY (and the lowercase ones)
 * pointing at it, as a real sandbox's processes find theirs.  It ends with
 * the exec, so a command left running by `exec -d` with
 * SBXSIM_EXEC_DETACH=async has no network.
 */
/* unshare(2) and the CLONE_* flags are Linux-only. */
#define _GNU_SOURCE
#include "sbx_internal.h"
#include "sbx_proxy.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int write_proc(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int enter_namespace(void)
{
	if (geteuid() == 0)
		return unshare(CLONE_NEWNS);
	uid_t uid = geteuid();
	gid_t gid = getegid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return -1;
	char map[64];
	snprintf(map, sizeof(map), "0 %ld 1\n", (long)uid);
	if (write_proc("/proc/self/setgroups", "deny") < 0 && errno != ENOENT)
		return -1;
	if (write_proc("/proc/self/uid_map", map) < 0)
		return -1;
	snprintf(map, sizeof(map), "0 %ld 1\n", (long)gid);
	return write_proc("/proc/self/gid_map", map);
}

static char **sandbox_environ(const char *name, cJSON *env, const char *home)
{
	const char *term = getenv("TERM");
	size_t n = 8 + (size_t)cJSON_GetArraySize(env);
	char **envp = xcalloc(n + 1, sizeof(char *));
	size_t i = 0;
	envp[i++] = xstrdup("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	envp[i++] = xasprintf("HOME=%s", home);
	envp[i++] = xstrdup("LANG=C.UTF-8");
	envp[i++] = xasprintf("TERM=%s", term ? term : "xterm");
	envp[i++] = xasprintf("SBX_SANDBOX_NAME=%s", name);
	/* Non-login bash (bash -c) reads the persistent file too. */
	envp[i++] = xstrdup("BASH_ENV=/etc/sandbox-persistent.sh");
	const cJSON *kv;
	cJSON_ArrayForEach(kv, env) {
		if (cJSON_IsString(kv))
			envp[i++] = xasprintf("%s=%s", kv->string, kv->valuestring);
	}
	envp[i] = NULL;
	return envp;
}

static _Noreturn void child(const char *name, cJSON *env, const char *workdir, char **argv, bool stdin_null)
{
	char *dir = sandbox_dir(name);
	char *upper = xasprintf("%s/etc", dir), *work = xasprintf("%s/.etc-work", dir);
	char *home = xasprintf("%s/home", dir);
	char *opts = xasprintf("lowerdir=/etc,upperdir=%s,workdir=%s", upper, work);
	if (enter_namespace() < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("overlay", "/etc", "overlay", 0, opts) < 0) {
		fprintf(stderr,
			"sbxsim: cannot give sandbox '%s' its own /etc: %s (sbx exec needs root or "
			"unprivileged user namespaces with overlayfs)\n",
			name, strerror(errno));
		_exit(125);
	}
	if (stdin_null) {
		int fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 0);
			close(fd);
		}
	}
	if (chdir(workdir && *workdir ? workdir : home) < 0 && chdir(home) < 0) {
		fprintf(stderr, "sbxsim: cannot enter '%s': %s\n", workdir, strerror(errno));
		_exit(125);
	}
	signal(SIGPIPE, SIG_DFL);
	environ = sandbox_environ(name, env, home);
	execvp(argv[0], argv);
	int e = errno;
	if (e == ENOENT)
		fprintf(stderr, "ERROR: exec: \"%s\": executable file not found in $PATH\n", argv[0]);
	else
		fprintf(stderr, "ERROR: exec: \"%s\": %s\n", argv[0], strerror(e));
	_exit(e == ENOENT ? 127 : 126);
}

static volatile sig_atomic_t g_child;

/* A killed sbx exec takes its command with it, as the real CLI's session does. */
static void forward(int sig)
{
	if (g_child > 0)
		kill((pid_t)g_child, sig);
}

int sandbox_spawn(const char *name, cJSON *env, const char *workdir, char **argv, bool stdin_null, bool wait)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "ERROR: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0)
		child(name, env, workdir, argv, stdin_null);
	if (!wait)
		return 0;
	g_child = pid;
	struct sigaction sa = { .sa_handler = forward };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Drop this process from the sandbox's sessions (exec added it). */
static void session_end(const char *name)
{
	int lock = state_lock();
	cJSON *doc = sandboxes_load();
	cJSON *sb = sandbox_find(doc, name);
	if (sb) {
		cJSON *sessions = cJSON_GetObjectItemCaseSensitive(sb, "sessions");
		if (!sessions)
			sessions = cJSON_AddArrayToObject(sb, "sessions");
		int i = 0;
		const cJSON *p;
		cJSON_ArrayForEach(p, sessions) {
			if (p->valueint == (int)getpid())
				break;
			i++;
		}
		cJSON_DeleteItemFromArray(sessions, i);
		sandbox_touch(sb, NULL);
		sandboxes_save(doc);
	}
	cJSON_Delete(doc);
	state_unlock(lock);
}

int sbx_cmd_exec(struct sbx_ctx *ctx, const struct args *a)
{
	/* Flags stop at the sandbox name: everything after it is the command. */
	const char *name = a->pos[0];
	int lock = state_lock();
	cJSON *doc = sandboxes_load();
	cJSON *sb = sandbox_find(doc, name);
	if (!sb) {
		cJSON_Delete(doc);
		state_unlock(lock);
		return sbx_no_sandbox(ctx, name);
	}
	/* exec starts a stopped sandbox (without its MCP gateway, SBXI#479). */
	const cJSON *state = cJSON_GetObjectItemCaseSensitive(sb, "status");
	if (!cJSON_IsString(state) || strcmp(state->valuestring, "running") != 0)
		json_set(sb, "mcp_gateway", cJSON_CreateBool(0));
	sandbox_touch(sb, "running");
	cJSON *sessions = cJSON_GetObjectItemCaseSensitive(sb, "sessions");
	if (!sessions)
		sessions = cJSON_AddArrayToObject(sb, "sessions");
	cJSON_AddItemToArray(sessions, cJSON_CreateNumber((double)getpid()));
	cJSON *env = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(sb, "env"), 1);
	if (!env)
		env = cJSON_CreateObject();
	const cJSON *w0 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sb, "workspaces"), 0);
	char *workdir = arg_str(a, "workdir") ? xstrdup(arg_str(a, "workdir")) : w0 ? xstrdup(w0->valuestring)
										    : NULL;
	if (workdir && str_ends(workdir, ":ro"))
		workdir[strlen(workdir) - 3] = '\0';
	sandboxes_save(doc);
	cJSON_Delete(doc);
	state_unlock(lock);

	/* The proxy comes first so that -e can still override its variables. */
	struct sbx_proxy proxy;
	if (sbx_proxy_start(&proxy, name) == 0) {
		char *url = xasprintf("http://127.0.0.1:%d", proxy.port);
		static const char *const vars[] = { "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", NULL };
		for (size_t i = 0; vars[i]; i++)
			json_set(env, vars[i], cJSON_CreateString(url));
		free(url);
	}
	int st = sbx_env_from_flags(ctx, a, env) ? -1 : 0;
	char **cmd = xcalloc((size_t)a->npos, sizeof(char *));
	for (int i = 1; i < a->npos; i++)
		cmd[i - 1] = (char *)a->pos[i];
	bool detach = arg_set(a, "detach");
	bool async = detach && getenv("SBXSIM_EXEC_DETACH") && strcmp(getenv("SBXSIM_EXEC_DETACH"), "async") == 0;
	fflush(ctx->out);
	if (st == 0)
		st = sandbox_spawn(name, env, workdir, cmd, !arg_set(a, "interactive"), !async);
	sbx_proxy_stop(&proxy);
	session_end(name);
	free(cmd);
	free(workdir);
	cJSON_Delete(env);
	if (st < 0)
		return 1;
	/* -d loses the command's exit status. */
	return detach ? 0 : st;
}
