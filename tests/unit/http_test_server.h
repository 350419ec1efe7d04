#ifndef SBXAPPLY_TESTS_HTTP_TEST_SERVER_H
#define SBXAPPLY_TESTS_HTTP_TEST_SERVER_H
/*
 * The scripted HTTP server the io/http tests run against: libmicrohttpd in
 * this process (one thread per connection, so a handler may sleep to shape a
 * stream), on 127.0.0.1 with a port the kernel picks, or on a Unix socket of
 * our own. It records what it saw of the last request, with the request
 * target as it came on the wire (before any unescaping).
 *
 * Contract:
 * - tcp_setup() / unix_setup() start a fresh server (state reset) and point
 *   `ep` at it; server_teardown() stops it, removes the socket directory and
 *   releases `ep`. Use them as a Check checked fixture: they assert.
 *   tcp_setup() also binds `refused_port`, a loopback port that refuses
 *   connections (bound, never listening) until teardown.
 * - parse_endpoint(url) points `ep` elsewhere (asserting the URL parses).
 * - Routes (a Unix socket server strips HTTP_DD_PREFIX first):
 *     /echo        201, the request body back as application/json
 *     /missing     404 text/plain "model not found\n"
 *     /bad         400 text/plain "invalid reference\n"
 *     /flaky       503 "busy\n" twice (per setup), then the default answer
 *     /always503   503 "busy\n"
 *     /redirect    302 to http://example.invalid/elsewhere, body "elsewhere\n"
 *     /big         200, BIG_BODY bytes of 'x'
 *     /stream      200 NDJSON cut at awkward places, with pauses; its lines
 *                  are split_lines
 *     /many        MANY_LINES lines {"n":I}, one every MANY_DELAY_MS
 *     /stall       one progress line, then nothing (until teardown)
 *     /silent      nothing at all (until teardown)
 *     /cut         a line, half a line, then the connection drops
 *     /longline    one line of LONG_LINE 'y' bytes
 *     anything else: 200 application/json {"ok":true}
 * - srv.last holds the last complete request, srv.hits counts them.
 *
 * Below the server: small client helpers every http test program shares.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "io/http.h"

#define MANY_LINES 200
#define MANY_DELAY_MS 20
#define LONG_LINE 5000
#define BIG_BODY 10000

struct seen {
	char method[16];
	char uri[512];	  /* the request target as received */
	char accept[128]; /* "(none)" when absent */
	char ctype[128];  /* "(none)" when absent */
	char repo[128], tag[128];
	char body[8192];
	size_t body_len;
};

struct MHD_Daemon;

struct test_server {
	struct MHD_Daemon *d;
	int port;
	char dir[64], sock[96]; /* the Unix socket's directory and path */
	pthread_mutex_t mu;	/* guards last while the server writes it */
	struct seen last;
	atomic_int hits, flaky;
	atomic_bool stopping;
};

extern struct test_server srv;
extern struct http_endpoint ep; /* where the server listens, unless a test changed it */
extern int refused_port;
extern const char *const split_lines[]; /* /stream's lines, NULL-terminated */

void parse_endpoint(const char *url);
void tcp_setup(void);
void unix_setup(void);
void server_teardown(void);

/* ---- helpers shared by the server and the tests ---- */

static inline long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static inline void assert_contains(const char *s, const char *needle)
{
	ck_assert_msg(strstr(s, needle), "'%s' does not contain '%s'", s, needle);
}

/* ---- client helpers ---- */

static inline int request(const char *method, const char *path, struct http_request *req,
			  struct http_response *res)
{
	req->method = method;
	req->path = path;
	return http_do(&ep, req, res);
}

static inline void describe(const struct http_response *res, struct strbuf *out)
{
	strbuf_reset(out);
	http_describe_error(res, out);
}

#endif
