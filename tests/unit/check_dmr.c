/*
 * What Docker Model Runner's answers and pull stream become (backends/dmr/dmr.h,
 * docs/backends.md §2-§3): the model and configure lists, the progress of a
 * pull, and sizes (real answers from tests/conformance/dmr/). Its inputs are fuzzed by tests/fuzz/fuzz_state.c; the findings stay here.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/dmr/dmr.h"
#include "check_main.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static void feed(struct dmr_pull_progress *p, const char *line)
{
	dmr_pull_progress_line(p, line, strlen(line));
}

START_TEST(test_dmr_pull_progress)
{
	struct dmr_pull_progress p;
	dmr_pull_progress_init(&p);
	ck_assert_int_eq(dmr_pull_progress_line(&p, "not json", 8), 0);
	feed(&p, "{\"type\":\"progress\",\"total\":300,\"layer\":{\"id\":\"a\",\"size\":200,\"current\":50}}");
	feed(&p, "{\"type\":\"progress\",\"total\":300,\"layer\":{\"id\":\"b\",\"size\":100,\"current\":100}}");
	feed(&p, "{\"type\":\"progress\",\"total\":300,\"layer\":{\"id\":\"a\",\"size\":200,\"current\":150}}");
	ck_assert_int_eq(p.done, 250);
	ck_assert_int_eq(p.total, 300);
	ck_assert(!p.success);
	ck_assert_int_eq(dmr_pull_progress_line(&p, "{\"type\":\"success\"}", 18), 0);
	ck_assert(p.success);
	feed(&p, "{\"type\":\"error\",\"message\":\"no space left\"}");
	ck_assert_str_eq(p.error.buf, "no space left");
	dmr_pull_progress_release(&p);
}
END_TEST

/*
 * Fuzzing finding (tests/fuzz/seeds-state/finding-progress-total-1e135): a
 * number out of long long's range was converted anyway (undefined behaviour,
 * UBSan "outside the range of representable values"); json_int now gives the
 * fallback for it.
 */
START_TEST(test_dmr_pull_progress_numbers_out_of_range)
{
	struct dmr_pull_progress p;
	dmr_pull_progress_init(&p);
	feed(&p, "{\"type\":\"progress\",\"total\":1000,\"layer\":{\"id\":\"a\",\"current\":10}}");
	/* the finding's line: a total of 136 digits */
	feed(&p, "{\"type\":\"progress\",\"message\":\"Downloaded: 15306.47 MB\",\"total\":"
		 "12222222222222222222222222222222222222222222222222222222222222222222"
		 "222222222222222222222222222222222222222222222222222222222228556011358,"
		 "\"layer\":{\"id\":\"a\",\"size\":18556000000,\"current\":10},\"mode\":\"pull\"}");
	feed(&p, "{\"type\":\"progress\",\"total\":1000,\"layer\":{\"id\":\"b\",\"current\":1e300}}");
	feed(&p, "{\"type\":\"progress\",\"total\":-1e999,\"layer\":{\"id\":\"c\",\"current\":9223372036854775807}}");
	ck_assert_int_eq(p.total, 1000);
	ck_assert_int_eq(p.done, 10);
	dmr_pull_progress_release(&p);
}
END_TEST

/* Found while writing fuzz_state: the sum of the layers' `current` overflowed (undefined); it saturates now. */
START_TEST(test_dmr_pull_progress_sum_saturates)
{
	struct dmr_pull_progress p;
	dmr_pull_progress_init(&p);
	feed(&p, "{\"type\":\"progress\",\"total\":100,\"layer\":{\"id\":\"a\",\"current\":9000000000000000000}}");
	feed(&p, "{\"type\":\"progress\",\"total\":100,\"layer\":{\"id\":\"b\",\"current\":9000000000000000000}}");
	ck_assert(p.done == LLONG_MAX);
	/* a negative `current` counts as nothing done */
	feed(&p, "{\"type\":\"progress\",\"total\":100,\"layer\":{\"id\":\"a\",\"current\":-9000000000000000000}}");
	feed(&p, "{\"type\":\"progress\",\"total\":100,\"layer\":{\"id\":\"b\",\"current\":-9000000000000000000}}");
	feed(&p, "{\"type\":\"progress\",\"total\":100,\"layer\":{\"id\":\"c\",\"current\":42}}");
	ck_assert_int_eq(p.done, 42);
	dmr_pull_progress_release(&p);
}
END_TEST

START_TEST(test_dmr_parse_size)
{
	/* the listing's form (docs/backends.md §2), go-units' decimal form, and bare bytes */
	static const struct {
		const char *text;
		unsigned long long bytes;
	} good[] = {
		{ "256.35 MiB", 268802458ULL },
		{ "14.17 GiB", 15214921646ULL },
		{ "4.1GB", 4100000000ULL },
		{ "512 B", 512 },
		{ "512", 512 },
		{ "1.5 kB", 1500 },
		{ "2 TiB", 2199023255552ULL },
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		unsigned long long b = 0;
		ck_assert_msg(dmr_parse_size(good[i].text, &b) == 0, "%s", good[i].text);
		ck_assert_msg(b == good[i].bytes, "%s: %llu", good[i].text, b);
	}
	static const char *const bad[] = { "", "GiB", "-1 GiB", "14 G", "14.17 GiBs", "lots", "1e30 B", "nan" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned long long b = 7;
		ck_assert_msg(dmr_parse_size(bad[i], &b) == -1, "%s", bad[i]);
		ck_assert_msg(b == 7, "%s changed the output", bad[i]);
	}
	ck_assert_int_eq(dmr_parse_size(NULL, &(unsigned long long){ 0 }), -1);
}
END_TEST

