/*
 * Tests for io/http, part one: endpoint parsing, plain requests and their
 * responses against a real HTTP server (http_test_server.h), on TCP and on
 * Docker Desktop's Unix socket. Streams, retries and cancellation are in
 * check_http_stream.c.
 */
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "http_test_server.h"
#include "io/http.h"

/* ---- endpoints ---- */

static void assert_parses(const char *url, const char *origin, const char *prefix,
			  const char *unix_path)
{
	struct http_endpoint e = HTTP_ENDPOINT_INIT;
	struct strbuf err = STRBUF_INIT;

	ck_assert_msg(http_endpoint_parse(&e, url, &err) == 0, "%s: %s", url, err.buf);
	ck_assert_str_eq(e.url, url);
	ck_assert_str_eq(e.origin, origin);
	ck_assert_str_eq(e.prefix, prefix);
	if (unix_path)
		ck_assert_str_eq(e.unix_path, unix_path);
	else
		ck_assert_ptr_null(e.unix_path);
	http_endpoint_release(&e);
	strbuf_release(&err);
}

static void assert_rejects(const char *url, const char *message)
{
	struct http_endpoint e = HTTP_ENDPOINT_INIT;
	struct strbuf err = STRBUF_INIT;

	ck_assert_int_eq(http_endpoint_parse(&e, url, &err), -1);
	ck_assert_ptr_null(e.origin);
	assert_contains(err.buf, "invalid endpoint '");
	assert_contains(err.buf, message);
	http_endpoint_release(&e);
	strbuf_release(&err);
}

START_TEST(test_endpoint_parse)
{
	struct http_endpoint e = HTTP_ENDPOINT_INIT;

	assert_parses("http://localhost:12434", "http://localhost:12434", "", NULL);
	assert_parses("http://localhost:12434/", "http://localhost:12434", "", NULL);
	assert_parses("HTTP://model-runner.docker.internal/engines/",
		      "http://model-runner.docker.internal", "/engines", NULL);
	assert_parses("https://dmr.example.com:12444/base/v1", "https://dmr.example.com:12444",
		      "/base/v1", NULL);
	assert_parses("http://[::1]:12434", "http://[::1]:12434", "", NULL);
	assert_parses("unix:///var/run/docker.sock", "http://localhost", "/exp/vDD4.40",
		      "/var/run/docker.sock");

	assert_rejects("localhost:12434", "expected http://HOST[:PORT][/PATH]");
	assert_rejects("tcp://localhost:12434", "expected http://");
	assert_rejects("http://", "no host name");
	assert_rejects("http://:12434", "no host name");
	assert_rejects("http://localhost:99999", "port '99999' is not a number between 1 and 65535");
	assert_rejects("http://localhost:0", "port '0'");
	assert_rejects("http://localhost:abc/x", "port 'abc'");
	assert_rejects("http://localhost:", "port ''");
	assert_rejects("http://user@localhost", "user names are not supported");
	assert_rejects("http://localhost/models?x=1", "queries and fragments");
	assert_rejects("http://local host", "a space or a control character");
	assert_rejects("http://[::1", "malformed IPv6 address");
	assert_rejects("unix://docker.sock", "the socket path must be absolute");
	assert_rejects("unix:///", "no socket file name");
	assert_rejects("unix:///"
		       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock",
		       "longer than 107 bytes");

	/* A failed parse leaves the old endpoint alone; a good one replaces it. */
	ck_assert_int_eq(http_endpoint_parse(&e, "http://a:1", NULL), 0);
	ck_assert_int_eq(http_endpoint_parse(&e, "http://b:99999", NULL), -1);
	ck_assert_str_eq(e.origin, "http://a:1");
	ck_assert_int_eq(http_endpoint_parse(&e, "unix:///s.sock", NULL), 0);
	ck_assert_str_eq(e.unix_path, "/s.sock");
	http_endpoint_release(&e);
	ck_assert_ptr_null(e.origin);
}
END_TEST

START_TEST(test_query_add)
{
	struct strbuf q = STRBUF_INIT;

	http_query_add(&q, "repo", "docker.io/ai/x");
	http_query_add(&q, "tag", "32k:a b&c=d~_-.");
	ck_assert_str_eq(q.buf, "repo=docker.io%2Fai%2Fx&tag=32k%3Aa%20b%26c%3Dd~_-.");
	strbuf_release(&q);
}
END_TEST

