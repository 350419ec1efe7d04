#include "inventory.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "plan/kind.h"
#include "io/json.h"
#include "os/fileio.h"
#include "util/jsonw.h"
#include "util/sha256.h"
#include "util/xalloc.h"

#define INVENTORY_FORMAT 1

void inventory_init(struct inventory *inv, const char *project)
{
	memset(inv, 0, sizeof(*inv));
	inv->project = xstrdup(project ? project : "");
	unsigned char raw[16];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t got = fd >= 0 ? read(fd, raw, sizeof(raw)) : -1;
	if (fd >= 0)
		close(fd);
	if (got != (ssize_t)sizeof(raw)) {
		/* no entropy source: still unique enough per machine and time */
		unsigned long long seed = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
		for (size_t i = 0; i < sizeof(raw); i++)
			raw[i] = (unsigned char)(seed >> ((i % 8) * 8)) ^ (unsigned char)i;
	}
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(inv->salt + 2 * i, 3, "%02x", raw[i]);
}

char *inventory_dir(const char *state_dir)
{
	if (state_dir && *state_dir)
		return xstrdup(state_dir);
	const char *xdg = getenv("XDG_STATE_HOME");
	if (xdg && *xdg == '/')
		return xasprintf("%s/sbxapply", xdg);
	const char *home = getenv("HOME");
	return xasprintf("%s/.local/state/sbxapply", home && *home ? home : ".");
}

static void free_entry(struct inv_entry *e)
{
	free(e->kind);
	free(e->name);
	for (size_t i = 0; i < e->nr_fields; i++)
		free(e->fields[i].name);
	free(e->fields);
	for (size_t i = 0; i < e->nr_attrs; i++) {
		free(e->attrs[i].key);
		free(e->attrs[i].value);
	}
	free(e->attrs);
}

const char *inv_entry_attr(const struct inv_entry *e, const char *key)
{
	for (size_t i = 0; e && i < e->nr_attrs; i++)
		if (!strcmp(e->attrs[i].key, key))
			return e->attrs[i].value;
	return NULL;
}

void inv_entry_set_attr(struct inv_entry *e, const char *key, const char *value)
{
	for (size_t i = 0; i < e->nr_attrs; i++)
		if (!strcmp(e->attrs[i].key, key)) {
			free(e->attrs[i].value);
			e->attrs[i].value = xstrdup(value);
			return;
		}
	XGROW(e->attrs, e->alloc_attrs, e->nr_attrs + 1);
	e->attrs[e->nr_attrs].key = xstrdup(key);
	e->attrs[e->nr_attrs].value = xstrdup(value);
	e->nr_attrs++;
}

void inventory_release(struct inventory *inv)
{
	for (size_t i = 0; i < inv->nr; i++)
		free_entry(&inv->entries[i]);
	free(inv->entries);
	strmap_release(&inv->index);
	free(inv->path);
	free(inv->project);
	memset(inv, 0, sizeof(*inv));
}

static void reindex(struct inventory *inv)
{
	strmap_release(&inv->index);
	for (size_t i = 0; i < inv->nr; i++) {
		char *id = xasprintf("%s/%s", inv->entries[i].kind, inv->entries[i].name);
		strmap_put(&inv->index, id, (void *)(i + 1));
		free(id);
	}
}

static bool is_hex64(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (; *s; s++)
		if (!strchr("0123456789abcdef", *s))
			return false;
	return true;
}

