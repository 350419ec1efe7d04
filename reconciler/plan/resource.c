#include "resource.h"

#include <stdlib.h>
#include <string.h>

#include "plan/kind.h"
#include "util/sha256.h"
#include "util/xalloc.h"

struct resource *resource_new(const struct kind *kind, const char *name, const char *display)
{
	struct resource *r = xcalloc(1, sizeof(*r));
	r->kind = kind;
	r->name = xstrdup(name);
	r->display = xstrdup(display ? display : name);
	return r;
}

void resource_free(struct resource *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nr_fields; i++) {
		free(r->fields[i].name);
		free(r->fields[i].value);
	}
	free(r->fields);
	for (size_t i = 0; i < r->nr_deps; i++)
		free(r->deps[i]);
	free(r->deps);
	free(r->name);
	free(r->display);
	free(r->observed_id);
	free(r->identity);
	free(r->unknown);
	free(r->vouched);
	free(r);
}

void resource_set_field(struct resource *r, const char *name, const char *value, bool sensitive)
{
	for (size_t i = 0; i < r->nr_fields; i++)
		if (!strcmp(r->fields[i].name, name)) {
			free(r->fields[i].value);
			r->fields[i].value = value ? xstrdup(value) : NULL;
			r->fields[i].sensitive = sensitive;
			return;
		}
	XGROW(r->fields, r->fields_alloc, r->nr_fields + 1);
	r->fields[r->nr_fields++] = (struct res_field){ xstrdup(name), value ? xstrdup(value) : NULL, sensitive };
}

const struct res_field *resource_field(const struct resource *r, const char *name)
{
	for (size_t i = 0; r && i < r->nr_fields; i++)
		if (!strcmp(r->fields[i].name, name))
			return &r->fields[i];
	return NULL;
}

const char *resource_value(const struct resource *r, const char *name)
{
	const struct res_field *f = resource_field(r, name);
	return f ? f->value : NULL;
}

void resource_add_dep(struct resource *r, const struct kind *kind, const char *name)
{
	XGROW(r->deps, r->alloc_deps, r->nr_deps + 1);
	r->deps[r->nr_deps++] = xasprintf("%s/%s", kind->name, name);
}

char *resource_id(const struct resource *r)
{
	return xasprintf("%s/%s", r->kind->name, r->name);
}

static int compare_fields(const void *a, const void *b)
{
	return strcmp((*(const struct res_field *const *)a)->name, (*(const struct res_field *const *)b)->name);
}

char *resource_settings(const struct resource *r)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < r->nr_fields; i++)
		if (!r->fields[i].sensitive)
			strbuf_addf(&sb, "%s%s=%s", sb.len ? "; " : "", r->fields[i].name,
				    r->fields[i].value ? r->fields[i].value : "");
	return strbuf_detach(&sb, NULL);
}

void resource_digest(const struct resource *r, char out[65])
{
	/* sorted by name and length-prefixed, so no two field sets share a digest input */
	const struct res_field **sorted = xmalloc((r->nr_fields + 1) * sizeof(*sorted));
	for (size_t i = 0; i < r->nr_fields; i++)
		sorted[i] = &r->fields[i];
	qsort(sorted, r->nr_fields, sizeof(*sorted), compare_fields);
	struct sha256 h;
	sha256_init(&h);
	for (size_t i = 0; i < r->nr_fields; i++) {
		const char *v = sorted[i]->value;
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "%zu:%s=", strlen(sorted[i]->name), sorted[i]->name);
		if (v)
			strbuf_addf(&sb, "%zu:%s;", strlen(v), v);
		else
			strbuf_addstr(&sb, "-;");
		sha256_update(&h, sb.buf, sb.len);
		strbuf_release(&sb);
	}
	sha256_hex(&h, out);
	free(sorted);
}

int resource_set_add(struct resource_set *set, struct resource *r)
{
	char *id = resource_id(r);
	if (strmap_get(&set->index, id)) {
		free(id);
		resource_free(r);
		return -1;
	}
	strmap_put(&set->index, id, r);
	free(id);
	XGROW(set->items, set->alloc, set->nr + 1);
	set->items[set->nr++] = r;
	return 0;
}

struct resource *resource_set_find(const struct resource_set *set, const struct kind *kind, const char *name)
{
	char *id = xasprintf("%s/%s", kind->name, name);
	struct resource *r = strmap_get(&set->index, id);
	free(id);
	return r;
}

void resource_set_release(struct resource_set *set)
{
	for (size_t i = 0; i < set->nr; i++)
		resource_free(set->items[i]);
	free(set->items);
	strmap_release(&set->index);
	memset(set, 0, sizeof(*set));
}
