/* `sbxapply schema`: the schema tables rendered as JSON Schema 2020-12. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "io/yaml_doc.h"
#include "lang/schema.h"
#include "util/diag.h"
#include "util/jsonw.h"
#include "util/xalloc.h"

#define INTERPOLATION_PATTERN "^\\$\\{[A-Za-z_][A-Za-z0-9_]*((:?[-?+])[^}]*)?\\}$"

static void emit_type(struct jsonw *w, const struct schema_type *t, const struct schema_field *field);

static void emit_description(struct jsonw *w, const char *description, const char *default_text)
{
	if (!description && !default_text)
		return;
	jsonw_key(w, "description");
	if (description && default_text) {
		char *text = xasprintf("%s Default: %s.", description, default_text);
		jsonw_string(w, text);
		free(text);
	} else if (description) {
		jsonw_string(w, description);
	} else {
		char *text = xasprintf("Default: %s.", default_text);
		jsonw_string(w, text);
		free(text);
	}
}

/* A YAML scalar as YAML 1.2's core schema reads it: numbers and booleans keep their type. */
static void emit_scalar(struct jsonw *w, const struct ynode *n)
{
	if (n->style != YSTYLE_PLAIN) {
		jsonw_string_len(w, n->value, n->len);
		return;
	}
	char *end;
	long long v = strtoll(n->value, &end, 10);
	if (n->len && !*end && (isdigit((unsigned char)n->value[0]) || n->value[0] == '-'))
		jsonw_int(w, v);
	else if (!strcmp(n->value, "true") || !strcmp(n->value, "false"))
		jsonw_bool(w, !strcmp(n->value, "true"));
	else if (ynode_is_null(n))
		jsonw_null(w);
	else
		jsonw_string_len(w, n->value, n->len);
}

static void emit_yaml(struct jsonw *w, const struct ynode *n)
{
	switch (n->kind) {
	case YNODE_SCALAR:
		emit_scalar(w, n);
		break;
	case YNODE_SEQ:
		jsonw_begin_array(w);
		for (size_t i = 0; i < n->nr_items; i++)
			emit_yaml(w, n->items[i]);
		jsonw_end_array(w);
		break;
	case YNODE_MAP:
		jsonw_begin_object(w);
		for (size_t i = 0; i < n->nr_pairs; i++) {
			jsonw_key(w, n->pairs[i].key->value);
			emit_yaml(w, n->pairs[i].value);
		}
		jsonw_end_object(w);
		break;
	}
}

/* "examples": [the field's example], read from its YAML text; nothing when it has none. */
static void emit_example(struct jsonw *w, const char *example)
{
	struct ydoc doc;
	struct diag_list diags = DIAG_LIST_INIT;
	if (!example)
		return;
	if (ydoc_load(&doc, "example", example, strlen(example), &diags) == 0 && doc.root) {
		jsonw_key(w, "examples");
		jsonw_begin_array(w);
		emit_yaml(w, doc.root);
		jsonw_end_array(w);
	}
	ydoc_release(&doc);
	diag_list_release(&diags);
}

static void emit_enum(struct jsonw *w, const char *const *values)
{
	jsonw_key(w, "enum");
	jsonw_begin_array(w);
	for (size_t i = 0; values[i]; i++)
		jsonw_string(w, values[i]);
	jsonw_end_array(w);
}

static void emit_string_constraints(struct jsonw *w, const struct schema_type *t)
{
	jsonw_kv_string(w, "type", "string");
	if (t->pattern)
		jsonw_kv_string(w, "pattern", t->pattern);
	if (t->max_len)
		jsonw_kv_int(w, "maxLength", (long)t->max_len);
	if (t->format)
		jsonw_kv_string(w, "format", t->format);
	if (t->enum_values && !t->enum_open)
		emit_enum(w, t->enum_values);
}

static void emit_string(struct jsonw *w, const struct schema_type *t)
{
	if (t->enum_values && t->enum_open) {
		/* known values for completion, any other string still accepted (a warning) */
		jsonw_key(w, "anyOf");
		jsonw_begin_array(w);
		jsonw_begin_object(w);
		emit_enum(w, t->enum_values);
		jsonw_end_object(w);
		jsonw_begin_object(w);
		jsonw_kv_string(w, "type", "string");
		if (t->pattern)
			jsonw_kv_string(w, "pattern", t->pattern);
		if (t->max_len)
			jsonw_kv_int(w, "maxLength", (long)t->max_len);
		jsonw_end_object(w);
		jsonw_end_array(w);
		return;
	}
	emit_string_constraints(w, t);
}

