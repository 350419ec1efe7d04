#include "validate.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "lang/compose_hint.h"
#include "util/strbuf.h"
#include "util/strmap.h"
#include "util/strutil.h"
#include "util/xalloc.h"

#define TAG_PREFIX "tag:yaml.org,2002:"

struct compiled_pattern {
	const char *pattern;
	regex_t re;
	bool ok;
};

struct validator {
	struct ydoc *doc;
	const struct interp_env *env;
	struct diag_list *diags;
	struct compiled_pattern *patterns;
	size_t nr_patterns, patterns_alloc;
	/* values the top-level list schema_type.enum_extension adds (one such list in the language) */
	const char *extension_name;
	struct strmap extension;
};

/* Where an interpolation problem inside a scalar is reported. */
struct scalar_site {
	struct validator *v;
	const struct ynode *node;
};

/* Diagnostics at a mark of the document being read. */
#define error_at(v, m, ...) \
	diag_add((v)->diags, DIAG_ERROR, &(v)->doc->source, (m).line, (m).col, __VA_ARGS__)
#define warning_at(v, m, ...) \
	diag_add((v)->diags, DIAG_WARNING, &(v)->doc->source, (m).line, (m).col, __VA_ARGS__)

bool yaml_word_is_bool(const char *t)
{
	static const char *const words[] = {
		"y",
		"Y",
		"yes",
		"Yes",
		"YES",
		"n",
		"N",
		"no",
		"No",
		"NO",
		"true",
		"True",
		"TRUE",
		"false",
		"False",
		"FALSE",
		"on",
		"On",
		"ON",
		"off",
		"Off",
		"OFF",
		NULL,
	};
	for (size_t i = 0; words[i]; i++)
		if (!strcmp(t, words[i]))
			return true;
	return false;
}

static bool is_tag(const struct ynode *n, const char *name)
{
	return n->tag && str_starts_with(n->tag, TAG_PREFIX) && !strcmp(n->tag + strlen(TAG_PREFIX), name);
}

/* Column of byte `offset` inside a one-line scalar, counting characters as libyaml does. */
static struct ymark mark_inside(const struct ynode *n, size_t offset)
{
	struct ymark m = n->mark;
	if (memchr(n->value, '\n', n->len) || n->style == YSTYLE_LITERAL || n->style == YSTYLE_FOLDED)
		return m;
	if (n->style != YSTYLE_PLAIN)
		m.col++;
	for (size_t i = 0; i < offset && i < n->len; i++)
		if (((unsigned char)n->value[i] & 0xC0) != 0x80)
			m.col++;
	return m;
}

static void report_interp(void *ctx, enum diag_severity sev, size_t offset, const char *message)
{
	struct scalar_site *site = ctx;
	struct ymark m = mark_inside(site->node, offset);
	diag_add(site->v->diags, sev, &site->v->doc->source, m.line, m.col, "%s", message);
}

/* Interpolates a value scalar once; aliases share the node and so the result. */
static struct yvalue *resolve(struct validator *v, struct ynode *n)
{
	if (n->user)
		return n->user;
	struct yvalue *r = ydoc_alloc(v->doc, sizeof(*r));
	n->user = r;
	r->ok = true;
	if (!memchr(n->value, '$', n->len)) {
		r->text = n->value;
		r->len = n->len;
		return r;
	}
	struct scalar_site site = { v, n };
	struct interp_env env = *v->env;
	env.report = report_interp;
	env.report_ctx = &site;
	struct strbuf out = STRBUF_INIT;
	struct interp_info info;
	if (interpolate(n->value, n->len, &env, &out, &info) < 0)
		r->ok = false;
	r->secret_var = info.secret_var;
	r->unset_var = info.unset_var;
	if (info.secret_var) {
		size_t name_len = strlen(info.secret_name);
		char *name = ydoc_alloc(v->doc, name_len + 1);
		memcpy(name, info.secret_name, name_len + 1);
		r->secret_name = name;
	}
	char *text = ydoc_alloc(v->doc, out.len + 1);
	memcpy(text, out.buf, out.len);
	r->text = text;
	r->len = out.len;
	strbuf_release(&out);
	return r;
}

/*
 * --offline: a value made from a variable this machine does not have is
 * unknown, not wrong; its type and pattern are checked where it is applied.
 */
static bool unknown_here(const struct validator *v, const struct yvalue *r)
{
	return v->env->offline && r->unset_var;
}

