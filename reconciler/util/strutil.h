#ifndef SBXAPPLY_UTIL_STRUTIL_H
#define SBXAPPLY_UTIL_STRUTIL_H
/* Small string helpers. Nothing here allocates unless its name says so. */
#include <stdbool.h>
#include <stddef.h>

bool str_starts_with(const char *s, const char *prefix);
bool str_ends_with(const char *s, const char *suffix);
/* Levenshtein distance with adjacent transpositions (optimal string alignment). */
size_t str_edit_distance(const char *a, const char *b);
/*
 * The candidate closest to word, or NULL when none is close enough to be the
 * likely intended spelling (distance at most a third of the longer word, min 1).
 */
const char *str_suggest(const char *word, const char *const *candidates, size_t n);
/* Parses a whole decimal integer in [min,max]; false on any other text. */
bool str_to_long(const char *s, long min, long max, long *out);

#endif
