#include "lang/compose_models.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "refs/modelref.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/xalloc.h"

static const char *const model_keys[] = { "model", "context_size", "runtime_flags" };
#define NR_MODEL_KEYS (sizeof(model_keys) / sizeof(model_keys[0]))

static void at(struct diag_list *diags, const struct compose_models *m, enum diag_severity sev, struct ymark mark,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void at(struct diag_list *diags, const struct compose_models *m, enum diag_severity sev, struct ymark mark,
	       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct strbuf msg = STRBUF_INIT;
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	diag_add(diags, sev, &m->doc.source, mark.line, mark.col, "%s", msg.buf);
	strbuf_release(&msg);
}

static char *scalar_text(const struct ynode *n)
{
	return n && n->kind == YNODE_SCALAR && !memchr(n->value, '\0', n->len) ? xstrndup(n->value, n->len) : NULL;
}

/* digits, or an interpolation left for sandbox.yaml to resolve */
static bool size_ok(const struct ynode *n)
{
	if (!n || n->kind != YNODE_SCALAR || !n->len)
		return false;
	if (n->value[0] == '$')
		return true;
	long v;
	char *text = scalar_text(n);
	bool ok = n->style == YSTYLE_PLAIN && text && str_to_long(text, 1, 100000000L, &v);
	free(text);
	return ok;
}

static bool same_settings(const struct compose_model *a, const struct compose_model *b)
{
	if ((a->context_size == NULL) != (b->context_size == NULL) ||
	    (a->context_size && strcmp(a->context_size, b->context_size)) || a->has_flags != b->has_flags ||
	    a->nr_flags != b->nr_flags)
		return false;
	for (size_t i = 0; i < a->nr_flags; i++)
		if (strcmp(a->runtime_flags[i], b->runtime_flags[i]))
			return false;
	return true;
}

static void model_release(struct compose_model *c)
{
	free(c->name);
	free(c->model);
	free(c->canonical);
	free(c->context_size);
	for (size_t i = 0; i < c->nr_flags; i++)
		free(c->runtime_flags[i]);
	free(c->runtime_flags);
	free(c->also);
}

/* One entry of `models:`; 0 when it is a model to import. */
static int read_entry(struct compose_models *m, const struct ypair *p, struct compose_model *c, struct diag_list *diags)
{
	memset(c, 0, sizeof(*c));
	c->name = scalar_text(p->key);
	c->line = p->key->mark.line;
	const struct ynode *v = p->value;
	if (!v || v->kind != YNODE_MAP) {
		at(diags, m, DIAG_ERROR, p->value_mark,
		   "model '%s' must be a mapping with at least 'model: REF' (Compose's models element)", c->name);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < v->nr_pairs; i++) {
		const struct ypair *kv = &v->pairs[i];
		const char *key = kv->key->value;
		bool known = false;
		for (size_t k = 0; k < NR_MODEL_KEYS; k++)
			known |= !strcmp(key, model_keys[k]);
		if (known || str_starts_with(key, "x-"))
			continue; /* x-* are platform extensions: not sbxapply's */
		const char *hint = str_suggest(key, model_keys, NR_MODEL_KEYS);
		struct strbuf msg = STRBUF_INIT;
		strbuf_addf(&msg, "unknown key '%s' in model '%s'; ignored (Compose's models take model, context_size and "
				  "runtime_flags",
			    key, c->name);
		if (hint)
			strbuf_addf(&msg, "; did you mean '%s'?", hint);
		strbuf_addch(&msg, ')');
		diag_add(diags, DIAG_WARNING, &m->doc.source, kv->key->mark.line, kv->key->mark.col, "%s", msg.buf);
		strbuf_release(&msg);
	}
	const struct ypair *model = ynode_find(v, "model");
	c->model = model ? scalar_text(model->value) : NULL;
	if (!model) {
		at(diags, m, DIAG_ERROR, p->key->mark, "model '%s' has no 'model:' (the reference to pull, such as ai/smollm2)",
		   c->name);
		rc = -1;
	} else if (!c->model || !*c->model) {
		at(diags, m, DIAG_ERROR, model->value_mark, "'model' of '%s' must be a model reference such as ai/smollm2",
		   c->name);
		rc = -1;
	} else if (strchr(c->model, '$')) {
		at(diags, m, DIAG_ERROR, model->value_mark,
		   "'%s': an interpolated model reference cannot be imported (sandbox.yaml's model keys are not "
		   "interpolated); write the reference itself",
		   c->model);
		rc = -1;
	} else {
		const char *why = modelref_check(c->model);
		if (why) {
			at(diags, m, DIAG_ERROR, model->value_mark, "'%s' is not a model reference: %s", c->model, why);
			rc = -1;
		}
	}
	const struct ypair *size = ynode_find(v, "context_size");
	if (size && !ynode_is_null(size->value)) {
		if (!size_ok(size->value)) {
			at(diags, m, DIAG_ERROR, size->value_mark,
			   "'context_size' of '%s' must be a whole number of tokens, such as 4096", c->name);
			rc = -1;
		} else {
			c->context_size = scalar_text(size->value);
		}
	}
	const struct ypair *flags = ynode_find(v, "runtime_flags");
	if (flags && !ynode_is_null(flags->value)) {
		const struct ynode *seq = flags->value;
		if (seq->kind != YNODE_SEQ) {
			at(diags, m, DIAG_ERROR, flags->value_mark,
			   "'runtime_flags' of '%s' must be a list of strings, such as [\"--temp\", \"0.7\"]", c->name);
			rc = -1;
		} else {
			c->has_flags = true;
			c->runtime_flags = xcalloc(seq->nr_items + 1, sizeof(*c->runtime_flags));
			for (size_t i = 0; i < seq->nr_items; i++) {
				char *flag = scalar_text(seq->items[i]);
				if (!flag) {
					at(diags, m, DIAG_ERROR, seq->items[i]->mark,
					   "each of the 'runtime_flags' of '%s' must be a string", c->name);
					rc = -1;
					continue;
				}
				c->runtime_flags[c->nr_flags++] = flag;
			}
		}
	}
	if (rc == 0)
		c->canonical = modelref_normalize(c->model);
	return rc;
}

int compose_models_load(struct compose_models *out, const char *name, const char *text, size_t len,
			struct diag_list *diags)
{
	memset(out, 0, sizeof(*out));
	size_t errors = diags->errors;
	if (ydoc_load(&out->doc, name, text, len, diags) < 0)
		return -1;
	const struct ynode *root = out->doc.root;
	struct ymark top = { 1, 1 };
	const struct ypair *models = root && root->kind == YNODE_MAP ? ynode_find(root, "models") : NULL;
	if (!models) {
		diag_add(diags, DIAG_ERROR, &out->doc.source, top.line, top.col,
			 "no top-level 'models:' element: nothing to import (see the Compose specification's models.md)");
		return -1;
	}
	const struct ynode *map = models->value;
	if (!map || map->kind != YNODE_MAP) {
		diag_add(diags, DIAG_ERROR, &out->doc.source, models->value_mark.line, models->value_mark.col,
			 "'models' must be a mapping of names to {model, context_size, runtime_flags}");
		return -1;
	}
	out->items = xcalloc(map->nr_pairs + 1, sizeof(*out->items));
	for (size_t i = 0; i < map->nr_pairs; i++) {
		struct compose_model c;
		if (str_starts_with(map->pairs[i].key->value, "x-") || read_entry(out, &map->pairs[i], &c, diags) < 0) {
			if (!str_starts_with(map->pairs[i].key->value, "x-"))
				model_release(&c);
			continue;
		}
		/* sandbox.yaml declares a model once: the same model under two names is one entry */
		struct compose_model *seen = NULL;
		for (size_t k = 0; k < out->nr && !seen; k++)
			if (!strcmp(out->items[k].canonical, c.canonical))
				seen = &out->items[k];
		if (!seen) {
			out->items[out->nr++] = c;
			continue;
		}
		if (!same_settings(seen, &c)) {
			char *line = xasprintf("%d", seen->line);
			diag_add(diags, DIAG_ERROR, &out->doc.source, map->pairs[i].key->mark.line, map->pairs[i].key->mark.col,
				 "'%s' runs %s, as '%s' (line %s) does, with other context_size or runtime_flags: sandbox.yaml "
				 "sets one runtime configuration per model; make them agree",
				 c.name, c.model, seen->name, line);
			free(line);
		} else {
			char *also = seen->also ? xasprintf("%s, %s", seen->also, c.name) : xstrdup(c.name);
			free(seen->also);
			seen->also = also;
		}
		model_release(&c);
	}
	diag_list_sort(diags);
	return diags->errors > errors ? -1 : 0;
}

void compose_models_release(struct compose_models *m)
{
	for (size_t i = 0; i < m->nr; i++)
		model_release(&m->items[i]);
	free(m->items);
	ydoc_release(&m->doc);
	memset(m, 0, sizeof(*m));
}
