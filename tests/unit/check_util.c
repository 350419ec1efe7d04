/* The util layer: strbuf, strutil, jsonw, strmap, diag. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "util/diag.h"
#include "util/jsonw.h"
#include "os/lockfile.h"
#include "util/strbuf.h"
#include "util/strmap.h"
#include "util/strutil.h"

START_TEST(strbuf_grows_and_stays_terminated)
{
	struct strbuf sb = STRBUF_INIT;
	ck_assert_str_eq(sb.buf, "");
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%03d", i);
	ck_assert_uint_eq(sb.len, 3000);
	ck_assert_int_eq(sb.buf[3000], '\0');
	ck_assert(!memcmp(sb.buf + 2997, "999", 3));
	strbuf_add(&sb, "a\0b", 3);
	ck_assert_uint_eq(sb.len, 3003);
	strbuf_setlen(&sb, 2);
	ck_assert_str_eq(sb.buf, "00");
	size_t len;
	char *taken = strbuf_detach(&sb, &len);
	ck_assert_uint_eq(len, 2);
	ck_assert_str_eq(taken, "00");
	ck_assert_str_eq(sb.buf, "");
	free(taken);
	strbuf_release(&sb);
}
END_TEST

START_TEST(json_string_escapes)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_add_json_string(&sb, "a\"b\\c\n\x01\xc3\xa9", 9);
	ck_assert_str_eq(sb.buf, "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"");
	strbuf_release(&sb);
}
END_TEST

static const struct {
	const char *a, *b;
	size_t d;
} distances[] = {
	{ "", "", 0 },
	{ "models", "models", 0 },
	{ "modles", "models", 1 },
	{ "contxt_size", "context_size", 1 },
	{ "kitten", "sitting", 3 },
	{ "", "abc", 3 },
	{ "Agent", "agent", 0 },
	{ "ab", "ba", 1 },
};

START_TEST(edit_distance_table)
{
	ck_assert_uint_eq(str_edit_distance(distances[_i].a, distances[_i].b), distances[_i].d);
	ck_assert_uint_eq(str_edit_distance(distances[_i].b, distances[_i].a), distances[_i].d);
}
END_TEST

START_TEST(suggest_only_close_words)
{
	const char *words[] = { "models", "packages", "policy", "sandboxes" };
	ck_assert_str_eq(str_suggest("modle", words, 4), "models");
	ck_assert_str_eq(str_suggest("sandbox", words, 4), "sandboxes");
	ck_assert_ptr_null(str_suggest("zzz", words, 4));
	ck_assert_ptr_null(str_suggest("network", words, 4));
}
END_TEST

START_TEST(to_long_is_strict)
{
	long v;
	ck_assert(str_to_long("42", 0, 100, &v) && v == 42);
	ck_assert(str_to_long("-5", -10, 10, &v) && v == -5);
	ck_assert(!str_to_long("", 0, 100, &v));
	ck_assert(!str_to_long(" 4", 0, 100, &v));
	ck_assert(!str_to_long("4x", 0, 100, &v));
	ck_assert(!str_to_long("101", 0, 100, &v));
	ck_assert(!str_to_long("99999999999999999999", 0, 100, &v));
}
END_TEST

START_TEST(jsonw_pretty_and_compact)
{
	struct strbuf sb = STRBUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &sb, false);
	jsonw_begin_object(&w);
	jsonw_kv_string(&w, "a", "x");
	jsonw_key(&w, "b");
	jsonw_begin_array(&w);
	jsonw_int(&w, 1);
	jsonw_bool(&w, true);
	jsonw_null(&w);
	jsonw_begin_object(&w);
	jsonw_end_object(&w);
	jsonw_end_array(&w);
	jsonw_end_object(&w);
	ck_assert_str_eq(sb.buf, "{\"a\":\"x\",\"b\":[1,true,null,{}]}");
	strbuf_reset(&sb);
	jsonw_init(&w, &sb, true);
	jsonw_begin_object(&w);
	jsonw_kv_int(&w, "n", -3);
	jsonw_key(&w, "l");
	jsonw_begin_array(&w);
	jsonw_string(&w, "s");
	jsonw_end_array(&w);
	jsonw_end_object(&w);
	ck_assert_str_eq(sb.buf, "{\n  \"n\": -3,\n  \"l\": [\n    \"s\"\n  ]\n}");
	strbuf_release(&sb);
}
END_TEST

START_TEST(strmap_put_get_replace)
{
	struct strmap map = STRMAP_INIT;
	static int values[2000];
	char key[32];
	for (int i = 0; i < 2000; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		strmap_put(&map, key, &values[i]);
	}
	ck_assert_uint_eq(map.nr, 2000);
	for (int i = 0; i < 2000; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		ck_assert_ptr_eq(strmap_get(&map, key), &values[i]);
	}
	ck_assert_ptr_null(strmap_get(&map, "key-2000"));
	strmap_put(&map, "key-7", &values[0]);
	ck_assert_ptr_eq(strmap_get(&map, "key-7"), &values[0]);
	ck_assert_uint_eq(map.nr, 2000);
	strmap_release(&map);
}
END_TEST

static char *print_to_string(const struct diag_list *list)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	diag_list_print(list, f, false);
	fclose(f);
	return buf;
}

START_TEST(diag_sorted_deduplicated_with_caret)
{
	const char text[] = "version: 1\n\tmodels: x\nsandb\xc3\xb6xes: y\n";
	struct diag_source src = { "f.yaml", text, sizeof(text) - 1 };
	struct diag_list list = DIAG_LIST_INIT;
	diag_add(&list, DIAG_ERROR, &src, 3, 10, "third");
	diag_add(&list, DIAG_WARNING, &src, 2, 3, "second");
	diag_add(&list, DIAG_ERROR, &src, 1, 1, "first");
	diag_add(&list, DIAG_ERROR, &src, 3, 10, "third");
	diag_list_sort(&list);
	ck_assert_uint_eq(list.nr, 3);
	ck_assert_uint_eq(list.errors, 2);
	ck_assert_uint_eq(list.warnings, 1);
	char *out = print_to_string(&list);
	/* the tab is kept under the tab, the UTF-8 character counts as one column */
	ck_assert_str_eq(out, "f.yaml:1:1: first\n  version: 1\n  ^\n"
			      "f.yaml:2:3: warning: second\n  \tmodels: x\n  \t ^\n"
			      "f.yaml:3:10: third\n  sandb\xc3\xb6xes: y\n           ^\n");
	free(out);
	diag_list_release(&list);
}
END_TEST

