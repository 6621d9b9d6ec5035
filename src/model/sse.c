/* The SSE parser (see sse.h). */
#include "model/sse.h"

#include <string.h>

static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};

void sse_init(struct sse_parser *p)
{
	memset(p, 0, sizeof *p);
	p->status = SSE_NEED_MORE;
	p->line_start = true;
	buf_init(&p->data, LIMIT_SSE_EVENT_BYTES);
}

void sse_free(struct sse_parser *p)
{
	buf_free(&p->data);
}

static void fail(struct sse_parser *p, const char *why)
{
	if (p->status != SSE_ERROR) {
		p->status = SSE_ERROR;
		p->error = why;
	}
}

static enum sse_field field_named(const struct sse_parser *p)
{
	if (p->name_len == 4 && memcmp(p->name, "data", 4) == 0)
		return SSE_FIELD_DATA;
	if (p->name_len == 5 && memcmp(p->name, "event", 5) == 0)
		return SSE_FIELD_EVENT;
	return SSE_FIELD_SKIP;
}

/* A field's value begins (after its ':' or, for a bare name, at the line end). */
static void value_begins(struct sse_parser *p)
{
	p->field = field_named(p);
	if (p->field == SSE_FIELD_EVENT) {
		p->type_len = 0;
		p->type_set = true;
	} else if (p->field == SSE_FIELD_DATA) {
		if (p->has_data && buf_putc(&p->data, '\n') < 0)
			fail(p, "an event's data exceeds LIMIT_SSE_EVENT_BYTES (or memory ran out)");
		p->has_data = true;
	}
}

static void value_bytes(struct sse_parser *p, const char *s, size_t n)
{
	if (n == 0)
		return;
	switch (p->field) {
	case SSE_FIELD_EVENT:
		if (p->type_len + n > LIMIT_SSE_EVENT_NAME) {
			fail(p, "an event type is longer than LIMIT_SSE_EVENT_NAME bytes");
			return;
		}
		memcpy(p->type + p->type_len, s, n);
		p->type_len += n;
		return;
	case SSE_FIELD_DATA:
		if (buf_append(&p->data, s, n) < 0)
			fail(p, "an event's data exceeds LIMIT_SSE_EVENT_BYTES (or memory ran out)");
		return;
	case SSE_FIELD_NONE:
	case SSE_FIELD_SKIP:
		return;
	}
}

/* A line ended. True when it was the blank line that completes an event. */
static bool line_ends(struct sse_parser *p)
{
	if (p->line_start) {
		if (p->has_data) {
			p->type[p->type_len] = '\0';
			p->status = SSE_EVENT;
			return true;
		}
		/* A blank line with no data: the event is empty and forgotten. */
		p->type_len = 0;
		p->type_set = false;
		return false;
	}
	if (!p->in_value)
		value_begins(p); /* "data" alone is an empty data line */
	p->line_start = true;
	return false;
}

/* One byte outside a run of value bytes. True when an event completed. */
static bool take_byte(struct sse_parser *p, char c)
{
	if (p->after_cr) {
		p->after_cr = false;
		if (c == '\n')
			return false;
	}
	if (c == '\r' || c == '\n') {
		p->after_cr = c == '\r';
		return line_ends(p);
	}
	if (p->line_start) {
		p->line_start = false;
		p->in_value = false;
		p->name_len = 0;
		p->field = SSE_FIELD_NONE;
		if (c == ':') { /* a comment */
			p->in_value = true;
			p->value_started = true;
			p->field = SSE_FIELD_SKIP;
			return false;
		}
	}
	if (!p->in_value) {
		if (c == ':') {
			p->in_value = true;
			p->value_started = false;
			value_begins(p);
		} else if (p->name_len < sizeof p->name) {
			p->name[p->name_len++] = c;
		} else {
			p->name_len = sizeof p->name + 1; /* too long for any field we read */
		}
		return false;
	}
	if (!p->value_started) {
		p->value_started = true;
		if (c == ' ')
			return false;
	}
	value_bytes(p, &c, 1);
	return false;
}

size_t sse_push(struct sse_parser *p, const char *data, size_t len)
{
	size_t i = 0;

	if (p->status != SSE_NEED_MORE)
		return 0;
	while (!p->bom_checked && i < len) {
		if ((unsigned char)data[i] == bom[p->bom_seen]) {
			i++;
			if (++p->bom_seen == sizeof bom)
				p->bom_checked = true;
			continue;
		}
		/* Not a byte order mark after all: what matched of it is content. */
		p->bom_checked = true;
		for (unsigned k = 0; k < p->bom_seen; k++)
			take_byte(p, (char)bom[k]);
	}
	while (i < len && p->status == SSE_NEED_MORE) {
		/* The hot path: a run of value bytes up to the line end, taken at once. */
		if (p->in_value && p->value_started && !p->line_start && !p->after_cr) {
			size_t j = i;
			while (j < len && data[j] != '\n' && data[j] != '\r')
				j++;
			value_bytes(p, data + i, j - i);
			i = j;
			if (i == len)
				break;
		}
		if (take_byte(p, data[i++]))
			break;
	}
	return i;
}

const char *sse_event_type(const struct sse_parser *p)
{
	return p->type_set ? p->type : "message";
}

const char *sse_event_data(const struct sse_parser *p, size_t *len)
{
	*len = p->data.len;
	return p->data.data ? p->data.data : "";
}

void sse_event_done(struct sse_parser *p)
{
	if (p->status != SSE_EVENT)
		return;
	buf_reset(&p->data);
	p->has_data = false;
	p->type_len = 0;
	p->type_set = false;
	p->status = SSE_NEED_MORE;
}

const char *sse_error(const struct sse_parser *p)
{
	return p->error ? p->error : "no error";
}
