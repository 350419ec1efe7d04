/*
 * Tests for os/spawn, part one: running real children (sh, cat, printf, env,
 * head) and what comes back: exit status, separate capture with caps, stdin,
 * the environment, the working directory, argv passed untouched, errors
 * before the program runs, and no descriptor leaks. Every test proves
 * behaviour of the kernel and libc we run on, not a mock. Timeouts, cancel,
 * process groups, threads and formatting are in check_spawn_kill.c.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "os/spawn.h"
#include "spawn_test_helpers.h"

START_TEST(test_exit_codes)
{
	struct spawn_result res = SPAWN_RESULT_INIT;
	struct strbuf msg = STRBUF_INIT;

	ck_assert_int_eq(run_sh("exit 0", 5000, &res), 0);
	ck_assert(spawn_result_ok(&res));
	ck_assert_int_eq(res.exit_code, 0);

	/* the same result reused: fields and buffers must be reset */
	ck_assert_int_eq(run_sh("echo x; exit 42", 5000, &res), 0);
	ck_assert(!spawn_result_ok(&res));
	ck_assert_int_eq(res.exit_code, 42);
	ck_assert_int_eq(res.status, 42);
	ck_assert_int_eq(res.term_signal, 0);
	ck_assert(!res.timed_out && !res.cancelled);
	spawn_result_describe(&res, "sh", &msg);
	ck_assert_str_eq(msg.buf, "'sh' exited with status 42");

	ck_assert_int_eq(run_sh("exit 0", 5000, &res), 0);
	ck_assert_uint_eq(res.out.len, 0);
	strbuf_release(&msg);
	spawn_result_release(&res);
}
END_TEST

START_TEST(test_signal_status)
{
	struct spawn_result res = SPAWN_RESULT_INIT;
	struct strbuf msg = STRBUF_INIT;

	ck_assert_int_eq(run_sh("kill -KILL $$", 5000, &res), 0);
	ck_assert_int_eq(res.term_signal, SIGKILL);
	ck_assert_int_eq(res.status, 128 + SIGKILL);
	ck_assert_int_eq(res.exit_code, -1);
	ck_assert(!res.timed_out && !spawn_result_ok(&res));
	spawn_result_describe(&res, "sh", &msg);
	ck_assert_str_eq(msg.buf, "'sh' killed by signal 9");
	strbuf_release(&msg);
	spawn_result_release(&res);
}
END_TEST

START_TEST(test_stdout_stderr_separate)
{
	struct spawn_result res = SPAWN_RESULT_INIT;
	ck_assert_int_eq(run_sh("printf 'to out\\n'; printf 'to err\\n' >&2; printf more", 5000, &res), 0);
	ck_assert_str_eq(res.out.buf, "to out\nmore");
	ck_assert_str_eq(res.err.buf, "to err\n");
	ck_assert(!res.out_truncated && !res.err_truncated);
	spawn_result_release(&res);
}
END_TEST

START_TEST(test_stdin_default_devnull)
{
	/* cat would hang on an inherited terminal or pipe */
	const char *argv[] = { "cat", NULL };
	struct spawn_result res = SPAWN_RESULT_INIT;
	ck_assert_int_eq(run_argv(argv, 5000, &res), 0);
	ck_assert(spawn_result_ok(&res));
	ck_assert_uint_eq(res.out.len, 0);
	spawn_result_release(&res);
}
END_TEST

static void check_cat_roundtrip(size_t len)
{
	struct spawn_request req = SPAWN_REQUEST_INIT;
	struct spawn_result res = SPAWN_RESULT_INIT;
	unsigned char *data = malloc(len);

	ck_assert_ptr_nonnull(data);
	for (size_t i = 0; i < len; i++)
		data[i] = (unsigned char)((i * 7 + i / 251) & 0xff); /* includes NUL */
	spawn_request_arg(&req, "cat");
	spawn_request_stdin(&req, data, len);
	req.timeout_ms = 15000;
	ck_assert_int_eq(spawn_run(&req, &res), 0);
	ck_assert(spawn_result_ok(&res));
	ck_assert_uint_eq(res.in_written, len);
	ck_assert_uint_eq(res.out.len, len);
	ck_assert(!memcmp(res.out.buf, data, len));
	spawn_result_release(&res);
	spawn_request_release(&req);
	free(data);
}

START_TEST(test_stdin_bytes_with_nul)
{
	check_cat_roundtrip(1000);
}
END_TEST

START_TEST(test_stdin_large_no_deadlock)
{
	/* far beyond the 64 KiB pipe buffers in both directions at once */
	check_cat_roundtrip((size_t)3 << 20);
}
END_TEST

