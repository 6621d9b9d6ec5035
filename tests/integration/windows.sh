#!/bin/bash
# codex.exe (make windows) under Wine: what Wine can prove of the Windows build.
#   - the file: a PE32+ executable importing only DLLs that Windows ships;
#   - `codex.exe --version`, the apply_patch conformance scenarios (copied to
#     apply_patch.exe, so the argv[0] role is exercised too), and
#     `codex.exe sandbox windows --plan` printing the same bytes as ./codex for the same
#     inputs;
#   - `codex.exe exec` against the scripted model mock (tests/servers/mock_responses.py
#     on 127.0.0.1): commands run with pipes in a job object and their output reaches
#     the next request, --json, apply_patch through the agent (codex.exe re-invoked),
#     read-only through the restricted-token runner (which Wine runs but does not
#     enforce: only that the command runs and its status comes back is checked).
# Wine has no firewall COM, logon users, DPAPI across elevation or restricted-token
# enforcement, so applying the sandbox is not tested here (reference
# codex-windows-sandbox.md §12). Skips, with the reason, without Wine or codex.exe.
source "$(dirname "$0")/lib.sh"

EXE=${CODEX_EXE:-$CODEX_TOP/codex.exe}
OBJDUMP=x86_64-w64-mingw32-objdump

skip_all() {
	echo "ok - windows: skipped ($1) # SKIP"
	exit 0
}

command -v wine > /dev/null || skip_all "wine is not installed (apt-get install wine wine64)"
# `make test` builds codex.exe first when Wine and mingw-w64 are installed.
[ -f "$EXE" ] || skip_all "$EXE is not built (make windows)"

# One Wine prefix for the suite, kept under build/ (creating one takes a while), and
# one wineserver that stays up for the suite (started here, stopped at the end).
export WINEPREFIX=${WINEPREFIX:-$CODEX_TOP/build/wine}
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
mkdir -p "$WINEPREFIX"
wineserver -p 2> /dev/null || true
trap 'wineserver -k 2> /dev/null || true' EXIT
timeout 300 wine cmd /c exit 0 > /dev/null 2>&1 || skip_all "wine does not start in $WINEPREFIX"

# winpath PATH: how codex.exe spells a Linux path it was given through CODEX_HOME.
winpath() { printf 'Z:%s' "$1"; }

# wine_run ARGS...: codex.exe under Wine, bounded in time.
wine_run() { timeout 120 wine "$EXE" "$@"; }

test_exe_is_pe32_plus() {
	expect_contains "$(file "$EXE")" "PE32+ executable"
	expect_contains "$(file "$EXE")" "x86-64"
}

# Only DLLs of a plain Windows 10 installation: no libgcc/libwinpthread/libcurl DLLs.
test_exe_imports_only_system_dlls() {
	command -v "$OBJDUMP" > /dev/null || { echo "# skip: $OBJDUMP is missing"; return 0; }
	local dlls d
	dlls=$("$OBJDUMP" -p "$EXE" | sed -n 's/.*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u)
	[ -n "$dlls" ] || fail "no imports found"
	for d in $dlls; do
		case "$d" in
		kernel32.dll | msvcrt.dll | advapi32.dll | ws2_32.dll | bcrypt.dll | crypt32.dll | \
			netapi32.dll | ole32.dll | oleaut32.dll | userenv.dll | shell32.dll | user32.dll) ;;
		*) fail "imports $d, which Windows does not ship" ;;
		esac
	done
}

# make release: the zip holds one entry, the same bytes as codex.exe, in SHA256SUMS.
test_release_zip() {
	command -v zip > /dev/null || { echo "# skip: zip is not installed"; return 0; }
	[ "$EXE" = "$CODEX_TOP/codex.exe" ] || { echo "# skip: CODEX_EXE is not ./codex.exe"; return 0; }
	DIST=$T/dist "$CODEX_TOP/release/make-release.sh" 0 > /dev/null
	expect_eq "$(unzip -Z1 "$T/dist/codex-x86_64-pc-windows-gnu.zip")" "codex-x86_64-pc-windows-gnu.exe"
	unzip -q "$T/dist/codex-x86_64-pc-windows-gnu.zip" -d "$T/x"
	cmp "$T/x/codex-x86_64-pc-windows-gnu.exe" "$EXE"
	cp "$T/x/codex-x86_64-pc-windows-gnu.exe" "$T/dist/"
	grep -q ' codex-x86_64-pc-windows-gnu.zip$' "$T/dist/SHA256SUMS"
	(cd "$T/dist" && grep windows SHA256SUMS | sha256sum -c --quiet)
}

test_version() {
	expect_eq "$(wine_run --version | tr -d '\r')" "$("$CODEX" --version)"
}

# Output is binary: "\n", never "\r\n" (the plan must match byte for byte).
test_stdout_is_binary() {
	wine_run --version > "$T/v"
	expect_eq "$(od -An -c "$T/v" | tr -d ' \n')" "codex-cli0.1.0\\n"
}

