/* Plugins, private to src/agent (the public part is in agent.h): the marketplace.json,
 * plugin.json and .mcp.json parsers (each usable alone by the unit tests and the fuzz
 * target), the store under $CODEX_HOME/plugins/cache, and what an enabled plugin gives a
 * session (skill roots, MCP servers). */
#ifndef CODEX_AGENT_PLUGINS_H
#define CODEX_AGENT_PLUGINS_H

#include <stdbool.h>
#include <stddef.h>

#include "agent/agent.h"
#include "base/err.h"
#include "base/strv.h"
#include "config/config.h"

/* A marketplace.json, plugin.json or .mcp.json larger than this is refused: real ones
 * are a few kilobytes. */
#define PLUGIN_JSON_MAX_BYTES (1024u * 1024)
/* Plugins read from one marketplace, servers from one .mcp.json. */
#define PLUGIN_MAX_PER_MARKETPLACE 1000
#define PLUGIN_MAX_MCP_SERVERS 100
/* Copying a plugin into the cache stops (and fails) beyond these: a plugin is a few
 * files, and a source that is a home directory must not be copied whole. */
#define PLUGIN_COPY_MAX_FILES 10000
#define PLUGIN_COPY_MAX_DEPTH 32
#define PLUGIN_COPY_MAX_BYTES (256ull * 1024 * 1024)

/* One plugins[] entry of a marketplace.json. */
struct plugin_market_entry {
	char *name;             /* a valid segment (plugin_segment_valid) */
	char *path;             /* source.path without "./", only normal components */
	bool installable;       /* policy.installation != "NOT_AVAILABLE" */
	bool by_default;        /* policy.installation == "INSTALLED_BY_DEFAULT" */
	char *category;         /* or NULL */
};
struct plugin_market {
	char *name;
	char *display_name;     /* interface.displayName, or NULL */
	struct plugin_market_entry *v;
	size_t n;
};
/* Parses a marketplace.json. -1 with e ("invalid marketplace file: ...") when it is not
 * JSON, lacks name or plugins, or an entry's source is not {"source": "local", "path":
 * "./..."} staying within the marketplace root (upstream's messages). */
int plugin_market_parse(const char *text, size_t len, struct plugin_market *out,
			struct err *e);
void plugin_market_free(struct plugin_market *m);

/* A .codex-plugin/plugin.json. Paths are relative to the plugin root, without "./";
 * NULL when absent or invalid (not "./...", "..", absolute: ignored, as upstream). */
struct plugin_manifest {
	char *name;             /* may be "" (the folder's name is then used) */
	char *description;
	char *display_name;     /* interface.displayName */
	char *short_description;
	char *long_description;
	char *skills;
	char *mcp_servers;
	char *apps;
};
int plugin_manifest_parse(const char *text, size_t len, struct plugin_manifest *out,
			  struct err *e);
void plugin_manifest_free(struct plugin_manifest *m);

/* ASCII letters, digits, '_' and '-', 1 to 64 of them (upstream's plugin id segment, with
 * a length cap so ids stay path- and TOML-safe). */
bool plugin_segment_valid(const char *s);
/* "./a/b" -> "a/b" when every component is a normal one; else NULL. Malloc'ed. */
char *plugin_rel_path(const char *p);

/* A commit id (40 or 64 lowercase hex digits) at the start of text, ended by the text's
 * end or a tab, space or newline: the first line of `git ls-remote` / `git rev-parse`
 * output or of .tmp/plugins.sha. Text longer than PLUGIN_SHA_TEXT_MAX is refused (-1). */
#define PLUGIN_SHA_MAX 64
#define PLUGIN_SHA_TEXT_MAX (64u * 1024)
int plugin_sha_parse(const char *text, size_t len, char out[PLUGIN_SHA_MAX + 1]);

/* The servers of a .mcp.json ({"mcpServers": {name: {command, args, env, cwd, url, ...}}})
 * as config entries; a relative cwd is taken from the plugin root, which is also the
 * default cwd of stdio servers. *out malloc'ed (free each with config_mcp_server_free). */
int plugin_mcp_parse(const char *text, size_t len, const char *plugin_root,
		     struct config_mcp_server **out, size_t *n, struct err *e);

/* The cache folders of the installed plugins cfg enables, in config order; none when
 * the plugins feature is off. A plugin enabled but not in the cache is skipped. */
int plugins_enabled_roots(const struct config *cfg, struct strv *roots, struct err *e);
/* The skill folders of a plugin root (its skills/ and the manifest's "skills"). */
int plugins_skill_roots(const char *root, struct strv *out, struct err *e);
/* Every MCP server of the enabled plugins (a name configured in config.toml, or already
 * given by an earlier plugin, is skipped). */
