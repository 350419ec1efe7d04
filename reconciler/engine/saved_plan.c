#include "saved_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/json.h"
#include "os/fileio.h"
#include "util/jsonw.h"
#include "util/sha256.h"
#include "util/xalloc.h"

/* 2: salted digests, adopt and force_shared, and the checksum */
#define SAVED_PLAN_FORMAT 3

static char *action_line(const struct action *a)
{
	return xasprintf("%s %s/%s", a->type == ACTION_NOOP ? "adopt" : action_type_name(a->type), a->kind->name,
			 a->name);
}

/* HMAC-SHA-256 (RFC 2104) of msg, keyed with key, in hex. */
static void hmac_hex(const char *key, const struct strbuf *msg, char out[65])
{
	unsigned char k[64] = { 0 }, pad[64], inner[32];
	size_t klen = strlen(key);
	struct sha256 h;
	if (klen > sizeof(k)) {
		sha256_init(&h);
		sha256_update(&h, key, klen);
		sha256_final(&h, k);
	} else {
		memcpy(k, key, klen);
	}
	for (size_t i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x36;
	sha256_init(&h);
	sha256_update(&h, pad, sizeof(pad));
	sha256_update(&h, msg->buf, msg->len);
	sha256_final(&h, inner);
	for (size_t i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x5c;
	sha256_init(&h);
	sha256_update(&h, pad, sizeof(pad));
	sha256_update(&h, inner, sizeof(inner));
	sha256_hex(&h, out);
}

/*
 * The checksum over everything that decides what apply does, keyed with the
 * inventory's salt (which only the state directory holds): a plan edited
 * after review (prune false -> true, an action more) is refused.
 */
static void plan_checksum(const struct saved_plan *sp, const char *salt, char out[65])
{
	struct strbuf msg = STRBUF_INIT;
	strbuf_addf(&msg, "sbxapply-plan %d", SAVED_PLAN_FORMAT);
	strbuf_add(&msg, "", 1);
	strbuf_addstr(&msg, sp->config_path);
	strbuf_add(&msg, "", 1);
	strbuf_addstr(&msg, sp->project);
	strbuf_add(&msg, "", 1);
	strbuf_addf(&msg, "%lld %s %s %d%d%d%d%d", sp->inventory_serial, sp->desired, sp->observed, sp->prune,
		    sp->allow_replace, sp->adopt, sp->force_shared, sp->refresh);
	for (size_t i = 0; i < sp->nr_actions; i++) {
		strbuf_add(&msg, "", 1);
		strbuf_addstr(&msg, sp->actions[i]);
	}
	hmac_hex(salt, &msg, out);
	strbuf_release(&msg);
}

int saved_plan_write(const char *path, struct engine *e, const char *config_path, struct strbuf *err)
{
	struct strbuf out = STRBUF_INIT;
	struct jsonw w;
	struct saved_plan sp = { 0 };
	/*
	 * The digests and the checksum are keyed with the inventory's salt: it
	 * must outlive this run. A project never applied has no inventory yet:
	 * write the empty one (never over one another run just wrote).
	 */
	if (e->inventory.path && access(e->inventory.path, F_OK) < 0 && errno == ENOENT &&
	    inventory_create(&e->inventory, err) < 0) {
		if (errno == EEXIST)
			strbuf_addstr(err, ": another run wrote the inventory meanwhile; run plan again");
		return -1;
	}
	e->loaded_serial = e->inventory.serial;
	sp.config_path = (char *)config_path;
	sp.project = (char *)e->cfg->project;
	sp.inventory_serial = e->loaded_serial;
	engine_state_digests(e, sp.desired, sp.observed);
	sp.prune = e->opts.prune;
	sp.allow_replace = e->opts.allow_replace;
	sp.adopt = e->opts.adopt;
	sp.force_shared = e->opts.force_shared;
	sp.refresh = e->opts.refresh; /* what was read, or vouched for, is part of the observed digest */
	sp.actions = xcalloc(e->plan.nr + 1, sizeof(*sp.actions));
	for (size_t i = 0; i < e->plan.nr; i++)
		sp.actions[sp.nr_actions++] = action_line(&e->plan.actions[i]);
	plan_checksum(&sp, e->inventory.salt, sp.checksum);

	jsonw_init(&w, &out, true);
	jsonw_begin_object(&w);
	jsonw_kv_int(&w, "format_version", SAVED_PLAN_FORMAT);
	jsonw_kv_string(&w, "kind", "sbxapply-plan");
	jsonw_kv_string(&w, "config", sp.config_path);
	jsonw_kv_string(&w, "project", sp.project);
	jsonw_kv_int(&w, "inventory_serial", sp.inventory_serial);
	jsonw_kv_string(&w, "desired_digest", sp.desired);
	jsonw_kv_string(&w, "observed_digest", sp.observed);
	jsonw_kv_bool(&w, "prune", sp.prune);
	jsonw_kv_bool(&w, "allow_replace", sp.allow_replace);
	jsonw_kv_bool(&w, "adopt", sp.adopt);
	jsonw_kv_bool(&w, "force_shared", sp.force_shared);
	jsonw_kv_bool(&w, "refresh", sp.refresh);
	jsonw_key(&w, "actions");
	jsonw_begin_array(&w);
	for (size_t i = 0; i < sp.nr_actions; i++)
		jsonw_string(&w, sp.actions[i]);
	jsonw_end_array(&w);
	jsonw_kv_string(&w, "checksum", sp.checksum);
	jsonw_end_object(&w);
	strbuf_addch(&out, '\n');
	/* temp file and rename: mode 0600 even over an existing file of another mode */
	struct strbuf werr = STRBUF_INIT;
	int rc = write_file_atomic(path, out.buf, out.len, &werr);
	if (rc < 0)
		strbuf_addf(err, "cannot write plan '%s': %s", path, werr.buf);
	strbuf_release(&werr);
	for (size_t i = 0; i < sp.nr_actions; i++)
		free(sp.actions[i]);
	free(sp.actions);
	strbuf_release(&out);
	return rc;
}

static bool copy_digest(char out[65], const char *in)
{
	if (!in || strlen(in) != 64 || strspn(in, "0123456789abcdef") != 64)
		return false;
	memcpy(out, in, 65);
	return true;
}

/* Every field the writer writes, of the type it writes: a file missing one is damaged, not a default. */
static bool well_typed(const cJSON *root)
{
	const cJSON *actions = json_array(root, "actions"), *a;
	if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(root, "inventory_serial")) ||
	    !cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(root, "prune")) ||
	    !cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(root, "allow_replace")) ||
	    !cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(root, "adopt")) ||
	    !cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(root, "force_shared")) ||
	    !cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(root, "refresh")) || !actions)
		return false;
	cJSON_ArrayForEach(a, actions)
		if (!cJSON_IsString(a))
			return false;
	return true;
}

