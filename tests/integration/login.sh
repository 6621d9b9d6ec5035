# codex login --with-api-key / login status / logout: upstream 0.118's messages and exit
# codes, and auth.json's format, mode, ownership and atomic replacement.
. "$(dirname "$0")/lib.sh"

setup_home() {
	mkdir -p "$T/home"
	export CODEX_HOME=$T/home
	unset OPENAI_API_KEY CODEX_API_KEY
}

# An unsigned JWT with the given payload (as upstream's mock issuer makes them).
jwt() {
	python3 - "$1" <<'EOF'
import base64, sys
b = lambda s: base64.urlsafe_b64encode(s.encode()).decode().rstrip("=")
print(b('{"alg":"none","typ":"JWT"}') + "." + b(sys.argv[1]) + "." + b("sig"))
EOF
}

write_chatgpt_auth() {
	local id access
	id=$(jwt '{"email":"u@example.com","https://api.openai.com/auth":{"chatgpt_plan_type":"pro","chatgpt_account_id":"acc-1"}}')
	access=$(jwt '{"exp":4102444800}')
	cat > "$CODEX_HOME/auth.json" <<EOF
{
  "auth_mode": "chatgpt",
  "OPENAI_API_KEY": null,
  "tokens": {
    "id_token": "$id",
    "access_token": "$access",
    "refresh_token": "rt-1",
    "account_id": "acc-1"
  },
  "last_refresh": "2026-03-01T10:00:00.123456789Z"
}
EOF
}

test_login_with_api_key_writes_upstreams_file() {
	setup_home
	umask 022
	printf '  sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ\n\n' > "$T/key"
	expect_status 0 "$CODEX" login --with-api-key < "$T/key"
	expect_eq "$(cat "$T/err")" "Reading API key from stdin...
Successfully logged in"
	expect_eq "$(cat "$T/out")" "" "stdout"
	# Exact bytes: two-space indentation, no trailing newline.
	printf '{\n  "auth_mode": "apikey",\n  "OPENAI_API_KEY": "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ"\n}' > "$T/want"
	cmp "$T/want" "$CODEX_HOME/auth.json"
	expect_eq "$(stat -c %a "$CODEX_HOME/auth.json")" 600 "mode"
	expect_eq "$(stat -c %u "$CODEX_HOME/auth.json")" "$(id -u)" "owner"
}

test_login_as_another_user_owns_its_file() {
	[ "$(id -u)" = 0 ] || return 0 # needs root to become another user
	setup_home
	chown 65534:65534 "$CODEX_HOME"
	chmod 755 "$T"
	echo sk-nobody | setpriv --reuid=65534 --regid=65534 --clear-groups \
		env CODEX_HOME="$CODEX_HOME" "$CODEX" login --with-api-key 2> "$T/err"
	expect_eq "$(stat -c '%u %a' "$CODEX_HOME/auth.json")" "65534 600"
}

test_login_replaces_chatgpt_tokens() {
	setup_home
	write_chatgpt_auth
	echo sk-new | "$CODEX" login --with-api-key 2> /dev/null
	expect_not_contains "$(cat "$CODEX_HOME/auth.json")" "tokens"
	expect_not_contains "$(cat "$CODEX_HOME/auth.json")" "last_refresh"
}

test_login_creates_default_codex_home() {
	unset CODEX_HOME OPENAI_API_KEY
	mkdir "$T/user"
	echo sk-1 | HOME=$T/user "$CODEX" login --with-api-key 2> "$T/err"
	expect_eq "$(stat -c %a "$T/user/.codex")" 700 "CODEX_HOME mode"
	expect_eq "$(stat -c %a "$T/user/.codex/auth.json")" 600
}

test_empty_stdin_is_refused() {
	setup_home
	expect_status 1 "$CODEX" login --with-api-key < /dev/null
	expect_eq "$(cat "$T/err")" "Reading API key from stdin...
No API key provided via stdin."
	printf ' \n\t\n' > "$T/blank"
	expect_status 1 "$CODEX" login --with-api-key < "$T/blank"
	[ ! -e "$CODEX_HOME/auth.json" ] || fail "a file was written"
}

test_key_on_a_terminal_is_refused() {
	setup_home
	printf 'expect expects the API key on stdin\nwait\n' |
		python3 "$CODEX_TOP/tests/servers/pty_session.py" -- \
		"$CODEX" login --with-api-key > "$T/pty"
	expect_contains "$(cat "$T/pty")" "EXIT 1"
	[ ! -e "$CODEX_HOME/auth.json" ] || fail "a file was written"
}

test_api_key_flag_is_rejected_as_upstream() {
	setup_home
	expect_status 1 "$CODEX" login --api-key sk-x
	expect_eq "$(cat "$T/err")" "The --api-key flag is no longer supported. Pipe the key instead, e.g. \`printenv OPENAI_API_KEY | codex login --with-api-key\`."
	expect_status 1 "$CODEX" login --api-key=sk-x
	# 0.118: without a value it is a usage error.
	expect_status 2 "$CODEX" login --api-key
	[ ! -e "$CODEX_HOME/auth.json" ] || fail "a file was written"
}