static const regex_t *pattern_of(struct validator *v, const char *pattern)
{
	for (size_t i = 0; i < v->nr_patterns; i++)
		if (v->patterns[i].pattern == pattern)
			return v->patterns[i].ok ? &v->patterns[i].re : NULL;
	XGROW(v->patterns, v->patterns_alloc, v->nr_patterns + 1);
	struct compiled_pattern *p = &v->patterns[v->nr_patterns++];
	p->pattern = pattern;
	p->ok = !regcomp(&p->re, pattern, REG_EXTENDED | REG_NOSUB);
	return p->ok ? &p->re : NULL;
}

/* How a node reads to a person, for "must be X, not Y" messages. */
static void describe(const struct ynode *n, struct strbuf *sb)
{
	if (n->kind == YNODE_SEQ) {
		strbuf_addstr(sb, "a list");
	} else if (n->kind == YNODE_MAP) {
		strbuf_addstr(sb, "a mapping");
	} else if (ynode_is_null(n)) {
		strbuf_addstr(sb, "empty (null)");
	} else {
		const char *what = n->style == YSTYLE_PLAIN ? (yaml_word_is_bool(n->value) ? "the boolean" : "")
							    : "the string";
		if (*what)
			strbuf_addf(sb, "%s ", what);
		strbuf_addch(sb, '\'');
		strbuf_add(sb, n->value, n->len > 40 ? 40 : n->len);
		strbuf_addstr(sb, n->len > 40 ? "...'" : "'");
	}
}

/*
 * A value interpolated from a sensitive variable where the file cannot hide it
 * (a rule, a path, a model, a number: shown in plans, passed in argv): an
 * error that names the variable, never the value.
 */
static bool reject_sensitive(struct validator *v, const char *what, const struct schema_type *t,
			     struct yvalue *r, struct ymark m)
{
	if (!r->secret_var || t->may_be_sensitive)
		return false;
	error_at(v, m,
		 "'%s' is built from the sensitive variable %s: only env values and secrets can hold a "
		 "sensitive value (they are hidden in plans and kept out of argv); move it to one of those",
		 what, r->secret_name ? r->secret_name : "");
	r->ok = false;
	return true;
}

/* A value as messages quote it: at most 60 characters, then "...". */
static void quote_value(struct strbuf *sb, const char *text, size_t len)
{
	size_t n = 0, chars = 0;
	while (n < len && chars < 60) {
		n++;
		while (n < len && ((unsigned char)text[n] & 0xC0) == 0x80)
			n++;
		chars++;
	}
	strbuf_addch(sb, '\'');
	strbuf_add(sb, text, n);
	strbuf_addstr(sb, n < len ? "...'" : "'");
}

static void wrong_type(struct validator *v, const char *what, const struct schema_type *t, const struct ynode *n,
		       struct ymark m)
{
	struct strbuf sb = STRBUF_INIT;
	describe(n, &sb);
	error_at(v, m, "'%s' must be %s, not %s", what, t->noun, sb.buf);
	strbuf_release(&sb);
}

