#ifndef SBXAPPLY_TESTS_SCRATCH_DIR_TEST_HELPERS_H
#define SBXAPPLY_TESTS_SCRATCH_DIR_TEST_HELPERS_H
/*
 * A scratch directory under /tmp for one test, and files written into it.
 * Failures are test failures (ck_assert); scratch_dir_remove removes the whole
 * tree with rm -rf, run through fork/exec with an argv, never a shell.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* Fills dir (size bytes) with a fresh directory named /tmp/<prefix>.XXXXXX. */
static inline void scratch_dir_make(char *dir, size_t size, const char *prefix)
{
	ck_assert_int_lt(snprintf(dir, size, "/tmp/%s.XXXXXX", prefix), (int)size);
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static inline void scratch_dir_remove(const char *dir)
{
	pid_t pid = fork();
	if (pid == 0) {
		execlp("rm", "rm", "-rf", dir, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
}

static inline void scratch_write(const char *path, const void *text, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

#endif
