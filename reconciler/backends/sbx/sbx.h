#ifndef SBXAPPLY_BACKENDS_SBX_SBX_H
#define SBXAPPLY_BACKENDS_SBX_SBX_H
/*
 * The Docker Sandboxes `sbx` CLI as a backend (docs/backends.md §6 to §11).
 * Its syntax and output change between releases and it prints banners
 * before JSON, so this adapter detects the version once per run, picks a
 * capability profile from it (sbx_parse.h), and parses defensively.
 *
 * Every call is an argv (os/spawn.h: no shell), with a timeout, stdin from
 * /dev/null unless data is meant to go in (secret values go on stdin, never
 * in argv), `--no-input` where its help lists it, and JSON parsed from the
 * first '{' or '['. Safe to use from several threads once detected: the
 * three listings (`sbx ls`, `sbx policy ls`, `sbx secret ls`) are made once
 * per client and shared, so kinds observed in parallel cost one call each.
 * Functions return 0 or -1 with one line appended to err; no message ever
 * holds a secret value or the output of `sbx secret ls` (it shows parts of
 * the values).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "backends/sbx/sbx_caps.h"
#include "os/spawn.h"
#include "util/strbuf.h"

/* One listing made at most once per client, shared by the threads that need it. */
struct sbx_once {
	pthread_mutex_t lock;
	int state; /* 0 not made, 1 made, -1 failed */
	struct strbuf out, err;
};

struct sbx_client {
	char *program;	/* "sbx", or $SBXAPPLY_SBX */
	int timeout_ms; /* per call; $SBXAPPLY_SBX_TIMEOUT_MS overrides */
	int cancel_fd;
	atomic_ulong *counter; /* every process started */
	pthread_mutex_t lock;
	int state;	       /* 0 not detected, 1 ready, -1 unavailable */
	struct strbuf error;   /* why unavailable */
	struct strbuf warning; /* e.g. an unknown newer version */
	bool warned;	       /* the warning was handed out */
	struct sbx_caps caps;
	char *cache_dir;    /* where the capability cache lives; NULL: no cache */
	char *path;	    /* the program as resolved on PATH, once detected */
	char *version_line; /* the first line `sbx version` printed */
	char version[32];   /* "v0.45.1", once detected */
	bool from_cache;    /* caps came from the cache: nothing was probed this run */
	int probes;	    /* help pages asked for this run */
	struct sbx_once ls, policy_ls, policy_ls_wide, secret_ls;
};

void sbx_client_init(struct sbx_client *c, int cancel_fd, atomic_ulong *counter);
void sbx_client_release(struct sbx_client *c);
/* Keeps the capability cache in dir (copied); without it every detection probes. */
void sbx_client_set_cache_dir(struct sbx_client *c, const char *dir);
/*
 * Learns the version and the capabilities once per client: from the cache
 * when it holds this binary, else `sbx version` and the help pages, in
 * parallel, then saved (a cache that cannot be written is only a lost
 * saving). -1 (with how to install sbx) when the program is missing.
 */
int sbx_client_detect(struct sbx_client *c, struct strbuf *err);
/* Drops this binary's entry from the capability cache (its answer proved wrong). */
void sbx_client_forget_cached(struct sbx_client *c);
/* The detection warning, once per client (for the log); false when there is none or it was taken. */
bool sbx_client_take_warning(struct sbx_client *c, struct strbuf *out);

/*
 * Runs `sbx [--no-input] ARGS...` (args NULL-terminated) with `in` on stdin
 * when in_len > 0, else /dev/null. 0 when it exited 0; otherwise -1 with
 * "'sbx ls' timed out ..." / "'sbx create' failed: <first stderr line>" in err.
 * res keeps the outputs either way (the caller may look for known texts).
 */
int sbx_call(struct sbx_client *c, const char *const *args, const void *in, size_t in_len,
	     struct spawn_result *res, struct strbuf *err);
/* The same with a timeout of its own (the client's is shared by every thread using it). */
int sbx_call_timeout(struct sbx_client *c, const char *const *args, const void *in, size_t in_len, int timeout_ms,
		     struct spawn_result *res, struct strbuf *err);

/* Runs `sbx ARGS...` exactly as given: no --no-input, no detection first (the probes use it). */
int sbx_run_plain(struct sbx_client *c, const char *const *args, int timeout_ms, struct spawn_result *res,
		  struct strbuf *err);

/*
 * The raw stdout of the listings in the format this version has, made once
 * per client: `ls --json` (or `--format json`), `policy ls --json|--wide|(table)`,
 * `secret ls`. The text stays owned by the client. sbx_policy_ls_wide_text()
 * is `policy ls --wide`, for when the JSON holds no rule that can be read.
 */
int sbx_ls_text(struct sbx_client *c, const struct strbuf **out, struct strbuf *err);
int sbx_policy_ls_text(struct sbx_client *c, const struct strbuf **out, struct strbuf *err);
int sbx_policy_ls_wide_text(struct sbx_client *c, const struct strbuf **out, struct strbuf *err);
int sbx_secret_ls_text(struct sbx_client *c, const struct strbuf **out, struct strbuf *err);
/* The arguments of `sbx policy ls` in format f (static; for a listing made again after a change). */
const char *const *sbx_policy_ls_args(enum sbx_policy_format f);

struct sbx_sandbox;
/* The sandboxes `sbx ls` shows, parsed from the shared listing; the caller frees them (sbx_sandboxes_free). */
int sbx_sandboxes(struct sbx_client *c, struct sbx_sandbox **out, size_t *nr, struct strbuf *err);
/* The same from a new `sbx ls` (after the run changed what it lists); not shared. */
int sbx_sandboxes_fresh(struct sbx_client *c, struct sbx_sandbox **out, size_t *nr, struct strbuf *err);
/*
 * The CLI's own reason for a failure, from its stderr, capped: the "ERROR: ..."
 * line when there is one (a deprecation warning may come first), else the
 * first non-empty line.
 */
void sbx_error_reason(const char *text, struct strbuf *out);
/* Whether a failed call says the sandbox does not exist (the wording changed across releases). */
bool sbx_no_such_sandbox(const struct spawn_result *res);

#endif
