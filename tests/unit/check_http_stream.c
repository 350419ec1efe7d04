/*
 * Tests for io/http, part two: failures and retries, NDJSON streams (lines
 * reassembled, cut, capped, stalled) and cancellation, against a real HTTP
 * server (http_test_server.h), and what DMR's pull stream and JSON answers
 * become. Timing is never asserted except as a generous upper bound.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "http_test_server.h"
#include "io/http.h"

/* ---- stream and cancel helpers ---- */

struct lines {
	char line[16][256];
	size_t n;
	size_t stop_at; /* 0: never */
	int stop_code;
};

static int collect(const char *line, size_t len, void *data)
{
	struct lines *l = data;

	ck_assert_uint_eq(strlen(line), len);
	ck_assert_uint_lt(len, sizeof(l->line[0]));
	if (l->n < 16)
		memcpy(l->line[l->n], line, len + 1);
	l->n++;
	return l->stop_at && l->n == l->stop_at ? l->stop_code : 0;
}

/* Writes to fd after ms, like a SIGINT handler; read written_ms after joining. */
struct later {
	int fd;
	int ms;
	pthread_t thread;
	long long written_ms;
};

static void *write_later(void *arg)
{
	struct later *l = arg;
	sleep_ms(l->ms);
	l->written_ms = now_ms();
	ck_assert_int_eq(write(l->fd, "x", 1), 1);
	return NULL;
}

/*
 * How long a cancel took to stop a request that returned at end_ms. A silent
 * stream wakes libcurl's own loop only once a second, so this catches a
 * cancel_fd that is not polled together with the sockets.
 */
static long long cancel_latency(struct later *l, long long end_ms)
{
	pthread_join(l->thread, NULL);
	return end_ms - l->written_ms;
}

/* ---- failures and retries ---- */

START_TEST(test_connection_refused)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct strbuf msg = STRBUF_INIT;
	char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", refused_port);
	parse_endpoint(url);
	ck_assert_int_eq(request("GET", "/models", &req, &res), -1);
	ck_assert_int_eq(res.error, HTTP_ERR_CONNECT);
	ck_assert_int_eq(res.os_errno, ECONNREFUSED);
	ck_assert_int_eq(res.status, 0);
	ck_assert_uint_gt(res.curl_message.len, 0);
	ck_assert(http_response_retryable(&res));
	describe(&res, &msg);
	assert_contains(msg.buf, "cannot connect to 'http://127.0.0.1:");
	ck_assert_ptr_nonnull(strstr(msg.buf, "': Connection refused"));
	ck_assert_str_eq(strstr(msg.buf, "': Connection refused"), "': Connection refused");
	strbuf_release(&msg);
	http_response_release(&res);
}
END_TEST

START_TEST(test_retry_refused)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct http_retry retry = HTTP_RETRY_INIT;
	atomic_ulong counter = 0;
	char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", refused_port);
	parse_endpoint(url);
	req.path = "/models";
	req.counter = &counter;
	retry.attempts = 3;
	retry.base_delay_ms = 10;
	ck_assert_int_eq(http_do_with_retry(&ep, &req, &retry, &res), -1);
	ck_assert_int_eq(res.error, HTTP_ERR_CONNECT);
	ck_assert_uint_eq(res.attempts, 3);
	ck_assert_uint_eq(atomic_load(&counter), 3);
	http_response_release(&res);
}
END_TEST

START_TEST(test_retry_503_then_200)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct http_retry retry = HTTP_RETRY_INIT;
	atomic_ulong counter = 0;

	req.path = "/flaky";
	req.counter = &counter;
	retry.attempts = 5;
	retry.base_delay_ms = 10;
	ck_assert_int_eq(http_do_with_retry(&ep, &req, &retry, &res), 0);
	ck_assert_int_eq(res.status, 200);
	ck_assert_uint_eq(res.attempts, 3);
	ck_assert_uint_eq(atomic_load(&counter), 3);
	ck_assert_int_eq(atomic_load(&srv.hits), 3);

	/* Used up: the last answer, 503, is returned as a response. */
	req.path = "/always503";
	retry.attempts = 2;
	ck_assert_int_eq(http_do_with_retry(&ep, &req, &retry, &res), 0);
	ck_assert_int_eq(res.status, 503);
	ck_assert_uint_eq(res.attempts, 2);
	ck_assert_uint_eq(atomic_load(&counter), 5);
	http_response_release(&res);
}
END_TEST

