/* tui: the sanitiser, widths and wrapping, the key decoder, the composer, Markdown. */
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "test.h"
#include "tui/cells.h"
#include "tui/composer.h"
#include "tui/highlight.h"
#include "tui/keys.h"
#include "tui/term.h"
#include "tui/text.h"

static char *inert(const char *s, bool nl)
{
	struct buf b;

	buf_init(&b, 1u << 20);
	if (tui_sanitize(&b, s, strlen(s), nl) < 0)
		return NULL;
	return buf_take(&b);
}

TEST(tui_sanitize_drops_escape_sequences)
{
	char *s = inert("a\x1b]0;title\x07" "b\x1b]52;c;aGk=\x1b\\c\x1b[2J\x1b[10;10Hd\x1b(Be", true);
	CHECK_STR(s, "abcde");
	free(s);
	s = inert("x\xc2\x9b" "31my\xc2\x9d" "0;t\x07z", true); /* C1 CSI and OSC as UTF-8 */
	CHECK_STR(s, "xyz");
	free(s);
	s = inert("bell\x07 del\x7f nul", true);
	CHECK_STR(s, "bell del nul");
	free(s);
	s = inert("cut\x1b]0;never ended", true);
	CHECK_STR(s, "cut");
	free(s);
	s = inert("rtl\xe2\x80\xae" "x", true);
	CHECK_STR(s, "rtlx");
	free(s);
}

TEST(tui_sanitize_keeps_text_and_newlines)
{
	char *s = inert("a\r\nb\rc\td\n\xe4\xb8\xad", true);
	CHECK_STR(s, "a\nbc    d\n\xe4\xb8\xad");
	free(s);
	s = inert("a\nb", false);
	CHECK_STR(s, "a b");
	free(s);
	s = inert("bad\xff\xfe", true);
	CHECK_STR(s, "bad\xef\xbf\xbd\xef\xbf\xbd");
	free(s);
	s = inert("mark\x01" "b", true); /* our style mark cannot be smuggled in */
	CHECK_STR(s, "markb");
	free(s);
}

TEST(tui_widths)
{
	CHECK_INT(tui_cp_width('a'), 1);
	CHECK_INT(tui_cp_width(0x4E2D), 2);   /* 中 */
	CHECK_INT(tui_cp_width(0x1F600), 2);  /* emoji */
	CHECK_INT(tui_cp_width(0x0301), 0);   /* combining acute */
	CHECK_INT(tui_text_width(ST_BOLD "ab" ST_RESET "\xe4\xb8\xad", 9), 4);
}

TEST(tui_wrap_breaks_at_spaces_and_keeps_styles)
{
	struct tui_rows r = {0};
	const char *s = ST_RED "hello world again";

	REQUIRE(tui_wrap(s, strlen(s), 11, 2, &r) == 0);
	REQUIRE(r.n == 2);
	CHECK_STR(r.v[0], ST_RED "hello world");
	CHECK_STR(r.v[1], "  " ST_RED "again");
	tui_rows_free(&r);
	/* a word longer than the width is cut; wide characters never straddle the edge */
	REQUIRE(tui_wrap("\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad", 9, 5, 0, &r) == 0);
	REQUIRE(r.n == 2);
	CHECK_INT(tui_text_width(r.v[0], strlen(r.v[0])), 4);
	tui_rows_free(&r);
}

TEST(tui_wrap_runs_of_spaces_past_the_edge)
{
	/* a space overflowing the row after a break (the 20-column session card) */
	struct tui_rows r = {0};
	char line[128];

	memset(line, ' ', sizeof line);
	memcpy(line, "abc", 3);
	line[100] = 'x';
	REQUIRE(tui_wrap(line, 101, 20, 2, &r) == 0);
	REQUIRE(r.n >= 2);
	for (size_t i = 0; i < r.n; i++)
		CHECK(tui_text_width(r.v[i], strlen(r.v[i])) <= 20);
	CHECK(strchr(r.v[r.n - 1], 'x') != NULL);
	tui_rows_free(&r);
}

