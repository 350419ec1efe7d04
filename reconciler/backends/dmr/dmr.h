#ifndef SBXAPPLY_BACKENDS_DMR_DMR_H
#define SBXAPPLY_BACKENDS_DMR_DMR_H
/*
 * Docker Model Runner through its HTTP API (docs/backends.md §1 to §5): list,
 * pull with the NDJSON progress stream, delete, repackage, runtime configure.
 * Model refs go into paths unescaped, as the runner expects.
 *
 * A dmr is safe to use from several threads once connected. Errors are
 * appended to `err` as one line naming the request; functions return 0 or -1.
 * Pulls are limited to DMR_PULL_SLOTS at a time (the runner's own limit: a
 * third request would block silently on its side, docs/backends.md §3).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "io/http.h"
#include "util/strbuf.h"

#define DMR_PULL_SLOTS 2

struct dmr_model {
	char *id;    /* "sha256:..." */
	char **tags; /* as the store lists them */
	size_t nr_tags;
	long context_size; /* config.context_size of a packaged variant, 0: none */
	char *size;	   /* config.size as the runner writes it ("256.35 MiB"), or NULL */
};

struct dmr_runtime_config {
	char *model; /* as the runner reports it */
	char *model_id;
	long context_size;   /* 0: not set */
	char *runtime_flags; /* JSON array text, NULL: none */
};

struct dmr {
	struct http_endpoint endpoint;
	char *found_via; /* where the endpoint came from, for messages */
	int cancel_fd;
	atomic_ulong *counter;	       /* HTTP requests */
	atomic_ulong *process_counter; /* `docker model status` runs */
	struct strbuf connect_body;    /* GET /models answered while connecting: the first list reuses it */
	bool connect_body_fresh;
	pthread_mutex_t pull_lock;
	pthread_cond_t pull_slot;
	int pulls_running;
	/* pull progress lines go here (stderr), NULL: quiet */
	/* outcome: 0 still pulling, 1 pulled, -1 failed */
	void (*progress)(void *ctx, const char *ref, long long done, long long total, int outcome);
	void *progress_ctx;
};

struct dmr_discovery {
	const char *flag_url;	/* --runner */
	const char *config_url; /* runner.endpoint */
	const char *env_url;	/* MODEL_RUNNER_HOST */
	/*
	 * The command changes nothing: `docker model status` is asked with
	 * MODEL_RUNNER_NO_AUTO_INSTALL=1, so that on Docker Engine it does not
	 * pull and start the standalone runner container (docs/backends.md §13).
	 */
	bool observe_only;
};

/* Where to look: --runner (flag_url) and runner.endpoint (config_url), either may be NULL, with MODEL_RUNNER_HOST from the environment. */
struct dmr_discovery dmr_discovery_of(const char *flag_url, const char *config_url, bool observe_only);

void dmr_init(struct dmr *d);
void dmr_release(struct dmr *d);
/*
 * Finds a runner that answers GET /models. An endpoint the user named
 * (--runner, then runner.endpoint, then MODEL_RUNNER_HOST) is the only one
 * tried; otherwise the one `docker model status --json` reports, then
 * http://localhost:12434, then the Docker Desktop socket. On failure err lists every place tried and how to enable
 * the runner.
 */
int dmr_connect(struct dmr *d, const struct dmr_discovery *where, struct strbuf *err);

/*
 * The runner's own version, from GET /version ({"version": ...}, served by
 * model-runner's pkg/server; docs/backends.md §2): 1 with *out (malloc'd),
 * 0 when the runner has no such route (404: older ones), -1 with err.
 */
int dmr_version(struct dmr *d, char **out, struct strbuf *err);
int dmr_list(struct dmr *d, struct dmr_model **out, size_t *nr, struct strbuf *err);
void dmr_models_free(struct dmr_model *models, size_t nr);
int dmr_pull(struct dmr *d, const char *ref, struct strbuf *err);
/*
 * What a pull of ref would download, asked before pulling: GET
 * /models/{ref}?remote=true (the registry's manifest and config, through the
 * runner; docs/backends.md §2), its config.size in bytes. 0 with *bytes; -1
 * with err when the runner cannot say (an older runner looks only locally
 * and answers 404, the registry is out of reach, the answer has no size).
 * Best effort: one attempt, cut short when cancel_fd (not the run's: -1 for
 * none) becomes readable.
 */
int dmr_remote_size(struct dmr *d, const char *ref, int cancel_fd, unsigned long long *bytes, struct strbuf *err);
/* config.size as the runner writes it ("14.17 GiB", "4.1 GB", "512 B") in bytes: 0, or -1 when it is not a size. */
int dmr_parse_size(const char *text, unsigned long long *bytes);
/* The body of GET /models/{ref}?remote=true to its config.size in bytes: 0, or -1 when it has none. */
int dmr_parse_remote_size(const char *text, size_t len, unsigned long long *bytes);
/* Removes one tag (the model goes when it was the last one); never forces. */
int dmr_delete(struct dmr *d, const char *ref, struct strbuf *err);
int dmr_repackage(struct dmr *d, const char *from, const char *target, long context_size, struct strbuf *err);
int dmr_configure(struct dmr *d, const char *model, long context_size, const char *const *flags, size_t nr_flags,
		  struct strbuf *err);
int dmr_list_configs(struct dmr *d, struct dmr_runtime_config **out, size_t *nr, struct strbuf *err);
void dmr_configs_free(struct dmr_runtime_config *configs, size_t nr);

/*
 * The pure parsers behind dmr_list, dmr_list_configs and dmr_pull, for tests
 * and fuzzing: the body of GET /models, of GET /engines/_configure, and the
 * pull's NDJSON progress stream line by line (docs/backends.md §2, §3).
 */
int dmr_parse_models(const char *text, size_t len, struct dmr_model **out, size_t *nr, struct strbuf *err);
int dmr_parse_configs(const char *text, size_t len, struct dmr_runtime_config **out, size_t *nr, struct strbuf *err);

struct dmr_pull_progress {
	bool success;
	struct strbuf error; /* the runner's error lines */
	long long total, done;
	/* latest `current` per layer id: done is their sum */
	char **layer_ids;
	long long *layer_done;
	size_t nr_layers, alloc_ids, alloc_done;
};

void dmr_pull_progress_init(struct dmr_pull_progress *p);
/* One line of the stream; 1 when it was a progress line (done and total are then up to date), else 0. */
int dmr_pull_progress_line(struct dmr_pull_progress *p, const char *line, size_t len);
void dmr_pull_progress_release(struct dmr_pull_progress *p);

#endif
