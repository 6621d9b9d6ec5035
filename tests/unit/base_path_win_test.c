/* src/base/path_win.c, the Windows build's path roots, tested here on Linux: it is pure
 * C, so it is compiled into this test under other names (the Linux library has its own
 * path_root_len and path_is_absolute, path_posix.c). */
#define path_root_len win_path_root_len
#define path_is_absolute win_path_is_absolute
#include "../../src/base/path_win.c"
#undef path_root_len
#undef path_is_absolute

#include "test.h"

TEST(win_path_roots)
{
	CHECK_INT(win_path_root_len("C:/work/x"), 2);
	CHECK_INT(win_path_root_len("z:\\tmp"), 2);
	CHECK_INT(win_path_root_len("C:"), 2);
	CHECK_INT(win_path_root_len("//server/share/dir"), 14);
	CHECK_INT(win_path_root_len("\\\\server\\share"), 14);
	CHECK_INT(win_path_root_len("//server"), 8);
	CHECK_INT(win_path_root_len("/tmp/x"), 0);
	CHECK_INT(win_path_root_len("work/x"), 0);
	CHECK_INT(win_path_root_len(""), 0);
	CHECK_INT(win_path_root_len("1:/x"), 0);
}

TEST(win_path_absolute)
{
	CHECK(win_path_is_absolute("C:/work"));
	CHECK(win_path_is_absolute("C:\\work"));
	CHECK(win_path_is_absolute("C:/"));
	CHECK(win_path_is_absolute("//server/share/x"));
	/* drive-relative and root-relative paths depend on the current drive: not absolute */
	CHECK(!win_path_is_absolute("C:work"));
	CHECK(!win_path_is_absolute("C:"));
	CHECK(!win_path_is_absolute("/work"));
	CHECK(!win_path_is_absolute("work"));
	CHECK(!win_path_is_absolute(""));
}
