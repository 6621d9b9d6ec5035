# Sign in with ChatGPT end to end: the real ./codex against our mock issuer
# (tests/servers/mock_issuer.py) and, for requests made with the tokens, the mock
# Responses server. The browser is played by curl: through $BROWSER (codex opens it) or
# by the test itself reading the URL codex prints. Every wait is bounded: codex runs under
# `timeout`, and loops that wait for output give up after a fixed number of tries.
. "$(dirname "$0")/lib.sh"

setup_home() {
	mkdir -p "$T/home"
	export CODEX_HOME=$T/home
	unset OPENAI_API_KEY CODEX_API_KEY BROWSER DISPLAY WAYLAND_DISPLAY OPENAI_BASE_URL
	unset CODEX_REFRESH_TOKEN_URL_OVERRIDE CODEX_INTERNAL_ORIGINATOR_OVERRIDE
	# Loopback only: no proxy from the environment may take the requests elsewhere.
	unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
	export no_proxy='*'
	PORT=$(free_port)
}

# start_issuer [mock_issuer.py options]: sets ISSUER (its URL) and ISSUER_LOG.
start_issuer() {
	local pf=$T/issuer.port i
	ISSUER_LOG=$T/issuer.log
	start_bg python3 "$CODEX_TOP/tests/servers/mock_issuer.py" --port-file "$pf" \
		--log "$ISSUER_LOG" "$@"
	for i in $(seq 1 200); do
		[ -f "$pf" ] && break
		sleep 0.05
	done
	[ -f "$pf" ] || fail "mock issuer did not start"
	ISSUER=http://127.0.0.1:$(cat "$pf")
}

# issuer_get N PATH: a value of the issuer's Nth logged request (-1: the last).
issuer_get() {
	python3 - "$ISSUER_LOG" "$1" "$2" <<'EOF'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
v = reqs[int(sys.argv[2])]
for k in sys.argv[3].split("."):
    v = v[int(k)] if isinstance(v, list) else v.get(k)
print(v if isinstance(v, str) else json.dumps(v))
EOF
}

# issuer_paths: "METHOD path grant_type" per logged request, one a line.
issuer_paths() {
	python3 - "$ISSUER_LOG" <<'EOF'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    g = (r.get("form") or r.get("json") or {})
    g = g.get("grant_type", "") if isinstance(g, dict) else ""
    print(r["method"], r["path"], g, r["status"])
EOF
}

# A browser that follows every redirect, as a real one does; the page lands in $T/page.
make_browser() {
	cat > "$T/browser" <<EOF
#!/bin/sh
echo "\$1" > "$T/browser.url"
exec curl -sS -L --max-time 30 -o "$T/page" -w '%{url_effective}' "\$1" > "$T/final.url" 2> "$T/browser.err"
EOF
	chmod +x "$T/browser"
}

login() { # login [args]: the browser flow against the mock issuer on $PORT
	timeout 60 "$CODEX" login --experimental_issuer "$ISSUER" --experimental_port "$PORT" "$@"
}

# wait_url FILE: the authorize URL codex printed into FILE (bounded wait).
wait_url() {
	local i
	for i in $(seq 1 400); do
		grep -q '/oauth/authorize?' "$1" 2> /dev/null && break
		sleep 0.05
	done
	grep -m1 '/oauth/authorize?' "$1" || fail "no authorize URL in $1: $(cat "$1")"
}

jwt() {
	python3 - "$1" <<'EOF'
import base64, sys
b = lambda s: base64.urlsafe_b64encode(s.encode()).decode().rstrip("=")
print(b('{"alg":"none","typ":"JWT"}') + "." + b(sys.argv[1]) + "." + b("sig"))
EOF
}

