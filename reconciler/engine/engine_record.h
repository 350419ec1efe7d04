#ifndef SBXAPPLY_ENGINE_ENGINE_RECORD_H
#define SBXAPPLY_ENGINE_ENGINE_RECORD_H
/*
 * The engine's side of the inventory (engine.c's own file, not for kinds):
 * write-ahead intents before a create and their resolution on the next run,
 * the record of every completed action with its attributes, identity and
 * backend, the save that stops the run when it fails, and forgetting what
 * vanished. Call the *_locked and record functions as their comments say.
 */
#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"

/* A kind is observed when the file declares some of it or the inventory remembers some. */
bool engine_kind_needed(const struct engine *e, const struct kind *k);
/* The backend instance kind k lives on now, or NULL (plan_options.backend_of; ctx is the engine). */
const char *engine_backend_where(const struct kind *k, void *ctx);
/* Resolves the intents a killed run left, from e->observed; returns how many there were. */
size_t engine_resolve_intents(struct engine *e);
/* Queues the observed identity of each created entry that has none, for an apply to record. */
void engine_confirm_missing_identities(struct engine *e);
/* Saves the inventory, holding inventory_lock; a failure stops the run (-1). */
int engine_save_locked(struct engine *e);
/* Before a create starts: records the intent; -1 (with err) when it cannot be saved: do not start. */
int engine_write_intent(struct engine *e, const struct action *a, struct strbuf *err);
/* After an action completed: records it and saves. */
void engine_record(struct engine *e, const struct action *a);
/* Sets the attributes set after their actions were recorded (index first on), holding inventory_lock. */
void engine_record_late_attrs_locked(struct engine *e, size_t first);
/*
 * Sets the observation's confirmed attributes (engine_confirm_attr) on the
 * entries no action of e->plan touches, holding inventory_lock; true when
 * one changed (then the inventory needs saving).
 */
bool engine_record_confirmed_locked(struct engine *e);
/* Forgets entries of observed kinds whose resource is gone from everywhere (holding inventory_lock). */
void engine_forget_vanished(struct engine *e);
void engine_free_attrs(struct engine *e);

#endif
