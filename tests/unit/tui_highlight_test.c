/* tui: the syntax tokenizer (a token's class per language), the themes (lookup, SGR per
 * colour level) and the .tmTheme reader (good, bad, oversized). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "tui/cells.h"
#include "tui/highlight.h"

/* The class of the token holding the first occurrence of word in line (-1: none). */
static int class_of(enum hl_lang lang, int *state, const char *line, const char *word)
{
	struct hl_token t[HL_MAX_TOKENS];
	size_t n = hl_tokenize(lang, state, line, strlen(line), t, HL_MAX_TOKENS);
	const char *at = strstr(line, word);
	size_t off = at ? (size_t)(at - line) : 0;

	if (!at)
		return -1;
	for (size_t k = 0; k < n; k++)
		if (off >= t[k].start && off < t[k].start + t[k].len)
			return (int)t[k].cls;
	return -1;
}

static int cls1(enum hl_lang lang, const char *line, const char *word)
{
	int state = 0;

	return class_of(lang, &state, line, word);
}

TEST(hl_lang_names_and_paths)
{
	CHECK_INT(hl_lang_from_name("rust", 4), HL_LANG_RUST);
	CHECK_INT(hl_lang_from_name("Python title=x", 14), HL_LANG_PYTHON);
	CHECK_INT(hl_lang_from_name("ts", 2), HL_LANG_JS);
	CHECK_INT(hl_lang_from_name("c++", 3), HL_LANG_C);
	CHECK_INT(hl_lang_from_name("bash", 4), HL_LANG_SHELL);
	CHECK_INT(hl_lang_from_name("", 0), HL_LANG_NONE);
	CHECK_INT(hl_lang_from_name("cobol", 5), HL_LANG_NONE);
	CHECK_INT(hl_lang_from_path("src/main.rs"), HL_LANG_RUST);
	CHECK_INT(hl_lang_from_path("a/b/config.toml"), HL_LANG_TOML);
	CHECK_INT(hl_lang_from_path("x.yml"), HL_LANG_YAML);
	CHECK_INT(hl_lang_from_path("Makefile"), HL_LANG_NONE);
	CHECK_INT(hl_lang_from_path(".bashrc"), HL_LANG_NONE);
}

