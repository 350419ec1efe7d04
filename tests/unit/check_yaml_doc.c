/*
 * Tests for io/yaml_doc: the libyaml loader that builds a tree of nodes with
 * 1-based marks, shares aliased nodes, applies `<<` merges and refuses what
 * would make a walk unbounded. Positions and messages are asserted exactly,
 * since they are what a user reads.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#include "check_main.h"
#include "io/yaml_doc.h"
#include "util/diag.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static struct ydoc doc;
static struct diag_list diags;

static void setup(void)
{
	memset(&doc, 0, sizeof(doc));
	memset(&diags, 0, sizeof(diags));
}

static void teardown(void)
{
	ydoc_release(&doc);
	diag_list_release(&diags);
}

static int load_n(const char *text, size_t len)
{
	return ydoc_load(&doc, "t.yaml", text, len, &diags);
}

static int load(const char *text)
{
	return load_n(text, strlen(text));
}

/* Drops the current document and diagnostics, then loads text. */
static int reload(const char *text)
{
	teardown();
	setup();
	return load(text);
}

static void assert_mark(struct ymark m, int line, int col)
{
	ck_assert_int_eq(m.line, line);
	ck_assert_int_eq(m.col, col);
}

/* Asserts that the only diagnostic is an error at line:col whose message contains want. */
static void assert_one_error(int line, int col, const char *want)
{
	ck_assert_uint_eq(diags.nr, 1);
	ck_assert_uint_eq(diags.errors, 1);
	const struct diag *d = &diags.items[0];
	ck_assert_int_eq(d->severity, DIAG_ERROR);
	ck_assert_ptr_eq(d->source, &doc.source);
	ck_assert_int_eq(d->line, line);
	ck_assert_int_eq(d->col, col);
	ck_assert_msg(strstr(d->message, want), "message '%s' lacks '%s'", d->message, want);
}

/* The value of key in map, asserting that the key exists. */
static const struct ynode *get(const struct ynode *map, const char *key)
{
	const struct ypair *p = ynode_find(map, key);
	ck_assert_msg(p != NULL, "key '%s' not found", key);
	return p->value;
}

static void assert_scalar(const struct ynode *n, const char *value, int line, int col)
{
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(n->kind, YNODE_SCALAR);
	ck_assert_uint_eq(n->len, strlen(value));
	ck_assert_str_eq(n->value, value);
	assert_mark(n->mark, line, col);
}

/* ---- tree ---------------------------------------------------------------- */

START_TEST(tree_kinds_marks_and_order)
{
	ck_assert_int_eq(load("a: 1\nb:\n  c: [x, \"y\", 'z']\n  d: |\n    lit\n  e: >\n    fold\n"), 0);
	ck_assert_uint_eq(diags.nr, 0);
	const struct ynode *root = doc.root;
	ck_assert_int_eq(root->kind, YNODE_MAP);
	assert_mark(root->mark, 1, 1);
	ck_assert_uint_eq(root->nr_pairs, 2);
	ck_assert_str_eq(root->pairs[0].key->value, "a");
	ck_assert_str_eq(root->pairs[1].key->value, "b");
	assert_mark(root->pairs[1].key->mark, 2, 1);
	assert_scalar(get(root, "a"), "1", 1, 4);
	assert_mark(root->pairs[0].value_mark, 1, 4);
	ck_assert(!root->pairs[0].merged);

	const struct ynode *b = get(root, "b");
	ck_assert_int_eq(b->kind, YNODE_MAP);
	assert_mark(b->mark, 3, 3);
	ck_assert_uint_eq(b->nr_pairs, 3);
	const struct ynode *c = get(b, "c");
	ck_assert_int_eq(c->kind, YNODE_SEQ);
	ck_assert_int_eq(c->mark.col, 6);
	ck_assert_uint_eq(c->nr_items, 3);
	assert_scalar(c->items[0], "x", 3, 7);
	assert_scalar(c->items[1], "y", 3, 10);
	assert_scalar(c->items[2], "z", 3, 15);
	assert_scalar(get(b, "d"), "lit\n", 4, 6);
	assert_scalar(get(b, "e"), "fold\n", 6, 6);
	/* weight counts every node, keys included: b = itself + 3 keys + list (1 + 3) + 2 scalars */
	ck_assert_uint_eq(c->weight, 4);
	ck_assert_uint_eq(b->weight, 10);
	ck_assert_uint_eq(root->weight, 14);
}
END_TEST

