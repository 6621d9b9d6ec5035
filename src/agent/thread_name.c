/* Naming the thread (/rename): the name goes into the session index (session_index.h),
 * where the resume picker and `codex resume <name>` find it, and into the rollout as
 * thread_name_updated. */
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"
#include "agent/session_index.h"

/* Trimmed, control characters as spaces, cut to AGENT_THREAD_NAME_MAX bytes on a UTF-8
 * boundary; NULL when nothing is left (or memory ran out: *oom). */
static char *normalize(const char *name, bool *oom)
{
	size_t n;
	char *s;

	*oom = false;
	while (*name == ' ' || *name == '\t' || *name == '\n' || *name == '\r')
		name++;
	if (!(s = strdup(name))) {
		*oom = true;
		return NULL;
	}
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	n = strlen(s);
	if (n > AGENT_THREAD_NAME_MAX) {
		n = AGENT_THREAD_NAME_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	while (n > 0 && s[n - 1] == ' ')
		n--;
	s[n] = '\0';
	if (!n) {
		free(s);
		return NULL;
	}
	return s;
}

int agent_set_thread_name(struct agent *a, const char *name, struct err *e)
{
	bool oom;
	char *s = normalize(name ? name : "", &oom);
	cJSON *m;

	if (!s)
		return err_set(e, oom ? "out of memory" : "Thread name cannot be empty.");
	if (a->shut_down) {
		free(s);
		return err_set(e, "the session is shut down");
	}
	if (!a->ephemeral && session_index_append(a->cfg->codex_home, a->thread_id, s, e) < 0) {
		free(s);
		return -1;
	}
	free(a->thread_name);
	a->thread_name = s;
	m = cJSON_CreateObject();
	if (m && (!cJSON_AddStringToObject(m, "thread_id", a->thread_id) ||
		  !cJSON_AddStringToObject(m, "thread_name", s))) {
		cJSON_Delete(m);
		m = NULL;
	}
	/* agent_emit records it (a persisted event) */
	if (m)
		agent_emit(a, AGENT_EV_THREAD_NAME_UPDATED, m);
	return 0;
}

const char *agent_thread_name(const struct agent *a)
{
	return a->thread_name;
}
