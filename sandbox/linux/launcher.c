/* The `codex-linux-sandbox` role:
 *
 *   codex-linux-sandbox --sandbox-policy JSON [--sandbox-policy-cwd DIR]
 *                       [--command-cwd DIR] [--status-fd N] [--print-plan]
 *                       [--proxy-fd N [--proxy-socks] [--allow-local-binding]]
 *                       [--max-processes N] [--] COMMAND [ARGS...]
 *
 * --sandbox-policy      upstream's SandboxPolicy JSON (sandbox/sandbox.h)
 * --sandbox-policy-cwd  the directory the policy is relative to (default: cwd)
 * --command-cwd         where the command runs (default: the policy cwd)
 * --status-fd N         a failure to set up or to exec is written to fd N as one
 *                       record (status.c) instead of being printed; exit codes are
 *                       the same either way
 * --print-plan          print the mount/Landlock/seccomp plan and exit (debugging)
 * --proxy-fd N          the network is the proxy, whatever the policy says: N is the
 *                       launcher's end of the channel to it (sandbox/sandbox.h); the
 *                       command gets the proxy variables (sandbox_proxy_env)
 * --proxy-socks         a SOCKS5 listener too (ALL_PROXY=socks5h://...)
 * --allow-local-binding the command may also listen on and connect to its own loopback
 * --max-processes N     processes and threads of the run at most (nproc.c); 0: no cap;
 *                       default SANDBOX_MAX_PROCESSES_DEFAULT
 *
 * Exit status: the command's (signal N: 128+N); 125 when the sandbox could not be set
 * up (bad arguments or policy, a failed step); 127 command not found; 126 found but
 * not executable. The environment is passed to the command unchanged, except for the
 * proxy variables in proxy mode. */
#include "sandbox/linux/linux_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/file.h"

/* A placeholder for a missing protected `.codex` is an empty directory of exactly this
 * mode: it tells a later run that a sandbox made it (and may remove it when empty). */
#define PLACEHOLDER_MODE 0400
/* Attempts at creating and locking the placeholder while other runs remove theirs. */
#define PLACEHOLDER_TRIES 16

struct launch {
	const char *policy_json;
	const char *policy_cwd;
	const char *command_cwd;
	char *policy_cwd_abs;     /* canonical forms of the two (owned) */
	char *command_cwd_abs;
	int status_fd;            /* -1: print errors ourselves */
	bool print_plan;
	char **argv;              /* the command */
	struct lx_proxy proxy;    /* channel -1: no proxy */
	unsigned max_processes;   /* the process cap, 0: none */
	struct lx_cap cap;
	struct strv env;          /* proxy mode: the command's environment */

	struct sandbox_policy policy;
	struct sandbox_roots roots;
	struct lx_plan plan;
	int abi;                  /* Landlock ABI, 0 = none */
	bool pty;                 /* a terminal among stdin/stdout/stderr */
	int status_pipe[2];       /* children -> launcher, O_CLOEXEC */
	int alive_pipe[2];        /* launcher holds [1]; init sees POLLHUP when it dies */
	int fd_sock[2];           /* init -> launcher: the pty master */
	struct placeholder {      /* .codex placeholders, each locked shared while we run */
		int fd;
		const char *path; /* borrowed from roots */
	} *ph;
	size_t n_ph;
};

/* ---- reporting ---- */

/* Reports a failure the way the caller asked, and returns the exit code. */
static int report(const struct launch *l, enum lx_failure kind, int errnum, const char *msg)
{
	struct lx_status st;
	struct sandbox_result r;

	if (l->status_fd >= 0) {
		lx_status_send(l->status_fd, kind, errnum, msg);
	} else {
		memset(&st, 0, sizeof st);
		st.kind = kind;
		st.errnum = errnum;
		snprintf(st.msg, sizeof st.msg, "%s", msg);
		memset(&r, 0, sizeof r);
		lx_status_to_result(&st, l->argv && l->argv[0] ? l->argv[0] : "", &r);
		err_print("codex", &r.detail);
	}
	if (kind == LX_FAIL_SETUP)
		return EXIT_SANDBOX_SETUP;
	return errnum == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
}

