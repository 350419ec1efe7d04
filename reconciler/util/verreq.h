#ifndef SBXAPPLY_UTIL_VERREQ_H
#define SBXAPPLY_UTIL_VERREQ_H
/*
 * Version requirements such as ">=0.33" or ">=0.33, <0.50" (the file's
 * `requires:`). Terms are joined by commas and must all hold; each is an
 * operator (>=, >, <=, <, =) and a version of one to three numbers, with an
 * optional leading 'v'. A partial version stands for the whole range it
 * names, as npm's semver does: "=0.33" is any 0.33.x, ">0.33" is 0.34.0 and
 * later, "<=0.33" is anything before 0.34.0.
 *
 * Pure and allocation-free: a verreq holds at most VERREQ_MAX terms.
 */
#include <stdbool.h>

#define VERREQ_MAX 8

enum verreq_op {
	VERREQ_GE,
	VERREQ_GT,
	VERREQ_LE,
	VERREQ_LT,
	VERREQ_EQ,
};

struct verreq_term {
	enum verreq_op op;
	int parts[3];
	int nr_parts; /* 1 to 3: how many numbers were written */
};

struct verreq {
	struct verreq_term terms[VERREQ_MAX];
	int nr;
};

/* 0 with out filled, or -1 with *why set to a static reason. */
int verreq_parse(struct verreq *out, const char *text, const char **why);
/* Whether version major.minor.patch meets every term. */
bool verreq_match(const struct verreq *r, int major, int minor, int patch);

#endif
