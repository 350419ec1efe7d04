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
	const char *p = strstr(text, "Client Version:");
	p = p ? p + strlen("Client Version:") : text;
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

int sbx_caps_for(struct sbx_caps *caps, int major, int minor, int patch, struct strbuf *warning)
{
	memset(caps, 0, sizeof(*caps));
	caps->major = major;
	caps->minor = minor;
	caps->patch = patch;
	int m = minor, rc = 0;
	if (major > 0 || minor > SBX_NEWEST_KNOWN_MINOR) {
		strbuf_addf(warning, "sbx v%d.%d.%d is newer than the newest version sbxapply knows (v0.%d); "
			    "using the v0.%d profile", major, minor, patch, SBX_NEWEST_KNOWN_MINOR, SBX_NEWEST_KNOWN_MINOR);
		m = SBX_NEWEST_KNOWN_MINOR;
		rc = 1;
	} else if (minor < SBX_OLDEST_KNOWN_MINOR) {
		strbuf_addf(warning, "sbx v%d.%d.%d is older than the oldest version sbxapply knows (v0.%d); "
			    "using the v0.%d profile without sandbox-scoped rules; consider upgrading sbx",
			    major, minor, patch, SBX_OLDEST_KNOWN_MINOR, SBX_OLDEST_KNOWN_MINOR);
		rc = 1;
	}
	/* thresholds: FACTS.md section 6 and tests/sim/README.md */
	caps->sandbox_rules = m >= SBX_OLDEST_KNOWN_MINOR;
	caps->sandbox_flag = m >= 32;
	caps->no_input = m >= 32;
	caps->ls_format_json = m >= 32;
	caps->policy_ls_wide = m >= 35;
	caps->create_env = m >= 39;
	caps->policy_ls_json = m >= 42;
	return rc;
}

static char *dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

/* The first of several possible keys holding a string. */
static const char *any_string(const cJSON *o, const char *const *keys)
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
		const char *path = any_string(w, path_keys);
		const cJSON *ro = cJSON_GetObjectItemCaseSensitive(w, "read_only");
		if (!ro)
			ro = cJSON_GetObjectItemCaseSensitive(w, "readonly");
		if (path)
			entry = xasprintf("%s%s", path, cJSON_IsTrue(ro) && !str_ends_with(path, ":ro") ? ":ro" : "");
	}
	if (!entry)
		return;
	s->workspaces = xrealloc(s->workspaces, (s->nr_workspaces + 1) * sizeof(*s->workspaces));
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
		for (size_t j = 0; j < s->nr_workspaces; j++)
			free(s->workspaces[j]);
		free(s->workspaces);
		free(s->cpus);
		free(s->memory);
	}
	free(list);
}

/* ---- text tables ---- */

/* Byte offset of the character at index `col` of line (UTF-8), or len. */
static size_t byte_at_column(const char *line, size_t len, size_t col)
{
	size_t i = 0, c = 0;
	while (i < len && c < col) {
		i++;
		while (i < len && ((unsigned char)line[i] & 0xC0) == 0x80)
			i++;
		c++;
	}
	return i;
}

