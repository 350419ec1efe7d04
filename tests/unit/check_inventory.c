/*
 * The inventory file (plan/inventory): what is saved is what is loaded back
 * (entries, origins, field digests, attributes, salt), the serial grows by one
 * per save, the file is private (0600) and never holds a field's value, older
 * files (a top-level base_id) still read, corrupt files are refused with a
 * message naming the file while a missing one is an empty inventory, and
 * digests are salted per inventory.
 */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "os/fileio.h"
#include "plan/inventory.h"
#include "plan/kind.h"
#include "plan/resource.h"
#include "util/sha256.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const struct kind model_kind = { .name = "model" };
static const struct kind package_kind = { .name = "package" };
static const struct kind secret_kind = { .name = "secret" };

static char dir[64];

static void make_dir(void)
{
	strcpy(dir, "/tmp/check_inventory.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_dir(void)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *path_in_dir(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void write_text(const char *path, const void *text, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static char *slurp(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	ck_assert_int_eq(read_file(path, &sb, 1 << 20), 0);
	return strbuf_detach(&sb, NULL);
}

static bool is_lower_hex64(const char *s)
{
	if (strlen(s) != 64)
		return false;
	for (; *s; s++)
		if (!strchr("0123456789abcdef", *s))
			return false;
	return true;
}

/* Records one resource with the given fields (name, value pairs; value may be NULL). */
static struct inv_entry *record(struct inventory *inv, const struct kind *k, const char *name, enum inv_origin origin,
				const char *const *fields, size_t nr_fields, bool sensitive)
{
	struct resource *r = resource_new(k, name, NULL);
	for (size_t i = 0; i + 1 < nr_fields; i += 2)
		resource_set_field(r, fields[i], fields[i + 1], sensitive);
	struct inv_entry *e = inventory_record(inv, r, origin);
	resource_free(r);
	return e;
}

/* ---- round trip ---------------------------------------------------------------- */

static void assert_same_entries(const struct inventory *a, const struct inventory *b)
{
	ck_assert_uint_eq(a->nr, b->nr);
	for (size_t i = 0; i < a->nr; i++) {
		const struct inv_entry *x = &a->entries[i];
		const struct inv_entry *y = inventory_find(b, x->kind, x->name);
		ck_assert_msg(y != NULL, "%s/%s lost in the round trip", x->kind, x->name);
		ck_assert_str_eq(y->kind, x->kind);
		ck_assert_str_eq(y->name, x->name);
		ck_assert_int_eq(y->origin, x->origin);
		ck_assert_int_eq(y->applied_at, x->applied_at);
		ck_assert_uint_eq(y->nr_fields, x->nr_fields);
		for (size_t j = 0; j < x->nr_fields; j++) {
			const char *d = inv_entry_digest(y, x->fields[j].name);
			ck_assert_msg(d != NULL, "%s/%s lost field %s", x->kind, x->name, x->fields[j].name);
			ck_assert_str_eq(d, x->fields[j].digest);
		}
		ck_assert_uint_eq(y->nr_attrs, x->nr_attrs);
		for (size_t j = 0; j < x->nr_attrs; j++) {
			const char *v = inv_entry_attr(y, x->attrs[j].key);
			ck_assert_msg(v != NULL, "%s/%s lost attribute %s", x->kind, x->name, x->attrs[j].key);
			ck_assert_str_eq(v, x->attrs[j].value);
		}
	}
}

START_TEST(round_trip_keeps_everything)
{
	struct inventory inv, back;
	struct strbuf err = STRBUF_INIT;
	/* a parent that does not exist yet: save creates it */
	char *path = path_in_dir("state/sub/proj.json");
	ck_assert_int_eq(inventory_load(&inv, path, "proj", &err), 0);
	ck_assert_uint_eq(inv.nr, 0);
	ck_assert_int_eq(inv.serial, 0);
	ck_assert_uint_eq(strlen(inv.salt), 32);

	static const char *const model_fields[] = { "context_size", "8192", "runtime_flags", NULL };
	static const char *const package_fields[] = { "from", "registry.example/base-model-xyz", "context_size", "16384" };
	static const char *const secret_fields[] = { "value", "hunter2-do-not-store" };
	record(&inv, &model_kind, "ai/smollm2:latest", INV_CREATED, model_fields, N_ELEMS(model_fields), false);
	struct inv_entry *pkg = record(&inv, &package_kind, "ai/gpt-oss:16k", INV_CREATED, package_fields,
				       N_ELEMS(package_fields), false);
	inv_entry_set_attr(pkg, "base_id", "sha256:" HEX64);
	inv_entry_set_attr(pkg, "note", "quotes \" and \\ and \n newline, unicode \xc3\xa9");
	inv_entry_set_attr(pkg, "note", "replaced"); /* replaces, does not add */
	ck_assert_uint_eq(pkg->nr_attrs, 2);
	record(&inv, &model_kind, "huggingface.co/bartowski/x:Q4_K_M", INV_ADOPTED, NULL, 0, false);
	record(&inv, &secret_kind, "global/openai", INV_CREATED, secret_fields, N_ELEMS(secret_fields), true);
	/* a fixed applied_at, so the comparison does not depend on the clock */
	inv.entries[0].applied_at = 1700000000LL;
	ck_assert_uint_eq(inv.nr, 4);

	char salt[33];
	memcpy(salt, inv.salt, sizeof(salt));
	for (int i = 1; i <= 3; i++) {
		ck_assert_msg(inventory_save(&inv, &err) == 0, "%s", err.buf);
		ck_assert_int_eq(inv.serial, i);
	}

	ck_assert_msg(inventory_load(&back, path, "proj", &err) == 0, "%s", err.buf);
	ck_assert_int_eq(back.serial, 3);
	ck_assert_str_eq(back.salt, salt);
	assert_same_entries(&inv, &back);
	assert_same_entries(&back, &inv);

	/* the kept salt makes the digests reproducible from the loaded inventory */
	char d[65];
	inventory_field_digest(&back, "context_size", "8192", d);
	ck_assert_str_eq(d, inv_entry_digest(inventory_find(&back, "model", "ai/smollm2:latest"), "context_size"));
	inventory_field_digest(&back, "runtime_flags", NULL, d);
	ck_assert_str_eq(d, inv_entry_digest(inventory_find(&back, "model", "ai/smollm2:latest"), "runtime_flags"));
	const struct inv_entry *adopted = inventory_find(&back, "model", "huggingface.co/bartowski/x:Q4_K_M");
	ck_assert_ptr_nonnull(adopted);
	ck_assert_int_eq(adopted->origin, INV_ADOPTED);
	ck_assert_uint_eq(adopted->nr_fields, 0);
	ck_assert_str_eq(inv_entry_attr(inventory_find(&back, "package", "ai/gpt-oss:16k"), "note"), "replaced");
	ck_assert_ptr_null(inv_entry_attr(inventory_find(&back, "model", "ai/smollm2:latest"), "base_id"));

	/* a loaded inventory goes on counting from the file's serial */
	inventory_forget(&back, "secret", "global/openai");
	ck_assert_msg(inventory_save(&back, &err) == 0, "%s", err.buf);
	ck_assert_int_eq(back.serial, 4);
	inventory_release(&back);
	ck_assert_int_eq(inventory_load(&back, path, "proj", &err), 0);
	ck_assert_int_eq(back.serial, 4);
	ck_assert_uint_eq(back.nr, 3);
	ck_assert_ptr_null(inventory_find(&back, "secret", "global/openai"));
	ck_assert_ptr_nonnull(inventory_find(&back, "package", "ai/gpt-oss:16k"));

	/* only digests reach the disk, never a value */
	char *text = slurp(path);
	bool leaked = strstr(text, "hunter2") != NULL || strstr(text, "base-model-xyz") != NULL;
	free(text);
	ck_assert_msg(!leaked, "a field value was written to the inventory");

	inventory_release(&back);
	inventory_release(&inv);
	strbuf_release(&err);
	free(path);
}
END_TEST

START_TEST(record_refreshes_and_keeps_origin)
{
	struct inventory inv;
	inventory_init(&inv, "p");
	static const char *const v1[] = { "size", "1", "old", "x" };
	static const char *const v2[] = { "size", "2" };
	record(&inv, &model_kind, "a", INV_ADOPTED, v1, N_ELEMS(v1), false);
	struct inv_entry *e = record(&inv, &model_kind, "a", INV_CREATED, v2, N_ELEMS(v2), false);
	ck_assert_uint_eq(inv.nr, 1);
	ck_assert_int_eq(e->origin, INV_ADOPTED); /* an adopted resource never becomes prunable */
	ck_assert_uint_eq(e->nr_fields, 1);
	ck_assert_ptr_null(inv_entry_digest(e, "old"));
	char d[65];
	inventory_field_digest(&inv, "size", "2", d);
	ck_assert_str_eq(inv_entry_digest(e, "size"), d);
	inventory_release(&inv);
}
END_TEST

/* ---- legacy and lenient reading ------------------------------------------------- */

START_TEST(legacy_base_id_is_an_attribute)
{
	static const char text[] =
		"{\"format_version\":1,\"project\":\"p\",\"serial\":7,\"salt\":\"0123456789abcdef0123456789abcdef\","
		"\"resources\":["
		"{\"kind\":\"package\",\"name\":\"ai/x:16k\",\"origin\":\"created\",\"applied_at\":5,"
		"\"base_id\":\"sha256:" HEX64 "\",\"fields\":{\"from\":\"" HEX64 "\"}},"
		/* when both are there, attrs (the newer place) wins */
		"{\"kind\":\"package\",\"name\":\"ai/y:16k\",\"origin\":\"created\",\"base_id\":\"old\","
		"\"attrs\":{\"base_id\":\"new\"},\"fields\":{}}]}";
	char *path = path_in_dir("legacy.json");
	write_text(path, text, strlen(text));
	struct inventory inv;
	struct strbuf err = STRBUF_INIT;
	ck_assert_msg(inventory_load(&inv, path, "p", &err) == 0, "%s", err.buf);
	ck_assert_int_eq(inv.serial, 7);
	ck_assert_str_eq(inv.salt, "0123456789abcdef0123456789abcdef");
	const struct inv_entry *x = inventory_find(&inv, "package", "ai/x:16k");
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(inv_entry_attr(x, "base_id"), "sha256:" HEX64);
	ck_assert_uint_eq(x->nr_attrs, 1);
	ck_assert_int_eq(x->applied_at, 5);
	ck_assert_str_eq(inv_entry_digest(x, "from"), HEX64);
	const struct inv_entry *y = inventory_find(&inv, "package", "ai/y:16k");
	ck_assert_ptr_nonnull(y);
	ck_assert_str_eq(inv_entry_attr(y, "base_id"), "new");
	ck_assert_uint_eq(y->nr_attrs, 1);

	/* saved again, the legacy key moves into attrs and stays readable */
	ck_assert_msg(inventory_save(&inv, &err) == 0, "%s", err.buf);
	char *saved = slurp(path);
	bool in_attrs = strstr(saved, "\"attrs\"") != NULL;
	free(saved);
	ck_assert(in_attrs);
	inventory_release(&inv);
	ck_assert_int_eq(inventory_load(&inv, path, "p", &err), 0);
	ck_assert_int_eq(inv.serial, 8);
	ck_assert_str_eq(inv_entry_attr(inventory_find(&inv, "package", "ai/x:16k"), "base_id"), "sha256:" HEX64);
	inventory_release(&inv);
	strbuf_release(&err);
	free(path);
}
END_TEST

START_TEST(bad_entries_and_digests_are_skipped)
{
	static const char text[] =
		"{\"format_version\":1,\"serial\":1,\"resources\":["
		"{\"name\":\"no-kind\",\"origin\":\"created\"},"
		"{\"kind\":\"model\",\"origin\":\"created\"},"
		"{\"kind\":\"model\",\"name\":\"no-origin\"},"
		"{\"kind\":5,\"name\":\"numeric-kind\",\"origin\":\"created\"},"
		"{\"kind\":\"model\",\"name\":null,\"origin\":\"created\"},"
		"\"not an object\","
		"{\"kind\":\"model\",\"name\":\"odd-origin\",\"origin\":\"CREATED\"},"
		"{\"kind\":\"model\",\"name\":\"good\",\"origin\":\"created\",\"fields\":{"
		"\"ok\":\"" HEX64 "\","
		"\"upper\":\"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\","
		"\"short\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\","
		"\"long\":\"" HEX64 "0\","
		"\"nonhex\":\"g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
		"\"number\":12,"
		"\"null\":null,"
		"\"empty\":\"\"}}]}";
	struct inventory inv;
	struct strbuf err = STRBUF_INIT;
	char *path = path_in_dir("bad-entries.json");
	write_text(path, text, strlen(text));
	ck_assert_msg(inventory_load(&inv, path, "p", &err) == 0, "%s", err.buf);
	ck_assert_uint_eq(inv.nr, 2);
	ck_assert_ptr_null(inventory_find(&inv, "model", "no-origin"));
	ck_assert_ptr_null(inventory_find(&inv, "model", "numeric-kind"));
	/* anything but exactly "created" is not ours to delete */
	const struct inv_entry *odd = inventory_find(&inv, "model", "odd-origin");
	ck_assert_ptr_nonnull(odd);
	ck_assert_int_eq(odd->origin, INV_ADOPTED);
	const struct inv_entry *good = inventory_find(&inv, "model", "good");
	ck_assert_ptr_nonnull(good);
	ck_assert_int_eq(good->origin, INV_CREATED);
	ck_assert_uint_eq(good->nr_fields, 1);
	ck_assert_str_eq(inv_entry_digest(good, "ok"), HEX64);
	static const char *const dropped[] = { "upper", "short", "long", "nonhex", "number", "null", "empty" };
	for (size_t i = 0; i < N_ELEMS(dropped); i++)
		ck_assert_msg(inv_entry_digest(good, dropped[i]) == NULL, "field %s kept", dropped[i]);
	/* no salt in the file: a fresh one, still 32 hex digits */
	ck_assert_uint_eq(strlen(inv.salt), 32);
	inventory_release(&inv);
	strbuf_release(&err);
	free(path);
}
END_TEST

/* ---- the file ------------------------------------------------------------------- */

START_TEST(file_is_private_and_replaced_atomically)
{
	char *path = path_in_dir("proj.json");
	/* an older, world-readable file and a temporary a killed run left */
	static const char old[] = "{\"format_version\":1,\"serial\":41,\"resources\":[]}";
	write_text(path, old, strlen(old));
	ck_assert_int_eq(chmod(path, 0644), 0);
	char *stale = xasprintf("%s.tmp.999999", path);
	write_text(stale, "x", 1);
	mode_t saved_umask = umask(0); /* the mode must not depend on the caller's umask */
	struct inventory inv;
	struct strbuf err = STRBUF_INIT;
	ck_assert_int_eq(inventory_load(&inv, path, "proj", &err), 0);
	record(&inv, &model_kind, "ai/x:latest", INV_CREATED, NULL, 0, false);
	int rc = inventory_save(&inv, &err);
	umask(saved_umask);
	ck_assert_msg(rc == 0, "%s", err.buf);
	ck_assert_int_eq(inv.serial, 42);
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_msg((st.st_mode & 07777) == 0600, "mode %o, want 600", (unsigned)(st.st_mode & 07777));
	ck_assert_int_eq(access(stale, F_OK), -1);
	/* nothing else is left beside it */
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	struct dirent *de;
	int others = 0;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && strcmp(de->d_name, "proj.json"))
			others++;
	closedir(d);
	ck_assert_int_eq(others, 0);

	/* a new directory is created private too */
	char *nested = path_in_dir("new/proj.json");
	struct inventory fresh;
	ck_assert_int_eq(inventory_load(&fresh, nested, "proj", &err), 0);
	ck_assert_msg(inventory_save(&fresh, &err) == 0, "%s", err.buf);
	ck_assert_int_eq(stat(nested, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	char *newdir = path_in_dir("new");
	ck_assert_int_eq(stat(newdir, &st), 0);
	ck_assert_int_eq(st.st_mode & 0077, 0);

	inventory_release(&fresh);
	inventory_release(&inv);
	strbuf_release(&err);
	free(newdir);
	free(nested);
	free(stale);
	free(path);
}
END_TEST

START_TEST(save_failure_keeps_serial)
{
	/* the parent is a regular file: nothing can be created under it */
	char *blocker = path_in_dir("blocker");
	write_text(blocker, "x", 1);
	char *path = path_in_dir("blocker/proj.json");
	struct inventory inv;
	struct strbuf err = STRBUF_INIT;
	ck_assert_int_eq(inventory_load(&inv, path, "proj", &err), -1); /* ENOTDIR is not "missing" */
	ck_assert_uint_gt(err.len, 0);
	strbuf_reset(&err);
	ck_assert_int_eq(inventory_save(&inv, &err), -1);
	ck_assert_int_eq(inv.serial, 0);
	ck_assert_ptr_nonnull(strstr(err.buf, "blocker"));
	inventory_release(&inv);
	strbuf_release(&err);
	free(path);
	free(blocker);
}
END_TEST

START_TEST(missing_file_is_empty)
{
	char *path = path_in_dir("nothing-here.json");
	struct inventory inv;
	struct strbuf err = STRBUF_INIT;
	ck_assert_int_eq(inventory_load(&inv, path, "p", &err), 0);
	ck_assert_uint_eq(err.len, 0);
	ck_assert_uint_eq(inv.nr, 0);
	ck_assert_int_eq(inv.serial, 0);
	ck_assert_str_eq(inv.path, path);
	ck_assert_str_eq(inv.project, "p");
	ck_assert_uint_eq(strlen(inv.salt), 32);
	ck_assert_uint_eq(strspn(inv.salt, "0123456789abcdef"), 32);
	inventory_release(&inv);
	strbuf_release(&err);
	free(path);
}
END_TEST

static const struct corrupt_case {
	const char *what;
	const char *text;
	size_t len;	     /* 0: strlen(text) */
	const char *message; /* expected in the error */
} corrupt[] = {
	{ "an array", "[1, 2, 3]", 0, "not a JSON object" },
	{ "a string", "\"inventory\"", 0, "not a JSON object" },
	{ "a number", "1", 0, "not a JSON object" },
	{ "null", "null", 0, "not a JSON object" },
	{ "empty", "", 0, "not a JSON object" },
	{ "text", "this is not json\n", 0, "not a JSON object" },
	{ "truncated", "{\"format_version\":1,\"serial\":3,\"resources\":[{\"kind\":\"model\",\"na", 0,
	  "not a JSON object" },
	{ "truncated after the object's body", "{\"format_version\":1,\"resources\":[]", 0, "not a JSON object" },
	{ "binary", "\x7f"
		    "ELF\x02\x01\x01\0\0\0\0\xff\xfe{\x80\x81",
	  16, "not a JSON object" },
	{ "format 2", "{\"format_version\":2,\"resources\":[]}", 0, "format_version 2" },
	{ "format 0", "{\"format_version\":0,\"resources\":[]}", 0, "format_version 0" },
	{ "no format", "{\"serial\":1,\"resources\":[]}", 0, "format_version" },
	{ "format as text", "{\"format_version\":\"1\",\"resources\":[]}", 0, "format_version" },
	/* fuzzing finding: numbers out of long long's range were converted anyway (undefined) */
	{ "format out of range", "{\"format_version\":1e300,\"resources\":[]}", 0, "format_version 0" },
	{ "format infinite", "{\"format_version\":1e999,\"resources\":[]}", 0, "format_version 0" },
	/* once read as the first object and the rest ignored */
	{ "something after the object", "{\"format_version\":1,\"resources\":[]}{\"format_version\":1}", 0,
	  "has something after it" },
	{ "text after the object", "{\"format_version\":1,\"resources\":[]}\ngarbage\n", 0, "has something after it" },
	/* once silently replaced by a fresh salt, which made every digest look changed */
	{ "a short salt", "{\"format_version\":1,\"salt\":\"0123\",\"resources\":[]}", 0, "salt is not 32 hex digits" },
	{ "a salt that is not hex", "{\"format_version\":1,\"salt\":\"0123456789abcdef0123456789abcdeX\",\"resources\":[]}",
	  0, "salt is not 32 hex digits" },
	{ "a salt that is a number", "{\"format_version\":1,\"salt\":12,\"resources\":[]}", 0, "salt is not 32 hex digits" },
};

START_TEST(corrupt_file_is_refused)
{
	const struct corrupt_case *c = &corrupt[_i];
	char *path = path_in_dir("corrupt.json");
	write_text(path, c->text, c->len ? c->len : strlen(c->text));
	struct inventory inv;
	struct strbuf err = STRBUF_INIT;
	int rc = inventory_load(&inv, path, "p", &err);
	char msg[512];
	snprintf(msg, sizeof(msg), "%s", err.buf);
	bool has_message = strstr(msg, c->message) != NULL, names_file = strstr(msg, path) != NULL;
	inventory_release(&inv);
	strbuf_release(&err);
	free(path);
	ck_assert_msg(rc == -1, "%s: loaded (rc %d)", c->what, rc);
	ck_assert_msg(has_message, "%s: message '%s' lacks '%s'", c->what, msg, c->message);
	ck_assert_msg(names_file, "%s: message '%s' does not name the file", c->what, msg);
}
END_TEST

START_TEST(unreadable_path_is_refused)
{
	/* a directory where the file should be is an error, not an empty inventory */
	char *path = path_in_dir("adir.json");
	ck_assert_int_eq(mkdir(path, 0700), 0);
	struct inventory inv;
	struct strbuf err = STRBUF_INIT;
	ck_assert_int_eq(inventory_load(&inv, path, "p", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.buf, "cannot read inventory"));
	inventory_release(&inv);
	strbuf_release(&err);
	free(path);
}
END_TEST

/* ---- digests -------------------------------------------------------------------- */

START_TEST(digest_is_salted_and_per_field)
{
	struct inventory a, b;
	inventory_init(&a, "p");
	inventory_init(&b, "p");
	ck_assert_str_ne(a.salt, b.salt);
	char da[65], db[65], again[65];
	inventory_field_digest(&a, "context_size", "8192", da);
	inventory_field_digest(&b, "context_size", "8192", db);
	ck_assert(is_lower_hex64(da));
	ck_assert(is_lower_hex64(db));
	ck_assert_str_ne(da, db); /* same value, other inventory */
	inventory_field_digest(&a, "context_size", "8192", again);
	ck_assert_str_eq(da, again); /* deterministic within one */

	/* the same salt (as a loaded copy has) gives the same digest */
	memcpy(b.salt, a.salt, sizeof(a.salt));
	inventory_field_digest(&b, "context_size", "8192", db);
	ck_assert_str_eq(da, db);

	char other[65];
	inventory_field_digest(&a, "max_tokens", "8192", other);
	ck_assert_str_ne(da, other); /* same value, other field */
	inventory_field_digest(&a, "context_size", "8193", other);
	ck_assert_str_ne(da, other);
	/* the boundary between name and value is part of the digest */
	char ab_c[65], a_bc[65];
	inventory_field_digest(&a, "ab", "c", ab_c);
	inventory_field_digest(&a, "a", "bc", a_bc);
	ck_assert_str_ne(ab_c, a_bc);
	/* absent and empty are different values */
	char absent[65], empty[65];
	inventory_field_digest(&a, "flags", NULL, absent);
	inventory_field_digest(&a, "flags", "", empty);
	ck_assert_str_ne(absent, empty);
	inventory_release(&a);
	inventory_release(&b);
}
END_TEST

START_TEST(digest_format_is_stable)
{
	/* saved inventories hold these digests: their recipe cannot change silently */
	struct inventory inv;
	inventory_init(&inv, "p");
	memcpy(inv.salt, "00112233445566778899aabbccddeeff", 33);
	char got[65], want[65];
	inventory_field_digest(&inv, "context_size", "8192", got);
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, "00112233445566778899aabbccddeeff", 32);
	sha256_update(&h, "context_size\0"
			  "8192",
		      18);
	sha256_hex(&h, want);
	ck_assert_str_eq(got, want);
	inventory_field_digest(&inv, "context_size", NULL, got);
	sha256_init(&h);
	sha256_update(&h, "00112233445566778899aabbccddeeff", 32);
	sha256_update(&h, "context_size", 13);
	sha256_hex(&h, want);
	ck_assert_str_eq(got, want);
	inventory_release(&inv);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("inventory");
	TCase *tc = tcase_create("file");
	tcase_add_checked_fixture(tc, make_dir, remove_dir);
	tcase_add_test(tc, round_trip_keeps_everything);
	tcase_add_test(tc, legacy_base_id_is_an_attribute);
	tcase_add_test(tc, bad_entries_and_digests_are_skipped);
	tcase_add_test(tc, file_is_private_and_replaced_atomically);
	tcase_add_test(tc, save_failure_keeps_serial);
	tcase_add_test(tc, missing_file_is_empty);
	tcase_add_loop_test(tc, corrupt_file_is_refused, 0, (int)N_ELEMS(corrupt));
	tcase_add_test(tc, unreadable_path_is_refused);
	suite_add_tcase(s, tc);
	TCase *mem = tcase_create("memory");
	tcase_add_test(mem, record_refreshes_and_keeps_origin);
	tcase_add_test(mem, digest_is_salted_and_per_field);
	tcase_add_test(mem, digest_format_is_stable);
	suite_add_tcase(s, mem);
	return check_run_suite(s);
}