# Without CODEX_HOME the home is %USERPROFILE%/.codex, spelled with '/' throughout.
test_default_codex_home_is_in_the_profile() {
	env -u CODEX_HOME timeout 120 wine "$EXE" debug config > "$T/cfg" 2> "$T/err" ||
		fail "debug config failed: $(cat "$T/err")"
	local home
	home=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["codex_home"])' "$T/cfg")
	case "$home" in
	[A-Za-z]:/*/.codex) ;;
	*) fail "codex_home is [$home]" ;;
	esac
}

test_unported_command_says_so() {
	expect_status 1 wine_run login status
	expect_contains "$(cat "$T/err")" "is not available in the Windows build yet"
}

# ---- codex exec -----------------------------------------------------------------------

answer='{"sse":[{"created":"r"},{"message":"All done."},{"completed":{"input_tokens":10,"cached_input_tokens":2,"output_tokens":5,"total_tokens":15}}]}'
# fc CALL_ID NAME ARGS-JSON-STRING: a reply with one function call.
fc() {
	printf '{"sse":[{"created":"r"},{"function_call":{"call_id":"%s","name":"%s","arguments":%s}},{"completed":"r"}]}' "$1" "$2" "$3"
}

# wx SCRIPT-JSON [exec args...]: codex.exe exec under Wine in $T/ws against a fresh mock
# scripted with SCRIPT-JSON; stdout in $T/out, stderr in $T/err; returns its status.
wx() {
	local rc=0
	printf '%s\n' "$1" > "$T/script.json"
	shift
	start_mock "$T/script.json"
	mkdir -p "$T/ws" "$T/home"
	(cd "$T/ws" && CODEX_HOME=$T/home MOCK_KEY=sk-test timeout 120 wine "$EXE" exec \
		--skip-git-repo-check -c model_provider=mock -c model_providers.mock.name=mock \
		-c "model_providers.mock.base_url=http://127.0.0.1:$MOCK_PORT/v1" \
		-c model_providers.mock.env_key=MOCK_KEY "$@" < /dev/null > "$T/out" 2> "$T/err") || rc=$?
	return $rc
}

# A command the model runs (cmd.exe, named by the call) goes through CreateProcessW with
# pipes relayed to the loop; its stdout, stderr and exit code reach the next request.
test_exec_command_output_reaches_the_model() {
	local rc=0
	wx "[$(fc c1 exec_command '"{\"cmd\":\"echo hello-from-cmd& echo err-line 1>&2& exit /b 3\",\"shell\":\"cmd.exe\"}"'),$answer]" \
		-s danger-full-access "run it" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$T/err"; fail "codex.exe exec exited $rc"; }
	expect_eq "$(cat "$T/out")" "All done." stdout
	expect_eq "$(mock_count)" 2 "requests"
	local out
	out=$(mock_call_output c1 | tr -d '\r')
	expect_contains "$out" "Command: cmd.exe /c 'echo hello-from-cmd& echo err-line 1>&2& exit /b 3'"
	expect_contains "$out" "Process exited with code 3"
	expect_contains "$out" "hello-from-cmd"
	expect_contains "$out" "err-line"
	expect_contains "$(cat "$T/err")" "exited 3 in"
	expect_eq "$(mock_get 0 headers.authorization)" "Bearer sk-test"
	expect_contains "$(mock_get 0 body.input.1.content.0.text)" "<environment_context>"
}

# A command still running when the yield ends gets a session; the run ends anyway (the
# job object takes it down when codex.exe is done), well before the command would.
test_exec_running_command_is_ended_with_the_run() {
	local rc=0 start=$SECONDS
	wx "[$(fc c1 exec_command '"{\"cmd\":\"echo started& ping -n 60 127.0.0.1 >NUL& echo never\",\"shell\":\"cmd.exe\",\"yield_time_ms\":1000}"'),$answer]" \
		-s danger-full-access "run it" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$T/err"; fail "codex.exe exec exited $rc"; }
	expect_contains "$(mock_call_output c1)" "Process running with session ID"
	expect_contains "$(mock_call_output c1)" "started"
	[ $((SECONDS - start)) -lt 50 ] || fail "the run waited for the command"
}

# --json, and apply_patch through the agent: codex.exe applies the patch by running
# itself (GetModuleFileNameW) with the patch on a stdin pipe.
test_exec_json_and_apply_patch_creates_a_file() {
	local rc=0 patch bad
	mkdir -p "$T/ws"
	printf 'one\ntwo\n' > "$T/ws/f.txt"
	patch='*** Begin Patch\n*** Update File: f.txt\n@@\n one\n-two\n+deux\n*** Add File: sub/new.txt\n+hi from the agent\n*** End Patch\n'
	bad='*** Begin Patch\n*** Update File: missing.txt\n@@\n-a\n+b\n*** End Patch\n'
	wx "[{\"sse\":[{\"created\":\"r\"},{\"custom_tool_call\":{\"call_id\":\"p1\",\"name\":\"apply_patch\",\"input\":\"$patch\"}},{\"completed\":\"r\"}]},{\"sse\":[{\"created\":\"r\"},{\"custom_tool_call\":{\"call_id\":\"p2\",\"name\":\"apply_patch\",\"input\":\"$bad\"}},{\"completed\":\"r\"}]},$answer]" \
		-s danger-full-access --json "edit" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$T/err"; fail "codex.exe exec exited $rc"; }
	expect_eq "$(od -An -c "$T/ws/sub/new.txt" | tr -d ' \n')" "hifromtheagent\\n" new.txt
	expect_eq "$(cat "$T/ws/f.txt")" "$(printf 'one\ndeux')" f.txt
	expect_contains "$(mock_call_output p1)" "Success. Updated the following files:"
	expect_contains "$(mock_call_output p2)" "apply_patch verification failed"
	# Every stdout line is one JSON event, ending with the turn's.
	python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/out" ||
		fail "not JSONL: $(head -c 500 "$T/out")"
	expect_contains "$(head -1 "$T/out")" '{"type":"thread.started","thread_id":"'
	expect_contains "$(cat "$T/out")" '"type":"file_change"'
	expect_contains "$(cat "$T/out")" '"kind":"add"'
	expect_contains "$(tail -1 "$T/out")" '{"type":"turn.completed","usage":{"input_tokens":10'
}

# Without a shell named, scripts go to PowerShell, as upstream on Windows (Wine ships a
# powershell.exe stub, so only the command line is checked, not what it prints).
test_exec_default_shell_is_powershell() {
	local rc=0
	wx "[$(fc c1 exec_command '"{\"cmd\":\"Write-Output hi\"}"'),$answer]" -s danger-full-access \
		--json "run it" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$T/err"; fail "codex.exe exec exited $rc"; }
	expect_contains "$(mock_call_output c1)" "powershell.exe' -Command 'Write-Output hi'"
	expect_contains "$(mock_get 0 body.input.1.content.0.text)" "<shell>powershell</shell>"
}

# A command that does not exist: 127 and "command not found" for the model.
test_exec_missing_command_is_127() {
	local rc=0
	wx "[$(fc c1 exec_command '"{\"cmd\":\"x\",\"shell\":\"no-such-shell.exe\"}"'),$answer]" \
		-s danger-full-access "run it" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$T/err"; fail "codex.exe exec exited $rc"; }
	expect_contains "$(mock_call_output c1)" "Process exited with code 127"
	expect_contains "$(mock_call_output c1)" "no-such-shell.exe: command not found"
}

# read-only: the command runs through codex-command-runner under a write-restricted
# token. Wine does not enforce restricted tokens, so this proves the path (runner,
# capability SID, status and output relayed), not the restriction.
test_exec_read_only_goes_through_the_runner() {
	local rc=0
	wx "[$(fc c1 exec_command '"{\"cmd\":\"echo restricted-run& exit /b 4\",\"shell\":\"cmd.exe\"}"'),$answer]" \
		-s read-only "run it" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$T/err"; fail "codex.exe exec exited $rc"; }
	expect_contains "$(mock_call_output c1)" "Process exited with code 4"
	expect_contains "$(mock_call_output c1)" "restricted-run"
	grep -q '"workspace":"S-1-5-21-' "$T/home/cap_sid" || fail "no capability SID"
}

# A missing command through the runner is the model's typo, not a sandbox denial.
test_exec_read_only_missing_command_is_127() {
	local rc=0
	wx "[$(fc c1 exec_command '"{\"cmd\":\"x\",\"shell\":\"no-such-shell.exe\"}"'),$answer]" \
		-s read-only "run it" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$T/err"; fail "codex.exe exec exited $rc"; }
	expect_contains "$(mock_call_output c1)" "Process exited with code 127"
	expect_contains "$(mock_call_output c1)" "no-such-shell.exe: command not found"
	expect_not_contains "$(mock_call_output c1)" "the sandbox denied"
}

# [network] enabled: the agent's commands cannot be confined to the proxy on Windows
# yet, so each is refused with one line instead of running unfiltered.
test_exec_network_proxy_is_refused_per_command() {
	local rc=0
	wx "[$(fc c1 exec_command '"{\"cmd\":\"echo should-not-run\",\"shell\":\"cmd.exe\"}"'),$answer]" \
		-s workspace-write -c network.enabled=true -c 'network.allowed_domains=["example.com"]' \
		"run it" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$T/err"; fail "codex.exe exec exited $rc"; }
	expect_contains "$(mock_call_output c1)" "needs the elevated Windows sandbox"
	expect_not_contains "$(mock_call_output c1)" "should-not-run"
}

test_apply_patch_subcommand_writes_file() {
	printf 'old\n' > a.txt
	expect_status 0 wine_run apply_patch '*** Begin Patch
*** Update File: a.txt
@@
-old
+new
*** Add File: sub/b.txt
+hello
*** End Patch'
	expect_eq "$(od -An -c a.txt | tr -d ' \n')" "new\\n"
	expect_eq "$(cat sub/b.txt)" "hello"
}

# UTF-8 from the command line (main_win.c) to the file name (the manifest's UTF-8 code
# page) and into the file.
test_apply_patch_non_ascii_names() {
	expect_status 0 wine_run apply_patch '*** Begin Patch
*** Add File: é-ü/ß.txt
+héllo ✓
*** End Patch'
	expect_eq "$(cat "é-ü/ß.txt")" "héllo ✓"
}

# The manifest is embedded: asInvoker, UTF-8 code page.
test_exe_has_manifest() {
	command -v "$OBJDUMP" > /dev/null || { echo "# skip: $OBJDUMP is missing"; return 0; }
	"$OBJDUMP" -h "$EXE" | grep -q '\.rsrc' || fail "no resource section"
	grep -q 'asInvoker' "$EXE" || fail "no asInvoker manifest"
	grep -q '<activeCodePage[^>]*>UTF-8<' "$EXE" || fail "no UTF-8 code page"
}

# Upstream's scenarios, as tests/integration/apply_patch_conformance.sh runs them, with
# the binary named apply_patch.exe.
tree_listing() {
	[ -d "$1" ] || return 0
	(cd "$1" && find . -mindepth 1 -printf '%y %p\n' | LC_ALL=C sort)
}
same_tree() {
	local f type
	[ "$(tree_listing "$1")" = "$(tree_listing "$2")" ] || {
		diff <(tree_listing "$2") <(tree_listing "$1") | sed 's/^/# tree: /' | head
		return 1
	}
	while read -r type f; do
		[ "$type" = f ] || continue
		cmp -s "$1/$f" "$2/$f" || { echo "# content differs: $f"; return 1; }
	done <<< "$(tree_listing "$1")"
}

test_apply_patch_conformance() {
	local scenarios=$CONFORMANCE/apply_patch dir name mode t patch n=0 bad=0
	[ -d "$scenarios" ] || fail "no scenarios in $scenarios (set CONFORMANCE)"
	cp "$EXE" "$T/apply_patch.exe"
	for dir in "$scenarios"/*/; do
		dir=${dir%/}
		name=$(basename "$dir")
		for mode in preserve default; do
			case "$mode:$name" in default:023_* | default:024_*) continue ;; esac
			t=$T/$mode-$name
			mkdir -p "$t"
			[ -d "$dir/input" ] && cp -a "$dir/input/." "$t/"
			# The shared inputs are read-only (0444); the Linux suite runs as root,
			# which writes them anyway, but Wine maps a missing write bit to the
			# read-only attribute, which Windows honours even for administrators.
			chmod -R u+w "$t"
			patch=$(cat "$dir/patch.txt"; printf x)
			patch=${patch%x}
			if [ "$mode" = preserve ]; then
				(cd "$t" && CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS=1 timeout 120 \
					wine "$T/apply_patch.exe" "$patch") > "$t.out" 2>&1 || true
			else
				(cd "$t" && env -u CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS timeout 120 \
					wine "$T/apply_patch.exe" "$patch") > "$t.out" 2>&1 || true
			fi
			n=$((n + 1))
			if ! same_tree "$t" "$dir/expected"; then
				echo "# differs: $mode $name"
				sed 's/^/#   output: /' "$t.out" | head -3
				bad=$((bad + 1))
			fi
		done
	done
	echo "# $((n - bad))/$n scenario runs match"
	[ "$n" -gt 40 ] || fail "only $n scenario runs"
	[ "$bad" -eq 0 ] || fail "$bad of $n scenario runs differ"
}

