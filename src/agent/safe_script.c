/* The plain-script parser (grammar and limits in safe_command.h):
 *
 *   script  := blank* command (blank* op blank* command)* blank* [';' | '\n'] blank*
 *   op      := "&&" | "||" | ';' | '|' | '\n'
 *   command := word (blank+ word)*
 *   word    := (plain | '\'' [^']* '\'' | '"' [^"$`\\]* '"')+
 *
 * A cursor with an explicit length walks the bytes once; nothing is expanded. */
#include "agent/safe_command.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/vec.h"

struct cursor {
	const char *p;
	size_t len, at;
	size_t words;
};

static bool at_end(const struct cursor *c)
{
	return c->at >= c->len;
}

static char peek(const struct cursor *c, size_t ahead)
{
	return c->at + ahead < c->len ? c->p[c->at + ahead] : '\0';
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Characters a plain word may hold unquoted. Everything with a meaning to the shell is
 * out: metacharacters, quotes handled apart, expansions, globs, braces, escapes. */
static bool is_plain(unsigned char ch)
{
	if (ch >= 0x80)
		return true; /* UTF-8 in file names */
	if (ch < 0x21 || ch == 0x7f)
		return false;
	return !strchr("|&;<>()$`\\\"'*?[]{}~#!", ch);
}

static void skip_blanks(struct cursor *c)
{
	while (!at_end(c) && is_blank(peek(c, 0)))
		c->at++;
}

/* One word into out: 1 read, 0 not at a word, -1 not plain / too much. */
static int read_word(struct cursor *c, struct buf *out)
{
	size_t start = c->at;

	buf_reset(out);
	while (!at_end(c)) {
		char ch = peek(c, 0);
		if (ch == '\'') {
			const char *close = memchr(c->p + c->at + 1, '\'', c->len - c->at - 1);
			if (!close)
				return -1;
			size_t n = (size_t)(close - (c->p + c->at + 1));
			if (buf_append(out, c->p + c->at + 1, n) < 0)
				return -1;
			c->at += n + 2;
		} else if (ch == '"') {
			size_t i = c->at + 1;
			while (i < c->len && c->p[i] != '"') {
				if (strchr("$`\\", c->p[i]))
					return -1;
				i++;
			}
			if (i >= c->len)
				return -1;
			if (buf_append(out, c->p + c->at + 1, i - c->at - 1) < 0)
				return -1;
			c->at = i + 1;
		} else if (is_plain((unsigned char)ch)) {
			if (buf_putc(out, ch) < 0)
				return -1;
			c->at++;
		} else {
			break;
		}
	}
	if (c->at == start)
		return 0;
	if (++c->words > SAFE_SCRIPT_MAX_WORDS)
		return -1;
	if (!out->data && buf_puts(out, "") < 0) /* an empty quoted word: '' */
		return -1;
	return 1;
}

/* NAME=... at the start of a command is an assignment, not a program. */
static bool is_assignment(const char *raw, size_t n)
{
	size_t i = 0;

	if (n == 0 || !(raw[0] == '_' || (raw[0] >= 'A' && raw[0] <= 'Z') ||
			(raw[0] >= 'a' && raw[0] <= 'z')))
		return false;
	while (i < n && (raw[i] == '_' || (raw[i] >= 'A' && raw[i] <= 'Z') ||
			 (raw[i] >= 'a' && raw[i] <= 'z') || (raw[i] >= '0' && raw[i] <= '9')))
		i++;
	return i < n && raw[i] == '=';
}

/* One command's words into cmd: 0, or -1 when there is none or it is not plain. */
static int read_command(struct cursor *c, struct strv *cmd, struct buf *word)
{
	for (;;) {
		size_t start = c->at;
		int r = read_word(c, word);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		if (cmd->n == 0 && is_assignment(c->p + start, c->at - start))
			return -1;
		if (strv_push(cmd, word->data) < 0)
			return -1;
		skip_blanks(c);
	}
	return cmd->n ? 0 : -1;
}

/* The operator at the cursor: its length, or 0 when there is none, -1 when it is one
 * we refuse (|&, &, ;;, >, ...). */
static int read_op(struct cursor *c)
{
	char a = peek(c, 0), b = peek(c, 1);

	if ((a == '&' && b == '&') || (a == '|' && b == '|'))
		return 2;
	if (a == '|' && b == '&')
		return -1;
	if (a == '|' || a == '\n')
		return 1;
	if (a == ';')
		return b == ';' ? -1 : 1;
	return -1;
}

void safe_script_free(struct safe_script *s)
{
	for (size_t i = 0; s && i < s->n; i++)
		strv_free(&s->cmds[i]);
	if (s) {
		free(s->cmds);
		s->cmds = NULL;
		s->n = 0;
	}
}

static int push_command(struct safe_script *s, size_t *cap)
{
	/* A command is a word at least. */
	struct strv *v = vec_grow(s->cmds, cap, s->n, sizeof *v, SAFE_SCRIPT_MAX_WORDS);

	if (!v)
		return -1;
	s->cmds = v;
	s->cmds[s->n++] = (struct strv)STRV_INIT;
	return 0;
}

int safe_script_parse(const char *script, size_t len, struct safe_script *out)
{
	struct cursor c = {script, len, 0, 0};
	struct buf word;
	size_t cap = 0;

	out->cmds = NULL;
	out->n = 0;
	if (len > SAFE_SCRIPT_MAX_BYTES || memchr(script, '\0', len))
		return -1;
	buf_init(&word, SAFE_SCRIPT_MAX_BYTES + 1);
	/* Leading blank lines are fine. */
	while (!at_end(&c) && (is_blank(peek(&c, 0)) || peek(&c, 0) == '\n'))
		c.at++;
	for (;;) {
		int op;
		if (push_command(out, &cap) < 0 || read_command(&c, &out->cmds[out->n - 1], &word) < 0)
			goto fail;
		if (at_end(&c))
			break;
		op = read_op(&c);
		if (op < 0)
			goto fail;
		bool terminator = peek(&c, 0) == ';' || peek(&c, 0) == '\n';
		c.at += (size_t)op;
		/* Blank lines may follow any operator; only ';' or a newline may end it all. */
		while (!at_end(&c) && (is_blank(peek(&c, 0)) || peek(&c, 0) == '\n'))
			c.at++;
		if (at_end(&c)) {
			if (!terminator)
				goto fail;
			break;
		}
	}
	buf_free(&word);
	return 0;
fail:
	buf_free(&word);
	safe_script_free(out);
	return -1;
}
