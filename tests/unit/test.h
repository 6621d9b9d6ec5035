/* The unit-test harness: a few macros, not a framework.
 *
 *   TEST(name) { CHECK(x == 1); CHECK_STR(got, "want"); REQUIRE(p != NULL); }
 *
 * CHECK* records a failure with file:line and carries on; REQUIRE* ends the case.
 * Cases register themselves; the runner (runner.c) runs them all, or those whose
 * "file:name" contains argv[1], and prints one TAP-style line per case. */
#ifndef CODEX_TESTS_UNIT_TEST_H
#define CODEX_TESTS_UNIT_TEST_H

#include <stddef.h>
#include <string.h>

struct test_case {
	const char *file;
	const char *name;
	void (*fn)(void);
	struct test_case *next;
};

void test_register(struct test_case *tc);
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void test_abort(void) __attribute__((noreturn));

#define TEST(name)                                                                  \
	static void test_fn_##name(void);                                           \
	static struct test_case test_case_##name = {__FILE__, #name, test_fn_##name, \
						    NULL};                           \
	__attribute__((constructor)) static void test_reg_##name(void)              \
	{                                                                           \
		test_register(&test_case_##name);                                   \
	}                                                                           \
	static void test_fn_##name(void)

#define CHECK(c)                                                     \
	do {                                                         \
		if (!(c))                                            \
			test_fail(__FILE__, __LINE__, "CHECK(%s)", #c); \
	} while (0)

#define REQUIRE(c)                                                     \
	do {                                                           \
		if (!(c)) {                                            \
			test_fail(__FILE__, __LINE__, "REQUIRE(%s)", #c); \
			test_abort();                                  \
		}                                                      \
	} while (0)

#define CHECK_INT(a, b)                                                              \
	do {                                                                         \
		long long a_ = (long long)(a), b_ = (long long)(b);                  \
		if (a_ != b_)                                                        \
			test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, \
				  a_, b_);                                           \
	} while (0)

#define CHECK_STR(a, b)                                                              \
	do {                                                                         \
		const char *a_ = (a), *b_ = (b);                                     \
		if (!a_ || !b_ || strcmp(a_, b_) != 0)                               \
			test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, \
				  #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");       \
	} while (0)

/* Substring check, for error messages. */
#define CHECK_CONTAINS(hay, needle)                                                  \
	do {                                                                         \
		const char *h_ = (hay), *n_ = (needle);                              \
		if (!h_ || !strstr(h_, n_))                                          \
			test_fail(__FILE__, __LINE__, "\"%s\" does not contain \"%s\"", \
				  h_ ? h_ : "(null)", n_);                           \
	} while (0)

/* A fresh empty directory for this case, removed (recursively) after it. The pointer
 * lives until the case ends. */
const char *test_tmpdir(void);

/* Writes a file below test_tmpdir() (creating parent dirs); returns its full path
 * (lives until the case ends). */
const char *test_write_file(const char *rel, const char *content);

/* Reads a whole file into a malloc'ed NUL-terminated string (NULL if unreadable);
 * the caller frees it. */
char *test_read_file(const char *path);

/* The failing allocator (failalloc.c). failalloc_arm(n): the n-th allocation from now
 * fails (n >= 1), and every later one succeeds. failalloc_disarm() stops it.
 * failalloc_fired() tells whether the armed failure happened. */
void failalloc_arm(long n);
void failalloc_disarm(void);
int failalloc_fired(void);

/* Runs `body` with the 1st, 2nd, ... allocation failing until a run completes with no
 * failure injected (or max runs). The body must free what it allocated on every path;
 * LSan (make check) and the checks in the body prove it. */
#define FOR_EACH_ALLOC_FAILURE(max, body)                                   \
	do {                                                                \
		for (long nth_ = 1; nth_ <= (max); nth_++) {                \
			failalloc_arm(nth_);                                \
			body;                                               \
			int fired_ = failalloc_fired();                     \
			failalloc_disarm();                                 \
			if (!fired_)                                        \
				break;                                      \
		}                                                           \
	} while (0)

#endif
