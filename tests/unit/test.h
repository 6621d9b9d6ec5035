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
#include <sys/types.h>

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
/* 1 once the running case has a failure (random tests stop at their first). */
int test_case_failed(void);
/* For tests of the harness itself: from test_capture_begin() to test_capture_end(),
 * a failure is counted (and returned by test_capture_end) instead of failing the case. */
void test_capture_begin(void);
int test_capture_end(void);

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

/* Waits for child pid at most `seconds`: 0 with *status once it exited or was killed.
 * A child that stops (a signal while traced, SIGSTOP) or outlives the bound is killed
 * and reaped, the case fails with what happened, and -1 is returned: no test waits on
 * a child without a bound. */
int test_wait_child(pid_t pid, int seconds, int *status);

/* The failing allocator (failalloc.c). failalloc_arm(n): the n-th allocation from now
 * fails (n >= 1), and every later one succeeds. failalloc_disarm() stops it.
 * failalloc_fired() tells whether the armed failure happened. */
void failalloc_arm(long n);
void failalloc_disarm(void);
int failalloc_fired(void);

/* Runs the body with the 1st, 2nd, ... allocation failing until a run completes with
 * no failure injected. That clean run must come within max runs: a body that still
 * allocates at run max fails the case (a path never run to its end is a path never
 * tested), so max is set from what the body allocates, with room to spare. The body
 * must free what it allocated on every path; LSan (make check) and the checks in the
 * body prove it. The body is the last argument and may contain commas. */
#define FOR_EACH_ALLOC_FAILURE(max, ...)                                            \
	do {                                                                        \
		long max_ = (max), nth_;                                            \
		for (nth_ = 1; nth_ <= max_; nth_++) {                              \
			failalloc_arm(nth_);                                        \
			__VA_ARGS__;                                                \
			int fired_ = failalloc_fired();                             \
			failalloc_disarm();                                         \
			if (!fired_)                                                \
				break;                                              \
		}                                                                   \
		if (nth_ > max_)                                                    \
			test_fail(__FILE__, __LINE__,                               \
				  "FOR_EACH_ALLOC_FAILURE: no clean run within %ld "  \
				  "runs; the body needs more allocations",            \
				  max_);                                            \
	} while (0)

#endif
