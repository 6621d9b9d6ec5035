/* The network proxy: an HTTP/1.1 forward proxy (absolute-form and CONNECT) and a SOCKS5
 * proxy (RFC 1928, no authentication, CONNECT and UDP ASSOCIATE) sharing one domain
 * policy, run by a single-threaded epoll loop. This is the module's only public header.
 *
 * Use, standalone or embedded (the sandbox wrapper):
 *
 *	struct proxy_options o;
 *	proxy_options_init(&o);              // defaults; then set listeners and policy
 *	o.unix_path = "/run/x/proxy.sock";
 *	proxy_new(&o, &px, &e);              // binds every listener, or fails with nothing bound
 *	proxy_ready_json(px, &line);         // {"http":"127.0.0.1:PORT",...}: the actual addresses
 *	proxy_run(px, stop_fd, &e);          // serves until stop_fd is readable (a pidfd, a pipe),
 *	                                     // SIGTERM/SIGINT (with handle_signals) or proxy_stop
 *	proxy_blocked_summary(px, &text);    // "blocked 2 requests: a.com:443 (not allowed), ..."
 *	proxy_free(px);
 *
 * Embedded on the caller's loop (the agent: one proxy, listeners per sandboxed command):
 *
 *	o.loop = my_loop;                    // the proxy registers its fds and timers there
 *	proxy_new(&o, &px, &e);              // no listener needed yet
 *	id = proxy_add_listener(px, fd, PROXY_LISTENER_HTTP, &e);  // a command's socket
 *	...                                  // the caller runs its loop; on_record gets
 *	                                     // every decision with the listener's id
 *	proxy_remove_listener(px, id);       // the command ended: its connections close
 *	proxy_free(px);                      // before the caller frees its loop
 *
 * Ownership: proxy_options only borrows its strings for the duration of proxy_new (the
 * proxy copies what it keeps); it takes over http_fd, socks_fd and every fd given to
 * proxy_add_listener. Policy decisions classify the *resolved* socket address the proxy
 * will connect to, never the host text. Everything runs on the loop's thread, except
 * name resolution (a small internal thread pool). */
#ifndef CODEX_PROXY_PROXY_H
#define CODEX_PROXY_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/strv.h"
#include "config/config.h"

struct loop;

/* Why a request was allowed or blocked. Stable: never renumbered (the values appear in
 * audit lines as strings, see proxy_reason_str). */
enum proxy_reason {
	PROXY_REASON_ALLOW = 0,          /* "allow" */
	PROXY_REASON_DENIED,             /* "denied": denylist match */
	PROXY_REASON_NOT_ALLOWED,        /* "not_allowed": no allowlist match */
	PROXY_REASON_NOT_ALLOWED_LOCAL,  /* "not_allowed_local": local/private address, or DNS failed */
	PROXY_REASON_METHOD_NOT_ALLOWED, /* "method_not_allowed": limited mode */
	PROXY_REASON_UPSTREAM_FAILURE,   /* "upstream_failure": allowed, but the connect failed */
	PROXY_REASON_BAD_REQUEST,        /* "bad_request": malformed request, refused before policy */
	PROXY_REASON_OVERLOADED          /* "overloaded": connection cap reached */
};

/* "allow", "denied", "not_allowed", ... (the upstream reason strings). */
const char *proxy_reason_str(enum proxy_reason r);
/* The words used in summaries: "not allowed", "denied", "private address", ... */
const char *proxy_reason_human(enum proxy_reason r);
/* True for the policy blocks recorded in the blocked ring (denied, not_allowed,
 * not_allowed_local, method_not_allowed). */
bool proxy_reason_is_block(enum proxy_reason r);

/* The mode is config's enum network_mode: NETWORK_MODE_FULL allows every method, CONNECT
 * and SOCKS5; NETWORK_MODE_LIMITED plain HTTP GET/HEAD/OPTIONS only. */

