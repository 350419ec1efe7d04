/*
 * docker_model: the `docker model` CLI plugin, as far as endpoint
 * discovery needs it.  The docker client runs plugins as
 * `docker-model docker-cli-plugin-metadata` (the handshake) and
 * `docker-model model ARGS...`; sbxsim answers `status [--json]` and
 * `version` from the runner found in MODEL_RUNNER_HOST or
 * "<state>/runner.addr".  Other subcommands fail, saying so.
 */
#ifndef SBXSIM_DOCKER_MODEL_H
#define SBXSIM_DOCKER_MODEL_H

int docker_model_main(int argc, char **argv);

#endif
