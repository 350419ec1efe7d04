#include "sim_runner.h"

#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "os/fileio.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

char *sim_runner_start(const char *dir, const char *pull_ms, pid_t *pid)
{
	char *state = xasprintf("%s/sim", dir);
	ck_assert_int_eq(mkdir(state, 0700), 0);
	setenv("SBXSIM_STATE_DIR", state, 1);
	setenv("SBXSIM_PULL_MS", pull_ms, 1);
	*pid = fork();
	if (*pid == 0) {
		execl(SBXSIM_PATH, "sbxsim", "runner", "--listen", "127.0.0.1:0", (char *)NULL);
		_exit(127);
	}
	char *addr_file = xasprintf("%s/runner.addr", state);
	struct strbuf addr = STRBUF_INIT;
	for (int i = 0; i < 200 && (read_file(addr_file, &addr, 256) < 0 || !addr.len); i++) {
		strbuf_reset(&addr);
		usleep(20000);
	}
	ck_assert_uint_gt(addr.len, 0);
	while (addr.len && addr.buf[addr.len - 1] == '\n')
		strbuf_setlen(&addr, addr.len - 1);
	char *url = xasprintf("http://%s", addr.buf);
	strbuf_release(&addr);
	free(addr_file);
	free(state);
	return url;
}

void sim_runner_stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}
