#include "plan.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

const char *action_type_name(enum action_type type)
{
	static const char *const names[] = { "no-op", "create", "update", "replace", "delete" };
	return names[type];
}

const char *change_origin_name(enum change_origin origin)
{
	static const char *const names[] = { "new", "file", "drift", "prune" };
	return names[origin];
}

void plan_add_note(struct plan *plan, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	XGROW(plan->notes, plan->alloc_notes, plan->nr_notes + 1);
	plan->notes[plan->nr_notes++] = xvasprintf(fmt, ap);
	va_end(ap);
}

static void free_action(struct action *a)
{
	free(a->name);
	free(a->display);
	free(a->reason);
	free(a->blocked);
	for (size_t j = 0; j < a->nr_changes; j++) {
		free(a->changes[j].name);
		free(a->changes[j].before);
		free(a->changes[j].after);
	}
	free(a->changes);
	free(a->deps);
}

static struct action *new_action(struct plan *plan, enum action_type type, const struct resource *d,
				 const struct resource *o)
{
	const struct resource *r = d ? d : o;
	XGROW(plan->actions, plan->alloc, plan->nr + 1);
	struct action *a = &plan->actions[plan->nr++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	a->kind = r->kind;
	a->name = xstrdup(r->name);
	a->display = xstrdup(r->display);
	a->desired = d;
	a->observed = o;
	return a;
}

void action_add_change(struct action *a, const char *name, const char *before, const char *after, bool sensitive)
{
	XGROW(a->changes, a->alloc_changes, a->nr_changes + 1);
	struct field_change *c = &a->changes[a->nr_changes++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	c->before = before ? xstrdup(before) : NULL;
	c->after = after ? xstrdup(after) : NULL;
	c->sensitive = sensitive;
	for (const char *const *f = a->kind->force_new; f && *f; f++)
		if (!strcmp(*f, name))
			c->forces_replacement = true;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/*
 * Compares one desired resource with what is live. Returns the number of
 * changed fields; sets *drift when every change returns to what was last applied.
 */
static size_t compare(const struct plan_context *pc, struct action *a, const struct resource *d,
		      const struct resource *o, const struct inv_entry *last, bool *drift)
{
	size_t changed = 0, file_changes = 0;
	for (size_t i = 0; i < d->nr_fields; i++) {
		const struct res_field *want = &d->fields[i];
		const struct res_field *live = resource_field(o, want->name);
		const char *recorded = inv_entry_digest(last, want->name);
		char want_digest[65];
		inventory_field_digest(pc->inventory, want->name, want->value, want_digest);
		bool file_unchanged = recorded && !strcmp(recorded, want_digest);
		if (live) {
			if (same(live->value, want->value))
				continue;
			action_add_change(a, want->name, live->value, want->value, want->sensitive || live->sensitive);
		} else {
			/* not observable (a secret's value): the recorded digest is all there is */
			if (file_unchanged)
				continue;
			action_add_change(a, want->name, NULL, want->value, want->sensitive);
			a->changes[a->nr_changes - 1].unobservable = true;
		}
		changed++;
		if (!file_unchanged)
			file_changes++;
	}
	/* a live field the file no longer sets (e.g. an env key removed) */
	for (size_t i = 0; o && i < o->nr_fields; i++) {
		const struct res_field *live = &o->fields[i];
		if (resource_field(d, live->name) || !live->value)
			continue;
		action_add_change(a, live->name, live->value, NULL, live->sensitive);
		changed++;
		if (!inv_entry_digest(last, live->name))
			file_changes++;
	}
	*drift = changed && !file_changes && last;
	return changed;
}

static bool forces_replacement(const struct action *a)
{
	for (size_t i = 0; i < a->nr_changes; i++)
		if (a->changes[i].forces_replacement)
			return true;
	return false;
}

static void changed_field_list(const struct action *a, struct strbuf *sb)
{
	for (size_t i = 0; i < a->nr_changes; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", a->changes[i].name);
}

/*
 * The inventory entry of this run's world: one recorded on another instance
 * of the backend (another sbx binary, another runner) is someone else's.
 */
static const struct inv_entry *own_entry(const struct plan_context *pc, const struct kind *k, const char *name)
{
	const struct inv_entry *last = inventory_find(pc->inventory, k->name, name);
	const char *was = inv_entry_attr(last, "backend");
	const char *now = pc->options->backend_of ? pc->options->backend_of(k, pc->options->backend_ctx) : NULL;
	return was && now && strcmp(was, now) ? NULL : last;
}

/* Same name, another identity: this project made one, and what is there now was made elsewhere. */
static bool made_elsewhere(const struct inv_entry *last, const struct resource *o)
{
	const char *ours = inv_entry_attr(last, "identity");
	return last && last->origin == INV_CREATED && ours && o && o->identity && strcmp(ours, o->identity);
}

static void plan_foreign(struct plan *plan, const struct plan_context *pc, const struct resource *d,
			 const struct resource *o, const struct inv_entry *last)
{
	struct action *a = new_action(plan, ACTION_NOOP, d, o);
	a->adopt = a->takeover = true;
	a->reason = xasprintf("made elsewhere: this project created %s %s as %s, and what is there now is %s",
			      d->kind->noun, d->display, inv_entry_attr(last, "identity"), o->identity);
	if (!pc->options->adopt)
		a->blocked = xasprintf("not ours, so never changed, replaced or deleted: --adopt takes it over as found, "
				       "or remove it by hand and apply again");
}

static void plan_desired_one(struct plan *plan, const struct plan_context *pc, const struct resource *d);

/*
 * Another project declares this shared resource with other settings: the
 * two would undo each other on every apply. Said in the plan; the change is
 * held back unless --force-shared.
 */
static void check_shared(struct plan *plan, const struct plan_context *pc, const struct resource *d, struct action *a)
{
	if (!d->kind->shared || !pc->options->shared_settings)
		return;
	char *id = resource_id(d);
	const char *other = strmap_get(pc->options->shared_settings, id);
	free(id);
	const char *tab = other ? strchr(other, '\t') : NULL;
	char *mine = resource_settings(d);
	if (tab && strcmp(tab + 1, mine)) {
		int plen = (int)(tab - other);
		if (a && !a->blocked && !pc->options->force_shared)
			a->blocked = xasprintf("project %.*s declares %s %s with %s, and this file with %s: the two would undo "
					       "each other on every apply; agree on one, or --force-shared applies this file's",
					       plen, other, d->kind->noun, d->display, tab + 1, mine);
		else if (!a)
			plan_add_note(plan, "project %.*s declares %s %s with %s, this file with %s: its next apply would "
					    "change it back",
				      plen, other, d->kind->noun, d->display, tab + 1, mine);
	}
	free(mine);
}

static void plan_desired(struct plan *plan, const struct plan_context *pc, const struct resource *d)
{
	size_t before = plan->nr;
	plan_desired_one(plan, pc, d);
	check_shared(plan, pc, d, plan->nr > before ? &plan->actions[plan->nr - 1] : NULL);
}

/* Whether the kind's refine() turns in-sync d into an action (then left in the plan). */
static bool refined_into_action(struct plan *plan, const struct plan_context *pc, const struct resource *d,
				const struct resource *o)
{
	if (!d->kind->refine)
		return false;
	struct action *a = new_action(plan, ACTION_NOOP, d, o);
	a->reason = xstrdup("in sync");
	a->refined = true;
	d->kind->refine(pc, a);
	if (a->type != ACTION_NOOP)
		return true;
	free_action(a);
	plan->nr--;
	return false;
}

static void plan_desired_one(struct plan *plan, const struct plan_context *pc, const struct resource *d)
{
	const struct resource *o = resource_set_find(pc->observed, d->kind, d->name);
	const struct inv_entry *last = own_entry(pc, d->kind, d->name);
	if (o && made_elsewhere(last, o) && !d->kind->name_is_identity) {
		plan_foreign(plan, pc, d, o, last);
		return;
	}
	if (!o) {
		struct action *a = new_action(plan, ACTION_CREATE, d, NULL);
		a->origin = ORIGIN_NEW;
		a->reason = xasprintf("not present");
		for (size_t i = 0; i < d->nr_fields; i++)
			if (d->fields[i].value)
				action_add_change(a, d->fields[i].name, NULL, d->fields[i].value, d->fields[i].sensitive);
		return;
	}
	if (o->unknown || o->vouched) {
		/* not read, so taken as in sync, unless the kind knows better (its sandbox is replaced) */
		if (refined_into_action(plan, pc, d, o))
			return;
		if (o->unknown)
			plan_add_note(plan, "%s %s: not checked: %s", d->kind->noun, d->display, o->unknown);
		else
			plan->not_read++;
		plan->in_sync++;
		return;
	}
	struct action probe = { .kind = d->kind };
	bool drift = false;
	size_t changed = compare(pc, &probe, d, o, last, &drift);
	struct action *a;
	if (!changed) {
		free(probe.changes);
		if (last) {
			/* in sync field by field; the kind may still know better (a re-pulled base) */
			if (!refined_into_action(plan, pc, d, o))
				plan->in_sync++;
			return;
		}
		a = new_action(plan, ACTION_NOOP, d, o);
		a->adopt = true;
		a->reason = xstrdup("already present: adopted, never deleted by sbxapply");
		return;
	}
	bool replace = forces_replacement(&probe) || !d->kind->updatable;
	a = new_action(plan, replace ? ACTION_REPLACE : ACTION_UPDATE, d, o);
	a->changes = probe.changes;
	a->nr_changes = probe.nr_changes;
	a->adopt = !last;
	a->origin = drift ? ORIGIN_DRIFT : ORIGIN_FILE;
	struct strbuf why = STRBUF_INIT;
	strbuf_addstr(&why, drift ? "changed outside sbxapply: " : "");
	changed_field_list(a, &why);
	strbuf_addstr(&why, drift ? " differ from what was last applied" : " differ");
	if (replace)
		strbuf_addstr(&why, d->kind->updatable ? "; cannot change in place" : "; this kind is only ever replaced");
	a->reason = strbuf_detach(&why, NULL);
}

static void plan_orphan(struct plan *plan, const struct plan_context *pc, const struct resource *o)
{
	const struct inv_entry *last = own_entry(pc, o->kind, o->name);
	if (!last)
		return; /* not ours: never touched */
	if (made_elsewhere(last, o)) {
		plan_add_note(plan, "%s %s was %s: this project created %s, it is %s now; left alone", o->kind->noun,
			      o->display, o->kind->name_is_identity ? "changed elsewhere" : "made elsewhere",
			      inv_entry_attr(last, "identity"), o->identity);
		return;
	}
	if (o->kind->part_of && resource_set_find(pc->desired, o->kind->part_of, o->name)) {
		/* the file still declares its parent and dropped it from there: an edit, not an orphan */
		struct action *a = new_action(plan, ACTION_DELETE, NULL, o);
		a->origin = ORIGIN_FILE;
		a->reason = xasprintf("no longer declared in %s %s", o->kind->part_of->noun, o->display);
		return;
	}
	if (last->origin == INV_ADOPTED) {
		if (pc->options->prune)
			plan_add_note(plan, "%s %s is not declared, but sbxapply found it rather than created it: kept",
				      o->kind->noun, o->display);
		return;
	}
	if (!pc->options->prune) {
		plan_add_note(plan, "%s %s is no longer in the file; --prune deletes it", o->kind->noun, o->display);
		return;
	}
	char *id = resource_id(o);
	bool shared = pc->options->used_elsewhere && strmap_get(pc->options->used_elsewhere, id);
	free(id);
	if (shared) {
		plan_add_note(plan, "%s %s is not declared, but another project uses it: kept", o->kind->noun,
			      o->display);
		return;
	}
	struct action *a = new_action(plan, ACTION_DELETE, NULL, o);
	a->origin = ORIGIN_PRUNE;
	a->reason = xstrdup("no longer in the file, created by this project");
}

static size_t find_action(const struct plan *plan, const char *id)
{
	for (size_t i = 0; i < plan->nr; i++) {
		const struct action *a = &plan->actions[i];
		size_t kl = strlen(a->kind->name);
		if (!strncmp(id, a->kind->name, kl) && id[kl] == '/' && !strcmp(id + kl + 1, a->name))
			return i;
	}
	return (size_t)-1;
}

static void add_dep(struct action *a, size_t dep)
{
	for (size_t i = 0; i < a->nr_deps; i++)
		if (a->deps[i] == dep)
			return;
	XGROW(a->deps, a->alloc_deps, a->nr_deps + 1);
	a->deps[a->nr_deps++] = dep;
}

/*
 * Creations and updates wait for what their resource needs; deletions run
 * after everything else and in reverse kind order, so a package goes before
 * the model it was made from.
 */
/* Whether b's desired resource names a among what it depends on (then a delete a goes before b). */
static bool names_dep(const struct action *b, const struct action *a)
{
	if (!b->desired)
		return false;
	char *id = xasprintf("%s/%s", a->kind->name, a->name);
	bool named = false;
	for (size_t k = 0; k < b->desired->nr_deps && !named; k++)
		named = !strcmp(b->desired->deps[k], id);
	free(id);
	return named;
}

static void link_dependencies(struct plan *plan, const struct kind *const *table)
{
	for (size_t i = 0; i < plan->nr; i++) {
		struct action *a = &plan->actions[i];
		if (a->type == ACTION_DELETE) {
			for (size_t j = 0; j < plan->nr; j++) {
				const struct action *b = &plan->actions[j];
				/* deletes wait for the rest, except what waits for this delete (a rule moved to deny) */
				if (b->type != ACTION_DELETE && b->type != ACTION_NOOP && !names_dep(b, a))
					add_dep(a, j);
				else if (b->type == ACTION_DELETE && j != i && b->kind != a->kind) {
					/* the later a kind is listed, the more it depends on earlier ones */
					size_t ka = 0, kb = 0;
					for (size_t k = 0; table[k]; k++) {
						if (table[k] == a->kind)
							ka = k;
						if (table[k] == b->kind)
							kb = k;
					}
					if (kb > ka)
						add_dep(a, j);
				}
			}
			continue;
		}
		const struct resource *d = a->desired;
		for (size_t k = 0; d && k < d->nr_deps; k++) {
			size_t j = find_action(plan, d->deps[k]);
			/* an adoption refused (made elsewhere) holds back what lives in it too */
			if (j != (size_t)-1 && j != i && (plan->actions[j].type != ACTION_NOOP || plan->actions[j].blocked))
				add_dep(a, j);
		}
	}
}

/*
 * What loses something: a deletion, or the replacement of what holds the
 * user's work (a package rebuilt from its base loses nothing, nor does
 * removing what sbxapply wrote into a sandbox from the file).
 */
static bool destructive(const struct action *a, bool user_data_only)
{
	if (a->blocked)
		return false;
	if (a->type == ACTION_REPLACE)
		return a->kind->holds_user_data;
	/* what lives in a parent holds only what the file put there (an env block): removing it loses nothing */
	return a->type == ACTION_DELETE && !a->kind->part_of && (!user_data_only || a->kind->holds_user_data);
}

size_t plan_count_destructive(const struct plan *plan, bool user_data_only)
{
	size_t n = 0;
	for (size_t i = 0; i < plan->nr; i++)
		n += destructive(&plan->actions[i], user_data_only);
	return n;
}

size_t plan_block_destructive(struct plan *plan, bool user_data_only, const char *reason)
{
	size_t n = 0;
	for (size_t i = 0; i < plan->nr; i++) {
		struct action *a = &plan->actions[i];
		if (!destructive(a, user_data_only))
			continue;
		a->blocked = xstrdup(reason);
		n++;
	}
	return n;
}

static void block_unsafe(struct plan *plan, const struct plan_options *opts)
{
	for (size_t i = 0; i < plan->nr; i++) {
		struct action *a = &plan->actions[i];
		if (!a->kind->holds_user_data || opts->allow_replace)
			continue;
		if (a->type == ACTION_REPLACE)
			a->blocked = xasprintf("replacing %s %s would lose what is inside it; rerun with --allow-replace",
					       a->kind->noun, a->display);
		else if (a->type == ACTION_DELETE)
			a->blocked = xasprintf("deleting %s %s would lose what is inside it; rerun with --allow-replace",
					       a->kind->noun, a->display);
	}
}

/* What was taken from the inventory instead of read: said once per kind, with the names when few. */
static void note_vouched(struct plan *plan, const struct plan_context *pc, const struct kind *k)
{
	struct strbuf names = STRBUF_INIT;
	size_t n = 0;
	const char *why = NULL;
	for (size_t i = 0; i < pc->desired->nr; i++) {
		const struct resource *d = pc->desired->items[i];
		const struct resource *o = d->kind == k ? resource_set_find(pc->observed, k, d->name) : NULL;
		bool acted = false; /* refine() made it an action: then it is not left unread */
		for (size_t a = 0; o && o->vouched && a < plan->nr && !acted; a++)
			acted = plan->actions[a].desired == d;
		if (!o || !o->vouched || acted)
			continue;
		why = o->vouched;
		if (n++ < 5)
			strbuf_addf(&names, "%s%s", n > 1 ? ", " : "", d->display);
	}
	if (n > 5)
		strbuf_addf(&names, " and %zu more", n - 5);
	if (n)
		plan_add_note(plan, "%s %s: not read: %s; --refresh reads %s", k->noun, names.buf, why,
			      n == 1 ? "it" : "them");
	strbuf_release(&names);
}

/* Entries recorded on another instance of their backend: said once, and left alone. */
static void note_other_backends(struct plan *plan, const struct plan_context *pc)
{
	size_t n = 0;
	const char *was = NULL, *now = NULL;
	for (size_t i = 0; pc->options->backend_of && i < pc->inventory->nr; i++) {
		const struct inv_entry *en = &pc->inventory->entries[i];
		const struct kind *k = kind_find(pc->options->kinds, en->kind);
		const char *w = inv_entry_attr(en, "backend");
		const char *c = k ? pc->options->backend_of(k, pc->options->backend_ctx) : NULL;
		if (w && c && strcmp(w, c)) {
			n++;
			was = w;
			now = c;
		}
	}
	if (n)
		plan_add_note(plan, "%zu %s of this project %s recorded on %s, not on %s in use now: left alone",
			      n, n == 1 ? "resource" : "resources", n == 1 ? "was" : "were", was, now);
}

void plan_build(struct plan *plan, const struct resource_set *desired, const struct resource_set *observed,
		const struct inventory *inventory, const struct plan_options *options)
{
	struct plan_context pc = { desired, observed, inventory, options };
	const struct kind *const *kind_table = options->kinds;
	memset(plan, 0, sizeof(*plan));
	for (size_t k = 0; kind_table[k]; k++) {
		for (size_t i = 0; i < desired->nr; i++)
			if (desired->items[i]->kind == kind_table[k])
				plan_desired(plan, &pc, desired->items[i]);
		note_vouched(plan, &pc, kind_table[k]);
		for (size_t i = 0; i < observed->nr; i++) {
			const struct resource *o = observed->items[i];
			if (o->kind == kind_table[k] && !resource_set_find(desired, o->kind, o->name))
				plan_orphan(plan, &pc, o);
		}
	}
	for (size_t i = 0; i < plan->nr; i++)
		if (plan->actions[i].kind->refine && !plan->actions[i].refined) {
			plan->actions[i].refined = true;
			plan->actions[i].kind->refine(&pc, &plan->actions[i]);
		}
	link_dependencies(plan, kind_table);
	block_unsafe(plan, pc.options);
	note_other_backends(plan, &pc);
}

void plan_release(struct plan *plan)
{
	for (size_t i = 0; i < plan->nr; i++)
		free_action(&plan->actions[i]);
	free(plan->actions);
	for (size_t i = 0; i < plan->nr_notes; i++)
		free(plan->notes[i]);
	free(plan->notes);
	memset(plan, 0, sizeof(*plan));
}

size_t plan_count(const struct plan *plan, enum action_type type)
{
	size_t n = 0;
	for (size_t i = 0; i < plan->nr; i++)
		n += plan->actions[i].type == type;
	return n;
}

size_t plan_count_changes(const struct plan *plan)
{
	size_t n = 0;
	for (size_t i = 0; i < plan->nr; i++)
		n += plan->actions[i].type != ACTION_NOOP || plan->actions[i].blocked; /* a refused adoption is pending */
	return n;
}

size_t plan_count_blocked(const struct plan *plan)
{
	size_t n = 0;
	for (size_t i = 0; i < plan->nr; i++)
		n += plan->actions[i].blocked != NULL;
	return n;
}
