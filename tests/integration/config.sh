#!/bin/bash
# config.toml, -c, profiles and flags end to end through `codex debug config`.
. "$(dirname "$0")/lib.sh"

# A fresh CODEX_HOME in $T/home; config.toml holds the arguments (one a line), or
# stdin when there are none. (Not in a pipeline: it exports CODEX_HOME.)
home() {
	mkdir -p "$T/home"
	if [ $# -gt 0 ]; then printf '%s\n' "$@"; else cat; fi > "$T/home/config.toml"
	export CODEX_HOME=$T/home
}

# The interpreter itself, not a version-manager shim (which costs ~0.5 s a call).
PY=$(python3 -c 'import sys; print(sys.executable)')

# jget FILE KEY...: the JSON value at that path (strings bare, others as JSON).
jget() {
	"$PY" - "$@" <<'EOF'
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v if isinstance(v, str) else json.dumps(v))
EOF
}

test_defaults_without_config_file() {
	mkdir -p "$T/home"
	export CODEX_HOME=$T/home
	expect_status 0 "$CODEX" debug config
	expect_eq "$(jget "$T/out" config_file_exists)" false
	expect_eq "$(jget "$T/out" settings model value)" gpt-5.3-codex
	expect_eq "$(jget "$T/out" settings model origin)" default
	expect_eq "$(jget "$T/out" settings sandbox_mode value)" read-only
	expect_eq "$(jget "$T/out" settings approval_policy value)" on-request
	expect_eq "$(jget "$T/out" settings network proxy_url value)" http://127.0.0.1:3128
	expect_eq "$(jget "$T/out" ignored_keys)" "[]"
}

test_precedence_flag_c_profile_file() {
	home <<'EOF'
model = "file-model"
approval_policy = "untrusted"
sandbox_mode = "read-only"
model_reasoning_summary = "concise"

[profiles.work]
model = "profile-model"
approval_policy = "on-failure"
sandbox_mode = "workspace-write"
EOF
	expect_status 0 "$CODEX" -p work debug config -c approval_policy=never -s danger-full-access
	expect_eq "$(jget "$T/out" profile)" work
	expect_eq "$(jget "$T/out" settings model_reasoning_summary value)" concise
	expect_eq "$(jget "$T/out" settings model_reasoning_summary origin)" "$T/home/config.toml:4"
	expect_eq "$(jget "$T/out" settings model value)" profile-model
	expect_eq "$(jget "$T/out" settings model origin)" "profile work ($T/home/config.toml:7)"
	expect_eq "$(jget "$T/out" settings approval_policy value)" never
	expect_eq "$(jget "$T/out" settings approval_policy origin)" -c
	expect_eq "$(jget "$T/out" settings sandbox_mode value)" danger-full-access
	expect_eq "$(jget "$T/out" settings sandbox_mode origin)" flag
}

test_c_and_p_before_or_after_the_subcommand() {
	home <<'EOF'
[profiles.a]
model = "A"
EOF
	expect_status 0 "$CODEX" -c model=before debug config
	expect_eq "$(jget "$T/out" settings model value)" before
	expect_status 0 "$CODEX" debug -c model=middle config
	expect_eq "$(jget "$T/out" settings model value)" middle
	expect_status 0 "$CODEX" debug config --config=model=after
	expect_eq "$(jget "$T/out" settings model value)" after
	# Later occurrences win, whatever side of the subcommand they are on.
	expect_status 0 "$CODEX" -c model=first debug config -c model=last
	expect_eq "$(jget "$T/out" settings model value)" last
	expect_status 0 "$CODEX" debug config --profile a
	expect_eq "$(jget "$T/out" settings model value)" A
}

test_c_quoted_segments_and_literal_fallback() {
	home <<'EOF'
model_provider = "my-llm"
[model_providers."my-llm"]
name = "Mine"
EOF
	expect_status 0 "$CODEX" debug config \
		-c 'model_providers."my-llm".base_url="http://127.0.0.1:9/v1"' \
		-c model=o3-mini -c 'notify=["say", "done"]' -c network.enabled=true
	expect_eq "$(jget "$T/out" settings model_providers my-llm base_url value)" "http://127.0.0.1:9/v1"
	expect_eq "$(jget "$T/out" settings model_providers my-llm name value)" Mine
	expect_eq "$(jget "$T/out" settings model value)" o3-mini
	expect_eq "$(jget "$T/out" settings notify value)" '["say", "done"]'
	expect_eq "$(jget "$T/out" settings network enabled value)" true
}

test_syntax_error_stops_with_file_line_column() {
	home <<'EOF'
model = "x"
sandbox_mode = "read-only
EOF
	expect_status 1 "$CODEX" debug config
	expect_eq "$(cat "$T/err")" "codex: error: $T/home/config.toml:2:16: unterminated string (a \"...\" string ends on its line; use \"\"\"...\"\"\" for several lines)"
	expect_eq "$(cat "$T/out")" ""
}

