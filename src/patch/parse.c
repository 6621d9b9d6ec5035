/* The patch parser (reference §1.2). Two stages, as upstream:
 *   1. the envelope: trim the text, check the Begin/End marker lines (with the heredoc
 *      leniency), and join the surviving lines with \n;
 *   2. a line-by-line state machine over that text, which builds the hunks.
 * The parser does no I/O and reads only through bounds-checked slices. */
#include <stdlib.h>
#include <string.h>

#include "base/bigbuf.h"
#include "base/limits.h"
#include "base/vec.h"
#include "patch/internal.h"

#define BEGIN_PATCH "*** Begin Patch"
#define END_PATCH "*** End Patch"
#define ADD_FILE "*** Add File: "
#define DELETE_FILE "*** Delete File: "
#define UPDATE_FILE "*** Update File: "
#define MOVE_TO "*** Move to: "
#define END_OF_FILE "*** End of File"
#define ENVIRONMENT_ID "*** Environment ID:"

#define MSG_FIRST_LINE "The first line of the patch must be '*** Begin Patch'"
#define MSG_LAST_LINE "The last line of the patch must be '*** End Patch'"
/* Messages that quote a line: the text before it and after it. */
static const char *const MSG_BAD_HEADER[2] = {
	"'", "' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', "
	     "'*** Delete File: {path}', '*** Update File: {path}'"};
static const char *const MSG_UNEXPECTED_LINE[2] = {
	"Unexpected line found in update hunk: '",
	"'. Every line should start with ' ' (context line), '+' (added line), or '-' "
	"(removed line)"};
static const char *const MSG_EXPECTED_AT[2] = {
	"Expected update hunk to start with a @@ context marker, got: '", "'"};
static const char *const MSG_EMPTY_UPDATE[2] = {"Update file hunk for path '", "' is empty"};
#define MSG_NO_LINES "Update hunk does not contain any lines"

/* Build-time form of a hunk: its chunks are an index range into a pool that may move
 * while it grows; patch_parse turns it into the pointers of patch.h at the end. The
 * chunks themselves are built in their final form: the line tables they point into
 * are sized for the whole patch up front and never move. */
struct bhunk {
	enum patch_hunk_kind kind;
	struct patch_str path, move_path;
	size_t contents_off, contents_len;
	size_t first_chunk, n_chunks;
	size_t line;
};

/* Everything a struct patch owns; p->storage points here. */
struct storage {
	char *text;                 /* the normalised patch text */
	struct patch_hunk *hunks;
	struct patch_chunk *chunks;
	char *tables;               /* old_lines, pairs and new_lines, in one block */
	struct patch_str *old_lines, *new_lines;
	size_t (*pairs)[2];
	char *contents;             /* every Add File's bytes, back to back */
};

enum state {
	ST_NOT_STARTED,
	ST_STARTED,
	ST_ADD,
	ST_DELETE,
	ST_UPDATE,
	ST_ENDED
};

struct parser {
	enum state state;
	size_t line;                /* number of the line being processed */
	struct storage *st;
	struct patch_str environment_id;
	struct bhunk *hunks;
	size_t n_hunks, cap_hunks;
	/* st->old_lines, new_lines and pairs: room for every line the patch can add, so
	 * that they never move while they fill (chunks point into them). */
	size_t n_old, cap_old, n_new, cap_new, n_pairs, cap_pairs;
	size_t n_chunks, cap_chunks;
	struct buf contents;
	struct patch_error *pe;
};

/* The pools below never outgrow the patch's lines (each element is one line at
 * least), which patch_parse caps at LIMIT_PATCH_LINES before building them. */
static int hunk_error(struct parser *ps, size_t line, const char *const msg[2],
		      struct patch_str s)
{
	return perr_quote(ps->pe, PATCH_ERR_INVALID_HUNK, line, msg[0], s.s, s.len, msg[1]);
}

static int hunk_error_plain(struct parser *ps, size_t line, const char *msg)
{
	return perr_set(ps->pe, PATCH_ERR_INVALID_HUNK, line, "%s", msg);
}

static int patch_error_plain(struct parser *ps, const char *msg)
{
	return perr_set(ps->pe, PATCH_ERR_INVALID_PATCH, 0, "%s", msg);
}

