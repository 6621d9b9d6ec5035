/* A .tmTheme reader (see highlight.h): the file is a property list in XML. A small XML
 * lexer builds a tree of plist nodes (dict, array, key, string, other values) under the
 * limits of highlight.h, then the theme's "settings" array is read: the entry without a
 * scope gives the foreground, each scoped entry styles the classes whose scope its
 * selector matches (the most specific match wins, a later entry on a tie, as TextMate
 * does). Descendant selectors ("source.rust string") are judged by their last part, and
 * exclusions ("- comment") are dropped: enough for colours per token class. */
#include "tui/highlight.h"

#include <stdlib.h>
#include <string.h>

/* Nodes of one file at most: a theme of TMTHEME_MAX_SETTINGS entries has about 12
 * nodes each. */
#define TM_MAX_NODES (TMTHEME_MAX_SETTINGS * 16)

enum pkind { P_DICT, P_ARRAY, P_KEY, P_STRING, P_OTHER, P_PLIST };

struct pnode {
	enum pkind kind;
	int parent, first, last, next;  /* -1 = none */
	size_t text, text_len;           /* decoded text in the arena */
};

struct parser {
	const char *s;
	size_t n, i;
	struct pnode *nodes;
	size_t n_nodes, cap_nodes;
	struct buf arena;
	struct err *e;
};

static int fail(struct parser *p, size_t at, const char *what)
{
	size_t line = 1;

	for (size_t k = 0; k < at && k < p->n; k++)
		line += p->s[k] == '\n';
	err_set(p->e, "line %zu: %s", line, what);
	return -1;
}

static int new_node(struct parser *p, enum pkind kind, int parent)
{
	struct pnode *nd;

	if (p->n_nodes >= TM_MAX_NODES)
		return fail(p, p->i, "too many elements");
	if (p->n_nodes == p->cap_nodes) {
		size_t cap = p->cap_nodes ? p->cap_nodes * 2 : 256;
		struct pnode *v = realloc(p->nodes, cap * sizeof *v);
		if (!v)
			return fail(p, p->i, "out of memory");
		p->nodes = v;
		p->cap_nodes = cap;
	}
	nd = &p->nodes[p->n_nodes];
	*nd = (struct pnode){kind, parent, -1, -1, -1, 0, 0};
	if (parent >= 0) {
		struct pnode *par = &p->nodes[parent];
		if (par->last >= 0)
			p->nodes[par->last].next = (int)p->n_nodes;
		else
			par->first = (int)p->n_nodes;
		par->last = (int)p->n_nodes;
	}
	return (int)p->n_nodes++;
}

static bool starts(const struct parser *p, const char *lit)
{
	size_t len = strlen(lit);

	return p->i + len <= p->n && memcmp(p->s + p->i, lit, len) == 0;
}

/* Skips to just after lit; -1 when it never comes. */
static int skip_past(struct parser *p, const char *lit, const char *what)
{
	const char *at = memmem(p->s + p->i, p->n - p->i, lit, strlen(lit));

	if (!at)
		return fail(p, p->i, what);
	p->i = (size_t)(at - p->s) + strlen(lit);
	return 0;
}

