/* Makes a machine feature disappear for one process tree, without touching any
 * machine-wide setting, then runs a command:
 *
 *   sandbox-deny FEATURE... -- COMMAND [ARGS...]
 *
 * userns    unshare/clone with CLONE_NEWUSER fail with EPERM (as in a container whose
 *           seccomp profile forbids them); clone3 says ENOSYS so libc uses clone
 * landlock  the landlock_* calls fail with ENOSYS (a kernel without Landlock)
 * mountapi  open_tree, move_mount and mount_setattr fail with ENOSYS (a kernel older
 *           than 5.12)
 * listen    listen() fails with EPERM (no socket can be made to listen) */
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/linux/kernel.h"

#define LD(off) {LX_BPF_LD | LX_BPF_W | LX_BPF_ABS, 0, 0, (off)}
#define JEQ(k, t, f) {LX_BPF_JMP | LX_BPF_JEQ | LX_BPF_K, (t), (f), (k)}
#define JSET(k, t, f) {LX_BPF_JMP | LX_BPF_JSET | LX_BPF_K, (t), (f), (k)}
#define RET(k) {LX_BPF_RET | LX_BPF_K, 0, 0, (k)}
#define NR offsetof(struct lx_seccomp_data, nr)
#define ARG0 offsetof(struct lx_seccomp_data, args)

int main(int argc, char **argv)
{
	int i = 1;
	struct lx_sock_filter userns[] = {
		LD(NR),
		JEQ(SYS_clone3, 0, 1),
		RET(LX_SECCOMP_RET_ERRNO | ENOSYS),
		JEQ(SYS_unshare, 1, 0),
		JEQ(SYS_clone, 0, 3),
		LD(ARG0),
		JSET(CLONE_NEWUSER, 0, 1),
		RET(LX_SECCOMP_RET_ERRNO | EPERM),
		RET(LX_SECCOMP_RET_ALLOW),
	};
	struct lx_sock_filter landlock[] = {
		LD(NR),
		JEQ(SYS_landlock_create_ruleset, 2, 0),
		JEQ(SYS_landlock_add_rule, 1, 0),
		JEQ(SYS_landlock_restrict_self, 0, 1),
		RET(LX_SECCOMP_RET_ERRNO | ENOSYS),
		RET(LX_SECCOMP_RET_ALLOW),
	};
	struct lx_sock_filter mountapi[] = {
		LD(NR),
		JEQ(SYS_open_tree, 2, 0),
		JEQ(SYS_move_mount, 1, 0),
		JEQ(SYS_mount_setattr, 0, 1),
		RET(LX_SECCOMP_RET_ERRNO | ENOSYS),
		RET(LX_SECCOMP_RET_ALLOW),
	};
	struct lx_sock_filter listen[] = {
		LD(NR),
		JEQ(SYS_listen, 0, 1),
		RET(LX_SECCOMP_RET_ERRNO | EPERM),
		RET(LX_SECCOMP_RET_ALLOW),
	};
	const struct {
		const char *name;
		struct lx_sock_fprog prog;
	} features[] = {
		{"userns", {sizeof userns / sizeof userns[0], userns}},
		{"landlock", {sizeof landlock / sizeof landlock[0], landlock}},
		{"mountapi", {sizeof mountapi / sizeof mountapi[0], mountapi}},
		{"listen", {sizeof listen / sizeof listen[0], listen}},
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		perror("sandbox-deny: no_new_privs");
		return 125;
	}
	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		size_t k = 0;
		while (k < sizeof features / sizeof features[0] && strcmp(argv[i], features[k].name))
			k++;
		if (k == sizeof features / sizeof features[0])
			goto usage;
		if (syscall(SYS_seccomp, LX_SECCOMP_SET_MODE_FILTER, 0, &features[k].prog) < 0) {
			perror("sandbox-deny: seccomp");
			return 125;
		}
	}
	if (i == 1 || i >= argc || !argv[i + 1])
		goto usage;
	execvp(argv[i + 1], argv + i + 1);
	perror("sandbox-deny: exec");
	return 127;
usage:
	fprintf(stderr, "usage: sandbox-deny userns|landlock|mountapi|listen... -- COMMAND "
			"[ARGS...]\n");
	return 2;
}