static struct patch_str tail(struct patch_str s, size_t from)
{
	s.s += from;
	s.len -= from;
	return s;
}

static struct patch_chunk *last_chunk(struct parser *ps)
{
	struct bhunk *h = &ps->hunks[ps->n_hunks - 1];
	return h->n_chunks ? &ps->st->chunks[h->first_chunk + h->n_chunks - 1] : NULL;
}

static int chunk_is_empty(const struct patch_chunk *c)
{
	return c->n_old == 0 && c->n_new == 0;
}

/* Leaving an Update hunk at `header` (the next header or End Patch). */
static int close_update(struct parser *ps, struct patch_str header)
{
	struct bhunk *h;
	struct patch_chunk *c;

	if (ps->state != ST_UPDATE)
		return 0;
	h = &ps->hunks[ps->n_hunks - 1];
	if (h->n_chunks == 0)
		return hunk_error(ps, h->line, MSG_EMPTY_UPDATE, h->path);
	c = last_chunk(ps);
	if (chunk_is_empty(c)) {
		if (ptext_eq(header, END_PATCH))
			return hunk_error_plain(ps, ps->line, MSG_NO_LINES);
		return hunk_error(ps, ps->line, MSG_UNEXPECTED_LINE, header);
	}
	return 0;
}

static int new_hunk(struct parser *ps, enum patch_hunk_kind kind, struct patch_str path)
{
	struct bhunk *h = vec_grow(ps->hunks, &ps->cap_hunks, ps->n_hunks, sizeof *h,
				   LIMIT_PATCH_LINES);

	if (!h)
		return perr_nomem(ps->pe);
	ps->hunks = h;
	h = &ps->hunks[ps->n_hunks++];
	memset(h, 0, sizeof *h);
	h->kind = kind;
	h->path = path;
	h->line = ps->line;
	h->first_chunk = ps->n_chunks;
	h->contents_off = ps->contents.len;
	return 0;
}

/* Returns 1 when s is a hunk header or End Patch (and acts on it), 0 when it is not,
 * -1 on error. */
static int take_header(struct parser *ps, struct patch_str s)
{
	static const struct {
		const char *marker;
		enum patch_hunk_kind kind;
		enum state next;
	} headers[] = {
		{ADD_FILE, PATCH_HUNK_ADD, ST_ADD},
		{DELETE_FILE, PATCH_HUNK_DELETE, ST_DELETE},
		{UPDATE_FILE, PATCH_HUNK_UPDATE, ST_UPDATE},
	};

	if (s.len < 3 || s.s[0] != '*')
		return 0; /* every header starts "***": most lines are not one */
	if (ptext_eq(s, END_PATCH)) {
		if (close_update(ps, s) < 0)
			return -1;
		ps->state = ST_ENDED;
		return 1;
	}
	for (size_t k = 0; k < sizeof headers / sizeof headers[0]; k++) {
		if (!ptext_starts(s, headers[k].marker))
			continue;
		if (close_update(ps, s) < 0 ||
		    new_hunk(ps, headers[k].kind, tail(s, strlen(headers[k].marker))) < 0)
			return -1;
		ps->state = headers[k].next;
		return 1;
	}
	return 0;
}

static int new_chunk(struct parser *ps, struct patch_str context)
{
	struct storage *st = ps->st;
	struct patch_chunk *c = vec_grow(st->chunks, &ps->cap_chunks, ps->n_chunks, sizeof *c,
					 LIMIT_PATCH_LINES);

	if (!c)
		return perr_nomem(ps->pe);
	st->chunks = c;
	c = &st->chunks[ps->n_chunks++];
	*c = (struct patch_chunk){context,
				  st->old_lines + ps->n_old, 0,
				  st->new_lines + ps->n_new, 0,
				  (const size_t(*)[2])(st->pairs + ps->n_pairs), 0,
				  0};
	ps->hunks[ps->n_hunks - 1].n_chunks++;
	return 0;
}

/* Adds an update line: to old_lines, new_lines or both (a context line). The tables
 * were sized for every line of the patch that can add one, so a line always fits. */
