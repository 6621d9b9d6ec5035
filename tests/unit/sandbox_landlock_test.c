/* Landlock with every ABI up to the kernel's: the launcher takes the best one there is,
 * and a kernel with an older one (no TCP rules before ABI 4, Linux 6.7; no truncate
 * right before 3; no refer before 2) still gets a working filesystem policy. Run by the
 * real kernel in a child per ABI. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/linux/linux_sandbox.h"
#include "test.h"

/* In a child: Landlock for a plan whose one writable root is ws, with the given ABI;
 * the exit code says what worked: 0 all as expected, 1 setup failed, 2 writing the root
 * failed, 3 writing outside it worked. */
static int child(const char *ws, const char *outside, int abi)
{
	struct sandbox_root root;
	struct sandbox_roots roots;
	struct lx_plan plan;
	struct err e;
	char path[4200];
	int fd;

	memset(&root, 0, sizeof root);
	memset(&roots, 0, sizeof roots);
	root.path = (char *)ws;
	roots.v = &root;
	roots.n = 1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    lx_plan_build(&roots, SANDBOX_NET_OFF, true, NULL, &plan, &e) < 0 ||
	    lx_landlock_apply(&plan, abi, &e) < 0) {
		fprintf(stderr, "landlock ABI %d: %s\n", abi, e.msg);
		return 1;
	}
	snprintf(path, sizeof path, "%s/written", ws);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0)
		return 2;
	close(fd);
	snprintf(path, sizeof path, "%s/written", outside);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd >= 0)
		return 3;
	return errno == EACCES ? 0 : 3;
}

TEST(landlock_every_abi_up_to_the_kernels)
{
	int best = lx_landlock_abi();
	char ws[4096], outside[4096];

	if (best == 0) {
		printf("#   skipped: the kernel has no Landlock\n");
		return;
	}
	snprintf(ws, sizeof ws, "%s/ws", test_tmpdir());
	snprintf(outside, sizeof outside, "%s/outside", test_tmpdir());
	REQUIRE(mkdir(ws, 0755) == 0 && mkdir(outside, 0755) == 0);
	for (int abi = 1; abi <= best; abi++) {
		int status;
		pid_t pid = fork();

		REQUIRE(pid >= 0);
		if (pid == 0)
			_exit(child(ws, outside, abi));
		REQUIRE(test_wait_child(pid, 30, &status) == 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			test_fail(__FILE__, __LINE__, "Landlock ABI %d: child status %d", abi,
				  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
}
