#include "plan_render.h"

#include <string.h>

#include "util/jsonw.h"

#define PLAN_FORMAT_VERSION "1"

static const char *symbol(enum action_type t)
{
	switch (t) {
	case ACTION_CREATE: return "+";
	case ACTION_UPDATE: return "~";
	case ACTION_REPLACE: return "-/+";
	case ACTION_DELETE: return "-";
	default: return "=";
	}
}

static const char *colour(enum action_type t)
{
	switch (t) {
	case ACTION_CREATE: return "\033[32m";
	case ACTION_UPDATE: return "\033[33m";
	case ACTION_REPLACE: return "\033[35m";
	case ACTION_DELETE: return "\033[31m";
	default: return "\033[36m";
	}
}

/* absent: what a missing value means here ("not set", "unknown: not read") */
static void add_value(struct strbuf *out, const char *v, bool sensitive, const struct render_options *o,
		      const char *absent)
{
	if (!v)
		strbuf_addstr(out, absent);
	else if (sensitive && !o->show_secrets)
		strbuf_addstr(out, "(sensitive)");
	else
		strbuf_add_json_string(out, v, strlen(v));
}

void plan_render_text(const struct plan *plan, const struct render_options *o, struct strbuf *out)
{
	const char *reset = o->color ? "\033[0m" : "", *dim = o->color ? "\033[2m" : "";
	size_t changes = plan_count_changes(plan);
	if (changes)
		strbuf_addf(out, "sbxapply will make these changes%s%s:\n\n", o->project ? " to project " : "",
			    o->project ? o->project : "");
	for (size_t i = 0; i < plan->nr; i++) {
		const struct action *a = &plan->actions[i];
		const char *c = o->color ? colour(a->type) : "";
		if (a->type == ACTION_NOOP) {
			strbuf_addf(out, "  %s= adopt %s %s%s\n      %s%s%s\n", c, a->kind->noun, a->display, reset, dim,
				    a->reason, reset);
			if (a->blocked)
				strbuf_addf(out, "      %sblocked: %s%s\n", o->color ? "\033[1;31m" : "", a->blocked, reset);
			continue;
		}
		strbuf_addf(out, "  %s%s %s %s %s%s%s\n", c, symbol(a->type), action_type_name(a->type), a->kind->noun,
			    a->display, a->origin == ORIGIN_DRIFT ? " (drift)" : "", reset);
		for (size_t j = 0; j < a->nr_changes; j++) {
			const struct field_change *ch = &a->changes[j];
			strbuf_addf(out, "      %s: ", ch->name);
			if (a->type == ACTION_CREATE) {
				add_value(out, ch->after, ch->sensitive, o, "not set");
			} else {
				add_value(out, ch->unobservable ? NULL : ch->before, ch->sensitive, o,
					  ch->unobservable ? "unknown: not read" : "not set");
				strbuf_addstr(out, " -> ");
				add_value(out, ch->after, ch->sensitive, o, "not set");
			}
			if (ch->unobservable)
				strbuf_addstr(out, "  (cannot be read back; changed in the file)");
			if (ch->forces_replacement && a->type == ACTION_REPLACE)
				strbuf_addstr(out, "  # forces replacement");
			strbuf_addch(out, '\n');
		}
		strbuf_addf(out, "      %s%s%s\n", dim, a->reason, reset);
		if (a->blocked)
			strbuf_addf(out, "      %sblocked: %s%s\n", o->color ? "\033[1;31m" : "", a->blocked, reset);
	}
	for (size_t i = 0; i < plan->nr_notes; i++)
		strbuf_addf(out, "%snote: %s\n", i == 0 && plan->nr ? "\n" : "", plan->notes[i]);
	if (!changes) {
		strbuf_addf(out, "%sNo changes: %zu %s in sync.\n", plan->nr_notes || plan->nr ? "\n" : "",
			    plan->in_sync + plan->nr, plan->in_sync + plan->nr == 1 ? "resource" : "resources");
		return;
	}
	strbuf_addf(out, "\nPlan: %zu to create, %zu to update, %zu to replace, %zu to delete",
		    plan_count(plan, ACTION_CREATE), plan_count(plan, ACTION_UPDATE), plan_count(plan, ACTION_REPLACE),
		    plan_count(plan, ACTION_DELETE));
	size_t blocked = plan_count_blocked(plan);
	if (blocked)
		strbuf_addf(out, "; %zu blocked", blocked);
	strbuf_addstr(out, ".\n");
}

