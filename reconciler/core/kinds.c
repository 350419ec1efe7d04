/* The resource kinds, in plan order: one line per kind (see kind.h). */
#include <string.h>

#include "core/kind.h"
#include "core/kinds_dmr.h"
#include "core/kinds_sbx.h"

const struct kind *const kinds[] = {
	&kind_model,
	&kind_package,
	&kind_runtime,
	&kind_policy_init,	/* before any rule: rules cannot be added to an uninitialised store */
	&kind_secret,		/* global ones before sandboxes: they reach only sandboxes created later */
	&kind_sandbox,
	&kind_policy_rule,	/* sandbox-scoped ones need their sandbox */
	&kind_env,		/* written into the sandbox */
	NULL,
};

const struct kind *kind_by_name(const char *name)
{
	for (size_t i = 0; kinds[i]; i++)
		if (!strcmp(kinds[i]->name, name))
			return kinds[i];
	return NULL;
}
