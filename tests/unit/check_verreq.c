/*
 * Version requirements (util/verreq), the file's `requires: {sbx: ...}`:
 * every operator, partial versions read as the range they name (npm's
 * semver), comma-separated terms that must all hold, and the texts refused
 * with a reason.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "util/verreq.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const struct match_case {
	const char *req;
	int major, minor, patch;
	bool want;
} matches[] = {
	{ ">=0.33", 0, 33, 0, true },
	{ ">=0.33", 0, 32, 9, false },
	{ ">=0.33", 0, 45, 1, true },
	{ ">=0.33", 1, 0, 0, true },
	{ ">0.33", 0, 33, 9, false }, /* partial: after every 0.33.x */
	{ ">0.33", 0, 34, 0, true },
	{ ">0.33.1", 0, 33, 1, false },
	{ ">0.33.1", 0, 33, 2, true },
	{ "<0.40", 0, 39, 99, true },
	{ "<0.40", 0, 40, 0, false },
	{ "<=0.40", 0, 40, 7, true }, /* partial: every 0.40.x */
	{ "<=0.40", 0, 41, 0, false },
	{ "<=0.40.2", 0, 40, 2, true },
	{ "<=0.40.2", 0, 40, 3, false },
	{ "=0.33", 0, 33, 5, true },
	{ "=0.33", 0, 34, 0, false },
	{ "=0.33", 0, 32, 9, false },
	{ "=0.33.1", 0, 33, 1, true },
	{ "=0.33.1", 0, 33, 2, false },
	{ "=1", 1, 7, 3, true },
	{ "=1", 2, 0, 0, false },
	{ ">=0.33, <0.50", 0, 45, 1, true },
	{ ">=0.33, <0.50", 0, 50, 0, false },
	{ ">=0.33, <0.50", 0, 31, 2, false },
	{ " >= v0.33 ", 0, 33, 0, true },
	{ ">=v0.33.0", 0, 33, 0, true },
	{ "<0.10", 0, 9, 0, true }, /* numbers, not text: 9 < 10 */
	{ ">=0.9", 0, 10, 0, true },
};

START_TEST(requirement_matches)
{
	const struct match_case *c = &matches[_i];
	struct verreq r;
	const char *why = NULL;
	if (verreq_parse(&r, c->req, &why) < 0) {
		ck_assert_msg(!c->want, "'%s' did not parse: %s", c->req, why);
		return;
	}
	ck_assert_msg(verreq_match(&r, c->major, c->minor, c->patch) == c->want, "'%s' against %d.%d.%d: want %s",
		      c->req, c->major, c->minor, c->patch, c->want ? "match" : "no match");
}
END_TEST

static const char *const refused[] = {
	"",
	"   ",
	"0.33",	 /* no operator */
	"~0.33", /* not an operator here */
	"^0.33",
	"==0.33", /* '=' then '=': not a number */
	">=",	  /* no version */
	">=x.y",
	">=0.33.1.2", /* four numbers */
	">=0.",	      /* a dot without a number */
	">=.33",
	">=0.33 <0.50", /* two terms need a comma */
	">=0.33,",	/* a trailing comma */
	",>=0.33",
	">=0.33,,<1",
	">=0.33-rc1",
	">=99999999",
	">=1,>=1,>=1,>=1,>=1,>=1,>=1,>=1,>=1", /* more than VERREQ_MAX terms */
};

START_TEST(bad_requirement_is_refused_with_a_reason)
{
	struct verreq r;
	const char *why = NULL;
	ck_assert_msg(verreq_parse(&r, refused[_i], &why) < 0, "'%s' was accepted", refused[_i]);
	ck_assert_ptr_nonnull(why);
	ck_assert_int_gt((int)strlen(why), 10);
}
END_TEST

START_TEST(terms_are_kept_in_order)
{
	struct verreq r;
	const char *why = NULL;
	ck_assert_int_eq(verreq_parse(&r, ">=0.33.1, <1", &why), 0);
	ck_assert_int_eq(r.nr, 2);
	ck_assert_int_eq(r.terms[0].op, VERREQ_GE);
	ck_assert_int_eq(r.terms[0].nr_parts, 3);
	ck_assert_int_eq(r.terms[0].parts[1], 33);
	ck_assert_int_eq(r.terms[0].parts[2], 1);
	ck_assert_int_eq(r.terms[1].op, VERREQ_LT);
	ck_assert_int_eq(r.terms[1].nr_parts, 1);
	ck_assert_int_eq(r.terms[1].parts[0], 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("verreq");
	TCase *tc = tcase_create("verreq");
	tcase_add_loop_test(tc, requirement_matches, 0, (int)N_ELEMS(matches));
	tcase_add_loop_test(tc, bad_requirement_is_refused_with_a_reason, 0, (int)N_ELEMS(refused));
	tcase_add_test(tc, terms_are_kept_in_order);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}
