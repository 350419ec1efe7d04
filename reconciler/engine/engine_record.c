/* The engine's side of the inventory: intents, records, attributes (engine_record.h). */
#include "engine/engine_record.h"

#include <stdlib.h>
#include <string.h>

#include "plan/kind.h"
#include "util/xalloc.h"

/* The backend instance kind k lives on now, or NULL (plan_options.backend_of). */
const char *engine_backend_where(const struct kind *k, void *ctx)
{
	const char *where = NULL, *info = NULL;
	if (k->backend_of)
		k->backend_of(ctx, &where, &info);
	return where;
}

/*
 * Write-ahead intents a killed run left (INV_CREATING), resolved from what is
 * observed now: present, the interrupted create made it, so it is this
 * project's (never "adopted"); absent, it never happened and is forgotten.
 * Returns how many were resolved.
 */
size_t engine_resolve_intents(struct engine *e)
{
	size_t n = 0;
	for (size_t i = e->inventory.nr; i-- > 0;) {
		struct inv_entry *en = &e->inventory.entries[i];
		const struct kind *k = kind_find(e->opts.registry->kinds, en->kind);
		if (en->origin != INV_CREATING || !k)
			continue;
		n++;
		const char *was = inv_entry_attr(en, "backend"), *now = engine_backend_where(k, e);
		if (was && now && strcmp(was, now))
			continue; /* recorded on another backend instance: not observed here */
		const struct resource *o = resource_set_find(&e->observed, k, en->name);
		if (o) {
			en->origin = INV_CREATED;
			if (o->identity)
				inv_entry_set_attr(en, "identity", o->identity);
			engine_log(e, "%s %s: made by an interrupted run of this project: recorded as created", k->noun,
				   o->display);
		} else {
			char *kind = xstrdup(en->kind), *name = xstrdup(en->name);
			inventory_forget(&e->inventory, kind, name);
			free(kind);
			free(name);
		}
	}
	return n;
}

static void push_attr(struct engine *e, struct engine_attr **list, size_t *nr, size_t *alloc, const char *kind,
		      const char *name, const char *key, const char *value)
{
	pthread_mutex_lock(&e->inventory_lock);
	XGROW(*list, *alloc, *nr + 1);
	(*list)[(*nr)++] = (struct engine_attr){ xstrdup(kind), xstrdup(name), xstrdup(key), xstrdup(value) };
	pthread_mutex_unlock(&e->inventory_lock);
}

/*
 * What this project created but has no identity for (a run killed or
 * interrupted before its listing after the run, kind_registry.identify):
 * the observed one, recorded by an apply (engine_confirm_attr), so a
 * resource re-made by hand later is still told apart.
 */
void engine_confirm_missing_identities(struct engine *e)
{
	for (size_t i = 0; i < e->inventory.nr; i++) {
		const struct inv_entry *en = &e->inventory.entries[i];
		const char *id = inv_entry_attr(en, "identity");
		const struct kind *k = kind_find(e->opts.registry->kinds, en->kind);
		if (en->origin != INV_CREATED || (id && *id) || !k)
			continue;
		const char *was = inv_entry_attr(en, "backend"), *now = engine_backend_where(k, e);
		if (was && now && strcmp(was, now))
			continue; /* recorded on another backend instance: not what is observed here */
		const struct resource *o = resource_set_find(&e->observed, k, en->name);
		if (o && o->identity)
			engine_confirm_attr(e, en->kind, en->name, "identity", o->identity);
	}
}

void engine_set_attr(struct engine *e, const struct action *a, const char *key, const char *value)
{
	push_attr(e, &e->attrs, &e->nr_attrs, &e->alloc_attrs, a->kind->name, a->name, key, value);
}

void engine_confirm_attr(struct engine *e, const char *kind, const char *name, const char *key, const char *value)
{
	push_attr(e, &e->confirms, &e->nr_confirms, &e->alloc_confirms, kind, name, key, value);
}

void engine_confirm_record(struct engine *e, const struct resource *desired)
{
	pthread_mutex_lock(&e->inventory_lock);
	XGROW(e->confirmed_records, e->alloc_confirmed_records, e->nr_confirmed_records + 1);
	e->confirmed_records[e->nr_confirmed_records++] = desired;
	pthread_mutex_unlock(&e->inventory_lock);
}

/* The inventory entry kind/name, to change (under inventory_lock), or NULL. */
static struct inv_entry *entry_of(struct engine *e, const char *kind, const char *name)
{
	const struct inv_entry *en = inventory_find(&e->inventory, kind, name);
	return en ? &e->inventory.entries[en - e->inventory.entries] : NULL;
}