static size_t columns_of(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

static char *trimmed(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* Header words; "APPLIES TO" is one header although it holds a space. */
static void split_header(const char *line, size_t len, struct sbx_table *t, size_t **starts)
{
	size_t i = 0;
	while (i < len) {
		while (i < len && line[i] == ' ')
			i++;
		if (i >= len)
			break;
		size_t b = i;
		while (i < len && line[i] != ' ')
			i++;
		if (t->ncols && !strcmp(t->headers[t->ncols - 1], "APPLIES") && i - b == 2 && !memcmp(line + b, "TO", 2)) {
			free(t->headers[t->ncols - 1]);
			t->headers[t->ncols - 1] = xstrdup("APPLIES TO");
			continue;
		}
		t->headers = xrealloc(t->headers, (t->ncols + 1) * sizeof(*t->headers));
		*starts = xrealloc(*starts, (t->ncols + 1) * sizeof(**starts));
		t->headers[t->ncols] = xstrndup(line + b, i - b);
		(*starts)[t->ncols++] = columns_of(line, b);
	}
}

static bool blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}

static bool holds_word(const char *line, size_t len, const char *word)
{
	size_t w = strlen(word);
	for (size_t i = 0; i + w <= len; i++)
		if (!memcmp(line + i, word, w) && (i == 0 || line[i - 1] == ' ') &&
		    (i + w == len || line[i + w] == ' ' || line[i + w] == '\r'))
			return true;
	return false;
}

int sbx_table_parse(const char *text, size_t len, const char *key, struct sbx_table *t)
{
	memset(t, 0, sizeof(*t));
	size_t *starts = NULL;
	bool header = false;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (!header) {
			/* lines before the header (a "Starting sandboxd daemon..." banner) are skipped */
			if (holds_word(p, n, key)) {
				split_header(p, n, t, &starts);
				header = true;
			}
		} else if (!blank_line(p, n)) {
			char **row = xcalloc(t->ncols + 1, sizeof(*row));
			for (size_t c = 0; c < t->ncols; c++) {
				size_t b = byte_at_column(p, n, starts[c]);
				size_t e = c + 1 < t->ncols ? byte_at_column(p, n, starts[c + 1]) : n;
				row[c] = trimmed(p + b, e > b ? e - b : 0);
			}
			t->rows = xrealloc(t->rows, (t->nrows + 1) * sizeof(*t->rows));
			t->rows[t->nrows++] = row;
		}
		p = nl ? nl + 1 : end;
	}
	free(starts);
	return header ? 0 : -1;
}

const char *sbx_table_cell(const struct sbx_table *t, size_t row, const char *h)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (!strcmp(t->headers[c], h))
			return t->rows[row][c];
	return NULL;
}

void sbx_table_release(struct sbx_table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++)
			free(t->rows[r][c]);
		free(t->rows[r]);
	}
	free(t->rows);
	for (size_t c = 0; c < t->ncols; c++)
		free(t->headers[c]);
	free(t->headers);
	memset(t, 0, sizeof(*t));
}

/* ---- policy rules ---- */

struct rule_list {
	struct sbx_rule *v;
	size_t nr, alloc;
};

static bool blank(const char *s)
{
	return !s || !*s || !strcmp(s, "-");
}

/*
 * A rule the user (or sbxapply) added: in the local store, not seeded by
 * `policy init` ("default-..." ids) and not part of a named policy (kits,
 * org policy, the init defaults). Only these may ever be removed.
 */
static bool user_rule(const char *source, const char *policy, const char *policy_id, const char *id)
{
	if (source && strcmp(source, "local") && strcmp(source, "global") && strcmp(source, "user"))
		return false;
	if (id && str_starts_with(id, "default-"))
		return false;
	if (!blank(policy) && strcmp(policy, "local-policy"))
		return false;
	if (!blank(policy_id) && strcmp(policy_id, "local-policy") && strcmp(policy_id, "local"))
		return false;
	return true;
}

static char *scope_of(const char *applies_to)
{
	if (blank(applies_to) || !strcmp(applies_to, "all") || !strcmp(applies_to, "global") ||
	    !strcmp(applies_to, "*"))
		return NULL;
	if (str_starts_with(applies_to, "sandbox:"))
		applies_to += strlen("sandbox:");
	return xstrdup(applies_to);
}