# write_chatgpt_auth EXP [ACCOUNT]: a signed-in auth.json whose access token expires at
# EXP (unix seconds) and whose refresh token is rt-1.
write_chatgpt_auth() {
	local acct=${2:-acc-123} id access
	id=$(jwt "{\"email\":\"u@example.com\",\"https://api.openai.com/auth\":{\"chatgpt_plan_type\":\"pro\",\"chatgpt_account_id\":\"$acct\"}}")
	access=$(jwt "{\"exp\":$1,\"tag\":\"old\"}")
	OLD_ACCESS=$access
	printf '{\n  "auth_mode": "chatgpt",\n  "OPENAI_API_KEY": null,\n  "tokens": {\n    "id_token": "%s",\n    "access_token": "%s",\n    "refresh_token": "rt-1",\n    "account_id": "%s"\n  },\n  "last_refresh": "2026-03-01T10:00:00.123456789Z"\n}' \
		"$id" "$access" "$acct" > "$CODEX_HOME/auth.json"
	chmod 600 "$CODEX_HOME/auth.json"
}

json_field() { # json_field FILE PATH
	python3 -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[k]
print(v if isinstance(v,str) else json.dumps(v))' "$1" "$2"
}

answer='{"sse":[{"created":"r"},{"message":"All done."},{"completed":"r"}]}'

# cx: `codex exec` with the built-in openai provider (ChatGPT credentials from auth.json)
# pointed at the mock Responses server, refreshes at the mock issuer.
cx() {
	local rc=0
	mkdir -p "$T/ws"
	(cd "$T/ws" && OPENAI_BASE_URL=http://127.0.0.1:$MOCK_PORT/v1 \
		CODEX_REFRESH_TOKEN_URL_OVERRIDE=$ISSUER/oauth/token \
		timeout 60 "$CODEX" exec --skip-git-repo-check "$@" "say hi" \
		< /dev/null > "$T/out" 2> "$T/err") || rc=$?
	return $rc
}

# ---- the browser flow ------------------------------------------------------------------

test_browser_flow_signs_in_and_replaces_an_api_key() {
	setup_home
	start_issuer
	make_browser
	echo sk-stale | "$CODEX" login --with-api-key 2> /dev/null
	BROWSER=$T/browser expect_status 0 login
	expect_contains "$(cat "$T/err")" "Starting local login server on http://localhost:$PORT."
	expect_contains "$(cat "$T/err")" "If your browser did not open, navigate to this URL to authenticate:"
	expect_contains "$(cat "$T/err")" "On a remote or headless machine? Use \`codex login --device-auth\` instead."
	expect_eq "$(tail -n1 "$T/err")" "Successfully logged in"
	# The browser got the same URL codex printed, and ended on the success page.
	expect_contains "$(cat "$T/err")" "$(cat "$T/browser.url")"
	expect_contains "$(cat "$T/page")" "Signed in to Codex"
	# auth.json: upstream's format, 0600, the stale key replaced by the exchanged one.
	local f=$CODEX_HOME/auth.json
	expect_eq "$(stat -c %a "$f")" 600 mode
	expect_eq "$(json_field "$f" auth_mode)" chatgpt
	expect_eq "$(json_field "$f" OPENAI_API_KEY)" sk-exchanged
	expect_eq "$(json_field "$f" tokens.account_id)" acc-123
	expect_eq "$(json_field "$f" tokens.refresh_token)" rt-2
	[[ "$(json_field "$f" last_refresh)" =~ ^20[0-9][0-9]-[0-9-]{5}T[0-9:]{8}\.[0-9]{9}Z$ ]] ||
		fail "last_refresh: $(json_field "$f" last_refresh)"
	[ "$(tail -c1 "$f" | od -An -c | tr -d ' ')" = "}" ] || fail "trailing newline"
	# The issuer saw: authorize, the code exchange (PKCE checked by the mock), the API-key
	# exchange.
	expect_eq "$(issuer_paths)" "GET /oauth/authorize  302
POST /oauth/token authorization_code 200
POST /oauth/token urn:ietf:params:oauth:grant-type:token-exchange 200"
	expect_eq "$(issuer_get 1 form.redirect_uri)" "http://localhost:$PORT/auth/callback"
	expect_eq "$(issuer_get 1 headers.user-agent)" null "no user agent on the exchange"
	expect_eq "$(issuer_get 0 query.originator)" codex_cli_rs
	expect_eq "$(issuer_get 0 query.scope)" "openid profile email offline_access api.connectors.read api.connectors.invoke"
	expect_eq "$(issuer_get 0 query.allowed_workspace_id)" null
	# The parameters in upstream's order.
	expect_eq "$(grep -o '[?&][a-z_]*=' "$T/browser.url" | tr -d '?&=' | tr '\n' ' ')" \
		"response_type client_id redirect_uri scope code_challenge code_challenge_method id_token_add_organizations codex_cli_simplified_flow state originator "
	# The success redirect's parameters, in upstream's order.
	expect_eq "$(sed 's/?.*//' "$T/final.url")" "http://localhost:$PORT/success"
	expect_eq "$(grep -o '[?&][a-z_]*=' "$T/final.url" | tr -d '?&=' | tr '\n' ' ')" \
		"id_token needs_setup org_id project_id plan_type platform_url "
	expect_contains "$(cat "$T/final.url")" "&needs_setup=false&org_id=&project_id=&plan_type=pro&platform_url=https%3A%2F%2Fplatform.api.openai.org"
	# The login trace: mode 0600, no token in it.
	expect_eq "$(stat -c %a "$CODEX_HOME/log/codex-login.log")" 600 "log mode"
	expect_contains "$(cat "$CODEX_HOME/log/codex-login.log")" "browser login succeeded"
	expect_not_contains "$(cat "$CODEX_HOME/log/codex-login.log")" "$(json_field "$CODEX_HOME/auth.json" tokens.access_token)"
	expect_status 0 "$CODEX" login status
	expect_eq "$(cat "$T/err")" "Logged in using ChatGPT"
}

