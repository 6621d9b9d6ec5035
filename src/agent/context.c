/* The <environment_context> and permissions messages (formats in context.h). */
#include "agent/context.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/context_internal.h"
#include "agent/user_shell.h"
#include "base/buf.h"
#include "sandbox/sandbox.h"

#define TEXT_MAX ((size_t)64 * 1024 * 1024)

/* Who decides escalations under approvals_reviewer = "guardian_subagent": upstream
 * 0.118's sentence word for word, after a blank line as there (the rest of the message
 * is in our words). It names the interface (the setting, require_escalated) and says
 * what a refusal means, which the model is trained to follow. */
#define GUARDIAN_SUFFIX \
	"`approvals_reviewer` is `guardian_subagent`: Sandbox escalations with " \
	"require_escalated will be reviewed for compliance with the policy. If a rejection " \
	"happens, you should proceed only with a materially safer alternative, or inform " \
	"the user of the risk and send a final message to ask for approval."

char *context_environment_text(const struct context_env *env)
{
	struct buf b;
	int r = 0;

	buf_init(&b, TEXT_MAX);
	r |= buf_puts(&b, "<environment_context>\n");
	if (env->cwd)
		r |= buf_printf(&b, "  <cwd>%s</cwd>\n", env->cwd);
	if (env->shell)
		r |= buf_printf(&b, "  <shell>%s</shell>\n", env->shell);
	if (env->current_date)
		r |= buf_printf(&b, "  <current_date>%s</current_date>\n", env->current_date);
	if (env->timezone)
		r |= buf_printf(&b, "  <timezone>%s</timezone>\n", env->timezone);
	if (env->network) {
		r |= buf_puts(&b, "  <network enabled=\"true\">\n");
		for (size_t i = 0; env->allowed_domains && i < env->allowed_domains->n; i++)
			r |= buf_printf(&b, "    <allowed>%s</allowed>\n", env->allowed_domains->v[i]);
		for (size_t i = 0; env->denied_domains && i < env->denied_domains->n; i++)
			r |= buf_printf(&b, "    <denied>%s</denied>\n", env->denied_domains->v[i]);
		r |= buf_puts(&b, "  </network>\n");
	}
	r |= buf_puts(&b, "</environment_context>");
	if (r) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

/* A message of role with text, which it frees (NULL text: NULL). */
static cJSON *message_taking(const char *role, char *text)
{
	cJSON *m = text ? context_message(role, text) : NULL;

	free(text);
	return m;
}

cJSON *context_environment_message(const struct context_env *env)
{
	return message_taking("user", context_environment_text(env));
}

void context_current_date(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;

	if (!localtime_r(&now, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) == 0)
		snprintf(out, 11, "1970-01-01");
}

/* The part of a zoneinfo path after ".../zoneinfo/", or NULL. */
static const char *zone_from_path(const char *p)
{
	const char *z = strstr(p, "zoneinfo/");

	return z && z[9] ? z + 9 : NULL;
}

char *context_timezone(void)
{
	const char *tz = getenv("TZ");
	char link[PATH_MAX];
	ssize_t n;
	FILE *f;

	if (tz && *tz == ':')
		tz++;
	if (tz && *tz) {
		const char *z = tz[0] == '/' ? zone_from_path(tz) : tz;
		/* "Europe/Paris", "UTC": a name; "CET-1CEST" (a POSIX rule) is not one. */
		if (z && (strchr(z, '/') || !strpbrk(z, ",<>+-0123456789")))
			return strdup(z);
	}
	n = readlink("/etc/localtime", link, sizeof link - 1);
	if (n > 0) {
		link[n] = '\0';
		if (zone_from_path(link))
			return strdup(zone_from_path(link));
	}
	f = fopen("/etc/timezone", "re");
	if (f) {
		char line[256];
		char *got = fgets(line, sizeof line, f);
		fclose(f);
		if (got) {
			line[strcspn(line, " \t\r\n")] = '\0';
			if (line[0])
				return strdup(line);
		}
	}
	return strdup("Etc/UTC");
}

char *context_shell_name(void)
{
	return user_shell_name();
}

/* ---- the permissions message ------------------------------------------------------- */

static int put_list(struct buf *b, const struct strv *l)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (buf_printf(b, "%s`%s`", i ? ", " : "", l->v[i]) < 0)
			return -1;
	return 0;
}

static int put_protected(struct buf *b)
{
	for (size_t i = 0; sandbox_protected_names[i]; i++)
		if (buf_printf(b, "%s`%s`", i ? ", " : "", sandbox_protected_names[i]) < 0)
			return -1;
	return 0;
}