static int add_update_line(struct parser *ps, struct patch_str s, int old, int new_)
{
	struct storage *st = ps->st;
	struct patch_chunk *c = last_chunk(ps);

	if (!c) {
		if (new_chunk(ps, (struct patch_str){NULL, 0}) < 0)
			return -1;
		c = last_chunk(ps);
	}
	if ((old && ps->n_old >= ps->cap_old) || (new_ && ps->n_new >= ps->cap_new) ||
	    (old && new_ && ps->n_pairs >= ps->cap_pairs))
		return perr_nomem(ps->pe); /* cannot happen: see count_line */
	if (old && new_) {
		st->pairs[ps->n_pairs][0] = c->n_old;
		st->pairs[ps->n_pairs][1] = c->n_new;
		ps->n_pairs++;
		c->n_context++;
	}
	if (old) {
		st->old_lines[ps->n_old++] = s;
		c->n_old++;
	}
	if (new_) {
		st->new_lines[ps->n_new++] = s;
		c->n_new++;
	}
	return 0;
}

static int is_context_marker(struct patch_str u)
{
	return ptext_eq(u, "@@") || ptext_starts(u, "@@ ");
}

/* One line inside an Update hunk. Headers are recognised on the right-trimmed line
 * only, so an indented "*** Update File:" is a context line, as upstream. */
static int update_line(struct parser *ps, struct patch_str raw)
{
	struct patch_str u;
	struct bhunk *h;
	struct patch_chunk *c = last_chunk(ps);
	int r;

	/* Most lines: a line that starts with ' ', '-' or '+' is no header, marker or
	 * Move to, trimmed or not, so only End of File's rule below can refuse it. */
	if (raw.len > 0 && (raw.s[0] == ' ' || raw.s[0] == '-' || raw.s[0] == '+') &&
	    !(c && c->end_of_file))
		return add_update_line(ps, tail(raw, 1), raw.s[0] != '+', raw.s[0] != '-');
	u = ptext_trim_end(raw);
	r = take_header(ps, u);
	if (r != 0)
		return r < 0 ? -1 : 0;
	h = &ps->hunks[ps->n_hunks - 1];
	c = last_chunk(ps);
	if (c && c->end_of_file) {
		/* After "*** End of File" only blank lines, a new chunk or a header. */
		if (u.len == 0)
			return 0;
		if (!is_context_marker(u))
			return hunk_error(ps, ps->line, MSG_EXPECTED_AT, raw);
	}
	if (!c && !h->move_path.s && ptext_starts(u, MOVE_TO)) {
		h->move_path = tail(u, strlen(MOVE_TO));
		return 0;
	}
	if (is_context_marker(u)) {
		if (c && chunk_is_empty(c))
			return hunk_error(ps, ps->line, MSG_UNEXPECTED_LINE, raw);
		return new_chunk(ps, u.len > 2 ? tail(u, 3) : (struct patch_str){NULL, 0});
	}
	if (ptext_eq(u, END_OF_FILE)) {
		if (c && chunk_is_empty(c))
			return hunk_error_plain(ps, ps->line, MSG_NO_LINES);
		if (c)
			c->end_of_file = 1;
		return 0;
	}
	if (raw.len == 0)
		return add_update_line(ps, raw, 1, 1);
	switch (raw.s[0]) {
	case ' ':
		return add_update_line(ps, tail(raw, 1), 1, 1);
	case '-':
		return add_update_line(ps, tail(raw, 1), 1, 0);
	case '+':
		return add_update_line(ps, tail(raw, 1), 0, 1);
	}
	if (c && !chunk_is_empty(c))
		return hunk_error(ps, ps->line, MSG_EXPECTED_AT, raw);
	return hunk_error(ps, ps->line, MSG_UNEXPECTED_LINE, raw);
}

static int environment_line(struct parser *ps, struct patch_str trimmed)
{
	struct patch_str id = ptext_trim(tail(trimmed, strlen(ENVIRONMENT_ID)));

	if (ps->environment_id.s)
		return patch_error_plain(ps,
					 "apply_patch environment_id cannot be specified more than once");
	if (id.len == 0)
		return patch_error_plain(ps, "apply_patch environment_id cannot be empty");
	ps->environment_id = id;
	return 0;
}

