/* JSON-RPC 2.0 messages and newline framing (see mcp.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "mcp/mcp.h"

static int bad(struct mcp_msg *m, struct err *e, const char *why)
{
	cJSON_Delete(m->root);
	memset(m, 0, sizeof *m);
	return err_set(e, "invalid JSON-RPC message: %s", why);
}

static bool valid_id(const cJSON *id)
{
	return cJSON_IsString(id) || (cJSON_IsNumber(id) && isfinite(id->valuedouble));
}

int mcp_msg_decode(const char *text, size_t len, struct mcp_msg *m, struct err *e)
{
	const cJSON *v, *err, *code, *msg;

	memset(m, 0, sizeof *m);
	if (len > MCP_MAX_MESSAGE_BYTES)
		return err_set(e, "invalid JSON-RPC message: over %u bytes", MCP_MAX_MESSAGE_BYTES);
	m->root = json_parse(text, len, "JSON-RPC message", e);
	if (!m->root)
		return -1;
	if (cJSON_IsArray(m->root))
		return bad(m, e, "batches are not supported");
	if (!cJSON_IsObject(m->root))
		return bad(m, e, "not an object");
	v = cJSON_GetObjectItemCaseSensitive(m->root, "jsonrpc");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, "2.0") != 0)
		return bad(m, e, "\"jsonrpc\" is not \"2.0\"");
	m->id = cJSON_GetObjectItemCaseSensitive(m->root, "id");
	v = cJSON_GetObjectItemCaseSensitive(m->root, "method");
	if (v) {
		if (!cJSON_IsString(v))
			return bad(m, e, "\"method\" is not a string");
		m->method = v->valuestring;
		m->params = cJSON_GetObjectItemCaseSensitive(m->root, "params");
		if (m->params && !cJSON_IsObject(m->params) && !cJSON_IsArray(m->params) &&
		    !cJSON_IsNull(m->params))
			return bad(m, e, "\"params\" is not an object");
		if (!m->id) {
			m->kind = MCP_MSG_NOTIFICATION;
			return 0;
		}
		if (!valid_id(m->id))
			return bad(m, e, "\"id\" is not a string or a number");
		m->kind = MCP_MSG_REQUEST;
		return 0;
	}
	if (!m->id || (!valid_id(m->id) && !cJSON_IsNull(m->id)))
		return bad(m, e, "no method and no valid id");
	err = cJSON_GetObjectItemCaseSensitive(m->root, "error");
	if (err) {
		if (!cJSON_IsObject(err))
			return bad(m, e, "\"error\" is not an object");
		code = cJSON_GetObjectItemCaseSensitive(err, "code");
		msg = cJSON_GetObjectItemCaseSensitive(err, "message");
		m->kind = MCP_MSG_ERROR;
		m->error_code = cJSON_IsNumber(code) && fabs(code->valuedouble) < 1e15
					? (int64_t)code->valuedouble : 0;
		m->error_message = cJSON_IsString(msg) ? msg->valuestring : "(no message)";
		return 0;
	}
	if (!cJSON_IsNull(m->id) && (m->result = cJSON_GetObjectItemCaseSensitive(m->root, "result"))) {
		m->kind = MCP_MSG_RESULT;
		return 0;
	}
	return bad(m, e, "a response without \"result\" or \"error\"");
}

void mcp_msg_free(struct mcp_msg *m)
{
	if (!m)
		return;
	cJSON_Delete(m->root);
	memset(m, 0, sizeof *m);
}

/* {"jsonrpc":"2.0", <members>} printed compact; members are taken. */
static char *finish(cJSON *o)
{
	char *s = o ? json_print(o, false) : NULL;

	cJSON_Delete(o);
	return s;
}

static cJSON *envelope(void)
{
	cJSON *o = cJSON_CreateObject();

	if (o && !cJSON_AddStringToObject(o, "jsonrpc", "2.0")) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static bool add_copy(cJSON *o, const char *key, const cJSON *v)
{
	cJSON *c = cJSON_Duplicate(v, 1);

	if (c && cJSON_AddItemToObject(o, key, c))
		return true;
	cJSON_Delete(c);
	return false;
}

char *mcp_request_text(int64_t id, const char *method, const cJSON *params)
{
	cJSON *o = envelope();

	if (o && cJSON_AddNumberToObject(o, "id", (double)id) &&
	    cJSON_AddStringToObject(o, "method", method) && (!params || add_copy(o, "params", params)))
		return finish(o);
	cJSON_Delete(o);
	return NULL;
}

char *mcp_notification_text(const char *method, const cJSON *params)
{
	cJSON *o = envelope();

	if (o && cJSON_AddStringToObject(o, "method", method) &&
	    (!params || add_copy(o, "params", params)))
		return finish(o);
	cJSON_Delete(o);
	return NULL;
}

char *mcp_result_text(const cJSON *id, const cJSON *result)
{
	cJSON *o = envelope();

	if (o && add_copy(o, "id", id) && add_copy(o, "result", result))
		return finish(o);
	cJSON_Delete(o);
	return NULL;
}

char *mcp_error_text(const cJSON *id, int64_t code, const char *message)
{
	cJSON *o = envelope(), *err;

	if (o && (id ? add_copy(o, "id", id) : cJSON_AddNullToObject(o, "id") != NULL) &&
	    (err = cJSON_AddObjectToObject(o, "error")) &&
	    cJSON_AddNumberToObject(err, "code", (double)code) &&
	    cJSON_AddStringToObject(err, "message", message))
		return finish(o);
	cJSON_Delete(o);
	return NULL;
}

void mcp_lines_init(struct mcp_lines *l, size_t max)
{
	buf_init(&l->partial, max + 1);
	l->max = max;
	l->failed = false;
}

void mcp_lines_free(struct mcp_lines *l)
{
	buf_free(&l->partial);
}

static void emit(const char *p, size_t n, void (*fn)(void *, const char *, size_t), void *arg)
{
	if (n && p[n - 1] == '\r')
		n--;
	if (n)
		fn(arg, p, n);
}

int mcp_lines_push(struct mcp_lines *l, const char *data, size_t len,
		   void (*fn)(void *arg, const char *line, size_t len), void *arg, struct err *e)
{
	while (len && !l->failed) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) : len;
		if (l->partial.len + n > l->max) {
			l->failed = true;
			buf_free(&l->partial);
			break;
		}
		if (!nl) {
			if (buf_append(&l->partial, data, n) < 0) {
				l->failed = true;
				break;
			}
			return 0;
		}
		if (l->partial.len) {
			if (buf_append(&l->partial, data, n) < 0) {
				l->failed = true;
				break;
			}
			/* Taken out first: fn may be called again from inside itself. */
			size_t whole = l->partial.len;
			char *line = buf_take(&l->partial);
			if (!line) {
				l->failed = true;
				break;
			}
			emit(line, whole, fn, arg);
			free(line);
		} else {
			emit(data, n, fn, arg);
		}
		data += n + 1;
		len -= n + 1;
	}
	if (l->failed)
		return err_set(e, "a message is longer than %zu bytes (or memory ran out)", l->max);
	return 0;
}
