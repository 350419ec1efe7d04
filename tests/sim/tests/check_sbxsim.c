/*
 * Unit tests for the pure parts of sbxsim: reference normalisation
 * (docs/backends.md §4), the fault syntax, and policy resource matching (§9);
 * the sbx CLI's in check_sbx_cli.c.
 */
#include "faults.h"
#include "refs.h"
#include "sbx_policy.h"
#include "util.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

TCase *tcase_sbx(void); /* check_sbx_cli.c */

static void assert_norm(const char *in, const char *want)
{
	char *got = ref_normalize(in);
	if (!want)
		ck_assert_msg(got == NULL, "'%s' should be invalid, got '%s'", in, got ? got : "");
	else
		ck_assert_msg(got && strcmp(got, want) == 0, "'%s' -> '%s', want '%s'", in, got ? got : "(null)", want);
	free(got);
}

START_TEST(normalise_names)
{
	assert_norm("gpt-oss", "ai/gpt-oss:latest");
	assert_norm("ai/gpt-oss", "ai/gpt-oss:latest");
	assert_norm("ai/gpt-oss:latest", "ai/gpt-oss:latest");
	assert_norm("docker.io/ai/gpt-oss:latest", "ai/gpt-oss:latest");
	assert_norm("index.docker.io/ai/gpt-oss", "ai/gpt-oss:latest");
	assert_norm("gpt-oss:32k", "ai/gpt-oss:32k");
	assert_norm("AI/GPT-OSS:32K", "ai/gpt-oss:32K");
	assert_norm("hf.co/bartowski/Llama-3:Q4_K_M", "huggingface.co/bartowski/llama-3:Q4_K_M");
	assert_norm("localhost:5000/foo", "localhost:5000/foo:latest");
	assert_norm("someorg/foo:v2", "someorg/foo:v2");
	assert_norm("", NULL);
	assert_norm("bad name", NULL);
	assert_norm("ai/x:", NULL);
	assert_norm("ai//x", NULL);
}
END_TEST

START_TEST(ids_and_forms)
{
	ck_assert(ref_is_id("sha256:f07b04c0ce95ce9db15aa26a4ac54e9cafc6c369feb5e7ff2efa527c48a1d4ed"));
	ck_assert(ref_is_id("f07b04c0ce95"));
	ck_assert(!ref_is_id("f07b04c0ce9"));
	ck_assert(!ref_is_id("smollm2"));
	char *s = ref_stored_form("ai/x:latest", TAG_FORM_DOCKER_IO);
	ck_assert_str_eq(s, "docker.io/ai/x:latest");
	free(s);
	s = ref_stored_form("ai/x:latest", TAG_FORM_SHORT);
	ck_assert_str_eq(s, "ai/x:latest");
	free(s);
	s = ref_stored_form("huggingface.co/a/b:latest", TAG_FORM_DOCKER_IO);
	ck_assert_str_eq(s, "huggingface.co/a/b:latest");
	free(s);
	ck_assert(ref_same("gpt-oss", "docker.io/ai/gpt-oss:latest"));
	ck_assert(!ref_same("gpt-oss:32k", "gpt-oss"));
}
END_TEST

START_TEST(fault_syntax)
{
	struct fault_rule *r;
	size_t n;
	char *err;
	ck_assert_int_eq(faults_parse("sbx.ls#2=exit:1:boom;http.POST /models/create#1+=status:503;"
				      "http.GET /models=garbage;pull=cut:50%;sbx.create#2-3=hang",
				      &r, &n, &err),
			 0);
	ck_assert_int_eq((int)n, 5);
	ck_assert_str_eq(r[0].op, "sbx.ls");
	ck_assert_int_eq(r[0].from, 2);
	ck_assert_int_eq(r[0].to, 2);
	ck_assert_int_eq(r[0].action, FAULT_EXIT);
	ck_assert_int_eq(r[0].arg, 1);
	ck_assert_str_eq(r[0].message, "boom");
	ck_assert_str_eq(r[1].op, "http.POST /models/create");
	ck_assert_int_eq(r[1].to, -1);
	ck_assert_int_eq(r[1].arg, 503);
	ck_assert_int_eq(r[2].action, FAULT_GARBAGE);
	ck_assert_int_eq(r[3].action, FAULT_CUT);
	ck_assert_int_eq(r[3].arg, 50);
	ck_assert_int_eq(r[4].from, 2);
	ck_assert_int_eq(r[4].to, 3);
	faults_free(r, n);

	ck_assert_int_eq(faults_parse("sbx.ls=explode", &r, &n, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown fault action 'explode'"));
	free(err);
	ck_assert_int_eq(faults_parse("sbx.ls=exit", &r, &n, &err), -1);
	free(err);
	ck_assert_int_eq(faults_parse("sbx.ls#x=hang", &r, &n, &err), -1);
	free(err);
	ck_assert(faults_op_matches("sbx.*", "sbx.policy.allow"));
	ck_assert(!faults_op_matches("sbx.ls", "sbx.lsx"));
}
END_TEST

START_TEST(policy_matching)
{
	ck_assert(policy_resource_matches("localhost:12434", "host.docker.internal:12434"));
	ck_assert(policy_resource_matches("localhost:12434", "localhost:12434"));
	ck_assert(!policy_resource_matches("localhost:12434", "localhost:8080"));
	ck_assert(!policy_resource_matches("127.0.0.1:12434", "localhost:12434"));
	ck_assert(policy_resource_matches("localhost", "localhost:12434"));
	ck_assert(policy_resource_matches("*.example.com", "a.example.com"));
	ck_assert(!policy_resource_matches("*.example.com", "a.b.example.com"));
	ck_assert(!policy_resource_matches("*.example.com", "example.com"));
	ck_assert(policy_resource_matches("**.example.com", "a.b.example.com"));
	ck_assert(policy_resource_matches("10.0.0.0/8", "10.2.3.4:443"));
	ck_assert(!policy_resource_matches("10.0.0.0/8", "11.2.3.4"));
	ck_assert(policy_resource_matches("**", "anything.org"));
	ck_assert(policy_resource_matches("api.github.com", "https://api.github.com/repos"));
	ck_assert(policy_resource_valid("localhost:12434"));
	ck_assert(policy_resource_valid("**.example.com"));
	ck_assert(policy_resource_valid("10.0.0.0/8"));
	ck_assert(!policy_resource_valid("bad host"));
	ck_assert(!policy_resource_valid("localhost:99999"));
	ck_assert(!policy_resource_valid(""));
}
END_TEST

START_TEST(sizes_and_digests)
{
	char buf[72];
	format_binary_size(buf, 268801358);
	ck_assert_str_eq(buf, "256.35 MiB");
	format_binary_size(buf, 12109011358ULL);
	ck_assert_str_eq(buf, "11.28 GiB");
	char a[72], b[72];
	fake_digest(a, "x");
	fake_digest(b, "x");
	ck_assert_str_eq(a, b);
	ck_assert_int_eq((int)strlen(a), 71);
	ck_assert(ref_is_id(a));
	fake_digest(b, "y");
	ck_assert_str_ne(a, b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sbxsim");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, normalise_names);
	tcase_add_test(tc, ids_and_forms);
	tcase_add_test(tc, fault_syntax);
	tcase_add_test(tc, policy_matching);
	tcase_add_test(tc, sizes_and_digests);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tcase_sbx());
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
