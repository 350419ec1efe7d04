#ifndef SBXAPPLY_TESTS_SPAWN_TEST_HELPERS_H
#define SBXAPPLY_TESTS_SPAWN_TEST_HELPERS_H
/*
 * Helpers the os/spawn test programs share: run a command line or a shell
 * script with a timeout, and look for a whole line in captured output.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "os/spawn.h"

#define SH "/bin/sh"

/* Runs argv with the given timeout; the result must be released by the caller. */
static inline int run_argv(const char *const *argv, int timeout_ms, struct spawn_result *res)
{
	struct spawn_request req = SPAWN_REQUEST_INIT;
	int rc, e;
	spawn_request_args(&req, argv);
	req.timeout_ms = timeout_ms;
	rc = spawn_run(&req, res);
	e = errno;
	spawn_request_release(&req);
	errno = e;
	return rc;
}

static inline int run_sh(const char *script, int timeout_ms, struct spawn_result *res)
{
	const char *argv[] = { SH, "-c", script, NULL };
	return run_argv(argv, timeout_ms, res);
}

static inline bool has_line(const struct strbuf *sb, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = sb->buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, line, n) && (p[n] == '\n' || !p[n]))
			return true;
	return false;
}

#endif
