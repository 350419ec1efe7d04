#ifndef SBXAPPLY_KINDS_KINDS_DMR_H
#define SBXAPPLY_KINDS_KINDS_DMR_H
/* The kinds that live in Docker Model Runner (kind_model.c, kind_package.c, kind_runtime.c). */
#include "plan/kind.h"

extern const struct kind kind_model;
extern const struct kind kind_package;
extern const struct kind kind_runtime;

#endif