test_org_owner_without_onboarding_needs_setup() {
	setup_home
	start_issuer --org-owner
	make_browser
	CODEX_INTERNAL_ORIGINATOR_OVERRIDE=codex_test BROWSER=$T/browser expect_status 0 login
	expect_contains "$(cat "$T/final.url")" "&needs_setup=true&org_id=org-1&"
	expect_eq "$(issuer_get 0 query.originator)" codex_test
}

test_refused_state_keeps_the_server_waiting() {
	setup_home
	start_issuer
	local url
	start_bg login 2> "$T/login.err" > /dev/null
	LOGIN_PID=${bg_pids[-1]}
	url=$(wait_url "$T/login.err")
	# A callback with another state: 400 "State mismatch", nothing written, still up.
	expect_eq "$(curl -sS --max-time 20 -o "$T/resp" -w '%{http_code}' \
		"http://127.0.0.1:$PORT/auth/callback?code=stolen&state=wrong")" 400
	expect_eq "$(cat "$T/resp")" "State mismatch"
	[ ! -e "$CODEX_HOME/auth.json" ] || fail "written after a refused state"
	# Unknown paths: 404, still up; garbage: 400.
	expect_eq "$(curl -sS --max-time 20 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/nope")" 404
	# The real browser round trip still completes the login.
	expect_eq "$(curl -sS -L --max-time 30 -o "$T/page" -w '%{http_code}' "$url")" 200
	expect_contains "$(cat "$T/page")" "Signed in to Codex"
	wait "$LOGIN_PID" || fail "login exited with $?: $(cat "$T/login.err")"
	expect_eq "$(tail -n1 "$T/login.err")" "Successfully logged in"
	expect_eq "$(json_field "$CODEX_HOME/auth.json" auth_mode)" chatgpt
	# The stolen code never reached the token endpoint.
	expect_not_contains "$(cat "$ISSUER_LOG")" "stolen"
}

test_busy_port_sends_cancel_then_says_so() {
	setup_home
	start_issuer
	# Something that is not a Codex login server holds the port and logs what it gets.
	start_bg python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8)
open(sys.argv[2] + ".ready", "w").close()
while True:
    c, _ = s.accept(); c.settimeout(5)
    try:
        data = c.recv(4096)
        open(sys.argv[2], "ab").write(data)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno")
    except OSError:
        pass
    c.close()
' "$PORT" "$T/holder.log"
	wait_file "$T/holder.log.ready" -e
	expect_status 1 login
	expect_eq "$(cat "$T/err")" "Error logging in: Port 127.0.0.1:$PORT is already in use"
	expect_contains "$(cat "$T/holder.log")" "GET /cancel HTTP/1.1"
	expect_contains "$(cat "$T/holder.log")" "Host: 127.0.0.1:$PORT"
	[ ! -e "$ISSUER_LOG" ] || fail "the issuer was contacted"
}

