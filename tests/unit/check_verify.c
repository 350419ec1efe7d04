/*
 * Tests for the pure parts of `sbxapply verify`: the in-sandbox probe
 * (backends/sbx/sbx_probe.h: its record format, the script run for real by a
 * local bash, the proxy's refusals of docs/backends.md §9 and the rule a base
 * URL needs) and the runner's answers to the guide's step 5
 * (backends/dmr/dmr_messages.h, docs/backends.md §5). The command itself is
 * tested end to end against sbxsim in tests/e2e/test_verify.sh.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "backends/dmr/dmr_messages.h"
#include "backends/sbx/sbx_probe.h"
#include "os/spawn.h"

/* ---- the probe's output ---- */

START_TEST(parse_records_behind_noise)
{
	static const char text[] = "Starting sandboxd daemon...\nmotd from the login shell\n"
				   "@sbxapply base 33\nhttp://host.docker.internal:12434\n"
				   "@sbxapply from 5\nlogin\n"
				   "@sbxapply models.exit 1\n0\n"
				   "@sbxapply models.status 3\n200\n"
				   /* a body holding newlines and what looks like a record is taken whole */
				   "@sbxapply models.body 27\n[\n\"@sbxapply end 4\nunset\"\n]\n"
				   "@sbxapply models.error 0\n\n"
				   "@sbxapply chat.exit 1\n0\n"
				   "@sbxapply chat.status 3\n404\n"
				   "@sbxapply chat.body 2\n{}\n"
				   "@sbxapply chat.error 0\n\n"
				   "@sbxapply end 4\ndone\n";
	struct sbx_probe_result r;
	sbx_probe_result_init(&r);
	ck_assert_int_eq(sbx_probe_parse(text, sizeof(text) - 1, &r), 0);
	ck_assert_int_eq(r.end, SBX_PROBE_DONE);
	ck_assert_str_eq(r.base, "http://host.docker.internal:12434");
	ck_assert(!r.from_file);
	ck_assert(r.models.ran);
	ck_assert_int_eq(r.models.status, 200);
	ck_assert_int_eq(r.models.curl_exit, 0);
	ck_assert_str_eq(r.models.body.buf, "[\n\"@sbxapply end 4\nunset\"\n]");
	ck_assert_int_eq(r.chat.status, 404);
	ck_assert_str_eq(r.chat.body.buf, "{}");
	sbx_probe_result_release(&r);
}
END_TEST

START_TEST(parse_unset_and_cut)
{
	static const char unset[] = "@sbxapply base 0\n\n@sbxapply from 4\nfile\n@sbxapply end 5\nunset\n";
	struct sbx_probe_result r;
	sbx_probe_result_init(&r);
	sbx_probe_parse(unset, sizeof(unset) - 1, &r);
	ck_assert_int_eq(r.end, SBX_PROBE_UNSET);
	ck_assert_ptr_null(r.base);
	ck_assert(r.from_file);
	ck_assert(!r.models.ran);
	sbx_probe_result_release(&r);

	/* killed mid-record: no end, and nothing read past the cut */
	static const char cut[] = "@sbxapply base 5\nhttp:\n@sbxapply models.body 900\n[{\"id\"";
	sbx_probe_parse(cut, sizeof(cut) - 1, &r);
	ck_assert_int_eq(r.end, SBX_PROBE_INCOMPLETE);
	ck_assert_str_eq(r.base, "http:");
	ck_assert_uint_eq(r.models.body.len, 0);
	sbx_probe_result_release(&r);

	/* a malformed length stops the reading */
	static const char bad[] = "@sbxapply base x\nhttp\n@sbxapply end 4\ndone\n";
	sbx_probe_parse(bad, sizeof(bad) - 1, &r);
	ck_assert_int_eq(r.end, SBX_PROBE_INCOMPLETE);
	sbx_probe_result_release(&r);
}
END_TEST

/* Runs the probe script with a local bash (no sandbox, no login shell), the variable set to value or unset. */
static void run_script(const char *value, struct sbx_probe_result *r)
{
	struct spawn_request req = SPAWN_REQUEST_INIT;
	struct spawn_result res = SPAWN_RESULT_INIT;
	static const char *const head[] = { "env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin", NULL };
	spawn_request_args(&req, head);
	if (value)
		spawn_request_argf(&req, "SBXAPPLY_TEST_BASE=%s", value);
	const char *const tail[] = { "bash", "-c", sbx_probe_script, "sbxapply", "SBXAPPLY_TEST_BASE", "/models",
				     "/v1/messages", "5", "5", "{\"model\":\"m\"}", NULL };
	spawn_request_args(&req, tail);
	req.timeout_ms = 20000;
	ck_assert_int_eq(spawn_run(&req, &res), 0);
	ck_assert_int_eq(res.status, 0);
	sbx_probe_parse(res.out.buf, res.out.len, r);
	spawn_result_release(&res);
	spawn_request_release(&req);
}