/* Appends text s[from..to) to the arena with entities decoded. */
static int decode(struct parser *p, size_t from, size_t to)
{
	size_t k = from;

	while (k < to) {
		if (p->s[k] != '&') {
			if (buf_putc(&p->arena, p->s[k]) < 0)
				return fail(p, k, "text too long");
			k++;
			continue;
		}
		{
			const char *semi = memchr(p->s + k, ';', to - k);
			size_t len = semi ? (size_t)(semi - p->s) - k - 1 : 0;
			const char *ent = p->s + k + 1;
			char out[4];
			int olen = 1;
			if (!semi || len == 0 || len > 10)
				return fail(p, k, "bad entity");
			if (len == 2 && strncmp(ent, "lt", 2) == 0)
				out[0] = '<';
			else if (len == 2 && strncmp(ent, "gt", 2) == 0)
				out[0] = '>';
			else if (len == 3 && strncmp(ent, "amp", 3) == 0)
				out[0] = '&';
			else if (len == 4 && strncmp(ent, "quot", 4) == 0)
				out[0] = '"';
			else if (len == 4 && strncmp(ent, "apos", 4) == 0)
				out[0] = '\'';
			else if (ent[0] == '#') {
				unsigned long cp = 0;
				bool hex = len > 1 && (ent[1] == 'x' || ent[1] == 'X');
				size_t d = hex ? 2 : 1;
				if (d >= len)
					return fail(p, k, "bad entity");
				for (; d < len; d++) {
					char c = ent[d];
					int v = c >= '0' && c <= '9' ? c - '0'
						: hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
						: hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
					if (v < 0)
						return fail(p, k, "bad entity");
					cp = cp * (hex ? 16 : 10) + (unsigned long)v;
					if (cp > 0x10FFFF)
						return fail(p, k, "bad entity");
				}
				if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
					return fail(p, k, "bad entity");
				olen = tui_utf8_encode((uint32_t)cp, out);
			} else {
				return fail(p, k, "unknown entity");
			}
			if (buf_append(&p->arena, out, (size_t)olen) < 0)
				return fail(p, k, "text too long");
			k += len + 2;
		}
	}
	return 0;
}

static enum pkind kind_of(const char *name, size_t len)
{
	static const struct {
		const char *name;
		enum pkind kind;
	} known[] = {{"dict", P_DICT}, {"array", P_ARRAY}, {"key", P_KEY}, {"string", P_STRING},
		     {"plist", P_PLIST}};

	for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
		if (strlen(known[k].name) == len && memcmp(known[k].name, name, len) == 0)
			return known[k].kind;
	return P_OTHER; /* integer, real, true, false, date, data: values we do not read */
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == ':' || c == '.';
}

