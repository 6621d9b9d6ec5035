/* The device-code sign-in (codex-login.md §6): ask for a user code, show it, poll until
 * the user approves it in a browser elsewhere, then exchange the authorization code the
 * server hands back (with the PKCE verifier it generated) like the browser flow does. */
#include "auth/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/json.h"

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
	struct timespec t = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

/* A JSON POST under {base}/api/accounts/deviceauth/: status and parsed object body
 * (NULL when the body is not a JSON object). */
static int post_json(const char *base, const char *what, const cJSON *req, long *status,
		     cJSON **out, struct err *e)
{
	struct buf url, body;
	char *text = json_print(req, false);
	int rc = -1;

	*out = NULL;
	buf_init(&url, 8192);
	buf_init(&body, AUTH_HTTP_BODY_MAX);
	if (!text || buf_printf(&url, "%s/api/accounts/deviceauth/%s", base, what) < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	if (auth_http_post(url.data, "application/json", text, NULL, status, &body, e) < 0)
		goto out;
	if (body.data) {
		*out = json_parse(body.data, body.len, "the device auth response", NULL);
		if (*out && !cJSON_IsObject(*out)) {
			cJSON_Delete(*out);
			*out = NULL;
		}
	}
	rc = 0;
out:
	free(text);
	buf_free(&url);
	buf_free(&body);
	return rc;
}

struct user_code {
	char *device_auth_id, *user_code;
	int64_t interval_s;
};

static int request_user_code(const char *base, const char *client_id, struct user_code *uc,
			     struct err *e)
{
	cJSON *req = cJSON_CreateObject(), *resp = NULL;
	const char *id, *code, *interval;
	long status = 0;
	int rc = -1;

	if (!req || json_add_str(req, "client_id", client_id) < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	if (post_json(base, "usercode", req, &status, &resp, e) < 0)
		goto out;
	if (status == 404) {
		err_set(e, "device code login is not enabled for this Codex server. Use the "
			   "browser login or verify the server URL.");
		goto out;
	}
	if (status < 200 || status > 299) {
		err_set(e, "device code request failed with status %ld", status);
		goto out;
	}
	id = json_get_str(resp, "device_auth_id");
	code = json_get_str(resp, "user_code");
	if (!code)
		code = json_get_str(resp, "usercode");
	/* Upstream reads interval as a string of seconds; a number does not parse there. */
	interval = json_get_str(resp, "interval");
	if (!id || !code || !interval) {
		err_set(e, "the device code response lacks %s", !id ? "device_auth_id"
							       : !code ? "user_code"
								       : "interval (a string)");
		goto out;
	}
	char *end;
	errno = 0;
	uc->interval_s = strtoll(interval, &end, 10);
	if (errno || end == interval || *end || uc->interval_s < 0) {
		err_set(e, "the device code response has an invalid interval \"%s\"", interval);
		goto out;
	}
	if (!(uc->device_auth_id = strdup(id)) || !(uc->user_code = strdup(code))) {
		err_set(e, "out of memory");
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(req);
	cJSON_Delete(resp);
	return rc;
}

struct approval {
	char *code, *verifier;
};

/* Polls until approved (0), refused or timed out (-1). */
static int poll_token(const char *base, const struct user_code *uc, int64_t deadline,
		      struct approval *out, struct err *e)
{
	cJSON *req = cJSON_CreateObject(), *resp = NULL;
	long status;
	int rc = -1;

	if (!req || json_add_str(req, "device_auth_id", uc->device_auth_id) < 0 ||
	    json_add_str(req, "user_code", uc->user_code) < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	for (;;) {
		int64_t left;
		status = 0;
		cJSON_Delete(resp);
		if (post_json(base, "token", req, &status, &resp, e) < 0)
			goto out;
		if (status >= 200 && status <= 299)
			break;
		if (status != 403 && status != 404) {
			err_set(e, "device auth failed with status %ld", status);
			goto out;
		}
		/* Pending: wait the interval, never past the deadline. */
		left = deadline - now_ms();
		if (left <= 0) {
			err_set(e, "device auth timed out after 15 minutes");
			goto out;
		}
		sleep_ms(uc->interval_s * 1000 < left ? uc->interval_s * 1000 : left);
	}
	const char *code = json_get_str(resp, "authorization_code");
	const char *verifier = json_get_str(resp, "code_verifier");
	if (!code || !verifier) {
		err_set(e, "the device auth token response lacks %s",
			!code ? "authorization_code" : "code_verifier");
		goto out;
	}
	if (!(out->code = strdup(code)) || !(out->verifier = strdup(verifier))) {
		err_set(e, "out of memory");
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(req);
	cJSON_Delete(resp);
	return rc;
}

int auth_login_device(const struct auth_login_opts *o, struct err *e)
{
	const char *client_id = o->client_id && *o->client_id ? o->client_id
							       : AUTH_CLIENT_ID_DEFAULT;
	struct user_code uc = {0};
	struct approval ap = {0};
	struct auth_token_set t = {0};
	struct buf verify, redirect;
	char *base = strdup(o->issuer && *o->issuer ? o->issuer : AUTH_ISSUER_DEFAULT);
	int64_t deadline = now_ms() + (o->timeout_ms > 0 ? o->timeout_ms : AUTH_LOGIN_TIMEOUT_MS);
	size_t n;
	int rc = -1;

	buf_init(&verify, 8192);
	buf_init(&redirect, 8192);
	if (!base) {
		err_set(e, "out of memory");
		goto out;
	}
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		base[--n] = '\0';
	if (request_user_code(base, client_id, &uc, e) < 0)
		goto out;
	if (buf_printf(&verify, "%s/codex/device", base) < 0 ||
	    buf_printf(&redirect, "%s/deviceauth/callback", base) < 0) {
		err_set(e, "out of memory");
		goto out;
	}
	if (o->on_device_code)
		o->on_device_code(o->arg, verify.data, uc.user_code);
	if (poll_token(base, &uc, deadline, &ap, e) < 0)
		goto out;
	if (auth_exchange_code(base, client_id, redirect.data, ap.code, ap.verifier, &t, e) < 0 ||
	    auth_check_workspace(o->forced_workspace_id, t.id_token, e) < 0 ||
	    auth_persist_tokens(o->codex_home, &t, NULL, e) < 0)
		goto out;
	rc = 0;
out:
	auth_token_set_free(&t);
	free(ap.code);
	free(ap.verifier);
	free(uc.device_auth_id);
	free(uc.user_code);
	buf_free(&verify);
	buf_free(&redirect);
	free(base);
	return rc;
}
