/*
 * A sandbox's environment (the guide's step 4): the sbxapply block of
 * /etc/sandbox-persistent.sh (backends/sbx/sbx_env.h), one resource per sandbox with
 * one field per variable. Written whole on every change, so changed and
 * removed keys are handled; the user's own lines around it stay.
 *
 * The persistent file is used even where `sbx create -e` exists, because env
 * baked in at creation cannot be updated later (docs/backends.md §11).
 *
 * Reading the block back needs `sbx exec`, which starts a stopped sandbox
 * (without its MCP gateway, docs/backends.md §8). So a stopped sandbox is read only with
 * --refresh; without it the plan says its drift was not checked, unless the
 * file changed since the last apply (then the change is applied, compared
 * through the inventory's digests) or sbxapply never wrote the block.
 *
 * A running sandbox is not read either when the inventory vouches for its
 * block: sbxapply wrote it (the attribute is withdrawn before each write), or
 * an apply read it back as recorded or as the file declares it, on the very sandbox
 * `sbx ls` lists now (its id or creation time, the entry's "sandbox"
 * attribute). A sandbox re-made under the name, an inventory from before
 * the attribute, or --refresh: read. So a no-op run is one round of calls;
 * what it cannot see is an edit made inside the sandbox to the block itself
 * (--refresh finds it), and the plan says which blocks it did not read.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/scheduler.h"
#include "kinds/kinds.h"
#include "kinds/kinds_sbx.h"
#include "backends/sbx/sbx_env.h"
#include "util/xalloc.h"

static void env_desired(const struct config *cfg, struct resource_set *out)
{
	for (size_t i = 0; i < cfg->nr_sandboxes; i++) {
		const struct cfg_sandbox *s = &cfg->sandboxes[i];
		if (!s->nr_env)
			continue;
		struct resource *r = resource_new(&kind_env, s->name, NULL);
		for (size_t k = 0; k < s->nr_env; k++)
			resource_set_field(r, s->env[k].key, s->env[k].value.text, s->env[k].value.sensitive);
		resource_add_dep(r, &kind_sandbox, s->name);
		r->line = s->mark.line;
		resource_set_add(out, r);
	}
}

/* A variable's sensitivity as the file declares it; unknown ones are treated as secret. */
static bool key_sensitive(const struct cfg_sandbox *decl, const char *key)
{
	for (size_t k = 0; decl && k < decl->nr_env; k++)
		if (!strcmp(decl->env[k].key, key))
			return decl->env[k].value.sensitive;
	return true;
}

/* `sbx exec NAME env -u BASH_ENV bash -c SCRIPT sbxapply MODE FILE ...` (the script: sbx_env.h) */
static void script_args(const char **args, size_t *n, const char *name, bool input, const char *mode)
{
	args[(*n)++] = "exec";
	if (input)
		args[(*n)++] = "-i";
	args[(*n)++] = name;
	args[(*n)++] = "env";
	args[(*n)++] = "-u";
	args[(*n)++] = "BASH_ENV";
	args[(*n)++] = "bash";
	args[(*n)++] = "-c";
	args[(*n)++] = sbx_env_script;
	args[(*n)++] = "sbxapply";
	args[(*n)++] = mode;
	args[(*n)++] = SBX_ENV_FILE;
}

/* Reads sbxapply's block into r; *present is false when the file holds none (nothing was written there yet). */
static int read_block(struct engine *e, struct sbx_client *c, const char *name, struct resource *r, bool *present,
		      struct strbuf *err)
{
	const char *args[16];
	size_t n = 0;
	script_args(args, &n, name, false, "read");
	args[n] = NULL;
	struct spawn_result res = SPAWN_RESULT_INIT;
	struct strbuf why = STRBUF_INIT;
	int rc = sbx_call(c, args, NULL, 0, &res, &why);
	if (rc < 0) {
		strbuf_addf(err, "cannot read the env of sandbox %s: %s", name, why.buf);
	} else {
		struct sbx_env_var *vars;
		size_t nr, malformed;
		*present = sbx_env_parse_block(res.out.buf, res.out.len, &vars, &nr, &malformed) == 1;
		const struct cfg_sandbox *decl = config_find_sandbox(e->cfg, name);
		for (size_t i = 0; i < nr; i++)
			resource_set_field(r, vars[i].key, vars[i].value, key_sensitive(decl, vars[i].key));
		/* a declared key the block lacks is read as absent, not as unobservable */
		for (size_t k = 0; decl && k < decl->nr_env; k++)
			if (!resource_field(r, decl->env[k].key))
				resource_set_field(r, decl->env[k].key, NULL, decl->env[k].value.sensitive);
		if (malformed)
			/* edited by hand inside the block: a live field the file lacks, so the block is rewritten */
			resource_set_field(r, "(lines not written by sbxapply)", "present", false);
		sbx_env_vars_free(vars, nr);
	}
	/* the output held the values: clear it before it is freed */
	explicit_bzero(res.out.buf, res.out.len);
	spawn_result_release(&res);
	strbuf_release(&why);
	return rc;
}