/* The element tree. Element names are kept on a stack to check each close. */
static int parse_xml(struct parser *p)
{
	struct {
		size_t name, len;
		int node;
	} stack[TMTHEME_MAX_DEPTH];
	int depth = 0, cur = -1;
	bool root_seen = false;

	while (p->i < p->n) {
		size_t text_start = p->i;
		const char *lt = memchr(p->s + p->i, '<', p->n - p->i);
		size_t text_end = lt ? (size_t)(lt - p->s) : p->n;
		if (text_end > text_start) {
			/* text: kept inside key/string, whitespace elsewhere */
			if (depth && (p->nodes[cur].kind == P_KEY || p->nodes[cur].kind == P_STRING ||
				      p->nodes[cur].kind == P_OTHER)) {
				if (decode(p, text_start, text_end) < 0)
					return -1;
			} else {
				for (size_t k = text_start; k < text_end; k++)
					if (!strchr(" \t\r\n", p->s[k]))
						return fail(p, k, "text outside a value");
			}
			p->i = text_end;
			continue;
		}
		if (starts(p, "<?")) {
			if (skip_past(p, "?>", "unterminated <?") < 0)
				return -1;
			continue;
		}
		if (starts(p, "<!--")) {
			p->i += 4;
			if (skip_past(p, "-->", "unterminated comment") < 0)
				return -1;
			continue;
		}
		if (starts(p, "<![CDATA[")) {
			const char *end;
			p->i += 9;
			end = memmem(p->s + p->i, p->n - p->i, "]]>", 3);
			if (!end)
				return fail(p, p->i, "unterminated CDATA");
			if (!depth || (p->nodes[cur].kind != P_KEY && p->nodes[cur].kind != P_STRING &&
				       p->nodes[cur].kind != P_OTHER))
				return fail(p, p->i, "text outside a value");
			if (buf_append(&p->arena, p->s + p->i, (size_t)(end - p->s) - p->i) < 0)
				return fail(p, p->i, "text too long");
			p->i = (size_t)(end - p->s) + 3;
			continue;
		}
		if (starts(p, "<!")) {
			/* <!DOCTYPE ...>, perhaps with an internal subset in [...] */
			const char *gt = memchr(p->s + p->i, '>', p->n - p->i);
			const char *br = memchr(p->s + p->i, '[', p->n - p->i);
			if (br && gt && br < gt) {
				if (skip_past(p, "]>", "unterminated <!DOCTYPE") < 0)
					return -1;
			} else if (skip_past(p, ">", "unterminated <!DOCTYPE") < 0) {
				return -1;
			}
			continue;
		}
		if (starts(p, "</")) {
			size_t name = p->i + 2, len = 0;
			while (name + len < p->n && name_char(p->s[name + len]))
				len++;
			if (!depth)
				return fail(p, p->i, "close tag without an open one");
			if (len != stack[depth - 1].len ||
			    memcmp(p->s + name, p->s + stack[depth - 1].name, len) != 0)
				return fail(p, p->i, "mismatched close tag");
			p->i = name + len;
			while (p->i < p->n && strchr(" \t\r\n", p->s[p->i]))
				p->i++;
			if (p->i >= p->n || p->s[p->i] != '>')
				return fail(p, p->i, "bad close tag");
			p->i++;
			{
				struct pnode *nd = &p->nodes[cur];
				if (nd->kind == P_KEY || nd->kind == P_STRING || nd->kind == P_OTHER) {
					if (buf_putc(&p->arena, '\0') < 0)
						return fail(p, p->i, "text too long");
					nd->text_len = p->arena.len - 1 - nd->text;
				}
			}
			depth--;
			cur = depth ? stack[depth - 1].node : -1;
			continue;
		}
		{
			size_t name = p->i + 1, len = 0, k;
			bool empty = false;
			enum pkind kind;
			int node;
			while (name + len < p->n && name_char(p->s[name + len]))
				len++;
			if (!len)
				return fail(p, p->i, "bad tag");
			/* attributes are skipped; a quoted '>' stays inside its quotes */
			k = name + len;
			while (k < p->n && p->s[k] != '>') {
				if (p->s[k] == '"' || p->s[k] == '\'') {
					const char *q = memchr(p->s + k + 1, p->s[k], p->n - k - 1);
					if (!q)
						return fail(p, k, "unterminated attribute");
					k = (size_t)(q - p->s);
				}
				k++;
			}
			if (k >= p->n)
				return fail(p, p->i, "unterminated tag");
			empty = p->s[k - 1] == '/';
			kind = kind_of(p->s + name, len);
			if (depth && p->nodes[cur].kind != P_DICT && p->nodes[cur].kind != P_ARRAY &&
			    p->nodes[cur].kind != P_PLIST)
				return fail(p, p->i, "element inside a text value");
			if (!depth && root_seen)
				return fail(p, p->i, "more than one root element");
			if (depth == TMTHEME_MAX_DEPTH)
				return fail(p, p->i, "nested too deeply");
			node = new_node(p, kind, cur);
			if (node < 0)
				return -1;
			p->nodes[node].text = p->arena.len;
			root_seen = true;
			p->i = k + 1;
			if (empty) {
				if (buf_putc(&p->arena, '\0') < 0)
					return fail(p, p->i, "text too long");
				continue;
			}
			stack[depth].name = name;
			stack[depth].len = len;
			stack[depth].node = node;
			depth++;
			cur = node;
		}
	}
	if (depth)
		return fail(p, p->n, "unterminated element");
	if (!root_seen)
		return fail(p, p->n, "no plist element");
	return 0;
}

/* ---- the plist as a theme ---- */

static const char *text(const struct parser *p, int node)
{
	return p->arena.data + p->nodes[node].text;
}

/* The value of key in dict, or -1. */
static int dict_get(const struct parser *p, int dict, const char *key)
{
	for (int k = p->nodes[dict].first; k >= 0; k = p->nodes[k].next) {
		int v = p->nodes[k].next;
		if (p->nodes[k].kind == P_KEY && v >= 0 && strcmp(text(p, k), key) == 0)
			return v;
		if (v < 0)
			break;
		k = v;
	}
	return -1;
}

