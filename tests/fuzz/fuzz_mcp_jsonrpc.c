/* Fuzz target: what the MCP client and `codex mcp-server` do with bytes from the other
 * side: newline framing (whole and in pieces whose size comes from the first byte; both
 * must give the same lines), JSON-RPC decoding of each line, and, for results, the
 * tool-output conversion and the schema reduction the model is shown. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/mcp.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

struct lines {
	size_t count, bytes;
	uint32_t hash;
};

static void on_line(void *arg, const char *line, size_t len)
{
	struct lines *l = arg;
	struct mcp_msg m;
	struct err e;

	l->count++;
	l->bytes += len;
	for (size_t i = 0; i < len; i++)
		l->hash = l->hash * 31 + (unsigned char)line[i];
	if (mcp_msg_decode(line, len, &m, &e) < 0) {
		check(m.root == NULL && e.msg[0]);
		return;
	}
	switch (m.kind) {
	case MCP_MSG_REQUEST:
	case MCP_MSG_NOTIFICATION:
		check(m.method != NULL);
		break;
	case MCP_MSG_RESULT: {
		cJSON *o = mcp_result_output(m.result, true), *n = mcp_result_output(m.result, false);
		cJSON *s = mcp_schema_reduce(cJSON_GetObjectItemCaseSensitive(m.result, "inputSchema"));
		check(o && n && s);
		cJSON_Delete(o);
		cJSON_Delete(n);
		cJSON_Delete(s);
		break;
	}
	case MCP_MSG_ERROR:
		check(m.error_message != NULL);
		break;
	}
	mcp_msg_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lines whole = {0, 0, 0}, pieces = {0, 0, 0};
	struct mcp_lines l;
	struct err e;
	size_t step;
	int r1, r2 = 0;

	if (size == 0)
		return 0;
	step = data[0] % 16 + 1;
	mcp_lines_init(&l, 1u << 16);
	r1 = mcp_lines_push(&l, (const char *)data, size, on_line, &whole, &e);
	mcp_lines_free(&l);
	mcp_lines_init(&l, 1u << 16);
	for (size_t off = 0; off < size && r2 == 0; off += step) {
		size_t n = size - off < step ? size - off : step;
		r2 = mcp_lines_push(&l, (const char *)data + off, n, on_line, &pieces, &e);
	}
	mcp_lines_free(&l);
	check(r1 == r2);
	if (r1 == 0)
		check(whole.count == pieces.count && whole.bytes == pieces.bytes &&
		      whole.hash == pieces.hash);
	return 0;
}
