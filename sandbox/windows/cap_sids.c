/* <codex_home>/cap_sid: the capability SIDs, one generic workspace SID, one read-only
 * SID and one per working directory (windows_sandbox.h). Pure C: reading, migrating,
 * keying and filling in are proven on Linux; the Windows side only draws the random
 * numbers and writes the file. */
#include "sandbox/windows/windows_sandbox.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"

/* The longest cwd key: Windows' long-path limit. */
#define CWD_KEY_MAX 32768

bool win_cap_sid_valid(const char *s)
{
	const char *p;

	if (!s || strncmp(s, "S-1-5-21-", 9) != 0 || strlen(s) >= WIN_CAP_SID_MAX)
		return false;
	p = s + 9;
	for (int part = 0; part < 4; part++) {
		unsigned long long v = 0;
		const char *start = p;
		while (isdigit((unsigned char)*p) && p - start < 11)
			v = v * 10 + (unsigned)(*p++ - '0');
		if (p == start || (*start == '0' && p - start > 1) || v > 0xffffffffULL)
			return false;
		if (part < 3 && *p++ != '-')
			return false;
	}
	return *p == '\0';
}

int win_cwd_key(const char *cwd, char *out, size_t cap)
{
	size_t n = 0;

	for (const char *p = cwd; *p; p++) {
		if (n + 1 >= cap)
			return -1;
		out[n++] = *p == '/' ? '\\' : (char)tolower((unsigned char)*p);
	}
	/* "c:\\x\\" is "c:\\x"; "c:\\" stays (without it, "c:" would mean the drive's
	 * current directory). */
	while (n > 1 && out[n - 1] == '\\' && !(n == 3 && out[1] == ':'))
		n--;
	if (cap == 0)
		return -1;
	out[n] = '\0';
	return 0;
}

void win_cap_sids_free(struct win_cap_sids *s)
{
	for (size_t i = 0; i < s->n_cwd; i++)
		free(s->by_cwd[i].key);
	free(s->by_cwd);
	memset(s, 0, sizeof *s);
}

static int add_cwd(struct win_cap_sids *s, const char *key, const char *sid, struct err *e)
{
	struct win_cap_cwd *v;

	if (s->n_cwd >= WIN_CAP_BY_CWD_MAX)
		return err_set(e, "cap_sid: more than %d working directories", WIN_CAP_BY_CWD_MAX);
	if (!(v = realloc(s->by_cwd, (s->n_cwd + 1) * sizeof *v)))
		return err_set(e, "out of memory");
	s->by_cwd = v;
	if (!(v[s->n_cwd].key = strdup(key)))
		return err_set(e, "out of memory");
	snprintf(v[s->n_cwd].sid, sizeof v[s->n_cwd].sid, "%s", sid);
	s->n_cwd++;
	return 0;
}

/* Copies an optional SID member; -1 when present and not a capability SID. */
static int opt_sid(const cJSON *o, const char *key, char out[WIN_CAP_SID_MAX])
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) || !win_cap_sid_valid(v->valuestring))
		return -1;
	snprintf(out, WIN_CAP_SID_MAX, "%s", v->valuestring);
	return 0;
}

int win_cap_sids_parse(const char *text, size_t len, struct win_cap_sids *out, struct err *e)
{
	cJSON *o = NULL;
	const cJSON *map, *it;
	char bare[WIN_CAP_SID_MAX], *key = NULL;
	size_t b = 0, i = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (len > WIN_CAP_FILE_MAX_BYTES)
		return err_set(e, "cap_sid: larger than %d bytes", WIN_CAP_FILE_MAX_BYTES);
	/* The older form: the SID alone, perhaps with surrounding whitespace. */
	while (i < len && isspace((unsigned char)text[i]))
		i++;
	while (i < len && !isspace((unsigned char)text[i]) && b + 1 < sizeof bare)
		bare[b++] = text[i++];
	bare[b] = '\0';
	while (i < len && isspace((unsigned char)text[i]))
		i++;
	if (b == 0 && i == len)
		return 0; /* no file yet */
	if (i == len && win_cap_sid_valid(bare)) {
		memcpy(out->workspace, bare, b + 1);
		out->changed = true;
		return 0;
	}
	if (!(o = json_parse(text, len, "cap_sid", e)))
		return -1;
	if (cJSON_IsString(o) && win_cap_sid_valid(o->valuestring)) {
		snprintf(out->workspace, sizeof out->workspace, "%s", o->valuestring);
		out->changed = true;
		rc = 0;
		goto out;
	}
	if (!cJSON_IsObject(o) || opt_sid(o, "workspace", out->workspace) < 0 ||
	    opt_sid(o, "readonly", out->readonly) < 0) {
		err_set(e, "cap_sid: not an object of capability SIDs (S-1-5-21- and four numbers)");
		goto out;
	}
	map = cJSON_GetObjectItemCaseSensitive(o, "workspace_by_cwd");
	if (map && !cJSON_IsNull(map) && !cJSON_IsObject(map)) {
		err_set(e, "cap_sid: workspace_by_cwd is not an object");
		goto out;
	}
	if (!(key = malloc(CWD_KEY_MAX))) {
		err_set(e, "out of memory");
		goto out;
	}
	if (!cJSON_IsObject(map))
		map = NULL;
	cJSON_ArrayForEach(it, map) {
		/* A key must be one win_cwd_key makes: another spelling would never match. */
		if (!cJSON_IsString(it) || !win_cap_sid_valid(it->valuestring) || !it->string[0] ||
		    win_cwd_key(it->string, key, CWD_KEY_MAX) < 0 || strcmp(key, it->string) != 0) {
			err_set(e, "cap_sid: a workspace_by_cwd entry is not a directory key and a "
				   "capability SID");
			goto out;
		}
		if (add_cwd(out, it->string, it->valuestring, e) < 0)
			goto out;
	}
	rc = 0;
out:
	free(key);
	if (rc < 0)
		win_cap_sids_free(out);
	cJSON_Delete(o);
	return rc;
}

