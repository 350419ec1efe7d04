/*
 * `sbxapply schema` is generated from the validator's own tables; the committed
 * schema/sandbox.schema.json must be exactly that output, and must describe
 * every key the validator accepts (and nothing it rejects).
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "lang/schema.h"
#include "os/fileio.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

START_TEST(committed_schema_is_the_generated_one)
{
	struct strbuf generated = STRBUF_INIT, committed = STRBUF_INIT;
	schema_to_json(&generated);
	ck_assert_int_eq(read_file(SCHEMA_FILE, &committed, 1 << 20), 0);
	ck_assert_msg(!strcmp(generated.buf, committed.buf),
		      "schema/sandbox.schema.json is stale: regenerate it with 'sbxapply schema > schema/sandbox.schema.json'");
	strbuf_release(&generated);
	strbuf_release(&committed);
}
END_TEST

/* Every field of an object type appears under "properties", recursively, with additionalProperties false. */
static void check_object(const struct schema_type *t, const cJSON *node, const char *path)
{
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(node, "properties");
	ck_assert_msg(cJSON_IsObject(props), "%s has no properties", path);
	ck_assert_msg(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(node, "additionalProperties")),
		      "%s accepts unknown keys", path);
	int fields = 0;
	for (const struct schema_field *f = t->fields; f->name; f++, fields++) {
		const cJSON *sub = cJSON_GetObjectItemCaseSensitive(props, f->name);
		ck_assert_msg(sub != NULL, "%s.%s missing from the JSON Schema", path, f->name);
		const cJSON *req = cJSON_GetObjectItemCaseSensitive(node, "required");
		bool listed = false;
		const cJSON *r;
		cJSON_ArrayForEach(r, req)
			listed |= cJSON_IsString(r) && !strcmp(r->valuestring, f->name);
		ck_assert_msg(listed == f->required, "%s.%s: required mismatch", path, f->name);
		const struct schema_type *ft = f->type;
		if (ft->kind == SK_MAP)
			sub = cJSON_GetObjectItemCaseSensitive(sub, "additionalProperties"), ft = ft->items;
		if (ft->kind == SK_OBJECT) {
			char *child = xasprintf("%s.%s", path, f->name);
			check_object(ft, sub, child);
			free(child);
		}
	}
	ck_assert_int_eq(cJSON_GetArraySize(props), fields);
}

START_TEST(schema_describes_every_key)
{
	struct strbuf generated = STRBUF_INIT;
	schema_to_json(&generated);
	cJSON *doc = cJSON_Parse(generated.buf);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(doc, "$schema")->valuestring,
			 "https://json-schema.org/draft/2020-12/schema");
	check_object(&schema_root, doc, "root");
	/* x- extension keys are allowed at the top level only */
	ck_assert_ptr_nonnull(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "patternProperties"), "^x-"));
	/* sandbox names carry the same pattern the validator enforces */
	const cJSON *names = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "properties"), "sandboxes"),
		"propertyNames");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(names, "pattern")->valuestring, "^[A-Za-z0-9][A-Za-z0-9.-]+$");
	cJSON_Delete(doc);
	strbuf_release(&generated);
}
END_TEST

/* Every property, at any depth, tells an editor what it is and shows a value. */
static int check_documented(const cJSON *node, const char *path)
{
	int properties = 0;
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(node, "properties"), *p;
	cJSON_ArrayForEach(p, props) {
		char *sub = xasprintf("%s.%s", path, p->string);
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(p, "description");
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(p, "examples");
		ck_assert_msg(cJSON_IsString(d) && *d->valuestring, "%s has no description", sub);
		ck_assert_msg(cJSON_IsArray(e) && cJSON_GetArraySize(e) > 0, "%s has no examples", sub);
		properties += 1 + check_documented(p, sub);
		free(sub);
	}
	const char *nested[] = { "additionalProperties", "items" };
	for (size_t i = 0; i < 2; i++) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(node, nested[i]);
		if (cJSON_IsObject(n))
			properties += check_documented(n, path);
	}
	const cJSON *branch;
	cJSON_ArrayForEach(branch, cJSON_GetObjectItemCaseSensitive(node, "anyOf"))
		properties += check_documented(branch, path);
	return properties;
}

START_TEST(every_property_has_a_description_and_examples)
{
	struct strbuf generated = STRBUF_INIT;
	schema_to_json(&generated);
	cJSON *doc = cJSON_Parse(generated.buf);
	ck_assert_ptr_nonnull(doc);
	/* a stable https id (README "Editor support"), not a urn an editor cannot use */
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(doc, "$id")->valuestring, SCHEMA_ID);
	ck_assert(!strncmp(SCHEMA_ID, "https://", 8));
	/* the walk reached the nested keys too (sandboxes.NAME.env.VAR.sensitive, ...) */
	ck_assert_int_gt(check_documented(doc, "root"), 30);
	cJSON_Delete(doc);
	strbuf_release(&generated);
}
END_TEST

START_TEST(every_field_in_the_tables_has_an_example)
{
	/* the tables themselves, so a key added without one fails here with its name */
	const struct schema_type *stack[64];
	size_t n = 0;
	stack[n++] = &schema_root;
	while (n) {
		const struct schema_type *t = stack[--n];
		if (t->kind == SK_MAP || t->kind == SK_LIST || t->kind == SK_ENV_VALUE) {
			if (t->items && n < 64)
				stack[n++] = t->items;
			continue;
		}
		for (const struct schema_field *f = t->kind == SK_OBJECT ? t->fields : NULL; f && f->name; f++) {
			ck_assert_msg(f->example && *f->example, "field '%s' has no example", f->name);
			ck_assert_msg(f->description || f->type->description, "field '%s' has no description", f->name);
			if (n < 64)
				stack[n++] = f->type;
		}
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = tcase_create("schema");
	tcase_add_test(tc, committed_schema_is_the_generated_one);
	tcase_add_test(tc, schema_describes_every_key);
	tcase_add_test(tc, every_property_has_a_description_and_examples);
	tcase_add_test(tc, every_field_in_the_tables_has_an_example);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}
