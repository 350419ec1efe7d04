/*
 * Validation speed on a generated file with ENTRIES entries (default 10,000:
 * models, packages made from them, and sandboxes with env and rules). Prints
 * figures; asserts nothing about time.
 *   bench_validate [ENTRIES] [--write FILE]
 * --write also saves the generated file, to time `sbxapply validate` on it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "lang/config.h"
#include "util/strbuf.h"

static void generate(struct strbuf *sb, long entries)
{
	long n = entries / 4;
	strbuf_addstr(sb, "version: 1\nproject: bench\nx-common: &common\n  agent: claude\n  cpus: 2\n  memory: 4g\nmodels:\n");
	for (long i = 0; i < n; i++)
		strbuf_addf(sb, "  bench/model-%ld:\n    context_size: %ld\n", i, 4096 + i);
	strbuf_addstr(sb, "packages:\n");
	for (long i = 0; i < n; i++)
		strbuf_addf(sb, "  bench/model-%ld:32k:\n    from: bench/model-%ld\n    context_size: 32768\n", i, i);
	strbuf_addstr(sb, "policy:\n  allow:\n");
	for (long i = 0; i < n; i++)
		strbuf_addf(sb, "    - host-%ld.example.com:443\n", i);
	strbuf_addstr(sb, "sandboxes:\n");
	for (long i = 0; i < entries - 3 * n; i++)
		strbuf_addf(sb, "  box-%ld:\n    <<: *common\n    model: bench/model-%ld:32k\n    env:\n"
				"      ANTHROPIC_BASE_URL: http://host.docker.internal:12434\n      INDEX: \"%ld\"\n",
			    i, i % (n ? n : 1), i);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long entries = 10000;
	const char *write_to = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--write") && i + 1 < argc)
			write_to = argv[++i];
		else
			entries = strtol(argv[i], NULL, 10);
	}
	struct strbuf doc = STRBUF_INIT;
	generate(&doc, entries);
	if (write_to) {
		FILE *f = fopen(write_to, "w");
		if (!f || fwrite(doc.buf, 1, doc.len, f) != doc.len || fclose(f)) {
			perror(write_to);
			return 1;
		}
	}
	/* a project directory of its own: its workspaces ('.') must exist, and /tmp itself may hold HOME */
	char project[] = "/tmp/bench_validate.XXXXXX";
	if (!mkdtemp(project)) {
		perror("mkdtemp");
		return 1;
	}
	double best = 1e9, total = 0;
	int runs = 5;
	for (int r = 0; r < runs; r++) {
		struct config cfg;
		struct diag_list diags = DIAG_LIST_INIT;
		double t0 = now();
		int rc = config_parse(&cfg, "bench.yaml", project, doc.buf, doc.len, NULL, &diags);
		double dt = now() - t0;
		if (rc != 0) {
			diag_list_print(&diags, stderr, false);
			rmdir(project);
			return 1;
		}
		if (r == 0)
			printf("entries: %ld (%zu models, %zu packages, %zu sandboxes, %zu rules), %zu bytes\n", entries,
			       cfg.nr_models, cfg.nr_packages, cfg.nr_sandboxes, cfg.policy.allow.nr, doc.len);
		diag_list_release(&diags);
		config_release(&cfg);
		total += dt;
		if (dt < best)
			best = dt;
	}
	printf("validate: best %.1f ms, mean %.1f ms over %d runs\n", best * 1e3, total / runs * 1e3, runs);
	strbuf_release(&doc);
	rmdir(project);
	return 0;
}