# plan_both NAME ARGS...: the plan from ./codex and from codex.exe under Wine, with the
# same environment (env -i plus what Wine needs to start), must be the same bytes.
plan_both() {
	local name=$1
	shift
	local envs=(env -i "HOME=$HOME" "PATH=$PATH" "WINEPREFIX=$WINEPREFIX" WINEDEBUG=-all
		"WINEDLLOVERRIDES=$WINEDLLOVERRIDES" "CODEX_HOME=$T/home" "${PLAN_ENV[@]}")
	mkdir -p "$T/home"
	"${envs[@]}" "$CODEX" sandbox windows --plan "$@" > "$T/$name.linux" 2> "$T/$name.linux.err" ||
		{ cat "$T/$name.linux.err"; fail "$name: ./codex failed"; }
	"${envs[@]}" timeout 120 wine "$EXE" sandbox windows --plan "$@" > "$T/$name.wine" \
		2> "$T/$name.wine.err" || { cat "$T/$name.wine.err"; fail "$name: codex.exe failed"; }
	if ! cmp -s "$T/$name.linux" "$T/$name.wine"; then
		diff "$T/$name.linux" "$T/$name.wine" | head -20
		fail "$name: the plans differ"
	fi
	[ -s "$T/$name.linux" ] || fail "$name: empty plan"
}