TEST(hl_tokens_per_language)
{
	/* C */
	CHECK_INT(cls1(HL_LANG_C, "static int f(void) { return 42; }", "static"), HL_KEYWORD);
	CHECK_INT(cls1(HL_LANG_C, "static int f(void) { return 42; }", "int"), HL_TYPE);
	CHECK_INT(cls1(HL_LANG_C, "static int f(void) { return 42; }", "f("), HL_FUNCTION);
	CHECK_INT(cls1(HL_LANG_C, "static int f(void) { return 42; }", "42"), HL_NUMBER);
	CHECK_INT(cls1(HL_LANG_C, "#include <stdio.h>", "include"), HL_META);
	CHECK_INT(cls1(HL_LANG_C, "x = \"a \\\" b\"; // note", "b\""), HL_STRING);
	CHECK_INT(cls1(HL_LANG_C, "x = \"a \\\" b\"; // note", "note"), HL_COMMENT);
	/* Rust */
	CHECK_INT(cls1(HL_LANG_RUST, "fn main() { let x: u32 = 1; }", "fn"), HL_KEYWORD);
	CHECK_INT(cls1(HL_LANG_RUST, "fn main() { let x: u32 = 1; }", "main"), HL_FUNCTION);
	CHECK_INT(cls1(HL_LANG_RUST, "fn main() { let x: u32 = 1; }", "u32"), HL_TYPE);
	CHECK_INT(cls1(HL_LANG_RUST, "    println!(\"hi {}\", name)", "println"), HL_FUNCTION);
	CHECK_INT(cls1(HL_LANG_RUST, "    println!(\"hi {}\", name)", "hi"), HL_STRING);
	CHECK_INT(cls1(HL_LANG_RUST, "impl<'a> Foo<'a> for Bar {}", "Bar"), HL_TYPE);
	CHECK_INT(cls1(HL_LANG_RUST, "#[derive(Debug)]", "derive"), HL_META);
	CHECK_INT(cls1(HL_LANG_RUST, "let c = 'x';", "'x'"), HL_STRING);
	CHECK_INT(cls1(HL_LANG_RUST, "Some(true)", "true"), HL_CONSTANT);
	/* Go */
	CHECK_INT(cls1(HL_LANG_GO, "func main() { fmt.Println(`raw`) }", "func"), HL_KEYWORD);
	CHECK_INT(cls1(HL_LANG_GO, "func main() { fmt.Println(`raw`) }", "raw"), HL_STRING);
	CHECK_INT(cls1(HL_LANG_GO, "var err error = nil", "nil"), HL_CONSTANT);
	/* Python */
	CHECK_INT(cls1(HL_LANG_PYTHON, "def f(x): return None  # done", "def"), HL_KEYWORD);
	CHECK_INT(cls1(HL_LANG_PYTHON, "def f(x): return None  # done", "None"), HL_CONSTANT);
	CHECK_INT(cls1(HL_LANG_PYTHON, "def f(x): return None  # done", "done"), HL_COMMENT);
	CHECK_INT(cls1(HL_LANG_PYTHON, "@dataclass", "dataclass"), HL_META);
	/* JavaScript / TypeScript */
	CHECK_INT(cls1(HL_LANG_JS, "const s = `t ${x}`;", "const"), HL_KEYWORD);
	CHECK_INT(cls1(HL_LANG_JS, "const s = `t ${x}`;", "t $"), HL_STRING);
	CHECK_INT(cls1(HL_LANG_JS, "let u = undefined /* c */", "c */"), HL_COMMENT);
	/* Java */
	CHECK_INT(cls1(HL_LANG_JAVA, "public class Main { int x = 0x1F; }", "public"), HL_KEYWORD);
	CHECK_INT(cls1(HL_LANG_JAVA, "public class Main { int x = 0x1F; }", "Main"), HL_TYPE);
	CHECK_INT(cls1(HL_LANG_JAVA, "public class Main { int x = 0x1F; }", "0x1F"), HL_NUMBER);
	/* shell */
	CHECK_INT(cls1(HL_LANG_SHELL, "if [ -n \"$HOME\" ]; then echo hi; fi # c", "if"), HL_KEYWORD);
	CHECK_INT(cls1(HL_LANG_SHELL, "echo ${HOME}/x $1", "${HOME}"), HL_CONSTANT);
	CHECK_INT(cls1(HL_LANG_SHELL, "echo ${HOME}/x $1", "echo"), HL_FUNCTION);
	CHECK_INT(cls1(HL_LANG_SHELL, "touch a.txt; seq 1 3 | wc -l", "seq"), HL_FUNCTION);
	CHECK_INT(cls1(HL_LANG_SHELL, "touch a.txt; seq 1 3 | wc -l", "wc"), HL_FUNCTION);
	CHECK_INT(cls1(HL_LANG_SHELL, "touch a.txt; seq 1 3 | wc -l", "a.txt"), HL_PLAIN);
	CHECK_INT(cls1(HL_LANG_SHELL, "if grep -q x f; then rm f; fi", "grep"), HL_FUNCTION);
	CHECK_INT(cls1(HL_LANG_SHELL, "ls a#b # note", "a#b"), HL_PLAIN);
	CHECK_INT(cls1(HL_LANG_SHELL, "ls a#b # note", "note"), HL_COMMENT);
	/* JSON */
	CHECK_INT(cls1(HL_LANG_JSON, "{\"key\": \"value\", \"n\": -1.5e3, \"b\": true}", "key"), HL_TAG);
	CHECK_INT(cls1(HL_LANG_JSON, "{\"key\": \"value\", \"n\": -1.5e3, \"b\": true}", "value"),
		  HL_STRING);
	CHECK_INT(cls1(HL_LANG_JSON, "{\"key\": \"value\", \"n\": -1.5e3, \"b\": true}", "-1.5"),
		  HL_NUMBER);
	CHECK_INT(cls1(HL_LANG_JSON, "{\"key\": \"value\", \"n\": -1.5e3, \"b\": true}", "true"),
		  HL_CONSTANT);
	/* TOML */
	CHECK_INT(cls1(HL_LANG_TOML, "[tui]", "tui"), HL_TAG);
	CHECK_INT(cls1(HL_LANG_TOML, "theme = \"dracula\" # c", "theme"), HL_TAG);
	CHECK_INT(cls1(HL_LANG_TOML, "theme = \"dracula\" # c", "dracula"), HL_STRING);
	/* YAML */
	CHECK_INT(cls1(HL_LANG_YAML, "name: build # c", "name"), HL_TAG);
	CHECK_INT(cls1(HL_LANG_YAML, "  enabled: true", "true"), HL_CONSTANT);
	/* diff and Markdown */
	CHECK_INT(cls1(HL_LANG_DIFF, "+added", "added"), HL_INSERTED);
	CHECK_INT(cls1(HL_LANG_DIFF, "-gone", "gone"), HL_DELETED);
	CHECK_INT(cls1(HL_LANG_DIFF, "@@ -1 +1 @@", "@@"), HL_META);
	CHECK_INT(cls1(HL_LANG_MARKDOWN, "## Title", "Title"), HL_TAG);
	CHECK_INT(cls1(HL_LANG_MARKDOWN, "- use `x`", "x`"), HL_STRING);
}