/* Whether identity is one no other sandbox of the name has: an id or a creation time, not a workspace. */
static bool tells_apart(const char *identity)
{
	return identity && (!strncmp(identity, "id:", 3) || !strncmp(identity, "created:", 8));
}

/* The sandbox's identity when it tells_apart(), else NULL. */
static char *strong_identity(const struct sbx_sandbox *s)
{
	char *id = kinds_sbx_identity(s);
	if (id && !tells_apart(id)) {
		free(id);
		id = NULL;
	}
	return id;
}

/* Whether the inventory's entry says sbxapply wrote or read s's block, on s itself. */
static bool vouched_by_inventory(const struct engine *e, const struct sbx_sandbox *s)
{
	const struct inv_entry *last = inventory_find(&e->inventory, kind_env.name, s->name);
	const char *on = last ? inv_entry_attr(last, "sandbox") : NULL;
	char *now = strong_identity(s);
	bool same = on && now && !strcmp(on, now);
	free(now);
	return same;
}

/*
 * A stopped sandbox without --refresh: NULL when its env must be read or
 * written anyway, else a resource that carries the file's changes since the
 * last apply (values left absent, compared through digests) or, with none,
 * says that drift was not checked.
 */
static struct resource *unread(struct engine *e, const struct sbx_sandbox *s)
{
	const struct inv_entry *last = inventory_find(&e->inventory, kind_env.name, s->name);
	const struct cfg_sandbox *decl = config_find_sandbox(e->cfg, s->name);
	if (!last || !decl || !decl->nr_env)
		return NULL; /* never written (or no longer declared): nothing to trust */
	struct resource *r = resource_new(&kind_env, s->name, NULL);
	bool changed = false;
	for (size_t k = 0; k < decl->nr_env; k++) {
		char digest[65];
		inventory_field_digest(&e->inventory, decl->env[k].key, decl->env[k].value.text, digest);
		const char *recorded = inv_entry_digest(last, decl->env[k].key);
		changed |= !recorded || strcmp(recorded, digest);
	}
	for (size_t f = 0; f < last->nr_fields; f++) {
		bool declared = false;
		for (size_t k = 0; k < decl->nr_env && !declared; k++)
			declared = !strcmp(decl->env[k].key, last->fields[f].name);
		if (!declared) {
			/* removed from the file: its live value cannot be shown without reading it */
			resource_set_field(r, last->fields[f].name, "(not read: sandbox stopped)", true);
			changed = true;
		}
	}
	if (!changed)
		r->unknown = xstrdup("the sandbox is stopped and reading its env would start it; --refresh reads it");
	return r;
}

/*
 * A running sandbox whose block the inventory vouches for: a resource that
 * says so when the file declares what was recorded, else NULL (the file
 * changed it since: it is read, to show the old values before the write).
 */
static struct resource *vouched(struct engine *e, const struct sbx_sandbox *s)
{
	struct resource *r = unread(e, s);
	if (!r || !r->unknown) {
		resource_free(r);
		return NULL;
	}
	free(r->unknown);
	r->unknown = NULL;
	r->vouched = xstrdup("the inventory vouches for each, as sbxapply last wrote or read it on the sandbox listed now");
	return r;
}

/* Whether the block read into r is exactly what the inventory recorded (every field's digest, no more). */
static bool read_as_recorded(const struct engine *e, const struct resource *r)
{
	const struct inv_entry *last = inventory_find(&e->inventory, kind_env.name, r->name);
	if (!last || last->nr_fields != r->nr_fields)
		return false;
	for (size_t i = 0; i < r->nr_fields; i++) {
		char digest[65];
		const char *recorded = inv_entry_digest(last, r->fields[i].name);
		if (!r->fields[i].value || !recorded)
			return false;
		inventory_field_digest(&e->inventory, r->fields[i].name, r->fields[i].value, digest);
		if (strcmp(recorded, digest))
			return false;
	}
	return true;
}

