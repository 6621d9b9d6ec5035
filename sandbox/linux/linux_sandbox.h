/* Private to sandbox/linux/: the launcher's parts. The public side is sandbox/sandbox.h.
 *
 * Processes (user-namespace mode):
 *   launcher   the `codex-linux-sandbox` process: resolves the policy, builds the plan,
 *              enters new user/pid/ipc(/net) namespaces, forks init, then supervises
 *              (signals, exit status, pty relay, cleanup of synthetic mount targets)
 *   init       pid 1 of the new pid namespace: new mount namespace, applies the mount
 *              plan, allocates the pty, forks the command, reaps, forwards signals
 *   command    drops capabilities, no_new_privs, Landlock, seccomp, exec
 *   proxy      (proxy mode) outside the sandbox, a process of the caller's: serves the
 *              listening sockets the launcher made in the new network namespace
 * Without user namespaces the launcher forks the command directly (Landlock + seccomp).
 * Setup failures travel to the launcher through an O_CLOEXEC pipe as one record. */
#ifndef CODEX_SANDBOX_LINUX_LINUX_SANDBOX_H
#define CODEX_SANDBOX_LINUX_LINUX_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "base/err.h"
#include "base/strv.h"
#include "sandbox/linux/kernel.h"
#include "sandbox/sandbox.h"

/* ---- sys.c: raw system calls (-1 + errno) ---- */
int lx_landlock_create_ruleset(const struct ll_ruleset_attr *attr, size_t size,
			       uint32_t flags);
int lx_landlock_add_rule(int ruleset_fd, int rule_type, const void *rule_attr);
int lx_landlock_restrict_self(int ruleset_fd);
int lx_open_tree(int dfd, const char *path, unsigned flags);
int lx_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags);
int lx_mount_setattr(int dfd, const char *path, unsigned flags, const struct lx_mount_attr *a);
int lx_seccomp_set_filter(const struct lx_sock_fprog *prog);
int lx_capset_zero(void);
int lx_close_range_cloexec(unsigned first);
/* fork(), the child being pid 1 of a new pid namespace. Unlike unshare(CLONE_NEWPID)
 * this leaves the caller's own children in its pid namespace, so it can still fork
 * after init is gone (the sanitizers' leak checker does). The child must keep to
 * system calls and async-signal-safe libc (libc's thread data is the parent's copy)
 * until it forks or execs. */
pid_t lx_fork_new_pid_ns(void);

/* ---- plan.c: the policy as data (pure) ---- */

enum lx_mount_kind {
	LX_MOUNT_PRIVATE,      /* "/": recursive private, nothing leaks back to the host */
	LX_MOUNT_CLONE_RW,     /* detached copy of a writable root (nosuid, nodev) */
	LX_MOUNT_CLONE_RO,     /* detached read-only copy of a protected path */
	LX_MOUNT_CLONE_MASK,   /* detached read-only /dev/null, to cover a protected symlink */
	LX_MOUNT_READ_ONLY,    /* "/": recursive read-only, nosuid, nodev */
	LX_MOUNT_PROC,         /* fresh read-only /proc of the new pid namespace */
	LX_MOUNT_DEV,          /* minimal /dev: tmpfs, device binds, devpts, shm */
	LX_MOUNT_ATTACH,       /* attach the copy made by op `source` at path */
	LX_MOUNT_PIN           /* a directory leading to a deeper protected path: a copy of
				  the view there (recursive, attributes kept) attached onto
				  itself, so that it can be neither renamed nor removed */
};

struct lx_mount {
	enum lx_mount_kind kind;
	char *path;            /* owned; NULL for ATTACH (it uses the source's path) */
	dev_t dev;             /* identity the path must still have (0: unchecked) */
	ino_t ino;
	size_t source;         /* ATTACH: index of the CLONE_* op */
};

enum lx_rule_kind {
	LX_RULE_BENEATH,       /* access on path and everything below it */
	LX_RULE_BENEATH_EXCEPT /* the same, except the `except` paths (and the directories
				  leading to them, which get no new entries) */
};