static int process_line(struct parser *ps, struct patch_str raw)
{
	struct patch_str trimmed;
	int r = 0;

	if (ps->state == ST_UPDATE)
		return update_line(ps, raw); /* trims only what it needs */
	trimmed = ptext_trim(raw);
	switch (ps->state) {
	case ST_NOT_STARTED:
		if (!ptext_eq(trimmed, BEGIN_PATCH))
			return patch_error_plain(ps, MSG_FIRST_LINE);
		ps->state = ST_STARTED;
		return 0;
	case ST_STARTED:
		if (ptext_starts(trimmed, ENVIRONMENT_ID))
			return environment_line(ps, trimmed);
		r = take_header(ps, trimmed);
		break;
	case ST_ADD:
		r = take_header(ps, trimmed);
		if (r == 0 && raw.len > 0 && raw.s[0] == '+') {
			if (buf_append(&ps->contents, raw.s + 1, raw.len - 1) < 0 ||
			    buf_putc(&ps->contents, '\n') < 0)
				return perr_nomem(ps->pe);
			ps->hunks[ps->n_hunks - 1].contents_len += raw.len;
			return 0;
		}
		break;
	case ST_DELETE:
		r = take_header(ps, trimmed);
		break;
	case ST_UPDATE:
		break; /* above */
	case ST_ENDED:
		if (trimmed.len != 0)
			return patch_error_plain(ps, MSG_LAST_LINE);
		return 0;
	}
	if (r < 0)
		return -1;
	if (r == 0)
		return hunk_error(ps, ps->line, MSG_BAD_HEADER, trimmed);
	return 0;
}

/* ---- the envelope ---- */

/* Rust's str::lines() on text: the line starting at *pos (advanced past its \n), with
 * one trailing \r removed. */
static struct patch_str next_line(struct patch_str text, size_t *pos)
{
	const char *start = text.s + *pos;
	size_t rest = text.len - *pos;
	const char *nl = pbytes_eol(start, start + rest, 0); /* patch lines are short */
	struct patch_str l = {start, nl ? (size_t)(nl - start) : rest};

	*pos += l.len + (nl ? 1 : 0);
	if (l.len > 0 && l.s[l.len - 1] == '\r')
		l.len--;
	return l;
}

/* The strict boundary check on lines first..last (n of them). */
static const char *check_boundaries(size_t n, struct patch_str first, struct patch_str last)
{
	if (n > 0 && ptext_eq(ptext_trim(first), BEGIN_PATCH) &&
	    ptext_eq(ptext_trim(last), END_PATCH))
		return NULL;
	if (n > 0 && !ptext_eq(ptext_trim(first), BEGIN_PATCH))
		return MSG_FIRST_LINE;
	return MSG_LAST_LINE;
}

static int ends_with(struct patch_str s, const char *suffix)
{
	size_t n = strlen(suffix);
	return s.len >= n && memcmp(s.s + s.len - n, suffix, n) == 0;
}

/* The line of text starting at pos, as next_line sees it. */
static struct patch_str line_from(struct patch_str text, size_t pos)
{
	return next_line(text, &pos);
}

/* Checks the envelope of the n lines of text; the patch is lines [*skip, n - *skip)
 * (*skip is 1 when a heredoc wrapper was dropped). Only the first two and the last two
 * lines matter: they are found from either end, not by reading every line. */
static int envelope(struct parser *ps, struct patch_str text, size_t n, size_t *skip)
{
	struct patch_str first = {text.s, 0}, second = {text.s, 0}, last = {text.s, 0};
	struct patch_str before_last = {text.s, 0};
	const char *msg;
	size_t pos = 0;

	*skip = 0;
	if (n > 0) {
		first = last = next_line(text, &pos);
		if (n > 1) {
			/* The last line starts after the last \n, the one before it after the
			 * \n before that (or at the start). */
			size_t at = text.len;
			second = next_line(text, &pos);
			while (text.s[at - 1] != '\n')
				at--;
			last = line_from(text, at);
			at--;
			while (at > 0 && text.s[at - 1] != '\n')
				at--;
			before_last = line_from(text, at);
		}
	}
	msg = check_boundaries(n, first, last);
	if (!msg)
		return 0;
	/* Heredoc leniency (models wrapping the patch in <<'EOF' ... EOF). */
	if (n >= 4 &&
	    (ptext_eq(first, "<<EOF") || ptext_eq(first, "<<'EOF'") || ptext_eq(first, "<<\"EOF\"")) &&
	    ends_with(last, "EOF")) {
		msg = check_boundaries(n - 2, second, before_last);
		if (!msg) {
			*skip = 1;
			return 0;
		}
	}
	return patch_error_plain(ps, msg);
}

