/* The new contents of an updated file (reference §2.2–2.5): find every chunk in one
 * forward pass over the file's bytes (seek.c), then describe the result as pieces:
 * the unchanged stretches of the old bytes, as they are, and the new lines. Nothing
 * proportional to the file is allocated: no line table, no copy; writing the pieces
 * out is the only time the bytes are copied. Positions are byte offsets of line
 * starts, which order the same way as line numbers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/bigbuf.h"
#include "base/limits.h"
#include "base/vec.h"
#include "patch/internal.h"

/* One a chunk (so 32 bytes, not more: a patch can have millions). Chunks lie in patch
 * order in one array, so the chunk pointers also give the patch order. */
struct repl {
	size_t start, end;              /* the old bytes replaced: whole lines */
	const struct patch_chunk *chunk;
	uint32_t old_len;               /* how many lines that is */
	uint32_t n_new;                 /* how many of chunk->new_lines go in */
};

struct update {
	const struct patch_hunk *h;
	const char *abs;
	struct pfile f;
	struct repl *r;                 /* one a chunk at most, in block */
	size_t n_r;
	void *block;                    /* the pieces' first room, then r */
	struct pupdate_out *out;
	struct patch_error *pe;
};

static const char LF_EOL[] = "\n";

static int add_repl(struct update *u, size_t start, size_t end, size_t old_len,
		    const struct patch_chunk *c, size_t n_new)
{
	/* One replacement a chunk: r has room for them all. */
	if (u->n_r >= u->h->n_chunks)
		return perr_nomem(u->pe); /* cannot happen */
	/* Both counts are at most a chunk's lines, under LIMIT_PATCH_LINES. */
	u->r[u->n_r] = (struct repl){start, end, c, (uint32_t)old_len, (uint32_t)n_new};
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

static int context_not_found(struct update *u, const struct patch_chunk *c)
{
	struct buf b;

	buf_init(&b, (size_t)-1 / 2);
	if (buf_puts(&b, "Failed to find context '") < 0 ||
	    buf_append(&b, c->context.s, c->context.len) < 0 ||
	    buf_printf(&b, "' in %s", u->abs) < 0)
		return perr_nomem(u->pe);
	return perr_take(u->pe, PATCH_ERR_NOT_FOUND, &b);
}

/* Where a pure addition goes: the end of the file, but in legacy mode before a
 * trailing empty line (§2.3). */
static size_t addition_point(const struct update *u)
{
	const char *d = u->f.data;
	size_t len = u->f.len;

	if (u->f.mode == PATCH_EOL_NORMALIZE_LF && len > 0 && d[len - 1] == '\n' &&
	    (len == 1 || d[len - 2] == '\n'))
		return len - 1;
	return len;
}

/* compute_replacements (§2.3): chunks in patch order, the cursor only moves forward. */
static int find_chunks(struct update *u, struct pseek *s)
{
	size_t cursor = 0, at, end;
	int r;

	pseek_want_chunks(s, u->h->chunks, u->h->n_chunks);
	for (size_t ci = 0; ci < u->h->n_chunks; ci++) {
		const struct patch_chunk *c = &u->h->chunks[ci];
		size_t plen = c->n_old, n_new = c->n_new;

		if (c->context.s) {
			r = pseek_find(s, &c->context, 1, cursor, 0, &at, &end);
			if (r < 0)
				return perr_nomem(u->pe);
			if (r == 0)
				return context_not_found(u, c);
			cursor = end;
		}
		if (plen == 0) {
			/* A pure addition goes at the end, whatever the context said. */
			size_t ins = addition_point(u);
			if (add_repl(u, ins, ins, 0, c, n_new) < 0)
				return -1;
			continue;
		}
		r = pseek_find(s, c->old_lines, plen, cursor, c->end_of_file, &at, &end);
		if (r == 0 && c->old_lines[plen - 1].len == 0) {
			/* Retry without a trailing empty context line. */
			plen--;
			if (n_new > 0 && c->new_lines[n_new - 1].len == 0)
				n_new--;
			r = pseek_find(s, c->old_lines, plen, cursor, c->end_of_file, &at, &end);
		}
		if (r < 0)
			return perr_nomem(u->pe);
		if (r == 0)
			return not_found(u, c);
		if (add_repl(u, at, end, plen, c, n_new) < 0)
			return -1;
		cursor = end;
	}
	return 0;
}

static int repl_cmp(const void *a, const void *b)
{
	const struct repl *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->chunk < y->chunk ? -1 : x->chunk > y->chunk;
}

/* Chunks found in patch order usually come in file order too (the cursor only moves
 * forward): then there is nothing to sort. */
static void sort_repls(struct update *u)
{
	for (size_t j = 0; j + 1 < u->n_r; j++)
		if (repl_cmp(&u->r[j], &u->r[j + 1]) > 0) {
			qsort(u->r, u->n_r, sizeof *u->r, repl_cmp);
			return;
		}
}

/* ---- pieces ---- */

/* Pieces of one rebuilt file: at most three a patch line (a run of new lines, a context
 * line kept, the old stretch before them), or two a line of a spliced file. */
#define MAX_PIECES (2 * ((size_t)LIMIT_PATCH_LINES + LIMIT_PATCH_FILE_LINES) + 4)

static int piece(struct update *u, const char *p, size_t n)
{
	struct pupdate_out *o = u->out;
	struct iovec *v;

	if (n == 0)
		return 0;
	if (n > LIMIT_FILE_READ_BYTES - o->len)
		return perr_set(u->pe, PATCH_ERR_LIMIT, 0,
				"new contents of %s would be larger than the %u-byte limit",
				u->abs, LIMIT_FILE_READ_BYTES);
	o->len += n;
	if (o->n > 0 && (const char *)o->v[o->n - 1].iov_base + o->v[o->n - 1].iov_len == p) {
		o->v[o->n - 1].iov_len += n;
		return 0;
	}
	if (o->n == o->cap && o->v == u->block) {
		/* Past the room counted in the block (only the spliced rebuild gets there):
		 * on in an array of their own, since the block also holds the replacements. */
		v = malloc(o->cap * 2 * sizeof *v);
		if (!v)
			return perr_nomem(u->pe);
		memcpy(v, o->v, o->n * sizeof *v);
		o->v = v;
		o->cap *= 2;
	}
	v = vec_grow(o->v, &o->cap, o->n, sizeof *v, MAX_PIECES);
	if (!v)
		return perr_nomem(u->pe);
	o->v = v;
	o->v[o->n++] = (struct iovec){(void *)p, n};
	return 0;
}

/* The ending a line without one gets: \n in legacy mode, else the preferred one. */
static struct patch_str new_eol(const struct update *u)
{
	return u->f.mode == PATCH_EOL_NORMALIZE_LF ? (struct patch_str){LF_EOL, 1}
						   : u->f.preferred_eol;
}

/* Old bytes [a, b), whole lines; the last line of the file gets an ending. */
static int emit_old(struct update *u, size_t a, size_t b)
{
	struct patch_str eol = new_eol(u);

	if (piece(u, u->f.data + a, b - a) < 0)
		return -1;
	if (b == u->f.len && a < b && pfile_ends_unterminated(&u->f))
		return piece(u, eol.s, eol.len);
	return 0;
}

/* 1 when a patch line goes out as it is in the patch text: followed there by the new
 * ending (a patch line is always followed by one more byte of the text, patch.h). */
static int in_place(const struct update *u, struct patch_str line)
{
	struct patch_str eol = new_eol(u);

	return eol.len == 1 && line.s[line.len] == eol.s[0];
}

/* Patch lines [from, to), each with the new ending: from the patch text where it has
 * them with that ending, else copied into side (runs of copies make one piece). */
static int emit_new(struct update *u, const struct patch_str *lines, size_t from, size_t to)
{
	struct pupdate_out *o = u->out;
	struct patch_str eol = new_eol(u);

	for (size_t k = from; k < to; k++) {
		char *at = o->side + o->side_len;
		if (in_place(u, lines[k])) {
			if (piece(u, lines[k].s, lines[k].len + 1) < 0)
				return -1;
			continue;
		}
		if (lines[k].len)
			memcpy(at, lines[k].s, lines[k].len);
		memcpy(at + lines[k].len, eol.s, eol.len);
		o->side_len += lines[k].len + eol.len;
		if (piece(u, at, lines[k].len + eol.len) < 0)
			return -1;
	}
	return 0;
}

/* Room in side for every new line of the hunk that cannot go out in place, with the
 * longest ending. */
static int alloc_side(struct update *u)
{
	size_t need = 1;

	for (size_t ci = 0; ci < u->h->n_chunks; ci++) {
		const struct patch_chunk *c = &u->h->chunks[ci];
		for (size_t k = 0; k < c->n_new; k++)
			if (!in_place(u, c->new_lines[k]))
				need += c->new_lines[k].len + 2;
	}
	u->out->side = malloc(need);
	if (!u->out->side)
		return perr_nomem(u->pe);
	u->out->side_cap = need;
	return 0;
}

/* Preserve mode: only the stretches between context lines are replaced; context lines
 * keep the file's bytes, endings included. */
static int emit_preserving(struct update *u, const struct repl *r)
{
	const struct patch_chunk *c = r->chunk;
	size_t pn = 0, li = 0, lo = r->start;

	for (size_t k = 0; k < c->n_context; k++) {
		size_t oi = c->context_pairs[k][0], ni = c->context_pairs[k][1];
		struct pline l;
		if (oi >= r->old_len || ni >= r->n_new)
			break;
		if (emit_new(u, c->new_lines, pn, ni) < 0)
			return -1;
		for (; li < oi; li++) {
			pfile_line(&u->f, lo, &l);
			lo = l.next;
		}
		pfile_line(&u->f, lo, &l);
		if (emit_old(u, l.start, l.next) < 0)
			return -1;
		pn = ni + 1;
	}
	return emit_new(u, c->new_lines, pn, r->n_new);
}

/* The replacements do not overlap: one forward pass. */
static int rebuild_forward(struct update *u)
{
	size_t pos = 0;

	for (size_t j = 0; j < u->n_r; j++) {
		const struct repl *r = &u->r[j];
		int rc;

		if (emit_old(u, pos, r->start) < 0)
			return -1;
		if (u->f.mode == PATCH_EOL_NORMALIZE_LF)
			rc = emit_new(u, r->chunk->new_lines, 0, r->n_new);
		else
			rc = emit_preserving(u, r);
		if (rc < 0)
			return -1;
		pos = r->end;
	}
	return emit_old(u, pos, u->f.len);
}

/* Overlapping replacements happen only in legacy mode (End of File chunks that match
 * before the cursor, additions kept before a trailing empty line). Upstream then
 * splices from the last replacement to the first, each removing up to old_len lines
 * at its start; we do the same on a line table so the bytes come out the same. */
static int rebuild_spliced(struct update *u)
{
	struct patch_str *file = NULL, *l = NULL;
	size_t n_file, n, cap;
	int rc = -1;

	rc = pfile_split(&u->f, LIMIT_PATCH_FILE_LINES, &file, &n_file);
	if (rc != 0)
		return rc < 0 ? perr_nomem(u->pe)
			      : perr_set(u->pe, PATCH_ERR_LIMIT, 0,
					 "Failed to read file to update %s: more than %u lines",
					 u->abs, LIMIT_PATCH_FILE_LINES);
	rc = -1;
	cap = n = n_file;
	for (size_t j = 0; j < u->n_r; j++)
		cap += u->r[j].n_new;
	l = malloc((cap ? cap : 1) * sizeof *l);
	if (!l) {
		perr_nomem(u->pe);
		goto out;
	}
	if (n)
		memcpy(l, file, n * sizeof *l);
	for (size_t j = u->n_r; j-- > 0;) {
		const struct repl *r = &u->r[j];
		size_t lo = 0, hi = n_file, start, del;
		while (lo < hi) { /* the line index of r->start, in the original file */
			size_t mid = lo + (hi - lo) / 2;
			if ((size_t)(file[mid].s - u->f.data) < r->start)
				lo = mid + 1;
			else
				hi = mid;
		}
		start = lo;
		del = start < n ? n - start : 0;
		if (del > r->old_len)
			del = r->old_len;
		memmove(l + start + r->n_new, l + start + del, (n - start - del) * sizeof *l);
		if (r->n_new)
			memcpy(l + start, r->chunk->new_lines, r->n_new * sizeof *l);
		n = n - del + r->n_new;
	}
	for (size_t k = 0; k < n; k++) {
		/* A file line followed by its \n goes out as one stretch of the old bytes. */
		int in_file = l[k].s >= u->f.data && l[k].s < u->f.data + u->f.len;
		if (in_file && l[k].s + l[k].len < u->f.data + u->f.len) {
			if (piece(u, l[k].s, l[k].len + 1) < 0)
				goto out;
		} else if (piece(u, l[k].s, l[k].len) < 0 || piece(u, LF_EOL, 1) < 0)
			goto out;
	}
	rc = 0;
out:
	free(l);
	free(file);
	return rc;
}

static int overlapping(const struct update *u)
{
	for (size_t j = 0; j + 1 < u->n_r; j++)
		if (u->r[j + 1].start < u->r[j].end)
			return 1;
	return 0;
}

/* The last n (<= 2) bytes of the pieces into b; returns how many there are. */
static size_t tail(const struct pupdate_out *o, char *b, size_t n)
{
	size_t got = 0;

	for (size_t i = o->n; i-- > 0 && got < n;)
		for (size_t k = o->v[i].iov_len; k-- > 0 && got < n;)
			b[n - 1 - got++] = ((const char *)o->v[i].iov_base)[k];
	memmove(b, b + n - got, got);
	return got;
}

/* Legacy ending: the lines joined with \n, plus a final \n unless the last line is
 * empty (so a trailing blank line is lost, as upstream). Every line went out with a
 * \n, so the last one is empty when the output is "\n" or ends in "\n\n". */
static void finish_lf(struct update *u)
{
	struct pupdate_out *o = u->out;
	char b[2];
	size_t got = tail(o, b, 2);

	if ((got == 1 && b[0] == '\n') || (got == 2 && b[0] == '\n' && b[1] == '\n')) {
		o->v[o->n - 1].iov_len--;
		o->len--;
		if (o->v[o->n - 1].iov_len == 0)
			o->n--;
	}
}

void pupdate_out_free(struct pupdate_out *out)
{
	free(out->v);
	free(out->side);
	memset(out, 0, sizeof *out);
}

char *pupdate_join(const struct pupdate_out *out)
{
	char *s = malloc(out->len + 1);
	size_t at = 0;

	if (!s)
		return NULL;
	for (size_t i = 0; i < out->n; i++) {
		memcpy(s + at, out->v[i].iov_base, out->v[i].iov_len);
		at += out->v[i].iov_len;
	}
	s[at] = '\0';
	return s;
}

/* One block for the pieces and the replacements: room for a replacement a chunk and
 * for the pieces a forward rebuild can make (an old stretch and one piece a new line
 * and a context line kept, a chunk; the last stretch and its ending). Large ones get
 * huge pages as they fill (base/bigbuf.h). */
static int alloc_block(struct update *u)
{
	size_t n_pieces = 4, bytes;

	for (size_t ci = 0; ci < u->h->n_chunks; ci++)
		n_pieces += 1 + u->h->chunks[ci].n_new + u->h->chunks[ci].n_context;
	bytes = n_pieces * sizeof *u->out->v + u->h->n_chunks * sizeof *u->r;
	u->block = bigbuf_lazy(bytes);
	if (!u->block)
		return perr_nomem(u->pe);
	u->out->v = u->block;
	u->out->cap = n_pieces;
	u->r = (struct repl *)(void *)(u->out->v + n_pieces);
	return 0;
}

int pupdate_pieces(const struct patch_hunk *h, const char *abs, const char *old,
		   size_t old_len, enum patch_eol_mode mode, struct pupdate_out *out,
		   struct patch_error *pe)
{
	struct update u = {h, abs, {0}, NULL, 0, NULL, out, pe};
	struct pseek s;
	int rc;

	memset(out, 0, sizeof *out);
	pfile_init(&u.f, old, old_len, mode);
	if (alloc_block(&u) < 0)
		return -1;
	pseek_init(&s, &u.f);
	rc = find_chunks(&u, &s);
	pseek_free(&s);
	if (rc == 0)
		rc = alloc_side(&u);
	if (rc == 0) {
		sort_repls(&u);
		rc = overlapping(&u) ? rebuild_spliced(&u) : rebuild_forward(&u);
	}
	if (rc == 0 && mode == PATCH_EOL_NORMALIZE_LF)
		finish_lf(&u);
	if (out->v != u.block)
		free(u.block); /* else out owns it */
	return rc;
}

int pupdate_contents(const struct patch_hunk *h, const char *abs, const char *old,
		     size_t old_len, enum patch_eol_mode mode, char **out, size_t *out_len,
		     struct patch_error *pe)
{
	struct pupdate_out o;
	int rc = pupdate_pieces(h, abs, old, old_len, mode, &o, pe);

	*out = NULL;
	*out_len = 0;
	if (rc == 0) {
		*out = pupdate_join(&o);
		if (!*out)
			rc = perr_nomem(pe);
		else
			*out_len = o.len;
	}
	pupdate_out_free(&o);
	return rc;
}
