/* Unified diff for display and approval (reference §2.6): the output format of the
 * Rust crate similar (TextDiff::from_lines, unified_diff, context radius 1, no file
 * headers). Lines are split after \n, \r\n or a lone \r and keep their ending; the
 * alignment is Myers' O(ND) algorithm in its linear-space form (find the middle snake,
 * recurse on both sides), with the tie-breaks of the paper. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"
#include "patch/internal.h"

/* Above this many steps of snake search the rest of a region is shown as one
 * replacement instead: the display stays correct, only less minimal, and two
 * unrelated huge files cannot make verification take minutes. */
#define DIFF_WORK_BUDGET (64u * 1024 * 1024)

struct tok {
	const char *s;
	size_t len;
	uint64_t hash;
};

struct seq {
	struct tok *t;
	size_t n;
};

enum op_kind {
	OP_EQUAL,
	OP_CHANGE   /* old lines removed and new lines added (either may be empty) */
};

struct op {
	enum op_kind kind;
	size_t old_start, old_len, new_start, new_len;
};

struct differ {
	const struct seq *a, *b;
	long *vf, *vb;        /* furthest reaching x per diagonal, offset by voff */
	long voff;
	struct op *ops;
	size_t n_ops, cap_ops;
	size_t work;
	int failed;           /* out of memory */
};

static int tokenize(const char *s, size_t len, struct seq *out)
{
	size_t n = 0, at = 0, start = 0;

	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n' || (s[i] == '\r' && !(i + 1 < len && s[i + 1] == '\n')))
			n++;
	if (len > 0 && s[len - 1] != '\n' && s[len - 1] != '\r')
		n++;
	out->t = malloc((n ? n : 1) * sizeof *out->t);
	out->n = n;
	if (!out->t)
		return -1;
	for (size_t i = 0; i <= len && at < n; i++) {
		int end = i == len || s[i] == '\n' ||
			  (s[i] == '\r' && !(i + 1 < len && s[i + 1] == '\n'));
		if (!end)
			continue;
		size_t stop = i < len ? i + 1 : len;
		struct patch_str l = {s + start, stop - start};
		out->t[at].s = l.s;
		out->t[at].len = l.len;
		out->t[at].hash = ptext_line_hash(PMATCH_EXACT, l);
		at++;
		start = stop;
	}
	return 0;
}

static int tok_eq(const struct tok *x, const struct tok *y)
{
	return x->hash == y->hash && x->len == y->len && memcmp(x->s, y->s, x->len) == 0;
}

static void add_op(struct differ *d, enum op_kind kind, size_t os, size_t ol, size_t ns,
		   size_t nl)
{
	struct op *last = d->n_ops ? &d->ops[d->n_ops - 1] : NULL;
	struct op *p;

	if (ol == 0 && nl == 0)
		return;
	/* Adjacent ops of a kind merge: a run of deletes and inserts between two equal
	 * stretches is one change, shown as all its '-' lines then all its '+' lines. */
	if (last && last->kind == kind) {
		last->old_len += ol;
		last->new_len += nl;
		return;
	}
	/* Ops alternate in kind and each covers a line at least, so they never outnumber
	 * the lines of both texts. */
	p = vec_grow(d->ops, &d->cap_ops, d->n_ops, sizeof *p, d->a->n + d->b->n);
	if (!p) {
		d->failed = 1;
		return;
	}
	d->ops = p;
	d->ops[d->n_ops++] = (struct op){kind, os, ol, ns, nl};
}

/* The middle snake of a[a0..a1) vs b[b0..b1) (both non-empty): where an optimal
 * path crosses the middle. Returns 0 and the split point, or -1 when the work budget
 * is spent. */
