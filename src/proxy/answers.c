/* Upstream's answers to blocked and failed requests: see answers.h. */
#include "proxy/answers.h"

#include <string.h>

#include "proxy/audit.h"

const char *answer_proxy_error(enum proxy_reason r)
{
	switch (r) {
	case PROXY_REASON_NOT_ALLOWED:
	case PROXY_REASON_NOT_ALLOWED_LOCAL:
		return "blocked-by-allowlist";
	case PROXY_REASON_DENIED:
		return "blocked-by-denylist";
	case PROXY_REASON_METHOD_NOT_ALLOWED:
		return "blocked-by-method-policy";
	case PROXY_REASON_ALLOW:
	case PROXY_REASON_UPSTREAM_FAILURE:
	case PROXY_REASON_BAD_REQUEST:
	case PROXY_REASON_OVERLOADED:
		return "blocked-by-policy";
	}
	return "blocked-by-policy";
}

const char *answer_human_message(enum proxy_reason r)
{
	switch (r) {
	case PROXY_REASON_NOT_ALLOWED:
		return "Codex blocked this request: domain not in allowlist (this is not a "
		       "denylist block).";
	case PROXY_REASON_NOT_ALLOWED_LOCAL:
		return "Codex blocked this request: local/private addresses not allowed.";
	case PROXY_REASON_DENIED:
		return "Codex blocked this request: domain denied by policy.";
	case PROXY_REASON_METHOD_NOT_ALLOWED:
		return "Codex blocked this request: method not allowed in limited mode.";
	case PROXY_REASON_ALLOW:
	case PROXY_REASON_UPSTREAM_FAILURE:
	case PROXY_REASON_BAD_REQUEST:
	case PROXY_REASON_OVERLOADED:
		return "Codex blocked this request by network policy.";
	}
	return "Codex blocked this request by network policy.";
}

const char *answer_source(enum proxy_reason r)
{
	return r == PROXY_REASON_METHOD_NOT_ALLOWED ? "mode_guard" : "baseline_policy";
}

int answer_decision_line(struct buf *out, enum proxy_reason r, const char *protocol,
			 const char *host, unsigned port)
{
	if (buf_printf(out,
		       "CODEX_NETWORK_POLICY_DECISION {\"decision\":\"deny\",\"reason\":\"%s\","
		       "\"source\":\"%s\",\"protocol\":\"%s\",\"host\":",
		       proxy_reason_str(r), answer_source(r), protocol) < 0 ||
	    json_put_string(out, host) < 0 || buf_printf(out, ",\"port\":%u}", port) < 0)
		return -1;
	return 0;
}

const char *answer_status_text(unsigned status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	}
	return "Error";
}

static int head(struct buf *out, unsigned status, const char *type, size_t len, bool keep)
{
	return buf_printf(out,
			  "HTTP/1.1 %u %s\r\ncontent-type: %s\r\ncontent-length: %zu\r\n"
			  "connection: %s\r\n",
			  status, answer_status_text(status), type, len, keep ? "keep-alive" : "close");
}

int answer_body(struct buf *out, unsigned status, const char *content_type, const char *body,
		size_t body_len, bool keep_alive)
{
	if (head(out, status, content_type, body_len, keep_alive) < 0 || buf_puts(out, "\r\n") < 0 ||
	    buf_append(out, body, body_len) < 0)
		return -1;
	return 0;
}

int answer_text(struct buf *out, unsigned status, const char *body)
{
	return answer_body(out, status, "text/plain", body, strlen(body), false);
}

int answer_blocked(struct buf *out, enum proxy_reason r, bool unresolved, const char *protocol,
		   const char *host, unsigned port, bool json)
{
	const char *message = unresolved ? ANSWER_UNRESOLVED_MESSAGE : answer_human_message(r);
	const char *error = unresolved ? ANSWER_UNRESOLVED_ERROR : answer_proxy_error(r);

	struct buf body, line;
	int rc = -1;

	buf_init(&body, 8192);
	buf_init(&line, 4096);
	if (answer_decision_line(&line, r, protocol, host, port) < 0)
		goto out;
	if (json) {
		/* message = the decision line, a newline, the human message. */
		if (buf_puts(&line, "\n") < 0 || buf_puts(&line, message) < 0 ||
		    buf_puts(&body, "{\"status\":\"blocked\",\"host\":") < 0 ||
		    json_put_string(&body, host) < 0 ||
		    buf_printf(&body,
			       ",\"reason\":\"%s\",\"decision\":\"deny\",\"source\":\"%s\","
			       "\"protocol\":\"%s\",\"port\":%u,\"message\":",
			       proxy_reason_str(r), answer_source(r), protocol, port) < 0 ||
		    json_put_string(&body, line.data) < 0 || buf_putc(&body, '}') < 0)
			goto out;
	} else if (buf_append(&body, line.data, line.len) < 0 || buf_putc(&body, '\n') < 0 ||
		   buf_puts(&body, message) < 0) {
		goto out;
	}
	if (buf_printf(out,
		       "HTTP/1.1 403 Forbidden\r\ncontent-type: %s\r\nx-proxy-error: %s\r\n"
		       "content-length: %zu\r\nconnection: close\r\n\r\n",
		       json ? "application/json" : "text/plain", error, body.len) < 0 ||
	    buf_append(out, body.data, body.len) < 0)
		goto out;
	rc = 0;
out:
	buf_free(&body);
	buf_free(&line);
	return rc;
}
