/*
 * The scripted libmicrohttpd server of the io/http tests: see
 * http_test_server.h for what it answers and how a test starts it.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "http_test_server.h"

struct test_server srv = { .mu = PTHREAD_MUTEX_INITIALIZER };

struct conn {
	char uri[512];
	struct strbuf body;
	bool started;
};

enum stream_kind {
	STREAM_SPLIT,
	STREAM_MANY,
	STREAM_STALL,
	STREAM_SILENT,
	STREAM_LONGLINE,
	STREAM_CUT
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

const char *const split_lines[] = {
	"{\"type\":\"progress\",\"n\":1}", "{\"type\":\"progress\",\"n\":2}",
	"{\"a\":\"x\"}", "{\"b\":1}", "{\"type\":\"success\"}", NULL
};

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
	case STREAM_CUT: /* a line, half a line, then the connection drops */
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

struct http_endpoint ep;
int refused_port;
static int refused_fd = -1;

static void reset_server_state(void)
{
	memset(&srv.last, 0, sizeof(srv.last));
	atomic_store(&srv.hits, 0);
	atomic_store(&srv.flaky, 0);
	atomic_store(&srv.stopping, false);
}

void parse_endpoint(const char *url)
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

void tcp_setup(void)
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

void unix_setup(void)
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

void server_teardown(void)
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