test_plan_same_bytes_unelevated() {
	PLAN_ENV=("HTTP_PROXY=http://127.0.0.1:7890")
	plan_both unelevated -- cmd /c echo hi
	expect_contains "$(cat "$T/unelevated.linux")" '"backend": "unelevated"'
}

test_plan_same_bytes_proxy_enforced() {
	PLAN_ENV=("HTTPS_PROXY=http://proxy.corp:8080")
	plan_both proxied --full-auto --allow-domain example.com -- cmd /c dir
	expect_contains "$(cat "$T/proxied.linux")" '"remote_ports": "1-3127,3129-8080,8082-65535"'
	expect_contains "$(cat "$T/proxied.linux")" '"reason": "sandbox setup marker missing or incompatible"'
}

test_plan_same_bytes_online_and_marker_drift() {
	mkdir -p "$T/home/.sandbox"
	printf '{"version":5,"proxy_ports":[3128],"allow_local_binding":false}' \
		> "$T/home/.sandbox/setup_marker.json"
	PLAN_ENV=()
	plan_both online -c 'windows.sandbox="elevated"' -s workspace-write \
		-c sandbox_workspace_write.network_access=true -- x
	expect_contains "$(cat "$T/online.linux")" '"identity": "online"'
	expect_contains "$(cat "$T/online.linux")" '"required": false'
	plan_both drift --allow-local-binding -c network.enable_socks5=false -- x
	expect_contains "$(cat "$T/drift.linux")" 'stored_ports=[3128], desired_ports=[3128], stored_allow_local_binding=false, desired_allow_local_binding=true'
}

# Applying the sandbox: Wine has no firewall COM, no real logon users and does not enforce
# restricted tokens, so these check only what does not depend on that: exit codes pass
# through, and Win32 failures come back as one line naming the API and the error.
test_apply_none_passes_exit_code() {
	mkdir -p "$T/home"
	CODEX_HOME=$T/home expect_status 7 wine_run sandbox windows -s danger-full-access -- cmd /c exit 7
}

test_apply_unelevated_runs_command() {
	mkdir -p "$T/home"
	CODEX_HOME=$T/home expect_status 5 wine_run sandbox windows -- cmd /c "echo restricted-hi& exit 5"
	expect_contains "$(cat "$T/out")" "restricted-hi"
	grep -q '"workspace":"S-1-5-21-' "$T/home/cap_sid" || fail "no capability SID: $(cat "$T/home/cap_sid")"
}

