/* The composer (see composer.h). */
#include "tui/composer.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void composer_init(struct composer *c)
{
	memset(c, 0, sizeof *c);
	buf_init(&c->text, COMPOSER_MAX_BYTES);
}

static void forget_pastes(struct composer *c)
{
	for (size_t i = 0; i < c->n_pastes; i++) {
		free(c->pastes[i].label);
		free(c->pastes[i].text);
	}
	c->n_pastes = 0;
}

void composer_free(struct composer *c)
{
	forget_pastes(c);
	buf_free(&c->text);
	free(c->kill);
	c->kill = NULL;
}

void composer_clear(struct composer *c)
{
	forget_pastes(c);
	buf_reset(&c->text);
	c->cur = 0;
}

bool composer_empty(const struct composer *c)
{
	return c->text.len == 0;
}

const char *composer_text(const struct composer *c)
{
	return c->text.data ? c->text.data : "";
}

int composer_set(struct composer *c, const char *s)
{
	composer_clear(c);
	if (buf_puts(&c->text, s) < 0)
		return -1;
	c->cur = c->text.len;
	return 0;
}

int composer_insert(struct composer *c, const char *s, size_t n)
{
	size_t old = c->text.len;

	if (buf_append(&c->text, s, n) < 0) {
		/* base/buf freed the text: start over empty rather than lose the frame. */
		buf_init(&c->text, COMPOSER_MAX_BYTES);
		c->cur = 0;
		return -1;
	}
	memmove(c->text.data + c->cur + n, c->text.data + c->cur, old - c->cur);
	memcpy(c->text.data + c->cur, s, n);
	c->cur += n;
	return 0;
}