static int middle_snake(struct differ *d, size_t a0, size_t a1, size_t b0, size_t b1,
			size_t *xs, size_t *ys)
{
	const struct tok *A = d->a->t + a0, *B = d->b->t + b0;
	long n = (long)(a1 - a0), m = (long)(b1 - b0);
	long delta = n - m, dmax = (n + m + 1) / 2 + 1;
	int odd = (delta & 1) != 0;
	long *vf = d->vf + d->voff, *vb = d->vb + d->voff;

	vf[1] = 0;
	vb[1] = 0;
	for (long D = 0; D < dmax; D++) {
		d->work += (size_t)(2 * D + 1);
		if (d->work > DIFF_WORK_BUDGET)
			return -1;
		for (long k = D; k >= -D; k -= 2) {
			long x = (k == -D || (k != D && vf[k - 1] < vf[k + 1])) ? vf[k + 1]
										 : vf[k - 1] + 1;
			long y = x - k, x0 = x, y0 = y;
			while (x < n && y < m && tok_eq(&A[x], &B[y])) {
				x++;
				y++;
			}
			vf[k] = x;
			if (odd && labs(k - delta) <= D - 1 && vf[k] + vb[-(k - delta)] >= n) {
				*xs = a0 + (size_t)x0;
				*ys = b0 + (size_t)y0;
				return 0;
			}
		}
		for (long k = D; k >= -D; k -= 2) {
			long x = (k == -D || (k != D && vb[k - 1] < vb[k + 1])) ? vb[k + 1]
										 : vb[k - 1] + 1;
			long y = x - k;
			while (x < n && y < m && tok_eq(&A[n - x - 1], &B[m - y - 1])) {
				x++;
				y++;
			}
			vb[k] = x;
			if (!odd && labs(k - delta) <= D && vb[k] + vf[-(k - delta)] >= n) {
				*xs = a0 + (size_t)(n - x);
				*ys = b0 + (size_t)(m - y);
				return 0;
			}
		}
	}
	return -1;
}

static void conquer(struct differ *d, size_t a0, size_t a1, size_t b0, size_t b1)
{
	size_t pre = 0, suf = 0, xs, ys;

	while (a0 + pre < a1 && b0 + pre < b1 && tok_eq(&d->a->t[a0 + pre], &d->b->t[b0 + pre]))
		pre++;
	add_op(d, OP_EQUAL, a0, pre, b0, pre);
	a0 += pre;
	b0 += pre;
	while (a1 - suf > a0 && b1 - suf > b0 &&
	       tok_eq(&d->a->t[a1 - suf - 1], &d->b->t[b1 - suf - 1]))
		suf++;
	a1 -= suf;
	b1 -= suf;
	if (a0 == a1 || b0 == b1 || middle_snake(d, a0, a1, b0, b1, &xs, &ys) < 0) {
		add_op(d, OP_CHANGE, a0, a1 - a0, b0, b1 - b0);
	} else {
		conquer(d, a0, xs, b0, ys);
		conquer(d, xs, a1, ys, b1);
	}
	add_op(d, OP_EQUAL, a1, suf, b1, suf);
}

/* "@@ -3 +3,2 @@": a range of one line is its number, an empty one starts at the line
 * before it. */
static int put_range(struct buf *out, char sign, size_t start, size_t len)
{
	if (len == 1)
		return buf_printf(out, "%c%zu", sign, start + 1);
	return buf_printf(out, "%c%zu,%zu", sign, len == 0 ? start : start + 1, len);
}

static int put_lines(struct buf *out, char tag, const struct seq *s, size_t from, size_t n)
{
	for (size_t i = from; i < from + n; i++) {
		const struct tok *t = &s->t[i];
		if (buf_putc(out, tag) < 0 || buf_append(out, t->s, t->len) < 0)
			return -1;
		if (t->len == 0 || (t->s[t->len - 1] != '\n' && t->s[t->len - 1] != '\r'))
			if (buf_puts(out, "\n\\ No newline at end of file\n") < 0)
				return -1;
	}
	return 0;
}

