/*
 * Tests for os/spawn, part two: the child's process group, killed whole on a
 * timeout (SIGTERM, then SIGKILL) or a cancel; the signal state it starts
 * with; leftovers that keep a pipe open; many threads spawning at once; and
 * how a command line is quoted for the log. Real children, as in
 * check_spawn.c. Timing is never asserted except as a generous upper bound
 * proving a kill.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_main.h"
#include "os/spawn.h"
#include "spawn_test_helpers.h"

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Dead means no /proc entry, or a zombie waiting for a reaper that is not us. */
static bool pid_gone(pid_t pid)
{
	for (int i = 0; i < 100; i++) {
		char path[64], buf[512];
		FILE *f;
		size_t n;
		char *rp;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		if (!(f = fopen(path, "r")))
			return true;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		rp = strrchr(buf, ')');
		if (rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X'))
			return true;
		sleep_ms(20);
	}
	return false;
}

static pid_t first_line_pid(const struct strbuf *out)
{
	long v = strtol(out->buf, NULL, 10);
	ck_assert_int_gt(v, 1);
	return (pid_t)v;
}

START_TEST(test_timeout_kills_group)
{
	struct spawn_request req = SPAWN_REQUEST_INIT;
	struct spawn_result res = SPAWN_RESULT_INIT;
	struct strbuf msg = STRBUF_INIT;
	pid_t grandchild;

	spawn_request_args(&req, (const char *const[]){ SH, "-c", "sleep 30 & echo $!; sleep 30", NULL });
	req.timeout_ms = 300;
	ck_assert_int_eq(spawn_run(&req, &res), 0);
	ck_assert(res.timed_out);
	ck_assert(!res.cancelled);
	ck_assert_int_eq(res.term_signal, SIGTERM);
	ck_assert_int_lt(res.duration_ms, 5000);
	grandchild = first_line_pid(&res.out);
	ck_assert_msg(pid_gone(grandchild), "grandchild %d survived the timeout", (int)grandchild);
	spawn_result_describe(&res, "sbx", &msg);
	ck_assert_ptr_nonnull(strstr(msg.buf, "'sbx' timed out"));
	strbuf_release(&msg);
	spawn_result_release(&res);
	spawn_request_release(&req);
}
END_TEST

START_TEST(test_timeout_escalates_to_sigkill)
{
	struct spawn_request req = SPAWN_REQUEST_INIT;
	struct spawn_result res = SPAWN_RESULT_INIT;
	pid_t grandchild;

	/* SIG_IGN is inherited by the sleeps: only SIGKILL ends this group */
	spawn_request_args(&req, (const char *const[]){ SH, "-c",
							"trap '' TERM; sleep 30 & echo $!; sleep 30", NULL });
	req.timeout_ms = 300;
	req.grace_ms = 200;
	ck_assert_int_eq(spawn_run(&req, &res), 0);
	ck_assert(res.timed_out);
	ck_assert_int_eq(res.term_signal, SIGKILL);
	ck_assert_int_lt(res.duration_ms, 5000);
	grandchild = first_line_pid(&res.out);
	ck_assert_msg(pid_gone(grandchild), "grandchild %d survived SIGKILL", (int)grandchild);
	spawn_result_release(&res);
	spawn_request_release(&req);
}
END_TEST

struct delayed {
	int fd;
	volatile sig_atomic_t *flag;
	int delay_ms;
};

static void *delayed_cancel(void *arg)
{
	struct delayed *d = arg;
	sleep_ms(d->delay_ms);
	if (d->flag)
		*d->flag = 1;
	if (d->fd >= 0)
		ck_assert_int_eq(write(d->fd, "x", 1), 1);
	return NULL;
}

START_TEST(test_cancel_fd)
{
	struct spawn_request req = SPAWN_REQUEST_INIT;
	struct spawn_result res = SPAWN_RESULT_INIT;
	struct delayed d = { .fd = -1, .delay_ms = 200 };
	pthread_t t;
	int p[2];
	pid_t grandchild;

	ck_assert_int_eq(pipe(p), 0);
	d.fd = p[1];
	spawn_request_args(&req, (const char *const[]){ SH, "-c", "sleep 30 & echo $!; sleep 30", NULL });
	req.cancel_fd = p[0];
	ck_assert_int_eq(pthread_create(&t, NULL, delayed_cancel, &d), 0);
	ck_assert_int_eq(spawn_run(&req, &res), 0);
	pthread_join(t, NULL);
	ck_assert(res.cancelled);
	ck_assert(!res.timed_out);
	ck_assert_int_lt(res.duration_ms, 5000);
	grandchild = first_line_pid(&res.out);
	ck_assert(pid_gone(grandchild));

	/* still readable: a later spawn is refused before it starts */
	ck_assert_int_eq(spawn_run(&req, &res), -1);
	ck_assert_int_eq(errno, ECANCELED);
	ck_assert(res.cancelled);
	ck_assert_int_eq(res.spawn_errno, ECANCELED);
	close(p[0]);
	close(p[1]);
	spawn_result_release(&res);
	spawn_request_release(&req);
}
END_TEST

START_TEST(test_cancel_flag)
{
	static volatile sig_atomic_t flag;
	struct spawn_request req = SPAWN_REQUEST_INIT;
	struct spawn_result res = SPAWN_RESULT_INIT;
	struct delayed d = { .fd = -1, .flag = &flag, .delay_ms = 200 };
	pthread_t t;

	spawn_request_args(&req, (const char *const[]){ "sleep", "30", NULL });
	req.cancel_flag = &flag;
	ck_assert_int_eq(pthread_create(&t, NULL, delayed_cancel, &d), 0);
	ck_assert_int_eq(spawn_run(&req, &res), 0);
	pthread_join(t, NULL);
	ck_assert(res.cancelled);
	ck_assert_int_lt(res.duration_ms, 5000);
	spawn_result_release(&res);
	spawn_request_release(&req);
}
END_TEST

static unsigned long long sig_mask_line(const struct strbuf *sb, const char *key)
{
	const char *p = strstr(sb->buf, key);
	ck_assert_ptr_nonnull(p);
	return strtoull(p + strlen(key), NULL, 16);
}

START_TEST(test_child_gets_clean_signals)
{
	/* what an engine might do: ignore SIGPIPE and SIGINT, block SIGTERM in workers */
	struct spawn_result res = SPAWN_RESULT_INIT;
	const char *argv[] = { "grep", "-E", "^Sig(Ign|Blk):", "/proc/self/status", NULL };
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	ck_assert_int_eq(run_argv(argv, 5000, &res), 0);
	ck_assert(has_line(&res.out, "SigBlk:\t0000000000000000"));
	/* signals 1-31 only: glibc's posix_spawn sets its internal 32 and 33 to SIG_IGN */
	ck_assert_uint_eq(sig_mask_line(&res.out, "SigIgn:") & 0x7fffffffULL, 0);
	spawn_result_release(&res);
}
END_TEST

START_TEST(test_async_own_process_group)
{
	struct spawn_request req = SPAWN_REQUEST_INIT;
	struct spawn_result res = SPAWN_RESULT_INIT;
	struct spawn_process proc;

	spawn_request_args(&req, (const char *const[]){ "sleep", "30", NULL });
	req.timeout_ms = 300;
	ck_assert_int_eq(spawn_start(&proc, &req), 0);
	spawn_request_release(&req); /* allowed once started */
	ck_assert_int_gt(proc.pid, 0);
	ck_assert_int_eq(getpgid(proc.pid), proc.pid);
	ck_assert_int_ne(getpgid(proc.pid), getpgid(0));
	ck_assert_int_eq(spawn_finish(&proc, &res), 0);
	ck_assert(res.timed_out);
	spawn_result_release(&res);
}
END_TEST

/*
 * Issue 12: a kill -9 of sbxapply left a hanging `sbx create` running for
 * ever (posix_spawn cannot set PR_SET_PDEATHSIG). A helper process stands in
 * for sbxapply: it starts `sleep 30`, says its pid and is killed with
 * SIGKILL; the sleep must be gone within two seconds. Failed on the tree
 * before the fix (the sleep lived its 30 s).
 */
START_TEST(test_child_dies_with_parent)
{
	int report[2];
	pid_t helper, child = 0;

	ck_assert_int_eq(pipe(report), 0);
	helper = fork();
	ck_assert_int_ge(helper, 0);
	if (helper == 0) {
		struct spawn_request req = SPAWN_REQUEST_INIT;
		struct spawn_process proc;
		close(report[0]);
		spawn_request_args(&req, (const char *const[]){ "sleep", "30", NULL });
		req.timeout_ms = 60000;
		if (spawn_start(&proc, &req) < 0)
			_exit(1);
		if (write(report[1], &proc.pid, sizeof(proc.pid)) != (ssize_t)sizeof(proc.pid))
			_exit(1);
		pause();
		_exit(0);
	}
	close(report[1]);
	ck_assert_int_eq(read(report[0], &child, sizeof(child)), (ssize_t)sizeof(child));
	close(report[0]);
	ck_assert_int_gt(child, 0);
	ck_assert_int_eq(kill(child, 0), 0); /* runs while its parent does */
	kill(helper, SIGKILL);
	waitpid(helper, NULL, 0);
	bool gone = pid_gone(child); /* up to 2 s */
	if (!gone)
		kill(child, SIGKILL);
	ck_assert_msg(gone, "sleep %d outlived the process that started it", (int)child);
}
END_TEST

START_TEST(test_leftover_holding_pipe)
{
	/* a daemon started by the program keeps stdout open: do not wait for it */
	struct spawn_result res = SPAWN_RESULT_INIT;
	ck_assert_int_eq(run_sh("sleep 3 & echo started; exit 5", 10000, &res), 0);
	ck_assert_int_eq(res.exit_code, 5);
	ck_assert(!res.timed_out);
	ck_assert_str_eq(res.out.buf, "started\n");
	ck_assert_int_lt(res.duration_ms, 2500);
	spawn_result_release(&res);
}
END_TEST

struct par_job {
	unsigned seed;
	bool ok;
};

static void *par_worker(void *arg)
{
	struct par_job *job = arg;
	struct spawn_request req = SPAWN_REQUEST_INIT;
	struct spawn_result res = SPAWN_RESULT_INIT;
	size_t len = 300000;
	unsigned char *data = malloc(len);

	for (size_t i = 0; i < len; i++)
		data[i] = (unsigned char)(i * job->seed + job->seed);
	spawn_request_arg(&req, "cat");
	spawn_request_stdin(&req, data, len);
	req.timeout_ms = 8000;
	job->ok = spawn_run(&req, &res) == 0 && spawn_result_ok(&res) &&
		  res.out.len == len && !memcmp(res.out.buf, data, len);
	spawn_result_release(&res);
	spawn_request_release(&req);
	free(data);
	return NULL;
}

START_TEST(test_parallel_threads)
{
	/* a pipe end leaking into another thread's child would withhold EOF from cat */
	enum { N = 8 };
	pthread_t t[N];
	struct par_job jobs[N];

	for (int r = 0; r < 3; r++) {
		for (int i = 0; i < N; i++) {
			jobs[i] = (struct par_job){ .seed = (unsigned)(i * 31 + r + 1) };
			ck_assert_int_eq(pthread_create(&t[i], NULL, par_worker, &jobs[i]), 0);
		}
		for (int i = 0; i < N; i++) {
			pthread_join(t[i], NULL);
			ck_assert_msg(jobs[i].ok, "round %d thread %d", r, i);
		}
	}
}
END_TEST

START_TEST(test_quote_format)
{
	struct strbuf sb = STRBUF_INIT;
	const char *argv[] = { "sbx", "ls", "--json", "a b", "it's", "", "$(id)", "line\nx", "ü", NULL };
	size_t redact[] = { 3 };

	spawn_quote_argv(&sb, argv, NULL, 0);
	ck_assert_str_eq(sb.buf, "sbx ls --json 'a b' 'it'\\''s' '' '$(id)' 'line'$'\\012''x' 'ü'");
	strbuf_reset(&sb);
	spawn_quote_argv(&sb, argv, redact, 1);
	ck_assert_str_eq(sb.buf, "sbx ls --json (sensitive) 'it'\\''s' '' '$(id)' 'line'$'\\012''x' 'ü'");
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_quote_roundtrip_through_sh)
{
	/* what we log must be what a POSIX shell splits back into the same words */
	struct strbuf script = STRBUF_INIT, want = STRBUF_INIT;
	struct spawn_result res = SPAWN_RESULT_INIT;
	const char *words[] = { "printf", "%s\\n", "it's", "'", "''", "\"", "$(id)", "`id`", "a  b",
				"", "*", "~", "x=y", "ünï ✓", "back\\slash", "!", NULL };

	spawn_quote_argv(&script, words, NULL, 0);
	for (size_t i = 2; words[i]; i++)
		strbuf_addf(&want, "%s\n", words[i]);
	ck_assert_int_eq(run_sh(script.buf, 5000, &res), 0);
	ck_assert_str_eq(res.out.buf, want.buf);
	strbuf_release(&script);
	strbuf_release(&want);
	spawn_result_release(&res);
}
END_TEST

START_TEST(test_request_format_redacts)
{
	struct spawn_request req = SPAWN_REQUEST_INIT;
	struct strbuf sb = STRBUF_INIT;

	spawn_request_args(&req, (const char *const[]){ "sbx", "secret", "set", NULL });
	spawn_request_arg_sensitive(&req, "hunter2");
	spawn_request_argf(&req, "--sandbox=%s", "my box");
	spawn_request_format(&req, &sb);
	ck_assert_str_eq(sb.buf, "sbx secret set (sensitive) '--sandbox=my box'");
	spawn_request_release(&req);
	strbuf_release(&sb);
}
END_TEST

static Suite *spawn_kill_suite(void)
{
	Suite *s = suite_create("spawn_kill");
	TCase *run = tcase_create("run"), *tc_kill = tcase_create("kill"),
	      *misc = tcase_create("misc");

	tcase_set_timeout(run, 20);
	tcase_set_timeout(tc_kill, 20);
	tcase_set_timeout(misc, 20);
	tcase_add_test(run, test_child_gets_clean_signals);
	tcase_add_test(run, test_leftover_holding_pipe);
	tcase_add_test(run, test_parallel_threads);
	tcase_add_test(tc_kill, test_timeout_kills_group);
	tcase_add_test(tc_kill, test_timeout_escalates_to_sigkill);
	tcase_add_test(tc_kill, test_cancel_fd);
	tcase_add_test(tc_kill, test_cancel_flag);
	tcase_add_test(tc_kill, test_async_own_process_group);
	tcase_add_test(tc_kill, test_child_dies_with_parent);
	tcase_add_test(misc, test_quote_format);
	tcase_add_test(misc, test_quote_roundtrip_through_sh);
	tcase_add_test(misc, test_request_format_redacts);
	suite_add_tcase(s, run);
	suite_add_tcase(s, tc_kill);
	suite_add_tcase(s, misc);
	return s;
}

int main(void)
{
	return check_run_suite(spawn_kill_suite());
}
