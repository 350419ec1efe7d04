#include "saved_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/json.h"
#include "os/fileio.h"
#include "util/jsonw.h"
#include "util/xalloc.h"

#define SAVED_PLAN_FORMAT 1

static char *action_line(const struct action *a)
{
	return xasprintf("%s %s/%s", a->type == ACTION_NOOP ? "adopt" : action_type_name(a->type), a->kind->name,
			 a->name);
}

int saved_plan_write(const char *path, const struct engine *e, const char *config_path, struct strbuf *err)
{
	char desired[65], observed[65];
	struct strbuf out = STRBUF_INIT;
	struct jsonw w;
	engine_state_digests(e, desired, observed);
	jsonw_init(&w, &out, true);
	jsonw_begin_object(&w);
	jsonw_kv_int(&w, "format_version", SAVED_PLAN_FORMAT);
	jsonw_kv_string(&w, "kind", "sbxapply-plan");
	jsonw_kv_string(&w, "config", config_path);
	jsonw_kv_string(&w, "project", e->cfg->project);
	jsonw_kv_int(&w, "inventory_serial", e->inventory.serial);
	jsonw_kv_string(&w, "desired_digest", desired);
	jsonw_kv_string(&w, "observed_digest", observed);
	jsonw_kv_bool(&w, "prune", e->opts.prune);
	jsonw_kv_bool(&w, "allow_replace", e->opts.allow_replace);
	jsonw_key(&w, "actions");
	jsonw_begin_array(&w);
	for (size_t i = 0; i < e->plan.nr; i++) {
		char *line = action_line(&e->plan.actions[i]);
		jsonw_string(&w, line);
		free(line);
	}
	jsonw_end_array(&w);
	jsonw_end_object(&w);
	strbuf_addch(&out, '\n');
	int rc = -1;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, out.buf, out.len) != (ssize_t)out.len)
		strbuf_addf(err, "cannot write plan '%s': %s", path, strerror(errno));
	else
		rc = 0;
	if (fd >= 0 && close(fd) < 0 && !rc) {
		strbuf_addf(err, "cannot write plan '%s': %s", path, strerror(errno));
		rc = -1;
	}
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
	    !cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(root, "allow_replace")) || !actions)
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
	cJSON *root = json_parse(text.buf, text.len);
	strbuf_release(&text);
	const char *kind = json_string(root, "kind"), *config = json_string(root, "config"),
		   *project = json_string(root, "project");
	if (!kind || strcmp(kind, "sbxapply-plan") || json_int(root, "format_version", 0) != SAVED_PLAN_FORMAT ||
	    !config || !project || !copy_digest(sp->desired, json_string(root, "desired_digest")) ||
	    !copy_digest(sp->observed, json_string(root, "observed_digest")) || !well_typed(root)) {
		strbuf_addf(err, "'%s' is not a plan file written by 'sbxapply plan -out'", path);
		cJSON_Delete(root);
		return -1;
	}
	sp->config_path = xstrdup(config);
	sp->project = xstrdup(project);
	sp->inventory_serial = json_int(root, "inventory_serial", -1);
	sp->prune = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "prune"));
	sp->allow_replace = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "allow_replace"));
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
	char desired[65], observed[65];
	engine_state_digests(e, desired, observed);
	if (strcmp(sp->project, e->cfg->project)) {
		strbuf_addf(err, "the plan is for project '%s', the file is now project '%s'", sp->project, e->cfg->project);
		return -1;
	}
	if (sp->inventory_serial != e->inventory.serial) {
		strbuf_addf(err, "the inventory moved since the plan was made (serial %lld, now %lld): run plan again",
			    sp->inventory_serial, e->inventory.serial);
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