/* Real answers pasted in public (tests/conformance/dmr/): each sample's "# expect: size=N". */
START_TEST(test_dmr_remote_size_samples)
{
	static const char *const samples[] = { "inspect-remote@model-cli-pr81.txt" };
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		char *path = xasprintf("%s/%s", CONFORMANCE_DIR, samples[i]);
		FILE *f = fopen(path, "r");
		ck_assert_msg(f != NULL, "%s", path);
		struct strbuf text = STRBUF_INIT;
		char buf[4096];
		size_t n;
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			strbuf_add(&text, buf, n);
		fclose(f);
		const char *expect = strstr(text.buf, "# expect: size=");
		const char *body = strstr(text.buf, "\n---\n");
		ck_assert_msg(expect && body, "%s: no expect line or no body", samples[i]);
		unsigned long long want = strtoull(expect + strlen("# expect: size="), NULL, 10), got = 0;
		body += 5;
		ck_assert_int_eq(dmr_parse_remote_size(body, strlen(body), &got), 0);
		ck_assert_msg(got == want, "%s: %llu, expected %llu", samples[i], got, want);
		strbuf_release(&text);
		free(path);
	}
	/* what a runner that ignores ?remote answers for a model it lacks, and a local listing's shape */
	static const char *const none[] = { "model not found\n", "{\"id\":\"sha256:1\",\"config\":{}}", "" };
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		unsigned long long b = 0;
		ck_assert_int_eq(dmr_parse_remote_size(none[i], strlen(none[i]), &b), -1);
	}
}
END_TEST

START_TEST(test_dmr_parse_models_and_configs)
{
	static const char models[] =
		"[{\"id\":\"sha256:f07b\",\"tags\":[\"docker.io/ai/smollm2:latest\",7],"
		"\"config\":{\"context_size\":2096}},"
		"{\"tags\":[\"no-id\"]},{\"id\":\"sha256:62dd\",\"config\":{\"context_size\":1e300}}]";
	static const char configs[] =
		"[{\"Backend\":\"llama.cpp\",\"Model\":\"ai/x:latest\",\"ModelID\":\"sha256:62dd\","
		"\"Config\":{\"context-size\":8192,\"runtime-flags\":[\"--temp\",\"0.7\"]}},{\"ModelID\":\"no-model\"},"
		"{\"Model\":\"ai/y\",\"Config\":{\"context-size\":-1e300,\"runtime-flags\":[]}}]";
	struct dmr_model *m;
	struct dmr_runtime_config *c;
	size_t nr;
	struct strbuf err = STRBUF_INIT;
	ck_assert_int_eq(dmr_parse_models(models, strlen(models), &m, &nr, &err), 0);
	ck_assert_uint_eq(nr, 2);
	ck_assert_str_eq(m[0].id, "sha256:f07b");
	ck_assert_uint_eq(m[0].nr_tags, 1);
	ck_assert_int_eq(m[0].context_size, 2096);
	ck_assert_uint_eq(m[1].nr_tags, 0);
	ck_assert_int_eq(m[1].context_size, 0);
	dmr_models_free(m, nr);
	ck_assert_int_eq(dmr_parse_configs(configs, strlen(configs), &c, &nr, &err), 0);
	ck_assert_uint_eq(nr, 2);
	ck_assert_str_eq(c[0].model_id, "sha256:62dd");
	ck_assert_int_eq(c[0].context_size, 8192);
	ck_assert_str_eq(c[0].runtime_flags, "[\"--temp\",\"0.7\"]");
	ck_assert_ptr_null(c[1].model_id);
	ck_assert_int_eq(c[1].context_size, 0);
	ck_assert_ptr_null(c[1].runtime_flags);
	dmr_configs_free(c, nr);
	ck_assert_str_eq(err.buf, "");
	/* not a list: the error quotes at most 80 bytes, and never past the text */
	ck_assert_int_eq(dmr_parse_models("{\"message\":\"x\"}XXXX", 15, &m, &nr, &err), -1);
	ck_assert_str_eq(err.buf, "'GET /models' answered something that is not a JSON list: {\"message\":\"x\"}");
	ck_assert_ptr_null(m);
	strbuf_reset(&err);
	ck_assert_int_eq(dmr_parse_configs("", 0, &c, &nr, &err), -1);
	ck_assert_str_eq(err.buf, "'GET /engines/_configure' answered something that is not a JSON list: ");
	strbuf_release(&err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dmr");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, test_dmr_pull_progress);
	tcase_add_test(tc, test_dmr_pull_progress_numbers_out_of_range);
	tcase_add_test(tc, test_dmr_pull_progress_sum_saturates);
	tcase_add_test(tc, test_dmr_parse_size);
	tcase_add_test(tc, test_dmr_remote_size_samples);
	tcase_add_test(tc, test_dmr_parse_models_and_configs);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}