/* ---- plain requests ---- */

START_TEST(test_get_json)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct strbuf msg = STRBUF_INIT;
	atomic_ulong counter = 0;

	req.counter = &counter;
	ck_assert_int_eq(request(NULL, "/models", &req, &res), 0);
	ck_assert_int_eq(res.error, HTTP_ERR_NONE);
	ck_assert_int_eq(res.status, 200);
	ck_assert_str_eq(res.body.buf, "{\"ok\":true}");
	ck_assert_str_eq(res.content_type.buf, "application/json");
	ck_assert(!res.truncated);
	ck_assert_uint_eq(res.attempts, 1);
	ck_assert_uint_eq(atomic_load(&counter), 1);
	ck_assert_str_eq(srv.last.method, "GET");
	ck_assert_str_eq(srv.last.accept, "application/json");
	ck_assert_str_eq(srv.last.ctype, "(none)");
	describe(&res, &msg);
	assert_contains(msg.buf, "'GET http://127.0.0.1:");
	assert_contains(msg.buf, "/models' answered HTTP 200");
	strbuf_release(&msg);
	http_response_release(&res);
}
END_TEST

START_TEST(test_path_sent_unescaped)
{
	static const char *const paths[] = {
		"/models/ai/smollm2:latest",
		"/models/docker.io/ai/smollm2@sha256:f07b04c0ce95",
		"/models/a/../b/./c%2Fd",
		NULL
	};
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;

	for (const char *const *p = paths; *p; p++) {
		ck_assert_int_eq(request("GET", *p, &req, &res), 0);
		ck_assert_int_eq(res.status, 200);
		ck_assert_str_eq(srv.last.uri, *p);
	}
	http_response_release(&res);
}
END_TEST

START_TEST(test_invalid_request_sends_nothing)
{
	static const char *const paths[] = {
		"models", "/models/a b", "/models?x=1", "/models#f", "/models/\n", "/m\xc3\xa9", NULL
	};
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct strbuf msg = STRBUF_INIT;
	atomic_ulong counter = 0;

	req.counter = &counter;
	for (const char *const *p = paths; *p; p++) {
		ck_assert_int_eq(request("GET", *p, &req, &res), -1);
		ck_assert_int_eq(res.error, HTTP_ERR_INVALID);
	}
	ck_assert_int_eq(request("GET", NULL, &req, &res), -1);
	ck_assert_int_eq(request("get", "/models", &req, &res), -1);
	describe(&res, &msg);
	assert_contains(msg.buf, "method 'get' is not an upper-case word");
	ck_assert_int_eq(request("GET", "/models/\x1b[2J", &req, &res), -1);
	describe(&res, &msg);
	ck_assert_ptr_null(strchr(msg.buf, '\x1b'));
	req.query = "a=b c";
	ck_assert_int_eq(request("GET", "/models", &req, &res), -1);
	describe(&res, &msg);
	assert_contains(msg.buf, "the query holds byte 0x20 at offset 3");
	ck_assert_uint_eq(atomic_load(&counter), 0);
	ck_assert_int_eq(atomic_load(&srv.hits), 0);
	strbuf_release(&msg);
	http_response_release(&res);
}
END_TEST

START_TEST(test_post_body_and_headers)
{
	const char *body = "{\"from\":\"ai/smollm2\"}";
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;

	req.body = body;
	ck_assert_int_eq(request("POST", "/echo", &req, &res), 0);
	ck_assert_int_eq(res.status, 201);
	ck_assert_str_eq(res.body.buf, body);
	ck_assert_str_eq(srv.last.method, "POST");
	ck_assert_str_eq(srv.last.accept, "application/json");
	ck_assert_str_eq(srv.last.ctype, "application/json");
	ck_assert_str_eq(srv.last.body, body);

	/* body_len sends exactly that many bytes. */
	req.body_len = 9;
	ck_assert_int_eq(request("POST", "/echo", &req, &res), 0);
	ck_assert_str_eq(srv.last.body, "{\"from\":\"");

	/* No body: no form Content-Type from libcurl, an empty body. */
	req.body = NULL;
	req.body_len = 0;
	ck_assert_int_eq(request("POST", "/echo", &req, &res), 0);
	ck_assert_str_eq(srv.last.method, "POST");
	ck_assert_str_eq(srv.last.ctype, "(none)");
	ck_assert_uint_eq(srv.last.body_len, 0);
	http_response_release(&res);
}
END_TEST

