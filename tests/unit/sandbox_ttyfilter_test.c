/* The relay's filter (sandbox/linux/ttyfilter.c): what reaches the caller's terminal,
 * whatever the split of the stream, and what is restored at the end. */
#include <stdlib.h>
#include <string.h>

#include "sandbox/linux/linux_sandbox.h"
#include "test.h"

static char result[8192];

/* The filtered text, fed whole; the same text fed a byte at a time must give the same
 * bytes, and a second filter must find nothing to drop in them. */
static const char *filtered_mode(const char *in, bool utf8)
{
	struct lx_ttyfilter whole, bytes, again;
	static unsigned char out[LX_TTYF_OUT(4096)], out2[LX_TTYF_OUT(4096)];
	unsigned char one[LX_TTYF_OUT(1)];
	size_t n = strlen(in), m, m2 = 0;

	REQUIRE(n < 4096);
	lx_ttyfilter_init(&whole, utf8);
	m = lx_ttyfilter_feed(&whole, (const unsigned char *)in, n, out);
	lx_ttyfilter_init(&bytes, utf8);
	for (size_t i = 0; i < n; i++) {
		size_t k = lx_ttyfilter_feed(&bytes, (const unsigned char *)in + i, 1, one);
		REQUIRE(m2 + k <= sizeof out2);
		memcpy(out2 + m2, one, k);
		m2 += k;
	}
	CHECK(m == m2 && memcmp(out, out2, m) == 0);
	lx_ttyfilter_init(&again, utf8);
	(void)lx_ttyfilter_feed(&again, out, m, out2);
	CHECK_INT(again.dropped, 0);
	REQUIRE(m < sizeof result);
	memcpy(result, out, m);
	result[m] = '\0';
	return result;
}

static const char *filtered(const char *in)
{
	return filtered_mode(in, true);
}

/* What the restore writes after the input. */
static const char *restored(const char *in)
{
	struct lx_ttyfilter f;
	static unsigned char out[LX_TTYF_OUT(4096)];
	unsigned char r[LX_TTYF_RESTORE_MAX];
	size_t m;

	lx_ttyfilter_init(&f, true);
	(void)lx_ttyfilter_feed(&f, (const unsigned char *)in, strlen(in), out);
	m = lx_ttyfilter_restore(&f, r);
	memcpy(result, r, m);
	result[m] = '\0';
	/* Fresh again: a second restore has nothing to say. */
	CHECK_INT(lx_ttyfilter_restore(&f, r), 0);
	return result;
}

TEST(ttyfilter_text_passes)
{
	CHECK_STR(filtered("plain text\r\n\ttab\b\a"), "plain text\r\n\ttab\b\a");
	/* UTF-8, with a continuation byte 0x9c (U+4E9C) that is no string terminator. */
	CHECK_STR(filtered("h\xc3\xa9llo \xe4\xba\x9c \xf0\x9f\x98\x80"),
		  "h\xc3\xa9llo \xe4\xba\x9c \xf0\x9f\x98\x80");
	CHECK_STR(filtered("\x1b]0;\xe4\xba\x9c title\x07"),
		  "\x1b[22;0t\x1b]0;\xe4\xba\x9c title\x07");
	/* What programs draw with: colours, cursor moves, erasing, scrolling regions. */
	CHECK_STR(filtered("\x1b[1;31mred\x1b[0m\x1b[2J\x1b[H\x1b[5;20r\x1b[?25l\x1b[6n\x1b[c"),
		  "\x1b[1;31mred\x1b[0m\x1b[2J\x1b[H\x1b[5;20r\x1b[?25l\x1b[6n\x1b[c");
	CHECK_STR(filtered("\x1b(0lqk\x1b(B\x1b" "7\x1b" "8\x1bM"),
		  "\x1b(0lqk\x1b(B\x1b" "7\x1b" "8\x1bM");
}

TEST(ttyfilter_clipboard_reads_are_dropped)
{
	CHECK_STR(filtered("a\x1b]52;c;?\x07" "b"), "ab");
	CHECK_STR(filtered("a\x1b]52;;?\x1b\\b"), "ab");
	CHECK_STR(filtered("a\x1b]52;cp;?\x1b\\b"), "ab");
	/* The C1 forms: UTF-8 encoded, and raw bytes on an 8-bit terminal. */
	CHECK_STR(filtered("a\xc2\x9d" "52;c;?\xc2\x9c" "b"), "ab");
	CHECK_STR(filtered_mode("a\x9d" "52;c;?\x9c" "b", false), "ab");
	CHECK_STR(filtered_mode("a\x9b" "21tb", false), "ab");
	/* Setting the clipboard passes. */
	CHECK_STR(filtered("\x1b]52;c;aGVsbG8=\x07"), "\x1b]52;c;aGVsbG8=\x07");
	CHECK_STR(filtered("\xc2\x9d" "52;c;aGk=\xc2\x9c"), "\x1b]52;c;aGk=\x1b\\");
}

