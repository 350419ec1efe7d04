#include "faults.h"

#include "state.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct fault_rule *g_rules;
static size_t g_nrules;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static volatile const bool *g_stop;

void faults_set_stop_flag(volatile const bool *stop)
{
	g_stop = stop;
}

static void nap(long ms)
{
	for (long left = ms; left > 0 && !(g_stop && *g_stop); left -= 20)
		sleep_ms(left < 20 ? left : 20);
}

static const struct {
	const char *name;
	enum fault_action action;
	bool needs_arg;
} actions[] = {
	{ "exit", FAULT_EXIT, true },
	{ "status", FAULT_STATUS, true },
	{ "hang", FAULT_HANG, false },
	{ "garbage", FAULT_GARBAGE, false },
	{ "truncate", FAULT_TRUNCATE, false },
	{ "delay", FAULT_DELAY, true },
	{ "cut", FAULT_CUT, true },
	{ "drop", FAULT_DROP, true },
	{ "error", FAULT_ERROR, true },
};

static int parse_long(const char *s, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s)
		return -1;
	if (*end == '%')
		end++;
	if (*end)
		return -1;
	*out = v;
	return 0;
}

static int parse_rule(char *text, struct fault_rule *r, char **err)
{
	memset(r, 0, sizeof(*r));
	r->from = 1;
	r->to = -1;
	char *eq = strchr(text, '=');
	if (!eq) {
		*err = xasprintf("fault rule '%s' has no '='", text);
		return -1;
	}
	*eq = '\0';
	char *action = eq + 1;
	char *hash = strrchr(text, '#');
	if (hash) {
		*hash = '\0';
		char *count = hash + 1, *end;
		r->from = strtol(count, &end, 10);
		if (end == count || r->from < 1) {
			*err = xasprintf("bad call number '#%s' in fault rule for '%s'", count, text);
			return -1;
		}
		if (*end == '+') {
			r->to = -1;
			end++;
		} else if (*end == '-') {
			char *e2;
			r->to = strtol(end + 1, &e2, 10);
			end = e2;
		} else {
			r->to = r->from;
		}
		if (*end) {
			*err = xasprintf("bad call number '#%s' in fault rule for '%s'", count, text);
			return -1;
		}
	}
	if (!*text) {
		*err = xstrdup("fault rule with an empty operation");
		return -1;
	}
	char *arg = strchr(action, ':');
	char *msg = NULL;
	if (arg) {
		*arg++ = '\0';
		msg = strchr(arg, ':');
		if (msg)
			*msg++ = '\0';
	}
	size_t i;
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(actions[i].name, action) == 0)
			break;
	if (i == sizeof(actions) / sizeof(actions[0])) {
		*err = xasprintf("unknown fault action '%s' for '%s'", action, text);
		return -1;
	}
	r->action = actions[i].action;
	if (actions[i].needs_arg && (!arg || parse_long(arg, &r->arg) < 0)) {
		*err = xasprintf("fault action '%s' for '%s' needs a number", action, text);
		return -1;
	}
	r->op = xstrdup(text);
	r->message = msg ? xstrdup(msg) : NULL;
	return 0;
}

int faults_parse(const char *spec, struct fault_rule **out, size_t *n, char **err)
{
	*out = NULL;
	*n = 0;
	*err = NULL;
	char *copy = xstrdup(spec ? spec : "");
	char *save = NULL;
	size_t cap = 0;
	for (char *tok = strtok_r(copy, ";\n", &save); tok; tok = strtok_r(NULL, ";\n", &save)) {
		while (*tok == ' ' || *tok == '\t')
			tok++;
		if (!*tok)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		if (parse_rule(tok, &(*out)[*n], err) < 0) {
			faults_free(*out, *n);
			*out = NULL;
			*n = 0;
			free(copy);
			return -1;
		}
		(*n)++;
	}
	free(copy);
	return 0;
}

void faults_free(struct fault_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rules[i].op);
		free(rules[i].message);
	}
	free(rules);
}

bool faults_op_matches(const char *pattern, const char *op)
{
	size_t len = strlen(pattern);
	if (len && pattern[len - 1] == '*')
		return strncmp(pattern, op, len - 1) == 0;
	return strcmp(pattern, op) == 0;
}

static void load_rules(void)
{
	char *err;
	if (faults_parse(getenv("SBXSIM_FAULTS"), &g_rules, &g_nrules, &err) < 0) {
		/* A typo in a test's fault spec must not pass silently as "no fault". */
		die("SBXSIM_FAULTS: %s", err);
	}
}

void faults_init(void)
{
	pthread_once(&g_once, load_rules);
}

bool faults_check(const char *op, struct fault *out)
{
	pthread_once(&g_once, load_rules);
	memset(out, 0, sizeof(*out));
	bool any = false;
	for (size_t i = 0; i < g_nrules && !any; i++)
		any = faults_op_matches(g_rules[i].op, op);
	if (!any)
		return false;

	/* One counter per distinct pattern, bumped once per call. */
	long *counts = xcalloc(g_nrules, sizeof(long));
	int fd = state_lock();
	cJSON *doc = state_load("counters.json", "{}");
	for (size_t i = 0; i < g_nrules; i++) {
		if (!faults_op_matches(g_rules[i].op, op))
			continue;
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			if (strcmp(g_rules[j].op, g_rules[i].op) == 0) {
				counts[i] = counts[j];
				seen = true;
			}
		if (seen)
			continue;
		cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, g_rules[i].op);
		counts[i] = (cJSON_IsNumber(v) ? (long)v->valuedouble : 0) + 1;
		cJSON_DeleteItemFromObjectCaseSensitive(doc, g_rules[i].op);
		cJSON_AddNumberToObject(doc, g_rules[i].op, (double)counts[i]);
	}
	state_save("counters.json", doc);
	cJSON_Delete(doc);
	state_unlock(fd);

	bool fired = false;
	for (size_t i = 0; i < g_nrules && !fired; i++) {
		const struct fault_rule *r = &g_rules[i];
		if (!counts[i] || counts[i] < r->from || (r->to >= 0 && counts[i] > r->to))
			continue;
		if (r->action == FAULT_DELAY) {
			nap(r->arg);
			continue;
		}
		out->action = r->action;
		out->arg = r->arg;
		if (r->message)
			snprintf(out->message, sizeof(out->message), "%s", r->message);
		fired = true;
	}
	free(counts);
	return fired;
}

void faults_latency(void)
{
	nap(env_long("SBXSIM_LATENCY_MS", 0));
}

void faults_hang(volatile const bool *stop)
{
	while (!stop || !*stop)
		sleep_ms(50);
}
