/* `sbxapply schema`: the schema tables rendered as JSON Schema 2020-12. */
#include <stdlib.h>
#include <string.h>

#include "lang/schema.h"
#include "util/jsonw.h"
#include "util/xalloc.h"

#define INTERPOLATION_PATTERN "^\\$\\{[A-Za-z_][A-Za-z0-9_]*((:?[-?+])[^}]*)?\\}$"

static void emit_type(struct jsonw *w, const struct schema_type *t, const char *description, const char *default_text);

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
		emit_type(w, f->type, f->description, f->default_text);
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

static void emit_type(struct jsonw *w, const struct schema_type *t, const char *description, const char *default_text)
{
	jsonw_begin_object(w);
	emit_description(w, description ? description : t->description, default_text);
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
		emit_type(w, t->items, NULL, NULL);
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
		emit_type(w, t->items, NULL, NULL);
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
		emit_type(w, t->items, NULL, NULL);
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
	jsonw_kv_string(&w, "$id", "urn:sbxapply:schema:sandbox:1");
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