struct lx_rule {
	enum lx_rule_kind kind;
	char *path;            /* owned */
	uint64_t access;       /* LL_FS_* bits; masked to the running ABI when applied */
	struct strv except;    /* absolute paths below path */
	bool optional;         /* a missing path is skipped instead of failing */
};

struct lx_plan {
	bool userns;           /* namespaces and mounts; false: Landlock + seccomp only */
	bool full_disk;        /* danger-full-access (with the proxy): no filesystem rules,
				  the mount view only gets a fresh /proc */
	enum sandbox_network net;
	/* SANDBOX_NET_PROXY: the ports the command may connect to (the proxy's listeners;
	 * set by the launcher once they exist), unless allow_local_binding lets it bind
	 * and connect anywhere on its own loopback. */
	bool allow_local_binding;
	/* Without a user namespace the command may be the host's root (capabilities
	 * dropped): it still owns root's files everywhere, and Landlock has no right for
	 * metadata, so chmod 666 /etc/shadow would pass. seccomp then refuses every change
	 * of mode, owner, times and extended attributes (in the workspace too). */
	bool host_root;
	unsigned proxy_ports[2];
	size_t n_proxy_ports;
	struct lx_mount *mounts;
	size_t n_mounts;
	struct lx_rule *rules;
	size_t n_rules;
};

#define LX_FS_READ (LL_FS_EXECUTE | LL_FS_READ_FILE | LL_FS_READ_DIR)
#define LX_FS_ALL ((LL_FS_IOCTL_DEV << 1) - 1)
#define LX_FS_FILE_ONLY (LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | \
			 LL_FS_TRUNCATE | LL_FS_IOCTL_DEV)
#define LX_FS_DEVICE (LL_FS_READ_FILE | LL_FS_WRITE_FILE | LL_FS_IOCTL_DEV)

/* Builds the plan for a sandboxed policy from its resolved roots; roots NULL means
 * danger-full-access, which is sandboxed only for its network (the proxy). A MISSING
 * protected path is covered in the mount view only when the launcher created a
 * placeholder for it (its dev/ino are then set). lx_plan_free also after an error. */
int lx_plan_build(const struct sandbox_roots *roots, enum sandbox_network net, bool userns,
		  struct lx_plan *out, struct err *e);
void lx_plan_free(struct lx_plan *p);
/* One line per operation, for --print-plan and the tests. */
void lx_plan_print(const struct lx_plan *p, FILE *f);
const char *lx_mount_kind_str(enum lx_mount_kind k);

/* ---- kmounts.c: the kernel's interfaces mounted in writable roots stay read-only ---- */
/* The mount points of kernel-interface file systems (proc, sysfs, cgroup, ...) in a
 * /proc/self/mountinfo text, unescaped, each once, appended to out. */
int lx_kernel_mounts_parse(const char *text, size_t size, struct strv *out, struct err *e);
/* Protects each such mount inside a root (sandbox_roots_protect), and a root inside
 * one as a whole. */
int lx_protect_kernel_mounts(struct sandbox_roots *roots, const char *mountinfo, size_t size,
			     struct err *e);
/* The same with the caller's own /proc/self/mountinfo. */
int lx_protect_kernel_mounts_now(struct sandbox_roots *roots, struct err *e);

/* ---- mounts.c: applies the mount operations (init, in its new mount namespace) ---- */
int lx_mounts_apply(const struct lx_plan *p, struct err *e);

/* ---- landlock.c ---- */
/* The Landlock ABI version, or 0 when Landlock is unavailable (errno says why). */
int lx_landlock_abi(void);
int lx_landlock_apply(const struct lx_plan *p, int abi, struct err *e);

/* ---- seccomp.c ---- */
/* Builds the filter for the plan into prog (storage in `ins`, LX_SECCOMP_MAX). It reads
 * the plan's net, allow_local_binding (SANDBOX_NET_PROXY only: without it bind and
 * listen are refused), full_disk (set-ID bits allowed) and userns (without it, the host's
 * pid and IPC namespaces are shared: no prlimit on others, no System V IPC or message
 * queues). */