# Capability SIDs as upstream keeps them: workspace, readonly, and one per working
# directory under a case- and separator-insensitive key; a second run in the same
# directory, spelled differently by the caller, reuses them; an older file holding a
# bare SID keeps it as the workspace SID.
test_apply_capability_sid_per_working_directory() {
	mkdir -p "$T/home" "$T/ws/.codex"
	printf 'S-1-5-21-7-7-7-7\n' > "$T/home/cap_sid"
	(cd "$T/ws" && CODEX_HOME=$T/home expect_status 0 wine_run sandbox windows --full-auto -- cmd /c exit 0)
	cp "$T/home/cap_sid" "$T/first"
	python3 - "$T/home/cap_sid" "$T/ws" << 'PY' || fail "cap_sid: $(cat "$T/home/cap_sid")"
import json, re, sys
c = json.load(open(sys.argv[1]))
sid = re.compile(r"^S-1-5-21-\d+-\d+-\d+-\d+$")
assert c["workspace"] == "S-1-5-21-7-7-7-7", c
assert sid.match(c["readonly"]), c
key = ("z:" + sys.argv[2]).replace("/", "\\").lower()
assert list(c["workspace_by_cwd"]) == [key], (key, c)
assert sid.match(c["workspace_by_cwd"][key]), c
assert len({c["workspace"], c["readonly"], c["workspace_by_cwd"][key]}) == 3, c
PY
	mkdir -p "$T/ws/sub"
	(cd "$T/ws" && CODEX_HOME=$T/home expect_status 0 wine_run sandbox windows --full-auto -- cmd /c exit 0)
	cmp -s "$T/first" "$T/home/cap_sid" || fail "a second run in the same directory changed cap_sid"
	(cd "$T/ws/sub" && CODEX_HOME=$T/home expect_status 0 wine_run sandbox windows --full-auto -- cmd /c exit 0)
	expect_eq "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["workspace_by_cwd"]))' "$T/home/cap_sid")" 2 "directories"
	# A damaged file is not replaced (its SIDs hold grants on the user's folders).
	printf '{"workspace":"S-1-2"}' > "$T/home/cap_sid"
	(cd "$T/ws" && CODEX_HOME=$T/home expect_status 125 wine_run sandbox windows --full-auto -- cmd /c exit 0)
	expect_contains "$(cat "$T/err")" "cap_sid (remove it to start over): cap_sid: not an object of capability SIDs"
}

# The unelevated backend applies the plan's ACL list, no more and no less: with
# SBX_DEBUG=1 each grant is printed, and there is one per entry of `--plan`'s "acl"
# (cwd, %TEMP%, cwd\.codex, cwd\.agents; the last two because they exist here), the
# %TEMP% grant on the directory the environment names (Wine sets its own %TEMP%).
test_apply_unelevated_grants_what_the_plan_lists() {
	mkdir -p "$T/home" "$T/ws/.codex" "$T/ws/.agents"
	(cd "$T/ws" && CODEX_HOME=$T/home SBX_DEBUG=1 expect_status 0 wine_run sandbox windows \
		--full-auto -- cmd /c exit 0)
	local applied planned
	applied=$(tr -d '\r' < "$T/err" | sed -n 's/^codex: sandbox: DEBUG: acl \([a-z_]*\) .*/\1/p' |
		tr '\n' ' ')
	expect_eq "$applied" "cwd temp cwd_codex cwd_agents " "grants applied"
	local temp
	temp=$(timeout 120 wine cmd /c echo %TEMP% 2> /dev/null | tr -d '\r')
	expect_contains "$(tr -d '\r' < "$T/err")" "DEBUG: acl temp $temp allow"
	(cd "$T/ws" && CODEX_HOME=$T/home expect_status 0 wine_run sandbox windows --full-auto --plan -- x)
	planned=$(python3 -c 'import json,sys; print(" ".join(a["path"] for a in json.load(open(sys.argv[1]))["acl"]))' "$T/out")
	expect_eq "$planned" '<cwd> <%TEMP%> <cwd>\.codex <cwd>\.agents' "grants planned"
}

# Readiness before an elevated run: a marker of this version without the accounts'
# passwords next to it means the full setup again, with upstream's reason.
test_apply_elevated_reruns_setup_without_users() {
	mkdir -p "$T/home/.sandbox"
	printf '{"version":5,"proxy_ports":[],"allow_local_binding":false}' \
		> "$T/home/.sandbox/setup_marker.json"
	CODEX_HOME=$T/home expect_status 125 wine_run sandbox windows -c 'windows.sandbox="elevated"' \
		-- cmd /c echo never
	expect_contains "$(cat "$T/err")" "codex: Windows sandbox setup needed: sandbox users missing or incompatible with marker version"
	expect_contains "$(cat "$T/err")" "failed at step resolve_sids"
	expect_not_contains "$(cat "$T/out")" "never"
}

# The command line codex.exe builds for a child (C runtime quoting rules) gives the child
# back the same arguments: quotes, backslashes before quotes and at the end, spaces.
test_apply_quotes_arguments_for_the_child() {
	mkdir -p "$T/home"
	local content='say "hi" \\ and \"q\" with  two spaces, tab	end\\'
	CODEX_HOME=$T/home expect_status 0 wine_run sandbox windows -s danger-full-access -- \
		"$EXE" apply_patch "*** Begin Patch
*** Add File: q.txt
+$content
*** End Patch"
	expect_eq "$(cat q.txt)" "$content"
}

