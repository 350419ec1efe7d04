#ifndef SBXAPPLY_LANG_SCHEMA_H
#define SBXAPPLY_LANG_SCHEMA_H
/*
 * The sandbox.yaml language (version 1) as data: one table that both the
 * validator walks and `sbxapply schema` prints as JSON Schema, so the two can
 * never disagree. Everything here is static and read-only.
 *
 * Patterns are POSIX extended regular expressions that are also valid
 * ECMAScript ones (JSON Schema's dialect): keep them to classes, anchors and
 * repetition. Checks that a pattern cannot express (CIDR ranges, model
 * reference grammar) are `check` hooks, with a loose `pattern` for editors.
 */
#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

enum schema_kind {
	SK_STRING,
	SK_INT,
	SK_BOOL,
	SK_LIST,
	SK_OBJECT,    /* fixed keys: `fields` */
	SK_MAP,	      /* user-chosen keys: `key`, values `items` */
	SK_ENV_VALUE, /* a string or number, or the object `items` ({value, sensitive}) */
};

struct schema_field;

struct schema_type {
	enum schema_kind kind;
	const char *noun; /* for messages: "a model reference" */
	const char *description;
	const struct schema_field *fields; /* SK_OBJECT; ends with a NULL name */
	const struct schema_type *items;   /* SK_LIST items, SK_MAP values, SK_ENV_VALUE object */
	const struct schema_type *key;	   /* SK_MAP: the keys, an SK_STRING type */
	bool nullable;			   /* null allowed (a model with no options) */
	long min, max;			   /* SK_INT */
	const char *const *enum_values;	   /* SK_STRING; NULL-terminated */
	bool enum_open;			   /* unknown values are warnings (sbx may add agents) */
	const char *pattern;		   /* SK_STRING */
	const char *pattern_hint;	   /* what the pattern means, for messages */
	const char *format;		   /* JSON Schema format annotation */
	bool numbers_as_text;		   /* SK_STRING: plain numbers are taken as text */
	bool single_line;		   /* SK_STRING: no NUL, CR or LF */
	size_t max_len;			   /* SK_STRING: longer is an error (0: no limit) */
	/* SK_STRING with enum_values: the top-level list that declares more accepted values;
	 * any other value is an error, whatever enum_open says */
	const char *enum_extension;
	/* SK_STRING: may be interpolated from a sensitive variable (env values and secrets,
	 * which are hidden and kept out of argv); elsewhere such a value is an error */
	bool may_be_sensitive;
	/* SK_STRING: reaches sbx's argv as a positional argument, so it must not begin with '-' */
	bool positional;
	/* Extra check on the (interpolated) text; returns NULL or a static reason. */
	const char *(*check)(const char *text);
};

struct schema_field {
	const char *name;
	const struct schema_type *type;
	bool required;
	const char *default_text; /* documented default, or NULL */
	const char *description;
	/* One value as it is written in sandbox.yaml, in YAML flow style ("[a.com, b.org]"):
	 * the schema's `examples` and the manual's. Every field has one (check_schema). */
	const char *example;
};

/* The longest project name: the inventory is <state dir>/<project>.json. */
#define SCHEMA_PROJECT_MAX 64

/* The schema's stable identifier (README "Editor support"): an id, not a promise of a download. */
#define SCHEMA_ID "https://github.com/sbxapply/sbxapply/schema/sandbox.schema.json"

/* The whole document. */
extern const struct schema_type schema_root;
/* Top-level keys with this prefix are ignored, as Compose ignores x- extensions. */
#define SCHEMA_EXTENSION_PREFIX "x-"

const struct schema_field *schema_find_field(const struct schema_type *object, const char *name);
/* Renders the JSON Schema (2020-12) document for schema_root into out. */
void schema_to_json(struct strbuf *out);

#endif
