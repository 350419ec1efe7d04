/* What identifies the runner's resources a run made, from one listing (kinds_dmr.h). */
#include "kinds/kinds_dmr.h"

#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "kinds/kinds.h"
#include "plan/resource.h"
#include "util/xalloc.h"

void kinds_dmr_identify(struct engine *e, const struct action *const *made, size_t nr)
{
	/* per action up to two tags: the model's (or variant's) own, and a variant's base */
	const char **refs = xcalloc(2 * nr + 1, sizeof(*refs));
	const struct action **of = xcalloc(2 * nr + 1, sizeof(*of));
	const char **keys = xcalloc(2 * nr + 1, sizeof(*keys));
	size_t n = 0;
	for (size_t i = 0; i < nr; i++) {
		const struct action *a = made[i];
		if (a->kind != &kind_model && a->kind != &kind_package)
			continue;
		refs[n] = a->kind == &kind_model ? a->name : a->desired->display;
		of[n] = a;
		keys[n++] = "identity";
		if (a->kind == &kind_package) {
			refs[n] = resource_value(a->desired, "from");
			of[n] = a;
			keys[n++] = "base_id"; /* to notice a later re-pull of the base (kind_package.c) */
		}
	}
	struct strbuf ignored = STRBUF_INIT;
	struct dmr *d = n ? dmr_session_client(&kinds_backends(e)->dmr, &ignored) : NULL;
	if (d) {
		char **ids = xcalloc(n + 1, sizeof(*ids));
		dmr_find_ids(d, refs, ids, n, &ignored);
		for (size_t i = 0; i < n; i++) {
			if (ids[i])
				engine_set_attr(e, of[i], keys[i], ids[i]);
			free(ids[i]);
		}
		free(ids);
	}
	strbuf_release(&ignored);
	free(refs);
	free(of);
	free(keys);
}
