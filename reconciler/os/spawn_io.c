/*
 * The second half of spawn.h: one poll() loop per child that feeds its stdin,
 * drains its stdout and stderr, and enforces the timeout and the cancel, so
 * that neither side can block the other on a full pipe.
 */
#include "os/spawn.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "os/fileio.h"
#include "os/monotime.h"

/*
 * Once the program has exited, how long pipes still held open by something
 * it left behind (a daemon it started, `cmd &`) may stay silent before we
 * stop reading them.
 */
#define LINGER_MS 100
/* Without a pidfd, how often to look for the program's exit. */
#define EXIT_POLL_MS 50
#define IO_CHUNK 65536
/* Reads per wake-up on one stream, so one chatty stream cannot starve the rest. */
#define READS_PER_WAKE 16

/*
 * Writing to a pipe whose reader is gone raises SIGPIPE, which kills the whole
 * engine by default. The disposition is process-wide, so instead block it in
 * this thread only while we write: the write then fails with EPIPE and the
 * signal stays pending on this thread, where we consume it if we caused it.
 */
struct sigpipe_guard {
	sigset_t old;
	bool was_pending, active;
};

static void sigpipe_block(struct sigpipe_guard *g)
{
	sigset_t set, pending;
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pending);
	g->was_pending = sigismember(&pending, SIGPIPE) == 1;
	g->active = !pthread_sigmask(SIG_BLOCK, &set, &g->old);
}

