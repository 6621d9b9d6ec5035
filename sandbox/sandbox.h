/* The sandbox: a policy in, a command run under it out.
 *
 * The policy model is upstream's legacy SandboxPolicy (read-only, workspace-write,
 * danger-full-access) with its JSON form. sandbox_resolve_roots turns a policy and a
 * working directory into the concrete writable roots and the read-only sub-paths
 * protected inside them; the platform code enforces exactly that list.
 *
 * On Linux the command runs under a launcher process: this binary re-executed as
 * `codex-linux-sandbox` (/proc/self/exe) with the policy as JSON. See
 * sandbox/linux/README.md for what it does and in which order. */
#ifndef CODEX_SANDBOX_SANDBOX_H
#define CODEX_SANDBOX_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"
#include "base/strv.h"
#include "config/config.h"
#include "proxy/proxy.h"

/* ---- Policy model ---------------------------------------------------------------- */

/* The policy's type is config's sandbox_mode (read-only, workspace-write,
 * danger-full-access: the JSON and CLI spellings of sandbox_mode_str). */
struct sandbox_policy {
	enum sandbox_mode type;
	struct strv writable_roots;   /* workspace-write: extra absolute roots (owned) */
	bool network_access;          /* read-only and workspace-write */
	bool exclude_tmpdir_env_var;  /* workspace-write: $TMPDIR is not a root */
	bool exclude_slash_tmp;       /* workspace-write: /tmp is not a root */
};

/* Network as the launcher enforces it. */
enum sandbox_network {
	SANDBOX_NET_OFF,    /* own network namespace; AF_UNIX stream sockets only, and no
			       connect/bind/listen: socketpair and pipes work */
	SANDBOX_NET_FULL,   /* the host's network */
	SANDBOX_NET_PROXY   /* own network namespace holding loopback and the proxy's
			       listeners; TCP sockets only, no new AF_UNIX sockets (see
			       struct sandbox_proxy) */
};

/* A policy with no roots and the network off. */
void sandbox_policy_init(struct sandbox_policy *p, enum sandbox_mode type);
void sandbox_policy_free(struct sandbox_policy *p);

const char *sandbox_network_str(enum sandbox_network n);

/* The network mode a policy asks for (danger-full-access and network_access: FULL). */
enum sandbox_network sandbox_policy_network(const struct sandbox_policy *p);

/* Parses upstream's JSON form, e.g.
 *   {"type":"workspace-write","writable_roots":["/data"],"network_access":false,
 *    "exclude_tmpdir_env_var":false,"exclude_slash_tmp":false}
 * Unknown fields, relative roots and more than LIMIT_SANDBOX_WRITABLE_ROOTS roots are
 * errors (a policy we do not fully understand is never run). len is capped by
 * LIMIT_POLICY_JSON_BYTES. On success *out is initialised and owned by the caller
 * (sandbox_policy_free); on error it is left empty and e says what is wrong. */
int sandbox_policy_from_json(const char *json, size_t len, struct sandbox_policy *out,
			     struct err *e);

/* The JSON form (every field written, as upstream serialises it). Caller frees. */
char *sandbox_policy_to_json(const struct sandbox_policy *p, struct err *e);

/* ---- Writable roots and protected sub-paths ---------------------------------------- */

enum sandbox_protect_kind {
	SANDBOX_PROTECT_EXISTING, /* exists (directory or file): read-only */
	SANDBOX_PROTECT_SYMLINK,  /* the name is a symlink: the link itself must stay */
	SANDBOX_PROTECT_MISSING,  /* does not exist and must not be created (.codex in cwd) */
	SANDBOX_PROTECT_PIN       /* a directory on the way to a deeper protected path: stays
				     writable but may be neither renamed nor removed */
};

struct sandbox_protected {
	char *path;            /* absolute, owned; for SYMLINK the link, not its target */
	enum sandbox_protect_kind kind;
	dev_t dev;             /* identity when resolved (0 for MISSING): the launcher */
	ino_t ino;             /* checks it again before mounting over the path */
};

