/*
 * The second half of http.h: one request on its own easy handle, driven by
 * its own multi handle so that curl_multi_poll() can wait on the transfer's
 * sockets and on cancel_fd together. (curl_easy_perform() calls the progress
 * callback only about once a second while a stream is silent, too slow for a
 * Ctrl-C; the progress callback still checks cancel_fd while data flows.)
 */
#include "io/http.h"

#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "os/monotime.h"

/* Longest wait in one curl_multi_poll(); libcurl wakes sooner for its timers. */
#define POLL_MAX_MS 1000

enum body_mode {
	MODE_UNKNOWN,
	MODE_BODY,
	MODE_LINES,
};

struct transfer {
	const struct http_request *req;
	struct http_response *res;
	CURL *h;
	enum body_mode mode;
	struct strbuf line;
	bool cancelled, truncated, line_too_long, aborted;
};

/* Readable, hung up or invalid: all of them mean "stop". */
static bool cancel_pending(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	return fd >= 0 && poll(&pfd, 1, 0) > 0;
}

/* Gives t->line to on_line, then empties it; -1 when on_line said stop. */
static int flush_line(struct transfer *t)
{
	size_t n = t->line.len;
	int rc;

	if (n && t->line.buf[n - 1] == '\r')
		strbuf_setlen(&t->line, --n);
	if (!n)
		return 0;
	t->res->lines++;
	rc = t->req->on_line(t->line.buf, n, t->req->line_data);
	strbuf_reset(&t->line);
	if (rc) {
		t->res->abort_code = rc;
		t->aborted = true;
		return -1;
	}
	return 0;
}

/* Returning less than it was given makes libcurl stop with CURLE_WRITE_ERROR. */
static size_t on_write(char *data, size_t size, size_t nmemb, void *cls)
{
	struct transfer *t = cls;
	size_t n = size * nmemb;
	const char *p = data, *end = data + n;

	if (t->mode == MODE_UNKNOWN) {
		long status = 0;
		curl_easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, &status);
		t->mode = t->req->on_line && status >= 200 && status < 300 ? MODE_LINES : MODE_BODY;
	}
	if (t->mode == MODE_BODY) {
		size_t room = t->req->body_cap - t->res->body.len;
		if (n > room) {
			strbuf_add(&t->res->body, data, room);
			t->truncated = t->res->truncated = true;
			return 0;
		}
		strbuf_add(&t->res->body, data, n);
		return n;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t seg = (size_t)((nl ? nl : end) - p);

		if (seg > t->req->line_cap - t->line.len) {
			t->line_too_long = true;
			return 0;
		}
		strbuf_add(&t->line, p, seg);
		if (!nl)
			break;
		if (flush_line(t) < 0)
			return 0;
		p = nl + 1;
	}
	return n;
}

static int on_progress(void *cls, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	struct transfer *t = cls;
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	if (cancel_pending(t->req->cancel_fd)) {
		t->cancelled = true;
		return 1;
	}
	return 0;
}

static bool is_method(const char *m)
{
	if (!*m)
		return false;
	for (; *m; m++)
		if (*m < 'A' || *m > 'Z')
			return false;
	return true;
}

/* Bytes that curl would reject or encode, and those that end a path. */
static const char *bad_url_char(const char *s, const char *stop)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f || strchr(stop, *s))
			return s;
	return NULL;
}

static int check_request(const struct http_endpoint *ep, const struct http_request *req,
			 const char *method, struct strbuf *why)
{
	const char *bad;

	if (!ep->origin)
		strbuf_addstr(why, "no endpoint");
	else if (!is_method(method))
		strbuf_addf(why, "method '%s' is not an upper-case word", method);
	else if (!req->path || req->path[0] != '/')
		strbuf_addstr(why, "the path does not start with '/'");
	else if ((bad = bad_url_char(req->path, "?#")))
		strbuf_addf(why, "the path holds byte 0x%02x at offset %zu",
			    (unsigned char)*bad, (size_t)(bad - req->path));
	else if (req->query && (bad = bad_url_char(req->query, "#")))
		strbuf_addf(why, "the query holds byte 0x%02x at offset %zu",
			    (unsigned char)*bad, (size_t)(bad - req->query));
	return why->len ? -1 : 0;
}

