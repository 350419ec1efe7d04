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
/* Closes *fd when open and marks it closed (-1), so a second call is harmless. */
void close_fd(int *fd);

#endif