static size_t count_chars(const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

int composer_paste(struct composer *c, const char *s, size_t n)
{
	size_t chars = count_chars(s, n), same = 0;
	char label[96];
	struct composer_paste *p;

	if (chars <= COMPOSER_PASTE_INLINE_MAX || c->n_pastes == COMPOSER_MAX_PASTES)
		return composer_insert(c, s, n);
	for (size_t i = 0; i < c->n_pastes; i++) {
		char want[64];
		snprintf(want, sizeof want, "[Pasted Content %zu chars]", chars);
		same += strncmp(c->pastes[i].label, want, strlen(want) - 1) == 0;
	}
	if (same)
		snprintf(label, sizeof label, "[Pasted Content %zu chars] #%zu", chars, same + 1);
	else
		snprintf(label, sizeof label, "[Pasted Content %zu chars]", chars);
	p = &c->pastes[c->n_pastes];
	p->label = strdup(label);
	p->text = malloc(n + 1);
	if (!p->label || !p->text) {
		free(p->label);
		free(p->text);
		return -1;
	}
	memcpy(p->text, s, n);
	p->text[n] = '\0';
	c->n_pastes++;
	return composer_insert(c, label, strlen(label));
}

/* The placeholder that ends (or starts) at the cursor, for atomic deletion. */
static struct composer_paste *placeholder_before(struct composer *c)
{
	for (size_t i = 0; i < c->n_pastes; i++) {
		size_t l = strlen(c->pastes[i].label);
		if (c->cur >= l && memcmp(c->text.data + c->cur - l, c->pastes[i].label, l) == 0)
			return &c->pastes[i];
	}
	return NULL;
}

static void drop_range(struct composer *c, size_t from, size_t to)
{
	memmove(c->text.data + from, c->text.data + to, c->text.len - to + 1);
	c->text.len -= to - from;
	if (c->cur > to)
		c->cur -= to - from;
	else if (c->cur > from)
		c->cur = from;
}

static size_t prev_char(const struct composer *c, size_t at)
{
	if (at == 0)
		return 0;
	at--;
	while (at > 0 && ((unsigned char)c->text.data[at] & 0xC0) == 0x80)
		at--;
	return at;
}

static size_t next_char(const struct composer *c, size_t at)
{
	if (at >= c->text.len)
		return c->text.len;
	at++;
	while (at < c->text.len && ((unsigned char)c->text.data[at] & 0xC0) == 0x80)
		at++;
	return at;
}

void composer_backspace(struct composer *c)
{
	struct composer_paste *p;

	if (c->cur == 0)
		return;
	p = placeholder_before(c);
	if (p) {
		size_t l = strlen(p->label);
		drop_range(c, c->cur - l, c->cur);
		return;
	}
	drop_range(c, prev_char(c, c->cur), c->cur);
}

void composer_delete(struct composer *c)
{
	if (c->cur < c->text.len)
		drop_range(c, c->cur, next_char(c, c->cur));
}

void composer_left(struct composer *c)
{
	c->cur = prev_char(c, c->cur);
}

void composer_right(struct composer *c)
{
	c->cur = next_char(c, c->cur);
}

static size_t line_start(const struct composer *c, size_t at)
{
	while (at > 0 && c->text.data[at - 1] != '\n')
		at--;
	return at;
}

static size_t line_end(const struct composer *c, size_t at)
{
	while (at < c->text.len && c->text.data[at] != '\n')
		at++;
	return at;
}

void composer_home(struct composer *c)
{
	c->cur = line_start(c, c->cur);
}

void composer_end(struct composer *c)
{
	c->cur = line_end(c, c->cur);
}

static void keep_killed(struct composer *c, size_t from, size_t to)
{
	char *k = strndup(c->text.data + from, to - from);

	if (k) {
		free(c->kill);
		c->kill = k;
	}
}

void composer_kill_to_start(struct composer *c)
{
	size_t s = line_start(c, c->cur);

	if (s == c->cur)
		return;
	keep_killed(c, s, c->cur);
	drop_range(c, s, c->cur);
}

void composer_kill_to_end(struct composer *c)
{
	size_t e = line_end(c, c->cur);

	if (e == c->cur)
		return;
	keep_killed(c, c->cur, e);
	drop_range(c, c->cur, e);
}

void composer_kill_word_back(struct composer *c)
{
	size_t s = c->cur;

	while (s > 0 && (c->text.data[s - 1] == ' ' || c->text.data[s - 1] == '\n'))
		s--;
	while (s > 0 && c->text.data[s - 1] != ' ' && c->text.data[s - 1] != '\n')
		s--;
	if (s == c->cur)
		return;
	keep_killed(c, s, c->cur);
	drop_range(c, s, c->cur);
}

void composer_yank(struct composer *c)
{
	if (c->kill)
		(void)!composer_insert(c, c->kill, strlen(c->kill));
}

bool composer_up(struct composer *c)
{
	size_t s = line_start(c, c->cur), col, ps;

	if (s == 0)
		return false;
	col = c->cur - s;
	ps = line_start(c, s - 1);
	c->cur = ps + (col < s - 1 - ps ? col : s - 1 - ps);
	while (c->cur > ps && ((unsigned char)c->text.data[c->cur] & 0xC0) == 0x80)
		c->cur--;
	return true;
}

bool composer_down(struct composer *c)
{
	size_t s = line_start(c, c->cur), e = line_end(c, c->cur), col, ne;

	if (e >= c->text.len)
		return false;
	col = c->cur - s;
	ne = line_end(c, e + 1);
	c->cur = e + 1 + (col < ne - e - 1 ? col : ne - e - 1);
	while (c->cur > e + 1 && ((unsigned char)c->text.data[c->cur] & 0xC0) == 0x80)
		c->cur--;
	return true;
}

char *composer_expanded(const struct composer *c)
{
	struct buf b;
	const char *p = composer_text(c);

	buf_init(&b, COMPOSER_MAX_BYTES * 2);
	while (*p) {
		bool hit = false;
		for (size_t i = 0; i < c->n_pastes && !hit; i++) {
			size_t l = strlen(c->pastes[i].label);
			if (strncmp(p, c->pastes[i].label, l) == 0) {
				if (buf_puts(&b, c->pastes[i].image ? c->pastes[i].label
								    : c->pastes[i].text) < 0)
					return NULL;
				p += l;
				hit = true;
			}
		}
		if (!hit) {
			if (buf_putc(&b, *p) < 0)
				return NULL;
			p++;
		}
	}
	return buf_take(&b);
}

int composer_rows(const struct composer *c, int width, const char *placeholder,
		  struct tui_rows *out, int *cur_row, int *cur_col)
{
	struct buf row;
	const char *t = composer_text(c);
	size_t i = 0, n = c->text.len;
	int col = 2, r = 0;

	buf_init(&row, COMPOSER_MAX_BYTES + 64);
	*cur_row = 0;
	*cur_col = 2;
	if (width < 4)
		width = 4;
	if (buf_puts(&row, ST_BOLD "\xE2\x80\xBA " ST_RESET) < 0)
		return -1;
	if (n == 0) {
		if (buf_puts(&row, ST_DIM) < 0 || buf_puts(&row, placeholder) < 0)
			return -1;
		char *cut = tui_truncate(row.data, row.len, width);
		int rc = cut ? tui_rows_push(out, cut, strlen(cut)) : -1;
		free(cut);
		buf_free(&row);
		return rc;
	}
	while (i <= n) {
		int len = 1, w;
		uint32_t cp;
		if (i == c->cur) {
			*cur_row = r;
			*cur_col = col;
		}
		if (i == n)
			break;
		if (t[i] == '\n') {
			if (tui_rows_push(out, row.data, row.len) < 0)
				goto fail;
			buf_reset(&row);
			if (buf_puts(&row, "  ") < 0)
				goto fail;
			col = 2;
			r++;
			i++;
			continue;
		}
		cp = tui_utf8_decode(t + i, n - i, &len);
		w = tui_cp_width(cp);
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
			w = 0; /* never sent to the terminal */
		if (col + w > width - 1) {
			if (tui_rows_push(out, row.data, row.len) < 0)
				goto fail;
			buf_reset(&row);
			if (buf_puts(&row, "  ") < 0)
				goto fail;
			col = 2;
			r++;
			if (i == c->cur) {
				*cur_row = r;
				*cur_col = col;
			}
		}
		if (w > 0 && (cp == 0xFFFD && len == 1 ? buf_puts(&row, "\xEF\xBF\xBD")
						      : buf_append(&row, t + i, (size_t)len)) < 0)
			goto fail;
		col += w;
		i += (size_t)len;
	}
	if (tui_rows_push(out, row.data ? row.data : "", row.len) < 0)
		goto fail;
	buf_free(&row);
	return 0;
fail:
	buf_free(&row);
	return -1;
}

/* ---- images ---- */

/* PNG, JPEG, GIF or WebP by the first bytes (what the model API takes). */
static bool image_magic(const char *path)
{
	unsigned char h[12];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return false;
	}
	n = read(fd, h, sizeof h);
	close(fd);
	if (n < 4)
		return false;
	return (n >= 8 && memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0) ||
	       (h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF) || memcmp(h, "GIF8", 4) == 0 ||
	       (n == 12 && memcmp(h, "RIFF", 4) == 0 && memcmp(h + 8, "WEBP", 4) == 0);
}

