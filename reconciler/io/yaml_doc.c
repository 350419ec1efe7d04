#include "yaml_doc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/xalloc.h"

#define ARENA_BLOCK (64 * 1024)
#define MAX_DEPTH 512

struct ydoc_arena {
	struct ydoc_arena *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

void *ydoc_alloc(struct ydoc *doc, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	struct ydoc_arena *a = doc->arena;
	if (!a || a->size - a->used < size) {
		size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
		struct ydoc_arena *n = xmalloc(sizeof(*n) + cap);
		n->next = a;
		n->used = 0;
		n->size = cap;
		doc->arena = a = n;
	}
	void *p = a->data + a->used;
	a->used += size;
	memset(p, 0, size);
	return p;
}

static char *arena_strndup(struct ydoc *doc, const char *s, size_t len)
{
	char *p = ydoc_alloc(doc, len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

struct anchor {
	char *name;
	struct ynode *node;
	bool open; /* still being parsed: an alias to it would be a cycle */
};

struct frame {
	struct ynode *node;
	size_t anchor;		   /* index + 1 into loader.anchors, 0 for none */
	struct ynode *pending_key; /* maps: key waiting for its value */
	size_t alloc;
};

struct loader {
	struct ydoc *doc;
	struct diag_list *diags;
	struct frame *stack;
	size_t depth, stack_alloc;
	struct anchor *anchors;
	size_t nr_anchors, anchors_alloc;
	bool failed;	 /* stop parsing: the tree cannot be trusted */
	bool duplicates; /* reported, but the tree is still worth validating */
};

static struct ymark mark_of(yaml_mark_t m)
{
	return (struct ymark){ .line = (int)m.line + 1, .col = (int)m.column + 1 };
}

static void error_at(struct loader *ld, struct ymark m, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void error_at(struct loader *ld, struct ymark m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_add(ld->diags, DIAG_ERROR, &ld->doc->source, m.line, m.col, "%s", msg);
	free(msg);
	ld->failed = true;
}

static size_t add_weight(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static struct anchor *find_anchor(struct loader *ld, const char *name)
{
	/* the latest definition wins, as YAML allows an anchor to be redefined */
	for (size_t i = ld->nr_anchors; i-- > 0;)
		if (!strcmp(ld->anchors[i].name, name))
			return &ld->anchors[i];
	return NULL;
}

static struct anchor *define_anchor(struct loader *ld, const yaml_char_t *name, struct ynode *node, bool open)
{
	if (!name)
		return NULL;
	XGROW(ld->anchors, ld->anchors_alloc, ld->nr_anchors + 1);
	struct anchor *a = &ld->anchors[ld->nr_anchors++];
	a->name = xstrdup((const char *)name);
	a->node = node;
	a->open = open;
	return a;
}

static struct ynode *new_node(struct loader *ld, enum ynode_kind kind, yaml_mark_t m, const yaml_char_t *tag)
{
	struct ynode *n = ydoc_alloc(ld->doc, sizeof(*n));
	n->kind = kind;
	n->mark = mark_of(m);
	n->weight = 1;
	if (tag)
		n->tag = arena_strndup(ld->doc, (const char *)tag, strlen((const char *)tag));
	return n;
}

static void append_item(struct loader *ld, struct frame *f, struct ynode *child)
{
	struct ynode *seq = f->node;
	if (seq->nr_items == f->alloc) {
		size_t n = f->alloc ? f->alloc * 2 : 4;
		struct ynode **items = ydoc_alloc(ld->doc, n * sizeof(*items));
		if (seq->nr_items)
			memcpy(items, seq->items, seq->nr_items * sizeof(*items));
		seq->items = items;
		f->alloc = n;
	}
	seq->items[seq->nr_items++] = child;
}

static void append_pair(struct loader *ld, struct frame *f, struct ynode *key, struct ynode *value, struct ymark vm)
{
	struct ynode *map = f->node;
	if (map->nr_pairs == f->alloc) {
		size_t n = f->alloc ? f->alloc * 2 : 4;
		struct ypair *pairs = ydoc_alloc(ld->doc, n * sizeof(*pairs));
		if (map->nr_pairs)
			memcpy(pairs, map->pairs, map->nr_pairs * sizeof(*pairs));
		map->pairs = pairs;
		f->alloc = n;
	}
	map->pairs[map->nr_pairs++] = (struct ypair){ .key = key, .value = value, .value_mark = vm };
}

/* Hangs a finished node (or an alias target) under the innermost open container. */
static void attach(struct loader *ld, struct ynode *node, struct ymark where)
{
	if (ld->depth == 0) {
		ld->doc->root = node;
		return;
	}
	struct frame *f = &ld->stack[ld->depth - 1];
	f->node->weight = add_weight(f->node->weight, node->weight);
	if (f->node->kind == YNODE_SEQ) {
		append_item(ld, f, node);
	} else if (!f->pending_key) {
		if (node->kind != YNODE_SCALAR)
			error_at(ld, where, "mapping keys must be plain strings, not a %s", ynode_kind_name(node));
		f->pending_key = node;
	} else {
		append_pair(ld, f, f->pending_key, node, where);
		f->pending_key = NULL;
	}
}

static bool is_merge_key(const struct ynode *key)
{
	return key->kind == YNODE_SCALAR && key->style == YSTYLE_PLAIN && !key->tag &&
	       key->len == 2 && !memcmp(key->value, "<<", 2);
}

static bool pair_has_key(const struct ypair *pairs, size_t n, const struct ynode *key)
{
	for (size_t i = 0; i < n; i++)
		if (pairs[i].key->len == key->len && !memcmp(pairs[i].key->value, key->value, key->len))
			return true;
	return false;
}

static uint64_t hash_key(const struct ynode *key)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < key->len; i++)
		h = (h ^ (unsigned char)key->value[i]) * 1099511628211ull;
	return h;
}

/* Reports keys written twice in one mapping: libyaml accepts them silently. */
static void check_duplicates(struct loader *ld, const struct ynode *map)
{
	size_t n = map->nr_pairs, cap = 16;
	while (cap < n * 2)
		cap *= 2;
	size_t *slots = xcalloc(cap, sizeof(*slots)); /* index + 1; 0 = empty */
	for (size_t i = 0; i < n; i++) {
		const struct ynode *key = map->pairs[i].key;
		if (key->kind != YNODE_SCALAR || is_merge_key(key))
			continue;
		size_t s = hash_key(key) & (cap - 1);
		for (; slots[s]; s = (s + 1) & (cap - 1)) {
			const struct ynode *other = map->pairs[slots[s] - 1].key;
			if (other->len == key->len && !memcmp(other->value, key->value, key->len))
				break;
		}
		if (!slots[s]) {
			slots[s] = i + 1;
			continue;
		}
		const struct ynode *first = map->pairs[slots[s] - 1].key;
		diag_add(ld->diags, DIAG_ERROR, &ld->doc->source, key->mark.line, key->mark.col,
			 "duplicate key '%s' (first defined at line %d)", key->value, first->mark.line);
		ld->duplicates = true;
	}
	free(slots);
}

static void merge_from(struct loader *ld, struct ypair **out, size_t *nr, size_t *alloc,
		       const struct ynode *src, struct ymark where)
{
	if (src->kind != YNODE_MAP) {
		error_at(ld, where, "a merge key '<<' takes a mapping or a list of mappings, not a %s",
			 ynode_kind_name(src));
		return;
	}
	for (size_t i = 0; i < src->nr_pairs; i++) {
		if (pair_has_key(*out, *nr, src->pairs[i].key))
			continue;
		XGROW(*out, *alloc, *nr + 1);
		(*out)[*nr] = src->pairs[i];
		(*out)[*nr].merged = true;
		(*nr)++;
	}
}

/* Applies `<<` merge keys: local keys first and winning, then each source in order. */
static void apply_merges(struct loader *ld, struct ynode *map)
{
	size_t i;
	for (i = 0; i < map->nr_pairs; i++)
		if (is_merge_key(map->pairs[i].key))
			break;
	if (i == map->nr_pairs)
		return;
	struct ypair *out = NULL;
	size_t nr = 0, alloc = 0;
	for (i = 0; i < map->nr_pairs; i++) {
		if (is_merge_key(map->pairs[i].key))
			continue;
		XGROW(out, alloc, nr + 1);
		out[nr++] = map->pairs[i];
	}
	for (i = 0; i < map->nr_pairs; i++) {
		const struct ypair *p = &map->pairs[i];
		if (!is_merge_key(p->key))
			continue;
		if (p->value->kind == YNODE_SEQ) {
			for (size_t j = 0; j < p->value->nr_items; j++)
				merge_from(ld, &out, &nr, &alloc, p->value->items[j], p->value_mark);
		} else {
			merge_from(ld, &out, &nr, &alloc, p->value, p->value_mark);
		}
	}
	map->pairs = ydoc_alloc(ld->doc, (nr ? nr : 1) * sizeof(*out));
	if (nr)
		memcpy(map->pairs, out, nr * sizeof(*out));
	map->nr_pairs = nr;
	free(out);
}

static void push(struct loader *ld, struct ynode *node, const yaml_char_t *anchor)
{
	if (ld->depth >= MAX_DEPTH) {
		error_at(ld, node->mark, "nesting is deeper than %d levels", MAX_DEPTH);
		return;
	}
	XGROW(ld->stack, ld->stack_alloc, ld->depth + 1);
	struct frame *f = &ld->stack[ld->depth++];
	memset(f, 0, sizeof(*f));
	f->node = node;
	/* keep an index, not a pointer: the anchors array may move */
	if (define_anchor(ld, anchor, node, true))
		f->anchor = ld->nr_anchors;
}

static void pop(struct loader *ld, struct ymark end)
{
	struct frame f = ld->stack[--ld->depth];
	if (f.anchor)
		ld->anchors[f.anchor - 1].open = false;
	if (f.node->kind == YNODE_MAP) {
		if (f.pending_key) /* cannot happen with a well-formed event stream */
			append_pair(ld, &f, f.pending_key, NULL, end);
		check_duplicates(ld, f.node);
		apply_merges(ld, f.node);
	}
	attach(ld, f.node, f.node->mark);
}

static void on_scalar(struct loader *ld, const yaml_event_t *ev)
{
	struct ynode *n = new_node(ld, YNODE_SCALAR, ev->start_mark,
				   ev->data.scalar.plain_implicit ? NULL : ev->data.scalar.tag);
	n->value = arena_strndup(ld->doc, (const char *)ev->data.scalar.value, ev->data.scalar.length);
	n->len = ev->data.scalar.length;
	switch (ev->data.scalar.style) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE: n->style = YSTYLE_SINGLE; break;
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE: n->style = YSTYLE_DOUBLE; break;
	case YAML_LITERAL_SCALAR_STYLE: n->style = YSTYLE_LITERAL; break;
	case YAML_FOLDED_SCALAR_STYLE: n->style = YSTYLE_FOLDED; break;
	default: n->style = YSTYLE_PLAIN; break;
	}
	/* a quoted scalar carries the implicit "!" tag: only keep tags the user wrote */
	if (n->tag && !strcmp(n->tag, "!") && n->style != YSTYLE_PLAIN)
		n->tag = NULL;
	define_anchor(ld, ev->data.scalar.anchor, n, false);
	attach(ld, n, n->mark);
}

static void on_alias(struct loader *ld, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct anchor *a = find_anchor(ld, name);
	struct ymark where = mark_of(ev->start_mark);
	if (!a) {
		error_at(ld, where, "alias '*%s' refers to no anchor defined before it", name);
		return;
	}
	if (a->open) {
		error_at(ld, where, "alias '*%s' refers to the node that contains it (a cycle)", name);
		return;
	}
	attach(ld, a->node, where);
}

/* Line and column of a byte offset, counting characters as libyaml does. */
static struct ymark mark_at_offset(const struct ydoc *doc, size_t offset)
{
	struct ymark m = { 1, 1 };
	for (size_t i = 0; i < offset && i < doc->source.len; i++) {
		unsigned char c = (unsigned char)doc->source.text[i];
		if (c == '\n') {
			m.line++;
			m.col = 1;
		} else if ((c & 0xC0) != 0x80) {
			m.col++;
		}
	}
	return m;
}

static void syntax_error(struct loader *ld, const yaml_parser_t *p)
{
	struct ymark m = mark_of(p->problem_mark);
	/* encoding errors come from the reader, which sets only problem_offset */
	if (p->error == YAML_READER_ERROR)
		m = mark_at_offset(ld->doc, p->problem_offset);
	const char *problem = p->problem ? p->problem : "cannot parse";
	if (p->context)
		diag_add(ld->diags, DIAG_ERROR, &ld->doc->source, m.line, m.col,
			 "YAML syntax error: %s (%s started at line %d, column %d)", problem, p->context,
			 (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
	else
		diag_add(ld->diags, DIAG_ERROR, &ld->doc->source, m.line, m.col, "YAML syntax error: %s", problem);
	ld->failed = true;
}

static bool too_heavy(struct loader *ld)
{
	struct ynode *n = ld->depth ? ld->stack[ld->depth - 1].node : ld->doc->root;
	if (!n || n->weight <= YDOC_MAX_EXPANDED)
		return false;
	diag_add(ld->diags, DIAG_ERROR, &ld->doc->source, n->mark.line, n->mark.col,
		 "aliases expand this document past %d nodes; refusing it (an alias bomb?)", YDOC_MAX_EXPANDED);
	ld->failed = true;
	return true;
}

int ydoc_load(struct ydoc *doc, const char *name, const char *text, size_t len, struct diag_list *diags)
{
	struct loader ld = { .doc = doc, .diags = diags };
	yaml_parser_t parser;
	yaml_event_t ev;
	int documents = 0;
	bool done = false;

	memset(doc, 0, sizeof(*doc));
	doc->source.name = xstrdup(name);
	doc->source.text = xstrndup(text, len);
	doc->source.len = len;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)doc->source.text, len);
	while (!done && !ld.failed) {
		if (!yaml_parser_parse(&parser, &ev)) {
			syntax_error(&ld, &parser);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++documents > 1)
				error_at(&ld, mark_of(ev.start_mark), "%s", "a file holds one YAML document; found a second one here");
			break;
		case YAML_SCALAR_EVENT:
			on_scalar(&ld, &ev);
			break;
		case YAML_ALIAS_EVENT:
			on_alias(&ld, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			push(&ld, new_node(&ld, YNODE_SEQ, ev.start_mark, ev.data.sequence_start.implicit ? NULL : ev.data.sequence_start.tag),
			     ev.data.sequence_start.anchor);
			break;
		case YAML_MAPPING_START_EVENT:
			push(&ld, new_node(&ld, YNODE_MAP, ev.start_mark, ev.data.mapping_start.implicit ? NULL : ev.data.mapping_start.tag),
			     ev.data.mapping_start.anchor);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (ld.depth)
				pop(&ld, mark_of(ev.start_mark));
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (!ld.failed)
			too_heavy(&ld);
	}
	yaml_parser_delete(&parser);
	for (size_t i = 0; i < ld.nr_anchors; i++)
		free(ld.anchors[i].name);
	free(ld.anchors);
	free(ld.stack);
	if (ld.failed)
		doc->root = NULL;
	return ld.failed ? -1 : 0;
}

void ydoc_release(struct ydoc *doc)
{
	while (doc->arena) {
		struct ydoc_arena *next = doc->arena->next;
		free(doc->arena);
		doc->arena = next;
	}
	free((char *)doc->source.name);
	free((char *)doc->source.text);
	memset(doc, 0, sizeof(*doc));
}

const struct ypair *ynode_find(const struct ynode *map, const char *key)
{
	if (!map || map->kind != YNODE_MAP)
		return NULL;
	size_t len = strlen(key);
	for (size_t i = 0; i < map->nr_pairs; i++) {
		const struct ynode *k = map->pairs[i].key;
		if (k->len == len && !memcmp(k->value, key, len))
			return &map->pairs[i];
	}
	return NULL;
}

bool ynode_is_null(const struct ynode *node)
{
	if (!node)
		return true;
	if (node->kind != YNODE_SCALAR)
		return false;
	if (node->tag)
		return !strcmp(node->tag, "tag:yaml.org,2002:null");
	if (node->style != YSTYLE_PLAIN)
		return false;
	return node->len == 0 || !strcmp(node->value, "~") || !strcmp(node->value, "null") ||
	       !strcmp(node->value, "Null") || !strcmp(node->value, "NULL");
}

const char *ynode_kind_name(const struct ynode *node)
{
	switch (node->kind) {
	case YNODE_SCALAR: return "scalar";
	case YNODE_SEQ: return "list";
	default: return "mapping";
	}
}