test_second_login_cancels_the_first() {
	setup_home
	start_issuer
	make_browser
	start_bg login 2> "$T/first.err" > /dev/null
	LOGIN_PID=${bg_pids[-1]}
	wait_url "$T/first.err" > /dev/null
	BROWSER=$T/browser expect_status 0 login
	local rc=0
	wait "$LOGIN_PID" || rc=$?
	expect_eq "$rc" 1 "first login's status"
	expect_eq "$(tail -n1 "$T/first.err")" "Error logging in: Login cancelled"
	expect_eq "$(json_field "$CODEX_HOME/auth.json" auth_mode)" chatgpt
}

test_provider_error_is_shown() {
	setup_home
	start_issuer --authorize-error "access_denied:missing_codex_entitlement for this workspace"
	make_browser
	BROWSER=$T/browser expect_status 1 login
	expect_eq "$(tail -n1 "$T/err")" "Error logging in: Codex is not enabled for your workspace. Contact your workspace administrator to request access to Codex."
	expect_contains "$(cat "$T/page")" "You do not have access to Codex"
	[ ! -e "$CODEX_HOME/auth.json" ] || fail "auth.json written"
}

test_missing_code_fails() {
	setup_home
	start_issuer
	local url state
	start_bg login 2> "$T/login.err" > /dev/null
	LOGIN_PID=${bg_pids[-1]}
	url=$(wait_url "$T/login.err")
	state=$(python3 -c 'import sys,urllib.parse as u; print(u.parse_qs(u.urlparse(sys.argv[1]).query)["state"][0])' "$url")
	curl -sS --max-time 20 -o "$T/page" "http://127.0.0.1:$PORT/auth/callback?state=$state"
	expect_contains "$(cat "$T/page")" "missing_authorization_code"
	wait "$LOGIN_PID" && fail "login succeeded"
	expect_eq "$(tail -n1 "$T/login.err")" "Error logging in: Missing authorization code. Sign-in could not be completed."
}

test_token_endpoint_error_keeps_old_credentials() {
	setup_home
	start_issuer --token-status 500
	make_browser
	echo sk-keep | "$CODEX" login --with-api-key 2> /dev/null
	cp "$CODEX_HOME/auth.json" "$T/before"
	BROWSER=$T/browser expect_status 1 login
	expect_eq "$(tail -n1 "$T/err")" "Error logging in: Token exchange failed: token endpoint returned status 500: issuer says no"
	expect_contains "$(cat "$T/page")" "token_exchange_failed"
	cmp "$T/before" "$CODEX_HOME/auth.json" || fail "auth.json changed"
}

test_workspace_restriction_refuses_other_accounts() {
	setup_home
	start_issuer --account-id acc-other
	make_browser
	printf 'forced_chatgpt_workspace_id = "ws-1"\n' > "$CODEX_HOME/config.toml"
	BROWSER=$T/browser expect_status 1 login
	expect_eq "$(tail -n1 "$T/err")" "Error logging in: Login is restricted to workspace id ws-1."
	expect_eq "$(issuer_get 0 query.allowed_workspace_id)" ws-1
	expect_contains "$(cat "$T/page")" "workspace_restriction"
	[ ! -e "$CODEX_HOME/auth.json" ] || fail "auth.json written"
}

# ---- the device code flow --------------------------------------------------------------

