#ifndef SBXAPPLY_TESTS_CHECK_MAIN_H
#define SBXAPPLY_TESTS_CHECK_MAIN_H
/*
 * The end of every test program: run the suite in Check's fork mode (each
 * test in its own process, so a crash stays in one test and timeouts work),
 * unless CK_FORK=no asks otherwise (valgrind runs them so), and exit non-zero
 * when any test failed.
 */
#include <check.h>
#include <stdlib.h>

static inline int check_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
