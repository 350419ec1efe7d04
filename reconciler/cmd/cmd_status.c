/*
 * sbxapply status (alias ps): each resource of the project with its live
 * state, from one round of observation: the engine's own (engine_plan(),
 * read-only, no lock), so each kind's bulk listing is made once. What the
 * listings hold beyond the compared fields (a sandbox's running state, a
 * model's size) is read back from the backends' shared copies, which costs
 * no further call. Declared resources that do not exist show as missing;
 * resources this project recorded that the file no longer declares are
 * listed too. Changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/dmr/dmr_session.h"
#include "backends/sbx/sbx.h"
#include "backends/sbx/sbx_parse.h"
#include "cmd/cli.h"
#include "cmd/cmd_common.h"
#include "engine/engine.h"
#include "kinds/kinds.h"
#include "refs/modelref.h"
#include "util/jsonw.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

struct row {
	const char *kind;
	char *name;
	bool declared;
	char *state;	     /* missing, present, running, stopped, active, set, written, unknown, ... */
	char *details;	     /* one line, "" when there is nothing to add */
	char *size;	     /* models and packages: as the runner writes it, or NULL */
	const char *sync;    /* in_sync, create, update, replace, delete, adopt */
	const char *origin;  /* drift, file, new, prune, or NULL */
	const char *blocked; /* borrowed from the plan, or NULL */
	const struct inv_entry *recorded;
};

struct status {
	struct engine *e;
	struct row *rows;
	size_t nr, alloc;
	struct sbx_sandbox *sandboxes; /* parsed from the run's shared `sbx ls` */
	size_t nr_sandboxes;
	bool sandboxes_read;
};

static const struct action *action_for(const struct plan *p, const struct kind *k, const char *name)
{
	for (size_t i = 0; i < p->nr; i++)
		if (p->actions[i].kind == k && !strcmp(p->actions[i].name, name))
			return &p->actions[i];
	return NULL;
}

static const struct dmr_model *model_of(struct status *st, const char *canonical)
{
	const struct dmr_model *models;
	size_t nr;
	struct strbuf ignored = STRBUF_INIT;
	/* the session listed them during observation: this is its copy, not a request */
	int rc = dmr_session_models(&kinds_backends(st->e)->dmr, &models, &nr, &ignored);
	strbuf_release(&ignored);
	for (size_t i = 0; rc == 0 && i < nr; i++)
		for (size_t t = 0; t < models[i].nr_tags; t++) {
			char *c = modelref_normalize(models[i].tags[t]);
			bool same = c && !strcmp(c, canonical);
			free(c);
			if (same)
				return &models[i];
		}
	return NULL;
}

static const struct sbx_sandbox *sandbox_of(struct status *st, const char *name)
{
	if (!st->sandboxes_read) {
		struct strbuf ignored = STRBUF_INIT;
		st->sandboxes_read = true;
		/* parses the listing the sandbox kind's observation made: no second `sbx ls` */
		if (sbx_sandboxes(&kinds_backends(st->e)->sbx, &st->sandboxes, &st->nr_sandboxes, &ignored) < 0)
			st->nr_sandboxes = 0;
		strbuf_release(&ignored);
	}
	for (size_t i = 0; i < st->nr_sandboxes; i++)
		if (!strcmp(st->sandboxes[i].name, name))
			return &st->sandboxes[i];
	return NULL;
}

/* "k=v, k=v" of a resource's fields that are not sensitive. */
static void add_fields(struct strbuf *sb, const struct resource *r)
{
	for (size_t i = 0; r && i < r->nr_fields; i++) {
		const struct res_field *f = &r->fields[i];
		if (!f->value || f->name[0] == '(')
			continue;
		strbuf_addf(sb, "%s%s=%s", sb->len ? ", " : "", f->name, f->sensitive ? "(sensitive)" : f->value);
	}
}

static void live_state(struct status *st, struct row *row, const struct kind *k, const char *name,
		       const struct resource *obs)
{
	struct strbuf d = STRBUF_INIT;
	const char *state = obs ? "present" : "missing";
	if (obs && obs->unknown) {
		state = "unknown";
		strbuf_addstr(&d, obs->unknown);
	} else if (!strcmp(k->name, "model") || !strcmp(k->name, "package")) {
		const struct dmr_model *m = obs ? model_of(st, name) : NULL;
		if (m && m->size)
			row->size = xstrdup(m->size);
		if (m && m->context_size)
			strbuf_addf(&d, "context %ld, ", m->context_size);
		if (m)
			strbuf_addf(&d, "%s%s%.19s", m->size ? m->size : "", m->size ? ", " : "", m->id);
	} else if (!strcmp(k->name, "sandbox")) {
		const struct sbx_sandbox *s = obs ? sandbox_of(st, name) : NULL;
		if (s) {
			state = s->status && *s->status ? s->status : "present";
			strbuf_addf(&d, "agent %s", s->agent ? s->agent : "?");
			if (s->nr_workspaces)
				strbuf_addf(&d, ", workspace %s", s->workspaces[0]);
		}
	} else if (!strcmp(k->name, "policy_rule")) {
		state = obs ? "active" : "missing";
	} else if (!strcmp(k->name, "policy_init")) {
		state = obs ? "initialised" : "not shown";
		if (!obs)
			strbuf_addstr(&d, "sbx lists no preset rules: apply initialises it when needed");
	} else if (!strcmp(k->name, "runtime")) {
		state = obs ? "configured" : "missing";
		add_fields(&d, obs);
	} else if (!strcmp(k->name, "secret")) {
		state = obs ? "set" : "missing";
	} else if (!strcmp(k->name, "env")) {
		state = obs ? "written" : "missing";
		if (obs && obs->vouched)
			strbuf_addf(&d, "not read: %s (--refresh reads it)", obs->vouched);
	}
	row->state = xstrdup(state);
	row->details = strbuf_detach(&d, NULL);
}

