/* The TUI's choices written to config.toml (/model, /fast, /personality, /experimental,
 * /statusline, /title): one key set or removed, every other byte of the file as it was,
 * written atomically. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/file.h"
#include "base/limits.h"
#include "config/config.h"
#include "tui/internal.h"

int tui_config_set(const struct app *a, const char *table, const char *key, const char *value,
		   struct err *e)
{
	struct buf text, out;
	int rc = -1;

	buf_init(&text, LIMIT_CONFIG_FILE_BYTES);
	buf_init(&out, LIMIT_CONFIG_FILE_BYTES);
	if (file_read_all(a->cfg->config_path, &text, e) < 0) {
		if (e->errnum != ENOENT)
			goto out;
		buf_reset(&text); /* no config.toml yet: it is made */
	}
	if (file_mkdir_parents(a->cfg->config_path, e) < 0 ||
	    config_edit_set_key(text.data ? text.data : "", text.len, table, key, value, &out,
				e) < 0)
		goto out;
	rc = file_write_atomic(a->cfg->config_path, out.data ? out.data : "", out.len, 0600, e);
out:
	buf_free(&text);
	buf_free(&out);
	return rc;
}

int tui_config_set_model_key(const struct app *a, const char *key, const char *value,
			     struct err *e)
{
	char table[256];

	/* As upstream: with a profile selected, the choice is the profile's. A profile name
	 * that is not a bare key cannot be addressed here: the root is written. */
	if (a->cfg->profile && strlen(a->cfg->profile) < sizeof table - 10 &&
	    a->cfg->profile[strspn(a->cfg->profile, "abcdefghijklmnopqrstuvwxyz"
						    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")] == 0) {
		snprintf(table, sizeof table, "profiles.%s", a->cfg->profile);
		return tui_config_set(a, table, key, value, e);
	}
	return tui_config_set(a, "", key, value, e);
}

const char *tui_profile_suffix(const struct app *a, char *out, size_t n)
{
	if (!a->cfg->profile)
		return "";
	snprintf(out, n, " for %s profile", a->cfg->profile);
	return out;
}
