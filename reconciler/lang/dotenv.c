#include "dotenv.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "os/fileio.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static bool is_name_start(int c) { return c == '_' || isalpha(c); }
static bool is_name_char(int c) { return c == '_' || isalnum(c); }

static void add_entry(struct dotenv *env, const char *key, size_t klen, char *value, bool sensitive)
{
	XGROW(env->entries, env->alloc, env->nr + 1);
	env->entries[env->nr].key = xstrndup(key, klen);
	env->entries[env->nr].value = value;
	env->entries[env->nr].sensitive = sensitive;
	env->nr++;
}

/* True when the comment starting at p (a '#') says exactly "sensitive", in any case. */
static bool comment_marks_sensitive(const char *p, const char *end)
{
	p++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return end - p == 9 && !strncasecmp(p, "sensitive", 9);
}

/* Parses the value starting at p (line ends at end). Returns NULL with *err set on error. */
static char *parse_value(const char *p, const char *end, const char **err, const char **err_at, bool *sensitive)
{
	struct strbuf sb = STRBUF_INIT;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && (*p == '\'' || *p == '"')) {
		char q = *p;
		const char *start = p++;
		for (; p < end && *p != q; p++) {
			if (q == '"' && *p == '\\' && p + 1 < end) {
				p++;
				switch (*p) {
				case 'n': strbuf_addch(&sb, '\n'); break;
				case 't': strbuf_addch(&sb, '\t'); break;
				case 'r': strbuf_addch(&sb, '\r'); break;
				default: strbuf_addch(&sb, *p); break;
				}
			} else {
				strbuf_addch(&sb, *p);
			}
		}
		if (p >= end) {
			*err = "unterminated quoted value";
			*err_at = start;
			strbuf_release(&sb);
			return NULL;
		}
		p++;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && *p != '#') {
			*err = "unexpected text after the closing quote";
			*err_at = p;
			strbuf_release(&sb);
			return NULL;
		}
		*sensitive = p < end && comment_marks_sensitive(p, end);
		return strbuf_detach(&sb, NULL);
	}
	const char *v = p;
	for (; p < end; p++)
		if (*p == '#' && (p == v || p[-1] == ' ' || p[-1] == '\t'))
			break;
	*sensitive = p < end && comment_marks_sensitive(p, end);
	while (p > v && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	strbuf_add(&sb, v, (size_t)(p - v));
	return strbuf_detach(&sb, NULL);
}

int dotenv_parse(struct dotenv *env, const char *name, const char *text, size_t len, struct diag_list *diags)
{
	int rc = 0, line = 0;
	memset(env, 0, sizeof(*env));
	env->source.name = xstrdup(name);
	env->source.text = xstrndup(text, len);
	env->source.len = len;
	const char *p = env->source.text, *stop = p + len;
	while (p < stop) {
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		const char *end = nl ? nl : stop, *ls = p;
		line++;
		if (end > p && end[-1] == '\r')
			end--;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && *p != '#') {
			if ((size_t)(end - p) > 7 && !memcmp(p, "export ", 7))
				p += 7;
			const char *k = p;
			if (is_name_start((unsigned char)*p))
				while (p < end && is_name_char((unsigned char)*p))
					p++;
			const char *err = NULL, *err_at = p;
			char *value = NULL;
			bool sensitive = false;
			if (p == k)
				err = "expected a variable name ([A-Za-z_][A-Za-z0-9_]*)";
			else if (p >= end || *p != '=')
				err = "expected '=' after the variable name";
			else
				value = parse_value(p + 1, end, &err, &err_at, &sensitive);
			if (value) {
				add_entry(env, k, (size_t)(k == p ? 0 : p - k), value, sensitive);
			} else {
				diag_add(diags, DIAG_ERROR, &env->source, line, (int)(err_at - ls) + 1, "%s", err);
				rc = -1;
			}
		}
		p = nl ? nl + 1 : stop;
	}
	/* one lookup per variable read, whatever the number of lines */
	for (size_t i = 0; i < env->nr; i++) {
		struct dotenv_entry *prev = strmap_get(&env->index, env->entries[i].key);
		if (prev && prev->sensitive)
			env->entries[i].sensitive = true;
		strmap_put(&env->index, env->entries[i].key, &env->entries[i]);
	}
	return rc;
}

int dotenv_load(struct dotenv *env, const char *path, const char *display_name, struct diag_list *diags)
{
	struct strbuf text = STRBUF_INIT;
	memset(env, 0, sizeof(*env));
	if (read_file(path, &text, 16 << 20) < 0) {
		int rc = 0;
		if (errno != ENOENT) {
			env->source.name = xstrdup(display_name);
			diag_add(diags, DIAG_ERROR, &env->source, 0, 0, "cannot read '%s': %s", display_name, strerror(errno));
			rc = -1;
		}
		strbuf_release(&text);
		return rc;
	}
	int rc = dotenv_parse(env, display_name, text.buf, text.len, diags);
	strbuf_release(&text);
	return rc;
}

const char *dotenv_get(const struct dotenv *env, const char *key)
{
	const struct dotenv_entry *e = strmap_get(&env->index, key);
	return e ? e->value : NULL;
}

bool dotenv_is_sensitive(const struct dotenv *env, const char *key)
{
	const struct dotenv_entry *e = strmap_get(&env->index, key);
	return e && e->sensitive;
}

void dotenv_release(struct dotenv *env)
{
	for (size_t i = 0; i < env->nr; i++) {
		free(env->entries[i].key);
		free(env->entries[i].value);
	}
	free(env->entries);
	strmap_release(&env->index);
	free((char *)env->source.name);
	free((char *)env->source.text);
	memset(env, 0, sizeof(*env));
}
