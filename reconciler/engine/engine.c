#include "engine.h"
#include "engine_record.h"
#include "engine_slots.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "plan/kind.h"
#include "os/fileio.h"
#include "util/sha256.h"
#include "util/strutil.h"
#include "util/xalloc.h"

void engine_log(struct engine *e, const char *fmt, ...)
{
	if (!e->opts.log)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *line = xvasprintf(fmt, ap);
	va_end(ap);
	progress_log(&e->progress, line);
	free(line);
}

bool engine_cancelled(const struct engine *e)
{
	if (atomic_load(&e->stop))
		return true;
	if (e->opts.cancel_fd < 0)
		return false;
	struct pollfd p = { .fd = e->opts.cancel_fd, .events = POLLIN };
	return poll(&p, 1, 0) > 0;
}

/* Every resource another project's inventory holds: pruning must keep them. */
static void load_other_inventories(struct engine *e, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (!str_ends_with(de->d_name, ".json"))
			continue;
		char *project = xstrndup(de->d_name, strlen(de->d_name) - 5);
		if (strcmp(project, e->cfg->project)) {
			char *path = xasprintf("%s/%s", dir, de->d_name);
			struct inventory other;
			struct strbuf ignored = STRBUF_INIT;
			if (inventory_load(&other, path, project, &ignored) == 0)
				for (size_t i = 0; i < other.nr; i++) {
					char *id = xasprintf("%s/%s", other.entries[i].kind, other.entries[i].name);
					strmap_put(&e->used_elsewhere, id, (void *)1);
					const char *settings = inv_entry_attr(&other.entries[i], "settings");
					if (settings && !strmap_get(&e->shared_settings, id))
						strmap_put(&e->shared_settings, id, xasprintf("%s\t%s", project, settings));
					free(id);
				}
			inventory_release(&other);
			strbuf_release(&ignored);
			free(path);
		}
		free(project);
	}
	if (d)
		closedir(d);
}

static void on_pull_progress(void *ctx, const char *ref, long long done, long long total, int outcome)
{
	progress_pull(ctx, ref, done, total, outcome);
}

enum engine_status engine_open(struct engine *e, const struct config *cfg, const struct engine_options *opts,
			       struct strbuf *err)
{
	memset(e, 0, sizeof(*e));
	e->cfg = cfg;
	e->opts = *opts;
	/* reads are cheap and read-only: they fan out wider than changes unless told otherwise */
	e->read_parallelism = e->opts.parallelism > 0 ? e->opts.parallelism : 32;
	if (e->opts.parallelism <= 0)
		e->opts.parallelism = 4;
	pthread_mutex_init(&e->inventory_lock, NULL);
	strbuf_init(&e->state_err);
	strbuf_init(&e->unrecorded);
	e->lock.fd = -1;
	if (opts->log)
		progress_init(&e->progress, opts->progress_mode, opts->log);
	char *dir = inventory_dir(opts->state_dir);
	struct backend_env env = {
		.cfg = cfg,
		.state_dir = dir,
		.options = opts->backend_options,
		.cancel_fd = opts->cancel_fd,
		.http_calls = &e->http_calls,
		.process_calls = &e->process_calls,
		.pull_progress = opts->log ? on_pull_progress : NULL,
		.pull_progress_ctx = opts->log ? &e->progress : NULL,
	};
	e->backends = opts->registry->backends_open(&env);
	const struct kind *const *kinds = opts->registry->kinds;
	for (size_t k = 0; kinds[k] && !opts->destroy; k++)
		kinds[k]->desired(cfg, &e->desired);

	char *path = xasprintf("%s/%s.json", dir, cfg->project);
	enum engine_status rc = ENGINE_OK;
	if (!opts->read_only) {
		if (mkdir_p(dir) < 0) {
			strbuf_addf(err, "cannot create state directory '%s': %s", dir, strerror(errno));
			rc = ENGINE_STATE;
			goto done;
		}
		char *lock_path = xasprintf("%s/%s.lock", dir, cfg->project);
		struct strbuf holder = STRBUF_INIT;
		int lr = lockfile_acquire(&e->lock, lock_path, opts->lock_timeout_ms, &holder);
		if (lr == 1)
			strbuf_addf(err, "project '%s' is locked by %s; waited %ld ms (--lock-timeout)", cfg->project,
				    holder.buf, opts->lock_timeout_ms);
		else if (lr < 0)
			strbuf_addstr(err, holder.buf);
		strbuf_release(&holder);
		free(lock_path);
		if (lr) {
			rc = lr == 1 ? ENGINE_LOCKED : ENGINE_STATE;
			goto done;
		}
	}
	if (inventory_load(&e->inventory, path, cfg->project, err) < 0) {
		rc = ENGINE_STATE;
		goto done;
	}
	e->loaded_serial = e->inventory.serial;
	load_other_inventories(e, dir);
done:
	free(path);
	free(dir);
	return rc;
}

