#include "base/json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cJSON *json_parse(const char *text, size_t len, const char *what, struct err *e)
{
	const char *end = NULL;
	cJSON *root;
	size_t line = 1, col = 1, at;

	errno = 0;
	root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (!root && errno == ENOMEM) {
		err_set(e, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	if (root) {
		at = (size_t)(end - text);
		while (at < len && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' ||
				    text[at] == '\r'))
			at++;
		if (at == len)
			return root;
		cJSON_Delete(root);
	} else {
		/* On failure cJSON points end at where it stopped. */
		at = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
	}
	for (size_t i = 0; i < at && i < len; i++) {
		if (text[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	err_set(e, "%s: invalid JSON at line %zu, column %zu", what, line, col);
	return NULL;
}

static int put_string(struct buf *out, const char *s)
{
	if (buf_putc(out, '"') < 0)
		return -1;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		const char *esc = NULL;
		char hex[8];

		switch (*p) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			if (*p < 0x20) {
				snprintf(hex, sizeof hex, "\\u%04x", *p);
				esc = hex;
			}
		}
		if (esc ? buf_puts(out, esc) < 0 : buf_putc(out, (char)*p) < 0)
			return -1;
	}
	return buf_putc(out, '"');
}

static int put_number(struct buf *out, double d)
{
	char tmp[40];

	if (!isfinite(d))
		return buf_puts(out, "null");
	if (d == floor(d) && fabs(d) < 9.2e18)
		return buf_printf(out, "%lld", (long long)d);
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	return buf_puts(out, tmp);
}

static int put_indent(struct buf *out, bool pretty, int depth)
{
	if (!pretty)
		return 0;
	if (buf_putc(out, '\n') < 0)
		return -1;
	for (int i = 0; i < depth; i++)
		if (buf_puts(out, "  ") < 0)
			return -1;
	return 0;
}

static int put_value(struct buf *out, const cJSON *item, bool pretty, int depth)
{
	bool obj;

	if (depth > JSON_MAX_DEPTH) {
		buf_free(out);
		return -1;
	}
	if (cJSON_IsNull(item) || cJSON_IsInvalid(item))
		return buf_puts(out, "null");
	if (cJSON_IsFalse(item))
		return buf_puts(out, "false");
	if (cJSON_IsTrue(item))
		return buf_puts(out, "true");
	if (cJSON_IsNumber(item))
		return put_number(out, item->valuedouble);
	if (cJSON_IsString(item))
		return put_string(out, item->valuestring ? item->valuestring : "");
	if (cJSON_IsRaw(item))
		return buf_puts(out, item->valuestring ? item->valuestring : "null");
	obj = cJSON_IsObject(item);
	if (buf_putc(out, obj ? '{' : '[') < 0)
		return -1;
	for (const cJSON *c = item->child; c; c = c->next) {
		if (put_indent(out, pretty, depth + 1) < 0)
			return -1;
		if (obj && (put_string(out, c->string ? c->string : "") < 0 ||
			    buf_puts(out, pretty ? ": " : ":") < 0))
			return -1;
		if (put_value(out, c, pretty, depth + 1) < 0)
			return -1;
		if (c->next && buf_putc(out, ',') < 0)
			return -1;
	}
	if (item->child && put_indent(out, pretty, depth) < 0)
		return -1;
	return buf_putc(out, obj ? '}' : ']');
}

int json_write(struct buf *out, const cJSON *item, bool pretty)
{
	return put_value(out, item, pretty, 0);
}

char *json_print(const cJSON *item, bool pretty)
{
	struct buf b;

	buf_init(&b, (size_t)-1 / 2);
	if (json_write(&b, item, pretty) < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

const char *json_get_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int json_get_int64(const cJSON *obj, const char *key, int64_t *out)
{
	const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
	double d;

	if (!cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	if (!isfinite(d) || d != floor(d) || d < -9.2e18 || d > 9.2e18)
		return -1;
	*out = (int64_t)d;
	return 0;
}

int json_get_bool(const cJSON *obj, const char *key, bool *out)
{
	const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;

	if (!cJSON_IsBool(v))
		return -1;
	*out = cJSON_IsTrue(v);
	return 0;
}

/* Adds v (NULL when its creation failed) to obj, or frees it. */
static int add_item(cJSON *obj, const char *key, cJSON *v)
{
	if (!v)
		return -1;
	if (!cJSON_AddItemToObject(obj, key, v)) {
		cJSON_Delete(v);
		return -1;
	}
	return 0;
}

int json_add_str(cJSON *obj, const char *key, const char *value)
{
	return add_item(obj, key, value ? cJSON_CreateString(value) : cJSON_CreateNull());
}

int json_add_int(cJSON *obj, const char *key, int64_t value)
{
	return add_item(obj, key, cJSON_CreateNumber((double)value));
}