TEST(tui_emit_row_per_colour_level)
{
	struct buf b;
	const char *row = ST_ADD_BG "x";

	buf_init(&b, 1024);
	REQUIRE(tui_emit_row(&b, row, strlen(row), TUI_COLOR_TRUE) == 0);
	CHECK_STR(b.data, "\x1b[48;2;33;58;43mx\x1b[0m");
	buf_reset(&b);
	REQUIRE(tui_emit_row(&b, row, strlen(row), TUI_COLOR_256) == 0);
	CHECK_STR(b.data, "\x1b[48;5;22mx\x1b[0m");
	buf_reset(&b);
	REQUIRE(tui_emit_row(&b, row, strlen(row), TUI_COLOR_NONE) == 0);
	CHECK_STR(b.data, "x");
	buf_free(&b);
}

struct keylog {
	struct key k[64];
	int n;
};

static void on_key(void *arg, const struct key *k)
{
	struct keylog *l = arg;

	if (l->n < 64)
		l->k[l->n++] = *k;
}

TEST(tui_keys_decode_sequences_split_anywhere)
{
	const char in[] = "a\x1b[A\x1b[13;2u\r\n\x1b[3~\xe4\xb8\xad\x1b[200~p\r\nq\x1b[201~\x03";
	for (size_t step = 1; step <= sizeof in - 1; step++) {
		struct keys k;
		struct keylog l = {{{0}}, 0};
		keys_init(&k);
		for (size_t off = 0; off < sizeof in - 1; off += step)
			keys_feed(&k, in + off, off + step < sizeof in - 1 ? step : sizeof in - 1 - off,
				  on_key, &l);
		REQUIRE(l.n == 9);
		CHECK(l.k[0].kind == KEY_CHAR && l.k[0].cp == 'a');
		CHECK(l.k[1].kind == KEY_UP);
		CHECK(l.k[2].kind == KEY_NEWLINE);   /* Shift+Enter (kitty) */
		CHECK(l.k[3].kind == KEY_ENTER);
		CHECK(l.k[4].kind == KEY_NEWLINE);   /* Ctrl+J */
		CHECK(l.k[5].kind == KEY_DELETE);
		CHECK(l.k[6].kind == KEY_CHAR && l.k[6].cp == 0x4E2D);
		CHECK(l.k[7].kind == KEY_PASTE);
		CHECK(l.k[8].kind == KEY_CTRL && l.k[8].cp == 'c');
		keys_free(&k);
	}
}

/* What terminals send once the kitty keyboard protocol's disambiguate level is pushed
 * (term.c): Esc, Ctrl and Alt keys as CSI u, the keypad's Enter by its own number. */
TEST(tui_keys_decode_the_disambiguated_kitty_keys)
{
	const char in[] = "\x1b[27u\x1b[99;5u\x1b[118;3u\x1b[122;5u\x1b[57414u\x1b[13;2u\x1b[57401u";
	struct keys k;
	struct keylog l = {{{0}}, 0};

	keys_init(&k);
	keys_feed(&k, in, sizeof in - 1, on_key, &l);
	REQUIRE(l.n == 7);
	CHECK(l.k[0].kind == KEY_ESC);                    /* no lone-Esc wait either */
	CHECK(l.k[1].kind == KEY_CTRL && l.k[1].cp == 'c');
	CHECK(l.k[2].kind == KEY_ALT && l.k[2].cp == 'v');
	CHECK(l.k[3].kind == KEY_CTRL && l.k[3].cp == 'z');
	CHECK(l.k[4].kind == KEY_ENTER);                  /* keypad Enter */
	CHECK(l.k[5].kind == KEY_NEWLINE);                /* Shift+Enter */
	CHECK(l.k[6].kind == KEY_CHAR && l.k[6].cp == '2'); /* keypad 2 */
	CHECK(!keys_pending_esc(&k));
	keys_free(&k);
}

/* read(2) of what is there within 5 s (never an unbounded wait on the pty); -1 if
 * nothing came. */
static ssize_t read_bounded(int fd, char *buf, size_t cap)
{
	struct pollfd p = {fd, POLLIN, 0};

	if (poll(&p, 1, 5000) != 1)
		return -1;
	return read(fd, buf, cap);
}

/* term_open pushes the keyboard level and the modes on a real pty; term_close pops and
 * turns off all of them, and gives the termios back exactly. */
