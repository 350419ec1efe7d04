#ifndef SBXAPPLY_BACKENDS_DMR_DMR_MESSAGES_H
#define SBXAPPLY_BACKENDS_DMR_DMR_MESSAGES_H
/*
 * The guide's connectivity check (its step 5) as data: the smallest request
 * that makes the runner answer with a model, and what its answer means
 * (docs/backends.md §5). Pure: whoever sends the request (curl inside a
 * sandbox, for `sbxapply verify`) hands the status and body back here.
 *
 * Two dialects: Anthropic (`POST BASE/v1/messages`, what Claude Code sends to
 * ANTHROPIC_BASE_URL) and OpenAI (`POST BASE/chat/completions`, BASE being an
 * OpenAI base such as .../engines/v1). Both take the same body.
 */
#include <stddef.h>

#include "util/strbuf.h"

enum dmr_api {
	DMR_API_ANTHROPIC,
	DMR_API_OPENAI,
};

/* {"model":MODEL,"max_tokens":1,"messages":[{"role":"user","content":"hi"}]} */
void dmr_messages_body(struct strbuf *out, const char *model);
/* Where the request goes under the base URL: "/v1/messages" or "/chat/completions". */
const char *dmr_messages_path(enum dmr_api api);

enum dmr_messages_answer {
	DMR_MESSAGES_OK,	    /* 2xx and a message (Anthropic "type":"message", OpenAI "choices") */
	DMR_MESSAGES_MODEL_MISSING, /* 404 naming the model: not_found_error, or DMR's "model not found" */
	DMR_MESSAGES_NO_ROUTE,	    /* 404 without a model error: the base URL is not the runner's API */
	DMR_MESSAGES_ERROR,	    /* any other non-2xx status */
	DMR_MESSAGES_UNEXPECTED,    /* 2xx, but not a message */
};

/*
 * What the runner's answer to the request means. detail gets one line for
 * messages: the error's own message (Anthropic's error.message, or the first
 * line of a text/plain body), capped, or the message id for a success.
 */
enum dmr_messages_answer dmr_messages_classify(enum dmr_api api, long status, const char *body, size_t len,
					       struct strbuf *detail);

#endif
