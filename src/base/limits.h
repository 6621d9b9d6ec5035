/* Every cap on input-fed sizes, in one place. Each says why it has its value. */
#ifndef CODEX_BASE_LIMITS_H
#define CODEX_BASE_LIMITS_H

/* Timers armed at once in one event loop (base/loop.h): one per connection, child or
 * request in flight, each already capped far below this (max_connections); the
 * ceiling only stops a runaway. */
#define LIMIT_LOOP_TIMERS (1u << 20)

/* Strings in one strv (argv, environment, a config string list): the kernel caps a
 * command's argv and environment at a quarter of its stack limit, and a config list
 * costs at least three bytes an item ("",), so each is far below 4 Mi items. */
#define LIMIT_STRV_ITEMS (4u * 1024 * 1024)

/* config.toml (and any TOML we parse): real configs are a few KiB, and one that
 * trusts a thousand projects is under 100 KiB. Every command reads the whole file and
 * keeps a tree of it (about 250 bytes a key, 700 for `codex debug config`), so 1 MiB
 * bounds that near 20 MiB and a tenth of a second, where 3 MiB of 200,000 keys took
 * 3.3 s and 136 MiB. */
#define LIMIT_CONFIG_FILE_BYTES (1024u * 1024)
/* Nesting of TOML arrays / inline tables: deeper than any sane config, far below
 * anything that could exhaust a stack. */
#define LIMIT_TOML_DEPTH 128
/* Entries of one TOML table or items of one array (and so providers, MCP servers):
 * each takes at least two bytes of the file ("1,"), so the file's cap bounds them
 * at half its size; the ceiling makes that explicit for the arrays that hold them. */
#define LIMIT_TOML_ENTRIES (LIMIT_CONFIG_FILE_BYTES / 2)

/* apply_patch input: patches come from a model and from stdin; 256 MiB covers a
 * rewrite of a very large tree and still bounds memory. */
#define LIMIT_PATCH_BYTES (256u * 1024 * 1024)
/* A single file read for patching or config: 1 GiB stops a device file or a huge
 * log from being slurped whole. */
#define LIMIT_FILE_READ_BYTES (1024u * 1024 * 1024)
/* Lines of an apply_patch patch: each update line costs a 16-byte slice (two when it
 * is context), so 4 Mi lines bound the parsed form near 128 MiB; a 1,000-hunk patch
 * has about 10 thousand lines. */
#define LIMIT_PATCH_LINES (4u * 1024 * 1024)
/* Lines of a file apply_patch updates beyond which it builds no line table: the table
 * and a match index cost about 40 bytes a line, so 16 Mi lines stay under a GiB (the
 * largest real source files have a few hundred thousand). Only hostile patterns and
 * overlapping End of File chunks need the table; longer files are then scanned. */
#define LIMIT_PATCH_FILE_LINES (16u * 1024 * 1024)

/* Sandbox policy JSON on the launcher's command line. */
#define LIMIT_POLICY_JSON_BYTES (1024u * 1024)
/* Writable roots in one sandbox policy: each becomes a bind mount and a Landlock
 * rule; real configurations have a handful, 256 bounds the setup work. */
#define LIMIT_SANDBOX_WRITABLE_ROOTS 256
/* Every path the sandbox protects inside one writable root: the protected names, a
 * gitdir target and its common directory, symlink targets, and a pin for each directory
 * between them and the root. Real workspaces need under twenty; a path of PATH_MAX
 * bytes has at most 2,048 components, so 4,096 covers any real tree and still bounds the work. */
#define LIMIT_SANDBOX_PROTECTED_PER_ROOT 4096
/* Roots in the computed set: the policy's writable roots, then cwd, /tmp and $TMPDIR. */
#define LIMIT_SANDBOX_ROOTS (LIMIT_SANDBOX_WRITABLE_ROOTS + 3)
/* Mounts or Landlock rules in one launcher plan (sandbox/linux/plan.c): two per root
 * and per protected path, plus a fixed few (/, /proc, /dev, devices). */
#define LIMIT_SANDBOX_PLAN_STEPS \
	(2u * LIMIT_SANDBOX_ROOTS * (LIMIT_SANDBOX_PROTECTED_PER_ROOT + 1) + 16)
/* Entries listed in one directory when Landlock alone must protect a path inside a
 * writable root (one rule per sibling, see sandbox/linux/landlock.c): a workspace
 * root with more top-level entries than this is refused rather than half-covered. */
#define LIMIT_SANDBOX_DIR_ENTRIES 8192
/* The caller's /proc/self/mountinfo, read to find the kernel's file systems mounted in
 * writable roots (sandbox/linux/kmounts.c): a line is ~150 bytes, so 16 MiB is some
 * 100 thousand mounts, far beyond a busy container host; more is refused. */
#define LIMIT_SANDBOX_MOUNTINFO_BYTES (16u * 1024 * 1024)

/* CA roots read from files or directories: Debian's whole bundle is ~220 KiB; 16 MiB
 * allows any real trust store while bounding a hostile SSL_CERT_DIR. */
#define LIMIT_CA_BUNDLE_BYTES (16u * 1024 * 1024)

/* HTTP client: a response body kept in memory (not streamed). */
#define LIMIT_HTTP_BODY_BYTES (64u * 1024 * 1024)
/* HTTP client: response headers kept (name + value bytes in total). */
#define LIMIT_HTTP_HEADER_BYTES (256u * 1024)
/* HTTP calls on the loop: body bytes read by one libcurl action and not yet handed to
 * the caller. One action reads at most about a hundred 16 KiB buffers, so 16 MiB is
 * never reached by a sane peer. */
#define LIMIT_HTTP_PENDING_BYTES (16u * 1024 * 1024)

/* Server-sent events (model streams). The data of one event: the largest is
 * response.completed, which repeats the whole response (a model writes at most some
 * 128 thousand tokens, about half a megabyte, doubled by JSON escaping); 16 MiB bounds a
 * hostile stream with room to spare. */
#define LIMIT_SSE_EVENT_BYTES (16u * 1024 * 1024)
/* An event's type (the `event:` field): real ones are under 50 bytes. */
#define LIMIT_SSE_EVENT_NAME 128

/* Network proxy. A request or response head: browsers and git send a few KiB; 16 KiB is
 * what common servers accept, and it is the per-connection read buffer's size too. */
#define LIMIT_PROXY_HEAD_BYTES (16u * 1024)
/* Header lines in one head: real requests carry 10-30. */
#define LIMIT_PROXY_HEADERS 100
/* The request line (method, target, version): long query strings fit, abuse does not. */
#define LIMIT_PROXY_REQUEST_LINE 8192
/* Chunked bodies: hex digits of a chunk size (2^60 bytes is plenty), the bytes of one
 * chunk extension, and all trailer lines together. */
#define LIMIT_PROXY_CHUNK_HEX 15
#define LIMIT_PROXY_CHUNK_EXT 1024
#define LIMIT_PROXY_TRAILER_BYTES 8192
/* Admin API request bodies (POST /reload takes none; this bounds what is read). */
#define LIMIT_PROXY_ADMIN_BODY 8192

#endif
