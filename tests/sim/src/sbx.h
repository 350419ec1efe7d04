/*
 * sbx: the simulated Docker Sandboxes CLI (docs/backends.md §6 to §10).
 *
 * sbx_main() takes argv as the real sbx gets it (argv[0] is the program).
 * The release played comes from SBXSIM_SBX_VERSION: any "0.N.M" or
 * "v0.N.M", "old" (v0.31.2) or "new" (v0.45.1, the default).  Everything
 * that differs between releases comes from the one release table,
 * sbx_release.c (tests/sim/README.md prints it with its sources).  Output
 * goes to stdout/stderr as the real CLI's, exit status 0 or 1.
 */
#ifndef SBXSIM_SBX_H
#define SBXSIM_SBX_H

int sbx_main(int argc, char **argv);
/* `sbxsim daemon stop`: the next sbx call prints the start-up banner. */
void sbx_daemon_stop(void);
/* `sbxsim seed-rule SOURCE POLICY DECISION RESOURCE [SANDBOX]` */
int sbx_seed_rule(int argc, char **argv);

#endif
