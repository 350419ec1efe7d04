#include "progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "os/monotime.h"
#include "util/jsonw.h"
#include "util/xalloc.h"

#define PLAIN_EVERY_S 5.0
#define JSON_EVERY_S 1.0
#define TTY_EVERY_S 0.1

int progress_mode_parse(const char *text, FILE *out)
{
	if (!strcmp(text, "auto"))
		return isatty(fileno(out)) && !(getenv("TERM") && !strcmp(getenv("TERM"), "dumb")) ? PROGRESS_TTY
												   : PROGRESS_PLAIN;
	if (!strcmp(text, "plain"))
		return PROGRESS_PLAIN;
	if (!strcmp(text, "tty"))
		return PROGRESS_TTY;
	if (!strcmp(text, "json"))
		return PROGRESS_JSON;
	return -1;
}

void progress_init(struct progress *p, enum progress_mode mode, FILE *out)
{
	memset(p, 0, sizeof(*p));
	p->mode = mode;
	p->out = out;
	pthread_mutex_init(&p->lock, NULL);
}

void progress_release(struct progress *p)
{
	for (size_t i = 0; i < p->nr; i++)
		free(p->pulls[i].ref);
	free(p->pulls);
	pthread_mutex_destroy(&p->lock);
	memset(p, 0, sizeof(*p));
}

static void size_text(long long bytes, char *out, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(out, len, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static void duration_text(double s, char *out, size_t len)
{
	long t = (long)(s + 0.5);
	if (t >= 3600)
		snprintf(out, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(out, len, "%ld:%02ld", t / 60, t % 60);
}

/* "1.2 GiB / 4.3 GiB  28%  120.5 MiB/s  2:06 left" */
static void describe(const struct progress_pull *pp, char *out, size_t len)
{
	char d[32], t[32], r[32], eta[32] = "";
	size_text(pp->done, d, sizeof(d));
	size_text(pp->total, t, sizeof(t));
	size_text((long long)pp->rate, r, sizeof(r));
	if (pp->rate > 0 && pp->total > pp->done) {
		duration_text((double)(pp->total - pp->done) / pp->rate, eta, sizeof(eta));
		strcat(eta, " left");
	}
	int pct = pp->total ? (int)(pp->done * 100 / pp->total) : 0;
	snprintf(out, len, "%s / %s  %3d%%  %s/s  %s", d, t, pct, r, eta);
}

static void erase_live(struct progress *p)
{
	for (size_t i = 0; i < p->drawn; i++)
		fputs("\033[1A\033[2K", p->out);
	p->drawn = 0;
}

static void draw_live(struct progress *p)
{
	for (size_t i = 0; i < p->nr; i++) {
		char line[160];
		describe(&p->pulls[i], line, sizeof(line));
		fprintf(p->out, "  pulling %-32s %s\n", p->pulls[i].ref, line);
	}
	p->drawn = p->nr;
	fflush(p->out);
}

static void json_event(struct progress *p, const char *event, const struct progress_pull *pp, const char *message)
{
	struct strbuf sb = STRBUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &sb, false);
	jsonw_begin_object(&w);
	jsonw_kv_string(&w, "event", event);
	if (pp) {
		jsonw_kv_string(&w, "model", pp->ref);
		jsonw_kv_int(&w, "done", pp->done);
		jsonw_kv_int(&w, "total", pp->total);
		jsonw_kv_int(&w, "bytes_per_second", (long long)pp->rate);
		if (pp->rate > 0 && pp->total > pp->done)
			jsonw_kv_int(&w, "eta_seconds", (long long)((double)(pp->total - pp->done) / pp->rate + 0.5));
	}
	if (message)
		jsonw_kv_string(&w, "message", message);
	jsonw_end_object(&w);
	fprintf(p->out, "%s\n", sb.buf);
	fflush(p->out);
	strbuf_release(&sb);
}

static struct progress_pull *find_pull(struct progress *p, const char *ref, double t)
{
	for (size_t i = 0; i < p->nr; i++)
		if (!strcmp(p->pulls[i].ref, ref))
			return &p->pulls[i];
	XGROW(p->pulls, p->alloc, p->nr + 1);
	struct progress_pull *pp = &p->pulls[p->nr++];
	memset(pp, 0, sizeof(*pp));
	pp->ref = xstrdup(ref);
	pp->started = pp->last_print = pp->sample_t = t;
	return pp;
}

void progress_pull(struct progress *p, const char *ref, long long done, long long total, int outcome)
{
	double t = monotime_s();
	pthread_mutex_lock(&p->lock);
	struct progress_pull *pp = find_pull(p, ref, t);
	if (total > 0)
		pp->total = total;
	if (done > pp->done)
		pp->done = done;
	if (t - pp->sample_t >= 0.5) {
		double instant = (double)(pp->done - pp->sample_done) / (t - pp->sample_t);
		pp->rate = pp->rate > 0 ? 0.7 * pp->rate + 0.3 * instant : instant;
		pp->sample_t = t;
		pp->sample_done = pp->done;
	}
	if (outcome != 0) {
		char size[32], took[32];
		size_text(outcome > 0 ? pp->total : pp->done, size, sizeof(size));
		duration_text(t - pp->started, took, sizeof(took));
		if (p->mode == PROGRESS_JSON) {
			json_event(p, outcome > 0 ? "pull_done" : "pull_failed", pp, NULL);
		} else {
			if (p->mode == PROGRESS_TTY)
				erase_live(p);
			/* a cut pull says how far it got, never "pulled" */
			if (outcome > 0)
				fprintf(p->out, "pulled %s (%s in %s)\n", ref, size, took);
			else
				fprintf(p->out, "pull of %s stopped after %s in %s\n", ref, size, took);
		}
		free(pp->ref);
		*pp = p->pulls[--p->nr];
		if (p->mode == PROGRESS_TTY)
			draw_live(p);
		fflush(p->out);
	} else if (p->mode == PROGRESS_TTY && t - p->last_draw >= TTY_EVERY_S) {
		p->last_draw = t;
		erase_live(p);
		draw_live(p);
	} else if (p->mode != PROGRESS_TTY && t - pp->last_print >= (p->mode == PROGRESS_JSON ? JSON_EVERY_S : PLAIN_EVERY_S)) {
		pp->last_print = t;
		if (p->mode == PROGRESS_JSON) {
			json_event(p, "pull_progress", pp, NULL);
		} else {
			char line[160];
			describe(pp, line, sizeof(line));
			fprintf(p->out, "pulling %s: %s\n", ref, line);
			fflush(p->out);
		}
	}
	pthread_mutex_unlock(&p->lock);
}

void progress_log(struct progress *p, const char *line)
{
	pthread_mutex_lock(&p->lock);
	if (p->mode == PROGRESS_JSON) {
		json_event(p, "log", NULL, line);
	} else {
		if (p->mode == PROGRESS_TTY)
			erase_live(p);
		fprintf(p->out, "%s\n", line);
		if (p->mode == PROGRESS_TTY)
			draw_live(p);
		fflush(p->out);
	}
	pthread_mutex_unlock(&p->lock);
}
