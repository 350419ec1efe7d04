#ifndef SBXAPPLY_UTIL_XALLOC_H
#define SBXAPPLY_UTIL_XALLOC_H
/*
 * Allocation that never returns NULL: on exhaustion the process prints one line
 * and exits 70 (EX_SOFTWARE). A command-line tool has nothing better to do, and
 * this removes a whole class of error paths (tmux's policy).
 */
#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grows *ptr (holding *alloc elements of elem_size) to hold at least need elements. */
void xgrow(void **ptr, size_t *alloc, size_t need, size_t elem_size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#define XGROW(arr, alloc, need) xgrow((void **)&(arr), &(alloc), (need), sizeof(*(arr)))

#endif
