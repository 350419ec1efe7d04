#ifndef SBXAPPLY_TESTS_SIM_RUNNER_H
#define SBXAPPLY_TESTS_SIM_RUNNER_H
/*
 * sbxsim's runner for the unit tests that need a Docker Model Runner: started
 * on a free 127.0.0.1 port with its state under dir/sim (SBXSIM_STATE_DIR is
 * set for the sbxsim processes the test starts), stopped with SIGTERM.
 * Returns the runner's URL (malloc'd) and its pid in *pid; fails the test
 * when it does not come up.
 */
#include <sys/types.h>

char *sim_runner_start(const char *dir, const char *pull_ms, pid_t *pid);
void sim_runner_stop(pid_t pid);

#endif
