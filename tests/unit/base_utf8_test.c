/* base/utf8: the boundaries of well-formed UTF-8. */
#include <string.h>

#include "base/utf8.h"
#include "test.h"

static int valid(const char *s)
{
	return utf8_valid(s, strlen(s));
}

TEST(utf8_accepts_every_boundary)
{
	CHECK(valid(""));
	CHECK(valid("\x7f"));                 /* U+007F */
	CHECK(valid("\xc2\x80"));             /* U+0080 */
	CHECK(valid("\xdf\xbf"));             /* U+07FF */
	CHECK(valid("\xe0\xa0\x80"));         /* U+0800 */
	CHECK(valid("\xed\x9f\xbf"));         /* U+D7FF, just below the surrogates */
	CHECK(valid("\xee\x80\x80"));         /* U+E000, just above them */
	CHECK(valid("\xef\xbf\xbf"));         /* U+FFFF */
	CHECK(valid("\xf0\x90\x80\x80"));     /* U+10000 */
	CHECK(valid("\xf4\x8f\xbf\xbf"));     /* U+10FFFF */
	CHECK(utf8_valid("a\0b", 3));         /* NUL is a character */
}

TEST(utf8_rejects_malformed)
{
	CHECK(!valid("\x80"));                /* lone continuation byte */
	CHECK(!valid("\xc0\x80"));            /* overlong NUL */
	CHECK(!valid("\xc1\xbf"));            /* overlong */
	CHECK(!valid("\xe0\x9f\xbf"));        /* overlong */
	CHECK(!valid("\xf0\x8f\xbf\xbf"));    /* overlong */
	CHECK(!valid("\xed\xa0\x80"));        /* U+D800 */
	CHECK(!valid("\xed\xbf\xbf"));        /* U+DFFF */
	CHECK(!valid("\xf4\x90\x80\x80"));    /* U+110000 */
	CHECK(!valid("\xf5\x80\x80\x80"));
	CHECK(!valid("\xff"));
	CHECK(!valid("\xe2\x82"));            /* truncated */
	CHECK(!valid("a\xe2\x82z"));          /* bad continuation */
	CHECK_INT(utf8_char_len((const unsigned char *)"\xe2\x82\xac", 2), -1);
	CHECK_INT(utf8_char_len((const unsigned char *)"\xe2\x82\xac", 3), 3);
	CHECK_INT(utf8_char_len((const unsigned char *)"A", 1), 1);
}

TEST(utf8_word_at_a_time_sees_every_position)
{
	/* The ASCII fast path reads eight bytes at a time: a bad or multi-byte sequence
	 * must be seen at every offset within and across those words. */
	char s[40];

	for (size_t at = 0; at + 3 <= sizeof s; at++) {
		memset(s, 'a', sizeof s);
		memcpy(s + at, "\xe2\x82\xac", 3); /* U+20AC */
		CHECK(utf8_valid(s, sizeof s));
		CHECK_INT(utf8_ascii_prefix(s, sizeof s), at);
		s[at + 2] = 'z'; /* truncated */
		CHECK(!utf8_valid(s, sizeof s));
		memset(s, 'a', sizeof s);
		s[at] = (char)0x80; /* lone continuation byte */
		CHECK(!utf8_valid(s, sizeof s));
		CHECK(!utf8_valid(s, at + 1));
		CHECK(utf8_valid(s, at));
	}
	CHECK_INT(utf8_ascii_prefix("", 0), 0);
	CHECK_INT(utf8_ascii_prefix("abcdefghijk", 11), 11);
}
