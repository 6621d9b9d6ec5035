/* struct err keeps the errno behind a message, so that a caller reports the cause and
 * not whatever errno holds by the time it looks. */
#include <errno.h>
#include <string.h>

#include "base/err.h"
#include "test.h"

TEST(err_sys_keeps_the_errno_err_set_clears_it)
{
	struct err e = {{0}}, z = {0};

	CHECK_INT(e.errnum, 0);
	CHECK_INT(z.errnum, 0);
	CHECK_INT(err_sys(&e, EACCES, "cannot open %s", "/x"), -1);
	CHECK_INT(e.errnum, EACCES);
	CHECK_STR(e.msg, "cannot open /x: Permission denied");
	errno = ENOENT; /* what a later call might leave behind */
	CHECK_INT(err_prefix(&e, "setup"), -1);
	CHECK_INT(e.errnum, EACCES);
	CHECK_STR(e.msg, "setup: cannot open /x: Permission denied");
	CHECK_INT(err_set(&e, "plain %d", 1), -1);
	CHECK_INT(e.errnum, 0);
	CHECK_STR(e.msg, "plain 1");
	err_sys(&e, EPERM, "x");
	err_clear(&e);
	CHECK_INT(e.errnum, 0);
	CHECK_STR(e.msg, "");
	/* A NULL err is ignored. */
	CHECK_INT(err_sys(NULL, EPERM, "x"), -1);
}
