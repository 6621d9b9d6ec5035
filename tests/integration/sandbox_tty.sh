# codex sandbox on a real terminal: the command gets a pty of its own, relayed by the
# wrapper (interactive shell, Ctrl-C, Ctrl-Z, window size), and nothing inside can
# push input into the caller's terminal.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sandbox.inc"

PTY=$CODEX_TOP/tests/servers/pty_session.py

# on_tty [--rows R --cols C] -- COMMAND...: runs COMMAND on a fresh terminal with the
# script on stdin (see pty_session.py); output in $T/tty.
on_tty() {
	"$PY" "$PTY" "$@" > "$T/tty" 2>&1 || fail "terminal session: $(cat "$T/tty")"
}

interactive_shell() {
	local runas=()
	setup "$1"
	[ "$1" = root ] || runas=(setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups --
				   env HOME="$T/home" PATH=/usr/local/bin:/usr/bin:/bin)
	on_tty -- "${runas[@]}" env -u TMPDIR PS1='SBX> ' "$CODEX" sandbox --full-auto -- \
		bash --norc --noprofile -i <<-'EOF'
		expect SBX> 
		send echo $((6*7)) $(id -u); tty; echo hi > made-here\r
		expect 42
		expect /dev/pts/[0-9]+
		send exit 5\r
		wait
	EOF
	expect_contains "$(cat "$T/tty")" "EXIT 5"
	[ -e "$T/ws/made-here" ] || fail "the shell could not write its workspace"
}
test_interactive_shell_root() { interactive_shell root; }
test_interactive_shell_user() { interactive_shell user; }

test_ctrl_c_reaches_the_command() {
	setup root
	on_tty -- env -u TMPDIR "$CODEX" sandbox -- \
		sh -c 'trap "echo INTERRUPTED; exit 3" INT; echo ready; sleep 30 & wait' <<-'EOF'
		expect ready
		send \x03
		expect INTERRUPTED
		wait
	EOF
	expect_contains "$(cat "$T/tty")" "EXIT 3"
	# In an interactive shell ^C ends the foreground job, not the shell.
	on_tty -- env -u TMPDIR PS1='SBX> ' "$CODEX" sandbox -- bash --norc --noprofile -i <<-'EOF'
		expect SBX> 
		send echo RE""ADY; sleep 30\r
		expect READY
		sleep 0.3
		send \x03
		expect SBX> 
		send echo status=$?\r
		expect status=130
		send exit\r
		wait
	EOF
	expect_contains "$(cat "$T/tty")" "EXIT 0"
}

test_job_control() {
	setup root
	on_tty -- env -u TMPDIR PS1='SBX> ' "$CODEX" sandbox -- bash --norc --noprofile -i <<-'EOF'
		expect SBX> 
		send echo RE""ADY; sleep 30\r
		expect READY
		sleep 0.3
		send \x1a
		expect Stopped
		send jobs -l\r
		expect \[1\]\+ +[0-9]+ Stopped
		send kill -9 %1\r
		expect SBX> 
		send exit\r
		sleep 0.3
		send exit\r
		wait
	EOF
	# (bash refuses the first exit while it still thinks the job is stopped)
}

test_window_size_follows_the_terminal() {
	setup root
	on_tty --rows 30 --cols 100 -- env -u TMPDIR PS1='SBX> ' "$CODEX" sandbox -- \
		bash --norc --noprofile -i <<-'EOF'
		expect SBX> 
		send stty size\r
		expect 30 100
		resize 40 120
		sleep 0.3
		send stty size\r
		expect 40 120
		send exit\r
		wait
	EOF
	# The command is told (SIGWINCH) when the size changes.
	on_tty -- env -u TMPDIR "$CODEX" sandbox -- sh -c \
		'trap "stty size" WINCH; echo ready; while :; do sleep 0.05; done' <<-'EOF'
		expect ready
		resize 50 132
		expect 50 132
	EOF
}

test_tiocsti_cannot_reach_the_callers_terminal() {
	setup root
	# Control: outside the sandbox, TIOCSTI on the terminal is read back by the shell.
	on_tty -- bash -c '"$0" tiocsti 0 "echo INJECTED
"; read -t 2 line; echo "read:[$line]"' "$ATTACK" <<-'EOF'
		expect read:\[echo INJECTED\]
		wait
	EOF
	# Inside, on stdin (the command's own pty) and on /dev/tty, it is refused, and the
	# caller's terminal reads nothing.
	on_tty -- bash -c 'env -u TMPDIR "$1" sandbox -- sh -c "\"\$0\" tiocsti 0 \"echo INJECTED
\"; echo rc0=\$?; exec 3<>/dev/tty; \"\$0\" tiocsti 3 \"echo INJECTED
\"; echo rc3=\$?" "$0"; read -t 2 line; echo "read:[$line]"' "$ATTACK" "$CODEX" <<-'EOF'
		expect rc0=1
		expect rc3=1
		expect read:\[\]
		wait
	EOF
	expect_not_contains "$(cat "$T/tty")" "read:[echo"
}

