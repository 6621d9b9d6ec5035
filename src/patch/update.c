/* The new contents of an updated file (reference §2.2–2.5): split the file into lines
 * the way the mode says, find every chunk in one forward pass (the matcher's index
 * keeps each search proportional to the candidates, not to the file), then rebuild
 * the file once. */
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "patch/internal.h"

/* The file as lines. In legacy mode a line is a \n-separated element (a CR stays in
 * it); in preserve mode each line has its own ending of eol_len bytes after it. */
struct tfile {
	struct patch_str *lines;
	unsigned char *eol_len;         /* preserve mode */
	size_t n;
	struct patch_str preferred_eol; /* preserve mode: the first ending, else \n */
};

struct repl {
	size_t start, old_len;          /* the file lines replaced */
	const struct patch_chunk *chunk;
	size_t n_new;                   /* how many of chunk->new_lines go in */
	size_t seq;                     /* patch order, for a stable sort */
};

struct update {
	const struct patch_hunk *h;
	const char *abs;
	enum patch_eol_mode mode;
	struct tfile f;
	struct repl *r;
	size_t n_r;
	struct patch_error *pe;
};

static int too_many_lines(struct update *u)
{
	return perr_set(u->pe, PATCH_ERR_LIMIT, 0,
			"Failed to read file to update %s: more than %u lines", u->abs,
			LIMIT_PATCH_FILE_LINES);
}

/* Legacy split: on \n, dropping one trailing empty element. */
static int split_lf(struct update *u, const char *data, size_t len)
{
	size_t n = 0, at = 0;
	const char *s = data, *end = data + len;

	while ((s = memchr(s, '\n', (size_t)(end - s))) != NULL) {
		s++;
		n++;
	}
	if (len > 0 && data[len - 1] != '\n')
		n++;
	if (n > LIMIT_PATCH_FILE_LINES)
		return too_many_lines(u);
	u->f.lines = malloc((n ? n : 1) * sizeof *u->f.lines);
	if (!u->f.lines)
		return perr_nomem(u->pe);
	for (s = data; at < n; at++) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t l = nl ? (size_t)(nl - s) : (size_t)(end - s);
		u->f.lines[at] = (struct patch_str){s, l};
		if (nl)
			s = nl + 1;
	}
	u->f.n = n;
	return 0;
}

/* Length of the line ending at s (end of data at end): 2 for \r\n, 1 for \r or \n. */
static size_t eol_at(const char *s, const char *end)
{
	if (*s == '\r' && s + 1 < end && s[1] == '\n')
		return 2;
	return 1;
}

/* Preserve split: \r\n, a lone \r and \n all end a line; the ending is kept aside. */
static int split_preserve(struct update *u, const char *data, size_t len)
{
	const char *s, *end = data + len, *line = data;
	size_t n = 0, at = 0;

	u->f.preferred_eol = (struct patch_str){"\n", 1};
	for (s = data; s < end; s++) {
		if (*s != '\r' && *s != '\n')
			continue;
		if (n == 0)
			u->f.preferred_eol = (struct patch_str){s, eol_at(s, end)};
		s += eol_at(s, end) - 1;
		n++;
	}
	if (len > 0 && data[len - 1] != '\r' && data[len - 1] != '\n')
		n++;
	if (n > LIMIT_PATCH_FILE_LINES)
		return too_many_lines(u);
	u->f.lines = malloc((n ? n : 1) * sizeof *u->f.lines);
	u->f.eol_len = malloc(n ? n : 1);
	if (!u->f.lines || !u->f.eol_len)
		return perr_nomem(u->pe);
	for (s = data; s < end; s++) {
		size_t e;
		if (*s != '\r' && *s != '\n')
			continue;
		e = eol_at(s, end);
		u->f.lines[at] = (struct patch_str){line, (size_t)(s - line)};
		u->f.eol_len[at++] = (unsigned char)e;
		s += e - 1;
		line = s + 1;
	}
	if (at < n) {
		u->f.lines[at] = (struct patch_str){line, (size_t)(end - line)};
		u->f.eol_len[at] = 0;
	}
	u->f.n = n;
	return 0;
}

static int add_repl(struct update *u, size_t *cap, size_t start, size_t old_len,
		    const struct patch_chunk *c, size_t n_new)
{
	if (u->n_r == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct repl *r = realloc(u->r, ncap * sizeof *r);
		if (!r)
			return perr_nomem(u->pe);
		u->r = r;
		*cap = ncap;
	}
	u->r[u->n_r] = (struct repl){start, old_len, c, n_new, u->n_r};
	u->n_r++;
	return 0;
}