START_TEST(test_no_retry_on_4xx)
{
	static const char *const paths[] = { "/missing", "/bad", NULL };
	static const long want[] = { 404, 400 };
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct http_retry retry = HTTP_RETRY_INIT;
	atomic_ulong counter = 0;

	req.counter = &counter;
	retry.attempts = 4;
	retry.base_delay_ms = 10;
	for (int i = 0; paths[i]; i++) {
		atomic_store(&counter, 0);
		req.path = paths[i];
		ck_assert_int_eq(http_do_with_retry(&ep, &req, &retry, &res), 0);
		ck_assert_int_eq(res.status, want[i]);
		ck_assert_uint_eq(res.attempts, 1);
		ck_assert_uint_eq(atomic_load(&counter), 1);
	}
	http_response_release(&res);
}
END_TEST

START_TEST(test_timeout)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct http_retry retry = HTTP_RETRY_INIT;
	struct strbuf msg = STRBUF_INIT;
	atomic_ulong counter = 0;
	long long t0;

	req.timeout_ms = 500;
	req.counter = &counter;
	t0 = now_ms();
	ck_assert_int_eq(request("GET", "/silent", &req, &res), -1);
	ck_assert_int_eq(res.error, HTTP_ERR_TIMEOUT);
	ck_assert_int_ge(now_ms() - t0, 450);
	ck_assert_int_lt(now_ms() - t0, 3000);
	ck_assert(!http_response_retryable(&res));
	describe(&res, &msg);
	assert_contains(msg.buf, "/silent' timed out after ");

	/* With stall detection on too, the timeout is still a timeout. */
	req.low_speed_time_s = 5;
	retry.base_delay_ms = 10;
	ck_assert_int_eq(http_do_with_retry(&ep, &req, &retry, &res), -1);
	ck_assert_int_eq(res.error, HTTP_ERR_TIMEOUT);
	ck_assert_uint_eq(res.attempts, 1);
	ck_assert_uint_eq(atomic_load(&counter), 2);
	strbuf_release(&msg);
	http_response_release(&res);
}
END_TEST

/* ---- streams ---- */

START_TEST(test_stream_lines_reassembled)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct lines l = { .n = 0 };
	size_t n = 0;

	req.on_line = collect;
	req.line_data = &l;
	req.body = "{\"from\":\"ai/smollm2\"}";
	ck_assert_int_eq(request("POST", "/stream", &req, &res), 0);
	ck_assert_int_eq(res.status, 200);
	for (; split_lines[n]; n++) {
		ck_assert_uint_gt(l.n, n);
		ck_assert_str_eq(l.line[n], split_lines[n]);
	}
	ck_assert_uint_eq(l.n, n);
	ck_assert_uint_eq(res.lines, n);
	ck_assert_uint_eq(res.body.len, 0);
	http_response_release(&res);
}
END_TEST

START_TEST(test_stream_cut_short)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct strbuf msg = STRBUF_INIT;
	struct lines l = { .n = 0 };

	req.on_line = collect;
	req.line_data = &l;
	ck_assert_int_eq(request("POST", "/cut", &req, &res), -1);
	ck_assert_int_eq(res.error, HTTP_ERR_TRANSPORT);
	ck_assert_int_eq(res.status, 200);
	/* The half line is not delivered: it is not a line. */
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.line[0], "{\"type\":\"progress\"}");
	ck_assert(!http_response_retryable(&res));
	describe(&res, &msg);
	assert_contains(msg.buf, "/cut' failed: ");
	ck_assert_uint_gt(res.curl_message.len, 0);
	assert_contains(msg.buf, res.curl_message.buf);
	strbuf_release(&msg);
	http_response_release(&res);
}
END_TEST

START_TEST(test_stream_error_status_goes_to_body)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct lines l = { .n = 0 };

	req.on_line = collect;
	req.line_data = &l;
	ck_assert_int_eq(request("POST", "/missing", &req, &res), 0);
	ck_assert_int_eq(res.status, 404);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_uint_eq(res.lines, 0);
	ck_assert_str_eq(res.body.buf, "model not found\n");
	http_response_release(&res);
}
END_TEST

START_TEST(test_stream_callback_aborts)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct strbuf msg = STRBUF_INIT;
	struct lines l = { .stop_at = 3, .stop_code = 7 };
	long long t0 = now_ms();

	req.on_line = collect;
	req.line_data = &l;
	ck_assert_int_eq(request("POST", "/many", &req, &res), -1);
	ck_assert_int_eq(res.error, HTTP_ERR_ABORTED);
	ck_assert_int_eq(res.abort_code, 7);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_uint_eq(res.lines, 3);
	ck_assert_str_eq(l.line[2], "{\"n\":2}");
	/* The whole stream takes MANY_LINES * MANY_DELAY_MS = 4 s. */
	ck_assert_int_lt(now_ms() - t0, 2000);
	ck_assert(!http_response_retryable(&res));
	describe(&res, &msg);
	assert_contains(msg.buf, "/many' stopped after 3 streamed lines");
	strbuf_release(&msg);
	http_response_release(&res);
}
END_TEST