test_device_flow_polls_then_signs_in() {
	setup_home
	start_issuer --device-pending 2
	expect_status 0 timeout 60 "$CODEX" login --device-auth --experimental_issuer "$ISSUER/"
	expect_contains "$(cat "$T/out")" "Follow these steps to sign in with ChatGPT using device code authorization:"
	expect_contains "$(cat "$T/out")" "$ISSUER/codex/device"
	expect_contains "$(cat "$T/out")" "ABCD-1234"
	expect_contains "$(cat "$T/out")" "Device codes are a common phishing target. Never share this code."
	expect_eq "$(tail -n1 "$T/err")" "Successfully logged in"
	expect_eq "$(issuer_paths)" "POST /api/accounts/deviceauth/usercode  200
POST /api/accounts/deviceauth/token  403
POST /api/accounts/deviceauth/token  403
POST /api/accounts/deviceauth/token  200
POST /oauth/token authorization_code 200"
	expect_eq "$(issuer_get 0 json.client_id)" app_EMoamEEZ73f0CkXaXp7hrann
	expect_eq "$(issuer_get 1 json)" '{"device_auth_id": "dev-1", "user_code": "ABCD-1234"}'
	expect_eq "$(issuer_get 4 form.redirect_uri)" "$ISSUER/deviceauth/callback"
	expect_eq "$(json_field "$CODEX_HOME/auth.json" OPENAI_API_KEY)" null
	expect_eq "$(json_field "$CODEX_HOME/auth.json" tokens.account_id)" acc-123
	expect_eq "$(stat -c %a "$CODEX_HOME/auth.json")" 600
}

test_device_flow_over_https_trusts_codex_ca_certificate() {
	setup_home
	command -v openssl > /dev/null || { echo "skip: no openssl"; return 0; }
	make_ca "$T/ca"
	start_issuer --device-pending 0 --cert "$T/ca/server.pem" --key "$T/ca/server.key"
	ISSUER=https://localhost:${ISSUER##*:}
	# Without the test CA (the system roots only) the issuer's certificate does not verify.
	SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt expect_status 1 timeout 60 "$CODEX" login --device-auth \
		--experimental_issuer "$ISSUER"
	expect_contains "$(cat "$T/err")" "Error logging in with device code:"
	CODEX_CA_CERTIFICATE=$T/ca/ca.pem expect_status 0 timeout 60 "$CODEX" login --device-auth \
		--experimental_issuer "$ISSUER"
	expect_eq "$(json_field "$CODEX_HOME/auth.json" auth_mode)" chatgpt
}

test_device_flow_not_enabled() {
	setup_home
	start_issuer --device-disabled
	expect_status 1 timeout 60 "$CODEX" login --device-auth --experimental_issuer "$ISSUER"
	expect_eq "$(cat "$T/err")" "Error logging in with device code: device code login is not enabled for this Codex server. Use the browser login or verify the server URL."
	[ ! -e "$CODEX_HOME/auth.json" ] || fail "auth.json written"
}

test_device_flow_honours_workspace_restriction() {
	setup_home
	start_issuer --device-pending 0
	printf 'forced_chatgpt_workspace_id = "  ws-1 "\n' > "$CODEX_HOME/config.toml"
	expect_status 1 timeout 60 "$CODEX" login --device-auth --experimental_issuer "$ISSUER"
	expect_eq "$(tail -n1 "$T/err")" "Error logging in with device code: Login is restricted to workspace id ws-1."
	[ ! -e "$CODEX_HOME/auth.json" ] || fail "auth.json written"
}

# ---- requests with ChatGPT credentials, refresh ------------------------------------------

test_requests_carry_the_token_and_account() {
	setup_home
	start_issuer
	printf '[%s]\n' "$answer" > "$T/script.json"
	start_mock "$T/script.json"
	write_chatgpt_auth 4102444800
	cx || fail "exec failed: $(cat "$T/err")"
	expect_eq "$(mock_get 0 headers.authorization)" "Bearer $OLD_ACCESS"
	expect_eq "$(mock_get 0 headers.chatgpt-account-id)" acc-123
	[ ! -e "$ISSUER_LOG" ] || fail "a fresh token was refreshed"
}

test_chatgpt_requests_go_to_chatgpt_com() {
	setup_home
	write_chatgpt_auth 4102444800
	# No OPENAI_BASE_URL: the built-in provider with ChatGPT credentials goes to
	# chatgpt.com/backend-api/codex. A local proxy that refuses every CONNECT shows where
	# the request was headed without any traffic leaving the machine.
	start_bg python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1] + ".port", "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept(); c.settimeout(5)
    try:
        open(sys.argv[1], "ab").write(c.recv(4096).split(b"\r\n")[0] + b"\n")
        c.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
    except OSError:
        pass
    c.close()