static int report_err(const struct launch *l, const struct err *e)
{
	return report(l, LX_FAIL_SETUP, e->errnum, e->msg);
}

/* In a forked child: tell the launcher and leave. */
static void child_fail(const struct launch *l, enum lx_failure kind, int errnum,
		       const char *msg)
{
	lx_status_send(l->status_pipe[1], kind, errnum, msg);
	_exit(kind == LX_FAIL_SETUP ? EXIT_SANDBOX_SETUP
				    : errnum == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

/* A failed setup step, with the errno it recorded. */
static void child_fail_err(const struct launch *l, const struct err *e)
{
	child_fail(l, LX_FAIL_SETUP, e->errnum, e->msg);
}

/* ---- arguments ---- */

static int parse_max_processes(const char *value, unsigned *out, struct err *e)
{
	char *end;
	unsigned long n = strtoul(value, &end, 10);

	if (*end || end == value || value[0] == '-' || n > LX_MAX_PROCESSES_LIMIT ||
	    (n != 0 && n < SANDBOX_MAX_PROCESSES_MIN))
		return err_set(e, "--max-processes: '%s' is not 0 or a number from %d to %d", value,
			       SANDBOX_MAX_PROCESSES_MIN, LX_MAX_PROCESSES_LIMIT);
	*out = (unsigned)n;
	return 0;
}

/* An inherited descriptor named on the command line; the command must not inherit it
 * in turn. */
static int parse_fd(const char *flag, const char *value, int *out, struct err *e)
{
	char *end;
	long fd = strtol(value, &end, 10);

	if (*end || end == value || fd < 0 || fd > INT_MAX || fcntl((int)fd, F_GETFD) < 0)
		return err_set(e, "%s: '%s' is not an open descriptor", flag, value);
	*out = (int)fd;
	(void)fcntl(*out, F_SETFD, FD_CLOEXEC); /* it is open: this cannot fail */
	return 0;
}

static int parse_args(struct launch *l, int argc, char **argv, struct err *e)
{
	const struct {
		const char *flag;
		bool *value;
	} switches[] = {
		{"--print-plan", &l->print_plan},
		{"--proxy-socks", &l->proxy.socks},
		{"--allow-local-binding", &l->proxy.allow_local_binding},
	};
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		int *fd_slot = NULL;
		bool matched = false;

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		for (size_t k = 0; k < sizeof switches / sizeof switches[0]; k++)
			if (strcmp(a, switches[k].flag) == 0)
				matched = *switches[k].value = true;
		if (matched)
			continue;
		if (strcmp(a, "--sandbox-policy") == 0)
			slot = &l->policy_json;
		else if (strcmp(a, "--sandbox-policy-cwd") == 0)
			slot = &l->policy_cwd;
		else if (strcmp(a, "--command-cwd") == 0)
			slot = &l->command_cwd;
		else if (strcmp(a, "--status-fd") == 0)
			fd_slot = &l->status_fd;
		else if (strcmp(a, "--proxy-fd") == 0)
			fd_slot = &l->proxy.channel;
		else if (strcmp(a, "--max-processes") == 0) {
			if (i + 1 >= argc)
				return err_set(e, "%s needs a value", a);
			if (parse_max_processes(argv[++i], &l->max_processes, e) < 0)
				return -1;
			continue;
		} else if (a[0] == '-')
			return err_set(e, "unknown option '%s'", a);
		else
			break; /* the command starts here */
		if (i + 1 >= argc)
			return err_set(e, "%s needs a value", a);
		if (slot)
			*slot = argv[++i];
		else if (parse_fd(a, argv[++i], fd_slot, e) < 0)
			return -1;
	}
	l->argv = argv + i;
	if (!l->policy_json)
		return err_set(e, "missing sandbox policy configuration (--sandbox-policy)");
	if (!l->argv[0] && !l->print_plan)
		return err_set(e, "No command specified to execute.");
	if (l->proxy.channel < 0 && (l->proxy.socks || l->proxy.allow_local_binding))
		return err_set(e, "--proxy-socks and --allow-local-binding need --proxy-fd");
	return 0;
}

/* ---- the placeholder for a missing .codex ---- */

static bool is_placeholder(const struct stat *st)
{
	return S_ISDIR(st->st_mode) && (st->st_mode & 07777) == PLACEHOLDER_MODE;
}

/* Joins the placeholder at pr->path, creating it first when create is set, and holds a
 * shared lock on it for the run. A placeholder whose identity changes under us (another
 * run removed it between our open and our lock) is retried. If the directory cannot be
 * created because its parent does not allow it, the command cannot create it either:
 * nothing to do. Without create, a placeholder that is gone needs nothing either. */
static int placeholder_take(struct launch *l, struct sandbox_protected *pr, bool create,
			    struct err *e)
{
	for (int tries = 0; tries < PLACEHOLDER_TRIES; tries++) {
		struct stat fst, lst;
		int fd;

		if (create && mkdir(pr->path, PLACEHOLDER_MODE) < 0 && errno != EEXIST) {
			if (errno == EACCES || errno == EPERM || errno == EROFS)
				return 0;
			return err_sys(e, errno, "cannot create the placeholder %s", pr->path);
		}
		fd = open(pr->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && !create) {
			pr->kind = SANDBOX_PROTECT_MISSING;
			pr->dev = 0;
			pr->ino = 0;
			return 0;
		}
		if (fd < 0 && errno == EACCES && lstat(pr->path, &lst) == 0 && is_placeholder(&lst)) {
			/* Another user's (mode 0400, in a shared root such as /tmp): it cannot
			 * be joined, but neither can it be removed by anyone but its owner's
			 * last run; protected as it is. */
			pr->kind = SANDBOX_PROTECT_EXISTING;
			pr->dev = lst.st_dev;
			pr->ino = lst.st_ino;
			return 0;
		}
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			return err_sys(e, errno, "cannot protect %s", pr->path);
		}
		if (flock(fd, LOCK_SH) < 0) {
			int saved = errno;
			close(fd);
			return err_sys(e, saved, "cannot lock %s", pr->path);
		}
		if (fstat(fd, &fst) == 0 && lstat(pr->path, &lst) == 0 &&
		    fst.st_dev == lst.st_dev && fst.st_ino == lst.st_ino) {
			if (!is_placeholder(&fst)) {
				/* Someone made a real .codex meanwhile: protect it as such. */
				close(fd);
				pr->kind = SANDBOX_PROTECT_EXISTING;
			} else {
				l->ph[l->n_ph].fd = fd;
				l->ph[l->n_ph].path = pr->path;
				l->n_ph++;
			}
			pr->dev = fst.st_dev;
			pr->ino = fst.st_ino;
			return 0;
		}
		close(fd);
	}
	return err_set(e, "cannot protect %s: it keeps changing", pr->path);
}