struct sandbox_root {
	char *path;            /* canonical absolute directory (symlinks resolved), owned */
	dev_t dev;
	ino_t ino;
	struct sandbox_protected *prot;
	size_t n_prot, cap_prot;
};

struct sandbox_roots {
	struct sandbox_root *v;
	size_t n, cap;
	struct strv warnings;  /* what the resolution ignored, one line each (e.g. a
				  `commondir` that is not a regular file), for the caller
				  to show */
};

/* The protected names inside every writable root, in the order they are checked. */
extern const char *const sandbox_protected_names[];

/* Computes the writable roots of a workspace-write policy (read-only and
 * danger-full-access give none): the policy's writable_roots, then cwd, then /tmp
 * (unless excluded), then tmpdir (the value of $TMPDIR, may be NULL; unless
 * excluded). Each is canonicalised; missing ones are skipped; duplicates are kept
 * once. Inside each root, `.git`, `.agents` and `.codex` are protected when they
 * exist, plus the directory a `.git` file points to (`gitdir: <path>`) and the
 * target of a protected symlink; `.codex` in cwd's root is protected even when
 * missing. cwd must be an existing absolute directory. The caller frees *out with
 * sandbox_roots_free, also after an error. */
int sandbox_resolve_roots(const struct sandbox_policy *p, const char *cwd, const char *tmpdir,
			  struct sandbox_roots *out, struct err *e);
/* Protects an existing path (read-only) in the deepest root containing it, the root
 * itself included (the whole root is then read-only); a path in no root is read-only
 * already. For what a platform finds on its own (Linux: mounts of the kernel's
 * interfaces, sandbox/linux/kmounts.c). */
int sandbox_roots_protect(struct sandbox_roots *r, const char *path, struct err *e);
void sandbox_roots_free(struct sandbox_roots *r);

/* ---- Proxy-enforced network ---------------------------------------------------------
 *
 * When the network proxy is on, the command reaches the network only through it: the
 * command runs in a network namespace of its own that holds nothing but loopback, and
 * the proxy's listening sockets on 127.0.0.1 there. The launcher creates those sockets
 * inside the namespace and hands them over a channel to the proxy, which runs outside
 * the sandbox (a process of the caller's): it accepts the command's connections there
 * and makes its own from the caller's network. No process of the sandbox relays bytes
 * and no socket file exists. The sequence on the channel (a unix SOCK_SEQPACKET pair
 * from sandbox_proxy_channel):
 *
 *   launcher -> proxy   the listening sockets (HTTP, then SOCKS5 when asked for)
 *   proxy -> launcher   ready, or why the proxy cannot serve them (the command then
 *                       does not run: exit 125 with that message)
 *   launcher -> proxy   end of file: the command and everything it started are gone
 *   proxy -> launcher   the blocked-request summary ("" when nothing was blocked); the
 *                       proxy is done then. The launcher prints
 *                       "codex: network: <summary>" on stderr when there is one.
 *
 * If the launcher dies, the proxy sees end of file and stops (the caller should also
 * tie the proxy's life to the launcher, e.g. with PR_SET_PDEATHSIG). */
struct sandbox_proxy {
	int channel;              /* the launcher's end; borrowed, passed to the launcher */
	bool socks;               /* a SOCKS5 listener too: ALL_PROXY=socks5h://... */
	bool allow_local_binding; /* the command may also listen on and connect to its own
				     loopback (and the proxy may reach local addresses) */
};

/* The longest summary on the channel, with its NUL (five "host:port (reason)" fit). */
#define SANDBOX_PROXY_SUMMARY_MAX 2048

/* A new channel: fds[0] for the proxy, fds[1] for the launcher (both O_CLOEXEC). */
int sandbox_proxy_channel(int fds[2], struct err *e);
/* The proxy side, step 1: waits for the listening sockets (*socks = -1 when only HTTP
 * was asked for); the caller owns them. -1 when the launcher went away first (end of
 * file, e says so) or sent something malformed. */