static const char *const empty_docs[] = { "", "# only a comment\n", "\n\n   \n", "# a\n# b\n" };

START_TEST(tree_empty_document_has_no_root)
{
	ck_assert_int_eq(load(empty_docs[_i]), 0);
	ck_assert_ptr_null(doc.root);
	ck_assert_uint_eq(diags.nr, 0);
}
END_TEST

START_TEST(tree_bare_document_marker_is_a_null_root)
{
	/* libyaml gives `---` alone an empty plain scalar: a null root, not a missing one */
	ck_assert_int_eq(load("---\n"), 0);
	ck_assert_ptr_nonnull(doc.root);
	ck_assert_int_eq(doc.root->kind, YNODE_SCALAR);
	ck_assert(ynode_is_null(doc.root));
	ck_assert_int_eq(doc.root->mark.line, 2);
	/* explicit start and end markers around one document are fine */
	ck_assert_int_eq(reload("--- \na: 1\n...\n"), 0);
	ck_assert_uint_eq(diags.nr, 0);
	ck_assert_str_eq(get(doc.root, "a")->value, "1");
	ck_assert_int_eq(doc.root->mark.line, 2);
}
END_TEST

START_TEST(tree_source_is_copied_and_named)
{
	char text[] = "k: v\n";
	ck_assert_int_eq(load_n(text, 5), 0);
	text[3] = 'X';
	ck_assert_str_eq(doc.source.name, "t.yaml");
	ck_assert_uint_eq(doc.source.len, 5);
	ck_assert_str_eq(doc.source.text, "k: v\n");
	ck_assert_str_eq(get(doc.root, "k")->value, "v");
}
END_TEST

START_TEST(tree_arena_alloc_zeroed_and_aligned)
{
	ck_assert_int_eq(load("a: 1\n"), 0);
	unsigned char *small = ydoc_alloc(&doc, 3);
	unsigned char *big = ydoc_alloc(&doc, 200 * 1024);
	ck_assert_uint_eq((uintptr_t)small % 16, 0);
	ck_assert_uint_eq((uintptr_t)big % 16, 0);
	for (size_t i = 0; i < 200 * 1024; i++)
		ck_assert_uint_eq(big[i], 0);
	memset(big, 0xff, 200 * 1024);
	ck_assert_uint_eq(small[0] | small[1] | small[2], 0);
	/* the tree survives the extra blocks */
	ck_assert_str_eq(get(doc.root, "a")->value, "1");
}
END_TEST

/* ---- aliases and merges -------------------------------------------------- */

START_TEST(alias_is_the_shared_node)
{
	ck_assert_int_eq(load("a: &a {x: 1}\nb: *a\nc: [*a, *a]\n"), 0);
	const struct ynode *a = get(doc.root, "a"), *c = get(doc.root, "c");
	ck_assert_ptr_eq(get(doc.root, "b"), a);
	ck_assert_ptr_eq(c->items[0], a);
	ck_assert_ptr_eq(c->items[1], a);
	/* the node keeps the anchor's mark; the pair remembers where the alias is */
	assert_mark(a->mark, 1, 4);
	const struct ypair *pb = ynode_find(doc.root, "b");
	assert_mark(pb->value_mark, 2, 4);
	/* aliases are counted in full: root 1 + 3 keys + a 3 + b 3 + c (1 + 3 + 3) */
	ck_assert_uint_eq(c->weight, 7);
	ck_assert_uint_eq(doc.root->weight, 17);
}
END_TEST