void *engine_backends(struct engine *e)
{
	return e->backends;
}

struct observation {
	struct engine *e;
	const struct kind *kind;
	struct resource_set set;
	struct strbuf err;
	int rc;
	pthread_t thread;
	bool started;
};

static void *observe_thread(void *arg)
{
	struct observation *o = arg;
	o->rc = o->kind->observe(o->e, &o->set, &o->err);
	return NULL;
}

/* A kind is observed when the file declares some of it or the inventory remembers some. */
bool engine_kind_needed(const struct engine *e, const struct kind *k)
{
	if (e->opts.observe_all)
		return true;
	for (size_t i = 0; i < e->desired.nr; i++)
		if (e->desired.items[i]->kind == k)
			return true;
	for (size_t i = 0; i < e->inventory.nr; i++)
		if (!strcmp(e->inventory.entries[i].kind, k->name))
			return true;
	return false;
}

enum engine_status engine_plan(struct engine *e, struct strbuf *err)
{
	const struct kind *const *kinds = e->opts.registry->kinds;
	size_t n = 0;
	while (kinds[n])
		n++;
	struct observation *obs = xcalloc(n + 1, sizeof(*obs));
	/* every kind at once: each makes its own bulk call(s) */
	for (size_t k = 0; k < n; k++) {
		obs[k].e = e;
		obs[k].kind = kinds[k];
		strbuf_init(&obs[k].err);
		if (!engine_kind_needed(e, kinds[k]))
			continue;
		if (pthread_create(&obs[k].thread, NULL, observe_thread, &obs[k]) == 0)
			obs[k].started = true;
		else
			observe_thread(&obs[k]);
	}
	enum engine_status rc = ENGINE_OK;
	for (size_t k = 0; k < n; k++) {
		if (obs[k].started)
			pthread_join(obs[k].thread, NULL);
		if (obs[k].rc < 0 && rc == ENGINE_OK) {
			strbuf_addf(err, "%s", obs[k].err.buf);
			rc = ENGINE_BACKEND;
		}
		for (size_t i = 0; i < obs[k].set.nr; i++) {
			resource_set_add(&e->observed, obs[k].set.items[i]);
			obs[k].set.items[i] = NULL;
		}
		obs[k].set.nr = 0;
		resource_set_release(&obs[k].set);
		strbuf_release(&obs[k].err);
	}
	free(obs);
	if (engine_cancelled(e))
		rc = ENGINE_INTERRUPTED;
	if (rc != ENGINE_OK)
		return rc;
	/* saved at once by a run holding the lock, even when the plan then has nothing to do */
	if (engine_resolve_intents(e) && !e->opts.read_only) {
		struct strbuf save_err = STRBUF_INIT;
		int sr = inventory_save(&e->inventory, &save_err);
		if (sr < 0)
			strbuf_addf(err, "cannot record what an interrupted run created: %s", save_err.buf);
		strbuf_release(&save_err);
		if (sr < 0)
			return ENGINE_STATE;
	}
	engine_confirm_missing_identities(e);
	struct plan_options popts = {
		.kinds = kinds,
		.adopt = e->opts.adopt,
		.backend_of = engine_backend_where,
		.backend_ctx = e,
		.prune = e->opts.prune,
		.allow_replace = e->opts.allow_replace,
		.used_elsewhere = &e->used_elsewhere,
		.force_shared = e->opts.force_shared,
		.shared_settings = &e->shared_settings,
	};
	plan_build(&e->plan, &e->desired, &e->observed, &e->inventory, &popts);
	return ENGINE_OK;
}

static const char *verb_ing(enum action_type t)
{
	switch (t) {
	case ACTION_CREATE: return "creating";
	case ACTION_UPDATE: return "updating";
	case ACTION_REPLACE: return "replacing";
	case ACTION_DELETE: return "deleting";
	default: return "adopting";
	}
}

