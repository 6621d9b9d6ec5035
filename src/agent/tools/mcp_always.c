/* "Always allow" for an MCP tool call (codex-mcp.md §6 step 3): the call runs, and
 * `[mcp_servers.<server>.tools.<tool>] approval_mode = "approve"` goes into
 * $CODEX_HOME/config.toml, edited in place (config_edit_set_key), so that later sessions
 * call the tool without asking. As upstream, a server the file does not define (given
 * with -c only) cannot be persisted: the choice is then remembered for the session. So
 * is a name that is not a bare TOML key (the edit addresses tables by bare keys).
 * A codex_apps tool is an app's (upstream 0.118's persist_codex_app_tool_approval):
 * `[apps.<connector id>.tools.<tool>] approval_mode = "approve"`, the file created when
 * there is none; a tool without a connector id is remembered for the session only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/tools/tools.h"
#include "base/file.h"
#include "config/toml.h"
#include "mcp/mcp.h"

static bool bare_key(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return false;
	return true;
}

/* 1 written, 0 not persistable (kept for the session), -1 with e. connector_id: the
 * app of a codex_apps tool, or NULL. */
static int persist(const char *config_path, const char *server, const char *tool,
		   const char *connector_id, struct err *e)
{
	bool app = strcmp(server, MCP_CODEX_APPS_SERVER) == 0;
	const char *owner = app ? connector_id : server;
	struct buf text, out;
	struct toml_value *root = NULL;
	char table[600];
	int rc = -1;

	if (!owner || !bare_key(owner) || !bare_key(tool) || strlen(owner) + strlen(tool) > 500)
		return 0;
	buf_init(&text, LIMIT_CONFIG_FILE_BYTES);
	buf_init(&out, LIMIT_CONFIG_FILE_BYTES);
	if (file_read_all(config_path, &text, e) < 0) {
		if (e->errnum != ENOENT)
			goto out;
		if (!app) {
			rc = 0; /* no file: the server came from -c */
			goto out;
		}
		buf_reset(&text); /* an app's choice starts the file */
	}
	if (!(root = toml_parse(text.data ? text.data : "", text.len, e)))
		goto out;
	if (!app && !toml_table_get(toml_table_get(root, "mcp_servers"), server)) {
		rc = 0;
		goto out;
	}
	snprintf(table, sizeof table, app ? "apps.%s.tools.%s" : "mcp_servers.%s.tools.%s",
		 owner, tool);
	if (config_edit_set_key(text.data ? text.data : "", text.len, table, "approval_mode",
				"\"approve\"", &out, e) < 0 ||
	    file_write_atomic(config_path, out.data ? out.data : "", out.len, 0600, e) < 0)
		goto out;
	rc = 1;
out:
	toml_free(root);
	buf_free(&text);
	buf_free(&out);
	return rc;
}

int agent_decide_always(struct agent *a, const char *call_id, struct err *e)
{
	struct turn *t = a->turn;
	struct tool_call *c;

	for (size_t i = 0; t && (c = turn_call_at(t, i)); i++) {
		const char *server, *tool, *connector;
		struct err pe;
		if (c->done || !c->on_decision || strcmp(c->call_id, call_id) != 0)
			continue;
		if (!tool_mcp_pending(c, &server, &tool, &connector))
			break;
		if (persist(a->cfg->config_path, server, tool, connector, &pe) < 0) {
			char msg[ERR_MSG_MAX + 64];
			snprintf(msg, sizeof msg, "Failed to save the MCP tool approval: %s", pe.msg);
			agent_emit_text(a, AGENT_EV_WARNING, "message", msg);
		}
		/* Remembered for this session in any case (the file is read at start). */
		return agent_decide(a, call_id, AGENT_APPROVED_FOR_SESSION, e);
	}
	return err_set(e, "no MCP tool approval %s is pending", call_id);
}
