#ifndef SBXAPPLY_OS_SPAWN_H
#define SBXAPPLY_OS_SPAWN_H
/*
 * Running `sbx` and `docker` as child processes (modelled on git's run-command).
 *
 * Contract:
 * - No shell, ever: argv goes to execve() as is (fork() then execve(), so the
 *   child can ask to die with us, below). A program name without a
 *   '/' is looked up on the PATH of this process (not on a PATH set in
 *   req->env; relative PATH entries are skipped) before spawning, so "not
 *   found" is reported reliably; a name with a '/' is taken relative to the
 *   child's working directory.
 * - Each child leads its own process group; a timeout or a cancel signals the
 *   whole group (SIGTERM, then SIGKILL after grace_ms), so grandchildren die too.
 *   Being a background group, it also does not see the terminal's Ctrl-C: the
 *   engine cancels it through cancel_fd instead.
 * - A child dies with us (Linux PR_SET_PDEATHSIG, SIGKILL): a kill -9 of
 *   sbxapply does not leave an `sbx create` running that nobody waits for.
 *   "Us" is the thread that started it, so call spawn_finish() on the thread
 *   that called spawn_start() (spawn_run() does). Its own children are not
 *   covered: they are reparented, as after any kill -9.
 * - stdin is /dev/null unless req->in is set; stdout and stderr are captured
 *   separately, each up to its cap: the rest is read and thrown away so the
 *   child never blocks on a full pipe, and the result says it was truncated.
 * - Ownership: a spawn_request owns its args, env and dir strings (copies made
 *   by the spawn_request_* functions), except req->in, which is borrowed and never
 *   copied so that a secret exists only in the caller's buffer; it must stay
 *   alive until spawn_finish() returns. A spawn_result owns its out and err
 *   buffers; spawn_result_release() frees them (strbuf_detach() takes them).
 * - Errors: spawn_run() and spawn_finish() return 0 when the program ran and
 *   was reaped, whatever its exit status, timeout or cancel (see the result),
 *   and -1 with errno when it could not be run (res->spawn_errno: ENOENT is
 *   "not found", see spawn_result_not_found(); ECANCELED: cancelled before it
 *   started) or a system call failed on the way (then the group has been
 *   killed and reaped). spawn_start() returns 0 once the child runs.
 * - Threads: no global state; run spawns in parallel from any threads. Every fd
 *   this module opens is close-on-exec, so one thread's pipes never leak into
 *   another thread's child. Children are reaped by pid with waitpid(), so
 *   SIGCHLD may have any handler but must not be SIG_IGN (that reaps them for
 *   us and leaves no exit status). While stdin is being written, SIGPIPE is
 *   blocked in the calling thread only and a SIGPIPE we caused is consumed;
 *   the process-wide disposition is never touched. Do not setenv() while a
 *   spawn is being started in another thread (environ is read then).
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/strbuf.h"

#define SPAWN_DEFAULT_CAP ((size_t)4 << 20)
#define SPAWN_DEFAULT_GRACE_MS 2000

/* A NULL-terminated vector of owned strings; v is NULL while nr is 0. */
struct spawn_strvec {
	char **v;
	size_t nr, alloc;
};

struct spawn_request {
	struct spawn_strvec args; /* args.v[0] is the program */
	/* "K=V" sets or replaces K, "K" unsets it; the rest of environ is kept */
	struct spawn_strvec env;
	char *dir; /* working directory of the child, NULL: ours */

	const void *in; /* borrowed; NULL or in_len 0: /dev/null */
	size_t in_len;

	size_t out_cap, err_cap; /* bytes kept of each; 0 keeps none */
	int timeout_ms;		 /* <= 0: no timeout (every sbx call needs one) */
	int grace_ms;		 /* between SIGTERM and SIGKILL */

	/*
	 * Cancellation. Prefer cancel_fd: poll() wakes the moment it becomes
	 * readable (or hung up), with no window between a check and the wait. Make
	 * it the read end of a self-pipe the SIGINT handler writes one byte to and
	 * never drain it: it then stays readable and cancels every running and
	 * later spawn at once. cancel_flag is there for callers that only have a
	 * flag set by a handler; a signal interrupts poll() in one thread only, so
	 * the flag is checked every SPAWN_FLAG_POLL_MS.
	 */
	int cancel_fd;			    /* -1: none */
	volatile sig_atomic_t *cancel_flag; /* NULL: none */

	/* Incremented per attempt to run a program, "not found" included. */
	atomic_ulong *counter;

	/* Indexes into args shown as "(sensitive)" by spawn_request_format(). */
	size_t *sensitive;
	size_t sensitive_nr, sensitive_alloc;
};

