/*
 * Tests for refs/modelref against docs/backends.md §4 (Docker Model Runner's
 * normalizeModelName): canonical form, CLI display form, equality across
 * forms, ids, and the reference grammar check. Where the code and
 * docs/backends.md §4 disagree, docs/backends.md §4 wins.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "refs/modelref.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HEX64_UPPER "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"

static void assert_normal(const char *ref, const char *norm, const char *display)
{
	char got_norm[512], got_display[512];
	char *n = modelref_normalize(ref), *d = modelref_display(ref);
	/* copy and free first: a failed assertion must not leak (CK_FORK=no runs) */
	snprintf(got_norm, sizeof(got_norm), "%s", n);
	snprintf(got_display, sizeof(got_display), "%s", d);
	free(n);
	free(d);
	ck_assert_msg(!strcmp(got_norm, norm), "normalize(%s) = %s, want %s", ref, got_norm, norm);
	ck_assert_msg(!strcmp(got_display, display), "display(%s) = %s, want %s", ref, got_display, display);
}

/* ---- normalize and display --------------------------------------------------- */

static const struct norm_case {
	const char *ref, *norm, *display;
} norms[] = {
	/* rules 3, 4, 6: one model whichever way it is written */
	{ "gpt-oss", "ai/gpt-oss:latest", "gpt-oss" },
	{ "ai/gpt-oss", "ai/gpt-oss:latest", "gpt-oss" },
	{ "ai/gpt-oss:latest", "ai/gpt-oss:latest", "gpt-oss" },
	{ "docker.io/ai/gpt-oss:latest", "ai/gpt-oss:latest", "gpt-oss" },
	{ "index.docker.io/ai/gpt-oss:latest", "ai/gpt-oss:latest", "gpt-oss" },
	{ "docker.io/ai/gpt-oss", "ai/gpt-oss:latest", "gpt-oss" },
	{ "docker.io/gpt-oss", "ai/gpt-oss:latest", "gpt-oss" },
	{ "gpt-oss:32k", "ai/gpt-oss:32k", "gpt-oss:32k" },
	{ "docker.io/ai/gpt-oss:32k", "ai/gpt-oss:32k", "gpt-oss:32k" },
	/* rule 1 */
	{ "hf.co/bartowski/x:Q4", "huggingface.co/bartowski/x:Q4", "huggingface.co/bartowski/x:Q4" },
	{ "hf.co/bartowski/x", "huggingface.co/bartowski/x:latest", "huggingface.co/bartowski/x" },
	{ "hf.co/Bartowski/Qwen3-GGUF:Q4_K_M", "huggingface.co/bartowski/qwen3-gguf:Q4_K_M",
	  "huggingface.co/bartowski/qwen3-gguf:Q4_K_M" },
	{ "huggingface.co/bartowski/x", "huggingface.co/bartowski/x:latest", "huggingface.co/bartowski/x" },
	/* rule 5: the name is lowercased, the tag keeps its case */
	{ "GPT-OSS:Q4_K_M", "ai/gpt-oss:Q4_K_M", "gpt-oss:Q4_K_M" },
	{ "AI/GPT-OSS", "ai/gpt-oss:latest", "gpt-oss" },
	{ "Gpt-Oss:LATEST", "ai/gpt-oss:LATEST", "gpt-oss:LATEST" },
	/* rule 4: a '/' (or a registry) means no ai/ */
	{ "bartowski/x", "bartowski/x:latest", "bartowski/x" },
	{ "localhost:5000/x/y", "localhost:5000/x/y:latest", "localhost:5000/x/y" },
	{ "localhost:5000/x:v2", "localhost:5000/x:v2", "localhost:5000/x:v2" },
	{ "myreg.io/team/x:V1", "myreg.io/team/x:V1", "myreg.io/team/x:V1" },
	/* rule 3: a digest takes no :latest */
	{ "gpt-oss@sha256:" HEX64, "ai/gpt-oss@sha256:" HEX64, "gpt-oss@sha256:" HEX64 },
	{ "docker.io/ai/gpt-oss@sha256:" HEX64, "ai/gpt-oss@sha256:" HEX64, "gpt-oss@sha256:" HEX64 },
	/* rule 2: ids stay ids */
	{ "0123456789ab", "0123456789ab", "0123456789ab" },
	{ HEX64, HEX64, HEX64 },
	{ "sha256:" HEX64, "sha256:" HEX64, "sha256:" HEX64 },
};

START_TEST(normalize_and_display_table)
{
	assert_normal(norms[_i].ref, norms[_i].norm, norms[_i].display);
}
END_TEST

START_TEST(normalize_is_idempotent)
{
	char *once = modelref_normalize(norms[_i].ref);
	char *twice = modelref_normalize(once);
	bool same = !strcmp(twice, once);
	free(once);
	free(twice);
	ck_assert_msg(same, "normalize is not idempotent on %s", norms[_i].ref);
}
END_TEST

