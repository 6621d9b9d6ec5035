/* Every configured server of a session (codex-mcp.md §3, §5): all start at once, each
 * settles as ready or failed, and the ready ones' tools become the model's, under
 * qualified names that are unique across servers. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/file.h"
#include "mcp/internal.h"

const char *mcp_status_str(enum mcp_status s)
{
	switch (s) {
	case MCP_STARTING:
		return "starting";
	case MCP_READY:
		return "ready";
	case MCP_FAILED:
		return "failed";
	case MCP_CANCELLED:
		return "cancelled";
	}
	return "?";
}

void mgr_log(struct mcp_manager *m, const char *fmt, ...)
{
	char line[MCP_MAX_STDERR_LINE + 256];
	va_list ap;
	int n;

	if (m->log_fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	/* A log that cannot be written is not worth failing a session over. */
	if (fd_write_all(m->log_fd, line, (size_t)n) < 0)
		return;
}

static void report_started(struct mcp_manager *m)
{
	if (m->started || m->reported)
		return;
	for (size_t i = 0; i < m->n; i++)
		if (m->servers[i].cfg->enabled && m->servers[i].status == MCP_STARTING)
			return;
	m->started = true;
	m->reported = true;
	if (m->o.on_started)
		m->o.on_started(m->o.arg);
}

void mgr_server_settled(struct mcp_manager *m, struct mcp_server *s)
{
	if (m->o.on_status)
		m->o.on_status(m->o.arg, s->cfg->name, s->status, s->error);
	report_started(m);
}

static void on_kick(struct loop *l, struct loop_timer *t)
{
	struct mcp_manager *m = (struct mcp_manager *)((char *)t - offsetof(struct mcp_manager, kick));

	(void)l;
	/* (a server cancelled before this ran is not started) */
	for (size_t i = 0; i < m->n; i++) {
		if (m->servers[i].status != MCP_STARTING)
			continue;
		if (m->o.on_status)
			m->o.on_status(m->o.arg, m->servers[i].cfg->name, MCP_STARTING, NULL);
	}
	for (size_t i = 0; i < m->n; i++)
		if (m->servers[i].status == MCP_STARTING)
			server_start(&m->servers[i]);
	report_started(m);
}

void mcp_manager_cancel_startup(struct mcp_manager *m)
{
	for (size_t i = 0; i < m->n; i++)
		server_cancel_startup(&m->servers[i]);
}

