#ifndef SBXAPPLY_UTIL_JSONW_H
#define SBXAPPLY_UTIL_JSONW_H
/*
 * A streaming JSON writer into a strbuf, for output whose key order matters
 * (schemas, plans, diagnostics). The caller pairs every begin with an end; the
 * writer adds commas, quotes and, when pretty, two-space indentation. Strings
 * are written with their exact bytes (UTF-8 passes through; controls escaped).
 */
#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

#define JSONW_MAX_DEPTH 64

struct jsonw {
	struct strbuf *out; /* borrowed */
	bool pretty;
	int depth;
	bool first[JSONW_MAX_DEPTH];
	bool after_key;
};

void jsonw_init(struct jsonw *w, struct strbuf *out, bool pretty);
void jsonw_begin_object(struct jsonw *w);
void jsonw_end_object(struct jsonw *w);
void jsonw_begin_array(struct jsonw *w);
void jsonw_end_array(struct jsonw *w);
void jsonw_key(struct jsonw *w, const char *key);
void jsonw_string(struct jsonw *w, const char *s);
void jsonw_string_len(struct jsonw *w, const char *s, size_t len);
void jsonw_int(struct jsonw *w, long long v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
/* Shorthands for "key": value */
void jsonw_kv_string(struct jsonw *w, const char *key, const char *s);
/* The string, or null when s is NULL. */
void jsonw_kv_string_or_null(struct jsonw *w, const char *key, const char *s);
void jsonw_kv_int(struct jsonw *w, const char *key, long long v);
void jsonw_kv_bool(struct jsonw *w, const char *key, bool v);

#endif
