# codex sandbox: policies, flags, process behaviour and errors, with real programs
# (sh, bash, coreutils, git, python3, curl), as root and as an unprivileged user.
# The attacks are in sandbox_escape.sh, the terminal in sandbox_tty.sh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sandbox.inc"

# ---- policies ----

read_only_policy() {
	setup "$1"
	out=$(sb "$1" -- sh -c 'cat src/main.c; head -c 4 /etc/passwd; echo; echo x > new || echo cwd-refused;
		echo x > /tmp/codex-ro-$$ || echo tmp-refused; echo x > src/main.c || echo edit-refused')
	expect_contains "$out" "code"
	expect_contains "$out" "root"
	expect_contains "$out" "cwd-refused"
	expect_contains "$out" "tmp-refused"
	expect_contains "$out" "edit-refused"
	[ ! -e new ] || fail "read-only let the command create a file"
	expect_eq "$(cat src/main.c)" code
}
test_read_only_is_the_default_root() { read_only_policy root; }
test_read_only_is_the_default_user() { read_only_policy user; }

full_auto_policy() {
	setup "$1"
	mkdir -p "$T/tmpdir" && [ "$1" = root ] || chown $NOBODY "$T/tmpdir"
	out=$(as "$1" env TMPDIR="$T/tmpdir" "$CODEX" sandbox --full-auto -- sh -c '
		echo new > new && echo edit > src/main.c && mkdir -p build/obj && echo o > build/obj/a.o &&
		echo t > /tmp/codex-full-auto-$PPID && rm /tmp/codex-full-auto-$PPID &&
		echo d > "$TMPDIR/t" && echo ok;
		echo x > "$0/target" || echo outside-refused; touch /etc/codex-x || echo etc-refused;
		echo x > "$HOME/x" || echo home-refused' "$T/outside")
	expect_contains "$out" "ok"
	expect_contains "$out" "outside-refused"
	expect_contains "$out" "etc-refused"
	expect_contains "$out" "home-refused"
	expect_eq "$(cat new build/obj/a.o src/main.c "$T/tmpdir/t")" "$(printf 'new\no\nedit\nd')"
	expect_outside_intact
	[ ! -e /etc/codex-x ] && [ ! -e "$T/home/x" ] || fail "wrote outside the roots"
}
test_full_auto_writes_workspace_tmp_and_tmpdir_root() { full_auto_policy root; }
test_full_auto_writes_workspace_tmp_and_tmpdir_user() { full_auto_policy user; }

protected_paths() {
	setup "$1"
	mkdir .agents
	[ "$1" = root ] || chown $NOBODY .agents
	as "$1" git -c user.email=a@b -c user.name=a commit -q --allow-empty -m first
	before=$(cd .git && find . -type f | sort | xargs md5sum)
	out=$(sb "$1" --full-auto -- bash -c '
		git log --oneline | grep -q first && echo log-ok
		git rev-parse --show-toplevel
		echo "[core]" >> .git/config || echo config-refused
		echo evil > .git/hooks/post-checkout || echo hook-refused
		echo evil >> .git/hooks/pre-commit || echo hook-edit-refused
		git -c user.email=a@b -c user.name=a commit -q --allow-empty -m second 2>/dev/null || echo commit-refused
		mkdir .codex 2>/dev/null || echo codex-refused
		touch .agents/x 2>/dev/null || echo agents-refused
		echo fine > ok.txt && echo write-ok')
	for w in log-ok "$T/ws" config-refused hook-refused hook-edit-refused commit-refused \
		codex-refused agents-refused write-ok; do
		expect_contains "$out" "$w"
	done
	expect_eq "$(cd .git && find . -type f | sort | xargs md5sum)" "$before" ".git contents"
	[ ! -e .codex ] || fail "a .codex placeholder was left behind: $(ls -ld .codex)"
	[ ! -e .agents/x ] || fail ".agents was written"
}
test_git_agents_codex_stay_read_only_root() { protected_paths root; }
test_git_agents_codex_stay_read_only_user() { protected_paths user; }

test_existing_codex_dir_stays_and_is_read_only() {
	setup root
	mkdir .codex && echo 'model = "x"' > .codex/config.toml
	sb root --full-auto -- sh -c 'echo y >> .codex/config.toml; rm -rf .codex; touch .codex/new' \
		2>/dev/null || true
	expect_eq "$(cat .codex/config.toml)" 'model = "x"'
	expect_eq "$(ls .codex)" config.toml
}

test_codex_placeholder_is_shared_and_removed() {
	setup root
	sb root --full-auto -- sh -c 'touch ready; while [ ! -e go ]; do sleep 0.02; done' &
	first=$!
	for i in $(seq 100); do [ -e ready ] && break; sleep 0.05; done
	[ -d .codex ] || fail "no placeholder while a sandbox runs"
	# A second sandbox in the same workspace sees .codex protected too...
	out=$(sb root --full-auto -- sh -c 'mkdir .codex/x 2>&1 || echo refused; touch go')
	expect_contains "$out" "refused"
	wait $first
	# ...and the last one out removes it.
	[ ! -e .codex ] || fail ".codex left behind"
	# A placeholder left by a run killed with SIGKILL is cleaned by the next run.
	mkdir -m 0400 .codex
	sb root --full-auto -- true
	[ ! -e .codex ] || fail "stale placeholder left behind"
	# An empty .codex the user made (another mode) is the user's: it stays.
	mkdir -m 0755 .codex
	sb root --full-auto -- true
	[ -d .codex ] || fail "the user's own .codex was removed"
}

# A placeholder of another user's in a shared root (root's run in /tmp, mode 0400): an
# unprivileged run with that root cannot join it, and must still start.
test_another_users_placeholder_in_a_shared_root() {
	setup user
	mkdir -m 1777 "$T/shared"
	mkdir -m 0400 "$T/shared/.codex"
	expect_status 0 sb user --full-auto --add-dir "$T/shared" -- sh -c 'mkdir "$0/.codex/x" || echo refused' "$T/shared"
	expect_contains "$(cat "$T/out" "$T/err")" refused
	[ -d "$T/shared/.codex" ] || fail "another user's placeholder was removed"
}

# Many runs in one workspace at once, with every mix of policies (the agent runs tool
# calls in parallel): all of them start, and .codex stays uncreatable for each, while
# runs make, share and remove the placeholder that keeps it missing.
concurrent_runs() {
	setup "$1"
	local script='mkdir .codex/x 2>/dev/null && echo PWNED; mkdir .codex 2>/dev/null && echo PWNED
		touch .codex/config.toml 2>/dev/null && echo PWNED; true'
	for loop in 1 2 3 4 5 6 7 8; do
		(for i in $(seq 12); do
			case $(( (i + loop) % 5 )) in
			0) sb "$1" --full-auto -- sh -c "$script" ;;
			1) sb "$1" -- true ;;
			2) SB_PREFIX="$DENY userns --" sb "$1" --full-auto -- sh -c "$script" ;;
			3) sb "$1" --full-auto -c sandbox_workspace_write.network_access=true -- sh -c "$script" ;;
			4) sb "$1" -s danger-full-access -- true ;;
			esac > "$T/run-$loop-$i" 2>&1 || echo "FAILED $(cat "$T/run-$loop-$i")"
		done > "$T/loop-$loop") &
	done
	wait
	cat "$T"/loop-* > "$T/all"
	expect_eq "$(cat "$T/all")" "" "failed runs"
	expect_eq "$(cat "$T"/run-* | grep -c PWNED)" 0 "runs that wrote .codex"
	[ ! -e .codex ] || fail "left behind: $(ls -ld .codex)"
}
test_concurrent_runs_in_one_workspace_root() { concurrent_runs root; }
test_concurrent_runs_in_one_workspace_user() { concurrent_runs user; }

