/*
 * _GNU_SOURCE for pipe2(): it creates pipes close-on-exec with no window for
 * another thread's spawn to inherit them.
 */
#define _GNU_SOURCE
#include "os/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "os/fileio.h"
#include "os/monotime.h"
#include "util/xalloc.h"

extern char **environ;

/* ---- requests and results ---- */

static void strvec_push_owned(struct spawn_strvec *sv, char *s)
{
	XGROW(sv->v, sv->alloc, sv->nr + 2);
	sv->v[sv->nr++] = s;
	sv->v[sv->nr] = NULL;
}

static void strvec_release(struct spawn_strvec *sv)
{
	for (size_t i = 0; i < sv->nr; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->nr = sv->alloc = 0;
}

void spawn_request_init(struct spawn_request *req)
{
	struct spawn_request blank = SPAWN_REQUEST_INIT;
	*req = blank;
}

void spawn_request_release(struct spawn_request *req)
{
	strvec_release(&req->args);
	strvec_release(&req->env);
	free(req->dir);
	free(req->sensitive);
	spawn_request_init(req);
}

void spawn_request_arg(struct spawn_request *req, const char *arg)
{
	strvec_push_owned(&req->args, xstrdup(arg));
}

void spawn_request_argf(struct spawn_request *req, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strvec_push_owned(&req->args, xvasprintf(fmt, ap));
	va_end(ap);
}

void spawn_request_args(struct spawn_request *req, const char *const *argv)
{
	for (; *argv; argv++)
		spawn_request_arg(req, *argv);
}

void spawn_request_arg_sensitive(struct spawn_request *req, const char *arg)
{
	XGROW(req->sensitive, req->sensitive_alloc, req->sensitive_nr + 1);
	req->sensitive[req->sensitive_nr++] = req->args.nr;
	spawn_request_arg(req, arg);
}

static int env_name_ok(const char *name)
{
	if (!*name || strchr(name, '=')) {
		errno = EINVAL;
		return 0;
	}
	return 1;
}

int spawn_request_setenv(struct spawn_request *req, const char *name, const char *value)
{
	if (!env_name_ok(name))
		return -1;
	strvec_push_owned(&req->env, xasprintf("%s=%s", name, value));
	return 0;
}

int spawn_request_unsetenv(struct spawn_request *req, const char *name)
{
	if (!env_name_ok(name))
		return -1;
	strvec_push_owned(&req->env, xstrdup(name));
	return 0;
}

void spawn_request_chdir(struct spawn_request *req, const char *dir)
{
	free(req->dir);
	req->dir = dir ? xstrdup(dir) : NULL;
}

void spawn_request_stdin(struct spawn_request *req, const void *buf, size_t len)
{
	req->in = buf;
	req->in_len = len;
}

void spawn_result_init(struct spawn_result *res)
{
	struct spawn_result blank = SPAWN_RESULT_INIT;
	*res = blank;
}

void spawn_result_release(struct spawn_result *res)
{
	strbuf_release(&res->out);
	strbuf_release(&res->err);
	spawn_result_init(res);
}

bool spawn_result_ok(const struct spawn_result *res)
{
	return !res->spawn_errno && !res->timed_out && !res->cancelled &&
	       res->exit_code == 0;
}

bool spawn_result_not_found(const struct spawn_result *res)
{
	return res->spawn_errno == ENOENT && !res->dir_failed;
}

/* strerror() is thread-safe in glibc since 2.32 (per-thread buffer). */
void spawn_result_describe(const struct spawn_result *res, const char *what,
			   struct strbuf *out)
{
	if (res->spawn_errno == ECANCELED && res->cancelled)
		strbuf_addf(out, "'%s' not run: cancelled", what);
	else if (res->dir_failed)
		strbuf_addf(out, "cannot run '%s' in its working directory: %s",
			    what, strerror(res->spawn_errno));
	else if (spawn_result_not_found(res))
		strbuf_addf(out, "'%s' not found", what);
	else if (res->spawn_errno)
		strbuf_addf(out, "cannot run '%s': %s", what, strerror(res->spawn_errno));
	else if (res->cancelled)
		strbuf_addf(out, "'%s' cancelled (killed after %lld ms)", what, res->duration_ms);
	else if (res->timed_out)
		strbuf_addf(out, "'%s' timed out (killed after %lld ms)", what, res->duration_ms);
	else if (res->term_signal)
		strbuf_addf(out, "'%s' killed by signal %d", what, res->term_signal);
	else if (res->exit_code >= 0)
		strbuf_addf(out, "'%s' exited with status %d", what, res->exit_code);
	else
		strbuf_addf(out, "'%s' ended but its exit status was lost", what);
}

/* ---- starting ---- */

static size_t env_name_len(const char *s)
{
	const char *eq = strchr(s, '=');
	return eq ? (size_t)(eq - s) : strlen(s);
}

/* Whether env->v[from..] names the same variable as var. */
static bool env_overridden(const struct spawn_strvec *env, const char *var, size_t from)
{
	size_t len = env_name_len(var);
	for (size_t i = from; i < env->nr; i++)
		if (env_name_len(env->v[i]) == len && !memcmp(env->v[i], var, len))
			return true;
	return false;
}

/* The pointers are borrowed from environ and env: free only the array. */
static char **env_build(const struct spawn_strvec *env)
{
	size_t n = 0, k = 0;
	char **out;

	for (char **e = environ; e && *e; e++)
		n++;
	out = xcalloc(n + env->nr + 1, sizeof(*out));
	for (char **e = environ; e && *e; e++)
		if (!env_overridden(env, *e, 0))
			out[k++] = *e;
	/* the last entry for a name wins, as with repeated setenv() */
	for (size_t i = 0; i < env->nr; i++)
		if (strchr(env->v[i], '=') && !env_overridden(env, env->v[i], i + 1))
			out[k++] = env->v[i];
	out[k] = NULL;
	return out;
}

/*
 * Keeps our pipe ends off 0-2 (possible when the parent closed its stdio):
 * dup2() onto a descriptor's own number is a no-op that would leave it
 * close-on-exec, and the child would start without that stream.
 */
static int fd_above_stdio(int fd)
{
	int moved, e;
	if (fd > 2)
		return fd;
	moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	e = errno;
	close(fd);
	errno = e;
	return moved;
}

/* Our end is non-blocking; the child's stays blocking, as programs expect. */
static int make_pipe(int fds[2], int our_end)
{
	int fl;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	fds[0] = fd_above_stdio(fds[0]);
	fds[1] = fd_above_stdio(fds[1]);
	if (fds[0] < 0 || fds[1] < 0)
		return -1;
	fl = fcntl(fds[our_end], F_GETFL);
	if (fl < 0 || fcntl(fds[our_end], F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return 0;
}

static bool cancel_requested(int fd, volatile sig_atomic_t *flag)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	if (flag && *flag)
		return true;
	return fd >= 0 && poll(&p, 1, 0) > 0;
}

/* 0 when dir can be the child's working directory, else why not. */
static int dir_error(const char *dir)
{
	struct stat st;
	if (stat(dir, &st) < 0)
		return errno;
	if (!S_ISDIR(st.st_mode))
		return ENOTDIR;
	if (access(dir, X_OK) < 0)
		return errno;
	return 0;
}

/* 0 when path is an executable file, else the errno exec would give. */
static int exec_error(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return errno;
	if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		return EACCES;
	return 0;
}

/*
 * Finds the program before spawning, as git's run-command does, so "not
 * found" is known before any fork (the child's report is the fallback for a
 * race with a change of the file). Relative and empty
 * PATH entries are skipped, as Go's exec.LookPath does: they would run
 * whatever lies in the directory we happen to be in.
 */
static int resolve_program(const char *name, const char *dir, char **out)
{
	const char *path = getenv("PATH"), *p, *end;
	int e, best = ENOENT;

	*out = NULL;
	if (!*name)
		return ENOENT;
	if (strchr(name, '/')) {
		char *where = (dir && *name != '/') ? xasprintf("%s/%s", dir, name) : NULL;
		e = exec_error(where ? where : name);
		free(where);
		if (!e)
			*out = xstrdup(name); /* the child resolves it after its chdir */
		return e;
	}
	for (p = path ? path : "/bin:/usr/bin"; *p; p = *end ? end + 1 : end) {
		char *cand;
		end = strchrnul(p, ':');
		if (*p != '/')
			continue;
		cand = xasprintf("%.*s/%s", (int)(end - p), p, name);
		if (!(e = exec_error(cand))) {
			*out = cand;
			return 0;
		}
		free(cand);
		if (e == EACCES)
			best = EACCES; /* as execvp(): report it if nothing better turns up */
	}
	return best;
}

/* What the child reports through the status pipe when it cannot exec. */
struct child_failure {
	int err;
	int in_dir; /* the chdir failed, not the exec */
};

/* Everything the child needs, prepared before fork(): it may then only make system calls. */
struct child_plan {
	int in_fd; /* -1: /dev/null */
	int out_fd, err_fd, report_fd;
	const char *dir, *program;
	char *const *argv, *const *envp;
	pid_t parent;
};

static void child_report(const struct child_plan *c, int err, int in_dir)
{
	struct child_failure f = { err, in_dir };
	ssize_t n;
	do
		n = write(c->report_fd, &f, sizeof(f));
	while (n < 0 && errno == EINTR);
	_exit(127);
}

/*
 * Between fork() and exec: async-signal-safe calls only (another thread may
 * have held malloc's lock when we forked). All signals are blocked on entry.
 */
static void __attribute__((noreturn)) child_exec(const struct child_plan *c)
{
	sigset_t none;
	int fd;

	/* its own group: the terminal's Ctrl-C stays ours, a timeout kills its children too */
	setpgid(0, 0);
	/*
	 * Dies with us: a kill -9 of sbxapply must not leave an `sbx create`
	 * running that nobody waits for. The parent (the thread that forked)
	 * may already be gone: then nobody is left to run for.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != c->parent)
		_exit(127);
	/*
	 * Handlers do not survive exec, but SIG_IGN would: an engine that
	 * ignores SIGPIPE or SIGINT must not hand that to sbx.
	 */
	for (int s = 1; s < NSIG; s++) {
		struct sigaction sa;
		if (s == SIGKILL || s == SIGSTOP)
			continue;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigaction(s, &sa, NULL); /* glibc's internal signals refuse: harmless */
	}
	if (dup2(c->out_fd, 1) < 0 || dup2(c->err_fd, 2) < 0)
		child_report(c, errno, 0);
	if (c->in_fd >= 0) {
		if (dup2(c->in_fd, 0) < 0)
			child_report(c, errno, 0);
	} else if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
		child_report(c, errno, 0);
	} else if (fd == 0) {
		fcntl(0, F_SETFD, 0);
	} else if (dup2(fd, 0) < 0) {
		child_report(c, errno, 0);
	}
	if (c->dir && chdir(c->dir) < 0)
		child_report(c, errno, 1);
	/* the forking thread's mask (SIGPIPE blocked while writing stdin, ...) must not reach it */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(c->program, c->argv, c->envp);
	child_report(c, errno, 0);
	_exit(127);
}

/*
 * fork() and execve(), not posix_spawn(): only the child itself can ask to
 * die with its parent (PR_SET_PDEATHSIG). A failed chdir or exec comes back
 * through a close-on-exec pipe, so it is an error here, never a status 127
 * nobody can tell from the program's own.
 */
static int fork_exec(struct spawn_process *proc, const struct spawn_request *req, const char *program,
		     char *const *envp, int in[2], int out[2], int err[2])
{
	int report[2] = { -1, -1 };
	struct child_failure f = { 0, 0 };
	sigset_t all, old;
	ssize_t n;
	pid_t pid;
	int e;

	if (req->in && req->in_len && make_pipe(in, 1) < 0)
		return errno;
	if (make_pipe(out, 0) < 0 || make_pipe(err, 0) < 0 || pipe2(report, O_CLOEXEC) < 0)
		return errno;
	if ((report[0] = fd_above_stdio(report[0])) < 0 || (report[1] = fd_above_stdio(report[1])) < 0) {
		e = errno;
		close_fd(&report[0]);
		close_fd(&report[1]);
		return e;
	}
	struct child_plan c = {
		.in_fd = in[0],
		.out_fd = out[1],
		.err_fd = err[1],
		.report_fd = report[1],
		.dir = req->dir,
		.program = program,
		.argv = req->args.v,
		.envp = envp,
		.parent = getpid(),
	};
	/* no handler of ours may run in the child before it resets them */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0)
		child_exec(&c);
	e = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close_fd(&report[1]);
	if (pid < 0) {
		close_fd(&report[0]);
		return e;
	}
	do
		n = read(report[0], &f, sizeof(f));
	while (n < 0 && errno == EINTR);
	close_fd(&report[0]);
	if (n <= 0) {
		proc->pid = pid; /* the pipe closed on exec: the program runs */
		return 0;
	}
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(f) || !f.err)
		return EIO;
	proc->dir_failed = f.in_dir != 0;
	return f.err;
}