static void parser_free(struct parser *ps)
{
	free(ps->hunks);
	buf_free(&ps->contents);
}

static void storage_free(struct storage *st)
{
	if (!st)
		return;
	free(st->text);
	free(st->hunks);
	free(st->chunks);
	free(st->tables);
	free(st->contents);
	free(st);
}

/* Turns the build-time indexes into the pointers of patch.h. */
static int finish(struct parser *ps, struct patch *p)
{
	struct storage *st = ps->st;

	st->contents = buf_take(&ps->contents);
	st->hunks = calloc(ps->n_hunks ? ps->n_hunks : 1, sizeof *st->hunks);
	if (!st->contents || !st->hunks)
		return perr_nomem(ps->pe);
	for (size_t i = 0; i < ps->n_hunks; i++) {
		const struct bhunk *b = &ps->hunks[i];
		struct patch_hunk *h = &st->hunks[i];
		h->kind = b->kind;
		h->path = b->path;
		h->move_path = b->move_path;
		h->line = b->line;
		if (b->kind == PATCH_HUNK_ADD)
			h->contents = (struct patch_str){st->contents + b->contents_off,
							 b->contents_len};
		h->chunks = st->chunks + b->first_chunk;
		h->n_chunks = b->n_chunks;
	}
	p->hunks = st->hunks;
	p->n_hunks = ps->n_hunks;
	p->environment_id = ps->environment_id;
	return 0;
}

/* What a patch's lines can add to the tables, from their first bytes (the only lines
 * that add old or new lines start with ' ', '-', '+', or are empty; chunks start at
 * "@@" lines, or after a header). Bounds, not counts: an Add hunk's '+' lines count as
 * new lines, and a header indented in an Add hunk can start one more chunk. */
struct bounds {
	size_t both, old, new_, chunks, headers;
};

static void count_line(struct bounds *b, char first)
{
	switch (first) {
	case ' ':
	case '\n':
	case '\r':
		b->both++;
		break;
	case '-':
		b->old++;
		break;
	case '+':
		b->new_++;
		break;
	case '@':
		b->chunks++;
		break;
	case '*':
		b->headers++;
		break;
	}
}

/* The line tables, sized by the bounds, in one allocation that never moves (chunks
 * point into it); the chunks sized for the likely count (they can still grow). Where
 * they are large, huge pages that are mapped as they fill. */
static int alloc_tables(struct parser *ps, const struct bounds *b)
{
	struct storage *st = ps->st;
	size_t n_old = b->both + b->old + 1, n_new = b->both + b->new_ + 1;
	size_t n_pairs = b->both + 1;
	char *t = bigbuf_lazy(n_old * sizeof *st->old_lines + n_pairs * sizeof *st->pairs +
			      n_new * sizeof *st->new_lines);

	ps->cap_chunks = b->chunks + b->headers + 1;
	st->chunks = bigbuf_lazy(ps->cap_chunks * sizeof *st->chunks);
	if (!t || !st->chunks) {
		free(t);
		return perr_nomem(ps->pe);
	}
	/* Filled together, front to back: the table most likely to be too large (new
	 * lines, counting an Add hunk's) last, where its untouched end costs nothing. */
	st->tables = t;
	st->old_lines = (struct patch_str *)(void *)t;
	st->pairs = (size_t(*)[2])(void *)(st->old_lines + n_old);
	st->new_lines = (struct patch_str *)(void *)(st->pairs + n_pairs);
	ps->cap_old = n_old;
	ps->cap_new = n_new;
	ps->cap_pairs = n_pairs;
	return 0;
}

/* patch_parse and patch_parse_borrowed: with borrow, text the state machine can read as
 * it is is not copied. */
static int parse(const char *input, size_t len, int borrow, struct patch **out,
		 struct patch_error *pe)
{
	struct parser ps = {0};
	struct patch_str text, line;
	struct patch *p = NULL;
	struct bounds b = {0, 0, 0, 0, 0};
	size_t n = 0, skip, pos = 0, tlen = 0;
	int rc = -1;

