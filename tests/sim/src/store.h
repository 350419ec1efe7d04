/*
 * store: the runner's local model store, "<state>/models.json", an array of
 * model objects in exactly the shape GET /models answers.
 *
 * The runner keeps the array in memory and reloads it when the file
 * changes on disk (a test may edit it), so GET /models costs a stat(2) and
 * a print.  Everything between store_lock() and store_unlock() is atomic
 * against other threads and other processes; store_unlock() writes the
 * file back when store_mark_dirty() was called.  Models and tags persist
 * across runner restarts; nothing else of the runner does.
 */
#ifndef SBXSIM_STORE_H
#define SBXSIM_STORE_H

#include <cjson/cJSON.h>
#include <stdbool.h>

void store_lock(void);
void store_unlock(void);
void store_mark_dirty(void);
/* The models array; only valid while locked. */
cJSON *store_models(void);

/* By id (full, 12-hex short, "sha256:..." digest) or by tag after
 * normalisation; NULL when absent. */
cJSON *store_find(const char *ref);
/* The inspect quirk: the first model with a tag whose bare name (no
 * registry, no org, no tag) equals ref exactly. */
cJSON *store_find_partial(const char *ref);
const char *store_model_id(const cJSON *model);
bool store_has_tag(const cJSON *model, const char *canonical);
/* Add a canonical tag in the stored form, taking it away from any other
 * model.  Returns the id that lost the tag (caller frees) or NULL. */
char *store_add_tag(cJSON *model, const char *canonical);
/* Remove a tag; returns the stored string that was removed (caller frees). */
char *store_remove_tag(cJSON *model, const char *canonical);
void store_delete_model(const char *id);

#endif