add_dir() {
	setup "$1"
	mkdir -p "$T/extra" "$T/rel"
	[ "$1" = root ] || chown $NOBODY "$T/extra" "$T/rel"
	sb "$1" --full-auto --add-dir "$T/extra" --add-dir ../rel -- sh -c \
		'echo a > '"$T/extra/a"' && echo b > ../rel/b; echo c > '"$T/outside/c"' || true'
	expect_eq "$(cat "$T/extra/a" "$T/rel/b")" "$(printf 'a\nb')"
	[ ! -e "$T/outside/c" ] || fail "--add-dir widened more than asked"
	out=$(sb "$1" --add-dir "$T/extra" -- sh -c "echo z > $T/extra/z" 2>&1 || true)
	expect_contains "$out" "--add-dir is ignored with the read-only policy"
	[ ! -e "$T/extra/z" ] || fail "--add-dir applied to read-only"
}
test_add_dir_root() { add_dir root; }
test_add_dir_user() { add_dir user; }

test_cd_sets_the_workspace() {
	setup root
	cd "$T"
	sb root --full-auto -C ws -- sh -c 'pwd > here; echo x > ../outside/y' 2>/dev/null || true
	expect_eq "$(cat ws/here)" "$T/ws"
	[ ! -e outside/y ] || fail "-C did not confine the workspace"
	expect_status 1 "$CODEX" sandbox -C "$T/nope" -- true
	expect_eq "$(cat "$T/err")" "codex: error: cannot change to $T/nope: No such file or directory"
}