#define SET(opt, val) \
	do { \
		if (code == CURLE_OK) \
			code = curl_easy_setopt(h, opt, val); \
	} while (0)

static CURLcode setup(struct transfer *t, const struct http_endpoint *ep, const char *method,
		      bool post, const char *url, struct curl_slist *headers, char *errbuf)
{
	const struct http_request *req = t->req;
	CURL *h = t->h;
	CURLcode code = CURLE_OK;

	SET(CURLOPT_URL, url);
	SET(CURLOPT_PATH_AS_IS, 1L);
	if (ep->unix_path)
		SET(CURLOPT_UNIX_SOCKET_PATH, ep->unix_path);
	SET(CURLOPT_PROXY, "");
	SET(CURLOPT_NOPROXY, "*");
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_HTTPHEADER, headers);
	SET(CURLOPT_USERAGENT, "sbxapply");
	SET(CURLOPT_TCP_KEEPALIVE, 1L);

	if (post) {
		size_t len = !req->body ? 0 : req->body_len ? req->body_len
							    : strlen(req->body);
		SET(CURLOPT_POSTFIELDS, req->body ? req->body : "");
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		if (strcmp(method, "POST"))
			SET(CURLOPT_CUSTOMREQUEST, method);
	} else if (!strcmp(method, "GET")) {
		SET(CURLOPT_HTTPGET, 1L);
	} else if (!strcmp(method, "HEAD")) {
		SET(CURLOPT_NOBODY, 1L);
	} else {
		SET(CURLOPT_CUSTOMREQUEST, method);
	}

	if (req->connect_timeout_ms > 0)
		SET(CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms);
	if (req->timeout_ms > 0)
		SET(CURLOPT_TIMEOUT_MS, req->timeout_ms);
	if (req->low_speed_time_s > 0) {
		SET(CURLOPT_LOW_SPEED_LIMIT, req->low_speed_limit > 0 ? req->low_speed_limit : 1L);
		SET(CURLOPT_LOW_SPEED_TIME, req->low_speed_time_s);
	}
	SET(CURLOPT_WRITEFUNCTION, on_write);
	SET(CURLOPT_WRITEDATA, t);
	SET(CURLOPT_NOPROGRESS, 0L);
	SET(CURLOPT_XFERINFOFUNCTION, on_progress);
	SET(CURLOPT_XFERINFODATA, t);
	return code;
}

#undef SET

static struct curl_slist *make_headers(const struct http_request *req, bool post)
{
	struct curl_slist *list = NULL, *next;
	const char *lines[4];
	size_t n = 0;

	lines[n++] = "Accept: application/json";
	/* No "Expect: 100-continue" wait before a large body. */
	lines[n++] = "Expect:";
	if (req->body)
		lines[n++] = "Content-Type: application/json";
	else if (post)
		lines[n++] = "Content-Type:"; /* not libcurl's form type */
	for (size_t i = 0; i < n; i++) {
		if (!(next = curl_slist_append(list, lines[i]))) {
			curl_slist_free_all(list);
			return NULL;
		}
		list = next;
	}
	return list;
}

