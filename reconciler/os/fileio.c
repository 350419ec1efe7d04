#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/xalloc.h"

int read_stream(FILE *in, struct strbuf *out, size_t max)
{
	char buf[65536];
	size_t n;
	errno = 0;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		if (out->len + n > max) {
			errno = EFBIG;
			return -1;
		}
		strbuf_add(out, buf, n);
	}
	if (ferror(in)) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return 0;
}

int read_file(const char *path, struct strbuf *out, size_t max)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	int rc = read_stream(f, out, max);
	int saved = errno;
	fclose(f);
	errno = saved;
	return rc;
}

int mkdir_p(const char *dir)
{
	char *copy = xstrdup(dir);
	int rc = 0;
	for (char *p = copy + 1; *p && !rc; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0700) < 0 && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	if (!rc && mkdir(copy, 0700) < 0 && errno != EEXIST)
		rc = -1;
	int saved = errno;
	free(copy);
	errno = saved;
	return rc;
}

void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int write_file_atomic(const char *path, const void *data, size_t len, struct strbuf *err)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), rc = -1;
	if (fd < 0) {
		strbuf_addf(err, "cannot write '%s': %s", tmp, strerror(errno));
		goto done;
	}
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, (const char *)data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			strbuf_addf(err, "cannot write '%s': %s", tmp, strerror(errno));
			goto done;
		}
		off += (size_t)n;
	}
	/* closed whatever fsync says: a failed fsync must not leak the descriptor */
	int bad = fsync(fd) < 0 ? errno : 0;
	if (close(fd) < 0 && !bad)
		bad = errno;
	fd = -1;
	if (bad) {
		strbuf_addf(err, "cannot write '%s': %s", tmp, strerror(bad));
		goto done;
	}
	if (rename(tmp, path) < 0) {
		strbuf_addf(err, "cannot replace '%s': %s", path, strerror(errno));
		goto done;
	}
	/* make the rename itself durable */
	int dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	rc = 0;
done:
	close_fd(&fd);
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	free(dir);
	return rc;
}
