/* The pure parts of the JavaScript REPL (js_repl.h): the tool input with its pragma,
 * the kernel's reply lines and `node --version`. No I/O; every message for the model
 * is upstream 0.118's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/js_repl.h"
#include "base/json.h"
#include "cJSON.h"

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* [*s, *s + *n) without whitespace at either end. */
static void trim(const char **s, size_t *n)
{
	while (*n && is_ws(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_ws((*s)[*n - 1]))
		(*n)--;
}

static const char fence_msg[] =
	"js_repl expects raw JavaScript source, not markdown code fences. Resend plain JS "
	"only (optional first line `// codex-js-repl: ...`).";
static const char json_msg[] =
	"js_repl is a freeform tool and expects raw JavaScript source. Resend plain JS only "
	"(optional first line `// codex-js-repl: ...`); do not send JSON (`{\"code\":...}`), "
	"quoted code, or markdown fences.";

/* Upstream refuses a markdown fence, and text that is a whole JSON object or string
 * (a model wrapping its code the way a function tool would want it). */
static int reject_wrapped(const char *code, size_t len, char *why, size_t cap)
{
	const char *end = NULL;
	char *copy;
	cJSON *v;
	bool wrapped;

	trim(&code, &len);
	if (len >= 3 && memcmp(code, "```", 3) == 0) {
		snprintf(why, cap, "%s", fence_msg);
		return -1;
	}
	/* Only an object or a string is refused, and only those start so. */
	if (!len || (code[0] != '{' && code[0] != '"'))
		return 0;
	if (!(copy = malloc(len + 1))) {
		snprintf(why, cap, "out of memory");
		return -1;
	}
	memcpy(copy, code, len);
	copy[len] = '\0';
	v = cJSON_ParseWithOpts(copy, &end, 1);
	wrapped = v && (cJSON_IsObject(v) || cJSON_IsString(v));
	cJSON_Delete(v);
	free(copy);
	if (wrapped) {
		snprintf(why, cap, "%s", json_msg);
		return -1;
	}
	return 0;
}

/* timeout_ms's value: decimal digits (a leading '+' as Rust's u64 parse takes),
 * without overflow. */
static int parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n && *s == '+') {
		s++;
		n--;
	}
	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static int parse_pragma(const char *p, size_t n, struct js_repl_input *out, char *why,
			size_t cap)
{
	size_t i = 0;

	while (i < n) {
		size_t start, klen, tlen;
		const char *tok, *eq;
		uint64_t v;

		while (i < n && is_ws(p[i]))
			i++;
		if (i >= n)
			break;
		start = i;
		while (i < n && !is_ws(p[i]))
			i++;
		tok = p + start;
		tlen = i - start;
		eq = memchr(tok, '=', tlen);
		if (!eq) {
			snprintf(why, cap,
				 "js_repl pragma expects space-separated key=value pairs "
				 "(supported keys: timeout_ms); got `%.*s`",
				 (int)(tlen > 200 ? 200 : tlen), tok);
			return -1;
		}
		klen = (size_t)(eq - tok);
		if (klen != 10 || memcmp(tok, "timeout_ms", 10) != 0) {
			snprintf(why, cap, "js_repl pragma only supports timeout_ms; got `%.*s`",
				 (int)(klen > 200 ? 200 : klen), tok);
			return -1;
		}
		if (out->has_timeout) {
			snprintf(why, cap, "js_repl pragma specifies timeout_ms more than once");
			return -1;
		}
		if (parse_u64(eq + 1, tlen - klen - 1, &v) < 0) {
			snprintf(why, cap,
				 "js_repl pragma timeout_ms must be an integer; got `%.*s`",
				 (int)(tlen - klen - 1 > 200 ? 200 : tlen - klen - 1), eq + 1);
			return -1;
		}
		out->has_timeout = true;
		out->timeout_ms = v > JS_REPL_MAX_TIMEOUT_MS ? JS_REPL_MAX_TIMEOUT_MS : v;
	}
	return 0;
}

int js_repl_parse_input(const char *in, size_t len, struct js_repl_input *out, char *why,
			size_t cap)
{
	const char *t = in, *nl, *first, *rest;
	size_t tn = len, first_len, rest_len, plen = strlen(JS_REPL_PRAGMA_PREFIX);

	memset(out, 0, sizeof *out);
	trim(&t, &tn);
	if (!tn) {
		snprintf(why, cap,
			 "js_repl expects raw JavaScript tool input (non-empty). Provide JS source "
			 "text, optionally with first-line `// codex-js-repl: ...`.");
		return -1;
	}
	nl = memchr(in, '\n', len);
	first = in;
	first_len = nl ? (size_t)(nl - in) : len;
	rest = nl ? nl + 1 : in + len;
	rest_len = nl ? len - first_len - 1 : 0;
	while (first_len && is_ws(*first)) {
		first++;
		first_len--;
	}
	if (first_len < plen || memcmp(first, JS_REPL_PRAGMA_PREFIX, plen) != 0) {
		if (reject_wrapped(in, len, why, cap) < 0)
			return -1;
		out->code = in;
		out->code_len = len;
		return 0;
	}
	if (parse_pragma(first + plen, first_len - plen, out, why, cap) < 0)
		return -1;
	t = rest;
	tn = rest_len;
	trim(&t, &tn);
	if (!tn) {
		snprintf(why, cap,
			 "js_repl pragma must be followed by JavaScript source on "
			 "subsequent lines");
		return -1;
	}
	if (reject_wrapped(rest, rest_len, why, cap) < 0)
		return -1;
	out->code = rest;
	out->code_len = rest_len;
	return 0;
}

