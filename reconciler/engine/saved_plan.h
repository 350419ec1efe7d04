#ifndef SBXAPPLY_ENGINE_SAVED_PLAN_H
#define SBXAPPLY_ENGINE_SAVED_PLAN_H
/*
 * `sbxapply plan -out FILE` then `sbxapply apply FILE`: the plan file records
 * what the plan was made from (the configuration file, a digest of the desired
 * state after interpolation, a digest of the observed state, the inventory's
 * serial) and its actions. Applying it re-observes and refuses when any of
 * these moved, so what runs is exactly what was reviewed. The file holds ids
 * and digests only, never a value; the digests and a checksum over every
 * field that changes what apply does are keyed with the inventory's salt
 * (so a plan cannot be edited, nor a secret guessed from it, without the
 * state directory); it is written with mode 0600 (temp file and rename).
 */
#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"
#include "util/strbuf.h"

struct saved_plan {
	char *config_path; /* absolute */
	char *project;
	long long inventory_serial;
	char desired[65], observed[65];
	bool prune, allow_replace, adopt, force_shared, refresh;
	char checksum[65]; /* HMAC-SHA-256 keyed with the inventory's salt */
	char **actions;	   /* "create model/ai/x:latest", in plan order */
	size_t nr_actions;
};

/* Creates the project's inventory, empty, when there is none: its salt keys the file. */
int saved_plan_write(const char *path, struct engine *e, const char *config_path, struct strbuf *err);
int saved_plan_read(struct saved_plan *sp, const char *path, struct strbuf *err);
/* 0 when sp is intact and e (opened on the same project, planned just now) would do exactly sp's actions. */
int saved_plan_check(const struct saved_plan *sp, const struct engine *e, struct strbuf *err);
void saved_plan_release(struct saved_plan *sp);

#endif
