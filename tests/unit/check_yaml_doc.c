/*
 * Tests for io/yaml_doc, part one: the libyaml loader builds a tree of nodes
 * with 1-based marks, shares aliased nodes, applies `<<` merges, reports
 * duplicate keys and keeps scalars' bytes, styles and tags. Positions and
 * messages are asserted exactly, since they are what a user reads. Syntax
 * errors and the limits that keep a walk bounded are in
 * check_yaml_doc_errors.c.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "io/yaml_doc.h"
#include "util/diag.h"
#include "yaml_doc_test_helpers.h"

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
	static const struct {
		int line, col;
		const char *msg;
	} want[] = {
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
	{ "v:\n", true },
	{ "v: ~\n", true },
	{ "v: null\n", true },
	{ "v: Null\n", true },
	{ "v: NULL\n", true },
	{ "v: !!null \"\"\n", true },
	{ "v: nULL\n", false },
	{ "v: \"null\"\n", false },
	{ "v: ''\n", false },
	{ "v: \"~\"\n", false },
	{ "v: !!str ~\n", false },
	{ "v: !!str\n", false },
	{ "v: 0\n", false },
	{ "v: none\n", false },
	{ "v: {}\n", false },
	{ "v: []\n", false },
	{ "v: !custom ~\n", false },
	{ "v: ! ~\n", true },
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

	tc = tcase_create("scalars");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, scalar_styles_and_tags, 0, (int)N_ELEMS(styles));
	tcase_add_test(tc, scalar_collection_tags);
	tcase_add_test(tc, scalar_nul_byte_kept_in_value);
	tcase_add_loop_test(tc, scalar_is_null_table, 0, (int)N_ELEMS(nulls));
	tcase_add_test(tc, find_and_kind_names);
	suite_add_tcase(s, tc);

	return check_run_suite(s);
}
