/* The Windows sandbox setup's parsers (sandbox/windows): the input as setup_error.json
 * (the caller's one line: terminated, no control characters, within its room), as a
 * failure line (an API name without spaces), as a firewall rule snapshot and as
 * <codex_home>/cap_sid, and (base64-encoded) as the helper's request. What parses is
 * written back and must parse to the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base64.h"
#include "sandbox/windows/windows_sandbox.h"

static uint32_t zero_rand(void *rng)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), line[300];
	struct win_api_failure f;
	struct win_fw_state st, st2;
	struct win_cap_sids caps, caps2;
	struct err e;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (win_setup_error_line(text, size, "P", line, sizeof line, &e) == 0) {
		size_t n = strlen(line);
		if (n >= sizeof line)
			abort();
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
				abort();
	}
	if (win_api_failure_parse(text, &f) == 0 && (!f.api[0] || strchr(f.api, ' ')))
		abort();
	if (win_fw_state_parse(text, size, &st, &e) == 0) {
		char *json = win_fw_state_json(&st);
		if (json) {
			if (win_fw_state_parse(json, strlen(json), &st2, &e) < 0 ||
			    st2.protocol != st.protocol || st2.enabled != st.enabled ||
			    (st.remote_ports == NULL) != (st2.remote_ports == NULL))
				abort();
			win_fw_state_free(&st2);
			free(json);
		}
		win_fw_state_free(&st);
	}
	if (win_cap_sids_parse(text, size, &caps, &e) == 0) {
		char sid[WIN_CAP_SID_MAX], *json;
		if (win_cap_sids_ensure(&caps, "C:/w", zero_rand, NULL, sid, &e) == 0 &&
		    !win_cap_sid_valid(sid))
			abort();
		if ((json = win_cap_sids_json(&caps))) {
			if (win_cap_sids_parse(json, strlen(json), &caps2, &e) < 0 ||
			    caps2.n_cwd != caps.n_cwd || strcmp(caps2.workspace, caps.workspace))
				abort();
			win_cap_sids_free(&caps2);
			free(json);
		}
		win_cap_sids_free(&caps);
	}
	{
		char *b64 = base64_encode(data, size, false), *again;
		struct win_setup_request r, r2;
		if (b64 && win_setup_request_decode(b64, &r, &e) == 0) {
			if (r.grants.n > WIN_GRANTS_MAX)
				abort();
			if ((again = win_setup_request_encode(&r))) {
				if (win_setup_request_decode(again, &r2, &e) < 0 ||
				    r2.grants.n != r.grants.n || r2.refresh_only != r.refresh_only ||
				    r2.net.n_ports != r.net.n_ports)
					abort();
				win_setup_request_free(&r2);
				free(again);
			}
			win_setup_request_free(&r);
		}
		free(b64);
	}
	free(text);
	return 0;
}