static void sigpipe_unblock(struct sigpipe_guard *g, bool raised)
{
	if (!g->active)
		return;
	if (raised && !g->was_pending) {
		sigset_t set;
		struct timespec zero = { 0, 0 };
		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

/* Reads what is there; past the cap, reads and drops it so the child goes on. */
static void pump_out(int *fd, struct strbuf *sb, size_t cap, bool *truncated)
{
	for (int i = 0; i < READS_PER_WAKE; i++) {
		char scratch[16384];
		size_t room = cap > sb->len ? cap - sb->len : 0;
		size_t want = room < IO_CHUNK ? room : IO_CHUNK;
		ssize_t n;

		if (want) {
			strbuf_grow(sb, want);
			n = read(*fd, sb->buf + sb->len, want);
			if (n > 0) {
				sb->len += (size_t)n;
				sb->buf[sb->len] = '\0';
			}
		} else {
			want = sizeof(scratch);
			n = read(*fd, scratch, want);
			if (n > 0)
				*truncated = true;
		}
		if (n > 0 && (size_t)n < want)
			return; /* drained for now */
		if (n > 0 || (n < 0 && errno == EINTR))
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		close_fd(fd); /* EOF, or an error that more reads will not fix */
		return;
	}
}

static void pump_in(struct spawn_process *p, bool *raised_sigpipe)
{
	while (p->in_off < p->in_len) {
		size_t n = p->in_len - p->in_off;
		ssize_t w = write(p->in_fd, p->in + p->in_off, n < IO_CHUNK ? n : IO_CHUNK);
		if (w > 0) {
			p->in_off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return;
		if (w < 0 && errno == EPIPE)
			*raised_sigpipe = true;
		break; /* the child closed its stdin: it has had what it wanted */
	}
	close_fd(&p->in_fd); /* all written: the child sees EOF */
}

/*
 * Looks without reaping: an unreaped leader, even a zombie, keeps its pid
 * and process group id from being reused, so kill(-pid) stays aimed at our
 * group until waitpid() at the very end.
 */
static bool leader_exited(pid_t pid, int *err)
{
	for (;;) {
		siginfo_t si;
		memset(&si, 0, sizeof(si));
		if (!waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT))
			return si.si_pid != 0;
		if (errno != EINTR) {
			*err = errno; /* ECHILD: SIGCHLD is SIG_IGN, see spawn.h */
			return true;
		}
	}
}

static int min_wait(int wait, long long ms)
{
	if (ms < 0)
		ms = 0;
	return (wait < 0 || ms < wait) ? (int)ms : wait;
}

static void fill_status(struct spawn_result *res, int st)
{
	if (WIFEXITED(st)) {
		res->exit_code = WEXITSTATUS(st);
		res->status = res->exit_code;
	} else if (WIFSIGNALED(st)) {
		res->term_signal = WTERMSIG(st);
		res->status = 128 + res->term_signal;
	}
}

int spawn_finish(struct spawn_process *p, struct spawn_result *res)
{
	struct sigpipe_guard guard = { .active = false };
	long long deadline = p->timeout_ms > 0 ? p->start_ms + p->timeout_ms : -1;
	long long kill_at = 0;
	bool killing = false, hard = false, exited = false;
	bool cancel_seen = false, raised_sigpipe = false;
	int err = 0, st;

	{
		struct strbuf out = res->out, errb = res->err;
		strbuf_reset(&out);
		strbuf_reset(&errb);
		spawn_result_init(res);
		res->out = out;
		res->err = errb;
	}
	if (!p->pid) {
		res->spawn_errno = p->start_errno;
		res->dir_failed = p->dir_failed;
		res->cancelled = p->cancelled;
		res->duration_ms = monotime_ms() - p->start_ms;
		errno = p->start_errno;
		return -1;
	}
	if (p->in_fd >= 0)
		sigpipe_block(&guard);

	for (;;) {
		struct pollfd fds[5];
		int ix_out = -1, ix_err = -1, ix_in = -1, ix_cancel = -1, ix_pid = -1;
		int nfds = 0, wait = -1, n;
		long long now = monotime_ms();

		if (!killing) {
			bool cancel = cancel_seen || (p->cancel_flag && *p->cancel_flag);
			if (cancel || (deadline >= 0 && now >= deadline)) {
				killing = true;
				res->cancelled = cancel;
				res->timed_out = !cancel;
				kill(-p->pid, SIGTERM);
				kill_at = now + p->grace_ms;
			}
		}
		if (killing && !hard && now >= kill_at) {
			kill(-p->pid, SIGKILL);
			hard = true;
		}
		if (!exited)
			exited = leader_exited(p->pid, &err);
		if (exited && p->out_fd < 0 && p->err_fd < 0)
			break;

		if (p->out_fd >= 0) {
			ix_out = nfds;
			fds[nfds++] = (struct pollfd){ .fd = p->out_fd, .events = POLLIN };
		}
		if (p->err_fd >= 0) {
			ix_err = nfds;
			fds[nfds++] = (struct pollfd){ .fd = p->err_fd, .events = POLLIN };
		}
		if (p->in_fd >= 0) {
			ix_in = nfds;
			fds[nfds++] = (struct pollfd){ .fd = p->in_fd, .events = POLLOUT };
		}
		if (!killing && p->cancel_fd >= 0) {
			ix_cancel = nfds;
			fds[nfds++] = (struct pollfd){ .fd = p->cancel_fd, .events = POLLIN };
		}
		if (!exited && p->pid_fd >= 0) {
			ix_pid = nfds;
			fds[nfds++] = (struct pollfd){ .fd = p->pid_fd, .events = POLLIN };
		}
		if (!killing && deadline >= 0)
			wait = min_wait(wait, deadline - now);
		if (killing && !hard)
			wait = min_wait(wait, kill_at - now);
		if (!killing && p->cancel_flag)
			wait = min_wait(wait, SPAWN_FLAG_POLL_MS);
		if (!exited && p->pid_fd < 0)
			wait = min_wait(wait, EXIT_POLL_MS);
		if (exited)
			wait = min_wait(wait, LINGER_MS);

		n = poll(fds, (nfds_t)nfds, wait);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		if (!n && exited)
			break; /* only leftovers of the program hold the pipes */
		if (ix_out >= 0 && fds[ix_out].revents)
			pump_out(&p->out_fd, &res->out, p->out_cap, &res->out_truncated);
		if (ix_err >= 0 && fds[ix_err].revents)
			pump_out(&p->err_fd, &res->err, p->err_cap, &res->err_truncated);
		if (ix_in >= 0 && fds[ix_in].revents)
			pump_in(p, &raised_sigpipe);
		/* not drained: it stays readable for every other spawn too */
		if (ix_cancel >= 0 && fds[ix_cancel].revents)
			cancel_seen = true;
		/* readable means exited; waitid() confirms, the tick takes over */
		if (ix_pid >= 0 && fds[ix_pid].revents)
			close_fd(&p->pid_fd);
	}

	/*
	 * After a kill, finish off whatever ignored SIGTERM, however the loop
	 * ended; after a failure, stop the child before reaping it. The leader
	 * is not reaped yet, so -pid is still our group.
	 */
	if ((killing && !hard) || (err && err != ECHILD))
		kill(-p->pid, SIGKILL);
	close_fd(&p->in_fd);
	close_fd(&p->out_fd);
	close_fd(&p->err_fd);
	close_fd(&p->pid_fd);
	sigpipe_unblock(&guard, raised_sigpipe);
	res->in_written = p->in_off;

	if (err != ECHILD) {
		pid_t w;
		while ((w = waitpid(p->pid, &st, 0)) < 0 && errno == EINTR)
			;
		if (w == p->pid)
			fill_status(res, st);
		else if (!err)
			err = errno;
	}
	res->duration_ms = monotime_ms() - p->start_ms;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