TEST(tui_term_pushes_and_pops_the_keyboard_level)
{
	int m, s;
	struct term t;
	struct err e;
	struct termios before, after;
	char got[512];
	ssize_t n;

	memset(&before, 0, sizeof before); /* the kernel fills fewer c_cc than libc has */
	memset(&after, 0, sizeof after);
	REQUIRE(openpty(&m, &s, NULL, NULL, NULL) == 0);
	REQUIRE(tcgetattr(s, &before) == 0);
	REQUIRE(term_open(&t, s, s, &e) == 0);
	n = read_bounded(m, got, sizeof got - 1);
	REQUIRE(n > 0);
	got[n] = 0;
	CHECK(strstr(got, "\x1b[>1u") != NULL);
	CHECK(strstr(got, "\x1b[?2004h") != NULL);
	term_close(&t);
	n = read_bounded(m, got, sizeof got - 1);
	REQUIRE(n > 0);
	got[n] = 0;
	CHECK(strstr(got, "\x1b[<u") != NULL);
	CHECK(strstr(got, "\x1b[?2004l") != NULL);
	REQUIRE(tcgetattr(s, &after) == 0);
	CHECK(before.c_iflag == after.c_iflag && before.c_oflag == after.c_oflag);
	CHECK(before.c_cflag == after.c_cflag && before.c_lflag == after.c_lflag);
	CHECK(memcmp(before.c_cc, after.c_cc, sizeof before.c_cc) == 0);
	close(s);
	close(m);
}

TEST(tui_keys_lone_esc_waits_for_the_flush)
{
	struct keys k;
	struct keylog l = {{{0}}, 0};

	keys_init(&k);
	keys_feed(&k, "\x1b", 1, on_key, &l);
	CHECK_INT(l.n, 0);
	CHECK(keys_pending_esc(&k));
	keys_flush_esc(&k, on_key, &l);
	REQUIRE(l.n == 1);
	CHECK(l.k[0].kind == KEY_ESC);
	keys_free(&k);
}

TEST(tui_composer_paste_placeholder_and_expansion)
{
	struct composer c;
	char *big = malloc(3001), *exp;

	REQUIRE(big);
	memset(big, 'x', 3000);
	big[3000] = '\0';
	composer_init(&c);
	REQUIRE(composer_insert(&c, "see ", 4) == 0);
	REQUIRE(composer_paste(&c, big, 3000) == 0);
	CHECK_STR(composer_text(&c), "see [Pasted Content 3000 chars]");
	exp = composer_expanded(&c);
	REQUIRE(exp);
	CHECK_INT(strlen(exp), 3004);
	free(exp);
	REQUIRE(composer_paste(&c, big, 3000) == 0);
	CHECK(strstr(composer_text(&c), "[Pasted Content 3000 chars] #2") != NULL);
	composer_backspace(&c); /* the placeholder goes as one */
	CHECK_STR(composer_text(&c), "see [Pasted Content 3000 chars]");
	composer_free(&c);
	free(big);
}

/* A pasted path of an image file (plain, quoted, file://, backslash-escaped, relative to
 * cwd) is recognised by the file's first bytes; other files, directories, several lines
 * and long text are not. Attached images become atomic [Image #N] placeholders that stay
 * in the text sent and list their paths in text order. */
