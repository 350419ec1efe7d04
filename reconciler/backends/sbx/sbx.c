#include "sbx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sbx/sbx_parse.h"
#include "util/strutil.h"
#include "util/xalloc.h"

/* `sbx ls` has hung for minutes on a frozen VM (docs/backends.md §8): every call is bounded. */
#define SBX_TIMEOUT_MS 60000
#define SBX_INSTALL_HINT "install Docker Sandboxes (https://docs.docker.com/ai/sandboxes/get-started/) " \
			 "or set SBXAPPLY_SBX to the sbx program"

static void once_init(struct sbx_once *o)
{
	pthread_mutex_init(&o->lock, NULL);
	o->state = 0;
	strbuf_init(&o->out);
	strbuf_init(&o->err);
}

static void once_release(struct sbx_once *o)
{
	pthread_mutex_destroy(&o->lock);
	strbuf_release(&o->out);
	strbuf_release(&o->err);
}

void sbx_client_init(struct sbx_client *c, int cancel_fd, atomic_ulong *counter)
{
	memset(c, 0, sizeof(*c));
	const char *program = getenv("SBXAPPLY_SBX");
	c->program = xstrdup(program && *program ? program : "sbx");
	c->timeout_ms = SBX_TIMEOUT_MS;
	long t;
	const char *timeout = getenv("SBXAPPLY_SBX_TIMEOUT_MS");
	if (timeout && str_to_long(timeout, 100, 3600000, &t))
		c->timeout_ms = (int)t;
	c->cancel_fd = cancel_fd;
	c->counter = counter;
	pthread_mutex_init(&c->lock, NULL);
	strbuf_init(&c->error);
	strbuf_init(&c->warning);
	once_init(&c->ls);
	once_init(&c->policy_ls);
	once_init(&c->policy_ls_wide);
	once_init(&c->secret_ls);
}

void sbx_client_release(struct sbx_client *c)
{
	free(c->program);
	free(c->cache_dir);
	free(c->path);
	free(c->version_line);
	pthread_mutex_destroy(&c->lock);
	strbuf_release(&c->error);
	strbuf_release(&c->warning);
	once_release(&c->ls);
	once_release(&c->policy_ls);
	once_release(&c->policy_ls_wide);
	once_release(&c->secret_ls);
	memset(c, 0, sizeof(*c));
}

/* "sbx ls", "sbx policy ls": the command words, for messages (never values). */
static void describe_command(struct strbuf *sb, const char *const *args)
{
	strbuf_addstr(sb, "sbx");
	for (size_t i = 0; args[i] && i < 3; i++) {
		if (args[i][0] == '-')
			break;
		strbuf_addf(sb, " %s", args[i]);
		if (strcmp(args[i], "policy") && strcmp(args[i], "secret"))
			break;
	}
}

void sbx_error_reason(const char *text, struct strbuf *out)
{
	const char *p = text, *error = strstr(p, "ERROR:");
	if (!error)
		error = strstr(p, "Error:");
	if (error && (error == p || error[-1] == '\n' || error[-1] == ' '))
		p = error;
	while (*p == '\n' || *p == '\r' || *p == ' ')
		p++;
	size_t n = strcspn(p, "\r\n");
	if (n > 300)
		n = 300;
	strbuf_add(out, p, n);
}

static int run(struct sbx_client *c, const char *const *args, bool no_input, int timeout_ms, const void *in,
	       size_t in_len, struct spawn_result *res, struct strbuf *err)
{
	struct spawn_request req = SPAWN_REQUEST_INIT;
	spawn_request_arg(&req, c->program);
	if (no_input)
		spawn_request_arg(&req, "--no-input");
	spawn_request_args(&req, args);
	if (in && in_len)
		spawn_request_stdin(&req, in, in_len);
	req.timeout_ms = timeout_ms;
	req.cancel_fd = c->cancel_fd;
	req.counter = c->counter;
	req.out_cap = (size_t)8 << 20;
	req.err_cap = (size_t)64 << 10;
	int rc = spawn_run(&req, res);
	spawn_request_release(&req);
	if (rc == 0 && spawn_result_ok(res))
		return 0;
	struct strbuf what = STRBUF_INIT;
	describe_command(&what, args);
	if (spawn_result_not_found(res)) {
		strbuf_addf(err, "'%s' not found: %s", c->program, SBX_INSTALL_HINT);
	} else if (res->timed_out) {
		strbuf_addf(err, "'%s' timed out after %d ms (sbx can hang when a sandbox VM froze; "
				 "its answer is unknown, not empty)",
			    what.buf, timeout_ms);
	} else if (res->cancelled) {
		strbuf_addf(err, "'%s' interrupted", what.buf);
	} else if (rc < 0) {
		strbuf_addf(err, "cannot run '%s': %s", what.buf, strerror(res->spawn_errno ? res->spawn_errno : 0));
	} else {
		spawn_result_describe(res, what.buf, err);
		if (res->err.len) {
			strbuf_addstr(err, ": ");
			sbx_error_reason(res->err.buf, err);
		}
	}
	strbuf_release(&what);
	return -1;
}

int sbx_run_plain(struct sbx_client *c, const char *const *args, int timeout_ms, struct spawn_result *res,
		  struct strbuf *err)
{
	return run(c, args, false, timeout_ms, NULL, 0, res, err);
}

/* What cobra says when a flag or command is not there: the capabilities were wrong. */
static bool unknown_syntax(const struct spawn_result *res)
{
	return strstr(res->err.buf, "unknown flag") || strstr(res->err.buf, "unknown shorthand flag") ||
	       strstr(res->err.buf, "unknown command");
}

