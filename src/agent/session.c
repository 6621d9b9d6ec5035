/* The session: what stays for the whole conversation (provider, client, policies,
 * history, unified-exec sessions), the ops front ends submit, and the subscribers. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/internal.h"
#include "agent/context.h"
#include "agent/plugins.h"
#include "agent/skills.h"
#include "auth/auth.h"
#include "base/uuid.h"
#include "base/file.h"

static int policy_from_config(struct agent *a, const struct agent_options *o, struct err *e)
{
	const struct config *cfg = o->cfg;
	const struct config_sandbox_workspace_write *ww = &cfg->sandbox_workspace_write;

	/* The reviewer only looks: upstream forces its session read-only. */
	sandbox_policy_init(&a->policy, a->reviewer ? SANDBOX_MODE_READ_ONLY : cfg->sandbox_mode);
	if (a->reviewer || cfg->sandbox_mode != SANDBOX_MODE_WORKSPACE_WRITE)
		return 0;
	a->policy.network_access = ww->network_access;
	a->policy.exclude_tmpdir_env_var = ww->exclude_tmpdir_env_var;
	a->policy.exclude_slash_tmp = ww->exclude_slash_tmp;
	for (size_t i = 0; i < ww->writable_roots.n; i++)
		if (strv_push(&a->policy.writable_roots, ww->writable_roots.v[i]) < 0)
			return err_set(e, "out of memory");
	for (size_t i = 0; i < o->add_dirs.n; i++) {
		char *abs = realpath(o->add_dirs.v[i], NULL);
		if (!abs)
			return err_sys(e, errno, "--add-dir %s", o->add_dirs.v[i]);
		if (strv_take(&a->policy.writable_roots, abs) < 0)
			return err_set(e, "out of memory");
	}
	return 0;
}

/* [network] enabled: every sandboxed command reaches the network through a proxy
 * with this policy. */
static int net_from_config(struct agent *a, struct err *e)
{
	const struct config_network *c = &a->cfg->network;

	if (!c->enabled)
		return 0;
	a->net_on = true;
	a->net.socks = c->enable_socks5;
	return proxy_config_from_network(&a->net.cfg, c, NULL, e);
}

/* The writable roots as the sandbox will resolve them, for the permissions message. */
static int writable_roots(const struct agent *a, struct strv *out, struct err *e)
{
	struct sandbox_roots roots = {0};
	int rc = 0;

	if (a->policy.type == SANDBOX_MODE_WORKSPACE_WRITE &&
	    sandbox_resolve_roots(&a->policy, a->cwd, getenv("TMPDIR"), &roots, e) == 0) {
		for (size_t i = 0; i < roots.n && rc == 0; i++)
			if (strv_push(out, roots.v[i].path) < 0)
				rc = err_set(e, "out of memory");
	}
	sandbox_roots_free(&roots);
	return rc;
}

/* The start of a new conversation (codex-0.118-wire.md): the permissions developer
 * message, the AGENTS.md instructions when there are any, the environment context. */
static cJSON *text_part(const char *type, const char *key, const char *value);

cJSON *agent_developer_message(const char *text)
{
	cJSON *m = cJSON_CreateObject(), *content;

	if (m && cJSON_AddStringToObject(m, "type", "message") &&
	    cJSON_AddStringToObject(m, "role", "developer") &&
	    (content = cJSON_AddArrayToObject(m, "content")) &&
	    cJSON_AddItemToArray(content, text_part("input_text", "text", text)))
		return m;
	cJSON_Delete(m);
	return NULL;
}

