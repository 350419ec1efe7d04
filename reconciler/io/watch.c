#include "watch.h"

#include <errno.h>
#include <inotifytools/inotifytools.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>

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

int file_watch_open(struct file_watch *w, const char *const *paths, int nr_paths, struct strbuf *err)
{
	memset(w, 0, sizeof(*w));
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

int file_watch_wait(struct file_watch *w, int cancel_fd)
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

void file_watch_close(struct file_watch *w)
{
	inotifytools_cleanup();
	for (int i = 0; i < w->nr_names; i++)
		free(w->names[i]);
	free(w->names);
	free(w->dir);
	memset(w, 0, sizeof(*w));
}
