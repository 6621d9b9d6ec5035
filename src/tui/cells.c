/* History cells (see cells.h). */
#include "tui/cells.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/highlight.h"

/* Lines of one rendered cell are short; a single styled line is capped anyway. */
#define CELL_LINE_MAX (16u << 20)

char *cell_inert(const char *s, bool keep_newlines)
{
	struct buf b;

	buf_init(&b, CELL_LINE_MAX);
	if (tui_sanitize(&b, s ? s : "", s ? strlen(s) : 0, keep_newlines) < 0)
		return NULL;
	return buf_take(&b);
}

static int push(struct tui_rows *out, struct buf *b)
{
	int rc = tui_rows_push(out, b->data ? b->data : "", b->len);
	buf_reset(b);
	return rc;
}

/* ---- Markdown ---- */

struct inline_st {
	const char *base;   /* marks of the whole line (heading...) */
	bool bold, italic;
};

static int restyle(struct buf *b, const struct inline_st *s)
{
	if (buf_puts(b, ST_RESET) < 0 || buf_puts(b, s->base) < 0)
		return -1;
	if (s->bold && buf_puts(b, ST_BOLD) < 0)
		return -1;
	if (s->italic && buf_puts(b, ST_ITALIC) < 0)
		return -1;
	return 0;
}

/* Inline Markdown of sanitised text t: **bold**, *italic*, `code`, [label](url). */
static int md_inline(struct buf *b, const char *t, size_t n, const char *base)
{
	struct inline_st s = {base, false, false};
	size_t i = 0;

	while (i < n) {
		if (t[i] == '`') {
			const char *close = memchr(t + i + 1, '`', n - i - 1);
			if (close) {
				if (buf_puts(b, ST_CYAN) < 0 ||
				    buf_append(b, t + i + 1, (size_t)(close - t - i - 1)) < 0 ||
				    restyle(b, &s) < 0)
					return -1;
				i = (size_t)(close - t) + 1;
				continue;
			}
		}
		if (t[i] == '*' && i + 1 < n && t[i + 1] == '*') {
			const char *rest = t + i + 2;
			bool closing = s.bold;
			if (closing || (rest < t + n && *rest != ' ' &&
					memmem(rest, (size_t)(t + n - rest), "**", 2))) {
				s.bold = !s.bold;
				if (restyle(b, &s) < 0)
					return -1;
				i += 2;
				continue;
			}
		}
		if (t[i] == '*' && i + 1 < n && t[i + 1] != ' ' && t[i + 1] != '*' &&
		    (s.italic || memchr(t + i + 1, '*', n - i - 1))) {
			s.italic = !s.italic;
			if (restyle(b, &s) < 0)
				return -1;
			i++;
			continue;
		}
		if (t[i] == '*' && s.italic) {
			s.italic = false;
			if (restyle(b, &s) < 0)
				return -1;
			i++;
			continue;
		}
		if (t[i] == '[') {
			const char *mid = memmem(t + i, n - i, "](", 2);
			const char *end = mid ? memchr(mid + 2, ')', (size_t)(t + n - mid - 2)) : NULL;
			if (mid && end && !memchr(t + i + 1, ']', (size_t)(mid - t - i - 1))) {
				if (buf_puts(b, ST_CYAN ST_UNDER) < 0 ||
				    buf_append(b, t + i + 1, (size_t)(mid - t - i - 1)) < 0 ||
				    restyle(b, &s) < 0 || buf_puts(b, " (") < 0 ||
				    buf_puts(b, ST_CYAN) < 0 ||
				    buf_append(b, mid + 2, (size_t)(end - mid - 2)) < 0 ||
				    restyle(b, &s) < 0 || buf_putc(b, ')') < 0)
					return -1;
				i = (size_t)(end - t) + 1;
				continue;
			}
		}
		if (buf_putc(b, t[i]) < 0)
			return -1;
		i++;
	}
	return 0;
}