/* Whether an action of e's plan is about kind/name. */
static bool plan_touches(const struct engine *e, const char *kind, const char *name)
{
	for (size_t k = 0; k < e->plan.nr; k++)
		if (!strcmp(e->plan.actions[k].kind->name, kind) && !strcmp(e->plan.actions[k].name, name))
			return true;
	return false;
}

bool engine_record_confirmed_locked(struct engine *e)
{
	bool changed = false;
	for (size_t i = 0; i < e->nr_confirmed_records; i++) {
		const struct resource *r = e->confirmed_records[i];
		const struct inv_entry *en = inventory_find(&e->inventory, r->kind->name, r->name);
		if (en && !plan_touches(e, r->kind->name, r->name)) {
			inventory_record(&e->inventory, r, en->origin); /* the fields' digests; origin and attributes stay */
			changed = true;
		}
	}
	for (size_t i = 0; i < e->nr_confirms; i++) {
		const struct engine_attr *c = &e->confirms[i];
		struct inv_entry *en = plan_touches(e, c->kind, c->name) ? NULL : entry_of(e, c->kind, c->name);
		const char *was = en ? inv_entry_attr(en, c->key) : NULL;
		if (en && (!was || strcmp(was, c->value))) {
			inv_entry_set_attr(en, c->key, c->value);
			changed = true;
		}
	}
	return changed;
}

static void free_attr_list(struct engine_attr **list, size_t *nr, size_t *alloc)
{
	for (size_t i = 0; i < *nr; i++) {
		free((*list)[i].kind);
		free((*list)[i].name);
		free((*list)[i].key);
		free((*list)[i].value);
	}
	free(*list);
	*list = NULL;
	*nr = *alloc = 0;
}

void engine_free_attrs(struct engine *e)
{
	free_attr_list(&e->attrs, &e->nr_attrs, &e->alloc_attrs);
	free_attr_list(&e->confirms, &e->nr_confirms, &e->alloc_confirms);
	free(e->confirmed_records);
	e->confirmed_records = NULL;
	e->nr_confirmed_records = e->alloc_confirmed_records = 0;
}

/*
 * Saves the inventory, holding inventory_lock. A failure stops the run: no
 * new action starts (what runs finishes), since what it would create could
 * not be recorded as this project's. A later good save has written
 * everything recorded so far.
 */
int engine_save_locked(struct engine *e)
{
	struct strbuf err = STRBUF_INIT;
	int rc = inventory_save(&e->inventory, &err);
	if (rc < 0) {
		if (!atomic_load(&e->state_failed))
			strbuf_addstr(&e->state_err, err.buf);
		atomic_store(&e->state_failed, true);
		atomic_store(&e->stop, true);
		engine_log(e, "error: %s: stopping before the next change", err.buf);
	} else {
		strbuf_reset(&e->unrecorded);
	}
	strbuf_release(&err);
	return rc;
}

/* The backend instance a's kind lives on, in en's attributes. */
static void set_backend_attrs(struct engine *e, const struct action *a, struct inv_entry *en)
{
	const char *where = NULL, *info = NULL;
	if (a->kind->backend_of)
		a->kind->backend_of(e, &where, &info);
	if (where)
		inv_entry_set_attr(en, "backend", where);
	if (info)
		inv_entry_set_attr(en, "backend_info", info);
}

/*
 * Write-ahead ownership: before a create starts, the inventory says this
 * project is making it (INV_CREATING, with the digests of what it asks for),
 * so a run killed during `sbx create` leaves the next one knowing the
 * sandbox is its own (resolve_intents()). No intent can be saved: the
 * action does not start.
 */
int engine_write_intent(struct engine *e, const struct action *a, struct strbuf *err)
{
	if (a->type != ACTION_CREATE || !a->desired)
		return 0;
	int rc = 0;
	pthread_mutex_lock(&e->inventory_lock);
	if (!inventory_find(&e->inventory, a->kind->name, a->name)) {
		struct inv_entry *en = inventory_record(&e->inventory, a->desired, INV_CREATING);
		set_backend_attrs(e, a, en);
		if (engine_save_locked(e) < 0) {
			inventory_forget(&e->inventory, a->kind->name, a->name);
			strbuf_addf(err, "not started: the inventory cannot be written: %s", e->state_err.buf);
			rc = -1;
		}
	}
	pthread_mutex_unlock(&e->inventory_lock);
	return rc;
}

