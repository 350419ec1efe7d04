/*
 * Saved plans (engine/saved_plan), the reader: hand-written files in the
 * writer's format read back with every field, and anything malformed (not
 * JSON, another format, a missing field, a field of the wrong type,
 * truncated, missing) is refused with a message naming the file (issue 12).
 * What the writer makes from a real engine is tested in check_saved_plan.c.
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "scratch_dir_test_helpers.h"
#include "engine/saved_plan.h"
#include "os/fileio.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define HEX_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HEX_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static char dir[64];

static void make_dir(void) { scratch_dir_make(dir, sizeof(dir), "check_saved_plan_read"); }
static void remove_dir(void) { scratch_dir_remove(dir); }

/* ---- hand-written files, in the writer's format ----------------------------------- */

/* What saved_plan_write writes, key by key. */
static const char *const plan_keys[][2] = {
	{ "format_version", "3" },
	{ "kind", "\"sbxapply-plan\"" },
	{ "config", "\"/srv/demo/sbx.yaml\"" },
	{ "project", "\"demo\"" },
	{ "inventory_serial", "3" },
	{ "desired_digest", "\"" HEX_A "\"" },
	{ "observed_digest", "\"" HEX_B "\"" },
	{ "prune", "true" },
	{ "allow_replace", "false" },
	{ "adopt", "false" },
	{ "force_shared", "false" },
	{ "refresh", "false" },
	{ "actions", "[\"create model/ai/smollm2:latest\", \"adopt model/ai/gpt-oss:latest\", "
		     "\"delete package/ai/old:16k\"]" },
	{ "checksum", "\"" HEX_B "\"" },
};

/* The plan file with key's value replaced by value, or key left out when value is NULL. */
static void write_plan(const char *path, const char *key, const char *value)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "{\n");
	bool first = true;
	for (size_t i = 0; i < N_ELEMS(plan_keys); i++) {
		bool this_one = key && !strcmp(key, plan_keys[i][0]);
		if (this_one && !value)
			continue;
		strbuf_addf(&sb, "%s  \"%s\": %s", first ? "" : ",\n", plan_keys[i][0],
			    this_one ? value : plan_keys[i][1]);
		first = false;
	}
	strbuf_addstr(&sb, "\n}\n");
	scratch_write(path, sb.buf, sb.len);
	strbuf_release(&sb);
}

START_TEST(hand_written_plan_reads)
{
	char *path = xasprintf("%s/plan.json", dir);
	write_plan(path, NULL, NULL);
	struct saved_plan sp;
	struct strbuf err = STRBUF_INIT;
	ck_assert_msg(saved_plan_read(&sp, path, &err) == 0, "%s", err.buf);
	ck_assert_str_eq(sp.config_path, "/srv/demo/sbx.yaml");
	ck_assert_str_eq(sp.project, "demo");
	ck_assert_int_eq(sp.inventory_serial, 3);
	ck_assert_str_eq(sp.desired, HEX_A);
	ck_assert_str_eq(sp.observed, HEX_B);
	ck_assert(sp.prune);
	ck_assert(!sp.allow_replace);
	ck_assert_uint_eq(sp.nr_actions, 3);
	ck_assert_str_eq(sp.actions[0], "create model/ai/smollm2:latest");
	ck_assert_str_eq(sp.actions[1], "adopt model/ai/gpt-oss:latest");
	ck_assert_str_eq(sp.actions[2], "delete package/ai/old:16k");
	saved_plan_release(&sp);

	/* the other way round for the flags, and a plan with nothing to do */
	write_plan(path, "prune", "false");
	ck_assert_int_eq(saved_plan_read(&sp, path, &err), 0);
	ck_assert(!sp.prune);
	saved_plan_release(&sp);
	write_plan(path, "allow_replace", "true");
	ck_assert_int_eq(saved_plan_read(&sp, path, &err), 0);
	ck_assert(sp.allow_replace);
	ck_assert(sp.prune);
	saved_plan_release(&sp);
	write_plan(path, "actions", "[]");
	ck_assert_int_eq(saved_plan_read(&sp, path, &err), 0);
	ck_assert_uint_eq(sp.nr_actions, 0);
	saved_plan_release(&sp);
	write_plan(path, "inventory_serial", "0");
	ck_assert_int_eq(saved_plan_read(&sp, path, &err), 0);
	ck_assert_int_eq(sp.inventory_serial, 0);
	saved_plan_release(&sp);
	ck_assert_uint_eq(err.len, 0);
	strbuf_release(&err);
	free(path);
}
END_TEST

