/* The x-codex-turn-metadata header upstream 0.118 sends with every request of a turn
 * (reference codex-0.118-wire.md, observed):
 *
 *   {"session_id":<thread>,"turn_id":<uuid>,
 *    "workspaces":{"<repo root>":{"associated_remote_urls":{"origin":"..."},
 *                                 "latest_git_commit_hash":"<sha>","has_changes":false}},
 *    "sandbox":"seccomp"}
 *
 * "workspaces" is left out outside a git repository; the remote map and the commit hash
 * when there are none; "sandbox" is "none" when commands run without one. Built once
 * per turn: two git commands, each bounded by GIT_INFO_TIMEOUT_MS, so a huge or broken
 * repository costs at most that and loses only the field it could not get. */
#include <stdlib.h>
#include <string.h>

#include "agent/git_run.h"
#include "agent/internal.h"
#include "base/file.h"

#define GIT_INFO_TIMEOUT_MS 2000
#define GIT_INFO_MAX_OUTPUT (256u * 1024)

char *git_repo_root(const char *cwd)
{
	char *d = strdup(cwd);
	/* The part no parent is taken of: "" on POSIX, "C:" or "//server/share" on Windows. */
	size_t root = d ? path_root_len(d) : 0;

	while (d) {
		char *g = path_join(d, ".git");
		char *slash;
		int ex = g ? file_exists(g) : -1;

		free(g);
		if (ex == 1)
			return d;
		slash = strrchr(d + root, '/');
		if (!slash)
			break;
		if (slash == d + root) {
			if (!slash[1])
				break; /* "/" (or "C:/") was the last to try */
			slash[1] = '\0'; /* try the root last */
			continue;
		}
		*slash = '\0';
	}
	free(d);
	return NULL;
}

/* `git remote -v` lines: "name\turl (fetch)"; the fetch URLs by name. */
cJSON *git_remotes_json(const char *text)
{
	cJSON *o = cJSON_CreateObject();
	const char *line = text;

	while (o && line && *line) {
		const char *nl = strchr(line, '\n'), *tab = strchr(line, '\t');
		const char *end = nl ? nl : line + strlen(line), *sp;
		if (tab && tab < end && (sp = memchr(tab, ' ', (size_t)(end - tab))) &&
		    (size_t)(end - sp) >= 8 && memcmp(sp, " (fetch)", 8) == 0) {
			char *name = strndup(line, (size_t)(tab - line));
			char *url = strndup(tab + 1, (size_t)(sp - tab - 1));
			if (name && url && !cJSON_GetObjectItemCaseSensitive(o, name))
				cJSON_AddStringToObject(o, name, url);
			free(name);
			free(url);
		}
		line = nl ? nl + 1 : NULL;
	}
	if (o && !o->child) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* `git status --porcelain=v2 --branch`: "# branch.oid <sha>" ("(initial)" before the
 * first commit), then one line a changed or untracked path. */
void git_status_fields(const char *text, char **sha, bool *changes)
{
	const char *line = text;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		if (len > 13 && memcmp(line, "# branch.oid ", 13) == 0) {
			if (len - 13 == 40)
				*sha = strndup(line + 13, 40);
		} else if (len > 0 && line[0] != '#') {
			*changes = true;
		}
		line = nl ? nl + 1 : NULL;
	}
}

static cJSON *workspace_json(const char *root)
{
	static const char *const status_args[] = {"status", "--porcelain=v2", "--branch",
						  "--untracked-files=normal", NULL};
	static const char *const remote_args[] = {"remote", "-v", NULL};
	const char *const *args[2] = {remote_args, status_args};
	struct buf out[2];
	cJSON *w = cJSON_CreateObject(), *remotes = NULL;
	char *sha = NULL;
	bool changes = false, have_status;
	int rc[2];

	if (!w)
		return NULL;
	/* Both at once: the turn's first request waits for them. */
	for (int i = 0; i < 2; i++)
		buf_init(&out[i], GIT_INFO_MAX_OUTPUT);
	git_run_all(root, args, 2, out, rc, GIT_INFO_TIMEOUT_MS);
	if (rc[0] == 0 && buf_putc(&out[0], '\0') == 0)
		remotes = git_remotes_json(out[0].data);
	have_status = rc[1] == 0 && buf_putc(&out[1], '\0') == 0;
	if (have_status)
		git_status_fields(out[1].data, &sha, &changes);
	buf_free(&out[0]);
	buf_free(&out[1]);
	if (remotes)
		cJSON_AddItemToObject(w, "associated_remote_urls", remotes);
	if (sha)
		cJSON_AddStringToObject(w, "latest_git_commit_hash", sha);
	free(sha);
	if (have_status)
		cJSON_AddBoolToObject(w, "has_changes", changes);
	return w;
}

char *turn_metadata_json(const struct agent *a, const char *turn_id)
{
	cJSON *o = cJSON_CreateObject();
	char *root = git_repo_root(a->cwd), *s = NULL;
	bool sandboxed = a->policy.type != SANDBOX_MODE_DANGER_FULL_ACCESS;

	if (!o || !cJSON_AddStringToObject(o, "session_id", a->thread_id) ||
	    !cJSON_AddStringToObject(o, "turn_id", turn_id))
		goto out;
	if (root) {
		cJSON *ws = cJSON_AddObjectToObject(o, "workspaces"), *w = workspace_json(root);
		if (!ws || !w) {
			cJSON_Delete(w);
			goto out;
		}
		cJSON_AddItemToObject(ws, root, w);
	}
	if (cJSON_AddStringToObject(o, "sandbox", sandboxed ? "seccomp" : "none"))
		s = cJSON_PrintUnformatted(o);
out:
	free(root);
	cJSON_Delete(o);
	return s;
}