char *composer_image_path(const char *s, size_t n, const char *cwd)
{
	char *p, *full;
	size_t k = 0;
	size_t chars = count_chars(s, n);

	if (chars < 2 || chars > COMPOSER_PASTE_INLINE_MAX)
		return NULL;
	while (n && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
		n--;
	if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0])
		s++, n -= 2;
	if (n > 7 && strncmp(s, "file://", 7) == 0)
		s += 7, n -= 7;
	if (!n || memchr(s, '\n', n))
		return NULL;
	p = malloc(n + 1);
	if (!p)
		return NULL;
	/* a shell-escaped path from a terminal's drag and drop: "\ " is a space */
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		p[k++] = s[i];
	}
	p[k] = '\0';
	if (p[0] != '/') {
		size_t len = strlen(cwd) + k + 2;
		full = malloc(len);
		if (full)
			snprintf(full, len, "%s/%s", cwd, p);
		free(p);
		p = full;
	}
	if (p && !image_magic(p)) {
		free(p);
		p = NULL;
	}
	return p;
}

int composer_add_image(struct composer *c, const char *path, char *label, size_t n)
{
	size_t k = 1;
	struct composer_paste *p;

	if (c->n_pastes == COMPOSER_MAX_PASTES)
		return -1;
	for (size_t i = 0; i < c->n_pastes; i++)
		k += c->pastes[i].image;
	snprintf(label, n, "[Image #%zu]", k);
	p = &c->pastes[c->n_pastes];
	p->label = strdup(label);
	p->text = strdup(path);
	p->image = true;
	if (!p->label || !p->text) {
		free(p->label);
		free(p->text);
		return -1;
	}
	c->n_pastes++;
	return 0;
}

int composer_attach_image(struct composer *c, const char *path)
{
	char label[48];

	if (composer_add_image(c, path, label, sizeof label) < 0 ||
	    composer_insert(c, label, strlen(label)) < 0)
		return -1;
	return composer_insert(c, " ", 1);
}

int composer_images(const struct composer *c, struct strv *out)
{
	return composer_image_pairs(c, NULL, out);
}

int composer_image_pairs(const struct composer *c, struct strv *labels, struct strv *paths)
{
	const char *t = composer_text(c);

	for (const char *q = t; *q; q++) {
		for (size_t i = 0; i < c->n_pastes; i++) {
			size_t l = strlen(c->pastes[i].label);
			if (c->pastes[i].image && strncmp(q, c->pastes[i].label, l) == 0 &&
			    ((labels && strv_push(labels, c->pastes[i].label) < 0) ||
			     strv_push(paths, c->pastes[i].text) < 0))
				return -1;
		}
	}
	return 0;
}

int composer_replace(struct composer *c, size_t off, size_t n, const char *s)
{
	if (off > c->text.len || n > c->text.len - off)
		return -1;
	memmove(c->text.data + off, c->text.data + off + n, c->text.len - off - n + 1);
	c->text.len -= n;
	c->cur = off;
	return composer_insert(c, s, strlen(s));
}
