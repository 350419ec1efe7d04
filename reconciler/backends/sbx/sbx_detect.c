/*
 * Detection: which sbx this is and what it accepts. The answer is cached per
 * binary in <state dir>/cache/sbx.json (a folder of its own, never taken for a
 * project's inventory), keyed by the resolved path,
 * size, mtime and inode, so a normal run starts its listings at once
 * without a single `sbx version` or `--help` call; a replaced binary is
 * asked again (one `sbx version` and one round of help pages, in parallel).
 */
#include "sbx.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/sbx/sbx_parse.h"
#include "io/json.h"
#include "os/fileio.h"
#include "util/jsonw.h"
#include "util/xalloc.h"

#define SBX_PROBE_TIMEOUT_MS 15000
#define CACHE_FORMAT 2
#define CACHE_ENTRIES 8 /* binaries remembered; the oldest goes first */

struct binary {
	char *path;
	long long size, mtime_ns, inode;
};

/* The program as exec would find it: a name is looked up on PATH. */
static int resolve(const char *program, struct binary *b)
{
	memset(b, 0, sizeof(*b));
	char *found = NULL;
	if (strchr(program, '/')) {
		found = xstrdup(program);
	} else {
		const char *path = getenv("PATH");
		char *copy = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
		for (char *save = NULL, *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
			char *candidate = xasprintf("%s/%s", *dir ? dir : ".", program);
			if (access(candidate, X_OK) == 0)
				found = candidate;
			else
				free(candidate);
		}
		free(copy);
	}
	struct stat st;
	char *real = found ? realpath(found, NULL) : NULL;
	free(found);
	if (!real || stat(real, &st) < 0) {
		free(real);
		return -1;
	}
	b->path = real;
	b->size = (long long)st.st_size;
	b->mtime_ns = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	b->inode = (long long)st.st_ino;
	return 0;
}

static char *cache_path(const struct sbx_client *c)
{
	return c->cache_dir ? xasprintf("%s/cache/sbx.json", c->cache_dir) : NULL;
}

/* "size mtime_ns inode" as text: a JSON number (a double) cannot hold nanoseconds since 1970 exactly. */
static char *stamp_of(const struct binary *b)
{
	return xasprintf("%lld %lld %lld", b->size, b->mtime_ns, b->inode);
}

static bool same_binary(const cJSON *entry, const struct binary *b)
{
	const char *path = json_string(entry, "path"), *stamp = json_string(entry, "stamp");
	char *want = stamp_of(b);
	bool same = path && stamp && !strcmp(path, b->path) && !strcmp(stamp, want);
	free(want);
	return same;
}

static cJSON *cache_load(const struct sbx_client *c)
{
	char *path = cache_path(c);
	struct strbuf text = STRBUF_INIT;
	cJSON *root = NULL;
	if (path && read_file(path, &text, 1 << 20) == 0) {
		root = json_parse(text.buf, text.len);
		if (!cJSON_IsObject(root) || json_int(root, "format_version", 0) != CACHE_FORMAT) {
			cJSON_Delete(root);
			root = NULL;
		}
	}
	strbuf_release(&text);
	free(path);
	return root;
}

