/*
 * Tests for lang/interpolate (Docker Compose variable interpolation). Every
 * report is asserted with its severity, byte offset and text. The .env file
 * beside sandbox.yaml (lang/dotenv) is tested in check_dotenv.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "lang/interpolate.h"
#include "util/diag.h"
#include "util/strbuf.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- interpolation fixture ------------------------------------------------- */

static const struct {
	const char *name, *value;
} vars[] = {
	{ "SET", "v" },
	{ "EMPTY", "" },
	{ "HOME", "/home/u" },
	{ "API_KEY", "k" },
	{ "GITHUB_TOKEN", "t" },
	{ "DB_PASSWORD", "p" },
	{ "SPACE", "a b" },
};

static const char *lookup(void *ctx, const char *name)
{
	(void)ctx;
	for (size_t i = 0; i < N_ELEMS(vars); i++)
		if (!strcmp(vars[i].name, name))
			return vars[i].value;
	return NULL;
}

struct report {
	enum diag_severity sev;
	size_t offset;
	char message[256];
};

static struct report reports[8];
static size_t nr_reports;

static void collect(void *ctx, enum diag_severity sev, size_t offset, const char *message)
{
	(void)ctx;
	ck_assert_uint_lt(nr_reports, N_ELEMS(reports));
	reports[nr_reports].sev = sev;
	reports[nr_reports].offset = offset;
	snprintf(reports[nr_reports].message, sizeof(reports[nr_reports].message), "%s", message);
	nr_reports++;
}

static const struct interp_env env = { .lookup = lookup, .report = collect };

static struct strbuf out = STRBUF_INIT;
static struct interp_info info;

static int run_n(const char *in, size_t len)
{
	nr_reports = 0;
	strbuf_reset(&out);
	memset(&info, 0xff, sizeof(info)); /* interpolate() must reset it */
	return interpolate(in, len, &env, &out, &info);
}

static int run(const char *in)
{
	return run_n(in, strlen(in));
}

static void release_out(void)
{
	strbuf_release(&out);
}

static void assert_report(size_t i, enum diag_severity sev, size_t offset, const char *message)
{
	ck_assert_uint_gt(nr_reports, i);
	ck_assert_int_eq(reports[i].sev, sev);
	ck_assert_uint_eq(reports[i].offset, offset);
	ck_assert_str_eq(reports[i].message, message);
}

/* ---- values ------------------------------------------------------------------ */

static const struct value_case {
	const char *in, *out;
} values[] = {
	{ "plain text", "plain text" },
	{ "$SET", "v" },
	{ "${SET}", "v" },
	{ "a$SET-b", "av-b" },
	{ "${SET}x", "vx" },
	{ "$SET$SET", "vv" },
	{ "${SPACE}", "a b" },
	{ "\xc3\xa9$SET", "\xc3\xa9v" },
	{ "$$", "$" },
	{ "a$$b", "a$b" },
	{ "$$SET", "$SET" },
	{ "$${SET}", "${SET}" },
	/* :- when unset or empty, - only when unset */
	{ "${U:-d}", "d" },
	{ "${EMPTY:-d}", "d" },
	{ "${SET:-d}", "v" },
	{ "${U-d}", "d" },
	{ "${EMPTY-d}", "" },
	{ "${SET-d}", "v" },
	{ "${U:-}", "" },
	/* :+ when set and non-empty, + when set */
	{ "${U:+alt}", "" },
	{ "${EMPTY:+alt}", "" },
	{ "${SET:+alt}", "alt" },
	{ "${U+alt}", "" },
	{ "${EMPTY+alt}", "alt" },
	{ "${SET+alt}", "alt" },
	/* ? only fails when unset; :? also when empty */
	{ "${EMPTY?msg}", "" },
	{ "${SET?msg}", "v" },
	{ "${SET:?msg}", "v" },
	/* defaults are interpolated in turn, and only when used */
	{ "${A:-${B:-x}}", "x" },
	{ "${U:-${SET:-x}}", "v" },
	{ "${U:-$SET}", "v" },
	{ "${U:-a $SET b}", "a v b" },
	{ "${U:-$$}", "$" },
	{ "${SET:-$NOPE}", "v" },
	{ "${SET:+[$HOME]}", "[/home/u]" },
	{ "${U:-a}b}", "ab}" },
};

START_TEST(values_table)
{
	const struct value_case *t = &values[_i];
	ck_assert_int_eq(run(t->in), 0);
	ck_assert_str_eq(out.buf, t->out);
	ck_assert_uint_eq(out.len, strlen(t->out));
	ck_assert_uint_eq(nr_reports, 0);
}
END_TEST

START_TEST(values_keep_nul_bytes)
{
	ck_assert_int_eq(run_n("a\0$SET\0", 7), 0);
	ck_assert_uint_eq(out.len, 4);
	ck_assert(!memcmp(out.buf, "a\0v\0", 5));
}
END_TEST