int md_line(struct md_state *st, const char *line, size_t n, struct tui_rows *out)
{
	struct buf raw, b;
	const char *gutter = st->first_line ? "\xE2\x80\xA2 " : "  ";
	const char *t;
	size_t len, lead = 0;
	int rc = -1;

	buf_init(&raw, CELL_LINE_MAX);
	buf_init(&b, CELL_LINE_MAX);
	if (tui_sanitize(&raw, line, n, false) < 0)
		goto out;
	t = raw.data ? raw.data : "";
	len = raw.len;
	while (lead < len && t[lead] == ' ')
		lead++;
	if (len - lead >= 3 && strncmp(t + lead, "```", 3) == 0) {
		st->in_code = !st->in_code;
		st->code_lang = st->in_code ? (int)hl_lang_from_name(t + lead + 3, len - lead - 3)
					    : HL_LANG_NONE;
		st->code_state = 0;
		st->code_lines = 0;
		rc = 0; /* fences are not shown */
		goto out;
	}
	st->first_line = false;
	if (buf_puts(&b, gutter) < 0)
		goto out;
	if (st->in_code && st->code_lang != HL_LANG_NONE && ++st->code_lines <= HL_MAX_LINES) {
		/* a known language: highlighted once, here, as the line is committed */
		if (hl_append((enum hl_lang)st->code_lang, &st->code_state, t, len, &b) < 0)
			goto out;
	} else if (st->in_code && st->code_lang != HL_LANG_NONE) {
		if (buf_append(&b, t, len) < 0)
			goto out;
	} else if (st->in_code) {
		if (buf_puts(&b, ST_CYAN) < 0 || buf_append(&b, t, len) < 0)
			goto out;
	} else if (t[lead] == '#') {
		size_t h = lead;
		while (h < len && t[h] == '#')
			h++;
		if (buf_puts(&b, ST_BOLD) < 0 ||
		    (h - lead == 1 && buf_puts(&b, ST_UNDER) < 0) ||
		    md_inline(&b, t, len, h - lead == 1 ? ST_BOLD ST_UNDER : ST_BOLD) < 0)
			goto out;
	} else if (len - lead >= 2 && t[lead] == '>' && t[lead + 1] == ' ') {
		if (buf_puts(&b, ST_GREEN) < 0 || md_inline(&b, t, len, ST_GREEN) < 0)
			goto out;
	} else if (len - lead >= 3 && (strspn(t + lead, "-") == len - lead ||
				       strspn(t + lead, "*") == len - lead)) {
		if (buf_puts(&b, ST_DIM "\xE2\x80\x94\xE2\x80\x94\xE2\x80\x94") < 0)
			goto out;
	} else if (len - lead >= 2 && (t[lead] == '*' || t[lead] == '+') && t[lead + 1] == ' ') {
		/* Bullets are written "- " as upstream keeps them. */
		if (buf_append(&b, t, lead) < 0 || buf_puts(&b, "- ") < 0 ||
		    md_inline(&b, t + lead + 2, len - lead - 2, "") < 0)
			goto out;
	} else {
		if (md_inline(&b, t, len, "") < 0)
			goto out;
	}
	rc = push(out, &b);
out:
	buf_free(&raw);
	buf_free(&b);
	return rc;
}

int md_message(const char *text, struct tui_rows *out)
{
	struct md_state st = {.first_line = true};
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (md_line(&st, p, n, out) < 0)
			return -1;
		p += n + (nl ? 1 : 0);
	}
	return 0;
}

/* ---- simple cells ---- */

static int prefixed(const char *prefix, const char *style, const char *msg, struct tui_rows *out)
{
	struct buf b;
	char *inert = cell_inert(msg, true);
	const char *p;
	bool first = true;
	int rc = -1;

	buf_init(&b, CELL_LINE_MAX);
	if (!inert)
		return -1;
	p = inert;
	do {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (buf_puts(&b, first ? prefix : "  ") < 0 || buf_puts(&b, style) < 0 ||
		    buf_append(&b, p, n) < 0 || push(out, &b) < 0)
			goto out;
		first = false;
		p += n + (nl ? 1 : 0);
		if (!nl)
			break;
	} while (*p || 0);
	rc = 0;
out:
	buf_free(&b);
	free(inert);
	return rc;
}