TEST(hl_state_carries_across_lines)
{
	int st = 0;

	CHECK_INT(class_of(HL_LANG_C, &st, "a /* open", "open"), HL_COMMENT);
	CHECK(st != 0);
	{
		int again = st;
		CHECK_INT(class_of(HL_LANG_C, &again, "still */ int x;", "int"), HL_TYPE);
	}
	CHECK_INT(class_of(HL_LANG_C, &st, "still */ int x;", "still"), HL_COMMENT);
	CHECK_INT(st, 0);
	CHECK_INT(class_of(HL_LANG_PYTHON, &st, "s = \"\"\"doc", "doc"), HL_STRING);
	{
		int again = st;
		CHECK_INT(class_of(HL_LANG_PYTHON, &again, "more \"\"\" if x", "if"), HL_KEYWORD);
	}
	CHECK_INT(class_of(HL_LANG_PYTHON, &st, "more \"\"\" if x", "more"), HL_STRING);
	CHECK_INT(st, 0);
	/* a C string does not go on past its line */
	CHECK_INT(class_of(HL_LANG_C, &st, "x = \"unterminated", "unterminated"), HL_STRING);
	CHECK_INT(st, 0);
}

TEST(hl_tokens_cover_the_line_and_stay_bounded)
{
	struct hl_token t[4];
	char *big = malloc(HL_MAX_LINE_BYTES + 2);
	int st = 0;
	size_t n, sum = 0;

	n = hl_tokenize(HL_LANG_C, &st, "a + b * c - d / e", 17, t, 4);
	CHECK(n <= 4);
	for (size_t k = 0; k < n; k++)
		sum += t[k].len;
	CHECK_INT(sum, 17);
	REQUIRE(big != NULL);
	memset(big, 'x', HL_MAX_LINE_BYTES + 1);
	big[HL_MAX_LINE_BYTES + 1] = '\0';
	st = 1;
	n = hl_tokenize(HL_LANG_C, &st, big, HL_MAX_LINE_BYTES + 1, t, 4);
	CHECK_INT(n, 1);
	CHECK_INT(t[0].cls, HL_PLAIN);
	CHECK_INT(st, 0);
	free(big);
}

