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
 * after init is gone (the sanitizers' leak checker does). The clone is raw, so libc's
 * record of the current thread is the parent's copy (its tid): until it forks or execs,
 * the child must not use what depends on it (raise, abort, pthread_*, anything that
 * takes a lock by thread id). malloc and stdio are fine there because the launcher is
 * single-threaded (a fresh exec that starts no thread), so no lock can be held across
 * the clone; init uses both (mounts.c, warnings on stderr). */
pid_t lx_fork_new_pid_ns(void);
/* The first of open_tree, move_mount, mount_setattr (Linux 5.12) that the kernel lacks,
 * or NULL when it has all three: the mount view needs them. */
const char *lx_mount_api_missing(void);

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
	/* Without user namespaces: the command's own pty (its slave), which Landlock grants
	 * by descriptor (no terminal is readable by path); -1 for none. */
	int own_tty_fd;
	unsigned max_processes;  /* the process cap (0: none), for the printed plan */
	struct lx_mount *mounts;
	size_t n_mounts, cap_mounts;
	struct lx_rule *rules;
	size_t n_rules, cap_rules;
};

#define LX_FS_READ (LL_FS_EXECUTE | LL_FS_READ_FILE | LL_FS_READ_DIR)
#define LX_FS_ALL ((LL_FS_IOCTL_DEV << 1) - 1)
#define LX_FS_FILE_ONLY (LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | \
			 LL_FS_TRUNCATE | LL_FS_IOCTL_DEV)
#define LX_FS_DEVICE (LL_FS_READ_FILE | LL_FS_WRITE_FILE | LL_FS_IOCTL_DEV)

/* Builds the plan for a sandboxed policy from its resolved roots; roots NULL means
 * danger-full-access, which is sandboxed only for its network (the proxy). A MISSING
 * protected path is covered in the mount view only when the launcher created a
 * placeholder for it (its dev/ino are then set). A root protected as a whole
 * (lx_root_protected_whole) gets neither mount nor rule. Without user namespaces,
 * nothing below the `hidden` paths (lx_terminal_mounts) may be read or written but
 * the harmless device nodes and the command's own pty (own_tty_fd, set later by the
 * launcher). lx_plan_free also after an error. */
int lx_plan_build(const struct sandbox_roots *roots, enum sandbox_network net, bool userns,
		  const struct strv *hidden, struct lx_plan *out, struct err *e);
void lx_plan_free(struct lx_plan *p);
/* One line per operation, for --print-plan and the tests. */
void lx_plan_print(const struct lx_plan *p, FILE *f);
const char *lx_mount_kind_str(enum lx_mount_kind k);

/* ---- kmounts.c: the host's mounts; the kernel's interfaces in roots stay read-only ---- */
enum lx_fs_kind {
	LX_FS_STORAGE,   /* files: ext4, tmpfs, overlay, fuse ... */
	LX_FS_KERNEL,    /* an interface to the kernel: proc, sysfs, cgroup, mqueue ... */
	LX_FS_TERMINAL   /* devpts, devtmpfs: terminals (and other devices); a kernel one too */
};

struct lx_mounts {
	struct strv points;      /* mount points, unescaped, in mountinfo order */
	enum lx_fs_kind *kinds;  /* kinds[i] is points.v[i]'s */
	size_t cap_kinds;
};

/* Every mount point of a /proc/self/mountinfo text with its kind. Lines that do not
 * parse, and relative mount points, are skipped. lx_mounts_free also after an error. */
int lx_mounts_parse(const char *text, size_t size, struct lx_mounts *out, struct err *e);
/* The same with the caller's own /proc/self/mountinfo. */
int lx_mounts_read(struct lx_mounts *out, struct err *e);
void lx_mounts_free(struct lx_mounts *m);
/* The kind of the file system path lies on (the longest mount point above it). */
enum lx_fs_kind lx_mounts_fs_of(const struct lx_mounts *m, const char *path);
/* Protects (sandbox_roots_protect) each root that lies on a kernel file system, as a
 * whole, and each topmost kernel mount inside a root. own_proc_dev: the sandbox has
 * its own /proc and /dev (the mount view), so what the host mounts there is no concern
 * inside a root (a root on them still is). */
int lx_protect_kernel_mounts(struct sandbox_roots *roots, const struct lx_mounts *m,
			     bool own_proc_dev, struct err *e);
/* What a command without the mount view must not read: /dev (the plan grants its
 * harmless nodes back) and every devpts or devtmpfs mount elsewhere (a chroot's). */
