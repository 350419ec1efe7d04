#ifndef SBXAPPLY_UTIL_FILEIO_H
#define SBXAPPLY_UTIL_FILEIO_H
/* Whole-file reads with a size cap. Return 0, or -1 with errno (EFBIG past the cap). */
#include <stddef.h>
#include <stdio.h>

#include "strbuf.h"

int read_file(const char *path, struct strbuf *out, size_t max);
int read_stream(FILE *in, struct strbuf *out, size_t max);

#endif