/* The last run using a placeholder removes it (rmdir: only if still empty). */
static void placeholders_release(struct launch *l)
{
	for (size_t i = 0; i < l->n_ph; i++) {
		struct placeholder *p = &l->ph[i];
		struct stat fst, lst;

		if (flock(p->fd, LOCK_EX | LOCK_NB) == 0 && fstat(p->fd, &fst) == 0 &&
		    lstat(p->path, &lst) == 0 && fst.st_dev == lst.st_dev &&
		    fst.st_ino == lst.st_ino && is_placeholder(&lst))
			(void)rmdir(p->path); /* ENOTEMPTY: someone outside uses it now */
		close(p->fd);
	}
	free(l->ph);
	l->ph = NULL;
	l->n_ph = 0;
}

/* Whether pr is a `.codex` (the only name a placeholder is made for). */
static bool is_codex(const struct sandbox_protected *pr)
{
	const char *slash = strrchr(pr->path, '/');

	return slash && strcmp(slash + 1, ".codex") == 0;
}

/* Only the cwd's .codex can be MISSING. What the resolution saw of a .codex may be stale
 * by now: runs in the same workspace make and remove placeholders concurrently. So every
 * .codex that is missing or a placeholder now is taken (created or joined, and locked)
 * here, where it is stable from then on; a leftover placeholder (a run killed with
 * SIGKILL) is treated the same, so the next run cleans it up. A .codex outside the cwd's
 * root that vanished needs nothing (only the cwd's is protected when missing). */
