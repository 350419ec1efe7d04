#ifndef SBXAPPLY_IO_LIBINFO_H
#define SBXAPPLY_IO_LIBINFO_H
/* The runtime versions of the external libraries, as "libyaml 0.2.5, ...". */
#include "util/strbuf.h"

void io_library_versions(struct strbuf *out);

#endif