TEST(ttyfilter_reports_not_the_commands_business_are_dropped)
{
	CHECK_STR(filtered("x\x1b[21ty"), "xy");        /* the title */
	CHECK_STR(filtered("x\x1b[20ty"), "xy");        /* the icon label */
	CHECK_STR(filtered("x\x1b[13ty"), "xy");        /* the window's position */
	CHECK_STR(filtered("x\x1b[3;0;0ty"), "xy");     /* moving the window */
	CHECK_STR(filtered("x\x1b[8;100;100ty"), "xy"); /* resizing it */
	CHECK_STR(filtered("x\x1b[1;1;1;1;24;80*yy"), "xy"); /* DECRQCRA */
	CHECK_STR(filtered("\x1b[18t\x1b[14t\x1b[22;0t\x1b[23;0t"),
		  "\x1b[18t\x1b[14t\x1b[22;0t\x1b[23;0t");
	/* Fonts, iTerm2's files, kitty's file transfer and clipboard. */
	CHECK_STR(filtered("x\x1b]50;?\x07y"), "xy");
	CHECK_STR(filtered("x\x1b]1337;File=name=eA==;inline=0:AAAA\x07y"), "xy");
	CHECK_STR(filtered("x\x1b]5113;ac=send\x1b\\y"), "xy");
	CHECK_STR(filtered("x\x1b]5522;type=read\x1b\\y"), "xy");
	CHECK_STR(filtered("x\x1b]notanumber\x07y"), "xy");
	/* Colour queries concern the command's own drawing. */
	CHECK_STR(filtered("\x1b]11;?\x07\x1b]4;1;?\x1b\\"), "\x1b]11;?\x07\x1b]4;1;?\x1b\\");
}

TEST(ttyfilter_device_strings)
{
	CHECK_STR(filtered("\x1bP$qm\x1b\\\x1bP+q544e\x1b\\"), "\x1bP$qm\x1b\\\x1bP+q544e\x1b\\");
	CHECK_STR(filtered("\x1bP0;1;0q#0~-\x1b\\"), "\x1bP0;1;0q#0~-\x1b\\");
	CHECK_STR(filtered("\x1bP=1s\x1b\\"), "\x1bP=1s\x1b\\");
	/* tmux passthrough (which would carry a clipboard read out), user-defined keys,
	 * soft fonts, kitty graphics by file name, SOS and PM. */
	CHECK_STR(filtered("x\x1bPtmux;\x1b\x1b]52;c;?\x07\x1b\\y"), "xy");
	CHECK_STR(filtered("x\x1bP0;1|17/6c73\x1b\\y"), "xy");
	CHECK_STR(filtered("x\x1bP1;1{ @???\x1b\\y"), "xy");
	CHECK_STR(filtered("x\x1b_Gf=100,t=f;L2V0Yy9wYXNzd2Q=\x1b\\y"), "xy");
	CHECK_STR(filtered("x\x1bXsos\x1b\\\x1b^pm\x1b\\y"), "xy");
	CHECK_STR(filtered("x\xc2\x9fGa=T\xc2\x9cy"), "xy");
}

TEST(ttyfilter_keeps_the_terminal_in_utf8)
{
	CHECK_STR(filtered("x\x1b%@y"), "xy");
	CHECK_STR(filtered("x\x1b%Gy"), "x\x1b%Gy");
	CHECK_STR(filtered("x\x1b Gy"), "xy");
	CHECK_STR(filtered("x\x1b Fy"), "x\x1b Fy");
	/* ESC before a character: the character stays whole (found by the fuzzer: a
	 * swallowed lead byte left its continuation bytes stray). */
	CHECK_STR(filtered("a\x1b\x05\xe2\x8b\x80"), "a\x05\xe2\x8b\x80");
	CHECK_STR(filtered("a\x1b(\xe4\xba\x9c"), "a\xe4\xba\x9c");
	CHECK_STR(filtered("\xad\xf5\xff"), "\xad\xf5\xff");
	/* Raw bytes 0x80-0x9f outside a character (a C1 to an 8-bit terminal). */
	CHECK_STR(filtered("x\x9b" "21ty"), "x21ty");
	CHECK_STR(filtered("x\x9d" "52;c;?\x07y"), "x52;c;?\x07y");
}

