#include "util/verreq.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static int parse_term(struct verreq_term *t, const char **pp, const char **why)
{
	const char *p = skip_blanks(*pp);
	if (!strncmp(p, ">=", 2))
		t->op = VERREQ_GE, p += 2;
	else if (!strncmp(p, "<=", 2))
		t->op = VERREQ_LE, p += 2;
	else if (*p == '>')
		t->op = VERREQ_GT, p++;
	else if (*p == '<')
		t->op = VERREQ_LT, p++;
	else if (*p == '=')
		t->op = VERREQ_EQ, p++;
	else {
		*why = "each requirement starts with >=, >, <=, < or = (as in \">=0.33\")";
		return -1;
	}
	p = skip_blanks(p);
	if (*p == 'v')
		p++;
	t->nr_parts = 0;
	for (;;) {
		if (!isdigit((unsigned char)*p)) {
			*why = "a version is one to three numbers separated by dots (as in \"0.33\" or \"0.33.1\")";
			return -1;
		}
		long v = 0;
		while (isdigit((unsigned char)*p)) {
			v = v * 10 + (*p++ - '0');
			if (v > 1000000) {
				*why = "a version number is too large";
				return -1;
			}
		}
		t->parts[t->nr_parts++] = (int)v;
		if (*p != '.')
			break;
		if (t->nr_parts == 3) {
			*why = "a version has at most three numbers (major.minor.patch)";
			return -1;
		}
		p++;
	}
	for (int i = t->nr_parts; i < 3; i++)
		t->parts[i] = 0;
	*pp = skip_blanks(p);
	return 0;
}

int verreq_parse(struct verreq *out, const char *text, const char **why)
{
	memset(out, 0, sizeof(*out));
	const char *p = text;
	if (!*skip_blanks(p)) {
		*why = "an empty requirement: write one such as \">=0.33\"";
		return -1;
	}
	for (;;) {
		if (out->nr == VERREQ_MAX) {
			*why = "too many comma-separated requirements";
			return -1;
		}
		if (parse_term(&out->terms[out->nr++], &p, why) < 0)
			return -1;
		if (!*p)
			return 0;
		if (*p != ',') {
			*why = "requirements are separated by commas (as in \">=0.33, <0.50\")";
			return -1;
		}
		p++;
	}
}

/* <0, 0, >0 as a is before, equal to, after b. */
static int compare(const int a[3], const int b[3])
{
	for (int i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* The range a term's version names: [lo, hi). */
static void range_of(const struct verreq_term *t, int lo[3], int hi[3])
{
	memcpy(lo, t->parts, 3 * sizeof(int));
	memcpy(hi, t->parts, 3 * sizeof(int));
	int last = t->nr_parts - 1;
	hi[last] = hi[last] < INT_MAX ? hi[last] + 1 : INT_MAX;
	for (int i = last + 1; i < 3; i++)
		hi[i] = 0;
}

bool verreq_match(const struct verreq *r, int major, int minor, int patch)
{
	const int v[3] = { major, minor, patch };
	for (int i = 0; i < r->nr; i++) {
		int lo[3], hi[3];
		range_of(&r->terms[i], lo, hi);
		bool ok;
		switch (r->terms[i].op) {
		case VERREQ_GE: ok = compare(v, lo) >= 0; break;
		case VERREQ_GT: ok = compare(v, hi) >= 0; break;
		case VERREQ_LE: ok = compare(v, hi) < 0; break;
		case VERREQ_LT: ok = compare(v, lo) < 0; break;
		default: ok = compare(v, lo) >= 0 && compare(v, hi) < 0; break;
		}
		if (!ok)
			return false;
	}
	return true;
}
