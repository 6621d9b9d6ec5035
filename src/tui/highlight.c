/* A small tokenizer per language family (see highlight.h). It is not a parser: it
 * knows comments, strings, numbers, keywords, and a few cheap guesses (a capitalised
 * name is a type, a name before '(' is a function), which is what a reader's eye uses. */
#include "tui/highlight.h"

#include <string.h>

/* The states carried from line to line. A string state remembers its quote. */
enum {
	ST_NORMAL = 0,
	ST_BLOCK_COMMENT = 1,
	ST_STRING = 0x100,        /* | the quote byte */
	ST_TRIPLE = 0x200         /* | the quote byte: """ or ''' */
};

struct lang_spec {
	const char *names;             /* fence words and extensions, space separated */
	const char *line_comment;      /* "//" or "#", or NULL */
	const char *line_comment2;
	bool block_comment;            /* slash-star comments */
	const char *quotes;            /* string quotes */
	const char *multiline_quotes;  /* those whose strings may go on past the line */
	bool triple_quotes;            /* """ and ''' (Python, TOML, Java text blocks) */
	const char *const *keywords;
	const char *const *types;
	const char *const *constants;
	bool caps_are_types;           /* a name starting with a capital is a type */
	char meta_prefix;              /* '#' preprocessor line, '@' decorator */
};

static const char *const c_kw[] = {
	"auto", "break", "case", "catch", "class", "const", "constexpr", "continue", "default",
	"delete", "do", "else", "enum", "explicit", "extern", "for", "friend", "goto", "if",
	"inline", "namespace", "new", "noexcept", "operator", "private", "protected", "public",
	"register", "restrict", "return", "sizeof", "static", "static_assert", "struct",
	"switch", "template", "this", "throw", "try", "typedef", "typename", "union", "using",
	"virtual", "volatile", "while", "_Static_assert", NULL};
static const char *const c_types[] = {
	"bool", "char", "double", "float", "int", "long", "short", "signed", "unsigned", "void",
	"size_t", "ssize_t", "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t",
	"uint32_t", "uint64_t", "uintptr_t", "intptr_t", "ptrdiff_t", "off_t", "pid_t", "FILE",
	"wchar_t", "std", "string", "vector", NULL};
static const char *const c_const[] = {"NULL", "true", "false", "nullptr", "EOF", NULL};

static const char *const rust_kw[] = {
	"as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
	"extern", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
	"pub", "ref", "return", "self", "static", "struct", "super", "trait", "type", "unsafe",
	"use", "where", "while", "yield", NULL};
static const char *const rust_types[] = {
	"bool", "char", "f32", "f64", "i8", "i16", "i32", "i64", "i128", "isize", "str", "u8",
	"u16", "u32", "u64", "u128", "usize", NULL};
static const char *const rust_const[] = {"true", "false", "None", "Some", "Ok", "Err", NULL};

static const char *const go_kw[] = {
	"break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
	"for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range",
	"return", "select", "struct", "switch", "type", "var", NULL};
static const char *const go_types[] = {
	"bool", "byte", "complex64", "complex128", "error", "float32", "float64", "int", "int8",
	"int16", "int32", "int64", "rune", "string", "uint", "uint8", "uint16", "uint32",
	"uint64", "uintptr", "any", NULL};
static const char *const go_const[] = {"true", "false", "nil", "iota", NULL};

static const char *const py_kw[] = {
	"and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
	"elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
	"lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
	"yield", "match", "case", NULL};
static const char *const py_types[] = {
	"int", "float", "str", "bytes", "list", "dict", "set", "tuple", "bool", "object", NULL};
static const char *const py_const[] = {"True", "False", "None", "self", "cls", NULL};

static const char *const js_kw[] = {
	"async", "await", "break", "case", "catch", "class", "const", "continue", "debugger",
	"default", "delete", "do", "else", "export", "extends", "finally", "for", "from",
	"function", "if", "implements", "import", "in", "instanceof", "interface", "let", "new",
	"of", "return", "static", "switch", "throw", "try", "type", "typeof", "var", "void",
	"while", "with", "yield", "enum", "declare", "readonly", "as", "keyof", NULL};