test_forced_chatgpt_login_refuses_api_keys() {
	setup_home
	echo 'forced_login_method = "chatgpt"' > "$CODEX_HOME/config.toml"
	echo sk-1 | expect_status 1 "$CODEX" login --with-api-key
	expect_eq "$(cat "$T/err")" "API key login is disabled. Use ChatGPT login instead."
	[ ! -e "$CODEX_HOME/auth.json" ] || fail "a file was written"
}

test_forced_api_login_refuses_chatgpt() {
	setup_home
	echo 'forced_login_method = "api"' > "$CODEX_HOME/config.toml"
	# Refused before any server starts or any request goes out (the bound makes a
	# regression that would listen fail instead of hang).
	expect_status 1 timeout 20 "$CODEX" login
	expect_eq "$(cat "$T/err")" "ChatGPT login is disabled. Use API key login instead."
	expect_status 1 timeout 20 "$CODEX" login --device-auth
	expect_eq "$(cat "$T/err")" "ChatGPT login is disabled. Use API key login instead."
	[ ! -e "$CODEX_HOME/auth.json" ] || fail "a file was written"
}

test_status_for_each_mode() {
	setup_home
	expect_status 1 "$CODEX" login status
	expect_eq "$(cat "$T/err")" "Not logged in"
	echo sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ | "$CODEX" login --with-api-key 2> /dev/null
	expect_status 0 "$CODEX" login status
	expect_eq "$(cat "$T/err")" "Logged in using an API key - sk-proj-***VWXYZ"
	expect_eq "$(cat "$T/out")" "" "stdout"
	echo short-key-1 | "$CODEX" login --with-api-key 2> /dev/null
	expect_status 0 "$CODEX" login status
	expect_eq "$(cat "$T/err")" "Logged in using an API key - ***"
	write_chatgpt_auth
	expect_status 0 "$CODEX" login status
	expect_eq "$(cat "$T/err")" "Logged in using ChatGPT"
	# Environment keys are not consulted.
	rm "$CODEX_HOME/auth.json"
	OPENAI_API_KEY=sk-env expect_status 1 "$CODEX" login status
}

test_status_of_a_bad_file_is_a_clear_error() {
	setup_home
	printf '{"OPENAI_API_KEY": "sk-1",\n' > "$CODEX_HOME/auth.json"
	expect_status 1 "$CODEX" login status
	expect_contains "$(cat "$T/err")" "Error checking login status: $CODEX_HOME/auth.json: invalid JSON at line 1"
	printf '{"auth_mode": "apikey"}' > "$CODEX_HOME/auth.json"
	expect_status 1 "$CODEX" login status
	expect_contains "$(cat "$T/err")" "auth_mode is \"apikey\" but OPENAI_API_KEY is missing"
	printf '{"tokens": {"id_token": "x", "access_token": "a", "refresh_token": "r"}}' > "$CODEX_HOME/auth.json"
	expect_status 1 "$CODEX" login status
	expect_contains "$(cat "$T/err")" "tokens.id_token: the token is not a JWT"
	expect_eq "$(wc -l < "$T/err")" 1 "one line"
}

test_logout_removes_the_file() {
	setup_home
	echo sk-1 | "$CODEX" login --with-api-key 2> /dev/null
	expect_status 0 "$CODEX" logout
	expect_eq "$(cat "$T/err")" "Successfully logged out"
	[ ! -e "$CODEX_HOME/auth.json" ] || fail "auth.json still there"
	expect_status 0 "$CODEX" logout
	expect_eq "$(cat "$T/err")" "Not logged in"
	expect_status 1 "$CODEX" login status
}

# Replacement is atomic: when the new file cannot be written the old one stays whole.
test_failed_write_leaves_the_old_file() {
	setup_home
	echo sk-old | "$CODEX" login --with-api-key 2> /dev/null
	cp "$CODEX_HOME/auth.json" "$T/before"
	chmod 755 "$T"
	if [ "$(id -u)" = 0 ]; then
		chown -R 65534:65534 "$CODEX_HOME"
		chmod 555 "$CODEX_HOME"
		run_as=(setpriv --reuid=65534 --regid=65534 --clear-groups env CODEX_HOME="$CODEX_HOME")
	else
		chmod 555 "$CODEX_HOME"
		run_as=(env)
	fi
	echo sk-new | expect_status 1 "${run_as[@]}" "$CODEX" login --with-api-key
	expect_contains "$(cat "$T/err")" "Error logging in: cannot create a temporary file next to $CODEX_HOME/auth.json: Permission denied"
	cmp "$T/before" "$CODEX_HOME/auth.json"
	expect_eq "$(ls -A "$CODEX_HOME")" "auth.json" "no temp files"
	# Logout fails the same way and says so.
	expect_status 1 "${run_as[@]}" "$CODEX" logout
	expect_contains "$(cat "$T/err")" "Error logging out: cannot remove $CODEX_HOME/auth.json: Permission denied"
	chmod 755 "$CODEX_HOME"
}

test_help_and_usage() {
	setup_home
	expect_status 0 "$CODEX" login --help
	expect_contains "$(cat "$T/out")" "--with-api-key"
	expect_status 2 "$CODEX" login --bogus
	expect_status 2 "$CODEX" logout --remote
	expect_contains "$("$CODEX" --help)" "logout"
}

run_tests