static int put_files(struct buf *b, const struct context_permissions *p)
{
	switch (p->mode) {
	case SANDBOX_MODE_READ_ONLY:
		return buf_puts(b, "Sandbox: `read-only`. Commands can read any file but cannot "
				   "create, change or delete files anywhere.\n");
	case SANDBOX_MODE_WORKSPACE_WRITE:
		if (buf_puts(b, "Sandbox: `workspace-write`. Commands can read any file and can "
				"write only inside these directories: ") < 0 ||
		    put_list(b, p->writable_roots) < 0 ||
		    buf_puts(b, ". Inside them, ") < 0 || put_protected(b) < 0 ||
		    buf_puts(b, " stay read-only. Writing anywhere else fails with a "
				"permission error.\n") < 0)
			return -1;
		return 0;
	case SANDBOX_MODE_DANGER_FULL_ACCESS:
		return buf_puts(b, "Sandbox: none (`danger-full-access`). Commands run with the "
				   "user's full rights over files and network; take care with "
				   "anything destructive.\n");
	}
	return 0;
}

static int put_network(struct buf *b, const struct context_permissions *p)
{
	if (p->mode == SANDBOX_MODE_DANGER_FULL_ACCESS)
		return 0;
	if (p->network_proxy) {
		if (buf_puts(b, "Network: only through a filtering proxy. HTTP(S) and SOCKS "
				"clients that honour the HTTP_PROXY / HTTPS_PROXY / ALL_PROXY "
				"variables (curl, git, pip, npm, ...) reach allowed domains; direct "
				"connections, other protocols and DNS lookups fail.") < 0)
			return -1;
		if (p->allowed_domains && p->allowed_domains->n &&
		    (buf_puts(b, " Allowed: ") < 0 || put_list(b, p->allowed_domains) < 0 ||
		     buf_putc(b, '.') < 0))
			return -1;
		if (p->denied_domains && p->denied_domains->n &&
		    (buf_puts(b, " Always blocked: ") < 0 || put_list(b, p->denied_domains) < 0 ||
		     buf_putc(b, '.') < 0))
			return -1;
		return buf_puts(b, " A blocked request says why in its response.\n");
	}
	if (p->mode == SANDBOX_MODE_WORKSPACE_WRITE && p->network_access)
		return buf_puts(b, "Network: on; commands can connect anywhere.\n");
	return buf_puts(b, "Network: off. Commands cannot connect anywhere, not even to "
			   "local services (pipes and socket pairs between a command's own "
			   "processes work).\n");
}

static int put_approval(struct buf *b, enum approval_policy a)
{
	switch (a) {
	case APPROVAL_UNTRUSTED:
		return buf_puts(b, "Approvals: `untrusted`. Only known read-only commands (ls, "
				   "cat, grep, git status, ...) run at once; every other command "
				   "waits for the user to approve it.\n");
	case APPROVAL_ON_FAILURE:
		return buf_puts(b, "Approvals: `on-failure`. Commands run in the sandbox without "
				   "asking; when the sandbox blocks one, the user is asked whether "
				   "to run it again without the sandbox.\n");
	case APPROVAL_ON_REQUEST:
		return buf_puts(b, "Approvals: `on-request`. Commands run in the sandbox without "
				   "asking. When a command truly needs more than the sandbox allows "
				   "(writing elsewhere, the network), run it with "
				   "`sandbox_permissions: \"require_escalated\"` and a one-sentence "
				   "`justification`; the user then approves or declines it. Never "
				   "escalate what the sandbox already allows, and prefer a way that "
				   "needs no escalation.\n");
	case APPROVAL_NEVER:
		return buf_puts(b, "Approvals: `never`. Nobody can be asked: a command the "
				   "sandbox blocks fails and you get its real output and exit code. "
				   "Do not request escalation (`sandbox_permissions`); it is refused. "
				   "Find a way within these limits, or say plainly what you could not "
				   "do and why.\n");
	}
	return 0;
}

char *context_permissions_text(const struct context_permissions *p)
{
	struct buf b;

	buf_init(&b, TEXT_MAX);
	if (buf_puts(&b, "<permissions instructions>\n") < 0 || put_files(&b, p) < 0 ||
	    put_network(&b, p) < 0 || put_approval(&b, p->approval) < 0 ||
	    (p->guardian && p->approval != APPROVAL_NEVER &&
	     buf_puts(&b, "\n" GUARDIAN_SUFFIX "\n") < 0) ||
	    buf_puts(&b, "</permissions instructions>") < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

cJSON *context_permissions_message(const struct context_permissions *p)
{
	return message_taking("developer", context_permissions_text(p));
}