/* ---- warnings for unset variables ------------------------------------------------- */

static const struct warn_case {
	const char *in, *out;
	size_t offset;
	const char *message;
} warns[] = {
	{ "$U", "", 0, "variable U is not set; using an empty string" },
	{ "${U}", "", 0, "variable U is not set; using an empty string" },
	{ "ab ${NOPE} c", "ab  c", 3, "variable NOPE is not set; using an empty string" },
	{ "$SETx", "", 0, "variable SETx is not set; using an empty string" },
	{ "x$_y.", "x.", 1, "variable _y is not set; using an empty string" },
	{ "x${U:-${NOPE}}", "x", 6, "variable NOPE is not set; using an empty string" },
	{ "${SET:+a$NOPE}", "a", 8, "variable NOPE is not set; using an empty string" },
};

START_TEST(warnings_table)
{
	const struct warn_case *t = &warns[_i];
	ck_assert_int_eq(run(t->in), 0);
	ck_assert_str_eq(out.buf, t->out);
	ck_assert_uint_eq(nr_reports, 1);
	assert_report(0, DIAG_WARNING, t->offset, t->message);
}
END_TEST

START_TEST(warnings_one_per_variable_in_order)
{
	ck_assert_int_eq(run("$A $B ${C}"), 0);
	ck_assert_str_eq(out.buf, "  ");
	ck_assert_uint_eq(nr_reports, 3);
	assert_report(0, DIAG_WARNING, 0, "variable A is not set; using an empty string");
	assert_report(1, DIAG_WARNING, 3, "variable B is not set; using an empty string");
	assert_report(2, DIAG_WARNING, 6, "variable C is not set; using an empty string");
}
END_TEST

/* ---- errors --------------------------------------------------------------------- */

#define MSG_DOLLAR "invalid interpolation: '$' must be followed by a name, '{' or '$' (write $$ for a literal $)"
#define MSG_BRACE_NAME "invalid interpolation: '${' must be followed by a variable name"
#define MSG_UNTERMINATED "unterminated '${': add the closing '}' (write $$ for a literal $)"

static const struct error_case {
	const char *in;
	size_t offset;
	const char *message;
} errors[] = {
	{ "a ${U:?need U} b", 2, "U: need U" },
	{ "${U:?}", 0, "required variable U is not set" },
	{ "${EMPTY:?}", 0, "required variable EMPTY is empty" },
	{ "${U?}", 0, "required variable U is not set" },
	{ "${U?say $SET}", 0, "U: say v" },
	{ "x ${A", 2, MSG_UNTERMINATED },
	{ "${A:-${B}", 0, MSG_UNTERMINATED },
	{ "$5", 0, MSG_DOLLAR },
	{ "abc$", 3, MSG_DOLLAR },
	{ "$ x", 0, MSG_DOLLAR },
	{ "a$-b", 1, MSG_DOLLAR },
	{ "${}", 0, MSG_BRACE_NAME },
	{ "${5}", 0, MSG_BRACE_NAME },
	{ "${:-x}", 0, MSG_BRACE_NAME },
	{ "${SET!}", 0, "invalid interpolation: after ${SET use '}', ':-', '-', ':?', '?', ':+' or '+'" },
	{ "${SET:}", 0, "invalid interpolation: after ${SET use '}', ':-', '-', ':?', '?', ':+' or '+'" },
	{ "${SET :-x}", 0, "invalid interpolation: after ${SET use '}', ':-', '-', ':?', '?', ':+' or '+'" },
	{ "${U:-${B:?oops}}", 5, "B: oops" },
	{ "ok ${SET} ${U:-x ${V?v missing}}", 17, "V: v missing" },
};

START_TEST(errors_table)
{
	const struct error_case *t = &errors[_i];
	ck_assert_int_eq(run(t->in), -1);
	ck_assert_uint_eq(nr_reports, 1);
	assert_report(0, DIAG_ERROR, t->offset, t->message);
}
END_TEST

START_TEST(errors_do_not_stop_the_scan)
{
	ck_assert_int_eq(run("$5 and $"), -1);
	ck_assert_uint_eq(nr_reports, 2);
	assert_report(0, DIAG_ERROR, 0, MSG_DOLLAR);
	assert_report(1, DIAG_ERROR, 7, MSG_DOLLAR);
	/* the expression after a failed one is still expanded and reported */
	ck_assert_int_eq(run("${U:?} $SET ${X}"), -1);
	ck_assert_uint_eq(nr_reports, 2);
	assert_report(0, DIAG_ERROR, 0, "required variable U is not set");
	assert_report(1, DIAG_WARNING, 12, "variable X is not set; using an empty string");
	ck_assert_ptr_nonnull(strstr(out.buf, " v "));
}
END_TEST