static int not_found(struct update *u, const struct patch_chunk *c)
{
	struct buf b;

	buf_init(&b, (size_t)-1 / 2);
	if (buf_printf(&b, "Failed to find expected lines in %s:\n", u->abs) < 0)
		return perr_nomem(u->pe);
	for (size_t k = 0; k < c->n_old; k++)
		if ((k > 0 && buf_putc(&b, '\n') < 0) ||
		    buf_append(&b, c->old_lines[k].s, c->old_lines[k].len) < 0)
			return perr_nomem(u->pe);
	return perr_take(u->pe, PATCH_ERR_NOT_FOUND, &b);
}

/* compute_replacements (§2.3): chunks in patch order, the cursor only moves forward. */
static int find_chunks(struct update *u, struct pmatcher *m)
{
	size_t cursor = 0, cap = 0, at;
	int r;

	for (size_t ci = 0; ci < u->h->n_chunks; ci++) {
		const struct patch_chunk *c = &u->h->chunks[ci];
		size_t plen = c->n_old, n_new = c->n_new;

		if (c->context.s) {
			r = pmatch_seek(m, &c->context, 1, cursor, 0, u->mode, &at);
			if (r < 0)
				return perr_nomem(u->pe);
			if (r == 0) {
				struct buf b;
				buf_init(&b, (size_t)-1 / 2);
				if (buf_puts(&b, "Failed to find context '") < 0 ||
				    buf_append(&b, c->context.s, c->context.len) < 0 ||
				    buf_printf(&b, "' in %s", u->abs) < 0)
					return perr_nomem(u->pe);
				return perr_take(u->pe, PATCH_ERR_NOT_FOUND, &b);
			}
			cursor = at + 1;
		}
		if (plen == 0) {
			/* A pure addition goes at the end of the file, whatever the context
			 * said; legacy mode keeps it before a trailing empty line. */
			size_t ins = u->f.n;
			if (u->mode == PATCH_EOL_NORMALIZE_LF && ins > 0 &&
			    u->f.lines[ins - 1].len == 0)
				ins--;
			if (add_repl(u, &cap, ins, 0, c, n_new) < 0)
				return -1;
			continue;
		}
		r = pmatch_seek(m, c->old_lines, plen, cursor, c->end_of_file, u->mode, &at);
		if (r == 0 && c->old_lines[plen - 1].len == 0) {
			/* Retry without a trailing empty context line. */
			plen--;
			if (n_new > 0 && c->new_lines[n_new - 1].len == 0)
				n_new--;
			r = pmatch_seek(m, c->old_lines, plen, cursor, c->end_of_file, u->mode,
					&at);
		}
		if (r < 0)
			return perr_nomem(u->pe);
		if (r == 0)
			return not_found(u, c);
		if (add_repl(u, &cap, at, plen, c, n_new) < 0)
			return -1;
		cursor = at + plen;
	}
	return 0;
}

