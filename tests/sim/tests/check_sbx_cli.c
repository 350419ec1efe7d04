/*
 * Unit tests for the simulated sbx's pure parts: the release table, the
 * pflag-like parser, pflag's flag columns and the Go-style JSON printer.
 */
#include "sbx_internal.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

TCase *tcase_sbx(void);

START_TEST(release_table)
{
	int n;
	const struct sbx_feature_row *rows = sbx_feature_rows(&n);
	ck_assert_int_eq(n, F_FEATURE_COUNT - 1);
	for (int i = 0; i < n; i++) {
		/* sbx_feature_on() indexes the table by id. */
		ck_assert_msg((int)rows[i].id == i + 1, "row %d (%s) is out of enum order", i, rows[i].key);
		ck_assert_msg(rows[i].first <= rows[i].last, "%s: first after last", rows[i].key);
		ck_assert_msg(rows[i].source && *rows[i].source && rows[i].what && *rows[i].what, "%s: no source", rows[i].key);
	}
	ck_assert_int_eq(sbx_version_parse("0.31.2"), SBXV(31, 2));
	ck_assert_int_eq(sbx_version_parse("v0.45.1"), SBXV(45, 1));
	ck_assert_int_eq(sbx_version_parse("0.42"), SBXV(42, 0));
	ck_assert_int_eq(sbx_version_parse("v0.34.0-rc3"), SBXV(34, 0));
	ck_assert_int_eq(sbx_version_parse("old"), SBXV(31, 2));
	ck_assert_int_eq(sbx_version_parse("new"), SBXV(45, 1));
	ck_assert_int_eq(sbx_version_parse("1.2.3"), -1);
	ck_assert_int_eq(sbx_version_parse("0.x"), -1);
	ck_assert_int_eq(sbx_version_parse(""), -1);
	/* Boundaries: first and last releases of a range. */
	ck_assert(!sbx_feature_on(SBXV(31, 9), F_VERSION_ONE_LINE));
	ck_assert(sbx_feature_on(SBXV(32, 0), F_VERSION_ONE_LINE));
	ck_assert(sbx_feature_on(SBXV(38, 7), F_POLICY_SET_DEFAULT));
	ck_assert(!sbx_feature_on(SBXV(39, 0), F_POLICY_SET_DEFAULT));
	ck_assert(sbx_feature_on(SBXV(28, 3), F_RULES_GLOBAL_ONLY));
	ck_assert(!sbx_feature_on(SBXV(29, 0), F_RULES_GLOBAL_ONLY));
	ck_assert(!sbx_feature_on(SBXV(53, 9), F_GLOBAL_NO_INPUT));
	ck_assert(sbx_feature_on(SBXV(54, 0), F_GLOBAL_NO_INPUT));
	ck_assert(sbx_feature_on(SBXV(0, 0), F_ALWAYS));
	/* The tests' matrix is the brief's: v0.28 ... v0.54. */
	int k = 0;
	while (sbx_test_releases[k])
		k++;
	ck_assert_int_eq(k, 8);
	char sha[41];
	sbx_version_sha(SBXV(28, 1), sha);
	ck_assert_str_eq(sha, "6b6f865a55ab14e34abc1369cb2aaefae9a59b16");
	sbx_version_sha(SBXV(99, 0), sha);
	ck_assert_int_eq((int)strlen(sha), 40);
}
END_TEST

START_TEST(flag_columns)
{
	/* help-ls@docs-00ba4d3.txt: three flags, usage at the longest + 3. */
	static const struct sbx_flagdef json = { .name = "json", .usage = "Output in JSON format" };
	static const struct sbx_flagdef quiet = { .name = "quiet", .shorthand = 'q', .usage = "Only display sandbox names" };
	static const struct sbx_flagdef help = { .name = "help", .shorthand = 'h', .usage = "help for ls" };
	static const struct sbx_flagdef type = { .name = "type", .type = "string", .usage = "Filter", .def = "all" };
	static const struct sbx_flagdef gone = { .name = "global", .shorthand = 'g', .usage = "x", .deprecated = "no" };
	const struct sbx_flagdef *flags[] = { &quiet, &json, &help, &type, &gone };
	char *got = sbx_flag_usages(flags, 3);
	ck_assert_str_eq(got, "  -h, --help    help for ls\n"
			      "      --json    Output in JSON format\n"
			      "  -q, --quiet   Only display sandbox names\n");
	free(got);
	got = sbx_flag_usages(flags, 5);
	ck_assert_str_eq(got, "  -h, --help          help for ls\n"
			      "      --json          Output in JSON format\n"
			      "  -q, --quiet         Only display sandbox names\n"
			      "      --type string   Filter (default \"all\")\n");
	free(got);
}
END_TEST

START_TEST(parser)
{
	struct sbx_ctx ctx = { .version = SBXV(45, 1), .out = stdout, .err = fopen("/dev/null", "w") };
	const struct sbx_cmd *create = sbx_cmd_find(&ctx, "create");
	ck_assert_ptr_nonnull(create);
	char *argv[] = { "--name=box", "-e", "A=1", "-eB=2", "-qm", "4g", "claude", ".", "--", "-x" };
	struct args a;
	ck_assert_int_eq(args_parse(&ctx, create, 10, argv, &a), 0);
	ck_assert_str_eq(arg_str(&a, "name"), "box");
	const char **env;
	ck_assert_int_eq(arg_list(&a, "env", &env), 2);
	ck_assert_str_eq(env[1], "B=2");
	ck_assert(arg_set(&a, "quiet"));
	ck_assert_str_eq(arg_str(&a, "memory"), "4g");
	ck_assert_int_eq(a.npos, 3);
	ck_assert_int_eq(a.dash_at, 2);
	ck_assert_str_eq(a.pos[2], "-x");
	args_release(&a);
	char *bad[] = { "--format", "json" };
	ck_assert_int_eq(args_parse(&ctx, create, 2, bad, &a), -1);
	/* -e does not exist before v0.39. */
	ctx.version = SBXV(38, 0);
	char *old[] = { "-e", "A=1" };
	ck_assert_int_eq(args_parse(&ctx, sbx_cmd_find(&ctx, "create"), 2, old, &a), -1);
	/* exec: flags stop at the sandbox name. */
	char *ex[] = { "-i", "box", "ls", "-la" };
	ck_assert_int_eq(args_parse(&ctx, sbx_cmd_find(&ctx, "exec"), 4, ex, &a), 0);
	ck_assert_int_eq(a.npos, 3);
	ck_assert_str_eq(a.pos[2], "-la");
	args_release(&a);
	fclose(ctx.err);
}
END_TEST

START_TEST(go_json)
{
	cJSON *v = cJSON_Parse("{\"a\":[],\"b\":{},\"c\":[1,\"x<y & \\\"z\\\"\"],\"d\":null,\"e\":true}");
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	json_print_go(out, v);
	fclose(out);
	ck_assert_str_eq(buf, "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    1,\n    \"x\\u003cy \\u0026 \\\"z\\\"\"\n  ],\n"
			      "  \"d\": null,\n  \"e\": true\n}\n");
	free(buf);
	cJSON_Delete(v);
}
END_TEST

TCase *tcase_sbx(void)
{
	TCase *tc = tcase_create("sbx");
	tcase_add_test(tc, release_table);
	tcase_add_test(tc, flag_columns);
	tcase_add_test(tc, parser);
	tcase_add_test(tc, go_json);
	return tc;
}
