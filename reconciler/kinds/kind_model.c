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

/* What this model is (its id) once pulled: a later one of the same tag made elsewhere is not ours. */
static void remember_identity(struct engine *e, const struct action *a, struct dmr *d)
{
	struct strbuf ignored = STRBUF_INIT;
	char *id = dmr_find_id(d, a->name, &ignored);
	if (id)
		engine_set_attr(e, a, "identity", id);
	free(id);
	strbuf_release(&ignored);
}

static int model_apply(struct engine *e, const struct action *a, struct strbuf *err)
{
	struct dmr *d = dmr_session_client(&kinds_backends(e)->dmr, err);
	if (!d)
		return -1;
	switch (a->type) {
	case ACTION_CREATE:
		if (dmr_pull(d, a->name, err) < 0)
			return -1;
		remember_identity(e, a, d);
		return 0;
	case ACTION_DELETE:
		/* by tag: a model with other tags is only untagged, never forced */
		return dmr_delete(d, a->name, err);
	default:
		return 0; /* a model has no fields to update */
	}
}

const struct kind kind_model = {
	.name = "model",
	.name_is_identity = true,
	.backend_of = kinds_dmr_backend_of,
	.noun = "model",
	.updatable = false,
	.desired = model_desired,
	.observe = model_observe,
	.apply = model_apply,
};