TEST(tui_composer_image_paths)
{
	char dir[] = "/tmp/codex-unit-img-XXXXXX", path[128], in[600];
	struct composer c;
	struct strv imgs = STRV_INIT;
	char *p, *exp;
	FILE *f;

	REQUIRE(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/my pic.png", dir);
	REQUIRE((f = fopen(path, "wb")) != NULL);
	fwrite("\x89PNG\r\n\x1a\n0000", 1, 12, f);
	fclose(f);
	snprintf(in, sizeof in, "'%s'\n", path);
	p = composer_image_path(in, strlen(in), "/");
	CHECK_STR(p ? p : "", path);
	free(p);
	snprintf(in, sizeof in, "file://%s", path);
	p = composer_image_path(in, strlen(in), "/");
	CHECK_STR(p ? p : "", path);
	free(p);
	p = composer_image_path("my\\ pic.png", 11, dir);
	CHECK(p && strstr(p, "/my pic.png"));
	free(p);
	CHECK(composer_image_path(dir, strlen(dir), "/") == NULL);
	snprintf(in, sizeof in, "%s\n%s", path, path);
	CHECK(composer_image_path(in, strlen(in), "/") == NULL);
	snprintf(path, sizeof path, "%s/text.png", dir);
	REQUIRE((f = fopen(path, "wb")) != NULL);
	fputs("not an image", f);
	fclose(f);
	CHECK(composer_image_path(path, strlen(path), "/") == NULL);

	composer_init(&c);
	REQUIRE(composer_attach_image(&c, "/x/a.png") == 0);
	REQUIRE(composer_insert(&c, "and", 3) == 0);
	REQUIRE(composer_attach_image(&c, "/x/b.png") == 0);
	CHECK_STR(composer_text(&c), "[Image #1] and[Image #2] ");
	exp = composer_expanded(&c);
	CHECK_STR(exp ? exp : "", "[Image #1] and[Image #2] ");
	free(exp);
	composer_backspace(&c); /* the space */
	composer_backspace(&c); /* the whole placeholder */
	CHECK_STR(composer_text(&c), "[Image #1] and");
	REQUIRE(composer_images(&c, &imgs) == 0);
	CHECK_INT(imgs.n, 1);
	CHECK_STR(imgs.v[0], "/x/a.png");
	strv_free(&imgs);
	{
		/* a label registered without its text (a message brought back): the next
		 * number (never one used before, even by a deleted placeholder), found once
		 * the text holds it, paired with its path */
		struct strv labels = STRV_INIT, paths = STRV_INIT;
		char label[48];
		REQUIRE(composer_add_image(&c, "/x/c.png", label, sizeof label) == 0);
		CHECK_STR(label, "[Image #3]");
		CHECK_STR(composer_text(&c), "[Image #1] and");
		REQUIRE(composer_insert(&c, " [Image #3]", 11) == 0);
		REQUIRE(composer_image_pairs(&c, &labels, &paths) == 0);
		REQUIRE(labels.n == 2 && paths.n == 2);
		CHECK_STR(labels.v[1], "[Image #3]");
		CHECK_STR(paths.v[1], "/x/c.png");
		strv_free(&labels);
		strv_free(&paths);
	}
	composer_free(&c);
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	CHECK(system(path) == 0);
}

TEST(tui_composer_editing)
{
	struct composer c;
	struct tui_rows r = {0};
	int row, col;

	composer_init(&c);
	REQUIRE(composer_insert(&c, "one\ntwo", 7) == 0);
	CHECK(composer_up(&c));
	CHECK_INT(c.cur, 3);
	composer_kill_to_start(&c);
	CHECK_STR(composer_text(&c), "\ntwo");
	composer_yank(&c);
	CHECK_STR(composer_text(&c), "one\ntwo");
	REQUIRE(composer_rows(&c, 20, "", &r, &row, &col) == 0);
	CHECK_INT(r.n, 2);
	CHECK_INT(row, 0);
	CHECK_INT(col, 5);
	tui_rows_free(&r);
	composer_free(&c);
}

TEST(tui_markdown_lines)
{
	struct tui_rows r = {0};

	REQUIRE(md_message("# Head\nsome **bold** and `code`\n```\nx = 1\n```\n* item", &r) == 0);
	REQUIRE(r.n == 4);
	CHECK(strstr(r.v[0], "# Head") != NULL);
	CHECK(strncmp(r.v[0], "\xe2\x80\xa2 ", 4) == 0);
	CHECK(strstr(r.v[1], "**") == NULL);
	CHECK(strstr(r.v[1], ST_CYAN "code") != NULL);
	CHECK(strstr(r.v[2], "x = 1") != NULL);
	CHECK(strstr(r.v[3], "- item") != NULL);
	tui_rows_free(&r);
	/* model text cannot reach the terminal raw */
	REQUIRE(md_message("evil\x1b]0;t\x07 done", &r) == 0);
	CHECK(strchr(r.v[0], 0x1b) == NULL);
	tui_rows_free(&r);
}

/* An exec end event with n output lines ("1\n2\n..."), and optionally a source. */
static cJSON *exec_end(int n, int code, const char *source)
{
	cJSON *m = cJSON_CreateObject();
	struct buf b;

	buf_init(&b, 1u << 20);
	for (int i = 1; i <= n; i++)
		REQUIRE(buf_printf(&b, "%d\n", i) == 0);
	REQUIRE(m && cJSON_AddStringToObject(m, "aggregated_output", b.data ? b.data : ""));
	REQUIRE(cJSON_AddNumberToObject(m, "exit_code", code));
	if (source)
		REQUIRE(cJSON_AddStringToObject(m, "source", source));
	buf_free(&b);
	return m;
}

/* The model's commands fold to 5 + 5 lines; the user's `!cmd` says "You ran" and shows
 * up to 50 output rows, the fold row included. */
TEST(tui_exec_cell_user_shell_shows_fifty_rows)
{
	struct tui_rows r = {0};
	cJSON *m = exec_end(60, 0, NULL);

	REQUIRE(cell_exec_end("seq 60", m, false, &r) == 0);
	CHECK(strstr(r.v[0], "Ran ") != NULL && strstr(r.v[0], "You ran") == NULL);
	CHECK_INT((long long)r.n, 1 + 11 + 1);
	tui_rows_free(&r);
	cJSON_Delete(m);

	m = exec_end(60, 0, "user_shell");
	REQUIRE(cell_exec_end("seq 60", m, false, &r) == 0);
	/* the command bash-highlighted: the command word, then the number */
	{
		char want[32];
		snprintf(want, sizeof want, "You ran " ST_RESET "%c%cseq %c%c60", TUI_MARK,
			 TUI_SYNTAX_MARK(HL_FUNCTION), TUI_MARK, TUI_SYNTAX_MARK(HL_NUMBER));
		CHECK(strstr(r.v[0], want) != NULL);
	}
	CHECK_INT((long long)r.n, 1 + CELL_USER_OUTPUT_ROWS + 1);
	CHECK(strstr(r.v[25], "25") != NULL);
	CHECK(strstr(r.v[26], "\xe2\x80\xa6 +11 lines") != NULL);
	CHECK(strstr(r.v[50], "60") != NULL);
	tui_rows_free(&r);
	cJSON_Delete(m);

	/* 50 lines fit whole; a failure shows its exit code */
	m = exec_end(50, 3, "user_shell");
	REQUIRE(cell_exec_end("false", m, false, &r) == 0);
	CHECK_INT((long long)r.n, 1 + 50 + 1);
	CHECK(strstr(r.v[51], "(exit 3)") != NULL);
	tui_rows_free(&r);
	cJSON_Delete(m);
}

/* /status's numbers as upstream formats them: three significant digits at most. */
TEST(tui_format_tokens_as_upstream)
{
	static const struct {
		int64_t v;
		const char *want;
	} cases[] = {{0, "0"}, {999, "999"}, {1000, "1K"}, {1900, "1.9K"}, {2250, "2.25K"},
		     {10000, "10K"}, {12345, "12.3K"}, {272000, "272K"}, {1234000, "1.23M"},
		     {999999, "1000K"}, {1500000000, "1.5B"}, {-5, "0"}};
	char out[16];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		tui_format_tokens(cases[i].v, out, sizeof out);
		CHECK_STR(out, cases[i].want);
	}
}

