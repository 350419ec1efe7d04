#include "watch.h"

#include <errno.h>
#include <fcntl.h>
#include <inotifytools/inotifytools.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "os/monotime.h"
#include "util/xalloc.h"

#define EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MODIFY | IN_ATTRIB)

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

static bool is_inotify(int fd)
{
	char link[64], target[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	return !strcmp(target, "anon_inode:inotify");
}

int file_watch_open(struct file_watch *w, const char *const *paths, int nr_paths, struct strbuf *err)
{
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	/*
	 * libinotifytools does not hand out its descriptor and waits in whole
	 * seconds. It is the lowest free descriptor when it initialises (one
	 * thread, nothing opened between), so take that one when /proc says it is
	 * an inotify instance; otherwise wait in one-second steps as before.
	 */
	int lowest = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (lowest >= 0)
		close(lowest);
	w->dir = dir_of(paths[0]);
	w->names = xcalloc((size_t)nr_paths, sizeof(*w->names));
	for (int i = 0; i < nr_paths; i++) {
		const char *slash = strrchr(paths[i], '/');
		w->names[w->nr_names++] = xstrdup(slash ? slash + 1 : paths[i]);
	}
	if (!inotifytools_initialize()) {
		strbuf_addf(err, "cannot watch files: %s", strerror(inotifytools_error()));
		return -1;
	}
	if (!inotifytools_watch_file(w->dir, EVENTS)) {
		strbuf_addf(err, "cannot watch '%s': %s", w->dir, strerror(inotifytools_error()));
		inotifytools_cleanup();
		return -1;
	}
	if (lowest >= 0 && is_inotify(lowest)) {
		w->fd = lowest;
		fcntl(w->fd, F_SETFD, FD_CLOEXEC); /* the sbx children need not hold it */
	}
	return 0;
}

static bool cancelled(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return fd >= 0 && poll(&p, 1, 0) > 0;
}

/*
 * One event about a file we watch within timeout_s seconds. libinotifytools
 * counts in whole seconds and blocks on 0, hence the one-second steps here.
 * Returns 1 for our files, 2 for another file of the directory, 0 for none.
 */
static int next_relevant(struct file_watch *w, long timeout_s)
{
	struct inotify_event *ev = inotifytools_next_event(timeout_s);
	if (!ev)
		return inotifytools_error() && inotifytools_error() != EINTR ? -1 : 0;
	for (int i = 0; i < w->nr_names; i++)
		if (ev->len && !strcmp(ev->name, w->names[i]))
			return 1;
	return 2;
}

/* The whole-second wait, for when the descriptor is not known. */
static int wait_in_seconds(struct file_watch *w, int cancel_fd)
{
	int r;
	do {
		if (cancelled(cancel_fd))
			return 0;
		r = next_relevant(w, 1);
	} while (r == 0 || r == 2);
	if (r < 0)
		return -1;
	/* a save is often several events: wait for a quiet second, ten at most */
	for (int i = 0; i < 10; i++) {
		if (cancelled(cancel_fd))
			return 0;
		if ((r = next_relevant(w, 1)) <= 0)
			return r < 0 ? -1 : 1;
	}
	return 1;
}

/* Reads what the descriptor holds: 1 when an event named one of our files, 0 when none did, -1 on an error. */
static int drain(struct file_watch *w)
{
	char buf[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n = read(w->fd, buf, sizeof(buf));
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	int ours = 0;
	for (char *p = buf; p < buf + n;) {
		const struct inotify_event *ev = (const struct inotify_event *)p;
		for (int i = 0; i < w->nr_names && ev->len; i++)
			if (!strcmp(ev->name, w->names[i]))
				ours = 1;
		p += sizeof(*ev) + ev->len;
	}
	return ours;
}

/*
 * Waits on the descriptor and the cancel fd together, so an idle watch
 * sleeps in poll() (no wake-ups at all) and a save is seen at once. Events
 * that came while the caller was busy (a run in progress) are still queued,
 * so they count as one save here: one more run covers them all.
 */
int file_watch_wait(struct file_watch *w, int cancel_fd, long quiet_ms)
{
	if (w->fd < 0)
		return wait_in_seconds(w, cancel_fd);
	if (quiet_ms < 0)
		quiet_ms = 0;
	struct pollfd fds[2] = { { .fd = w->fd, .events = POLLIN }, { .fd = cancel_fd, .events = POLLIN } };
	nfds_t nfds = cancel_fd >= 0 ? 2 : 1;
	long long last = -1, first = -1; /* when our files last changed, and first */
	for (;;) {
		int timeout = -1;
		if (last >= 0) {
			long long left = last + quiet_ms - monotime_ms();
			/* editors that keep writing: act after ten seconds anyway */
			long long cap = first + 10000 - monotime_ms();
			if (cap < left)
				left = cap;
			if (left <= 0)
				return 1;
			timeout = (int)left;
		}
		int r = poll(fds, nfds, timeout);
		if (r < 0 && errno != EINTR)
			return -1;
		if (r <= 0)
			continue;
		if (nfds > 1 && fds[1].revents)
			return 0;
		if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL))
			return -1;
		int ours = drain(w);
		if (ours < 0)
			return -1;
		if (ours) {
			last = monotime_ms();
			if (first < 0)
				first = last;
		}
	}
}

void file_watch_close(struct file_watch *w)
{
	inotifytools_cleanup();
	for (int i = 0; i < w->nr_names; i++)
		free(w->names[i]);
	free(w->names);
	free(w->dir);
	memset(w, 0, sizeof(*w));
}
