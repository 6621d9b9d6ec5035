/* What the model is told about plugins (upstream's plugins/render.rs, mentions.rs,
 * injection.rs): the <plugins_instructions> list when a thread starts, and for a turn
 * that mentions a plugin, a developer message naming the capabilities it brings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/plugins.h"
#include "base/buf.h"
#include "mcp/mcp.h"

char *plugins_instructions_text(const struct agent_plugin_summary *v, size_t n, bool *oom)
{
	struct buf b;
	int bad = 0;

	*oom = false;
	if (!n)
		return NULL;
	buf_init(&b, 4u << 20);
	bad |= buf_puts(&b,
		"<plugins_instructions>\n## Plugins\n"
		"A plugin is a local bundle of skills, MCP servers and apps. These are the "
		"plugins enabled and available in this session.\n### Available plugins\n");
	for (size_t i = 0; i < n; i++)
		bad |= v[i].description
			       ? buf_printf(&b, "- `%s`: %s\n", v[i].display_name, v[i].description)
			       : buf_printf(&b, "- `%s`\n", v[i].display_name);
	bad |= buf_puts(&b,
		"### How to use plugins\n"
		"- The list above is every plugin of this session.\n"
		"- A plugin's skills appear in the Skills list with the plugin's name and a colon "
		"before theirs (`plugin_name:`).\n"
		"- When the user names a plugin, favour what that plugin brings for that turn.\n"
		"- A plugin is never called itself: use its skills, MCP tools and app tools.\n"
		"- When a plugin fits the task, prefer its capabilities to similar standalone "
		"ones.\n"
		"- If the user asks for a plugin that is not listed, or that has nothing usable "
		"for the task, say so in a few words and go on with the best alternative.\n"
		"</plugins_instructions>");
	if (bad) {
		buf_free(&b);
		*oom = true;
		return NULL;
	}
	return buf_take(&b);
}

/* "plugin://<plugin>@<marketplace>" -> its id when both parts are valid segments. */
static bool plugin_path_id(const char *p, size_t len, char *id, size_t cap)
{
	char name[80], market[80];
	const char *at;
	size_t k = strlen("plugin://");

	if (len <= k || strncmp(p, "plugin://", k) != 0 || len - k >= cap)
		return false;
	p += k;
	len -= k;
	at = memchr(p, '@', len);
	if (!at || (size_t)(at - p) >= sizeof name || len - (size_t)(at - p) - 1 >= sizeof market)
		return false;
	snprintf(name, sizeof name, "%.*s", (int)(at - p), p);
	snprintf(market, sizeof market, "%.*s", (int)(len - (size_t)(at - p) - 1), at + 1);
	if (!plugin_segment_valid(name) || !plugin_segment_valid(market))
		return false;
	snprintf(id, cap, "%s@%s", name, market);
	return true;
}

static void add_id(struct strv *ids, const char *id)
{
	if (ids->n < PLUGIN_MAX_MENTIONS && strv_find(ids, id) < 0)
		(void)!strv_push(ids, id);
}

int plugins_mentioned(const char *text, const struct strv *mentions, struct strv *ids)
{
	char id[160];

	for (size_t i = 0; mentions && i < mentions->n; i++)
		if (plugin_path_id(mentions->v[i], strlen(mentions->v[i]), id, sizeof id))
			add_id(ids, id);
	/* [@name](plugin://id): plugins' text links use `@` (upstream's
	 * PLUGIN_TEXT_MENTION_SIGIL), not the `$` of skills. */
	for (const char *t = text; t && (t = strstr(t, "[@")) && ids->n < PLUGIN_MAX_MENTIONS;) {
		const char *close = strstr(t + 2, "](");
		const char *end = close ? strchr(close + 2, ')') : NULL;
		if (!close || !end)
			break;
		if (!memchr(t + 2, '\n', (size_t)(close - t - 2)) &&
		    plugin_path_id(close + 2, (size_t)(end - close - 2), id, sizeof id))
			add_id(ids, id);
		t = close + 2;
	}
	return (int)ids->n;
}

char *plugins_explicit_text(const struct agent_plugin_summary *p, const struct strv *servers)
{
	struct buf b;
	int bad = 0, lines = 0;

	buf_init(&b, 1u << 20);
	bad |= buf_printf(&b, "Capabilities from the `%s` plugin:", p->display_name);
	if (p->has_skills) {
		bad |= buf_printf(&b, "\n- Skills from this plugin are prefixed with `%s:`.",
				  p->display_name);
		lines++;
	}
	if (servers && servers->n) {
		bad |= buf_puts(&b, "\n- MCP servers from this plugin available in this session: ");
		for (size_t i = 0; i < servers->n; i++)
			bad |= buf_printf(&b, "%s`%s`", i ? ", " : "", servers->v[i]);
		bad |= buf_putc(&b, '.');
		lines++;
	}
	bad |= buf_puts(&b, "\nUse these plugin-associated capabilities to help solve the task.");
	if (bad || !lines) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

/* The plugin's servers this session runs (a server configured in config.toml under the
 * same name shadows it) and that did not fail to start; sorted as the summary's. */
static void session_servers(const struct agent *a, const struct agent_plugin_summary *p,
			    struct strv *out)
{
	for (size_t i = 0; i < p->mcp_servers.n; i++) {
		const char *name = p->mcp_servers.v[i];
		bool ours = false;
		for (size_t j = 0; j < a->n_plugin_mcp && !ours; j++)
			ours = strcmp(a->plugin_mcp[j].name, name) == 0;
		if (!ours || !a->mcp)
			continue;
		/* Before start-up ends a server's fate is open: it is named; after, only if
		 * it is ready (upstream waits for the tool list; the turn here waits too). */
		if (mcp_session_started(a) && !mcp_manager_server_ready(a->mcp, name))
			continue;
		(void)!strv_push(out, name);
	}
}

void plugins_inject(struct agent *a, const struct agent_user_input *in)
{
	struct strv ids = STRV_INIT;

	if (!a->n_plugin_summaries ||
	    plugins_mentioned(in->text ? in->text : "", in->mentions, &ids) <= 0) {
		strv_free(&ids);
		return;
	}
	/* In the session's order, as upstream filters its list by the mentions. */
	for (size_t i = 0; i < a->n_plugin_summaries; i++) {
		const struct agent_plugin_summary *p = &a->plugin_summaries[i];
		struct strv servers = STRV_INIT;
		char *text;
		cJSON *m;
		if (strv_find(&ids, p->config_name) < 0)
			continue;
		session_servers(a, p, &servers);
		text = plugins_explicit_text(p, &servers);
		strv_free(&servers);
		if (text && (m = agent_developer_message(text)))
			history_add(a, m);
		free(text);
	}
	strv_free(&ids);
}