START_TEST(alias_latest_anchor_definition_wins)
{
	ck_assert_int_eq(load("a: &x 1\nb: &x 2\nc: *x\n"), 0);
	ck_assert_ptr_eq(get(doc.root, "c"), get(doc.root, "b"));
	ck_assert_str_eq(get(doc.root, "c")->value, "2");
}
END_TEST

START_TEST(merge_local_keys_and_earlier_sources_win)
{
	ck_assert_int_eq(load("base: &b\n  x: 1\n  y: 2\nother: &o\n  y: 20\n  z: 30\nm:\n  <<: [*b, *o]\n  x: 10\n"), 0);
	ck_assert_uint_eq(diags.nr, 0);
	const struct ynode *m = get(doc.root, "m");
	ck_assert_uint_eq(m->nr_pairs, 3);
	/* local keys first, then each source's new keys in order; `<<` itself is gone */
	ck_assert_str_eq(m->pairs[0].key->value, "x");
	ck_assert(!m->pairs[0].merged);
	assert_scalar(m->pairs[0].value, "10", 9, 6);
	ck_assert_str_eq(m->pairs[1].key->value, "y");
	ck_assert(m->pairs[1].merged);
	assert_scalar(m->pairs[1].value, "2", 3, 6);
	ck_assert_str_eq(m->pairs[2].key->value, "z");
	ck_assert(m->pairs[2].merged);
	ck_assert_ptr_eq(m->pairs[2].value, get(get(doc.root, "other"), "z"));
	ck_assert_ptr_null(ynode_find(m, "<<"));
	/* a merged pair is found like any other and keeps the source's marks */
	const struct ypair *y = ynode_find(m, "y");
	ck_assert(y->merged);
	assert_mark(y->value_mark, 3, 6);
}
END_TEST

START_TEST(merge_two_keys_inline_and_quoted)
{
	ck_assert_int_eq(load("base: &b {k: 1}\nm:\n  <<: *b\n  <<: {k: 2, j: 3}\n"), 0);
	const struct ynode *m = get(doc.root, "m");
	ck_assert_uint_eq(m->nr_pairs, 2);
	ck_assert_str_eq(get(m, "k")->value, "1");
	ck_assert_str_eq(get(m, "j")->value, "3");
	ck_assert(ynode_find(m, "j")->merged);
	ck_assert_uint_eq(diags.nr, 0);
	/* a quoted "<<" is an ordinary key */
	ck_assert_int_eq(reload("\"<<\": {a: 1}\n"), 0);
	ck_assert_int_eq(get(doc.root, "<<")->kind, YNODE_MAP);
	ck_assert_ptr_null(ynode_find(doc.root, "a"));
	/* a key that a merge brings in is no duplicate of the local one */
	ck_assert_int_eq(reload("b: &b {x: 1}\nm: {<<: *b, x: 2}\n"), 0);
	ck_assert_uint_eq(diags.nr, 0);
	ck_assert_str_eq(get(get(doc.root, "m"), "x")->value, "2");
	ck_assert_uint_eq(get(doc.root, "m")->nr_pairs, 1);
}
END_TEST

static const struct refused {
	const char *text;
	int line, col;
	const char *message;
} refused[] = {
	{ "<<: 5\n", 1, 5, "a merge key '<<' takes a mapping or a list of mappings, not a scalar" },
	{ "<<: [{a: 1}, [2]]\n", 1, 5, "a merge key '<<' takes a mapping or a list of mappings, not a list" },
	{ "a: &x [1, *x]\n", 1, 11, "alias '*x' refers to the node that contains it (a cycle)" },
	{ "a: &m\n  b: *m\n", 2, 6, "alias '*m' refers to the node that contains it (a cycle)" },
	{ "a: *nope\n", 1, 4, "alias '*nope' refers to no anchor defined before it" },
	{ "a: *b\nb: &b 1\n", 1, 4, "alias '*b' refers to no anchor defined before it" },
	{ "a: 1\n---\nb: 2\n", 2, 1, "a file holds one YAML document; found a second one here" },
	{ "a: 1\n...\n---\nb: 1\n", 3, 1, "a file holds one YAML document; found a second one here" },
	{ "? [a]\n: 1\n", 1, 3, "mapping keys must be plain strings, not a list" },
	{ "? {a: 1}\n: 1\n", 1, 3, "mapping keys must be plain strings, not a mapping" },
};