/* A hostile file's thousands of errors print the first DIAG_PRINT_MAX and a count of the rest. */
START_TEST(diag_take_warnings_leaves_the_rest)
{
	struct diag_source src = { "f.yaml", NULL, 0 }, other = { "g.yaml", NULL, 0 };
	struct diag_list list = DIAG_LIST_INIT;
	diag_add(&list, DIAG_WARNING, &src, 4, 14, "variable A is not set");
	diag_add(&list, DIAG_WARNING, &src, 4, 20, "variable B is not set");
	diag_add(&list, DIAG_WARNING, &src, 4, 3, "variable C is not set");    /* before the value */
	diag_add(&list, DIAG_WARNING, &src, 5, 14, "variable D is not set");   /* another line */
	diag_add(&list, DIAG_WARNING, &other, 4, 14, "variable E is not set"); /* another file */
	diag_add(&list, DIAG_ERROR, &src, 4, 14, "variable F is not set");     /* not a warning */
	diag_add(&list, DIAG_WARNING, &src, 4, 14, "variable  is not set");    /* no word */
	struct strbuf words = STRBUF_INIT;
	ck_assert_uint_eq(diag_list_take_warnings(&list, &src, 4, 14, "variable ", " is not set", &words), 2);
	ck_assert_str_eq(words.buf, "A, B");
	ck_assert_uint_eq(list.nr, 5);
	ck_assert_uint_eq(list.warnings, 4);
	ck_assert_uint_eq(list.errors, 1);
	ck_assert_str_eq(list.items[0].message, "variable C is not set");
	strbuf_release(&words);
	diag_list_release(&list);
}
END_TEST

START_TEST(diag_printing_is_capped)
{
	const char text[] = "x\n";
	struct diag_source src = { "f.yaml", text, sizeof(text) - 1 };
	struct diag_list list = DIAG_LIST_INIT;
	for (int i = 0; i < DIAG_PRINT_MAX + 50; i++)
		diag_add(&list, i % 10 ? DIAG_ERROR : DIAG_WARNING, &src, 1, 1, "problem %d", i);
	char *out = print_to_string(&list);
	size_t shown = 0;
	for (size_t i = 0; out[i]; i++)
		shown += !strncmp(out + i, "f.yaml:1:1:", 11);
	ck_assert_uint_eq(shown, DIAG_PRINT_MAX);
	ck_assert_ptr_nonnull(strstr(out, "... and 50 more (225 errors and 25 warnings in all)\n"));
	free(out);
	diag_list_release(&list);
}
END_TEST

START_TEST(lock_held_by_another_process_then_freed_by_its_death)
{
	char dir[] = "/tmp/check_util.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/p.lock", dir);
	int ready[2];
	ck_assert_int_eq(pipe(ready), 0);
	pid_t child = fork();
	if (child == 0) {
		struct lockfile l = LOCKFILE_INIT;
		struct strbuf why = STRBUF_INIT;
		if (lockfile_acquire(&l, path, 0, &why) != 0)
			_exit(1);
		ck_assert_int_eq(write(ready[1], "x", 1), 1);
		pause();
		_exit(0);
	}
	char c;
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	struct lockfile lock = LOCKFILE_INIT;
	struct strbuf holder = STRBUF_INIT;
	ck_assert_int_eq(lockfile_acquire(&lock, path, 100, &holder), 1);
	char want[64];
	snprintf(want, sizeof(want), "sbxapply pid %ld, running since ", (long)child);
	ck_assert_ptr_nonnull(strstr(holder.buf, want));
	/* kill -9: the kernel drops the lock, nobody has to clean up */
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	strbuf_reset(&holder);
	ck_assert_int_eq(lockfile_acquire(&lock, path, 1000, &holder), 0);
	lockfile_release(&lock);
	strbuf_release(&holder);
	unlink(path);
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");
	tcase_add_test(tc, strbuf_grows_and_stays_terminated);
	tcase_add_test(tc, json_string_escapes);
	tcase_add_test(tc, diag_take_warnings_leaves_the_rest);
	tcase_add_loop_test(tc, edit_distance_table, 0, (int)(sizeof(distances) / sizeof(distances[0])));
	tcase_add_test(tc, suggest_only_close_words);
	tcase_add_test(tc, to_long_is_strict);
	tcase_add_test(tc, jsonw_pretty_and_compact);
	tcase_add_test(tc, strmap_put_get_replace);
	tcase_add_test(tc, diag_sorted_deduplicated_with_caret);
	tcase_add_test(tc, diag_printing_is_capped);
	tcase_add_test(tc, lock_held_by_another_process_then_freed_by_its_death);
	suite_add_tcase(s, tc);
	return check_run_suite(s);
}