int plugins_mcp_servers(const struct config *cfg, struct config_mcp_server **out, size_t *n,
			struct err *e);

/* The summaries of the installed, enabled plugins cfg names (in config order), has_skills
 * from skills (the session's: a plugin's skill counts when enabled). Free with
 * plugins_summaries_free. */
int plugins_summaries(const struct config *cfg, const struct agent_skills *skills,
		      struct agent_plugin_summary **out, size_t *n, struct err *e);
void plugins_summaries_free(struct agent_plugin_summary *v, size_t n);
/* Removes path and everything under it (symlinks removed, never followed); a missing
 * path is fine. -1 when something stays. */
int plugins_remove_tree(const char *path);

/* plugins_archive.c: the curated repository's tarball (GitHub's
 * /repos/<owner>/<repo>/tarball/<sha>: a gzip'ed ustar/pax archive whose entries sit
 * under one top folder), read when git is missing or its clone failed. The reader is
 * pure (a fuzz target and unit tests drive it); plugins_archive_extract
 * (plugins_archive_posix.c) writes. */
/* The download (compressed) and its tar (expanded) are refused past these: the
 * repository is a few MiB; the tar carries a 512-byte header per file on top of the
 * checkout's own cap. */
#define PLUGIN_ARCHIVE_MAX_BYTES (64ull * 1024 * 1024)
#define PLUGIN_TAR_MAX_BYTES (AGENT_CURATED_MAX_BYTES + 2048ull * AGENT_CURATED_MAX_FILES)
/* A path inside the archive (pax and GNU long names included), and its depth. */
#define PLUGIN_TAR_PATH_MAX 1024
#define PLUGIN_TAR_MAX_DEPTH 64

enum plugin_tar_kind {
	PLUGIN_TAR_FILE,
	PLUGIN_TAR_DIR,
	PLUGIN_TAR_SKIP,        /* a link, device or fifo: not extracted */
};
struct plugin_tar_entry {
	enum plugin_tar_kind kind;
	char path[PLUGIN_TAR_PATH_MAX + 1];  /* without the top folder; "" for the top folder */
	const unsigned char *data;           /* a file's bytes, borrowed from the tar */
	size_t size;
	bool executable;                     /* any x bit in its mode */
};
/* The reader: a cursor over the whole tar held by the caller. */
struct plugin_tar {
	const unsigned char *p;
	size_t len, off;
	size_t entries;
	char next_path[PLUGIN_TAR_PATH_MAX + 1]; /* a pax or GNU long name for the next entry */
	bool failed;
};
void plugin_tar_init(struct plugin_tar *t, const unsigned char *p, size_t len);
/* The next entry: 1, 0 at the archive's end, -1 with e when the archive is malformed or
 * an entry's path is not a plain relative one under the top folder (absolute, "..",
 * a backslash, a control character, too long or too deep) or there are more than
 * AGENT_CURATED_MAX_FILES entries. A failed reader stays failed. */
int plugin_tar_next(struct plugin_tar *t, struct plugin_tar_entry *out, struct err *e);
/* Writes the files and folders of the gzip'ed tarball gz into dir (an empty folder
 * made for it): regular files (mode 0644, or 0755 when the entry is executable) and
 * folders only, never through a link, never over an existing file. -1 with e on the
 * first problem (dir is then the caller's to remove). */
int plugins_archive_extract(const unsigned char *gz, size_t len, const char *dir,
			    struct err *e);

/* plugins_sync_http_posix.c: the sync's HTTP fallback (agent.h). The commit id of the
 * repository's default branch from the API at api; then its tarball unpacked into dir
 * (an empty folder). -1 with e naming the request that failed. */
int plugins_http_remote_sha(const char *api, char sha[PLUGIN_SHA_MAX + 1], struct err *e);
int plugins_http_fetch_tree(const char *api, const char *sha, const char *dir, struct err *e);

/* plugins_mention.c. The <plugins_instructions> developer text listing the plugins (NULL
 * when there are none, *oom when memory ran out). */
char *plugins_instructions_text(const struct agent_plugin_summary *v, size_t n, bool *oom);
/* The config names mentioned: structured mentions "plugin://<id>" and text links
 * [@name](plugin://<id>) (at most PLUGIN_MAX_MENTIONS, each once, text order). */
#define PLUGIN_MAX_MENTIONS 32
int plugins_mentioned(const char *text, const struct strv *mentions, struct strv *ids);
/* The turn's guidance for one mentioned plugin (upstream's
 * render_explicit_plugin_instructions), given the MCP servers of it that the session
 * has; NULL when it has nothing to offer (or memory ran out). */
char *plugins_explicit_text(const struct agent_plugin_summary *p, const struct strv *servers);

#endif