test_wrong_types_name_key_values_and_position() {
	home 'approval_policy = 3'
	expect_status 1 "$CODEX" debug config
	expect_eq "$(cat "$T/err")" "codex: error: $T/home/config.toml:1:19: invalid value for approval_policy: expected one of \"untrusted\", \"on-failure\", \"on-request\", \"never\", got integer 3"
	home '[network]' 'mode = "bogus"'
	expect_status 1 "$CODEX" debug config
	expect_contains "$(cat "$T/err")" "config.toml:2:8: invalid value for network.mode: expected one of \"full\", \"limited\", got \"bogus\""
	home 'sandbox_mode = "bogus"'
	expect_status 1 "$CODEX" debug config
	expect_contains "$(cat "$T/err")" "config.toml:1:16: invalid value for sandbox_mode"
	# The same check applies to -c values, which are named in the message.
	home ''
	expect_status 1 "$CODEX" debug config -c sandbox_mode=bogus
	expect_contains "$(cat "$T/err")" "codex: error: -c sandbox_mode=bogus: invalid value for sandbox_mode"
}

test_bad_overrides_profiles_and_home() {
	home ''
	expect_status 1 "$CODEX" debug config -c model
	expect_eq "$(cat "$T/err")" "codex: error: -c model: expected key=value"
	expect_status 1 "$CODEX" debug config -p missing
	expect_contains "$(cat "$T/err")" "config profile 'missing' not found"
	CODEX_HOME=$T/nowhere expect_status 1 "$CODEX" debug config
	expect_contains "$(cat "$T/err")" "CODEX_HOME points to \"$T/nowhere\", but that path does not exist"
	expect_status 2 "$CODEX" debug config -s sideways
	expect_status 2 "$CODEX" debug config --bogus
	expect_status 2 "$CODEX" debug
	expect_status 2 "$CODEX" debug nothing
}

# An unreadable config.toml is one clear line and exit 1, for every command that reads it.
# (As an unprivileged user: root reads a mode-000 file.)
test_unreadable_config_file() {
	home 'model = "x"'
	chmod 000 "$T/home/config.toml"
	chmod 755 "$T" "$T/home"
	for cmd in "debug config" "sandbox -- true" "proxy --http 127.0.0.1:0"; do
		expect_status 1 setpriv --reuid=65534 --regid=65534 --clear-groups \
			env CODEX_HOME="$T/home" "$CODEX" $cmd
		expect_eq "$(cat "$T/err")" "codex: error: cannot open $T/home/config.toml: Permission denied" "$cmd"
	done
	# The control: readable, the same commands get past the config.
	chmod 644 "$T/home/config.toml"
	expect_status 0 setpriv --reuid=65534 --regid=65534 --clear-groups \
		env CODEX_HOME="$T/home" "$CODEX" debug config
}

test_secrets_are_redacted() {
	home <<'EOF'
model_provider = "corp"
[model_providers.corp]
base_url = "https://svc:pa55@llm.corp/v1"
env_key = "CORP_API_KEY"
experimental_bearer_token = "bearer-hidden1"
http_headers = { Authorization = "Bearer hidden2", "X-Api-Key" = "hidden3", X-Team = "blue" }
[mcp_servers.gh]
command = "gh-mcp"
env = { GITHUB_TOKEN = "hidden4" }
[shell_environment_policy]
set = { AWS_SECRET_ACCESS_KEY = "hidden5" }
EOF
	expect_status 0 "$CODEX" debug config -c 'model_providers.corp.query_params.api_key="hidden6"'
	expect_not_contains "$(cat "$T/out")" hidden
	expect_not_contains "$(cat "$T/out")" pa55
	expect_eq "$(jget "$T/out" settings model_providers corp http_headers value X-Team)" blue
	expect_eq "$(jget "$T/out" settings model_providers corp http_headers value Authorization)" "<redacted>"
	expect_eq "$(jget "$T/out" settings model_providers corp env_key value)" CORP_API_KEY
	expect_eq "$(jget "$T/out" settings model_providers corp base_url value)" "https://<redacted>@llm.corp/v1"
}

test_unknown_keys_are_listed_not_fatal() {
	home <<'EOF'
model = "m"
shiny_new_option = true
[tui]
animations = false
theme = "dracula"
sparkles = 1
[profiles.p]
another = 1
EOF
	expect_status 0 "$CODEX" debug config
	expect_eq "$(jget "$T/out" ignored_keys 0 key)" shiny_new_option
	expect_eq "$(jget "$T/out" ignored_keys 0 origin)" "$T/home/config.toml:2"
	# [tui]'s own keys are known (the TUI reads them), theme is checked; others listed
	expect_eq "$(jget "$T/out" ignored_keys 1 key)" tui.sparkles
	expect_eq "$(jget "$T/out" settings tui theme value)" dracula
	expect_eq "$(jget "$T/out" ignored_keys 2 key)" profiles.p.another
	expect_eq "$(jget "$T/out" settings model value)" m
}

# The review's case: 3 MB of 200,000 keys took 3.3 s and 136 MB. Now every command
# refuses it at once, in one line naming the limit.
test_a_config_over_the_size_limit_is_one_clear_error() {
	mkdir -p "$T/home"
	"$PY" -c 'import sys; sys.stdout.write("".join("key_%06d = 1\n" % i for i in range(200000)))' \
		> "$T/home/config.toml"
	export CODEX_HOME=$T/home
	local cmd
	for cmd in "debug config" "sandbox -- /bin/true"; do
		# shellcheck disable=SC2086
		expect_status 1 "$CODEX" $cmd
		expect_eq "$(cat "$T/err")" \
			"codex: error: $T/home/config.toml is too large (limit 1048576 bytes)" "$cmd"
	done
}

run_tests
