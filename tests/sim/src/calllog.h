/*
 * calllog: one JSON object per line in "<state>/calls.log" for every sbx
 * invocation and every HTTP request, so tests and benchmarks can count the
 * calls a run made.  Each line is written with a single write(2) on an
 * O_APPEND descriptor under flock, so concurrent writers never interleave.
 *
 *   {"ts":1764213000.123,"pid":42,"kind":"sbx","argv":["sbx","ls","--json"]}
 *   {"ts":1764213000.456,"pid":41,"kind":"http","method":"GET","path":"/models","transport":"tcp"}
 */
#ifndef SBXSIM_CALLLOG_H
#define SBXSIM_CALLLOG_H

void calllog_sbx(int argc, char **argv);
/* query may be NULL; transport is "tcp" or "unix". */
void calllog_http(const char *method, const char *path, const char *query, const char *transport);
void calllog_other(const char *kind, int argc, char **argv);

#endif