test_symlinked_workspace() {
	setup root
	ln -s ws "$T/link"
	cd "$T/link"
	sb root --full-auto -- sh -c 'echo via-link > f; echo x > .git/config' 2>/dev/null || true
	expect_eq "$(cat "$T/ws/f")" via-link
	expect_not_contains "$(cat "$T/ws/.git/config")" x
}

test_danger_full_access_is_no_sandbox() {
	setup root
	start_http_server
	out=$(sb root -s danger-full-access -- sh -c \
		"echo pwned > $T/outside/target; curl -s http://127.0.0.1:$SERVER_ADDR/hello; echo; env")
	expect_contains "$out" "hello"
	expect_not_contains "$out" "CODEX_SANDBOX_NETWORK_DISABLED"
	expect_eq "$(cat "$T/outside/target")" pwned
}

test_platform_word_and_alias() {
	setup root
	expect_eq "$(sb root linux -- echo a)" a
	expect_eq "$(sb root landlock -- echo b)" b
	expect_status 2 "$CODEX" sandbox macos -- true
	expect_contains "$(cat "$T/err")" "'sandbox macos' is not available on Linux"
	expect_status 2 "$CODEX" sandbox --full-auto -s read-only -- true
	expect_status 2 "$CODEX" sandbox -s everything -- true
	expect_status 2 "$CODEX" sandbox
	expect_status 2 "$CODEX" sandbox --frobnicate -- true
	expect_status 0 "$CODEX" sandbox --help
	expect_contains "$(cat "$T/out")" "--full-auto"
}

# ---- configuration: config.toml, profiles, -c ----