static bool plain_decimal(const char *t)
{
	const char *p = t + (*t == '-' || *t == '+');
	if (!*p)
		return false;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

static bool looks_numeric(const char *t)
{
	const char *p = t + (*t == '-' || *t == '+');
	return (*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9');
}

static void check_int(struct validator *v, const char *what, const struct schema_type *t, struct ynode *n,
		      struct ymark m)
{
	struct yvalue *r = resolve(v, n);
	const char *text = r->text;
	long value;
	bool typed = is_tag(n, "int") || (n->style == YSTYLE_PLAIN && !n->tag);
	bool interpolated = r->text != n->value;
	if (!r->ok || reject_sensitive(v, what, t, r, m) || unknown_here(v, r))
		return;
	if (interpolated) {
		/* Compose casts interpolated text: accept a plain decimal there */
		if (!plain_decimal(text)) {
			error_at(v, m, "'%s' must be %s; the interpolated value '%s' is not a whole number", what, t->noun, text);
			r->ok = false;
			return;
		}
	} else if (!typed || ynode_is_null(n) || yaml_word_is_bool(text)) {
		struct strbuf sb = STRBUF_INIT;
		describe(n, &sb);
		error_at(v, m, "'%s' must be %s, not %s%s", what, t->noun, sb.buf,
			 n->style != YSTYLE_PLAIN && plain_decimal(text) ? " (remove the quotes)" : "");
		strbuf_release(&sb);
		r->ok = false;
		return;
	} else if (!plain_decimal(text)) {
		if (looks_numeric(text))
			error_at(v, m, "'%s' must be a whole decimal number, not '%s'", what, text);
		else
			wrong_type(v, what, t, n, m);
		r->ok = false;
		return;
	} else {
		const char *digits = text + (*text == '-' || *text == '+');
		if (digits[0] == '0' && digits[1]) {
			long as_decimal = strtol(digits, NULL, 10);
			error_at(v, m, "'%s' is ambiguous: YAML 1.1 reads a leading 0 as octal; write %ld", text, as_decimal);
			r->ok = false;
			return;
		}
	}
	if (!str_to_long(text, t->min, t->max, &value)) {
		if (t->min == t->max)
			error_at(v, m, "'%s' must be %ld, not %s", what, t->min, text);
		else
			error_at(v, m, "'%s' must be between %ld and %ld, not %s", what, t->min, t->max, text);
		r->ok = false;
	}
}

static void check_bool(struct validator *v, const char *what, const struct schema_type *t, struct ynode *n,
		       struct ymark m)
{
	struct yvalue *r = resolve(v, n);
	if (!r->ok || reject_sensitive(v, what, t, r, m) || unknown_here(v, r))
		return;
	const char *text = r->text;
	bool typed = is_tag(n, "bool") || (n->style == YSTYLE_PLAIN && !n->tag);
	if (typed && (!strcmp(text, "true") || !strcmp(text, "false") || !strcmp(text, "True") ||
		      !strcmp(text, "False") || !strcmp(text, "TRUE") || !strcmp(text, "FALSE")))
		return;
	if (typed && yaml_word_is_bool(text))
		error_at(v, m, "'%s' is read as a boolean only by YAML 1.1 tools; write true or false", text);
	else
		wrong_type(v, what, t, n, m);
	r->ok = false;
}

static const char *without_article(const char *noun)
{
	if (str_starts_with(noun, "a "))
		return noun + 2;
	if (str_starts_with(noun, "an "))
		return noun + 3;
	return noun;
}

/* Keys are names, never interpolated: give them their raw text as value. */
static void set_raw_value(struct validator *v, struct ynode *key)
{
	if (key->user)
		return;
	struct yvalue *r = ydoc_alloc(v->doc, sizeof(*r));
	r->text = key->value;
	r->len = key->len;
	r->ok = true;
	key->user = r;
}

/* str_suggest(), skipped for a word too long to be a typo of any name (its cost grows with the length). */
static const char *suggest(const char *word, size_t len, const char *const *names, size_t nr)
{
	return len <= 64 ? str_suggest(word, names, nr) : NULL;
}

/* The values t->enum_extension adds: the scalars of that top-level list, read once. */
static bool in_extension(struct validator *v, const struct schema_type *t, const char *text)
{
	if (!v->extension_name) {
		v->extension_name = t->enum_extension;
		const struct ypair *p = ynode_find(v->doc->root, t->enum_extension);
		const struct ynode *list = p ? p->value : NULL;
		for (size_t i = 0; list && list->kind == YNODE_SEQ && i < list->nr_items; i++) {
			struct ynode *item = list->items[i];
			if (item->kind == YNODE_SCALAR && !ynode_is_null(item)) {
				const struct yvalue *r = resolve(v, item);
				if (r->ok)
					strmap_put(&v->extension, r->text, item);
			}
		}
	}
	/* one list in the language: a second would need a map of sets */
	return !strcmp(v->extension_name, t->enum_extension) && strmap_get(&v->extension, text);
}

static void check_enum(struct validator *v, const char *what, const struct schema_type *t, struct yvalue *r,
		       struct ymark m)
{
	size_t nr = 0;
	bool found = false;
	while (t->enum_values[nr])
		found |= !strcmp(t->enum_values[nr++], r->text);
	if (found || (t->enum_extension && in_extension(v, t, r->text)))
		return;
	const char *hint = suggest(r->text, r->len, t->enum_values, nr);
	struct strbuf all = STRBUF_INIT, shown = STRBUF_INIT;
	for (size_t i = 0; i < nr; i++)
		strbuf_addf(&all, "%s%s", i ? ", " : "", t->enum_values[i]);
	quote_value(&shown, r->text, r->len);
	if (hint)
		error_at(v, m, "unknown %s %s; did you mean '%s'?", without_article(t->noun), shown.buf, hint);
	else if (t->enum_extension)
		error_at(v, m, "unknown %s %s: this sbxapply knows %s; if the installed sbx knows it, list it under %s",
			 without_article(t->noun), shown.buf, all.buf, t->enum_extension);
	else if (t->enum_open)
		warning_at(v, m, "%s is not %s this sbxapply knows (%s); sbx may reject it", shown.buf, t->noun, all.buf);
	else
		error_at(v, m, "'%s' must be one of %s, not %s", what, all.buf, shown.buf);
	if (hint || t->enum_extension || !t->enum_open)
		r->ok = false;
	strbuf_release(&all);
	strbuf_release(&shown);
}

static void check_string(struct validator *v, const char *what, const struct schema_type *t, struct ynode *n,
			 struct ymark m)
{
	struct yvalue *r = resolve(v, n);
	if (!r->ok || unknown_here(v, r))
		return;
	bool tagged_str = is_tag(n, "str");
	if (n->tag && !tagged_str && !is_tag(n, "int") && !is_tag(n, "float")) {
		wrong_type(v, what, t, n, m);
		r->ok = false;
		return;
	}
	if (!tagged_str && n->style == YSTYLE_PLAIN && r->text == n->value) {
		if (ynode_is_null(n)) {
			error_at(v, m, "'%s' must be %s, not empty%s", what, t->noun,
				 t->kind == SK_ENV_VALUE ? " (write \"\" for an empty value)" : "");
			r->ok = false;
			return;
		}
		if (yaml_word_is_bool(r->text)) {
			error_at(v, m, "'%s' is read as a boolean by YAML 1.1 tools; quote it: \"%s\"", r->text, r->text);
			r->ok = false;
			return;
		}
	}
	if (reject_sensitive(v, what, t, r, m))
		return;
	struct strbuf shown = STRBUF_INIT;
	quote_value(&shown, r->text, r->len);
	if (t->max_len && r->len > t->max_len) {
		error_at(v, m, "%s is too long for %s: %zu bytes, at most %zu", shown.buf, t->noun, r->len, t->max_len);
		r->ok = false;
	} else if (memchr(r->text, '\0', r->len)) {
		error_at(v, m, "'%s' must not contain a NUL byte", what);
		r->ok = false;
	} else if (t->single_line && (memchr(r->text, '\n', r->len) || memchr(r->text, '\r', r->len))) {
		error_at(v, m, "'%s' must be a single line: it contains a line break", what);
		r->ok = false;
	} else if (t->positional && r->text[0] == '-') {
		error_at(v, m, "%s is not %s: it begins with '-', which sbx would read as an option", shown.buf, t->noun);
		r->ok = false;
	}
	if (r->ok && t->pattern) {
		const regex_t *re = pattern_of(v, t->pattern);
		if (re && regexec(re, r->text, 0, NULL, 0)) {
			error_at(v, m, "%s is not %s: use %s", shown.buf, t->noun, t->pattern_hint);
			r->ok = false;
		}
	}
	if (r->ok && t->enum_values)
		check_enum(v, what, t, r, m);
	if (r->ok && t->check) {
		const char *why = t->check(r->text);
		if (why) {
			error_at(v, m, "%s is not %s: %s", shown.buf, t->noun, why);
			r->ok = false;
		}
	}
	strbuf_release(&shown);
}

static void walk(struct validator *v, const char *what, const struct schema_type *t, struct ynode *n, struct ymark m,
		 struct ymark owner);

static void walk_object(struct validator *v, const char *what, const struct schema_type *t, struct ynode *n,
			struct ymark owner)
{
	bool root = t == &schema_root;
	char *label = root ? xstrdup("the top level") : xasprintf("'%s'", what);
	for (size_t i = 0; i < n->nr_pairs; i++) {
		struct ypair *p = &n->pairs[i];
		const char *key = p->key->value;
		if (root && str_starts_with(key, SCHEMA_EXTENSION_PREFIX))
			continue;
		const struct schema_field *f = schema_find_field(t, key);
		if (!f) {
			const char *names[32];
			size_t nr = 0;
			struct strbuf all = STRBUF_INIT;
			for (const struct schema_field *g = t->fields; g->name && nr < 32; g++) {
				names[nr++] = g->name;
				strbuf_addf(&all, "%s%s", all.len ? ", " : "", g->name);
			}
			const char *hint = suggest(key, p->key->len, names, nr);
			struct strbuf shown = STRBUF_INIT;
			quote_value(&shown, key, p->key->len);
			if (!strcmp(key, "environment") && schema_find_field(t, "env")) {
				/* Compose's spelling, usually its KEY=VALUE list: show the map sbxapply reads */
				struct strbuf map = STRBUF_INIT;
				compose_env_as_map(p->value, &map);
				error_at(v, p->key->mark, "unknown key 'environment' in %s; did you mean 'env'? %s%s", label,
					 p->value->kind == YNODE_SEQ
						 ? "it is a map of names to values, not Compose's list: "
						 : "write it as: ",
					 map.buf);
				strbuf_release(&map);
			} else if (hint)
				error_at(v, p->key->mark, "unknown key %s in %s; did you mean '%s'?", shown.buf, label, hint);
			else
				error_at(v, p->key->mark, "unknown key %s in %s (expected %s)", shown.buf, label, all.buf);
			strbuf_release(&all);
			strbuf_release(&shown);
			continue;
		}
		walk(v, f->name, f->type, p->value, p->value_mark, p->key->mark);
	}
	for (const struct schema_field *f = t->fields; f->name; f++)
		if (f->required && !ynode_find(n, f->name))
			error_at(v, owner, "%s is missing the required key '%s'", label, f->name);
	free(label);
}

static void walk_map(struct validator *v, const char *what, const struct schema_type *t, struct ynode *n)
{
	for (size_t i = 0; i < n->nr_pairs; i++) {
		struct ypair *p = &n->pairs[i];
		if (ynode_is_null(p->key) && p->key->style == YSTYLE_PLAIN) {
			error_at(v, p->key->mark, "'%s' has an empty key", what);
			continue;
		}
		set_raw_value(v, p->key);
		check_string(v, what, t->key, p->key, p->key->mark);
		walk(v, p->key->value, t->items, p->value, p->value_mark, p->key->mark);
	}
}

static void walk(struct validator *v, const char *what, const struct schema_type *t, struct ynode *n, struct ymark m,
		 struct ymark owner)
{
	if (!n || (ynode_is_null(n) && t->nullable))
		return;
	if (n->kind == YNODE_SCALAR && n->style == YSTYLE_PLAIN && n->len == 0)
		m = owner; /* an empty value has no position of its own: point at its key */
	if (n->kind == YNODE_SCALAR && n->tag && !str_starts_with(n->tag, TAG_PREFIX) && strcmp(n->tag, "!")) {
		error_at(v, m, "unsupported tag '%s' on '%s'", n->tag, what);
		return;
	}
	switch (t->kind) {
	case SK_OBJECT:
		if (n->kind != YNODE_MAP) {
			wrong_type(v, what, t, n, m);
			return;
		}
		walk_object(v, what, t, n, owner);
		break;
	case SK_MAP:
		if (n->kind != YNODE_MAP) {
			wrong_type(v, what, t, n, m);
			return;
		}
		walk_map(v, what, t, n);
		break;
	case SK_LIST:
		if (n->kind != YNODE_SEQ) {
			wrong_type(v, what, t, n, m);
			return;
		}
		for (size_t i = 0; i < n->nr_items; i++)
			walk(v, what, t->items, n->items[i], n->items[i]->mark, n->items[i]->mark);
		break;
	case SK_ENV_VALUE:
		if (n->kind == YNODE_MAP) {
			walk_object(v, what, t->items, n, owner);
			break;
		}
		/* fall through */
	case SK_STRING:
		if (n->kind != YNODE_SCALAR) {
			wrong_type(v, what, t, n, m);
			return;
		}
		check_string(v, what, t, n, m);
		break;
	case SK_INT:
		if (n->kind != YNODE_SCALAR) {
			wrong_type(v, what, t, n, m);
			return;
		}
		check_int(v, what, t, n, m);
		break;
	case SK_BOOL:
		if (n->kind != YNODE_SCALAR) {
			wrong_type(v, what, t, n, m);
			return;
		}
		check_bool(v, what, t, n, m);
		break;
	}
}

void validate_document(struct ydoc *doc, const struct interp_env *env, struct diag_list *diags)
{
	struct validator v = { .doc = doc, .env = env, .diags = diags };
	if (!doc->root) {
		diag_add(diags, DIAG_ERROR, &doc->source, 1, 1, "the file is empty: it needs at least 'version: 1'");
		return;
	}
	if (doc->root->kind != YNODE_MAP) {
		struct strbuf sb = STRBUF_INIT;
		describe(doc->root, &sb);
		error_at(&v, doc->root->mark, "the file must be a mapping of top-level keys (version, models, sandboxes, ...), not %s", sb.buf);
		strbuf_release(&sb);
		return;
	}
	walk(&v, "the top level", &schema_root, doc->root, doc->root->mark, doc->root->mark);
	for (size_t i = 0; i < v.nr_patterns; i++)
		if (v.patterns[i].ok)
			regfree(&v.patterns[i].re);
	free(v.patterns);
	strmap_release(&v.extension);
}

const struct yvalue *yvalue_of(const struct ynode *node)
{
	const struct yvalue *r = node ? node->user : NULL;
	return r && r->ok ? r : NULL;
}