START_TEST(refused_documents)
{
	const struct refused *t = &refused[_i];
	ck_assert_int_eq(load(t->text), -1);
	ck_assert_ptr_null(doc.root);
	assert_one_error(t->line, t->col, t->message);
	ck_assert_str_eq(diags.items[0].message, t->message);
}
END_TEST

/* ---- duplicates ------------------------------------------------------------ */

START_TEST(duplicates_reported_but_tree_kept)
{
	ck_assert_int_eq(load("a:\n  b: 1\n  b: 2\n  c: 3\n  c: 4\nd: 1\nd: 2\n"), 0);
	ck_assert_ptr_nonnull(doc.root);
	ck_assert_uint_eq(diags.nr, 3);
	ck_assert_uint_eq(diags.errors, 3);
	static const struct { int line, col; const char *msg; } want[] = {
		{ 3, 3, "duplicate key 'b' (first defined at line 2)" },
		{ 5, 3, "duplicate key 'c' (first defined at line 4)" },
		{ 7, 1, "duplicate key 'd' (first defined at line 6)" },
	};
	for (size_t i = 0; i < N_ELEMS(want); i++) {
		ck_assert_int_eq(diags.items[i].severity, DIAG_ERROR);
		ck_assert_int_eq(diags.items[i].line, want[i].line);
		ck_assert_int_eq(diags.items[i].col, want[i].col);
		ck_assert_str_eq(diags.items[i].message, want[i].msg);
	}
	/* both pairs stay; lookups see the first */
	const struct ynode *a = get(doc.root, "a");
	ck_assert_uint_eq(a->nr_pairs, 4);
	ck_assert_str_eq(get(a, "b")->value, "1");
	ck_assert_str_eq(get(doc.root, "d")->value, "1");
	ck_assert_uint_eq(doc.root->nr_pairs, 3);
}
END_TEST

START_TEST(duplicates_compare_bytes_not_c_strings)
{
	ck_assert_int_eq(load("\"a\\0b\": 1\n\"a\\0c\": 2\n"), 0);
	ck_assert_uint_eq(diags.nr, 0);
	ck_assert_uint_eq(doc.root->nr_pairs, 2);
	teardown();
	setup();
	/* many distinct keys: no false positives from the hash table */
	char text[8192];
	size_t off = 0;
	for (int i = 0; i < 300; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off, "k%d: %d\n", i, i);
	off += (size_t)snprintf(text + off, sizeof(text) - off, "k150: dup\n");
	ck_assert_int_eq(load_n(text, off), 0);
	assert_one_error(301, 1, "duplicate key 'k150' (first defined at line 151)");
}
END_TEST

/* ---- syntax errors ------------------------------------------------------- */

static const struct syntax {
	const char *text;
	int line, col;
	const char *message;	/* the whole message */
} syntax[] = {
	{ "a: [1, 2\nb: 3\n", 2, 2,
	  "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence started at line 1, column 4)" },
	{ "a: \"unterminated\n", 2, 1,
	  "YAML syntax error: found unexpected end of stream (while scanning a quoted scalar started at line 1, column 4)" },
	{ "x: 1\n\t- y\n", 2, 1,
	  "YAML syntax error: found a tab character that violates indentation (while scanning a plain scalar started at line 1, column 4)" },
	{ "a: @x\n", 1, 4,
	  "YAML syntax error: found character that cannot start any token (while scanning for the next token started at line 1, column 4)" },
	{ "- a\nb: 1\n", 2, 1,
	  "YAML syntax error: did not find expected '-' indicator (while parsing a block collection started at line 1, column 1)" },
	{ "{a: 1", 2, 1,
	  "YAML syntax error: did not find expected ',' or '}' (while parsing a flow mapping started at line 1, column 1)" },
	{ "a: b: c\n", 1, 5, "YAML syntax error: mapping values are not allowed in this context" },
};