/* Writes entries (the kept ones plus `add`, if any); a cache that cannot be written is not an error. */
static void cache_save(const struct sbx_client *c, const cJSON *old, const struct binary *skip, const struct binary *add,
		       const char *version, const struct sbx_caps *caps)
{
	char *path = cache_path(c), *dir = c->cache_dir ? xasprintf("%s/cache", c->cache_dir) : NULL;
	int made = dir ? mkdir_p(dir) : -1;
	free(dir);
	if (!path || made < 0) {
		free(path);
		return;
	}
	struct strbuf out = STRBUF_INIT, encoded = STRBUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &out, true);
	jsonw_begin_object(&w);
	jsonw_kv_int(&w, "format_version", CACHE_FORMAT);
	jsonw_key(&w, "binaries");
	jsonw_begin_array(&w);
	size_t kept = 0;
	if (add) {
		sbx_caps_encode(caps, &encoded);
		jsonw_begin_object(&w);
		char *stamp = stamp_of(add);
		jsonw_kv_string(&w, "path", add->path);
		jsonw_kv_string(&w, "stamp", stamp);
		free(stamp);
		jsonw_kv_string(&w, "version", version);
		jsonw_kv_string(&w, "caps", encoded.buf);
		jsonw_end_object(&w);
		kept++;
	}
	const cJSON *e;
	cJSON_ArrayForEach(e, json_array(old, "binaries")) {
		const char *p = json_string(e, "path"), *v = json_string(e, "version"), *k = json_string(e, "caps");
		const char *stamp = json_string(e, "stamp");
		if (!p || !v || !k || !stamp || kept >= CACHE_ENTRIES || (skip && same_binary(e, skip)) ||
		    (add && !strcmp(p, add->path)))
			continue;
		jsonw_begin_object(&w);
		jsonw_kv_string(&w, "path", p);
		jsonw_kv_string(&w, "stamp", stamp);
		jsonw_kv_string(&w, "version", v);
		jsonw_kv_string(&w, "caps", k);
		jsonw_end_object(&w);
		kept++;
	}
	jsonw_end_array(&w);
	jsonw_end_object(&w);
	strbuf_addch(&out, '\n');
	struct strbuf ignored = STRBUF_INIT;
	write_file_atomic(path, out.buf, out.len, &ignored);
	strbuf_release(&ignored);
	strbuf_release(&out);
	strbuf_release(&encoded);
	free(path);
}

/* The cached answer for this binary: 0 with caps and version line filled in. */
static int cache_lookup(struct sbx_client *c, const struct binary *b)
{
	cJSON *root = cache_load(c);
	const cJSON *e;
	int rc = -1;
	cJSON_ArrayForEach(e, json_array(root, "binaries")) {
		const char *v = json_string(e, "version"), *k = json_string(e, "caps");
		if (!same_binary(e, b) || !v || !k || sbx_caps_decode(&c->caps, k) < 0)
			continue;
		c->version_line = xstrdup(v);
		rc = 0;
		break;
	}
	cJSON_Delete(root);
	return rc;
}

void sbx_client_forget_cached(struct sbx_client *c)
{
	struct binary b;
	if (!c->cache_dir || resolve(c->program, &b) < 0)
		return;
	cJSON *root = cache_load(c);
	if (root)
		cache_save(c, root, &b, NULL, NULL, NULL);
	cJSON_Delete(root);
	free(b.path);
}

struct probe {
	struct sbx_client *c;
	enum sbx_probe which;
	struct spawn_result res;
	int rc;
	pthread_t thread;
	bool started;
};

static void *probe_thread(void *arg)
{
	struct probe *p = arg;
	struct strbuf ignored = STRBUF_INIT;
	p->rc = sbx_run_plain(p->c, sbx_probe_args(p->which), SBX_PROBE_TIMEOUT_MS, &p->res, &ignored);
	strbuf_release(&ignored);
	return NULL;
}