/* Collab cells (sub-agents) as upstream's multi_agents.rs draws them, model text inert. */
static char *plain(const char *styled)
{
	struct buf b;
	buf_init(&b, 1u << 20);
	for (const char *p = styled; *p; p++) {
		if (*p == TUI_MARK) {
			if (p[1])
				p++;
			continue;
		}
		if (buf_putc(&b, *p) < 0)
			return NULL;
	}
	return b.data ? buf_take(&b) : strdup("");
}

static void check_row(const struct tui_rows *r, size_t i, const char *want)
{
	char *s = i < r->n ? plain(r->v[i]) : NULL;
	CHECK_STR(s, want);
	free(s);
}

TEST(tui_collab_cells)
{
	struct tui_rows r = {0};
	cJSON *m = cJSON_Parse(
		"{\"new_thread_id\":\"t1\",\"new_agent_nickname\":\"Robie\",\"new_agent_role\":"
		"\"explorer\",\"prompt\":\"  Compute 11!\\u001b[2J and\\n reply.  \"}");

	REQUIRE(m != NULL);
	REQUIRE(cell_collab(AGENT_EV_COLLAB_AGENT_SPAWN_END, m, "gpt-5", "high", &r) == 0);
	check_row(&r, 0, "\xE2\x80\xA2 Spawned Robie [explorer] (gpt-5 high)");
	check_row(&r, 1, "  \xE2\x94\x94 Compute 11! and reply.");
	CHECK_INT((long long)r.n, 2);
	tui_rows_free(&r);
	/* nothing asked for: no "(model effort)" */
	REQUIRE(cell_collab(AGENT_EV_COLLAB_AGENT_SPAWN_END, m, "", "medium", &r) == 0);
	check_row(&r, 0, "\xE2\x80\xA2 Spawned Robie [explorer]");
	tui_rows_free(&r);
	cJSON_Delete(m);

	m = cJSON_Parse("{\"new_thread_id\":null,\"prompt\":\"x\"}");
	REQUIRE(cell_collab(AGENT_EV_COLLAB_AGENT_SPAWN_END, m, NULL, NULL, &r) == 0);
	check_row(&r, 0, "\xE2\x80\xA2 Agent spawn failed");
	tui_rows_free(&r);
	cJSON_Delete(m);

	m = cJSON_Parse("{\"receiver_thread_ids\":[\"t1\",\"t2\"],\"receiver_agents\":[{\"thread_id\":"
			"\"t1\",\"agent_nickname\":\"Robie\",\"agent_role\":\"explorer\"}]}");
	REQUIRE(cell_collab(AGENT_EV_COLLAB_WAITING_BEGIN, m, NULL, NULL, &r) == 0);
	check_row(&r, 0, "\xE2\x80\xA2 Waiting for 2 agents");
	check_row(&r, 1, "  \xE2\x94\x94 Robie [explorer]");
	check_row(&r, 2, "    t2");
	tui_rows_free(&r);
	cJSON_Delete(m);

	m = cJSON_Parse("{\"agent_statuses\":[{\"thread_id\":\"t1\",\"agent_nickname\":\"Robie\","
			"\"agent_role\":\"explorer\",\"status\":{\"completed\":\"39916800\"}},"
			"{\"thread_id\":\"t2\",\"agent_nickname\":\"Bob\",\"agent_role\":\"worker\","
			"\"status\":{\"errored\":\"tool   timeout\"}},{\"thread_id\":\"t3\",\"status\":"
			"\"not_found\"}],\"statuses\":{}}");
	REQUIRE(cell_collab(AGENT_EV_COLLAB_WAITING_END, m, NULL, NULL, &r) == 0);
	check_row(&r, 0, "\xE2\x80\xA2 Finished waiting");
	check_row(&r, 1, "  \xE2\x94\x94 Robie [explorer]: Completed - 39916800");
	check_row(&r, 2, "    Bob [worker]: Error - tool timeout");
	check_row(&r, 3, "    t3: Not found");
	tui_rows_free(&r);
	cJSON_Delete(m);

	m = cJSON_Parse("{\"agent_statuses\":[],\"statuses\":{}}");
	REQUIRE(cell_collab(AGENT_EV_COLLAB_WAITING_END, m, NULL, NULL, &r) == 0);
	check_row(&r, 1, "  \xE2\x94\x94 No agents completed yet");
	tui_rows_free(&r);
	cJSON_Delete(m);

	m = cJSON_Parse("{\"receiver_thread_id\":\"t1\",\"receiver_agent_nickname\":\"Robie\"}");
	REQUIRE(cell_collab(AGENT_EV_COLLAB_CLOSE_END, m, NULL, NULL, &r) == 0);
	check_row(&r, 0, "\xE2\x80\xA2 Closed Robie");
	CHECK_INT((long long)r.n, 1);
	tui_rows_free(&r);
	CHECK_INT(cell_collab(AGENT_EV_COLLAB_CLOSE_BEGIN, m, NULL, NULL, &r), 1);
	cJSON_Delete(m);

	m = cJSON_Parse("{\"receiver_thread_id\":\"t1\",\"receiver_agent_nickname\":\"Robie\","
			"\"status\":\"pending_init\"}");
	REQUIRE(cell_collab(AGENT_EV_COLLAB_RESUME_END, m, NULL, NULL, &r) == 0);
	check_row(&r, 0, "\xE2\x80\xA2 Resumed Robie");
	check_row(&r, 1, "  \xE2\x94\x94 Pending init");
	tui_rows_free(&r);
	cJSON_Delete(m);

	/* a long prompt is cut at 160 characters */
	{
		char big[400], *s;
		memset(big, 'a', 300);
		big[300] = '\0';
		m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "receiver_thread_id", "t1");
		cJSON_AddStringToObject(m, "prompt", big);
		REQUIRE(cell_collab(AGENT_EV_COLLAB_AGENT_INTERACTION_END, m, NULL, NULL, &r) == 0);
		check_row(&r, 0, "\xE2\x80\xA2 Sent input to t1");
		s = plain(r.v[1]);
		CHECK(s && strlen(s) == strlen("  \xE2\x94\x94 ") + 160 + 3);
		free(s);
		tui_rows_free(&r);
		cJSON_Delete(m);
	}
}