START_TEST(syntax_errors_use_libyaml_marks_plus_one)
{
	const struct syntax *t = &syntax[_i];
	/* what libyaml itself says, 0-based */
	yaml_parser_t p;
	yaml_event_t ev;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)t->text, strlen(t->text));
	int ok;
	while ((ok = yaml_parser_parse(&p, &ev)) && ev.type != YAML_STREAM_END_EVENT)
		yaml_event_delete(&ev);
	if (ok)
		yaml_event_delete(&ev);
	ck_assert_int_eq(ok, 0);
	ck_assert_int_eq((int)p.problem_mark.line + 1, t->line);
	ck_assert_int_eq((int)p.problem_mark.column + 1, t->col);
	ck_assert_ptr_nonnull(strstr(t->message, p.problem));
	if (p.context)
		ck_assert_ptr_nonnull(strstr(t->message, p.context));
	yaml_parser_delete(&p);

	ck_assert_int_eq(load(t->text), -1);
	ck_assert_ptr_null(doc.root);
	assert_one_error(t->line, t->col, "YAML syntax error: ");
	ck_assert_str_eq(diags.items[0].message, t->message);
}
END_TEST

START_TEST(syntax_error_in_bad_utf8_points_at_its_line)
{
	/* libyaml gives encoding errors as problem_offset only: offset 8 is line 2, column 4 */
	ck_assert_int_eq(load("a: 1\nb: \xff\n"), -1);
	ck_assert_ptr_null(doc.root);
	ck_assert_uint_eq(diags.nr, 1);
	ck_assert_str_eq(diags.items[0].message, "YAML syntax error: invalid leading UTF-8 octet");
	ck_assert_int_eq(diags.items[0].line, 2);
	ck_assert_int_eq(diags.items[0].col, 4);
}
END_TEST

/* ---- scalars --------------------------------------------------------------- */

static const struct style_case {
	const char *text;
	const char *value;
	enum yscalar_style style;
	const char *tag;
} styles[] = {
	{ "v: plain words\n", "plain words", YSTYLE_PLAIN, NULL },
	{ "v: 'it''s'\n", "it's", YSTYLE_SINGLE, NULL },
	{ "v: \"tab\\there\"\n", "tab\there", YSTYLE_DOUBLE, NULL },
	{ "v: |\n  one\n  two\n", "one\ntwo\n", YSTYLE_LITERAL, NULL },
	{ "v: >-\n  one\n  two\n", "one two", YSTYLE_FOLDED, NULL },
	{ "v: !!str 012\n", "012", YSTYLE_PLAIN, "tag:yaml.org,2002:str" },
	{ "v: !!int \"7\"\n", "7", YSTYLE_DOUBLE, "tag:yaml.org,2002:int" },
	{ "v: !custom y\n", "y", YSTYLE_PLAIN, "!custom" },
	{ "v: 012\n", "012", YSTYLE_PLAIN, NULL },
	{ "v: \"\\u00e9\"\n", "\xc3\xa9", YSTYLE_DOUBLE, NULL },
};

START_TEST(scalar_styles_and_tags)
{
	const struct style_case *t = &styles[_i];
	ck_assert_int_eq(load(t->text), 0);
	const struct ynode *v = get(doc.root, "v");
	ck_assert_int_eq(v->kind, YNODE_SCALAR);
	ck_assert_uint_eq(v->len, strlen(t->value));
	ck_assert_str_eq(v->value, t->value);
	ck_assert_int_eq(v->style, t->style);
	if (t->tag)
		ck_assert_str_eq(v->tag, t->tag);
	else
		ck_assert_ptr_null(v->tag);
}
END_TEST

START_TEST(scalar_collection_tags)
{
	ck_assert_int_eq(load("s: !!seq [1]\nm: !!map {a: 1}\np: [1]\n"), 0);
	ck_assert_str_eq(get(doc.root, "s")->tag, "tag:yaml.org,2002:seq");
	ck_assert_str_eq(get(doc.root, "m")->tag, "tag:yaml.org,2002:map");
	ck_assert_ptr_null(get(doc.root, "p")->tag);
	ck_assert_ptr_null(doc.root->tag);
}
END_TEST