void js_repl_reply_clear(struct js_repl_reply *r)
{
	free(r->id);
	free(r->output);
	free(r->error);
	free(r->exec_id);
	free(r->tool_name);
	free(r->arguments);
	free(r->image_url);
	free(r->detail);
	memset(r, 0, sizeof *r);
}

/* A copy of root's string field key into *out: 0 (also when it is absent or null and
 * may be), 1 when it is missing or mistyped, -1 when memory runs out. */
static int take_str(const cJSON *root, const char *key, bool may_be_null, char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);

	if (!cJSON_IsString(v))
		return may_be_null && (!v || cJSON_IsNull(v)) ? 0 : 1;
	*out = strdup(v->valuestring);
	return *out ? 0 : -1;
}

int js_repl_parse_reply(const char *line, size_t len, struct js_repl_reply *out)
{
	cJSON *root;
	const cJSON *type, *ok;
	const char *ty;
	int rc = 0, bad;

	memset(out, 0, sizeof *out);
	if (len > JS_REPL_REPLY_MAX_BYTES)
		return 0;
	root = cJSON_ParseWithLength(line, len);
	if (!root)
		return 0;
	type = cJSON_GetObjectItemCaseSensitive(root, "type");
	if (!cJSON_IsObject(root) || !cJSON_IsString(type))
		goto out;
	ty = type->valuestring;
	if (strcmp(ty, "exec_result") == 0) {
		ok = cJSON_GetObjectItemCaseSensitive(root, "ok");
		if (!cJSON_IsBool(ok))
			goto out;
		out->kind = JS_REPL_MSG_EXEC_RESULT;
		out->ok = cJSON_IsTrue(ok);
		out->fatal = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "fatal"));
		bad = take_str(root, "id", false, &out->id);
		bad = bad ? bad : take_str(root, "output", false, &out->output);
		bad = bad ? bad : take_str(root, "error", true, &out->error);
	} else if (strcmp(ty, "run_tool") == 0) {
		out->kind = JS_REPL_MSG_RUN_TOOL;
		bad = take_str(root, "id", false, &out->id);
		bad = bad ? bad : take_str(root, "exec_id", false, &out->exec_id);
		bad = bad ? bad : take_str(root, "tool_name", false, &out->tool_name);
		bad = bad ? bad : take_str(root, "arguments", false, &out->arguments);
	} else if (strcmp(ty, "emit_image") == 0) {
		out->kind = JS_REPL_MSG_EMIT_IMAGE;
		bad = take_str(root, "id", false, &out->id);
		bad = bad ? bad : take_str(root, "exec_id", false, &out->exec_id);
		bad = bad ? bad : take_str(root, "image_url", false, &out->image_url);
		bad = bad ? bad : take_str(root, "detail", true, &out->detail);
	} else {
		goto out;
	}
	if (bad) {
		js_repl_reply_clear(out);
		rc = bad < 0 ? -1 : 0;
		goto out;
	}
	rc = 1;
out:
	cJSON_Delete(root);
	return rc;
}

static int parse_ul(const char **s, const char *end, unsigned long *out)
{
	unsigned long v = 0;
	const char *p = *s;

	if (p >= end || *p < '0' || *p > '9')
		return -1;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > (999999999ul - (unsigned long)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	*s = p;
	*out = v;
	return 0;
}

int js_repl_parse_node_version(const char *text, size_t len, struct js_repl_node_version *v)
{
	const char *p = text, *end;
	size_t n = len;

	trim(&p, &n);
	end = p + n;
	while (p < end && *p == 'v')
		p++;
	/* major.minor.patch, each ended by '.', '-', '+' or the end, as upstream splits. */
	if (parse_ul(&p, end, &v->major) < 0 || p >= end || *p != '.' ||
	    (p++, parse_ul(&p, end, &v->minor) < 0) || p >= end || *p != '.' ||
	    (p++, parse_ul(&p, end, &v->patch) < 0))
		return -1;
	if (p < end && *p != '.' && *p != '-' && *p != '+')
		return -1;
	return 0;
}

bool js_repl_node_version_ok(const struct js_repl_node_version *v)
{
	if (v->major != JS_REPL_MIN_NODE_MAJOR)
		return v->major > JS_REPL_MIN_NODE_MAJOR;
	if (v->minor != JS_REPL_MIN_NODE_MINOR)
		return v->minor > JS_REPL_MIN_NODE_MINOR;
	return v->patch + 1 > JS_REPL_MIN_NODE_PATCH; /* >=, without a warning when it is 0 */
}