static int initial_context(struct agent *a, const char *developer, bool collab, struct err *e)
{
	struct context_permissions perm;
	struct context_docs_opts docs;
	struct context_env env;
	struct strv roots = STRV_INIT;
	char date[11], *tz = NULL, *shell = NULL, *instructions = NULL;
	cJSON *m;
	int rc = -1, got;

	if (writable_roots(a, &roots, e) < 0)
		goto out;
	memset(&perm, 0, sizeof perm);
	perm.mode = a->policy.type;
	perm.writable_roots = &roots;
	perm.network_access = a->policy.network_access;
	perm.network_proxy = a->net_on;
	perm.allowed_domains = &a->net.cfg.allow;
	perm.denied_domains = &a->net.cfg.deny;
	perm.approval = a->approval;
	perm.guardian = a->guardian;
	if (!(m = context_permissions_message(&perm)))
		goto oom;
	if (collab && collab_initial(a, m) < 0) {
		cJSON_Delete(m);
		goto oom;
	}
	history_add(a, m);
	if (developer && *developer) {
		if (!(m = agent_developer_message(developer)))
			goto oom;
		history_add(a, m);
	}
	a->apps_context_due = true;
	a->apps_context_at = cJSON_GetArraySize(a->history);
	{
		bool oom;
		char *skills = skills_instructions_text(&a->skills, &oom);
		if (oom)
			goto oom;
		if (skills) {
			m = agent_developer_message(skills);
			free(skills);
			if (!m)
				goto oom;
			history_add(a, m);
		}
	}
	{
		bool oom;
		char *plugins = plugins_instructions_text(a->plugin_summaries,
							  a->n_plugin_summaries, &oom);
		if (oom)
			goto oom;
		if (plugins) {
			m = agent_developer_message(plugins);
			free(plugins);
			if (!m)
				goto oom;
			history_add(a, m);
		}
	}
	memset(&docs, 0, sizeof docs);
	docs.codex_home = a->cfg->codex_home;
	docs.cwd = a->cwd;
	docs.max_bytes = a->cfg->project_doc_max_bytes;
	docs.fallback_filenames = &a->cfg->project_doc_fallback_filenames;
	got = context_user_instructions(&docs, &instructions, e);
	if (got < 0)
		goto out;
	/* As upstream: the REPL's section ends the user instructions. */
	if (js_repl_enabled(a)) {
		struct buf all;
		buf_init(&all, (size_t)-1 / 4);
		if ((instructions && buf_printf(&all, "%s\n\n", instructions) < 0) ||
		    buf_puts(&all, js_repl_instructions) < 0 ||
		    (js_repl_tools_only(a) && buf_puts(&all, js_repl_instructions_tools_only) < 0) ||
		    buf_puts(&all, js_repl_instructions_end) < 0) {
			buf_free(&all);
			goto oom;
		}
		free(instructions);
		instructions = buf_take(&all);
		got = 1;
	}
	if (got > 0) {
		if (!(m = context_user_instructions_message(a->cwd, instructions)))
			goto oom;
		history_add(a, m);
	}
	context_current_date(date);
	tz = context_timezone();
	shell = context_shell_name();
	if (!tz || !shell)
		goto oom;
	memset(&env, 0, sizeof env);
	env.cwd = a->cwd;
	env.shell = shell;
	env.current_date = date;
	env.timezone = tz;
	env.network = a->net_on;
	env.allowed_domains = &a->net.cfg.allow;
	env.denied_domains = &a->net.cfg.deny;
	if (!(m = context_environment_message(&env)))
		goto oom;
	history_add(a, m);
	rc = 0;
	goto out;
oom:
	err_set(e, "out of memory");
out:
	strv_free(&roots);
	free(instructions);
	free(tz);
	free(shell);
	return rc;
}

static void emit_configured(struct agent *a)
{
	cJSON *m = cJSON_CreateObject();

	if (!m || !cJSON_AddStringToObject(m, "session_id", a->thread_id) ||
	    !cJSON_AddStringToObject(m, "model", a->model) ||
	    !(a->effort ? cJSON_AddStringToObject(m, "reasoning_effort", a->effort)
			: cJSON_AddNullToObject(m, "reasoning_effort")) ||
	    !cJSON_AddNumberToObject(m, "history_log_id", 0) ||
	    !cJSON_AddNumberToObject(m, "history_entry_count", 0) ||
	    !(a->rollout_path ? cJSON_AddStringToObject(m, "rollout_path", a->rollout_path)
			      : cJSON_AddNullToObject(m, "rollout_path"))) {
		cJSON_Delete(m);
		return;
	}
	agent_emit(a, AGENT_EV_SESSION_CONFIGURED, m);
}

int agent_new(const struct agent_options *o, const struct agent_subscriber *sub,
	      struct agent **out, struct err *e)
{
	struct agent *a = calloc(1, sizeof *a);
	struct model_client_opts co;
	char *models_cache = NULL;
	char *js_warning = NULL;

