#ifndef SBXAPPLY_IO_WATCH_H
#define SBXAPPLY_IO_WATCH_H
/*
 * Waiting for a file to change, with libinotifytools. Editors often save by
 * writing a new file and renaming it over the old one, so the directory is
 * watched and events are matched by name. libinotifytools keeps global state:
 * one file_watch per process at a time, used from one thread.
 */
#include <stdbool.h>

#include "util/strbuf.h"

struct file_watch {
	char *dir;
	char **names; /* base names that count */
	int nr_names;
	int fd; /* libinotifytools' descriptor when it could be found, else -1 */
};

/* Watches the files (all in one directory); -1 with a message in err. */
int file_watch_open(struct file_watch *w, const char *const *paths, int nr_paths, struct strbuf *err);
/*
 * Blocks until one of the files changed and then stayed quiet for quiet_ms
 * (editors write in several steps; ten seconds at most): 1. Changes made
 * since the last call count, so saves made during a run are acted on once
 * afterwards. Returns 0 when cancel_fd became readable first, -1 on an
 * error. Sleeps in poll() on the inotify descriptor and cancel_fd; where the
 * descriptor cannot be found, waits in one-second steps and quiet_ms is a second.
 */
int file_watch_wait(struct file_watch *w, int cancel_fd, long quiet_ms);
void file_watch_close(struct file_watch *w);

#endif