START_TEST(test_stream_line_cap)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct strbuf msg = STRBUF_INIT;
	struct lines l = { .n = 0 };

	req.on_line = collect;
	req.line_data = &l;
	req.line_cap = LONG_LINE - 1;
	ck_assert_int_eq(request("GET", "/longline", &req, &res), -1);
	ck_assert_int_eq(res.error, HTTP_ERR_LINE_TOO_LONG);
	ck_assert_uint_eq(l.n, 0);
	describe(&res, &msg);
	assert_contains(msg.buf, "a streamed line is longer than 4999 bytes");
	strbuf_release(&msg);
	http_response_release(&res);
}
END_TEST

static int count_only(const char *line, size_t len, void *data)
{
	(void)line;
	*(size_t *)data = len;
	return 0;
}

START_TEST(test_stream_line_at_cap)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	size_t len = 0;

	req.on_line = count_only;
	req.line_data = &len;
	req.line_cap = LONG_LINE;
	ck_assert_int_eq(request("GET", "/longline", &req, &res), 0);
	ck_assert_uint_eq(res.lines, 1);
	ck_assert_uint_eq(len, LONG_LINE);
	http_response_release(&res);
}
END_TEST

START_TEST(test_stream_stalled)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct http_retry retry = HTTP_RETRY_INIT;
	struct strbuf msg = STRBUF_INIT;
	struct lines l = { .n = 0 };
	atomic_ulong counter = 0;
	long long t0 = now_ms();

	req.path = "/stall";
	req.method = "POST";
	req.on_line = collect;
	req.line_data = &l;
	req.timeout_ms = 10000;
	req.low_speed_limit = 1000;
	req.low_speed_time_s = 1;
	req.counter = &counter;
	retry.attempts = 3;
	retry.base_delay_ms = 10;
	/* Lines were delivered: not retried. */
	ck_assert_int_eq(http_do_with_retry(&ep, &req, &retry, &res), -1);
	ck_assert_int_eq(res.error, HTTP_ERR_STALLED);
	ck_assert_int_eq(res.status, 200);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.line[0], "{\"type\":\"progress\"}");
	ck_assert_uint_eq(res.attempts, 1);
	ck_assert_uint_eq(atomic_load(&counter), 1);
	ck_assert_int_lt(now_ms() - t0, 6000);
	ck_assert(http_response_retryable(&res));
	describe(&res, &msg);
	assert_contains(msg.buf, "/stall' stalled: under 1000 bytes/s for 1 s");

	/* Unless the caller says the handler can take a replay. */
	retry.attempts = 2;
	retry.after_lines = true;
	l.n = 0;
	ck_assert_int_eq(http_do_with_retry(&ep, &req, &retry, &res), -1);
	ck_assert_int_eq(res.error, HTTP_ERR_STALLED);
	ck_assert_uint_eq(res.attempts, 2);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_uint_eq(atomic_load(&counter), 3);
	strbuf_release(&msg);
	http_response_release(&res);
}
END_TEST

START_TEST(test_stream_stalled_before_any_line_is_retried)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct http_retry retry = HTTP_RETRY_INIT;
	struct lines l = { .n = 0 };
	atomic_ulong counter = 0;

	req.path = "/silent";
	req.method = "POST";
	req.on_line = collect;
	req.line_data = &l;
	req.timeout_ms = 0;
	req.low_speed_limit = 1000;
	req.low_speed_time_s = 1;
	req.counter = &counter;
	retry.attempts = 2;
	retry.base_delay_ms = 10;
	ck_assert_int_eq(http_do_with_retry(&ep, &req, &retry, &res), -1);
	ck_assert_int_eq(res.error, HTTP_ERR_STALLED);
	ck_assert_uint_eq(res.attempts, 2);
	ck_assert_uint_eq(atomic_load(&counter), 2);
	ck_assert_uint_eq(l.n, 0);
	http_response_release(&res);
}
END_TEST

/* ---- cancellation ---- */

START_TEST(test_cancel_stream)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct strbuf msg = STRBUF_INIT;
	struct lines l = { .n = 0 };
	int p[2];
	struct later w = { .ms = 400 };
	long long t0, end;

	ck_assert_int_eq(pipe(p), 0);
	w.fd = p[1];
	req.cancel_fd = p[0];
	req.on_line = collect;
	req.line_data = &l;
	req.timeout_ms = 0;
	t0 = now_ms();
	ck_assert_int_eq(pthread_create(&w.thread, NULL, write_later, &w), 0);
	ck_assert_int_eq(request("POST", "/silent", &req, &res), -1);
	end = now_ms();
	ck_assert_int_eq(res.error, HTTP_ERR_CANCELLED);
	ck_assert_int_lt(end - t0, 2000);
	ck_assert_int_lt(cancel_latency(&w, end), 500);
	ck_assert(!http_response_retryable(&res));
	describe(&res, &msg);
	assert_contains(msg.buf, "/silent' cancelled");

	/* Still readable (never drained): the next request is not even sent. */
	ck_assert_int_eq(request("GET", "/models", &req, &res), -1);
	ck_assert_int_eq(res.error, HTTP_ERR_CANCELLED);
	ck_assert_int_eq(atomic_load(&srv.hits), 1);
	close(p[0]);
	close(p[1]);
	strbuf_release(&msg);
	http_response_release(&res);
}
END_TEST