int sbx_call(struct sbx_client *c, const char *const *args, const void *in, size_t in_len,
	     struct spawn_result *res, struct strbuf *err)
{
	return sbx_call_timeout(c, args, in, in_len, c->timeout_ms, res, err);
}

int sbx_call_timeout(struct sbx_client *c, const char *const *args, const void *in, size_t in_len, int timeout_ms,
		     struct spawn_result *res, struct strbuf *err)
{
	if (sbx_client_detect(c, err) < 0)
		return -1;
	int rc = run(c, args, c->caps.no_input, timeout_ms, in, in_len, res, err);
	if (rc < 0 && c->from_cache && unknown_syntax(res)) {
		/* the cached answer no longer fits this binary: the next run asks it again */
		sbx_client_forget_cached(c);
		strbuf_addstr(err, " (the remembered capabilities of this sbx were wrong: the next run asks it again)");
	}
	return rc;
}

static int once(struct sbx_client *c, struct sbx_once *o, const char *const *args, const struct strbuf **out,
		struct strbuf *err)
{
	pthread_mutex_lock(&o->lock);
	if (o->state == 0) {
		struct spawn_result res = SPAWN_RESULT_INIT;
		o->state = sbx_call(c, args, NULL, 0, &res, &o->err) == 0 ? 1 : -1;
		if (o->state > 0)
			strbuf_addbuf(&o->out, &res.out);
		spawn_result_release(&res);
	}
	int rc = o->state > 0 ? 0 : -1;
	if (rc < 0)
		strbuf_addstr(err, o->err.buf);
	*out = &o->out;
	pthread_mutex_unlock(&o->lock);
	return rc;
}

/* `sbx ls` as this version lists sandboxes in JSON (detected first). */
static const char *const *ls_args(const struct sbx_client *c)
{
	static const char *const json_args[] = { "ls", "--json", NULL };
	static const char *const format_args[] = { "ls", "--format", "json", NULL };
	return c->caps.ls_json ? json_args : format_args;
}

const char *const *sbx_policy_ls_args(enum sbx_policy_format f)
{
	static const char *const json_args[] = { "policy", "ls", "--json", NULL };
	static const char *const wide_args[] = { "policy", "ls", "--wide", NULL };
	static const char *const old_args[] = { "policy", "ls", NULL };
	return f == SBX_POLICY_JSON ? json_args : f == SBX_POLICY_WIDE ? wide_args
								       : old_args;
}

int sbx_ls_text(struct sbx_client *c, const struct strbuf **out, struct strbuf *err)
{
	if (sbx_client_detect(c, err) < 0)
		return -1;
	return once(c, &c->ls, ls_args(c), out, err);
}

int sbx_policy_ls_text(struct sbx_client *c, const struct strbuf **out, struct strbuf *err)
{
	if (sbx_client_detect(c, err) < 0)
		return -1;
	return once(c, &c->policy_ls, sbx_policy_ls_args(c->caps.policy_list), out, err);
}

int sbx_policy_ls_wide_text(struct sbx_client *c, const struct strbuf **out, struct strbuf *err)
{
	if (sbx_client_detect(c, err) < 0)
		return -1;
	return once(c, &c->policy_ls_wide, sbx_policy_ls_args(SBX_POLICY_WIDE), out, err);
}

int sbx_secret_ls_text(struct sbx_client *c, const struct strbuf **out, struct strbuf *err)
{
	static const char *const args[] = { "secret", "ls", NULL };
	if (sbx_client_detect(c, err) < 0)
		return -1;
	return once(c, &c->secret_ls, args, out, err);
}

static int parse_sandboxes(const struct strbuf *text, struct sbx_sandbox **out, size_t *nr, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	int rc = sbx_parse_sandboxes(text->buf, text->len, out, nr, &why);
	if (rc < 0)
		strbuf_addf(err, "cannot read 'sbx ls': %s", why.buf);
	strbuf_release(&why);
	return rc;
}

int sbx_sandboxes(struct sbx_client *c, struct sbx_sandbox **out, size_t *nr, struct strbuf *err)
{
	const struct strbuf *text;
	if (sbx_ls_text(c, &text, err) < 0)
		return -1;
	return parse_sandboxes(text, out, nr, err);
}

int sbx_sandboxes_fresh(struct sbx_client *c, struct sbx_sandbox **out, size_t *nr, struct strbuf *err)
{
	struct spawn_result res = SPAWN_RESULT_INIT;
	if (sbx_client_detect(c, err) < 0)
		return -1;
	int rc = sbx_call(c, ls_args(c), NULL, 0, &res, err);
	if (rc == 0)
		rc = parse_sandboxes(&res.out, out, nr, err);
	spawn_result_release(&res);
	return rc;
}

bool sbx_no_such_sandbox(const struct spawn_result *res)
{
	/* "no sandbox named 'x'" (about v0.39), "sandbox 'x' not found" (v0.42+): docs/backends.md §8 */
	const char *text = res->err.buf;
	return strstr(text, "no sandbox named") != NULL ||
	       (strstr(text, "sandbox '") != NULL && strstr(text, "' not found") != NULL);
}

bool sbx_client_take_warning(struct sbx_client *c, struct strbuf *out)
{
	pthread_mutex_lock(&c->lock);
	bool give = c->state > 0 && c->warning.len && !c->warned;
	if (give) {
		strbuf_addbuf(out, &c->warning);
		c->warned = true;
	}
	pthread_mutex_unlock(&c->lock);
	return give;
}