int sandbox_proxy_take_listeners(int channel, int *http, int *socks, struct err *e);
/* Step 2: failure NULL when the proxy serves the sockets, else what went wrong. */
int sandbox_proxy_ready(int channel, const struct err *failure);
/* Step 4, once the channel became readable (end of file): the summary ("" when nothing
 * was blocked; at most SANDBOX_PROXY_SUMMARY_MAX - 1 bytes are sent). Best effort: a
 * launcher that is gone does not need it. */
void sandbox_proxy_send_summary(int channel, const char *summary);

/* The proxy of one run, forked by the caller (sandbox/proxy_child.c): its policy. */
struct sandbox_net {
	struct proxy_config cfg;      /* policy and upstream proxy (owned) */
	bool socks;                   /* a SOCKS5 listener too */
	const char *audit_path;       /* JSON audit lines appended here, or NULL (borrowed) */
};
void sandbox_net_free(struct sandbox_net *n);
/* Forks the proxy (outside the sandbox, with the caller's network) and returns in
 * *channel the launcher's end of the channel to it (O_CLOEXEC; sandbox_exec,
 * sandbox_run and sandbox_spawn pass it on through struct sandbox_proxy) and in *pid
 * the proxy's process, which exits once the launcher is done with it (the caller
 * reaps it, unless it becomes the launcher itself) and dies with the calling thread
 * (PR_SET_PDEATHSIG). With print_plan no proxy starts (*pid = 0): the launcher only
 * prints its plan. */
int sandbox_net_start(const struct sandbox_net *n, bool print_plan, int *channel, pid_t *pid,
		      struct err *e);
/* The same with a decider for allowlist misses: the proxy holds such a request and asks
 * over ask_fd (proxy.h, "Asking a decider"). ask_fd is a stream socket the child takes
 * a copy of; the caller keeps (and closes) its own. */
int sandbox_net_start_asking(const struct sandbox_net *n, int ask_fd, int *channel, pid_t *pid,
			     struct err *e);

/* Where the command finds the proxy: ports on 127.0.0.1 of its own namespace. */
struct sandbox_proxy_ports {
	unsigned http;            /* HTTP proxy (absolute-form and CONNECT), 1..65535 */
	unsigned socks;           /* SOCKS5, or 0 when off */
	bool allow_local_binding;
};

/* Whether sandbox_proxy_env sets or removes the variable `name` (in any letter case). */
bool sandbox_proxy_env_key(const char *name);

/* Rewrites env ("KEY=VALUE" entries) for a command whose network is the proxy (reference
 * codex-network-proxy.md §7): removes every entry sandbox_proxy_env_key names, in any
 * letter case (the caller's proxy settings never survive), then sets HTTP_PROXY,
 * HTTPS_PROXY, their lower-case forms and the yarn/npm/bundle/pip/docker/websocket keys
 * to http://127.0.0.1:HTTP; ALL_PROXY, all_proxy, FTP_PROXY, ftp_proxy to
 * socks5h://127.0.0.1:SOCKS (or the HTTP URL without SOCKS5); the NO_PROXY keys to ""
 * (or upstream's local list with local binding); ELECTRON_GET_USE_PROXY=true,
 * NODE_USE_ENV_PROXY=1, CODEX_NETWORK_PROXY_ACTIVE=1 and
 * CODEX_NETWORK_ALLOW_LOCAL_BINDING=0|1. */
int sandbox_proxy_env(struct strv *env, const struct sandbox_proxy_ports *p, struct err *e);

/* ---- Running a command ------------------------------------------------------------- */

struct sandbox_command {
	const struct sandbox_policy *policy;
	const char *cwd;       /* the policy's cwd and the command's working directory */
	char *const *argv;     /* argv[0] is looked up in PATH */
	char *const *envp;     /* NULL: the current environment */
	const struct sandbox_proxy *proxy; /* NULL: the policy's network; else the network
				  is the proxy, whatever the policy says (any policy, also
				  danger-full-access, gets its own network namespace) */
	bool print_plan;       /* debugging: print the launcher's plan instead of running */
	long max_processes;    /* processes and threads of the run at most: 0 gives
				  SANDBOX_MAX_PROCESSES_DEFAULT, a negative value no cap */
};