static void json_value(struct jsonw *w, const char *key, const char *v, bool sensitive, const struct render_options *o)
{
	jsonw_key(w, key);
	if (!v)
		jsonw_null(w);
	else if (sensitive && !o->show_secrets)
		jsonw_string(w, "(sensitive)");
	else
		jsonw_string(w, v);
}

void plan_render_json(const struct plan *plan, const struct render_options *o, struct strbuf *out)
{
	struct jsonw w;
	jsonw_init(&w, out, true);
	jsonw_begin_object(&w);
	jsonw_kv_string(&w, "format_version", PLAN_FORMAT_VERSION);
	if (o->project)
		jsonw_kv_string(&w, "project", o->project);
	jsonw_kv_bool(&w, "changes_pending", plan_count_changes(plan) > 0);
	jsonw_key(&w, "summary");
	jsonw_begin_object(&w);
	jsonw_kv_int(&w, "create", (long long)plan_count(plan, ACTION_CREATE));
	jsonw_kv_int(&w, "update", (long long)plan_count(plan, ACTION_UPDATE));
	jsonw_kv_int(&w, "replace", (long long)plan_count(plan, ACTION_REPLACE));
	jsonw_kv_int(&w, "delete", (long long)plan_count(plan, ACTION_DELETE));
	jsonw_kv_int(&w, "adopt", (long long)plan_count(plan, ACTION_NOOP));
	jsonw_kv_int(&w, "blocked", (long long)plan_count_blocked(plan));
	jsonw_kv_int(&w, "in_sync", (long long)plan->in_sync);
	jsonw_kv_int(&w, "not_read", (long long)plan->not_read);
	jsonw_end_object(&w);
	jsonw_key(&w, "actions");
	jsonw_begin_array(&w);
	for (size_t i = 0; i < plan->nr; i++) {
		const struct action *a = &plan->actions[i];
		struct strbuf id = STRBUF_INIT;
		strbuf_addf(&id, "%s/%s", a->kind->name, a->name);
		jsonw_begin_object(&w);
		jsonw_kv_string(&w, "id", id.buf);
		strbuf_release(&id);
		jsonw_kv_string(&w, "kind", a->kind->name);
		jsonw_kv_string(&w, "name", a->name);
		jsonw_kv_string(&w, "display", a->display);
		jsonw_kv_string(&w, "action", a->type == ACTION_NOOP ? "adopt" : action_type_name(a->type));
		jsonw_kv_string(&w, "origin", change_origin_name(a->origin));
		jsonw_kv_string(&w, "reason", a->reason);
		jsonw_kv_bool(&w, "adopt", a->adopt);
		jsonw_kv_string_or_null(&w, "blocked", a->blocked);
		jsonw_key(&w, "depends_on");
		jsonw_begin_array(&w);
		for (size_t j = 0; j < a->nr_deps; j++) {
			const struct action *d = &plan->actions[a->deps[j]];
			struct strbuf dep = STRBUF_INIT;
			strbuf_addf(&dep, "%s/%s", d->kind->name, d->name);
			jsonw_string(&w, dep.buf);
			strbuf_release(&dep);
		}
		jsonw_end_array(&w);
		jsonw_key(&w, "changes");
		jsonw_begin_array(&w);
		for (size_t j = 0; j < a->nr_changes; j++) {
			const struct field_change *c = &a->changes[j];
			jsonw_begin_object(&w);
			jsonw_kv_string(&w, "field", c->name);
			json_value(&w, "before", c->unobservable ? NULL : c->before, c->sensitive, o);
			json_value(&w, "after", c->after, c->sensitive, o);
			jsonw_kv_bool(&w, "sensitive", c->sensitive);
			jsonw_kv_bool(&w, "forces_replacement", c->forces_replacement);
			jsonw_end_object(&w);
		}
		jsonw_end_array(&w);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_key(&w, "notes");
	jsonw_begin_array(&w);
	for (size_t i = 0; i < plan->nr_notes; i++)
		jsonw_string(&w, plan->notes[i]);
	jsonw_end_array(&w);
	jsonw_end_object(&w);
	strbuf_addch(out, '\n');
}