TEST(ttyfilter_malformed_and_long_sequences)
{
	char big[1000];

	/* C0 controls inside a sequence act at once, as in a terminal. */
	CHECK_STR(filtered("\x1b[2\n1t"), "\n");
	CHECK_STR(filtered("\x1b[1\n8t"), "\n\x1b[18t");
	/* CAN and SUB end a sequence. */
	CHECK_STR(filtered("\x1b[21\x18t"), "\x18t");
	CHECK_STR(filtered("\x1b]52;c;\x18?\x07"), "\x18?\x07");
	/* ESC inside restarts; a private marker after parameters is malformed. */
	CHECK_STR(filtered("\x1b[2\x1b[21tz"), "z");
	CHECK_STR(filtered("\x1b[1?21tz"), "z");
	/* Too long to hold: dropped whole, what follows passes. */
	memset(big, '1', sizeof big);
	memcpy(big, "\x1b[", 2);
	memcpy(big + sizeof big - 4, "mok", 4);
	CHECK_STR(filtered(big), "ok");
	memset(big, 'a', sizeof big);
	memcpy(big, "\x1b]52;", 5);
	memcpy(big + sizeof big - 4, "\x07ok", 4);
	CHECK_STR(filtered(big), "ok");
	/* A long title streams. */
	memset(big, 'a', sizeof big);
	memcpy(big, "\x1b]2;", 4);
	big[sizeof big - 2] = '\x07';
	big[sizeof big - 1] = '\0';
	CHECK_INT(strlen(filtered(big)), strlen(big) + 7);
}

TEST(ttyfilter_restores_what_the_command_changed)
{
	CHECK_STR(restored("plain"), "");
	CHECK_STR(restored("\x1b[?1049h\x1b[?1000;1006h\x1b[?25l\x1b=\x1b[?2004h\x1b[?1h\x1b[?2026h"),
		  "\x1b[?1049l\x1b[?1l\x1b[?25h\x1b[?1000l\x1b[?1006l\x1b[?2004l\x1b[?2026l\x1b>");
	/* Undone by the command itself: nothing to do. */
	CHECK_STR(restored("\x1b[?1049h\x1b[?25l\x1b=\x1b[?25h\x1b[?1049l\x1b>"), "");
	CHECK_STR(restored("\x1b[4h\x1b[12l"), "\x1b[4l\x1b[12h");
	CHECK_STR(restored("\x1b[>1u\x1b[>4;2m"), "\x1b[<1u\x1b[>4m");
	CHECK_STR(restored("\x1b[>1u\x1b[>1u\x1b[<u"), "\x1b[<1u");
	CHECK_STR(restored("\x1b[31m"), "\x1b[0m");
	CHECK_STR(restored("\x1b[31mx\x1b[m"), "");
	CHECK_STR(restored("\x1b(0\x0e"), "\x1b(B\x0f");
	CHECK_STR(restored("\x1b[5 q\x1b[3;10r"), "\x1b[0 q\x1b" "7\x1b[r\x1b" "8");
	CHECK_STR(restored("\x1b]2;t\x07"), "\x1b[23;0t");
	/* A string still open is ended first; a held sequence is forgotten. */
	CHECK_STR(restored("\x1b]2;unterminated"), "\x1b\\\x1b[23;0t");
	CHECK_STR(restored("\x1b[?1049"), "");
	/* A full reset returns the terminal to its defaults. */
	CHECK_STR(restored("\x1b[?1049h\x1b[?25l\x1b" "c"), "");
}

TEST(ttyfilter_locale)
{
	const char *saved = getenv("LC_ALL");
	char *copy = saved ? strdup(saved) : NULL;

	setenv("LC_ALL", "en_US.UTF-8", 1);
	CHECK(lx_tty_utf8());
	setenv("LC_ALL", "C", 1);
	CHECK(lx_tty_utf8());
	setenv("LC_ALL", "de_DE.ISO-8859-1", 1);
	CHECK(!lx_tty_utf8());
	setenv("LC_ALL", "ja_JP.utf8", 1);
	CHECK(lx_tty_utf8());
	if (copy)
		setenv("LC_ALL", copy, 1);
	else
		unsetenv("LC_ALL");
	free(copy);
}
