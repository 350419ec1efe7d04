/*
 * sbx_proxy: the network a simulated sandbox sees.  A real sandbox reaches
 * the outside only through an HTTP/HTTPS proxy on the host that enforces the
 * network policy, and its processes find it through HTTP_PROXY/HTTPS_PROXY
 * (docs/backends.md §9).  `sbx exec` starts one such proxy per exec, on
 * 127.0.0.1 and a free port, in a process of its own, and puts its address
 * in the command's environment; it ends with the exec.
 *
 * What it does with a request (plain HTTP in absolute form, or CONNECT):
 *  - host.docker.internal becomes localhost, then the sandbox's effective
 *    rules decide (policy_decide(), the same evaluation as `sbx policy check
 *    network --sandbox NAME`);
 *  - refused: 403 with a text body in the shapes the real proxy uses
 *    (tests/sim/README.md);
 *  - allowed: localhost:12434, or localhost at the runner's own port, is
 *    the simulated runner (runner.addr), reached over TCP; nothing else
 *    exists in the simulated world (502), and HTTPS is not simulated (502).
 * Every decision goes to calls.log as {"kind":"proxy",...}.
 */
#ifndef SBXSIM_SBX_PROXY_H
#define SBXSIM_SBX_PROXY_H

#include <sys/types.h>

struct sbx_proxy {
	pid_t pid; /* the serving process, 0: none */
	int port;
};

/* Listens for sandbox `name` and serves from a child process; -1 (nothing
 * started, the exec simply has no network) when no socket can be had. */
int sbx_proxy_start(struct sbx_proxy *p, const char *name);
/* Ends the serving process (a no-op for a proxy that did not start). */
void sbx_proxy_stop(struct sbx_proxy *p);

#endif