static const char *const js_types[] = {
	"string", "number", "boolean", "any", "unknown", "never", "object", "symbol", "bigint",
	NULL};
static const char *const js_const[] = {"true", "false", "null", "undefined", "this", "NaN",
				       "Infinity", NULL};

static const char *const java_kw[] = {
	"abstract", "assert", "break", "case", "catch", "class", "continue", "default", "do",
	"else", "enum", "extends", "final", "finally", "for", "if", "implements", "import",
	"instanceof", "interface", "native", "new", "package", "private", "protected", "public",
	"return", "static", "super", "switch", "synchronized", "this", "throw", "throws",
	"transient", "try", "var", "volatile", "while", "record", "fun", "val", "override",
	"namespace", "using", NULL};
static const char *const java_types[] = {
	"boolean", "byte", "char", "double", "float", "int", "long", "short", "void", NULL};
static const char *const java_const[] = {"true", "false", "null", NULL};

static const char *const sh_kw[] = {
	"if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case",
	"esac", "in", "function", "return", "local", "export", "readonly", "declare", "set",
	"unset", "shift", "exit", "break", "continue", "source", "trap", "eval", "exec", NULL};
static const char *const sh_builtins[] = {
	"echo", "printf", "cd", "test", "read", "cat", "grep", "sed", "awk", "ls", "rm", "mkdir",
	"cp", "mv", "git", "make", "cargo", "npm", "sudo", "curl", "chmod", NULL};

static const char *const json_const[] = {"true", "false", "null", NULL};
static const char *const yaml_const[] = {"true", "false", "null", "yes", "no", "on", "off",
					 "True", "False", "Null", "~", NULL};

static const struct lang_spec specs[] = {
	[HL_LANG_NONE] = {"", NULL, NULL, false, "", "", false, NULL, NULL, NULL, false, 0},
	[HL_LANG_C] = {"c h cpp cc cxx hpp hh hxx c++ cplusplus objc objective-c m mm cuda cu",
		       "//", NULL, true, "\"'", "", false, c_kw, c_types, c_const, false, '#'},
	[HL_LANG_RUST] = {"rust rs", "//", NULL, true, "\"", "\"", false, rust_kw, rust_types,
			  rust_const, true, 0},
	[HL_LANG_GO] = {"go golang", "//", NULL, true, "\"'`", "`", false, go_kw, go_types,
			go_const, false, 0},
	[HL_LANG_PYTHON] = {"python py python3 py3 pyi pyw", "#", NULL, false, "\"'", "", true,
			    py_kw, py_types, py_const, true, '@'},
	[HL_LANG_JS] = {"javascript js jsx mjs cjs typescript ts tsx mts cts node", "//", NULL,
			true, "\"'`", "`", false, js_kw, js_types, js_const, true, '@'},
	[HL_LANG_JAVA] = {"java kotlin kt kts scala swift csharp cs c# c-sharp dart groovy",
			  "//", NULL, true, "\"'", "", true, java_kw, java_types, java_const, true,
			  '@'},
	[HL_LANG_SHELL] = {"sh bash zsh shell ksh fish shellscript console shell-session "
			   "terminal bashrc zshrc", "#", NULL, false, "\"'", "\"'", false, sh_kw,
			   sh_builtins, NULL, false, 0},
	[HL_LANG_JSON] = {"json jsonc json5 jsonl ndjson geojson", "//", NULL, true, "\"", "",
			  false, NULL, NULL, json_const, false, 0},
	[HL_LANG_TOML] = {"toml", "#", NULL, false, "\"'", "", true, NULL, NULL, json_const,
			  false, 0},
	[HL_LANG_YAML] = {"yaml yml", "#", NULL, false, "\"'", "", false, NULL, NULL, yaml_const,
			  false, 0},
	[HL_LANG_DIFF] = {"diff patch udiff", NULL, NULL, false, "", "", false, NULL, NULL, NULL,
			  false, 0},
	[HL_LANG_MARKDOWN] = {"markdown md mdx", NULL, NULL, false, "", "", false, NULL, NULL,
			      NULL, false, 0},
};