START_TEST(normalize_tag_case_kept_before_digest)
{
	/* with a tag and a digest the tag keeps its case (docs/backends.md §4, rule 5) */
	assert_normal("gpt-oss:Q4@sha256:" HEX64, "ai/gpt-oss:Q4@sha256:" HEX64, "gpt-oss:Q4@sha256:" HEX64);
}
END_TEST

/* ---- equal ---------------------------------------------------------------------- */

static const struct eq_case {
	const char *a, *b;
	bool equal;
} eqs[] = {
	{ "gpt-oss", "ai/gpt-oss", true },
	{ "gpt-oss", "ai/gpt-oss:latest", true },
	{ "gpt-oss", "docker.io/ai/gpt-oss:latest", true },
	{ "ai/gpt-oss:latest", "index.docker.io/ai/gpt-oss:latest", true },
	{ "docker.io/ai/gpt-oss:latest", "index.docker.io/ai/gpt-oss", true },
	{ "gpt-oss:32k", "ai/gpt-oss:32k", true },
	{ "gpt-oss:32k", "docker.io/ai/gpt-oss:32k", true },
	{ "GPT-OSS", "gpt-oss", true },
	{ "hf.co/bartowski/x:Q4", "huggingface.co/bartowski/x:Q4", true },
	{ "hf.co/bartowski/x", "huggingface.co/bartowski/x:latest", true },
	{ "localhost:5000/x", "localhost:5000/x:latest", true },
	{ "gpt-oss@sha256:" HEX64, "ai/gpt-oss@sha256:" HEX64, true },
	{ "gpt-oss", "gpt-oss:32k", false },
	{ "gpt-oss:Q4", "gpt-oss:q4", false },
	{ "gpt-oss", "other/gpt-oss", false },
	{ "bartowski/x", "ai/bartowski/x", false },
	{ "hf.co/bartowski/x:Q4", "bartowski/x:Q4", false },
	{ "localhost:5000/x", "x", false },
	{ "gpt-oss", "gpt-oss@sha256:" HEX64, false },
	{ "gpt-oss", "gpt-os", false },
};

START_TEST(equal_table)
{
	const struct eq_case *t = &eqs[_i];
	ck_assert_msg(modelref_equal(t->a, t->b) == t->equal, "equal(%s, %s)", t->a, t->b);
	ck_assert_msg(modelref_equal(t->b, t->a) == t->equal, "equal(%s, %s)", t->b, t->a);
	ck_assert(modelref_equal(t->a, t->a));
}
END_TEST

/* ---- ids ------------------------------------------------------------------------- */

static const struct id_case {
	const char *ref;
	bool is_id;
} ids[] = {
	{ "0123456789ab", true },
	{ HEX64, true },
	{ "sha256:" HEX64, true },
	{ "0123456789a", false },	  /* 11 */
	{ "0123456789abc", false },	  /* 13 */
	{ "0123456789ag", false },	  /* not hex */
	{ "sha256:0123456789ab", false }, /* short digest */
	{ "sha256:" HEX64 "0", false },
	{ "sha512:" HEX64, false },
	{ "ai/0123456789ab", false },
	{ "gpt-oss", false },
	{ "", false },
};

START_TEST(is_id_table)
{
	ck_assert_msg(modelref_is_id(ids[_i].ref) == ids[_i].is_id, "is_id(%s)", ids[_i].ref);
}
END_TEST

/* ---- check ------------------------------------------------------------------------ */

static const char *const valid_refs[] = {
	"gpt-oss",
	"ai/gpt-oss",
	"ai/gpt-oss:latest",
	"gpt-oss:32k",
	"docker.io/ai/gpt-oss:latest",
	"index.docker.io/ai/gpt-oss:latest",
	"hf.co/bartowski/x:Q4",
	"hf.co/bartowski/Qwen3-8B-GGUF:Q4_K_M",
	"localhost:5000/x/y",
	"localhost/x",
	"myreg.io:443/team/model:v1.2-rc_3",
	"gpt-oss@sha256:" HEX64,
	"a_b.c-d",
	"a__b",
	"a--b",
	"GPT-OSS",
	"x:_tag",
	"x:0",
};

START_TEST(check_accepts_valid)
{
	const char *err = modelref_check(valid_refs[_i]);
	ck_assert_msg(err == NULL, "%s: %s", valid_refs[_i], err);
}
END_TEST

#define MSG_NAME "each part of a model name holds letters and digits, joined by single '.' or '_', '__' or dashes"
#define MSG_TAG_START "a tag starts with a letter, digit or '_' and is at most 128 characters"
#define MSG_TAG_CHARS "a tag holds only letters, digits, '_', '.' and '-'"
#define MSG_DIGEST "a digest is written @sha256: followed by 64 lowercase hex digits"
#define MSG_ID "declare models by name (as in ai/gpt-oss), not by id"

