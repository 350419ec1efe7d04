#ifndef SBXAPPLY_UTIL_STRMAP_H
#define SBXAPPLY_UTIL_STRMAP_H
/*
 * A hash map from strings to borrowed pointers (open addressing). Keys are
 * copied; values are not owned. strmap_put replaces an existing key's value.
 */
#include <stddef.h>

struct strmap_slot {
	char *key;
	void *value;
};

struct strmap {
	struct strmap_slot *slots;
	size_t nr, cap;
};

/* clang-format off */
#define STRMAP_INIT { 0 }
/* clang-format on */

void strmap_put(struct strmap *map, const char *key, void *value);
void *strmap_get(const struct strmap *map, const char *key);
void strmap_release(struct strmap *map);
/* Frees every value with free(), then releases the map: for maps that own their values. */
void strmap_release_free(struct strmap *map);

#endif
