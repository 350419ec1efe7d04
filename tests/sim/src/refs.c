#include "refs.h"

#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return s[n] == '\0';
}

bool ref_is_id(const char *ref)
{
	if (str_starts(ref, "sha256:"))
		return strlen(ref) == 71 && all_hex(ref + 7, 64);
	size_t n = strlen(ref);
	return (n == 12 || n == 64) && all_hex(ref, n);
}

static bool is_registry(const char *component, size_t len)
{
	if (len == 9 && strncmp(component, "localhost", 9) == 0)
		return true;
	for (size_t i = 0; i < len; i++)
		if (component[i] == '.' || component[i] == ':')
			return true;
	return false;
}

/* One path component of a repository: [a-z0-9]+ joined by '.', '_', '__' or '-'. */
static bool valid_component(const char *s, size_t len)
{
	if (len == 0 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[len - 1]))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(islower(c) || isdigit(c) || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static bool valid_registry(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(islower(c) || isdigit(c) || c == '.' || c == '-' || c == ':'))
			return false;
	}
	return true;
}

static bool valid_name(const char *name)
{
	const char *p = name;
	bool first = true;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		bool ok = first && slash && is_registry(p, len) ? valid_registry(p, len)
								: valid_component(p, len);
		if (!ok)
			return false;
		if (!slash)
			return true;
		p = slash + 1;
		first = false;
	}
}

static bool valid_tag(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n > 128 || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];
		if (!(isalnum(c) || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

char *ref_normalize(const char *ref)
{
	if (!ref || !*ref)
		return NULL;
	char *s = str_starts(ref, "hf.co/") ? xasprintf("huggingface.co/%s", ref + 6) : xstrdup(ref);
	char *digest = NULL, *tag = NULL;
	char *at = strchr(s, '@');
	if (at) {
		*at = '\0';
		digest = at + 1;
	} else {
		char *slash = strrchr(s, '/');
		char *colon = strrchr(slash ? slash : s, ':');
		if (colon) {
			*colon = '\0';
			tag = colon + 1;
		}
	}
	/* The name part is lowercased; the tag keeps its case. */
	for (char *c = s; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	const char *name = s;
	if (str_starts(name, "docker.io/"))
		name += 10;
	else if (str_starts(name, "index.docker.io/"))
		name += 16;
	char *full = strchr(name, '/') ? xstrdup(name) : xasprintf("ai/%s", name);
	char *out = NULL;
	if (!valid_name(full))
		goto done;
	if (digest) {
		if (str_starts(digest, "sha256:") && strlen(digest) == 71 && all_hex(digest + 7, 64))
			out = xasprintf("%s@%s", full, digest);
	} else if (tag) {
		if (valid_tag(tag))
			out = xasprintf("%s:%s", full, tag);
	} else {
		out = xasprintf("%s:latest", full);
	}
done:
	free(full);
	free(s);
	return out;
}

char *ref_stored_form(const char *canonical, enum tag_form form)
{
	const char *slash = strchr(canonical, '/');
	bool has_registry = slash && is_registry(canonical, (size_t)(slash - canonical));
	if (has_registry || form == TAG_FORM_SHORT)
		return xstrdup(canonical);
	return xasprintf("docker.io/%s", canonical);
}

enum tag_form ref_tag_form(void)
{
	const char *v = getenv("SBXSIM_TAG_FORM");
	return v && strcmp(v, "short") == 0 ? TAG_FORM_SHORT : TAG_FORM_DOCKER_IO;
}

bool ref_same(const char *a, const char *b)
{
	char *na = ref_normalize(a), *nb = ref_normalize(b);
	bool same = na && nb && strcmp(na, nb) == 0;
	free(na);
	free(nb);
	return same;
}
