#ifndef SBXAPPLY_KINDS_KINDS_DMR_H
#define SBXAPPLY_KINDS_KINDS_DMR_H
/* The kinds that live in Docker Model Runner (kind_model.c, kind_package.c, kind_runtime.c). */
#include <stddef.h>

#include "plan/kind.h"

extern const struct kind kind_model;
extern const struct kind kind_package;
extern const struct kind kind_runtime;

/*
 * kind_registry.identify for the runner's kinds: the id of every model pulled
 * and variant made, and a variant's base, from one GET /models after the
 * run. Nothing waits on it; if the runner does not answer, the ids stay unset.
 */
void kinds_dmr_identify(struct engine *e, const struct action *const *made, size_t nr);

#endif