/* Automatic approval review verdicts (tui/guardian.c), in upstream's words, content
 * inert. */
TEST(tui_guardian_cells)
{
	static const struct {
		const char *json, *want;
	} cases[] = {
		{"{\"status\":\"approved\",\"action\":{\"tool\":\"exec_command\",\"command\":"
		 "\"/bin/bash -lc 'touch a.txt'\"}}",
		 "\xE2\x9C\x94 Auto-reviewer approved codex to run touch a.txt this time"},
		{"{\"status\":\"denied\",\"action\":{\"tool\":\"shell\",\"command\":\"rm -rf /tmp/x\"}}",
		 "\xE2\x9C\x97 Request denied for codex to run rm -rf /tmp/x"},
		{"{\"status\":\"denied\",\"action\":{\"tool\":\"apply_patch\",\"files\":[\"/etc/passwd\"],"
		 "\"change_count\":1}}",
		 "\xE2\x9C\x97 Request denied for codex to apply a patch touching /etc/passwd"},
		{"{\"status\":\"denied\",\"action\":{\"tool\":\"apply_patch\",\"files\":[\"/a\",\"/b\"],"
		 "\"change_count\":3}}",
		 "\xE2\x9C\x97 Request denied for codex to apply a patch touching 3 changes across 2 files"},
		{"{\"status\":\"approved\",\"action\":{\"tool\":\"apply_patch\",\"files\":[\"/a\"],"
		 "\"change_count\":1}}",
		 "\xE2\x9C\x94 Request approved for apply_patch touching /a"},
		{"{\"status\":\"denied\",\"action\":{\"tool\":\"network_access\",\"target\":"
		 "\"https://evil.test:443\"}}",
		 "\xE2\x9C\x97 Request denied for codex to access https://evil.test:443"},
		{"{\"status\":\"approved\",\"action\":{\"tool\":\"network_access\",\"target\":"
		 "\"https://ok.test:443\"}}",
		 "\xE2\x9C\x94 Request approved for network access to https://ok.test:443"},
		{"{\"status\":\"denied\",\"action\":{\"tool\":\"mcp_tool_call\",\"server\":\"srv\","
		 "\"tool_name\":\"danger\"}}",
		 "\xE2\x9C\x97 Request denied for codex to call MCP tool srv.danger"},
		/* terminal escapes in the action never reach the terminal */
		{"{\"status\":\"denied\",\"action\":{\"tool\":\"shell\",\"command\":\"echo \\u001b[2J\"}}",
		 "\xE2\x9C\x97 Request denied for codex to run echo ''"},
	};
	struct tui_rows r = {0};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cJSON *m = cJSON_Parse(cases[i].json);
		REQUIRE(m != NULL);
		REQUIRE(cell_guardian(m, &r) == 0);
		check_row(&r, 0, cases[i].want);
		tui_rows_free(&r);
		cJSON_Delete(m);
	}
	/* in progress and aborted reviews leave no cell */
	{
		cJSON *m = cJSON_Parse("{\"status\":\"in_progress\",\"action\":{\"tool\":\"shell\"}}");
		CHECK(cell_guardian(m, &r) < 0);
		cJSON_SetValuestring(cJSON_GetObjectItemCaseSensitive(m, "status"), "aborted");
		CHECK(cell_guardian(m, &r) < 0);
		CHECK_INT((long long)r.n, 0);
		cJSON_Delete(m);
	}
}
