/*
 * calllog: one JSON object per line in "<state>/calls.log" for every sbx
 * invocation and every HTTP request, so tests and benchmarks can count the
 * calls a run made.  Each line is written with a single write(2) on an
 * O_APPEND descriptor under flock, so concurrent writers never interleave.
 *
 *   {"ts":1764213000.123,"pid":42,"kind":"sbx","argv":["sbx","ls","--json"],"concurrent":0}
 *   {"ts":1764213000.200,"pid":41,"kind":"pull-queued","argv":["docker.io/ai/qwen3-coder:latest"]}
 *   {"ts":1764213000.300,"pid":41,"kind":"pull","argv":["docker.io/ai/qwen3-coder:latest"],"active":2}
 *   {"ts":1764213000.456,"pid":41,"kind":"http","method":"GET","path":"/models","transport":"tcp"}
 *   {"ts":1764213000.789,"pid":43,"kind":"proxy","sandbox":"box","request":"GET http://host.docker.internal:12434/models",
 *    "target":"localhost:12434","decision":"allowed","rule":"..."}
 */
#ifndef SBXSIM_CALLLOG_H
#define SBXSIM_CALLLOG_H

/* concurrent: how many other sbx calls of the same command (first word after the
 * flags: "exec", "ls", "policy", ...) were running when this one started, each registered
 * under <state>/inflight for its lifetime; a test reads overlap from it, not from
 * timestamps.  pull-queued: a pull request that found the runner's two slots taken. */
void calllog_sbx(int argc, char **argv);
/* A pull that got a slot of the runner's two: active is how many run now, itself included. */
void calllog_pull(const char *ref, int active);
/* query may be NULL; transport is "tcp" or "unix". */
void calllog_http(const char *method, const char *path, const char *query, const char *transport);
void calllog_other(const char *kind, int argc, char **argv);
/* A sandbox proxy's decision (sbx_proxy.c): request is "GET http://host:port/path"
 * or "CONNECT host:port", target the host:port the rules were matched against,
 * decision "allowed" or "denied", rule the deciding rule's id or NULL. */
void calllog_proxy(const char *sandbox, const char *request, const char *target, const char *decision,
		   const char *rule);

#endif
