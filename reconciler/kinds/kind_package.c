/*
 * Context-size variants (the guide's step 8: docker model package --from
 * ai/gpt-oss --context-size 32000 gpt-oss:32k), made with POST
 * /models/{from}/repackage. Rebuilt when missing, when the stored
 * config.context_size differs, and when the base model was re-pulled to a new
 * id since (the variant would otherwise keep the old weights). A tag that
 * exists and that this project did not make is never overwritten without
 * --allow-replace (adopted when its context size is the declared one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "kinds/kinds.h"
#include "kinds/kinds_dmr.h"
#include "refs/modelref.h"
#include "plan/plan.h"
#include "util/xalloc.h"

static void package_desired(const struct config *cfg, struct resource_set *out)
{
	for (size_t i = 0; i < cfg->nr_packages; i++) {
		const struct cfg_package *p = &cfg->packages[i];
		char size[32];
		snprintf(size, sizeof(size), "%ld", p->context_size);
		struct resource *r = resource_new(&kind_package, p->canonical, p->name);
		resource_set_field(r, "from", p->from_canonical, false);
		resource_set_field(r, "context_size", size, false);
		resource_add_dep(r, &kind_model, p->from_canonical);
		r->line = p->mark.line;
		resource_set_add(out, r);
	}
}

static void observed_tag(const struct dmr_model *m, const char *canonical, void *out)
{
	struct resource *r = resource_new(&kind_package, canonical, NULL);
	char size[32];
	snprintf(size, sizeof(size), "%ld", m->context_size);
	/* "from" cannot be read back: compared through the inventory's digest */
	resource_set_field(r, "context_size", m->context_size ? size : NULL, false);
	r->observed_id = xstrdup(m->id);
	r->identity = xstrdup(m->id);
	resource_set_add(out, r);
}

static int package_observe(struct engine *e, struct resource_set *out, struct strbuf *err)
{
	return dmr_session_each_tag(&kinds_backends(e)->dmr, observed_tag, out, err);
}

static void drop_changes(struct action *a)
{
	for (size_t i = 0; i < a->nr_changes; i++) {
		free(a->changes[i].name);
		free(a->changes[i].before);
		free(a->changes[i].after);
	}
	a->nr_changes = 0;
}

/*
 * The target tag exists and this project did not make it: a model the user
 * pulled, or a variant made by hand. Repackaging would overwrite it, so it
 * waits for --allow-replace; one made by hand with the same context size is
 * the declared package already, and is adopted rather than rebuilt.
 */
static bool refine_foreign_tag(const struct plan_context *pc, struct action *a, const struct inv_entry *last)
{
	const char *was = inv_entry_attr(last, "backend");
	const char *now = pc->options->backend_of ? pc->options->backend_of(&kind_package, pc->options->backend_ctx) : NULL;
	bool own = last && !(was && now && strcmp(was, now));
	if (own || !a->desired || !a->observed || (a->type != ACTION_REPLACE && a->type != ACTION_UPDATE))
		return false;
	const char *want = resource_value(a->desired, "context_size");
	const char *live = resource_value(a->observed, "context_size");
	free(a->reason);
	if (want && live && !strcmp(want, live)) {
		drop_changes(a);
		a->type = ACTION_NOOP;
		a->adopt = true;
		a->reason = xasprintf("already present with context size %s: adopted, never deleted by sbxapply", live);
		return true;
	}
	a->reason = xasprintf("%s is already a model this project did not make (pulled or packaged by hand), with "
			      "context size %s",
			      a->display, live ? live : "unset");
	if (!pc->options->allow_replace && !a->blocked)
		a->blocked = xasprintf("packaging %s would overwrite the model of that name; rerun with --allow-replace, "
				       "or choose another tag",
				       a->display);
	return true;
}

/* The base was re-pulled since the variant was made: rebuild it. */
static void package_refine(const struct plan_context *pc, struct action *a)
{
	const struct inv_entry *last = inventory_find(pc->inventory, kind_package.name, a->name);
	if (refine_foreign_tag(pc, a, last))
		return;
	const char *from = a->desired ? resource_value(a->desired, "from") : NULL;
	const struct resource *base = from ? resource_set_find(pc->observed, &kind_model, from) : NULL;
	const char *base_id = inv_entry_attr(last, "base_id");
	if (!base_id || !base || !base->observed_id || a->type == ACTION_CREATE || !strcmp(base_id, base->observed_id))
		return;
	action_add_change(a, "base_id", base_id, base->observed_id, false);
	if (a->type != ACTION_REPLACE) {
		a->type = ACTION_REPLACE;
		a->origin = ORIGIN_DRIFT;
		free(a->reason);
		a->reason = xasprintf("the base model %s was pulled again since this variant was made", from);
	}
}

static int package_apply(struct engine *e, const struct action *a, struct strbuf *err)
{
	struct dmr *d = dmr_session_client(&kinds_backends(e)->dmr, err);
	if (!d)
		return -1;
	if (a->type == ACTION_DELETE)
		return dmr_delete(d, a->name, err);
	const char *from = resource_value(a->desired, "from");
	long size = strtol(resource_value(a->desired, "context_size"), NULL, 10);
	if (dmr_repackage(d, from, a->desired->display, size, err) < 0)
		return -1;
	/* which base it was made from, and what it is: listed after the run (kinds_dmr_identify) */
	return 0;
}

const struct kind kind_package = {
	.name = "package",
	.shared = true,
	.name_is_identity = true,
	.backend_of = kinds_dmr_backend_of,
	.noun = "package",
	.updatable = false,
	.desired = package_desired,
	.observe = package_observe,
	.refine = package_refine,
	.apply = package_apply,
};