START_TEST(test_cancel_while_lines_flow)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct lines l = { .n = 0 };
	int p[2];
	struct later w = { .ms = 300 };
	long long t0, end;

	ck_assert_int_eq(pipe(p), 0);
	w.fd = p[1];
	req.cancel_fd = p[0];
	req.on_line = collect;
	req.line_data = &l;
	t0 = now_ms();
	ck_assert_int_eq(pthread_create(&w.thread, NULL, write_later, &w), 0);
	ck_assert_int_eq(request("POST", "/many", &req, &res), -1);
	end = now_ms();
	ck_assert_int_eq(res.error, HTTP_ERR_CANCELLED);
	ck_assert_uint_gt(l.n, 0);
	ck_assert_uint_lt(l.n, MANY_LINES);
	ck_assert_int_lt(end - t0, 2000);
	ck_assert_int_lt(cancel_latency(&w, end), 500);
	close(p[0]);
	close(p[1]);
	http_response_release(&res);
}
END_TEST

START_TEST(test_cancel_during_backoff)
{
	struct http_request req = HTTP_REQUEST_INIT;
	struct http_response res = HTTP_RESPONSE_INIT;
	struct http_retry retry = HTTP_RETRY_INIT;
	atomic_ulong counter = 0;
	int p[2];
	struct later w = { .ms = 200 };
	char url[64];
	long long t0, end;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", refused_port);
	parse_endpoint(url);
	ck_assert_int_eq(pipe(p), 0);
	w.fd = p[1];
	req.path = "/models";
	req.cancel_fd = p[0];
	req.counter = &counter;
	retry.attempts = 5;
	retry.base_delay_ms = 20000;
	retry.max_delay_ms = 20000;
	t0 = now_ms();
	ck_assert_int_eq(pthread_create(&w.thread, NULL, write_later, &w), 0);
	ck_assert_int_eq(http_do_with_retry(&ep, &req, &retry, &res), -1);
	end = now_ms();
	ck_assert_int_eq(res.error, HTTP_ERR_CANCELLED);
	ck_assert_uint_eq(res.attempts, 1);
	ck_assert_uint_eq(atomic_load(&counter), 1);
	ck_assert_int_lt(end - t0, 2000);
	ck_assert_int_lt(cancel_latency(&w, end), 500);
	close(p[0]);
	close(p[1]);
	http_response_release(&res);
}
END_TEST

static Suite *http_stream_suite(void)
{
	Suite *s = suite_create("http_stream");
	TCase *fail = tcase_create("failures"), *stream = tcase_create("stream"),
	      *cancel = tcase_create("cancel");

	tcase_add_test(fail, test_connection_refused);
	tcase_add_test(fail, test_retry_refused);
	tcase_add_test(fail, test_retry_503_then_200);
	tcase_add_test(fail, test_no_retry_on_4xx);
	tcase_add_test(fail, test_timeout);

	tcase_add_test(stream, test_stream_lines_reassembled);
	tcase_add_test(stream, test_stream_cut_short);
	tcase_add_test(stream, test_stream_error_status_goes_to_body);
	tcase_add_test(stream, test_stream_callback_aborts);
	tcase_add_test(stream, test_stream_line_cap);
	tcase_add_test(stream, test_stream_line_at_cap);
	tcase_add_test(stream, test_stream_stalled);
	tcase_add_test(stream, test_stream_stalled_before_any_line_is_retried);

	tcase_add_test(cancel, test_cancel_stream);
	tcase_add_test(cancel, test_cancel_while_lines_flow);
	tcase_add_test(cancel, test_cancel_during_backoff);

	tcase_add_checked_fixture(fail, tcp_setup, server_teardown);
	tcase_add_checked_fixture(stream, tcp_setup, server_teardown);
	tcase_add_checked_fixture(cancel, tcp_setup, server_teardown);

	TCase *all[] = { fail, stream, cancel };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		tcase_set_timeout(all[i], 20);
		suite_add_tcase(s, all[i]);
	}
	return s;
}

int main(void)
{
	return check_run_suite(http_stream_suite());
}
