#ifndef SBXAPPLY_OS_FILEIO_H
#define SBXAPPLY_OS_FILEIO_H
/*
 * Files and descriptors. The reads cap the size they accept; every function
 * returns 0, or -1 with errno (EFBIG past a read's cap).
 */
#include <stddef.h>
#include <stdio.h>

#include "util/strbuf.h"

int read_file(const char *path, struct strbuf *out, size_t max);
int read_stream(FILE *in, struct strbuf *out, size_t max);
/* Creates dir and its missing parents, mode 0700 (private: state lives there); an existing one is fine. */
int mkdir_p(const char *dir);
/*
 * Replaces path with data atomically and durably: a private temporary file
 * beside it (PATH.tmp.PID, mode 0600), fsync, rename, fsync of the directory.
 * On failure the old file is intact and err says which step failed.
 */
int write_file_atomic(const char *path, const void *data, size_t len, struct strbuf *err);
/* Closes *fd when open and marks it closed (-1), so a second call is harmless. */
void close_fd(int *fd);

#endif
