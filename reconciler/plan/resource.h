#ifndef SBXAPPLY_PLAN_RESOURCE_H
#define SBXAPPLY_PLAN_RESOURCE_H
/*
 * One thing sbxapply manages, as the engine compares it: a kind, a name that
 * identifies it within its kind, and named fields with text values. Desired
 * resources come from the config, observed ones from a backend; both have the
 * same shape, so planning, printing and digests are generic.
 *
 * A resource owns its strings. A resource_set owns its resources and indexes
 * them by name. Field values may be NULL ("absent"). A sensitive field's value
 * never leaves the process except to the backend: printing code must go
 * through resource_field_shown().
 */
#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"
#include "util/strmap.h"

struct kind;

struct res_field {
	char *name;
	char *value;
	bool sensitive;
};

struct resource {
	const struct kind *kind;
	char *name;    /* identity within the kind, canonical */
	char *display; /* how people know it; defaults to name */
	struct res_field *fields;
	size_t nr_fields, fields_alloc;
	char **deps; /* desired only: "kind/name" of what must exist first */
	size_t nr_deps, alloc_deps;
	int line;	   /* desired only: where it is declared, 0 if nowhere */
	char *observed_id; /* observed only: the backend's id, e.g. a model digest */
	char *identity;	   /* observed only: what tells this one from another of the same name (an id), or NULL */
	char *unknown;	   /* observed only: why its fields could not be read, or NULL */
	char *vouched;	   /* observed only: not read, as the inventory vouches it is as recorded: why, or NULL */
};

struct resource_set {
	struct resource **items;
	size_t nr, alloc;
	struct strmap index; /* "kind/name" -> resource */
};

struct resource *resource_new(const struct kind *kind, const char *name, const char *display);
void resource_free(struct resource *r);
void resource_set_field(struct resource *r, const char *name, const char *value, bool sensitive);
const struct res_field *resource_field(const struct resource *r, const char *name);
const char *resource_value(const struct resource *r, const char *name);
void resource_add_dep(struct resource *r, const struct kind *kind, const char *name);
/* "kind/name", malloc'd */
char *resource_id(const struct resource *r);
/* "name=value; name=value" of the fields that are not sensitive, in field order, malloc'd. */
char *resource_settings(const struct resource *r);
/* Digest of the fields (names and values, sensitive ones too), hex SHA-256. */
void resource_digest(const struct resource *r, char out[65]);

/* Takes ownership of r; a second resource with the same id replaces nothing and is freed (returns -1). */
int resource_set_add(struct resource_set *set, struct resource *r);
struct resource *resource_set_find(const struct resource_set *set, const struct kind *kind, const char *name);
void resource_set_release(struct resource_set *set);

#endif
