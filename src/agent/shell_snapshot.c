/* The shell snapshot (upstream's `shell_snapshot` feature, stable and on by default in
 * 0.118): the model's commands are login-shell scripts (`/bin/bash -lc CMD`), and a login
 * shell reads the user's profile (pyenv, nvm, conda...) every time, which can cost more
 * than the command. Upstream therefore runs one login shell when the session starts,
 * saves what it set up, and runs each later `-lc` command in that session's cwd as a
 * plain `-c` shell that starts from the saved state (it sources a snapshot file, then
 * execs the original shell with `-c`, so what reaches the command is the login shell's
 * exported environment). Commands asked for before the snapshot is ready, in another
 * directory, or with `login: false` are unchanged.
 *
 * Ours keeps the same contract without the file and the second shell: the login shell
 * prints its environment once (`env -0`, after a marker so profile chatter on stdout is
 * skipped), we keep the variables it added or changed (and the ones it removed), and
 * apply them to each command's environment before running `/bin/bash -c CMD`. The
 * [shell_environment_policy] still wins: variables it excludes, or `set`s itself, are
 * never taken from the snapshot. The capture runs on the loop, outside the sandbox like
 * upstream's, bounded by SNAPSHOT_TIMEOUT_MS and SNAPSHOT_MAX_BYTES; if it fails for
 * any reason commands simply keep their login shell. `-c features.shell_snapshot=false`
 * turns it off. */
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/proc.h"
#include "agent/shell_env.h"
#include "agent/tools/tools.h"

#define SNAPSHOT_TIMEOUT_MS 10000
#define SNAPSHOT_MAX_BYTES (1024u * 1024)
#define SNAPSHOT_MARKER "CODEX-SHELL-SNAPSHOT"

struct shell_snapshot {
	struct agent *a;
	struct proc *proc;
	struct loop_timer timer;
	struct buf out;
	struct strv base;              /* the environment the login shell was given */
	char *cwd;                     /* where it ran: only commands there use it */
	bool ready, failed;
	struct strv set;               /* NAME=value the profile added or changed */
	struct strv unset;             /* NAME the profile removed */
	struct snapshot_waiter *waiters; /* commands held until the capture ends */
};

struct snapshot_waiter {
	struct snapshot_waiter *next;
	struct tool_call *c;
	void (*resume)(struct tool_call *c, void *arg);
	void *arg;
	void (*drop)(void *arg);
};

/* The capture ended: every held command starts now (with or without the snapshot). */
static void release(struct shell_snapshot *s)
{
	while (s->waiters) {
		struct snapshot_waiter *w = s->waiters;
		s->waiters = w->next;
		w->c->cancel = NULL;
		w->c->state = NULL;
		w->resume(w->c, w->arg);
		free(w);
	}
}

/* Variables that describe the shell itself, not the user's set-up. */
static bool shell_own(const char *name, size_t len)
{
	static const char *const own[] = {"PWD", "OLDPWD", "SHLVL", "_", NULL};

	for (size_t i = 0; own[i]; i++)
		if (strlen(own[i]) == len && memcmp(own[i], name, len) == 0)
			return true;
	return false;
}

/* Whether the policy lets this name through (and does not set it itself). */
static bool policy_allows(const struct config_shell_environment_policy *p, const char *name)
{
	static const char *const default_excludes[] = {"*KEY*", "*SECRET*", "*TOKEN*", NULL};

	if (config_map_get(&p->set, name))
		return false;
	if (!p->ignore_default_excludes)
		for (size_t i = 0; default_excludes[i]; i++)
			if (shell_env_glob_match(default_excludes[i], name))
				return false;
	for (size_t i = 0; i < p->exclude.n; i++)
		if (shell_env_glob_match(p->exclude.v[i], name))
			return false;
	if (p->include_only.n == 0)
		return true;
	for (size_t i = 0; i < p->include_only.n; i++)
		if (shell_env_glob_match(p->include_only.v[i], name))
			return true;
	return false;
}

/* The entry of env named like entry (up to its '='), or NULL. */
static const char *env_find(const struct strv *env, const char *name, size_t len)
{
	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], name, len) == 0 && env->v[i][len] == '=')
			return env->v[i];
	return NULL;
}