START_TEST(script_runs)
{
	struct sbx_probe_result r;
	sbx_probe_result_init(&r);
	run_script(NULL, &r);
	ck_assert_int_eq(r.end, SBX_PROBE_UNSET);
	sbx_probe_result_release(&r);

	/* an option-looking value never reaches curl */
	run_script("-K/etc/passwd", &r);
	ck_assert_int_eq(r.end, SBX_PROBE_INVALID);
	ck_assert_str_eq(r.base, "-K/etc/passwd");
	sbx_probe_result_release(&r);

	if (system("command -v curl >/dev/null 2>&1") == 0) {
		/* port 1: nothing listens, so no HTTP answer and no second request */
		run_script("http://127.0.0.1:1/", &r);
		ck_assert_int_eq(r.end, SBX_PROBE_MODELS);
		ck_assert(r.models.ran);
		ck_assert_int_eq(r.models.status, 0);
		ck_assert_int_ne(r.models.curl_exit, 0);
		ck_assert(!r.chat.ran);
		sbx_probe_result_release(&r);
	}
}
END_TEST

START_TEST(script_is_constant)
{
	/* data comes as positional arguments; the script evaluates none of it */
	ck_assert_ptr_null(strstr(sbx_probe_script, "eval"));
	ck_assert_ptr_nonnull(strstr(sbx_probe_script, "var=$1"));
	ck_assert_ptr_nonnull(strstr(sbx_probe_script, "--data-binary \"@$t/req\""));
}
END_TEST

/* ---- the proxy ---- */

static struct sbx_probe_http answer(long status, const char *body, const char *error)
{
	struct sbx_probe_http h = { .ran = true, .status = status, .body = STRBUF_INIT, .error = STRBUF_INIT };
	strbuf_addstr(&h.body, body);
	strbuf_addstr(&h.error, error);
	return h;
}

START_TEST(proxy_refusals)
{
	static const struct {
		long status;
		const char *body, *error;
		enum sbx_proxy_refusal want;
	} cases[] = {
		/* https://github.com/docker/sbx-releases/issues/611 */
		{ 403,
		  "Blocked by network policy: domain example.com:443\n  detail: no matching allow rule - blocked by default deny policy\n",
		  "", SBX_PROXY_NO_RULE },
		/* https://github.com/docker/sbx-releases/issues/567 */
		{ 403, "Blocked by local rule for localhost:12434\n", "", SBX_PROXY_LOCAL_DENY },
		{ 403, "Blocked by org policy\n", "", SBX_PROXY_ORG },
		{ 403, "Blocked by network policy: domain localhost:12434\n  rule:   \"default-deny-all\" (domain, deny)\n", "",
		  SBX_PROXY_RULE_DENY },
		{ 0, "", "curl: (56) CONNECT tunnel failed, response 403", SBX_PROXY_NO_RULE },
		{ 403, "{\"error\":\"forbidden\"}", "", SBX_PROXY_NOT_REFUSED }, /* the runner's own 403 */
		{ 200, "[]", "", SBX_PROXY_NOT_REFUSED },
		{ 0, "", "curl: (7) Failed to connect", SBX_PROXY_NOT_REFUSED },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sbx_probe_http h = answer(cases[i].status, cases[i].body, cases[i].error);
		ck_assert_msg(sbx_proxy_refusal(&h) == cases[i].want, "case %zu", i);
		strbuf_release(&h.body);
		strbuf_release(&h.error);
	}
}
END_TEST

