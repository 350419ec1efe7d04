/*
 * sbx_proxy: the policy proxy between a simulated sandbox and the simulated
 * host (sbx_proxy.h).  One serving process per `sbx exec`, one forked
 * process per connection: the exec itself stays single-threaded, and a
 * client that hangs holds nobody else up.
 *
 * The refusal texts follow the shapes sbx's own guidance for agents gives
 * (https://github.com/docker/sbx-releases/issues/567) and the sample in
 * https://github.com/docker/sbx-releases/issues/611; which host the real
 * proxy names after rewriting host.docker.internal, and everything about
 * upstream failures (502 and its body), are sbxsim's choices.
 */
#define _GNU_SOURCE
#include "sbx_proxy.h"

#include "calllog.h"
#include "sbx_internal.h"
#include "sbx_policy.h"
#include "state.h"
#include "util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define HEAD_MAX 65536
#define HEAD_WAIT_MS 30000
#define IDLE_MS 600000
#define DMR_PORT 12434 /* where the guide's sandboxes look for the runner */

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void reply(int fd, int status, const char *reason, const char *body)
{
	char *head = xasprintf("HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
			       "Content-Length: %zu\r\nConnection: close\r\n\r\n",
			       status, reason, strlen(body));
	if (write_all(fd, head, strlen(head)) == 0)
		write_all(fd, body, strlen(body));
	free(head);
}

/* Reads up to the blank line after the headers; returns the head's length
 * (buf holds *got bytes: the head and any body bytes after it), or -1. */
static long read_head(int fd, char *buf, size_t cap, size_t *got)
{
	*got = 0;
	while (*got < cap - 1) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (poll(&pfd, 1, HEAD_WAIT_MS) <= 0)
			return -1;
		ssize_t n = read(fd, buf + *got, cap - 1 - *got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		*got += (size_t)n;
		buf[*got] = '\0';
		char *end = strstr(buf, "\r\n\r\n");
		if (end)
			return end + 4 - buf;
	}
	return -1;
}

struct target {
	char *method, *host, *path; /* host lowercased; path NULL for CONNECT */
	int port;
};

static void target_free(struct target *t)
{
	free(t->method);
	free(t->host);
	free(t->path);
}

