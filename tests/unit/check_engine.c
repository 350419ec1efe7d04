/*
 * The engine as a library: opened, run and closed again and again in one
 * process against sbxsim's runner (leaks show under ASan and valgrind), its
 * external calls counted, and a second run planning nothing.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "sim_runner.h"
#include "lang/config.h"
#include "engine/engine.h"
#include "kinds/kinds.h"
#include "os/fileio.h"
#include "util/xalloc.h"

static char dir[64];
static char *runner_url;
static pid_t runner;

static void start_runner(void)
{
	strcpy(dir, "/tmp/check_engine.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	runner_url = sim_runner_start(dir, "50", &runner);
}

static void stop_runner(void)
{
	sim_runner_stop(runner);
	free(runner_url);
	char *cmd[] = { "rm", "-rf", dir, NULL };
	pid_t pid = fork();
	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
}

static const char doc[] = "version: 1\nproject: lib\nmodels:\n  ai/smollm2:\n  ai/gpt-oss:\n"
			  "    context_size: 8192\npackages:\n  gpt-oss:16k:\n    from: ai/gpt-oss\n    context_size: 16384\n";

/* One whole run; returns what engine_plan() found to change, or -1. */
static long run_once(bool apply, unsigned long *http_calls)
{
	struct config cfg;
	struct diag_list diags = DIAG_LIST_INIT;
	struct engine e;
	struct strbuf err = STRBUF_INIT;
	ck_assert_int_eq(config_parse(&cfg, "lib.yaml", dir, doc, strlen(doc), NULL, &diags), 0);
	char *state_dir = xasprintf("%s/state", dir);
	struct kinds_options ko = { .runner_url = runner_url };
	struct engine_options eo = {
		.registry = &kinds_registry,
		.backend_options = &ko,
		.state_dir = state_dir,
		.cancel_fd = -1,
	};
	long changes = -1;
	if (engine_open(&e, &cfg, &eo, &err) == 0 && engine_plan(&e, &err) == 0) {
		changes = (long)plan_count_changes(&e.plan);
		if (apply)
			ck_assert_msg(engine_apply(&e, &err) == 0, "%s", err.buf);
	}
	ck_assert_msg(changes >= 0, "%s", err.buf);
	*http_calls = atomic_load(&e.http_calls);
	engine_close(&e);
	config_release(&cfg);
	diag_list_release(&diags);
	strbuf_release(&err);
	free(state_dir);
	return changes;
}

START_TEST(engine_runs_again_and_again)
{
	unsigned long calls;
	ck_assert_int_eq(run_once(true, &calls), 4); /* 2 models, the package, the runtime settings */
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(run_once(true, &calls), 0);
		/* GET /models (also the liveness check) and GET /engines/_configure */
		ck_assert_uint_eq(calls, 2);
	}
}
END_TEST

START_TEST(runner_down_is_an_error_not_a_crash)
{
	struct config cfg;
	struct diag_list diags = DIAG_LIST_INIT;
	struct engine e;
	struct strbuf err = STRBUF_INIT;
	ck_assert_int_eq(config_parse(&cfg, "lib.yaml", dir, doc, strlen(doc), NULL, &diags), 0);
	char *state_dir = xasprintf("%s/state", dir);
	/* down: the port this test's runner held, given up (never a port someone else may hold) */
	kill(runner, SIGTERM);
	waitpid(runner, NULL, 0);
	runner = 0;
	struct kinds_options ko = { .runner_url = runner_url };
	struct engine_options eo = {
		.registry = &kinds_registry,
		.backend_options = &ko,
		.state_dir = state_dir,
		.cancel_fd = -1,
	};
	ck_assert_int_eq(engine_open(&e, &cfg, &eo, &err), 0);
	ck_assert_int_eq(engine_plan(&e, &err), ENGINE_BACKEND);
	ck_assert_ptr_nonnull(strstr(err.buf, "Docker Model Runner does not answer"));
	engine_close(&e);
	config_release(&cfg);
	diag_list_release(&diags);
	strbuf_release(&err);
	free(state_dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("engine");
	tcase_add_checked_fixture(tc, start_runner, stop_runner);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, engine_runs_again_and_again);
	tcase_add_test(tc, runner_down_is_an_error_not_a_crash);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}