' "$T/proxy.log"
	wait_file "$T/proxy.log.port"
	mkdir -p "$T/ws"
	unset no_proxy
	(cd "$T/ws" && https_proxy=http://127.0.0.1:$(cat "$T/proxy.log.port") \
		exec timeout 60 "$CODEX" exec --skip-git-repo-check "say hi" < /dev/null \
		> "$T/out" 2> "$T/err") &
	local pid=$! i
	for i in $(seq 1 600); do
		[ -s "$T/proxy.log" ] && break
		sleep 0.05
	done
	kill "$pid" 2> /dev/null || true
	wait "$pid" 2> /dev/null || true
	expect_eq "$(head -n1 "$T/proxy.log")" "CONNECT chatgpt.com:443 HTTP/1.1"
}

test_expired_token_is_refreshed_before_the_request() {
	setup_home
	start_issuer
	printf '[%s]\n' "$answer" > "$T/script.json"
	start_mock "$T/script.json"
	write_chatgpt_auth 1000000000
	cx || fail "exec failed: $(cat "$T/err")"
	expect_eq "$(issuer_paths)" "POST /oauth/token refresh_token 200"
	expect_eq "$(issuer_get 0 json)" '{"client_id": "app_EMoamEEZ73f0CkXaXp7hrann", "grant_type": "refresh_token", "refresh_token": "rt-1"}'
	expect_eq "$(issuer_get 0 headers.originator)" codex_exec
	expect_eq "$(json_field "$CODEX_HOME/auth.json" tokens.refresh_token)" rt-2
	expect_eq "$(mock_get 0 headers.authorization)" "Bearer $(json_field "$CODEX_HOME/auth.json" tokens.access_token)"
	expect_eq "$(stat -c %a "$CODEX_HOME/auth.json")" 600
}

test_401_mid_session_refreshes_and_retries_once() {
	setup_home
	start_issuer
	printf '[{"status":401,"body":{"error":{"message":"token expired"}}},%s]\n' "$answer" > "$T/script.json"
	start_mock "$T/script.json"
	write_chatgpt_auth 4102444800
	cx || fail "exec failed: $(cat "$T/err")"
	expect_eq "$(mock_count)" 2 requests
	expect_eq "$(mock_get 0 headers.authorization)" "Bearer $OLD_ACCESS"
	local fresh
	fresh=$(json_field "$CODEX_HOME/auth.json" tokens.access_token)
	[ "$fresh" != "$OLD_ACCESS" ] || fail "auth.json still holds the old token"
	expect_eq "$(mock_get 1 headers.authorization)" "Bearer $fresh"
	expect_eq "$(mock_get 1 headers.chatgpt-account-id)" acc-123
	expect_eq "$(issuer_paths)" "POST /oauth/token refresh_token 200"
	expect_eq "$(json_field "$CODEX_HOME/auth.json" tokens.refresh_token)" rt-2
}

test_second_401_is_not_retried_again() {
	setup_home
	start_issuer
	printf '[{"status":401,"body":{"error":{"message":"no"}}},{"status":401,"body":{"error":{"message":"still no"}}},%s]\n' "$answer" > "$T/script.json"
	start_mock "$T/script.json"
	write_chatgpt_auth 4102444800
	cx && fail "exec succeeded"
	expect_eq "$(mock_count)" 2 requests
	expect_eq "$(issuer_paths)" "POST /oauth/token refresh_token 200"
}

test_failed_refresh_is_clear_and_keeps_auth_json() {
	setup_home
	start_issuer --refresh-fail refresh_token_reused
	printf '[{"status":401,"body":{"error":{"message":"token expired"}}},%s]\n' "$answer" > "$T/script.json"
	start_mock "$T/script.json"
	write_chatgpt_auth 4102444800
	cp "$CODEX_HOME/auth.json" "$T/before"
	cx && fail "exec succeeded"
	expect_contains "$(cat "$T/err")" "Your access token could not be refreshed because your refresh token was already used. Please log out and sign in again."
	cmp "$T/before" "$CODEX_HOME/auth.json" || fail "auth.json changed"
	expect_eq "$(mock_count)" 1 requests
}

