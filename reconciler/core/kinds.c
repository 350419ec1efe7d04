/* The resource kinds, in plan order: one line per kind (see kind.h). */
#include <string.h>

#include "core/kind.h"
#include "core/kinds_dmr.h"

const struct kind *const kinds[] = {
	&kind_model,
	&kind_package,
	&kind_runtime,
	NULL,
};

const struct kind *kind_by_name(const char *name)
{
	for (size_t i = 0; kinds[i]; i++)
		if (!strcmp(kinds[i]->name, name))
			return kinds[i];
	return NULL;
}