START_TEST(test_delete_with_query)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct strbuf q = STRBUF_INIT;

	req.query = "force=true";
	ck_assert_int_eq(request("DELETE", "/models/ai/smollm2:latest", &req, &res), 0);
	ck_assert_str_eq(srv.last.method, "DELETE");
	ck_assert_str_eq(srv.last.uri, "/models/ai/smollm2:latest?force=true");

	http_query_add(&q, "repo", "ai/gpt-oss");
	http_query_add(&q, "tag", "32k");
	req.query = q.buf;
	ck_assert_int_eq(request("POST", "/models/ai/gpt-oss:latest/tag", &req, &res), 0);
	ck_assert_str_eq(srv.last.uri, "/models/ai/gpt-oss:latest/tag?repo=ai%2Fgpt-oss&tag=32k");
	ck_assert_str_eq(srv.last.repo, "ai/gpt-oss");
	ck_assert_str_eq(srv.last.tag, "32k");
	strbuf_release(&q);
	http_response_release(&res);
}
END_TEST

START_TEST(test_error_status_is_a_response)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct strbuf msg = STRBUF_INIT;

	ck_assert_int_eq(request("GET", "/missing", &req, &res), 0);
	ck_assert_int_eq(res.error, HTTP_ERR_NONE);
	ck_assert_int_eq(res.status, 404);
	ck_assert_str_eq(res.body.buf, "model not found\n");
	ck_assert_str_eq(res.content_type.buf, "text/plain; charset=utf-8");
	ck_assert(!http_response_retryable(&res));
	describe(&res, &msg);
	assert_contains(msg.buf, "'GET http://127.0.0.1:");
	assert_contains(msg.buf, "/missing' failed with HTTP 404: model not found");
	ck_assert(msg.buf[msg.len - 1] != '\n');
	strbuf_release(&msg);
	http_response_release(&res);
}
END_TEST

START_TEST(test_redirect_not_followed)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;

	ck_assert_int_eq(request("GET", "/redirect", &req, &res), 0);
	ck_assert_int_eq(res.status, 302);
	ck_assert_str_eq(res.body.buf, "elsewhere\n");
	ck_assert_int_eq(atomic_load(&srv.hits), 1);
	http_response_release(&res);
}
END_TEST

START_TEST(test_body_cap)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct strbuf msg = STRBUF_INIT;

	req.body_cap = 4096;
	ck_assert_int_eq(request("GET", "/big", &req, &res), -1);
	ck_assert_int_eq(res.error, HTTP_ERR_TRUNCATED);
	ck_assert(res.truncated);
	ck_assert_int_eq(res.status, 200);
	ck_assert_uint_eq(res.body.len, 4096);
	describe(&res, &msg);
	assert_contains(msg.buf, "the response body is larger than 4096 bytes");

	req.body_cap = BIG_BODY - 1; /* one byte short */
	ck_assert_int_eq(request("GET", "/big", &req, &res), -1);
	ck_assert_int_eq(res.error, HTTP_ERR_TRUNCATED);
	ck_assert_uint_eq(res.body.len, BIG_BODY - 1);

	req.body_cap = BIG_BODY; /* exactly the size: not truncated */
	ck_assert_int_eq(request("GET", "/big", &req, &res), 0);
	ck_assert(!res.truncated);
	ck_assert_uint_eq(res.body.len, BIG_BODY);
	strbuf_release(&msg);
	http_response_release(&res);
}
END_TEST

START_TEST(test_proxy_environment_ignored)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	char proxy[64], url[128];
	CURL *h;
	CURLcode code;

	snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%d", refused_port);
	setenv("http_proxy", proxy, 1);
	setenv("HTTPS_PROXY", proxy, 1);
	setenv("ALL_PROXY", proxy, 1);
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");

	/* Control: plain libcurl does go through the proxy, and fails. */
	ck_assert_int_eq(http_global_init(), 0);
	h = curl_easy_init();
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/models", srv.port);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 3000L);
	code = curl_easy_perform(h);
	curl_easy_cleanup(h);
	ck_assert_int_eq(code, CURLE_COULDNT_CONNECT);

	ck_assert_int_eq(request("GET", "/models", &req, &res), 0);
	ck_assert_int_eq(res.status, 200);
	ck_assert_str_eq(srv.last.uri, "/models");
	unsetenv("http_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("ALL_PROXY");
	http_response_release(&res);
}
END_TEST

