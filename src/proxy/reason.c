/* The reasons a request was allowed or refused, as text (proxy.h). A leaf: the audit,
 * the answers and the summary all name reasons. */
#include "proxy/proxy.h"

const char *proxy_reason_str(enum proxy_reason r)
{
	switch (r) {
	case PROXY_REASON_ALLOW: return "allow";
	case PROXY_REASON_DENIED: return "denied";
	case PROXY_REASON_NOT_ALLOWED: return "not_allowed";
	case PROXY_REASON_NOT_ALLOWED_LOCAL: return "not_allowed_local";
	case PROXY_REASON_METHOD_NOT_ALLOWED: return "method_not_allowed";
	case PROXY_REASON_UPSTREAM_FAILURE: return "upstream_failure";
	case PROXY_REASON_BAD_REQUEST: return "bad_request";
	case PROXY_REASON_OVERLOADED: return "overloaded";
	}
	return "?";
}

const char *proxy_reason_human(enum proxy_reason r)
{
	switch (r) {
	case PROXY_REASON_ALLOW: return "allowed";
	case PROXY_REASON_DENIED: return "denied";
	case PROXY_REASON_NOT_ALLOWED: return "not allowed";
	case PROXY_REASON_NOT_ALLOWED_LOCAL: return "private address";
	case PROXY_REASON_METHOD_NOT_ALLOWED: return "method not allowed";
	case PROXY_REASON_UPSTREAM_FAILURE: return "upstream failure";
	case PROXY_REASON_BAD_REQUEST: return "bad request";
	case PROXY_REASON_OVERLOADED: return "overloaded";
	}
	return "?";
}

bool proxy_reason_is_block(enum proxy_reason r)
{
	switch (r) {
	case PROXY_REASON_DENIED:
	case PROXY_REASON_NOT_ALLOWED:
	case PROXY_REASON_NOT_ALLOWED_LOCAL:
	case PROXY_REASON_METHOD_NOT_ALLOWED:
		return true;
	case PROXY_REASON_ALLOW:
	case PROXY_REASON_UPSTREAM_FAILURE:
	case PROXY_REASON_BAD_REQUEST:
	case PROXY_REASON_OVERLOADED:
		return false;
	}
	return false;
}