/* The policy part of the options: everything SIGHUP / POST /reload may change. */
struct proxy_policy_spec {
	enum network_mode mode;
	const struct strv *allowed_domains; /* patterns: exact, *.x, **.x, * ; may be NULL */
	const struct strv *denied_domains;  /* patterns: exact, *.x, **.x (no *) ; may be NULL */
	bool allow_local_binding;           /* permit loopback/private/link-local... targets */
	bool enable_socks5_udp;             /* UDP ASSOCIATE allowed */
};

/* Called (on the loop thread) for SIGHUP and POST /reload: fills *spec with the new policy;
 * the strvs it points to must stay valid until the callback is called again or the proxy
 * is freed (the proxy compiles them before returning). Return -1 with e filled to keep the
 * current policy. */
typedef int proxy_reload_fn(void *arg, struct proxy_policy_spec *spec, struct err *e);

/* Optional observer for every decision: called on the loop thread when a request or
 * tunnel ends (or is refused), with the record the audit line is made from. */
struct proxy_record {
	int64_t start_ms;          /* wall clock, milliseconds since the epoch */
	const char *protocol;      /* "http", "https_connect", "socks5_tcp", "socks5_udp" */
	const char *client;        /* "127.0.0.1:5555", "unix" */
	const char *host;          /* normalised target host ("" when unknown) */
	unsigned port;
	const char *method;        /* "GET", "CONNECT", ... or "" */
	enum proxy_reason reason;  /* PROXY_REASON_ALLOW for allowed requests */
	uint64_t bytes_up;         /* client -> upstream payload bytes */
	uint64_t bytes_down;       /* upstream -> client */
	int64_t duration_ms;
	bool unresolved;           /* NOT_ALLOWED_LOCAL because the name did not resolve: the
				    * proxy fails closed, and upstream reports it so */
	int listener_id;           /* the listener the client came through (0: unknown) */
};
typedef void proxy_record_fn(void *arg, const struct proxy_record *rec);

/* HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY as the caller's environment has them
 * (upper case first, then lower case), or NULL. Borrowed. */
struct proxy_upstream_env {
	const char *http_proxy, *https_proxy, *all_proxy, *no_proxy;
};

struct proxy_options {
	/* Listeners: "HOST:PORT" (also "http://HOST:PORT", "[::1]:PORT"; port 0 = ephemeral),
	 * or NULL for none. At least one listener (an address, a path or an fd) is needed. */
	const char *http_addr;
	const char *socks_addr;
	const char *unix_path;     /* HTTP proxy on a unix socket: mode 0600, must not exist */
	/* Or TCP sockets already bound and listening, to serve as they are (-1: none). The
	 * proxy takes them over in every case, also when proxy_new fails. The sandbox hands
	 * over sockets it created inside a sandbox's network namespace this way: clients
	 * there reach the proxy, the proxy's own connections leave from its namespace. */
	int http_fd;
	int socks_fd;
	const char *admin_addr;    /* admin HTTP API (loopback only, always), or NULL */
	bool dangerously_allow_non_loopback_proxy; /* else non-loopback binds are clamped to
						    * 127.0.0.1 (with a warning) */
	struct loop *loop;         /* run on this loop (borrowed) instead of an own one */

	/* The caller's own proxy to chain allowed traffic through (allow_upstream_proxy):
	 * the environment's values, or all NULL to go direct. See proxy_config_from_network. */
	struct proxy_upstream_env upstream;

	struct proxy_policy_spec policy;
	proxy_reload_fn *reload;   /* NULL: SIGHUP and /reload answer "reload failed" */
	void *reload_arg;

	/* A decider for allowlist misses (see "Asking a decider" below), or -1: misses
	 * are refused at once. Taken over in every case. */
	int ask_fd;
	unsigned ask_timeout_ms;   /* a held request waits this long for the answer */

	int audit_fd;              /* JSON lines, one per decision; -1 = none. Borrowed. */
	proxy_record_fn *on_record; /* or NULL */
	void *on_record_arg;
	int log_fd;                /* human log lines ("codex-proxy: ..."); -1 = quiet. Borrowed. */

	bool handle_signals;       /* block SIGTERM/SIGINT/SIGHUP/SIGPIPE and serve them from the loop */