static void emit_int(struct jsonw *w, const struct schema_type *t)
{
	jsonw_key(w, "anyOf");
	jsonw_begin_array(w);
	jsonw_begin_object(w);
	jsonw_kv_string(w, "type", "integer");
	jsonw_kv_int(w, "minimum", t->min);
	jsonw_kv_int(w, "maximum", t->max);
	jsonw_end_object(w);
	jsonw_begin_object(w);
	jsonw_kv_string(w, "$ref", "#/$defs/interpolation");
	jsonw_end_object(w);
	jsonw_end_array(w);
}

static void emit_object(struct jsonw *w, const struct schema_type *t)
{
	if (t->nullable) {
		jsonw_key(w, "type");
		jsonw_begin_array(w);
		jsonw_string(w, "object");
		jsonw_string(w, "null");
		jsonw_end_array(w);
	} else {
		jsonw_kv_string(w, "type", "object");
	}
	jsonw_key(w, "properties");
	jsonw_begin_object(w);
	for (const struct schema_field *f = t->fields; f->name; f++) {
		jsonw_key(w, f->name);
		emit_type(w, f->type, f);
	}
	jsonw_end_object(w);
	bool any_required = false;
	for (const struct schema_field *f = t->fields; f->name; f++)
		any_required |= f->required;
	if (any_required) {
		jsonw_key(w, "required");
		jsonw_begin_array(w);
		for (const struct schema_field *f = t->fields; f->name; f++)
			if (f->required)
				jsonw_string(w, f->name);
		jsonw_end_array(w);
	}
	if (t == &schema_root) {
		jsonw_key(w, "patternProperties");
		jsonw_begin_object(w);
		jsonw_key(w, "^" SCHEMA_EXTENSION_PREFIX);
		jsonw_begin_object(w);
		jsonw_kv_string(w, "description", "Extension: ignored by sbxapply; a home for YAML anchors.");
		jsonw_end_object(w);
		jsonw_end_object(w);
	}
	jsonw_kv_bool(w, "additionalProperties", false);
}

/* A value of type t; field, when it is an object's property, adds its description, default and example. */
static void emit_type(struct jsonw *w, const struct schema_type *t, const struct schema_field *field)
{
	jsonw_begin_object(w);
	emit_description(w, field && field->description ? field->description : t->description,
			 field ? field->default_text : NULL);
	if (field)
		emit_example(w, field->example);
	switch (t->kind) {
	case SK_STRING:
		emit_string(w, t);
		break;
	case SK_INT:
		emit_int(w, t);
		break;
	case SK_BOOL:
		jsonw_kv_string(w, "type", "boolean");
		break;
	case SK_LIST:
		jsonw_kv_string(w, "type", "array");
		jsonw_key(w, "items");
		emit_type(w, t->items, NULL);
		break;
	case SK_OBJECT:
		emit_object(w, t);
		break;
	case SK_MAP:
		jsonw_kv_string(w, "type", "object");
		jsonw_key(w, "propertyNames");
		jsonw_begin_object(w);
		emit_string(w, t->key);
		jsonw_end_object(w);
		jsonw_key(w, "additionalProperties");
		emit_type(w, t->items, NULL);
		break;
	case SK_ENV_VALUE:
		jsonw_key(w, "anyOf");
		jsonw_begin_array(w);
		jsonw_begin_object(w);
		jsonw_kv_string(w, "type", "string");
		jsonw_end_object(w);
		jsonw_begin_object(w);
		jsonw_kv_string(w, "type", "number");
		jsonw_end_object(w);
		emit_type(w, t->items, NULL);
		jsonw_end_array(w);
		break;
	}
	jsonw_end_object(w);
}

void schema_to_json(struct strbuf *out)
{
	struct jsonw w;
	jsonw_init(&w, out, true);
	jsonw_begin_object(&w);
	jsonw_kv_string(&w, "$schema", "https://json-schema.org/draft/2020-12/schema");
	jsonw_kv_string(&w, "$id", SCHEMA_ID);
	jsonw_kv_string(&w, "title", "sbxapply sandbox.yaml, version 1");
	emit_description(&w, schema_root.description, NULL);
	emit_object(&w, &schema_root);
	jsonw_key(&w, "$defs");
	jsonw_begin_object(&w);
	jsonw_key(&w, "interpolation");
	jsonw_begin_object(&w);
	jsonw_kv_string(&w, "description", "A ${VAR} reference, resolved from the environment or .env before validation.");
	jsonw_kv_string(&w, "type", "string");
	jsonw_kv_string(&w, "pattern", INTERPOLATION_PATTERN);
	jsonw_end_object(&w);
	jsonw_end_object(&w);
	jsonw_end_object(&w);
	strbuf_addch(out, '\n');
}