START_TEST(scalar_nul_byte_kept_in_value)
{
	ck_assert_int_eq(load("a: \"x\\0y\"\n"), 0);
	const struct ynode *a = get(doc.root, "a");
	ck_assert_uint_eq(a->len, 3);
	ck_assert(!memcmp(a->value, "x\0y", 4));
	ck_assert_int_eq(a->style, YSTYLE_DOUBLE);
	ck_assert_int_eq(reload("a: \"\\0\"\n"), 0);
	ck_assert_uint_eq(get(doc.root, "a")->len, 1);
	ck_assert_int_eq(get(doc.root, "a")->value[0], '\0');
}
END_TEST

static const struct null_case {
	const char *text;
	bool is_null;
} nulls[] = {
	{ "v:\n", true },	   { "v: ~\n", true },	     { "v: null\n", true },	{ "v: Null\n", true },
	{ "v: NULL\n", true },	   { "v: !!null \"\"\n", true }, { "v: nULL\n", false },	{ "v: \"null\"\n", false },
	{ "v: ''\n", false },	   { "v: \"~\"\n", false },	     { "v: !!str ~\n", false }, { "v: !!str\n", false },
	{ "v: 0\n", false },	   { "v: none\n", false },	     { "v: {}\n", false },	{ "v: []\n", false },
	{ "v: !custom ~\n", false }, { "v: ! ~\n", true },
};

START_TEST(scalar_is_null_table)
{
	ck_assert_int_eq(load(nulls[_i].text), 0);
	ck_assert_msg(ynode_is_null(get(doc.root, "v")) == nulls[_i].is_null, "%s", nulls[_i].text);
}
END_TEST

START_TEST(find_and_kind_names)
{
	ck_assert(ynode_is_null(NULL));
	ck_assert_ptr_null(ynode_find(NULL, "a"));
	ck_assert_int_eq(load("ab: 1\nl: [x]\nb: &b {k: v}\nm: {<<: *b}\n"), 0);
	const struct ynode *l = get(doc.root, "l");
	ck_assert_ptr_null(ynode_find(l, "x"));
	ck_assert_ptr_null(ynode_find(l->items[0], "x"));
	ck_assert_ptr_null(ynode_find(doc.root, "a"));
	ck_assert_ptr_null(ynode_find(doc.root, "abc"));
	ck_assert_ptr_null(ynode_find(doc.root, ""));
	const struct ypair *k = ynode_find(get(doc.root, "m"), "k");
	ck_assert_ptr_nonnull(k);
	ck_assert(k->merged);
	ck_assert_str_eq(k->value->value, "v");
	ck_assert_str_eq(ynode_kind_name(l), "list");
	ck_assert_str_eq(ynode_kind_name(l->items[0]), "scalar");
	ck_assert_str_eq(ynode_kind_name(doc.root), "mapping");
}
END_TEST

/* ---- limits ---------------------------------------------------------------- */

static char *repeat_wrap(const char *open, const char *mid, const char *close, int n)
{
	size_t lo = strlen(open), lc = strlen(close), lm = strlen(mid);
	char *s = malloc((lo + lc) * (size_t)n + lm + 1), *p = s;
	for (int i = 0; i < n; i++, p += lo)
		memcpy(p, open, lo);
	memcpy(p, mid, lm);
	p += lm;
	for (int i = 0; i < n; i++, p += lc)
		memcpy(p, close, lc);
	*p = '\0';
	return s;
}

START_TEST(limit_nesting_depth)
{
	static const struct { const char *open, *mid, *close; int n, rc, col; } cases[] = {
		{ "[", "", "]", 512, 0, 0 },
		{ "[", "", "]", 513, -1, 513 },
		{ "{a: ", "1", "}", 600, -1, 512 * 4 + 1 },
	};
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		char *text = repeat_wrap(cases[i].open, cases[i].mid, cases[i].close, cases[i].n);
		int rc = load(text);
		free(text);	/* the document holds its own copy */
		ck_assert_int_eq(rc, cases[i].rc);
		if (rc == 0)
			ck_assert_uint_eq(doc.root->weight, 512);
		else
			assert_one_error(1, cases[i].col, "nesting is deeper than 512 levels");
		teardown();
		setup();
	}
}
END_TEST

