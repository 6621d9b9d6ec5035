/* The setup-failure record (musl's posix_spawn idea): a step that fails writes one
 * record to an O_CLOEXEC pipe and exits; a successful exec of the command closes the
 * pipe, so reading zero bytes means "it runs". */
#include "sandbox/linux/linux_sandbox.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "base/file.h"

void lx_status_send(int fd, enum lx_failure kind, int errnum, const char *msg)
{
	struct lx_status st;

	memset(&st, 0, sizeof st);
	st.kind = kind;
	st.errnum = errnum;
	strncpy(st.msg, msg, sizeof st.msg - 1);
	/* Best effort: if the reader is gone there is no one left to tell. */
	(void)fd_write_all(fd, &st, sizeof st);
}

int lx_status_recv(int fd, struct lx_status *st)
{
	size_t got = 0;

	while (got < sizeof *st) {
		ssize_t n = read(fd, (char *)st + got, sizeof *st - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got == 0)
		return 0;
	if (got != sizeof *st || (st->kind != LX_FAIL_SETUP && st->kind != LX_FAIL_EXEC))
		return -1;
	st->msg[sizeof st->msg - 1] = '\0';
	return 1;
}

const char *sandbox_outcome_str(enum sandbox_outcome o)
{
	switch (o) {
	case SANDBOX_RAN:
		return "ran";
	case SANDBOX_SETUP_FAILED:
		return "setup-failed";
	case SANDBOX_NOT_FOUND:
		return "not-found";
	case SANDBOX_CANNOT_EXEC:
		return "cannot-exec";
	}
	return "?";
}

void lx_status_to_result(const struct lx_status *st, const char *cmd, struct sandbox_result *r)
{
	r->errnum = st->errnum;
	switch ((enum lx_failure)st->kind) {
	case LX_FAIL_SETUP:
		r->outcome = SANDBOX_SETUP_FAILED;
		r->exit_code = EXIT_SANDBOX_SETUP;
		err_set(&r->detail, "%s", st->msg);
		return;
	case LX_FAIL_EXEC:
		break;
	}
	if (st->errnum == ENOENT) {
		r->outcome = SANDBOX_NOT_FOUND;
		r->exit_code = EXIT_NOT_FOUND;
		err_set(&r->detail, "%s: command not found", cmd);
	} else {
		r->outcome = SANDBOX_CANNOT_EXEC;
		r->exit_code = EXIT_CANNOT_EXEC;
		err_sys(&r->detail, st->errnum, "%s", cmd);
	}
}
