/*
 * A hostile sandbox.yaml (issue 12): what reaches sbx's argv, the secrets'
 * names, name lengths, long lines in diagnostics, values built from sensitive
 * variables, workspaces and mounts outside the project, and a malformed
 * --runner. Each test names the reproduction it guards; every one of them
 * failed before the fix. Variables come from a fixed table, never from the
 * test's environment; HOME is set to a directory of the test's own.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_main.h"
#include "validate_test_helpers.h"
#include "cmd/cli.h"
#include "cmd/cmd_common.h"
#include "lang/config.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static char workdir[64];
static char *project; /* workdir/proj: the file's directory */
static char *saved_home;

static const char *test_env(void *ctx, const char *name)
{
	static const char *const vars[][2] = {
		{ "DBPASS", "hunter2" },
		{ "GITHUB_TOKEN", "ghp_secret" },
		{ "HOST", "localhost" },
	};
	(void)ctx;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (!strcmp(vars[i][0], name))
			return vars[i][1];
	return NULL;
}

/* Parses text as dir/t.yaml; the diagnostics as "line:col: [warning: ]message" lines. */
static int parse_in(const char *dir, const char *text, size_t len, struct config *cfg, struct strbuf *out)
{
	return parse_as_lines(dir, text, len, test_env, cfg, out);
}

static int parse(const char *text, struct config *cfg, struct strbuf *out)
{
	return parse_in(project, text, strlen(text), cfg, out);
}

static void expect(const char *text, int want_rc, const char *want)
{
	struct config cfg;
	struct strbuf out = STRBUF_INIT;
	int rc = parse(text, &cfg, &out);
	ck_assert_msg(!strcmp(out.buf, want), "%s\ngot:\n%swant:\n%s", text, out.buf, want);
	ck_assert_int_eq(rc, want_rc);
	strbuf_release(&out);
	config_release(&cfg);
}

static void make_dir(const char *rel)
{
	char *p = xasprintf("%s/%s", workdir, rel);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	free(p);
}