static int put_hunk(struct buf *out, const struct differ *d, const struct op *g, size_t n)
{
	const struct op *last = &g[n - 1];

	if (buf_puts(out, "@@ ") < 0 ||
	    put_range(out, '-', g[0].old_start, last->old_start + last->old_len - g[0].old_start) < 0 ||
	    buf_putc(out, ' ') < 0 ||
	    put_range(out, '+', g[0].new_start, last->new_start + last->new_len - g[0].new_start) < 0 ||
	    buf_puts(out, " @@\n") < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (g[i].kind == OP_EQUAL) {
			if (put_lines(out, ' ', d->a, g[i].old_start, g[i].old_len) < 0)
				return -1;
		} else if (put_lines(out, '-', d->a, g[i].old_start, g[i].old_len) < 0 ||
			   put_lines(out, '+', d->b, g[i].new_start, g[i].new_len) < 0)
			return -1;
	}
	return 0;
}

/* Groups the ops into hunks with `radius` lines of context (difflib's
 * get_grouped_opcodes) and prints them. Ops are trimmed in place. */
static int put_hunks(struct buf *out, struct differ *d, size_t radius)
{
	struct op *ops = d->ops, *g;
	size_t n = d->n_ops, gn = 0;
	int rc = -1;

	if (n == 0)
		return 0;
	g = malloc((n + 1) * sizeof *g);
	if (!g)
		return -1;
	if (ops[0].kind == OP_EQUAL && ops[0].old_len > radius) {
		size_t cut = ops[0].old_len - radius;
		ops[0].old_start += cut;
		ops[0].new_start += cut;
		ops[0].old_len = ops[0].new_len = radius;
	}
	if (ops[n - 1].kind == OP_EQUAL && ops[n - 1].old_len > radius)
		ops[n - 1].old_len = ops[n - 1].new_len = radius;
	for (size_t i = 0; i < n; i++) {
		struct op o = ops[i];
		if (o.kind == OP_EQUAL && o.old_len > 2 * radius) {
			g[gn++] = (struct op){OP_EQUAL, o.old_start, radius, o.new_start, radius};
			if (put_hunk(out, d, g, gn) < 0)
				goto out;
			size_t cut = o.old_len - radius;
			g[0] = (struct op){OP_EQUAL, o.old_start + cut, radius, o.new_start + cut,
					   radius};
			gn = 1;
			continue;
		}
		g[gn++] = o;
	}
	if (!(gn == 0 || (gn == 1 && g[0].kind == OP_EQUAL)) && put_hunk(out, d, g, gn) < 0)
		goto out;
	rc = 0;
out:
	free(g);
	return rc;
}

static int unified(const char *old, size_t old_len, const char *new_, size_t new_len,
		   size_t radius, struct buf *out)
{
	struct seq a = {NULL, 0}, b = {NULL, 0};
	struct differ d = {0};
	long vsize;
	int rc = -1;

	if (tokenize(old, old_len, &a) < 0 || tokenize(new_, new_len, &b) < 0)
		goto out;
	d.a = &a;
	d.b = &b;
	d.voff = (long)((a.n + b.n + 1) / 2 + 2);
	vsize = 2 * d.voff + 1;
	d.vf = malloc((size_t)vsize * sizeof *d.vf);
	d.vb = malloc((size_t)vsize * sizeof *d.vb);
	if (!d.vf || !d.vb)
		goto out;
	conquer(&d, 0, a.n, 0, b.n);
	if (d.failed)
		goto out;
	rc = put_hunks(out, &d, radius);
out:
	free(a.t);
	free(b.t);
	free(d.vf);
	free(d.vb);
	free(d.ops);
	return rc;
}

int pdiff_unified(const char *old, size_t old_len, const char *new_, size_t new_len,
		  struct buf *out)
{
	return unified(old, old_len, new_, new_len, 1, out);
}

int patch_unified_diff(const char *old, size_t old_len, const char *new_, size_t new_len,
		       size_t context, struct buf *out)
{
	return unified(old, old_len, new_, new_len, context, out);
}
