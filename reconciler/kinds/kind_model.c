/*
 * Models in Docker Model Runner (the guide's steps 1 and 8): present or not.
 * Identity is the canonical reference, so any tag form the store uses matches.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "kinds/kinds.h"
#include "plan/kind.h"
#include "kinds/kinds_dmr.h"
#include "refs/modelref.h"
#include "util/xalloc.h"

static void model_desired(const struct config *cfg, struct resource_set *out)
{
	for (size_t i = 0; i < cfg->nr_models; i++) {
		struct resource *r = resource_new(&kind_model, cfg->models[i].canonical, cfg->models[i].ref);
		r->line = cfg->models[i].mark.line;
		resource_set_add(out, r);
	}
}

static void observed_tag(const struct dmr_model *m, const char *canonical, void *out)
{
	struct resource *r = resource_new(&kind_model, canonical, NULL);
	r->observed_id = xstrdup(m->id);
	r->identity = xstrdup(m->id);
	resource_set_add(out, r);
}

/* Every tag in the store, as a model: one GET /models serves this kind and packages. */
static int model_observe(struct engine *e, struct resource_set *out, struct strbuf *err)
{
	return dmr_session_each_tag(&kinds_backends(e)->dmr, observed_tag, out, err);
}

static int model_apply(struct engine *e, const struct action *a, struct strbuf *err)
{
	struct dmr *d = dmr_session_client(&kinds_backends(e)->dmr, err);
	if (!d)
		return -1;
	switch (a->type) {
	case ACTION_CREATE:
		/* what it is (its id) is listed after the run, for every pull at once (kinds_dmr_identify) */
		return dmr_pull(d, a->name, err);
	case ACTION_DELETE:
		/* by tag: a model with other tags is only untagged, never forced */
		return dmr_delete(d, a->name, err);
	default:
		return 0; /* a model has no fields to update */
	}
}

struct size_lookups {
	struct dmr *d;
	int cancel_fd;
	const struct action *const *creates;
	_Atomic unsigned long long *const *weights;
};

static int size_one(void *ctx, size_t i, struct strbuf *err)
{
	struct size_lookups *l = ctx;
	unsigned long long bytes;
	if (dmr_remote_size(l->d, l->creates[i]->name, l->cancel_fd, &bytes, err) < 0)
		return -1;
	atomic_store(l->weights[i], bytes); /* at once: a slot may free before the slowest answer */
	return 0;
}

/*
 * kind.create_sizes: the registry's size of each model to pull, asked all at
 * once (a few at a time). One the runner cannot tell stays unknown: it only
 * loses its place in the queue, never the pull.
 */
static void model_sizes(struct engine *e, const struct action *const *creates, size_t nr,
			_Atomic unsigned long long *const *weights, int cancel_fd)
{
	struct strbuf err = STRBUF_INIT;
	struct size_lookups l = {
		.d = dmr_session_client(&kinds_backends(e)->dmr, &err),
		.cancel_fd = cancel_fd,
		.creates = creates,
		.weights = weights,
	};
	if (l.d) {
		struct task *tasks = xcalloc(nr, sizeof(*tasks));
		scheduler_run(tasks, nr, 8, size_one, &l, &e->stop);
		for (size_t i = 0; i < nr; i++)
			strbuf_release(&tasks[i].error);
		free(tasks);
	}
	strbuf_release(&err);
}

const struct kind kind_model = {
	.name = "model",
	.name_is_identity = true,
	.backend_of = kinds_dmr_backend_of,
	.create_slots = DMR_PULL_SLOTS,
	.create_sizes = model_sizes,
	.noun = "model",
	.updatable = false,
	.desired = model_desired,
	.observe = model_observe,
	.apply = model_apply,
};
