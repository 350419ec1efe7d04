#include "kind.h"

#include <string.h>

const struct kind *kind_find(const struct kind *const *table, const char *name)
{
	for (size_t i = 0; table[i]; i++)
		if (!strcmp(table[i]->name, name))
			return table[i];
	return NULL;
}