static void add_row(struct status *st, const struct kind *k, const char *name, const char *display, bool declared)
{
	XGROW(st->rows, st->alloc, st->nr + 1);
	struct row *row = &st->rows[st->nr++];
	memset(row, 0, sizeof(*row));
	row->kind = k->name;
	row->name = xstrdup(display ? display : name);
	row->declared = declared;
	row->recorded = inventory_find(&st->e->inventory, k->name, name);
	live_state(st, row, k, name, resource_set_find(&st->e->observed, k, name));
	const struct action *a = action_for(&st->e->plan, k, name);
	row->sync = !a ? "in_sync" : a->type == ACTION_NOOP ? "adopt"
							    : action_type_name(a->type);
	row->origin = a && a->type != ACTION_NOOP ? change_origin_name(a->origin) : NULL;
	row->blocked = a ? a->blocked : NULL;
	if (!declared && !a)
		row->sync = "kept"; /* recorded but not declared, and not pruned (no --prune) */
}

static void iso_time(long long t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (t <= 0 || !gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		out[0] = '\0';
}

static const char *sync_text(const struct row *r, char *buf, size_t len)
{
	if (!strcmp(r->sync, "in_sync"))
		return "in sync";
	if (!strcmp(r->sync, "kept"))
		return "not declared";
	snprintf(buf, len, "%s%s%s%s", r->blocked ? "blocked " : "", r->sync,
		 r->origin && !strcmp(r->origin, "drift") ? " (drift)" : "", " pending");
	return buf;
}

/* -q: only what needs attention, a resource missing or one apply would change */
static bool worth_showing(const struct row *r, bool quiet)
{
	return !quiet || strcmp(r->sync, "in_sync") || !strcmp(r->state, "missing");
}

static void print_text(const struct status *st, bool quiet)
{
	size_t wk = 4, wn = 4, ws = 5;
	char buf[64];
	for (size_t i = 0; i < st->nr; i++) {
		const struct row *r = &st->rows[i];
		wk = strlen(r->kind) > wk ? strlen(r->kind) : wk;
		wn = strlen(r->name) > wn ? strlen(r->name) : wn;
		ws = strlen(r->state) > ws ? strlen(r->state) : ws;
	}
	size_t shown = 0;
	for (size_t i = 0; i < st->nr; i++)
		shown += worth_showing(&st->rows[i], quiet);
	if (quiet && !shown)
		return;
	printf("%-*s  %-*s  %-*s  %-22s  %s\n", (int)wk, "KIND", (int)wn, "NAME", (int)ws, "STATE", "SYNC", "DETAILS");
	for (size_t i = 0; i < st->nr; i++) {
		const struct row *r = &st->rows[i];
		if (!worth_showing(r, quiet))
			continue;
		char when[32] = "";
		if (r->recorded)
			iso_time(r->recorded->applied_at, when);
		printf("%-*s  %-*s  %-*s  %-22s  %s", (int)wk, r->kind, (int)wn, r->name, (int)ws, r->state,
		       sync_text(r, buf, sizeof(buf)), r->details);
		if (*when)
			printf("%s%s %s", *r->details ? "; " : "", !strcmp(r->kind, "env") ? "last written" : "applied",
			       when);
		putchar('\n');
	}
	if (!st->nr)
		printf("(the file declares nothing and this project has recorded nothing)\n");
}

static void print_json(const struct status *st)
{
	struct strbuf out = STRBUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &out, true);
	jsonw_begin_object(&w);
	jsonw_kv_int(&w, "format_version", 1);
	jsonw_kv_string(&w, "project", st->e->cfg->project);
	jsonw_key(&w, "resources");
	jsonw_begin_array(&w);
	for (size_t i = 0; i < st->nr; i++) {
		const struct row *r = &st->rows[i];
		char when[32] = "";
		if (r->recorded)
			iso_time(r->recorded->applied_at, when);
		jsonw_begin_object(&w);
		jsonw_kv_string(&w, "kind", r->kind);
		jsonw_kv_string(&w, "name", r->name);
		jsonw_kv_bool(&w, "declared", r->declared);
		jsonw_kv_string(&w, "state", r->state);
		jsonw_kv_string(&w, "sync", r->sync);
		jsonw_kv_string_or_null(&w, "change", r->origin);
		jsonw_kv_string_or_null(&w, "blocked", r->blocked);
		jsonw_kv_string_or_null(&w, "size", r->size);
		jsonw_kv_string(&w, "details", r->details);
		jsonw_kv_string_or_null(&w, "recorded",
					!r->recorded			     ? NULL
					: r->recorded->origin == INV_ADOPTED ? "adopted"
					: r->recorded->origin == INV_CREATED ? "created"
									     : "creating");
		jsonw_kv_string_or_null(&w, "last_applied", *when ? when : NULL);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_end_object(&w);
	printf("%s\n", out.buf);
	strbuf_release(&out);
}

static int status_exec(const struct cli_options *opts)
{
	if (opts->nr_args) {
		cli_error("status takes no arguments; name the file with -f FILE");
		return EXIT_USAGE;
	}
	struct config cfg;
	int rc = cmd_load_config(opts, &cfg);
	if (rc) {
		config_release(&cfg);
		return rc;
	}
	struct engine e;
	struct engine_options eo;
	struct kinds_options ko;
	struct strbuf err = STRBUF_INIT;
	cmd_engine_options(opts, &eo, &ko);
	eo.read_only = true;
	ko.observe_only = true;
	eo.log = NULL; /* a report on stdout; problems on stderr below */
	enum engine_status es = engine_open(&e, &cfg, &eo, &err);
	if (es == ENGINE_OK)
		es = engine_plan(&e, &err);
	rc = cmd_exit_code(es);
	if (rc) {
		cli_error("%s", err.len ? err.buf : "interrupted");
		goto done;
	}
	struct status st = { .e = &e };
	for (size_t i = 0; i < e.desired.nr; i++) {
		const struct resource *r = e.desired.items[i];
		add_row(&st, r->kind, r->name, r->display, true);
	}
	for (const struct kind *const *k = kinds_registry.kinds; *k; k++)
		for (size_t i = 0; i < e.inventory.nr; i++) {
			const struct inv_entry *ie = &e.inventory.entries[i];
			if (!strcmp(ie->kind, (*k)->name) && !resource_set_find(&e.desired, *k, ie->name))
				add_row(&st, *k, ie->name, NULL, false);
		}
	if (!strcmp(opts->output, "json"))
		print_json(&st);
	else
		print_text(&st, opts->quiet);
	for (size_t i = 0; i < st.nr; i++) {
		free(st.rows[i].name);
		free(st.rows[i].state);
		free(st.rows[i].details);
		free(st.rows[i].size);
	}
	free(st.rows);
	sbx_sandboxes_free(st.sandboxes, st.nr_sandboxes);
done:
	engine_close(&e);
	config_release(&cfg);
	strbuf_release(&err);
	return rc;
}

#define STATUS_HELP \
	"Lists each resource of the project, declared or recorded by an earlier apply, with\n" \
	"its live state (a sandbox running or stopped, a model present and its size, a rule\n" \
	"active, a secret set, env written and when), whether apply would change it, and\n" \
	"when it was last applied. Declared resources that do not exist show as missing.\n" \
	"One round of observation, as diff makes: one listing per kind. Changes nothing.\n" \
	"-q lists only resources that are missing or that apply would change (nothing when\n" \
	"all is in sync). -o json prints the same, always every resource.\n"

#define STATUS_OPTIONS (OPT_FILE | OPT_OUTPUT | OPT_QUIET | OPT_ENGINE | OPT_REFRESH | OPT_OBSERVE)
#define STATUS_EXIT_CODES \
	(EXIT_BIT(EXIT_OK) | EXIT_BIT(EXIT_USAGE) | EXIT_BIT(EXIT_INVALID) | EXIT_BIT(EXIT_BACKEND) | \
	 EXIT_BIT(EXIT_STATE) | EXIT_BIT(EXIT_INTERRUPTED))

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.summary = "list the project's resources with their live state (alias: ps)",
	.usage = "sbxapply status [-f FILE] [-o text|json] [-q] [--runner URL] [--refresh] [--parallelism N]",
	.help = STATUS_HELP,
	.options = STATUS_OPTIONS,
	.exit_codes = STATUS_EXIT_CODES,
	.exec = status_exec,
};

/* ps: status under the name docker compose and docker model use for it */
const struct cmd_entry cmd_ps_entry = {
	.name = "ps",
	.summary = "the same as status",
	.usage = "sbxapply ps [-f FILE] [-o text|json] [-q] [--runner URL] [--refresh] [--parallelism N]",
	.help = STATUS_HELP,
	.options = STATUS_OPTIONS,
	.exit_codes = STATUS_EXIT_CODES,
	.exec = status_exec,
};