char *win_cap_sids_json(const struct win_cap_sids *s)
{
	cJSON *o = cJSON_CreateObject(), *map;
	char *json = NULL;

	if (!o || json_add_str(o, "workspace", s->workspace[0] ? s->workspace : NULL) < 0 ||
	    json_add_str(o, "readonly", s->readonly[0] ? s->readonly : NULL) < 0 ||
	    !(map = cJSON_AddObjectToObject(o, "workspace_by_cwd")))
		goto out;
	for (size_t i = 0; i < s->n_cwd; i++)
		if (json_add_str(map, s->by_cwd[i].key, s->by_cwd[i].sid) < 0)
			goto out;
	json = json_print(o, false);
out:
	cJSON_Delete(o);
	return json;
}

static void new_sid(uint32_t (*rand32)(void *), void *rng, char out[WIN_CAP_SID_MAX])
{
	uint32_t a = rand32(rng), b = rand32(rng), c = rand32(rng), d = rand32(rng);

	snprintf(out, WIN_CAP_SID_MAX, "S-1-5-21-%u-%u-%u-%u", (unsigned)a, (unsigned)b,
		 (unsigned)c, (unsigned)d);
}

int win_cap_sids_ensure(struct win_cap_sids *s, const char *cwd,
			uint32_t (*rand32)(void *rng), void *rng, char cwd_sid[WIN_CAP_SID_MAX],
			struct err *e)
{
	char *key = malloc(CWD_KEY_MAX), sid[WIN_CAP_SID_MAX];
	int rc = -1;

	cwd_sid[0] = '\0';
	if (!key)
		return err_set(e, "out of memory");
	if (win_cwd_key(cwd, key, CWD_KEY_MAX) < 0) {
		err_set(e, "cap_sid: the working directory's path is too long");
		goto out;
	}
	if (!s->workspace[0]) {
		new_sid(rand32, rng, s->workspace);
		s->changed = true;
	}
	if (!s->readonly[0]) {
		new_sid(rand32, rng, s->readonly);
		s->changed = true;
	}
	for (size_t i = 0; i < s->n_cwd; i++)
		if (strcmp(s->by_cwd[i].key, key) == 0) {
			memcpy(cwd_sid, s->by_cwd[i].sid, WIN_CAP_SID_MAX);
			rc = 0;
			goto out;
		}
	new_sid(rand32, rng, sid);
	if (add_cwd(s, key, sid, e) < 0)
		goto out;
	s->changed = true;
	memcpy(cwd_sid, sid, WIN_CAP_SID_MAX);
	rc = 0;
out:
	free(key);
	return rc;
}

size_t win_cap_sids_for_policy(enum sandbox_mode mode, const struct win_cap_sids *s,
			       const char *cwd_sid, const char *out[2])
{
	switch (mode) {
	case SANDBOX_MODE_READ_ONLY:
		out[0] = s->readonly;
		return 1;
	case SANDBOX_MODE_WORKSPACE_WRITE:
		out[0] = s->workspace;
		out[1] = cwd_sid;
		return 2;
	case SANDBOX_MODE_DANGER_FULL_ACCESS:
		break;
	}
	return 0;
}
