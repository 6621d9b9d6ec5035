/* struct patch_error: see patch.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "patch/internal.h"

const char *patch_error_kind_str(enum patch_error_kind k)
{
	switch (k) {
	case PATCH_OK:
		return "ok";
	case PATCH_ERR_INVALID_PATCH:
		return "invalid patch";
	case PATCH_ERR_INVALID_HUNK:
		return "invalid hunk";
	case PATCH_ERR_NO_HUNKS:
		return "no hunks";
	case PATCH_ERR_NOT_FOUND:
		return "lines not found";
	case PATCH_ERR_IO:
		return "i/o error";
	case PATCH_ERR_DUPLICATE:
		return "duplicate path";
	case PATCH_ERR_LIMIT:
		return "over a limit";
	case PATCH_ERR_NO_MEMORY:
		return "out of memory";
	}
	return "?";
}

void patch_error_free(struct patch_error *pe)
{
	if (!pe)
		return;
	free(pe->msg);
	pe->msg = NULL;
	pe->len = 0;
	pe->line = 0;
	pe->kind = PATCH_OK;
}

int perr_take(struct patch_error *pe, enum patch_error_kind kind, struct buf *msg)
{
	if (!pe || pe->kind != PATCH_OK) {
		buf_free(msg);
		return -1;
	}
	pe->kind = kind;
	pe->len = msg->len;
	pe->msg = msg->data ? buf_take(msg) : NULL;
	if (!pe->msg)
		pe->len = 0;
	return -1;
}

int perr_set(struct patch_error *pe, enum patch_error_kind kind, size_t line,
	     const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	if (!pe || pe->kind != PATCH_OK)
		return -1;
	buf_init(&b, (size_t)-1 / 2);
	va_start(ap, fmt);
	if (buf_vprintf(&b, fmt, ap) < 0)
		buf_free(&b); /* the kind still tells what went wrong */
	va_end(ap);
	pe->line = line;
	return perr_take(pe, kind, &b);
}

int perr_quote(struct patch_error *pe, enum patch_error_kind kind, size_t line,
	       const char *before, const char *text, size_t n, const char *after)
{
	struct buf b;

	if (!pe || pe->kind != PATCH_OK)
		return -1;
	buf_init(&b, (size_t)-1 / 2);
	if (buf_puts(&b, before) < 0 || buf_append(&b, text, n) < 0 || buf_puts(&b, after) < 0)
		buf_free(&b);
	pe->line = line;
	return perr_take(pe, kind, &b);
}

int perr_nomem(struct patch_error *pe)
{
	return perr_set(pe, PATCH_ERR_NO_MEMORY, 0, "out of memory");
}

int patch_error_text(const struct patch_error *pe, enum patch_error_style style,
		     struct buf *out)
{
	const char *msg = pe->msg ? pe->msg : patch_error_kind_str(pe->kind);
	size_t len = pe->msg ? pe->len : 0;
	int rc = 0;

	if (!pe->msg)
		rc = buf_puts(out, msg);
	else if (pe->kind == PATCH_ERR_INVALID_PATCH)
		rc = buf_puts(out, style == PATCH_ERROR_CLI ? "Invalid patch: " : "invalid patch: ");
	else if (pe->kind == PATCH_ERR_INVALID_HUNK && style == PATCH_ERROR_CLI)
		rc = buf_printf(out, "Invalid patch hunk on line %zu: ", pe->line);
	else if (pe->kind == PATCH_ERR_INVALID_HUNK)
		rc = buf_printf(out, "invalid hunk at line %zu, ", pe->line);
	if (rc == 0 && pe->msg)
		rc = buf_append(out, msg, len);
	return rc;
}
