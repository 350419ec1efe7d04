#ifndef SBXAPPLY_LANG_DOTENV_H
#define SBXAPPLY_LANG_DOTENV_H
/*
 * The `.env` file beside sandbox.yaml, read as Docker Compose reads it:
 * KEY=VALUE lines, `#` comments, an optional `export ` prefix, values bare
 * (trimmed, ` #` starts a comment), 'single-quoted' (literal) or
 * "double-quoted" (\n \t \" \\ \$ escapes). The process environment wins over
 * the file. A line whose comment is exactly `# sensitive` marks its variable
 * sensitive (DBPASS=x # sensitive): values interpolated from it are hidden as
 * secrets are, wherever the value comes from. A dotenv owns its strings and its diag_source (the file's text),
 * which must outlive any diag_list it reported to.
 */
#include <stdbool.h>
#include <stddef.h>

#include "util/diag.h"
#include "util/strmap.h"

struct dotenv_entry {
	char *key;
	char *value;
	bool sensitive; /* marked `# sensitive` */
};

struct dotenv {
	struct diag_source source;
	struct dotenv_entry *entries;
	size_t nr, alloc;
	struct strmap index; /* key -> its last entry (sensitive if any line of it was) */
};

/* Reads path if it exists (a missing file is no error). Returns -1 after reporting errors. */
int dotenv_load(struct dotenv *env, const char *path, const char *display_name, struct diag_list *diags);
/* Parses text (copied). */
int dotenv_parse(struct dotenv *env, const char *name, const char *text, size_t len, struct diag_list *diags);
/* The value of key, or NULL. Later lines win. */
const char *dotenv_get(const struct dotenv *env, const char *key);
/* True when any line of key is marked `# sensitive`. */
bool dotenv_is_sensitive(const struct dotenv *env, const char *key);
void dotenv_release(struct dotenv *env);

#endif
