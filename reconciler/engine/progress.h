#ifndef SBXAPPLY_ENGINE_PROGRESS_H
#define SBXAPPLY_ENGINE_PROGRESS_H
/*
 * What a run tells people while it works, as `docker pull` does: on a
 * terminal one live line per running pull (bytes done, total, rate, time
 * left) kept below the log lines; elsewhere a plain line per pull every few
 * seconds and one at the end; with --progress json one JSON object per line
 * (events), for tools. Thread-safe; owns its strings.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

enum progress_mode {
	PROGRESS_PLAIN,
	PROGRESS_TTY,
	PROGRESS_JSON,
};

struct progress_pull {
	char *ref;
	long long done, total;
	double started, last_print, sample_t;
	long long sample_done;
	double rate; /* bytes/s, smoothed */
};

struct progress {
	enum progress_mode mode;
	FILE *out;
	pthread_mutex_t lock;
	struct progress_pull *pulls;
	size_t nr, alloc;
	size_t drawn; /* live lines on screen (tty) */
	double last_draw;
};

void progress_init(struct progress *p, enum progress_mode mode, FILE *out);
void progress_release(struct progress *p);
/* outcome: 0 still pulling, 1 pulled, -1 failed (never reported as pulled). */
void progress_pull(struct progress *p, const char *ref, long long done, long long total, int outcome);
/* A log line (no newline), printed above the live lines; a "log" event in JSON mode. */
void progress_log(struct progress *p, const char *line);
/* "auto" (tty when out is a terminal, else plain), "plain", "tty" or "json"; -1 otherwise. */
int progress_mode_parse(const char *text, FILE *out);

#endif