	*out = NULL;
	ps.pe = pe;
	buf_init(&ps.contents, LIMIT_PATCH_BYTES + (size_t)LIMIT_PATCH_LINES);
	if (len > LIMIT_PATCH_BYTES)
		return perr_set(pe, PATCH_ERR_LIMIT, 0, "patch is larger than the %u-byte limit",
				LIMIT_PATCH_BYTES);
	if (!utf8_valid(input, len))
		return perr_set(pe, PATCH_ERR_INVALID_PATCH, 0, "patch is not valid UTF-8");
	text = ptext_trim((struct patch_str){input, len});
	if (text.len > 0) {
		const char *s = text.s, *end = text.s + text.len;
		n = 1;
		count_line(&b, s[0]);
		while ((s = pbytes_eol(s, end, 0)) != NULL) {
			s++;
			if (++n > LIMIT_PATCH_LINES)
				return perr_set(pe, PATCH_ERR_LIMIT, 0,
						"patch has more than %u lines", LIMIT_PATCH_LINES);
			count_line(&b, s[0]); /* the text is trimmed: a line follows a \n */
		}
	}
	if (envelope(&ps, text, n, &skip) < 0)
		return -1;
	p = calloc(1, sizeof *p);
	ps.st = calloc(1, sizeof *ps.st);
	if (p)
		p->storage = ps.st;
	if (!p || !ps.st) {
		perr_nomem(pe);
		goto out;
	}
	if (alloc_tables(&ps, &b) < 0)
		goto out;
	if (borrow && skip == 0 && !memchr(text.s, '\r', text.len)) {
		/* Lines split on \n and joined again with \n: the text as it is. */
		p->text = text;
		tlen = text.len;
	} else if (!(ps.st->text = bigbuf_alloc(text.len + 1))) {
		perr_nomem(pe);
		goto out;
	}
	/* The surviving lines joined with \n: the text the state machine reads. */
	for (size_t i = 0; ps.st->text && i < n; i++) {
		line = next_line(text, &pos);
		if (i < skip || i >= n - skip)
			continue;
		if (i > skip)
			ps.st->text[tlen++] = '\n';
		memcpy(ps.st->text + tlen, line.s, line.len);
		tlen += line.len;
	}
	if (ps.st->text) {
		ps.st->text[tlen] = '\0';
		p->text = (struct patch_str){ps.st->text, tlen};
	}
	/* Every line but the last loses one more trailing \r on the way in (upstream feeds
	 * them through its streaming parser); the last one is End Patch after trimming. */
	pos = 0;
	for (size_t i = 0; i + 1 < n - 2 * skip; i++) {
		const char *start = p->text.s + pos;
		const char *nl = pbytes_eol(start, start + (tlen - pos), 0);
		line = (struct patch_str){start, (size_t)(nl - start)};
		pos += line.len + 1;
		if (line.len > 0 && line.s[line.len - 1] == '\r')
			line.len--;
		ps.line = i + 1;
		if (process_line(&ps, line) < 0)
			goto out;
	}
	ps.line = n - 2 * skip;
	if (close_update(&ps, (struct patch_str){END_PATCH, strlen(END_PATCH)}) < 0)
		goto out;
	if (finish(&ps, p) < 0)
		goto out;
	*out = p;
	p = NULL;
	rc = 0;
out:
	parser_free(&ps);
	if (p)
		patch_free(p);
	else if (rc < 0)
		storage_free(ps.st);
	return rc;
}

int patch_parse(const char *text, size_t len, struct patch **out, struct patch_error *pe)
{
	return parse(text, len, 0, out, pe);
}

int patch_parse_borrowed(const char *text, size_t len, struct patch **out,
			 struct patch_error *pe)
{
	return parse(text, len, 1, out, pe);
}

void patch_free(struct patch *p)
{
	if (!p)
		return;
	storage_free(p->storage);
	free(p);
}

const char *patch_hunk_kind_str(enum patch_hunk_kind k)
{
	switch (k) {
	case PATCH_HUNK_ADD:
		return "add";
	case PATCH_HUNK_DELETE:
		return "delete";
	case PATCH_HUNK_UPDATE:
		return "update";
	}
	return "?";
}
