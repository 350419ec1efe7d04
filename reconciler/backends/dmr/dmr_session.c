#include "dmr_session.h"

#include <stdlib.h>
#include <string.h>

#include "refs/modelref.h"
#include "util/xalloc.h"

void dmr_session_init(struct dmr_session *s, const struct dmr_discovery *where, int cancel_fd,
		      atomic_ulong *http_calls, atomic_ulong *process_calls)
{
	memset(s, 0, sizeof(*s));
	dmr_init(&s->dmr);
	s->dmr.cancel_fd = cancel_fd;
	s->dmr.counter = http_calls;
	s->dmr.process_counter = process_calls;
	s->where = *where;
	pthread_mutex_init(&s->lock, NULL);
	strbuf_init(&s->error);
}

void dmr_session_release(struct dmr_session *s)
{
	dmr_models_free(s->models, s->nr_models);
	dmr_release(&s->dmr);
	strbuf_release(&s->error);
	pthread_mutex_destroy(&s->lock);
	memset(s, 0, sizeof(*s));
}

static struct dmr *client_locked(struct dmr_session *s, struct strbuf *err)
{
	if (s->state == 0)
		s->state = dmr_connect(&s->dmr, &s->where, &s->error) == 0 ? 1 : -1;
	if (s->state > 0)
		return &s->dmr;
	strbuf_addstr(err, s->error.buf);
	return NULL;
}

struct dmr *dmr_session_client(struct dmr_session *s, struct strbuf *err)
{
	pthread_mutex_lock(&s->lock);
	struct dmr *d = client_locked(s, err);
	pthread_mutex_unlock(&s->lock);
	return d;
}

int dmr_session_models(struct dmr_session *s, const struct dmr_model **out, size_t *nr, struct strbuf *err)
{
	pthread_mutex_lock(&s->lock);
	struct dmr *d = client_locked(s, err);
	int rc = -1;
	if (d) {
		/* one GET /models serves every kind that needs the list */
		if (s->models_state == 0)
			s->models_state = dmr_list(d, &s->models, &s->nr_models, &s->error) == 0 ? 1 : -1;
		rc = s->models_state > 0 ? 0 : -1;
		if (rc < 0)
			strbuf_addstr(err, s->error.buf);
	}
	*out = s->models;
	*nr = s->nr_models;
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int dmr_find_ids(struct dmr *d, const char *const *refs, char **ids, size_t nr_refs, struct strbuf *err)
{
	struct dmr_model *models;
	size_t nr;
	for (size_t r = 0; r < nr_refs; r++)
		ids[r] = NULL;
	if (dmr_list(d, &models, &nr, err) < 0)
		return -1;
	int missing = 0;
	for (size_t r = 0; r < nr_refs; r++) {
		for (size_t i = 0; i < nr && !ids[r]; i++)
			for (size_t t = 0; t < models[i].nr_tags && !ids[r]; t++)
				if (modelref_equal(models[i].tags[t], refs[r]))
					ids[r] = xstrdup(models[i].id);
		if (!ids[r]) {
			strbuf_addf(err, "%s'%s' is not in the runner's list", missing ? "; " : "", refs[r]);
			missing = -1;
		}
	}
	dmr_models_free(models, nr);
	return missing;
}

int dmr_session_each_tag(struct dmr_session *s,
			 void (*fn)(const struct dmr_model *m, const char *canonical, void *ctx), void *ctx,
			 struct strbuf *err)
{
	const struct dmr_model *models;
	size_t nr;
	if (dmr_session_models(s, &models, &nr, err) < 0)
		return -1;
	for (size_t i = 0; i < nr; i++)
		for (size_t t = 0; t < models[i].nr_tags; t++) {
			char *canonical = modelref_normalize(models[i].tags[t]);
			fn(&models[i], canonical, ctx);
			free(canonical);
		}
	return 0;
}