START_TEST(errors_without_reporter_or_info)
{
	struct interp_env quiet = { .lookup = lookup };
	struct strbuf sb = STRBUF_INIT;
	ck_assert_int_eq(interpolate("${U:?}", 6, &quiet, &sb, NULL), -1);
	ck_assert_int_eq(interpolate("$SET", 4, &quiet, &sb, NULL), 0);
	ck_assert_str_eq(sb.buf, "v");
	strbuf_release(&sb);
}
END_TEST

static char *nested_defaults(int levels)
{
	char *s = malloc((size_t)levels * 6 + 2), *p = s;
	for (int i = 0; i < levels; i++, p += 5)
		memcpy(p, "${U:-", 5);
	*p++ = 'x';
	for (int i = 0; i < levels; i++)
		*p++ = '}';
	*p = '\0';
	return s;
}

START_TEST(errors_nesting_limit)
{
	char *ok = nested_defaults(16), *deep = nested_defaults(17);
	int rc_ok = run(ok);
	free(ok);
	ck_assert_int_eq(rc_ok, 0);
	ck_assert_str_eq(out.buf, "x");
	ck_assert_uint_eq(nr_reports, 0);
	int rc_deep = run(deep);
	free(deep);
	ck_assert_int_eq(rc_deep, -1);
	ck_assert_uint_eq(nr_reports, 1);
	ck_assert_int_eq(reports[0].sev, DIAG_ERROR);
	ck_assert_str_eq(reports[0].message, "interpolation nested more than 16 levels deep");
	/* reported where the 17th ${ starts, as the header promises */
	ck_assert_uint_eq(reports[0].offset, 80);
}
END_TEST

/* ---- info and secret names -------------------------------------------------------- */

static const struct info_case {
	const char *in;
	bool substituted, secret;
} infos[] = {
	{ "plain", false, false },
	{ "$$HOME", false, false },
	{ "$HOME", true, false },
	{ "$U", true, false },
	{ "${GITHUB_TOKEN}", true, true },
	{ "$API_KEY", true, true },
	{ "${DB_PASSWORD:-x}", true, true },
	{ "${NO_SUCH_TOKEN:-x}", true, true },
	{ "${HOME:-$API_KEY}", true, false },
	{ "${U:-$API_KEY}", true, true },
	{ "${SET:+$GITHUB_TOKEN}", true, true },
	{ "${U:+$GITHUB_TOKEN}", true, false },
};

START_TEST(info_table)
{
	const struct info_case *t = &infos[_i];
	run(t->in);
	ck_assert_msg(info.substituted == t->substituted, "substituted for %s", t->in);
	ck_assert_msg(info.secret_var == t->secret, "secret_var for %s", t->in);
}
END_TEST

static const struct secret_case {
	const char *name;
	bool secret;
} secrets[] = {
	{ "GITHUB_TOKEN", true },
	{ "API_KEY", true },
	{ "DB_PASSWORD", true },
	{ "CLIENT_SECRET", true },
	{ "ANTHROPIC_API_KEY", true },
	{ "HF_TOKEN", true },
	{ "api_key", true },
	{ "db_password", true },
	{ "PASSWORD", true },
	{ "MYPASSWORDFILE", true },
	{ "_KEY", true },
	{ "HOME", false },
	{ "KEY", false },
	{ "TOKEN", false },
	{ "SECRET", false },
	{ "MONKEY", false },
	{ "KEYS", false },
	{ "TOKENIZER", false },
	{ "SECRET_NAME", false },
	{ "PASSWD", false },
	{ "", false },
};

START_TEST(secret_names_table)
{
	ck_assert_msg(name_looks_secret(secrets[_i].name) == secrets[_i].secret, "%s", secrets[_i].name);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("interpolate");
	TCase *tc;

	tc = tcase_create("values");
	tcase_add_checked_fixture(tc, NULL, release_out);
	tcase_add_loop_test(tc, values_table, 0, (int)N_ELEMS(values));
	tcase_add_test(tc, values_keep_nul_bytes);
	tcase_add_loop_test(tc, warnings_table, 0, (int)N_ELEMS(warns));
	tcase_add_test(tc, warnings_one_per_variable_in_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, NULL, release_out);
	tcase_add_loop_test(tc, errors_table, 0, (int)N_ELEMS(errors));
	tcase_add_test(tc, errors_do_not_stop_the_scan);
	tcase_add_test(tc, errors_without_reporter_or_info);
	tcase_add_test(tc, errors_nesting_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("secrets");
	tcase_add_checked_fixture(tc, NULL, release_out);
	tcase_add_loop_test(tc, info_table, 0, (int)N_ELEMS(infos));
	tcase_add_loop_test(tc, secret_names_table, 0, (int)N_ELEMS(secrets));
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}