static int run_action(void *ctx, size_t i, struct strbuf *err)
{
	struct engine *e = ctx;
	const struct action *a = &e->plan.actions[i];
	if (engine_cancelled(e)) {
		strbuf_addstr(err, atomic_load(&e->state_failed) ? "not started: the inventory cannot be written"
								 : "interrupted before it started");
		return -1;
	}
	if (engine_write_intent(e, a, err) < 0)
		return -1;
	if (a->type != ACTION_NOOP) {
		engine_log(e, "%s %s %s ...", verb_ing(a->type), a->kind->noun, a->display);
		if (a->kind->apply(e, a, err) < 0)
			return -1;
	}
	engine_record(e, a);
	engine_log(e, "%s %s %s: done", a->type == ACTION_NOOP ? "adopted" : action_type_name(a->type), a->kind->noun,
		   a->display);
	return 0;
}

/* Sets e->stop when the cancel fd becomes readable, until `wake` is written. */
struct watcher {
	struct engine *e;
	int wake[2];
	pthread_t thread;
};

static void *watch_cancel(void *arg)
{
	struct watcher *w = arg;
	struct pollfd p[2] = { { .fd = w->e->opts.cancel_fd, .events = POLLIN }, { .fd = w->wake[0], .events = POLLIN } };
	while (poll(p, 2, -1) < 0 && errno == EINTR)
		;
	if (p[0].revents)
		atomic_store(&w->e->stop, true);
	return NULL;
}

/*
 * After the actions: the registry's one listing per backend of what they
 * made (kind_registry.identify). Returns the index of the first attribute it
 * set, for engine_record_late_attrs_locked().
 */
static size_t identify_made(struct engine *e)
{
	pthread_mutex_lock(&e->inventory_lock);
	size_t first = e->nr_attrs;
	pthread_mutex_unlock(&e->inventory_lock);
	if (!e->opts.registry->identify || atomic_load(&e->state_failed))
		return first;
	const struct action **made = xcalloc(e->plan.nr + 1, sizeof(*made));
	size_t nr = 0;
	for (size_t i = 0; i < e->plan.nr; i++) {
		const struct action *a = &e->plan.actions[i];
		if (e->tasks[i].state == TASK_DONE && (a->type == ACTION_CREATE || a->type == ACTION_REPLACE))
			made[nr++] = a;
	}
	if (nr)
		e->opts.registry->identify(e, made, nr);
	free(made);
	return first;
}

int engine_record_observation(struct engine *e, struct strbuf *err)
{
	int rc = 0;
	pthread_mutex_lock(&e->inventory_lock);
	if (engine_record_confirmed_locked(e) && engine_save_locked(e) < 0) {
		strbuf_addstr(err, e->state_err.buf);
		rc = -1;
	}
	pthread_mutex_unlock(&e->inventory_lock);
	return rc;
}

enum engine_status engine_apply(struct engine *e, struct strbuf *err)
{
	struct plan *plan = &e->plan;
	e->tasks = xcalloc(plan->nr + 1, sizeof(*e->tasks));
	for (size_t i = 0; i < plan->nr; i++) {
		e->tasks[i].deps = plan->actions[i].deps;
		e->tasks[i].nr_deps = plan->actions[i].nr_deps;
		e->tasks[i].blocked = plan->actions[i].blocked != NULL;
	}
	struct watcher w = { .e = e, .wake = { -1, -1 } };
	bool watching = e->opts.cancel_fd >= 0 && pipe(w.wake) == 0 &&
			pthread_create(&w.thread, NULL, watch_cancel, &w) == 0;
	struct engine_slots slots;
	engine_slots_start(e, &slots);
	size_t failed = scheduler_run(e->tasks, plan->nr, e->opts.parallelism, run_action, e, &e->stop);
	engine_slots_finish(&slots);
	if (watching) {
		if (write(w.wake[1], "x", 1) < 0) {
			/* the watcher also ends when the process does */
		}
		pthread_join(w.thread, NULL);
	}
	if (w.wake[0] >= 0) {
		close(w.wake[0]);
		close(w.wake[1]);
	}
	size_t first_late = identify_made(e);
	pthread_mutex_lock(&e->inventory_lock);
	engine_record_confirmed_locked(e);
	engine_record_late_attrs_locked(e, first_late);
	engine_forget_vanished(e);
	engine_save_locked(e);
	bool state_failed = atomic_load(&e->state_failed);
	if (state_failed) {
		strbuf_addf(err, "the inventory '%s' cannot be written (%s): stopped before the next change\n",
			    e->inventory.path, e->state_err.buf);
		if (e->unrecorded.len)
			strbuf_addf(err, "done but not recorded in the inventory:\n%s", e->unrecorded.buf);
	}
	pthread_mutex_unlock(&e->inventory_lock);

