/*
 * util: allocation that exits on failure, small file helpers and clocks.
 *
 * sbxsim is a test tool: running out of memory is not a condition worth a
 * recovery path, so x* functions print a message and exit(70) instead of
 * returning NULL.  File helpers return -1 with errno set on failure.
 */
#ifndef SBXSIM_UTIL_H
#define SBXSIM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SBXSIM_PRINTF(a, b) __attribute__((format(printf, a, b)))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) SBXSIM_PRINTF(1, 2);
_Noreturn void die(const char *fmt, ...) SBXSIM_PRINTF(1, 2);

/* Whole file as a NUL-terminated string; NULL with errno on failure. */
char *read_file(const char *path, size_t *len_out);
/* Write to a temporary sibling and rename(): readers never see half a file. */
int write_file_atomic(const char *path, const char *data, size_t len);
int mkdir_p(const char *path, mode_t mode);
/* Remove a tree; missing paths are not an error. */
int rm_rf(const char *path);

int64_t now_ms(void);
double now_s(void);
void sleep_ms(long ms);
/* RFC 3339 UTC timestamp for a Unix time. */
void format_rfc3339(char out[32], int64_t unix_s);

/* "sha256:" + 64 hex digits derived deterministically from seed (not a real
 * SHA-256: only stability and spread matter for fake ids). */
void fake_digest(char out[72], const char *seed);
/* A UUID-shaped string derived from seed. */
void fake_uuid(char out[37], const char *seed);

bool str_starts(const char *s, const char *prefix);
bool str_ends(const char *s, const char *suffix);
/* Human size the way Go's units.BytesSize prints it: "256.35 MiB". */
void format_binary_size(char out[32], uint64_t bytes);
/* Integer from the environment, def when unset or malformed. */
long env_long(const char *name, long def);

#endif