test_without_a_terminal_dev_tty_is_unreachable() {
	setup root
	on_tty -- bash -c 'env -u TMPDIR "$0" sandbox -- sh -c "echo x > /dev/tty && echo opened" \
		< /dev/null > "$1/out" 2>&1; echo rc=$?; sh -c "echo x > /dev/tty && echo opened" \
		< /dev/null > "$1/ctl" 2>&1' "$CODEX" "$T" <<-'EOF'
		expect rc=2
		wait
	EOF
	expect_contains "$(cat "$T/out")" "No such device or address"
	expect_eq "$(cat "$T/ctl")" opened "control: /dev/tty outside"
}

test_terminal_modes_are_restored() {
	setup root
	on_tty -- env -u TMPDIR PS1='SBX> ' bash --norc --noprofile -i <<-EOF
		expect SBX> 
		send stty -g > before; "$CODEX" sandbox -- sh -c 'stty raw -echo; exit 1'; stty -g > after\r
		expect SBX> 
		send exit\r
		wait
	EOF
	expect_eq "$(cat after)" "$(cat before)" "terminal modes after the sandbox"
}

test_stdout_pipe_with_terminal_input() {
	setup root
	on_tty -- bash -c 'env -u TMPDIR "$0" sandbox -- sh -c "tty; echo to-the-pipe" | tr a-z A-Z' \
		"$CODEX" <<-'EOF'
		expect /DEV/PTS/[0-9]+
		expect TO-THE-PIPE
		wait
	EOF
	expect_contains "$(cat "$T/tty")" "EXIT 0"
}

# What the command writes to its terminal reaches the caller's through a filter: no
# request whose answer is not the command's business (the clipboard, the title, the
# screen's contents, a multiplexer's passthrough), and the modes it leaves on (the
# alternate screen, mouse reporting, a hidden cursor, keypad mode, bracketed paste)
# are turned off at the end, even when it is killed. The control writes the same
# outside the sandbox, where all of it arrives.
HOSTILE='printf "\033]52;c;?\007\033[21t\033[13t\033]1337;File=x:AA\007\033Ptmux;\033\033]52;c;?\007\033\134\033_Gt=f;L2V0Yw==\033\134\033[1;1;1;1;24;80*y\033[?1049h\033[?1000h\033[?1006h\033[?25l\033=\033[?2004h\033]0;evil\007visible\n"'
# check_raw FILE: the hostile sequences are missing, the restores present, in order.
CHECK_RAW='import sys
raw = open(sys.argv[1], "rb").read()
bad = [b"]52;c;?", b"[21t", b"[13t", b"1337;", b"tmux;", b"\x1b_G", b"*y"]
found = [b.decode() for b in bad if b in raw]
if found: sys.exit("reached the terminal: %r" % found)
if b"visible" not in raw: sys.exit("the text did not arrive: %r" % raw)
tail = raw[raw.index(b"visible"):]
for want in [b"\x1b[?1049l", b"\x1b[?25h", b"\x1b[?1000l", b"\x1b[?1006l", b"\x1b[?2004l", b"\x1b>", b"\x1b[23;0t"]:
    if want not in tail: sys.exit("not restored: %r in %r" % (want, tail))'
relay_filter() {
	setup root
	on_tty -- env -u TMPDIR ${SB_PREFIX:-} "$CODEX" sandbox -- sh -c "$HOSTILE; $1" <<-EOF
		expect visible
		wait
		save $T/raw
	EOF
	"$PY" -c "$CHECK_RAW" "$T/raw" || fail "the relay passed it: $(od -c "$T/raw" | head -20)"
}
test_relay_filters_and_restores() { relay_filter 'exit 0'; }
test_relay_restores_when_the_command_is_killed() { relay_filter 'kill -9 $$'; }
test_no_userns_relay_filters_and_restores() { SB_PREFIX="$DENY userns --" relay_filter 'exit 0'; }
test_relay_filter_control() {
	setup root
	on_tty -- sh -c "$HOSTILE" <<-EOF
		expect visible
		wait
		save $T/raw
	EOF
	grep -q ']52;c;?' "$T/raw" || fail "control: the clipboard request did not arrive"
}

run_tests
