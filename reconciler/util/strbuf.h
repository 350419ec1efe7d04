#ifndef SBXAPPLY_UTIL_STRBUF_H
#define SBXAPPLY_UTIL_STRBUF_H
/*
 * A growable byte string (git's strbuf). Invariants: buf is never NULL and
 * buf[len] is always '\0', so it can be used as a C string at any time; it may
 * also hold NUL bytes inside. strbuf_detach() is the only way to take ownership
 * of the memory; strbuf_release() frees it and leaves an empty strbuf.
 */
#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char strbuf_empty_slot[1];
/* clang-format off */
#define STRBUF_INIT { .buf = strbuf_empty_slot, .len = 0, .alloc = 0 }
/* clang-format on */

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
char *strbuf_detach(struct strbuf *sb, size_t *len_out);
void strbuf_reset(struct strbuf *sb);
void strbuf_setlen(struct strbuf *sb, size_t len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addbuf(struct strbuf *sb, const struct strbuf *other);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addchars(struct strbuf *sb, int c, size_t n);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends s as a JSON string literal, quotes included. */
void strbuf_add_json_string(struct strbuf *sb, const char *s, size_t len);

#endif
