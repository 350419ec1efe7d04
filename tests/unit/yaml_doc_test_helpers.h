#ifndef SBXAPPLY_TESTS_YAML_DOC_TEST_HELPERS_H
#define SBXAPPLY_TESTS_YAML_DOC_TEST_HELPERS_H
/*
 * The fixture and assertions the io/yaml_doc test programs share: one
 * document and its diagnostics per test (setup/teardown as a checked
 * fixture), loaded from text under the name "t.yaml".
 */
#include <check.h>
#include <string.h>

#include "io/yaml_doc.h"
#include "util/diag.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static struct ydoc doc;
static struct diag_list diags;

static inline void setup(void)
{
	memset(&doc, 0, sizeof(doc));
	memset(&diags, 0, sizeof(diags));
}

static inline void teardown(void)
{
	ydoc_release(&doc);
	diag_list_release(&diags);
}

static inline int load_n(const char *text, size_t len)
{
	return ydoc_load(&doc, "t.yaml", text, len, &diags);
}

static inline int load(const char *text)
{
	return load_n(text, strlen(text));
}

/* Drops the current document and diagnostics, then loads text. */
static inline int reload(const char *text)
{
	teardown();
	setup();
	return load(text);
}

static inline void assert_mark(struct ymark m, int line, int col)
{
	ck_assert_int_eq(m.line, line);
	ck_assert_int_eq(m.col, col);
}

/* Asserts that the only diagnostic is an error at line:col whose message contains want. */
static inline void assert_one_error(int line, int col, const char *want)
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
static inline const struct ynode *get(const struct ynode *map, const char *key)
{
	const struct ypair *p = ynode_find(map, key);
	ck_assert_msg(p != NULL, "key '%s' not found", key);
	return p->value;
}

static inline void assert_scalar(const struct ynode *n, const char *value, int line, int col)
{
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(n->kind, YNODE_SCALAR);
	ck_assert_uint_eq(n->len, strlen(value));
	ck_assert_str_eq(n->value, value);
	assert_mark(n->mark, line, col);
}

#endif
