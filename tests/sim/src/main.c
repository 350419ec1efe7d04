/*
 * sbxsim: a simulator of Docker Model Runner and the Docker Sandboxes
 * `sbx` CLI for sbxapply's tests.  Invoked as "sbx" (a symlink) it is the
 * sbx CLI; otherwise the first argument picks a tool.
 */
#include "catalogue.h"
#include "docker_model.h"
#include "http.h"
#include "sbx.h"
#include "sbx_release.h"
#include "state.h"
#include "util.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fputs("usage: sbxsim runner [--listen HOST:PORT] [--unix PATH] [--addr-file PATH]\n"
	      "       sbxsim sbx ARGS...              (or invoke through a symlink named sbx)\n"
	      "       sbxsim docker-model ARGS...     (the docker CLI plugin; or as docker-model)\n"
	      "       sbxsim daemon stop|start|status (simulate the sandboxd daemon)\n"
	      "       sbxsim registry bump REPO       (publish a new digest for REPO)\n"
	      "       sbxsim seed-rule SOURCE POLICY DECISION RESOURCE [SANDBOX]\n"
	      "                                        (a kit/org rule sbx must not touch)\n"
	      "       sbxsim sbx-releases             (the sbx release table, markdown)\n"
	      "State: $SBXSIM_STATE_DIR.  See tests/sim/README.md.\n",
	      f);
}

static int daemon_main(int argc, char **argv)
{
	if (argc != 2)
		goto bad;
	if (strcmp(argv[1], "stop") == 0) {
		sbx_daemon_stop();
		return 0;
	}
	if (strcmp(argv[1], "start") == 0) {
		state_flag_set("daemon.stopped", 0);
		return 0;
	}
	if (strcmp(argv[1], "status") == 0) {
		puts(state_flag_get("daemon.stopped") ? "stopped" : "running");
		return 0;
	}
bad:
	fputs("usage: sbxsim daemon stop|start|status\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	char *argv0 = xstrdup(argv[0]);
	const char *base = basename(argv0);
	int rc;
	if (strcmp(base, "sbx") == 0) {
		rc = sbx_main(argc, argv);
	} else if (strcmp(base, "docker-model") == 0) {
		rc = docker_model_main(argc, argv);
	} else if (argc < 2) {
		usage(stderr);
		rc = 2;
	} else if (strcmp(argv[1], "sbx") == 0) {
		rc = sbx_main(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "docker-model") == 0) {
		rc = docker_model_main(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "runner") == 0) {
		rc = runner_main(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "daemon") == 0) {
		rc = daemon_main(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "registry") == 0 && argc == 4 && strcmp(argv[2], "bump") == 0) {
		printf("%s revision %d\n", argv[3], catalogue_bump(argv[3]));
		rc = 0;
	} else if (strcmp(argv[1], "sbx-releases") == 0 && argc == 2) {
		sbx_releases_print(stdout);
		rc = 0;
	} else if (strcmp(argv[1], "seed-rule") == 0) {
		rc = sbx_seed_rule(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		rc = 0;
	} else {
		usage(stderr);
		rc = 2;
	}
	free(argv0);
	return rc;
}
