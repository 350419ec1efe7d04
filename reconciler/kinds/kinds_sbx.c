/* What the sbx kinds share: the client with its warning logged once, and the plan's view of replaced sandboxes. */
#include "kinds/kinds_sbx.h"

#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "kinds/kinds.h"
#include "util/xalloc.h"

struct sbx_client *kinds_sbx_client(struct engine *e, struct strbuf *err)
{
	struct sbx_client *c = &kinds_backends(e)->sbx;
	if (sbx_client_detect(c, err) < 0)
		return NULL;
	struct strbuf warning = STRBUF_INIT;
	if (sbx_client_take_warning(c, &warning))
		engine_log(e, "warning: %s", warning.buf);
	strbuf_release(&warning);
	return c;
}

bool kinds_sbx_sandbox_replaced(const struct plan_context *pc, const char *name)
{
	const struct resource *d = resource_set_find(pc->desired, &kind_sandbox, name);
	const struct resource *o = resource_set_find(pc->observed, &kind_sandbox, name);
	if (!d || !o || o->unknown)
		return false;
	const struct inv_entry *last = inventory_find(pc->inventory, kind_sandbox.name, name);
	/* the same three-way comparison plan.c makes, for the fields that force it */
	for (size_t i = 0; i < d->nr_fields; i++) {
		const struct res_field *want = &d->fields[i], *live = resource_field(o, want->name);
		if (live) {
			if ((live->value == NULL) != (want->value == NULL) ||
			    (live->value && strcmp(live->value, want->value)))
				return true;
			continue;
		}
		char digest[65];
		inventory_field_digest(pc->inventory, want->name, want->value, digest);
		const char *recorded = inv_entry_digest(last, want->name);
		if (!recorded || strcmp(recorded, digest))
			return true;
	}
	/* a live field the file no longer sets (its mounts removed) replaces it too, as plan.c's compare() has it */
	for (size_t i = 0; i < o->nr_fields; i++)
		if (o->fields[i].value && !resource_field(d, o->fields[i].name))
			return true;
	return false;
}

void kinds_sbx_redo_on_replace(const struct plan_context *pc, struct action *a, const char *sandbox, const char *what)
{
	if (a->type != ACTION_NOOP || a->adopt || !kinds_sbx_sandbox_replaced(pc, sandbox))
		return;
	a->type = ACTION_UPDATE;
	a->origin = ORIGIN_FILE;
	free(a->reason);
	a->reason = xasprintf("sandbox %s is replaced and %s with it: written again", sandbox, what);
}
