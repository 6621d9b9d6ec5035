/* OAuth pieces of the sign-in (codex-login.md §2.2-2.3): PKCE, state, the authorize URL,
 * and percent-encoding for URLs and form bodies. */
#include "auth/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <bearssl_hash.h>

#include "base/base64.h"

#define SCOPES "openid profile email offline_access api.connectors.read api.connectors.invoke"

static int random_bytes(unsigned char *p, size_t n, struct err *e)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = getrandom(p + got, n - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return err_sys(e, errno, "getrandom");
		}
		got += (size_t)r;
	}
	return 0;
}

/* base64url of n random bytes into out (room checked by the callers' sizes). */
static int random_b64(char *out, size_t out_size, size_t n, struct err *e)
{
	unsigned char raw[64];
	char *s;

	if (random_bytes(raw, n, e) < 0)
		return -1;
	s = base64_encode(raw, n, true);
	memset(raw, 0, sizeof raw);
	if (!s)
		return err_set(e, "out of memory");
	if (strlen(s) >= out_size) {
		free(s);
		return err_set(e, "internal error: PKCE value too long");
	}
	memcpy(out, s, strlen(s) + 1);
	free(s);
	return 0;
}

void auth_pkce_challenge(const char *verifier, char out[48])
{
	br_sha256_context ctx;
	unsigned char digest[32];
	char *s;

	br_sha256_init(&ctx);
	br_sha256_update(&ctx, verifier, strlen(verifier));
	br_sha256_out(&ctx, digest);
	s = base64_encode(digest, sizeof digest, true);
	out[0] = '\0';
	if (s && strlen(s) < 48)
		memcpy(out, s, strlen(s) + 1);
	free(s);
}

int auth_pkce_new(struct auth_pkce *p, struct err *e)
{
	if (random_b64(p->verifier, sizeof p->verifier, 64, e) < 0)
		return -1;
	auth_pkce_challenge(p->verifier, p->challenge);
	if (!p->challenge[0])
		return err_set(e, "out of memory");
	return 0;
}

int auth_random_state(char out[48], struct err *e)
{
	return random_b64(out, 48, 32, e);
}

static bool unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

int auth_pct_append(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (unreserved(*p)) {
			if (buf_putc(out, (char)*p) < 0)
				return -1;
		} else {
			char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			if (buf_append(out, esc, 3) < 0)
				return -1;
		}
	}
	/* An empty value still makes the buffer exist, so "" is never NULL. */
	return out->data ? 0 : buf_append(out, "", 0);
}

int auth_form_append(struct buf *out, const char *name, const char *value)
{
	if ((out->len > 0 && buf_putc(out, '&') < 0) || buf_puts(out, name) < 0 ||
	    buf_putc(out, '=') < 0)
		return -1;
	return auth_pct_append(out, value);
}

bool auth_blank(const char *s)
{
	if (!s)
		return true;
	for (; *s; s++)
		if (!strchr(" \t\r\n\v\f", *s))
			return false;
	return true;
}

char *auth_authorize_url(const char *issuer, const char *client_id, const char *redirect_uri,
			 const struct auth_pkce *pkce, const char *state, const char *originator,
			 const char *workspace_id)
{
	struct buf q, url;
	char *out = NULL;

	buf_init(&q, 64 * 1024);
	buf_init(&url, 64 * 1024);
	if (auth_form_append(&q, "response_type", "code") < 0 ||
	    auth_form_append(&q, "client_id", client_id) < 0 ||
	    auth_form_append(&q, "redirect_uri", redirect_uri) < 0 ||
	    auth_form_append(&q, "scope", SCOPES) < 0 ||
	    auth_form_append(&q, "code_challenge", pkce->challenge) < 0 ||
	    auth_form_append(&q, "code_challenge_method", "S256") < 0 ||
	    auth_form_append(&q, "id_token_add_organizations", "true") < 0 ||
	    auth_form_append(&q, "codex_cli_simplified_flow", "true") < 0 ||
	    auth_form_append(&q, "state", state) < 0 ||
	    auth_form_append(&q, "originator", originator) < 0)
		goto out;
	if (!auth_blank(workspace_id) &&
	    auth_form_append(&q, "allowed_workspace_id", workspace_id) < 0)
		goto out;
	if (buf_printf(&url, "%s/oauth/authorize?%s", issuer, q.data) < 0)
		goto out;
	out = buf_take(&url);
out:
	buf_free(&q);
	buf_free(&url);
	return out;
}