/* Drives the transfer to its end or to a cancel; the CURLcode, or -1 if none. */
static int run(struct transfer *t, CURLM *multi, struct strbuf *why)
{
	int fd = t->req->cancel_fd;
	CURLMcode mc;
	CURLMsg *msg;
	int running = 1, left;

	while (running) {
		if ((mc = curl_multi_perform(multi, &running)) != CURLM_OK)
			goto multi_failed;
		if (!running)
			break;
		if (t->cancelled || cancel_pending(fd)) {
			t->cancelled = true;
			return -1;
		}
		struct curl_waitfd wfd = { .fd = fd, .events = CURL_WAIT_POLLIN };
		if ((mc = curl_multi_poll(multi, &wfd, fd >= 0 ? 1 : 0, POLL_MAX_MS, NULL)) != CURLM_OK)
			goto multi_failed;
	}
	while ((msg = curl_multi_info_read(multi, &left)))
		if (msg->msg == CURLMSG_DONE && msg->easy_handle == t->h)
			return (int)msg->data.result;
	strbuf_addstr(why, "libcurl did not report the end of the transfer");
	return -1;

multi_failed:
	strbuf_addstr(why, curl_multi_strerror(mc));
	return -1;
}

static void set_what(struct http_response *res, const struct http_endpoint *ep,
		     const char *method, const char *url, const char *path)
{
	strbuf_addf(&res->what, "%s ", method);
	if (ep->unix_path)
		strbuf_addf(&res->what, "%s%s on %s", ep->prefix, path, ep->url);
	else
		strbuf_addstr(&res->what, url);
	if (ep->url)
		strbuf_addstr(&res->endpoint, ep->url);
}

static void reset_response(struct http_response *res, const struct http_request *req)
{
	strbuf_reset(&res->body);
	strbuf_reset(&res->content_type);
	strbuf_reset(&res->curl_message);
	strbuf_reset(&res->what);
	strbuf_reset(&res->endpoint);
	res->status = 0;
	res->truncated = false;
	res->error = HTTP_ERR_NONE;
	res->curl_code = 0;
	res->os_errno = 0;
	res->abort_code = 0;
	res->lines = 0;
	res->attempts = 1;
	res->duration_ms = 0;
	res->timeout_ms = req->timeout_ms;
	res->low_speed_limit = req->low_speed_limit > 0 ? req->low_speed_limit : 1;
	res->low_speed_time_s = req->low_speed_time_s;
	res->body_cap = req->body_cap;
	res->line_cap = req->line_cap;
}

/*
 * CURLE_OPERATION_TIMEDOUT is both the timeouts and the low-speed check.
 * libcurl's message tells them apart ("Operation too slow" from its speed
 * check, "Operation timed out" from a timeout); our own clock is only the
 * fallback, since under load it can disagree with libcurl's by a few ms: a
 * stall when stall detection is on, the connection was made, and the
 * whole-transfer timeout had not yet expired.
 */
static enum http_error classify_timeout(const struct transfer *t, long long elapsed, const char *errbuf)
{
	const struct http_request *req = t->req;
	curl_off_t connect_us = 0;

	if (req->low_speed_time_s <= 0)
		return HTTP_ERR_TIMEOUT;
	if (strstr(errbuf, "too slow"))
		return HTTP_ERR_STALLED;
	if (strstr(errbuf, "timed out"))
		return HTTP_ERR_TIMEOUT;
	if (req->timeout_ms > 0 && elapsed >= req->timeout_ms)
		return HTTP_ERR_TIMEOUT;
	curl_easy_getinfo(t->h, CURLINFO_CONNECT_TIME_T, &connect_us);
	if (connect_us <= 0 && !t->res->status)
		return HTTP_ERR_TIMEOUT;
	return HTTP_ERR_STALLED;
}

static enum http_error classify(const struct transfer *t, int code, long long elapsed, const char *errbuf)
{
	if (t->cancelled)
		return HTTP_ERR_CANCELLED;
	if (t->truncated)
		return HTTP_ERR_TRUNCATED;
	if (t->line_too_long)
		return HTTP_ERR_LINE_TOO_LONG;
	if (t->aborted)
		return HTTP_ERR_ABORTED;
	switch (code) {
	case CURLE_OK:
		return HTTP_ERR_NONE;
	case CURLE_COULDNT_CONNECT:
		return HTTP_ERR_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return classify_timeout(t, elapsed, errbuf);
	default:
		return HTTP_ERR_TRANSPORT;
	}
}

