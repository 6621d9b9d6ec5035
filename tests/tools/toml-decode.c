/* toml-decode: the toml-test decoder interface for src/config/toml.c.
 * Reads TOML on stdin; prints toml-test's tagged JSON on stdout and exits 0, or prints
 * "toml-decode: error: <line>:<col>: <message>" on stderr and exits 1. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/file.h"
#include "base/limits.h"
#include "config/toml.h"

static int put_json_string(struct buf *out, const char *s, size_t n)
{
	if (buf_putc(out, '"') < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int rc;

		if (c == '"' || c == '\\')
			rc = buf_printf(out, "\\%c", c);
		else if (c == '\n')
			rc = buf_puts(out, "\\n");
		else if (c == '\t')
			rc = buf_puts(out, "\\t");
		else if (c < 0x20 || c == 0x7F)
			rc = buf_printf(out, "\\u%04x", c);
		else
			rc = buf_putc(out, (char)c);
		if (rc < 0)
			return -1;
	}
	return buf_putc(out, '"');
}

static int put_tagged(struct buf *out, const char *type, const char *value)
{
	return buf_printf(out, "{\"type\":\"%s\",\"value\":", type) < 0 ||
			       put_json_string(out, value, strlen(value)) < 0 ||
			       buf_putc(out, '}') < 0
		       ? -1
		       : 0;
}

/* toml-test's names for the four date-time types. */
static const char *datetime_tag(enum toml_type t)
{
	switch (t) {
	case TOML_DATETIME:
		return "datetime";
	case TOML_DATETIME_LOCAL:
		return "datetime-local";
	case TOML_DATE_LOCAL:
		return "date-local";
	case TOML_TIME_LOCAL:
		return "time-local";
	case TOML_TABLE:
	case TOML_ARRAY:
	case TOML_STRING:
	case TOML_INTEGER:
	case TOML_FLOAT:
	case TOML_BOOL:
		break;
	}
	return "?";
}

/* Recursion is bounded by LIMIT_TOML_DEPTH (the parser enforces it). */
static int put_value(struct buf *out, const struct toml_value *v)
{
	char text[64];

	switch (v->type) {
	case TOML_TABLE:
		if (buf_putc(out, '{') < 0)
			return -1;
		for (size_t k = 0; k < v->u.table.n; k++) {
			const struct toml_entry *e = &v->u.table.entries[k];
			if ((k && buf_putc(out, ',') < 0) ||
			    put_json_string(out, e->key, e->key_len) < 0 || buf_putc(out, ':') < 0 ||
			    put_value(out, e->value) < 0)
				return -1;
		}
		return buf_putc(out, '}');
	case TOML_ARRAY:
		if (buf_putc(out, '[') < 0)
			return -1;
		for (size_t k = 0; k < v->u.array.n; k++)
			if ((k && buf_putc(out, ',') < 0) || put_value(out, v->u.array.items[k]) < 0)
				return -1;
		return buf_putc(out, ']');
	case TOML_STRING:
		return buf_puts(out, "{\"type\":\"string\",\"value\":") < 0 ||
				       put_json_string(out, v->u.str.ptr, v->u.str.len) < 0 ||
				       buf_putc(out, '}') < 0
			       ? -1
			       : 0;
	case TOML_INTEGER:
		snprintf(text, sizeof text, "%lld", (long long)v->u.integer);
		return put_tagged(out, "integer", text);
	case TOML_FLOAT:
		if (isnan(v->u.flt))
			snprintf(text, sizeof text, "nan");
		else if (isinf(v->u.flt))
			snprintf(text, sizeof text, "%sinf", v->u.flt < 0 ? "-" : "");
		else
			snprintf(text, sizeof text, "%.17g", v->u.flt);
		return put_tagged(out, "float", text);
	case TOML_BOOL:
		return put_tagged(out, "bool", v->u.boolean ? "true" : "false");
	case TOML_DATETIME:
	case TOML_DATETIME_LOCAL:
	case TOML_DATE_LOCAL:
	case TOML_TIME_LOCAL:
		toml_datetime_format(v, text);
		return put_tagged(out, datetime_tag(v->type), text);
	}
	return -1;
}

int main(void)
{
	struct buf in, out;
	struct err e = {{0}};
	struct toml_value *doc = NULL;
	int rc = 1;

	buf_init(&in, LIMIT_CONFIG_FILE_BYTES + 1);
	buf_init(&out, (size_t)1 << 30);
	if (fd_read_all(0, &in, "stdin", &e) < 0)
		goto out;
	doc = toml_parse(in.data ? in.data : "", in.len, &e);
	if (!doc)
		goto out;
	if (put_value(&out, doc) < 0 || buf_putc(&out, '\n') < 0) {
		err_set(&e, "out of memory");
		goto out;
	}
	if (fd_write_all(1, out.data, out.len) < 0) {
		err_set(&e, "cannot write stdout");
		goto out;
	}
	rc = 0;
out:
	if (rc)
		err_print("toml-decode", &e);
	toml_free(doc);
	buf_free(&in);
	buf_free(&out);
	return rc;
}