int shell_snapshot_parse(const char *d, size_t n, const struct strv *base,
			 const struct config_shell_environment_policy *p, struct strv *set,
			 struct strv *unset)
{
	static const char marker[] = "\0" SNAPSHOT_MARKER "\0";
	const char *end = d + n, *at = NULL;
	struct strv seen = STRV_INIT;
	char *name = NULL;
	int rc = -1;

	for (const char *q = d; q && q + sizeof marker - 1 <= end; q++)
		if (memcmp(q, marker, sizeof marker - 1) == 0) {
			at = q + sizeof marker - 1;
			break;
		}
	if (!at)
		return -1;
	while (at < end) {
		const char *z = memchr(at, '\0', (size_t)(end - at)), *eq;
		size_t len;
		if (!z)
			break; /* a cut last entry: ignored */
		eq = memchr(at, '=', (size_t)(z - at));
		len = eq ? (size_t)(eq - at) : 0;
		if (eq && len > 0 && !shell_own(at, len)) {
			const char *old = env_find(base, at, len);
			free(name);
			if (!(name = strndup(at, len)) || strv_push(&seen, name) < 0)
				goto out;
			if ((!old || strcmp(old, at) != 0) && policy_allows(p, name) &&
			    strv_push(set, at) < 0)
				goto out;
		}
		at = z + 1;
	}
	for (size_t i = 0; i < base->n; i++) {
		const char *eq = strchr(base->v[i], '=');
		size_t len = eq ? (size_t)(eq - base->v[i]) : 0;
		bool kept = false;
		if (!eq || shell_own(base->v[i], len))
			continue;
		for (size_t k = 0; k < seen.n && !kept; k++)
			kept = strlen(seen.v[k]) == len && memcmp(seen.v[k], base->v[i], len) == 0;
		if (!kept) {
			free(name);
			if (!(name = strndup(base->v[i], len)))
				goto out;
			if (policy_allows(p, name) && strv_push(unset, name) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	free(name);
	strv_free(&seen);
	return rc;
}

static void on_output(void *arg, enum proc_stream st, const char *data, size_t len)
{
	struct shell_snapshot *s = arg;

	if (st == PROC_STDOUT && buf_append(&s->out, data, len) < 0) {
		s->failed = true;
		proc_kill(s->proc);
	}
}

static void on_exited(void *arg, const struct sandbox_result *r)
{
	struct shell_snapshot *s = arg;

	loop_timer_disarm(s->a->loop, &s->timer);
	if (!s->failed && r->outcome == SANDBOX_RAN && r->exit_code == 0 &&
	    shell_snapshot_parse(s->out.data ? s->out.data : "", s->out.len, &s->base,
				 &s->a->cfg->shell_environment_policy, &s->set, &s->unset) == 0)
		s->ready = true;
	else
		s->failed = true;
	buf_free(&s->out);
	strv_free(&s->base);
	release(s);
}

static void on_timeout(struct loop *l, struct loop_timer *t)
{
	struct shell_snapshot *s =
		(struct shell_snapshot *)((char *)t - offsetof(struct shell_snapshot, timer));

	(void)l;
	s->failed = true;
	proc_kill(s->proc); /* SIGTERM first: EXIT traps run */
}

void shell_snapshot_start(struct agent *a)
{
	const char *flag = config_map_get(&a->cfg->features, "shell_snapshot");
	char *argv[] = {"/bin/bash", "-lc",
			"printf '\\0" SNAPSHOT_MARKER "\\0' && exec env -0", NULL};
	struct shell_snapshot *s;
	struct sandbox_policy none;
	struct proc_spec spec;
	struct proc_events ev;
	struct err e;

	if (flag && strcmp(flag, "false") == 0)
		return;
	s = calloc(1, sizeof *s);
	if (!s)
		return;
	s->a = a;
	buf_init(&s->out, SNAPSHOT_MAX_BYTES);
	err_clear(&e);
	if (!(s->cwd = strdup(a->cwd)) || command_env(a, &s->base, &e) < 0)
		goto fail;
	memset(&spec, 0, sizeof spec);
	/* As upstream, the user's profile runs outside the sandbox (it only reads). */
	spec.policy = command_policy(a, false, &none);
	spec.cwd = s->cwd;
	spec.codex_home = a->cfg->codex_home;
	spec.argv = argv;
	spec.envp = s->base.v;
	ev.arg = s;
	ev.output = on_output;
	ev.exited = on_exited;
	if (proc_start(a->loop, &spec, &ev, &s->proc, &e) < 0) {
		sandbox_policy_free(&none);
		goto fail;
	}
	sandbox_policy_free(&none);
	if (loop_timer_arm(a->loop, &s->timer, loop_now(a->loop) + SNAPSHOT_TIMEOUT_MS,
			   on_timeout) < 0) {
		s->failed = true;
		proc_kill(s->proc);
	}
	a->snapshot = s;
	return;
fail:
	shell_snapshot_free(s);
}

void shell_snapshot_free(struct shell_snapshot *s)
{
	if (!s)
		return;
	loop_timer_disarm(s->a->loop, &s->timer);
	/* A short session can end while the profile still runs: SIGTERM, not SIGKILL,
	 * so that what it runs can clean up (pyenv's rehash leaves a lock file behind
	 * when killed outright, and every later shell then waits a minute for it). */
	proc_abandon(s->proc);
	while (s->waiters) {
		struct snapshot_waiter *w = s->waiters;
		s->waiters = w->next;
		w->drop(w->arg);
		free(w);
	}
	buf_free(&s->out);
	strv_free(&s->base);
	strv_free(&s->set);
	strv_free(&s->unset);
	free(s->cwd);
	free(s);
}

bool shell_snapshot_apply(const struct agent *a, char *const *argv, const char *cwd,
			  struct strv *env)
{
	const struct shell_snapshot *s = a->snapshot;
	const char *base;

	if (!s || !s->ready || !argv[0] || !argv[1] || !argv[2] || strcmp(argv[1], "-lc") != 0 ||
	    strcmp(cwd, s->cwd) != 0)
		return false;
	base = strrchr(argv[0], '/');
	if (strcmp(base ? base + 1 : argv[0], "bash") != 0)
		return false;
	for (size_t i = 0; i < s->unset.n; i++)
		strv_unsetenv(env, s->unset.v[i]);
	for (size_t i = 0; i < s->set.n; i++) {
		const char *eq = strchr(s->set.v[i], '=');
		char *name = strndup(s->set.v[i], (size_t)(eq - s->set.v[i]));
		int rc = name ? strv_setenv(env, name, eq + 1) : -1;
		free(name);
		if (rc < 0)
			return false;
	}
	return true;
}

/* Interrupt while held: the call is answered "aborted" and never starts. */
static void cancel_held(struct tool_call *c)
{
	struct shell_snapshot *s = c->turn->a->snapshot;

	for (struct snapshot_waiter **p = &s->waiters; *p; p = &(*p)->next)
		if ((*p)->c == c) {
			struct snapshot_waiter *w = *p;
			*p = w->next;
			w->drop(w->arg);
			free(w);
			break;
		}
	c->cancel = NULL;
	c->state = NULL;
	tool_call_finish(c, strdup("aborted"));
}

bool shell_snapshot_hold(struct tool_call *c, char *const *argv, const char *cwd,
			 void (*resume)(struct tool_call *c, void *arg), void (*drop)(void *arg),
			 void *arg)
{
	struct shell_snapshot *s = c->turn->a->snapshot;
	struct snapshot_waiter *w, **tail;

	if (!s || s->ready || s->failed || !argv[0] || !argv[1] || strcmp(argv[1], "-lc") != 0 ||
	    strcmp(cwd, s->cwd) != 0 || !(w = calloc(1, sizeof *w)))
		return false;
	w->c = c;
	w->resume = resume;
	w->drop = drop;
	w->arg = arg;
	for (tail = &s->waiters; *tail; tail = &(*tail)->next)
		;
	*tail = w;
	c->state = arg;
	c->cancel = cancel_held;
	return true;
}