struct parallel {
	atomic_ulong *counter;
	int failures;
};

static void *parallel_worker(void *arg)
{
	struct parallel *p = arg;
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;

	req.counter = p->counter;
	for (int i = 0; i < 10; i++)
		if (request("GET", "/models", &req, &res) || res.status != 200 ||
		    strcmp(res.body.buf, "{\"ok\":true}"))
			p->failures++;
	http_response_release(&res);
	return NULL;
}

START_TEST(test_parallel_threads)
{
	struct parallel p[4];
	pthread_t t[4];
	atomic_ulong counter = 0;

	for (int i = 0; i < 4; i++) {
		p[i] = (struct parallel){ .counter = &counter };
		ck_assert_int_eq(pthread_create(&t[i], NULL, parallel_worker, &p[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(p[i].failures, 0);
	}
	ck_assert_uint_eq(atomic_load(&counter), 40);
	ck_assert_int_eq(atomic_load(&srv.hits), 40);
}
END_TEST

/* ---- Docker Desktop's socket ---- */

START_TEST(test_unix_socket_prefix)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct strbuf msg = STRBUF_INIT;

	ck_assert_int_eq(request("GET", "/models/ai/smollm2:latest", &req, &res), 0);
	ck_assert_int_eq(res.status, 200);
	ck_assert_str_eq(res.body.buf, "{\"ok\":true}");
	ck_assert_str_eq(srv.last.uri, "/exp/vDD4.40/models/ai/smollm2:latest");
	ck_assert_str_eq(srv.last.accept, "application/json");

	ck_assert_int_eq(request("GET", "/missing", &req, &res), 0);
	ck_assert_int_eq(res.status, 404);
	describe(&res, &msg);
	assert_contains(msg.buf, "'GET /exp/vDD4.40/missing on unix:///tmp/check_http.");
	assert_contains(msg.buf, "/docker.sock' failed with HTTP 404: model not found");
	strbuf_release(&msg);
	http_response_release(&res);
}
END_TEST

START_TEST(test_unix_socket_missing)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct strbuf msg = STRBUF_INIT;
	char url[200];

	snprintf(url, sizeof(url), "unix://%s/none.sock", srv.dir);
	parse_endpoint(url);
	ck_assert_int_eq(request("GET", "/models", &req, &res), -1);
	ck_assert_int_eq(res.error, HTTP_ERR_CONNECT);
	ck_assert_int_eq(res.os_errno, ENOENT);
	ck_assert(http_response_retryable(&res));
	describe(&res, &msg);
	ck_assert_ptr_nonnull(strstr(msg.buf, "/none.sock': "));
	ck_assert_str_eq(strstr(msg.buf, "/none.sock': "), "/none.sock': No such file or directory");
	strbuf_release(&msg);
	http_response_release(&res);
}
END_TEST

static Suite *http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *pure = tcase_create("pure"), *tcp = tcase_create("tcp"),
	      *sock = tcase_create("unix");

	tcase_add_test(pure, test_endpoint_parse);
	tcase_add_test(pure, test_query_add);

	tcase_add_test(tcp, test_get_json);
	tcase_add_test(tcp, test_path_sent_unescaped);
	tcase_add_test(tcp, test_invalid_request_sends_nothing);
	tcase_add_test(tcp, test_post_body_and_headers);
	tcase_add_test(tcp, test_delete_with_query);
	tcase_add_test(tcp, test_error_status_is_a_response);
	tcase_add_test(tcp, test_redirect_not_followed);
	tcase_add_test(tcp, test_body_cap);
	tcase_add_test(tcp, test_proxy_environment_ignored);
	tcase_add_test(tcp, test_parallel_threads);

	tcase_add_test(sock, test_unix_socket_prefix);
	tcase_add_test(sock, test_unix_socket_missing);

	tcase_add_checked_fixture(tcp, tcp_setup, server_teardown);
	tcase_add_checked_fixture(sock, unix_setup, server_teardown);

	TCase *all[] = { pure, tcp, sock };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		tcase_set_timeout(all[i], 20);
		suite_add_tcase(s, all[i]);
	}
	return s;
}

int main(void)
{
	return check_run_suite(http_suite());
}
