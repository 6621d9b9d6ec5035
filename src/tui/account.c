/* Who is signed in, for /status's Account line and /apps: auth.json's mode (ChatGPT
 * with its email and plan, or an API key), else an OPENAI_API_KEY in the environment,
 * as upstream's auth manager sees it. */
#include <stdio.h>
#include <stdlib.h>

#include "auth/auth.h"
#include "tui/internal.h"

enum tui_account tui_account(const struct app *a, char *out, size_t n)
{
	struct auth_file f = AUTH_FILE_INIT;
	enum tui_account kind = TUI_ACCOUNT_NONE;
	const char *env = getenv("OPENAI_API_KEY");
	struct err e;
	int got = auth_file_load(a->cfg->codex_home, &f, &e);

	if (got > 0 && f.mode != AUTH_MODE_APIKEY && f.has_tokens) {
		const struct auth_id_claims *c = &f.tokens.id_claims;
		kind = TUI_ACCOUNT_CHATGPT;
		if (c->email && c->plan_type)
			snprintf(out, n, "%s (%s)", c->email, c->plan_type);
		else
			snprintf(out, n, "%s", c->email ? c->email : c->plan_type ? c->plan_type : "ChatGPT");
	} else if ((got > 0 && f.api_key) || (env && *env)) {
		kind = TUI_ACCOUNT_API_KEY;
		snprintf(out, n, "API key configured (run codex login to use ChatGPT)");
	}
	if (got > 0)
		auth_file_free(&f);
	return kind;
}