/* Adds one entry per resource of "a,b" (or "a, b"). */
static void add_rule(struct rule_list *l, const struct sbx_rule *proto, const char *const *resources, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		XGROW(l->v, l->alloc, l->nr + 1);
		struct sbx_rule *r = &l->v[l->nr++];
		*r = *proto;
		r->id = proto->id ? xstrdup(proto->id) : NULL;
		r->source = proto->source ? xstrdup(proto->source) : NULL;
		r->policy = proto->policy ? xstrdup(proto->policy) : NULL;
		r->scope = proto->scope ? xstrdup(proto->scope) : NULL;
		r->decision = proto->decision ? xstrdup(proto->decision) : NULL;
		r->type = proto->type ? xstrdup(proto->type) : NULL;
		r->resource = xstrdup(resources[i]);
		r->siblings = n;
	}
}

static void add_rule_csv(struct rule_list *l, const struct sbx_rule *proto, const char *csv)
{
	char **parts = NULL;
	size_t n = 0;
	const char *p = csv;
	while (p && *p) {
		size_t k = strcspn(p, ", ");
		if (k) {
			parts = xrealloc(parts, (n + 1) * sizeof(*parts));
			parts[n++] = xstrndup(p, k);
		}
		p += k;
		while (*p == ',' || *p == ' ')
			p++;
	}
	add_rule(l, proto, (const char *const *)parts, n);
	for (size_t i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
}

static void free_proto(struct sbx_rule *r)
{
	free(r->id);
	free(r->source);
	free(r->policy);
	free(r->scope);
	free(r->decision);
	free(r->type);
	memset(r, 0, sizeof(*r));
}

static int parse_rules_json(const char *text, size_t len, struct rule_list *l, struct strbuf *err)
{
	cJSON *root = json_parse_embedded(text, len);
	const cJSON *list = root ? list_in(root, "rules") : NULL;
	if (!list) {
		strbuf_addstr(err, root ? "the policy list has no \"rules\" array" : "the policy list is not JSON");
		cJSON_Delete(root);
		return -1;
	}
	static const char *const id_keys[] = { "rule_id", "id", "ruleId", NULL };
	static const char *const scope_keys[] = { "applies_to", "appliesTo", "sandbox", "scope", NULL };
	static const char *const decision_keys[] = { "decision", "action", NULL };
	static const char *const pid_keys[] = { "policy_id", "policyId", NULL };
	static const char *const source_keys[] = { "source", "origin", NULL };
	const cJSON *it;
	cJSON_ArrayForEach(it, list) {
		const char *policy = json_string(it, "policy"), *pid = any_string(it, pid_keys);
		const char *id = any_string(it, id_keys), *source = any_string(it, source_keys);
		struct sbx_rule proto = {
			.id = dup_or_null(id),
			.source = dup_or_null(source),
			.policy = blank(policy) ? (blank(pid) || !strcmp(pid, "local-policy") ? NULL : xstrdup(pid)) : xstrdup(policy),
			.scope = scope_of(any_string(it, scope_keys)),
			.decision = dup_or_null(any_string(it, decision_keys)),
			.type = dup_or_null(json_string(it, "type")),
			.user = user_rule(source, policy, pid, id),
		};
		const cJSON *res = cJSON_GetObjectItemCaseSensitive(it, "resources");
		if (cJSON_IsArray(res)) {
			size_t n = 0;
			const char **names = xcalloc((size_t)cJSON_GetArraySize(res) + 1, sizeof(*names));
			const cJSON *x;
			static const char *const res_keys[] = { "resource", "value", "pattern", "host", NULL };
			cJSON_ArrayForEach(x, res) {
				if (cJSON_IsString(x))
					names[n++] = x->valuestring;
				else if (cJSON_IsObject(x) && any_string(x, res_keys))
					names[n++] = any_string(x, res_keys);
			}
			add_rule(l, &proto, names, n);
			free(names);
		} else if (cJSON_IsString(res)) {
			add_rule_csv(l, &proto, res->valuestring);
		} else {
			add_rule_csv(l, &proto, json_string(it, "resource"));
		}
		free_proto(&proto);
	}
	cJSON_Delete(root);
	return 0;
}

static bool has_column(const struct sbx_table *t, const char *h)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (!strcmp(t->headers[c], h))
			return true;
	return false;
}