int spawn_start(struct spawn_process *proc, const struct spawn_request *req)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	char **envp = NULL, *program = NULL;
	int e;

	memset(proc, 0, sizeof(*proc));
	proc->in_fd = proc->out_fd = proc->err_fd = proc->pid_fd = -1;
	proc->start_ms = monotime_ms();

	if (!req->args.nr) {
		e = EINVAL;
		goto done;
	}
	/* Not even started: a cancelled `sbx create` must not half-happen. */
	if (cancel_requested(req->cancel_fd, req->cancel_flag)) {
		proc->cancelled = true;
		e = ECANCELED;
		goto done;
	}
	if (req->counter)
		atomic_fetch_add_explicit(req->counter, 1, memory_order_relaxed);
	if (req->dir && (e = dir_error(req->dir))) {
		proc->dir_failed = true;
		goto done;
	}
	if ((e = resolve_program(req->args.v[0], req->dir, &program)))
		goto done;

	envp = req->env.nr ? env_build(&req->env) : environ;
	if ((e = fork_exec(proc, req, program, envp, in, out, err)))
		goto done;

	proc->in_fd = in[1];
	proc->out_fd = out[0];
	proc->err_fd = err[0];
	in[1] = out[0] = err[0] = -1;
	proc->in = req->in;
	proc->in_len = proc->in_fd >= 0 ? req->in_len : 0;
	proc->out_cap = req->out_cap;
	proc->err_cap = req->err_cap;
	proc->timeout_ms = req->timeout_ms;
	proc->grace_ms = req->grace_ms > 0 ? req->grace_ms : 0;
	proc->cancel_fd = req->cancel_fd;
	proc->cancel_flag = req->cancel_flag;
