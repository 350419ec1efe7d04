/* The resource kinds, in plan order: one line per kind (see plan/kind.h), and their backends. */
#include "kinds/kinds.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "engine/engine.h"
#include "kinds/kinds_dmr.h"
#include "kinds/kinds_sbx.h"
#include "util/xalloc.h"

static const struct kind *const kind_table[] = {
	&kind_model,
	&kind_package,
	&kind_runtime,
	&kind_policy_init, /* before any rule: rules cannot be added to an uninitialised store */
	&kind_secret,	   /* global ones before sandboxes: they reach only sandboxes created later */
	&kind_sandbox,
	&kind_policy_rule, /* sandbox-scoped ones need their sandbox */
	&kind_env,	   /* written into the sandbox */
	NULL,
};

static void *backends_open(const struct backend_env *env)
{
	static const struct kinds_options none;
	const struct kinds_options *opts = env->options ? env->options : &none;
	struct dmr_discovery where = dmr_discovery_of(opts->runner_url, env->cfg->runner_endpoint, opts->observe_only);
	struct backends *b = xcalloc(1, sizeof(*b));
	dmr_session_init(&b->dmr, &where, env->cancel_fd, env->http_calls, env->process_calls);
	b->dmr.dmr.progress = env->pull_progress;
	b->dmr.dmr.progress_ctx = env->pull_progress_ctx;
	sbx_client_init(&b->sbx, env->cancel_fd, env->process_calls);
	sbx_client_set_cache_dir(&b->sbx, env->state_dir);
	return b;
}

static void backends_close(void *p)
{
	struct backends *b = p;
	if (!b)
		return;
	sbx_client_release(&b->sbx);
	dmr_session_release(&b->dmr);
	free(b);
}

/* What identifies the resources a run made: one listing per backend, side by side. */
struct identify_job {
	struct engine *e;
	const struct action *const *made;
	size_t nr;
};

static void *identify_sandboxes(void *p)
{
	struct identify_job *j = p;
	kinds_sbx_identify(j->e, j->made, j->nr);
	return NULL;
}

static void *identify_rules(void *p)
{
	struct identify_job *j = p;
	kinds_policy_identify(j->e, j->made, j->nr);
	return NULL;
}

/* `sbx ls`, `sbx policy ls` and GET /models side by side: one call's time after the run, not three. */
static void identify(struct engine *e, const struct action *const *made, size_t nr)
{
	struct identify_job job = { e, made, nr };
	void *(*const listings[])(void *) = { identify_sandboxes, identify_rules };
	pthread_t threads[2];
	bool threaded[2];
	for (size_t i = 0; i < 2; i++) {
		threaded[i] = pthread_create(&threads[i], NULL, listings[i], &job) == 0;
		if (!threaded[i])
			listings[i](&job);
	}
	kinds_dmr_identify(e, made, nr);
	for (size_t i = 0; i < 2; i++)
		if (threaded[i])
			pthread_join(threads[i], NULL);
}

const struct kind_registry kinds_registry = {
	.kinds = kind_table,
	.backends_open = backends_open,
	.backends_close = backends_close,
	.identify = identify,
};

struct backends *kinds_backends(struct engine *e)
{
	return engine_backends(e);
}

void kinds_dmr_backend_of(struct engine *e, const char **where, const char **info)
{
	const struct dmr_session *s = &kinds_backends(e)->dmr;
	*where = NULL;
	*info = s->state > 0 ? s->dmr.endpoint.url : NULL;
}

void kinds_sbx_backend_of(struct engine *e, const char **where, const char **info)
{
	const struct sbx_client *c = &kinds_backends(e)->sbx;
	*where = c->state > 0 ? c->path : NULL;
	*info = c->state > 0 ? c->version : NULL;
}