/* Whether r holds exactly want's fields and values (the block is what the file declares). */
static bool read_as_desired(const struct resource *r, const struct resource *want)
{
	if (!want || want->nr_fields != r->nr_fields)
		return false;
	for (size_t i = 0; i < want->nr_fields; i++) {
		const struct res_field *live = resource_field(r, want->fields[i].name);
		if (!live || !live->value || !want->fields[i].value || strcmp(live->value, want->fields[i].value))
			return false;
	}
	return true;
}

/* The env reads of one observation, run in parallel (one `sbx exec` each). */
struct env_reads {
	struct engine *e;
	struct sbx_client *c;
	const char **names;
	char **identity; /* strong_identity() of each, or NULL */
	struct resource **out;
	bool *present;
};

static int read_one(void *ctx, size_t i, struct strbuf *err)
{
	struct env_reads *r = ctx;
	if (engine_cancelled(r->e)) {
		strbuf_addstr(err, "interrupted");
		return -1;
	}
	return read_block(r->e, r->c, r->names[i], r->out[i], &r->present[i], err);
}

static int env_observe(struct engine *e, struct resource_set *out, struct strbuf *err)
{
	struct sbx_sandbox *list;
	size_t nr;
	struct sbx_client *c = kinds_sbx_client(e, err);
	if (!c || sbx_sandboxes(c, &list, &nr, err) < 0)
		return -1;
	/* each running sandbox with env is read once, up to --parallelism (32 unless given) at a time, once `sbx ls` answered */
	struct env_reads reads = { .e = e,
				   .c = c,
				   .names = xcalloc(nr + 1, sizeof(*reads.names)),
				   .identity = xcalloc(nr + 1, sizeof(*reads.identity)),
				   .out = xcalloc(nr + 1, sizeof(*reads.out)),
				   .present = xcalloc(nr + 1, sizeof(*reads.present)) };
	size_t nr_reads = 0;
	for (size_t i = 0; i < nr; i++) {
		const struct sbx_sandbox *s = &list[i];
		bool declared = config_find_sandbox(e->cfg, s->name) != NULL;
		bool recorded = inventory_find(&e->inventory, kind_env.name, s->name) != NULL;
		if (!declared && !recorded && !e->opts.observe_all)
			continue; /* not ours: never exec'd into (init --from-host reads them all) */
		if (resource_set_find(out, &kind_env, s->name))
			continue; /* a name listed twice is taken once (read ones: `seen` below) */
		bool running = s->status && !strcmp(s->status, "running");
		if (!running && !e->opts.refresh) {
			struct resource *r = unread(e, s);
			if (r)
				resource_set_add(out, r);
			continue;
		}
		struct resource *v = !e->opts.refresh && !e->opts.observe_all && vouched_by_inventory(e, s)
					     ? vouched(e, s)
					     : NULL;
		if (v) {
			resource_set_add(out, v);
			continue;
		}
		bool seen = false; /* a name listed twice is still read once */
		for (size_t k = 0; k < nr_reads && !seen; k++)
			seen = !strcmp(reads.names[k], s->name);
		if (seen)
			continue;
		reads.names[nr_reads] = s->name;
		reads.identity[nr_reads] = strong_identity(s);
		reads.out[nr_reads++] = resource_new(&kind_env, s->name, NULL);
	}
	int rc = 0;
	if (nr_reads) {
		struct task *tasks = xcalloc(nr_reads, sizeof(*tasks));
		scheduler_run(tasks, nr_reads, e->read_parallelism, read_one, &reads, &e->stop);
		for (size_t i = 0; i < nr_reads; i++) {
			if (rc == 0 && tasks[i].state != TASK_DONE) {
				rc = -1;
				strbuf_addstr(err, tasks[i].error.len ? tasks[i].error.buf : "interrupted");
			}
			strbuf_release(&tasks[i].error);
			/*
			 * read back as recorded, on a sandbox told apart by its id: an apply lets the next run
			 * trust it; read back as the file declares it, though recorded otherwise (the file
			 * changed to what was there), the record is brought up to date first
			 */
			const struct resource *want = resource_set_find(&e->desired, &kind_env, reads.names[i]);
			bool recorded = rc == 0 && reads.present[i] && read_as_recorded(e, reads.out[i]);
			bool as_desired = rc == 0 && reads.present[i] && !recorded && read_as_desired(reads.out[i], want);
			if (as_desired && reads.identity[i])
				engine_confirm_record(e, want);
			if ((recorded || as_desired) && reads.identity[i])
				engine_confirm_attr(e, kind_env.name, reads.names[i], "sandbox", reads.identity[i]);
			/* no block at all: absent, so writing one is a creation this project owns */
			if (rc == 0 && reads.present[i])
				resource_set_add(out, reads.out[i]);
			else
				resource_free(reads.out[i]);
			free(reads.identity[i]);
		}
		free(tasks);
	}
	free(reads.names);
	free(reads.identity);
	free(reads.out);
	free(reads.present);
	sbx_sandboxes_free(list, nr);
	return rc;
}