# The elevated path end to end as far as Wine goes: the setup helper is materialised in
# .sandbox-bin, started through ShellExecuteExW("runas"), and its setup_error.json comes
# back as one error line naming the step, the API and its error, what was rolled back and
# the file (Wine has no real accounts, so setup stops when it resolves the account's SID).
test_apply_elevated_reports_setup_failure() {
	mkdir -p "$T/home"
	CODEX_HOME=$T/home expect_status 125 wine_run sandbox windows -c 'windows.sandbox="elevated"' \
		-- cmd /c echo never
	expect_contains "$(cat "$T/err")" "codex: Windows sandbox setup needed: sandbox setup marker missing or incompatible"
	expect_contains "$(cat "$T/err")" "codex: error: Windows sandbox setup failed at step resolve_sids (helper_sid_resolve_failed): CodexSandboxOffline: LookupAccountNameW failed: "
	expect_contains "$(cat "$T/err")" "(error 1332); rolled back "
	expect_contains "$(cat "$T/err")" "(details: $(winpath "$T/home")/.sandbox/setup_error.json)"
	expect_eq "$(grep -c 'codex: error:' "$T/err")" 1 "error lines"
	expect_not_contains "$(cat "$T/out")" "never"
	[ -f "$T/home/.sandbox-bin/codex-windows-sandbox-setup.exe" ] || fail "helper not materialised"
	cmp "$T/home/.sandbox-bin/codex-windows-sandbox-setup.exe" "$EXE"
}

# The caller reports a forced failure (the test hook reaches the helper through the
# elevation) as one line, and the helper's changes are gone.
test_apply_elevated_reports_forced_failure() {
	mkdir -p "$T/home"
	CODEX_HOME=$T/home CODEX_WINDOWS_SANDBOX_SETUP_FAIL_AT=users:5 expect_status 125 wine_run \
		sandbox windows -c 'windows.sandbox="elevated"' -- cmd /c echo never
	expect_contains "$(cat "$T/err")" "codex: error: Windows sandbox setup failed at step users (helper_user_create_or_update_failed): users: CODEX_WINDOWS_SANDBOX_SETUP_FAIL_AT failed: "
	expect_contains "$(cat "$T/err")" " (error 5); rolled back "
	[ ! -e "$T/home/.sandbox-secrets/sandbox_users.json" ] || fail "the secrets file was left"
	[ ! -e "$T/home/.sandbox/setup_marker.json" ] || fail "a failed setup wrote the marker"
}

test_runner_win32_error_is_one_line_with_words() {
	cp "$EXE" "$T/codex-command-runner.exe"
	expect_status 125 timeout 120 wine "$T/codex-command-runner.exe" --cap-sid=S-bogus -- cmd /c exit 0
	expect_eq "$(tr -d '\r' < "$T/err" | wc -l)" 1 "lines on stderr"
	expect_contains "$(cat "$T/err")" "codex-command-runner: error: S-bogus: ConvertStringSidToSidW failed: "
	expect_contains "$(cat "$T/err")" "(error 1337)"
}

test_setup_helper_reports_structured_error() {
	cp "$EXE" "$T/codex-windows-sandbox-setup.exe"
	mkdir -p "$T/home"
	expect_status 1 timeout 120 wine "$T/codex-windows-sandbox-setup.exe" not-base64
	expect_contains "$(cat "$T/err")" "codex-windows-sandbox-setup: error: setup request: "
	local p
	p=$(printf '{"version":4,"codex_home":"%s","cwd":"%s","real_user":"u","cap_sid":"S-1-5-21-1-2-3-4"}' \
		"$T/home" "$T" | base64 -w0)
	expect_status 1 timeout 120 wine "$T/codex-windows-sandbox-setup.exe" "$p"
	expect_contains "$(cat "$T/err")" "setup version mismatch: expected 5, got 4"
	expect_eq "$(cat "$T/home/.sandbox/setup_error.json")" '{"code":"helper_request_args_failed","message":"setup version mismatch: expected 5, got 4","step":null,"api":null,"error_code":null,"error_words":null,"rolled_back":[],"not_rolled_back":[],"marker_removed":false}'
}

# setup_payload HOME CWD: the helper's argument for a full setup.
setup_payload() {
	printf '{"version":5,"codex_home":"%s","cwd":"%s","real_user":"u","cap_sid":"S-1-5-21-1-2-3-4","write_roots":[],"proxy_ports":[3128],"allow_local_binding":false}' \
		"$1" "$2" | base64 -w0
}

USERLIST='HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon\SpecialAccounts\UserList'
# reg_value NAME: the account's value under UserList as `reg query` shows it, or "".
reg_value() {
	timeout 120 wine reg query "$USERLIST" /v "$1" 2> /dev/null | tr -d '\r' |
		sed -n "s/^ *$1 *REG_DWORD *//p"
}
reg_clear() {
	local n
	for n in CodexSandboxOffline CodexSandboxOnline; do
		timeout 120 wine reg delete "$USERLIST" /v "$n" /f > /dev/null 2>&1 || true
	done
}

