/* A firewall rule's properties as the setup manages them, saved in the setup journal
 * before a rule is changed or removed, so that rollback can put the rule back
 * (windows_sandbox.h). Properties the setup never sets (program, service, interfaces)
 * are not kept: a changed rule keeps them anyway, a removed one is re-created without
 * them (the rules removed are the setup's own, which never had any). */
#include "sandbox/windows/windows_sandbox.h"

#include <stdlib.h>
#include <string.h>

#include "base/json.h"

/* A snapshot is a few hundred bytes; anything far larger is not one. */
#define FW_STATE_MAX_BYTES 65536

char *win_fw_state_json(const struct win_fw_state *s)
{
	cJSON *o = cJSON_CreateObject();
	char *json = NULL;

	if (o && json_add_str(o, "description", s->description) >= 0 &&
	    json_add_int(o, "direction", s->direction) >= 0 &&
	    json_add_int(o, "action", s->action) >= 0 &&
	    json_add_int(o, "protocol", s->protocol) >= 0 &&
	    json_add_int(o, "profiles", s->profiles) >= 0 &&
	    cJSON_AddBoolToObject(o, "enabled", s->enabled) &&
	    json_add_str(o, "remote_addresses", s->remote_addresses) >= 0 &&
	    json_add_str(o, "remote_ports", s->remote_ports) >= 0 &&
	    json_add_str(o, "local_users", s->local_users) >= 0)
		json = json_print(o, false);
	cJSON_Delete(o);
	return json;
}

void win_fw_state_free(struct win_fw_state *s)
{
	free(s->description);
	free(s->remote_addresses);
	free(s->remote_ports);
	free(s->local_users);
	memset(s, 0, sizeof *s);
}

/* A string member or null; -1 for anything else. */
static int opt_str(const cJSON *o, const char *key, char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) || !(*out = strdup(v->valuestring)))
		return -1;
	return 0;
}

static int int_in(const cJSON *o, const char *key, long lo, long hi, long *out)
{
	int64_t v;

	if (json_get_int64(o, key, &v) < 0 || v < lo || v > hi)
		return -1;
	*out = (long)v;
	return 0;
}

int win_fw_state_parse(const char *json, size_t len, struct win_fw_state *out, struct err *e)
{
	cJSON *o;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (len > FW_STATE_MAX_BYTES)
		return err_set(e, "firewall rule snapshot: larger than %d bytes", FW_STATE_MAX_BYTES);
	if (!(o = json_parse(json, len, "firewall rule snapshot", e)))
		return -1;
	/* The ranges of the firewall API's enumerations: direction in/out (1, 2), action
	 * block/allow (0, 1), an IP protocol number or 256 (any), a profile bit mask. */
	if (!cJSON_IsObject(o) || int_in(o, "direction", 1, 2, &out->direction) < 0 ||
	    int_in(o, "action", 0, 1, &out->action) < 0 ||
	    int_in(o, "protocol", 0, 256, &out->protocol) < 0 ||
	    int_in(o, "profiles", 0, 0x7fffffff, &out->profiles) < 0 ||
	    json_get_bool(o, "enabled", &out->enabled) < 0 ||
	    opt_str(o, "description", &out->description) < 0 ||
	    opt_str(o, "remote_addresses", &out->remote_addresses) < 0 ||
	    opt_str(o, "remote_ports", &out->remote_ports) < 0 ||
	    opt_str(o, "local_users", &out->local_users) < 0) {
		err_set(e, "firewall rule snapshot: a property is missing or out of range");
		win_fw_state_free(out);
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(o);
	return rc;
}
