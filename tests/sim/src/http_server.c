#include "calllog.h"
#include "faults.h"
#include "http.h"
#include "state.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_BODY (8u << 20)

volatile bool g_http_stopping;

struct conn_ctx {
	char *body;
	size_t len, cap;
	bool too_big;
};

const char *http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Request Entity Too Large";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Error";
	}
}

void reply_text(struct http_reply *r, int status, const char *msg)
{
	free(r->body);
	r->status = status;
	r->content_type = "text/plain; charset=utf-8";
	r->body = xasprintf("%s\n", msg);
	r->len = strlen(r->body);
}

void reply_json(struct http_reply *r, int status, cJSON *doc)
{
	char *text = cJSON_PrintUnformatted(doc);
	cJSON_Delete(doc);
	if (!text)
		die("out of memory");
	free(r->body);
	r->len = strlen(text);
	r->body = xrealloc(text, r->len + 2);
	r->body[r->len++] = '\n';
	r->body[r->len] = '\0';
	r->status = status ? status : 200;
	r->content_type = "application/json";
}

void reply_empty(struct http_reply *r, int status)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
	r->status = status;
	r->content_type = NULL;
}

const char *req_query(const struct http_req *req, const char *key)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *req_header(const struct http_req *req, const char *key)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, key);
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	FILE *f = cls;
	fprintf(f, "%s%s%s%s", ftell(f) ? "&" : "", key, value ? "=" : "", value ? value : "");
	return MHD_YES;
}

static char *query_string(struct MHD_Connection *conn)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_arg, f);
	fclose(f);
	return buf;
}

static void route(struct http_req *req, struct http_reply *reply)
{
	if (http_models_route(req, reply) || http_engines_route(req, reply))
		return;
	reply_text(reply, 404, "404 page not found");
}

