/*
 * Tests for io/http against a real HTTP server: libmicrohttpd runs in this
 * process (one thread per connection, so a handler may sleep to shape a
 * stream), on 127.0.0.1 with a port the kernel picks, or on a Unix socket of
 * our own. The server records what it saw of the last request, with the
 * request target as it came on the wire (before any unescaping).
 * Timing is never asserted except as a generous upper bound.
 */
#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "check_main.h"
#include "io/http.h"

/* ---- helpers ---- */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void assert_contains(const char *s, const char *needle)
{
	ck_assert_msg(strstr(s, needle), "'%s' does not contain '%s'", s, needle);
}

/* ---- the server ---- */

struct seen {
	char method[16];
	char uri[512];		/* the request target as received */
	char accept[128];	/* "(none)" when absent */
	char ctype[128];	/* "(none)" when absent */
	char repo[128], tag[128];
	char body[8192];
	size_t body_len;
};

static struct {
	struct MHD_Daemon *d;
	int port;
	char dir[64], sock[96];
	pthread_mutex_t mu;
	struct seen last;
	atomic_int hits, flaky;
	atomic_bool stopping;
} srv = { .mu = PTHREAD_MUTEX_INITIALIZER };

struct conn {
	char uri[512];
	struct strbuf body;
	bool started;
};

enum stream_kind {
	STREAM_SPLIT, STREAM_MANY, STREAM_STALL, STREAM_SILENT, STREAM_LONGLINE, STREAM_CUT
};

struct stream {
	enum stream_kind kind;
	int i;
};

/* Pieces of one NDJSON body, cut at awkward places, sent with pauses. */
static const char *const split_pieces[] = {
	"{\"type\":\"progress\",\"n\":1",
	"}\n{\"type\":\"pro",
	"gress\",\"n\":2}",
	"\r",
	"\n",
	"\n",
	"{\"a\":\"x\"}\n{\"b\":1}\n",
	"{\"type\":\"success\"}",
	NULL
};

static const char *const split_lines[] = {
	"{\"type\":\"progress\",\"n\":1}", "{\"type\":\"progress\",\"n\":2}",
	"{\"a\":\"x\"}", "{\"b\":1}", "{\"type\":\"success\"}", NULL
};

#define MANY_LINES 200
#define MANY_DELAY_MS 20
#define LONG_LINE 5000
#define BIG_BODY 10000

/* Sleeps up to ms; false when the server is stopping. */
static bool nap(int ms)
{
	for (int t = 0; t < ms; t += 10) {
		if (atomic_load(&srv.stopping))
			return false;
		sleep_ms(10);
	}
	return true;
}

static ssize_t put(char *buf, size_t max, const char *s)
{
	size_t n = strlen(s);
	ck_assert_uint_le(n, max);
	memcpy(buf, s, n);
	return (ssize_t)n;
}

static ssize_t stream_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	(void)pos;

	switch (s->kind) {
	case STREAM_SPLIT:
		if (!split_pieces[s->i])
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (!nap(15))
			return MHD_CONTENT_READER_END_WITH_ERROR;
		return put(buf, max, split_pieces[s->i++]);
	case STREAM_MANY:
		if (s->i >= MANY_LINES)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (!nap(MANY_DELAY_MS))
			return MHD_CONTENT_READER_END_WITH_ERROR;
		return snprintf(buf, max, "{\"n\":%d}\n", s->i++);
	case STREAM_STALL:
		if (s->i++ == 0)
			return put(buf, max, "{\"type\":\"progress\"}\n");
		nap(10000);
		return MHD_CONTENT_READER_END_WITH_ERROR;
	case STREAM_SILENT:
		nap(10000);
		return MHD_CONTENT_READER_END_WITH_ERROR;
	case STREAM_CUT:	/* a line, half a line, then the connection drops */
		if (s->i++ == 0)
			return put(buf, max, "{\"type\":\"progress\"}\n{\"type\":\"succ");
		nap(50);
		return MHD_CONTENT_READER_END_WITH_ERROR;
	case STREAM_LONGLINE:
		if (s->i++)
			return MHD_CONTENT_READER_END_OF_STREAM;
		ck_assert_uint_ge(max, LONG_LINE + 1);
		memset(buf, 'y', LONG_LINE);
		buf[LONG_LINE] = '\n';
		return LONG_LINE + 1;
	}
	return MHD_CONTENT_READER_END_WITH_ERROR;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *ctype,
			     const char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (ctype)
		MHD_add_response_header(r, "Content-Type", ctype);
	if (status == 302)
		MHD_add_response_header(r, "Location", "http://example.invalid/elsewhere");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_str(struct MHD_Connection *c, unsigned status,
				 const char *ctype, const char *body)
{
	return reply(c, status, ctype, body, strlen(body));
}