int lx_terminal_mounts(const struct lx_mounts *m, struct strv *out, struct err *e);
/* Whether a root is protected as a whole (it lies on a kernel file system): it is then
 * no writable root at all. */
bool lx_root_protected_whole(const struct sandbox_root *r);

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

/* ---- fdpass.c: descriptors over a unix socket (SCM_RIGHTS) ---- */
#define LX_FDS_MAX 4
/* One message of len > 0 bytes carrying n <= LX_FDS_MAX descriptors (the caller keeps
 * its copies). 0, or -1 with errno. */
int lx_fds_send(int sock, const void *data, size_t len, const int *fds, size_t n);
/* One message: up to len bytes into data, its descriptors (O_CLOEXEC) into fds, *n of
 * them. Descriptors beyond max, or with a truncated message, are closed. Returns the
 * message length, 0 at end of file, -1 with errno (EMSGSIZE: truncated). */
ssize_t lx_fds_recv(int sock, void *data, size_t len, int *fds, size_t max, size_t *n);

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

/* ---- nproc.c: the process cap of a run ---- */
/* The largest cap: the kernel's own limit on pids (PID_MAX_LIMIT on 64-bit). */
#define LX_MAX_PROCESSES_LIMIT 4194304
struct lx_cap {
	char *cgroup;            /* root: the run's pids cgroup (owned path), or NULL */
	char *home;              /* the launcher's own cgroup, to go back to */
};
enum lx_cap_stage {
	LX_CAP_BEFORE_UNSHARE,   /* root: the pids cgroup (needs the host's root) */
	LX_CAP_AFTER_UNSHARE     /* other users: RLIMIT_NPROC, counted in the new user
				    namespace when userns */
};
/* Caps the launcher and everything it forks from now on at max processes (0: no cap);
 * called at both stages. Where root cannot get a pids cgroup it warns and goes on. */
int lx_cap_processes(struct lx_cap *c, unsigned max, bool userns, enum lx_cap_stage stage,
		     struct err *e);
/* After the run: the launcher leaves its cgroup and removes it. */
void lx_cap_release(struct lx_cap *c);

/* ---- ttyfilter.c: what the relay lets through to the caller's terminal ---- */
/* The longest escape sequence held before it can be judged (a longer CSI or DCS head
 * is dropped, a longer OSC head too; strings are streamed once judged). */
#define LX_TTYF_HOLD 256
/* Room lx_ttyfilter_feed needs for n input bytes, and lx_ttyfilter_restore. */
#define LX_TTYF_OUT(n) (2 * (n) + LX_TTYF_HOLD + 16)
#define LX_TTYF_RESTORE_MAX 512

/* The caller embeds it; no allocation, no I/O. Fields are private to ttyfilter.c. */
struct lx_ttyfilter {
	int state;
	unsigned char hold[LX_TTYF_HOLD];
	size_t n_hold;
	bool utf8;               /* the terminal decodes UTF-8 (C1 only as U+0080..9F) */
	bool c2;                 /* a 0xC2 is pending (a UTF-8 C1 control may follow) */
	unsigned utf8_left;      /* continuation bytes still due */
	bool str_esc;            /* an ESC inside a string: ST or the end of it */
	unsigned long osc;       /* the OSC being passed */
	unsigned long dropped;   /* sequences (and stray bytes) dropped so far */
	/* what the command changed */
	uint32_t dec_changed, ansi_changed;
	unsigned kitty_pushes;
	bool kitty_set, other_keys, keypad, shifted, sgr_dirty, cursor_style, region;
	unsigned charset_changed;
	bool title_pushed;
};

/* A fresh filter; utf8 when the caller's terminal decodes UTF-8 (see lx_tty_utf8). */
void lx_ttyfilter_init(struct lx_ttyfilter *f, bool utf8);
/* Filters n bytes of the command's output (any split of the stream) into out, which has
 * room for LX_TTYF_OUT(n) bytes; returns how many were written. */
size_t lx_ttyfilter_feed(struct lx_ttyfilter *f, const unsigned char *in, size_t n,
			 unsigned char *out);
/* At the end of the run: what ends a string still open and undoes every mode the
 * command changed, into out (LX_TTYF_RESTORE_MAX bytes); the filter is fresh again. */
size_t lx_ttyfilter_restore(struct lx_ttyfilter *f, unsigned char *out);
/* Whether the caller's terminal decodes UTF-8, from the locale variables: yes unless
 * LC_ALL, LC_CTYPE or LANG (the first set) names another character set. */
bool lx_tty_utf8(void);

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