/* "METHOD http://host[:port]/path HTTP/1.1" or "CONNECT host:port HTTP/1.1"; -1 with *why. */
static int parse_request_line(const char *head, struct target *t, const char **why)
{
	memset(t, 0, sizeof(*t));
	size_t line_len = strcspn(head, "\r\n");
	char *line = xstrndup(head, line_len);
	char *save = NULL, *method = strtok_r(line, " ", &save), *uri = strtok_r(NULL, " ", &save);
	int rc = -1;
	*why = "malformed request line";
	if (!method || !uri || !strtok_r(NULL, " ", &save))
		goto out;
	t->method = xstrdup(method);
	const char *hp = uri;
	if (strcmp(method, "CONNECT") != 0) {
		if (strncasecmp(uri, "http://", 7) != 0) {
			*why = strncasecmp(uri, "https://", 8) == 0 ? "https:// in a plain proxy request is not simulated"
								    : "a proxy request needs an absolute http:// URL";
			goto out;
		}
		hp = uri + 7;
	}
	size_t hp_len = strcspn(hp, "/?#");
	char *hostport = xstrndup(hp, hp_len);
	char *colon = strrchr(hostport, ':');
	long port = strcmp(method, "CONNECT") == 0 ? 443 : 80;
	if (colon) {
		char *end;
		port = strtol(colon + 1, &end, 10);
		*colon = '\0';
		if (*end || port < 1 || port > 65535) {
			free(hostport);
			goto out;
		}
	}
	for (char *c = hostport; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	t->host = hostport;
	t->port = (int)port;
	if (strcmp(method, "CONNECT") != 0)
		t->path = hp[hp_len] == '/' ? xstrdup(hp + hp_len) : xasprintf("/%s", hp + hp_len);
	rc = *t->host ? 0 : -1;
out:
	free(line);
	return rc;
}

/* The runner's TCP address from runner.addr ("HOST:PORT"); -1 when it has none (stopped, or --unix only). */
static int runner_tcp(struct sockaddr_in *sa)
{
	char *p = state_path("runner.addr");
	char *addr = read_file(p, NULL);
	free(p);
	int rc = -1;
	if (addr && addr[0] != '/') {
		addr[strcspn(addr, "\n")] = '\0';
		char *colon = strrchr(addr, ':');
		if (colon) {
			*colon = '\0';
			memset(sa, 0, sizeof(*sa));
			sa->sin_family = AF_INET;
			sa->sin_port = htons((uint16_t)atoi(colon + 1));
			const char *host = strcmp(addr, "localhost") == 0 ? "127.0.0.1" : addr;
			rc = inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
		}
	}
	free(addr);
	return rc;
}

/* The refusal's body: local deny, org policy, or the multi-line form. */
static char *refusal(enum policy_verdict v, const cJSON *by, const char *target)
{
	if (v == POLICY_DENIED_DEFAULT)
		return xasprintf("Blocked by network policy: domain %s\n"
				 "  detail: no matching allow rule - blocked by default deny policy\n",
				 target);
	const char *source = json_str(by, "source", "local"), *id = json_str(by, "id", "");
	if (strcmp(source, "org") == 0)
		return xstrdup("Blocked by org policy\n");
	if (strcmp(source, "local") == 0 && !str_starts(id, "default-"))
		return xasprintf("Blocked by local rule for %s\n", target);
	const char *name = json_str(by, "name", "");
	return xasprintf("Blocked by network policy: domain %s\n"
			 "  rule:   \"%s\" (domain, deny)\n"
			 "  origin: %s\n"
			 "  detail: denied by rule %s\n",
			 target, *name ? name : id, str_starts(id, "default-") ? "default" : source, id);
}

/* Copies bytes both ways until the upstream closes (it was asked to). */
static void relay(int client, int up)
{
	char buf[16384];
	bool client_open = true;
	for (;;) {
		struct pollfd pfd[2] = { { .fd = up, .events = POLLIN }, { .fd = client, .events = POLLIN } };
		int n = poll(pfd, client_open ? 2 : 1, IDLE_MS);
		if (n <= 0)
			return;
		if (pfd[0].revents) {
			ssize_t r = read(up, buf, sizeof(buf));
			if (r <= 0 || write_all(client, buf, (size_t)r) < 0)
				return;
		}
		if (client_open && pfd[1].revents) {
			ssize_t r = read(client, buf, sizeof(buf));
			if (r <= 0) {
				client_open = false;
				shutdown(up, SHUT_WR);
			} else if (write_all(up, buf, (size_t)r) < 0) {
				return;
			}
		}
	}
}

/* The request again in origin form (as HTTP/1.1), without hop-by-hop headers, asking the upstream to close. */
static char *rewrite_head(const char *head, long head_len, const struct target *t)
{
	static const char *const drop[] = { "proxy-connection:", "proxy-authorization:", "connection:", "keep-alive:", NULL };
	struct {
		char *p;
		size_t len, cap;
	} out = { 0 };
	char *first = xasprintf("%s %s HTTP/1.1\r\n", t->method, t->path);
	out.cap = strlen(first) + (size_t)head_len + 64;
	out.p = xmalloc(out.cap);
	memcpy(out.p, first, strlen(first));
	out.len = strlen(first);
	free(first);
	const char *p = strstr(head, "\r\n") + 2, *end = head + head_len - 2; /* before the blank line */
	while (p < end) {
		const char *eol = strstr(p, "\r\n");
		if (!eol || eol > end)
			eol = end;
		bool keep = true;
		for (size_t i = 0; drop[i] && keep; i++)
			keep = strncasecmp(p, drop[i], strlen(drop[i])) != 0;
		if (keep) {
			memcpy(out.p + out.len, p, (size_t)(eol - p) + 2);
			out.len += (size_t)(eol - p) + 2;
		}
		p = eol + 2;
	}
	const char *tail = "Connection: close\r\n\r\n";
	memcpy(out.p + out.len, tail, strlen(tail) + 1);
	return out.p;
}

static void handle(int client, const char *sandbox)
{
	char *buf = xmalloc(HEAD_MAX);
	size_t got;
	long head_len = read_head(client, buf, HEAD_MAX, &got);
	if (head_len < 0) {
		reply(client, 400, "Bad Request", "sbxsim proxy: incomplete request head\n");
		free(buf);
		return;
	}
	struct target t;
	const char *why;
	if (parse_request_line(buf, &t, &why) < 0) {
		char *body = xasprintf("sbxsim proxy: %s\n", why);
		reply(client, 400, "Bad Request", body);
		free(body);
		target_free(&t);
		free(buf);
		return;
	}
	/* The proxy matches after rewriting host.docker.internal to localhost (docs/backends.md §9). */
	const char *host = strcmp(t.host, "host.docker.internal") == 0 ? "localhost" : t.host;
	char *target = xasprintf("%s:%d", host, t.port);
	char *asked = t.path ? xasprintf("%s http://%s:%d%s", t.method, t.host, t.port, t.path)
			     : xasprintf("CONNECT %s:%d", t.host, t.port);
	int lock = state_lock();
	cJSON *doc = policies_load();
	state_unlock(lock);
	const cJSON *by;
	enum policy_verdict v = policy_decide(doc, sandbox, target, &by);
	calllog_proxy(sandbox, asked, target, v == POLICY_ALLOWED ? "allowed" : "denied", by ? json_str(by, "id", "") : NULL);
	struct sockaddr_in sa;
	bool runner_port = false;
	if (v == POLICY_ALLOWED && (strcmp(host, "localhost") == 0 || strcmp(host, "127.0.0.1") == 0) &&
	    runner_tcp(&sa) == 0)
		runner_port = t.port == DMR_PORT || t.port == ntohs(sa.sin_port);
	if (v != POLICY_ALLOWED) {
		char *body = refusal(v, by, target);
		reply(client, 403, "Forbidden", body);
		free(body);
	} else if (!t.path) {
		reply(client, 502, "Bad Gateway", "sbxsim proxy: HTTPS through the sandbox proxy is not simulated\n");
	} else if (!runner_port) {
		char *body = (strcmp(host, "localhost") == 0 || strcmp(host, "127.0.0.1") == 0) && t.port == DMR_PORT
				     ? xasprintf("sbxsim proxy: dial %s: connection refused (the runner is not listening on TCP)\n", target)
				     : xasprintf("sbxsim proxy: nothing is simulated at %s (the simulated host serves only "
						 "Docker Model Runner on localhost:%d)\n",
						 target, DMR_PORT);
		reply(client, 502, "Bad Gateway", body);
		free(body);
	} else {
		int up = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (up < 0 || connect(up, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			char *body = xasprintf("sbxsim proxy: dial %s: %s\n", target, strerror(errno));
			reply(client, 502, "Bad Gateway", body);
			free(body);
		} else {
			char *head = rewrite_head(buf, head_len, &t);
			if (write_all(up, head, strlen(head)) == 0 &&
			    write_all(up, buf + head_len, got - (size_t)head_len) == 0)
				relay(client, up);
			free(head);
		}
		if (up >= 0)
			close(up);
	}
	cJSON_Delete(doc);
	free(asked);
	free(target);
	target_free(&t);
	free(buf);
}

static _Noreturn void serve(int fd, const char *sandbox, pid_t parent)
{
	/* Ends with the exec that started it, whatever happens to that. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	/* Never a byte on the exec's own output, nor its pipes held open. */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	signal(SIGCHLD, SIG_IGN); /* connection processes reap themselves */
	signal(SIGPIPE, SIG_IGN);
	pid_t self = getpid();
	for (;;) {
		int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			_exit(1);
		}
		pid_t pid = fork();
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != self)
				_exit(0);
			close(fd);
			handle(c, sandbox);
			shutdown(c, SHUT_RDWR);
			close(c);
			_exit(0);
		}
		close(c);
	}
}

int sbx_proxy_start(struct sbx_proxy *p, const char *name)
{
	p->pid = 0;
	p->port = 0;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0)
		serve(fd, name, parent);
	close(fd);
	if (pid < 0)
		return -1;
	p->pid = pid;
	p->port = ntohs(sa.sin_port);
	return 0;
}

void sbx_proxy_stop(struct sbx_proxy *p)
{
	if (p->pid <= 0)
		return;
	kill(p->pid, SIGKILL);
	while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
		;
	p->pid = 0;
}
