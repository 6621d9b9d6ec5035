/* Errors: every fallible function returns 0 / -1 (or a pointer / NULL) and fills a
 * caller-provided struct err. Only entry points print it ("codex: error: <msg>"). */
#ifndef CODEX_BASE_ERR_H
#define CODEX_BASE_ERR_H

#include <stddef.h>

#define ERR_MSG_MAX 512

/* msg is the one-line message; errnum the errno behind it (err_sys), 0 when there is
 * none (err_set), so that a caller reports the cause and not whatever errno holds by
 * then. The members sit in an anonymous struct, errnum first, so that both `{0}` and
 * `{{0}}` zero an err without a warning. */
struct err {
	struct {
		int errnum;
		char msg[ERR_MSG_MAX];
	};
};

/* ERR_PRINTF_STYLE: printf; the Windows build's posix.h makes it gnu_printf, the C99
 * printf it links (mingw-w64's, not the older one %zu is unknown to). */
#ifndef ERR_PRINTF_STYLE
#define ERR_PRINTF_STYLE printf
#endif
#if defined(__GNUC__)
#define ERR_PRINTF(a, b) __attribute__((format(ERR_PRINTF_STYLE, a, b)))
#define WARN_UNUSED __attribute__((warn_unused_result))
#else
#define ERR_PRINTF(a, b)
#define WARN_UNUSED
#endif

/* Sets the message (truncated to ERR_MSG_MAX-1) and errnum 0. A NULL err is allowed and
 * ignored. Always returns -1 so that `return err_set(e, ...)` reads naturally. */
int err_set(struct err *e, const char *fmt, ...) ERR_PRINTF(2, 3);

/* Like err_set, then appends ": <strerror(errnum)>" and keeps errnum. */
int err_sys(struct err *e, int errnum, const char *fmt, ...) ERR_PRINTF(3, 4);

/* Prepends "<prefix>: " to an existing message (for adding context on the way up);
 * errnum stays. */
int err_prefix(struct err *e, const char *fmt, ...) ERR_PRINTF(2, 3);

void err_clear(struct err *e);

/* Prints "<prog>: error: <msg>\n" to stderr. */
void err_print(const char *prog, const struct err *e);

/* Exit codes of every role. Documented in README.md; never renumbered. */
enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILURE_GENERIC = 1, /* the operation failed (bad config, patch did not apply, ...) */
	EXIT_USAGE = 2,           /* unknown flag or subcommand, missing argument */
	EXIT_SANDBOX_SETUP = 125, /* the sandbox could not be set up; the command did not run */
	EXIT_CANNOT_EXEC = 126,   /* command found but not executable */
	EXIT_NOT_FOUND = 127      /* command not found */
};

#endif
