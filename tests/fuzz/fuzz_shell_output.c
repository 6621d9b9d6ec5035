/* What the agent parses from programs it runs for itself (src/agent): the shell
 * snapshot's capture (a login shell's chatter, a marker, then `env -0`) and git's
 * `remote -v` and `status --porcelain=v2 --branch` output for x-codex-turn-metadata. Any
 * bytes: no crash, and what comes out is well-formed (every kept variable is NAME=value,
 * every unset name has no '=', a sha is 40 characters). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_shell_environment_policy p;
	struct strv base = STRV_INIT, set = STRV_INIT, unset = STRV_INIT;
	char *text, *sha = NULL;
	bool changes = false;
	cJSON *remotes;

	memset(&p, 0, sizeof p);
	if (strv_push(&base, "PATH=/usr/bin:/bin") < 0 || strv_push(&base, "HOME=/root") < 0 ||
	    strv_push(&base, "GONE=1") < 0)
		abort();
	if (shell_snapshot_parse((const char *)data, size, &base, &p, &set, &unset) == 0) {
		for (size_t i = 0; i < set.n; i++)
			if (!strchr(set.v[i], '=') || set.v[i][0] == '=')
				abort();
		for (size_t i = 0; i < unset.n; i++)
			if (strchr(unset.v[i], '=') || !unset.v[i][0])
				abort();
	}
	strv_free(&base);
	strv_free(&set);
	strv_free(&unset);
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	remotes = git_remotes_json(text);
	if (remotes && !cJSON_IsObject(remotes))
		abort();
	cJSON_Delete(remotes);
	git_status_fields(text, &sha, &changes);
	if (sha && strlen(sha) != 40)
		abort();
	free(sha);
	free(text);
	return 0;
}