static int repl_cmp(const void *a, const void *b)
{
	const struct repl *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Writes (or, with out == NULL, only counts) the rebuilt file. */
struct emitter {
	char *out;
	size_t len;
	size_t count;     /* lines emitted */
	int last_empty;   /* legacy mode: the last line emitted was empty */
};

static void put(struct emitter *e, struct patch_str s)
{
	if (e->out && s.len)
		memcpy(e->out + e->len, s.s, s.len);
	e->len += s.len;
}

/* Emits a line and its ending: legacy mode always \n (fixed up at the end), preserve
 * mode the line's own ending or, without one, the preferred one. */
static void emit(struct emitter *e, const struct update *u, struct patch_str text,
		 struct patch_str eol)
{
	put(e, text);
	if (u->mode == PATCH_EOL_NORMALIZE_LF || eol.len == 0)
		eol = u->mode == PATCH_EOL_NORMALIZE_LF ? (struct patch_str){"\n", 1}
							: u->f.preferred_eol;
	put(e, eol);
	e->count++;
	e->last_empty = text.len == 0;
}

static void emit_file_line(struct emitter *e, const struct update *u, size_t i)
{
	struct patch_str eol = {NULL, 0};

	if (u->mode == PATCH_EOL_PRESERVE)
		eol = (struct patch_str){u->f.lines[i].s + u->f.lines[i].len, u->f.eol_len[i]};
	emit(e, u, u->f.lines[i], eol);
}

static void emit_new_lines(struct emitter *e, const struct update *u,
			   const struct patch_str *lines, size_t from, size_t to)
{
	for (size_t k = from; k < to; k++)
		emit(e, u, lines[k], (struct patch_str){NULL, 0});
}

/* Legacy ending: the lines joined with \n, plus a final \n unless the last line is
 * empty (so a trailing blank line is lost, as upstream). */
static void finish_lf(struct emitter *e, const struct update *u)
{
	if (u->mode == PATCH_EOL_NORMALIZE_LF && e->count > 0 && e->last_empty)
		e->len--;
}

/* The replacements do not overlap: one forward pass. */
static void rebuild_forward(struct emitter *e, const struct update *u)
{
	size_t pos = 0;

	for (size_t j = 0; j < u->n_r; j++) {
		const struct repl *r = &u->r[j];
		const struct patch_chunk *c = r->chunk;

		for (; pos < r->start; pos++)
			emit_file_line(e, u, pos);
		if (u->mode == PATCH_EOL_NORMALIZE_LF) {
			emit_new_lines(e, u, c->new_lines, 0, r->n_new);
		} else {
			/* Only the stretches between context lines are replaced; context
			 * lines keep the file's bytes. */
			size_t pn = 0;
			for (size_t k = 0; k < c->n_context; k++) {
				size_t oi = c->context_pairs[k][0], ni = c->context_pairs[k][1];
				if (oi >= r->old_len || ni >= r->n_new)
					break;
				emit_new_lines(e, u, c->new_lines, pn, ni);
				emit_file_line(e, u, r->start + oi);
				pn = ni + 1;
			}
			emit_new_lines(e, u, c->new_lines, pn, r->n_new);
		}
		pos = r->start + r->old_len;
	}
	for (; pos < u->f.n; pos++)
		emit_file_line(e, u, pos);
	finish_lf(e, u);
}

/* Overlapping replacements happen only in legacy mode (End of File chunks that match
 * before the cursor, additions kept before a trailing empty line). Upstream then
 * splices from the last replacement to the first, each removing up to old_len lines
 * at its start; we do the same on a line array so the bytes come out the same. */
static int rebuild_spliced(const struct update *u, struct patch_str **linesp, size_t *np)
{
	size_t cap = u->f.n, n = u->f.n;
	struct patch_str *l;

	for (size_t j = 0; j < u->n_r; j++)
		cap += u->r[j].n_new;
	l = malloc((cap ? cap : 1) * sizeof *l);
	if (!l)
		return -1;
	memcpy(l, u->f.lines, n * sizeof *l);
	for (size_t j = u->n_r; j-- > 0;) {
		const struct repl *r = &u->r[j];
		size_t del = r->start < n ? n - r->start : 0;
		if (del > r->old_len)
			del = r->old_len;
		memmove(l + r->start + r->n_new, l + r->start + del,
			(n - r->start - del) * sizeof *l);
		if (r->n_new)
			memcpy(l + r->start, r->chunk->new_lines, r->n_new * sizeof *l);
		n = n - del + r->n_new;
	}
	*linesp = l;
	*np = n;
	return 0;
}

static int overlapping(const struct update *u)
{
	for (size_t j = 0; j + 1 < u->n_r; j++)
		if (u->r[j + 1].start < u->r[j].start + u->r[j].old_len)
			return 1;
	return 0;
}

static int rebuild(struct update *u, char **out, size_t *out_len)
{
	struct patch_str *spliced = NULL;
	size_t n_spliced = 0;
	int rc = -1;

	qsort(u->r, u->n_r, sizeof *u->r, repl_cmp);
	if (overlapping(u) && rebuild_spliced(u, &spliced, &n_spliced) < 0)
		return perr_nomem(u->pe);
	for (int pass = 0; pass < 2; pass++) {
		struct emitter e = {pass ? *out : NULL, 0, 0, 0};
		if (spliced) {
			emit_new_lines(&e, u, spliced, 0, n_spliced);
			finish_lf(&e, u);
		} else
			rebuild_forward(&e, u);
		if (pass == 1) {
			(*out)[e.len] = '\0';
			*out_len = e.len;
			break;
		}
		if (e.len > LIMIT_FILE_READ_BYTES) {
			perr_set(u->pe, PATCH_ERR_LIMIT, 0,
				 "new contents of %s would be larger than the %u-byte limit",
				 u->abs, LIMIT_FILE_READ_BYTES);
			goto out;
		}
		*out = malloc(e.len + 1);
		if (!*out) {
			perr_nomem(u->pe);
			goto out;
		}
	}
	rc = 0;
out:
	free(spliced);
	return rc;
}

int pupdate_contents(const struct patch_hunk *h, const char *abs, const char *old,
		     size_t old_len, enum patch_eol_mode mode, char **out, size_t *out_len,
		     struct patch_error *pe)
{
	struct update u = {h, abs, mode, {0}, NULL, 0, pe};
	struct pmatcher m;
	int rc;

	*out = NULL;
	*out_len = 0;
	rc = mode == PATCH_EOL_PRESERVE ? split_preserve(&u, old, old_len)
					: split_lf(&u, old, old_len);
	pmatch_init(&m, u.f.lines, u.f.n);
	if (rc == 0)
		rc = find_chunks(&u, &m);
	pmatch_free(&m);
	if (rc == 0)
		rc = rebuild(&u, out, out_len);
	free(u.f.lines);
	free(u.f.eol_len);
	free(u.r);
	return rc;
}