TEST(hl_append_keeps_text_inert_and_width)
{
	struct buf b;
	int st = 0;
	const char *code = "let s = \"\xe4\xb8\xad\"; // \xf0\x9f\x98\x80";
	char *row;

	buf_init(&b, 1 << 16);
	REQUIRE(hl_append(HL_LANG_RUST, &st, code, strlen(code), &b) == 0);
	row = buf_take(&b);
	REQUIRE(row != NULL);
	/* marks take no columns: the width is the text's */
	CHECK_INT(tui_text_width(row, strlen(row)), tui_text_width(code, strlen(code)));
	{
		struct buf o;
		buf_init(&o, 1 << 16);
		REQUIRE(tui_emit_row(&o, row, strlen(row), TUI_COLOR_NONE) == 0);
		REQUIRE(buf_putc(&o, '\0') == 0);
		CHECK_STR(o.data, code); /* NO_COLOR: the text alone */
		buf_free(&o);
	}
	free(row);
}

TEST(md_code_block_is_highlighted_by_fence)
{
	struct tui_rows r = {0};
	struct buf o;

	REQUIRE(md_message("```rust\nfn main() {}\n```", &r) == 0);
	REQUIRE(r.n == 1);
	CHECK(strchr(r.v[0], TUI_SYNTAX_MARK(HL_KEYWORD)) != NULL);
	themes_set_current(themes_builtin_find("dracula"));
	buf_init(&o, 1 << 16);
	REQUIRE(tui_emit_row(&o, r.v[0], strlen(r.v[0]), TUI_COLOR_TRUE) == 0);
	REQUIRE(buf_putc(&o, '\0') == 0);
	CHECK_CONTAINS(o.data, "\x1b[38;2;255;121;198mfn"); /* dracula's keyword pink */
	buf_reset(&o);
	REQUIRE(tui_emit_row(&o, r.v[0], strlen(r.v[0]), TUI_COLOR_256) == 0);
	REQUIRE(buf_putc(&o, '\0') == 0);
	CHECK_CONTAINS(o.data, "\x1b[38;5;212mfn");
	buf_free(&o);
	tui_rows_free(&r);
}

TEST(themes_builtin_lookup)
{
	size_t n;
	const struct theme *t = themes_builtin(&n);

	CHECK_INT(n, 32);
	for (size_t k = 1; k < n; k++)
		CHECK(strcmp(t[k - 1].name, t[k].name) < 0);
	CHECK(themes_builtin_find("catppuccin-mocha") != NULL);
	CHECK(themes_builtin_find("1337") != NULL);
	CHECK(themes_builtin_find("nope") == NULL);
	{
		char sgr[48];
		themes_set_current(themes_builtin_find("ansi"));
		CHECK(themes_class_sgr(HL_STRING, TUI_COLOR_TRUE, sgr, sizeof sgr));
		CHECK_STR(sgr, "32"); /* the terminal's own green */
		CHECK(themes_class_sgr(HL_PLAIN, TUI_COLOR_16, sgr, sizeof sgr));
		CHECK_STR(sgr, "39");
		CHECK(!themes_class_sgr(HL_STRING, TUI_COLOR_NONE, sgr, sizeof sgr));
	}
}

