#ifndef SBXAPPLY_CORE_SBX_H
#define SBXAPPLY_CORE_SBX_H
/*
 * The Docker Sandboxes `sbx` CLI as a backend (FACTS.md sections 6 and 7).
 * Its syntax and output change between releases and it prints banners
 * before JSON, so this adapter detects the version once per run, picks a
 * capability profile from it, and parses defensively.
 *
 * Every call is an argv (io/spawn.h: no shell), with a timeout, stdin from
 * /dev/null unless data is meant to go in (secret values go on stdin, never
 * in argv), `--no-input` where the version has it, and JSON parsed from the
 * first '{' or '['. Safe to use from several threads once detected.
 * Functions return 0 or -1 with one line appended to err.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "io/spawn.h"
#include "util/strbuf.h"

struct sbx_caps {
	int major, minor, patch;
	bool sandbox_flag;	/* rules scoped with --sandbox NAME (v0.32+); before: positional */
	bool no_input;		/* global --no-input (v0.32+) */
	bool ls_format_json;	/* ls --format json (v0.32+) */
	bool policy_ls_wide;	/* policy ls --wide rule table (v0.35+) */
	bool create_env;	/* create -e KEY=VALUE (v0.39+) */
	bool policy_ls_json;	/* policy ls --json (v0.42+) */
};

struct sbx_client {
	char *program;		/* "sbx", or $SBXAPPLY_SBX */
	int timeout_ms;		/* per call */
	int cancel_fd;
	atomic_ulong *counter;	/* every process started */
	pthread_mutex_t lock;
	int state;		/* 0 not detected, 1 ready, -1 unavailable */
	struct strbuf error;	/* why unavailable */
	struct strbuf warning;	/* e.g. an unknown newer version */
	struct sbx_caps caps;
};

void sbx_client_init(struct sbx_client *c, int cancel_fd, atomic_ulong *counter);
void sbx_client_release(struct sbx_client *c);
/* Runs `sbx version` once and picks the profile; -1 (with how to install sbx) when missing. */
int sbx_client_detect(struct sbx_client *c, struct strbuf *err);

#endif