START_TEST(test_stdin_child_closes_early)
{
	/* a child that never reads: our writes hit EPIPE, and SIGPIPE must not kill us */
	struct spawn_request req = SPAWN_REQUEST_INIT;
	struct spawn_result res = SPAWN_RESULT_INIT;
	size_t len = (size_t)1 << 20;
	char *data = calloc(1, len);
	sigset_t pending;

	spawn_request_args(&req, (const char *const[]){ SH, "-c", "exec 0<&-; sleep 0.2; exit 3", NULL });
	spawn_request_stdin(&req, data, len);
	req.timeout_ms = 5000;
	ck_assert_int_eq(spawn_run(&req, &res), 0);
	ck_assert_int_eq(res.exit_code, 3);
	ck_assert_uint_lt(res.in_written, len);
	sigpending(&pending);
	ck_assert(!sigismember(&pending, SIGPIPE));
	spawn_result_release(&res);
	spawn_request_release(&req);
	free(data);
}
END_TEST

START_TEST(test_cap_truncates_and_drains)
{
	struct spawn_request req = SPAWN_REQUEST_INIT;
	struct spawn_result res = SPAWN_RESULT_INIT;

	/* 10 MB each way: the child must finish, so we kept draining past the cap */
	spawn_request_args(&req, (const char *const[]){ SH, "-c",
							"head -c 10000000 /dev/zero; head -c 10000000 /dev/zero >&2; echo done >&2", NULL });
	req.out_cap = (size_t)1 << 20;
	req.err_cap = 1000;
	req.timeout_ms = 15000;
	ck_assert_int_eq(spawn_run(&req, &res), 0);
	ck_assert(spawn_result_ok(&res));
	ck_assert_uint_eq(res.out.len, (size_t)1 << 20);
	ck_assert_uint_eq(res.err.len, 1000);
	ck_assert(res.out_truncated && res.err_truncated);
	spawn_result_release(&res);
	spawn_request_release(&req);
}
END_TEST

START_TEST(test_cap_exact_is_not_truncated)
{
	struct spawn_request req = SPAWN_REQUEST_INIT;
	struct spawn_result res = SPAWN_RESULT_INIT;

	spawn_request_args(&req, (const char *const[]){ "printf", "abc", NULL });
	req.out_cap = 3;
	ck_assert_int_eq(spawn_run(&req, &res), 0);
	ck_assert_str_eq(res.out.buf, "abc");
	ck_assert(!res.out_truncated);
	req.out_cap = 2;
	ck_assert_int_eq(spawn_run(&req, &res), 0);
	ck_assert_str_eq(res.out.buf, "ab");
	ck_assert(res.out_truncated);
	spawn_result_release(&res);
	spawn_request_release(&req);
}
END_TEST

START_TEST(test_not_found)
{
	struct spawn_result res = SPAWN_RESULT_INIT;
	struct strbuf msg = STRBUF_INIT;
	const char *on_path[] = { "sbxapply-test-no-such-program", "ls", NULL };
	const char *absolute[] = { "/nonexistent/sbx", NULL };

	errno = 0;
	ck_assert_int_eq(run_argv(on_path, 5000, &res), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(res.spawn_errno, ENOENT);
	ck_assert(spawn_result_not_found(&res));
	ck_assert(!spawn_result_ok(&res));
	ck_assert_int_eq(res.status, -1);
	spawn_result_describe(&res, "sbx", &msg);
	ck_assert_str_eq(msg.buf, "'sbx' not found");

	ck_assert_int_eq(run_argv(absolute, 5000, &res), -1);
	ck_assert(spawn_result_not_found(&res));
	strbuf_release(&msg);
	spawn_result_release(&res);
}
END_TEST

START_TEST(test_not_executable)
{
	struct spawn_result res = SPAWN_RESULT_INIT;
	char path[] = "/tmp/check_spawn_XXXXXX";
	int fd = mkstemp(path);
	const char *argv[] = { path, NULL };

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(run_argv(argv, 5000, &res), -1);
	ck_assert_int_eq(res.spawn_errno, EACCES);
	ck_assert(!spawn_result_not_found(&res));
	unlink(path);
	spawn_result_release(&res);
}
END_TEST

START_TEST(test_empty_argv)
{
	struct spawn_request req = SPAWN_REQUEST_INIT;
	struct spawn_result res = SPAWN_RESULT_INIT;
	ck_assert_int_eq(spawn_run(&req, &res), -1);
	ck_assert_int_eq(errno, EINVAL);
	spawn_result_release(&res);
}
END_TEST

static bool has_var(const struct strbuf *sb, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = sb->buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, n) && p[n] == '=')
			return true;
	return false;
}

