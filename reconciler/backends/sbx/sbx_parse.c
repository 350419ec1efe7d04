#include "sbx_parse.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/json.h"
#include "util/strutil.h"
#include "util/xalloc.h"

int sbx_parse_version(const char *text, int *major, int *minor, int *patch)
{
	/* the two forms' labels (docs/backends.md §6); a line before them (a banner, a warning) is not read */
	static const char *const labels[] = { "Client Version:", "sbx version:", NULL };
	const char *p = text;
	for (size_t i = 0; labels[i]; i++) {
		const char *at = strstr(text, labels[i]);
		if (at) {
			p = at + strlen(labels[i]);
			break;
		}
	}
	/* the first "vX.Y" or "X.Y" after the label; the sha after it is ignored */
	for (; *p; p++) {
		const char *q = *p == 'v' ? p + 1 : p;
		if (!isdigit((unsigned char)*q) || (p > text && isalnum((unsigned char)p[-1])))
			continue;
		int a = 0, b = 0, c = 0, n = 0;
		if (sscanf(q, "%d.%d%n", &a, &b, &n) >= 2 && n > 0) {
			if (q[n] == '.')
				sscanf(q + n + 1, "%d", &c);
			*major = a;
			*minor = b;
			*patch = c;
			return 0;
		}
	}
	return -1;
}

static char *dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

const char *sbx_json_first_string(const cJSON *o, const char *const *keys)
{
	for (; *keys; keys++) {
		const char *v = json_string(o, *keys);
		if (v)
			return v;
	}
	return NULL;
}

static const cJSON *list_in(const cJSON *root, const char *key)
{
	if (cJSON_IsArray(root))
		return root;
	const cJSON *a = json_array(root, key);
	if (!a && cJSON_IsObject(root)) {
		/* an unknown wrapper key: take the only array there is */
		const cJSON *it;
		cJSON_ArrayForEach(it, root)
			if (cJSON_IsArray(it))
				return it;
	}
	return a;
}

static void add_workspace(struct sbx_sandbox *s, const cJSON *w)
{
	char *entry = NULL;
	if (cJSON_IsString(w)) {
		entry = xstrdup(w->valuestring);
	} else if (cJSON_IsObject(w)) {
		static const char *const path_keys[] = { "path", "host_path", "source", NULL };
		const char *path = sbx_json_first_string(w, path_keys);
		const cJSON *ro = cJSON_GetObjectItemCaseSensitive(w, "read_only");
		if (!ro)
			ro = cJSON_GetObjectItemCaseSensitive(w, "readonly");
		if (path)
			entry = xasprintf("%s%s", path, cJSON_IsTrue(ro) && !str_ends_with(path, ":ro") ? ":ro" : "");
	}
	if (!entry)
		return;
	XGROW(s->workspaces, s->alloc_workspaces, s->nr_workspaces + 1);
	s->workspaces[s->nr_workspaces++] = entry;
}

static char *number_or_string(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (cJSON_IsString(v))
		return dup_or_null(v->valuestring);
	if (cJSON_IsNumber(v))
		return xasprintf("%lld", (long long)v->valuedouble);
	return NULL;
}

int sbx_parse_sandboxes(const char *text, size_t len, struct sbx_sandbox **out, size_t *nr, struct strbuf *err)
{
	*out = NULL;
	*nr = 0;
	cJSON *root = json_parse_embedded(text, len);
	const cJSON *list = root ? list_in(root, "sandboxes") : NULL;
	if (!list) {
		/* never "no sandboxes": an unreadable answer is an error */
		strbuf_addstr(err, root ? "the sandbox list has no \"sandboxes\" array" : "the sandbox list is not JSON");
		cJSON_Delete(root);
		return -1;
	}
	size_t n = (size_t)cJSON_GetArraySize(list), k = 0;
	struct sbx_sandbox *v = xcalloc(n + 1, sizeof(*v));
	const cJSON *it;
	cJSON_ArrayForEach(it, list) {
		const char *name = json_string(it, "name");
		if (!name)
			continue;
		struct sbx_sandbox *s = &v[k++];
		s->name = xstrdup(name);
		s->agent = dup_or_null(json_string(it, "agent"));
		s->status = dup_or_null(json_string(it, "status"));
		s->id = dup_or_null(json_string(it, "id"));
		static const char *const created_keys[] = { "created_at", "createdAt", "created", NULL };
		s->created_at = dup_or_null(sbx_json_first_string(it, created_keys));
		const cJSON *ws = cJSON_GetObjectItemCaseSensitive(it, "workspaces"), *w;
		if (cJSON_IsArray(ws))
			cJSON_ArrayForEach(w, ws)
				add_workspace(s, w);
		else if (json_string(it, "workspace"))
			add_workspace(s, cJSON_GetObjectItemCaseSensitive(it, "workspace"));
		s->cpus = number_or_string(it, "cpus");
		s->memory = number_or_string(it, "memory");
	}
	cJSON_Delete(root);
	*out = v;
	*nr = k;
	return 0;
}

void sbx_sandboxes_free(struct sbx_sandbox *list, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		struct sbx_sandbox *s = &list[i];
		free(s->name);
		free(s->agent);
		free(s->status);
		free(s->id);
		free(s->created_at);
		for (size_t j = 0; j < s->nr_workspaces; j++)
			free(s->workspaces[j]);
		free(s->workspaces);
		free(s->cpus);
		free(s->memory);
	}
	free(list);
}

bool sbx_blank_cell(const char *s)
{
	return !s || !*s || !strcmp(s, "-");
}

char *sbx_scope_of(const char *applies_to)
{
	if (sbx_blank_cell(applies_to) || !strcmp(applies_to, "all") || !strcmp(applies_to, "global") ||
	    !strcmp(applies_to, "(global)") || !strcmp(applies_to, "*"))
		return NULL;
	if (str_starts_with(applies_to, "sandbox:"))
		applies_to += strlen("sandbox:");
	return xstrdup(applies_to);
}

/* ---- secrets ---- */

int sbx_parse_secrets(const char *text, size_t len, struct sbx_secret **out, size_t *nr, struct strbuf *err)
{
	*out = NULL;
	*nr = 0;
	struct sbx_table t;
	if (sbx_table_parse(text, len, "SERVICE", &t) < 0) {
		sbx_table_release(&t);
		/* an empty store prints nothing, or one sentence: `No secrets found for scope "S".` (v0.39.0, SBXI#518) */
		static const char none[] = "No secrets found";
		for (size_t i = 0; i + sizeof(none) - 1 <= len; i++)
			if ((i == 0 || text[i - 1] == '\n') && !strncmp(text + i, none, sizeof(none) - 1))
				return 0;
		for (size_t i = 0; i < len; i++)
			if (!isspace((unsigned char)text[i])) {
				strbuf_addstr(err, "the secret list has no SERVICE column");
				return -1;
			}
		return 0;
	}
	struct sbx_secret *v = xcalloc(t.nrows + 1, sizeof(*v));
	size_t k = 0;
	for (size_t r = 0; r < t.nrows; r++) {
		const char *service = sbx_table_cell(&t, r, "SERVICE");
		if (sbx_blank_cell(service))
			continue;
		v[k].service = xstrdup(service);
		v[k++].scope = sbx_scope_of(sbx_table_cell(&t, r, "SCOPE"));
	}
	sbx_table_release(&t);
	*out = v;
	*nr = k;
	return 0;
}

void sbx_secrets_free(struct sbx_secret *list, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(list[i].service);
		free(list[i].scope);
	}
	free(list);
}
