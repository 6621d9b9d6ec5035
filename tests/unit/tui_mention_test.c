/* tui: mentions carried in a message's text as links (mention_codec.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "tui/mention_codec.h"

static void bind(struct strv *names, struct strv *paths, const char *name, const char *path)
{
	REQUIRE(strv_push(names, name) == 0);
	REQUIRE(strv_push(paths, path) == 0);
}

TEST(tui_mention_encode_links_bound_names_once_in_order)
{
	struct strv names = STRV_INIT, paths = STRV_INIT;
	char *s;

	bind(&names, &paths, "$helper", "plugin://helper@repo-market");
	bind(&names, &paths, "$figma", "app://figma-1");
	s = mention_encode("$helper and $figma then $helper again, $helpers, $PATH", &names, &paths);
	CHECK_STR(s, "[$helper](plugin://helper@repo-market) and [$figma](app://figma-1) then "
		     "$helper again, $helpers, $PATH");
	free(s);
	s = mention_encode("nothing bound here $", &names, &paths);
	CHECK_STR(s, "nothing bound here $");
	free(s);
	s = mention_encode("", NULL, NULL);
	CHECK_STR(s, "");
	free(s);
	strv_free(&names);
	strv_free(&paths);
}

TEST(tui_mention_decode_restores_text_and_bindings)
{
	struct strv names = STRV_INIT, paths = STRV_INIT;
	char *s = mention_decode("Use [$figma](app://figma-1), [$sample]( plugin://sample@test ) "
				 "and [@demo](plugin://demo@openai-curated).",
				 &names, &paths);

	CHECK_STR(s, "Use $figma, $sample and $demo.");
	REQUIRE(names.n == 3 && paths.n == 3);
	CHECK_STR(names.v[0], "$figma");
	CHECK_STR(paths.v[0], "app://figma-1");
	CHECK_STR(names.v[1], "$sample");
	CHECK_STR(paths.v[1], "plugin://sample@test");
	CHECK_STR(names.v[2], "$demo");
	CHECK_STR(paths.v[2], "plugin://demo@openai-curated");
	free(s);
	strv_free(&names);
	strv_free(&paths);
}

TEST(tui_mention_decode_leaves_other_links_as_text)
{
	struct strv names = STRV_INIT, paths = STRV_INIT;
	static const char *const kept[] = {
		"[$home](https://example.com)",      /* not a tool path */
		"[@figma](app://figma-1)",           /* `@` is for plugins only */
		"[$PATH](plugin://x@y)",             /* an environment variable */
		"[$x]()",                            /* empty path */
		"[$x](plugin://unclosed",            /* no `)` */
		"[$a b](plugin://x@y)",              /* not a name */
		"[$](plugin://x@y)",                 /* no name */
		"[text](plugin://x@y)",              /* no sigil */
	};

	for (size_t i = 0; i < sizeof kept / sizeof *kept; i++) {
		char *s = mention_decode(kept[i], &names, &paths);
		CHECK_STR(s, kept[i]);
		free(s);
	}
	CHECK_INT(names.n, 0);
	{
		char *s = mention_decode("see [$notes](/home/u/.agents/skills/notes/SKILL.md)", &names,
					 &paths);
		CHECK_STR(s, "see $notes");
		free(s);
	}
	CHECK_INT(paths.n, 1);
	strv_free(&names);
	strv_free(&paths);
}

TEST(tui_mention_round_trip_and_binding_cap)
{
	struct strv names = STRV_INIT, paths = STRV_INIT, n2 = STRV_INIT, p2 = STRV_INIT;
	char text[8192] = "", *enc, *dec;
	size_t len = 0;

	for (int i = 0; i < MENTION_MAX_BINDINGS + 5; i++) {
		char name[32], path[64];
		snprintf(name, sizeof name, "$p%d", i);
		snprintf(path, sizeof path, "plugin://p%d@m", i);
		if (i < MENTION_MAX_BINDINGS)
			bind(&names, &paths, name, path);
		len += (size_t)snprintf(text + len, sizeof text - len, "%s ", name);
	}
	enc = mention_encode(text, &names, &paths);
	REQUIRE(enc != NULL);
	dec = mention_decode(enc, &n2, &p2);
	CHECK_STR(dec, text);
	CHECK_INT(n2.n, MENTION_MAX_BINDINGS);
	CHECK_STR(p2.v[MENTION_MAX_BINDINGS - 1], paths.v[MENTION_MAX_BINDINGS - 1]);
	/* past the cap a link still shows as its name, unbound */
	free(dec);
	dec = mention_decode("[$a](plugin://a@m)", &n2, &p2);
	CHECK_STR(dec, "$a");
	CHECK_INT(n2.n, MENTION_MAX_BINDINGS);
	free(dec);
	free(enc);
	strv_free(&names);
	strv_free(&paths);
	strv_free(&n2);
	strv_free(&p2);
}