int cell_user(const char *text, struct tui_rows *out)
{
	return prefixed(ST_USER_BG ST_BOLD "\xE2\x80\xBA " ST_RESET ST_USER_BG, "", text, out);
}

int cell_error(const char *msg, struct tui_rows *out)
{
	return prefixed(ST_RED "\xE2\x96\xA0 ", "", msg, out);
}

int cell_warning(const char *msg, struct tui_rows *out)
{
	return prefixed(ST_YELLOW "\xE2\x9A\xA0 ", "", msg, out);
}

int cell_info(const char *msg, struct tui_rows *out)
{
	return prefixed(ST_DIM "\xE2\x80\xA2 ", "", msg, out);
}

/* ---- commands ---- */

char *cell_command_text(const cJSON *command)
{
	const cJSON *w;
	struct buf b;
	int n = cJSON_GetArraySize(command), k = 0;
	char *res;

	if (n == 3) {
		const cJSON *a0 = cJSON_GetArrayItem(command, 0), *a1 = cJSON_GetArrayItem(command, 1),
			    *a2 = cJSON_GetArrayItem(command, 2);
		if (cJSON_IsString(a0) && cJSON_IsString(a1) && cJSON_IsString(a2) &&
		    (strcmp(a1->valuestring, "-lc") == 0 || strcmp(a1->valuestring, "-c") == 0)) {
			const char *sh = strrchr(a0->valuestring, '/');
			sh = sh ? sh + 1 : a0->valuestring;
			if (strcmp(sh, "bash") == 0 || strcmp(sh, "sh") == 0 || strcmp(sh, "zsh") == 0)
				return cell_inert(a2->valuestring, false);
		}
	}
	buf_init(&b, CELL_LINE_MAX);
	cJSON_ArrayForEach(w, command) {
		const char *s = cJSON_IsString(w) ? w->valuestring : "";
		bool quote = !*s || strpbrk(s, " \t\n'\"$`\\|&;<>()*?[]#~") != NULL;
		if ((k++ && buf_putc(&b, ' ') < 0) || (quote && buf_putc(&b, '\'') < 0))
			goto fail;
		for (const char *p = s; *p; p++)
			if ((*p == '\'' && quote ? buf_puts(&b, "'\\''") : buf_putc(&b, *p)) < 0)
				goto fail;
		if (quote && buf_putc(&b, '\'') < 0)
			goto fail;
	}
	res = cell_inert(b.data ? b.data : "", false);
	buf_free(&b);
	return res;
fail:
	buf_free(&b);
	return NULL;
}

int cell_exec_running(const char *cmd, struct tui_rows *out)
{
	struct buf b;
	int rc;

	buf_init(&b, CELL_LINE_MAX);
	rc = buf_printf(&b, ST_BOLD "\xE2\x80\xA2 " ST_RESET ST_BOLD "Running " ST_RESET);
	/* the command is shown bash-highlighted, as upstream does */
	if (rc == 0)
		rc = hl_append(HL_LANG_SHELL, &(int){0}, cmd, strlen(cmd), &b);
	if (rc == 0)
		rc = push(out, &b);
	buf_free(&b);
	return rc;
}

static int output_line(struct buf *b, struct tui_rows *out, bool first, const char *s, size_t n,
		       const char *style)
{
	if (buf_puts(b, first ? "  \xE2\x94\x94 " : "    ") < 0 || buf_puts(b, style) < 0 ||
	    buf_append(b, s, n) < 0)
		return -1;
	return push(out, b);
}