static const char good_theme[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
	"\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
	"<plist version=\"1.0\">\n<dict>\n"
	"  <key>name</key><string>Mine &amp; yours</string>\n"
	"  <!-- a comment -->\n"
	"  <key>settings</key>\n  <array>\n"
	"    <dict><key>settings</key><dict>\n"
	"      <key>foreground</key><string>#102030</string>\n"
	"      <key>background</key><string>#000000</string>\n"
	"    </dict></dict>\n"
	"    <dict><key>scope</key><string>comment, punctuation.definition.comment</string>\n"
	"      <key>settings</key><dict><key>foreground</key><string>#abc</string>"
	"<key>fontStyle</key><string>italic</string></dict></dict>\n"
	"    <dict><key>scope</key><string>keyword</string>\n"
	"      <key>settings</key><dict><key>foreground</key><string>#FF0000</string>"
	"<key>fontStyle</key><string>bold</string></dict></dict>\n"
	"    <dict><key>scope</key><string>keyword.control</string>\n"
	"      <key>settings</key><dict><key>foreground</key><string>#00FF00</string></dict></dict>\n"
	"    <dict><key>scope</key><string>source.rust string, string.quoted - comment</string>\n"
	"      <key>settings</key><dict><key>foreground</key><string>#0000ff80</string></dict></dict>\n"
	"    <dict><key>scope</key><string>markup.inserted</string>\n"
	"      <key>settings</key><dict><key>background</key><string>#112211</string></dict></dict>\n"
	"    <dict><key>scope</key><string>constant.language</string>\n"
	"      <key>settings</key><dict><key>foreground</key><string>#05000000</string></dict></dict>\n"
	"  </array>\n"
	"  <key>uuid</key><string>x</string><key>n</key><integer>3</integer><key>t</key><true/>\n"
	"</dict>\n</plist>\n";

TEST(tmtheme_parses_a_good_file)
{
	struct theme t;
	struct err e = {0};

	REQUIRE(tmtheme_parse(good_theme, strlen(good_theme), &t, &e) == 0);
	CHECK_INT(t.cls[HL_PLAIN].fg, 0x102030);
	CHECK_INT(t.cls[HL_COMMENT].fg, 0xaabbcc);
	CHECK_INT(t.cls[HL_KEYWORD].fg, 0x00ff00); /* keyword.control beats keyword */
	CHECK(t.cls[HL_KEYWORD].bold);              /* which it does not override */
	CHECK_INT(t.cls[HL_STRING].fg, 0x0000ff);
	CHECK_INT(t.cls[HL_CONSTANT].fg, THEME_ANSI_FLAG | 5);
	CHECK_INT(t.cls[HL_NUMBER].fg, THEME_NO_COLOR);
	CHECK_INT(t.inserted_bg, 0x112211);
	CHECK_INT(t.deleted_bg, THEME_NO_COLOR);
}

TEST(tmtheme_rejects_bad_files_with_one_line)
{
	static const char *const bad[] = {
		"",
		"not xml at all",
		"<plist><dict><key>settings</key><array></dict></plist>",
		"<plist><dict><key>settings</key><string>x</string></dict></plist>",
		"<plist><array/></plist>",
		"<plist><dict><key>a &bogus; b</key><string/></dict></plist>",
		"<plist><dict><key>settings</key><array><dict><key>x</key><string>y",
		"<plist><dict></dict></plist><plist/>",
		"<plist><dict><key>k<dict/></key></dict></plist>",
		"<plist><dict><!-- never closed </dict></plist>",
	};

	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		struct theme t;
		struct err e = {0};
		CHECK(tmtheme_parse(bad[k], strlen(bad[k]), &t, &e) < 0);
		CHECK(e.msg[0] != '\0');
		CHECK(strchr(e.msg, '\n') == NULL);
	}
	{
		struct theme t;
		struct err e = {0};
		const char *s = "<plist>\n<dict>\n<key>x</key>\n<oops>\n</dict></plist>";
		CHECK(tmtheme_parse(s, strlen(s), &t, &e) < 0);
		CHECK_STR(e.msg, "line 5: mismatched close tag");
	}
}

TEST(tmtheme_limits)
{
	struct theme t;
	struct err e = {0};
	size_t big = TMTHEME_MAX_BYTES + 1, depth = TMTHEME_MAX_DEPTH + 1;
	char *s = malloc(big + 1);
	struct buf b;

	REQUIRE(s != NULL);
	memset(s, ' ', big);
	s[big] = '\0';
	CHECK(tmtheme_parse(s, big, &t, &e) < 0);
	CHECK_CONTAINS(e.msg, "larger than");
	free(s);
	buf_init(&b, 1 << 20);
	for (size_t k = 0; k < depth; k++)
		REQUIRE(buf_puts(&b, "<array>") == 0);
	CHECK(tmtheme_parse(b.data, b.len, &t, &e) < 0);
	CHECK_CONTAINS(e.msg, "nested too deeply");
	buf_free(&b);
}