#define LX_SECCOMP_MAX 256
int lx_seccomp_build(const struct lx_plan *plan, struct lx_sock_filter *ins,
		     struct lx_sock_fprog *prog, struct err *e);
int lx_seccomp_apply(const struct lx_plan *plan, struct err *e);

/* ---- caps.c ---- */
/* Securebits, bounding set, ambient, then effective/permitted/inheritable: all gone;
 * then no_new_privs. */
int lx_drop_privileges(struct err *e);

/* ---- ns.c ---- */
/* unshare(user, ipc, and net unless FULL); -1 with errno on failure (the caller decides
 * whether that means "no user namespaces"). The pid namespace comes with init's fork. */
int lx_unshare(enum sandbox_network net);
/* Maps uid/gid (the caller's, seen from outside) to themselves inside. */
int lx_write_id_maps(uid_t uid, gid_t gid, struct err *e);

/* ---- status.c: the setup-failure record ---- */
enum lx_failure {
	LX_FAIL_SETUP,   /* a sandbox step failed; the command did not run */
	LX_FAIL_EXEC     /* exec of the command failed (errnum says how) */
};

struct lx_status {
	int32_t kind;    /* enum lx_failure */
	int32_t errnum;
	char msg[ERR_MSG_MAX];
};

/* One record, written with a single write (atomic on a pipe). */
void lx_status_send(int fd, enum lx_failure kind, int errnum, const char *msg);
/* 1 and *st filled when a record arrived, 0 at EOF without one, -1 on a read error
 * or a torn record. */
int lx_status_recv(int fd, struct lx_status *st);
/* Maps a record to the outcome and exit code of sandbox.h and the message users see
 * ("<cmd>: command not found" for ENOENT). */
void lx_status_to_result(const struct lx_status *st, const char *cmd, struct sandbox_result *r);

/* ---- pty.c ---- */
/* A new pty from ptmx_path (master non-blocking); the slave gets the termios and
 * window size of tty_fd when that is a terminal. */
int lx_pty_open(const char *ptmx_path, int tty_fd, int *master, int *slave, struct err *e);
int lx_send_fd(int sock, int fd);
int lx_recv_fd(int sock);

/* ---- proxy_channel.c: the launcher's end of the channel (sandbox/sandbox.h) ---- */
int lx_channel_send_listeners(int channel, int http, int socks, struct err *e);
/* Waits up to ms for the proxy's answer: 0 when it serves, -1 with its reason. */
int lx_channel_wait_ready(int channel, int ms, struct err *e);
/* Ends the run for the proxy and waits up to ms for its summary ("" for none): 1 when
 * it came, 0 when the proxy was gone already (end of file), -1 on an error. */
int lx_channel_finish(int channel, int ms, char *summary, size_t size);

/* ---- netproxy.c: the proxy's listeners in the command's network namespace ---- */
struct lx_proxy {
	int channel;             /* to the proxy; -1: no proxy */
	bool socks;
	bool allow_local_binding;
	unsigned http_port;      /* set by lx_proxy_start */
	unsigned socks_port;     /* 0 without SOCKS5 */
};
/* Loopback up, the listeners on 127.0.0.1, handed to the proxy; returns once the proxy
 * serves them (or fails with the reason). Call in the new network namespace. */
int lx_proxy_start(struct lx_proxy *p, struct err *e);
/* After the command is gone: stops the proxy, prints its summary line, closes. */
void lx_proxy_finish(struct lx_proxy *p);

/* ---- supervise.c ---- */
/* The signals the launcher and init forward to the command. */
void lx_forwarded_signals(sigset_t *set);
/* init: reaps everything, forwards signals to the command's process group, returns
 * the command's status as an exit code (128+N for signal N). */
int lx_init_loop(pid_t command);
/* launcher: forwards signals to child, relays the pty when master >= 0, returns the
 * child's status as an exit code. kill_group: forward to -child too (no init). */
int lx_supervise(pid_t child, int master, bool kill_group);

#endif
