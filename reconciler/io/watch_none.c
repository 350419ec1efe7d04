/*
 * file_watch for builds without libinotifytools (SBXAPPLY_WATCH=OFF, or a
 * platform without inotify): every watch fails at once with a message that
 * says so, and `sbxapply watch` exits 2 before it applies anything.
 */
#include "watch.h"

int file_watch_open(struct file_watch *w, const char *const *paths, int nr_paths, struct strbuf *err)
{
	(void)paths;
	(void)nr_paths;
	*w = (struct file_watch){ .fd = -1 };
	strbuf_addstr(err, "this build of sbxapply has no watch mode (built without libinotifytools, which is "
			   "Linux-only); run 'sbxapply apply' after each change instead");
	return -1;
}

int file_watch_wait(struct file_watch *w, int cancel_fd, long quiet_ms)
{
	(void)w;
	(void)cancel_fd;
	(void)quiet_ms;
	return -1;
}

void file_watch_close(struct file_watch *w)
{
	(void)w;
}