static const struct bad_field {
	const char *key, *value; /* value NULL: the key is missing */
} bad_fields[] = {
	{ "format_version", NULL },
	{ "format_version", "4" },
	{ "format_version", "0" },
	{ "format_version", "\"1\"" },
	/* fuzzing finding: numbers out of long long's range were converted anyway (undefined) */
	{ "format_version", "1e300" },
	{ "format_version", "-1e999" },
	{ "kind", NULL },
	{ "kind", "\"sbxapply-inventory\"" },
	{ "kind", "1" },
	{ "config", NULL },
	{ "config", "42" },
	{ "config", "null" },
	{ "project", NULL },
	{ "project", "[\"demo\"]" },
	{ "inventory_serial", NULL },
	{ "inventory_serial", "\"3\"" },
	{ "inventory_serial", "true" },
	{ "inventory_serial", "null" },
	{ "desired_digest", NULL },
	{ "desired_digest", "\"0123456789abcdef\"" },
	{ "desired_digest", "\"" HEX_A "0\"" },
	{ "desired_digest", "\"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\"" },
	{ "desired_digest", "12" },
	{ "observed_digest", NULL },
	{ "observed_digest", "\"\"" },
	{ "observed_digest", "{}" },
	{ "prune", NULL },
	{ "prune", "\"true\"" },
	{ "prune", "1" },
	{ "prune", "null" },
	{ "allow_replace", NULL },
	{ "allow_replace", "\"false\"" },
	{ "allow_replace", "0" },
	{ "adopt", NULL },
	{ "adopt", "\"true\"" },
	{ "force_shared", NULL },
	{ "force_shared", "1" },
	{ "refresh", NULL },
	{ "refresh", "\"no\"" },
	{ "checksum", NULL },
	{ "checksum", "\"" HEX_A "0\"" },
	{ "checksum", "42" },
	{ "actions", NULL },
	{ "actions", "\"create model/ai/smollm2:latest\"" },
	{ "actions", "{}" },
	{ "actions", "null" },
	{ "actions", "[1]" },
	{ "actions", "[\"create model/ai/smollm2:latest\", null]" },
	{ "actions", "[[\"create model/ai/smollm2:latest\"]]" },
};

static void assert_refused(const char *path, const char *what)
{
	struct saved_plan sp;
	struct strbuf err = STRBUF_INIT;
	int rc = saved_plan_read(&sp, path, &err);
	char msg[1024];
	snprintf(msg, sizeof(msg), "%s", err.buf);
	/* after a refusal the plan holds nothing, and releasing it is harmless */
	bool empty = !sp.config_path && !sp.project && !sp.actions && !sp.nr_actions;
	saved_plan_release(&sp);
	strbuf_release(&err);
	ck_assert_msg(rc == -1, "%s: read (rc %d)", what, rc);
	ck_assert_msg(strstr(msg, path) != NULL, "%s: message '%s' does not name the file", what, msg);
	ck_assert_msg(strstr(msg, "not a plan file") != NULL, "%s: message '%s' does not say what is wrong", what,
		      msg);
	ck_assert_msg(empty, "%s: a refused plan kept data", what);
}

START_TEST(malformed_field_is_refused)
{
	const struct bad_field *b = &bad_fields[_i];
	char *path = xasprintf("%s/plan.json", dir);
	char what[256];
	snprintf(what, sizeof(what), "%s = %s", b->key, b->value ? b->value : "(missing)");
	write_plan(path, b->key, b->value);
	assert_refused(path, what);
	free(path);
}
END_TEST

