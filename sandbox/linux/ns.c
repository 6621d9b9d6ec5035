/* Entering the sandbox's namespaces, and mapping the caller's identity into them. */
#include "sandbox/linux/linux_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/file.h"

int lx_unshare(enum sandbox_network net)
{
	int flags = CLONE_NEWUSER | CLONE_NEWIPC;

	switch (net) {
	case SANDBOX_NET_FULL:
		break;
	case SANDBOX_NET_OFF:
	case SANDBOX_NET_PROXY:
		flags |= CLONE_NEWNET;
		break;
	}
	return unshare(flags);
}

static int write_proc(const char *path, const char *text, struct err *e)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return err_sys(e, errno, "cannot open %s", path);
	if (fd_write_all(fd, text, strlen(text)) < 0)
		rc = err_sys(e, errno, "cannot write \"%s\" to %s", text, path);
	close(fd);
	return rc;
}

int lx_write_id_maps(uid_t uid, gid_t gid, struct err *e)
{
	char line[64];

	/* An unprivileged map writer must give up setgroups first; inside, no one
	 * needs it (and with no_new_privs nothing could use it to gain anything). */
	if (write_proc("/proc/self/setgroups", "deny", e) < 0)
		return -1;
	snprintf(line, sizeof line, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if (write_proc("/proc/self/uid_map", line, e) < 0)
		return -1;
	snprintf(line, sizeof line, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	return write_proc("/proc/self/gid_map", line, e);
}