static void apply_fault(const struct fault *f, struct http_req *req, struct http_reply *reply)
{
	switch (f->action) {
	case FAULT_STATUS:
	case FAULT_EXIT:
		reply_text(reply, (int)f->arg, f->message[0] ? f->message : http_status_text((int)f->arg));
		break;
	case FAULT_HANG:
		faults_hang(&g_http_stopping);
		reply_text(reply, 503, "sbxsim: shutting down");
		break;
	case FAULT_GARBAGE:
		free(reply->body);
		reply->status = 200;
		reply->content_type = "application/json";
		reply->body = xstrdup("<html><body>502 Bad Gateway (sbxsim garbage)</body></html>\n");
		reply->len = strlen(reply->body);
		break;
	case FAULT_TRUNCATE:
		req->truncate = true;
		route(req, reply);
		if (!reply->stream && reply->body)
			reply->len /= 2;
		break;
	default:
		route(req, reply);
		break;
	}
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			      const char *version, const char *upload_data, size_t *upload_data_size,
			      void **con_cls)
{
	(void)version;
	bool is_unix = cls != NULL;
	struct conn_ctx *ctx = *con_cls;
	if (!ctx) {
		*con_cls = xcalloc(1, sizeof(*ctx));
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (ctx->len + *upload_data_size > MAX_BODY) {
			ctx->too_big = true;
		} else {
			if (ctx->len + *upload_data_size + 1 > ctx->cap) {
				ctx->cap = (ctx->len + *upload_data_size + 1) * 2;
				ctx->body = xrealloc(ctx->body, ctx->cap);
			}
			memcpy(ctx->body + ctx->len, upload_data, *upload_data_size);
			ctx->len += *upload_data_size;
			ctx->body[ctx->len] = '\0';
		}
		*upload_data_size = 0;
		return MHD_YES;
	}

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	char *query = query_string(conn);
	calllog_http(method, url, query, is_unix ? "unix" : "tcp");
	free(query);
	faults_latency();

	struct http_req req = { conn, method, url, ctx->body ? ctx->body : "", ctx->len, is_unix, false };
	struct http_reply reply = { 0 };
	/* Docker Desktop serves the runner under a prefix on its socket; the
	 * engine answers anything else itself, in its own JSON error format.
	 * TCP accepts both forms, as Desktop's 12434 port proxies either. */
	if (str_starts(url, DD_PREFIX "/"))
		req.path = url + strlen(DD_PREFIX);
	if (is_unix && req.path == url) {
		reply.status = 404;
		reply.content_type = "application/json";
		reply.body = xstrdup("{\"message\":\"page not found\"}\n");
		reply.len = strlen(reply.body);
	} else if (ctx->too_big) {
		reply_text(&reply, 413, "request body too large");
	} else {
		char *op = xasprintf("http.%s %s", method, req.path);
		struct fault f;
		if (faults_check(op, &f))
			apply_fault(&f, &req, &reply);
		else
			route(&req, &reply);
		free(op);
	}

	struct MHD_Response *resp = reply.stream;
	if (!resp) {
		resp = MHD_create_response_from_buffer(reply.len, reply.body, MHD_RESPMEM_MUST_FREE);
		reply.body = NULL;
		if (reply.content_type) {
			MHD_add_response_header(resp, "Content-Type", reply.content_type);
			if (str_starts(reply.content_type, "text/plain"))
				MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* The handler's own time, so benchmarks can subtract the simulator. */
	char timing[64];
	snprintf(timing, sizeof(timing), "sbxsim;dur=%.3f",
		 (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	MHD_add_response_header(resp, "Server-Timing", timing);
	enum MHD_Result rc = MHD_queue_response(conn, (unsigned)(reply.status ? reply.status : 200), resp);
	MHD_destroy_response(resp);
	free(reply.body);
	return rc;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	struct conn_ctx *ctx = *con_cls;
	if (ctx) {
		free(ctx->body);
		free(ctx);
		*con_cls = NULL;
	}
}

static const unsigned int DAEMON_FLAGS =
	MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;

static struct MHD_Daemon *start_tcp(const char *listen, char **addr_out)
{
	char *host = xstrdup(listen);
	char *colon = strrchr(host, ':');
	if (!colon)
		die("--listen wants HOST:PORT, got '%s'", listen);
	*colon = '\0';
	long port = strtol(colon + 1, NULL, 10);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (inet_pton(AF_INET, *host ? host : "127.0.0.1", &sa.sin_addr) != 1)
		die("--listen: not an IPv4 address: '%s'", host);
	struct MHD_Daemon *d = MHD_start_daemon(DAEMON_FLAGS, (uint16_t)port, NULL, NULL, handle, NULL,
						MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
						MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
						MHD_OPTION_CONNECTION_TIMEOUT, 0u, MHD_OPTION_END);
	if (!d)
		die("cannot listen on %s: %s", listen, strerror(errno));
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	*addr_out = xasprintf("%s:%u", *host ? host : "127.0.0.1", info ? (unsigned)info->port : (unsigned)port);
	free(host);
	return d;
}

static struct MHD_Daemon *start_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path))
		die("unix socket path too long: '%s'", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0)
		die("cannot listen on '%s': %s", path, strerror(errno));
	/* A non-NULL cls tells the handler the request came over the socket. */
	static int unix_marker;
	struct MHD_Daemon *d = MHD_start_daemon(DAEMON_FLAGS, 0, NULL, NULL, handle, &unix_marker,
						MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_NOTIFY_COMPLETED,
						completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT, 0u, MHD_OPTION_END);
	if (!d)
		die("cannot serve on '%s'", path);
	return d;
}

int runner_main(int argc, char **argv)
{
	const char *listen = NULL, *unix_path = NULL, *addr_file = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			listen = argv[++i];
		else if (strcmp(argv[i], "--unix") == 0 && i + 1 < argc)
			unix_path = argv[++i];
		else if (strcmp(argv[i], "--addr-file") == 0 && i + 1 < argc)
			addr_file = argv[++i];
		else
			die("usage: sbxsim runner [--listen HOST:PORT] [--unix PATH] [--addr-file PATH]");
	}
	if (!listen && !unix_path)
		listen = "127.0.0.1:12434";
	faults_init();
	faults_set_stop_flag(&g_http_stopping);

	/* Signals go to sigwait() below, never to MHD's threads. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	char *addr = NULL;
	struct MHD_Daemon *tcp = listen ? start_tcp(listen, &addr) : NULL;
	struct MHD_Daemon *ux = unix_path ? start_unix(unix_path) : NULL;
	char *addr_path = addr_file ? xstrdup(addr_file) : state_path("runner.addr");
	char *line = xasprintf("%s\n", addr ? addr : unix_path);
	if (write_file_atomic(addr_path, line, strlen(line)) < 0)
		die("cannot write '%s': %s", addr_path, strerror(errno));
	free(line);
	if (addr)
		printf("sbxsim runner listening on http://%s\n", addr);
	if (unix_path)
		printf("sbxsim runner listening on unix://%s (prefix %s)\n", unix_path, DD_PREFIX);
	fflush(stdout);

	int sig;
	sigwait(&set, &sig);
	g_http_stopping = true;
	if (tcp)
		MHD_stop_daemon(tcp);
	if (ux) {
		MHD_stop_daemon(ux);
		unlink(unix_path);
	}
	unlink(addr_path);
	free(addr_path);
	free(addr);
	return 0;
}
