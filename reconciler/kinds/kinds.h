#ifndef SBXAPPLY_KINDS_KINDS_H
#define SBXAPPLY_KINDS_KINDS_H
/*
 * The registry the commands hand to the engine: every kind in plan order and
 * the backends they live in (Docker Model Runner and the sbx CLI). The
 * engine holds the backends as an opaque pointer; kinds reach them here.
 */
#include "backends/dmr/dmr_session.h"
#include "backends/sbx/sbx.h"
#include "plan/kind.h"

struct engine;

/* What the command line says about the backends (backend_env.options). */
struct kinds_options {
	const char *runner_url; /* --runner; NULL: runner.endpoint, MODEL_RUNNER_HOST, discovery */
	bool observe_only;	/* the command changes nothing: discovery must not start a runner either */
};

struct backends {
	struct dmr_session dmr;
	struct sbx_client sbx;
};

extern const struct kind_registry kinds_registry;

/* The run's backends (engine_backends(), typed). */
struct backends *kinds_backends(struct engine *e);

/* kind.backend_of for the runner's kinds (its endpoint, recorded only) and sbx's (the binary's path; its version). */
void kinds_dmr_backend_of(struct engine *e, const char **where, const char **info);
void kinds_sbx_backend_of(struct engine *e, const char **where, const char **info);

#endif