	unsigned max_connections;  /* client connections at once; over it: a clear refusal */
	unsigned header_timeout_ms; /* a request head (or SOCKS handshake) must arrive within this */
	unsigned idle_timeout_ms;   /* an established tunnel or keep-alive client with no traffic */
	unsigned connect_timeout_ms; /* upstream TCP connect */
	unsigned dns_timeout_ms;     /* name resolution; a timeout fails closed */
	unsigned drain_timeout_ms;   /* on SIGTERM: how long open tunnels may finish */
};

/* Defaults: no listeners (http_fd = socks_fd = -1), full mode, empty lists (everything
 * blocked), no UDP, 4096 connections, header 10 s, idle 300 s, connect 10 s, DNS 2 s (as
 * upstream), drain 2 s, audit_fd = log_fd = ask_fd = -1, ask 10 min. */
void proxy_options_init(struct proxy_options *o);

struct proxy;

/* Validates the options, compiles the policy, binds every listener and starts the
 * resolver threads. On error nothing stays bound or running. Free with proxy_free. */
int proxy_new(const struct proxy_options *o, struct proxy **out, struct err *e);
void proxy_free(struct proxy *px);

/* Listeners added while the proxy runs: fd is a bound, listening TCP or unix stream
 * socket, taken over in every case (closed on failure). Returns the listener's id (> 0,
 * also in every proxy_record of its clients) or -1. */
enum proxy_listener_kind { PROXY_LISTENER_HTTP, PROXY_LISTENER_SOCKS5 };
int proxy_add_listener(struct proxy *px, int fd, enum proxy_listener_kind kind, struct err *e);
/* Closes the listener and every connection that came through it (their requests are
 * recorded as they end). -1 when no listener has that id. */
int proxy_remove_listener(struct proxy *px, int id);

/* The one mapping from config.toml's [network] (plus command-line additions) to the
 * proxy's policy and upstream settings, shared by `codex proxy` and `codex sandbox`. */
struct proxy_config_extra {
	const struct strv *allow, *deny;  /* patterns added to the config's lists, or NULL */
	bool have_mode;                   /* mode overrides the config's */
	enum network_mode mode;
	bool allow_local_binding;         /* ORed with the config's */
	bool no_socks5_udp;
};
struct proxy_config {
	struct strv allow, deny;          /* owned: the spec points at these (a copy of the
					   * struct must point it at its own) */
	struct proxy_policy_spec policy;
	struct proxy_upstream_env upstream; /* from the environment when allow_upstream_proxy */
};
int proxy_config_from_network(struct proxy_config *pc, const struct config_network *n,
			      const struct proxy_config_extra *extra, struct err *e);
void proxy_config_free(struct proxy_config *pc);
/* Checks a listener address as given on a command line: "HOST:PORT" where HOST is an IP
 * literal, "localhost" or empty, "[v6]:PORT", ":PORT" or "PORT" (an optional http://
 * in front). -1 with the reason in e otherwise (the config's looser form is upstream's:
 * any other name means 127.0.0.1). */
int proxy_check_listen_addr(const char *spec, struct err *e);

/* Appends the ready line (no newline) with the actual listening addresses:
 * {"http":"127.0.0.1:PORT","socks":"127.0.0.1:PORT","unix":"/path","admin":"127.0.0.1:PORT"}
 * (keys present only for enabled listeners). */
int proxy_ready_json(const struct proxy *px, struct buf *out) WARN_UNUSED;
/* The bound port of a TCP listener ("http", "socks", "admin"), or 0 when there is none. */
unsigned proxy_port(const struct proxy *px, const char *listener);

/* Serves until stop_fd (if >= 0) becomes readable, proxy_stop is called, or (with
 * handle_signals) SIGTERM/SIGINT arrives; then closes the listeners, lets open tunnels
 * drain for drain_timeout_ms and returns 0. -1 only on a loop failure. */
int proxy_run(struct proxy *px, int stop_fd, struct err *e);
/* Asks a running proxy_run to stop (safe from a signal handler). */
void proxy_stop(struct proxy *px);