# A full setup under Wine: the users step and the hiding run (Wine's account calls are
# stubs that succeed), resolving the offline account's SID fails; everything the run
# did is undone, newest first, and setup_error.json says what and why.
test_setup_failure_rolls_back_what_the_run_did() {
	cp "$EXE" "$T/codex-windows-sandbox-setup.exe"
	mkdir -p "$T/home"
	reg_clear
	expect_status 1 timeout 120 wine "$T/codex-windows-sandbox-setup.exe" "$(setup_payload "$T/home" "$T")"
	expect_eq "$(tr -d '\r' < "$T/err" | wc -l)" 1 "lines on stderr"
	local j=$T/home/.sandbox/setup_error.json
	[ -f "$j" ] || fail "no setup_error.json"
	python3 - "$j" "$T/home" << 'PY' || fail "setup_error.json: $(cat "$j")"
import json, sys
e = json.load(open(sys.argv[1]))
home = sys.argv[2]
assert e["code"] == "helper_sid_resolve_failed", e
assert e["step"] == "resolve_sids", e
assert e["api"] == "LookupAccountNameW", e
assert e["error_code"] == 1332, e
assert e["error_words"], e
assert e["message"] == "CodexSandboxOffline: LookupAccountNameW failed: %s (error 1332)" % e["error_words"], e
# Newest first: the hiding, the secrets file, then the accounts and the group.
assert e["rolled_back"][:3] == [
    "hid CodexSandboxOnline from the logon screen (registry value added)",
    "hid CodexSandboxOffline from the logon screen (registry value added)",
    "created %s/.sandbox-secrets/sandbox_users.json" % home], e["rolled_back"]
assert e["rolled_back"][-1] == "created group CodexSandboxUsers", e["rolled_back"]
assert "created account CodexSandboxOffline" in e["rolled_back"], e
assert e["not_rolled_back"] == [] and e["marker_removed"] is False, e
PY
	[ ! -e "$T/home/.sandbox-secrets/sandbox_users.json" ] || fail "the secrets file was left"
	[ ! -e "$T/home/.sandbox/setup_marker.json" ] || fail "a failed setup wrote the marker"
	expect_eq "$(reg_value CodexSandboxOffline)" "" "registry value left"
	expect_eq "$(reg_value CodexSandboxOnline)" "" "registry value left"
}

# What existed before the run is put back, not deleted: a secrets file keeps its bytes,
# a registry value its old data; the failure is forced by the test hook after the
# hiding step, with a chosen Win32 error.
test_setup_forced_failure_restores_what_existed() {
	cp "$EXE" "$T/codex-windows-sandbox-setup.exe"
	mkdir -p "$T/home/.sandbox-secrets"
	local old='{"version":5,"offline":{"username":"CodexSandboxOffline","password":"AAAA"}}'
	printf '%s' "$old" > "$T/home/.sandbox-secrets/sandbox_users.json"
	reg_clear
	timeout 120 wine reg add "$USERLIST" /v CodexSandboxOffline /t REG_DWORD /d 5 /f > /dev/null 2>&1 ||
		fail "reg add failed"
	CODEX_WINDOWS_SANDBOX_SETUP_FAIL_AT=hide_users:5 expect_status 1 timeout 120 \
		wine "$T/codex-windows-sandbox-setup.exe" "$(setup_payload "$T/home" "$T")"
	expect_contains "$(cat "$T/err")" "codex-windows-sandbox-setup: error: hide_users: CODEX_WINDOWS_SANDBOX_SETUP_FAIL_AT failed: "
	expect_contains "$(cat "$T/err")" " (error 5)"
	local j=$T/home/.sandbox/setup_error.json
	python3 - "$j" << 'PY' || fail "setup_error.json: $(cat "$j")"
import json, sys
e = json.load(open(sys.argv[1]))
assert e["code"] == "helper_hide_users_failed" and e["step"] == "hide_users", e
assert e["api"] == "CODEX_WINDOWS_SANDBOX_SETUP_FAIL_AT" and e["error_code"] == 5, e
assert e["rolled_back"][:2] == [
    "hid CodexSandboxOnline from the logon screen (registry value added)",
    "hid CodexSandboxOffline from the logon screen (registry value changed from 5)"], e
assert any(r.startswith("replaced ") and r.endswith("sandbox_users.json") for r in e["rolled_back"]), e
PY
	expect_eq "$(cat "$T/home/.sandbox-secrets/sandbox_users.json")" "$old" "secrets file"
	expect_eq "$(reg_value CodexSandboxOffline)" 0x5 "the value that existed"
	expect_eq "$(reg_value CodexSandboxOnline)" "" "the value this run added"
	reg_clear
}

# A hook naming no step is a broken test: nothing runs, and the error says so.
test_setup_fail_hook_naming_no_step_runs_nothing() {
	cp "$EXE" "$T/codex-windows-sandbox-setup.exe"
	mkdir -p "$T/home"
	CODEX_WINDOWS_SANDBOX_SETUP_FAIL_AT=nope expect_status 1 timeout 120 \
		wine "$T/codex-windows-sandbox-setup.exe" "$(setup_payload "$T/home" "$T")"
	expect_contains "$(cat "$T/err")" "CODEX_WINDOWS_SANDBOX_SETUP_FAIL_AT=nope names no setup step"
	[ ! -e "$T/home/.sandbox-secrets" ] || fail "a step ran"
	expect_contains "$(cat "$T/home/.sandbox/setup_error.json")" '{"code":"helper_request_args_failed",'
}

