/*
 * state: the one directory ($SBXSIM_STATE_DIR) that holds everything the
 * simulated systems remember, as JSON files tests can read.
 *
 * Every read-modify-write of a state file happens between state_lock() and
 * state_unlock(), an exclusive flock(2) on "<dir>/lock", so concurrent sbx
 * processes and the runner never lose each other's updates.  Files are
 * replaced atomically (rename), so a reader without the lock sees either
 * the old or the new document.
 */
#ifndef SBXSIM_STATE_H
#define SBXSIM_STATE_H

#include <cjson/cJSON.h>

/* The state directory, created on first use.  Defaults to
 * ${TMPDIR:-/tmp}/sbxsim-<uid> when SBXSIM_STATE_DIR is unset. */
const char *state_dir(void);
/* "<state dir>/<name>", caller frees. */
char *state_path(const char *name);

/* Blocks until the exclusive lock is held; returns the fd to pass back. */
int state_lock(void);
void state_unlock(int fd);

/* Parse "<dir>/<name>"; a missing or unparsable file yields a parse of
 * default_json (the caller owns the result either way). */
cJSON *state_load(const char *name, const char *default_json);
/* Atomically replace "<dir>/<name>" with doc (pretty printed). */
int state_save(const char *name, const cJSON *doc);

/* Set obj[key] = item in place, or append it: cJSON's Replace alone does
 * nothing, and leaks item, when the key is absent. */
static inline void json_set(cJSON *obj, const char *key, cJSON *item)
{
	if (!cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item))
		cJSON_AddItemToObject(obj, key, item);
}

/* Flag files ("daemon.stopped"): existence is the value. */
int state_flag_get(const char *name);
void state_flag_set(const char *name, int on);

#endif
