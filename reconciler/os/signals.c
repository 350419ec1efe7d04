#include "os/signals.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static int pipe_fds[2] = { -1, -1 };
static volatile sig_atomic_t first_signal;

static void on_signal(int sig)
{
	int saved = errno;
	if (!first_signal) {
		first_signal = sig;
		if (write(pipe_fds[1], "x", 1) < 0) {
			/* nothing can be done inside a handler */
		}
	}
	signal(sig, SIG_DFL); /* the next one ends the process */
	errno = saved;
}

int signals_install(void)
{
	if (pipe_fds[0] >= 0)
		return pipe_fds[0];
	if (pipe(pipe_fds) < 0)
		return -1;
	for (int i = 0; i < 2; i++)
		fcntl(pipe_fds[i], F_SETFD, FD_CLOEXEC);
	fcntl(pipe_fds[1], F_SETFL, O_NONBLOCK);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return pipe_fds[0];
}

int signals_received(void)
{
	return first_signal;
}