int http_do(const struct http_endpoint *ep, const struct http_request *req,
	    struct http_response *res)
{
	const char *method = req->method ? req->method : "GET";
	struct transfer t = { .req = req, .res = res, .line = STRBUF_INIT };
	struct strbuf url = STRBUF_INIT, why = STRBUF_INIT;
	struct curl_slist *headers = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLM *multi = NULL;
	long long start = monotime_ms();
	int code = -1;
	bool post;

	reset_response(res, req);
	if (check_request(ep, req, method, &why) < 0) {
		if (ep->origin) /* not the path: it may hold control characters */
			set_what(res, ep, method, ep->origin, "");
		res->error = HTTP_ERR_INVALID;
		goto done;
	}
	strbuf_addf(&url, "%s%s%s", ep->origin, ep->prefix, req->path);
	if (req->query && *req->query)
		strbuf_addf(&url, "?%s", req->query);
	set_what(res, ep, method, url.buf, req->path);

	if (cancel_pending(req->cancel_fd)) {
		t.cancelled = true;
		goto done;
	}
	if (http_global_init() < 0) {
		strbuf_addstr(&why, "cannot initialise libcurl");
		goto done;
	}
	/* A body, or a method that needs one: "Content-Length: 0" then. */
	post = req->body || !strcmp(method, "POST") || !strcmp(method, "PUT") ||
	       !strcmp(method, "PATCH");
	if (!(t.h = curl_easy_init()) || !(multi = curl_multi_init()) ||
	    !(headers = make_headers(req, post))) {
		strbuf_addstr(&why, "cannot set up libcurl (out of memory)");
		goto done;
	}
	if ((code = (int)setup(&t, ep, method, post, url.buf, headers, errbuf)) != CURLE_OK) {
		strbuf_addf(&why, "cannot set up libcurl: %s", curl_easy_strerror((CURLcode)code));
		code = -1;
		goto done;
	}
	if (curl_multi_add_handle(multi, t.h) != CURLM_OK) {
		strbuf_addstr(&why, "cannot set up libcurl (multi handle)");
		goto done;
	}
	if (req->counter)
		atomic_fetch_add(req->counter, 1);

	code = run(&t, multi, &why);

	curl_easy_getinfo(t.h, CURLINFO_RESPONSE_CODE, &res->status);
	{
		char *ctype = NULL;
		long os_errno = 0;
		if (curl_easy_getinfo(t.h, CURLINFO_CONTENT_TYPE, &ctype) == CURLE_OK && ctype)
			strbuf_addstr(&res->content_type, ctype);
		if (curl_easy_getinfo(t.h, CURLINFO_OS_ERRNO, &os_errno) == CURLE_OK)
			res->os_errno = (int)os_errno;
	}
	curl_multi_remove_handle(multi, t.h);
	if (code == CURLE_OK && t.mode == MODE_LINES && t.line.len)
		flush_line(&t); /* the last line had no "\n" */

done:
	res->duration_ms = monotime_ms() - start;
	if (code >= 0)
		res->curl_code = code;
	if (res->error == HTTP_ERR_NONE)
		res->error = code < 0 && !t.cancelled ? HTTP_ERR_TRANSPORT
						      : classify(&t, code, res->duration_ms, errbuf);
	if (res->error != HTTP_ERR_CONNECT)
		res->os_errno = 0;
	strbuf_addstr(&res->curl_message, why.len ? why.buf : errbuf);
	if (t.h)
		curl_easy_cleanup(t.h);
	if (multi)
		curl_multi_cleanup(multi);
	curl_slist_free_all(headers);
	strbuf_release(&t.line);
	strbuf_release(&url);
	strbuf_release(&why);
	return res->error == HTTP_ERR_NONE ? 0 : -1;
}
