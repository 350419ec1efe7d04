/*
 * The first half of http.h: endpoints, the lifecycle of requests and
 * responses, messages, and the retry loop. The transfer itself is in
 * http_transfer.c.
 */
#include "io/http.h"

#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "util/xalloc.h"

/* ---- libcurl ---- */

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_code = CURLE_FAILED_INIT;

static void global_init_once(void)
{
	global_code = curl_global_init(CURL_GLOBAL_ALL);
}

int http_global_init(void)
{
	pthread_once(&global_once, global_init_once);
	return global_code == CURLE_OK ? 0 : -1;
}

/* ---- endpoints ---- */

void http_endpoint_init(struct http_endpoint *ep)
{
	struct http_endpoint blank = HTTP_ENDPOINT_INIT;
	*ep = blank;
}

void http_endpoint_release(struct http_endpoint *ep)
{
	free(ep->url);
	free(ep->origin);
	free(ep->prefix);
	free(ep->unix_path);
	http_endpoint_init(ep);
}

static int bad_endpoint(struct strbuf *err, const char *url, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad_endpoint(struct strbuf *err, const char *url, const char *fmt, ...)
{
	va_list ap;
	if (!err)
		return -1;
	strbuf_addstr(err, "invalid endpoint '");
	strbuf_addstr(err, url);
	strbuf_addstr(err, "': ");
	va_start(ap, fmt);
	strbuf_vaddf(err, fmt, ap);
	va_end(ap);
	return -1;
}

static bool has_prefix_icase(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

static bool is_ipv6_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

/* "HOST[:PORT][/BASE]" after "http://": fills ep->origin and ep->prefix. */
static int parse_authority(struct http_endpoint *ep, const char *url, const char *scheme,
			   const char *p, struct strbuf *err)
{
	const char *host = p, *path;
	struct strbuf origin = STRBUF_INIT;
	size_t plen;

	if (*p == '[') {
		for (p++; is_ipv6_char(*p); p++)
			;
		if (*p != ']' || p == host + 1)
			return bad_endpoint(err, url, "malformed IPv6 address, expected [ADDRESS]");
		p++;
	} else {
		for (; is_host_char(*p); p++)
			;
		if (p == host)
			return bad_endpoint(err, url, "no host name, expected %s://HOST[:PORT][/PATH]",
					    scheme);
	}
	if (*p == ':') {
		const char *port = ++p;
		long v = 0;
		for (; *p >= '0' && *p <= '9'; p++)
			if (v <= 65535)
				v = v * 10 + (*p - '0');
		if (p == port || (*p && *p != '/') || v < 1 || v > 65535) {
			size_t n = strcspn(port, "/");
			return bad_endpoint(err, url, "port '%.*s' is not a number between 1 and 65535",
					    (int)n, port);
		}
	}
	if (*p && *p != '/') {
		if (*p == '@')
			return bad_endpoint(err, url, "user names are not supported");
		return bad_endpoint(err, url, "unexpected '%c' after the host name", *p);
	}
	path = p;
	plen = strlen(path);
	while (plen && path[plen - 1] == '/')
		plen--;
	if (strpbrk(path, "?#"))
		return bad_endpoint(err, url, "queries and fragments are not supported");

	strbuf_addstr(&origin, scheme);
	strbuf_addstr(&origin, "://");
	strbuf_add(&origin, host, (size_t)(path - host));
	ep->origin = strbuf_detach(&origin, NULL);
	ep->prefix = xstrndup(path, plen);
	return 0;
}

int http_endpoint_parse(struct http_endpoint *ep, const char *url, struct strbuf *err)
{
	struct http_endpoint out = HTTP_ENDPOINT_INIT;
	int rc;

	for (const char *c = url; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return bad_endpoint(err, url, "holds a space or a control character");

	if (has_prefix_icase(url, "unix://")) {
		const char *path = url + strlen("unix://");
		if (path[0] != '/')
			return bad_endpoint(err, url, "the socket path must be absolute, "
						      "as in unix:///var/run/docker.sock");
		if (!path[1] || path[strlen(path) - 1] == '/')
			return bad_endpoint(err, url, "no socket file name");
		if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
			return bad_endpoint(err, url, "the socket path is longer than %zu bytes",
					    sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
		out.unix_path = xstrdup(path);
		out.origin = xstrdup("http://localhost");
		out.prefix = xstrdup(HTTP_DD_PREFIX);
		rc = 0;
	} else if (has_prefix_icase(url, "http://")) {
		rc = parse_authority(&out, url, "http", url + strlen("http://"), err);
	} else if (has_prefix_icase(url, "https://")) {
		rc = parse_authority(&out, url, "https", url + strlen("https://"), err);
	} else {
		return bad_endpoint(err, url, "expected http://HOST[:PORT][/PATH], "
					      "https://HOST[:PORT][/PATH] or unix:///PATH/TO/SOCKET");
	}
	if (rc < 0) {
		http_endpoint_release(&out);
		return -1;
	}
	out.url = xstrdup(url);
	http_endpoint_release(ep);
	*ep = out;
	return 0;
}

/* ---- requests and responses ---- */

void http_request_init(struct http_request *req)
{
	struct http_request blank = HTTP_REQUEST_INIT;
	*req = blank;
}

void http_response_init(struct http_response *res)
{
	struct http_response blank = HTTP_RESPONSE_INIT;
	*res = blank;
}

void http_response_release(struct http_response *res)
{
	strbuf_release(&res->body);
	strbuf_release(&res->content_type);
	strbuf_release(&res->curl_message);
	strbuf_release(&res->what);
	strbuf_release(&res->endpoint);
	http_response_init(res);
}

void http_query_add(struct strbuf *query, const char *key, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *parts[2] = { key, value };

	if (query->len)
		strbuf_addch(query, '&');
	for (int i = 0; i < 2; i++) {
		if (i)
			strbuf_addch(query, '=');
		for (const unsigned char *s = (const unsigned char *)parts[i]; *s; s++) {
			if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			    (*s >= '0' && *s <= '9') || strchr("-._~", *s)) {
				strbuf_addch(query, *s);
			} else {
				strbuf_addch(query, '%');
				strbuf_addch(query, hex[*s >> 4]);
				strbuf_addch(query, hex[*s & 15]);
			}
		}
	}
}

/* ---- messages ---- */

/* The first line of a text body, trimmed to a readable length. */
static void add_body_excerpt(struct strbuf *out, const struct strbuf *body)
{
	size_t n = 0, max = 200;

	while (n < body->len && n < max && body->buf[n] != '\n' && body->buf[n] != '\r')
		n++;
	while (n && body->buf[n - 1] == ' ')
		n--;
	if (!n)
		return;
	strbuf_addstr(out, ": ");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)body->buf[i];
		strbuf_addch(out, c < ' ' || c == 0x7f ? '?' : c);
	}
	if (n == max && body->len > max)
		strbuf_addstr(out, "...");
}

static void add_curl_message(struct strbuf *out, const struct http_response *res)
{
	if (res->curl_message.len)
		strbuf_addf(out, " (%s)", res->curl_message.buf);
}

void http_describe_error(const struct http_response *res, struct strbuf *out)
{
	const char *what = res->what.len ? res->what.buf : "request";
	char ebuf[128];

	switch (res->error) {
	case HTTP_ERR_NONE:
		if (res->status >= 400) {
			strbuf_addf(out, "'%s' failed with HTTP %ld", what, res->status);
			add_body_excerpt(out, &res->body);
		} else {
			strbuf_addf(out, "'%s' answered HTTP %ld", what, res->status);
		}
		return;
	case HTTP_ERR_INVALID:
		strbuf_addf(out, "invalid request '%s'", what);
		add_curl_message(out, res);
		return;
	case HTTP_ERR_CONNECT:
		strbuf_addf(out, "cannot connect to '%s'",
			    res->endpoint.len ? res->endpoint.buf : what);
		/* libcurl's text names port 80 for a socket: prefer errno's. */
		if (res->os_errno && !strerror_r(res->os_errno, ebuf, sizeof(ebuf)))
			strbuf_addf(out, ": %s", ebuf);
		else if (res->curl_message.len)
			strbuf_addf(out, ": %s", res->curl_message.buf);
		return;
	case HTTP_ERR_TIMEOUT:
		strbuf_addf(out, "'%s' timed out after %lld ms", what, res->duration_ms);
		if (!res->status)
			strbuf_addstr(out, " without an answer");
		add_curl_message(out, res);
		return;
	case HTTP_ERR_STALLED:
		strbuf_addf(out, "'%s' stalled: under %ld bytes/s for %ld s", what,
			    res->low_speed_limit, res->low_speed_time_s);
		return;
	case HTTP_ERR_CANCELLED:
		strbuf_addf(out, "'%s' cancelled", what);
		return;
	case HTTP_ERR_TRUNCATED:
		strbuf_addf(out, "'%s': the response body is larger than %zu bytes",
			    what, res->body_cap);
		return;
	case HTTP_ERR_LINE_TOO_LONG:
		strbuf_addf(out, "'%s': a streamed line is longer than %zu bytes",
			    what, res->line_cap);
		return;
	case HTTP_ERR_ABORTED:
		strbuf_addf(out, "'%s' stopped after %zu streamed lines", what, res->lines);
		return;
	case HTTP_ERR_TRANSPORT:
		strbuf_addf(out, "'%s' failed", what);
		if (res->curl_message.len)
			strbuf_addf(out, ": %s", res->curl_message.buf);
		return;
	}
	strbuf_addf(out, "'%s' failed", what);
}

/* ---- retries ---- */

void http_retry_init(struct http_retry *retry)
{
	struct http_retry blank = HTTP_RETRY_INIT;
	*retry = blank;
}

bool http_response_retryable(const struct http_response *res)
{
	switch (res->error) {
	case HTTP_ERR_CONNECT:
	case HTTP_ERR_STALLED:
		return true;
	case HTTP_ERR_NONE:
		return res->status == 502 || res->status == 503 || res->status == 504;
	default:
		return false;
	}
}

/* Sleeps ms unless cancel_fd becomes readable first: then returns -1. */
static int sleep_cancellable(long ms, int cancel_fd)
{
	struct timespec start, now;
	long left = ms;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (left > 0) {
		struct pollfd pfd = { .fd = cancel_fd, .events = POLLIN };
		int n = poll(&pfd, cancel_fd >= 0 ? 1 : 0, (int)(left < 60000 ? left : 60000));
		if (n > 0)
			return -1;
		if (n < 0 && errno != EINTR)
			return -1; /* a broken cancel_fd: do not spin */
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = ms - ((now.tv_sec - start.tv_sec) * 1000 +
			     (now.tv_nsec - start.tv_nsec) / 1000000);
	}
	return 0;
}

static long backoff_ms(const struct http_retry *retry, unsigned failures, unsigned *seed)
{
	long d = retry->base_delay_ms > 0 ? retry->base_delay_ms : 0;
	long max = retry->max_delay_ms > 0 ? retry->max_delay_ms : d;

	for (unsigned i = 1; i < failures && d < max; i++)
		d = d > LONG_MAX / 2 ? max : d * 2;
	if (d > max)
		d = max;
	/* "Equal jitter": half fixed, half random, so clients spread out. */
	return d / 2 + (d / 2 ? (long)(rand_r(seed) % (d / 2 + 1)) : 0);
}

int http_do_with_retry(const struct http_endpoint *ep, const struct http_request *req,
		       const struct http_retry *retry, struct http_response *res)
{
	unsigned max = retry->attempts ? retry->attempts : 1;
	struct timespec ts;
	unsigned seed;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	seed = (unsigned)ts.tv_nsec ^ (unsigned)getpid() ^ (unsigned)(uintptr_t)res;

	for (unsigned n = 1;; n++) {
		rc = http_do(ep, req, res);
		res->attempts = n;
		if (n >= max || !http_response_retryable(res))
			return rc;
		if (res->lines && !retry->after_lines)
			return rc;
		if (sleep_cancellable(backoff_ms(retry, n, &seed), req->cancel_fd) < 0) {
			res->error = HTTP_ERR_CANCELLED;
			return -1;
		}
	}
}
