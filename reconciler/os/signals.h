#ifndef SBXAPPLY_OS_SIGNALS_H
#define SBXAPPLY_OS_SIGNALS_H
/*
 * Ctrl-C and SIGTERM as a file descriptor: the first signal makes the returned
 * fd readable for good (a self-pipe that is never drained), which the engine
 * polls to stop starting actions and to cancel running requests and child
 * process groups. A second signal restores the default action, so pressing
 * Ctrl-C twice still ends a stuck run at once.
 */

/* Returns the read end, or -1 when the pipe could not be made (then not cancellable). */
int signals_install(void);
/* The signal that arrived first, or 0. */
int signals_received(void);

#endif