	*out = NULL;
	if (!a)
		return err_set(e, "out of memory");
	a->loop = o->loop;
	a->cfg = o->cfg;
	a->approval = o->cfg->approval_policy;
	a->guardian = o->cfg->approvals_reviewer &&
		      strcmp(o->cfg->approvals_reviewer, "guardian_subagent") == 0;
	/* Its own calls never ask anyone, nor another reviewer (upstream's policy never). */
	a->reviewer = o->guardian_reviewer;
	if (a->reviewer) {
		a->approval = APPROVAL_NEVER;
		a->guardian = false;
	}
	a->next_turn = 1;
	a->cwd = strdup(o->cwd);
	a->originator = strdup(o->originator ? o->originator : "codex_exec");
	a->source = strdup(o->session_source ? o->session_source : "exec");
	a->self_exe = o->self_exe ? strdup(o->self_exe) : path_self_exe();
	/* Upstream's defaults: gpt-5.3-codex, and gpt-oss:20b for a local provider. */
	a->model = strdup(o->cfg->model ? o->cfg->model : o->oss ? "gpt-oss:20b" : "gpt-5.3-codex");
	a->history = cJSON_CreateArray();
	a->family = model_family_find(a->model);
	/* Upstream's defaults: Fast mode only with features.fast_mode (on by default); the
	 * pragmatic personality when features.personality is on (it is by default). */
	if (o->cfg->service_tier && (strcmp(o->cfg->service_tier, "fast") != 0 ||
				     config_feature(o->cfg, "fast_mode", true)) &&
	    !(a->service_tier = strdup(o->cfg->service_tier))) {
		err_set(e, "out of memory");
		goto fail;
	}
	if (config_feature(o->cfg, "personality", true) &&
	    !(a->personality = strdup(o->cfg->personality ? o->cfg->personality : "pragmatic"))) {
		err_set(e, "out of memory");
		goto fail;
	}
	/* A family with personalities gets the chosen one's text after the base prompt;
	 * instructions given by the caller are taken as they are. */
	a->instructions = o->base_instructions ? strdup(o->base_instructions)
			  : personality_instructions(agent_base_instructions,
						     a->family->supports_personality ? a->personality
										     : NULL);
	if (!a->cwd || !a->originator || !a->source || !a->self_exe || !a->model ||
	    !a->history || !a->instructions) {
		err_set(e, "out of memory");
		goto fail;
	}
	if (o->cfg->model_reasoning_effort)
		a->effort = strdup(o->cfg->model_reasoning_effort);
	else if (a->family->default_effort)
		a->effort = strdup(a->family->default_effort);
	if (o->cfg->model_reasoning_summary)
		a->summary = strdup(o->cfg->model_reasoning_summary);
	if (sub && sub->on_event)
		a->subs[a->n_subs++] = *sub;
	a->oss = o->oss;
	a->codex_api_key_env = o->codex_api_key_env;
	for (size_t i = 0; i < o->add_dirs.n; i++)
		if (strv_push(&a->add_dirs, o->add_dirs.v[i]) < 0) {
			err_set(e, "out of memory");
			goto fail;
		}
	if ((o->developer_instructions &&
	     !(a->developer_instructions = strdup(o->developer_instructions))) ||
	    (o->agent_nickname && !(a->nickname = strdup(o->agent_nickname))) ||
	    (o->agent_role && !(a->role = strdup(o->agent_role)))) {
		err_set(e, "out of memory");
		goto fail;
	}
	if (o->parent) {
		a->parent = o->parent;
		a->depth = o->parent->depth + 1;
	}
	if (policy_from_config(a, o, e) < 0 || net_from_config(a, e) < 0 ||
	    agent_skills_load(a->cfg, a->cwd, &a->skills, e) < 0 ||
	    plugins_summaries(a->cfg, &a->skills, &a->plugin_summaries, &a->n_plugin_summaries,
			      e) < 0)
		goto fail;
	if (o->output_schema_json) {
		a->output_schema = cJSON_Parse(o->output_schema_json);
		if (!a->output_schema) {
			err_set(e, "the output schema is not valid JSON");
			goto fail;
		}
	}
	if (model_provider_resolve(o->cfg, o->oss, &a->provider, e) < 0)
		goto fail;
	a->have_provider = true;
	a->ephemeral = o->ephemeral;
	if (credentials_resolve(a, o, e) < 0)
		goto fail;
	if (js_repl_session_start(a, &js_warning) < 0) {
		err_set(e, "out of memory");
		goto fail;
	}
	if (o->fork_path) {
		if (o->resume_path) {
			err_set(e, "a session is either resumed or forked, not both");
			goto fail;
		}
		if (fork_session(a, o, e) < 0)
			goto fail;
	} else {
		if (o->resume_path ? record_resume(a, o->resume_path, e) < 0
				   : uuid_v7(uuid_now_ms(), a->thread_id, e) < 0)
			goto fail;
		if (record_open(a, o, e) < 0 ||
		    (!o->resume_path && initial_context(a, o->developer_instructions,
							o->collaboration_modes, e) < 0))
			goto fail;
	}
	a->tools = tools_spec(a);
	if (!a->tools) {
		err_set(e, "out of memory");
		goto fail;
	}
	if (mcp_session_start(a, e) < 0)
		goto fail;
	memset(&co, 0, sizeof co);
	co.loop = a->loop;
	co.provider = &a->provider;
	co.bearer = a->bearer;
	co.account_id = a->account_id;
	co.refresh_bearer = credentials_on_unauthorized;
	co.refresh_arg = a;
	co.originator = a->originator;
	co.session_id = a->thread_id;
	if (a->cfg->codex_home &&
	    !(models_cache = path_join(a->cfg->codex_home, "models_cache.json"))) {
		err_set(e, "out of memory");
		goto fail;
	}
	co.models_cache = models_cache;
	if (model_client_new(&co, &a->client, e) < 0 || uexec_new(a, &a->uexec, e) < 0)
		goto fail;
	free(models_cache);
	shell_snapshot_start(a);
	emit_configured(a);
	if (js_warning)
		agent_emit_text(a, AGENT_EV_WARNING, "message", js_warning);
	free(js_warning);
	*out = a;
	return 0;
fail:
	free(models_cache);
	free(js_warning);
	agent_free(a);
	return -1;
}