test_refresh_uses_tokens_another_process_stored() {
	setup_home
	start_issuer
	# The 401 is held back until this test has played another codex that refreshed
	# meanwhile and stored new tokens (same account) in auth.json.
	printf '[{"status":401,"body":{"error":{"message":"token expired"}},"until_file":"%s"},%s]\n' "$T/go" "$answer" > "$T/script.json"
	start_mock "$T/script.json"
	write_chatgpt_auth 4102444800
	local other i
	other=$(jwt '{"exp":4102444800,"tag":"other-process"}')
	python3 - "$CODEX_HOME/auth.json" "$other" "$T/other.json" <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1])); d["tokens"]["access_token"] = sys.argv[2]
d["tokens"]["refresh_token"] = "rt-other"
open(sys.argv[3], "w").write(json.dumps(d, indent=2))
EOF2
	start_bg cx
	for i in $(seq 1 600); do
		[ "$(mock_count)" -ge 1 ] && break
		sleep 0.05
	done
	[ "$(mock_count)" -ge 1 ] || fail "no request reached the mock"
	mv "$T/other.json" "$CODEX_HOME/auth.json"
	: > "$T/go"
	wait "${bg_pids[-1]}" || fail "exec failed: $(cat "$T/err")"
	expect_eq "$(mock_get 0 headers.authorization)" "Bearer $OLD_ACCESS"
	# The stored token was used as is: no refresh token spent.
	expect_eq "$(mock_get 1 headers.authorization)" "Bearer $other"
	[ ! -e "$ISSUER_LOG" ] || fail "the issuer was asked: $(issuer_paths)"
}

# ---- login restrictions at session start -------------------------------------------------

test_forced_api_logs_out_chatgpt_credentials() {
	setup_home
	start_issuer
	printf '[%s]\n' "$answer" > "$T/script.json"
	start_mock "$T/script.json"
	write_chatgpt_auth 4102444800
	printf 'forced_login_method = "api"\n' > "$CODEX_HOME/config.toml"
	cx && fail "exec succeeded"
	expect_contains "$(cat "$T/err")" "API key login is required, but ChatGPT is currently being used. Logging out."
	[ ! -e "$CODEX_HOME/auth.json" ] || fail "not logged out"
	expect_eq "$(mock_count)" 0 requests
}

test_forced_chatgpt_logs_out_api_keys() {
	setup_home
	start_issuer
	printf '[%s]\n' "$answer" > "$T/script.json"
	start_mock "$T/script.json"
	echo sk-1 | "$CODEX" login --with-api-key 2> /dev/null
	printf 'forced_login_method = "chatgpt"\n' > "$CODEX_HOME/config.toml"
	cx && fail "exec succeeded"
	expect_contains "$(cat "$T/err")" "ChatGPT login is required, but an API key is currently being used. Logging out."
	[ ! -e "$CODEX_HOME/auth.json" ] || fail "not logged out"
}

test_forced_workspace_logs_out_other_accounts() {
	setup_home
	start_issuer
	printf '[%s]\n' "$answer" > "$T/script.json"
	start_mock "$T/script.json"
	write_chatgpt_auth 4102444800 acc-9
	printf 'forced_chatgpt_workspace_id = "acc-123"\n' > "$CODEX_HOME/config.toml"
	cx && fail "exec succeeded"
	expect_contains "$(cat "$T/err")" "Login is restricted to workspace acc-123, but current credentials belong to acc-9. Logging out."
	[ ! -e "$CODEX_HOME/auth.json" ] || fail "not logged out"
	# The right account goes through.
	write_chatgpt_auth 4102444800 acc-123
	cx || fail "exec failed: $(cat "$T/err")"
}

test_logout_removes_chatgpt_credentials() {
	setup_home
	write_chatgpt_auth 4102444800
	expect_status 0 "$CODEX" logout
	expect_eq "$(cat "$T/err")" "Successfully logged out"
	[ ! -e "$CODEX_HOME/auth.json" ] || fail "auth.json left"
	expect_status 1 "$CODEX" login status
	expect_eq "$(cat "$T/err")" "Not logged in"
}

run_tests