/* The default process cap of a run (config: sandbox_max_processes): far above what real
 * builds reach, far below the host's pid space. The smallest cap the launcher takes is
 * SANDBOX_MAX_PROCESSES_MIN: the sandbox's own processes count too. */
#define SANDBOX_MAX_PROCESSES_DEFAULT 2048
#define SANDBOX_MAX_PROCESSES_MIN 16

/* What happened to a command started with sandbox_run. */
enum sandbox_outcome {
	SANDBOX_RAN,           /* it ran; exit_code is its status (signal N: 128+N) */
	SANDBOX_SETUP_FAILED,  /* the sandbox could not be set up; it did not run */
	SANDBOX_NOT_FOUND,     /* argv[0] was not found */
	SANDBOX_CANNOT_EXEC    /* found but could not be executed */
};
const char *sandbox_outcome_str(enum sandbox_outcome o);

struct sandbox_result {
	enum sandbox_outcome outcome;
	int exit_code;         /* SANDBOX_RAN: 0..255; otherwise the matching EXIT_* code */
	int errnum;            /* the errno of a failed step or exec, else 0 */
	struct err detail;     /* the one-line message for anything but SANDBOX_RAN */
};

/* Runs the command under the policy and waits for it. stdin/stdout/stderr are
 * inherited (a terminal among them gets a pty of its own, relayed by the launcher).
 * The environment gets CODEX_SANDBOX_NETWORK_DISABLED=1 when the network is off, and
 * the proxy variables (sandbox_proxy_env) with a proxy. Returns 0 with *r filled whenever the launcher ran (r->outcome says whether
 * the command did), -1 when the launcher itself could not be started. Call it from
 * a thread that outlives the command: the launcher dies with the thread that forked
 * it (PR_SET_PDEATHSIG), taking the sandboxed tree with it. */
int sandbox_run(const struct sandbox_command *c, struct sandbox_result *r, struct err *e);

/* Starts the command under the policy without waiting for it, for callers that run an
 * event loop (the agent). The launcher gets stdio[0..2] as its stdin, stdout and
 * stderr (borrowed: the caller closes its copies when it likes; a terminal among them
 * gets a pty of its own inside, relayed by the launcher, as with sandbox_run). It runs
 * in a new session, so the caller's terminal signals never reach it; a terminal given
 * as stdin becomes its controlling terminal. kill(-child.pid, sig) reaches the
 * launcher, which forwards SIGINT, SIGTERM, SIGHUP and SIGQUIT to the command and ends
 * the whole sandboxed tree when the command is gone; SIGKILL on the launcher takes the
 * tree down too (its pid namespace, or the parent-death signal without one). The
 * launcher dies with the calling thread (PR_SET_PDEATHSIG). The caller reaps
 * child.pid itself (waitpid, or a pidfd on its loop) and then calls
 * sandbox_child_result. */
struct sandbox_child {
	pid_t pid;             /* the launcher (a process group and session leader) */
	int status_fd;         /* its status record, read by sandbox_child_result (owned) */
};
int sandbox_spawn(const struct sandbox_command *c, const int stdio[3], struct sandbox_child *out,
		  struct err *e);
/* Once child->pid was reaped with wait status `status`: what happened, as sandbox_run
 * reports it (the status record wins over the status). Closes child->status_fd. */
void sandbox_child_result(struct sandbox_child *child, int status, struct sandbox_result *r);

/* Replaces the calling process with the launcher (or, for danger-full-access, with the
 * command itself). Returns -1 only when that exec failed. The launcher then reports
 * errors itself ("codex: error: ...") and exits with the EXIT_* codes of err.h. */
int sandbox_exec(const struct sandbox_command *c, struct err *e);

/* The `codex-linux-sandbox` role (argv[0]); never returns to a caller that expects
 * more than an exit status. Usage in sandbox/linux/launcher.c. */
int sandbox_launcher_main(int argc, char **argv);

#endif