/* Billion laughs with `levels` lists of 9 aliases each above the first. */
static char *laughs(int levels)
{
	static char buf[4096];
	size_t off = (size_t)snprintf(buf, sizeof(buf), "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
	for (int l = 1; l < levels; l++) {
		char c = (char)('a' + l), prev = (char)('a' + l - 1);
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%c: &%c [", c, c);
		for (int i = 0; i < 9; i++)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s*%c", i ? "," : "", prev);
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "]\n");
	}
	return buf;
}

START_TEST(limit_alias_bomb_refused_quickly)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(load(laughs(9)), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_ptr_null(doc.root);
	/* refused at the 7th list (g), as soon as it passes the limit */
	assert_one_error(7, 4, "aliases expand this document past 1000000 nodes; refusing it (an alias bomb?)");
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	ck_assert_msg(ms < 500, "took %.1f ms", ms);
}
END_TEST

START_TEST(limit_heavy_but_bounded_aliases_accepted)
{
	/* six levels expand to 672,610 nodes: under the limit, every node counted */
	ck_assert_int_eq(load(laughs(6)), 0);
	ck_assert_uint_eq(diags.nr, 0);
	ck_assert_uint_eq(get(doc.root, "a")->weight, 10);
	ck_assert_uint_eq(get(doc.root, "b")->weight, 91);
	ck_assert_uint_eq(get(doc.root, "f")->weight, 597871);
	ck_assert_uint_eq(doc.root->weight, 672610);
	ck_assert_ptr_eq(get(doc.root, "f")->items[8], get(doc.root, "e"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("yaml_doc");
	TCase *tc;

	tc = tcase_create("tree");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, tree_kinds_marks_and_order);
	tcase_add_loop_test(tc, tree_empty_document_has_no_root, 0, (int)N_ELEMS(empty_docs));
	tcase_add_test(tc, tree_bare_document_marker_is_a_null_root);
	tcase_add_test(tc, tree_source_is_copied_and_named);
	tcase_add_test(tc, tree_arena_alloc_zeroed_and_aligned);
	suite_add_tcase(s, tc);

	tc = tcase_create("aliases_merges");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, alias_is_the_shared_node);
	tcase_add_test(tc, alias_latest_anchor_definition_wins);
	tcase_add_test(tc, merge_local_keys_and_earlier_sources_win);
	tcase_add_test(tc, merge_two_keys_inline_and_quoted);
	tcase_add_loop_test(tc, refused_documents, 0, (int)N_ELEMS(refused));
	suite_add_tcase(s, tc);

	tc = tcase_create("duplicates");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, duplicates_reported_but_tree_kept);
	tcase_add_test(tc, duplicates_compare_bytes_not_c_strings);
	suite_add_tcase(s, tc);

	tc = tcase_create("syntax");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, syntax_errors_use_libyaml_marks_plus_one, 0, (int)N_ELEMS(syntax));
	tcase_add_test(tc, syntax_error_in_bad_utf8_points_at_its_line);
	suite_add_tcase(s, tc);

	tc = tcase_create("scalars");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, scalar_styles_and_tags, 0, (int)N_ELEMS(styles));
	tcase_add_test(tc, scalar_collection_tags);
	tcase_add_test(tc, scalar_nul_byte_kept_in_value);
	tcase_add_loop_test(tc, scalar_is_null_table, 0, (int)N_ELEMS(nulls));
	tcase_add_test(tc, find_and_kind_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, limit_nesting_depth);
	tcase_add_test(tc, limit_alias_bomb_refused_quickly);
	tcase_add_test(tc, limit_heavy_but_bounded_aliases_accepted);
	suite_add_tcase(s, tc);

	return check_run_suite(s);
}