START_TEST(rule_for_url)
{
	static const char *const cases[][2] = {
		{ "http://host.docker.internal:12434", "localhost:12434" },
		{ "http://Host.Docker.Internal:12434/anthropic", "localhost:12434" },
		{ "http://host.docker.internal", "localhost:80" },
		{ "https://api.example.com/v1", "api.example.com:443" },
		{ "http://user:pw@127.0.0.1:8080/x", "127.0.0.1:8080" },
		{ "http://[::1]:8080/", "[::1]:8080" },
		{ "http://localhost:12434?x=1", "localhost:12434" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *rule = sbx_proxy_rule_for_url(cases[i][0]);
		ck_assert_msg(rule && !strcmp(rule, cases[i][1]), "%s gave %s", cases[i][0], rule ? rule : "NULL");
		free(rule);
	}
	ck_assert_ptr_null(sbx_proxy_rule_for_url("host.docker.internal:12434"));
	ck_assert_ptr_null(sbx_proxy_rule_for_url("http:///path"));
	/* the same URL reading as the rule matcher's (refs/rulematch.c): a port out of range is no rule */
	ck_assert_ptr_null(sbx_proxy_rule_for_url("http://localhost:99999/"));
	ck_assert_ptr_null(sbx_proxy_rule_for_url("http://[::1/"));
	char *v6 = sbx_proxy_rule_for_url("https://[::1]/v1");
	ck_assert_str_eq(v6, "[::1]:443");
	free(v6);
}
END_TEST

/* ---- the runner's answer ---- */

START_TEST(messages_body)
{
	struct strbuf sb = STRBUF_INIT;
	dmr_messages_body(&sb, "ai/devstral-small-2");
	ck_assert_str_eq(sb.buf, "{\"model\":\"ai/devstral-small-2\",\"max_tokens\":1,"
				 "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
	strbuf_release(&sb);
	strbuf_init(&sb);
	dmr_messages_body(&sb, "a\"b");
	ck_assert_str_eq(sb.buf, "{\"model\":\"a\\\"b\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
	strbuf_release(&sb);
	ck_assert_str_eq(dmr_messages_path(DMR_API_ANTHROPIC), "/v1/messages");
	ck_assert_str_eq(dmr_messages_path(DMR_API_OPENAI), "/chat/completions");
}
END_TEST

static enum dmr_messages_answer classify(enum dmr_api api, long status, const char *body, const char *want_detail)
{
	struct strbuf d = STRBUF_INIT;
	enum dmr_messages_answer a = dmr_messages_classify(api, status, body, strlen(body), &d);
	ck_assert_msg(!strcmp(d.buf, want_detail), "detail '%s', not '%s'", d.buf, want_detail);
	strbuf_release(&d);
	return a;
}

START_TEST(messages_answers)
{
	ck_assert_int_eq(classify(DMR_API_ANTHROPIC, 200,
				  "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[]}", "msg_1"),
			 DMR_MESSAGES_OK);
	/* docs/backends.md §5 */
	ck_assert_int_eq(classify(DMR_API_ANTHROPIC, 404,
				  "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"Model not found: x\"}}",
				  "Model not found: x"),
			 DMR_MESSAGES_MODEL_MISSING);
	ck_assert_int_eq(classify(DMR_API_ANTHROPIC, 404, "404 page not found\n", "404 page not found"),
			 DMR_MESSAGES_NO_ROUTE);
	ck_assert_int_eq(classify(DMR_API_ANTHROPIC, 400,
				  "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"model is required\"}}",
				  "model is required"),
			 DMR_MESSAGES_ERROR);
	ck_assert_int_eq(classify(DMR_API_ANTHROPIC, 500, "llama.cpp failed to load\nmore\n", "llama.cpp failed to load"),
			 DMR_MESSAGES_ERROR);
	ck_assert_int_eq(classify(DMR_API_ANTHROPIC, 200, "[]", "[]"), DMR_MESSAGES_UNEXPECTED);
	/* the OpenAI dialect: DMR's own text/plain 404 (docs/backends.md §1) */
	ck_assert_int_eq(classify(DMR_API_OPENAI, 404, "model not found\n", "model not found"),
			 DMR_MESSAGES_MODEL_MISSING);
	ck_assert_int_eq(classify(DMR_API_OPENAI, 200, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[]}",
				  "chatcmpl-1"),
			 DMR_MESSAGES_OK);
	ck_assert_int_eq(classify(DMR_API_OPENAI, 200, "{\"type\":\"message\"}", "{\"type\":\"message\"}"),
			 DMR_MESSAGES_UNEXPECTED);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("probe");
	tcase_add_test(tc, parse_records_behind_noise);
	tcase_add_test(tc, parse_unset_and_cut);
	tcase_add_test(tc, script_runs);
	tcase_add_test(tc, script_is_constant);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("proxy");
	tcase_add_test(tc, proxy_refusals);
	tcase_add_test(tc, rule_for_url);
	suite_add_tcase(s, tc);

	tc = tcase_create("messages");
	tcase_add_test(tc, messages_body);
	tcase_add_test(tc, messages_answers);
	suite_add_tcase(s, tc);

	return check_run_suite(s);
}