START_TEST(test_env_overrides)
{
	struct spawn_request req = SPAWN_REQUEST_INIT;
	struct spawn_result res = SPAWN_RESULT_INIT;

	setenv("SPAWN_T_KEEP", "kept", 1);
	setenv("SPAWN_T_REPL", "old", 1);
	setenv("SPAWN_T_GONE", "x", 1);
	setenv("SPAWN_T_BACK", "parent", 1);
	spawn_request_arg(&req, "env");
	ck_assert_int_eq(spawn_request_setenv(&req, "SPAWN_T_NEW", "a b 'c'"), 0);
	ck_assert_int_eq(spawn_request_setenv(&req, "SPAWN_T_REPL", "new"), 0);
	ck_assert_int_eq(spawn_request_unsetenv(&req, "SPAWN_T_GONE"), 0);
	ck_assert_int_eq(spawn_request_setenv(&req, "SPAWN_T_TWICE", "1"), 0);
	ck_assert_int_eq(spawn_request_setenv(&req, "SPAWN_T_TWICE", "2"), 0);
	ck_assert_int_eq(spawn_request_setenv(&req, "SPAWN_T_SETUNSET", "1"), 0);
	ck_assert_int_eq(spawn_request_unsetenv(&req, "SPAWN_T_SETUNSET"), 0);
	ck_assert_int_eq(spawn_request_unsetenv(&req, "SPAWN_T_BACK"), 0);
	ck_assert_int_eq(spawn_request_setenv(&req, "SPAWN_T_BACK", "child"), 0);
	ck_assert_int_eq(spawn_request_unsetenv(&req, "SPAWN_T_NEVER_SET"), 0);
	ck_assert_int_eq(spawn_request_setenv(&req, "BAD=NAME", "v"), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(spawn_request_setenv(&req, "", "v"), -1);

	ck_assert_int_eq(spawn_run(&req, &res), 0);
	ck_assert(spawn_result_ok(&res));
	ck_assert(has_line(&res.out, "SPAWN_T_KEEP=kept"));
	ck_assert(has_line(&res.out, "SPAWN_T_NEW=a b 'c'"));
	ck_assert(has_line(&res.out, "SPAWN_T_REPL=new"));
	ck_assert(!has_line(&res.out, "SPAWN_T_REPL=old"));
	ck_assert(!has_var(&res.out, "SPAWN_T_GONE"));
	ck_assert(has_line(&res.out, "SPAWN_T_TWICE=2"));
	ck_assert(!has_line(&res.out, "SPAWN_T_TWICE=1"));
	ck_assert(!has_var(&res.out, "SPAWN_T_SETUNSET"));
	ck_assert(has_line(&res.out, "SPAWN_T_BACK=child"));
	ck_assert(!has_line(&res.out, "SPAWN_T_BACK=parent"));
	ck_assert(has_var(&res.out, "PATH"));
	/* our own environment is untouched */
	ck_assert_str_eq(getenv("SPAWN_T_GONE"), "x");
	ck_assert_ptr_null(getenv("SPAWN_T_NEW"));
	spawn_result_release(&res);
	spawn_request_release(&req);
}
END_TEST

START_TEST(test_cwd)
{
	struct spawn_request req = SPAWN_REQUEST_INIT;
	struct spawn_result res = SPAWN_RESULT_INIT;
	struct strbuf msg = STRBUF_INIT;
	char tmpl[] = "/tmp/check_spawn_dir_XXXXXX";
	char *dir = mkdtemp(tmpl), *real, cwd_before[PATH_MAX], cwd_after[PATH_MAX];

	ck_assert_ptr_nonnull(dir);
	real = realpath(dir, NULL);
	ck_assert_ptr_nonnull(getcwd(cwd_before, sizeof(cwd_before)));
	spawn_request_args(&req, (const char *const[]){ SH, "-c", "pwd -P", NULL });
	spawn_request_chdir(&req, dir);
	ck_assert_int_eq(spawn_run(&req, &res), 0);
	ck_assert(spawn_result_ok(&res));
	ck_assert_uint_gt(res.out.len, 0);
	res.out.buf[--res.out.len] = '\0';
	ck_assert_str_eq(res.out.buf, real);
	ck_assert_str_eq(getcwd(cwd_after, sizeof(cwd_after)), cwd_before);

	/* a missing directory is not a missing program */
	rmdir(dir);
	ck_assert_int_eq(spawn_run(&req, &res), -1);
	ck_assert(res.dir_failed);
	ck_assert_int_eq(res.spawn_errno, ENOENT);
	ck_assert(!spawn_result_not_found(&res));
	spawn_result_describe(&res, "sh", &msg);
	ck_assert_str_eq(msg.buf, "cannot run 'sh' in its working directory: No such file or directory");
	free(real);
	strbuf_release(&msg);
	spawn_result_release(&res);
	spawn_request_release(&req);
}
END_TEST

static const char *const tricky[] = {
	"it's", "\"double\"", "$(id)", "`id`", "a b", "", "ünïcødé ✓", "--flag=x;y",
	"*", "~", "$HOME", "back\\slash", "line\nbreak", "tab\there", NULL
};

START_TEST(test_argv_unchanged)
{
	struct spawn_request req = SPAWN_REQUEST_INIT;
	struct spawn_result res = SPAWN_RESULT_INIT;
	struct strbuf want = STRBUF_INIT;

	spawn_request_args(&req, (const char *const[]){ "printf", "%s\\n", NULL });
	spawn_request_args(&req, tricky);
	for (size_t i = 0; tricky[i]; i++)
		strbuf_addf(&want, "%s\n", tricky[i]);
	ck_assert_int_eq(spawn_run(&req, &res), 0);
	ck_assert_str_eq(res.out.buf, want.buf);
	strbuf_release(&want);
	spawn_result_release(&res);
	spawn_request_release(&req);
}
END_TEST

START_TEST(test_counter)
{
	atomic_ulong calls = 0;
	struct spawn_request req = SPAWN_REQUEST_INIT;
	struct spawn_result res = SPAWN_RESULT_INIT;

	req.counter = &calls;
	spawn_request_arg(&req, "true");
	ck_assert_int_eq(spawn_run(&req, &res), 0);
	ck_assert_int_eq(spawn_run(&req, &res), 0);
	free(req.args.v[0]);
	req.args.v[0] = strdup("sbxapply-test-no-such-program");
	ck_assert_int_eq(spawn_run(&req, &res), -1);
	ck_assert_uint_eq(atomic_load(&calls), 3);
	spawn_result_release(&res);
	spawn_request_release(&req);
}
END_TEST

START_TEST(test_exit_status_after_closing_pipes)
{
	/* EOF on both pipes is not the end: wait for the real exit status */
	struct spawn_result res = SPAWN_RESULT_INIT;
	ck_assert_int_eq(run_sh("echo early; exec >&- 2>&-; sleep 0.3; exit 7", 5000, &res), 0);
	ck_assert_int_eq(res.exit_code, 7);
	ck_assert_str_eq(res.out.buf, "early\n");
	spawn_result_release(&res);
}
END_TEST

static int count_fds(void)
{
	int n = 0;
	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

START_TEST(test_no_fd_leaks)
{
	struct spawn_result res = SPAWN_RESULT_INIT;
	struct spawn_request req = SPAWN_REQUEST_INIT;
	const char *missing[] = { "sbxapply-test-no-such-program", NULL };
	int before = count_fds();

	ck_assert_int_eq(run_sh("echo hi; echo ho >&2", 5000, &res), 0);
	ck_assert_int_eq(run_argv(missing, 5000, &res), -1);
	ck_assert_int_eq(run_sh("sleep 30", 200, &res), 0);
	spawn_request_arg(&req, "cat");
	spawn_request_stdin(&req, "secret", 6);
	spawn_request_chdir(&req, "/nonexistent");
	ck_assert_int_eq(spawn_run(&req, &res), -1);
	spawn_request_chdir(&req, "/");
	ck_assert_int_eq(spawn_run(&req, &res), 0);
	ck_assert_str_eq(res.out.buf, "secret");
	ck_assert_int_eq(count_fds(), before);
	spawn_result_release(&res);
	spawn_request_release(&req);
}
END_TEST

static Suite *spawn_suite(void)
{
	Suite *s = suite_create("spawn");
	TCase *run = tcase_create("run");

	tcase_set_timeout(run, 20);
	tcase_add_test(run, test_exit_codes);
	tcase_add_test(run, test_signal_status);
	tcase_add_test(run, test_stdout_stderr_separate);
	tcase_add_test(run, test_stdin_default_devnull);
	tcase_add_test(run, test_stdin_bytes_with_nul);
	tcase_add_test(run, test_stdin_large_no_deadlock);
	tcase_add_test(run, test_stdin_child_closes_early);
	tcase_add_test(run, test_cap_truncates_and_drains);
	tcase_add_test(run, test_cap_exact_is_not_truncated);
	tcase_add_test(run, test_not_found);
	tcase_add_test(run, test_not_executable);
	tcase_add_test(run, test_empty_argv);
	tcase_add_test(run, test_env_overrides);
	tcase_add_test(run, test_cwd);
	tcase_add_test(run, test_argv_unchanged);
	tcase_add_test(run, test_counter);
	tcase_add_test(run, test_exit_status_after_closing_pipes);
	tcase_add_test(run, test_no_fd_leaks);
	suite_add_tcase(s, run);
	return s;
}

int main(void)
{
	return check_run_suite(spawn_suite());
}