#define SPAWN_FLAG_POLL_MS 100

/* clang-format off */
#define SPAWN_REQUEST_INIT { \
	.out_cap = SPAWN_DEFAULT_CAP, .err_cap = SPAWN_DEFAULT_CAP, \
	.grace_ms = SPAWN_DEFAULT_GRACE_MS, .cancel_fd = -1 }
/* clang-format on */

void spawn_request_init(struct spawn_request *req);
/* Frees the owned strings and reinitialises; never touches req->in. */
void spawn_request_release(struct spawn_request *req);

void spawn_request_arg(struct spawn_request *req, const char *arg);
void spawn_request_argf(struct spawn_request *req, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Pushes every string of a NULL-terminated array. */
void spawn_request_args(struct spawn_request *req, const char *const *argv);
/* An argument that logs must not show. Secrets belong on stdin, not here. */
void spawn_request_arg_sensitive(struct spawn_request *req, const char *arg);
/* -1 with EINVAL when name is empty or holds '='. */
int spawn_request_setenv(struct spawn_request *req, const char *name, const char *value);
int spawn_request_unsetenv(struct spawn_request *req, const char *name);
void spawn_request_chdir(struct spawn_request *req, const char *dir);
void spawn_request_stdin(struct spawn_request *req, const void *buf, size_t len);

struct spawn_result {
	struct strbuf out, err;
	bool out_truncated, err_truncated;

	int status;	 /* exit code, or 128 + signal; -1 if it never ran */
	int exit_code;	 /* -1 unless it exited */
	int term_signal; /* 0 unless a signal ended it */
	bool timed_out;	 /* we killed it: timeout_ms expired */
	bool cancelled;	 /* we killed it, or never started it: cancelled */

	int spawn_errno;   /* non-zero: no program ran */
	bool dir_failed;   /* ... because req->dir could not be entered */
	size_t in_written; /* bytes of req->in the child took before closing stdin */
	long long duration_ms;
};

/* clang-format off */
#define SPAWN_RESULT_INIT { .out = STRBUF_INIT, .err = STRBUF_INIT, \
	.status = -1, .exit_code = -1 }
/* clang-format on */

void spawn_result_init(struct spawn_result *res);
void spawn_result_release(struct spawn_result *res);
/* Exited with 0, no timeout, no cancel. */
bool spawn_result_ok(const struct spawn_result *res);
/* The program does not exist: the caller can say "install sbx". */
bool spawn_result_not_found(const struct spawn_result *res);
/*
 * Appends what happened in the style of the project's messages, naming the
 * program `what`: "'sbx' not found", "'sbx' timed out (killed after 5003 ms)",
 * "'sbx' exited with status 1", "'sbx' killed by signal 9".
 */
void spawn_result_describe(const struct spawn_result *res, const char *what,
			   struct strbuf *out);

/*
 * One call: start, pump the pipes, enforce timeout and cancel, reap. res must
 * be initialised; its buffers are reset and reused.
 */
int spawn_run(const struct spawn_request *req, struct spawn_result *res);

/*
 * The same in two steps, e.g. to learn the pid. The request may be released
 * after spawn_start() returns (req->in excepted). The timeout counts from
 * spawn_start(), but the pipes are only read, and the timeout and cancel only
 * acted on, inside spawn_finish(): call it soon. Call spawn_finish() once after
 * every successful spawn_start(); after a failed one it is optional and only
 * fills res with the error.
 */
struct spawn_process {
	pid_t pid; /* also the process group id; 0 when not started */

	/* private to spawn.c and spawn_io.c */
	int in_fd, out_fd, err_fd, pid_fd;
	const unsigned char *in;
	size_t in_len, in_off;
	size_t out_cap, err_cap;
	int timeout_ms, grace_ms, cancel_fd;
	volatile sig_atomic_t *cancel_flag;
	long long start_ms;
	int start_errno;
	bool dir_failed, cancelled;
};

int spawn_start(struct spawn_process *proc, const struct spawn_request *req);
int spawn_finish(struct spawn_process *proc, struct spawn_result *res);

/*
 * Appends argv as one line a POSIX shell would split back into the same words:
 * plain words as they are, others in single quotes with ' written '\''. Control
 * characters leave the quotes as $'\ooo' (bash, zsh, ksh) so that a log entry
 * stays one line and cannot carry terminal escapes. The redact_nr indexes in
 * redact are written as (sensitive).
 */
void spawn_quote_argv(struct strbuf *out, const char *const *argv,
		      const size_t *redact, size_t redact_nr);
/* spawn_quote_argv() of req->args, redacting its sensitive arguments. */
void spawn_request_format(const struct spawn_request *req, struct strbuf *out);

#endif