	for (size_t i = 0; i < plan->nr; i++) {
		const struct task *t = &e->tasks[i];
		const struct action *a = &plan->actions[i];
		if (t->state == TASK_DONE)
			continue;
		strbuf_addf(err, "%s %s %s: %s", action_type_name(a->type), a->kind->noun, a->display,
			    t->state == TASK_BLOCKED ? "blocked" : task_state_name(t->state));
		if (t->state == TASK_BLOCKED) {
			strbuf_addf(err, ": %s", a->blocked);
		} else if (t->state == TASK_SKIPPED) {
			/* name what it waited for, not the scheduler's task number */
			for (size_t d = 0; d < a->nr_deps; d++) {
				const struct task *dt = &e->tasks[a->deps[d]];
				const struct action *da = &plan->actions[a->deps[d]];
				if (dt->state != TASK_DONE) {
					strbuf_addf(err, ": it needs %s %s, which %s", da->kind->noun, da->display,
						    dt->state == TASK_FAILED ? "failed" : dt->state == TASK_BLOCKED ? "is blocked"
														    : "did not run");
					break;
				}
			}
		} else if (t->error.len) {
			strbuf_addf(err, ": %s", t->error.buf);
		}
		strbuf_addch(err, '\n');
	}
	if (err->len && err->buf[err->len - 1] == '\n')
		strbuf_setlen(err, err->len - 1);
	if (state_failed)
		return ENGINE_STATE;
	if (atomic_load(&e->stop) || engine_cancelled(e))
		return ENGINE_INTERRUPTED;
	if (!failed)
		return ENGINE_OK;
	for (size_t i = 0; i < plan->nr; i++)
		if (e->tasks[i].state == TASK_FAILED || e->tasks[i].state == TASK_NOT_STARTED)
			return ENGINE_ACTIONS_FAILED;
	return ENGINE_BLOCKED; /* only blocked ones, and what waited for them */
}

static int compare_ids(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Order-independent digest of a set: each resource's id, fields, backend id
 * and readability, keyed with the inventory's salt: the fields include
 * secret values, and a plan file must not let anyone test guesses offline.
 */
static void set_digest(const struct resource_set *set, const char *salt, char out[65])
{
	char **lines = xcalloc(set->nr + 1, sizeof(*lines));
	for (size_t i = 0; i < set->nr; i++) {
		const struct resource *r = set->items[i];
		char fields[65];
		resource_digest(r, fields);
		lines[i] = xasprintf("%s/%s %s %s %s", r->kind->name, r->name, fields, r->observed_id ? r->observed_id : "-",
				     r->unknown ? "unknown" : r->vouched ? "vouched"
									 : "known");
	}
	qsort(lines, set->nr, sizeof(*lines), compare_ids);
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, salt, strlen(salt) + 1);
	for (size_t i = 0; i < set->nr; i++) {
		sha256_update(&h, lines[i], strlen(lines[i]) + 1);
		free(lines[i]);
	}
	free(lines);
	sha256_hex(&h, out);
}

void engine_state_digests(const struct engine *e, char desired[65], char observed[65])
{
	set_digest(&e->desired, e->inventory.salt, desired);
	set_digest(&e->observed, e->inventory.salt, observed);
}

void engine_close(struct engine *e)
{
	if (e->tasks) {
		for (size_t i = 0; i < e->plan.nr; i++)
			strbuf_release(&e->tasks[i].error);
		free(e->tasks);
	}
	plan_release(&e->plan);
	resource_set_release(&e->desired);
	resource_set_release(&e->observed);
	inventory_release(&e->inventory);
	strmap_release(&e->used_elsewhere);
	strmap_release_free(&e->shared_settings);
	if (e->opts.log)
		progress_release(&e->progress);
	engine_free_attrs(e);
	strbuf_release(&e->state_err);
	strbuf_release(&e->unrecorded);
	if (e->backends)
		e->opts.registry->backends_close(e->backends);
	lockfile_release(&e->lock);
	pthread_mutex_destroy(&e->inventory_lock);
	memset(e, 0, sizeof(*e));
}