#define N_LANGS (sizeof specs / sizeof specs[0])

static bool word_in(const char *list, const char *w, size_t n)
{
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, " ");
		if (len == n && strncmp(p, w, n) == 0)
			return true;
		p += len;
		while (*p == ' ')
			p++;
	}
	return false;
}

enum hl_lang hl_lang_from_name(const char *name, size_t n)
{
	char low[32];
	size_t len = 0;

	while (n && (*name == ' ' || *name == '{' || *name == '.'))
		name++, n--;
	while (len < n && name[len] != ' ' && name[len] != ',' && name[len] != '}' &&
	       name[len] != '\t')
		len++;
	if (!len || len >= sizeof low)
		return HL_LANG_NONE;
	for (size_t i = 0; i < len; i++)
		low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	for (size_t l = 1; l < N_LANGS; l++)
		if (word_in(specs[l].names, low, len))
			return (enum hl_lang)l;
	return HL_LANG_NONE;
}

enum hl_lang hl_lang_from_path(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (!dot || dot == base)
		return HL_LANG_NONE;
	return hl_lang_from_name(dot + 1, strlen(dot + 1));
}

/* ---- the tokenizer ---- */

struct tok {
	const char *s;
	size_t n, i;
	struct hl_token *out;
	size_t max, count;
};

/* Adds s[start..end) as cls, merged into the previous token when the class is the same. */
static void emit(struct tok *t, size_t start, size_t end, enum hl_class cls)
{
	if (end <= start)
		return;
	if (cls == HL_PLAIN && t->count &&
	    t->out[t->count - 1].start + t->out[t->count - 1].len == start) {
		/* blanks take the previous token's class: a colour on a blank shows nothing,
		 * and one change of colour fewer is bytes not written to the terminal */
		size_t k = start;
		while (k < end && (t->s[k] == ' ' || t->s[k] == '\t'))
			k++;
		if (k == end)
			cls = t->out[t->count - 1].cls;
	}
	if (t->count && t->out[t->count - 1].cls == cls &&
	    t->out[t->count - 1].start + t->out[t->count - 1].len == start) {
		t->out[t->count - 1].len += end - start;
		return;
	}
	if (t->count == t->max) {
		/* full: the last token takes the rest, whatever it is */
		t->out[t->count - 1].len = end - t->out[t->count - 1].start;
		return;
	}
	t->out[t->count++] = (struct hl_token){start, end - start, cls};
}

