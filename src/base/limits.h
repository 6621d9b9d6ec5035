/* Every cap on input-fed sizes, in one place. Each says why it has its value. */
#ifndef CODEX_BASE_LIMITS_H
#define CODEX_BASE_LIMITS_H

/* config.toml: real configs are a few KiB; 16 MiB leaves room for generated files
 * while keeping a hostile file from exhausting memory. */
#define LIMIT_CONFIG_FILE_BYTES (16u * 1024 * 1024)
/* Nesting of TOML arrays / inline tables: deeper than any sane config, far below
 * anything that could exhaust a stack. */
#define LIMIT_TOML_DEPTH 128

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
/* Lines of a file apply_patch updates: the line table and a match index cost about
 * 40 bytes a line, so 16 Mi lines stay under a GiB; the largest real source files
 * have a few hundred thousand. */
#define LIMIT_PATCH_FILE_LINES (16u * 1024 * 1024)

/* Sandbox policy JSON on the launcher's command line. */
#define LIMIT_POLICY_JSON_BYTES (1024u * 1024)
/* Writable roots in one sandbox policy: each becomes a bind mount and a Landlock
 * rule; real configurations have a handful, 256 bounds the setup work. */
#define LIMIT_SANDBOX_WRITABLE_ROOTS 256
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