int cell_exec_end(const char *cmd, const cJSON *m, bool full, struct tui_rows *out)
{
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(m, "exit_code");
	const cJSON *dur = cJSON_GetObjectItemCaseSensitive(m, "duration");
	const cJSON *agg = cJSON_GetObjectItemCaseSensitive(m, "aggregated_output");
	const cJSON *source = cJSON_GetObjectItemCaseSensitive(m, "source");
	int exit_code = cJSON_IsNumber(code) ? (int)code->valuedouble : -1;
	/* A command the user ran (`!cmd`) says so and shows more of its output: the user
	 * asked to see it. */
	bool user = cJSON_IsString(source) && strcmp(source->valuestring, "user_shell") == 0;
	size_t head = user ? CELL_USER_OUTPUT_ROWS / 2 : CELL_OUTPUT_HEAD;
	size_t tail = user ? CELL_USER_OUTPUT_ROWS - head - 1 : CELL_OUTPUT_TAIL;
	double secs = 0;
	char *text = NULL;
	size_t nlines = 0, shown = 0;
	const char **starts = NULL;
	size_t *lens = NULL;
	struct buf b;
	int rc = -1;

	buf_init(&b, CELL_LINE_MAX);
	if (cJSON_IsObject(dur)) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(dur, "secs");
		const cJSON *ns = cJSON_GetObjectItemCaseSensitive(dur, "nanos");
		secs = (cJSON_IsNumber(s) ? s->valuedouble : 0) +
		       (cJSON_IsNumber(ns) ? ns->valuedouble / 1e9 : 0);
	}
	if (buf_printf(&b, "%s\xE2\x80\xA2 " ST_RESET ST_BOLD "%s " ST_RESET,
		       exit_code == 0 ? ST_GREEN ST_BOLD : ST_RED ST_BOLD,
		       user ? "You ran" : "Ran") < 0 ||
	    hl_append(HL_LANG_SHELL, &(int){0}, cmd, strlen(cmd), &b) < 0 || push(out, &b) < 0)
		goto out;
	text = cell_inert(cJSON_IsString(agg) ? agg->valuestring : "", true);
	if (!text)
		goto out;
	{
		size_t len = strlen(text);
		while (len && text[len - 1] == '\n')
			text[--len] = '\0';
		for (const char *p = text; *p; p++)
			nlines += *p == '\n';
		nlines += *text ? 1 : 0;
	}
	starts = calloc(nlines + 1, sizeof *starts);
	lens = calloc(nlines + 1, sizeof *lens);
	if (!starts || !lens)
		goto out;
	{
		const char *p = text;
		for (size_t k = 0; k < nlines; k++) {
			const char *nl = strchr(p, '\n');
			starts[k] = p;
			lens[k] = nl ? (size_t)(nl - p) : strlen(p);
			p += lens[k] + 1;
		}
	}
	if (nlines == 0) {
		if (output_line(&b, out, true, "(no output)", 11, ST_DIM) < 0)
			goto out;
		shown = 1;
	}
	for (size_t k = 0; k < nlines; k++) {
		if (!full && nlines > head + tail && k == head) {
			char more[64];
			size_t hidden = nlines - head - tail;
			snprintf(more, sizeof more, "\xE2\x80\xA6 +%zu lines", hidden);
			if (output_line(&b, out, false, more, strlen(more), ST_DIM) < 0)
				goto out;
			k = nlines - tail - 1;
			continue;
		}
		if (output_line(&b, out, shown++ == 0, starts[k], lens[k], ST_DIM) < 0)
			goto out;
	}
	if (exit_code == 0) {
		if (buf_printf(&b, "    " ST_GREEN "\xE2\x9C\x93" ST_RESET ST_DIM " \xE2\x80\xA2 %.0fms",
			       secs * 1000) < 0)
			goto out;
	} else if (buf_printf(&b, "    " ST_RED "\xE2\x9C\x97 (exit %d)" ST_RESET ST_DIM
			      " \xE2\x80\xA2 %.0fms", exit_code, secs * 1000) < 0) {
		goto out;
	}
	rc = push(out, &b);
out:
	free(starts);
	free(lens);
	free(text);
	buf_free(&b);
	return rc;
}

/* ---- diffs ---- */

/* One body line; lang (HL_LANG_NONE: none) colours its code, *state carried through
 * the hunk. */