static int dict_string(const struct parser *p, int dict, const char *key, const char **out)
{
	int v = dict_get(p, dict, key);

	if (v < 0 || p->nodes[v].kind != P_STRING)
		return -1;
	*out = text(p, v);
	return 0;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* "#RGB", "#RRGGBB" or "#RRGGBBAA" (alpha 00: the terminal's palette index RR, as the
 * ansi themes write it; alpha 01: the terminal's default). */
static int parse_colour(const char *s, uint32_t *out)
{
	size_t len = strlen(s);
	uint32_t v[8];

	while (*s == ' ')
		s++, len--;
	while (len && s[len - 1] == ' ')
		len--;
	if (len < 4 || s[0] != '#' || (len != 4 && len != 7 && len != 9))
		return -1;
	for (size_t k = 1; k < len; k++) {
		int h = hexval(s[k]);
		if (h < 0)
			return -1;
		v[k - 1] = (uint32_t)h;
	}
	if (len == 4) {
		*out = (v[0] * 17) << 16 | (v[1] * 17) << 8 | v[2] * 17;
		return 0;
	}
	if (len == 9 && v[6] == 0 && v[7] == 0) {
		*out = THEME_ANSI_FLAG | (v[0] << 4 | v[1]);
		return 0;
	}
	if (len == 9 && v[6] == 0 && v[7] == 1) {
		*out = THEME_NO_COLOR;
		return 0;
	}
	*out = (v[0] << 4 | v[1]) << 16 | (v[2] << 4 | v[3]) << 8 | (v[4] << 4 | v[5]);
	return 0;
}

/* The scopes a class stands for, most telling first. */
static const char *const class_scopes[HL_CLASS_COUNT][4] = {
	[HL_PLAIN] = {NULL},
	[HL_KEYWORD] = {"keyword.control", "storage.type.function", NULL},
	[HL_STRING] = {"string.quoted.double", NULL},
	[HL_COMMENT] = {"comment.line", NULL},
	[HL_NUMBER] = {"constant.numeric", NULL},
	[HL_TYPE] = {"entity.name.type", "storage.type", "support.type", NULL},
	[HL_FUNCTION] = {"entity.name.function", "support.function", NULL},
	[HL_CONSTANT] = {"constant.language", NULL},
	[HL_OPERATOR] = {"keyword.operator", "punctuation", NULL},
	[HL_META] = {"meta.preprocessor", "entity.other.attribute-name", "meta.annotation", NULL},
	[HL_TAG] = {"entity.name.tag", "support.type.property-name", "markup.heading", NULL},
	[HL_INSERTED] = {"markup.inserted", NULL},
	[HL_DELETED] = {"markup.deleted", NULL},
};

/* How well one selector list ("a.b, c d, e - f") matches scope: the dot parts of the
 * best matching selector, 0 for none. */
static int selector_score(const char *sel, const char *scope)
{
	int best = 0;

	while (*sel) {
		size_t len = strcspn(sel, ",|");
		const char *part = sel, *end = sel + len, *minus, *last;
		/* drop exclusions, then take the last word */
		minus = memchr(part, '-', len);
		while (minus && minus > part && minus[-1] != ' ')
			minus = memchr(minus + 1, '-', (size_t)(end - minus - 1));
		if (minus)
			end = minus;
		while (end > part && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '(' ||
				      end[-1] == ')'))
			end--;
		last = end;
		while (last > part && last[-1] != ' ' && last[-1] != '\t' && last[-1] != '(')
			last--;
		if (end > last) {
			size_t w = (size_t)(end - last);
			if (strncmp(scope, last, w) == 0 && (scope[w] == '\0' || scope[w] == '.')) {
				int dots = 1;
				for (const char *q = last; q < end; q++)
					dots += *q == '.';
				if (dots > best)
					best = dots;
			}
		}
		sel += len;
		if (*sel)
			sel++;
	}
	return best;
}

static void apply_entry(const struct parser *p, int settings, const char *scope, struct theme *t,
			int score[HL_CLASS_COUNT], int *ins_score, int *del_score)
{
	const char *fg = NULL, *bg = NULL, *font = NULL;
	uint32_t c;

	(void)dict_string(p, settings, "foreground", &fg);
	(void)dict_string(p, settings, "background", &bg);
	(void)dict_string(p, settings, "fontStyle", &font);
	if (!scope) {
		if (fg && parse_colour(fg, &c) == 0)
			t->cls[HL_PLAIN].fg = c;
		return;
	}
	for (int cls = 1; cls < HL_CLASS_COUNT; cls++) {
		for (int k = 0; class_scopes[cls][k]; k++) {
			/* an earlier (more telling) scope outranks any later one */
			int s = selector_score(scope, class_scopes[cls][k]);
			if (!s)
				continue;
			s += (4 - k) * 100;
			if (s >= score[cls] && (fg || font)) {
				score[cls] = s;
				if (fg && parse_colour(fg, &c) == 0)
					t->cls[cls].fg = c;
				if (font)
					t->cls[cls].bold = strstr(font, "bold") != NULL;
			}
			break;
		}
	}
	if (bg && parse_colour(bg, &c) == 0 && !(c & THEME_ANSI_FLAG) && c != THEME_NO_COLOR) {
		int si = selector_score(scope, "markup.inserted.diff");
		int sd = selector_score(scope, "markup.deleted.diff");
		if (!si)
			si = selector_score(scope, "diff.inserted");
		if (!sd)
			sd = selector_score(scope, "diff.deleted");
		if (si && si >= *ins_score) {
			*ins_score = si;
			t->inserted_bg = c;
		}
		if (sd && sd >= *del_score) {
			*del_score = sd;
			t->deleted_bg = c;
		}
	}
}

int tmtheme_parse(const char *s, size_t n, struct theme *t, struct err *e)
{
	struct parser p = {s, n, 0, NULL, 0, 0, {0}, e};
	int root, arr, rc = -1, entries = 0;
	int score[HL_CLASS_COUNT] = {0}, ins = 0, del = 0;

	memset(t, 0, sizeof *t);
	for (int k = 0; k < HL_CLASS_COUNT; k++)
		t->cls[k].fg = THEME_NO_COLOR;
	t->inserted_bg = t->deleted_bg = THEME_NO_COLOR;
	if (n > TMTHEME_MAX_BYTES) {
		err_set(e, "larger than %u bytes", TMTHEME_MAX_BYTES);
		return -1;
	}
	buf_init(&p.arena, 2 * n + 16);
	if (parse_xml(&p) < 0)
		goto out;
	root = 0;
	if (p.nodes[root].kind == P_PLIST)
		root = p.nodes[root].first;
	if (root < 0 || p.nodes[root].kind != P_DICT) {
		fail(&p, 0, "the plist holds no dict");
		goto out;
	}
	arr = dict_get(&p, root, "settings");
	if (arr < 0 || p.nodes[arr].kind != P_ARRAY) {
		fail(&p, 0, "no settings array");
		goto out;
	}
	for (int k = p.nodes[arr].first; k >= 0; k = p.nodes[k].next) {
		const char *scope = NULL;
		int settings;
		if (p.nodes[k].kind != P_DICT)
			continue;
		if (++entries > TMTHEME_MAX_SETTINGS) {
			fail(&p, 0, "too many settings");
			goto out;
		}
		settings = dict_get(&p, k, "settings");
		if (settings < 0 || p.nodes[settings].kind != P_DICT)
			continue;
		(void)dict_string(&p, k, "scope", &scope);
		apply_entry(&p, settings, scope, t, score, &ins, &del);
	}
	rc = 0;
out:
	free(p.nodes);
	buf_free(&p.arena);
	return rc;
}