static void setup(void)
{
	strcpy(workdir, "/tmp/check_hostile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(workdir));
	make_dir("proj");
	make_dir("proj/ws");
	make_dir("proj/-ws");
	make_dir("proj/dir:ro");
	make_dir("outside");
	make_dir("home");
	project = xasprintf("%s/proj", workdir);
	char *link = xasprintf("%s/rootlink", project);
	ck_assert_int_eq(symlink("/", link), 0);
	free(link);
	const char *home = getenv("HOME");
	saved_home = home ? xstrdup(home) : NULL;
	char *h = xasprintf("%s/home", workdir);
	setenv("HOME", h, 1);
	free(h);
}

static void teardown(void)
{
	if (saved_home)
		setenv("HOME", saved_home, 1);
	else
		unsetenv("HOME");
	free(saved_home);
	free(project);
	char *cmd[] = { "rm", "-rf", workdir, NULL };
	pid_t pid = fork();
	if (pid == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
}

/* ---- 1. secret services ------------------------------------------------------------ */

/*
 * Reproduction: a global secret named `victim/github` is resource "victim/github",
 * which is sandbox victim's github secret: sbxapply would set and prune another
 * sandbox's secret. It was only a warning ("not a secret service this sbxapply knows").
 */
START_TEST(secret_service_with_a_slash_is_an_error)
{
	expect("version: 1\nsecrets:\n  victim/github: x\n", -1,
	       "3:3: 'victim/github' is not a secret service: use letters, digits, '.', '_' and '-', starting with a "
	       "letter or digit (no '/': sbx names a sandbox's secret SANDBOX/SERVICE)\n");
}
END_TEST

/* Reproduction: global `box1/anthropic` beside sandbox box1's own anthropic secret: one resource, two values. */
START_TEST(secret_colliding_with_a_sandbox_secret_is_an_error)
{
	expect("version: 1\nsecrets:\n  box1/anthropic: a\nsandboxes:\n  box1:\n    agent: shell\n"
	       "    secrets: {anthropic: b}\n",
	       -1,
	       "3:3: 'box1/anthropic' is not a secret service: use letters, digits, '.', '_' and '-', starting with a "
	       "letter or digit (no '/': sbx names a sandbox's secret SANDBOX/SERVICE)\n");
}
END_TEST

/* Reproduction: `secrets: {myservice: x}` was a warning; unknown services are errors unless declared custom. */
START_TEST(unknown_secret_service_needs_custom_secret_services)
{
	expect("version: 1\nsecrets:\n  myservice: x\n", -1,
	       "3:3: unknown secret service 'myservice': this sbxapply knows anthropic, cursor, droid, github, google, "
	       "groq, mistral, nebius, openai, openrouter, xai, copilot, devin; if the installed sbx knows it, list it "
	       "under custom_secret_services\n");
	struct config cfg;
	struct strbuf out = STRBUF_INIT;
	ck_assert_int_eq(parse("version: 1\nsecrets:\n  myservice: s1\n  copilot: s2\n  devin: s3\n"
			       "custom_secret_services: [myservice]\n",
			       &cfg, &out),
			 0);
	ck_assert_str_eq(out.buf, "");
	ck_assert_uint_eq(cfg.nr_secrets, 3);
	ck_assert_str_eq(cfg.secrets[0].service, "myservice");
	strbuf_release(&out);
	config_release(&cfg);
	/* a custom name is held to the same rules */
	expect("version: 1\ncustom_secret_services: [a/b, -x]\n", -1,
	       "2:26: 'a/b' is not a secret service name: use letters, digits, '.', '_' and '-', starting with a "
	       "letter or digit (no '/': sbx names a sandbox's secret SANDBOX/SERVICE)\n"
	       "2:31: '-x' is not a secret service name: it begins with '-', which sbx would read as an option\n");
}
END_TEST

/* ---- 2. nothing in sbx's argv begins with '-' ------------------------------------------ */

/*
 * Reproduction: `agent: "--env-file=/tmp/host.env"` only warned, and reached
 * `sbx create AGENT ...` as an option; `secrets: {-g: x}` became `sbx secret set -g`.
 */
START_TEST(option_like_values_are_errors)
{
	expect("version: 1\nsandboxes:\n  box:\n    agent: \"--env-file=/tmp/host.env\"\n", -1,
	       "4:12: '--env-file=/tmp/host.env' is not an agent: it begins with '-', which sbx would read as an option\n");
	expect("version: 1\nsecrets:\n  \"-g\": x\n", -1,
	       "3:3: '-g' is not a secret service: it begins with '-', which sbx would read as an option\n");
	expect("version: 1\npolicy:\n  allow: [\"--sandbox=x\"]\n", -1,
	       "3:11: '--sandbox=x' is not a network rule: it begins with '-', which sbx would read as an option\n");
	expect("version: 1\nmodels:\n  \"-ai/x\":\n", -1,
	       "3:3: '-ai/x' is not a model reference: it begins with '-', which sbx would read as an option\n");
}
END_TEST

/* A workspace or mount starting with '-' reaches sbx as an absolute path (this held before too). */
START_TEST(dash_paths_become_absolute)
{
	struct config cfg;
	struct strbuf out = STRBUF_INIT, want = STRBUF_INIT;
	ck_assert_int_eq(parse("version: 1\nsandboxes:\n  box:\n    agent: shell\n    workspace: -ws\n"
			       "    mounts: [\"-ws:ro\"]\n",
			       &cfg, &out),
			 0);
	ck_assert_str_eq(out.buf, "");
	strbuf_addf(&want, "%s/-ws", project);
	ck_assert_str_eq(cfg.sandboxes[0].workspace, want.buf);
	strbuf_addstr(&want, ":ro");
	ck_assert_str_eq(cfg.sandboxes[0].mounts.items[0], want.buf);
	strbuf_release(&out);
	strbuf_release(&want);
	config_release(&cfg);
}
END_TEST

/* ---- 3. name lengths -------------------------------------------------------------------- */

/* Reproduction: a 64-character sandbox name validated; sbx v0.43+ refuses names over 63. */
START_TEST(sandbox_name_at_most_63)
{
	char name[70];
	memset(name, 'a', 64);
	name[64] = '\0';
	char *doc = xasprintf("version: 1\nsandboxes:\n  %s:\n    agent: shell\n", name);
	expect(doc, -1,
	       "3:3: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is too long for a sandbox name: "
	       "64 bytes, at most 63\n");
	free(doc);
	name[63] = '\0';
	doc = xasprintf("version: 1\nsandboxes:\n  %s:\n    agent: shell\n", name);
	expect(doc, 0, "");
	free(doc);
}
END_TEST

/*
 * Reproduction: `project:` of 300 characters validated, then apply failed with
 * "File name too long" on <state>/<project>.json; one of 60 MB printed itself.
 */
START_TEST(project_name_bounded)
{
	struct strbuf doc = STRBUF_INIT;
	strbuf_addstr(&doc, "version: 1\nproject: ");
	for (int i = 0; i < 300; i++)
		strbuf_addch(&doc, 'p');
	strbuf_addch(&doc, '\n');
	expect(doc.buf, -1,
	       "2:10: 'pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp...' is too long for a project name: "
	       "300 bytes, at most 64\n");
	/* 60 MB: refused quickly, and the message quotes 60 characters of it */
	strbuf_reset(&doc);
	strbuf_addstr(&doc, "version: 1\nproject: ");
	size_t start = doc.len, big = 60u << 20;
	strbuf_grow(&doc, big + 2);
	memset(doc.buf + start, 'p', big);
	doc.len += big;
	doc.buf[doc.len] = '\0';
	strbuf_addch(&doc, '\n');
	struct config cfg;
	struct strbuf out = STRBUF_INIT;
	ck_assert_int_eq(parse_in(project, doc.buf, doc.len, &cfg, &out), -1);
	ck_assert_msg(out.len < 200, "%.300s", out.buf);
	ck_assert(strstr(out.buf, "too long for a project name: 62914560 bytes, at most 64"));
	strbuf_release(&out);
	strbuf_release(&doc);
	config_release(&cfg);
}
END_TEST

/* Reproduction: a project named after a 70-character directory (its default) was accepted. */
START_TEST(project_from_a_long_directory_name)
{
	char *dir = xasprintf("%s/%0*d", workdir, 70, 7);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	struct config cfg;
	struct strbuf out = STRBUF_INIT, want = STRBUF_INIT;
	ck_assert_int_eq(parse_in(dir, "version: 1\n", 11, &cfg, &out), -1);
	strbuf_addf(&want, "1:1: cannot name the project after directory '%s': a project name has at most 64 characters; set 'project:'\n",
		    dir);
	ck_assert_str_eq(out.buf, want.buf);
	strbuf_release(&out);
	strbuf_release(&want);
	config_release(&cfg);
	free(dir);
}
END_TEST

/* ---- 4. diagnostics print a window of a long line ----------------------------------------- */

static bool starts_with(const char *s, const char *prefix) { return !strncmp(s, prefix, strlen(prefix)); }

static char *print_diags(const struct diag_list *list, size_t *len)
{
	FILE *f = tmpfile();
	ck_assert_ptr_nonnull(f);
	diag_list_print(list, f, false);
	*len = (size_t)ftell(f);
	rewind(f);
	char *buf = xmalloc(*len + 1);
	ck_assert_uint_eq(fread(buf, 1, *len, f), *len);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* Reproduction: one long flow list printed the whole 41 MB line under each of its errors. */
START_TEST(long_source_lines_are_cut_around_the_caret)
{
	size_t n = 1u << 20;
	char *text = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		text[i] = (char)('a' + i % 26);
	text[n] = '\0';
	struct diag_source src = { "big.yaml", text, n };
	struct diag_list diags = DIAG_LIST_INIT;
	for (int k = 0; k < 1000; k++) /* sorted, as a list is printed: each finds its column from the last */
		diag_add(&diags, DIAG_ERROR, &src, 1, 500001 + k, "bad item");
	diag_add(&diags, DIAG_ERROR, &src, 1, 3, "near the start");
	diag_list_sort(&diags);
	size_t len;
	char *out = print_diags(&diags, &len);
	ck_assert_msg(len < 1001 * 400, "printed %zu bytes", len);
	/* the first: at column 3, nothing cut before, cut after */
	ck_assert(starts_with(out, "big.yaml:1:3: near the start\n  abcdefg"));
	char *line = strchr(out, '\n') + 1, *caret = strchr(line, '\n') + 1;
	ck_assert(starts_with(caret, "    ^\n"));
	ck_assert(!strncmp(strchr(line, '\n') - 3, "...", 3));
	/* the next: cut on both sides, the caret under column 500001's character */
	char *second = strchr(caret, '\n') + 1;
	ck_assert(starts_with(second, "big.yaml:1:500001: bad item\n  ..."));
	line = strchr(second, '\n') + 1;
	caret = strchr(line, '\n') + 1;
	size_t at = strchr(caret, '^') - caret;
	ck_assert_uint_eq(at, 2 + 3 + 80);
	ck_assert_int_eq(line[at], 'a' + 500000 % 26);
	ck_assert_uint_le(strchr(line, '\n') - line, 2 + 3 + 160 + 3);
	free(out);
	diag_list_release(&diags);
	free(text);
}
END_TEST

START_TEST(long_messages_are_cut_in_the_middle)
{
	struct diag_source src = { "m.yaml", NULL, 0 };
	struct diag_list diags = DIAG_LIST_INIT;
	struct strbuf big = STRBUF_INIT;
	for (int i = 0; i < 100000; i++)
		strbuf_addch(&big, 'x');
	diag_add(&diags, DIAG_ERROR, &src, 2, 1, "start %s end", big.buf);
	size_t len;
	char *out = print_diags(&diags, &len);
	ck_assert_uint_lt(len, 2200);
	ck_assert(strstr(out, "m.yaml:2:1: start xxx"));
	ck_assert(strstr(out, " bytes ...]xxx"));
	ck_assert(strstr(out, "xxx end\n"));
	free(out);
	strbuf_release(&big);
	diag_list_release(&diags);
}
END_TEST

/* ---- 5. values built from sensitive variables --------------------------------------------- */

/* Reproduction: `postgres://u:${DBPASS}@h/db` was not sensitive: DBPASS did not look secret. */
START_TEST(value_built_from_a_password_is_sensitive)
{
	struct config cfg;
	struct strbuf out = STRBUF_INIT;
	ck_assert_int_eq(parse("version: 1\nenv:\n  DB_URL: postgres://u:${DBPASS}@h/db\n  PLAIN: ${HOST}\n", &cfg, &out), 0);
	ck_assert_str_eq(out.buf, "");
	ck_assert_str_eq(cfg.env[0].value.text, "postgres://u:hunter2@h/db");
	ck_assert(cfg.env[0].value.sensitive);
	ck_assert(!cfg.env[1].value.sensitive);
	strbuf_release(&out);
	config_release(&cfg);
}
END_TEST

/* Reproduction: a variable .env marks `# sensitive` had no effect on the values built from it. */
START_TEST(dotenv_marks_a_variable_sensitive)
{
	char *path = xasprintf("%s/.env", project);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("PGCRED=s3cret   # sensitive\nPLAIN=shown # not sensitive\n", f);
	fclose(f);
	free(path);
	struct config cfg;
	struct strbuf out = STRBUF_INIT;
	ck_assert_int_eq(parse("version: 1\nenv:\n  URL: \"postgres://u:${PGCRED}@h/db\"\n  P: \"${PLAIN}\"\n", &cfg, &out), 0);
	ck_assert_str_eq(out.buf, "");
	ck_assert_str_eq(cfg.env[0].key, "URL");
	ck_assert(cfg.env[0].value.sensitive);
	ck_assert(!cfg.env[1].value.sensitive);
	strbuf_release(&out);
	config_release(&cfg);
	/* and a rule built from it is refused, naming the variable, not its value */
	expect("version: 1\npolicy:\n  allow: [\"${PGCRED}.example.com\"]\n", -1,
	       "3:11: 'allow' is built from the sensitive variable PGCRED: only env values and secrets can hold a "
	       "sensitive value (they are hidden in plans and kept out of argv); move it to one of those\n");
}
END_TEST

/* Reproduction: `{value: ${GITHUB_TOKEN}, sensitive: false}` printed the token in plans. */
START_TEST(sensitive_false_cannot_reveal_a_secret_variable)
{
	struct config cfg;
	struct strbuf out = STRBUF_INIT;
	ck_assert_int_eq(parse("version: 1\nenv:\n  SHOWN: {value: \"${GITHUB_TOKEN}\", sensitive: false}\n"
			       "  PUBLIC_KEY: {value: ssh-ed25519 AAAA, sensitive: false}\n",
			       &cfg, &out),
			 0);
	ck_assert_str_eq(out.buf, "3:48: warning: 'SHOWN' stays sensitive: its value is built from the sensitive variable "
				  "GITHUB_TOKEN (sensitive: false applies to values written in the file)\n");
	ck_assert_str_eq(cfg.env[0].key, "SHOWN");
	ck_assert(cfg.env[0].value.sensitive);
	ck_assert(!cfg.env[1].value.sensitive); /* a value written in the file still opts out */
	strbuf_release(&out);
	config_release(&cfg);
}
END_TEST

/* Reproduction: a secret in a rule, a runtime flag or a path went to argv, HTTP bodies and plans in clear. */
START_TEST(sensitive_values_only_where_they_stay_hidden)
{
	expect("version: 1\nmodels:\n  ai/x:\n    runtime_flags: [\"--api-key\", \"${GITHUB_TOKEN}\"]\n", -1,
	       "4:34: 'runtime_flags' is built from the sensitive variable GITHUB_TOKEN: only env values and secrets "
	       "can hold a sensitive value (they are hidden in plans and kept out of argv); move it to one of those\n");
	expect("version: 1\npolicy:\n  allow: [\"${GITHUB_TOKEN}.example.com\"]\n", -1,
	       "3:11: 'allow' is built from the sensitive variable GITHUB_TOKEN: only env values and secrets can hold "
	       "a sensitive value (they are hidden in plans and kept out of argv); move it to one of those\n");
	expect("version: 1\nsecrets:\n  github: \"${GITHUB_TOKEN}\"\n", 0, "");
}
END_TEST

/* ---- 6. workspaces and mounts outside the project ----------------------------------------- */

static void expect_with_paths(const char *text, int want_rc, const char *want_fmt)
{
	struct strbuf want = STRBUF_INIT;
	/* @W: workdir */
	for (const char *p = want_fmt; *p; p++) {
		if (p[0] == '@' && p[1] == 'W') {
			strbuf_addstr(&want, workdir);
			p++;
		} else {
			strbuf_addch(&want, *p);
		}
	}
	expect(text, want_rc, want.buf);
	strbuf_release(&want);
}

/* Reproduction: `mounts: ["rootlink:ro"]` (a symlink to /) and `../../../../etc:ro` validated. */
START_TEST(mounts_outside_the_project_are_errors)
{
	expect("version: 1\nsandboxes:\n  box:\n    agent: shell\n    mounts: [\"rootlink:ro\", \"../../../../../../../etc:ro\"]\n",
	       -1,
	       "5:14: mount 'rootlink' is outside the project directory: it resolves to /; if the sandbox should see "
	       "it, add allow_outside_project: true to sandbox 'box', or list / (or a parent) under trusted_paths\n"
	       "5:29: mount '../../../../../../../etc' is outside the project directory: it resolves to /etc; if the "
	       "sandbox should see it, add allow_outside_project: true to sandbox 'box', or list /etc (or a parent) "
	       "under trusted_paths\n");
	expect_with_paths("version: 1\nsandboxes:\n  box:\n    agent: shell\n    workspace: ../outside\n", -1,
			  "5:16: workspace '../outside' is outside the project directory: it resolves to @W/outside; if "
			  "the sandbox should see it, add allow_outside_project: true to sandbox 'box', or list "
			  "@W/outside (or a parent) under trusted_paths\n");
}
END_TEST

START_TEST(outside_the_project_when_the_file_says_so)
{
	expect("version: 1\nsandboxes:\n  box:\n    agent: shell\n    workspace: ../outside\n"
	       "    mounts: [\"rootlink:ro\"]\n    allow_outside_project: true\n",
	       0, "");
	char *doc = xasprintf("version: 1\ntrusted_paths: [\"%s/./\"]\nsandboxes:\n  box:\n    agent: shell\n"
			      "    workspace: ../outside\n",
			      workdir);
	expect(doc, 0, "");
	free(doc);
	expect("version: 1\ntrusted_paths: [outside]\n", -1,
	       "2:17: 'outside' is not an absolute path: a trusted path is absolute, as in /srv/shared\n");
}
END_TEST

/* Reproduction: the home directory and / were mounted read-write once outside-project was allowed. */
START_TEST(home_and_root_never_read_write)
{
	expect_with_paths("version: 1\ntrusted_paths: [/]\nsandboxes:\n  box:\n    agent: shell\n"
			  "    mounts: [../home, rootlink, \"../home:ro\"]\n",
			  -1,
			  "6:14: mount '../home' resolves to @W/home, the home directory: it is never given to a sandbox "
			  "read-write, even when trusted; mount a subdirectory, or add :ro\n"
			  "6:23: mount 'rootlink' resolves to /, which holds the home directory: it is never given to a "
			  "sandbox read-write, even when trusted; mount a subdirectory, or add :ro\n");
}
END_TEST

/* Reproduction: a workspace directory named `dir:ro` reached sbx as a read-only mount of `dir`. */
START_TEST(directory_named_like_a_read_only_mount)
{
	expect_with_paths("version: 1\nsandboxes:\n  box:\n    agent: shell\n    workspace: \"dir:ro\"\n", -1,
			  "5:16: workspace 'dir:ro' resolves to @W/proj/dir:ro, whose name ends in ':ro': sbx would read "
			  "it as a read-only mount of @W/proj/dir; rename the directory (or mount it through a symlink of "
			  "another name)\n");
}
END_TEST

/* ---- 7. --runner ------------------------------------------------------------------------ */

/* Reproduction: `--runner ftp://x` exited 4 (runner unavailable) instead of 2 (usage). */
START_TEST(malformed_runner_is_a_usage_error)
{
	struct cli_options opts = { .file = "/nonexistent/sandbox.yaml", .runner = "ftp://x" };
	struct config cfg;
	fflush(stderr);
	ck_assert_int_eq(cmd_load_config(&opts, &cfg), EXIT_USAGE);
	config_release(&cfg);
}
END_TEST

static Suite *hostile_suite(void)
{
	Suite *s = suite_create("validate_hostile");
	TCase *tc = tcase_create("hostile");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, secret_service_with_a_slash_is_an_error);
	tcase_add_test(tc, secret_colliding_with_a_sandbox_secret_is_an_error);
	tcase_add_test(tc, unknown_secret_service_needs_custom_secret_services);
	tcase_add_test(tc, option_like_values_are_errors);
	tcase_add_test(tc, dash_paths_become_absolute);
	tcase_add_test(tc, sandbox_name_at_most_63);
	tcase_add_test(tc, project_name_bounded);
	tcase_add_test(tc, project_from_a_long_directory_name);
	tcase_add_test(tc, long_source_lines_are_cut_around_the_caret);
	tcase_add_test(tc, long_messages_are_cut_in_the_middle);
	tcase_add_test(tc, value_built_from_a_password_is_sensitive);
	tcase_add_test(tc, dotenv_marks_a_variable_sensitive);
	tcase_add_test(tc, sensitive_false_cannot_reveal_a_secret_variable);
	tcase_add_test(tc, sensitive_values_only_where_they_stay_hidden);
	tcase_add_test(tc, mounts_outside_the_project_are_errors);
	tcase_add_test(tc, outside_the_project_when_the_file_says_so);
	tcase_add_test(tc, home_and_root_never_read_write);
	tcase_add_test(tc, directory_named_like_a_read_only_mount);
	tcase_add_test(tc, malformed_runner_is_a_usage_error);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run_suite(hostile_suite());
}