int mcp_manager_new(const struct mcp_manager_opts *o, struct mcp_manager **out, struct err *e)
{
	struct mcp_manager *m;
	struct sigaction ign, old;

	*out = NULL;
	if (o->n_servers > MCP_MAX_SERVERS)
		return err_set(e, "too many MCP servers (%zu; at most %d)", o->n_servers,
			       MCP_MAX_SERVERS);
	for (size_t i = 0; i < o->n_servers; i++)
		if (!mcp_server_name_valid(o->servers[i].name))
			return err_set(e, "Invalid MCP server name '%s': must match pattern "
					  "^[a-zA-Z0-9_-]+$", o->servers[i].name);
	m = calloc(1, sizeof *m);
	if (!m || (o->n_servers && !(m->servers = calloc(o->n_servers, sizeof *m->servers)))) {
		free(m);
		return err_set(e, "out of memory");
	}
	m->o = *o;
	m->n = o->n_servers;
	m->log_fd = -1;
	for (size_t i = 0; i < m->n; i++) {
		struct mcp_server *s = &m->servers[i];
		s->m = m;
		s->cfg = &o->servers[i];
		s->status = s->cfg->enabled ? MCP_STARTING : MCP_CANCELLED;
		s->in_fd = s->out_fd = s->err_fd = -1;
		m->n_enabled += s->cfg->enabled;
	}
	if (o->log_path && m->n_enabled) {
		/* No log is no reason to refuse a session. */
		struct err ignored;
		file_mkdir_parents(o->log_path, &ignored);
		m->log_fd = open(o->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	}
	/* A server that dies while we write to it must cost an error, not the process. */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
		sigaction(SIGPIPE, &ign, NULL);
	if (loop_timer_arm(o->loop, &m->kick, loop_now(o->loop), on_kick) < 0) {
		mcp_manager_free(m);
		return err_set(e, "out of memory");
	}
	*out = m;
	return 0;
}

void mcp_manager_free(struct mcp_manager *m)
{
	if (!m)
		return;
	loop_timer_disarm(m->o.loop, &m->kick);
	m->closing = true;
	for (size_t i = 0; i < m->n; i++)
		server_free(&m->servers[i]);
	free(m->servers);
	if (m->log_fd >= 0)
		close(m->log_fd);
	free(m);
}

bool mcp_manager_started(const struct mcp_manager *m)
{
	return m->started;
}

size_t mcp_manager_servers(const struct mcp_manager *m)
{
	return m->n_enabled;
}

/* The tools the model sees: those of ready servers (and of servers that died after
 * they were ready: their calls then fail), first come first kept on a clash. */
static int cmp_spec(const void *a, const void *b)
{
	const struct mcp_tool_entry *x = *(const struct mcp_tool_entry *const *)a;
	const struct mcp_tool_entry *y = *(const struct mcp_tool_entry *const *)b;
	return strcmp(x->qualified, y->qualified);
}

/* A codex_apps tool that [apps] or the user's toggle turns off is not the model's. */
static bool entry_enabled(const struct mcp_manager *m, const struct mcp_server *s,
			  const struct mcp_tool_entry *te)
{
	struct mcp_tool t;

	if (!m->o.app_tool_enabled || strcmp(s->cfg->name, MCP_CODEX_APPS_SERVER) != 0)
		return true;
	t = te->pub;
	t.server = s->cfg->name;
	t.name = te->name;
	t.title = te->title;
	t.connector_id = te->connector_id;
	return m->o.app_tool_enabled(m->o.arg, &t);
}

static const struct mcp_tool_entry *find_entry(const struct mcp_manager *m, const char *q,
					       const struct mcp_server **srv)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct mcp_server *s = &m->servers[i];
		if (s->status == MCP_STARTING || s->status == MCP_CANCELLED || !s->n_tools)
			continue;
		for (size_t k = 0; k < s->n_tools; k++)
			if (strcmp(s->tools[k].qualified, q) == 0 && entry_enabled(m, s, &s->tools[k])) {
				if (srv)
					*srv = s;
				return &s->tools[k];
			}
	}
	return NULL;
}

cJSON *mcp_manager_tool_specs(const struct mcp_manager *m)
{
	const struct mcp_tool_entry **v = NULL;
	size_t n = 0, cap = 0;
	cJSON *arr = cJSON_CreateArray();

	if (!arr)
		return NULL;
	for (size_t i = 0; i < m->n; i++) {
		const struct mcp_server *s = &m->servers[i];
		for (size_t k = 0; k < s->n_tools; k++) {
			const struct mcp_tool_entry *te = &s->tools[k];
			if (!entry_enabled(m, s, te))
				continue;
			if (find_entry(m, te->qualified, NULL) != te) {
				mgr_log((struct mcp_manager *)m, "MCP tool %s of `%s` dropped: the name is "
								 "taken", te->qualified, s->cfg->name);
				continue;
			}
			if (n == cap) {
				const struct mcp_tool_entry **g;
				cap = cap ? cap * 2 : 16;
				if (!(g = realloc(v, cap * sizeof *v)))
					goto oom;
				v = g;
			}
			v[n++] = te;
		}
	}
	if (n)
		qsort(v, n, sizeof *v, cmp_spec);
	for (size_t i = 0; i < n; i++) {
		cJSON *c = cJSON_Duplicate(v[i]->spec, 1);
		if (!c || !cJSON_AddItemToArray(arr, c)) {
			cJSON_Delete(c);
			goto oom;
		}
	}
	free(v);
	return arr;
oom:
	free(v);
	cJSON_Delete(arr);
	return NULL;
}

const struct mcp_tool *mcp_manager_find(const struct mcp_manager *m, const char *qualified)
{
	const struct mcp_server *s = NULL;
	struct mcp_tool_entry *te = (struct mcp_tool_entry *)find_entry(m, qualified, &s);

	if (!te)
		return NULL;
	te->pub.qualified = te->qualified;
	te->pub.server = s->cfg->name;
	te->pub.name = te->name;
	te->pub.title = te->title;
	te->pub.connector_id = te->connector_id;
	te->pub.description = te->description;
	te->pub.timeout_sec = s->cfg->tool_timeout_sec;
	te->pub.spec = te->spec;
	return &te->pub;
}