static int parse_rules_table(const char *text, size_t len, bool old, struct rule_list *l, struct strbuf *err)
{
	struct sbx_table t;
	if (sbx_table_parse(text, len, "RESOURCES", &t) < 0 || !has_column(&t, "DECISION")) {
		strbuf_addstr(err, "the policy list has no RESOURCES and DECISION columns");
		sbx_table_release(&t);
		return -1;
	}
	for (size_t r = 0; r < t.nrows; r++) {
		struct sbx_rule proto = {
			.decision = dup_or_null(sbx_table_cell(&t, r, "DECISION")),
			.type = dup_or_null(sbx_table_cell(&t, r, "TYPE")),
		};
		if (old) {
			/* NAME TYPE ORIGIN DECISION STATUS RESOURCES; ORIGIN: global, sandbox:N, kit:P, org:P */
			const char *origin = sbx_table_cell(&t, r, "ORIGIN"), *id = sbx_table_cell(&t, r, "NAME");
			proto.id = dup_or_null(id);
			if (origin && (!strcmp(origin, "global") || str_starts_with(origin, "sandbox:"))) {
				proto.source = xstrdup("local");
				proto.scope = scope_of(origin);
				proto.user = user_rule("local", NULL, NULL, id);
			} else {
				const char *colon = origin ? strchr(origin, ':') : NULL;
				proto.source = colon ? xstrndup(origin, (size_t)(colon - origin)) : dup_or_null(origin);
				proto.policy = colon ? xstrdup(colon + 1) : NULL;
				proto.user = false;
			}
		} else {
			const char *source = sbx_table_cell(&t, r, "SOURCE"), *policy = sbx_table_cell(&t, r, "POLICY");
			const char *pid = sbx_table_cell(&t, r, "POLICY_ID"), *id = sbx_table_cell(&t, r, "RULE_ID");
			proto.id = dup_or_null(blank(id) ? NULL : id);
			proto.source = dup_or_null(source);
			proto.policy = blank(policy) ? (blank(pid) || !strcmp(pid, "local-policy") ? NULL : xstrdup(pid))
						     : xstrdup(policy);
			proto.scope = scope_of(sbx_table_cell(&t, r, "APPLIES TO"));
			proto.user = user_rule(source, policy, pid, id);
		}
		add_rule_csv(l, &proto, sbx_table_cell(&t, r, "RESOURCES"));
		free_proto(&proto);
	}
	sbx_table_release(&t);
	return 0;
}

int sbx_parse_rules(const char *text, size_t len, enum sbx_policy_format format, struct sbx_rule **out,
		    size_t *nr, struct strbuf *err)
{
	struct rule_list l = { 0 };
	int rc = format == SBX_POLICY_JSON ? parse_rules_json(text, len, &l, err)
					   : parse_rules_table(text, len, format == SBX_POLICY_TABLE_OLD, &l, err);
	if (rc < 0) {
		sbx_rules_free(l.v, l.nr);
		l.v = NULL;
		l.nr = 0;
	}
	*out = l.v;
	*nr = l.nr;
	return rc;
}

void sbx_rules_free(struct sbx_rule *list, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(list[i].resource);	/* before free_proto() clears the entry */
		free_proto(&list[i]);
	}
	free(list);
}

/* ---- secrets ---- */

int sbx_parse_secrets(const char *text, size_t len, struct sbx_secret **out, size_t *nr, struct strbuf *err)
{
	*out = NULL;
	*nr = 0;
	struct sbx_table t;
	if (sbx_table_parse(text, len, "SERVICE", &t) < 0) {
		sbx_table_release(&t);
		/* an empty store may print nothing at all */
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
		if (blank(service))
			continue;
		v[k].service = xstrdup(service);
		v[k++].scope = scope_of(sbx_table_cell(&t, r, "SCOPE"));
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
