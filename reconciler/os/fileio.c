#include "fileio.h"

#include <errno.h>
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