/* The sandbox this run finds under name, told apart by its id, and neither created nor replaced by the run; else NULL. */
static const char *listed_sandbox(const struct engine *e, const char *name)
{
	for (size_t i = 0; i < e->plan.nr; i++) {
		const struct action *a = &e->plan.actions[i];
		if (a->kind == &kind_sandbox && !strcmp(a->name, name) &&
		    (a->type == ACTION_CREATE || a->type == ACTION_REPLACE))
			return NULL; /* its identity is listed after the run: kinds_env_sandbox_made() */
	}
	const struct resource *o = resource_set_find(&e->observed, &kind_sandbox, name);
	const char *id = o ? o->identity : NULL;
	return tells_apart(id) ? id : NULL;
}

void kinds_env_sandbox_made(struct engine *e, const char *name, const char *identity)
{
	for (size_t i = 0; i < e->plan.nr; i++) {
		const struct action *a = &e->plan.actions[i];
		if (a->kind == &kind_env && !strcmp(a->name, name) && a->type != ACTION_DELETE &&
		    e->tasks[i].state == TASK_DONE && tells_apart(identity))
			engine_set_attr(e, a, "sandbox", identity);
	}
}

static void env_refine(const struct plan_context *pc, struct action *a)
{
	kinds_sbx_redo_on_replace(pc, a, a->name, "its /etc goes");
}

static int env_apply(struct engine *e, const struct action *a, struct strbuf *err)
{
	struct sbx_client *c = kinds_sbx_client(e, err);
	if (!c)
		return -1;
	const struct resource *d = a->type == ACTION_DELETE ? NULL : a->desired;
	size_t nf = d ? d->nr_fields : 0;
	const char **args = xcalloc(nf + 20, sizeof(*args));
	char **lines = xcalloc(nf + 1, sizeof(*lines));
	struct strbuf in = STRBUF_INIT;
	size_t n = 0;
	bool input = false;
	for (size_t i = 0; i < nf; i++)
		input |= d->fields[i].sensitive;
	script_args(args, &n, a->name, input, "write");
	int rc = 0;
	for (size_t i = 0; i < nf; i++) {
		const struct res_field *f = &d->fields[i];
		lines[i] = sbx_env_line(f->name, f->value ? f->value : "");
		if (!lines[i]) {
			/* validation rejects these; this is the last line of defence */
			strbuf_addf(err, "env %s of sandbox %s cannot be written: bad name, or a line break in the value",
				    f->name, a->name);
			rc = -1;
			break;
		}
		if (f->sensitive) {
			/* on stdin, NUL-terminated: never in argv */
			strbuf_add(&in, lines[i], strlen(lines[i]) + 1);
			args[n++] = "-";
		} else {
			args[n++] = lines[i];
		}
	}
	args[n] = NULL;
	struct spawn_result res = SPAWN_RESULT_INIT;
	/* a write stopped halfway may have changed the block: no run may trust the old record until this one ends */
	if (rc == 0)
		rc = engine_withdraw_attr(e, a, "sandbox", err);
	if (rc == 0)
		rc = sbx_call(c, args, in.buf, in.len, &res, err);
	if (rc < 0 && a->type == ACTION_DELETE && sbx_no_such_sandbox(&res)) {
		strbuf_reset(err); /* the sandbox went first, and its /etc with it */
		rc = 0;
	}
	if (rc == 0 && a->type != ACTION_DELETE) {
		/* what the next run's vouching compares with the listing; "" trusts nothing */
		const char *on = listed_sandbox(e, a->name);
		engine_set_attr(e, a, "sandbox", on ? on : "");
	}
	spawn_result_release(&res);
	explicit_bzero(in.buf, in.len);
	strbuf_release(&in);
	for (size_t i = 0; i < nf; i++) {
		if (lines[i])
			explicit_bzero(lines[i], strlen(lines[i]));
		free(lines[i]);
	}
	free(lines);
	free(args);
	return rc;
}

const struct kind kind_env = {
	.name = "env",
	.part_of = &kind_sandbox,
	.backend_of = kinds_sbx_backend_of,
	.noun = "env of sandbox",
	.updatable = true,
	.desired = env_desired,
	.observe = env_observe,
	.refine = env_refine,
	.apply = env_apply,
};
