/*
 * doctor's report (cmd/cmd_doctor_report): the plugin version read from every
 * form `docker model version` has printed (docs/backends.md §13), the
 * runner's discovery error flattened to one line without its closing advice,
 * the exit code of the first failure (warnings never fail), detail lines.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "cmd/cli.h"
#include "cmd/cmd_common.h"
#include "cmd/cmd_doctor_report.h"
#include "util/xalloc.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const struct version_case {
	const char *out;
	const char *want; /* NULL: none */
} versions[] = {
	/* docker/model-cli, early */
	{ "Docker Model Runner version v0.1.41\n", "v0.1.41" },
	/* model-cli, later: a Version: line first, then the same */
	{ "Version: v0.1.44\nDocker Model Runner version v0.1.44\nDocker Engine Kind: Docker Desktop\n", "v0.1.44" },
	/* model-runner's cmd/cli: the client's version first, the server's after */
	{ "Client:\n Version:    v1.0.9\n OS/Arch:    linux/amd64\n\nServer:\n Version:    v1.0.8\n Engine:     Docker Engine\n",
	  "v1.0.9" },
	{ "Client:\n Version:    dev\n OS/Arch:    linux/amd64\n\nServer:\n Version:    (not reachable)\n", "dev" },
	{ "", NULL },
	{ "docker: unknown command: docker model\n", NULL },
	{ "Version:   \n", NULL },
};

START_TEST(plugin_version_from_each_form)
{
	const struct version_case *c = &versions[_i];
	char *got = doctor_plugin_version(c->out);
	if (c->want)
		ck_assert_str_eq(got ? got : "(null)", c->want);
	else
		ck_assert_msg(!got, "'%s' gave '%s'", c->out, got);
	free(got);
}
END_TEST

START_TEST(runner_error_on_one_line)
{
	const char *err = "Docker Model Runner does not answer; tried:\n"
			  "  http://127.0.0.1:1 (--runner): cannot connect to 'http://127.0.0.1:1': Connection refused\n"
			  "  unix:///var/run/docker.sock (Docker Desktop socket): No such file or directory\n"
			  "Enable it with 'docker desktop enable model-runner --tcp 12434' (Docker Desktop) or ...";
	struct strbuf out = STRBUF_INIT;
	cmd_runner_error_line(err, &out);
	ck_assert_str_eq(out.buf, "Docker Model Runner does not answer; tried: http://127.0.0.1:1 (--runner): cannot "
				  "connect to 'http://127.0.0.1:1': Connection refused; unix:///var/run/docker.sock "
				  "(Docker Desktop socket): No such file or directory");
	ck_assert_ptr_null(strchr(out.buf, '\n'));
	strbuf_release(&out);
}
END_TEST

START_TEST(first_failure_decides_the_exit_code)
{
	struct doctor_report r = { 0 };
	doctor_add(&r, "sbx", DOCTOR_OK, NULL, "fine");
	doctor_add(&r, "docker", DOCTOR_WARN, xstrdup("install it"), "missing");
	ck_assert_int_eq(doctor_exit_code(&r), EXIT_OK); /* a warning does not fail */
	doctor_add(&r, "state_dir", DOCTOR_FAIL, xstrdup("chmod"), "read-only")->exit_code = EXIT_STATE;
	doctor_add(&r, "file", DOCTOR_FAIL, xstrdup("validate"), "invalid")->exit_code = EXIT_INVALID;
	ck_assert_int_eq(doctor_exit_code(&r), EXIT_STATE);
	ck_assert_int_eq((int)r.nr, 4);
	ck_assert_str_eq(r.checks[1].fix, "install it");
	doctor_report_release(&r);
}
END_TEST

START_TEST(details_one_per_line_unindented)
{
	struct doctor_report r = { 0 };
	struct doctor_check *c = doctor_add(&r, "sbx_forms", DOCTOR_OK, NULL, "forms");
	doctor_add_details(c, "  prompts   no --no-input\n\n  run       run --name NAME\nlast");
	ck_assert_int_eq((int)c->nr_details, 3);
	ck_assert_str_eq(c->details[0], "prompts   no --no-input");
	ck_assert_str_eq(c->details[1], "run       run --name NAME");
	ck_assert_str_eq(c->details[2], "last");
	doctor_report_release(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("doctor");
	TCase *tc = tcase_create("report");
	tcase_add_loop_test(tc, plugin_version_from_each_form, 0, (int)N_ELEMS(versions));
	tcase_add_test(tc, runner_error_on_one_line);
	tcase_add_test(tc, first_failure_decides_the_exit_code);
	tcase_add_test(tc, details_one_per_line_unindented);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}
