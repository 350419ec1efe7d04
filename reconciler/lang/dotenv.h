#ifndef SBXAPPLY_LANG_DOTENV_H
#define SBXAPPLY_LANG_DOTENV_H
/*
 * The `.env` file beside sandbox.yaml, read as Docker Compose reads it:
 * KEY=VALUE lines, `#` comments, an optional `export ` prefix, values bare
 * (trimmed, ` #` starts a comment), 'single-quoted' (literal) or
 * "double-quoted" (\n \t \" \\ \$ escapes). The process environment wins over
 * the file. A dotenv owns its strings and its diag_source (the file's text),
 * which must outlive any diag_list it reported to.
 */
#include <stddef.h>

#include "util/diag.h"

struct dotenv_entry {
	char *key;
	char *value;
};

struct dotenv {
	struct diag_source source;
	struct dotenv_entry *entries;
	size_t nr, alloc;
};

/* Reads path if it exists (a missing file is no error). Returns -1 after reporting errors. */
int dotenv_load(struct dotenv *env, const char *path, const char *display_name, struct diag_list *diags);
/* Parses text (copied). */
int dotenv_parse(struct dotenv *env, const char *name, const char *text, size_t len, struct diag_list *diags);
/* The value of key, or NULL. Later lines win. */
const char *dotenv_get(const struct dotenv *env, const char *key);
void dotenv_release(struct dotenv *env);

#endif