/* Replaces the policy now (the same as a successful reload). Open tunnels are kept;
 * new requests see the new policy. */
int proxy_set_policy(struct proxy *px, const struct proxy_policy_spec *spec, struct err *e);

/* One blocked request, as kept in the in-memory ring of the last PROXY_BLOCKED_RING. */
#define PROXY_BLOCKED_RING 200
#define PROXY_HOST_MAX 256 /* a DNS name is at most 253 characters; IPv6 with scope fits */
struct proxy_blocked {
	int64_t time_s;             /* unix seconds */
	char protocol[16];          /* "http", "http-connect", "socks5", "socks5-udp" (upstream) */
	char host[PROXY_HOST_MAX];
	unsigned port;
	char method[16];
	char client[64];
	enum proxy_reason reason;
	enum network_mode mode;
	bool unresolved;            /* see proxy_record.unresolved */
};

/* Copies up to max records, oldest first, into out (which the caller owns); returns the
 * number copied. *total (if not NULL) gets the number of blocks since start. */
size_t proxy_blocked_snapshot(const struct proxy *px, struct proxy_blocked *out, size_t max,
			      uint64_t *total);
/* Appends the one-line summary for humans, or nothing when nothing was blocked:
 * "blocked 2 requests: pypi.org:443 (not allowed), 10.0.0.5:80 (private address)"; a
 * name that did not resolve says "(could not resolve)" rather than "(private address)".
 * Identical host:port/reason pairs are listed once; at most 5 are named. */
int proxy_blocked_summary(const struct proxy *px, struct buf *out) WARN_UNUSED;

/* ---- Asking a decider ------------------------------------------------------------
 *
 * With ask_fd (a stream socket whose other end is the decider: the agent, which asks
 * its user), a request whose host is not on the allowlist -- and only that: a denylist
 * match, a local/private address and a method the mode forbids are refused as before --
 * is held rather than refused. The proxy writes one line
 *
 *	ask PROTO HOST PORT\n
 *
 * and waits, without blocking anything else, for "allow PROTO HOST PORT\n" or
 * "deny PROTO HOST PORT\n". PROTO is upstream's label (http, https for CONNECT,
 * socks5-tcp), HOST the normalised host: a decision is for that (host, protocol, port)
 * and nothing else. Requests for a key already asked about wait for the same answer (one
 * question). The answer applies to the requests held when it arrives; a later request
 * asks again (the decider keeps any "for the session" memory). No answer within
 * ask_timeout_ms, a malformed line, or end of file on ask_fd: denied (and after the
 * last two the proxy asks nothing more). Allowed requests still pass every other check
 * (the resolved address must be public unless local binding is allowed); every
 * request, held or not, is audited as it ends. */
enum proxy_ask_verb { PROXY_ASK_ASK, PROXY_ASK_ALLOW, PROXY_ASK_DENY };
#define PROXY_ASK_LINE_MAX 512      /* one line, newline included */
#define PROXY_ASK_PROTO_MAX 16
struct proxy_ask_line {
	enum proxy_ask_verb verb;
	char protocol[PROXY_ASK_PROTO_MAX]; /* "http", "https", "socks5-tcp" */
	char host[PROXY_HOST_MAX];          /* normalised (lower case, no brackets) */
	unsigned port;                      /* 1..65535 */
};
/* Parses one line (without its newline). -1 for anything but the three verbs, a known
 * protocol, a host that is already in normal form and a port in range, separated by
 * single spaces. */
int proxy_ask_parse(const char *line, size_t len, struct proxy_ask_line *out);
/* Appends the line, newline included. -1 when l is not something proxy_ask_parse
 * accepts (or memory runs out). */
int proxy_ask_format(const struct proxy_ask_line *l, struct buf *out) WARN_UNUSED;
/* The protocol label of an audit protocol ("http" -> "http", "https_connect" ->
 * "https", "socks5_tcp" -> "socks5-tcp"), or NULL when such requests are never asked
 * about (UDP datagrams). */
const char *proxy_ask_protocol(const char *audit_protocol);

#endif
