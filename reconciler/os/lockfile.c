#include "lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "util/xalloc.h"

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void describe_holder(int fd, struct strbuf *holder)
{
	char buf[128];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long pid = 0;
	long long started = 0;
	if (n > 0) {
		buf[n] = '\0';
		sscanf(buf, "%ld %lld", &pid, &started);
	}
	if (!pid) {
		strbuf_addstr(holder, "another sbxapply run");
		return;
	}
	time_t t = (time_t)started;
	struct tm tm;
	char when[64] = "an unknown time";
	if (started && localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	strbuf_addf(holder, "sbxapply pid %ld, running since %s", pid, when);
}

int lockfile_acquire(struct lockfile *lock, const char *path, long timeout_ms, struct strbuf *holder)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		strbuf_addf(holder, "cannot open lock file '%s': %s", path, strerror(errno));
		return -1;
	}
	long waited = 0, step = 50;
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			strbuf_addf(holder, "cannot lock '%s': %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (waited >= timeout_ms) {
			describe_holder(fd, holder);
			close(fd);
			return 1;
		}
		sleep_ms(step);
		waited += step;
	}
	char line[64];
	int n = snprintf(line, sizeof(line), "%ld %lld\n", (long)getpid(), (long long)time(NULL));
	if (ftruncate(fd, 0) < 0 || pwrite(fd, line, (size_t)n, 0) != n) {
		/* the lock holds all the same; only the holder's description is lost */
	}
	lock->fd = fd;
	lock->path = xstrdup(path);
	return 0;
}

void lockfile_release(struct lockfile *lock)
{
	if (lock->fd >= 0) {
		if (ftruncate(lock->fd, 0) < 0) {
			/* nothing to do: the lock is released below either way */
		}
		flock(lock->fd, LOCK_UN);
		close(lock->fd);
	}
	free(lock->path);
	lock->fd = -1;
	lock->path = NULL;
}