static int diff_body_line(struct buf *b, struct tui_rows *out, const char *line, size_t n,
			  long *old_no, long *new_no, enum hl_lang lang, int *state)
{
	char *inert;
	struct buf raw;
	int rc;
	char sign = n ? line[0] : ' ';

	buf_init(&raw, CELL_LINE_MAX);
	if (tui_sanitize(&raw, n ? line + 1 : "", n ? n - 1 : 0, false) < 0)
		return -1;
	inert = buf_take(&raw);
	if (!inert)
		return -1;
	if (sign == '+')
		rc = buf_printf(b, "    " ST_GREEN ST_ADD_BG "%4ld +", (*new_no)++);
	else if (sign == '-')
		/* upstream dims the code of a removed line under its syntax colours */
		rc = buf_printf(b, "    " ST_RED ST_DEL_BG "%4ld -%s", (*old_no)++,
				lang != HL_LANG_NONE ? ST_DIM : "");
	else {
		rc = buf_printf(b, "    " ST_DIM "%4ld" ST_RESET "  ", (*new_no)++);
		(*old_no)++;
	}
	if (rc == 0)
		rc = hl_append(lang, state, inert, strlen(inert), b);
	free(inert);
	return rc < 0 ? -1 : push(out, b);
}

/* Lines of a unified diff without its headers: " ctx", "+add", "-del"; "@@" starts a
 * hunk ("⋮" between hunks). lang colours the code. */
static int diff_body(const char *diff, size_t max_lines, enum hl_lang lang,
		     struct tui_rows *out, size_t *shown)
{
	struct buf b;
	const char *p = diff;
	long old_no = 1, new_no = 1;
	int hunks = 0, state = 0;
	size_t lines = 0;

	for (const char *q = diff; q && *q; q = strchr(q, '\n'), q = q ? q + 1 : NULL)
		lines++;
	if (strlen(diff) > HL_MAX_BLOCK_BYTES || lines > HL_MAX_LINES)
		lang = HL_LANG_NONE; /* too big to be worth it, as upstream */
	buf_init(&b, CELL_LINE_MAX);
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (max_lines && *shown >= max_lines) {
			if (buf_puts(&b, "    " ST_DIM "\xE2\x80\xA6") < 0 || push(out, &b) < 0)
				goto fail;
			break;
		}
		if (n >= 2 && strncmp(p, "@@", 2) == 0) {
			long a = 1, c = 1;
			if (sscanf(p, "@@ -%ld%*[^+]+%ld", &a, &c) >= 1) {
				old_no = a;
				new_no = c;
			}
			state = 0;
			if (hunks++ && (buf_puts(&b, "    " ST_DIM "\xE2\x8B\xAE") < 0 ||
					push(out, &b) < 0))
				goto fail;
		} else if ((n >= 3 && (strncmp(p, "---", 3) == 0 || strncmp(p, "+++", 3) == 0)) ||
			   strncmp(p, "diff ", 5) == 0 || strncmp(p, "index ", 6) == 0 ||
			   strncmp(p, "new file", 8) == 0 || strncmp(p, "deleted file", 12) == 0 ||
			   strncmp(p, "\\ No newline", 12) == 0) {
			/* headers: the cell's title says which file */
		} else {
			if (diff_body_line(&b, out, p, n, &old_no, &new_no, lang, &state) < 0)
				goto fail;
			++*shown;
		}
		p = nl ? nl + 1 : NULL;
	}
	buf_free(&b);
	return 0;
fail:
	buf_free(&b);
	return -1;
}

static void count_diff(const char *diff, long *add, long *del)
{
	const char *p = diff;

	while (p && *p) {
		if (*p == '+' && strncmp(p, "+++", 3) != 0)
			++*add;
		else if (*p == '-' && strncmp(p, "---", 3) != 0)
			++*del;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
}

/* Content as a diff of all-added or all-removed lines. */
static char *content_diff(const char *content, char sign)
{
	struct buf b;
	const char *p = content;

	buf_init(&b, CELL_LINE_MAX);
	if (buf_puts(&b, "@@ -1 +1 @@\n") < 0)
		return NULL;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (buf_putc(&b, sign) < 0 || buf_append(&b, p, n) < 0 || buf_putc(&b, '\n') < 0)
			return NULL;
		p = nl ? nl + 1 : NULL;
	}
	return buf_take(&b);
}

/* A change is {"type": "add"|"delete"|"update", ...} (the agent's form) or
 * {"add"|"delete"|"update": {...}} (upstream's serde form). */