static int placeholders_prepare(struct launch *l, struct err *e)
{
	/* At most one .codex per root. */
	l->ph = calloc(l->roots.n + 1, sizeof *l->ph);
	if (!l->ph)
		return err_set(e, "out of memory");
	for (size_t i = 0; i < l->roots.n; i++) {
		bool cwd_root = strcmp(l->roots.v[i].path, l->policy_cwd_abs) == 0;

		if (lx_root_protected_whole(&l->roots.v[i]))
			continue; /* read-only as a whole: nothing to create in it */
		for (size_t j = 0; j < l->roots.v[i].n_prot; j++) {
			struct sandbox_protected *pr = &l->roots.v[i].prot[j];
			struct stat st;
			bool gone, placeholder;

			if (!is_codex(pr) || (pr->kind != SANDBOX_PROTECT_MISSING &&
					      pr->kind != SANDBOX_PROTECT_EXISTING))
				continue;
			gone = lstat(pr->path, &st) < 0 && errno == ENOENT;
			placeholder = !gone && is_placeholder(&st);
			if (pr->kind == SANDBOX_PROTECT_EXISTING && !gone && !placeholder)
				continue; /* the user's own .codex */
			if (placeholder_take(l, pr, cwd_root, e) < 0)
				return -1;
		}
	}
	return 0;
}

/* ---- the command (last process) ---- */

/* Directories and O_PATH descriptors among stdin/stdout/stderr would let the
 * command open paths relative to them, outside the mount view: they become
 * /dev/null. Everything above 2 is closed at exec. */
