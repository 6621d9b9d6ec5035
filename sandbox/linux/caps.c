/* Dropping every privilege before Landlock and seccomp, which need no_new_privs when
 * the process has no CAP_SYS_ADMIN (and it will not have any). */
#include "sandbox/linux/linux_sandbox.h"

#include <errno.h>
#include <sys/prctl.h>

/* Capability numbers fit in 0..63; PR_CAPBSET_DROP says EINVAL past the last one. */
#define LX_CAP_MAX 64

int lx_drop_privileges(struct err *e)
{
	unsigned bits = LX_SECBIT_NOROOT | LX_SECBIT_NOROOT_LOCKED | LX_SECBIT_NO_SETUID_FIXUP |
			LX_SECBIT_NO_SETUID_FIXUP_LOCKED | LX_SECBIT_KEEP_CAPS_LOCKED |
			LX_SECBIT_NO_CAP_AMBIENT_RAISE | LX_SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;

	/* Root inside must not regain capabilities by exec (the bounding set below
	 * already ensures it; the securebits say so explicitly). Setting them needs
	 * CAP_SETPCAP: without it (no user namespace, not root) there is nothing to keep
	 * from the command in the first place, so EPERM is fine. */
	if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) < 0 && errno != EPERM)
		return err_sys(e, errno, "cannot set securebits");
	for (int cap = 0; cap < LX_CAP_MAX; cap++) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
			continue;
		if (errno == EINVAL)
			break; /* past the last capability this kernel knows */
		if (errno != EPERM)
			return err_sys(e, errno, "cannot drop capability %d from the bounding set",
				       cap);
		/* EPERM: no CAP_SETPCAP, i.e. an unprivileged process without a user
		 * namespace; with no_new_privs below it can never gain a capability. */
		break;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return err_sys(e, errno, "cannot clear the ambient capabilities");
	if (lx_capset_zero() < 0)
		return err_sys(e, errno, "cannot drop capabilities");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return err_sys(e, errno, "cannot set no_new_privs");
	return 0;
}