struct mcp_call *mcp_manager_call(struct mcp_manager *m, const struct mcp_tool *tool,
				  const cJSON *args, const cJSON *meta, mcp_call_fn *fn,
				  void *arg, struct err *e)
{
	struct mcp_server *s = NULL;
	cJSON *params;

	for (size_t i = 0; i < m->n && !s; i++)
		if (strcmp(m->servers[i].cfg->name, tool->server) == 0)
			s = &m->servers[i];
	if (!s)
		return err_set(e, "unknown MCP server %s", tool->server), NULL;
	if (s->status != MCP_READY)
		return err_set(e, "%s", s->error ? s->error : "the MCP server is not running"), NULL;
	params = cJSON_CreateObject();
	if (!params || !cJSON_AddStringToObject(params, "name", tool->name) ||
	    (args && !cJSON_AddItemToObject(params, "arguments", cJSON_Duplicate(args, 1))) ||
	    (meta && !cJSON_AddItemToObject(params, "_meta", cJSON_Duplicate(meta, 1)))) {
		cJSON_Delete(params);
		return err_set(e, "out of memory"), NULL;
	}
	/* Every call is bounded: 0 times out at once (a zero duration, upstream). */
	return server_request(s, "tools/call", params,
			      s->cfg->tool_timeout_sec > 0 ? s->cfg->tool_timeout_sec : 0.001, fn,
			      arg, e);
}

static struct mcp_server *server_named(const struct mcp_manager *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->servers[i].cfg->name, name) == 0)
			return &m->servers[i];
	return NULL;
}

struct mcp_call *mcp_manager_request(struct mcp_manager *m, const char *server,
				     const char *method, const cJSON *params, mcp_call_fn *fn,
				     void *arg, struct err *e)
{
	struct mcp_server *s = server_named(m, server);
	cJSON *p;

	if (!s || !s->cfg->enabled)
		return err_set(e, "unknown MCP server '%s'", server), NULL;
	if (s->status != MCP_READY)
		return err_set(e, "%s", s->error ? s->error : "the MCP server is not running"), NULL;
	p = params ? cJSON_Duplicate(params, 1) : NULL;
	if (params && !p)
		return err_set(e, "out of memory"), NULL;
	return server_request(s, method, p,
			      s->cfg->tool_timeout_sec > 0 ? s->cfg->tool_timeout_sec : 0.001, fn,
			      arg, e);
}

bool mcp_manager_server_ready(const struct mcp_manager *m, const char *server)
{
	const struct mcp_server *s = server_named(m, server);
	return s && s->status == MCP_READY;
}

const char *mcp_manager_ready_server(const struct mcp_manager *m, size_t i)
{
	const char *best = NULL, *floor = NULL;

	/* The (i+1)-th smallest name: servers are few, a selection per call is enough. */
	for (size_t k = 0; k <= i; k++) {
		best = NULL;
		for (size_t j = 0; j < m->n; j++) {
			const char *n = m->servers[j].cfg->name;
			if (m->servers[j].status != MCP_READY || (floor && strcmp(n, floor) <= 0))
				continue;
			if (!best || strcmp(n, best) < 0)
				best = n;
		}
		if (!best)
			return NULL;
		floor = best;
	}
	return best;
}

void mcp_call_cancel(struct mcp_call *c)
{
	if (c)
		server_cancel_call(c);
}

void mcp_manager_connectors(const struct mcp_manager *m, const char *server,
			    void (*fn)(void *arg, const char *id, const char *name,
				       const char *description),
			    void *arg)
{
	for (size_t i = 0; m && i < m->n; i++) {
		const struct mcp_server *s = &m->servers[i];
		if (s->status != MCP_READY || strcmp(s->cfg->name, server) != 0)
			continue;
		for (size_t k = 0; k < s->n_tools; k++) {
			const struct mcp_tool_entry *te = &s->tools[k];
			bool seen = false;
			if (!te->connector_id)
				continue;
			for (size_t j = 0; j < k && !seen; j++)
				seen = s->tools[j].connector_id &&
				       strcmp(s->tools[j].connector_id, te->connector_id) == 0;
			if (!seen)
				fn(arg, te->connector_id, te->connector_name, te->connector_description);
		}
	}
}
