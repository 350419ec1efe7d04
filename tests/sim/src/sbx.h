/*
 * sbx: the simulated Docker Sandboxes CLI (FACTS.md section 6).
 *
 * sbx_main() takes argv as the real sbx gets it (argv[0] is the program).
 * The version profile comes from SBXSIM_SBX_VERSION: "old" (v0.31.2),
 * "new" (v0.45.1, the default) or any "0.N.M"; features switch on at the
 * versions FACTS.md names.  Output goes to stdout/stderr exactly as the
 * real CLI's, exit status 0 or 1.
 */
#ifndef SBXSIM_SBX_H
#define SBXSIM_SBX_H

int sbx_main(int argc, char **argv);
/* `sbxsim daemon stop`: the next sbx call prints the start-up banner. */
void sbx_daemon_stop(void);
/* `sbxsim seed-rule SOURCE POLICY DECISION RESOURCE [SANDBOX]` */
int sbx_seed_rule(int argc, char **argv);

#endif
