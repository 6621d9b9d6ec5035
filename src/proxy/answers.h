/* Private to src/proxy: the exact responses upstream gives (reference section 6): the
 * x-proxy-error values, the CODEX_NETWORK_POLICY_DECISION line, the human messages, the
 * 403 bodies (text for CONNECT, JSON for plain HTTP) and plain error answers. Pure. */
#ifndef CODEX_PROXY_ANSWERS_H
#define CODEX_PROXY_ANSWERS_H

#include "proxy/proxy.h"

/* "blocked-by-allowlist", "blocked-by-denylist", "blocked-by-method-policy", ... */
const char *answer_proxy_error(enum proxy_reason r);
/* "Codex blocked this request: domain not in allowlist (this is not a denylist block)." */
const char *answer_human_message(enum proxy_reason r);
/* "baseline_policy" or "mode_guard". */
const char *answer_source(enum proxy_reason r);
/* CODEX_NETWORK_POLICY_DECISION {"decision":"deny","reason":...,"port":N} (no newline). */
int answer_decision_line(struct buf *out, enum proxy_reason r, const char *protocol,
			 const char *host, unsigned port) WARN_UNUSED;
/* A name that does not resolve is refused as upstream does (fail closed, reason
 * not_allowed_local in the decision line, the JSON body and the audit), but the answer
 * says what happened: its own x-proxy-error value and message, as the summary's "(could
 * not resolve)" does. Upstream answers blocked-by-allowlist, which sent users looking
 * for an allowlist entry that was there all along. */
#define ANSWER_UNRESOLVED_ERROR "blocked-by-dns-failure"
#define ANSWER_UNRESOLVED_MESSAGE \
	"Codex blocked this request: the host name could not be resolved (the proxy fails closed)."
/* The whole 403 response. json: plain-HTTP form (application/json body); else the text
 * form used for CONNECT (text/plain: decision line, newline, human message). unresolved:
 * r is NOT_ALLOWED_LOCAL because the name did not resolve. */
int answer_blocked(struct buf *out, enum proxy_reason r, bool unresolved, const char *protocol,
		   const char *host, unsigned port, bool json) WARN_UNUSED;
/* A complete response with a text/plain body and "connection: close". */
int answer_text(struct buf *out, unsigned status, const char *body) WARN_UNUSED;
/* The same with another content type. */
int answer_body(struct buf *out, unsigned status, const char *content_type, const char *body,
		size_t body_len, bool keep_alive) WARN_UNUSED;
const char *answer_status_text(unsigned status);

#endif