#ifdef SYS_pidfd_open
	/* Readable when the program exits: no SIGCHLD, no polling. Optional. */
	proc->pid_fd = (int)syscall(SYS_pidfd_open, proc->pid, 0);
#endif

done:
	if (envp != environ)
		free(envp);
	free(program);
	for (int i = 0; i < 2; i++) {
		close_fd(&in[i]);
		close_fd(&out[i]);
		close_fd(&err[i]);
	}
	if (e) {
		proc->pid = 0;
		proc->start_errno = e;
		errno = e;
		return -1;
	}
	return 0;
}

int spawn_run(const struct spawn_request *req, struct spawn_result *res)
{
	struct spawn_process proc;
	spawn_start(&proc, req);
	return spawn_finish(&proc, res);
}

/* ---- formatting ---- */

static bool sq_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("-_./:=@%+,", c));
}

static void sq_quote(struct strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	bool open = false;

	while (*p && sq_plain(*p))
		p++;
	if (*s && !*p) {
		strbuf_addstr(out, s);
		return;
	}
	if (!*s) {
		strbuf_addstr(out, "''");
		return;
	}
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			if (open)
				strbuf_addch(out, '\'');
			open = false;
			strbuf_addf(out, "$'\\%03o'", *p);
			continue;
		}
		if (!open)
			strbuf_addch(out, '\'');
		open = true;
		if (*p == '\'')
			strbuf_addstr(out, "'\\''");
		else
			strbuf_addch(out, *p);
	}
	if (open)
		strbuf_addch(out, '\'');
}

void spawn_quote_argv(struct strbuf *out, const char *const *argv,
		      const size_t *redact, size_t redact_nr)
{
	for (size_t i = 0; argv[i]; i++) {
		bool hide = false;
		for (size_t j = 0; j < redact_nr; j++)
			hide = hide || redact[j] == i;
		if (i)
			strbuf_addch(out, ' ');
		if (hide)
			strbuf_addstr(out, "(sensitive)");
		else
			sq_quote(out, argv[i]);
	}
}

void spawn_request_format(const struct spawn_request *req, struct strbuf *out)
{
	if (req->args.nr)
		spawn_quote_argv(out, (const char *const *)req->args.v,
				 req->sensitive, req->sensitive_nr);
}