void agent_free(struct agent *a)
{
	if (!a)
		return;
	/* The turn first: a call still running cancels its MCP request while the
	 * servers are still there. */
	if (a->turn) {
		turn_free(a->turn);
		a->turn = NULL;
	}
	guardian_sessions_free(a);
	subagents_free(a);
	apps_fetch_cancel(a);
	mcp_session_free(a);
	uexec_free(a->uexec);
	js_repl_free(a);
	user_shell_free(a);
	net_approval_free(a); /* after every command that held a gate */
	shell_snapshot_free(a->snapshot);
	record_close(a);
	model_client_free(a->client);
	if (a->have_provider)
		model_provider_free(&a->provider);
	sandbox_policy_free(&a->policy);
	sandbox_net_free(&a->net);
	strv_free(&a->approved_commands);
	agent_skills_free(&a->skills);
	plugins_summaries_free(a->plugin_summaries, a->n_plugin_summaries);
	cJSON_Delete(a->history);
	cJSON_Delete(a->tools);
	cJSON_Delete(a->output_schema);
	credentials_free(a);
	free(a->bearer);
	free(a->account_id);
	free(a->instructions);
	free(a->cwd);
	free(a->originator);
	free(a->source);
	free(a->self_exe);
	free(a->model);
	free(a->effort);
	free(a->summary);
	free(a->service_tier);
	free(a->personality);
	free(a->rollout_path);
	free(a->thread_name);
	free(a->forked_from);
	strv_free(&a->add_dirs);
	free(a->developer_instructions);
	free(a->nickname);
	free(a->role);
	free(a);
}

int agent_subscribe(struct agent *a, const struct agent_subscriber *sub, struct err *e)
{
	if (a->n_subs >= AGENT_MAX_SUBSCRIBERS)
		return err_set(e, "too many subscribers (at most %d)", AGENT_MAX_SUBSCRIBERS);
	a->subs[a->n_subs++] = *sub;
	return 0;
}

const char *agent_thread_id(const struct agent *a)
{
	return a->thread_id;
}

const char *agent_rollout_path(const struct agent *a)
{
	return a->rollout_path;
}