# codex.exe proxy (WSAPoll loop, Winsock shim) answering curl with its policy: an allowed
# host fetched from a local origin (plain HTTP, a CONNECT tunnel and SOCKS5), a host not
# on the allowlist refused with upstream's answer.
start_exe_proxy() {
	local i
	start_bg timeout 300 wine "$EXE" proxy --http 127.0.0.1:0 --socks 127.0.0.1:0 \
		--audit "$T/audit.log" "$@" > "$T/ready" 2> "$T/proxy.err"
	for i in $(seq 1 1200); do
		[ -s "$T/ready" ] && break
		sleep 0.05
	done
	HP=$(sed -n 's/.*"http":"\([^"]*\)".*/\1/p' "$T/ready")
	SP=$(sed -n 's/.*"socks":"\([^"]*\)".*/\1/p' "$T/ready")
	[ -n "$HP" ] && [ -n "$SP" ] || fail "codex.exe proxy did not start: $(cat "$T/proxy.err")"
}

start_origin() {
	local pf=$T/origin.port i
	start_bg python3 "$CODEX_TOP/tests/integration/proxy/servers.py" http "$pf" "$T/origin.log"
	for i in $(seq 1 200); do
		[ -s "$pf" ] && break
		sleep 0.05
	done
	PORT=$(cat "$pf")
	[ -n "$PORT" ] || fail "origin did not start"
}

test_proxy_allows_and_refuses() {
	command -v curl > /dev/null || { echo "# skip: curl is not installed"; return 0; }
	start_origin
	start_exe_proxy --allow localhost --allow-local-binding
	local body code
	body=$(curl -sS -m 60 --noproxy '' -x "http://$HP" "http://localhost:$PORT/hello")
	expect_eq "$body" "hello from upstream" "plain HTTP through codex.exe"
	body=$(curl -sS -m 60 --noproxy '' -p -x "http://$HP" "http://localhost:$PORT/hello")
	expect_eq "$body" "hello from upstream" "CONNECT tunnel through codex.exe"
	body=$(curl -sS -m 60 --noproxy '' --socks5-hostname "$SP" "http://localhost:$PORT/hello")
	expect_eq "$body" "hello from upstream" "SOCKS5 through codex.exe"
	code=$(curl -s -m 60 --noproxy '' -x "http://$HP" -o "$T/denied" -D "$T/h" \
		-w '%{http_code}' "http://other.test:$PORT/x")
	expect_eq "$code" 403 "a host not allowed"
	expect_contains "$(tr -d '\r' < "$T/h")" "x-proxy-error: blocked-by-allowlist"
	expect_contains "$(cat "$T/denied")" '"reason":"not_allowed"'
	curl -s -m 60 --noproxy '' --socks5-hostname "$SP" "http://other.test:$PORT/x" > /dev/null &&
		fail "SOCKS5 to a host not allowed succeeded"
	grep -q '"host":"other.test".*"reason":"not_allowed"' "$T/audit.log" ||
		fail "audit: $(cat "$T/audit.log")"
	grep -q '"host":"localhost".*"decision":"allow"' "$T/audit.log" ||
		fail "audit: $(cat "$T/audit.log")"
}

# The other connection kinds on the WSAPoll loop: 8 MiB echoed through a CONNECT tunnel
# (copied, no splice on Windows), a SOCKS5 UDP round trip, and the admin API.
test_proxy_tunnel_udp_and_admin() {
	local px=$CODEX_TOP/tests/integration/proxy pf=$T/echo.port upf=$T/udp.port ap i
	start_bg python3 "$px/servers.py" echo "$pf"
	start_bg python3 "$px/servers.py" udpecho "$upf"
	for i in $(seq 1 200); do
		[ -s "$pf" ] && [ -s "$upf" ] && break
		sleep 0.05
	done
	start_exe_proxy --allow localhost --allow 127.0.0.1 --allow-local-binding --admin 127.0.0.1:0
	ap=$(sed -n 's/.*"admin":"\([^"]*\)".*/\1/p' "$T/ready")
	[ -n "$ap" ] || fail "no admin address in $(cat "$T/ready")"
	expect_eq "$(timeout 120 python3 "$px/client.py" tunnel "$HP" "localhost:$(cat "$pf")" 8)" \
		"ok 8388608" "8 MiB through a tunnel"
	expect_eq "$(timeout 120 python3 "$px/client.py" udp "$SP" 127.0.0.1 "$(cat "$upf")" ping)" \
		"echo:ping" "SOCKS5 UDP round trip"
	expect_eq "$(curl -sS -m 60 --noproxy '' "http://$ap/health")" ok "admin health"
	curl -s -m 60 --noproxy '' -x "http://$HP" -o /dev/null "http://other.test/x" || true
	expect_contains "$(curl -sS -m 60 --noproxy '' "http://$ap/blocked")" '"host":"other.test","reason":"not_allowed"'
	expect_eq "$(curl -sS -m 60 --noproxy '' -X POST "http://$ap/reload")" '{"status":"reloaded"}' reload
}

test_proxy_denylist_and_private_addresses() {
	command -v curl > /dev/null || { echo "# skip: curl is not installed"; return 0; }
	start_origin
	# Without --allow-local-binding, loopback is refused unless named exactly.
	start_exe_proxy --allow '*' --deny blocked.test
	local code
	code=$(curl -s -m 60 --noproxy '' -x "http://$HP" -o /dev/null -D "$T/h" -w '%{http_code}' \
		"http://localhost:$PORT/hello")
	expect_eq "$code" 403 "loopback without local binding"
	expect_contains "$(tr -d '\r' < "$T/h")" "x-proxy-error: blocked-by-"
	code=$(curl -s -m 60 --noproxy '' -x "http://$HP" -o /dev/null -D "$T/h" -w '%{http_code}' \
		"http://blocked.test:$PORT/x")
	expect_eq "$code" 403 "a denied host"
	expect_contains "$(tr -d '\r' < "$T/h")" "x-proxy-error: blocked-by-denylist"
}

run_tests