/* `sbx version` and every help page at once; caps from the table for the version, refined by each page read. */
static int probe(struct sbx_client *c)
{
	static const char *const version_args[] = { "version", NULL };
	struct probe probes[SBX_NR_PROBES];
	for (int i = 0; i < SBX_NR_PROBES; i++) {
		probes[i] = (struct probe){ .c = c, .which = (enum sbx_probe)i, .res = SPAWN_RESULT_INIT };
		probes[i].started = pthread_create(&probes[i].thread, NULL, probe_thread, &probes[i]) == 0;
	}
	struct spawn_result res = SPAWN_RESULT_INIT;
	int major, minor, patch;
	int rc = sbx_run_plain(c, version_args, SBX_PROBE_TIMEOUT_MS < c->timeout_ms ? SBX_PROBE_TIMEOUT_MS : c->timeout_ms,
			       &res, &c->error);
	if (rc == 0 && sbx_parse_version(res.out.buf, &major, &minor, &patch) < 0) {
		strbuf_addf(&c->error, "cannot read the version of '%s' from 'sbx version' (expected "
				       "\"sbx version: v0.N.M\" or \"Client Version:  v0.N.M\"): is it Docker Sandboxes?",
			    c->program);
		rc = -1;
	}
	if (rc == 0) {
		/* the line that holds the version, banners before it skipped */
		const char *line = res.out.buf, *label = strstr(line, "Client Version:");
		if (!label)
			label = strstr(line, "version:");
		if (label) {
			line = label;
			while (line > res.out.buf && line[-1] != '\n')
				line--;
		}
		c->version_line = xstrndup(line, strcspn(line, "\r\n"));
		sbx_caps_from_table(&c->caps, major, minor, patch);
	}
	for (int i = 0; i < SBX_NR_PROBES; i++) {
		if (probes[i].started)
			pthread_join(probes[i].thread, NULL);
		else
			probe_thread(&probes[i]);
		c->probes++;
		struct sbx_help h;
		/* a page that did not come back or does not read as help leaves the table's answer */
		if (rc == 0 && probes[i].rc == 0 && sbx_help_parse(probes[i].res.out.buf, probes[i].res.out.len, &h) == 0) {
			sbx_caps_apply_help(&c->caps, probes[i].which, &h);
			sbx_help_release(&h);
		}
		spawn_result_release(&probes[i].res);
	}
	for (int i = 0; i < SBX_NR_PROBES && rc == 0; i++)
		if (!(c->caps.from_help & (1u << i)))
			strbuf_addf(&c->warning, "%s'%s' did not say", c->warning.len ? ", " : "", sbx_probe_name((enum sbx_probe)i));
	if (c->warning.len)
		strbuf_addf(&c->warning, ": for those, sbx v%d.%d.%d is driven by the release table", c->caps.major,
			    c->caps.minor, c->caps.patch);
	spawn_result_release(&res);
	return rc;
}

int sbx_client_detect(struct sbx_client *c, struct strbuf *err)
{
	pthread_mutex_lock(&c->lock);
	if (c->state == 0) {
		struct binary b;
		if (resolve(c->program, &b) < 0) {
			/* not on PATH: let exec say so, in the one way every message uses */
			static const char *const args[] = { "version", NULL };
			struct spawn_result res = SPAWN_RESULT_INIT;
			if (sbx_run_plain(c, args, SBX_PROBE_TIMEOUT_MS, &res, &c->error) == 0)
				strbuf_addf(&c->error, "cannot find '%s' on PATH", c->program);
			spawn_result_release(&res);
			c->state = -1;
		} else {
			c->path = xstrdup(b.path);
			if (cache_lookup(c, &b) == 0) {
				c->from_cache = true;
				c->state = 1;
			} else if (probe(c) == 0) {
				/* an answer partly from the table (a page cut or failed) is used, never kept: the next run asks again */
				if (c->caps.from_help == (1u << SBX_NR_PROBES) - 1) {
					cJSON *old = cache_load(c);
					cache_save(c, old, NULL, &b, c->version_line, &c->caps);
					cJSON_Delete(old);
				}
				c->state = 1;
			} else {
				c->state = -1;
			}
			free(b.path);
		}
	}
	int rc = c->state > 0 ? 0 : -1;
	if (rc < 0)
		strbuf_addstr(err, c->error.buf);
	else
		snprintf(c->version, sizeof(c->version), "v%d.%d.%d", c->caps.major, c->caps.minor, c->caps.patch);
	pthread_mutex_unlock(&c->lock);
	return rc;
}

void sbx_client_set_cache_dir(struct sbx_client *c, const char *dir)
{
	free(c->cache_dir);
	c->cache_dir = dir ? xstrdup(dir) : NULL;
}
