#include "interpolate.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strutil.h"
#include "util/xalloc.h"

struct scan {
	const char *in;
	size_t len, base; /* base: offset of `in` within the original scalar */
	const struct interp_env *env;
	struct interp_info *info;
	int depth;
};

static void report(const struct scan *s, enum diag_severity sev, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void report(const struct scan *s, enum diag_severity sev, size_t at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (s->env->report)
		s->env->report(s->env->report_ctx, sev, s->base + at, msg);
	free(msg);
}

static bool name_start(int c) { return c == '_' || isalpha(c); }
static bool name_char(int c) { return c == '_' || isalnum(c); }

static int expand(struct scan *s, struct strbuf *out);

/* Interpolates the sub-range [from, to) of the expression at `start` (a default or message). */
static int expand_part(struct scan *s, size_t start, size_t from, size_t to, struct strbuf *out)
{
	struct scan sub = *s;
	sub.in = s->in + from;
	sub.len = to - from;
	sub.base = s->base + from;
	sub.depth = s->depth + 1;
	if (sub.depth > 16) {
		report(s, DIAG_ERROR, start, "interpolation nested more than 16 levels deep");
		return -1;
	}
	return expand(&sub, out);
}

/* Finds the '}' closing the brace opened before `i`, skipping nested ${...}. */
static size_t find_close(const struct scan *s, size_t i)
{
	int level = 0;
	for (; i < s->len; i++) {
		if (s->in[i] == '$' && i + 1 < s->len && s->in[i + 1] == '$') {
			i++;
		} else if (s->in[i] == '$' && i + 1 < s->len && s->in[i + 1] == '{') {
			level++;
			i++;
		} else if (s->in[i] == '}') {
			if (level == 0)
				return i;
			level--;
		}
	}
	return (size_t)-1;
}

static const char *lookup(struct scan *s, const char *name)
{
	s->info->substituted = true;
	if (name_looks_secret(name) || (s->env->is_sensitive && s->env->is_sensitive(s->env->ctx, name))) {
		if (!s->info->secret_var)
			snprintf(s->info->secret_name, sizeof(s->info->secret_name), "%s", name);
		s->info->secret_var = true;
	}
	return s->env->lookup(s->env->ctx, name);
}

/* Handles ${...} starting at `start` (the '$'); returns the index after '}' or -1. */
static long expand_braced(struct scan *s, size_t start, struct strbuf *out)
{
	size_t i = start + 2, close = find_close(s, i);
	if (close == (size_t)-1) {
		report(s, DIAG_ERROR, start, "%s", "unterminated '${': add the closing '}' (write $$ for a literal $)");
		return -1;
	}
	size_t n = i;
	if (n < close && name_start((unsigned char)s->in[n]))
		while (n < close && name_char((unsigned char)s->in[n]))
			n++;
	if (n == i) {
		report(s, DIAG_ERROR, start, "%s", "invalid interpolation: '${' must be followed by a variable name");
		return -1;
	}
	char *name = xstrndup(s->in + i, n - i);
	const char *val = lookup(s, name);
	if (!val)
		s->info->unset_var = true;
	int rc = 0;
	if (n == close) {
		if (val)
			strbuf_addstr(out, val);
		else
			report(s, DIAG_WARNING, start, INTERP_UNSET_PREFIX "%s" INTERP_UNSET_SUFFIX, name);
		free(name);
		return (long)close + 1;
	}
	bool colon = s->in[n] == ':';
	size_t op = n + colon;
	bool unset = !val || (colon && !*val);
	char c = op < close ? s->in[op] : '\0';
	if (c == '-') {
		if (unset)
			rc = expand_part(s, start, op + 1, close, out);
		else
			strbuf_addstr(out, val);
	} else if (c == '+') {
		if (!unset)
			rc = expand_part(s, start, op + 1, close, out);
	} else if (c == '?') {
		if (unset) {
			struct strbuf msg = STRBUF_INIT;
			expand_part(s, start, op + 1, close, &msg);
			char *text = msg.len ? xasprintf("%s: %s", name, msg.buf)
					     : xasprintf("required variable %s is %s", name, val ? "empty" : "not set");
			report(s, s->env->offline ? DIAG_WARNING : DIAG_ERROR, start, "%s", text);
			free(text);
			strbuf_release(&msg);
			rc = s->env->offline ? 0 : -1;
		} else {
			strbuf_addstr(out, val);
		}
	} else {
		report(s, DIAG_ERROR, start, "invalid interpolation: after ${%s use '}', ':-', '-', ':?', '?', ':+' or '+'", name);
		rc = -1;
	}
	free(name);
	return rc < 0 ? -1 : (long)close + 1;
}

static int expand(struct scan *s, struct strbuf *out)
{
	int rc = 0;
	for (size_t i = 0; i < s->len;) {
		char c = s->in[i];
		if (c != '$') {
			strbuf_addch(out, c);
			i++;
			continue;
		}
		char next = i + 1 < s->len ? s->in[i + 1] : '\0';
		if (next == '$') {
			strbuf_addch(out, '$');
			i += 2;
		} else if (next == '{') {
			long end = expand_braced(s, i, out);
			if (end < 0) {
				rc = -1;
				size_t close = find_close(s, i + 2);
				i = close == (size_t)-1 ? s->len : close + 1;
			} else {
				i = (size_t)end;
			}
		} else if (name_start((unsigned char)next)) {
			size_t n = i + 1;
			while (n < s->len && name_char((unsigned char)s->in[n]))
				n++;
			char *name = xstrndup(s->in + i + 1, n - i - 1);
			const char *val = lookup(s, name);
			if (!val)
				s->info->unset_var = true;
			if (val)
				strbuf_addstr(out, val);
			else
				report(s, DIAG_WARNING, i, INTERP_UNSET_PREFIX "%s" INTERP_UNSET_SUFFIX, name);
			free(name);
			i = n;
		} else {
			report(s, DIAG_ERROR, i, "%s", "invalid interpolation: '$' must be followed by a name, '{' or '$' (write $$ for a literal $)");
			rc = -1;
			i++;
		}
	}
	return rc;
}

int interpolate(const char *in, size_t len, const struct interp_env *env, struct strbuf *out,
		struct interp_info *info)
{
	struct interp_info dummy;
	struct scan s = { .in = in, .len = len, .env = env, .info = info ? info : &dummy };
	memset(s.info, 0, sizeof(*s.info));
	return expand(&s, out);
}

bool name_looks_secret(const char *name)
{
	size_t n = strlen(name);
	char *up = xmalloc(n + 1);
	for (size_t i = 0; i <= n; i++)
		up[i] = (char)toupper((unsigned char)name[i]);
	/* DBPASS and DB_PASS name passwords too; bare PASS, like bare KEY, does not */
	bool secret = str_ends_with(up, "_KEY") || str_ends_with(up, "_TOKEN") || str_ends_with(up, "_SECRET") ||
		      (str_ends_with(up, "PASS") && n > 4) || strstr(up, "PASSWORD") != NULL;
	free(up);
	return secret;
}
