#ifndef SBXAPPLY_IO_HTTP_H
#define SBXAPPLY_IO_HTTP_H
/*
 * HTTP requests to Docker Model Runner (DMR) over libcurl.
 *
 * Contract:
 * - Endpoints: "http://HOST[:PORT][/BASE]", "https://..." or
 *   "unix:///path/to/docker.sock". Through a socket, requests go to
 *   http://localhost and every path gets Docker Desktop's prefix
 *   HTTP_DD_PREFIX ("/exp/vDD4.40", docs/backends.md §1); a BASE path is
 *   likewise prepended to every request path.
 * - The path is sent exactly as given (curl neither re-encodes it nor removes
 *   "." segments), so model refs go in unescaped: "/models/ai/smollm2:latest".
 *   It must start with '/' and hold no space, control or non-ASCII byte,
 *   '?' or '#' (else HTTP_ERR_INVALID, nothing sent); the query is passed
 *   apart, already escaped (http_query_add() escapes).
 * - Never a proxy (http_proxy, ALL_PROXY and the rest are ignored: libcurl
 *   would send even 127.0.0.1 through them), never a redirect (a 3xx is
 *   returned as it is), only http and https.
 * - Ownership: a request only borrows (path, query, body, callback data: keep
 *   them alive until http_do() returns) and needs no release. An endpoint
 *   owns its strings (http_endpoint_release()). A response owns its buffers;
 *   http_response_release() frees them, strbuf_detach() takes them.
 * - Retries: only http_do_with_retry() retries, and only what
 *   http_response_retryable() allows (see there for streams).
 * - Errors: http_do() returns 0 when a complete HTTP response was received,
 *   whatever its status (check res->status), and -1 otherwise with the reason
 *   in res->error: no connection, timeout, stall, cancel, a body over the
 *   cap, ... Then res->status is still set if a status line arrived (a
 *   timeout in the middle of a body) and 0 if not. http_describe_error()
 *   turns either into a message.
 * - Streams: with req->on_line set and a 2xx status, the body is not stored
 *   but cut into lines (NDJSON): each complete line goes to on_line without
 *   its "\n" (and "\r"), blank lines are skipped, and a last line without
 *   "\n" is delivered at a clean end of the body, never after an error. A
 *   non-2xx body (DMR's text/plain errors) is stored in res->body instead.
 * - Cancellation: req->cancel_fd is polled together with the transfer's
 *   sockets, so a transfer stops the moment it becomes readable (or hung up):
 *   make it the read end of a self-pipe the SIGINT handler writes to and
 *   never drain it. A cancel is reported as HTTP_ERR_CANCELLED, never as a
 *   network error, and nothing is sent if it is readable before the start.
 * - Threads: curl_global_init() runs once (pthread_once) on the first
 *   request, or at http_global_init(); curl_global_cleanup() is never called.
 *   Every http_do() uses its own curl handles, so requests may run in
 *   parallel from any threads; callbacks run in the calling thread. No
 *   signal is used (CURLOPT_NOSIGNAL). On Linux libcurl sends with
 *   MSG_NOSIGNAL, so a peer that went away raises no SIGPIPE; on other
 *   systems the program should ignore SIGPIPE.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

#define HTTP_DD_PREFIX "/exp/vDD4.40"

#define HTTP_DEFAULT_CONNECT_TIMEOUT_MS 5000L
#define HTTP_DEFAULT_TIMEOUT_MS 30000L
#define HTTP_DEFAULT_BODY_CAP ((size_t)8 << 20)
#define HTTP_DEFAULT_LINE_CAP ((size_t)1 << 20)

struct http_endpoint {
	char *url;	 /* as given, for messages */
	char *origin;	 /* "http://host:port", "http://localhost" for a socket */
	char *prefix;	 /* prepended to every path: "", "/base" or HTTP_DD_PREFIX */
	char *unix_path; /* NULL: TCP */
};

/* clang-format off */
#define HTTP_ENDPOINT_INIT { 0 }
/* clang-format on */

void http_endpoint_init(struct http_endpoint *ep);
void http_endpoint_release(struct http_endpoint *ep);
/*
 * Parses url into ep (initialised; its old contents are released). -1 with a
 * message appended to err (which may be NULL) when url is malformed, e.g.
 * "invalid endpoint 'http://x:99999': port '99999' is not a number between 1
 * and 65535".
 */
int http_endpoint_parse(struct http_endpoint *ep, const char *url, struct strbuf *err);

/*
 * Called once per line of a streamed 2xx body; line is NUL-terminated and
 * may hold NUL bytes (len counts them). A non-zero return stops the transfer:
 * http_do() fails with HTTP_ERR_ABORTED and the value in res->abort_code.
 */
typedef int (*http_line_fn)(const char *line, size_t len, void *data);

struct http_request {
	const char *method; /* NULL: "GET" */
	const char *path;   /* "/models/ai/smollm2:latest", sent as is */
	const char *query;  /* escaped, without '?'; NULL: none */
	const char *body;   /* JSON; NULL: none */
	size_t body_len;    /* 0: strlen(body) */

	long connect_timeout_ms; /* <= 0: libcurl's own (300 s) */
	long timeout_ms;	 /* whole transfer; <= 0: none (then set stall detection) */
	/*
	 * A transfer slower than low_speed_limit bytes/s (libcurl's average over
	 * the last 5 s) for low_speed_time_s fails with HTTP_ERR_STALLED. Set it
	 * for every stream that has no timeout_ms; 0: off.
	 */
	long low_speed_limit;
	long low_speed_time_s;

