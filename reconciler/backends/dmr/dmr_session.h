#ifndef SBXAPPLY_BACKENDS_DMR_DMR_SESSION_H
#define SBXAPPLY_BACKENDS_DMR_DMR_SESSION_H
/*
 * The runner as one run sees it: found and connected on first use, its model
 * list fetched once and shared by every kind that needs it. Thread-safe: the
 * kinds observe and apply from several threads at once.
 *
 * A session owns its dmr, the model list and the error text; the discovery
 * strings are borrowed and must outlive it. Functions return 0 or -1 and
 * append one line to err; a failed connection or listing is remembered, so
 * every later caller gets the same answer without asking again.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "backends/dmr/dmr.h"
#include "util/strbuf.h"

struct dmr_session {
	struct dmr dmr;
	struct dmr_discovery where; /* borrowed strings */
	pthread_mutex_t lock;
	int state;	     /* 0 not tried, 1 connected, -1 unavailable */
	int models_state;    /* the same, for GET /models */
	struct strbuf error; /* why the runner or its list is unavailable */
	struct dmr_model *models;
	size_t nr_models;
};

void dmr_session_init(struct dmr_session *s, const struct dmr_discovery *where, int cancel_fd,
		      atomic_ulong *http_calls, atomic_ulong *process_calls);
void dmr_session_release(struct dmr_session *s);
/* The connected runner, or NULL with err. */
struct dmr *dmr_session_client(struct dmr_session *s, struct strbuf *err);
/* The runner's models (listed once per session, owned by it). */
int dmr_session_models(struct dmr_session *s, const struct dmr_model **out, size_t *nr, struct strbuf *err);
/* Calls fn once per tag in the runner's store, with the tag's canonical form (refs/modelref.h). */
int dmr_session_each_tag(struct dmr_session *s,
			 void (*fn)(const struct dmr_model *m, const char *canonical, void *ctx), void *ctx,
			 struct strbuf *err);

/*
 * The ids of the models tags name now, from one fresh GET /models (after a
 * change): ids[i] gets refs[i]'s id (malloc'd) or NULL. Returns 0 when every
 * tag was found, else -1 with err.
 */
int dmr_find_ids(struct dmr *d, const char *const *refs, char **ids, size_t nr_refs, struct strbuf *err);

#endif
