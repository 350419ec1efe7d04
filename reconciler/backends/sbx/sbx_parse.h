#ifndef SBXAPPLY_BACKENDS_SBX_SBX_PARSE_H
#define SBXAPPLY_BACKENDS_SBX_SBX_PARSE_H
/*
 * Pure parsers for what `sbx` prints (docs/backends.md §7), no I/O: the
 * version line and the capability table chosen from it, `sbx ls` JSON,
 * `sbx policy ls` in its three formats and `sbx secret ls`.
 *
 * sbx has no documented output schema, so every parser is tolerant: JSON is
 * read from the first '{' or '[' (banners before it are skipped), keys are
 * looked up under the names seen so far, and text tables are cut by the
 * positions of their header words (counted in characters, as Go's tabwriter
 * pads them), so a cell may hold spaces ("APPLIES TO") and rows may be
 * separated by blank lines. Returned arrays and strings belong to the caller
 * (the *_free functions). Functions return 0, or -1 with one line in err.
 */
#include <stdbool.h>
#include <stddef.h>

#include "backends/sbx/sbx.h"
#include "util/strbuf.h"

/* Reads the version from `sbx version` ("Client Version:  v0.31.3 <sha>" or "sbx version: v0.45.1 <sha>"); -1 when there is none. */
int sbx_parse_version(const char *text, int *major, int *minor, int *patch);

struct sbx_sandbox {
	char *name, *agent, *status, *id;
	char *created_at;  /* v0.45+ (docs/backends.md §6), or NULL */
	char **workspaces; /* the first is the workspace, the rest extra mounts (":ro" kept) */
	size_t nr_workspaces, alloc_workspaces;
	char *cpus, *memory; /* only when the listing shows them (no known version does) */
};

int sbx_parse_sandboxes(const char *text, size_t len, struct sbx_sandbox **out, size_t *nr, struct strbuf *err);
void sbx_sandboxes_free(struct sbx_sandbox *list, size_t nr);

/* One resource of one rule: a rule listing "a,b" gives two of these. */
struct sbx_rule {
	char *id;	/* the rule's id, or NULL */
	char *source;	/* "local", "kit", "org", ... */
	char *policy;	/* the named policy it belongs to, or NULL for the local user policy */
	char *scope;	/* sandbox name, NULL: every sandbox */
	char *decision; /* "allow" or "deny" */
	char *type;	/* "network", "filesystem:read", ... */
	char *resource;
	size_t siblings; /* resources the same rule holds (1: removing by id is exact) */
	bool user;	 /* added with `sbx policy allow|deny`: not a kit, org or default rule */
	bool preset;	 /* seeded by the policy preset chosen at initialisation ("default-*") */
};

/*
 * Every rule of `sbx policy ls` in that format. JSON is searched for rules
 * wherever they sit; a JSON answer without any readable rule gives 0 rules
 * and returns 0 (the caller may read the --wide table instead).
 */
int sbx_parse_rules(const char *text, size_t len, enum sbx_policy_format format, struct sbx_rule **out,
		    size_t *nr, struct strbuf *err);
void sbx_rules_free(struct sbx_rule *list, size_t nr);

struct sbx_secret {
	char *service;
	char *scope; /* sandbox name, NULL: global */
};

/* `sbx secret ls` (SERVICE SCOPE SECRET); only the first two columns are kept, never the masked value. */
int sbx_parse_secrets(const char *text, size_t len, struct sbx_secret **out, size_t *nr, struct strbuf *err);
void sbx_secrets_free(struct sbx_secret *list, size_t nr);

struct cJSON;
/* The first of several keys of a JSON object that holds a string (key spellings vary by release), or NULL. */
const char *sbx_json_first_string(const struct cJSON *o, const char *const *keys);
/* Whether a table cell (or a JSON field) says nothing: NULL, empty or "-". */
bool sbx_blank_cell(const char *s);
/* The sandbox an "APPLIES TO"/SCOPE value names ("sandbox:x", "x"), or NULL for every sandbox ("all", "(global)"). */
char *sbx_scope_of(const char *applies_to);

/* A text table cut by its header: rows[r][c] is the trimmed cell under headers[c]. */
struct sbx_table {
	char **headers;
	size_t ncols, alloc_cols;
	char ***rows;
	size_t nrows, alloc_rows;
};

/*
 * Finds the header line (the first line holding the word `key`, e.g.
 * "RESOURCES"), then cuts every later non-blank line at the header's
 * positions. -1 when no header line is found.
 */
int sbx_table_parse(const char *text, size_t len, const char *key, struct sbx_table *t);
/* The cell under header h, or NULL when the table has no such column. */
const char *sbx_table_cell(const struct sbx_table *t, size_t row, const char *h);
void sbx_table_release(struct sbx_table *t);

#endif
