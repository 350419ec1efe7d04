#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static struct strmap_slot *find_slot(struct strmap_slot *slots, size_t cap, const char *key)
{
	size_t i = hash(key) & (cap - 1);
	while (slots[i].key && strcmp(slots[i].key, key))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static void rehash(struct strmap *map, size_t cap)
{
	struct strmap_slot *slots = xcalloc(cap, sizeof(*slots));
	for (size_t i = 0; i < map->cap; i++)
		if (map->slots[i].key)
			*find_slot(slots, cap, map->slots[i].key) = map->slots[i];
	free(map->slots);
	map->slots = slots;
	map->cap = cap;
}

void strmap_put(struct strmap *map, const char *key, void *value)
{
	if ((map->nr + 1) * 2 > map->cap)
		rehash(map, map->cap ? map->cap * 2 : 16);
	struct strmap_slot *s = find_slot(map->slots, map->cap, key);
	if (!s->key) {
		s->key = xstrdup(key);
		map->nr++;
	}
	s->value = value;
}

void *strmap_get(const struct strmap *map, const char *key)
{
	if (!map->cap)
		return NULL;
	return find_slot(map->slots, map->cap, key)->value;
}

void strmap_release(struct strmap *map)
{
	for (size_t i = 0; i < map->cap; i++)
		free(map->slots[i].key);
	free(map->slots);
	memset(map, 0, sizeof(*map));
}

void strmap_release_free(struct strmap *map)
{
	for (size_t i = 0; i < map->cap; i++)
		free(map->slots[i].value);
	strmap_release(map);
}
