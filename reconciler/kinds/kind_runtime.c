/*
 * Runtime settings of a model (context_size, runtime_flags), applied with
 * POST /engines/_configure and read back with GET /engines/_configure. The
 * runner keeps them in memory only: they vanish on a restart, an unload or a
 * re-pull, and the next plan re-applies them (as docker compose does on every
 * up). The first configure loads the model into memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "kinds/kinds.h"
#include "kinds/kinds_dmr.h"
#include "refs/modelref.h"
#include "util/jsonw.h"
#include "util/xalloc.h"

/* Flags as compact JSON text: the form GET /engines/_configure is compared in. */
static char *flags_json(const struct cfg_strings *flags)
{
	struct strbuf sb = STRBUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &sb, false);
	jsonw_begin_array(&w);
	for (size_t i = 0; i < flags->nr; i++)
		jsonw_string(&w, flags->items[i]);
	jsonw_end_array(&w);
	return strbuf_detach(&sb, NULL);
}

static void runtime_desired(const struct config *cfg, struct resource_set *out)
{
	for (size_t i = 0; i < cfg->nr_models; i++) {
		const struct cfg_model *m = &cfg->models[i];
		if (!m->context_size && !m->has_runtime_flags)
			continue;
		struct resource *r = resource_new(&kind_runtime, m->canonical, m->ref);
		if (m->context_size) {
			char size[32];
			snprintf(size, sizeof(size), "%ld", m->context_size);
			resource_set_field(r, "context_size", size, false);
		}
		if (m->has_runtime_flags && m->runtime_flags.nr) {
			char *flags = flags_json(&m->runtime_flags);
			resource_set_field(r, "runtime_flags", flags, false);
			free(flags);
		}
		resource_add_dep(r, &kind_model, m->canonical);
		r->line = m->mark.line;
		resource_set_add(out, r);
	}
}

static int runtime_observe(struct engine *e, struct resource_set *out, struct strbuf *err)
{
	struct dmr *d = dmr_session_client(&kinds_backends(e)->dmr, err);
	struct dmr_runtime_config *configs;
	size_t nr;
	if (!d || dmr_list_configs(d, &configs, &nr, err) < 0)
		return -1;
	for (size_t i = 0; i < nr; i++) {
		char *canonical = modelref_normalize(configs[i].model);
		struct resource *r = resource_new(&kind_runtime, canonical, configs[i].model);
		char size[32];
		snprintf(size, sizeof(size), "%ld", configs[i].context_size);
		resource_set_field(r, "context_size", configs[i].context_size ? size : NULL, false);
		resource_set_field(r, "runtime_flags", configs[i].runtime_flags, false);
		if (configs[i].model_id)
			r->observed_id = xstrdup(configs[i].model_id);
		resource_set_add(out, r);
		free(canonical);
	}
	dmr_configs_free(configs, nr);
	return 0;
}

static int runtime_apply(struct engine *e, const struct action *a, struct strbuf *err)
{
	if (a->type == ACTION_DELETE)
		return 0; /* no API removes them; the runner drops them on its next restart */
	struct dmr *d = dmr_session_client(&kinds_backends(e)->dmr, err);
	if (!d)
		return -1;
	const char *size = resource_value(a->desired, "context_size");
	const struct cfg_model *m = config_find_model(e->cfg, a->name);
	return dmr_configure(d, a->name, size ? strtol(size, NULL, 10) : 0,
			     m && m->has_runtime_flags ? (const char *const *)m->runtime_flags.items : NULL,
			     m ? m->runtime_flags.nr : 0, err);
}

const struct kind kind_runtime = {
	.name = "runtime",
	.shared = true,
	.backend_of = kinds_dmr_backend_of,
	.noun = "runtime settings of",
	.updatable = true,
	.desired = runtime_desired,
	.observe = runtime_observe,
	.apply = runtime_apply,
};
