/* A file's bytes seen as lines, the way each mode splits them (reference §2.2), without
 * a line table: lines are found where they are needed, forward or backward from a byte
 * offset. Legacy mode splits on \n and drops one trailing empty element (a CR stays in
 * the line); preserve mode ends a line at \r\n, a lone \r or \n. Either way a line
 * starts at every offset below the length that follows an ending (or is 0), so "past
 * the last line" is the file's length. */
#include <stdlib.h>
#include <string.h>

#include "patch/internal.h"

void pfile_init(struct pfile *f, const char *data, size_t len, enum patch_eol_mode mode)
{
	f->data = data;
	f->len = len;
	f->mode = mode;
	/* Without a CR, preserve mode's lines are legacy mode's: one memchr a line. */
	f->split_cr = mode == PATCH_EOL_PRESERVE && memchr(data, '\r', len) != NULL;
	f->preferred_eol = (struct patch_str){"\n", 1};
	if (mode == PATCH_EOL_PRESERVE) {
		const char *cr = f->split_cr ? memchr(data, '\r', len) : NULL;
		const char *nl = memchr(data, '\n', len);
		if (cr && (!nl || cr < nl))
			f->preferred_eol = (struct patch_str){cr, cr + 1 < data + len && cr[1] == '\n'
									  ? 2u
									  : 1u};
	}
}

void pfile_line(const struct pfile *f, size_t off, struct pline *l)
{
	const char *s = f->data + off, *end = f->data + f->len;
	const char *e = pbytes_eol(s, end, f->split_cr);

	l->start = off;
	if (!e) {
		l->end = l->next = f->len;
		return;
	}
	l->end = (size_t)(e - f->data);
	l->next = l->end + (*e == '\r' && e + 1 < end && e[1] == '\n' ? 2 : 1);
}

/* Bytes of the ending of the line that ends just before off (off > 0): 0 when off is
 * the length and the last line has no ending. */
static size_t eol_before(const struct pfile *f, size_t off)
{
	const char *d = f->data;

	if (d[off - 1] != '\n' && (f->mode != PATCH_EOL_PRESERVE || d[off - 1] != '\r'))
		return 0;
	if (f->mode == PATCH_EOL_PRESERVE && d[off - 1] == '\n' && off >= 2 && d[off - 2] == '\r')
		return 2;
	return 1;
}

int pfile_prev(const struct pfile *f, size_t off, size_t *start)
{
	size_t end;

	if (off == 0)
		return 0;
	end = off - eol_before(f, off);
	if (!f->split_cr) {
		const char *nl = memrchr(f->data, '\n', end);
		*start = nl ? (size_t)(nl - f->data) + 1 : 0;
		return 1;
	}
	while (end > 0 && f->data[end - 1] != '\n' && f->data[end - 1] != '\r')
		end--;
	*start = end;
	return 1;
}

int pfile_ends_unterminated(const struct pfile *f)
{
	return f->len > 0 && eol_before(f, f->len) == 0;
}

size_t pfile_text(const struct pfile *f, size_t off, struct patch_str *text)
{
	struct pline l;

	pfile_line(f, off, &l);
	*text = (struct patch_str){f->data + l.start, l.end - l.start};
	return l.next;
}

int pfile_split(const struct pfile *f, size_t max_lines, struct patch_str **lines, size_t *n)
{
	size_t count = 0, cap = 0, off = 0;
	struct patch_str *l = NULL;

	for (off = 0; off < f->len; count++) {
		struct pline pl;
		pfile_line(f, off, &pl);
		off = pl.next;
	}
	if (count > max_lines)
		return 1;
	cap = count ? count : 1;
	l = malloc(cap * sizeof *l);
	if (!l)
		return -1;
	count = 0;
	for (off = 0; off < f->len; count++)
		off = pfile_text(f, off, &l[count]);
	*lines = l;
	*n = count;
	return 0;
}
