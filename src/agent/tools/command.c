/* What every command the model runs shares: its arguments' common fields, its
 * environment, and the sandbox it runs under. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/internal.h"
#include "agent/proc.h"
#include "agent/shell_env.h"
#include "agent/tools/tools.h"
#include "base/file.h"

extern char **environ;

int command_env(const struct agent *a, struct strv *env, struct err *e)
{
	struct strv parent = STRV_INIT;
	int rc;

	for (size_t i = 0; environ && environ[i]; i++)
		if (strv_push(&parent, environ[i]) < 0) {
			strv_free(&parent);
			return err_set(e, "out of memory");
		}
	rc = shell_env_build(&a->cfg->shell_environment_policy, &parent, env, e);
	strv_free(&parent);
	if (rc == 0 && !env->v && strv_push(env, "PATH=/usr/local/bin:/usr/bin:/bin") < 0)
		return err_set(e, "out of memory");
	return rc;
}

const char *args_str(const cJSON *args, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool args_bool(const cJSON *args, const char *key, bool dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);
	return cJSON_IsBool(v) ? cJSON_IsTrue(v) : dflt;
}

int64_t args_int(const cJSON *args, const char *key, int64_t dflt, int64_t lo, int64_t hi)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, key);
	double d;

	if (!cJSON_IsNumber(v))
		return dflt;
	d = v->valuedouble;
	if (d != d)
		return dflt;
	if (d < (double)lo)
		return lo;
	if (d > (double)hi)
		return hi;
	return (int64_t)d;
}

char *command_workdir(const struct agent *a, const char *workdir)
{
	if (!workdir || !*workdir)
		return strdup(a->cwd);
	return path_join(a->cwd, workdir);
}

const char *sandbox_denied_note(const struct agent *a)
{
	switch (a->policy.type) {
	case SANDBOX_MODE_READ_ONLY:
		return "codex: the sandbox denied this command an operation (read-only sandbox: no "
		       "file may be written and the network is off).";
	case SANDBOX_MODE_WORKSPACE_WRITE:
		return "codex: the sandbox denied this command an operation (workspace-write "
		       "sandbox: only the writable roots may be written; .git and .codex stay "
		       "read-only; the network is off unless allowed).";
	case SANDBOX_MODE_DANGER_FULL_ACCESS:
		break;
	}
	return "codex: the sandbox denied this command an operation.";
}

int command_net(struct agent *a, struct proc_spec *spec, struct sandbox_proxy *proxy,
		struct net_gate **gate, struct err *e)
{
	pid_t pid;
	int ask = -1, rc;

	proxy->channel = -1;
	*gate = NULL;
	if (!a->net_on || spec->policy != &a->policy)
		return 0;
	*gate = net_gate_open(a, &ask);
	rc = *gate ? sandbox_net_start_asking(&a->net, ask, &proxy->channel, &pid, e)
		   : sandbox_net_start(&a->net, false, &proxy->channel, &pid, e);
	if (ask >= 0)
		close(ask); /* the proxy has its copy */
	if (rc < 0) {
		net_gate_free(*gate);
		*gate = NULL;
		return -1;
	}
	proxy->socks = a->net.socks;
	proxy->allow_local_binding = a->net.cfg.policy.allow_local_binding;
	spec->proxy = proxy;
	spec->proxy_pid = pid;
	return 0;
}

void command_net_done(struct sandbox_proxy *proxy)
{
	if (proxy->channel >= 0)
		close(proxy->channel); /* the launcher has its own copy now */
	proxy->channel = -1;
}


int tool_args_parse(const char *text, size_t len, cJSON **out, char *why, size_t cap)
{
	const char *end = NULL;

	*out = NULL;
	if (len > AGENT_MAX_TOOL_ARGS_BYTES) {
		snprintf(why, cap, "%zu bytes is over the %u-byte limit", len,
			 AGENT_MAX_TOOL_ARGS_BYTES);
		return -1;
	}
	*out = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (!*out) {
		snprintf(why, cap, "invalid JSON at byte %zu",
			 end && end >= text ? (size_t)(end - text) : (size_t)0);
		return -1;
	}
	if (!cJSON_IsObject(*out)) {
		cJSON_Delete(*out);
		*out = NULL;
		snprintf(why, cap, "expected a JSON object");
		return -1;
	}
	return 0;
}