int engine_withdraw_attr(struct engine *e, const struct action *a, const char *key, struct strbuf *err)
{
	int rc = 0;
	pthread_mutex_lock(&e->inventory_lock);
	struct inv_entry *en = entry_of(e, a->kind->name, a->name);
	const char *was = en ? inv_entry_attr(en, key) : NULL;
	if (was && *was) {
		char *old = xstrdup(was);
		inv_entry_set_attr(en, key, "");
		if (engine_save_locked(e) < 0) {
			inv_entry_set_attr(en, key, old);
			strbuf_addf(err, "not started: the inventory cannot be written: %s", e->state_err.buf);
			rc = -1;
		}
		free(old);
	}
	pthread_mutex_unlock(&e->inventory_lock);
	return rc;
}

static const char *verb_past(const struct action *a)
{
	switch (a->type) {
	case ACTION_CREATE: return "created";
	case ACTION_UPDATE: return "updated";
	case ACTION_REPLACE: return "replaced";
	case ACTION_DELETE: return "deleted";
	default: return "adopted";
	}
}

/* Records what an action did; saves at once, so a killed run loses nothing it finished. */
void engine_record(struct engine *e, const struct action *a)
{
	pthread_mutex_lock(&e->inventory_lock);
	if (a->type == ACTION_DELETE) {
		inventory_forget(&e->inventory, a->kind->name, a->name);
	} else if (a->desired) {
		struct inv_entry *en = inventory_record(&e->inventory, a->desired,
							a->type == ACTION_CREATE || (a->type == ACTION_REPLACE && !a->adopt)
								? INV_CREATED
								: INV_ADOPTED);
		if (a->takeover)
			en->origin = INV_ADOPTED; /* --adopt: found, so never deleted by this project */
		if (a->type == ACTION_NOOP && a->observed && a->observed->identity)
			inv_entry_set_attr(en, "identity", a->observed->identity);
		for (size_t i = 0; i < e->nr_attrs; i++)
			if (!strcmp(e->attrs[i].kind, a->kind->name) && !strcmp(e->attrs[i].name, a->name))
				inv_entry_set_attr(en, e->attrs[i].key, e->attrs[i].value);
		if (a->kind->shared) {
			char *settings = resource_settings(a->desired);
			inv_entry_set_attr(en, "settings", settings); /* for the other projects' plans */
			free(settings);
		}
		set_backend_attrs(e, a, en);
	}
	if (engine_save_locked(e) < 0) {
		if (a->type == ACTION_CREATE)
			strbuf_addf(&e->unrecorded, "  %s %s: created; the inventory holds only the intent to create it, "
						    "which the next run resolves\n",
				    a->kind->noun, a->display);
		else
			strbuf_addf(&e->unrecorded, "  %s %s: %s, not recorded\n", a->kind->noun, a->display, verb_past(a));
	}
	pthread_mutex_unlock(&e->inventory_lock);
}

/* Sets attributes made after their actions were recorded (from index `first` on) on the entries. */
void engine_record_late_attrs_locked(struct engine *e, size_t first)
{
	for (size_t i = first; i < e->nr_attrs; i++)
		for (size_t k = 0; k < e->inventory.nr; k++) {
			struct inv_entry *en = &e->inventory.entries[k];
			if (!strcmp(en->kind, e->attrs[i].kind) && !strcmp(en->name, e->attrs[i].name))
				inv_entry_set_attr(en, e->attrs[i].key, e->attrs[i].value);
		}
}

/* Forgets inventory entries of observed kinds whose resource is gone from everywhere. */
void engine_forget_vanished(struct engine *e)
{
	for (size_t i = e->inventory.nr; i-- > 0;) {
		const struct inv_entry *en = &e->inventory.entries[i];
		const struct kind *k = kind_find(e->opts.registry->kinds, en->kind);
		if (!k || !engine_kind_needed(e, k))
			continue;
		const char *was = inv_entry_attr(en, "backend"), *now = engine_backend_where(k, e);
		if (was && now && strcmp(was, now))
			continue; /* lives on another backend instance: not this run's to forget */
		if (!resource_set_find(&e->observed, k, en->name) && !resource_set_find(&e->desired, k, en->name)) {
			char *kind = xstrdup(en->kind), *name = xstrdup(en->name);
			inventory_forget(&e->inventory, kind, name);
			free(kind);
			free(name);
		}
	}
}
