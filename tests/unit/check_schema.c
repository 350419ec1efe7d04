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

int main(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = tcase_create("schema");
	tcase_add_test(tc, committed_schema_is_the_generated_one);
	tcase_add_test(tc, schema_describes_every_key);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}