static const struct bad_case {
	const char *ref, *message;
} bad_refs[] = {
	{ "", "a model reference cannot be empty" },
	{ "gpt oss", MSG_NAME },
	{ " gpt-oss", MSG_NAME },
	{ "ai/", "a model name cannot end with '/'" },
	{ "ai/gpt-oss/", "a model name cannot end with '/'" },
	{ "ai//x", MSG_NAME },
	{ "/x", MSG_NAME },
	{ "-a", MSG_NAME },
	{ "a-", MSG_NAME },
	{ "ai/gpt+oss", MSG_NAME },
	{ "gpt-oss:", MSG_TAG_START },
	{ "gpt-oss:-x", MSG_TAG_START },
	{ "gpt-oss:.x", MSG_TAG_START },
	{ "gpt-oss:a b", MSG_TAG_CHARS },
	{ "gpt-oss:a+b", MSG_TAG_CHARS },
	{ "gpt-oss@sha256:abc", MSG_DIGEST },
	{ "gpt-oss@sha256:" HEX64_UPPER, MSG_DIGEST },
	{ "gpt-oss@sha256:" HEX64 "0", MSG_DIGEST },
	{ "gpt-oss@md5:" HEX64, MSG_DIGEST },
	{ "gpt-oss@", MSG_DIGEST },
	{ "0123456789ab", MSG_ID },
	{ HEX64, MSG_ID },
	{ "sha256:" HEX64, MSG_ID },
	{ "reg_x.io/x", "the registry part is not a host name" },
};

START_TEST(check_rejects_bad)
{
	const char *err = modelref_check(bad_refs[_i].ref);
	ck_assert_msg(err != NULL, "'%s' accepted", bad_refs[_i].ref);
	ck_assert_str_eq(err, bad_refs[_i].message);
}
END_TEST

START_TEST(check_length_limits)
{
	char ref[300];
	/* the whole reference: 255 characters at most */
	memset(ref, 'a', 255);
	ref[255] = '\0';
	ck_assert_ptr_null(modelref_check(ref));
	memset(ref, 'a', 256);
	ref[256] = '\0';
	ck_assert_str_eq(modelref_check(ref), "a model reference is at most 255 characters long");
	/* a tag: 128 characters at most */
	memcpy(ref, "m:", 2);
	memset(ref + 2, 't', 128);
	ref[130] = '\0';
	ck_assert_ptr_null(modelref_check(ref));
	ref[130] = 't';
	ref[131] = '\0';
	ck_assert_str_eq(modelref_check(ref), MSG_TAG_START);
}
END_TEST

START_TEST(check_accepts_tag_with_digest)
{
	/* [registry/]name[:tag][@digest]: docker accepts name:tag@digest */
	const char *err = modelref_check("ai/gpt-oss:latest@sha256:" HEX64);
	ck_assert_msg(err == NULL, "rejected: %s", err);
	err = modelref_check("gpt-oss:Q4@sha256:" HEX64);
	ck_assert_msg(err == NULL, "rejected: %s", err);
}
END_TEST

static const char *const empty_name_after_registry[] = { "docker.io/", "localhost:5000/", "myreg.io/" };

START_TEST(check_rejects_registry_without_name)
{
	/* a registry alone is no model: "docker.io/" would normalise to "ai/:latest" */
	const char *err = modelref_check(empty_name_after_registry[_i]);
	ck_assert_msg(err != NULL, "'%s' accepted", empty_name_after_registry[_i]);
	ck_assert_str_eq(err, "a model name cannot end with '/'");
}
END_TEST

static const char *const bad_separators[] = { "a..b", "a.-b", "a___b", "ai/a._b" };

START_TEST(check_rejects_doubled_separators)
{
	/* separators as the distribution reference grammar has them: one '.', one '_', '__', or dashes */
	ck_assert_msg(modelref_check(bad_separators[_i]) != NULL, "'%s' accepted", bad_separators[_i]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("modelref");
	TCase *tc;

	tc = tcase_create("normalize");
	tcase_add_loop_test(tc, normalize_and_display_table, 0, (int)N_ELEMS(norms));
	tcase_add_loop_test(tc, normalize_is_idempotent, 0, (int)N_ELEMS(norms));
	tcase_add_test(tc, normalize_tag_case_kept_before_digest);
	suite_add_tcase(s, tc);

	tc = tcase_create("equal_and_ids");
	tcase_add_loop_test(tc, equal_table, 0, (int)N_ELEMS(eqs));
	tcase_add_loop_test(tc, is_id_table, 0, (int)N_ELEMS(ids));
	suite_add_tcase(s, tc);

	tc = tcase_create("check");
	tcase_add_loop_test(tc, check_accepts_valid, 0, (int)N_ELEMS(valid_refs));
	tcase_add_loop_test(tc, check_rejects_bad, 0, (int)N_ELEMS(bad_refs));
	tcase_add_test(tc, check_length_limits);
	tcase_add_test(tc, check_accepts_tag_with_digest);
	tcase_add_loop_test(tc, check_rejects_registry_without_name, 0, (int)N_ELEMS(empty_name_after_registry));
	tcase_add_loop_test(tc, check_rejects_doubled_separators, 0, (int)N_ELEMS(bad_separators));
	suite_add_tcase(s, tc);

	return check_run_suite(s);
}