void agent_info(const struct agent *a, struct agent_info *out)
{
	out->model = a->model;
	out->provider = a->provider.id;
	out->reasoning_effort = a->effort;
	out->reasoning_summary = a->summary;
	out->approval = a->approval;
	out->sandbox = a->policy.type;
	out->cwd = a->cwd;
	out->service_tier = a->service_tier;
	out->personality = a->personality;
	out->supports_personality = a->family->supports_personality;
	out->guardian_reviewer = a->guardian;
}

bool agent_busy(const struct agent *a)
{
	return a->turn != NULL;
}

static cJSON *text_part(const char *type, const char *key, const char *value)
{
	cJSON *p = cJSON_CreateObject();

	if (p && cJSON_AddStringToObject(p, "type", type) && cJSON_AddStringToObject(p, key, value))
		return p;
	cJSON_Delete(p);
	return NULL;
}

int agent_submit_turn(struct agent *a, const struct agent_user_input *in, struct err *e)
{
	cJSON *item, *ev;

	if (a->shut_down)
		return err_set(e, "the session is shut down");
	if (a->turn)
		return err_set(e, "a turn is already running");
	if (!(item = user_input_item(in, &ev, e)))
		return -1;
	record_prompt(a, in->history_text ? in->history_text : in->text ? in->text : "");
	if (turn_start(a, item, e) < 0) {
		cJSON_Delete(ev);
		return -1;
	}
	agent_emit(a, AGENT_EV_USER_MESSAGE, ev);
	skills_inject(a, in->text ? in->text : "");
	plugins_inject(a, in);
	return 0;
}

const struct agent_skills *agent_skills(const struct agent *a)
{
	return &a->skills;
}

const struct agent_plugin_summary *agent_plugin_summaries(const struct agent *a, size_t *n)
{
	*n = a->n_plugin_summaries;
	return a->plugin_summaries;
}

int agent_set_skill_enabled(struct agent *a, const char *path, bool enabled, struct err *e)
{
	if (skills_persist_enabled(a->cfg->config_path, path, enabled, e) < 0)
		return -1;
	for (size_t i = 0; i < a->skills.n; i++)
		if (strcmp(a->skills.v[i].path, path) == 0)
			a->skills.v[i].enabled = enabled;
	return 0;
}

void agent_interrupt(struct agent *a)
{
	/* The user's commands first: their records then reach the history before the
	 * turn ends (turn_interrupt flushes). */
	user_shell_interrupt(a);
	if (a->turn)
		turn_interrupt(a->turn);
	else
		mcp_session_cancel_startup(a); /* upstream's interrupt with no turn */
}

int agent_override(struct agent *a, const struct agent_overrides *o, struct err *e)
{
	char *s;

	if (o->cwd) {
		if (!(s = strdup(o->cwd)))
			return err_set(e, "out of memory");
		free(a->cwd);
		a->cwd = s;
	}
	if (o->approval_policy >= 0)
		a->approval = (enum approval_policy)o->approval_policy;
	if (o->sandbox_mode >= 0)
		a->policy.type = (enum sandbox_mode)o->sandbox_mode;
	if (o->approvals_reviewer)
		a->guardian = o->approvals_reviewer == AGENT_REVIEWER_GUARDIAN;
	if (o->model) {
		if (!(s = strdup(o->model)))
			return err_set(e, "out of memory");
		free(a->model);
		a->model = s;
		a->family = model_family_find(s);
	}
	if (o->reasoning_effort) {
		if (!(s = strdup(o->reasoning_effort)))
			return err_set(e, "out of memory");
		free(a->effort);
		a->effort = s;
	}
	if (o->service_tier) {
		s = NULL;
		if (*o->service_tier && !(s = strdup(o->service_tier)))
			return err_set(e, "out of memory");
		free(a->service_tier);
		a->service_tier = s;
	}
	if (o->personality) {
		/* The message goes into the history: never between a call and its output. */
		if (a->turn)
			return err_set(e, "the personality cannot change while a turn runs");
		return personality_change(a, o->personality, e);
	}
	return 0;
}

void agent_shutdown(struct agent *a)
{
	user_shell_interrupt(a);
	if (a->turn)
		turn_interrupt(a->turn);
	uexec_kill_all(a->uexec);
	for (size_t i = 0; i < a->n_children; i++)
		subagent_close(a->children[i]);
	a->shut_down = true;
	agent_emit(a, AGENT_EV_SHUTDOWN_COMPLETE, NULL);
}