static int sanitize_fds(struct err *e)
{
	for (int fd = 0; fd <= 2; fd++) {
		struct stat st;
		int fl = fcntl(fd, F_GETFL), null;

		if (fl < 0)
			continue; /* closed: leave it closed */
		if (!(fl & O_PATH) && fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
			continue;
		null = open("/dev/null", O_RDWR | O_CLOEXEC);
		/* codex-lint: no-cloexec: the command's stdio, kept across its exec */
		if (null < 0 || dup2(null, fd) < 0)
			return err_sys(e, errno, "cannot replace descriptor %d with /dev/null", fd);
		close(null);
	}
	if (lx_close_range_cloexec(3) < 0) {
		/* Before Linux 5.11: mark them one by one. */
		long max = sysconf(_SC_OPEN_MAX);
		for (long fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
			(void)fcntl((int)fd, F_SETFD, FD_CLOEXEC); /* EBADF for the unused ones */
	}
	return 0;
}

static void run_command(const struct launch *l, int slave, pid_t launcher)
{
	struct err e;
	sigset_t none;

	err_clear(&e);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (!l->plan.userns) {
		/* No pid namespace to take us down with the launcher. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != launcher)
			_exit(EXIT_SANDBOX_SETUP);
	}
	/* A session of its own: no controlling terminal but the one given here. */
	if (setsid() < 0)
		child_fail(l, LX_FAIL_SETUP, errno, "cannot start a new session");
	if (slave >= 0) {
		if (ioctl(slave, TIOCSCTTY, 0) < 0)
			child_fail(l, LX_FAIL_SETUP, errno, "cannot attach the pty");
		for (int fd = 0; fd <= 2; fd++) /* codex-lint: no-cloexec: the command's stdio */
			if (isatty(fd) && dup2(slave, fd) < 0)
				child_fail(l, LX_FAIL_SETUP, errno, "cannot attach the pty");
		/* Kept for Landlock (plan.own_tty_fd), which grants the pty by descriptor;
		 * close-on-exec. */
	}
	if (sanitize_fds(&e) < 0)
		child_fail_err(l, &e);
	if (chdir(l->command_cwd_abs) < 0) {
		err_sys(&e, errno, "cannot change to %s", l->command_cwd_abs);
		child_fail_err(l, &e);
	}
	if (lx_drop_privileges(&e) < 0)
		child_fail_err(l, &e);
	if (l->abi > 0 && lx_landlock_apply(&l->plan, l->abi, &e) < 0)
		child_fail_err(l, &e);
	if (lx_seccomp_apply(&l->plan, &e) < 0)
		child_fail_err(l, &e);
	if (slave >= 0)
		close(slave);
	execvpe(l->argv[0], l->argv, l->env.v ? l->env.v : environ);
	child_fail(l, LX_FAIL_EXEC, errno, l->argv[0]);
}

/* ---- init (pid 1 of the new pid namespace) ---- */

static void run_init(struct launch *l)
{
	struct err e;
	struct pollfd alive;
	int master = -1, slave = -1, tty = isatty(0) ? 0 : isatty(1) ? 1 : 2;
	pid_t command;

	err_clear(&e);
	close(l->alive_pipe[1]);
	if (l->status_fd >= 0)
		close(l->status_fd); /* only the launcher answers the caller */
	if (l->proxy.channel >= 0)
		close(l->proxy.channel); /* only the launcher talks to the proxy */
	/* Our descriptors were opened before the mount view existed and point into the
	 * host's mounts: the placeholder's directory (the launcher's copy keeps the lock)
	 * and the caller's stdio. Reopened through /proc/1/fd they would lead out of the
	 * view (chmod the directory, walk up from it). Landlock keeps the command from
	 * looking into us, but it may be missing: not dumpable closes /proc/1/fd, exe,
	 * environ and pidfd_getfd to a process without CAP_SYS_PTRACE, which the command
	 * never has. Its own exec makes it dumpable again. */
	for (size_t i = 0; i < l->n_ph; i++)
		close(l->ph[i].fd);
	l->n_ph = 0;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		child_fail(l, LX_FAIL_SETUP, errno, "cannot make init non-dumpable");
	/* Die with the launcher; if it is gone already, the pipe says so. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		child_fail(l, LX_FAIL_SETUP, errno, "cannot set the parent-death signal");
	alive.fd = l->alive_pipe[0];
	alive.events = POLLIN;
	if (poll(&alive, 1, 0) != 0)
		_exit(EXIT_SANDBOX_SETUP);
	/* Out of the caller's process group: a ^C sent to the group reaches the launcher,
	 * which forwards it to us, and must not reach us a second time directly (the
	 * command would see two). */
	if (setsid() < 0)
		child_fail(l, LX_FAIL_SETUP, errno, "cannot start a new session for init");
	if (unshare(CLONE_NEWNS) < 0)
		child_fail(l, LX_FAIL_SETUP, errno, "cannot create a mount namespace");
	if (lx_mounts_apply(&l->plan, &e) < 0)
		child_fail_err(l, &e);
	/* Init's own cwd would otherwise stay in the old view (/proc/1/cwd). */
	if (chdir("/") < 0)
		child_fail(l, LX_FAIL_SETUP, errno, "cannot change to /");
	if (l->pty) {
		if (lx_pty_open("/dev/pts/ptmx", tty, &master, &slave, &e) < 0)
			child_fail_err(l, &e);
		if (lx_fds_send(l->fd_sock[1], "m", 1, &master, 1) < 0)
			child_fail(l, LX_FAIL_SETUP, errno, "cannot hand the pty to the launcher");
		close(master);
	}
	/* Init needs no privilege from here on; the command inherits the drop. */
	if (lx_drop_privileges(&e) < 0)
		child_fail_err(l, &e);
	command = fork();
	if (command < 0)
		child_fail(l, LX_FAIL_SETUP, errno, "cannot fork the command");
	if (command == 0)
		run_command(l, slave, 0);
	close(l->status_pipe[1]);
	if (slave >= 0)
		close(slave);
	_exit(lx_init_loop(command));
}

/* ---- the launcher ---- */

static void launch_free(struct launch *l)
{
	placeholders_release(l);
	lx_cap_release(&l->cap);
	if (l->proxy.channel >= 0)
		close(l->proxy.channel); /* the proxy sees end of file and stops */
	strv_free(&l->env);
	lx_plan_free(&l->plan);
	sandbox_roots_free(&l->roots);
	sandbox_policy_free(&l->policy);
	free(l->policy_cwd_abs);
	free(l->command_cwd_abs);
	for (int i = 0; i < 2; i++) {
		if (l->status_pipe[i] >= 0)
			close(l->status_pipe[i]);
		if (l->alive_pipe[i] >= 0)
			close(l->alive_pipe[i]);
		if (l->fd_sock[i] >= 0)
			close(l->fd_sock[i]);
	}
}

/* Danger-full-access: no sandbox, the command replaces us. */
static int run_unsandboxed(struct launch *l)
{
	if (chdir(l->command_cwd_abs) < 0) {
		struct err e;
		err_sys(&e, errno, "cannot change to %s", l->command_cwd_abs);
		return report_err(l, &e);
	}
	execvp(l->argv[0], l->argv);
	return report(l, LX_FAIL_EXEC, errno, l->argv[0]);
}

/* The kernel's file systems (kmounts.c): those inside roots are protected, a root on
 * one is no root (said once on stderr), and without the mount view the terminals' are
 * hidden (lx_terminal_mounts). */
static int kernel_file_systems(struct launch *l, bool mount_view, struct strv *hidden,
			       struct err *e)
{
	struct lx_mounts m;
	int rc = -1;

	if (lx_mounts_read(&m, e) < 0 || lx_protect_kernel_mounts(&l->roots, &m, mount_view, e) < 0 ||
	    (!mount_view && lx_terminal_mounts(&m, hidden, e) < 0))
		goto out;
	for (size_t i = 0; i < l->roots.n; i++)
		if (lx_root_protected_whole(&l->roots.v[i]))
			fprintf(stderr, "codex: warning: %s is on a kernel file system; it stays "
					"read-only\n", l->roots.v[i].path);
	rc = 0;
out:
	lx_mounts_free(&m);
	return rc;
}

/* User, ipc (and net) namespaces, or the reason there are none (*why: 0 when entered):
 * -1 to go on, or the exit code when the sandbox cannot be had at all. */
static int enter_namespaces(struct launch *l, enum sandbox_network net, bool full_disk,
			    int *why)
{
	char lacks[256], msg[ERR_MSG_MAX];
	const char *missing;
	uid_t uid = geteuid(); /* before unshare: inside, unmapped, it reads as overflow */
	gid_t gid = getegid();
	struct err e;

	/* The mount view needs the new mount API (Linux 5.12); without it the sandbox is
	 * what it is without user namespaces. (danger-full-access with the proxy mounts
	 * only a /proc, the old way.) */
	missing = full_disk ? NULL : lx_mount_api_missing();
	*why = missing ? ENOSYS : lx_unshare(net) < 0 ? errno : 0;
	if (missing)
		snprintf(lacks, sizeof lacks, "the kernel lacks %s (Linux 5.12 or later)", missing);
	else if (*why)
		snprintf(lacks, sizeof lacks, "user namespaces are not available (%s)",
			 strerror(*why));
	else if (lx_write_id_maps(uid, gid, &e) < 0)
		return report_err(l, &e);
	else
		return -1;
	if (net == SANDBOX_NET_PROXY) {
		/* Landlock can name ports but not addresses, and seccomp neither: without a
		 * network namespace nothing keeps the command from the rest of the world. */
		snprintf(msg, sizeof msg, "cannot enforce the network proxy: it needs a network "
					  "namespace of the command's own, and %s", lacks);
		return report(l, LX_FAIL_SETUP, *why, msg);
	}
	if (l->abi == 0) {
		snprintf(msg, sizeof msg,
			 "cannot sandbox the command: %s and neither is Landlock; refusing to run "
			 "it unsandboxed (use --sandbox danger-full-access to do that)", lacks);
		return report(l, LX_FAIL_SETUP, *why, msg);
	}
	fprintf(stderr, "codex: warning: %s; sandboxing with Landlock and seccomp only%s\n", lacks,
		!full_disk && geteuid() == 0
			? " (as root: file modes, owners, times and extended attributes cannot be "
			  "changed)"
			: "");
	return -1;
}

/* Everything before the fork: policy, roots, namespaces, plan. Returns 0 to go on,
 * or the exit code. */
static int prepare(struct launch *l)
{
	struct err e;
	struct stat st;
	enum sandbox_network net;
	struct strv hidden = STRV_INIT;
	const char *pc, *cc;
	bool full_disk;
	int why = 0, rc;

	err_clear(&e);
	if (sandbox_policy_from_json(l->policy_json, strlen(l->policy_json), &l->policy, &e) < 0)
		return report_err(l, &e);
	/* Absolute from here on: the command's chdir happens in the new mount view, where
	 * a relative "." would still point into the old one. */
	pc = l->policy_cwd ? l->policy_cwd : ".";
	cc = l->command_cwd ? l->command_cwd : pc;
	l->policy_cwd_abs = realpath(pc, NULL);
	why = l->policy_cwd_abs ? 0 : errno;
	if (!why) {
		l->command_cwd_abs = realpath(cc, NULL);
		why = !l->command_cwd_abs ? errno
		      : stat(l->command_cwd_abs, &st) < 0 ? errno
		      : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
		pc = cc;
	}
	if (why) {
		err_sys(&e, why, "cannot use %s as the working directory", pc);
		return report_err(l, &e);
	}
	full_disk = l->policy.type == SANDBOX_MODE_DANGER_FULL_ACCESS;
	if (full_disk && l->proxy.channel < 0) {
		if (!l->print_plan)
			return run_unsandboxed(l);
		printf("no sandbox (danger-full-access)\n");
		fflush(stdout);
		return EXIT_OK;
	}
	if (!full_disk && sandbox_resolve_roots(&l->policy, l->policy_cwd_abs, getenv("TMPDIR"),
						&l->roots, &e) < 0)
		return report_err(l, &e);
	for (size_t i = 0; i < l->roots.warnings.n; i++)
		fprintf(stderr, "codex: warning: %s\n", l->roots.warnings.v[i]);
	net = l->proxy.channel >= 0 ? SANDBOX_NET_PROXY : sandbox_policy_network(&l->policy);
	l->abi = lx_landlock_abi();
	if (!l->print_plan &&
	    lx_cap_processes(&l->cap, l->max_processes, true, LX_CAP_BEFORE_UNSHARE, &e) < 0)
		return report_err(l, &e);
	if ((rc = enter_namespaces(l, net, full_disk, &why)) >= 0)
		return rc;
	if (!l->print_plan &&
	    lx_cap_processes(&l->cap, l->max_processes, why == 0, LX_CAP_AFTER_UNSHARE, &e) < 0)
		return report_err(l, &e);
	if (!full_disk && (kernel_file_systems(l, why == 0, &hidden, &e) < 0 ||
			   (why == 0 && placeholders_prepare(l, &e) < 0))) {
		strv_free(&hidden);
		return report_err(l, &e);
	}
	rc = lx_plan_build(full_disk ? NULL : &l->roots, net, why == 0, &hidden, &l->plan, &e);
	strv_free(&hidden);
	if (rc < 0)
		return report_err(l, &e);
	l->plan.allow_local_binding = l->proxy.allow_local_binding;
	l->plan.max_processes = l->max_processes;
	l->plan.host_root = why != 0 && !full_disk && geteuid() == 0;
	if (l->print_plan) {
		lx_plan_print(&l->plan, stdout);
		fflush(stdout);
		return EXIT_OK;
	}
	return -1;
}

/* Proxy mode, after prepare (we are in the new network namespace): the proxy's
 * listeners, the ports Landlock grants, the command's environment. */
static int start_proxy(struct launch *l, struct err *e)
{
	struct sandbox_proxy_ports ports;

	if (lx_proxy_start(&l->proxy, e) < 0)
		return -1;
	l->plan.proxy_ports[l->plan.n_proxy_ports++] = l->proxy.http_port;
	if (l->proxy.socks_port)
		l->plan.proxy_ports[l->plan.n_proxy_ports++] = l->proxy.socks_port;
	for (size_t i = 0; environ && environ[i]; i++)
		if (strv_push(&l->env, environ[i]) < 0)
			return err_set(e, "out of memory");
	ports.http = l->proxy.http_port;
	ports.socks = l->proxy.socks_port;
	ports.allow_local_binding = l->proxy.allow_local_binding;
	return sandbox_proxy_env(&l->env, &ports, e);
}

int sandbox_launcher_main(int argc, char **argv)
{
	struct launch l;
	struct lx_status st;
	struct err e;
	sigset_t block;
	pid_t child, self = getpid();
	int master = -1, slave = -1, rc, got;

	memset(&l, 0, sizeof l);
	l.status_fd = -1;
	l.max_processes = SANDBOX_MAX_PROCESSES_DEFAULT;
	l.proxy.channel = -1;
	for (int i = 0; i < 2; i++)
		l.status_pipe[i] = l.alive_pipe[i] = l.fd_sock[i] = -1;
	err_clear(&e);
	if (parse_args(&l, argc, argv, &e) < 0) {
		rc = report_err(&l, &e);
		goto out;
	}
	rc = prepare(&l);
	if (rc >= 0)
		goto out;
	if (l.proxy.channel >= 0 && start_proxy(&l, &e) < 0) {
		rc = report_err(&l, &e);
		goto out;
	}

	l.pty = isatty(0) || isatty(1) || isatty(2);
	if (pipe2(l.status_pipe, O_CLOEXEC) < 0 || pipe2(l.alive_pipe, O_CLOEXEC) < 0 ||
	    (l.pty && l.plan.userns &&
	     socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, l.fd_sock) < 0)) {
		rc = report(&l, LX_FAIL_SETUP, errno, "cannot create the launcher's pipes");
		goto out;
	}
	/* Signals wait until the loops below take them synchronously. */
	lx_forwarded_signals(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGWINCH);
	sigprocmask(SIG_BLOCK, &block, NULL);
	signal(SIGPIPE, SIG_IGN); /* a caller that stops reading is handled in the relay */
	if (!l.plan.userns) {
		/* No init: orphans of the command come back to us, to be killed at the end. */
		(void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
		if (l.pty && lx_pty_open("/dev/ptmx", isatty(0) ? 0 : isatty(1) ? 1 : 2, &master,
					 &slave, &e) < 0) {
			rc = report_err(&l, &e);
			goto out;
		}
		l.plan.own_tty_fd = slave;
	}
	child = l.plan.userns ? lx_fork_new_pid_ns() : fork();
	if (child < 0) {
		rc = report(&l, LX_FAIL_SETUP, errno, "cannot fork");
		goto out;
	}
	if (child == 0) {
		close(l.status_pipe[0]);
		if (l.fd_sock[0] >= 0)
			close(l.fd_sock[0]);
		if (l.plan.userns)
			run_init(&l);
		if (master >= 0)
			close(master);
		run_command(&l, slave, self);
	}
	close(l.status_pipe[1]);
	l.status_pipe[1] = -1;
	close(l.alive_pipe[0]);
	l.alive_pipe[0] = -1;
	if (l.fd_sock[1] >= 0) {
		close(l.fd_sock[1]);
		l.fd_sock[1] = -1;
	}
	if (slave >= 0) {
		close(slave); /* the command has it now */
		slave = -1;
	}
	got = lx_status_recv(l.status_pipe[0], &st);
	if (got != 0) {
		waitpid(child, NULL, 0);
		rc = got > 0 ? report(&l, (enum lx_failure)st.kind, st.errnum, st.msg)
			     : report(&l, LX_FAIL_SETUP, errno, "lost contact with the sandbox");
		goto out;
	}
	if (l.pty && l.plan.userns) {
		char byte;
		size_t n;
		if (lx_fds_recv(l.fd_sock[0], &byte, 1, &master, 1, &n) != 1 || n != 1)
			master = -1; /* no relay: the command still runs, its output unseen */
	}
	rc = lx_supervise(child, master, !l.plan.userns);
	/* The command and its pid namespace are gone: the proxy can stop and report. */
	lx_proxy_finish(&l.proxy);
out:
	if (master >= 0)
		close(master);
	if (slave >= 0)
		close(slave);
	launch_free(&l);
	return rc;
}
