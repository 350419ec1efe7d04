/*
 * Tests for lang/dotenv (the .env file beside sandbox.yaml): values and
 * quoting, later lines winning, errors that keep the good lines, and loading
 * from a directory (missing file is no error, an unreadable path is).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "lang/dotenv.h"
#include "util/diag.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static struct dotenv denv;
static struct diag_list ddiags;

static void dotenv_setup(void)
{
	memset(&denv, 0, sizeof(denv));
	memset(&ddiags, 0, sizeof(ddiags));
}

static void dotenv_teardown(void)
{
	diag_list_release(&ddiags);
	dotenv_release(&denv);
}

static int parse(const char *text)
{
	return dotenv_parse(&denv, ".env", text, strlen(text), &ddiags);
}

static const char dotenv_text[] =
	"# a comment\n"
	"A=1\n"
	"\n"
	"   # indented comment\n"
	"export B=two words  \n"
	"\tC=tabbed\n"
	"D=\"a\\nb\\t\\\"q\\\" \\\\ \\$x\\r\" # comment\n"
	"E='lit\\n $X \"q\"'\n"
	"F=v # comment\n"
	"G=a#b\n"
	"H=a\t#tab comment\n"
	"I=\n"
	"J=  spaced  value  \n"
	"K='a # b'  # c\n"
	"L=\"x\"#c\n"
	"M=crlf\r\n"
	"N_2=\"\"\n"
	"export=5\n"
	"_u=\\n\n"
	"EQ=b=c\n"
	"URL=http://h/p#frag\n"
	"last=no newline";

static const struct {
	const char *key, *value;
} dotenv_want[] = {
	{ "A", "1" },
	{ "B", "two words" },
	{ "C", "tabbed" },
	{ "D", "a\nb\t\"q\" \\ $x\r" },
	{ "E", "lit\\n $X \"q\"" },
	{ "F", "v" },
	{ "G", "a#b" },
	{ "H", "a" },
	{ "I", "" },
	{ "J", "spaced  value" },
	{ "K", "a # b" },
	{ "L", "x" },
	{ "M", "crlf" },
	{ "N_2", "" },
	{ "export", "5" },
	{ "_u", "\\n" },
	{ "EQ", "b=c" },
	{ "URL", "http://h/p#frag" },
	{ "last", "no newline" },
};

START_TEST(dotenv_values)
{
	ck_assert_int_eq(parse(dotenv_text), 0);
	ck_assert_uint_eq(ddiags.nr, 0);
	ck_assert_uint_eq(denv.nr, N_ELEMS(dotenv_want));
	for (size_t i = 0; i < N_ELEMS(dotenv_want); i++) {
		ck_assert_str_eq(denv.entries[i].key, dotenv_want[i].key);
		const char *v = dotenv_get(&denv, dotenv_want[i].key);
		ck_assert_msg(v && !strcmp(v, dotenv_want[i].value), "%s = '%s'", dotenv_want[i].key, v);
	}
	ck_assert_ptr_null(dotenv_get(&denv, "a"));
	ck_assert_ptr_null(dotenv_get(&denv, "X"));
	ck_assert_ptr_null(dotenv_get(&denv, ""));
}
END_TEST

START_TEST(dotenv_later_lines_win)
{
	ck_assert_int_eq(parse("A=1\nB=x\nA=2\nexport A=3\n"), 0);
	ck_assert_str_eq(dotenv_get(&denv, "A"), "3");
	ck_assert_str_eq(dotenv_get(&denv, "B"), "x");
	ck_assert_uint_eq(denv.nr, 4);
}
END_TEST

START_TEST(dotenv_source_copied)
{
	char text[] = "A=1\n";
	ck_assert_int_eq(dotenv_parse(&denv, "my.env", text, 4, &ddiags), 0);
	text[2] = '9';
	ck_assert_str_eq(denv.source.name, "my.env");
	ck_assert_str_eq(denv.source.text, "A=1\n");
	ck_assert_uint_eq(denv.source.len, 4);
	ck_assert_str_eq(dotenv_get(&denv, "A"), "1");
}
END_TEST

#define MSG_NAME "expected a variable name ([A-Za-z_][A-Za-z0-9_]*)"
#define MSG_EQ "expected '=' after the variable name"

static const struct dotenv_error {
	const char *text;
	int line, col;
	const char *message;
} dotenv_errors[] = {
	{ "=bad\n", 1, 1, MSG_NAME },
	{ "A=1\n1K=v\n", 2, 1, MSG_NAME },
	{ "  -K=v\n", 1, 3, MSG_NAME },
	{ "K v\n", 1, 2, MSG_EQ },
	{ "KEY\n", 1, 4, MSG_EQ },
	{ "KEY-NAME=x\n", 1, 4, MSG_EQ },
	{ "# c\n\n  C = x\n", 3, 4, MSG_EQ },
	{ "export N\n", 1, 9, MSG_EQ },
	{ "A=1\nL=\"abc\nB=2\n", 2, 3, "unterminated quoted value" },
	{ "L='abc\n", 1, 3, "unterminated quoted value" },
	{ "L=\"a\\\"\n", 1, 3, "unterminated quoted value" },
	{ "M=\"a\" b\n", 1, 7, "unexpected text after the closing quote" },
	{ "M='a'b\n", 1, 6, "unexpected text after the closing quote" },
};

START_TEST(dotenv_errors_table)
{
	const struct dotenv_error *t = &dotenv_errors[_i];
	ck_assert_int_eq(parse(t->text), -1);
	ck_assert_uint_eq(ddiags.nr, 1);
	ck_assert_uint_eq(ddiags.errors, 1);
	const struct diag *d = &ddiags.items[0];
	ck_assert_ptr_eq(d->source, &denv.source);
	ck_assert_int_eq(d->line, t->line);
	ck_assert_int_eq(d->col, t->col);
	ck_assert_str_eq(d->message, t->message);
}
END_TEST

START_TEST(dotenv_errors_keep_good_lines)
{
	ck_assert_int_eq(parse("A=1\nbad line\nB=\"x\nC=3\n"), -1);
	ck_assert_uint_eq(ddiags.nr, 2);
	ck_assert_int_eq(ddiags.items[0].line, 2);
	ck_assert_int_eq(ddiags.items[1].line, 3);
	ck_assert_uint_eq(denv.nr, 2);
	ck_assert_str_eq(dotenv_get(&denv, "A"), "1");
	ck_assert_str_eq(dotenv_get(&denv, "C"), "3");
	ck_assert_ptr_null(dotenv_get(&denv, "B"));
}
END_TEST

static char tmpdir[64];

static void file_setup(void)
{
	dotenv_setup();
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_dotenv.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void file_teardown(void)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/.env", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", tmpdir);
	rmdir(path);
	rmdir(tmpdir);
	dotenv_teardown();
}

START_TEST(dotenv_load_file)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/.env", tmpdir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("TOKEN=abc\nexport X=\"1 2\"\nbad\n", f);
	fclose(f);
	ck_assert_int_eq(dotenv_load(&denv, path, "proj/.env", &ddiags), -1);
	ck_assert_str_eq(dotenv_get(&denv, "TOKEN"), "abc");
	ck_assert_str_eq(dotenv_get(&denv, "X"), "1 2");
	ck_assert_uint_eq(ddiags.nr, 1);
	ck_assert_str_eq(ddiags.items[0].source->name, "proj/.env");
	ck_assert_int_eq(ddiags.items[0].line, 3);
	ck_assert_int_eq(ddiags.items[0].col, 4);
	ck_assert_ptr_nonnull(strstr(denv.source.text, "TOKEN=abc"));
}
END_TEST

START_TEST(dotenv_missing_file_is_no_error)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/.env", tmpdir);
	ck_assert_int_eq(dotenv_load(&denv, path, ".env", &ddiags), 0);
	ck_assert_uint_eq(ddiags.nr, 0);
	ck_assert_uint_eq(denv.nr, 0);
	ck_assert_ptr_null(dotenv_get(&denv, "A"));
}
END_TEST

START_TEST(dotenv_unreadable_path_is_an_error)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/sub", tmpdir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(dotenv_load(&denv, path, "sub", &ddiags), -1);
	ck_assert_uint_eq(ddiags.nr, 1);
	const struct diag *d = &ddiags.items[0];
	ck_assert_int_eq(d->severity, DIAG_ERROR);
	ck_assert_int_eq(d->line, 0);
	ck_assert_int_eq(d->col, 0);
	ck_assert_str_eq(d->source->name, "sub");
	ck_assert_msg(!strncmp(d->message, "cannot read 'sub': ", 19), "%s", d->message);
	ck_assert_uint_eq(denv.nr, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dotenv");
	TCase *tc;

	tc = tcase_create("dotenv");
	tcase_add_checked_fixture(tc, dotenv_setup, dotenv_teardown);
	tcase_add_test(tc, dotenv_values);
	tcase_add_test(tc, dotenv_later_lines_win);
	tcase_add_test(tc, dotenv_source_copied);
	tcase_add_loop_test(tc, dotenv_errors_table, 0, (int)N_ELEMS(dotenv_errors));
	tcase_add_test(tc, dotenv_errors_keep_good_lines);
	suite_add_tcase(s, tc);

	tc = tcase_create("dotenv_files");
	tcase_add_checked_fixture(tc, file_setup, file_teardown);
	tcase_add_test(tc, dotenv_load_file);
	tcase_add_test(tc, dotenv_missing_file_is_no_error);
	tcase_add_test(tc, dotenv_unreadable_path_is_an_error);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}