static const struct bad_file {
	const char *what, *text;
	size_t len; /* 0: strlen(text) */
} bad_files[] = {
	{ "empty", "", 0 },
	{ "text", "create model/ai/smollm2:latest\n", 0 },
	{ "an array", "[\"create model/ai/smollm2:latest\"]", 0 },
	{ "a string", "\"sbxapply-plan\"", 0 },
	{ "null", "null", 0 },
	{ "binary", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR{\xff", 18 },
	{ "YAML", "format_version: 1\nkind: sbxapply-plan\n", 0 },
	{ "an inventory", "{\"format_version\":1,\"project\":\"demo\",\"serial\":3,\"resources\":[]}", 0 },
};

START_TEST(malformed_file_is_refused)
{
	const struct bad_file *b = &bad_files[_i];
	char *path = xasprintf("%s/plan.json", dir);
	scratch_write(path, b->text, b->len ? b->len : strlen(b->text));
	assert_refused(path, b->what);
	free(path);
}
END_TEST

START_TEST(truncated_file_is_refused)
{
	/* every cut of a good file short of its closing brace */
	char *good = xasprintf("%s/good.json", dir), *path = xasprintf("%s/cut.json", dir);
	write_plan(good, NULL, NULL);
	struct strbuf text = STRBUF_INIT;
	ck_assert_int_eq(read_file(good, &text, 1 << 16), 0);
	size_t close = (size_t)(strrchr(text.buf, '}') - text.buf);
	for (size_t cut = 0; cut <= close; cut++) {
		char what[64];
		snprintf(what, sizeof(what), "cut at %zu of %zu", cut, text.len);
		scratch_write(path, text.buf, cut);
		assert_refused(path, what);
	}
	strbuf_release(&text);
	free(path);
	free(good);
}
END_TEST

START_TEST(file_with_something_after_is_refused)
{
	/* a good plan with another glued after it was once read as the first one */
	char *good = xasprintf("%s/good.json", dir), *path = xasprintf("%s/glued.json", dir);
	write_plan(good, NULL, NULL);
	struct strbuf text = STRBUF_INIT;
	ck_assert_int_eq(read_file(good, &text, 1 << 16), 0);
	size_t len = text.len;
	strbuf_addstr(&text, "\n{\"kind\":\"sbxapply-plan\"}\n");
	scratch_write(path, text.buf, text.len);
	assert_refused(path, "a second object after the plan");
	/* blanks after it are fine */
	strbuf_setlen(&text, len);
	strbuf_addstr(&text, "\n\n  \t\n");
	scratch_write(path, text.buf, text.len);
	struct saved_plan sp;
	struct strbuf err = STRBUF_INIT;
	ck_assert_msg(saved_plan_read(&sp, path, &err) == 0, "%s", err.buf);
	saved_plan_release(&sp);
	strbuf_release(&err);
	strbuf_release(&text);
	free(path);
	free(good);
}
END_TEST

START_TEST(missing_file_is_refused)
{
	char *path = xasprintf("%s/no-such-plan.json", dir);
	struct saved_plan sp;
	struct strbuf err = STRBUF_INIT;
	ck_assert_int_eq(saved_plan_read(&sp, path, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.buf, "cannot read plan"));
	ck_assert_ptr_nonnull(strstr(err.buf, path));
	saved_plan_release(&sp);
	strbuf_release(&err);
	free(path);
}
END_TEST

/* A plan of an older format (2: before "refresh") is told apart from a damaged file: plan again. */
START_TEST(older_format_says_plan_again)
{
	for (int version = 1; version <= 2; version++) {
		char *path = xasprintf("%s/old-%d.json", dir, version);
		char value[8];
		snprintf(value, sizeof(value), "%d", version);
		write_plan(path, "format_version", value);
		struct saved_plan sp;
		struct strbuf err = STRBUF_INIT;
		ck_assert_int_eq(saved_plan_read(&sp, path, &err), -1);
		ck_assert_msg(strstr(err.buf, "written by an older sbxapply: run plan -out again") != NULL, "%s", err.buf);
		saved_plan_release(&sp);
		strbuf_release(&err);
		free(path);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("saved_plan_read");
	TCase *rd = tcase_create("read");
	tcase_add_checked_fixture(rd, make_dir, remove_dir);
	tcase_add_test(rd, hand_written_plan_reads);
	tcase_add_loop_test(rd, malformed_field_is_refused, 0, (int)N_ELEMS(bad_fields));
	tcase_add_loop_test(rd, malformed_file_is_refused, 0, (int)N_ELEMS(bad_files));
	tcase_add_test(rd, truncated_file_is_refused);
	tcase_add_test(rd, file_with_something_after_is_refused);
	tcase_add_test(rd, missing_file_is_refused);
	tcase_add_test(rd, older_format_says_plan_again);
	suite_add_tcase(s, rd);
	return check_run_suite(s);
}
