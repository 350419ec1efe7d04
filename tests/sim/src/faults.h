/*
 * faults: failure and latency injection driven by SBXSIM_FAULTS and
 * SBXSIM_LATENCY_MS (syntax in tests/sim/README.md):
 *
 *   SBXSIM_FAULTS="RULE;RULE;..."   RULE = OP[#N|#N+|#N-M]=ACTION[:ARG[:MESSAGE]]
 *
 * OP names a call ("sbx.ls", "sbx.policy.allow", "http.GET /models",
 * "http.POST /models/create", "pull"); a trailing '*' matches a prefix.
 * Calls are counted per OP pattern across processes, in
 * "<state>/counters.json" under the state lock, so "#2" means the second
 * matching call of the whole test, whichever process made it.
 */
#ifndef SBXSIM_FAULTS_H
#define SBXSIM_FAULTS_H

#include <stdbool.h>
#include <stddef.h>

enum fault_action {
	FAULT_NONE,
	FAULT_EXIT,	/* sbx: message on stderr, exit code */
	FAULT_STATUS,	/* http: text/plain error with that status */
	FAULT_HANG,	/* never answer, until killed */
	FAULT_GARBAGE,	/* answer something that is not the expected format */
	FAULT_TRUNCATE, /* answer the first half of the real output */
	FAULT_DELAY,	/* sleep ARG ms, then behave normally */
	FAULT_CUT,	/* pull: end the stream cleanly at ARG% without success */
	FAULT_DROP,	/* pull: drop the connection at ARG% */
	FAULT_ERROR,	/* pull: {"type":"error"} line at ARG%, then end */
};

struct fault_rule {
	char *op;
	long from, to; /* call numbers, 1-based; to < 0 means open-ended */
	enum fault_action action;
	long arg;
	char *message; /* may be NULL */
};

struct fault {
	enum fault_action action;
	long arg;
	char message[256];
};

/* Parse a spec; returns 0, or -1 with a message in *err (caller frees). */
int faults_parse(const char *spec, struct fault_rule **out, size_t *n, char **err);
void faults_free(struct fault_rule *rules, size_t n);
bool faults_op_matches(const char *pattern, const char *op);

/* Parse SBXSIM_FAULTS now, exiting on a bad spec (a server calls this at
 * start so a typo fails loudly before the first request). */
void faults_init(void);
/* Count this call of op and return the first rule that fires (delays are
 * slept here and do not stop the search).  false when nothing fires. */
bool faults_check(const char *op, struct fault *out);
/* Delays and hangs end early once *stop is true (a server shutting down
 * must not wait out a 20 s delay rule). */
void faults_set_stop_flag(volatile const bool *stop);
/* Sleep SBXSIM_LATENCY_MS. */
void faults_latency(void);
/* Block forever (a hung call); returns only if *stop becomes true. */
void faults_hang(volatile const bool *stop);

#endif
