/* Which credential a model request carries (order in auth.h). */
#include "auth/auth.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

const char *auth_source_str(enum auth_source s)
{
	switch (s) {
	case AUTH_SOURCE_NONE:
		return "none";
	case AUTH_SOURCE_CODEX_API_KEY:
		return "CODEX_API_KEY";
	case AUTH_SOURCE_ENV_KEY:
		return "env_key";
	case AUTH_SOURCE_BEARER_TOKEN:
		return "experimental_bearer_token";
	case AUTH_SOURCE_OPENAI_API_KEY:
		return "OPENAI_API_KEY";
	case AUTH_SOURCE_FILE_API_KEY:
		return "auth.json (API key)";
	case AUTH_SOURCE_FILE_CHATGPT:
		return "auth.json (ChatGPT)";
	}
	return "none";
}

void auth_credentials_free(struct auth_credentials *c)
{
	if (!c)
		return;
	free(c->bearer);
	free(c->account_id);
	auth_file_free(&c->file);
	*c = (struct auth_credentials)AUTH_CREDENTIALS_INIT;
}

/* The variable's value without surrounding whitespace (malloc'ed), or NULL when it is
 * unset or blank; *oom tells a failed allocation apart. */
static char *env_trimmed(const char *name, bool *oom)
{
	const char *v = getenv(name), *end;

	*oom = false;
	if (!v)
		return NULL;
	while (isspace((unsigned char)*v))
		v++;
	end = v + strlen(v);
	while (end > v && isspace((unsigned char)end[-1]))
		end--;
	if (end == v)
		return NULL;
	char *s = strndup(v, (size_t)(end - v));
	*oom = s == NULL;
	return s;
}

static int set_bearer(struct auth_credentials *out, enum auth_source src, const char *value,
		      struct err *e)
{
	out->bearer = strdup(value);
	if (!out->bearer)
		return err_set(e, "out of memory");
	out->source = src;
	return 0;
}

/* auth.json's credential; 0 with nothing set when there is none to use. */
static int from_file(const struct auth_request_opts *o, struct auth_credentials *out,
		     struct err *e)
{
	struct auth_file f = AUTH_FILE_INIT;
	int r = auth_file_load(o->codex_home, &f, e);

	if (r <= 0)
		return r;
	if (f.mode == AUTH_MODE_APIKEY) {
		if (set_bearer(out, AUTH_SOURCE_FILE_API_KEY, f.api_key, e) < 0)
			goto fail;
	} else {
		if (!f.has_tokens || !f.last_refresh) {
			auth_file_free(&f);
			return err_set(e, "Token data is not available.");
		}
		if (set_bearer(out, AUTH_SOURCE_FILE_CHATGPT, f.tokens.access_token, e) < 0)
			goto fail;
		if (f.tokens.account_id && !(out->account_id = strdup(f.tokens.account_id))) {
			err_set(e, "out of memory");
			goto fail;
		}
	}
	out->file = f;
	return 0;
fail:
	auth_file_free(&f);
	return -1;
}

int auth_resolve(const struct auth_request_opts *o, struct auth_credentials *out,
		 struct err *e)
{
	char *v = NULL;
	bool oom = false;
	int rc;

	if (o->codex_api_key_env && (v = env_trimmed("CODEX_API_KEY", &oom))) {
		rc = set_bearer(out, AUTH_SOURCE_CODEX_API_KEY, v, e);
		goto out;
	}
	if (oom)
		return err_set(e, "out of memory");
	if (o->env_key && *o->env_key) {
		v = env_trimmed(o->env_key, &oom);
		if (oom)
			return err_set(e, "out of memory");
		if (!v) {
			if (o->env_key_instructions && *o->env_key_instructions)
				return err_set(e, "Missing environment variable: `%s`. %s",
					       o->env_key, o->env_key_instructions);
			return err_set(e, "Missing environment variable: `%s`.", o->env_key);
		}
		rc = set_bearer(out, AUTH_SOURCE_ENV_KEY, v, e);
		goto out;
	}
	if (o->bearer_token && *o->bearer_token)
		return set_bearer(out, AUTH_SOURCE_BEARER_TOKEN, o->bearer_token, e);
	if (!o->openai_auth)
		return 0;
	if ((v = env_trimmed("OPENAI_API_KEY", &oom))) {
		rc = set_bearer(out, AUTH_SOURCE_OPENAI_API_KEY, v, e);
		goto out;
	}
	if (oom)
		return err_set(e, "out of memory");
	return from_file(o, out, e);
out:
	free(v);
	return rc;
}
