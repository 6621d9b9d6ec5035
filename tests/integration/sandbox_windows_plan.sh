# `codex sandbox windows --plan` in the Linux binary: the plan codex.exe would apply,
# from the same flags, config and environment (the logic itself: tests/unit
# sandbox_windows_plan_test.c; the same bytes from codex.exe: windows.sh).
. "$(dirname "$0")/lib.sh"

plan() { env -i PATH="$PATH" HOME="$T" CODEX_HOME="$T/home" "$@"; }

setup_home() { mkdir -p "$T/home"; }

test_read_only_default_is_unelevated_without_firewall() {
	setup_home
	expect_status 0 plan "$CODEX" sandbox windows --plan -- cmd /c dir
	expect_contains "$(cat "$T/out")" '"backend": "unelevated"'
	expect_contains "$(cat "$T/out")" '"policy": "read-only"'
	expect_not_contains "$(cat "$T/out")" '"firewall"'
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/out"
}

test_network_flag_enforces_proxy_and_elevated() {
	setup_home
	expect_status 0 plan "$CODEX" sandbox windows --full-auto --allow-domain example.com --plan -- x
	expect_contains "$(cat "$T/out")" '"identity": "offline"'
	expect_contains "$(cat "$T/out")" '"backend_note": "proxy enforcement needs the elevated backend'
	expect_contains "$(cat "$T/out")" '"remote_ports": "1-3127,3129-8080,8082-65535"'
	# the ports follow [network] proxy_url / socks_url
	expect_status 0 plan "$CODEX" sandbox windows -c network.proxy_url='"http://127.0.0.1:1"' \
		-c network.socks_url='"http://localhost:65535"' --allow-domain x.com --plan -- x
	expect_contains "$(cat "$T/out")" '"remote_ports": "2-65534"'
	expect_status 0 plan "$CODEX" sandbox windows -c network.enable_socks5=false \
		--allow-local-binding --plan -- x
	expect_contains "$(cat "$T/out")" '"allow_local_binding": true'
	# local binding: the loopback rules are removed, only the non-loopback block stays
	expect_eq "$(python3 -c 'import json,sys
fw = json.load(open(sys.argv[1]))["firewall"]
print(" ".join(r["action"] + ":" + r["name"] for r in fw))' "$T/out")" \
		"remove:codex_sandbox_offline_allow_loopback_proxy remove:codex_sandbox_offline_block_loopback_udp remove:codex_sandbox_offline_block_loopback_tcp upsert:codex_sandbox_offline_block_outbound"
}

test_non_loopback_proxy_url_is_refused() {
	setup_home
	expect_status 1 plan "$CODEX" sandbox windows -c network.proxy_url='"http://10.0.0.1:3128"' \
		--allow-domain x.com --plan -- x
	expect_contains "$(cat "$T/err")" "[network] proxy_url must be a loopback URL with a port"
}

test_config_and_feature_choose_the_backend() {
	setup_home
	expect_status 0 plan "$CODEX" sandbox windows -c 'windows.sandbox="elevated"' --plan -- x
	expect_contains "$(cat "$T/out")" '"backend": "elevated"'
	expect_contains "$(cat "$T/out")" '"backend_note": null'
	expect_status 0 plan "$CODEX" --enable elevated_windows_sandbox sandbox windows --plan -- x
	expect_contains "$(cat "$T/out")" '"backend": "elevated"'
	expect_status 0 plan "$CODEX" sandbox windows -s danger-full-access --plan -- x
	expect_contains "$(cat "$T/out")" '"backend": "none"'
}

test_marker_drift_from_codex_home() {
	setup_home
	mkdir -p "$T/home/.sandbox"
	printf '{"version":5,"proxy_ports":[3128,8081],"allow_local_binding":false}' \
		> "$T/home/.sandbox/setup_marker.json"
	expect_status 0 plan "$CODEX" sandbox windows --allow-domain x.com --plan -- x
	expect_contains "$(cat "$T/out")" '"required": false'
	expect_status 0 plan "$CODEX" sandbox windows --allow-domain x.com \
		-c network.enable_socks5=false --plan -- x
	expect_contains "$(cat "$T/out")" '"reason": "offline firewall settings changed (stored_ports=[3128, 8081], desired_ports=[3128], stored_allow_local_binding=false, desired_allow_local_binding=false)"'
	printf '{"version":4}' > "$T/home/.sandbox/setup_marker.json"
	expect_status 0 plan "$CODEX" sandbox windows --allow-domain x.com --plan -- x
	expect_contains "$(cat "$T/out")" '"reason": "sandbox setup marker missing or incompatible"'
}

test_usage_errors_and_linux_refusal() {
	setup_home
	expect_status 2 plan "$CODEX" sandbox windows --plan
	expect_contains "$(cat "$T/err")" "no command given"
	expect_status 2 plan "$CODEX" sandbox windows --full-auto -s read-only --plan -- x
	expect_status 2 plan "$CODEX" sandbox windows --network-mode bogus --plan -- x
	expect_status 2 plan "$CODEX" sandbox windows --bogus -- x
	expect_status 125 plan "$CODEX" sandbox windows -- true
	expect_contains "$(cat "$T/err")" "the Windows sandbox runs only in the Windows build (codex.exe)"
	cp "$CODEX" "$T/codex-command-runner"
	expect_status 1 "$T/codex-command-runner" -- true
	expect_contains "$(cat "$T/err")" "exists only in the Windows build"
}

run_tests