	size_t body_cap;      /* bytes of body kept; more fails with HTTP_ERR_TRUNCATED */
	size_t line_cap;      /* longest streamed line; more fails with HTTP_ERR_LINE_TOO_LONG */
	http_line_fn on_line; /* NULL: store the body */
	void *line_data;

	int cancel_fd;	       /* -1: none */
	atomic_ulong *counter; /* incremented per request sent; NULL: none */
};

/* clang-format off */
#define HTTP_REQUEST_INIT { \
	.connect_timeout_ms = HTTP_DEFAULT_CONNECT_TIMEOUT_MS, \
	.timeout_ms = HTTP_DEFAULT_TIMEOUT_MS, .low_speed_limit = 1, \
	.body_cap = HTTP_DEFAULT_BODY_CAP, .line_cap = HTTP_DEFAULT_LINE_CAP, \
	.cancel_fd = -1 }
/* clang-format on */

void http_request_init(struct http_request *req);

enum http_error {
	HTTP_ERR_NONE = 0,	/* a complete response: see status */
	HTTP_ERR_INVALID,	/* bad request fields, nothing sent */
	HTTP_ERR_CONNECT,	/* refused, no such socket, unreachable: see os_errno */
	HTTP_ERR_TIMEOUT,	/* connect_timeout_ms or timeout_ms expired */
	HTTP_ERR_STALLED,	/* under low_speed_limit for low_speed_time_s */
	HTTP_ERR_CANCELLED,	/* cancel_fd became readable */
	HTTP_ERR_TRUNCATED,	/* body over body_cap: body holds the first body_cap bytes */
	HTTP_ERR_LINE_TOO_LONG, /* a streamed line over line_cap */
	HTTP_ERR_ABORTED,	/* on_line returned non-zero */
	HTTP_ERR_TRANSPORT,	/* any other libcurl failure: see curl_message */
};

struct http_response {
	long status; /* 0: no status line received */
	struct strbuf body;
	struct strbuf content_type; /* "" when absent */
	bool truncated;

	enum http_error error;
	int curl_code;		    /* CURLcode, 0: none */
	int os_errno;		    /* errno of a failed connect, 0: none */
	struct strbuf curl_message; /* libcurl's error buffer, "" when none */
	int abort_code;		    /* what on_line returned to stop */

	size_t lines;	   /* lines given to on_line */
	unsigned attempts; /* requests sent by http_do_with_retry(), 1 by http_do() */
	long long duration_ms;

	/*
	 * For messages: what = "GET http://127.0.0.1:12434/models" (through a
	 * socket "GET /exp/vDD4.40/models on unix:///var/run/docker.sock"),
	 * endpoint = the endpoint's URL as given.
	 */
	struct strbuf what, endpoint;
	/* Copied from the request for messages. */
	long timeout_ms, low_speed_limit, low_speed_time_s;
	size_t body_cap, line_cap;
};

/* clang-format off */
#define HTTP_RESPONSE_INIT { .body = STRBUF_INIT, .content_type = STRBUF_INIT, \
	.curl_message = STRBUF_INIT, .what = STRBUF_INIT, .endpoint = STRBUF_INIT }
/* clang-format on */

void http_response_init(struct http_response *res);
void http_response_release(struct http_response *res);

/* Initialises libcurl now (it is otherwise done by the first request); -1 on failure. */
int http_global_init(void);

/*
 * Performs one request. res must be initialised; its buffers are reset and
 * reused. Returns 0 or -1 as the contract above says.
 */
int http_do(const struct http_endpoint *ep, const struct http_request *req,
	    struct http_response *res);

struct http_retry {
	unsigned attempts;  /* requests at most, counting the first; 0 acts as 1 */
	long base_delay_ms; /* before the 2nd attempt; doubles each time */
	long max_delay_ms;  /* ceiling of one delay; <= 0: base_delay_ms */
	/*
	 * A stream whose on_line already received lines is not retried: a second
	 * request would replay them. Set this when on_line can take a replay
	 * (e.g. it keeps the latest progress per layer id).
	 */
	bool after_lines;
};

/* clang-format off */
#define HTTP_RETRY_INIT { .attempts = 4, .base_delay_ms = 250, .max_delay_ms = 4000 }
/* clang-format on */

void http_retry_init(struct http_retry *retry);

/*
 * Whether another attempt could succeed: no connection (refused, no socket),
 * HTTP 502, 503 or 504, or a stalled transfer. Never a cancel, a timeout or
 * any other status.
 */
bool http_response_retryable(const struct http_response *res);

/*
 * http_do() until its result is not retryable, the attempts are used up, or
 * lines were streamed (see after_lines). Attempt n
 * waits d = min(max_delay_ms, base_delay_ms * 2^(n-2)) first, jittered into
 * [d/2, d]; cancel_fd cuts the wait short (then HTTP_ERR_CANCELLED, -1). The
 * result is the last attempt's, with res->attempts the number made.
 */
int http_do_with_retry(const struct http_endpoint *ep, const struct http_request *req,
		       const struct http_retry *retry, struct http_response *res);

/*
 * Appends what went wrong in the project's message style, naming the request:
 * "cannot connect to 'http://127.0.0.1:12434': Connection refused",
 * "'GET http://.../models/x' failed with HTTP 404: model not found",
 * "'POST http://.../models/create' stalled: under 1 bytes/s for 60 s". A 2xx
 * or 3xx response appends "'GET ...' answered HTTP 200".
 */
void http_describe_error(const struct http_response *res, struct strbuf *out);

/* Appends "key=value" to a query, '&'-separated, percent-escaping both. */
void http_query_add(struct strbuf *query, const char *key, const char *value);

#endif
