/*
 * Tests for io/yaml_doc, part two: what the loader refuses. Syntax errors
 * carry libyaml's own marks made 1-based, and the limits on nesting depth
 * and alias expansion keep a walk bounded (an alias bomb is refused, and
 * quickly). Messages are asserted exactly, since they are what a user reads.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#include "check_main.h"
#include "io/yaml_doc.h"
#include "util/diag.h"
#include "yaml_doc_test_helpers.h"

/* ---- syntax errors ------------------------------------------------------- */

static const struct syntax {
	const char *text;
	int line, col;
	const char *message; /* the whole message */
} syntax[] = {
	{ "a: [1, 2\nb: 3\n", 2, 2,
	  "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence started at line 1, column 4)" },
	{ "a: \"unterminated\n", 2, 1,
	  "YAML syntax error: found unexpected end of stream (while scanning a quoted scalar started at line 1, column 4)" },
	{ "x: 1\n\t- y\n", 2, 1,
	  "YAML syntax error: found a tab character that violates indentation (while scanning a plain scalar started at line 1, column 4)" },
	{ "a: @x\n", 1, 4,
	  "YAML syntax error: found character that cannot start any token (while scanning for the next token started at line 1, column 4)" },
	{ "- a\nb: 1\n", 2, 1,
	  "YAML syntax error: did not find expected '-' indicator (while parsing a block collection started at line 1, column 1)" },
	{ "{a: 1", 2, 1,
	  "YAML syntax error: did not find expected ',' or '}' (while parsing a flow mapping started at line 1, column 1)" },
	{ "a: b: c\n", 1, 5, "YAML syntax error: mapping values are not allowed in this context" },
};

START_TEST(syntax_errors_use_libyaml_marks_plus_one)
{
	const struct syntax *t = &syntax[_i];
	/* what libyaml itself says, 0-based */
	yaml_parser_t p;
	yaml_event_t ev;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)t->text, strlen(t->text));
	int ok;
	while ((ok = yaml_parser_parse(&p, &ev)) && ev.type != YAML_STREAM_END_EVENT)
		yaml_event_delete(&ev);
	if (ok)
		yaml_event_delete(&ev);
	ck_assert_int_eq(ok, 0);
	ck_assert_int_eq((int)p.problem_mark.line + 1, t->line);
	ck_assert_int_eq((int)p.problem_mark.column + 1, t->col);
	ck_assert_ptr_nonnull(strstr(t->message, p.problem));
	if (p.context)
		ck_assert_ptr_nonnull(strstr(t->message, p.context));
	yaml_parser_delete(&p);

	ck_assert_int_eq(load(t->text), -1);
	ck_assert_ptr_null(doc.root);
	assert_one_error(t->line, t->col, "YAML syntax error: ");
	ck_assert_str_eq(diags.items[0].message, t->message);
}
END_TEST

START_TEST(syntax_error_in_bad_utf8_points_at_its_line)
{
	/* libyaml gives encoding errors as problem_offset only: offset 8 is line 2, column 4 */
	ck_assert_int_eq(load("a: 1\nb: \xff\n"), -1);
	ck_assert_ptr_null(doc.root);
	ck_assert_uint_eq(diags.nr, 1);
	ck_assert_str_eq(diags.items[0].message, "YAML syntax error: invalid leading UTF-8 octet");
	ck_assert_int_eq(diags.items[0].line, 2);
	ck_assert_int_eq(diags.items[0].col, 4);
}
END_TEST

/* ---- limits ---------------------------------------------------------------- */

static char *repeat_wrap(const char *open, const char *mid, const char *close, int n)
{
	size_t lo = strlen(open), lc = strlen(close), lm = strlen(mid);
	char *s = malloc((lo + lc) * (size_t)n + lm + 1), *p = s;
	for (int i = 0; i < n; i++, p += lo)
		memcpy(p, open, lo);
	memcpy(p, mid, lm);
	p += lm;
	for (int i = 0; i < n; i++, p += lc)
		memcpy(p, close, lc);
	*p = '\0';
	return s;
}

START_TEST(limit_nesting_depth)
{
	static const struct {
		const char *open, *mid, *close;
		int n, rc, col;
	} cases[] = {
		{ "[", "", "]", 512, 0, 0 },
		{ "[", "", "]", 513, -1, 513 },
		{ "{a: ", "1", "}", 600, -1, 512 * 4 + 1 },
	};
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		char *text = repeat_wrap(cases[i].open, cases[i].mid, cases[i].close, cases[i].n);
		int rc = load(text);
		free(text); /* the document holds its own copy */
		ck_assert_int_eq(rc, cases[i].rc);
		if (rc == 0)
			ck_assert_uint_eq(doc.root->weight, 512);
		else
			assert_one_error(1, cases[i].col, "nesting is deeper than 512 levels");
		teardown();
		setup();
	}
}
END_TEST

/* Billion laughs with `levels` lists of 9 aliases each above the first. */
static char *laughs(int levels)
{
	static char buf[4096];
	size_t off = (size_t)snprintf(buf, sizeof(buf), "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
	for (int l = 1; l < levels; l++) {
		char c = (char)('a' + l), prev = (char)('a' + l - 1);
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%c: &%c [", c, c);
		for (int i = 0; i < 9; i++)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s*%c", i ? "," : "", prev);
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "]\n");
	}
	return buf;
}

START_TEST(limit_alias_bomb_refused_quickly)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(load(laughs(9)), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_ptr_null(doc.root);
	/* refused at the 7th list (g), as soon as it passes the limit */
	assert_one_error(7, 4, "aliases expand this document past 1000000 nodes; refusing it (an alias bomb?)");
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	ck_assert_msg(ms < 500, "took %.1f ms", ms);
}
END_TEST

START_TEST(limit_heavy_but_bounded_aliases_accepted)
{
	/* six levels expand to 672,610 nodes: under the limit, every node counted */
	ck_assert_int_eq(load(laughs(6)), 0);
	ck_assert_uint_eq(diags.nr, 0);
	ck_assert_uint_eq(get(doc.root, "a")->weight, 10);
	ck_assert_uint_eq(get(doc.root, "b")->weight, 91);
	ck_assert_uint_eq(get(doc.root, "f")->weight, 597871);
	ck_assert_uint_eq(doc.root->weight, 672610);
	ck_assert_ptr_eq(get(doc.root, "f")->items[8], get(doc.root, "e"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("yaml_doc_errors");
	TCase *tc;

	tc = tcase_create("syntax");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, syntax_errors_use_libyaml_marks_plus_one, 0, (int)N_ELEMS(syntax));
	tcase_add_test(tc, syntax_error_in_bad_utf8_points_at_its_line);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, limit_nesting_depth);
	tcase_add_test(tc, limit_alias_bomb_refused_quickly);
	tcase_add_test(tc, limit_heavy_but_bounded_aliases_accepted);
	suite_add_tcase(s, tc);

	return check_run_suite(s);
}