int inventory_parse(struct inventory *inv, const char *text, size_t len, struct strbuf *err)
{
	cJSON *root = json_parse_whole(text, len);
	if (!cJSON_IsObject(root)) {
		strbuf_addstr(err, "the inventory is not a JSON object (or has something after it)");
		cJSON_Delete(root);
		return -1;
	}
	if (json_int(root, "format_version", 0) != INVENTORY_FORMAT) {
		strbuf_addf(err, "unknown inventory format_version %lld", json_int(root, "format_version", 0));
		cJSON_Delete(root);
		return -1;
	}
	const cJSON *salt = cJSON_GetObjectItemCaseSensitive(root, "salt");
	if (salt && (!cJSON_IsString(salt) || strlen(salt->valuestring) != 32 ||
		     strspn(salt->valuestring, "0123456789abcdef") != 32)) {
		/* a fresh salt would make every recorded digest look changed: say so rather than guess */
		strbuf_addstr(err, "the inventory's salt is not 32 hex digits, so its digests cannot be compared");
		cJSON_Delete(root);
		return -1;
	}
	if (salt) /* without one (an inventory older than salts), the fresh one from inventory_init stays */
		memcpy(inv->salt, salt->valuestring, 33);
	inv->serial = json_int(root, "serial", 0);
	const cJSON *item;
	cJSON_ArrayForEach(item, json_array(root, "resources")) {
		const char *kind = json_string(item, "kind"), *name = json_string(item, "name");
		const char *origin = json_string(item, "origin");
		if (!kind || !name || !origin)
			continue;
		XGROW(inv->entries, inv->alloc, inv->nr + 1);
		struct inv_entry *e = &inv->entries[inv->nr++];
		memset(e, 0, sizeof(*e));
		e->kind = xstrdup(kind);
		e->name = xstrdup(name);
		e->origin = !strcmp(origin, "created")	  ? INV_CREATED
			    : !strcmp(origin, "creating") ? INV_CREATING
							  : INV_ADOPTED;
		e->applied_at = json_int(item, "applied_at", 0);
		const cJSON *attr;
		cJSON_ArrayForEach(attr, json_object(item, "attrs"))
			if (cJSON_IsString(attr))
				inv_entry_set_attr(e, attr->string, attr->valuestring);
		const char *legacy_base = json_string(item, "base_id"); /* inventories before "attrs" */
		if (legacy_base && !inv_entry_attr(e, "base_id"))
			inv_entry_set_attr(e, "base_id", legacy_base);
		const cJSON *fields = json_object(item, "fields"), *f;
		e->fields = xcalloc((size_t)cJSON_GetArraySize(fields) + 1, sizeof(*e->fields));
		cJSON_ArrayForEach(f, fields) {
			if (!cJSON_IsString(f) || !is_hex64(f->valuestring))
				continue;
			e->fields[e->nr_fields].name = xstrdup(f->string);
			memcpy(e->fields[e->nr_fields].digest, f->valuestring, 65);
			e->nr_fields++;
		}
	}
	cJSON_Delete(root);
	reindex(inv);
	return 0;
}

int inventory_load(struct inventory *inv, const char *path, const char *project, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	inventory_init(inv, project);
	inv->path = xstrdup(path);
	if (read_file(path, &text, 64 << 20) < 0) {
		int e = errno;
		strbuf_release(&text);
		if (e == ENOENT)
			return 0;
		strbuf_addf(err, "cannot read inventory '%s': %s", path, strerror(e));
		return -1;
	}
	int rc = inventory_parse(inv, text.buf, text.len, err);
	if (rc < 0)
		strbuf_addf(err, " ('%s'; move it aside to start afresh)", path);
	strbuf_release(&text);
	return rc;
}

static void render(const struct inventory *inv, struct strbuf *out)
{
	struct jsonw w;
	jsonw_init(&w, out, true);
	jsonw_begin_object(&w);
	jsonw_kv_int(&w, "format_version", INVENTORY_FORMAT);
	jsonw_kv_string(&w, "project", inv->project);
	jsonw_kv_int(&w, "serial", inv->serial);
	jsonw_kv_string(&w, "salt", inv->salt);
	jsonw_key(&w, "resources");
	jsonw_begin_array(&w);
	for (size_t i = 0; i < inv->nr; i++) {
		const struct inv_entry *e = &inv->entries[i];
		jsonw_begin_object(&w);
		jsonw_kv_string(&w, "kind", e->kind);
		jsonw_kv_string(&w, "name", e->name);
		jsonw_kv_string(&w, "origin", e->origin == INV_CREATED ? "created" : e->origin == INV_CREATING ? "creating"
													       : "adopted");
		jsonw_kv_int(&w, "applied_at", e->applied_at);
		if (e->nr_attrs) {
			jsonw_key(&w, "attrs");
			jsonw_begin_object(&w);
			for (size_t j = 0; j < e->nr_attrs; j++)
				jsonw_kv_string(&w, e->attrs[j].key, e->attrs[j].value);
			jsonw_end_object(&w);
		}
		jsonw_key(&w, "fields");
		jsonw_begin_object(&w);
		for (size_t j = 0; j < e->nr_fields; j++)
			jsonw_kv_string(&w, e->fields[j].name, e->fields[j].digest);
		jsonw_end_object(&w);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_end_object(&w);
	strbuf_addch(out, '\n');
}

/*
 * Temporary files a killed run left behind (PATH.tmp.PID). Saves happen under
 * the project's lock, so no live writer of this inventory can own one.
 */
static void remove_stale_temporaries(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : path;
	char *prefix = xasprintf("%s.tmp.", base);
	if (slash)
		*slash = '\0';
	DIR *d = opendir(slash ? dir : ".");
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		char *stale = xasprintf("%s/%s", slash ? dir : ".", de->d_name);
		unlink(stale);
		free(stale);
	}
	if (d)
		closedir(d);
	free(prefix);
	free(dir);
}

