#include "modelref.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/xalloc.h"

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return true;
}

bool modelref_is_id(const char *ref)
{
	size_t n = strlen(ref);
	if (str_starts_with(ref, "sha256:"))
		return n == 7 + 64 && all_hex(ref + 7, 64);
	return (n == 12 || n == 64) && all_hex(ref, n);
}

/* Offset where the tag (':') or else the digest ('@') starts, or strlen(ref). */
static size_t name_end(const char *ref)
{
	const char *at = strchr(ref, '@');
	size_t stop = at ? (size_t)(at - ref) : strlen(ref);
	size_t slash = 0;
	for (size_t i = 0; i < stop; i++)
		if (ref[i] == '/')
			slash = i;
	for (size_t i = stop; i-- > slash;)
		if (ref[i] == ':')
			return i;
	return stop;
}

/* Offset of the digest ('@'), or strlen(ref). */
static size_t digest_start(const char *ref)
{
	const char *at = strchr(ref, '@');
	return at ? (size_t)(at - ref) : strlen(ref);
}

char *modelref_normalize(const char *ref)
{
	struct strbuf sb = STRBUF_INIT;
	if (modelref_is_id(ref))
		return xstrdup(ref);
	if (str_starts_with(ref, "hf.co/")) {
		strbuf_addstr(&sb, "huggingface.co/");
		ref += strlen("hf.co/");
	} else if (str_starts_with(ref, "docker.io/")) {
		ref += strlen("docker.io/");
	} else if (str_starts_with(ref, "index.docker.io/")) {
		ref += strlen("index.docker.io/");
	}
	if (!strchr(ref, '/') && !sb.len)
		strbuf_addstr(&sb, "ai/");
	size_t start = sb.len, end = name_end(ref);
	strbuf_addstr(&sb, ref);
	for (size_t i = start; i < start + end; i++)
		sb.buf[i] = (char)tolower((unsigned char)sb.buf[i]);
	if (!ref[end])
		strbuf_addstr(&sb, ":latest");
	return strbuf_detach(&sb, NULL);
}

char *modelref_display(const char *ref)
{
	char *norm = modelref_normalize(ref);
	const char *p = norm;
	if (str_starts_with(p, "ai/"))
		p += 3;
	char *out = xstrdup(p);
	free(norm);
	if (str_ends_with(out, ":latest"))
		out[strlen(out) - strlen(":latest")] = '\0';
	return out;
}

bool modelref_equal(const char *a, const char *b)
{
	char *x = modelref_normalize(a), *y = modelref_normalize(b);
	bool eq = !strcmp(x, y);
	free(x);
	free(y);
	return eq;
}

static bool is_name_char(int c)
{
	return isalnum(c) || c == '.' || c == '_' || c == '-';
}

/*
 * One path component, as the distribution reference grammar has it:
 * alphanumerics separated by one '.', one '_', '__', or a run of '-'.
 */
static bool valid_component(const char *s, size_t n)
{
	size_t i = 0;
	for (;;) {
		size_t run = 0;
		while (i < n && isalnum((unsigned char)s[i]))
			i++, run++;
		if (!run)
			return false;
		if (i == n)
			return true;
		if (s[i] == '.' || s[i] == '_') {
			i += (s[i] == '_' && i + 1 < n && s[i + 1] == '_') ? 2 : 1;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			return false;
		}
	}
}

static bool valid_registry(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr(".-:", s[i]))
			return false;
	return n > 0;
}

const char *modelref_check(const char *ref)
{
	size_t n = strlen(ref);
	if (!n)
		return "a model reference cannot be empty";
	if (n > 255)
		return "a model reference is at most 255 characters long";
	if (modelref_is_id(ref))
		return "declare models by name (as in ai/gpt-oss), not by id";
	const char *at = strchr(ref, '@');
	if (at && (!str_starts_with(at + 1, "sha256:") || strlen(at + 8) != 64 || !all_hex(at + 8, 64)))
		return "a digest is written @sha256: followed by 64 lowercase hex digits";
	size_t end = name_end(ref), dstart = digest_start(ref);
	if (ref[end] == ':') {
		const char *tag = ref + end + 1;
		size_t tl = dstart - end - 1;
		if (!tl || tl > 128 || !(isalnum((unsigned char)tag[0]) || tag[0] == '_'))
			return "a tag starts with a letter, digit or '_' and is at most 128 characters";
		for (size_t i = 0; i < tl; i++)
			if (!is_name_char((unsigned char)tag[i]))
				return "a tag holds only letters, digits, '_', '.' and '-'";
	}
	const char *p = ref, *name_stop = ref + end;
	const char *slash = memchr(p, '/', (size_t)(name_stop - p));
	if (slash) {
		size_t first = (size_t)(slash - p);
		if (memchr(p, '.', first) || memchr(p, ':', first) || (first == 9 && !memcmp(p, "localhost", 9))) {
			if (!valid_registry(p, first))
				return "the registry part is not a host name";
			p = slash + 1;
			if (p == name_stop)
				return "a model name cannot end with '/'";
		}
	}
	while (p < name_stop) {
		const char *s = memchr(p, '/', (size_t)(name_stop - p));
		size_t len = s ? (size_t)(s - p) : (size_t)(name_stop - p);
		if (!valid_component(p, len))
			return "each part of a model name holds letters and digits, joined by single '.' or '_', '__' or dashes";
		p += len + (s ? 1 : 0);
		if (s && p == name_stop)
			return "a model name cannot end with '/'";
	}
	return NULL;
}
