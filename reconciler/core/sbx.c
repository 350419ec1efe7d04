#include "sbx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define SBX_TIMEOUT_MS 60000

void sbx_client_init(struct sbx_client *c, int cancel_fd, atomic_ulong *counter)
{
	memset(c, 0, sizeof(*c));
	const char *program = getenv("SBXAPPLY_SBX");
	c->program = xstrdup(program && *program ? program : "sbx");
	c->timeout_ms = SBX_TIMEOUT_MS;
	c->cancel_fd = cancel_fd;
	c->counter = counter;
	pthread_mutex_init(&c->lock, NULL);
	strbuf_init(&c->error);
	strbuf_init(&c->warning);
}

void sbx_client_release(struct sbx_client *c)
{
	free(c->program);
	pthread_mutex_destroy(&c->lock);
	strbuf_release(&c->error);
	strbuf_release(&c->warning);
	memset(c, 0, sizeof(*c));
}

int sbx_client_detect(struct sbx_client *c, struct strbuf *err)
{
	pthread_mutex_lock(&c->lock);
	if (c->state == 0) {
		/* filled in by the sbx adapter (issue 6); until then sbx counts as missing */
		strbuf_addf(&c->error, "the sbx adapter is not built yet");
		c->state = -1;
	}
	int rc = c->state > 0 ? 0 : -1;
	if (rc < 0)
		strbuf_addstr(err, c->error.buf);
	pthread_mutex_unlock(&c->lock);
	return rc;
}