int inventory_save(struct inventory *inv, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	inv->serial++;
	render(inv, &text);
	char *dir = xstrdup(inv->path), *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	int rc = -1;
	if (slash && mkdir_p(dir) < 0)
		strbuf_addf(err, "cannot create '%s': %s", dir, strerror(errno));
	else
		rc = write_file_atomic(inv->path, text.buf, text.len, err);
	if (rc == 0)
		remove_stale_temporaries(inv->path);
	else
		inv->serial--;
	free(dir);
	strbuf_release(&text);
	return rc;
}

int inventory_create(struct inventory *inv, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	inv->serial++;
	render(inv, &text);
	char *dir = xstrdup(inv->path), *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	/* a name remove_stale_temporaries() knows, should we be killed before the unlink */
	char *fresh = xasprintf("%s.tmp.new.%ld", inv->path, (long)getpid());
	int rc = -1, e = 0;
	if (slash && mkdir_p(dir) < 0) {
		e = errno;
		strbuf_addf(err, "cannot create '%s': %s", dir, strerror(e));
	} else if (write_file_atomic(fresh, text.buf, text.len, err) == 0) {
		if (link(fresh, inv->path) == 0)
			rc = 0;
		else
			strbuf_addf(err, "cannot create '%s': %s", inv->path, strerror(e = errno));
		unlink(fresh);
	}
	if (rc < 0)
		inv->serial--;
	free(fresh);
	free(dir);
	strbuf_release(&text);
	errno = e;
	return rc;
}

const struct inv_entry *inventory_find(const struct inventory *inv, const char *kind, const char *name)
{
	if (!inv)
		return NULL;
	char *id = xasprintf("%s/%s", kind, name);
	size_t i = (size_t)strmap_get(&inv->index, id);
	free(id);
	return i ? &inv->entries[i - 1] : NULL;
}

void inventory_field_digest(const struct inventory *inv, const char *field, const char *value, char out[65])
{
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, inv->salt, strlen(inv->salt));
	sha256_update(&h, field, strlen(field) + 1);
	if (value)
		sha256_update(&h, value, strlen(value) + 1);
	sha256_hex(&h, out);
}

const char *inv_entry_digest(const struct inv_entry *e, const char *field)
{
	for (size_t i = 0; e && i < e->nr_fields; i++)
		if (!strcmp(e->fields[i].name, field))
			return e->fields[i].digest;
	return NULL;
}

struct inv_entry *inventory_record(struct inventory *inv, const struct resource *r, enum inv_origin origin)
{
	const struct inv_entry *found = inventory_find(inv, r->kind->name, r->name);
	struct inv_entry *e;
	if (found) {
		e = &inv->entries[found - inv->entries];
		if (e->origin == INV_CREATING)
			e->origin = origin; /* the intent is done with */
		for (size_t i = 0; i < e->nr_fields; i++)
			free(e->fields[i].name);
		free(e->fields);
	} else {
		XGROW(inv->entries, inv->alloc, inv->nr + 1);
		e = &inv->entries[inv->nr++];
		memset(e, 0, sizeof(*e));
		e->kind = xstrdup(r->kind->name);
		e->name = xstrdup(r->name);
		e->origin = origin;
		char *id = resource_id(r);
		strmap_put(&inv->index, id, (void *)inv->nr);
		free(id);
	}
	e->fields = xcalloc(r->nr_fields + 1, sizeof(*e->fields));
	e->nr_fields = r->nr_fields;
	for (size_t i = 0; i < r->nr_fields; i++) {
		e->fields[i].name = xstrdup(r->fields[i].name);
		inventory_field_digest(inv, r->fields[i].name, r->fields[i].value, e->fields[i].digest);
	}
	e->applied_at = (long long)time(NULL);
	return e;
}

void inventory_forget(struct inventory *inv, const char *kind, const char *name)
{
	const struct inv_entry *found = inventory_find(inv, kind, name);
	if (!found)
		return;
	size_t i = (size_t)(found - inv->entries);
	free_entry(&inv->entries[i]);
	memmove(&inv->entries[i], &inv->entries[i + 1], (inv->nr - i - 1) * sizeof(*inv->entries));
	inv->nr--;
	reindex(inv);
}