static const char *change_kind(const cJSON *ch)
{
	const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ch, "type"));

	if (t)
		return t;
	if (cJSON_GetObjectItemCaseSensitive(ch, "add"))
		return "add";
	if (cJSON_GetObjectItemCaseSensitive(ch, "delete"))
		return "delete";
	return "update";
}

static const cJSON *change_body(const cJSON *ch)
{
	const cJSON *b;

	if (cJSON_GetObjectItemCaseSensitive(ch, "type"))
		return ch;
	if ((b = cJSON_GetObjectItemCaseSensitive(ch, "add")) ||
	    (b = cJSON_GetObjectItemCaseSensitive(ch, "delete")) ||
	    (b = cJSON_GetObjectItemCaseSensitive(ch, "update")))
		return b;
	return ch;
}

/* path shown relative to cwd when it is inside it. */
static const char *relative(const char *path, const char *cwd)
{
	size_t n = cwd ? strlen(cwd) : 0;

	if (n > 1 && strncmp(path, cwd, n) == 0 && path[n] == '/' && path[n + 1])
		return path + n + 1;
	return path;
}

/* The language of a change by its path's extension (a rename's destination). */
static enum hl_lang lang_of_change(const cJSON *ch)
{
	const char *dest = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(change_body(ch), "move_path"));

	return hl_lang_from_path(dest ? dest : ch->string ? ch->string : "");
}

int cell_patch(const cJSON *changes, const char *verb, const char *cwd, size_t max_lines,
	       struct tui_rows *out)
{
	const cJSON *ch;
	size_t nfiles = 0, shown = 0;
	long total_add = 0, total_del = 0;
	char **diffs;
	struct buf b;
	int rc = -1;

	cJSON_ArrayForEach(ch, changes)
		nfiles++;
	diffs = calloc(nfiles + 1, sizeof *diffs);
	if (!diffs)
		return -1;
	buf_init(&b, CELL_LINE_MAX);
	{
		size_t k = 0;
		cJSON_ArrayForEach(ch, changes) {
			const char *kind = change_kind(ch);
			const cJSON *body = change_body(ch);
			const cJSON *c;
			if (strcmp(kind, "add") == 0 &&
			    cJSON_IsString(c = cJSON_GetObjectItemCaseSensitive(body, "content")))
				diffs[k] = content_diff(c->valuestring, '+');
			else if (strcmp(kind, "delete") == 0 &&
				 cJSON_IsString(c = cJSON_GetObjectItemCaseSensitive(body, "content")))
				diffs[k] = content_diff(c->valuestring, '-');
			else if (cJSON_IsString(c = cJSON_GetObjectItemCaseSensitive(body, "unified_diff")))
				diffs[k] = strdup(c->valuestring);
			else
				diffs[k] = strdup("");
			if (!diffs[k])
				goto out;
			count_diff(diffs[k], &total_add, &total_del);
			k++;
		}
	}
	{
		size_t k = 0;
		cJSON_ArrayForEach(ch, changes) {
			const char *kind = strcmp(change_kind(ch), "add") == 0      ? "Added"
					   : strcmp(change_kind(ch), "delete") == 0 ? "Deleted"
										    : verb;
			long a = 0, d = 0;
			char *path = cell_inert(relative(ch->string ? ch->string : "?", cwd), false);
			if (!path)
				goto out;
			count_diff(diffs[k], &a, &d);
			if (nfiles == 1)
				rc = buf_printf(&b, ST_BOLD "\xE2\x80\xA2 %s " ST_RESET "%s (" ST_GREEN "+%ld"
						ST_RESET " " ST_RED "-%ld" ST_RESET ")", kind, path, a, d);
			else if (k == 0)
				rc = buf_printf(&b, ST_BOLD "\xE2\x80\xA2 %s %zu files " ST_RESET "(" ST_GREEN
						"+%ld" ST_RESET " " ST_RED "-%ld" ST_RESET ")", verb, nfiles,
						total_add, total_del);
			else
				rc = 0;
			if (rc == 0 && (nfiles == 1 || k == 0))
				rc = push(out, &b);
			if (rc == 0 && nfiles > 1 &&
			    (buf_printf(&b, "  \xE2\x94\x94 %s (" ST_GREEN "+%ld" ST_RESET " " ST_RED
					"-%ld" ST_RESET ")", path, a, d) < 0 || push(out, &b) < 0))
				rc = -1;
			free(path);
			if (rc < 0 || diff_body(diffs[k], max_lines, lang_of_change(ch), out,
						&shown) < 0) {
				rc = -1;
				goto out;
			}
			k++;
		}
	}
	rc = 0;
out:
	for (size_t k = 0; k < nfiles; k++)
		free(diffs[k]);
	free(diffs);
	buf_free(&b);
	return rc;
}

