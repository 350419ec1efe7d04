/*
 * sbx_cli: the entry point of the simulated sbx: version profile, call
 * log, latency and faults, the daemon banner, and command dispatch.
 */
#include "calllog.h"
#include "faults.h"
#include "sbx.h"
#include "sbx_internal.h"
#include "state.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void profile(struct sbx_ctx *ctx)
{
	const char *v = getenv("SBXSIM_SBX_VERSION");
	int minor = 45, patch = 1;
	const char *sha = "9b3d7a0";
	if (v && strcmp(v, "old") == 0) {
		minor = 31;
		patch = 2;
		sha = "4f1c2e9";
	} else if (v && *v && strcmp(v, "new") != 0) {
		int major = 0;
		if (sscanf(v[0] == 'v' ? v + 1 : v, "%d.%d.%d", &major, &minor, &patch) < 2 || major != 0)
			die("SBXSIM_SBX_VERSION: want old, new or 0.N.M, got '%s'", v);
		sha = "1c0ffee";
	}
	ctx->version = minor * 100 + patch;
	snprintf(ctx->version_str, sizeof(ctx->version_str), "v0.%d.%d %s", minor, patch, sha);
}

void sbx_daemon_stop(void)
{
	int fd = state_lock();
	cJSON *doc = sandboxes_load();
	cJSON *sb;
	cJSON_ArrayForEach(sb, cJSON_GetObjectItemCaseSensitive(doc, "sandboxes"))
		json_set(sb, "status", cJSON_CreateString("stopped"));
	sandboxes_save(doc);
	cJSON_Delete(doc);
	state_flag_set("daemon.stopped", 1);
	state_unlock(fd);
}

static int cmd_version(struct sbx_ctx *ctx, int argc, char **argv)
{
	struct args a;
	if (args_parse(ctx, NULL, 0, argc, argv, true, &a) < 0)
		return 1;
	args_release(&a);
	fprintf(ctx->out, "Client Version:  %s\n", ctx->version_str);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct sbx_ctx *, int, char **);
} commands[] = {
	{ "version", cmd_version },     { "create", sbx_cmd_create }, { "ls", sbx_cmd_ls },
	{ "list", sbx_cmd_ls },         { "stop", sbx_cmd_stop },     { "rm", sbx_cmd_rm },
	{ "remove", sbx_cmd_rm },       { "run", sbx_cmd_run },       { "exec", sbx_cmd_exec },
	{ "policy", sbx_cmd_policy },   { "secret", sbx_cmd_secret },
};

/* The fault operation name: "sbx.ls", "sbx.policy.allow". */
static char *op_name(int argc, char **argv)
{
	int i = 1;
	while (i < argc && argv[i][0] == '-')
		i++;
	if (i >= argc)
		return xstrdup("sbx");
	bool group = strcmp(argv[i], "policy") == 0 || strcmp(argv[i], "secret") == 0;
	if (group && i + 1 < argc && argv[i + 1][0] != '-')
		return xasprintf("sbx.%s.%s", argv[i], argv[i + 1]);
	return xasprintf("sbx.%s", argv[i]);
}

int sbx_main(int argc, char **argv)
{
	struct sbx_ctx ctx = { .out = stdout, .err = stderr };
	profile(&ctx);
	char **logged = xcalloc((size_t)argc + 1, sizeof(char *));
	logged[0] = "sbx";
	for (int i = 1; i < argc; i++)
		logged[i] = argv[i];
	calllog_sbx(argc, logged);
	free(logged);
	faults_latency();

	char *op = op_name(argc, argv);
	struct fault f;
	bool faulted = faults_check(op, &f);
	free(op);
	if (faulted) {
		switch (f.action) {
		case FAULT_EXIT:
		case FAULT_STATUS:
			if (f.message[0])
				fprintf(stderr, "%s\n", f.message);
			return (int)f.arg;
		case FAULT_HANG:
			faults_hang(NULL);
			return 1;
		case FAULT_GARBAGE:
			fputs("\x1b[31m\xe2\x9c\x97 panic: runtime error: invalid memory address\n{\"sandboxes\": [{\"na", stdout);
			return 0;
		default:
			break;
		}
	}
	char *buf = NULL;
	size_t buflen = 0;
	bool truncate = faulted && f.action == FAULT_TRUNCATE;
	if (truncate)
		ctx.out = open_memstream(&buf, &buflen);

	int i = 1;
	while (i < argc && strcmp(argv[i], "--no-input") == 0 && ctx.version >= V_SCOPE_FLAG) {
		ctx.no_input = true;
		i++;
	}
	int rc;
	if (i >= argc) {
		fputs("Docker Sandboxes (simulated by sbxsim)\n\nUsage:\n  sbx [command]\n", ctx.out);
		rc = 0;
	} else if (argv[i][0] == '-') {
		rc = sbx_error(&ctx, "unknown flag: %s", argv[i]);
	} else {
		size_t k;
		for (k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
			if (strcmp(commands[k].name, argv[i]) == 0)
				break;
		if (k == sizeof(commands) / sizeof(commands[0])) {
			rc = sbx_error(&ctx, "unknown command \"%s\" for \"sbx\"", argv[i]);
		} else {
			/* Any command but version talks to sandboxd, starting it first;
			 * the banner goes to stdout, ahead of JSON (SBXI#201). */
			if (strcmp(argv[i], "version") != 0 && state_flag_get("daemon.stopped")) {
				fputs("Starting sandboxd daemon...\n", ctx.out);
				fflush(ctx.out);
				state_flag_set("daemon.stopped", 0);
			}
			rc = commands[k].fn(&ctx, argc - i - 1, argv + i + 1);
		}
	}
	fflush(ctx.out);
	if (truncate) {
		fclose(ctx.out);
		fwrite(buf, 1, buflen / 2, stdout);
		free(buf);
	}
	return rc;
}
