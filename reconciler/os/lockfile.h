#ifndef SBXAPPLY_OS_LOCKFILE_H
#define SBXAPPLY_OS_LOCKFILE_H
/*
 * One run per project at a time: an flock(2) on a file beside the inventory.
 * The kernel drops the lock when its holder dies, so a killed run never blocks
 * anyone. The holder writes "pid start-time" into the file so that a waiting
 * run can say who holds it. The lock is held until lockfile_release() or exit.
 */
#include <stdbool.h>
#include <time.h>

#include "util/strbuf.h"

struct lockfile {
	int fd;
	char *path;
};

/* clang-format off */
#define LOCKFILE_INIT { .fd = -1, .path = NULL }
/* clang-format on */

/*
 * Waits up to timeout_ms (0: try once) for the lock. Returns 0 when held;
 * 1 when another process holds it (its pid and start time appended to
 * holder); -1 on a system error (message appended to holder).
 */
int lockfile_acquire(struct lockfile *lock, const char *path, long timeout_ms, struct strbuf *holder);
void lockfile_release(struct lockfile *lock);

#endif
