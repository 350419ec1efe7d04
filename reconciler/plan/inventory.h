#ifndef SBXAPPLY_PLAN_INVENTORY_H
#define SBXAPPLY_PLAN_INVENTORY_H
/*
 * What sbxapply created or adopted for one project, and a digest of each field
 * it last applied: the memory that makes pruning safe (only what is recorded
 * as created is ever deleted) and drift visible (live vs last applied).
 *
 * The file is $XDG_STATE_HOME/sbxapply/<project>.json (or --state-dir),
 * written atomically (temp file, fsync, rename, fsync of the directory), mode
 * 0600, with a serial that grows by one per save. It never holds a field's
 * value, only salted SHA-256 digests (the salt is per inventory, random).
 * An inventory owns its entries and strings.
 */
#include <stdbool.h>
#include <stddef.h>

#include "plan/resource.h"
#include "util/strbuf.h"
#include "util/strmap.h"

enum inv_origin {
	INV_CREATED,
	INV_ADOPTED,
	/*
	 * Write-ahead: a create was about to start ("creating" in the file).
	 * The next run resolves it from what it observes: present, it was
	 * created by this project; absent, the intent is forgotten. Older
	 * sbxapply releases read it as "adopted", the safe side.
	 */
	INV_CREATING,
};

struct inv_field {
	char *name;
	char digest[65];
};

/* What a kind wants remembered beyond digests, e.g. a package's base model id. */
struct inv_attr {
	char *key, *value;
};

struct inv_entry {
	char *kind, *name;
	enum inv_origin origin;
	struct inv_field *fields;
	size_t nr_fields;
	struct inv_attr *attrs;
	size_t nr_attrs, alloc_attrs;
	long long applied_at; /* unix seconds */
};

struct inventory {
	char *path; /* NULL: in memory only */
	char *project;
	long long serial;
	char salt[33];
	struct inv_entry *entries;
	size_t nr, alloc;
	struct strmap index; /* "kind/name" -> index + 1 */
};

/* The directory inventories live in: state_dir if given, else $XDG_STATE_HOME/sbxapply, else ~/.local/state/sbxapply. */
char *inventory_dir(const char *state_dir);
/* Loads path (a missing file is an empty inventory). Returns -1 with a message in err. */
int inventory_load(struct inventory *inv, const char *path, const char *project, struct strbuf *err);
/* Parses text (for tests and saved plans). */
int inventory_parse(struct inventory *inv, const char *text, size_t len, struct strbuf *err);
void inventory_init(struct inventory *inv, const char *project);
/*
 * serial + 1, then an atomic write to inv->path; -1 with err. Call it holding
 * the project's lock: it also removes temporary files killed runs left.
 */
int inventory_save(struct inventory *inv, struct strbuf *err);
/*
 * Writes inv (serial + 1) to inv->path only when no file is there yet, so that
 * its salt lasts (plan -out keys the plan file with it); never replaces a file
 * another run wrote. -1 with err (errno EEXIST when one appeared).
 */
int inventory_create(struct inventory *inv, struct strbuf *err);
void inventory_release(struct inventory *inv);

const struct inv_entry *inventory_find(const struct inventory *inv, const char *kind, const char *name);
/* Records (or refreshes) an entry from the desired resource; keeps an existing origin, except an intent's. */
struct inv_entry *inventory_record(struct inventory *inv, const struct resource *r, enum inv_origin origin);
void inventory_forget(struct inventory *inv, const char *kind, const char *name);
/* The digest a field value gets in this inventory. */
void inventory_field_digest(const struct inventory *inv, const char *field, const char *value, char out[65]);
const char *inv_entry_digest(const struct inv_entry *e, const char *field);
/* An attribute's value, NULL when e is NULL or has none. */
const char *inv_entry_attr(const struct inv_entry *e, const char *key);
/* Sets (or replaces) an attribute; the strings are copied. */
void inv_entry_set_attr(struct inv_entry *e, const char *key, const char *value);

#endif