static enum MHD_Result reply_stream(struct MHD_Connection *c, enum stream_kind kind)
{
	struct stream *s = calloc(1, sizeof(*s));
	struct MHD_Response *r;
	enum MHD_Result ret;

	s->kind = kind;
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 8192, stream_reader, s, free);
	MHD_add_response_header(r, "Content-Type", "application/json");
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

static void copy_header(struct MHD_Connection *c, enum MHD_ValueKind kind,
			const char *name, char *out, size_t size)
{
	const char *v = MHD_lookup_connection_value(c, kind, name);
	snprintf(out, size, "%s", v ? v : "(none)");
}

static void record(struct MHD_Connection *c, const char *method, const struct conn *cs)
{
	pthread_mutex_lock(&srv.mu);
	snprintf(srv.last.method, sizeof(srv.last.method), "%s", method);
	snprintf(srv.last.uri, sizeof(srv.last.uri), "%s", cs->uri);
	copy_header(c, MHD_HEADER_KIND, "Accept", srv.last.accept, sizeof(srv.last.accept));
	copy_header(c, MHD_HEADER_KIND, "Content-Type", srv.last.ctype, sizeof(srv.last.ctype));
	copy_header(c, MHD_GET_ARGUMENT_KIND, "repo", srv.last.repo, sizeof(srv.last.repo));
	copy_header(c, MHD_GET_ARGUMENT_KIND, "tag", srv.last.tag, sizeof(srv.last.tag));
	srv.last.body_len = cs->body.len < sizeof(srv.last.body) ? cs->body.len
								  : sizeof(srv.last.body) - 1;
	memcpy(srv.last.body, cs->body.buf, srv.last.body_len);
	srv.last.body[srv.last.body_len] = '\0';
	pthread_mutex_unlock(&srv.mu);
	atomic_fetch_add(&srv.hits, 1);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version,
			       const char *upload, size_t *upload_size, void **con_cls)
{
	struct conn *cs = *con_cls;
	(void)cls, (void)version;

	if (!cs->started) {
		cs->started = true;
		return MHD_YES;
	}
	if (*upload_size) {
		strbuf_add(&cs->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	record(c, method, cs);
	/* The Unix socket server routes like the TCP one. */
	if (!strncmp(url, HTTP_DD_PREFIX "/", strlen(HTTP_DD_PREFIX) + 1))
		url += strlen(HTTP_DD_PREFIX);

	if (!strcmp(url, "/echo"))
		return reply(c, 201, "application/json", cs->body.buf, cs->body.len);
	if (!strcmp(url, "/missing"))
		return reply_str(c, 404, "text/plain; charset=utf-8", "model not found\n");
	if (!strcmp(url, "/bad"))
		return reply_str(c, 400, "text/plain; charset=utf-8", "invalid reference\n");
	if (!strcmp(url, "/flaky") && atomic_fetch_add(&srv.flaky, 1) < 2)
		return reply_str(c, 503, "text/plain", "busy\n");
	if (!strcmp(url, "/always503"))
		return reply_str(c, 503, "text/plain", "busy\n");
	if (!strcmp(url, "/redirect"))
		return reply_str(c, 302, "text/plain", "elsewhere\n");
	if (!strcmp(url, "/big")) {
		static char big[BIG_BODY];
		memset(big, 'x', sizeof(big));
		return reply(c, 200, "application/octet-stream", big, sizeof(big));
	}
	if (!strcmp(url, "/stream"))
		return reply_stream(c, STREAM_SPLIT);
	if (!strcmp(url, "/many"))
		return reply_stream(c, STREAM_MANY);
	if (!strcmp(url, "/stall"))
		return reply_stream(c, STREAM_STALL);
	if (!strcmp(url, "/silent"))
		return reply_stream(c, STREAM_SILENT);
	if (!strcmp(url, "/cut"))
		return reply_stream(c, STREAM_CUT);
	if (!strcmp(url, "/longline"))
		return reply_stream(c, STREAM_LONGLINE);
	return reply_str(c, 200, "application/json", "{\"ok\":true}");
}

/* The request target before unescaping: becomes the connection's *con_cls. */
static void *log_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct conn *cs = calloc(1, sizeof(*cs));
	(void)cls, (void)c;
	snprintf(cs->uri, sizeof(cs->uri), "%s", uri);
	strbuf_init(&cs->body);
	return cs;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct conn *cs = *con_cls;
	(void)cls, (void)c, (void)toe;
	if (cs) {
		strbuf_release(&cs->body);
		free(cs);
		*con_cls = NULL;
	}
}

#define SERVER_FLAGS (MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD)

static struct http_endpoint ep;
static int refused_fd = -1;
static int refused_port;

static void reset_server_state(void)
{
	memset(&srv.last, 0, sizeof(srv.last));
	atomic_store(&srv.hits, 0);
	atomic_store(&srv.flaky, 0);
	atomic_store(&srv.stopping, false);
}

static void parse_endpoint(const char *url)
{
	struct strbuf err = STRBUF_INIT;
	ck_assert_msg(http_endpoint_parse(&ep, url, &err) == 0, "%s", err.buf);
	strbuf_release(&err);
}

/* A TCP port that refuses connections: bound, never listening. */
static void make_refused_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	refused_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(refused_fd, 0);
	ck_assert_int_eq(bind(refused_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(refused_fd, (struct sockaddr *)&sa, &len), 0);
	refused_port = ntohs(sa.sin_port);
}

static void tcp_setup(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const union MHD_DaemonInfo *info;
	char url[64];

	reset_server_state();
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	srv.d = MHD_start_daemon(SERVER_FLAGS, 0, NULL, NULL, handler, NULL,
				 MHD_OPTION_SOCK_ADDR, &sa,
				 MHD_OPTION_URI_LOG_CALLBACK, log_uri, NULL,
				 MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				 MHD_OPTION_END);
	ck_assert_ptr_nonnull(srv.d);
	info = MHD_get_daemon_info(srv.d, MHD_DAEMON_INFO_BIND_PORT);
	ck_assert_ptr_nonnull(info);
	srv.port = info->port;
	ck_assert_int_gt(srv.port, 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", srv.port);
	parse_endpoint(url);
	make_refused_port();
}

static void unix_setup(void)
{
	struct sockaddr_un su = { .sun_family = AF_UNIX };
	char url[160];
	int fd;

	reset_server_state();
	snprintf(srv.dir, sizeof(srv.dir), "/tmp/check_http.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(srv.dir));
	snprintf(srv.sock, sizeof(srv.sock), "%s/docker.sock", srv.dir);
	snprintf(su.sun_path, sizeof(su.sun_path), "%s", srv.sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&su, sizeof(su)), 0);
	ck_assert_int_eq(listen(fd, 16), 0);
	srv.d = MHD_start_daemon(SERVER_FLAGS, 0, NULL, NULL, handler, NULL,
				 MHD_OPTION_LISTEN_SOCKET, fd,
				 MHD_OPTION_URI_LOG_CALLBACK, log_uri, NULL,
				 MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				 MHD_OPTION_END);
	ck_assert_ptr_nonnull(srv.d);
	snprintf(url, sizeof(url), "unix://%s", srv.sock);
	parse_endpoint(url);
}

static void server_teardown(void)
{
	atomic_store(&srv.stopping, true);
	if (srv.d)
		MHD_stop_daemon(srv.d);
	srv.d = NULL;
	if (srv.sock[0]) {
		unlink(srv.sock);
		rmdir(srv.dir);
		srv.sock[0] = srv.dir[0] = '\0';
	}
	if (refused_fd >= 0)
		close(refused_fd);
	refused_fd = -1;
	http_endpoint_release(&ep);
}

/* ---- client helpers ---- */

static int request(const char *method, const char *path, struct http_request *req,
		   struct http_response *res)
{
	req->method = method;
	req->path = path;
	return http_do(&ep, req, res);
}

struct lines {
	char line[16][256];
	size_t n;
	size_t stop_at;		/* 0: never */
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

static void describe(const struct http_response *res, struct strbuf *out)
{
	strbuf_reset(out);
	http_describe_error(res, out);
}

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
	assert_rejects("unix:///" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
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

	req.body_cap = BIG_BODY - 1;	/* one byte short */
	ck_assert_int_eq(request("GET", "/big", &req, &res), -1);
	ck_assert_int_eq(res.error, HTTP_ERR_TRUNCATED);
	ck_assert_uint_eq(res.body.len, BIG_BODY - 1);

	req.body_cap = BIG_BODY;	/* exactly the size: not truncated */
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
	      *fail = tcase_create("failures"), *stream = tcase_create("stream"),
	      *cancel = tcase_create("cancel"), *sock = tcase_create("unix");

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

	tcase_add_test(sock, test_unix_socket_prefix);
	tcase_add_test(sock, test_unix_socket_missing);

	tcase_add_checked_fixture(tcp, tcp_setup, server_teardown);
	tcase_add_checked_fixture(fail, tcp_setup, server_teardown);
	tcase_add_checked_fixture(stream, tcp_setup, server_teardown);
	tcase_add_checked_fixture(cancel, tcp_setup, server_teardown);
	tcase_add_checked_fixture(sock, unix_setup, server_teardown);

	TCase *all[] = { pure, tcp, fail, stream, cancel, sock };
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