TEST(wrapped_diff_line_keeps_its_tint)
{
	struct buf b;
	struct tui_rows r = {0};
	int st = 0;
	const char *code = "a b c d e f g h i j k l m n o p q r s t u v w x y z 1 2 3 4 5 6 7 8 9";

	buf_init(&b, 1 << 16);
	REQUIRE(buf_puts(&b, ST_GREEN ST_ADD_BG "1 +") == 0);
	REQUIRE(hl_append(HL_LANG_C, &st, code, strlen(code), &b) == 0);
	REQUIRE(tui_wrap(b.data, b.len, 20, 2, &r) == 0);
	REQUIRE(r.n > 2);
	/* every continuation row starts with the tint still on */
	for (size_t k = 1; k < r.n; k++)
		CHECK(strstr(r.v[k], ST_ADD_BG) != NULL);
	tui_rows_free(&r);
	buf_free(&b);
}

TEST(themes_custom_files_are_listed_and_loaded)
{
	char dir[] = "/tmp/codex-themes-XXXXXX", path[256];
	struct theme_list l;
	struct theme t;
	struct err e = {0};
	FILE *f;
	bool mine = false, broken = false;

	REQUIRE(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/themes", dir);
	REQUIRE(mkdir(path, 0700) == 0);
	snprintf(path, sizeof path, "%s/themes/mine.tmTheme", dir);
	REQUIRE((f = fopen(path, "w")) != NULL);
	fputs("<plist><dict><key>settings</key><array><dict><key>scope</key><string>keyword"
	      "</string><key>settings</key><dict><key>foreground</key><string>#ff0000</string>"
	      "</dict></dict></array></dict></plist>", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/themes/broken.tmTheme", dir);
	REQUIRE((f = fopen(path, "w")) != NULL);
	fputs("<plist><dict>", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/themes/dracula.tmTheme", dir); /* a built-in's name */
	REQUIRE((f = fopen(path, "w")) != NULL);
	fputs("<plist><dict><key>settings</key><array/></dict></plist>", f);
	fclose(f);

	REQUIRE(themes_list(dir, &l) == 0);
	CHECK_INT(l.n, 33);
	for (size_t k = 0; k < l.n; k++) {
		if (strcmp(l.names[k], "mine") == 0)
			mine = l.custom[k];
		if (strcmp(l.names[k], "broken") == 0)
			broken = true;
		if (strcmp(l.names[k], "dracula") == 0)
			CHECK(!l.custom[k]);
		if (k)
			CHECK(strcasecmp(l.names[k - 1], l.names[k]) <= 0);
	}
	CHECK(mine);
	CHECK(!broken);
	themes_list_free(&l);

	CHECK(themes_load_custom(dir, "mine", &t, &e) == 0);
	CHECK_STR(t.name, "mine");
	CHECK_INT(t.cls[HL_KEYWORD].fg, 0xff0000);
	CHECK(themes_load_custom(dir, "broken", &t, &e) < 0);
	CHECK_CONTAINS(e.msg, "broken.tmTheme");
	CHECK_INT(e.errnum, 0);
	CHECK(themes_load_custom(dir, "absent", &t, &e) < 0);
	CHECK_INT(e.errnum, ENOENT);
	CHECK(themes_load_custom(dir, "../x", &t, &e) < 0);
	CHECK_INT(e.errnum, ENOENT);
	CHECK(themes_resolve(dir, "nord", &t) == 0);
	CHECK_STR(t.name, "nord");
	CHECK(themes_resolve(dir, "absent", &t) < 0);

	snprintf(path, sizeof path, "%s/themes/mine.tmTheme", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/themes/broken.tmTheme", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/themes/dracula.tmTheme", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/themes", dir);
	rmdir(path);
	rmdir(dir);
}