test_config_sandbox_mode_and_workspace_settings() {
	setup root
	mkdir -p "$T/extra"
	cat > "$CODEX_HOME/config.toml" <<-EOF
	sandbox_mode = "workspace-write"
	[sandbox_workspace_write]
	writable_roots = ["$T/extra"]
	exclude_slash_tmp = true
	[profiles.ro]
	sandbox_mode = "read-only"
	EOF
	out=$(sb root -- sh -c "echo w > ws-file && echo ws-ok; echo e > $T/extra/e && echo extra-ok;
		echo t > /tmp/codex-cfg-\$\$ || echo tmp-refused")
	expect_contains "$out" "ws-ok"
	expect_contains "$out" "extra-ok"
	expect_contains "$out" "tmp-refused"
	# A profile, -c (before or after the subcommand) and -s, in rising precedence.
	out=$(sb root -p ro -- sh -c 'echo x > p || echo profile-read-only')
	expect_contains "$out" "profile-read-only"
	out=$(sb root -p ro -c sandbox_mode=workspace-write -- sh -c 'echo x > c && echo override-ok')
	expect_contains "$out" "override-ok"
	out=$(env -u TMPDIR "$CODEX" -c 'sandbox_mode="read-only"' sandbox -- sh -c 'echo x > g || echo global-c')
	expect_contains "$out" "global-c"
	out=$(sb root -c sandbox_mode=workspace-write -s read-only -- sh -c 'echo x > s || echo flag-wins')
	expect_contains "$out" "flag-wins"
}

test_config_network_access_override() {
	setup root
	start_http_server
	out=$(sb root --full-auto -c sandbox_workspace_write.network_access=true -- sh -c \
		"curl -s http://127.0.0.1:$SERVER_ADDR/hello; echo; echo env=\${CODEX_SANDBOX_NETWORK_DISABLED:-unset}")
	expect_contains "$out" "hello"
	expect_contains "$out" "env=unset"
	# Only workspace-write takes the [sandbox_workspace_write] network setting.
	out=$(sb root -c sandbox_workspace_write.network_access=true -- sh -c \
		"curl -s -m 5 http://127.0.0.1:$SERVER_ADDR/hello || echo refused")
	expect_contains "$out" "refused"
}

test_config_errors_are_one_line_and_exit_1() {
	setup user
	echo 'sandbox_mode = [' > "$CODEX_HOME/config.toml"
	expect_status 1 env -u TMPDIR "$CODEX" sandbox -- true
	expect_contains "$(cat "$T/err")" "codex: error: $CODEX_HOME/config.toml:1:"
	expect_eq "$(wc -l < "$T/err")" 1
	echo 'sandbox_mode = "read-only"' > "$CODEX_HOME/config.toml"
	chmod 600 "$CODEX_HOME/config.toml"
	expect_status 1 as user env -u TMPDIR "$CODEX" sandbox -- true
	expect_eq "$(cat "$T/err")" "codex: error: cannot open $CODEX_HOME/config.toml: Permission denied"
	expect_status 1 env -u TMPDIR "$CODEX" sandbox -c sandbox_mode=everything -- true
	expect_contains "$(cat "$T/err")" "invalid value for sandbox_mode"
}

# ---- network ----

network_off() {
	setup "$1"
	start_http_server
	out=$(sb "$1" --full-auto -- sh -c "
		echo \$CODEX_SANDBOX_NETWORK_DISABLED
		curl -s -m 5 http://127.0.0.1:$SERVER_ADDR/hello || echo curl-refused
		$PY -c '$PY_SOCKET'
		getent passwd root >/dev/null && echo name-service-files-ok")
	expect_contains "$out" "1"
	expect_contains "$out" "curl-refused"
	expect_contains "$out" "socket-refused"
	expect_contains "$out" "name-service-files-ok"
	expect_not_contains "$out" "hello"
	# The same request works outside, so the test can fail.
	expect_eq "$(curl -s "http://127.0.0.1:$SERVER_ADDR/hello")" hello
}
test_network_off_by_default_root() { network_off root; }
test_network_off_by_default_user() { network_off user; }

test_network_access_policy_reaches_the_network() {
	setup root
	start_http_server
	out=$(env -u TMPDIR "$TOOLS/sandbox-run" '{"type":"workspace-write","network_access":true}' "$T/ws" -- \
		sh -c "curl -s http://127.0.0.1:$SERVER_ADDR/hello; echo; echo env=\${CODEX_SANDBOX_NETWORK_DISABLED:-unset}; echo x > $T/outside/target")
	expect_contains "$out" "hello"
	expect_contains "$out" "env=unset"
	expect_contains "$out" "outcome=ran exit=2" # sh: the redirection failed
	expect_outside_intact
}

# ---- process behaviour ----

test_stdio_environment_and_exit_codes() {
	setup root
	expect_eq "$(echo in | sb root -- sh -c 'cat; echo err >&2' 2>/dev/null)" in
	expect_eq "$(sb root -- sh -c 'echo err >&2' 2>&1 >/dev/null)" err
	expect_eq "$(FOO='a b' sb root -- sh -c 'echo "$FOO"')" "a b"
	expect_status 42 "$CODEX" sandbox -- sh -c 'exit 42'
	expect_status 143 "$CODEX" sandbox -- sh -c 'kill -TERM $$'
	expect_status 137 "$CODEX" sandbox -- sh -c 'kill -KILL $$'
	expect_status 127 "$CODEX" sandbox -- no-such-command-xyz
	expect_eq "$(cat "$T/err")" "codex: error: no-such-command-xyz: command not found"
	printf 'echo hi\n' > noexec.sh
	expect_status 126 "$CODEX" sandbox -- ./noexec.sh
	expect_eq "$(cat "$T/err")" "codex: error: ./noexec.sh: Permission denied"
	expect_status 126 "$CODEX" sandbox -- /etc
	# Real programs: bash, coreutils, git, python3.
	out=$(sb root -- bash -c 'echo $BASH_VERSION; ls src; git --version; python3 -c "print(6*7)"')
	expect_contains "$out" "main.c"
	expect_contains "$out" "git version"
	expect_contains "$out" "42"
}

test_launcher_errors_are_one_line_and_125() {
	setup root
	ln -s "$CODEX" "$T/codex-linux-sandbox"
	expect_status 125 "$T/codex-linux-sandbox" --sandbox-policy '{"type":' -- true
	expect_contains "$(cat "$T/err")" "codex: error: invalid sandbox policy: malformed JSON at byte"
	expect_status 125 "$T/codex-linux-sandbox" --sandbox-policy '{"type":"read-only","x":1}' -- true
	expect_eq "$(cat "$T/err")" \
		'codex: error: invalid sandbox policy: unknown field `x` for policy type "read-only"'
	expect_status 125 "$T/codex-linux-sandbox" --sandbox-policy '{"type":"read-only"}' \
		--command-cwd "$T/nope" -- true
	expect_eq "$(cat "$T/err")" \
		"codex: error: cannot use $T/nope as the working directory: No such file or directory"
	expect_status 125 "$T/codex-linux-sandbox" -- true
	expect_contains "$(cat "$T/err")" "missing sandbox policy configuration"
	expect_status 125 "$T/codex-linux-sandbox" --sandbox-policy '{"type":"read-only"}'
	expect_contains "$(cat "$T/err")" "No command specified to execute."
	expect_status 125 "$T/codex-linux-sandbox" --bogus -- true
	expect_eq "$(wc -l < "$T/err")" 1
}

test_sandbox_run_tells_setup_failure_from_exit_status() {
	setup root
	run() { "$TOOLS/sandbox-run" "$@"; }
	expect_eq "$(run '{"type":"read-only"}' "$T/ws" -- sh -c 'exit 3')" \
		"outcome=ran exit=3 errno=0"
	# A command that exits 125 itself is not a setup failure...
	expect_eq "$(run '{"type":"read-only"}' "$T/ws" -- sh -c 'exit 125')" \
		"outcome=ran exit=125 errno=0"
	# ...and a setup failure is, with its step and errno.
	out=$(run '{"type":"read-only"}' "$T/gone" -- true)
	expect_contains "$out" "outcome=setup-failed exit=125 errno=2"
	expect_contains "$out" "detail=cannot use $T/gone as the working directory"
	out=$(run '{"type":"read-only"}' "$T/ws" -- nope-cmd)
	expect_eq "$out" "$(printf 'outcome=not-found exit=127 errno=2\ndetail=nope-cmd: command not found')"
	out=$(run '{"type":"read-only"}' "$T/ws" -- /etc)
	expect_contains "$out" "outcome=cannot-exec exit=126 errno=13"
}

forward_signal() {
	setup root
	# A background job of a script starts with SIGINT and SIGQUIT ignored (and a shell
	# cannot trap a signal ignored at entry): give the wrapper default handling, as an
	# interactive shell would.
	env --default-signal -u TMPDIR "$CODEX" sandbox -- bash -c \
		"trap 'echo got-$1; exit 7' $1; echo ready; while :; do sleep 0.05; done" \
		> "$T/log" 2>&1 &
	pid=$!
	for i in $(seq 100); do grep -q ready "$T/log" && break; sleep 0.05; done
	kill -"$1" $pid
	for i in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.05; done
	if kill -0 $pid 2>/dev/null; then
		kill -KILL $pid
		fail "SIG$1 did not reach the command"
	fi
	rc=0
	wait $pid || rc=$?
	expect_eq "$rc" 7 "exit status after SIG$1"
	expect_contains "$(cat "$T/log")" "got-$1"
}
test_sigint_reaches_the_command() { forward_signal INT; }
test_sigterm_reaches_the_command() { forward_signal TERM; }
test_sighup_reaches_the_command() { forward_signal HUP; }
test_sigquit_reaches_the_command() { forward_signal QUIT; }

# ^C without a terminal of the command's own goes to the caller's whole process group:
# the command must see each one once (many programs take a second ^C as "stop now").
test_a_group_interrupt_reaches_the_command_once() {
	setup root
	# Each ^C is sent once the previous one was counted, and the command ends only
	# after the fifth (plus a moment for a duplicate to show), so that a slow machine
	# never loses one; the bounds only end a broken run.
	setsid -w env --default-signal=INT -u TMPDIR "$CODEX" sandbox -- "$PY" -c '
import signal, time
n = 0
def count(sig, frame):
    global n
    n += 1
    print("got %d" % n, flush=True)
signal.signal(signal.SIGINT, count)
print("ready", flush=True)
end = time.time() + 60
while n < 5 and time.time() < end:
    time.sleep(0.01)
time.sleep(0.5)
print("interrupts=%d" % n)' > "$T/log" 2>&1 &
	pid=$!
	wait_log "$T/log" ready
	pgid=$(ps -o pgid= -p "$(pgrep -o -f '^codex-linux-sandbox .*interrupts')" | tr -d ' ')
	for i in 1 2 3 4 5; do
		kill -INT -- -"$pgid"
		wait_log "$T/log" "got $i"
	done
	wait $pid
	expect_eq "$(grep interrupts= "$T/log")" "interrupts=5"
}

no_orphans() {
	setup "$1"
	mark=$((RANDOM % 900 + 100)).$$
	script="sleep 1$mark & sleep 2$mark & echo started; wait"
	# Started directly (not through a shell function), so $! is the wrapper itself.
	if [ "$1" = user ]; then
		setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups -- \
			env -u TMPDIR "$CODEX" sandbox -- sh -c "$script" > "$T/log" 2>&1 &
	else
		env -u TMPDIR "$CODEX" sandbox -- sh -c "$script" > "$T/log" 2>&1 &
	fi
	pid=$!
	for i in $(seq 100); do grep -q started "$T/log" && pgrep -f "sleep 2$mark" >/dev/null && break; sleep 0.05; done
	pgrep -f "sleep 1$mark" >/dev/null || fail "the sandboxed sleeps did not start"
	expect_contains "$(cat /proc/$pid/cmdline | tr '\0' ' ')" "codex-linux-sandbox"
	kill -KILL $pid
	for i in $(seq 100); do pgrep -f "sleep [12]$mark" >/dev/null || break; sleep 0.05; done
	! pgrep -f "sleep [12]$mark" >/dev/null || fail "orphans survived: $(pgrep -af "sleep [12]$mark")"
	! pgrep -f "codex-linux-sandbox.*$mark" >/dev/null || fail "launcher processes survived"
	# A command that exits leaves nothing running either.
	sb "$1" -- sh -c "sleep 3$mark > /dev/null 2>&1 &"
	sleep 0.1
	! pgrep -f "sleep 3$mark" >/dev/null || fail "a background process outlived the command"
}
test_tree_dies_with_the_wrapper_root() { no_orphans root; }
test_tree_dies_with_the_wrapper_user() { no_orphans user; }

test_pid_namespace_and_capabilities() {
	setup user
	out=$(sb user -- sh -c 'echo pid=$$; grep -E "^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):" /proc/self/status; ls /proc | grep -c "^[0-9]"; id -u')
	expect_contains "$out" "pid=2"
	expect_contains "$out" "CapEff:	0000000000000000"
	expect_contains "$out" "CapBnd:	0000000000000000"
	expect_contains "$out" "NoNewPrivs:	1"
	expect_contains "$out" "Seccomp:	2"
	expect_contains "$out" "$NOBODY"
}

test_print_plan() {
	setup root
	out=$(sb root --full-auto --print-plan)
	expect_contains "$out" "mount clone-rw $T/ws"
	expect_contains "$out" "mount clone-ro $T/ws/.git"
	expect_contains "$out" "landlock all $T/ws"
	expect_contains "$out" "seccomp network off"
}

# ---- the process cap ----

test_process_cap_default_and_config() {
	setup root
	expect_contains "$(sb root --full-auto --print-plan -- true)" "processes at most 2048"
	expect_contains "$(sb root --full-auto -c sandbox_max_processes=100 --print-plan -- true)" \
		"processes at most 100"
	expect_contains "$(sb root --full-auto -c sandbox_max_processes=0 --print-plan -- true)" \
		"processes not capped"
	echo 'sandbox_max_processes = 4096' > "$CODEX_HOME/config.toml"
	expect_contains "$(sb root --print-plan -- true)" "processes at most 4096"
	expect_contains "$("$CODEX" debug config)" '"sandbox_max_processes"'
	expect_status 1 sb root -c sandbox_max_processes=5 -- true
	expect_contains "$(cat "$T/err")" "sandbox_max_processes must be 0 (no cap) or at least 16, got 5"
	expect_status 1 sb root -c sandbox_max_processes=-1 -- true
	expect_status 1 sb root -c sandbox_max_processes=lots -- true
}

# Forks beyond the cap fail inside, as root (a pids cgroup) and as another user
# (RLIMIT_NPROC, per user namespace), with and without user namespaces; outside, the
# same forks all work.
fork_cap() {
	setup "$1"
	out=$(sb "$1" --full-auto -c sandbox_max_processes=48 -- "$ATTACK" fork-count 200 2>&1 || true)
	expect_contains "$out" "forked "
	local n=${out#*forked }
	n=${n%% *}
	[ "$n" -lt 48 ] && [ "$n" -ge 30 ] || fail "forks inside a cap of 48: $out"
	out=$(as "$1" "$ATTACK" fork-count 200 2>&1) || fail "control: $out"
	# A cgroup is named after its launcher's pid: one whose launcher still runs belongs
	# to another run in progress on this host, not to this one.
	local cg
	for cg in /sys/fs/cgroup/*/codex-sandbox.* /sys/fs/cgroup/codex-sandbox.*; do
		[ -d "$cg" ] || continue
		kill -0 "${cg##*.}" 2>/dev/null || fail "a cgroup was left behind: $cg"
	done
}
test_fork_cap_root() { fork_cap root; }
test_fork_cap_user() { fork_cap user; }
test_no_userns_fork_cap_root() { SB_PREFIX="$DENY userns --" fork_cap root; }
test_no_userns_fork_cap_user() { SB_PREFIX="$DENY userns --" fork_cap user; }

# A fork bomb inside: the host keeps working while it runs (a process outside can fork
# what it wants), and nothing of it is left once the command ends.
fork_bomb() {
	setup "$1"
	local tok=bomb$RANDOM$RANDOM
	start_bg sb "$1" --full-auto -c sandbox_max_processes=64 -- bash -c \
		"$tok() { $tok | $tok & }; $tok; touch src/bombed; sleep 2; echo done-$tok"
	wait_file "$T/ws/src/bombed" -e
	out=$(as "$1" "$ATTACK" fork-count 100 2>&1) || fail "the host could not fork during the bomb: $out"
	for i in $(seq 300); do pgrep -f "done-$tok" > /dev/null || break; sleep 0.1; done
	for i in $(seq 100); do pgrep -f "$tok" > /dev/null || break; sleep 0.1; done
	! pgrep -f "$tok" > /dev/null || fail "the bomb outlived the run: $(pgrep -f "$tok" | wc -l) left"
}
test_fork_bomb_root() { fork_bomb root; }
test_fork_bomb_user() { fork_bomb user; }
test_no_userns_fork_bomb_root() { SB_PREFIX="$DENY userns --" fork_bomb root; }
test_no_userns_fork_bomb_user() { SB_PREFIX="$DENY userns --" fork_bomb user; }

# ---- without user namespaces ----

no_userns() {
	setup "$1"
	echo old > existing
	[ "$1" = root ] || chown $NOBODY existing
	out=$(as "$1" env -u TMPDIR "$DENY" ${2:-userns} -- "$CODEX" sandbox --full-auto -- sh -c '
		echo new >> existing && echo edit-ok
		echo x > src/new.c && echo subdir-ok
		echo x > .git/config || echo git-refused
		mkdir .codex || echo codex-refused
		echo x > "$0/target" || echo outside-refused
		"$1" -c "$2"
		grep NoNewPrivs /proc/self/status' "$T/outside" "$PY" "$PY_SOCKET" 2>"$T/stderr")
	for w in edit-ok subdir-ok git-refused codex-refused outside-refused socket-refused \
		"NoNewPrivs:	1"; do
		expect_contains "$out" "$w"
	done
	expect_eq "$(grep -c warning "$T/stderr")" 1 "warnings on stderr"
	expect_contains "$(cat "$T/stderr")" \
		"codex: warning: ${3:-user namespaces are not available (Operation not permitted)}; sandboxing with Landlock and seccomp only"
	expect_outside_intact
	[ ! -e .codex ] || fail ".codex was created"
}
test_without_userns_landlock_and_seccomp_hold_root() { no_userns root; }
test_without_userns_landlock_and_seccomp_hold_user() { no_userns user; }
# A kernel older than 5.12 (simulated: open_tree, move_mount, mount_setattr answer
# ENOSYS): no mount view, the same fallback, saying what is missing.
MOUNTAPI_WARNING="the kernel lacks open_tree (Linux 5.12 or later)"
test_without_the_mount_api_landlock_and_seccomp_hold_root() { no_userns root mountapi "$MOUNTAPI_WARNING"; }
test_without_the_mount_api_landlock_and_seccomp_hold_user() { no_userns user mountapi "$MOUNTAPI_WARNING"; }
test_without_the_mount_api_or_landlock_it_refuses() {
	setup root
	expect_status 125 env -u TMPDIR "$DENY" mountapi landlock -- "$CODEX" sandbox --full-auto -- \
		sh -c "echo ran > $T/outside/target"
	expect_eq "$(cat "$T/err")" "codex: error: cannot sandbox the command: the kernel lacks open_tree (Linux 5.12 or later) and neither is Landlock; refusing to run it unsandboxed (use --sandbox danger-full-access to do that)"
	expect_outside_intact
}

test_without_userns_or_landlock_it_refuses() {
	setup root
	expect_status 125 env -u TMPDIR "$DENY" userns landlock -- "$CODEX" sandbox --full-auto -- \
		sh -c "echo ran > $T/outside/target"
	expect_eq "$(cat "$T/err")" "codex: error: cannot sandbox the command: user namespaces are not available (Operation not permitted) and neither is Landlock; refusing to run it unsandboxed (use --sandbox danger-full-access to do that)"
	expect_outside_intact
	expect_status 0 "$DENY" userns landlock -- "$CODEX" sandbox -s danger-full-access -- echo ran
	expect_eq "$(cat "$T/out")" ran
}

run_tests