static bool is_ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_ident(unsigned char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool in_list(const char *const *l, const char *w, size_t n)
{
	for (; l && *l; l++)
		if (strlen(*l) == n && strncmp(*l, w, n) == 0)
			return true;
	return false;
}

static bool starts(const struct tok *t, size_t at, const char *p)
{
	size_t len = strlen(p);

	return at + len <= t->n && memcmp(t->s + at, p, len) == 0;
}

/* A string from i (past its opening quote(s)) to its close; returns the index after it
 * and whether it closed. A backslash escapes the next byte except in raw quotes. */
static size_t string_end(const struct tok *t, size_t i, char q, bool triple, bool *closed)
{
	bool raw = q == '`';

	while (i < t->n) {
		if (t->s[i] == '\\' && !raw) {
			i += 2;
			continue;
		}
		if (t->s[i] == q) {
			if (!triple) {
				*closed = true;
				return i + 1;
			}
			if (i + 2 < t->n && t->s[i + 1] == q && t->s[i + 2] == q) {
				*closed = true;
				return i + 3;
			}
		}
		i++;
	}
	*closed = false;
	return t->n;
}

static size_t number_end(const struct tok *t, size_t i)
{
	while (i < t->n && (is_ident(t->s[i]) || t->s[i] == '.' ||
			    ((t->s[i] == '+' || t->s[i] == '-') &&
			     (t->s[i - 1] == 'e' || t->s[i - 1] == 'E')))) {
		if (t->s[i] == '.' && !(i + 1 < t->n && is_digit(t->s[i + 1])))
			break;
		i++;
	}
	return i;
}

static size_t skip_spaces(const struct tok *t, size_t i)
{
	while (i < t->n && (t->s[i] == ' ' || t->s[i] == '\t'))
		i++;
	return i;
}

/* JSON, TOML, YAML: is the text from i (a key's end) followed by the key separator? */
static bool key_follows(const struct tok *t, size_t i, enum hl_lang lang)
{
	i = skip_spaces(t, i);
	if (i >= t->n)
		return false;
	if (lang == HL_LANG_TOML)
		return t->s[i] == '=' || t->s[i] == '.';
	return t->s[i] == ':' && (lang == HL_LANG_JSON || i + 1 == t->n || t->s[i + 1] == ' ');
}

static void line_diff(struct tok *t)
{
	enum hl_class c = HL_PLAIN;

	if (starts(t, 0, "+++") || starts(t, 0, "---") || starts(t, 0, "diff ") ||
	    starts(t, 0, "index "))
		c = HL_KEYWORD;
	else if (starts(t, 0, "@@"))
		c = HL_META;
	else if (t->n && t->s[0] == '+')
		c = HL_INSERTED;
	else if (t->n && t->s[0] == '-')
		c = HL_DELETED;
	emit(t, 0, t->n, c);
}

static void line_markdown(struct tok *t)
{
	size_t i = skip_spaces(t, 0);

	if (i < t->n && t->s[i] == '#') {
		emit(t, 0, t->n, HL_TAG);
		return;
	}
	if (i < t->n && t->s[i] == '>') {
		emit(t, 0, t->n, HL_COMMENT);
		return;
	}
	emit(t, 0, i, HL_PLAIN);
	if (i + 1 < t->n && strchr("-*+", t->s[i]) && t->s[i + 1] == ' ') {
		emit(t, i, i + 1, HL_OPERATOR);
		i++;
	}
	while (i < t->n) {
		if (t->s[i] == '`') {
			const char *close = memchr(t->s + i + 1, '`', t->n - i - 1);
			size_t end = close ? (size_t)(close - t->s) + 1 : t->n;
			emit(t, i, end, HL_STRING);
			i = end;
			continue;
		}
		emit(t, i, i + 1, HL_PLAIN);
		i++;
	}
}

static void line_code(struct tok *t, enum hl_lang lang, int *state)
{
	const struct lang_spec *sp = &specs[lang];
	size_t i = 0, first = skip_spaces(t, 0);
	bool cmd_next = true; /* shell: the next word is a command's name */
	bool data = lang == HL_LANG_JSON || lang == HL_LANG_TOML || lang == HL_LANG_YAML;

	/* what the previous line left open */
	if (*state == ST_BLOCK_COMMENT) {
		const char *end = memmem(t->s, t->n, "*/", 2);
		i = end ? (size_t)(end - t->s) + 2 : t->n;
		emit(t, 0, i, HL_COMMENT);
		if (end)
			*state = ST_NORMAL;
	} else if (*state & (ST_STRING | ST_TRIPLE)) {
		bool closed;
		i = string_end(t, 0, (char)(*state & 0xFF), (*state & ST_TRIPLE) != 0, &closed);
		emit(t, 0, i, HL_STRING);
		if (closed)
			*state = ST_NORMAL;
	}
	if (i == 0 && sp->meta_prefix == '#' && first < t->n && t->s[first] == '#') {
		/* a preprocessor line: the directive, then the rest as code */
		size_t e = first + 1;
		while (e < t->n && (t->s[e] == ' ' || is_ident(t->s[e])))
			e++;
		emit(t, 0, e, HL_META);
		i = e;
	}
	if (i == 0 && lang == HL_LANG_TOML && first < t->n && t->s[first] == '[') {
		emit(t, 0, t->n, HL_TAG);
		return;
	}
	while (i < t->n && *state == ST_NORMAL) {
		unsigned char c = (unsigned char)t->s[i];
		size_t start = i;
		if ((sp->line_comment && starts(t, i, sp->line_comment) &&
		     (lang != HL_LANG_SHELL || i == 0 || t->s[i - 1] == ' ' || t->s[i - 1] == '\t')) ||
		    (sp->line_comment2 && starts(t, i, sp->line_comment2))) {
			emit(t, i, t->n, HL_COMMENT);
			return;
		}
		if (sp->block_comment && starts(t, i, "/*")) {
			const char *end = i + 2 < t->n ? memmem(t->s + i + 2, t->n - i - 2, "*/", 2) : NULL;
			size_t e = end ? (size_t)(end - t->s) + 2 : t->n;
			emit(t, i, e, HL_COMMENT);
			if (!end)
				*state = ST_BLOCK_COMMENT;
			i = e;
			continue;
		}
		if (c && strchr(sp->quotes, c) && !(lang == HL_LANG_RUST && c == '\'')) {
			bool triple = sp->triple_quotes && i + 2 < t->n && t->s[i + 1] == (char)c &&
				      t->s[i + 2] == (char)c;
			bool closed;
			size_t e;
			/* a prefix (r"", b'', f"") belongs to the string */
			e = string_end(t, i + (triple ? 3 : 1), (char)c, triple, &closed);
			if (data && !triple && key_follows(t, e, lang))
				emit(t, i, e, HL_TAG);
			else
				emit(t, i, e, HL_STRING);
			if (!closed && triple)
				*state = ST_TRIPLE | c;
			else if (!closed && strchr(sp->multiline_quotes, c))
				*state = ST_STRING | c;
			i = e;
			continue;
		}
		if (lang == HL_LANG_RUST && c == '\'') {
			/* a char literal ('a', '\n') or a lifetime ('a) */
			if (i + 2 < t->n && t->s[i + 1] == '\\') {
				bool closed;
				size_t e = string_end(t, i + 1, '\'', false, &closed);
				emit(t, i, e, HL_STRING);
				i = e;
				continue;
			}
			if (i + 2 < t->n && t->s[i + 2] == '\'') {
				emit(t, i, i + 3, HL_STRING);
				i += 3;
				continue;
			}
			{
				size_t e = i + 1;
				while (e < t->n && is_ident(t->s[e]))
					e++;
				emit(t, i, e, HL_KEYWORD);
				i = e;
				continue;
			}
		}
		if (is_digit(c) || (c == '-' && data && i + 1 < t->n && is_digit(t->s[i + 1]) &&
				    (i == 0 || !is_ident(t->s[i - 1])))) {
			size_t e = number_end(t, i + 1);
			if (i > 0 && is_ident(t->s[i - 1]))
				e = i + 1; /* part of a name: x1 */
			emit(t, i, e, i > 0 && is_ident(t->s[i - 1]) ? HL_PLAIN : HL_NUMBER);
			i = e;
			continue;
		}
		if (lang == HL_LANG_SHELL && c == '$') {
			size_t e = i + 1;
			if (e < t->n && t->s[e] == '{') {
				const char *close = memchr(t->s + e, '}', t->n - e);
				e = close ? (size_t)(close - t->s) + 1 : t->n;
			} else if (e < t->n && (is_digit(t->s[e]) || strchr("@*#?$!-", t->s[e]))) {
				e++;
			} else {
				while (e < t->n && is_ident(t->s[e]))
					e++;
			}
			emit(t, i, e, HL_CONSTANT);
			i = e;
			continue;
		}
		if (sp->meta_prefix == '@' && c == '@' && i + 1 < t->n && is_ident_start(t->s[i + 1])) {
			size_t e = i + 1;
			while (e < t->n && (is_ident(t->s[e]) || t->s[e] == '.'))
				e++;
			emit(t, i, e, HL_META);
			i = e;
			continue;
		}
		if (lang == HL_LANG_RUST && c == '#' && i + 1 < t->n &&
		    (t->s[i + 1] == '[' || (t->s[i + 1] == '!' && i + 2 < t->n && t->s[i + 2] == '['))) {
			const char *close = memchr(t->s + i, ']', t->n - i);
			size_t e = close ? (size_t)(close - t->s) + 1 : t->n;
			emit(t, i, e, HL_META);
			i = e;
			continue;
		}
		if (is_ident_start(c)) {
			size_t e = i + 1, after;
			enum hl_class cls = HL_PLAIN;
			while (e < t->n && (is_ident(t->s[e]) || (lang == HL_LANG_SHELL && t->s[e] == '-') ||
					    (lang == HL_LANG_YAML && (t->s[e] == '-' || t->s[e] == '.'))))
				e++;
			after = skip_spaces(t, e);
			if (data && key_follows(t, e, lang))
				cls = HL_TAG;
			else if (in_list(sp->keywords, t->s + i, e - i))
				cls = HL_KEYWORD;
			else if (in_list(sp->constants, t->s + i, e - i))
				cls = HL_CONSTANT;
			else if (in_list(sp->types, t->s + i, e - i))
				cls = lang == HL_LANG_SHELL ? HL_FUNCTION : HL_TYPE;
			else if (lang == HL_LANG_RUST && e < t->n && t->s[e] == '!')
				cls = HL_FUNCTION, e++; /* a macro: println! */
			else if (after < t->n && t->s[after] == '(' && !data)
				cls = HL_FUNCTION;
			else if (sp->caps_are_types && c >= 'A' && c <= 'Z')
				cls = HL_TYPE;
			else if (lang == HL_LANG_SHELL && cmd_next)
				cls = HL_FUNCTION; /* the command word */
			/* after `if`, `then`, `do`... a command comes; after a word, its arguments */
			cmd_next = cls == HL_KEYWORD;
			emit(t, i, e, cls);
			i = e;
			continue;
		}
		if (c && strchr(";|&(`", c))
			cmd_next = true; /* a list, a pipe, a subshell: a new command */
		if (strchr("+-*/%=<>!&|^~?:.", c) && c) {
			emit(t, i, i + 1, (c == '.' || (c == ':' && data)) ? HL_PLAIN : HL_OPERATOR);
			i++;
			continue;
		}
		emit(t, start, i + 1, HL_PLAIN);
		i++;
	}
}

size_t hl_tokenize(enum hl_lang lang, int *state, const char *s, size_t n,
		   struct hl_token *out, size_t max)
{
	struct tok t = {s, n, 0, out, max, 0};

	if (!max)
		return 0;
	if ((unsigned)lang >= N_LANGS || lang == HL_LANG_NONE || n > HL_MAX_LINE_BYTES) {
		*state = ST_NORMAL;
		emit(&t, 0, n, HL_PLAIN);
		return t.count;
	}
	if (lang == HL_LANG_DIFF)
		line_diff(&t);
	else if (lang == HL_LANG_MARKDOWN)
		line_markdown(&t);
	else
		line_code(&t, lang, state);
	/* anything a language left out (never expected) is plain */
	if (!t.count || t.out[t.count - 1].start + t.out[t.count - 1].len < n) {
		size_t from = t.count ? t.out[t.count - 1].start + t.out[t.count - 1].len : 0;
		emit(&t, from, n, HL_PLAIN);
	}
	return t.count;
}

int hl_append(enum hl_lang lang, int *state, const char *s, size_t n, struct buf *out)
{
	struct hl_token toks[HL_MAX_TOKENS];
	size_t k = hl_tokenize(lang, state, s, n, toks, HL_MAX_TOKENS);

	for (size_t j = 0; j < k; j++)
		if (buf_putc(out, TUI_MARK) < 0 || buf_putc(out, TUI_SYNTAX_MARK(toks[j].cls)) < 0 ||
		    buf_append(out, s + toks[j].start, toks[j].len) < 0)
			return -1;
	return 0;
}