int cell_diff_text(const char *diff, struct tui_rows *out)
{
	struct buf b;
	const char *p = diff;

	buf_init(&b, CELL_LINE_MAX);
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *inert;
		const char *style = "";
		struct buf raw;
		buf_init(&raw, CELL_LINE_MAX);
		if (tui_sanitize(&raw, p, n, false) < 0)
			goto fail;
		inert = buf_take(&raw);
		if (!inert)
			goto fail;
		if (strncmp(inert, "+++", 3) == 0 || strncmp(inert, "---", 3) == 0 ||
		    strncmp(inert, "diff ", 5) == 0)
			style = ST_BOLD;
		else if (inert[0] == '+')
			style = ST_GREEN ST_ADD_BG;
		else if (inert[0] == '-')
			style = ST_RED ST_DEL_BG;
		else if (strncmp(inert, "@@", 2) == 0)
			style = ST_CYAN;
		if (buf_puts(&b, style) < 0 || buf_puts(&b, inert) < 0 || push(out, &b) < 0) {
			free(inert);
			goto fail;
		}
		free(inert);
		p = nl ? nl + 1 : NULL;
	}
	buf_free(&b);
	return 0;
fail:
	buf_free(&b);
	return -1;
}

int cell_plan(const cJSON *m, struct tui_rows *out)
{
	const cJSON *expl = cJSON_GetObjectItemCaseSensitive(m, "explanation");
	const cJSON *plan = cJSON_GetObjectItemCaseSensitive(m, "plan"), *step;
	struct buf b;
	bool first = true;

	buf_init(&b, CELL_LINE_MAX);
	if (buf_puts(&b, ST_BOLD "\xE2\x80\xA2 Updated Plan") < 0 || push(out, &b) < 0)
		goto fail;
	if (cJSON_IsString(expl) && *expl->valuestring) {
		char *t = cell_inert(expl->valuestring, false);
		if (!t || buf_printf(&b, "  \xE2\x94\x94 " ST_ITALIC "%s", t) < 0 || push(out, &b) < 0) {
			free(t);
			goto fail;
		}
		free(t);
		first = false;
	}
	cJSON_ArrayForEach(step, plan) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(step, "step");
		const cJSON *status = cJSON_GetObjectItemCaseSensitive(step, "status");
		const char *st = cJSON_IsString(status) ? status->valuestring : "pending";
		char *t = cell_inert(cJSON_IsString(s) ? s->valuestring : "", false);
		int rc;
		if (!t)
			goto fail;
		if (strcmp(st, "completed") == 0)
			rc = buf_printf(&b, "%s" ST_GREEN "\xE2\x9C\x94 " ST_RESET ST_DIM ST_STRIKE "%s",
					first ? "  \xE2\x94\x94 " : "    ", t);
		else if (strcmp(st, "in_progress") == 0)
			rc = buf_printf(&b, "%s" ST_CYAN ST_BOLD "\xE2\x96\xA1 %s",
					first ? "  \xE2\x94\x94 " : "    ", t);
		else
			rc = buf_printf(&b, "%s" ST_DIM "\xE2\x96\xA1 %s", first ? "  \xE2\x94\x94 " : "    ",
					t);
		free(t);
		first = false;
		if (rc < 0 || push(out, &b) < 0)
			goto fail;
	}
	buf_free(&b);
	return 0;
fail:
	buf_free(&b);
	return -1;
}