int saved_plan_read(struct saved_plan *sp, const char *path, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	memset(sp, 0, sizeof(*sp));
	if (read_file(path, &text, 16 << 20) < 0) {
		strbuf_addf(err, "cannot read plan '%s': %s", path, strerror(errno));
		strbuf_release(&text);
		return -1;
	}
	cJSON *root = json_parse_whole(text.buf, text.len);
	strbuf_release(&text);
	const char *kind = json_string(root, "kind"), *config = json_string(root, "config"),
		   *project = json_string(root, "project");
	long long version = json_int(root, "format_version", 0);
	if (kind && !strcmp(kind, "sbxapply-plan") && version >= 1 && version < SAVED_PLAN_FORMAT) {
		strbuf_addf(err, "'%s' was written by an older sbxapply: run plan -out again", path);
		cJSON_Delete(root);
		return -1;
	}
	if (!kind || strcmp(kind, "sbxapply-plan") || json_int(root, "format_version", 0) != SAVED_PLAN_FORMAT ||
	    !config || !project || !copy_digest(sp->desired, json_string(root, "desired_digest")) ||
	    !copy_digest(sp->observed, json_string(root, "observed_digest")) ||
	    !copy_digest(sp->checksum, json_string(root, "checksum")) || !well_typed(root)) {
		strbuf_addf(err, "'%s' is not a plan file written by 'sbxapply plan -out'", path);
		cJSON_Delete(root);
		return -1;
	}
	sp->config_path = xstrdup(config);
	sp->project = xstrdup(project);
	sp->inventory_serial = json_int(root, "inventory_serial", -1);
	sp->prune = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "prune"));
	sp->allow_replace = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "allow_replace"));
	sp->adopt = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "adopt"));
	sp->force_shared = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "force_shared"));
	sp->refresh = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "refresh"));
	const cJSON *actions = json_array(root, "actions"), *a;
	sp->actions = xcalloc((size_t)cJSON_GetArraySize(actions) + 1, sizeof(*sp->actions));
	cJSON_ArrayForEach(a, actions)
		if (cJSON_IsString(a))
			sp->actions[sp->nr_actions++] = xstrdup(a->valuestring);
	cJSON_Delete(root);
	return 0;
}

int saved_plan_check(const struct saved_plan *sp, const struct engine *e, struct strbuf *err)
{
	char desired[65], observed[65], checksum[65];
	engine_state_digests(e, desired, observed);
	if (strcmp(sp->project, e->cfg->project)) {
		strbuf_addf(err, "the plan is for project '%s', the file is now project '%s'", sp->project, e->cfg->project);
		return -1;
	}
	/* as loaded: resolving a killed run's intents (engine_plan) saves before this check */
	if (sp->inventory_serial != e->loaded_serial) {
		strbuf_addf(err, "the inventory moved since the plan was made (serial %lld, now %lld): run plan again",
			    sp->inventory_serial, e->loaded_serial);
		return -1;
	}
	if (strcmp(sp->desired, desired)) {
		strbuf_addf(err, "'%s' or its variables changed since the plan was made: run plan again", sp->config_path);
		return -1;
	}
	if (strcmp(sp->observed, observed)) {
		strbuf_addstr(err, "the live state changed since the plan was made: run plan again");
		return -1;
	}
	bool same = sp->nr_actions == e->plan.nr;
	for (size_t i = 0; same && i < e->plan.nr; i++) {
		char *line = action_line(&e->plan.actions[i]);
		same = !strcmp(line, sp->actions[i]);
		free(line);
	}
	if (!same) {
		strbuf_addstr(err, "this sbxapply plans differently from the one that wrote the plan: run plan again");
		return -1;
	}
	/* last, so that what moved is named first; this catches the rest (a flag edited by hand) */
	plan_checksum(sp, e->inventory.salt, checksum);
	if (strcmp(sp->checksum, checksum)) {
		strbuf_addstr(err, "the plan file was changed after it was written, or its project's inventory was "
				   "replaced since: run plan again");
		return -1;
	}
	return 0;
}

void saved_plan_release(struct saved_plan *sp)
{
	free(sp->config_path);
	free(sp->project);
	for (size_t i = 0; i < sp->nr_actions; i++)
		free(sp->actions[i]);
	free(sp->actions);
	memset(sp, 0, sizeof(*sp));
}
