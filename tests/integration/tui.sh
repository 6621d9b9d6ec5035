# The interactive agent end to end: the real ./codex in a real terminal (tmux) against
# the scripted model (tests/servers/mock_responses.py), driven with send-keys and read
# back with capture-pane. Every wait is a bounded poll of the screen or of a file; a key
# that depends on a state is sent only once that state is on screen (and a state that
# must end first has gone from it).
. "$(dirname "$0")/lib.sh"

# Each test gets its own tmux server (socket), killed with the test's other processes.
cleanup_bg() {
	local p
	if [ -n "${TS:-}" ]; then
		tmux -L "$TS" kill-server 2>/dev/null
		rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TS" # the server leaves its socket file
	fi
	for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	bg_pids=()
}

if ! command -v tmux > /dev/null; then
	echo "ok - tui: skipped (tmux is missing; tests/install-deps.sh installs it)"
	exit 0
fi

# Polls are bounded by this many seconds: generous, since the machine may be loaded.
WAIT=${TUI_WAIT:-40}

answer='{"sse":[{"created":"r"},{"message":"All done."},{"completed":{"input_tokens":10,"cached_input_tokens":2,"output_tokens":5,"total_tokens":15}}]}'
fc() { # fc CALL_ID NAME ARGS-JSON: a reply with one function call
	printf '{"sse":[{"created":"r"},{"function_call":{"call_id":"%s","name":"%s","arguments":%s}},{"completed":"r"}]}' "$1" "$2" "$3"
}

# ws: a git work tree in $T/ws, CODEX_HOME in $T/home that trusts it.
# ws: the workspace, trusted, with the default model's (gpt-5.3-codex) migration prompt
# answered, as a user past their first start (the migration tests start without).
ws() {
	mkdir -p "$T/ws" "$T/home"
	git -C "$T/ws" init -q
	printf '[projects."%s"]\ntrust_level = "trusted"\n\n[notice.model_migrations]\n"gpt-5.3-codex" = "gpt-5.4"\n' \
		"$T/ws" > "$T/home/config.toml"
}

mock() {
	printf '%s\n' "$1" > "$T/script.json"
	start_mock "$T/script.json"
}

# TM_NS: a process whose network and mount namespaces the tmux server (and so codex)
# starts in (the network approval tests), or empty.
TM_NS=
tm() {
	if [ -n "$TM_NS" ]; then
		nsenter -t "$TM_NS" -n -m -- tmux -f /dev/null -L "$TS" "$@"
	else
		tmux -f /dev/null -L "$TS" "$@"
	fi
}

# tui_start [-x COLS] [-y ROWS] [-e VAR=VALUE]... [-r] [codex args...]: runs codex in a
# fresh tmux server; the pane stays after codex exits (what codex printed after the UI
# stays on screen). $T/rc gets its exit status, $T/stty.before/after `stty -a` around
# it, $T/stderr its stderr.
# -r: `codex resume` instead of `codex` (-f: `codex fork`); -j: job control in the pane's shell; -t: stderr
# on the terminal too; -O: the built-in openai provider (OpenAI credentials: none unless
# the test makes some) pointed at the mock with OPENAI_BASE_URL. -T: the tip under the
# session card as configured; otherwise it is off (tips are drawn at random, and one may
# hold the very text a test waits for).
tui_start() {
	local cols=100 rows=30 envs=() sub=() jobs= errtty= prov=()
	local tips=(-c tui.show_tooltips=false)
	prov=(-c model_provider=mock -c model_providers.mock.name=mock
		-c "model_providers.mock.base_url=http://127.0.0.1:${MOCK_PORT:-1}/v1"
		-c model_providers.mock.env_key=MOCK_KEY)
	while [ $# -gt 0 ]; do
		case "$1" in
		-O) prov=(); envs+=("OPENAI_BASE_URL=http://127.0.0.1:${MOCK_PORT:-1}/v1"); shift ;;
		-t) errtty=1; shift ;;
		-T) tips=(); shift ;;
		-j) jobs=1; shift ;;
		-x) cols=$2; shift 2 ;;
		-y) rows=$2; shift 2 ;;
		-e) envs+=("$2"); shift 2 ;;
		-r) sub=(resume); shift ;;
		-f) sub=(fork); shift ;;
		*) break ;;
		esac
	done
	TS=codex-tui-$BASHPID-$RANDOM
	{
		echo "cd '$T/ws' || exit 1"
		# CODEX_CURATED_PLUGINS_URL empty: no curated plugins sync (it would reach
		# github.com); a test that wants one points it at a local repository with -e.
		echo "export TERM=xterm-256color CODEX_HOME='$T/home' MOCK_KEY=sk-test HOME='$T/home' CODEX_CURATED_PLUGINS_URL="
		echo "unset NO_COLOR COLORTERM OPENAI_API_KEY CODEX_API_KEY BROWSER DISPLAY WAYLAND_DISPLAY VISUAL EDITOR"
		for e in ${envs[@]+"${envs[@]}"}; do printf 'export %q\n' "$e"; done
		[ -n "$jobs" ] && echo "set -m"
		echo "stty -a > '$T/stty.before'"
		printf '%q ' "$CODEX" ${sub[@]+"${sub[@]}"} ${prov[@]+"${prov[@]}"} ${tips[@]+"${tips[@]}"} "$@"
		if [ -n "$errtty" ]; then echo; else echo "2> '$T/stderr'"; fi
		if [ -n "$jobs" ]; then
			# job control: a stopped codex (148) waits here until the test resumes it
			echo "st=\$?"
			echo "while [ \$st = 148 ]; do touch '$T/stopped'; read -r _ < '$T/resume'; rm -f '$T/stopped'; fg; st=\$?; done"
			echo "(exit \$st)"
		fi
		echo "echo \$? > '$T/rc.tmp'"
		echo "stty -a > '$T/stty.after'"
		echo "mv '$T/rc.tmp' '$T/rc'"
		echo "exec sleep 600"
	} > "$T/run.sh"
	tm new-session -d -s main -x "$cols" -y "$rows" "bash '$T/run.sh'"
}

screen() { tm capture-pane -p -t main; }
# snap NAME: with TUI_SNAP_DIR set, the screen as text into TUI_SNAP_DIR/NAME.txt (the
# text captures of the main screens that go into notes and the README).
snap() {
	[ -n "${TUI_SNAP_DIR:-}" ] || return 0
	mkdir -p "$TUI_SNAP_DIR" && screen > "$TUI_SNAP_DIR/$1.txt"
}
keys() { tm send-keys -t main "$@"; }

# wait_for TEXT: until TEXT is on screen.
wait_for() {
	local i
	for i in $(seq 1 $((WAIT * 10))); do
		case "$(screen)" in *"$1"*) return 0 ;; esac
		[ -f "$T/rc" ] && break
		sleep 0.1
	done
	case "$(screen)" in *"$1"*) return 0 ;; esac
	echo "--- screen:"; screen; echo "--- stderr:"; cat "$T/stderr" 2>/dev/null
	fail "[$1] never appeared on screen"
}

# wait_gone TEXT: until TEXT has left the screen.
wait_gone() {
	local i
	for i in $(seq 1 $((WAIT * 10))); do
		case "$(screen)" in *"$1"*) ;; *) return 0 ;; esac
		sleep 0.1
	done
	echo "--- screen:"; screen
	fail "[$1] never left the screen"
}

# wait_exit: until codex has exited; then its status is in $RC.
wait_exit() {
	local i
	for i in $(seq 1 $((WAIT * 10))); do
		[ -f "$T/rc" ] && { RC=$(cat "$T/rc"); return 0; }
		sleep 0.1
	done
	echo "--- screen:"; screen
	fail "codex never exited"
}

# The idle composer is on screen (a turn is not running).
wait_idle() {
	wait_for "% left"
	wait_gone "esc to interrupt"
}

# The same with a draft in the composer: the first Ctrl+C clears it.
quit_and_check_terminal_after_clear() {
	keys C-c
	wait_for "ctrl + c again to quit"
	keys C-c
	wait_exit
	expect_eq "$RC" 0 "exit status"
	expect_eq "$(cat "$T/stty.after")" "$(cat "$T/stty.before")" "stty -a before and after"
}

quit_and_check_terminal() {
	wait_idle
	keys C-c
	wait_exit
	expect_eq "$RC" 0 "exit status"
	expect_eq "$(cat "$T/stty.after")" "$(cat "$T/stty.before")" "stty -a before and after"
}

test_streamed_markdown_answer_renders() {
	ws
	mock '[{"sse":[{"created":"r"},{"message":"x","deltas":["# Title\n\nHello **wor","ld** and `code`.\n- item one\n* item two\n\n```\nfn main() {}\n```\nDone."]},{"completed":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}]}]'
	tui_start "say hi"
	wait_for "Done."
	snap answer
	s=$(screen)
	expect_contains "$s" "› say hi"
	expect_contains "$s" "• # Title"
	expect_contains "$s" "Hello world and code."
	expect_contains "$s" "- item one"
	expect_contains "$s" "- item two"
	expect_contains "$s" "fn main() {}"
	expect_not_contains "$s" '```'
	expect_not_contains "$s" '**'
	expect_contains "$s" ">_ OpenAI Codex"
	expect_eq "$(mock_get 0 headers.originator)" codex-tui
	# colours: the heading bold, inline code cyan
	expect_contains "$(tm capture-pane -p -e -t main)" $'\e[36mcode'
	quit_and_check_terminal
	expect_contains "$(screen)" "Token usage: total=15 input=10 output=5"
	expect_contains "$(screen)" "To continue this session, run codex resume "
}

# multi_agent: the main thread's collab cells as upstream draws them, then /agent to
# watch the sub-agent (its own transcript; the composer talks to it) and back. The mock
# gives each thread its own replies (x-openai-subagent), whatever order they come in.
test_agents_collab_cells_and_switching() {
	ws
	local MAIN='"match_headers":{"x-openai-subagent":null}'
	local SUB='"match_headers":{"x-openai-subagent":"collab_spawn"}'
	local subst='"output_subst":{"@ID@":["c1","agent_id"]}'
	mock "[{\"sse\":[{\"created\":\"r\"},{\"function_call\":{\"call_id\":\"c1\",\"name\":\"spawn_agent\",\"arguments\":{\"message\":\"CHILD-TASK compute\"}}},{\"completed\":\"r\"}],$MAIN},
{\"sse\":[{\"created\":\"r\"},{\"function_call\":{\"call_id\":\"c2\",\"name\":\"wait_agent\",\"arguments\":\"{\\\"targets\\\":[\\\"@ID@\\\"]}\"}},{\"completed\":\"r\"}],$MAIN,$subst},
{\"sse\":[{\"created\":\"r\"},{\"message\":\"CHILD-ANSWER-4\"},{\"completed\":\"r\"}],$SUB},
{\"sse\":[{\"created\":\"r\"},{\"message\":\"MAIN-DONE\"},{\"completed\":\"r\"}],$MAIN},
{\"sse\":[{\"created\":\"r\"},{\"message\":\"SUB-REPLY-2\"},{\"completed\":\"r\"}],$SUB}]"
	tui_start "delegate it"
	wait_for "MAIN-DONE"
	wait_idle
	snap agents_collab
	s=$(screen)
	expect_contains "$s" "• Spawned Euclid"
	expect_contains "$s" "└ CHILD-TASK compute"
	expect_contains "$s" "• Waiting for Euclid"
	expect_contains "$s" "• Finished waiting"
	expect_contains "$s" "Euclid: Completed - CHILD-ANSWER-4"
	expect_contains "$s" "/ws · Main [default]"
	keys "/agent" Enter
	wait_for "Select an agent to watch."
	snap agents_picker
	s=$(screen)
	expect_contains "$s" "Subagents"
	expect_contains "$s" "• Main [default] (current)"
	expect_contains "$s" "• Euclid"
	keys Down
	keys Enter
	wait_for "CHILD-ANSWER-4"
	wait_gone "MAIN-DONE"
	expect_contains "$(screen)" "› CHILD-TASK compute"
	# the footer names the thread shown
	expect_contains "$(screen)" "/ws · Euclid"
	keys "more please"
	wait_for "more please"
	keys Enter
	wait_for "SUB-REPLY-2"
	n=$(mock_count)
	expect_eq "$n" 5 requests
	expect_eq "$(mock_get 4 headers.x-openai-subagent)" collab_spawn "the typed message went to the sub-agent"
	expect_contains "$(mock_get 4 body.input)" "more please"
	keys "/subagents" Enter
	wait_for "Select an agent to watch."
	expect_contains "$(screen)" "• Euclid (current)"
	keys Up
	keys Enter
	wait_for "MAIN-DONE"
	wait_gone "SUB-REPLY-2"
	expect_contains "$(screen)" "› delegate it"
	# Alt+Right / Alt+Left with an empty draft: the next and the previous thread.
	keys M-Right
	wait_for "SUB-REPLY-2"
	wait_gone "MAIN-DONE"
	keys M-Left
	wait_for "MAIN-DONE"
	wait_gone "SUB-REPLY-2"
	quit_and_check_terminal
}

# `codex resume` brings the session's sub-agents back: /agent lists them, switching to
# one draws its earlier conversation, and what is typed there goes to the same thread
# with its history (asserted through the mock's record of the request).
test_agents_come_back_on_resume() {
	ws
	local MAIN='"match_headers":{"x-openai-subagent":null}'
	local SUB='"match_headers":{"x-openai-subagent":"collab_spawn"}'
	local subst='"output_subst":{"@ID@":["c1","agent_id"]}'
	mock "[{\"sse\":[{\"created\":\"r\"},{\"function_call\":{\"call_id\":\"c1\",\"name\":\"spawn_agent\",\"arguments\":{\"message\":\"CHILD-TASK compute\"}}},{\"completed\":\"r\"}],$MAIN},
{\"sse\":[{\"created\":\"r\"},{\"function_call\":{\"call_id\":\"c2\",\"name\":\"wait_agent\",\"arguments\":\"{\\\"targets\\\":[\\\"@ID@\\\"]}\"}},{\"completed\":\"r\"}],$MAIN,$subst},
{\"sse\":[{\"created\":\"r\"},{\"message\":\"CHILD-ANSWER-4\"},{\"completed\":\"r\"}],$SUB},
{\"sse\":[{\"created\":\"r\"},{\"message\":\"MAIN-DONE\"},{\"completed\":\"r\"}],$MAIN},
{\"sse\":[{\"created\":\"r\"},{\"message\":\"SUB-AFTER-RESUME\"},{\"completed\":\"r\"}],$SUB}]"
	tui_start "delegate it"
	wait_for "MAIN-DONE"
	quit_and_check_terminal
	sub_id=$(mock_call_output c2 | python3 -c 'import json,sys; print(next(iter(json.load(sys.stdin)["status"])))')
	tm kill-server
	rm -f "$T/rc"
	tui_start -r --last
	wait_for "MAIN-DONE"
	wait_idle
	keys "/agent" Enter
	wait_for "Select an agent to watch."
	expect_contains "$(screen)" "• Main [default] (current)"
	expect_contains "$(screen)" "• Euclid"
	keys Down
	keys Enter
	wait_for "CHILD-ANSWER-4"
	wait_gone "MAIN-DONE"
	expect_contains "$(screen)" "› CHILD-TASK compute"
	expect_contains "$(screen)" "/ws · Euclid"
	keys "after the resume"
	wait_for "after the resume"
	keys Enter
	wait_for "SUB-AFTER-RESUME"
	expect_eq "$(mock_count)" 5 requests
	expect_eq "$(mock_get 4 headers.x-openai-subagent)" collab_spawn "the typed message went to the sub-agent"
	expect_eq "$(mock_get 4 headers.session_id)" "$sub_id" "the same sub-agent thread"
	mock_get 4 body.input | python3 -c '
import json, sys
texts = [c.get("text", "") for i in json.load(sys.stdin) for c in i.get("content", []) or []]
assert "CHILD-TASK compute" in texts and "CHILD-ANSWER-4" in texts, texts
assert texts[-1] == "after the resume", texts
' || fail "the resumed sub-agent's request lost its history"
	# back on the main thread: its resumed conversation is drawn again
	keys M-Left
	wait_for "MAIN-DONE"
	expect_contains "$(screen)" "› delegate it"
	quit_and_check_terminal
}

# A sub-agent's approval reaches the user while the main thread is shown, labelled with
# its thread, and the answer goes to the sub-agent.
test_agents_subagent_approval_shows_its_thread() {
	ws
	local MAIN='"match_headers":{"x-openai-subagent":null}'
	local SUB='"match_headers":{"x-openai-subagent":"collab_spawn"}'
	local subst='"output_subst":{"@ID@":["c1","agent_id"]}'
	mock "[{\"sse\":[{\"created\":\"r\"},{\"function_call\":{\"call_id\":\"c1\",\"name\":\"spawn_agent\",\"arguments\":{\"message\":\"make the file\"}}},{\"completed\":\"r\"}],$MAIN},
{\"sse\":[{\"created\":\"r\"},{\"function_call\":{\"call_id\":\"c2\",\"name\":\"wait_agent\",\"arguments\":\"{\\\"targets\\\":[\\\"@ID@\\\"],\\\"timeout_ms\\\":600000}\"}},{\"completed\":\"r\"}],$MAIN,$subst},
{\"sse\":[{\"created\":\"r\"},{\"function_call\":{\"call_id\":\"s1\",\"name\":\"exec_command\",\"arguments\":{\"cmd\":\"touch sub-made.txt\"}}},{\"completed\":\"r\"}],$SUB},
{\"sse\":[{\"created\":\"r\"},{\"message\":\"SUB-OK\"},{\"completed\":\"r\"}],$SUB},
{\"sse\":[{\"created\":\"r\"},{\"message\":\"MAIN-DONE\"},{\"completed\":\"r\"}],$MAIN}]"
	tui_start -a untrusted -s danger-full-access "delegate"
	wait_for "Would you like to run the following command?"
	snap agents_approval
	expect_contains "$(screen)" "Thread: Euclid"
	expect_contains "$(screen)" "Press enter to confirm or esc to cancel or o to open thread"
	# o: the sub-agent's thread is shown (its task), the question stays, unlabelled now
	keys o
	wait_for "› make the file"
	wait_gone "Thread: Euclid"
	expect_contains "$(screen)" "Would you like to run the following command?"
	keys y
	wait_for "SUB-OK"
	keys M-Left
	wait_for "MAIN-DONE"
	[ -f "$T/ws/sub-made.txt" ] || fail "the sub-agent's approved command did not run"
	expect_contains "$(screen)" "Euclid: Completed - SUB-OK"
	quit_and_check_terminal
}

test_exec_approval_accepted() {
	ws
	mock "[$(fc c1 exec_command '{"cmd":"touch made.txt; seq 1 30"}'),$answer]"
	tui_start -a untrusted -s danger-full-access "run it"
	wait_for "Would you like to run the following command?"
	snap exec-approval
	expect_contains "$(screen)" '$ touch made.txt; seq 1 30'
	expect_contains "$(screen)" "1. Yes, proceed (y)"
	expect_contains "$(screen)" "No, and tell Codex what to do differently (esc)"
	[ ! -e "$T/ws/made.txt" ] || fail "ran before it was approved"
	keys y
	wait_for "All done."
	[ -e "$T/ws/made.txt" ] || fail "the approved command did not run"
	s=$(screen)
	expect_contains "$s" "You approved codex to run touch made.txt; seq 1 30 this time"
	expect_contains "$s" "• Ran touch made.txt; seq 1 30"
	expect_contains "$s" "… +20 lines"
	# the command bash-highlighted (catppuccin-mocha, 256 colours): the command word
	# blue, the numbers peach
	raw=$(tm capture-pane -p -e -t main)
	expect_contains "$(grep -a 'Ran ' <<< "$raw")" $'\e[38;5;111m'
	expect_contains "$raw" $'\e[38;5;216m1 30'
	quit_and_check_terminal
}

test_exec_approval_denied() {
	ws
	mock "[$(fc c1 exec_command '{"cmd":"touch made.txt"}'),$answer]"
	tui_start -a untrusted -s danger-full-access "run it"
	wait_for "Would you like to run the following command?"
	keys d
	wait_for "All done."
	[ ! -e "$T/ws/made.txt" ] || fail "a denied command ran"
	expect_contains "$(screen)" "You did not approve codex to run touch made.txt"
	expect_eq "$(mock_count)" 2 "requests (the turn went on)"
	quit_and_check_terminal
}

test_exec_approval_esc_aborts_the_turn() {
	ws
	mock "[$(fc c1 exec_command '{"cmd":"touch made.txt"}'),$answer]"
	tui_start -a untrusted -s danger-full-access "run it"
	wait_for "Would you like to run the following command?"
	keys Escape
	wait_for "Conversation interrupted"
	[ ! -e "$T/ws/made.txt" ] || fail "an aborted command ran"
	expect_contains "$(screen)" "You canceled the request to run touch made.txt"
	expect_eq "$(mock_count)" 1 "requests"
	quit_and_check_terminal
}

# js_repl in the TUI: a cell shows as upstream's command cell ("js_repl" with what it
# logged); Esc while a cell runs interrupts the turn and ends the kernel (its Node is
# gone), and the model then reads "aborted" for the call. Needs Node 22
# (tests/install-node22.sh, skipped when npm cannot get it).
test_js_repl_cell_and_interrupt() {
	local node
	node=$("$CODEX_TOP/tests/install-node22.sh" 2> "$T/node.err") ||
		{ echo "# skip: no Node 22: $(cat "$T/node.err")"; return 0; }
	ws
	cell1=$(python3 -c 'import json; print(json.dumps({"sse":[{"created":"r"},{"custom_tool_call":{"call_id":"j1","name":"js_repl","input":"const who = \"kernel\"; console.log(`hello from the ${who}`)"}},{"completed":"r"}]}))')
	cell2=$(python3 -c 'import json; print(json.dumps({"sse":[{"created":"r"},{"custom_tool_call":{"call_id":"j2","name":"js_repl","input":"console.log(process.pid); await new Promise(() => {})"}},{"completed":"r"}]}))')
	mock "[$cell1,$answer,$cell2,$answer]"
	tui_start -a never -s workspace-write -c features.js_repl=true -c "js_repl_node_path=\"$node\""
	wait_idle
	keys "log something" Enter
	wait_for "All done."
	wait_idle
	s=$(screen)
	expect_contains "$s" "• Ran js_repl"
	expect_contains "$s" "└ hello from the kernel"
	expect_not_contains "$s" "exit 1"
	snap js_repl
	keys "wait forever" Enter
	for i in $(seq 1 $((WAIT * 10))); do pgrep -f "$node -e" > /dev/null && break; sleep 0.1; done
	pgrep -f "$node -e" > /dev/null || fail "no kernel runs"
	wait_for "Running"
	keys Escape
	wait_for "Conversation interrupted"
	for i in $(seq 1 $((WAIT * 10))); do pgrep -f "$node -e" > /dev/null || break; sleep 0.1; done
	pgrep -f "$node -e" > /dev/null && fail "the kernel outlived the interrupt"
	keys "go on" Enter
	# "All done." of the first turn is still on screen: wait for the request itself
	mock_wait_count 4
	wait_for "All done."
	expect_eq "$(mock_call_output j2)" aborted "the interrupted cell's output"
	quit_and_check_terminal
}

# Turning the JavaScript REPL on in /experimental holds for the next chat: after /new the
# model is offered js_repl (the running chat keeps its tools, as upstream's).
test_experimental_js_repl_applies_to_a_new_chat() {
	local node
	node=$("$CODEX_TOP/tests/install-node22.sh" 2> "$T/node.err") ||
		{ echo "# skip: no Node 22: $(cat "$T/node.err")"; return 0; }
	ws
	mock "[$answer,$answer]"
	tui_start -c "js_repl_node_path=\"$node\""
	wait_idle
	keys "/experimental" Enter
	wait_for "[ ] JavaScript REPL"
	keys Space
	wait_for "[x] JavaScript REPL"
	keys Enter
	wait_gone "Experimental features"
	expect_contains "$(cat "$T/home/config.toml")" $'[features]\njs_repl = true'
	keys "hi" Enter
	wait_for "All done."
	wait_idle
	keys "/new" Enter
	wait_for "/model to change"
	keys "again" Enter
	wait_for "› again"
	wait_idle
	tools() { mock_get "$1" body.tools | python3 -c 'import json,sys; print(" ".join(t.get("name", t["type"]) for t in json.load(sys.stdin)))'; }
	expect_not_contains "$(tools 0)" "js_repl" "tools of the first chat"
	expect_contains "$(tools 1)" "js_repl js_repl_reset" "tools of the new chat"
	quit_and_check_terminal
}

# net_ns: a network + mount namespace for the network approval tests, held by a shell
# (its pid in TM_NS, so that tmux and codex start in it): loopback with 127.0.0.1 (the
# model mock, MOCK_PORT/MOCK_LOG) and 11.0.0.1, an address the proxy counts as public,
# where the origin listens on port 8080 (its log: $T/origin.log); /etc/hosts there maps
# blocked.test to it. No packet leaves the namespace. Returns 1 (the test skips) where
# namespaces or the sandbox are not available.
net_ns() {
	local i
	if ! unshare --mount --net --propagation private true 2> /dev/null; then
		echo "SKIP: cannot create network and mount namespaces here"
		return 1
	fi
	if ! "$CODEX" sandbox linux --full-auto -- /bin/true 2> /dev/null; then
		echo "SKIP: the sandbox cannot run here (user namespaces or Landlock missing)"
		return 1
	fi
	mkdir -p "$T/ns"
	printf '127.0.0.1 localhost\n11.0.0.1 blocked.test allowed.test\n' > "$T/ns/hosts"
	printf 'nameserver 11.0.0.1\noptions timeout:1 attempts:1\n' > "$T/ns/resolv.conf"
	MOCK_LOG=$T/mock.log
	{
		echo "set -e"
		echo ". '$CODEX_TOP/tests/integration/lib.sh' > /dev/null"
		echo "ip link set lo up"
		echo "ip addr add 11.0.0.1/32 dev lo"
		echo "private_etc '$T/ns'"
		echo "pids="
		echo "trap 'kill \$pids 2> /dev/null' EXIT"
		echo "python3 '$CODEX_TOP/tests/servers/mock_responses.py' --script '$T/script.json' --log '$MOCK_LOG' --port-file '$T/ns/mock.port' > /dev/null & pids=\"\$pids \$!\""
		echo "SERVER_HOST=11.0.0.1 SERVER_PORT=8080 python3 '$CODEX_TOP/tests/integration/proxy/servers.py' http '$T/ns/origin.port' '$T/origin.log' & pids=\"\$pids \$!\""
		echo "touch '$T/ns/ready'"
		echo "wait"
	} > "$T/ns/hold.sh"
	start_bg unshare --mount --net --propagation private bash "$T/ns/hold.sh"
	TM_NS=${bg_pids[${#bg_pids[@]}-1]}
	for i in $(seq 1 $((WAIT * 20))); do
		[ -s "$T/ns/mock.port" ] && [ -s "$T/ns/origin.port" ] && break
		kill -0 "$TM_NS" 2> /dev/null || fail "the namespace's set-up failed"
		sleep 0.05
	done
	[ -s "$T/ns/mock.port" ] && [ -s "$T/ns/origin.port" ] || fail "the namespace's servers did not start"
	MOCK_PORT=$(cat "$T/ns/mock.port")
	touch "$T/origin.log"
}

# net_approval KEY: the model runs curl against blocked.test (not on the allowlist) in
# the workspace-write sandbox with the network proxy on; its blocked request becomes
# the network approval modal, answered with KEY.
net_approval() {
	ws
	printf '%s\n' "[$(fc c1 exec_command '{"cmd":"curl -sS http://blocked.test:8080/hello-tui"}'),${NET_MORE:-}$answer]" > "$T/script.json"
	net_ns || return 1
	tui_start -a on-request -s workspace-write -c network.enabled=true \
		-c 'network.allowed_domains=["allowed.test"]' "fetch it"
	wait_for 'Do you want to approve network access to "blocked.test"?'
	snap network-approval
	s=$(screen)
	expect_contains "$s" "Reason: blocked.test is not in the allowed_domains"
	expect_contains "$s" "1. Yes, just this once (y)"
	expect_contains "$s" "2. Yes, and allow this host for this conversation (a)"
	expect_contains "$s" "3. Yes, and allow this host in the future (p)"
	expect_contains "$s" "4. No, and block this host in the future (d)"
	expect_contains "$s" "5. No, and tell Codex what to do differently (esc)"
	expect_eq "$(grep -c hello-tui "$T/origin.log")" 0 "requests at the origin before the answer"
	keys "$1"
	wait_for "All done."
}

# net_rule KEY: p or d on the network approval writes the host into config.toml's
# [network] lists (the rest of the file byte for byte as it was); a second session (a
# new codex) then gets the same request through (p) or refused (d) without asking: a
# modal would stop its turn before "All done.".
net_rule() {
	local cfg
	ws
	cfg="# my settings
model_reasoning_summary = \"auto\"   # keep this comment

[network]
enabled = true # on
allowed_domains = [\"allowed.test\"]
mode = \"full\"

[projects.\"$T/ws\"]
trust_level = \"trusted\"

[notice.model_migrations]
\"gpt-5.3-codex\" = \"gpt-5.4\"
"
	printf '%s' "$cfg" > "$T/home/config.toml"
	printf '%s\n' "[$(fc c1 exec_command '{"cmd":"curl -sS http://blocked.test:8080/hello-tui"}'),$answer,$(fc c2 exec_command '{"cmd":"curl -sS http://blocked.test:8080/hello-later"}'),$answer]" > "$T/script.json"
	net_ns || return 1
	tui_start -a on-request -s workspace-write "fetch it"
	wait_for 'Do you want to approve network access to "blocked.test"?'
	keys "$1"
	wait_for "All done."
	quit_and_check_terminal
	if [ "$1" = p ]; then
		expect_eq "$(cat "$T/home/config.toml")" "${cfg/'["allowed.test"]'/'["allowed.test", "blocked.test"]'}" "config.toml"
	else
		expect_eq "$(cat "$T/home/config.toml")" "${cfg/'mode = "full"'/'mode = "full"
denied_domains = ["blocked.test"]'}" "config.toml"
	fi
	tm kill-server
	rm -f "$T/rc"
	tui_start -a on-request -s workspace-write "fetch it later"
	wait_for "All done."
	expect_not_contains "$(screen)" "Do you want to approve"
}

test_network_approval_allow_in_the_future() {
	net_rule p || return 0
	expect_eq "$(grep -c 'GET /hello-tui' "$T/origin.log")" 1 "the first request at the origin"
	expect_eq "$(grep -c 'GET /hello-later' "$T/origin.log")" 1 "the next session's, unasked"
	expect_contains "$(mock_call_output c2)" "hello from upstream"
	quit_and_check_terminal
}

test_network_approval_block_in_the_future() {
	net_rule d || return 0
	expect_eq "$(grep -c hello- "$T/origin.log")" 0 "requests at the origin"
	expect_not_contains "$(mock_call_output c2)" "hello from upstream"
	quit_and_check_terminal
}

test_network_approval_once_lets_the_request_through() {
	net_approval y || return 0
	expect_contains "$(screen)" "You approved network access to blocked.test this time"
	expect_eq "$(grep -c 'GET /hello-tui' "$T/origin.log")" 1 "requests at the origin"
	expect_contains "$(mock_call_output c1)" "hello from upstream"
	quit_and_check_terminal
}

test_network_approval_denied_blocks_the_request() {
	net_approval n || return 0
	expect_contains "$(screen)" "You did not approve network access to blocked.test"
	expect_eq "$(grep -c hello-tui "$T/origin.log")" 0 "requests at the origin"
	out=$(mock_call_output c1)
	expect_contains "$out" 'Network access to "blocked.test" was blocked: domain is not on the allowlist for the current sandbox mode.'
	expect_contains "$out" "Codex blocked this request"
	expect_eq "$(mock_count)" 2 "model requests (the turn went on)"
	quit_and_check_terminal
}

# "For this conversation": the next command's request to the same host, protocol and
# port goes through without a modal (a second modal would stop the turn before "All
# done.", which net_approval waits for).
test_network_approval_for_the_conversation() {
	NET_MORE="$(fc c2 exec_command '{"cmd":"curl -sS http://blocked.test:8080/hello-again"}'),"
	net_approval a || return 0
	expect_contains "$(screen)" "You approved network access to blocked.test for this conversation"
	expect_eq "$(grep -c 'GET /hello-tui' "$T/origin.log")" 1 "the first request at the origin"
	expect_eq "$(grep -c 'GET /hello-again' "$T/origin.log")" 1 "the second, unasked"
	expect_contains "$(mock_call_output c2)" "hello from upstream"
	quit_and_check_terminal
}

# An MCP tool without annotations asks before it runs (reference codex-mcp.md §6): the
# form view with Allow / Allow for this session / Cancel; the answer reaches the server
# (or not) and the turn goes on.
mcp_approval() {
	ws
	printf '[mcp_servers.srv]\ncommand = "python3"\nargs = ["%s", "--log", "%s"]\n' \
		"$CODEX_TOP/tests/servers/mock_mcp.py" "$T/mcp.log" >> "$T/home/config.toml"
	mock "[$(fc c1 mcp__srv__danger '{}'),$answer]"
	tui_start -a on-request -s danger-full-access "use the tool"
	wait_for 'Allow the srv MCP server to run tool "danger"?'
	s=$(screen)
	expect_contains "$s" "1. Allow                   Run the tool and continue."
	expect_contains "$s" "2. Allow for this session  Run the tool and remember this choice for this session."
	expect_contains "$s" "3. Always allow            Run the tool and remember this choice for future tool calls."
	expect_contains "$s" "4. Cancel                  Cancel this tool call"
	expect_contains "$s" "enter to submit | esc to cancel"
	expect_not_contains "$(cat "$T/mcp.log")" '"tools/call"'
}

# "Always allow": the call runs, config.toml gets [mcp_servers.srv.tools.danger]
# approval_mode = "approve" (the bytes before it unchanged), and a new session calls the
# tool without asking (a form would stop its turn before "All done.").
# MCP start-up as upstream's TUI shows it (codex-tui.md §3, §7.5): a server that cannot
# start gets its warning at once; while another never answers `initialize`, the status
# indicator names it; Ctrl+C then cancels it (codex stays), the round ends with the
# cancelled and failed servers, and the next turn goes on without them.
test_mcp_startup_warns_names_the_starting_server_and_ctrl_c_cancels() {
	ws
	printf '[mcp_servers.bad]\ncommand = "%s"\n\n[mcp_servers.slow]\ncommand = "python3"\nargs = ["%s", "--mode", "no-initialize"]\nstartup_timeout_sec = 600\n' \
		"$T/no-such-server" "$CODEX_TOP/tests/servers/mock_mcp.py" >> "$T/home/config.toml"
	mock "[$answer]"
	tui_start
	wait_for "Starting MCP servers (1/2): slow ("
	expect_contains "$(screen)" "s • esc to interrupt)"
	# under the session card, though the servers start before it is drawn
	case "$(screen)" in *">_ OpenAI Codex"*"⚠ MCP client for \`bad\` failed to start: "*) ;;
	*) fail "no warning under the card: [$(screen)]" ;; esac
	snap mcp_startup
	keys C-c
	wait_for "⚠ MCP startup interrupted. The following servers were not initialized: slow"
	wait_for "⚠ MCP startup incomplete (failed: bad)"
	wait_gone "Starting MCP servers"
	[ ! -f "$T/rc" ] || fail "Ctrl+C during the start-up quit codex"
	keys "hi" Enter
	wait_for "All done."
	expect_not_contains "$(mock_get 0 body.tools)" "mcp__slow__"
	quit_and_check_terminal
}

# One server starting: "Booting MCP server: <name>", also over a turn waiting for it. Esc
# then interrupts the turn, not the start-up; a second Esc, with no turn, cancels it.
test_mcp_startup_booting_header_and_esc() {
	ws
	printf '[mcp_servers.slow]\ncommand = "python3"\nargs = ["%s", "--mode", "no-initialize"]\nstartup_timeout_sec = 600\n' \
		"$CODEX_TOP/tests/servers/mock_mcp.py" >> "$T/home/config.toml"
	mock "[$answer]"
	tui_start
	wait_for "Booting MCP server: slow ("
	expect_contains "$(screen)" "s • esc to interrupt)"
	keys "first" Enter
	wait_for "› first"
	expect_contains "$(screen)" "Booting MCP server: slow"
	keys Escape
	wait_for "Conversation interrupted"
	expect_contains "$(screen)" "Booting MCP server: slow"
	expect_eq "$(mock_count)" 0 "requests while the server starts"
	keys Escape
	wait_for "⚠ MCP startup interrupted. The following servers were not initialized: slow"
	wait_gone "Booting MCP server"
	expect_not_contains "$(screen)" "MCP startup incomplete"
	keys "second" Enter
	wait_for "All done."
	expect_eq "$(mock_count)" 1 "requests"
	quit_and_check_terminal
}

test_mcp_tool_approval_always_allow() {
	local before
	ws
	printf '# servers\n[mcp_servers.srv]\ncommand = "python3"  # the mock\nargs = ["%s", "--log", "%s"]\n' \
		"$CODEX_TOP/tests/servers/mock_mcp.py" "$T/mcp.log" >> "$T/home/config.toml"
	before=$(cat "$T/home/config.toml")
	mock "[$(fc c1 mcp__srv__danger '{}'),$answer,$(fc c2 mcp__srv__danger '{}'),$answer]"
	tui_start -a on-request -s danger-full-access "use the tool"
	wait_for "3. Always allow"
	keys 3
	wait_for "All done."
	expect_contains "$(screen)" "You allowed the MCP server srv to run this tool from now on"
	expect_contains "$(mock_call_output c1)" "ran"
	quit_and_check_terminal
	expect_eq "$(cat "$T/home/config.toml")" "$before

[mcp_servers.srv.tools.danger]
approval_mode = \"approve\"" "config.toml"
	tm kill-server
	rm -f "$T/rc"
	tui_start -a on-request -s danger-full-access "again"
	wait_for "All done."
	expect_not_contains "$(screen)" "Allow the srv MCP server"
	expect_eq "$(grep -c '"tools/call"' "$T/mcp.log")" 2 "tool calls"
	expect_contains "$(mock_call_output c2)" "ran"
	quit_and_check_terminal
}

# approval_mode = "prompt" asks every time: no "for this session", no "always".
test_mcp_tool_approval_prompt_mode_offers_allow_and_cancel() {
	ws
	printf '[mcp_servers.srv]\ncommand = "python3"\nargs = ["%s", "--log", "%s"]\n[mcp_servers.srv.tools.danger]\napproval_mode = "prompt"\n' \
		"$CODEX_TOP/tests/servers/mock_mcp.py" "$T/mcp.log" >> "$T/home/config.toml"
	mock "[$(fc c1 mcp__srv__danger '{}'),$answer]"
	tui_start -a on-request -s danger-full-access "use the tool"
	wait_for 'Allow the srv MCP server to run tool "danger"?'
	wait_for "2. Cancel"
	expect_not_contains "$(screen)" "Always allow"
	expect_not_contains "$(screen)" "Allow for this session"
	keys 1
	wait_for "All done."
	expect_contains "$(mock_call_output c1)" "ran"
	quit_and_check_terminal
}

test_mcp_tool_approval_allowed() {
	mcp_approval
	keys y
	wait_for "All done."
	expect_contains "$(screen)" "You allowed the MCP server srv to run this tool this time"
	expect_contains "$(cat "$T/mcp.log")" '"tools/call"'
	expect_contains "$(mock_call_output c1)" "ran"
	quit_and_check_terminal
}

# Esc cancels the call and, as Esc on every approval, interrupts the turn.
test_mcp_tool_approval_cancelled() {
	mcp_approval
	keys Escape
	wait_for "Conversation interrupted"
	expect_contains "$(screen)" "You canceled the tool call of the MCP server srv"
	expect_not_contains "$(cat "$T/mcp.log")" '"tools/call"'
	expect_eq "$(mock_count)" 1 "requests"
	quit_and_check_terminal
}

test_patch_approval_shows_the_diff() {
	ws
	printf 'one\ntwo\n' > "$T/ws/f.txt"
	patch='*** Begin Patch\n*** Update File: f.txt\n@@\n one\n-two\n+deux\n*** End Patch\n'
	mock "[{\"sse\":[{\"created\":\"r\"},{\"custom_tool_call\":{\"call_id\":\"p1\",\"name\":\"apply_patch\",\"input\":\"$patch\"}},{\"completed\":\"r\"}]},$answer]"
	tui_start -a untrusted -s danger-full-access "edit"
	wait_for "Would you like to make the following edits?"
	snap patch-approval
	s=$(screen)
	expect_contains "$s" "f.txt (+1 -1)"
	expect_contains "$s" "-two"
	expect_contains "$s" "+deux"
	# the diff in colour: the removed line red, the added one green
	expect_contains "$(tm capture-pane -p -e -t main)" $'\e[31m'
	expect_eq "$(cat "$T/ws/f.txt")" "$(printf 'one\ntwo')" "f.txt before approval"
	keys y
	wait_for "All done."
	expect_eq "$(cat "$T/ws/f.txt")" "$(printf 'one\ndeux')" "f.txt after approval"
	expect_contains "$(screen)" "• Edited f.txt (+1 -1)"
	quit_and_check_terminal
}

test_plan_update_cell() {
	ws
	mock "[$(fc u1 update_plan '{"explanation":"Two steps","plan":[{"step":"read the code","status":"completed"},{"step":"fix the bug","status":"in_progress"},{"step":"test it","status":"pending"}]}'),$answer]"
	tui_start "plan it"
	wait_for "All done."
	s=$(screen)
	expect_contains "$s" "• Updated Plan"
	expect_contains "$s" "└ Two steps"
	expect_contains "$s" "✔ read the code"
	expect_contains "$s" "□ fix the bug"
	expect_contains "$s" "□ test it"
	quit_and_check_terminal
}

test_esc_interrupts_a_running_command() {
	ws
	mock "[$(fc c1 exec_command '{"cmd":"sleep 60","yield_time_ms":60000}'),$answer]"
	tui_start -a never -s danger-full-access "wait"
	wait_for "Running sleep 60"
	wait_for "esc to interrupt"
	keys Escape
	wait_for "Conversation interrupted"
	wait_gone "esc to interrupt"
	wait_gone "Running sleep 60"
	quit_and_check_terminal
	# resumed, the interrupted turn says so again after its prompt
	tm kill-server
	rm -f "$T/rc"
	tui_start -r --last
	wait_for "Conversation interrupted"
	case "$(screen)" in *"› wait"*"Conversation interrupted"*) ;;
	*) fail "the interruption is not after the prompt: [$(screen)]" ;; esac
	quit_and_check_terminal
}

test_ctrl_c_interrupts_a_turn_then_quits_idle() {
	ws
	mock "[$(fc c1 exec_command '{"cmd":"sleep 60","yield_time_ms":60000}'),$answer]"
	tui_start -a never -s danger-full-access "wait"
	wait_for "Running sleep 60"
	keys C-c
	wait_for "Conversation interrupted"
	wait_gone "esc to interrupt"
	[ ! -f "$T/rc" ] || fail "Ctrl+C during a turn quit"
	# a draft: the first Ctrl+C clears it, the next one quits
	keys "draft text"
	wait_for "draft text"
	keys C-c
	wait_for "ctrl + c again to quit"
	wait_gone "draft text"
	[ ! -f "$T/rc" ] || fail "Ctrl+C with a draft quit"
	keys C-c
	wait_exit
	expect_eq "$RC" 0 "exit status"
	expect_eq "$(cat "$T/stty.after")" "$(cat "$T/stty.before")" "stty -a before and after"
}

test_sigterm_restores_the_terminal() {
	ws
	mock "[$answer]"
	tui_start
	wait_idle
	pkill -TERM -f "^$CODEX -c model_provider=mock" -P "$(tm display -p -t main '#{pane_pid}')" ||
		kill -TERM "$(pgrep -P "$(tm display -p -t main '#{pane_pid}')" -f codex)"
	wait_exit
	expect_eq "$RC" 143 "exit status"
	expect_eq "$(cat "$T/stty.after")" "$(cat "$T/stty.before")" "stty -a before and after"
}

# Ctrl+Z stops codex as a shell job (the test's shell has job control on); `fg` brings
# it back, raw mode and all.
test_ctrl_z_suspends_and_continues() {
	ws
	mock "[$answer]"
	mkfifo "$T/resume"
	tui_start -j
	wait_idle
	keys C-z
	for i in $(seq 1 $((WAIT * 10))); do [ -e "$T/stopped" ] && break; sleep 0.1; done
	[ -e "$T/stopped" ] || fail "codex did not stop on Ctrl+Z"
	wait_gone "% left"
	[ ! -f "$T/rc" ] || fail "Ctrl+Z ended codex"
	echo go > "$T/resume"
	wait_for "% left"
	keys "back again"
	wait_for "back again"
	keys C-u
	wait_gone "back again"
	quit_and_check_terminal
}

# Ctrl+G: the draft goes to $VISUAL (given with an argument of its own, as editors
# often are), which gets the terminal in cooked mode: the editor here reads a line typed
# into the pane. What it leaves in the file becomes the draft, and is what is sent.
test_ctrl_g_edits_the_draft_in_the_editor() {
	ws
	mock "[$answer]"
	{
		echo '#!/bin/bash'
		echo '[ "$1" = --wait ] || exit 3'
		echo "cp \"\$2\" '$T/ed.orig'"
		echo "[ -t 0 ] && echo yes > '$T/ed.tty'"
		echo 'read -r line'
		echo 'printf "%s\n" "$line" > "$2"'
	} > "$T/ed.sh"
	chmod +x "$T/ed.sh"
	tui_start -e "VISUAL=$T/ed.sh --wait" -e EDITOR=false
	wait_idle
	keys "the first draft"
	wait_for "› the first draft"
	keys C-g
	wait_for "Save and close external editor to continue."
	keys "typed in the editor" Enter
	wait_for "› typed in the editor"
	expect_eq "$(cat "$T/ed.orig")" "the first draft" "what the editor was given"
	expect_eq "$(cat "$T/ed.tty" 2>/dev/null)" yes "the editor's stdin is the terminal"
	case "$(screen)" in *"› the first draft"*) fail "the old draft is still there" ;; esac
	keys Enter
	wait_for "All done."
	expect_eq "$(mock_get 0 body.input.2.content.0.text)" "typed in the editor" "prompt sent"
	quit_and_check_terminal
}

# Without $VISUAL and $EDITOR, upstream's error; an editor that fails leaves the draft.
test_ctrl_g_without_an_editor_or_with_a_failing_one() {
	ws
	mock "[$answer]"
	tui_start
	wait_idle
	keys "keep me"
	wait_for "› keep me"
	keys C-g
	wait_for 'Cannot open external editor: set $VISUAL or $EDITOR before starting Codex.'
	expect_contains "$(screen)" "› keep me"
	quit_and_check_terminal_after_clear
	tm kill-server
	rm -f "$T/rc"
	tui_start -e EDITOR=false
	wait_idle
	keys "keep me too"
	wait_for "› keep me too"
	keys C-g
	wait_for "Failed to open editor: false exited with status 1"
	expect_contains "$(screen)" "› keep me too"
	quit_and_check_terminal_after_clear
}

# A crash (here SIGSEGV and SIGABRT from outside) still gives the terminal back: the
# handler restores it, then the signal kills the process as it would have.
crash_restores_the_terminal() {
	ws
	mock "[$answer]"
	tui_start
	wait_idle
	pid=$(pgrep -f "127.0.0.1:$MOCK_PORT/v1" | head -1)
	[ -n "$pid" ] || fail "no codex process"
	kill -"$1" "$pid"
	wait_exit
	expect_eq "$RC" "$2" "exit status"
	expect_eq "$(cat "$T/stty.after")" "$(cat "$T/stty.before")" "stty -a before and after"
}
test_segv_restores_the_terminal() { crash_restores_the_terminal SEGV 139; }
test_abort_restores_the_terminal() { crash_restores_the_terminal ABRT 134; }

test_resize_mid_stream() {
	ws
	lines=$(python3 -c 'import json; print(json.dumps(["line %d of the answer with some words in it\n" % i for i in range(200)] + ["THE END"]))')
	mock "[{\"sse\":[{\"created\":\"r\"},{\"message\":\"x\",\"deltas\":$lines},{\"completed\":\"r\"}],\"event_delay_ms\":25}]"
	tui_start -x 100 -y 30 "stream"
	wait_for "line 20 of the answer"
	tm resize-window -t main -x 50 -y 12
	[ ! -f "$T/rc" ] || fail "codex exited"
	tm resize-window -t main -x 120 -y 40
	wait_for "THE END"
	wait_idle
	s=$(screen)
	expect_contains "$s" "% left"
	tm resize-window -t main -x 30 -y 8
	keys "abc"
	wait_for "abc"
	keys C-u
	wait_gone "abc"
	tm resize-window -t main -x 100 -y 30
	quit_and_check_terminal
}

test_ten_thousand_line_paste_is_a_placeholder() {
	ws
	mock "[$answer]"
	tui_start
	wait_idle
	seq 1 10000 | sed 's/^/pasted line /' > "$T/paste.txt"
	chars=$(python3 -c 'import sys; print(len(open(sys.argv[1]).read()))' "$T/paste.txt")
	tm load-buffer "$T/paste.txt"
	tm paste-buffer -p -t main
	wait_for "[Pasted Content $chars chars]"
	keys Enter
	wait_for "All done."
	text=$(mock_get 0 body.input.2.content.0.text)
	expect_eq "$(printf '%s\n' "$text" | wc -l)" 10000 "lines the model got"
	expect_contains "$text" "pasted line 9999"
	quit_and_check_terminal
}

test_multiline_composer_and_history() {
	ws
	printf '{"session_id":"x","ts":1,"text":"an old prompt"}\n' > "$T/home/history.jsonl"
	mock "[$answer]"
	tui_start
	wait_idle
	keys Up
	wait_for "› an old prompt"
	keys C-u
	wait_gone "an old prompt"
	keys "first" C-j "second"
	wait_for "second"
	keys Enter
	wait_for "All done."
	expect_eq "$(mock_get 0 body.input.2.content.0.text)" "$(printf 'first\nsecond')" "prompt"
	quit_and_check_terminal
}

test_slash_new_model_status_approvals() {
	ws
	mock "[$answer,$answer]"
	tui_start -s read-only -a on-request
	wait_idle
	keys "/st"
	wait_for "show current session configuration"
	keys Enter
	wait_for "Session:"
	snap status
	s=$(screen)
	expect_contains "$s" "│  Permissions:          Custom (read-only, on-request)"
	expect_contains "$s" "│  Model:                gpt-5.3-codex (reasoning medium, summaries auto)"
	expect_contains "$s" "│  Token usage:          0 total  (0 input + 0 output)"
	expect_contains "$s" "╭───"
	keys "/model" Enter
	wait_for "Select Model and Effort"
	snap model-picker
	keys 2
	wait_for "Select Reasoning Level for gpt-5.4"
	keys Down Enter
	wait_for "Model changed to gpt-5.4 high"
	keys "/approvals" Enter
	wait_for "Update Model Permissions"
	# upstream's presets on Linux (Read Only is Windows-only), none current here, and
	# no Guardian Approvals while that feature is off
	s=$(screen)
	expect_contains "$s" "› 1. Default  Codex can read and edit files in the current workspace"
	expect_contains "$s" "  2. Full Access  Codex can edit files outside this workspace"
	expect_not_contains "$s" "Read Only"
	expect_not_contains "$s" "Guardian Approvals"
	keys Enter
	wait_for "Permissions updated to Default"
	expect_contains "$(cat "$T/home/config.toml")" 'approvals_reviewer = "user"'
	keys "/status" Enter
	wait_for "Permissions:          Default"
	keys "hello" Enter
	wait_for "All done."
	# request 0 asked for the catalog (404 here: the built-in list stood in)
	expect_eq "$(mock_get 0 path)" /v1/models "the catalog request"
	expect_eq "$(mock_get 1 body.model)" gpt-5.4 "model of the next turn"
	expect_eq "$(mock_get 1 body.reasoning.effort)" high "effort of the next turn"
	first=$(mock_get 1 headers.session_id)
	keys "/new" Enter
	wait_for "/model to change"
	keys "again" Enter
	wait_idle
	wait_for "› again"
	second=$(mock_get 2 headers.session_id)
	[ "$first" != "$second" ] || fail "/new kept the session ($first)"
	quit_and_check_terminal
}

# /model lists the provider's catalog (GET /models?client_version=..., with the
# session's key): listed models in priority order, hidden ones left out, the current one
# marked; the second step offers that model's efforts with its default marked; the
# choice shows in the footer and goes out with the next request.
test_model_picker_lists_the_served_catalog() {
	ws
	cat > "$T/models.json" <<'JSON'
{"models":[
 {"slug":"gpt-5.9-large","display_name":"gpt-5.9-large","description":"The large mock model.",
  "default_reasoning_level":"medium","visibility":"list","priority":2,
  "supported_reasoning_levels":[{"effort":"low","description":"Quick answers"},
   {"effort":"medium","description":"Balanced"},{"effort":"high","description":"Deep thought"}]},
 {"slug":"hidden-model","display_name":"hidden-model","visibility":"hide","priority":0,
  "supported_reasoning_levels":[{"effort":"low"}]},
 {"slug":"gpt-5.9-small","display_name":"gpt-5.9-small","description":"The small mock model.",
  "default_reasoning_level":"low","visibility":"list","priority":1,
  "supported_reasoning_levels":[{"effort":"minimal","description":"Fastest"},{"effort":"low","description":"Fast"}]}
]}
JSON
	printf '%s\n' "[$answer]" > "$T/script.json"
	start_mock "$T/script.json" --models "$T/models.json"
	tui_start -m gpt-5.9-small
	wait_idle
	keys "/model" Enter
	wait_for "Select Model and Effort"
	wait_for "2. gpt-5.9-large  The large mock model."
	expect_contains "$(screen)" "1. gpt-5.9-small (current)  The small mock model."
	expect_not_contains "$(screen)" "hidden-model"
	expect_not_contains "$(screen)" "gpt-5.4"
	keys 2
	wait_for "Select Reasoning Level for gpt-5.9-large"
	expect_contains "$(screen)" "1. Low  Quick answers"
	expect_contains "$(screen)" "2. Medium (default)  Balanced"
	keys 3
	wait_for "Model changed to gpt-5.9-large high"
	wait_for "gpt-5.9-large high · " # the footer
	keys "hello" Enter
	wait_for "All done."
	expect_eq "$(mock_get 0 method) $(mock_get 0 path)" "GET /v1/models" "the catalog request"
	expect_eq "$(mock_get 0 query.client_version)" "$("$CODEX" --version | sed 's/^codex-cli //')" \
		"client_version"
	expect_eq "$(mock_get 0 headers.authorization)" "Bearer sk-test" "the catalog request's key"
	expect_eq "$(mock_get 1 body.model)" gpt-5.9-large "model of the next turn"
	expect_eq "$(mock_get 1 body.reasoning.effort)" high "effort of the next turn"
	# a second /model uses the catalog already fetched
	keys "/model" Enter
	wait_for "2. gpt-5.9-large (current)"
	keys Escape
	wait_gone "Select Model and Effort"
	expect_eq "$(python3 "$CODEX_TOP/tests/servers/mock_script.py" count "$MOCK_LOG")" 2 \
		"requests (one catalog fetch)"
	quit_and_check_terminal
}

# models_cache.json, as upstream's: the served catalog is kept in CODEX_HOME (0600, with
# fetched_at, etag, client_version); the next session's /model lists it without a
# request; a response whose x-models-etag differs retires it, so the /model after that
# asks the server again.
test_model_catalog_cache_across_sessions() {
	local cache
	ws
	cache="$T/home/models_cache.json"
	printf '{"models":[{"slug":"gpt-5.9-cached","display_name":"gpt-5.9-cached","priority":1,"supported_reasoning_levels":[{"effort":"low"}]}]}\n' > "$T/models.json"
	printf '%s\n' "[{\"sse\":[{\"created\":\"r\"},{\"message\":\"All done.\"},{\"completed\":\"r\"}],\"headers\":{\"x-models-etag\":\"\\\"catalog-2\\\"\"}}]" > "$T/script.json"
	start_mock "$T/script.json" --models "$T/models.json"
	tui_start
	wait_idle
	keys "/model" Enter
	wait_for "1. gpt-5.9-cached"
	keys Escape
	wait_gone "Select Model and Effort"
	quit_and_check_terminal
	[ -f "$cache" ] || fail "no models_cache.json"
	expect_eq "$(stat -c %a "$cache")" 600 "the cache's mode"
	expect_contains "$(cat "$cache")" '"slug":	"gpt-5.9-cached"'
	expect_contains "$(cat "$cache")" '"etag":	"\"catalog-1\""'
	expect_contains "$(cat "$cache")" "\"client_version\":	\"$("$CODEX" --version | sed 's/^codex-cli //')\""
	tm kill-server
	rm -f "$T/rc"
	tui_start
	wait_idle
	keys "/model" Enter
	wait_for "1. gpt-5.9-cached"
	keys Escape
	wait_gone "Select Model and Effort"
	expect_eq "$(mock_count)" 1 "requests (the second session's /model asked nothing)"
	keys "hello" Enter
	wait_for "All done."
	[ -f "$cache" ] && fail "a new x-models-etag left the cache in place"
	keys "/model" Enter
	wait_for "1. gpt-5.9-cached"
	expect_eq "$(mock_count)" 3 "requests (the catalog asked again)"
	expect_eq "$(mock_get 2 path)" /v1/models "the third request"
	keys Escape
	wait_gone "Select Model and Effort"
	quit_and_check_terminal
}

test_slash_init_mention_mcp_and_disabled_while_busy() {
	ws
	echo "# rules" > "$T/ws/AGENTS.md"
	mock "[$(fc c1 exec_command '{"cmd":"sleep 60","yield_time_ms":60000}'),$answer]"
	tui_start -a never -s danger-full-access
	wait_idle
	keys "/init" Enter
	wait_for "AGENTS.md already exists here. Skipping /init to avoid overwriting it."
	keys "/mcp" Enter
	wait_for "No MCP servers configured."
	keys "/mention" Enter
	wait_for "› @"
	keys C-u
	keys "wait" Enter
	wait_for "Running sleep 60"
	keys "/new" Enter
	wait_for "'/new' is disabled while a task is in progress."
	keys Escape
	wait_for "Conversation interrupted"
	quit_and_check_terminal
}

# /compact: the core's compact op sends the history with a request for a summary (no
# tools), the summary replaces the history, and the next turn carries only the initial
# context, the user messages and that summary (not the old answers).
test_slash_compact_replaces_the_history() {
	ws
	summary='{"sse":[{"created":"r"},{"message":"SUMMARY-OF-IT: the user said hello twice."},{"completed":{"input_tokens":90,"output_tokens":9,"total_tokens":99}}]}'
	first='{"sse":[{"created":"r"},{"message":"FIRST-ANSWER"},{"completed":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}]}'
	mock "[$first,$summary,$answer]"
	tui_start "hello one"
	wait_for "FIRST-ANSWER"
	wait_idle
	keys "/compact" Enter
	wait_for "Context compacted"
	expect_contains "$(screen)" "Long threads and multiple compactions can cause the model to be less accurate"
	expect_not_contains "$(screen)" "SUMMARY-OF-IT"
	wait_idle
	# the compact request: the whole history, then our summarization request, no tools
	req=$(mock_get 1)
	expect_contains "$req" "FIRST-ANSWER"
	expect_contains "$req" "handoff summary"
	expect_eq "$(mock_get 1 body.tools)" "[]" "tools of the compact request"
	expect_eq "$(mock_get 1 headers.x-openai-subagent)" compact
	keys "hello two" Enter
	wait_for "All done."
	next=$(mock_get 2 body.input)
	expect_contains "$next" "SUMMARY-OF-IT: the user said hello twice."
	expect_contains "$next" "hello one"
	expect_contains "$next" "hello two"
	expect_not_contains "$next" "FIRST-ANSWER"
	expect_not_contains "$next" "handoff summary"
	# the rollout has the compacted line: a resume gets the same history
	expect_contains "$(cat "$T"/home/sessions/*/*/*/rollout-*.jsonl)" '"type":"compacted"'
	quit_and_check_terminal
	# resumed, the history shows the compaction where it happened
	tm kill-server
	rm -f "$T/rc"
	tui_start -r --last
	wait_for "hello two"
	s=$(screen)
	expect_contains "$s" "• Context compacted"
	case "$s" in *"hello one"*"Context compacted"*"hello two"*) ;;
	*) fail "the compaction is not between the two prompts: [$s]" ;; esac
	quit_and_check_terminal
}

# highlighted TEXT: the screen line holding TEXT is in reverse video (SGR 7).
highlighted() {
	tm capture-pane -p -e -t main | grep -F -- "$1" | grep -qE $'\e\\[([0-9;]*;)?7m'
}

# Esc Esc on an idle, empty composer: the hint, then the transcript with the latest user
# message highlighted; Esc goes to the earlier one, Enter forks there: the later turns
# leave the screen and the model's history, the composer holds the message to edit.
test_esc_esc_edits_a_previous_message() {
	ws
	a1='{"sse":[{"created":"r"},{"message":"ANSWER-ONE"},{"completed":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}]}'
	a2='{"sse":[{"created":"r"},{"message":"ANSWER-TWO"},{"completed":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}]}'
	mock "[$a1,$a2,$answer]"
	tui_start "first question"
	wait_for "ANSWER-ONE"
	wait_idle
	keys "second question" Enter
	wait_for "ANSWER-TWO"
	wait_idle
	keys Escape
	wait_for "esc again to edit previous message"
	keys Escape
	wait_for "enter to edit message"
	expect_contains "$(screen)" "T R A N S C R I P T"
	highlighted "› second question" || fail "the latest message is not highlighted"
	highlighted "› first question" && fail "an earlier message is highlighted"
	keys Escape
	for i in $(seq 1 $((WAIT * 10))); do
		highlighted "› first question" && break
		sleep 0.1
	done
	highlighted "› first question" || fail "Esc did not select the earlier message"
	highlighted "› second question" && fail "two messages highlighted"
	keys Enter
	wait_gone "enter to edit message"
	wait_for "› first question"
	s=$(screen)
	expect_not_contains "$s" "ANSWER-ONE"
	expect_not_contains "$s" "second question"
	expect_contains "$s" ">_ OpenAI Codex"
	# the composer holds the message: edit it and send
	keys " again" Enter
	wait_for "All done."
	expect_contains "$(screen)" "› first question again"
	input=$(mock_get 2 body.input)
	expect_contains "$input" "first question again"
	expect_not_contains "$input" "ANSWER-ONE"
	expect_not_contains "$input" "second question"
	expect_not_contains "$input" "ANSWER-TWO"
	expect_contains "$(cat "$T"/home/sessions/*/*/*/rollout-*.jsonl)" '"type":"thread_rolled_back","num_turns":2'
	quit_and_check_terminal
	# a resume shows the forked conversation, not what was dropped
	tm kill-server
	rm -f "$T/rc"
	tui_start -r --last
	wait_for "› first question again"
	s=$(screen)
	expect_not_contains "$s" "second question"
	expect_not_contains "$s" "ANSWER-ONE"
	quit_and_check_terminal
}

# Esc in the transcript (Ctrl+T) begins the backtrack preview there, as upstream's
# overlay does: the latest user message highlighted, Left goes back one, Enter rolls the
# thread back to it with its text in the composer.
test_ctrl_t_then_esc_backtracks() {
	ws
	a1='{"sse":[{"created":"r"},{"message":"ANSWER-ONE"},{"completed":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}]}'
	a2='{"sse":[{"created":"r"},{"message":"ANSWER-TWO"},{"completed":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}]}'
	mock "[$a1,$a2,$answer]"
	tui_start "first question"
	wait_for "ANSWER-ONE"
	wait_idle
	keys "second question" Enter
	wait_for "ANSWER-TWO"
	wait_idle
	keys C-t
	wait_for "T R A N S C R I P T"
	expect_not_contains "$(screen)" "enter to edit message"
	keys Escape
	wait_for "enter to edit message"
	highlighted "› second question" || fail "the latest message is not highlighted"
	keys Left
	for i in $(seq 1 $((WAIT * 10))); do
		highlighted "› first question" && break
		sleep 0.1
	done
	highlighted "› first question" || fail "Left did not select the earlier message"
	keys Enter
	wait_gone "T R A N S C R I P T"
	wait_for "› first question"
	expect_not_contains "$(screen)" "ANSWER-ONE"
	keys " again" Enter
	wait_for "All done."
	input=$(mock_get 2 body.input)
	expect_contains "$input" "first question again"
	expect_not_contains "$input" "ANSWER-ONE"
	expect_not_contains "$input" "second question"
	quit_and_check_terminal
}

# Images: -i attaches to the first prompt; a pasted path of an image file (quoted, as a
# terminal's drag and drop gives it) becomes an [Image #N] placeholder, and the turn
# carries the image as an input_image data: URL. A pasted path of a file that is not an
# image stays text.
test_images_from_flag_and_pasted_path() {
	ws
	python3 -c 'import base64,sys; open(sys.argv[1],"wb").write(base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="))' "$T/ws/dot one.png"
	cp "$T/ws/dot one.png" "$T/ws/flag.png"
	echo "not an image" > "$T/ws/notes.png"
	b64=$(base64 -w0 "$T/ws/flag.png")
	mock "[$answer,$answer]"
	tui_start -i "$T/ws/flag.png" "with the flag"
	wait_for "All done."
	wait_idle
	expect_contains "$(mock_get 0 body.input)" "\"image_url\":\"data:image/png;base64,$b64\""
	printf "'%s'" "$T/ws/dot one.png" > "$T/paste.txt"
	tm load-buffer "$T/paste.txt"
	tm paste-buffer -p -t main
	wait_for "› [Image #1]"
	printf '%s' "$T/ws/notes.png" > "$T/paste.txt"
	tm load-buffer "$T/paste.txt"
	tm paste-buffer -p -t main
	wait_for "notes.png"
	keys " what is it" Enter
	wait_for "› [Image #1] $T/ws/notes.png what is it"
	wait_idle
	last=$(mock_get 1 body.input)
	expect_contains "$last" "\"image_url\":\"data:image/png;base64,$b64\""
	expect_contains "$last" "[Image #1] $T/ws/notes.png what is it"
	expect_eq "$(printf '%s' "$last" | grep -o 'data:image/png' | wc -l)" 2 "images in the history (the -i one and the pasted one)"
	quit_and_check_terminal
}

# xserver: a private X display (Xvfb picks a free number; no TCP) for the clipboard
# tests; $XDISP. Returns 1 (the test skips) when Xvfb or xclip is missing.
xserver() {
	local i
	if ! command -v Xvfb > /dev/null || ! command -v xclip > /dev/null; then
		echo "SKIP: Xvfb or xclip is missing (tests/install-deps.sh installs them)"
		return 1
	fi
	start_bg sh -c 'exec Xvfb -displayfd 3 -nolisten tcp -screen 0 640x480x24 3> "$1" 2> /dev/null' xvfb "$T/xdisplay"
	for i in $(seq 1 $((WAIT * 20))); do
		[ -s "$T/xdisplay" ] && break
		sleep 0.05
	done
	[ -s "$T/xdisplay" ] || fail "Xvfb did not start"
	XDISP=:$(cat "$T/xdisplay")
}

# Ctrl+V and Alt+V paste the X11 clipboard's PNG (put there by a real xclip) as
# [Image #N]; the request carries it as an input_image data URL of the same bytes.
test_ctrl_v_pastes_a_clipboard_image() {
	local i b64 last
	ws
	xserver || return 0
	python3 -c 'import base64,sys; open(sys.argv[1],"wb").write(base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg=="))' "$T/clip.png"
	b64=$(base64 -w0 "$T/clip.png")
	# xclip in the foreground owns the clipboard until the test ends
	start_bg env DISPLAY="$XDISP" xclip -quiet -selection clipboard -t image/png -i "$T/clip.png" > /dev/null 2>&1
	for i in $(seq 1 $((WAIT * 20))); do
		DISPLAY=$XDISP xclip -selection clipboard -t TARGETS -o 2> /dev/null | grep -q image/png && break
		sleep 0.05
	done
	DISPLAY=$XDISP xclip -selection clipboard -t TARGETS -o | grep -q image/png ||
		fail "xclip did not take the clipboard"
	mock "[$answer]"
	tui_start -e DISPLAY="$XDISP" -e TMPDIR="$T"
	wait_idle
	keys C-v
	wait_for "› [Image #1]"
	keys M-v
	wait_for "› [Image #1] [Image #2]"
	keys "what is it" Enter
	wait_for "All done."
	last=$(mock_get 0 body.input)
	expect_eq "$(printf '%s' "$last" | grep -o "data:image/png;base64,$b64" | wc -l)" 2 \
		"the clipboard's image, twice"
	expect_contains "$last" "[Image #1] [Image #2] what is it"
	quit_and_check_terminal
}

# Without a clipboard tool's display, and with an empty clipboard, Ctrl+V says why.
test_ctrl_v_without_an_image_says_why() {
	ws
	mock "[]"
	tui_start
	wait_idle
	keys C-v
	wait_for "Failed to paste image: no clipboard here (neither WAYLAND_DISPLAY nor DISPLAY is set)"
	quit_and_check_terminal
	xserver || return 0
	tm kill-server
	rm -f "$T/rc"
	tui_start -e DISPLAY="$XDISP" -e TMPDIR="$T"
	wait_idle
	keys C-v
	wait_for "Failed to paste image: no image on the clipboard"
	expect_not_contains "$(screen)" "[Image #1]"
	quit_and_check_terminal
}

# /resume opens the resume picker over the chat: the chosen session replaces the
# current one (its history on screen and in the next request); Esc in the picker goes
# back to the session in use.
test_slash_resume_replaces_the_session() {
	ws
	mock '[{"sse":[{"created":"r"},{"message":"Picked answer."},{"completed":{"total_tokens":3}}]}'",$answer,$answer,$answer]"
	tui_start "a question to pick"
	wait_for "Picked answer."
	quit_and_check_terminal
	tm kill-server
	rm -f "$T/rc"
	tui_start
	wait_idle
	keys "a fresh question" Enter
	wait_for "All done."
	wait_idle
	keys "/res"
	wait_for "resume a saved chat"
	keys Enter
	wait_for "Resume a previous session"
	wait_for "a question to pick"
	keys "to pick"
	wait_for "Search: to pick"
	keys Enter
	wait_gone "Resume a previous session"
	wait_for "Picked answer."
	expect_contains "$(screen)" "› a question to pick"
	wait_idle
	keys "go on" Enter
	wait_idle
	wait_for "› go on"
	input=$(mock_get 2 body.input)
	expect_contains "$input" "a question to pick" "the resumed history goes out"
	expect_not_contains "$input" "a fresh question" "the replaced session's history"
	keys "/resume" Enter
	wait_for "Resume a previous session"
	keys Escape
	wait_gone "Resume a previous session"
	wait_idle
	keys "still here" Enter
	wait_idle
	wait_for "› still here"
	expect_contains "$(mock_get 3 body.input)" "go on" "Esc kept the session"
	quit_and_check_terminal
}

# /clear: the screen (and its scrollback) cleared, and a new chat with a new session.
test_slash_clear_starts_a_new_chat() {
	local first second
	ws
	mock "[$answer,$answer]"
	tui_start
	wait_idle
	keys "hello" Enter
	wait_for "All done."
	wait_idle
	first=$(mock_get 0 headers.session_id)
	keys "/clear" Enter
	wait_gone "› hello"
	wait_for "/model to change"
	expect_not_contains "$(tm capture-pane -p -S - -t main)" "All done." "the scrollback"
	keys "again" Enter
	wait_idle
	wait_for "› again"
	second=$(mock_get 1 headers.session_id)
	[ "$first" != "$second" ] || fail "/clear kept the session ($first)"
	expect_not_contains "$(mock_get 1 body.input)" "hello" "the old conversation"
	quit_and_check_terminal
}

# The commands upstream refuses during a task say so, and the turn goes on.
test_new_slash_commands_disabled_while_busy() {
	ws
	mock "[$(fc c1 exec_command '{"cmd":"sleep 60","yield_time_ms":60000}'),$answer]"
	tui_start -a never -s danger-full-access
	wait_idle
	keys "wait" Enter
	wait_for "Running sleep 60"
	keys "/resume" Enter
	wait_for "'/resume' is disabled while a task is in progress."
	keys "/clear" Enter
	wait_for "'/clear' is disabled while a task is in progress."
	keys "/theme" Enter
	wait_for "'/theme' is disabled while a task is in progress."
	expect_not_contains "$(screen)" "Select Syntax Theme"
	expect_not_contains "$(screen)" "Resume a previous session"
	keys Escape
	wait_for "Conversation interrupted"
	quit_and_check_terminal
}

copy_answer='{"sse":[{"created":"r"},{"message":"Copy **this** text.\n- and this line"},{"completed":{"total_tokens":3}}]}'

# /copy with an X11 clipboard (a private Xvfb): the latest answer, as the model wrote it,
# lands in the clipboard (read back with xclip); before any answer it says so.
test_slash_copy_to_the_x11_clipboard() {
	local i got
	ws
	xserver || return 0
	mock "[$copy_answer]"
	tui_start -e DISPLAY="$XDISP"
	wait_idle
	keys "/copy" Enter
	wait_for "No Codex output to copy yet."
	keys "say it" Enter
	wait_for "and this line"
	wait_idle
	keys "/cop"
	wait_for "copy the latest Codex output to your clipboard"
	keys Enter
	wait_for "Copied latest Codex output to clipboard."
	for i in $(seq 1 $((WAIT * 10))); do
		got=$(DISPLAY=$XDISP xclip -o -selection clipboard 2> /dev/null || true)
		[ "$got" = "$(printf 'Copy **this** text.\n- and this line')" ] && break
		sleep 0.1
	done
	expect_eq "$got" "$(printf 'Copy **this** text.\n- and this line')" "the clipboard"
	quit_and_check_terminal
}

# osc52_copy [-e VAR=VALUE]...: /copy of an answer carrying escapes of its own (an OSC 52
# and a BEL) must reach the terminal as one OSC 52 sequence with the text base64-encoded,
# the model's escapes staying data.
osc52_copy() {
	local i want raw text
	ws
	text=$(printf 'pwned\a\e]52;c;QUFBQQ==\a rest')
	mock '[{"sse":[{"created":"r"},{"message":"pwned\u0007\u001b]52;c;QUFBQQ==\u0007 rest"},{"completed":{"total_tokens":3}}]}]'
	tui_start "$@"
	wait_idle
	keys "say it" Enter
	wait_for "rest"
	wait_idle
	tm pipe-pane -t main "cat >> '$T/pane.raw'"
	keys "/copy" Enter
	wait_for "Copied latest Codex output to clipboard."
	want=$(printf '\e]52;c;%s\a' "$(printf '%s' "$text" | base64 -w0)")
	for i in $(seq 1 $((WAIT * 10))); do
		raw=$(cat "$T/pane.raw" 2> /dev/null || true)
		case "$raw" in *"$want"*) break ;; esac
		sleep 0.1
	done
	expect_contains "$raw" "$want" "the OSC 52 sequence"
	expect_eq "$(printf '%s' "$raw" | grep -o ']52;' | wc -l)" 1 "OSC 52 sequences written"
	quit_and_check_terminal
}

# Under SSH the clipboard is the one of the terminal the user sits at: OSC 52, even
# with a display at hand.
test_slash_copy_over_ssh_uses_osc52() {
	osc52_copy -e SSH_CONNECTION="10.0.0.1 50000 10.0.0.2 22" -e DISPLAY=:987
}

# Without a display (no clipboard tool can work) OSC 52 stands in.
test_slash_copy_without_a_display_uses_osc52() {
	osc52_copy
}

# A clipboard tool that fails is an error cell naming it (here xclip without its X
# server), not a false confirmation.
test_slash_copy_tool_failure_says_why() {
	command -v xclip > /dev/null || { echo "SKIP: xclip is missing"; return 0; }
	ws
	mock "[$answer]"
	tui_start -e DISPLAY=:987
	wait_idle
	keys "hi" Enter
	wait_for "All done."
	wait_idle
	keys "/copy" Enter
	wait_for "Failed to copy to clipboard: xclip failed"
	expect_not_contains "$(screen)" "Copied latest Codex output"
	quit_and_check_terminal
}

# Under WSL (here WSL_DISTRO_NAME, with no desktop) /copy hands the text to
# powershell.exe's stdin (a stand-in on PATH that keeps what it read), as upstream.
test_slash_copy_under_wsl_uses_powershell() {
	ws
	mkdir -p "$T/bin"
	printf '#!/bin/sh\necho "$*" > "%s/ps.args"\ncat > "%s/ps.in"\n' "$T" "$T" > "$T/bin/powershell.exe"
	chmod +x "$T/bin/powershell.exe"
	mock "[$answer]"
	tui_start -e "PATH=$T/bin:$PATH" -e WSL_DISTRO_NAME=Debian
	wait_idle
	keys "hi" Enter
	wait_for "All done."
	wait_idle
	keys "/copy" Enter
	wait_for "Copied latest Codex output to clipboard."
	expect_eq "$(cat "$T/ps.in")" "All done." "what powershell.exe read"
	expect_contains "$(cat "$T/ps.args")" "-NoProfile -Command"
	expect_contains "$(cat "$T/ps.args")" "Set-Clipboard -Value \$text"
	quit_and_check_terminal
}

# /status shows the account as upstream does; /apps needs a ChatGPT account (and says
# so in upstream's words otherwise); /debug-config lists the configuration's layers.
test_status_account_and_apps() {
	ws
	mock "[$answer]"
	tui_start -e OPENAI_API_KEY=sk-env
	wait_idle
	keys "/status" Enter
	wait_for "Account:              API key configured (run codex login to use ChatGPT)"
	snap status_card
	expect_contains "$(screen)" "Token usage:          0 total"
	expect_contains "$(screen)" "Visit https://chatgpt.com/codex/settings/usage for up-to-date"
	expect_contains "$(screen)" "Limits:               data not available yet"
	keys "/apps" Enter
	wait_for "Apps are disabled. Enable the apps feature to use \$ or /apps."
	# the hidden debugging commands, as upstream 0.118 answers them
	keys "/debug-config" Enter
	wait_for "2. session-flags (enabled)"
	s=$(screen)
	expect_contains "$s" "Config layer stack (lowest precedence first):"
	expect_contains "$s" "1. user ($T/home/config.toml) (enabled)"
	expect_contains "$s" "Requirements:"
	keys "/debug-m-drop" Enter
	wait_for "Memory maintenance: Not available in TUI yet."
	quit_and_check_terminal
}

# The usage limits of the response headers (x-codex-*): the warning once a window is
# 75 % used, the /status rows (bars of what is left, reset time, credits) and the
# status line's five-hour-limit, weekly-limit and fast-mode items.
test_rate_limits_in_status_and_footer() {
	local reset rl hhmm
	ws
	reset=$(( $(date +%s) + 600 ))
	hhmm=$(date -d "@$reset" +%H:%M)
	# a reset past midnight names its day, as upstream's card does
	[ "$(date -d "@$reset" +%F)" = "$(date +%F)" ] || hhmm="$hhmm on $(date -d "@$reset" '+%-d %b')"
	rl="\"headers\":{\"x-codex-primary-used-percent\":\"80\",\"x-codex-primary-window-minutes\":\"300\",\"x-codex-primary-reset-at\":\"$reset\",\"x-codex-secondary-used-percent\":\"20\",\"x-codex-secondary-window-minutes\":\"10080\",\"x-codex-credits-has-credits\":\"true\",\"x-codex-credits-unlimited\":\"false\",\"x-codex-credits-balance\":\"38.4\"}"
	mock "[{\"sse\":[{\"created\":\"r\"},{\"message\":\"All done.\"},{\"completed\":\"r\"}],$rl},{\"sse\":[{\"created\":\"r\"},{\"message\":\"Second.\"},{\"completed\":\"r\"}]}]"
	printf '\n[tui]\nstatus_line = ["five-hour-limit", "weekly-limit", "fast-mode"]\n' >> "$T/home/config.toml"
	tui_start
	wait_for "Fast off"
	expect_not_contains "$(screen)" "5h "
	keys "hi" Enter
	wait_for "All done."
	wait_for "Heads up, you have less than 25% of your 5h limit left. Run /status for a breakdown."
	wait_for "5h 20% · weekly 80% · Fast off"
	keys "/status" Enter
	wait_for "Credits:              38 credits"
	snap status_limits
	s=$(screen)
	expect_contains "$s" "5h limit:             [████░░░░░░░░░░░░░░░░] 20% left (resets $hhmm)"
	expect_contains "$s" "Weekly limit:         [████████████████░░░░] 80% left"
	expect_not_contains "$s" "data not available yet"
	expect_not_contains "$s" "limits may be stale"
	# the second response has no headers: its snapshot has no windows
	keys "again" Enter
	wait_for "Second."
	wait_gone "5h 20%"
	expect_eq "$(tm capture-pane -p -S - -t main | grep -c 'Heads up')" 1 "warnings said"
	quit_and_check_terminal
}

# Other limit families (x-<limit-id>-* headers) show in /status as upstream's card
# does: labelled by x-<limit-id>-limit-name (else the id), one window on one row, more
# under a heading row, in limit-id order after codex; the labels widen the column. Only
# the codex family warns and feeds the status line: the others' 92 % says nothing.
test_rate_limit_families_in_status() {
	local rl
	ws
	rl='"headers":{"x-codex-primary-used-percent":"10","x-codex-primary-window-minutes":"300","x-codex-other-primary-used-percent":"92","x-codex-other-primary-window-minutes":"60","x-codex-other-secondary-used-percent":"40","x-codex-other-secondary-window-minutes":"10080","x-codex-bengalfox-primary-used-percent":"55","x-codex-bengalfox-primary-window-minutes":"60","x-codex-bengalfox-limit-name":"GPT-5.3-Codex-Spark"}'
	mock "[{\"sse\":[{\"created\":\"r\"},{\"message\":\"All done.\"},{\"completed\":\"r\"}],$rl}]"
	printf '\n[tui]\nstatus_line = ["five-hour-limit", "weekly-limit", "context-remaining"]\n' >> "$T/home/config.toml"
	tui_start -y 40
	wait_idle
	keys "hi" Enter
	wait_for "All done."
	wait_for "5h 90%"
	wait_idle
	keys "/status" Enter
	wait_for "Weekly limit:"
	snap status_limit_families
	s=$(screen)
	expect_contains "$s" "5h limit:                       [██████████████████░░] 90% left"
	expect_contains "$s" "GPT-5.3-Codex-Spark 1h limit:   [█████████░░░░░░░░░░░] 45% left"
	expect_contains "$s" "codex_other limit:"
	expect_contains "$s" "1h limit:                       [██░░░░░░░░░░░░░░░░░░] 8% left"
	expect_contains "$s" "Weekly limit:                   [████████████░░░░░░░░] 60% left"
	expect_contains "$s" "Collaboration mode:             "
	# in limit-id order: codex, codex_bengalfox, codex_other
	expect_eq "$(printf '%s\n' "$s" | grep -o -e '5h limit' -e 'Spark 1h' -e 'codex_other limit' | tr '\n' ,)" \
		"5h limit,Spark 1h,codex_other limit," "the families' order"
	expect_not_contains "$(tm capture-pane -p -S - -t main)" "Heads up"
	expect_not_contains "$s" "Approaching rate limits"
	expect_not_contains "$s" "weekly "
	quit_and_check_terminal
}

# Signed in with ChatGPT, the limits are also read from the backend (GET
# {chatgpt_base_url}/wham/usage with the token and account id) at start-up and by
# /status, whose card then shows them (and, as upstream, no token count for a plan).
# chatgpt_usage_start: signed in with ChatGPT (chatgpt_base_url at the mock, which
# answers the usage endpoint with $T/usage.json), the TUI started; $access is the token.
chatgpt_usage_start() {
	local id cfg
	printf '%s\n' "[$answer]" > "$T/script.json"
	start_mock "$T/script.json" --usage "$T/usage.json"
	id=$(python3 -c 'import base64,sys; b=lambda s: base64.urlsafe_b64encode(s.encode()).decode().rstrip("="); print(b("{\"alg\":\"none\"}")+"."+b(sys.argv[1])+"."+b("sig"))' '{"email":"u@example.com","https://api.openai.com/auth":{"chatgpt_plan_type":"pro","chatgpt_account_id":"acc-9"}}')
	access=$(python3 -c 'import base64,sys; b=lambda s: base64.urlsafe_b64encode(s.encode()).decode().rstrip("="); print(b("{\"alg\":\"none\"}")+"."+b(sys.argv[1])+"."+b("sig"))' '{"exp":4102444800}')
	printf '{"auth_mode":"chatgpt","OPENAI_API_KEY":null,"tokens":{"id_token":"%s","access_token":"%s","refresh_token":"rt-1","account_id":"acc-9"},"last_refresh":"2026-12-01T10:00:00Z"}' "$id" "$access" > "$T/home/auth.json"
	chmod 600 "$T/home/auth.json"
	cfg=$(cat "$T/home/config.toml")
	printf 'chatgpt_base_url = "http://127.0.0.1:%s/backend-api/"\n%s\n' "$MOCK_PORT" "$cfg" > "$T/home/config.toml"
	tui_start -O -c features.apps=false # no codex_apps server asking the mock too
	wait_idle
	# signed in with ChatGPT: the server's catalog first (as upstream's start), then usage
	mock_wait_count 2
}

test_rate_limits_from_the_chatgpt_backend() {
	local access reset
	ws
	reset=$(( $(date +%s) + 3 * 86400 ))
	printf '{"plan_type":"pro","rate_limit":{"allowed":true,"limit_reached":false,"primary_window":{"used_percent":10,"limit_window_seconds":18000,"reset_after_seconds":100,"reset_at":%s},"secondary_window":{"used_percent":40,"limit_window_seconds":604800,"reset_after_seconds":100,"reset_at":%s}},"credits":{"has_credits":true,"unlimited":true,"balance":null}}\n' "$reset" "$reset" > "$T/usage.json"
	chatgpt_usage_start
	expect_eq "$(mock_get 0 method) $(mock_get 0 path)" "GET /v1/models" "the start-up catalog"
	expect_eq "$(mock_get 1 method) $(mock_get 1 path)" "GET /backend-api/wham/usage" "the start-up read"
	expect_eq "$(mock_get 1 headers.authorization)" "Bearer $access" "its token"
	expect_eq "$(mock_get 1 headers.chatgpt-account-id)" acc-9 "its account"
	keys "/status" Enter
	wait_for "Credits:              Unlimited"
	s=$(screen)
	expect_contains "$s" "Account:              u@example.com (pro)"
	expect_contains "$s" "5h limit:             [██████████████████░░] 90% left (resets $(date -d "@$reset" '+%H:%M on %-d %b'))"
	expect_contains "$s" "Weekly limit:         [████████████░░░░░░░░] 60% left"
	expect_not_contains "$s" "Token usage:"
	expect_not_contains "$s" "refreshing"
	expect_eq "$(mock_get 2 path)" /backend-api/wham/usage "the /status refresh"
	quit_and_check_terminal
}

# The usage endpoint's additional_rate_limits are families of their own in /status,
# labelled by their limit_name (an id alone, metered_feature, labels by the id).
test_rate_limit_families_from_the_chatgpt_backend() {
	local access
	ws
	printf '{"plan_type":"pro","rate_limit":{"primary_window":{"used_percent":10,"limit_window_seconds":18000,"reset_at":0}},"credits":null,"additional_rate_limits":[{"limit_name":"GPT-5.3-Codex-Spark","metered_feature":"codex_bengalfox","rate_limit":{"primary_window":{"used_percent":30,"limit_window_seconds":18000,"reset_at":0},"secondary_window":{"used_percent":50,"limit_window_seconds":604800,"reset_at":0}}}]}\n' > "$T/usage.json"
	chatgpt_usage_start
	keys "/status" Enter
	wait_for "GPT-5.3-Codex-Spark limit:"
	snap status_limit_families_usage
	s=$(screen)
	expect_contains "$s" "5h limit:                    [██████████████████░░] 90% left"
	expect_contains "$s" "GPT-5.3-Codex-Spark limit:"
	expect_contains "$s" "5h limit:                    [██████████████░░░░░░] 70% left"
	expect_contains "$s" "Weekly limit:                [██████████░░░░░░░░░░] 50% left"
	quit_and_check_terminal
}

# nudge_reply TEXT USED: an answer whose headers say the 5h window is USED % used.
nudge_reply() {
	printf '{"sse":[{"created":"r"},{"message":"%s"},{"completed":"r"}],"headers":{"x-codex-primary-used-percent":"%s","x-codex-primary-window-minutes":"300"}}' "$1" "$2"
}

# Upstream's rate-limit model nudge: a window 90 % used makes the end of the turn offer
# the cheaper model (listed in the catalog, here the built-in one since the mock serves
# none); switching changes the model of the next requests, not config.toml.
test_rate_limit_nudge_switches_to_the_cheaper_model() {
	ws
	mock "[$(nudge_reply "All done." 92),$(nudge_reply "Second." 95)]"
	tui_start -m gpt-5.4
	wait_idle
	keys "hi" Enter
	wait_for "All done."
	wait_for "Approaching rate limits"
	snap rate_limit_nudge
	s=$(screen)
	expect_contains "$s" "Switch to gpt-5.1-codex-mini for lower credit usage?"
	expect_contains "$s" "1. Switch to gpt-5.1-codex-mini  Optimized for codex. Cheaper, faster, but less capable."
	expect_contains "$s" "2. Keep current model"
	expect_contains "$s" "3. Keep current model (never show again)  Hide future rate limit reminders about switching models."
	keys 1
	wait_gone "Approaching rate limits"
	wait_for "gpt-5.1-codex-mini medium · "
	keys "again" Enter
	wait_for "Second."
	wait_idle
	expect_eq "$(mock_get 0 body.model)" gpt-5.4 "the first turn's model"
	# the session's start-up catalog (the built-in one: no request without ChatGPT)
	expect_eq "$(mock_get 1 body.model)" gpt-5.1-codex-mini "the next turn's model"
	expect_eq "$(mock_get 1 body.reasoning.effort)" medium "its default effort"
	expect_eq "$(python3 "$CODEX_TOP/tests/servers/mock_script.py" count "$MOCK_LOG")" 2 \
		"requests (no catalog request)"
	expect_not_contains "$(screen)" "Approaching rate limits"
	expect_not_contains "$(cat "$T/home/config.toml")" "codex-mini"
	quit_and_check_terminal
}

# Kept, the prompt is not asked again in the session; "never show again" writes [notice]
# hide_rate_limit_model_nudge = true, and the next session asks nothing.
test_rate_limit_nudge_once_and_never_again() {
	ws
	mock "[$(nudge_reply "All done." 91),$(nudge_reply "Second." 96)]"
	tui_start -m gpt-5.4
	wait_idle
	keys "hi" Enter
	wait_for "Approaching rate limits"
	keys 2
	wait_gone "Approaching rate limits"
	keys "again" Enter
	wait_for "Second."
	wait_idle
	expect_not_contains "$(screen)" "Approaching rate limits"
	expect_eq "$(mock_get 1 body.model)" gpt-5.4 "the model kept"
	quit_and_check_terminal
	tm kill-server
	rm -f "$T/rc"
	mock "[$(nudge_reply "All done." 93),$(nudge_reply "Second." 97),$(nudge_reply "Third." 99)]"
	tui_start -m gpt-5.4
	wait_idle
	keys "hi" Enter
	wait_for "Approaching rate limits"
	keys 3
	wait_gone "Approaching rate limits"
	expect_contains "$(cat "$T/home/config.toml")" "[notice]
hide_rate_limit_model_nudge = true"
	quit_and_check_terminal
	tm kill-server
	rm -f "$T/rc"
	tui_start -m gpt-5.4
	wait_idle
	keys "hi" Enter
	wait_for "Second."
	wait_idle
	keys "again" Enter
	wait_for "Third."
	wait_idle
	expect_not_contains "$(screen)" "Approaching rate limits"
	expect_eq "$(mock_count)" 3 "requests (the turns only: no catalog asked for)"
	quit_and_check_terminal
}

# Upstream's start-up model migration prompt, from the built-in catalog (no request: the
# session is not signed in with ChatGPT): the model's successor is offered full screen
# with its text; "Try new model" switches the session and config.toml, and records the
# answer under [notice.model_migrations], so the next session does not ask again.
test_model_migration_try_new_model() {
	local cfg
	ws
	printf '[projects."%s"]\ntrust_level = "trusted"\n' "$T/ws" > "$T/home/config.toml"
	mock "[$answer,$answer]"
	tui_start -m gpt-5.3-codex
	wait_for "Introducing GPT-5.4"
	snap model_migration
	s=$(screen)
	expect_contains "$s" "Codex just got an upgrade with GPT-5.4, our most capable model for professional"
	expect_contains "$s" "You can always keep using GPT-5.3-Codex if you prefer."
	expect_contains "$s" "  Choose how you'd like Codex to proceed."
	expect_contains "$s" "› 1. Try new model"
	expect_contains "$s" "  2. Use existing model"
	expect_contains "$s" "  Use ↑/↓ to move, press enter to confirm"
	keys Enter
	wait_gone "Introducing GPT-5.4"
	wait_for "gpt-5.4 medium · "
	# the prompt was on the alternate screen: nothing of it in the scrollback
	expect_not_contains "$(tm capture-pane -p -S - -t main)" "Choose how you'd like Codex"
	keys "hi" Enter
	wait_for "All done."
	wait_idle
	expect_eq "$(mock_get 0 body.model)" gpt-5.4 "the first turn's model (and no catalog request before it)"
	cfg=$(cat "$T/home/config.toml")
	expect_contains "$cfg" 'model = "gpt-5.4"'
	expect_contains "$cfg" '[notice.model_migrations]
"gpt-5.3-codex" = "gpt-5.4"'
	quit_and_check_terminal
	tm kill-server
	rm -f "$T/rc"
	tui_start -m gpt-5.3-codex
	wait_idle
	keys "again" Enter
	wait_for "All done."
	expect_not_contains "$(tm capture-pane -p -S - -t main)" "Introducing GPT-5.4"
	expect_eq "$(mock_get 1 body.model)" gpt-5.3-codex "the answered pair is not asked again"
	quit_and_check_terminal
}

# "Use existing model" keeps the model and records the answer; Ctrl+C at the prompt quits
# codex with the terminal as it was.
test_model_migration_use_existing_model_and_quit() {
	ws
	mock "[$answer]"
	tui_start -m gpt-5.2-codex
	wait_for "Introducing GPT-5.4"
	keys Down
	wait_for "› 2. Use existing model"
	keys Enter
	wait_gone "Introducing GPT-5.4"
	wait_for "gpt-5.2-codex medium · "
	keys "hi" Enter
	wait_for "All done."
	expect_eq "$(mock_get 0 body.model)" gpt-5.2-codex "the model kept"
	expect_contains "$(cat "$T/home/config.toml")" '"gpt-5.2-codex" = "gpt-5.4"'
	expect_not_contains "$(cat "$T/home/config.toml")" 'model = '
	quit_and_check_terminal
	tm kill-server
	rm -f "$T/rc"
	tui_start -m gpt-5.1-codex-max
	wait_for "Introducing GPT-5.4"
	keys C-c
	wait_exit
	expect_eq "$RC" 0 "exit status"
	expect_eq "$(cat "$T/stty.after")" "$(cat "$T/stty.before")" "stty -a before and after"
	expect_not_contains "$(cat "$T/home/config.toml")" '"gpt-5.1-codex-max"'
}

# A served catalog (kept in models_cache.json by a /model) names a successor for a hidden
# model, with a text holding {model_from} and {model_to}; the configured effort moves to
# the nearest the successor offers.
test_model_migration_from_the_served_catalog() {
	ws
	cat > "$T/models.json" <<'JSON'
{"models":[
 {"slug":"gpt-5.9-next","display_name":"GPT-5.9-Next","description":"The successor.","visibility":"list",
  "priority":1,"default_reasoning_level":"low",
  "supported_reasoning_levels":[{"effort":"low"},{"effort":"high"}]},
 {"slug":"gpt-5.9-old","display_name":"gpt-5.9-old","visibility":"hide","priority":2,
  "supported_reasoning_levels":[{"effort":"low"},{"effort":"xhigh"}],
  "upgrade":{"model":"gpt-5.9-next","migration_markdown":"**Introducing {model_to}.**\n\nMoving on from {model_from}.\u001b]0;pwned\u0007\n"}}
]}
JSON
	printf '%s\n' "[$answer]" > "$T/script.json"
	start_mock "$T/script.json" --models "$T/models.json"
	tui_start -m gpt-5.9-next
	wait_idle
	keys "/model" Enter
	wait_for "1. GPT-5.9-Next (current)"
	keys Escape
	wait_gone "Select Model and Effort"
	quit_and_check_terminal
	tm kill-server
	rm -f "$T/rc"
	tui_start -m gpt-5.9-old -c model_reasoning_effort=xhigh
	wait_for "Introducing gpt-5.9-next."
	s=$(screen)
	expect_contains "$s" "Moving on from gpt-5.9-old."
	expect_not_contains "$(tm capture-pane -p -e -t main)" $'\e]0;'
	keys 1
	wait_for "gpt-5.9-next high · "
	keys "hi" Enter
	wait_for "All done."
	expect_eq "$(mock_get 1 body.model)" gpt-5.9-next "the successor"
	expect_eq "$(mock_get 1 body.reasoning.effort)" high "xhigh moved to the nearest offered"
	expect_contains "$(cat "$T/home/config.toml")" 'model_reasoning_effort = "high"'
	expect_contains "$(cat "$T/home/config.toml")" '"gpt-5.9-old" = "gpt-5.9-next"'
	quit_and_check_terminal
}

# ---- ChatGPT apps (connectors): /apps, the codex_apps MCP server, [apps.<id>] ----------

# apps_auth: a ChatGPT auth.json (account acc-apps) whose access token, APPS_TOKEN, is a
# JWT that expires in 2100.
apps_auth() {
	APPS_TOKEN=$(python3 - "$T/home/auth.json" <<'PY'
import base64, json, sys
b = lambda s: base64.urlsafe_b64encode(s.encode()).decode().rstrip("=")
jwt = lambda p: b('{"alg":"none","typ":"JWT"}') + "." + b(json.dumps(p)) + "." + b("sig")
ident = jwt({"email": "u@example.com", "https://api.openai.com/auth": {
    "chatgpt_plan_type": "pro", "chatgpt_account_id": "acc-apps"}})
access = jwt({"exp": 4102444800, "tag": "apps"})
with open(sys.argv[1], "w") as f:
    json.dump({"auth_mode": "chatgpt", "OPENAI_API_KEY": None, "tokens": {
        "id_token": ident, "access_token": access, "refresh_token": "rt-1",
        "account_id": "acc-apps"}, "last_refresh": "2026-03-01T10:00:00Z"}, f)
print(access)
PY
)
	chmod 600 "$T/home/auth.json"
}

# start_apps_mock [OPTION...]: tests/servers/mock_chatgpt_apps.py for APPS_TOKEN and
# acc-apps (the options go to it); sets APPS_URL (a chatgpt_base_url) and APPS_LOG.
start_apps_mock() {
	local pf=$T/apps.port i
	APPS_LOG=$T/apps.log
	start_bg python3 "$CODEX_TOP/tests/servers/mock_chatgpt_apps.py" --port-file "$pf" \
		--log "$APPS_LOG" --token "$APPS_TOKEN" --account acc-apps "$@" > /dev/null
	for i in $(seq 1 $((WAIT * 10))); do
		[ -f "$pf" ] && break
		sleep 0.1
	done
	[ -f "$pf" ] || fail "mock_chatgpt_apps did not start"
	APPS_URL="http://127.0.0.1:$(cat "$pf")/backend-api/"
}

# apps_requests FILTER: the mock's log entries (one JSON a line) whose method + path
# starts with FILTER, or whose JSON-RPC method is FILTER.
apps_requests() {
	python3 - "$APPS_LOG" "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    body = r.get("body") or {}
    if (r["method"] + " " + r["path"]).startswith(sys.argv[2]) or body.get("method") == sys.argv[2]:
        print(json.dumps(r, sort_keys=True))
PY
}

# wait_apps_requests FILTER N: until the mock has logged N requests that apps_requests
# FILTER picks (they are logged as they arrive, before any answer).
wait_apps_requests() {
	local i
	for i in $(seq 1 $((WAIT * 10))); do
		[ "$(apps_requests "$1" 2>/dev/null | wc -l)" -ge "$2" ] && return 0
		sleep 0.1
	done
	fail "the apps mock did not get $2 request(s) $1"
}

# apps_instructions_at N: where request N's input has the <apps_instructions> message:
# "<role> before environment_context, <role of the last item> <prompt|...>", or "none".
apps_instructions_at() {
	python3 - "$MOCK_LOG" "$1" <<'PY'
import json, sys
reqs = [r for r in map(json.loads, open(sys.argv[1])) if "end_of" not in r]
items = reqs[int(sys.argv[2])]["body"]["input"]
text = lambda it: "".join(c.get("text", "") for c in it.get("content") or [])
apps = [i for i, it in enumerate(items) if text(it).startswith("<apps_instructions>")]
env = [i for i, it in enumerate(items) if "<environment_context>" in text(it)]
if len(apps) != 1:
    print("none" if not apps else "%d times" % len(apps))
else:
    where = "before" if env and apps[0] < env[0] else "after"
    print("%s %s environment_context, %s prompt" % (items[apps[0]]["role"], where,
          items[env[0] + 1]["role"] if env and env[0] + 1 < len(items) else "no"))
PY
}

# /apps as upstream's: the list is fetched as the session starts; while nothing is known
# the popup says it is loading and fills in when the answer comes; a later /apps shows
# the list kept from before at once (its refresh still held by the mock) and the open
# list follows the refresh when it lands.
test_apps_popup_prefetched_loading_then_refreshed() {
	local first="GET /backend-api/connectors/directory/list?tier=categorized&external"
	ws
	apps_auth
	start_apps_mock --hold-dir "$T/release" --grow
	mock "[$answer]"
	tui_start -x 140 -c "chatgpt_base_url=$APPS_URL"
	wait_apps_requests "$first" 1
	keys "/apps" Enter
	wait_for "Loading installed and available apps..."
	snap apps_loading
	expect_contains "$(screen)" "Loading apps...  This updates when the full list is ready."
	touch "$T/release"
	wait_for "Installed 2 of 3 available apps."
	expect_contains "$(screen)" "Mock Calendar  Installed."
	expect_eq "$(apps_requests "$first" | wc -l)" 1 "directory fetches so far"
	keys Escape
	wait_gone "Installed 2 of 3"
	rm "$T/release"
	keys "/apps" Enter
	wait_for "Installed 2 of 3 available apps."
	wait_apps_requests "$first" 2
	keys Down
	wait_for "› Mock Mail"
	touch "$T/release"
	wait_for "Installed 2 of 4 available apps."
	expect_contains "$(screen)" "Mock Notes"
	expect_contains "$(screen)" "› Mock Mail"
	keys Escape
	wait_gone "Installed 2 of 4"
	quit_and_check_terminal
}

# With a ChatGPT sign-in: the codex_apps MCP server (the mock's /backend-api/wham/apps)
# gives the model the installed apps' tools, and a call reaches it with the account's
# headers; /apps lists the directory (both pages, hidden and disallowed apps left out)
# merged with the installed apps; an app's page disables it ([apps.<id>] in config.toml,
# its tools leave the model's next request) and enables it again.
test_apps_chatgpt_list_toggle_and_tools() {
	local s calls dir tools
	ws
	apps_auth
	start_apps_mock
	mock "[$(fc c1 mcp__codex_apps__mock_calendar_list_events '"{\"day\":\"monday\"}"'),$answer,$answer]"
	tui_start -x 140 -a never -c "chatgpt_base_url=$APPS_URL" "check my calendar"
	wait_for "All done."
	wait_idle
	tools=$(mock_get 0 body.tools)
	expect_contains "$tools" '"name":"mcp__codex_apps__mock_calendar_list_events"'
	expect_contains "$tools" '"name":"mcp__codex_apps__mock_mail_send"'
	# upstream's apps section: a developer message of the initial context, before the
	# environment context and the prompt
	expect_eq "$(apps_instructions_at 0)" "developer before environment_context, user prompt" \
		"where the apps instructions are"
	expect_contains "$(mock_get 0 body.input)" '<apps_instructions>\n## Apps (Connectors)\nApps (Connectors) can be explicitly triggered in user messages in the format `[$app-name](app://{connector_id})`. Apps can also be implicitly triggered as long as the context suggests usage of available apps.\nAn app is equivalent to a set of MCP tools within the `codex_apps` MCP.\nAn installed app'"'"'s MCP tools are either provided to you already, or can be lazy-loaded through the `tool_search` tool. If `tool_search` is available, the apps that are searchable by `tools_search` will be listed by it.\nDo not additionally call list_mcp_resources or list_mcp_resource_templates for apps.\n</apps_instructions>'
	expect_contains "$(mock_call_output c1)" 'mock_calendar_list_events ran with {\"day\": \"monday\"}'
	calls=$(apps_requests tools/call)
	expect_contains "$calls" '"name": "mock_calendar_list_events"'
	expect_contains "$calls" "\"authorization\": \"Bearer $APPS_TOKEN\""
	expect_contains "$calls" '"chatgpt-account-id": "acc-apps"'
	expect_contains "$calls" '"path": "/backend-api/wham/apps"'
	# `$` offers the installed, enabled apps ([App] rows) and inserts the mention slug
	keys '$mock'
	wait_for "Mock Calendar  [App] Events and meetings"
	expect_contains "$(screen)" "Mock Mail      [App]"
	expect_not_contains "$(screen)" "Mock Drive"
	keys Enter
	wait_for '› $mock-calendar'
	keys C-u

	keys "/apps" Enter
	wait_for "Installed 2 of 3 available apps."
	snap apps_popup
	s=$(screen)
	expect_contains "$s" "Use \$ to insert an installed app into your prompt."
	expect_contains "$s" "› Mock Calendar  Installed. Press Enter to open the app page to install, manage, or enable/disable this app."
	expect_contains "$s" "  Mock Mail      Installed · Mail"
	expect_contains "$s" "  Mock Drive     Can be installed · Files in the cloud"
	expect_contains "$s" "Press esc to close."
	expect_not_contains "$s" "Hidden App"
	expect_not_contains "$s" "Internal App"
	dir=$(apps_requests "GET /backend-api/connectors/directory/list")
	expect_contains "$dir" '"path": "/backend-api/connectors/directory/list?tier=categorized&external_logos=true"'
	expect_contains "$dir" '"path": "/backend-api/connectors/directory/list?tier=categorized&token=page-2&external_logos=true"'
	expect_contains "$dir" "\"authorization\": \"Bearer $APPS_TOKEN\""
	expect_contains "$dir" '"chatgpt-account-id": "acc-apps"'

	keys Enter
	wait_for "1. Manage on ChatGPT"
	snap apps_page
	s=$(screen)
	expect_contains "$s" "Events and meetings"
	expect_contains "$s" "Use \$ to insert this app into the prompt."
	expect_contains "$s" "2. Disable app"
	expect_contains "$s" "3. Back"
	keys 2
	wait_for "2. Enable app"
	expect_contains "$(cat "$T/home/config.toml")" '[apps.connector_calendar]
enabled = false
disabled_reason = "user"'
	keys Escape
	wait_gone "2. Enable app"
	keys "again" Enter
	wait_for "All done."
	wait_idle
	tools=$(mock_get 2 body.tools)
	expect_not_contains "$tools" "mock_calendar_list_events"
	expect_contains "$tools" '"name":"mcp__codex_apps__mock_mail_send"'

	keys "/apps" Enter
	wait_for "Installed · Disabled"
	keys Enter
	wait_for "2. Enable app"
	keys 2
	wait_for "2. Disable app"
	expect_not_contains "$(cat "$T/home/config.toml")" "enabled = false"
	keys 3
	wait_gone "2. Disable app"
	quit_and_check_terminal
}

# [apps] per-tool settings as upstream's app_tool_policy: a tool turned off leaves the
# model's tools; default_tools_approval_mode = "prompt" asks before a read-only tool runs.
test_apps_tool_policies() {
	ws
	apps_auth
	start_apps_mock
	printf '[apps.connector_mail.tools.mock_mail_send]\nenabled = false\n\n[apps.connector_calendar]\ndefault_tools_approval_mode = "prompt"\n' \
		>> "$T/home/config.toml"
	mock "[$(fc c1 mcp__codex_apps__mock_calendar_list_events '"{\"day\":\"monday\"}"'),$answer]"
	tui_start -x 140 -a on-request -s danger-full-access -c "chatgpt_base_url=$APPS_URL" "check my calendar"
	wait_for "2. Cancel"
	expect_not_contains "$(screen)" "Always allow"
	expect_eq "$(apps_requests tools/call | wc -l)" 0 "tool calls before the answer"
	tools=$(mock_get 0 body.tools)
	expect_contains "$tools" '"name":"mcp__codex_apps__mock_calendar_list_events"'
	expect_not_contains "$tools" "mock_mail_send"
	keys 1
	wait_for "All done."
	expect_contains "$(mock_call_output c1)" 'mock_calendar_list_events ran with'
	quit_and_check_terminal
}

# Signed in with ChatGPT but the apps feature off: upstream's message, and no codex_apps
# server (the mock is never asked).
test_apps_feature_disabled() {
	ws
	apps_auth
	start_apps_mock
	mock "[$answer]"
	tui_start -c "chatgpt_base_url=$APPS_URL" -c features.apps=false "hi"
	wait_for "All done."
	wait_idle
	keys "/apps" Enter
	wait_for "Apps are disabled. Enable the apps feature to use \$ or /apps."
	expect_not_contains "$(mock_get 0 body.tools)" "codex_apps"
	expect_eq "$(apps_instructions_at 0)" "none" "apps instructions without the feature"
	expect_eq "$(wc -l < "$APPS_LOG" 2>/dev/null || echo 0)" 0 "requests to the apps mock"
	quit_and_check_terminal
}

# An API key in auth.json (no ChatGPT sign-in): upstream's message, no codex_apps server
# (the apps mock, configured as chatgpt_base_url, is never asked).
test_apps_api_key_only() {
	ws
	APPS_TOKEN=unused
	start_apps_mock
	printf '{"auth_mode": "apikey", "OPENAI_API_KEY": "sk-file"}' > "$T/home/auth.json"
	mock "[$answer]"
	tui_start -c "chatgpt_base_url=$APPS_URL" "hi"
	wait_for "All done."
	wait_idle
	keys "/apps" Enter
	wait_for "Apps are disabled. Enable the apps feature to use \$ or /apps."
	expect_not_contains "$(mock_get 0 body.tools)" "codex_apps"
	expect_eq "$(wc -l < "$APPS_LOG" 2>/dev/null || echo 0)" 0 "requests to the apps mock"
	quit_and_check_terminal
}

# The codex_apps server is given the session's ChatGPT token, not a header fixed at the
# start: when the backend answers 401 to it, the token is refreshed (at the mock issuer)
# and the request sent again with the new one, which auth.json keeps.
test_apps_token_refreshed_after_401() {
	local old new inits
	ws
	apps_auth
	old=$APPS_TOKEN
	start_issuer --account-id acc-apps
	APPS_TOKEN= # any token but the refused one
	start_apps_mock --refuse "$old"
	mock "[$(fc c1 mcp__codex_apps__mock_calendar_list_events '"{\"day\":\"monday\"}"'),$answer]"
	tui_start -x 140 -e "CODEX_REFRESH_TOKEN_URL_OVERRIDE=$ISSUER/oauth/token" -a never \
		-c "chatgpt_base_url=$APPS_URL" "check my calendar"
	wait_for "All done."
	wait_idle
	expect_contains "$(mock_call_output c1)" 'mock_calendar_list_events ran with'
	new=$(json_field "$T/home/auth.json" tokens.access_token)
	[ "$new" != "$old" ] || fail "auth.json still holds the refused token"
	expect_eq "$(json_field "$T/home/auth.json" tokens.refresh_token)" rt-2 "stored refresh token"
	expect_eq "$(grep -c '"grant_type": "refresh_token"' "$T/issuer.log")" 1 "refreshes"
	inits=$(apps_requests initialize)
	expect_eq "$(printf '%s\n' "$inits" | wc -l)" 2 "initialize requests"
	expect_contains "$(printf '%s\n' "$inits" | head -1)" "\"authorization\": \"Bearer $old\""
	expect_contains "$(printf '%s\n' "$inits" | tail -1)" "\"authorization\": \"Bearer $new\""
	expect_contains "$(apps_requests tools/call)" "\"authorization\": \"Bearer $new\""
	quit_and_check_terminal
}

# CODEX_CONNECTORS_TOKEN (upstream's codex_apps_mcp_bearer_token_env_var): the apps server
# gets that token instead of the ChatGPT sign-in's, and no account header.
test_apps_connectors_token_env() {
	local calls
	ws
	apps_auth
	start_apps_mock --token conn-tok --account ""
	mock "[$(fc c1 mcp__codex_apps__mock_calendar_list_events '"{\"day\":\"monday\"}"'),$answer]"
	tui_start -x 140 -e CODEX_CONNECTORS_TOKEN=conn-tok -a never \
		-c "chatgpt_base_url=$APPS_URL" "check my calendar"
	wait_for "All done."
	wait_idle
	expect_contains "$(mock_call_output c1)" 'mock_calendar_list_events ran with'
	calls=$(apps_requests tools/call)
	expect_contains "$calls" '"authorization": "Bearer conn-tok"'
	expect_not_contains "$calls" "chatgpt-account-id"
	expect_not_contains "$(apps_requests initialize)" "Bearer $APPS_TOKEN"
	quit_and_check_terminal
}

# "Always allow" on an app's tool writes what upstream 0.118 writes for it:
# [apps.<connector id>.tools.<tool>] approval_mode = "approve" (never an mcp_servers
# table for codex_apps), and a new session calls the tool without asking.
test_apps_tool_always_allow() {
	local before
	ws
	apps_auth
	start_apps_mock
	before=$(cat "$T/home/config.toml")
	mock "[$(fc c1 mcp__codex_apps__mock_calendar_delete_event '"{\"id\":\"e1\"}"'),$answer,$(fc c2 mcp__codex_apps__mock_calendar_delete_event '"{\"id\":\"e2\"}"'),$answer]"
	tui_start -x 140 -a on-request -s danger-full-access -c "chatgpt_base_url=$APPS_URL" "delete it"
	wait_for "3. Always allow"
	keys 3
	wait_for "All done."
	expect_contains "$(mock_call_output c1)" 'mock_calendar_delete_event ran with {\"id\": \"e1\"}'
	quit_and_check_terminal
	expect_eq "$(cat "$T/home/config.toml")" "$before

[apps.connector_calendar.tools.mock_calendar_delete_event]
approval_mode = \"approve\"" "config.toml"
	tm kill-server
	rm -f "$T/rc"
	tui_start -x 140 -a on-request -s danger-full-access -c "chatgpt_base_url=$APPS_URL" "again"
	wait_for "All done."
	expect_not_contains "$(screen)" "Always allow"
	expect_eq "$(apps_requests tools/call | wc -l)" 2 "tool calls"
	expect_contains "$(mock_call_output c2)" 'mock_calendar_delete_event ran with {\"id\": \"e2\"}'
	quit_and_check_terminal
}

# /ps lists the exec_command sessions left running after their call answered; /stop
# ends them (the process goes), /clean is its hidden alias.
test_slash_ps_and_stop_background_terminals() {
	local i
	ws
	mock "[$(fc c1 exec_command '{"cmd":"sleep 301","yield_time_ms":250}'),$answer]"
	tui_start -a never -s danger-full-access
	wait_idle
	keys "/ps" Enter
	wait_for "No background terminals running."
	keys "start it" Enter
	wait_for "All done."
	wait_idle
	keys "/ps" Enter
	wait_for "Background terminals (1)"
	wait_for "• sleep 301 (session 1000)"
	pgrep -f "sleep 301" > /dev/null || fail "sleep 301 is not running"
	keys "/st"
	wait_for "stop all background terminals"
	keys C-u "/stop" Enter
	wait_for "Stopped 1 background terminal."
	for i in $(seq 1 $((WAIT * 10))); do
		pgrep -f "sleep 301" > /dev/null || break
		sleep 0.1
	done
	pgrep -f "sleep 301" > /dev/null && fail "sleep 301 still runs after /stop"
	keys C-l
	wait_gone "Stopped 1"
	keys "/clean" Enter
	wait_for "No background terminals running."
	keys C-l
	wait_gone "No background terminals running."
	keys "/ps" Enter
	wait_for "No background terminals running."
	quit_and_check_terminal
}

# pane_title_is TEXT: until the terminal title (OSC 0, as tmux keeps it) is TEXT.
pane_title_is() {
	local i
	for i in $(seq 1 $((WAIT * 10))); do
		[ "$(tm display -p -t main '#{pane_title}')" = "$1" ] && return 0
		sleep 0.1
	done
	fail "terminal title: expected [$1], got [$(tm display -p -t main '#{pane_title}')]"
}

# The footer's status line and the terminal title: upstream's defaults, then the
# [tui] lists (an item without data left out), then /statusline and /title toggling
# items and writing them to config.toml (the rest of it kept).
test_status_line_and_terminal_title() {
	local cfg
	ws
	mock "[$answer]"
	tui_start
	wait_for "% left · "
	expect_contains "$(screen)" "% left · $T/ws"
	pane_title_is "ws"
	quit_and_check_terminal
	tm kill-server
	rm -f "$T/rc"
	printf '\n[tui]\nstatus_line = ["context-used", "total-output-tokens", "five-hour-limit", "bogus"]\nterminal_title = ["app-name", "status", "project"]\n' >> "$T/home/config.toml"
	tui_start
	wait_for "0% used · 0 out"
	expect_not_contains "$(screen)" "0 out ·"
	pane_title_is "codex | Ready | ws"
	keys "hi" Enter
	wait_for "All done."
	wait_for "· 5 out"
	keys "/statusline" Enter
	wait_for "Configure Status Line"
	expect_contains "$(screen)" "[x] context-used"
	expect_contains "$(screen)" "[ ] model-name"
	keys Space Down Down Down Space Enter
	wait_gone "Configure Status Line"
	cfg=$(cat "$T/home/config.toml")
	expect_contains "$cfg" 'status_line = ["total-output-tokens", "five-hour-limit", "model-name"]'
	expect_contains "$cfg" "trust_level = \"trusted\""
	expect_contains "$cfg" 'terminal_title = ["app-name", "status", "project"]'
	expect_not_contains "$(screen)" "% used"
	keys "/title" Enter
	wait_for "Configure Terminal Title"
	keys Space Enter
	wait_gone "Configure Terminal Title"
	pane_title_is "Ready | ws"
	expect_contains "$(cat "$T/home/config.toml")" 'terminal_title = ["status", "project"]'
	keys C-c # no "% left" in this footer for quit_and_check_terminal to wait for
	wait_exit
	expect_eq "$RC" 0 "exit status"
}

# Left/Right move the selected item in the order, which is the footer's order.
test_statusline_items_reorder() {
	ws
	mock "[$answer]"
	tui_start
	wait_idle
	keys "/statusline" Enter
	wait_for "Configure Status Line"
	expect_contains "$(screen)" "Select which items to display in the status line."
	expect_contains "$(screen)" "Use ↑↓ to navigate, ←→ to move, space to select, enter to confirm, esc to cancel."
	keys Right Right
	# the row was on screen before the keys: wait for the order they make
	wait_for "  [x] context-remaining
  [x] current-dir
› [x] model-with-reasoning"
	keys Enter
	wait_gone "Configure Status Line"
	expect_contains "$(cat "$T/home/config.toml")" 'status_line = ["context-remaining", "current-dir", "model-with-reasoning"]'
	wait_for "100% left · $T/ws · gpt-5.3-codex medium"
	quit_and_check_terminal
}

# git-branch and project-root in the status line; the thread's name as the title,
# once it has one (/rename).
test_status_line_branch_and_thread_title() {
	ws
	git -C "$T/ws" checkout -q -b feat/x
	printf '\n[tui]\nstatus_line = ["git-branch", "project-root"]\nterminal_title = ["thread"]\n' >> "$T/home/config.toml"
	mock "[]"
	tui_start
	wait_for "feat/x · $T/ws"
	keys "/rename my thread" Enter
	pane_title_is "my thread"
	keys C-c
	wait_exit
	expect_eq "$RC" 0 "exit status"
}

# ---- the login screen (no credentials: the built-in openai provider, no key, no
# auth.json), against our mock issuer as in login_chatgpt.sh ----

start_issuer() {
	local pf=$T/issuer.port i
	start_bg python3 "$CODEX_TOP/tests/servers/mock_issuer.py" --port-file "$pf" \
		--log "$T/issuer.log" "$@"
	for i in $(seq 1 $((WAIT * 20))); do
		[ -f "$pf" ] && break
		sleep 0.05
	done
	[ -f "$pf" ] || fail "mock issuer did not start"
	ISSUER=http://127.0.0.1:$(cat "$pf")
}

json_field() { # json_field FILE PATH
	python3 -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[k]
print(v if isinstance(v,str) else json.dumps(v))' "$1" "$2"
}

test_login_screen_api_key() {
	ws
	mock "[$answer]"
	tui_start -O
	wait_for "Sign in with ChatGPT to use Codex as part of your paid plan"
	s=$(screen)
	expect_contains "$s" "Welcome to Codex, OpenAI's command-line coding agent"
	expect_contains "$s" "> 1. Sign in with ChatGPT"
	expect_contains "$s" "2. Sign in with Device Code"
	expect_contains "$s" "3. Provide your own API key"
	expect_contains "$s" "Press Enter to continue"
	keys Down Down Enter
	wait_for "It will be stored locally in auth.json."
	keys "sk-typed-12345"
	wait_for "› **************"
	expect_not_contains "$(screen)" "sk-typed"
	keys Enter
	wait_for "✓ API key configured"
	[ -f "$T/home/auth.json" ] || fail "no auth.json"
	expect_eq "$(stat -c %a "$T/home/auth.json")" 600 "auth.json mode"
	expect_eq "$(json_field "$T/home/auth.json" OPENAI_API_KEY)" sk-typed-12345
	expect_eq "$(json_field "$T/home/auth.json" auth_mode)" apikey
	keys Enter
	wait_idle
	keys "hi" Enter
	wait_for "All done."
	expect_eq "$(mock_get 0 headers.authorization)" "Bearer sk-typed-12345"
	quit_and_check_terminal
}

# Sign in with ChatGPT: the browser flow (the browser played by curl through $BROWSER)
# against the mock issuer; auth.json gets the tokens and the chat's requests carry them.
test_login_screen_chatgpt_browser_flow() {
	ws
	mock "[$answer]"
	start_issuer
	printf '#!/bin/sh\necho "$1" > "%s/browser.url"\nexec curl -sS -L --max-time 30 -o "%s/page" "$1" 2> "%s/browser.err"\n' \
		"$T" "$T" "$T" > "$T/browser"
	chmod +x "$T/browser"
	port=$(free_port)
	tui_start -O -e "BROWSER=$T/browser" -e "no_proxy=*" --experimental_issuer "$ISSUER" \
		--experimental_port "$port"
	wait_for "Sign in with ChatGPT to use Codex"
	keys Enter
	wait_for "✓ Signed in with your ChatGPT account"
	expect_contains "$(cat "$T/page")" "Signed in to Codex"
	expect_contains "$(cat "$T/browser.url")" "$ISSUER/oauth/authorize?"
	expect_contains "$(cat "$T/browser.url")" "redirect_uri=http%3A%2F%2Flocalhost%3A$port%2Fauth%2Fcallback"
	expect_eq "$(json_field "$T/home/auth.json" auth_mode)" chatgpt
	expect_eq "$(stat -c %a "$T/home/auth.json")" 600 "auth.json mode"
	access=$(json_field "$T/home/auth.json" tokens.access_token)
	keys Enter
	wait_idle
	keys "hi" Enter
	wait_for "All done."
	expect_eq "$(mock_get 0 headers.authorization)" "Bearer $access"
	expect_eq "$(mock_get 0 headers.chatgpt-account-id)" "$(json_field "$T/home/auth.json" tokens.account_id)"
	quit_and_check_terminal
}

# Device code: the code is shown; Esc cancels it (back to the menu), Ctrl+C quits with
# nothing written.
test_login_screen_device_code_cancel_and_quit() {
	ws
	start_issuer --device-pending 100000
	tui_start -O -e "no_proxy=*" --experimental_issuer "$ISSUER"
	wait_for "Sign in with ChatGPT to use Codex"
	keys 2
	wait_for "Enter this one-time code"
	expect_contains "$(screen)" "$ISSUER/codex/device"
	keys Escape
	wait_for "Press Enter to continue"
	expect_not_contains "$(screen)" "Enter this one-time code"
	keys C-c
	wait_exit
	expect_eq "$RC" 0 "exit status"
	[ ! -e "$T/home/auth.json" ] || fail "auth.json written"
	expect_eq "$(cat "$T/stty.before")" "$(cat "$T/stty.after")" "terminal settings"
}

# forced_login_method = "api" leaves only the API key (SIGTERM there restores the
# terminal); a key in the environment skips the screen.
test_login_screen_forced_method_and_skipped_with_a_key() {
	ws
	{ printf 'forced_login_method = "api"\n'; cat "$T/home/config.toml"; } > "$T/config.new"
	mv "$T/config.new" "$T/home/config.toml"
	tui_start -O
	wait_for "1. Provide your own API key"
	expect_not_contains "$(screen)" "Sign in with Device Code"
	# a termination signal on this screen ends it too, the terminal restored
	kill -TERM "$(pgrep -P "$(tm display -p -t main '#{pane_pid}')" -f codex)"
	wait_exit
	expect_eq "$RC" 143 "exit status after SIGTERM"
	expect_eq "$(cat "$T/stty.after")" "$(cat "$T/stty.before")" "stty -a before and after"
	tm kill-server
	rm -f "$T/rc"
	mock "[$answer]"
	tui_start -O -e OPENAI_API_KEY=sk-env
	wait_idle
	expect_not_contains "$(screen)" "Provide your own API key"
	quit_and_check_terminal
}

test_slash_diff_shows_changes_in_a_pager() {
	ws
	printf 'one\n' > "$T/ws/tracked.txt"
	git -C "$T/ws" add tracked.txt
	git -C "$T/ws" -c user.email=a@b -c user.name=t commit -qm init
	printf 'one\nmore\n' > "$T/ws/tracked.txt"
	printf 'fresh\n' > "$T/ws/untracked.txt"
	mock "[$answer]"
	tui_start
	wait_idle
	keys "/diff" Enter
	wait_for "D I F F"
	s=$(screen)
	expect_contains "$s" "+more"
	expect_contains "$s" "+fresh"
	expect_contains "$s" "untracked.txt"
	keys q
	wait_gone "D I F F"
	wait_for "% left"
	quit_and_check_terminal
}

test_resume_last_shows_the_old_conversation() {
	ws
	mock '[{"sse":[{"created":"r"},{"message":"The first answer."},{"completed":{"total_tokens":3,"input_tokens":2,"output_tokens":1}}]}]'
	tui_start "the first question"
	wait_for "The first answer."
	quit_and_check_terminal
	id=$(screen | sed -n 's/.*codex resume \([0-9a-f-]*\).*/\1/p')
	[ -n "$id" ] || fail "no resume hint in [$(screen)]"
	tm kill-server
	rm -f "$T/rc"
	tui_start -r --last
	wait_for "The first answer."
	expect_contains "$(screen)" "› the first question"
	quit_and_check_terminal
	rm -f "$T/rc"
	tm kill-server
	tui_start -r "$id"
	wait_for "The first answer."
	quit_and_check_terminal
}

test_resume_picker_lists_sessions() {
	ws
	mock '[{"sse":[{"created":"r"},{"message":"Picked answer."},{"completed":{"total_tokens":3}}]}]'
	tui_start "a question to pick"
	wait_for "Picked answer."
	quit_and_check_terminal
	tm kill-server
	rm -f "$T/rc"
	tui_start -r
	wait_for "Resume a previous session"
	snap resume-picker
	wait_for "a question to pick"
	# typing searches; a query that matches nothing says so
	keys zzz
	wait_for "No results for your search"
	keys BSpace BSpace BSpace
	wait_for "a question to pick"
	keys Enter
	wait_for "Picked answer."
	quit_and_check_terminal
	# --all: every directory, with a CWD column; Esc starts a new session
	tm kill-server
	rm -f "$T/rc"
	mkdir -p "$T/ws/sub"
	tui_start -r --all
	wait_for "CWD"
	expect_contains "$(screen)" "a question to pick"
	keys Escape
	wait_for "% left"
	expect_not_contains "$(screen)" "Picked answer."
	quit_and_check_terminal
}

# input_tail N K: the last K input items of request N, one a line: "type" (and for a
# message its role and text, for an output its call_id).
input_tail() {
	mock_get "$1" body.input | python3 -c '
import json, sys
items = json.load(sys.stdin)[-int(sys.argv[1]):]
for it in items:
    if it.get("type") == "message":
        text = " ".join(c.get("text", "") for c in it.get("content", []))
        print("message", it.get("role"), text)
    else:
        print(it.get("type"), it.get("call_id", ""))
' "$2"
}

# A command that runs until the test creates $T/ws/go (no timing: the test decides).
blocking_call() {
	fc c1 exec_command '{"cmd":"while [ ! -e go ]; do sleep 0.05; done; echo released","yield_time_ms":60000}'
}

# Enter while a command runs steers: the message waits above the composer under upstream's
# heading, and the next model request carries it right after the command's output; it
# then shows as a user cell and is in the rollout (a resume shows it).
test_enter_steers_the_running_turn() {
	ws
	mock "[$(blocking_call),$answer]"
	tui_start -a never -s danger-full-access "start working"
	wait_for "Running while"
	keys "look at the tests too" Enter
	wait_for "Messages to be submitted after next tool call"
	s=$(screen)
	expect_contains "$s" "(press esc to interrupt and send immediately)"
	expect_contains "$s" "↳ look at the tests too"
	expect_not_contains "$s" "› look at the tests too"
	expect_eq "$(mock_count)" 1 "requests before the command ended"
	touch "$T/ws/go"
	wait_for "All done."
	wait_gone "Messages to be submitted after next tool call"
	expect_contains "$(screen)" "› look at the tests too"
	expect_eq "$(input_tail 1 2)" "function_call_output c1
message user look at the tests too" "the last input items of the request after the steer"
	expect_eq "$(mock_count)" 2 "requests (the steer went into the same turn)"
	rollout=$(cat "$T"/home/sessions/*/*/*/rollout-*.jsonl)
	expect_contains "$rollout" '"type":"user_message","message":"look at the tests too"'
	quit_and_check_terminal
	tm kill-server
	rm -f "$T/rc"
	tui_start -r --last
	wait_for "All done."
	expect_contains "$(screen)" "› look at the tests too"
	quit_and_check_terminal
}

# Tab while a turn runs queues the message for after the turn (it is not in the running
# turn's requests); Shift+Left (Alt+Up outside tmux) brings the last queued one back to
# the composer; the queued messages go together as the next turn.
test_tab_queues_a_follow_up_and_shift_left_edits_it() {
	ws
	second='{"sse":[{"created":"r"},{"message":"SECOND-TURN-DONE"},{"completed":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}]}'
	mock "[$(blocking_call),$answer,$second]"
	tui_start -a never -s danger-full-access "start"
	wait_for "Running while"
	keys "first follow-up"
	wait_for "tab to queue message"
	keys Tab
	wait_for "Queued follow-up messages"
	keys "second follow-up" Tab
	wait_for "↳ second follow-up"
	expect_contains "$(screen)" "shift + ← edit last queued message"
	keys S-Left
	wait_gone "↳ second follow-up"
	expect_contains "$(screen)" "› second follow-up"
	expect_contains "$(screen)" "↳ first follow-up"
	keys " edited" Tab
	wait_for "↳ second follow-up edited"
	touch "$T/ws/go"
	wait_for "SECOND-TURN-DONE"
	expect_not_contains "$(mock_get 1 body.input)" "follow-up"
	last=$(input_tail 2 1)
	expect_eq "$last" "message user first follow-up
second follow-up edited" "the next turn's message"
	quit_and_check_terminal
}

# paste_path FILE: a bracketed paste of FILE's path (an image path attaches it).
paste_path() {
	printf '%s' "$1" > "$T/paste.txt"
	tm load-buffer "$T/paste.txt"
	tm paste-buffer -p -t main
}

# A queued (Tab) or steered (Enter) message keeps its attached images: the turn it
# becomes sends them, numbered once when queued messages merge; Shift+Left brings one
# back with its image.
test_queued_and_steered_messages_keep_their_images() {
	local a b second last
	ws
	python3 -c 'import base64,sys; open(sys.argv[1],"wb").write(base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="))' "$T/ws/a.png"
	python3 -c 'import base64,sys; open(sys.argv[1],"wb").write(base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg=="))' "$T/ws/b.png"
	a=$(base64 -w0 "$T/ws/a.png")
	b=$(base64 -w0 "$T/ws/b.png")
	second='{"sse":[{"created":"r"},{"message":"SECOND-TURN-DONE"},{"completed":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}]}'
	mock "[$(blocking_call),$answer,$second]"
	tui_start -a never -s danger-full-access "start"
	wait_for "Running while"
	paste_path "$T/ws/a.png"
	wait_for "› [Image #1]"
	keys "first" Tab
	wait_for "↳ [Image #1] first"
	paste_path "$T/ws/b.png"
	wait_for "› [Image #1]"
	keys "second" Tab
	wait_for "↳ [Image #1] second"
	keys S-Left
	wait_gone "↳ [Image #1] second"
	wait_for "› [Image #1] second"
	keys Tab
	wait_for "↳ [Image #1] second"
	touch "$T/ws/go"
	wait_for "SECOND-TURN-DONE"
	last=$(mock_get 2 body.input)
	# (input_tail joins the content items: the images add empty texts at the end)
	expect_eq "$(input_tail 2 1 | sed 's/ *$//')" "message user [Image #1] first
[Image #2] second" "the merged message, its images numbered once"
	expect_eq "$(printf '%s' "$last" | python3 -c '
import json, sys
m = json.load(sys.stdin)[-1]
print(" ".join(c["image_url"][22:40] for c in m["content"] if c.get("type") == "input_image"))')" \
		"${a:0:18} ${b:0:18}" "its images, in order"
	quit_and_check_terminal
	tm kill-server
	rm -f "$T/rc" "$T/ws/go"
	mock "[$(blocking_call),$answer]"
	tui_start -a never -s danger-full-access "start"
	wait_for "Running while"
	paste_path "$T/ws/b.png"
	wait_for "› [Image #1]"
	keys "look here" Enter
	wait_for "↳ [Image #1] look here"
	keys Escape
	wait_for "All done."
	expect_contains "$(mock_get 1 body.input)" "data:image/png;base64,$b"
	expect_eq "$(input_tail 1 1 | sed 's/ *$//')" "message user [Image #1] look here" "the steer sent after Esc"
	quit_and_check_terminal
}

# Esc with a steer waiting interrupts the turn and sends the steer right after.
test_esc_with_a_pending_steer_sends_it_at_once() {
	ws
	mock "[$(blocking_call),$answer]"
	tui_start -a never -s danger-full-access "start"
	wait_for "Running while"
	keys "stop and do this instead" Enter
	wait_for "↳ stop and do this instead"
	keys Escape
	wait_for "Conversation interrupted"
	wait_for "All done."
	expect_contains "$(screen)" "› stop and do this instead"
	# the aborted output, upstream's <turn_aborted> note for the model, then the steer
	tail3=$(input_tail 1 3)
	expect_eq "$(printf '%s\n' "$tail3" | head -1)" "function_call_output c1" "the request after the interrupt"
	expect_contains "$tail3" "message user <turn_aborted>"
	expect_eq "$(printf '%s\n' "$tail3" | tail -1)" "message user stop and do this instead" "its last item"
	expect_eq "$(mock_call_output c1)" "aborted"
	expect_contains "$(cat "$T"/home/sessions/*/*/*/rollout-*.jsonl)" '"role":"user","content":[{"type":"input_text","text":"<turn_aborted>'
	quit_and_check_terminal
}

# /fork: a new session (another rollout, starting with a copy of the old one's lines)
# showing the conversation so far; what follows goes to the fork only; both resume.
test_slash_fork_makes_a_new_session() {
	ws
	a1='{"sse":[{"created":"r"},{"message":"ORIGINAL-ANSWER"},{"completed":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}]}'
	a2='{"sse":[{"created":"r"},{"message":"FORK-ANSWER"},{"completed":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}]}'
	mock "[$a1,$a2]"
	tui_start "the original question"
	wait_for "ORIGINAL-ANSWER"
	wait_idle
	old=$(ls "$T"/home/sessions/*/*/*/rollout-*.jsonl)
	old_sum=$(sha256sum < "$old")
	keys "/fork" Enter
	wait_for "Forked from session"
	wait_idle
	n=$(ls "$T"/home/sessions/*/*/*/rollout-*.jsonl | wc -l)
	expect_eq "$n" 2 "rollout files after /fork"
	new=$(ls "$T"/home/sessions/*/*/*/rollout-*.jsonl | grep -v -F "$old")
	expect_eq "$(sha256sum < "$old")" "$old_sum" "the original rollout after /fork"
	old_id=$(head -n 1 "$old" | python3 -c 'import json,sys; print(json.load(sys.stdin)["payload"]["id"])')
	meta=$(head -n 1 "$new")
	expect_contains "$meta" "\"forked_from_id\":\"$old_id\""
	expect_contains "$(cat "$new")" "ORIGINAL-ANSWER"
	keys "a question in the fork" Enter
	wait_for "FORK-ANSWER"
	input=$(mock_get 1 body.input)
	expect_contains "$input" "the original question"
	expect_contains "$input" "ORIGINAL-ANSWER"
	expect_contains "$input" "a question in the fork"
	new_id=$(head -n 1 "$new" | python3 -c 'import json,sys; print(json.load(sys.stdin)["payload"]["id"])')
	expect_eq "$(mock_get 1 headers.session_id)" "$new_id" "the fork's requests' session id"
	expect_eq "$(sha256sum < "$old")" "$old_sum" "the original rollout after the fork's turn"
	expect_not_contains "$(cat "$old")" "a question in the fork"
	quit_and_check_terminal
	expect_contains "$(screen)" "codex resume $new_id"
	# the original resumes as it was
	tm kill-server
	rm -f "$T/rc"
	tui_start -r "$old_id"
	wait_for "ORIGINAL-ANSWER"
	expect_not_contains "$(screen)" "FORK-ANSWER"
	quit_and_check_terminal
}

# /rename NAME: the name is in upstream's session index and the rollout; the resume
# picker shows it in the Conversation column, /status shows it, the exit hint and
# `codex resume NAME` use it. /rename alone prompts (Esc cancels; empty is refused).
test_slash_rename_names_the_thread() {
	ws
	mock "[$answer]"
	tui_start "the question of the renamed thread"
	wait_for "All done."
	wait_idle
	keys "/rename" Enter
	wait_for "Name thread"
	expect_contains "$(screen)" "Type a name and press Enter"
	keys Escape
	wait_gone "Name thread"
	keys "/rename" Enter
	wait_for "Name thread"
	keys Enter
	wait_for "Thread name cannot be empty."
	keys "/rename   My Project Work  " Enter
	wait_for "Thread renamed to My Project Work"
	expect_contains "$(screen)" "to resume this thread run codex resume 'My Project Work'"
	id=$(head -n 1 "$T"/home/sessions/*/*/*/rollout-*.jsonl | python3 -c 'import json,sys; print(json.load(sys.stdin)["payload"]["id"])')
	line=$(cat "$T/home/session_index.jsonl")
	expect_contains "$line" "{\"id\":\"$id\",\"thread_name\":\"My Project Work\",\"updated_at\":\""
	expect_contains "$(cat "$T"/home/sessions/*/*/*/rollout-*.jsonl)" '"type":"thread_name_updated","thread_id":"'"$id"'","thread_name":"My Project Work"'
	# the prompt offers the current name to edit
	keys "/rename" Enter
	wait_for "Rename thread"
	expect_contains "$(screen)" "› My Project Work"
	keys Escape
	wait_gone "Rename thread"
	keys "/status" Enter
	wait_for "Thread name:"
	expect_contains "$(screen)" "Thread name:          My Project Work"
	quit_and_check_terminal
	expect_contains "$(screen)" "To continue this session, run codex resume 'My Project Work'"
	tm kill-server
	rm -f "$T/rc"
	tui_start -r
	wait_for "Resume a previous session"
	wait_for "My Project Work"
	expect_not_contains "$(screen)" "the question of the renamed thread"
	keys Escape
	wait_for "% left"
	quit_and_check_terminal
	tm kill-server
	rm -f "$T/rc"
	tui_start -r "My Project Work"
	wait_for "All done."
	expect_contains "$(screen)" "› the question of the renamed thread"
	quit_and_check_terminal
}

# `codex fork --last` and the fork picker: a new session (its own rollout) showing the old
# conversation; the old rollout is not touched.
test_codex_fork_last_and_picker() {
	ws
	mock '[{"sse":[{"created":"r"},{"message":"The answer to fork."},{"completed":{"total_tokens":3,"input_tokens":2,"output_tokens":1}}]}]'
	tui_start "the question to fork"
	wait_for "The answer to fork."
	quit_and_check_terminal
	old=$(ls "$T"/home/sessions/*/*/*/rollout-*.jsonl)
	old_sum=$(sha256sum < "$old")
	tm kill-server
	rm -f "$T/rc"
	tui_start -f --last
	wait_for "The answer to fork."
	expect_contains "$(screen)" "› the question to fork"
	wait_idle
	expect_eq "$(ls "$T"/home/sessions/*/*/*/rollout-*.jsonl | wc -l)" 2 "rollouts after codex fork --last"
	quit_and_check_terminal
	tm kill-server
	rm -f "$T/rc"
	tui_start -f
	wait_for "Fork a previous session"
	expect_contains "$(screen)" "enter to fork"
	wait_for "the question to fork"
	keys Enter
	wait_for "The answer to fork."
	wait_idle
	expect_eq "$(ls "$T"/home/sessions/*/*/*/rollout-*.jsonl | wc -l)" 3 "rollouts after the fork picker"
	expect_eq "$(sha256sum < "$old")" "$old_sum" "the original rollout"
	old_id=$(head -n 1 "$old" | python3 -c 'import json,sys; print(json.load(sys.stdin)["payload"]["id"])')
	expect_eq "$(grep -l "\"forked_from_id\":\"$old_id\"" "$T"/home/sessions/*/*/*/rollout-*.jsonl | wc -l)" 1 "forks of the original"
	quit_and_check_terminal
}

# A session that ended inside a turn (killed mid-answer: its rollout stops after the
# user message) is forked as upstream's thread/fork does it (ForkSnapshot::Interrupted):
# the fork shows the turn as interrupted and the model gets the <turn_aborted> marker
# after the old message, before the next one.
test_codex_fork_of_a_session_cut_mid_turn_interrupts_it() {
	ws
	mock "[{\"sse\":[{\"created\":\"r\"},{\"message\":\"LOST-ANSWER\"},{\"completed\":\"r\"}]},$answer]"
	tui_start "the question cut short"
	wait_for "LOST-ANSWER"
	quit_and_check_terminal
	old=$(ls "$T"/home/sessions/*/*/*/rollout-*.jsonl)
	# what a kill in the middle of the turn leaves: nothing after the user message
	python3 - "$old" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines(True)
cut = max(i for i, l in enumerate(lines)
          if json.loads(l)["type"] == "event_msg" and json.loads(l)["payload"]["type"] == "user_message")
open(sys.argv[1], "w").write("".join(lines[:cut + 1]))
PY
	old_id=$(head -n 1 "$old" | python3 -c 'import json,sys; print(json.load(sys.stdin)["payload"]["id"])')
	tm kill-server
	rm -f "$T/rc"
	tui_start -f "$old_id"
	wait_for "› the question cut short"
	wait_for "Conversation interrupted"
	expect_not_contains "$(screen)" "LOST-ANSWER"
	wait_idle
	keys "go on" Enter
	wait_for "All done."
	mock_get 1 body.input | python3 -c '
import json, sys
texts = [c.get("text", "") for i in json.load(sys.stdin) if i.get("role") == "user" for c in i.get("content", [])]
q = texts.index("the question cut short")
assert texts[q + 1].startswith("<turn_aborted>\n") and texts[q + 1].endswith("</turn_aborted>"), texts
assert texts[q + 2] == "go on" and len(texts) == q + 3, texts
' || fail "the fork's request has no interrupted marker between the messages"
	new=$(grep -l "\"forked_from_id\":\"$old_id\"" "$T"/home/sessions/*/*/*/rollout-*.jsonl)
	expect_contains "$(cat "$new")" '"type":"turn_aborted"'
	quit_and_check_terminal
}

test_resume_unknown_id_is_fatal() {
	ws
	mock "[$answer]"
	tui_start -r 00000000-0000-0000-0000-000000000000
	wait_exit
	expect_eq "$RC" 1 "exit status"
	expect_contains "$(cat "$T/stderr")" "No saved session found with ID 00000000-0000-0000-0000-000000000000"
}

test_no_color_writes_no_colour() {
	ws
	mock '[{"sse":[{"created":"r"},{"message":"Some `code` and **bold**."},{"completed":"r"}]}]'
	tui_start -e NO_COLOR=1 "hi"
	wait_for "Some code and bold."
	raw=$(tm capture-pane -p -e -t main)
	case "$raw" in *$'\e['*) fail "escape sequences under NO_COLOR: $(printf '%s' "$raw" | cat -v | head -5)" ;; esac
	quit_and_check_terminal
}

test_tiny_and_huge_terminals() {
	ws
	mock "[$answer,$answer]"
	tui_start -x 20 -y 5 "small one"
	wait_for "All done."
	keys "typing in a tiny terminal"
	wait_for "terminal"
	keys C-u
	wait_gone "terminal"
	keys C-c
	wait_exit
	expect_eq "$RC" 0 "exit status"
	expect_eq "$(cat "$T/stty.after")" "$(cat "$T/stty.before")" "stty -a before and after"
	tm kill-server
	rm -f "$T/rc"
	tui_start -x 400 -y 120 "large one"
	wait_for "All done."
	expect_contains "$(screen)" "› large one"
	quit_and_check_terminal
}

test_model_and_command_output_are_inert() {
	ws
	evil='Title\u001b]0;PWNED\u0007 clip\u001b]52;c;aGFja2Vk\u0007 clear\u001b[2J\u001b[H move\u001b[10;10H bell\u0007 c1\u009b31m end'
	mock "[$(fc c1 exec_command '{"cmd":"printf '"'"'out\\033]0;PWNED2\\007\\033[2Jafter\\377\\376\\300\\257bytes\\n'"'"'"}'),{\"sse\":[{\"created\":\"r\"},{\"message\":\"$evil\"},{\"completed\":\"r\"}]}]"
	tui_start -a never -s danger-full-access "go"
	wait_for "c1"
	wait_idle
	s=$(screen)
	expect_contains "$s" "Title clip clear move bell c1"
	expect_contains "$s" ">_ OpenAI Codex" "header (the screen was not cleared)"
	expect_contains "$s" "outafter"
	# invalid UTF-8 (stray bytes, an overlong "/") is shown as replacement characters
	expect_contains "$s" "bytes"
	expect_not_contains "$s" "after/bytes" "an overlong encoding decoded"
	title=$(tm display -p -t main '#{pane_title}')
	expect_not_contains "$title" PWNED "pane title"
	raw=$(tm capture-pane -p -e -t main)
	expect_not_contains "$raw" "52;" "captured screen"
	quit_and_check_terminal
}

test_trust_screen_writes_config() {
	mkdir -p "$T/ws" "$T/home"
	git -C "$T/ws" init -q
	mock "[$answer]"
	tui_start
	wait_for "Do you trust the contents of this directory?"
	snap trust
	expect_contains "$(screen)" "1. Yes, continue"
	keys 1
	# a first start: then the default model's migration prompt, as upstream's order
	wait_for "Introducing GPT-5.4"
	keys 2
	wait_for "% left"
	# a first run: upstream's starter commands under the card, no tip
	s=$(screen)
	expect_contains "$s" "  To get started, describe a task or try one of these commands:"
	expect_contains "$s" "  /init - create an AGENTS.md file with instructions for Codex"
	expect_contains "$s" "  /review - review any changes and find issues"
	expect_not_contains "$s" "Tip:"
	expect_contains "$(cat "$T/home/config.toml")" "[projects.\"$T/ws\"]"
	expect_contains "$(cat "$T/home/config.toml")" 'trust_level = "trusted"'
	keys "/status" Enter
	wait_for "Permissions:          Default"
	quit_and_check_terminal
	# trusted now: no question the second time; "No, quit" in a fresh home quits
	tm kill-server
	rm -f "$T/rc"
	mkdir -p "$T/home2"
	tui_start -e "CODEX_HOME=$T/home2"
	wait_for "Do you trust the contents of this directory?"
	keys 2
	wait_exit
	expect_eq "$RC" 0 "exit status after No, quit"
	[ ! -e "$T/home2/config.toml" ] || fail "No, quit wrote the config"
}

# Past the first run, the session card has one of upstream's tips under it (again after
# /new); `[tui] show_tooltips = false` leaves it out.
test_session_card_tip_and_show_tooltips_off() {
	ws
	mock "[]"
	tui_start -T
	wait_idle
	s=$(screen)
	expect_contains "$s" "  Tip: "
	expect_not_contains "$s" "To get started"
	keys "/new" Enter
	for i in $(seq 1 $((WAIT * 10))); do
		[ "$(tm capture-pane -p -S - -t main | grep -c '  Tip: ')" -ge 2 ] && break
		sleep 0.1
	done
	expect_eq "$(tm capture-pane -p -S - -t main | grep -c '  Tip: ')" 2 "a tip under each card"
	quit_and_check_terminal
	tm kill-server
	rm -f "$T/rc"
	printf '\n[tui]\nshow_tooltips = false\n' >> "$T/home/config.toml"
	tui_start -T
	wait_idle
	expect_not_contains "$(screen)" "Tip:"
	quit_and_check_terminal
	# -c beats config.toml for the [tui] settings too
	tm kill-server
	rm -f "$T/rc"
	tui_start -T -c tui.show_tooltips=true
	wait_idle
	expect_contains "$(screen)" "  Tip: "
	quit_and_check_terminal
}

test_notify_program_gets_the_turn() {
	ws
	printf 'notify = ["sh", "-c", "printf %%s \\"$1\\" > %s/notify.json", "sh"]\n' "$T" > "$T/home/c.toml"
	cat "$T/home/config.toml" >> "$T/home/c.toml"
	mv "$T/home/c.toml" "$T/home/config.toml"
	mock "[$answer]"
	tui_start "ping"
	wait_for "All done."
	wait_file "$T/notify.json"
	n=$(cat "$T/notify.json")
	expect_contains "$n" '"type":"agent-turn-complete"'
	expect_contains "$n" '"last-assistant-message":"All done."'
	expect_contains "$n" '"client":"codex-tui"'
	quit_and_check_terminal
}

test_question_mark_toggles_shortcuts() {
	ws
	mock "[$answer]"
	tui_start -x 160
	wait_idle
	expect_contains "$(screen)" "? for shortcuts"
	keys "?"
	wait_for "ctrl + j for newline"
	snap shortcuts
	expect_contains "$(screen)" "ctrl + j for newline                      tab to queue message"
	expect_contains "$(screen)" "@ for file paths                          ctrl + v to paste images"
	expect_contains "$(screen)" "ctrl + g to edit in external editor       esc esc to edit previous message"
	expect_contains "$(screen)" "! for shell commands"
	keys "?"
	wait_gone "ctrl + j for newline"
	keys "a?"
	wait_for "› a?"
	keys C-u
	wait_gone "› a?"
	quit_and_check_terminal
}

test_at_file_search_popup() {
	ws
	mkdir -p "$T/ws/src/deep"
	echo x > "$T/ws/src/deep/parser_main.c"
	echo x > "$T/ws/README.md"
	mock "[$answer]"
	tui_start
	wait_idle
	keys "look at @parmai"
	wait_for "src/deep/parser_main.c"
	keys Tab
	wait_for "› look at src/deep/parser_main.c"
	keys "please" Enter
	wait_for "All done."
	expect_eq "$(mock_get 0 body.input.2.content.0.text)" "look at src/deep/parser_main.c please" "prompt"
	quit_and_check_terminal
}

# skills_ws: the work tree with a repository skill (deploy) and a user skill (notes).
skills_ws() {
	ws
	mkdir -p "$T/ws/.agents/skills/deploy" "$T/home/.agents/skills/notes"
	printf -- '---\nname: deploy\ndescription: Ship the service to production.\n---\nDeploy steps.\n' \
		> "$T/ws/.agents/skills/deploy/SKILL.md"
	printf -- '---\nname: notes\ndescription: Keep release notes.\nmetadata:\n  short-description: Release notes\n---\nWrite notes in past tense.\n' \
		> "$T/home/.agents/skills/notes/SKILL.md"
}

# /skills: its menu, then Enable/Disable Skills, where space disables a skill at once in
# config.toml; closing says what changed, and a mention of the disabled skill brings
# nothing to the model.
test_skills_slash_menu_and_toggle_persists() {
	skills_ws
	mock "[$answer]"
	tui_start
	wait_idle
	keys "/ski"
	# not "/skills": one of the composer's placeholders holds it until the keys arrive
	wait_for "use skills to improve how Codex performs specific tasks"
	expect_contains "$(screen)" "› /ski"
	keys Enter
	wait_for "Choose an action"
	snap skills_menu
	s=$(screen)
	expect_contains "$s" "Skills"
	expect_contains "$s" "› 1. List skills            Tip: press \$ to open this list directly."
	expect_contains "$s" "  2. Enable/Disable Skills  Enable or disable skills."
	keys Down Enter
	wait_for "Turn skills on or off. Your changes are saved automatically."
	snap skills_toggle
	s=$(screen)
	expect_contains "$s" "Type to search skills"
	expect_contains "$s" "› [x] deploy  Ship the service to production."
	expect_contains "$s" "  [x] notes   Release notes"
	expect_contains "$s" "Press space or enter to toggle; esc to close"
	keys Space
	wait_for "› [ ] deploy"
	path=$(realpath "$T/ws/.agents/skills/deploy/SKILL.md")
	expect_contains "$(cat "$T/home/config.toml")" "[[skills.config]]
path = \"$path\"
enabled = false"
	# the trust entry written before is still there
	expect_contains "$(cat "$T/home/config.toml")" "trust_level = \"trusted\""
	# typing searches: only notes is left, and Enter toggles it off and on again
	keys "no"
	wait_gone "deploy  Ship"
	keys Enter
	wait_for "› [ ] notes"
	keys Enter
	wait_for "› [x] notes"
	keys Escape
	wait_for "0 skills enabled, 1 skills disabled"
	wait_gone "Type to search skills"
	keys 'use $deploy now'
	wait_for 'use $deploy now'
	keys Enter
	wait_for "All done."
	expect_eq "$(mock_get 0 body.input.3.content.0.text)" 'use $deploy now' "prompt"
	expect_eq "$(mock_count)" 1
	expect_eq "$(mock_get 0 body.input | grep -c '<skill>')" 0 "no skill injected"
	quit_and_check_terminal
	# a new session reads the rule: deploy is not listed to the model any more
}

# plugins_ws: a repository whose marketplace offers "helper": a plugin with a skill, an MCP
# server (our stdio mock) and a symlink that points out of it (never copied).
plugins_ws() {
	ws
	local p=$T/ws/plugins/helper
	mkdir -p "$T/ws/.agents/plugins" "$p/.codex-plugin" "$p/skills/helping"
	printf '{"name": "repo-market", "interface": {"displayName": "Repo Marketplace"}, "plugins": [{"name": "helper", "source": {"source": "local", "path": "./plugins/helper"}}, {"name": "locked", "source": {"source": "local", "path": "./plugins/locked"}, "policy": {"installation": "NOT_AVAILABLE"}}]}\n' \
		> "$T/ws/.agents/plugins/marketplace.json"
	printf '{"name": "helper", "description": "Helps with everything.", "interface": {"displayName": "Helper Kit", "shortDescription": "Helpful tools"}}\n' \
		> "$p/.codex-plugin/plugin.json"
	printf -- '---\nname: helping\ndescription: Help the user kindly.\n---\nBe kind.\n' \
		> "$p/skills/helping/SKILL.md"
	printf '{"mcpServers": {"helpsrv": {"command": "python3", "args": ["%s"]}}}\n' \
		"$CODEX_TOP/tests/servers/mock_mcp.py" > "$p/.mcp.json"
	ln -s /etc/passwd "$p/leak"
}

# py_req N EXPR: python over request N the mock got (R: its body).
py_req() {
	python3 - "$MOCK_LOG" "$1" "$2" <<'PY'
import json, sys
reqs = [r for r in map(json.loads, open(sys.argv[1])) if "body" in r]
R = reqs[int(sys.argv[2])]["body"]
tools = [t.get("name") for t in R.get("tools", [])]
text = json.dumps(R["input"])
print(eval(sys.argv[3]))
PY
}

# /plugins lists the marketplace's plugins; Enter shows one, Install copies it into the
# cache and enables it in config.toml; the next session lists its skill to the model and
# carries its MCP server's tools; Uninstall takes both away again.
test_plugins_install_and_uninstall() {
	plugins_ws
	mock "[$answer,$answer]"
	tui_start
	wait_idle
	keys "/plug"
	wait_for "browse plugins"
	keys Enter
	wait_for "Browse plugins from available marketplaces."
	snap plugins_list
	s=$(screen)
	expect_contains "$s" "Plugins"
	expect_contains "$s" "Installed 0 of 2 available plugins."
	expect_contains "$s" "Type to search plugins"
	expect_contains "$s" "› Helper Kit  Available         Press Enter to view plugin details."
	expect_contains "$s" "  locked      Not installable · Repo Marketplace"
	expect_contains "$s" "Press esc to close."
	# typing searches
	keys "lock"
	wait_gone "Helper Kit"
	keys BSpace BSpace BSpace BSpace
	wait_for "Helper Kit"
	keys Enter
	wait_for "Back to plugins"
	snap plugins_detail
	s=$(screen)
	expect_contains "$s" "Helper Kit · Can be installed · Repo Marketplace"
	expect_contains "$s" "Helps with everything."
	expect_contains "$s" "› 1. Back to plugins  Return to the plugin list."
	expect_contains "$s" "  2. Install plugin   Install this plugin now."
	expect_contains "$s" "     Skills           helper:helping"
	expect_contains "$s" "     Apps             No plugin apps."
	expect_contains "$s" "     MCP Servers      helpsrv"
	keys Down Enter
	wait_for "Installed Helper Kit plugin."
	expect_contains "$(screen)" "No additional app authentication is required."
	cache=$T/home/plugins/cache/repo-market/helper/local
	[ -f "$cache/.codex-plugin/plugin.json" ] || fail "no plugin.json in the cache"
	[ -f "$cache/skills/helping/SKILL.md" ] || fail "no skill in the cache"
	[ -e "$cache/leak" ] && fail "a symlink was copied"
	expect_contains "$(cat "$T/home/config.toml")" '[plugins."helper@repo-market"]
enabled = true'
	expect_contains "$(cat "$T/home/config.toml")" 'trust_level = "trusted"'
	quit_and_check_terminal
	tm kill-server
	rm -f "$T/rc"
	# the next session: the plugin's skill and MCP tools reach the model
	tui_start
	wait_idle
	keys "hello"
	keys Enter
	wait_for "All done."
	expect_eq "$(py_req 0 '"helping" in text and "Help the user kindly." in text')" True "skill listed"
	expect_eq "$(py_req 0 '"mcp__helpsrv__echo" in tools')" True "MCP tools sent"
	keys "/plugins"
	wait_for "browse plugins"
	keys Enter
	wait_for "Installed 1 of 2 available plugins."
	expect_contains "$(screen)" "› Helper Kit  Installed         Press Enter to view plugin details."
	keys Enter
	wait_for "Helper Kit · Installed · Repo Marketplace"
	expect_contains "$(screen)" "  2. Uninstall plugin  Remove this plugin now."
	keys Down Enter
	wait_for "Uninstalled Helper Kit plugin."
	expect_contains "$(screen)" "Bundled apps remain installed."
	[ -e "$T/home/plugins/cache/repo-market/helper" ] && fail "the cache is still there"
	case "$(cat "$T/home/config.toml")" in *plugins*) fail "config.toml still has the plugin" ;; esac
	quit_and_check_terminal
	tm kill-server
	rm -f "$T/rc"
	tui_start
	wait_idle
	keys "again"
	keys Enter
	wait_for "All done."
	expect_eq "$(py_req 1 '"helping" in text or "mcp__helpsrv__echo" in tools')" False "plugin gone"
	quit_and_check_terminal
}

# curated_repo: $T/curated, a git repository shaped like openai/plugins: the
# openai-curated marketplace offering "demo" (and a symlink pointing out of the repository).
curated_repo() {
	local r=$T/curated
	mkdir -p "$r/.agents/plugins" "$r/plugins/demo/.codex-plugin"
	git -C "$r" init -q
	printf '{"name": "openai-curated", "plugins": [{"name": "demo", "source": {"source": "local", "path": "./plugins/demo"}}]}\n' \
		> "$r/.agents/plugins/marketplace.json"
	printf '{"name": "demo", "description": "A curated demo.", "interface": {"displayName": "Demo Kit", "shortDescription": "Curated demo tools"}}\n' \
		> "$r/plugins/demo/.codex-plugin/plugin.json"
	ln -s /etc/passwd "$r/plugins/demo/leak"
	git -C "$r" add -A
	git -C "$r" -c user.name=t -c user.email=t@t commit -qm one
}

# The curated marketplace: at start-up the TUI syncs it (here from a local repository,
# CODEX_CURATED_PLUGINS_URL) into $CODEX_HOME/.tmp/plugins with .tmp/plugins.sha, in the
# background, and /plugins lists it; an installed curated plugin's copy is named after the
# commit and copied again when a sync brings a new one. A sync that fails (no such repository, or a commit
# without the marketplace file) keeps the previous checkout and sha; an unchanged remote
# clones nothing.
test_plugins_curated_sync() {
	ws
	curated_repo
	local sha
	sha=$(git -C "$T/curated" rev-parse HEAD)
	mock "[]"
	tui_start -e "CODEX_CURATED_PLUGINS_URL=file://$T/curated"
	wait_idle
	wait_file "$T/home/.tmp/plugins.sha"
	expect_eq "$(cat "$T/home/.tmp/plugins.sha")" "$sha" "sha file"
	[ -f "$T/home/.tmp/plugins/.agents/plugins/marketplace.json" ] || fail "no marketplace"
	[ -L "$T/home/.tmp/plugins/plugins/demo/leak" ] && fail "a symlink was checked out"
	expect_eq "$(git -C "$T/home/.tmp/plugins" rev-parse HEAD)" "$sha" "checkout HEAD"
	keys "/plugins"
	wait_for "browse plugins"
	keys Enter
	wait_for "Browse plugins from available marketplaces."
	snap plugins_curated
	s=$(screen)
	expect_contains "$s" "Installed 0 of 1 available plugins."
	expect_contains "$s" "› Demo Kit  Available"
	keys Enter
	wait_for "Back to plugins"
	expect_contains "$(screen)" "Demo Kit · Can be installed · OpenAI Curated"
	# installed, a curated plugin's copy is named after the curated commit (upstream)
	keys Down Enter
	wait_for "Installed Demo Kit plugin."
	[ -f "$T/home/plugins/cache/openai-curated/demo/$sha/.codex-plugin/plugin.json" ] ||
		fail "no curated copy named after $sha: $(ls -R "$T/home/plugins/cache" 2>&1)"
	quit_and_check_terminal
	# the sync run by hand (the role the TUI starts): unchanged, then failures
	mkdir -p "$T/bin"
	ln -s "$CODEX" "$T/bin/codex-plugins-sync"
	out=$("$T/bin/codex-plugins-sync" "$T/home" "file://$T/curated" 2>&1) || fail "sync: $out"
	expect_eq "$out" "$sha unchanged" "unchanged"
	if out=$("$T/bin/codex-plugins-sync" "$T/home" "file://$T/nowhere" 2>&1); then
		fail "a missing repository synced"
	fi
	expect_contains "$out" "codex: error: git ls-remote curated plugins repo failed with status 128"
	git -C "$T/curated" rm -q .agents/plugins/marketplace.json
	git -C "$T/curated" -c user.name=t -c user.email=t@t commit -qm two
	# a clone folder a dead sync left ten minutes ago goes; a recent one (another
	# process's sync under way) stays
	mkdir "$T/home/.tmp/plugins-clone-stale" "$T/home/.tmp/plugins-clone-recent"
	touch -d '-11 minutes' "$T/home/.tmp/plugins-clone-stale"
	if out=$("$T/bin/codex-plugins-sync" "$T/home" "file://$T/curated" 2>&1); then
		fail "a repository without marketplace synced"
	fi
	[ -e "$T/home/.tmp/plugins-clone-stale" ] && fail "stale clone folder kept"
	[ -d "$T/home/.tmp/plugins-clone-recent" ] || fail "recent clone folder removed"
	rmdir "$T/home/.tmp/plugins-clone-recent"
	expect_contains "$out" "codex: error: curated plugins archive missing marketplace manifest at $T/home/.tmp/plugins-clone-"
	expect_eq "$(cat "$T/home/.tmp/plugins.sha")" "$sha" "sha file kept"
	[ -f "$T/home/.tmp/plugins/.agents/plugins/marketplace.json" ] || fail "old checkout lost"
	expect_eq "$(ls "$T/home/.tmp")" "plugins
plugins.sha" "no clone left behind"
	# a good commit again replaces the checkout
	git -C "$T/curated" -c user.name=t -c user.email=t@t revert --no-edit HEAD > /dev/null
	sha=$(git -C "$T/curated" rev-parse HEAD)
	out=$("$T/bin/codex-plugins-sync" "$T/home" "file://$T/curated" 2>&1) || fail "sync: $out"
	expect_eq "$out" "$sha updated" "updated"
	expect_eq "$(cat "$T/home/.tmp/plugins.sha")" "$sha" "new sha"
	expect_eq "$(ls "$T/home/.tmp")" "plugins
plugins.sha" "no backup left behind"
	# and the installed curated plugin is copied again from the new commit
	expect_eq "$(ls "$T/home/plugins/cache/openai-curated/demo")" "$sha" "refreshed copy"
}

# nogit_path: $T/nogit, a PATH with what the tmux pane's script needs and no git.
nogit_path() {
	local c
	mkdir -p "$T/nogit"
	for c in bash sh stty mv cat sleep python3; do ln -sf "$(command -v "$c")" "$T/nogit/$c"; done
	ln -sf "$CODEX" "$T/nogit/codex-plugins-sync"
}

# start_github ARCHIVE SHA: tests/servers/mock_github_archive.py serving ARCHIVE as the
# tarball of commit SHA; GITHUB_API is its URL, $T/github.log its request paths.
start_github() {
	local pf=$T/github.port i
	start_bg python3 "$CODEX_TOP/tests/servers/mock_github_archive.py" --archive "$1" \
		--sha "$2" --log "$T/github.log" --port-file "$pf"
	for i in $(seq 1 200); do [ -f "$pf" ] && break; sleep 0.05; done
	[ -f "$pf" ] || fail "mock_github_archive did not start"
	GITHUB_API=http://127.0.0.1:$(cat "$pf")
}

# Without git, the curated sync falls back to the GitHub API as upstream: the default
# branch's commit, then its tarball (here served on loopback, behind a redirect), unpacked
# into the checkout; /plugins lists its plugin. The symlink in it is not written.
test_plugins_curated_sync_without_git() {
	ws
	curated_repo
	nogit_path
	local sha
	sha=$(git -C "$T/curated" rev-parse HEAD)
	python3 - "$T/curated" "$T/curated.tar.gz" "$sha" <<'PY'
import os, sys, tarfile
src, out, sha = sys.argv[1:]
with tarfile.open(out, "w:gz", format=tarfile.PAX_FORMAT, pax_headers={"comment": sha}) as t:
    t.add(src, arcname="openai-plugins-" + sha[:7], filter=lambda i: None if "/.git" in i.name else i)
PY
	start_github "$T/curated.tar.gz" "$sha"
	mock "[]"
	tui_start -e "PATH=$T/nogit" -e "CODEX_CURATED_PLUGINS_URL=file://$T/curated" \
		-e "CODEX_CURATED_PLUGINS_API_URL=$GITHUB_API"
	wait_idle
	wait_file "$T/home/.tmp/plugins.sha"
	expect_eq "$(cat "$T/home/.tmp/plugins.sha")" "$sha" "sha file"
	expect_eq "$(cat "$T/github.log")" "/repos/openai/plugins
/repos/openai/plugins/git/ref/heads/main
/repos/openai/plugins/tarball/$sha
/codeload/$sha" "the requests"
	[ -f "$T/home/.tmp/plugins/.agents/plugins/marketplace.json" ] || fail "no marketplace"
	[ -e "$T/home/.tmp/plugins/plugins/demo/leak" ] && fail "the symlink was written"
	[ -e "$T/home/.tmp/plugins/.git" ] && fail "an archive has no .git"
	keys "/plugins"
	wait_for "browse plugins"
	keys Enter
	wait_for "Browse plugins from available marketplaces."
	expect_contains "$(screen)" "› Demo Kit  Available"
	keys Escape
	wait_gone "Browse plugins from available marketplaces."
	quit_and_check_terminal
	# the same commit again: only the two small requests, nothing downloaded
	out=$(PATH=$T/nogit CODEX_CURATED_PLUGINS_API_URL=$GITHUB_API \
		"$T/nogit/codex-plugins-sync" "$T/home" "file://$T/curated" 2>&1) || fail "sync: $out"
	expect_eq "$out" "$sha unchanged" "unchanged"
	expect_eq "$(grep -c tarball "$T/github.log")" 1 "tarball fetched once"
}

# An archive whose entries climb out of the folder (`../`, an absolute path) is refused
# whole: nothing is written outside .tmp, no clone folder stays, the sha file is not made.
test_plugins_curated_archive_with_traversal_is_refused() {
	ws
	nogit_path
	local sha=0123456789abcdef0123456789abcdef01234567
	mkdir -p "$T/home"
	python3 - "$T/evil.tar.gz" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w:gz", format=tarfile.PAX_FORMAT) as t:
    def add(name, data=b"x"):
        i = tarfile.TarInfo(name)
        i.size = len(data)
        t.addfile(i, io.BytesIO(data))
    add("top/.agents/plugins/marketplace.json", b'{"name": "openai-curated", "plugins": []}')
    add("top/../../../escaped.txt", b"pwned")
    add("/tmp/absolute-escape.txt", b"pwned")
PY
	start_github "$T/evil.tar.gz" "$sha"
	if out=$(cd "$T/ws" && PATH=$T/nogit CODEX_CURATED_PLUGINS_API_URL=$GITHUB_API \
		"$T/nogit/codex-plugins-sync" "$T/home" "file://$T/nowhere" 2>&1); then
		fail "an archive with ../ synced: $out"
	fi
	expect_contains "$out" "the HTTP fallback failed too: curated plugins archive: an entry's path leaves the archive's folder: top/../../../escaped.txt"
	expect_eq "$(find "$T" -name escaped.txt)" "" "nothing escaped"
	[ -e /tmp/absolute-escape.txt ] && fail "absolute path written"
	expect_eq "$(ls -A "$T/home/.tmp")" "" "no clone folder, no sha file"
}

# py_input N EXPR: python over request N's input items (I) the mock got.
py_input() {
	python3 - "$MOCK_LOG" "$1" "$2" <<'PY'
import json, sys
reqs = [r for r in map(json.loads, open(sys.argv[1])) if "body" in r]
I = reqs[int(sys.argv[2])]["body"]["input"]
def texts(role):
    return [c.get("text", "") for i in I if i.get("role") == role for c in i.get("content", [])]
print(eval(sys.argv[3]))
PY
}

# `$` lists the enabled plugins first ("[Plugin]", upstream's row), then the skills;
# choosing one inserts `$name` bound to plugin://<id>, and the turn carries a developer
# message naming the plugin's skills prefix and MCP servers right after the prompt. The
# thread's first request lists the plugins in <plugins_instructions>. A `$name` typed by
# hand (not chosen) is no plugin mention, as upstream.
# plugins_enabled_ws: plugins_ws with "helper" installed and enabled.
plugins_enabled_ws() {
	plugins_ws
	local cache=$T/home/plugins/cache/repo-market/helper/local
	mkdir -p "$(dirname "$cache")"
	cp -r "$T/ws/plugins/helper" "$cache"
	rm -f "$cache/leak"
	printf '[plugins."helper@repo-market"]\nenabled = true\n' >> "$T/home/config.toml"
}

test_plugins_dollar_mention_injects_capabilities() {
	plugins_enabled_ws
	mock "[$answer,$answer]"
	tui_start
	wait_idle
	keys '$hel'
	wait_for "[Plugin] Helps with everything."
	snap plugins_mention_popup
	s=$(screen)
	expect_contains "$s" "› \$hel"
	expect_contains "$s" "  helper          [Plugin] Helps with everything."
	# a plugin's skill is namespaced with the plugin's name, as upstream
	expect_contains "$s" "  helper:helping  [Skill] Help the user kindly."
	expect_contains "$s" "Press enter to insert or esc to close"
	# plugins come before skills
	case "$s" in *"[Plugin]"*"[Skill]"*) ;; *) fail "plugin row not first: $s" ;; esac
	keys Enter
	wait_for '› $helper'
	wait_gone "[Plugin]"
	keys "tidy up" Enter
	wait_for "All done."
	expect_eq "$(py_input 0 'any(t.startswith("<plugins_instructions>") and "- `helper`: Helps with everything." in t for t in texts("developer"))')" True "plugins listed"
	local want='Capabilities from the `helper` plugin:
- Skills from this plugin are prefixed with `helper:`.
- MCP servers from this plugin available in this session: `helpsrv`.
Use these plugin-associated capabilities to help solve the task.'
	expect_eq "$(py_input 0 'I[-1]["role"]')" developer "injected item role"
	expect_eq "$(py_input 0 'I[-1]["content"][0]["text"]')" "$want" "injected item"
	expect_eq "$(py_input 0 'I[-2]["content"][0]["text"]')" '$helper tidy up' "prompt before it"
	# typed, not chosen: no new injection
	keys '$helper again'
	wait_for '› $helper again'
	keys Enter
	mock_wait_count 2
	expect_eq "$(mock_count)" 2 "requests"
	wait_idle
	expect_eq "$(py_input 1 'sum(t.startswith("Capabilities from the") for t in texts("developer"))')" 1 "one injection"
	expect_eq "$(py_input 1 'I[-1]["content"][0]["text"]')" '$helper again' "typed mention"
	quit_and_check_terminal
}

# mention_helper TEXT: `$hel` chosen in the popup (`$helper ` bound to the plugin), then TEXT.
mention_helper() {
	keys '$hel'
	wait_for "[Plugin] Helps with everything."
	keys Enter
	wait_gone "[Plugin]"
	keys "$1"
	wait_for "\$helper $1"
}

# injected N: how many of request N's developer messages name the helper plugin's
# capabilities (a turn with a plugin mention adds one).
injected() {
	py_input "$1" 'sum(t.startswith("Capabilities from the `helper` plugin") for t in texts("developer"))'
}

# A message queued with Tab while a turn runs keeps its plugin mention: the turn it
# becomes carries the plugin's capabilities, as when it is sent at once.
test_plugins_mention_survives_the_queue() {
	plugins_enabled_ws
	mock "[$(blocking_call),$answer,$answer]"
	tui_start -a never -s danger-full-access "start"
	wait_for "Running while"
	mention_helper "queued work"
	keys Tab
	wait_for "↳ \$helper queued work"
	touch "$T/ws/go"
	mock_wait_count 3
	wait_idle
	expect_eq "$(mock_count)" 3 "requests"
	expect_eq "$(injected 1)" 0 "nothing injected into the running turn"
	expect_eq "$(py_input 2 'I[-2]["content"][0]["text"]')" '$helper queued work' "the queued turn's prompt"
	expect_eq "$(injected 2)" 1 "the queued turn's injection"
	expect_contains "$(py_input 2 'I[-1]["content"][0]["text"]')" 'Capabilities from the `helper` plugin'
	quit_and_check_terminal
}

# A steer (Enter while a turn runs) keeps its mention too: Esc interrupts the turn and
# the steer goes as the next turn, with the plugin's capabilities; history.jsonl holds
# it with the mention as a link, as upstream writes it.
test_plugins_mention_survives_a_steer() {
	plugins_enabled_ws
	mock "[$(blocking_call),$answer]"
	tui_start -a never -s danger-full-access "start"
	wait_for "Running while"
	mention_helper "steered work"
	keys Enter
	wait_for "↳ \$helper steered work"
	keys Escape
	wait_for "Conversation interrupted"
	wait_for "All done."
	wait_idle
	expect_eq "$(mock_count)" 2 "requests"
	expect_eq "$(py_input 1 'I[-2]["content"][0]["text"]')" '$helper steered work' "the steer's turn"
	expect_eq "$(injected 1)" 1 "the steer's injection"
	expect_contains "$(cat "$T/home/history.jsonl")" '"text":"[$helper](plugin://helper@repo-market) steered work"'
	quit_and_check_terminal
}

# Up brings a sent message back with its mention bound (the same session, and from
# history.jsonl in the next one); Esc-Esc editing does too.
test_plugins_mention_survives_up_and_esc_esc() {
	plugins_enabled_ws
	mock "[$answer,$answer,$answer,$answer]"
	tui_start
	wait_idle
	mention_helper "tidy up"
	keys Enter
	wait_for "All done."
	wait_idle
	expect_eq "$(injected 0)" 1 "the first turn's injection"
	keys Up
	wait_for "› \$helper tidy up"
	keys Enter
	mock_wait_count 2
	wait_idle
	expect_eq "$(mock_count)" 2 "requests"
	expect_eq "$(injected 1)" 2 "the recalled message's injection (after the first's)"
	expect_contains "$(py_input 1 'I[-1]["content"][0]["text"]')" 'Capabilities from the `helper` plugin'
	# Esc-Esc: the last message back in the composer, its turn dropped; sent again it
	# carries the mention
	keys Escape
	wait_for "esc again to edit previous message"
	keys Escape
	wait_for "enter to edit message"
	keys Enter
	wait_for "› \$helper tidy up"
	keys Enter
	mock_wait_count 3
	wait_idle
	expect_eq "$(injected 2)" 2 "the edited message's injection (the dropped turn's went)"
	expect_contains "$(py_input 2 'I[-1]["content"][0]["text"]')" 'Capabilities from the `helper` plugin'
	quit_and_check_terminal
	# the next session: Up reads history.jsonl, the link binds the mention again
	tm kill-server
	rm -f "$T/rc"
	tui_start
	wait_idle
	keys Up
	wait_for "› \$helper tidy up"
	keys Enter
	mock_wait_count 4
	wait_idle
	expect_eq "$(injected 3)" 1 "the next session's recalled message"
	expect_eq "$(py_input 3 'I[-2]["content"][0]["text"]')" '$helper tidy up' "sent as shown"
	quit_and_check_terminal
}

# `$` at a word start opens the skill popup; Enter puts `$name` in the composer, and
# the turn carries that skill's file after the prompt.
test_skills_dollar_popup_inserts_a_mention() {
	skills_ws
	# a SKILL.md without front matter is skipped with a warning, as upstream says it
	mkdir -p "$T/ws/.agents/skills/broken"
	echo "no front matter" > "$T/ws/.agents/skills/broken/SKILL.md"
	mock "[$answer]"
	tui_start
	wait_idle
	wait_for "Skipped loading 1 skill(s) due to invalid SKILL.md files."
	expect_contains "$(screen)" "broken/SKILL.md: missing YAML frontmatter delimited by ---"
	keys 'tidy up with $no'
	wait_for "[Skill] Release notes"
	snap skills_popup
	s=$(screen)
	expect_contains "$s" "notes  [Skill] Release notes"
	expect_not_contains "$s" "deploy"
	expect_contains "$s" "Press enter to insert or esc to close"
	keys Enter
	wait_for '› tidy up with $notes'
	wait_gone "[Skill]"
	keys "please" Enter
	wait_for "All done."
	expect_eq "$(mock_get 0 body.input.3.content.0.text)" 'tidy up with $notes please' "prompt"
	expect_contains "$(mock_get 0 body.input.1.content.0.text)" "<skills_instructions>"
	expect_contains "$(mock_get 0 body.input.1.content.0.text)" "- notes: Keep release notes."
	expect_eq "$(mock_get 0 body.input.4.role)" user
	expect_eq "$(mock_get 0 body.input.4.content.0.text)" "<skill>
<name>notes</name>
<path>$(realpath "$T/home/.agents/skills/notes/SKILL.md")</path>
---
name: notes
description: Keep release notes.
metadata:
  short-description: Release notes
---
Write notes in past tense.

</skill>"
	# /skills' "List skills" opens the same popup; Esc closes it and keeps the text
	keys "/skills" Enter
	wait_for "Choose an action"
	keys Enter
	wait_for "[Skill] Ship the service to production."
	expect_contains "$(screen)" "[Skill] Release notes"
	keys Escape
	wait_gone "[Skill]"
	expect_contains "$(screen)" '› $'
	quit_and_check_terminal_after_clear
}

test_ctrl_t_transcript_overlay() {
	ws
	mock '[{"sse":[{"created":"r"},{"message":"An answer for the transcript."},{"completed":"r"}]}]'
	tui_start "show me"
	wait_for "An answer for the transcript."
	wait_idle
	keys C-t
	wait_for "T R A N S C R I P T"
	snap transcript
	s=$(screen)
	expect_contains "$s" "An answer for the transcript."
	expect_contains "$s" "q to quit"
	# the overlay is on the alternate screen: the composer is not drawn under it
	expect_not_contains "$s" "% left"
	keys q
	wait_gone "T R A N S C R I P T"
	wait_for "% left"
	expect_contains "$(screen)" "An answer for the transcript."
	quit_and_check_terminal
}

# `!cmd` runs in the user's shell with no sandbox and no approval (a file outside the
# workspace gets written under the default workspace-write policy), shows as "You ran",
# and the next turn's request carries its <user_shell_command> record, also kept in the
# rollout.
test_bang_runs_a_local_command_and_tells_the_model() {
	ws
	mock "[$answer]"
	tui_start -a untrusted
	wait_idle
	keys "!echo hi && touch '$T/outside'" Enter
	wait_for "You ran echo hi && touch"
	wait_for "└ hi"
	[ -f "$T/outside" ] || fail "the command did not run outside the sandbox"
	expect_not_contains "$(screen)" "Would you like to run"
	keys "what did I run" Enter
	wait_for "All done."
	input=$(mock_get 0 body.input)
	expect_contains "$input" '<user_shell_command>\n<command>\necho hi && touch'
	expect_contains "$input" '</command>\n<result>\nExit code: 0\nDuration: '
	expect_contains "$input" 'Output:\nhi\n\n</result>\n</user_shell_command>'
	# the record comes before the message that followed it
	expect_eq "$(mock_get 0 body.input.-1.content.0.text)" "what did I run" "last input"
	grep -q 'user_shell_command' "$T"/home/sessions/*/*/*/rollout-*.jsonl ||
		fail "the record is not in the rollout"
	quit_and_check_terminal
}

# A bare `!` explains itself; Tab never submits `!` input; a failing command shows its
# exit code.
test_bang_hint_tab_and_exit_code() {
	ws
	mock "[$answer]"
	tui_start
	wait_idle
	keys "!" Enter
	wait_for "Prefix a command with ! to run it locally"
	expect_contains "$(screen)" "Example: !ls"
	keys "!echo tabbed" Tab "x"
	wait_for "› !echo tabbedx"
	expect_not_contains "$(screen)" "You ran"
	keys C-u
	wait_gone "› !echo tabbedx"
	keys "!echo oops; exit 3" Enter
	wait_for "You ran echo oops; exit 3"
	wait_for "✗ (exit 3)"
	expect_contains "$(screen)" "└ oops"
	expect_eq "$(mock_count)" 0 "model requests"
	quit_and_check_terminal
}

# During a turn `!cmd` runs at once; its record reaches the model once the turn is over
# (here: interrupted), with the next turn's request.
test_bang_during_a_turn() {
	ws
	mock "[$(fc c1 exec_command '{"cmd":"sleep 60","yield_time_ms":60000}'),$answer]"
	tui_start -a never -s danger-full-access "wait"
	wait_for "Running sleep 60"
	keys "!echo meanwhile" Enter
	wait_for "You ran echo meanwhile"
	expect_contains "$(screen)" "esc to interrupt"
	keys Escape
	wait_for "Conversation interrupted"
	wait_idle
	keys "next" Enter
	wait_for "All done."
	expect_contains "$(mock_get 1 body.input)" '<command>\necho meanwhile\n</command>'
	quit_and_check_terminal
}

# Esc stops a running `!cmd` as it stops the model's commands, turn or no turn.
test_bang_esc_stops_a_running_command() {
	ws
	mock "[$answer]"
	tui_start
	wait_idle
	keys "!sleep 60" Enter
	wait_for "Running sleep 60"
	keys Escape
	wait_for "You ran sleep 60"
	wait_for "command aborted by user"
	wait_gone "Running sleep 60"
	keys "after" Enter
	wait_for "All done."
	expect_contains "$(mock_get 0 body.input)" 'Exit code: -1'
	quit_and_check_terminal
}

# ---- collaboration modes (reference codex-tui.md §5, §9; upstream 0.118: always on) ----

# req_check N PYTHON-EXPR: request N's body (as `b`) satisfies the expression; `dev` is
# the text of its developer messages, `tools` the names of its tools, `last_user` the text
# of its last user message.
req_check() {
	mock_get "$1" body | python3 -c '
import json, sys
b = json.load(sys.stdin)
def text(it):
    return " ".join(c.get("text", "") for c in it.get("content", []))
dev = "\n".join(text(i) for i in b["input"] if i.get("role") == "developer")
tools = [t.get("name", t.get("type")) for t in b.get("tools", [])]
users = [text(i) for i in b["input"] if i.get("role") == "user"]
last_user = users[-1] if users else ""
ok = eval(sys.argv[1])
if not ok:
    print(json.dumps(b["input"], indent=1)[-3000:])
sys.exit(0 if ok else 1)
' "$2" || fail "request $1: $2"
}

rui_args='{"questions":[{"id":"store","header":"Storage","question":"Where should the cache live?","options":[{"label":"On disk (Recommended)","description":"Survives restarts."},{"label":"In memory","description":"Fastest, lost on exit."}]}]}'
plan_answer='{"sse":[{"created":"r"},{"message":"x","deltas":["Here is the plan.\n<proposed_plan>\n# Add a cache\n- keep it in memory\n- test the misses\n</proposed","_plan>\n"]},{"completed":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}]}'

# /plan <text>: Plan mode (footer), the request carries the Plan instructions and the
# request_user_input tool with effort medium; the model's question is shown with its
# options, the choice goes back as the call's output and into a Questions cell; the
# <proposed_plan> becomes the plan cell, then "Implement this plan?": yes switches to
# Default (the footer says so) and sends upstream's message with Default's instructions.
test_plan_mode_question_plan_and_implement() {
	ws
	mock "[$(fc q1 request_user_input "$rui_args"),$plan_answer,$answer]"
	tui_start -c model_reasoning_effort=high
	wait_idle
	keys "/pl"
	wait_for "switch to Plan mode"
	keys "an design a cache" Enter
	wait_for "Question 1/1 (1 unanswered)"
	s=$(screen)
	expect_contains "$s" "Plan mode"
	expect_contains "$s" "Model changed to gpt-5.3-codex medium for Plan mode."
	expect_contains "$s" "Where should the cache live?"
	expect_contains "$s" "› 1. On disk (Recommended)  Survives restarts."
	expect_contains "$s" "2. In memory  Fastest, lost on exit."
	expect_contains "$s" "3. None of the above  Optionally, add details in notes (tab)."
	expect_contains "$s" "tab to add notes | enter to submit answer | esc to interrupt"
	snap plan-question
	# the first developer message says Default (upstream's TUI bundles it with the
	# permissions), then Plan's message comes before the prompt
	req_check 0 'b["input"][0]["content"][-1]["text"].startswith("<collaboration_mode># Collaboration Mode: Default") and b["input"][-2]["role"] == "developer" and "<collaboration_mode># Plan Mode" in dev and "request_user_input" in tools and b["reasoning"]["effort"] == "medium" and last_user == "design a cache"'
	keys Down Enter
	wait_for "Implement this plan?"
	s=$(screen)
	expect_contains "$s" "• Questions 1/1 answered"
	expect_contains "$s" "answer: In memory"
	expect_contains "$s" "• Proposed Plan"
	expect_contains "$s" "Add a cache"
	expect_contains "$s" "- keep it in memory"
	expect_not_contains "$s" "proposed_plan>"
	expect_contains "$s" "› 1. Yes, implement this plan  Switch to Default and start coding."
	expect_contains "$s" "2. No, stay in Plan mode     Continue planning with the model."
	snap plan-implement
	expect_eq "$(mock_call_output q1)" '{"answers":{"store":{"answers":["In memory"]}}}' "the answer the model got"
	keys Enter
	wait_for "All done."
	wait_idle
	s=$(screen)
	expect_contains "$s" "› Implement the plan."
	expect_not_contains "$s" "(shift+tab to cycle)"
	req_check 2 'last_user == "Implement the plan." and dev.count("<collaboration_mode>") == 3 and dev.rindex("<collaboration_mode># Collaboration Mode: Default") > dev.index("<collaboration_mode># Plan Mode")'
	expect_eq "$(mock_get 2 body.reasoning.effort)" "high" "effort back to the session's"
	expect_contains "$s" "Model changed to gpt-5.3-codex high for Default mode."
	rollout=$(cat "$T"/home/sessions/*/*/*/rollout-*.jsonl)
	expect_contains "$rollout" '"collaboration_mode_kind":"plan"'
	expect_contains "$rollout" '"collaboration_mode":{"mode":"plan"'
	expect_contains "$rollout" '"collaboration_mode_kind":"default"'
	quit_and_check_terminal
	# a resume shows the plan as its cell again
	tm kill-server
	rm -f "$T/rc"
	tui_start -r --last
	wait_for "All done."
	s=$(screen)
	expect_contains "$s" "• Proposed Plan"
	expect_not_contains "$s" "proposed_plan>"
	quit_and_check_terminal
}

# "No, stay in Plan mode" keeps the mode; Esc on a question interrupts the turn and the
# call is answered "aborted".
test_plan_mode_stay_and_esc_on_a_question() {
	ws
	mock "[$plan_answer,$(fc q2 request_user_input "$rui_args"),$answer]"
	tui_start
	wait_idle
	keys "/plan" Enter
	wait_for "Plan mode (shift+tab to cycle)"
	keys "plan it" Enter
	wait_for "Implement this plan?"
	keys Down Enter
	wait_gone "Implement this plan?"
	wait_for "Plan mode (shift+tab to cycle)"
	keys "more questions" Enter
	wait_for "Question 1/1 (1 unanswered)"
	keys Escape
	wait_for "Conversation interrupted"
	wait_gone "Question 1/1"
	req_check 1 'dev.count("<collaboration_mode>") == 2'
	keys "again" Enter
	wait_for "All done."
	expect_eq "$(mock_call_output q2)" "aborted" "the interrupted question's output"
	quit_and_check_terminal
}

# Two questions: a digit answers the first and moves on, Tab opens the notes line of the
# second, Enter sends both (the note as upstream's "user_note: ..." answer).
test_plan_mode_two_questions_with_a_note() {
	ws
	two='{"questions":[{"id":"lang","header":"Language","question":"Which language?","options":[{"label":"C","description":"Small."},{"label":"Rust","description":"Safe."}]},{"id":"tests","header":"Tests","question":"How much testing?","options":[{"label":"Unit","description":"Fast."},{"label":"End to end","description":"Real."}]}]}'
	mock "[$(fc q3 request_user_input "$two"),$answer]"
	tui_start -x 120
	wait_idle
	keys BTab
	wait_for "Plan mode (shift+tab to cycle)"
	keys "ask me" Enter
	wait_for "Question 1/2 (2 unanswered)"
	expect_contains "$(screen)" "tab to add notes | enter to submit answer | ←/→ to navigate questions | esc to interrupt"
	keys 2
	wait_for "Question 2/2 (1 unanswered)"
	expect_contains "$(screen)" "enter to submit all"
	keys Tab
	wait_for "Add notes"
	expect_contains "$(screen)" "tab or esc to clear notes | enter to submit all"
	keys "only the parser"
	wait_for "› only the parser"
	keys Enter
	wait_for "All done."
	s=$(screen)
	expect_contains "$s" "• Questions 2/2 answered"
	expect_contains "$s" "answer: Rust"
	expect_contains "$s" "answer: Unit"
	expect_contains "$s" "note: only the parser"
	expect_eq "$(mock_call_output q3)" '{"answers":{"lang":{"answers":["Rust"]},"tests":{"answers":["Unit","user_note: only the parser"]}}}' "the answers the model got"
	quit_and_check_terminal
}

# Shift+Tab cycles Default -> Plan -> Default (footer), `?` lists it, /collab picks a
# mode, /status shows it; /plan is disabled during a task, Shift+Tab does nothing then.
test_shift_tab_collab_picker_and_status() {
	ws
	mock "[$(fc c1 exec_command '{"cmd":"sleep 60","yield_time_ms":60000}'),$answer]"
	tui_start -x 140 -a never -s danger-full-access
	wait_idle
	expect_not_contains "$(screen)" "Plan mode"
	keys "?"
	wait_for "shift + tab to change mode"
	keys "?"
	wait_gone "shift + tab to change mode"
	# not while the slash popup is open
	keys "/co"
	wait_for "change collaboration mode (experimental)"
	keys BTab BSpace BSpace BSpace
	wait_gone "change collaboration mode (experimental)"
	expect_not_contains "$(screen)" "Plan mode"
	keys BTab
	wait_for "? for shortcuts · Plan mode (shift+tab to cycle)"
	snap plan-footer
	keys BTab
	wait_gone "Plan mode"
	keys "/collab" Enter
	wait_for "Select Collaboration Mode"
	s=$(screen)
	expect_contains "$s" "Pick a collaboration preset."
	expect_contains "$s" "1. Plan"
	expect_contains "$s" "› 2. Default (current)"
	keys 1
	wait_for "Plan mode (shift+tab to cycle)"
	keys "/status" Enter
	wait_for "Collaboration mode:   Plan"
	keys "wait" Enter
	wait_for "Running sleep 60"
	keys BTab
	keys "/plan" Enter
	wait_for "'/plan' is disabled while a task is in progress."
	expect_contains "$(screen)" "Plan mode"
	keys Escape
	wait_for "Conversation interrupted"
	wait_for "Plan mode (shift+tab to cycle)"
	# a new chat starts in Default mode, as upstream's
	keys "/new" Enter
	wait_gone "Plan mode"
	quit_and_check_terminal
}

test_without_a_terminal() {
	expect_status 1 env TERM=xterm "$CODEX" "hello" < /dev/null
	expect_eq "$(cat "$T/err")" "Error: stdin is not a terminal"
	expect_status 1 env TERM=dumb "$CODEX" "hello" < /dev/null
	expect_contains "$(cat "$T/err")" 'ERROR: TERM is set to "dumb". Refusing to start the interactive TUI because no terminal is available'
}

# TERM=dumb in a terminal: a warning and a question; no (the default) ends it, yes goes on.
test_dumb_terminal_asks_first() {
	ws
	mock "[$answer]"
	tui_start -t -e TERM=dumb
	wait_for "Continue anyway? [y/N]:"
	expect_contains "$(screen)" "Codex's interactive TUI may not work in this terminal."
	keys n Enter
	wait_exit
	expect_eq "$RC" 1 "exit status after no"
	tm kill-server
	rm -f "$T/rc"
	tui_start -t -e TERM=dumb
	wait_for "Continue anyway? [y/N]:"
	keys y Enter
	wait_for "% left"
	raw=$(tm capture-pane -p -e -t main)
	case "$raw" in *$'\e['*) fail "colour escapes under TERM=dumb" ;; esac
	quit_and_check_terminal
}

# /fast and /personality: each applies to the next request at once and is kept in
# config.toml. Fast mode goes out as the API's "priority" tier; a family with
# personalities carries the chosen one in its instructions, and a change mid-thread
# reaches the model as a <personality_spec> developer message (the instructions, the
# prompt cache's prefix, stay as they were).
test_fast_and_personality() {
	local cfg
	ws
	mock "[$answer,$answer]"
	tui_start
	wait_idle
	keys "hi" Enter
	wait_for "All done."
	wait_idle
	expect_contains "$(mock_get 0 body.instructions)" "# Personality"
	expect_contains "$(mock_get 0 body.instructions)" "Be concise, task-focused and direct."
	expect_eq "$(mock_get 0 body.service_tier)" "" "service tier by default"
	keys "/fa"
	wait_for "toggle Fast mode to enable fastest inference at 2X plan usage"
	keys Enter
	wait_for "Fast mode set to on"
	expect_contains "$(cat "$T/home/config.toml")" 'service_tier = "fast"'
	keys "/fast status" Enter
	wait_for "Fast mode is on."
	keys "/fast sideways" Enter
	wait_for "Usage: /fast [on|off|status]"
	keys "/personality" Enter
	wait_for "Select Personality"
	s=$(screen)
	expect_contains "$s" "Choose a communication style for Codex."
	expect_contains "$s" "Pragmatic (current)  Concise, task-focused, and direct."
	expect_contains "$s" "Friendly             Warm, collaborative, and helpful."
	snap personality
	keys 1
	wait_for "Personality set to Friendly"
	keys "again" Enter
	wait_for "› again"
	wait_idle
	expect_eq "$(mock_get 1 body.service_tier)" priority "Fast mode's tier"
	expect_eq "$(mock_get 1 body.instructions)" "$(mock_get 0 body.instructions)" "instructions kept"
	tail=$(input_tail 1 2)
	expect_contains "$tail" "message developer <personality_spec> The user has requested a new communication style."
	expect_contains "$tail" "Be warm, collaborative and encouraging."
	keys "/fast off" Enter
	wait_for "Fast mode set to off"
	cfg=$(cat "$T/home/config.toml")
	expect_not_contains "$cfg" "service_tier"
	expect_contains "$cfg" 'personality = "friendly"'
	expect_contains "$cfg" 'trust_level = "trusted"'
	quit_and_check_terminal
	# a model without personalities says so; with the features off the commands are gone
	tm kill-server
	rm -f "$T/rc"
	tui_start -m gpt-5.1-codex-mini --disable fast_mode
	wait_for "Introducing GPT-5.4" # the older model's successor is offered first
	keys 2
	wait_idle
	keys "/personality" Enter
	wait_for "Current model (gpt-5.1-codex-mini) doesn't support personalities. Try /model"
	keys "/fa"
	wait_for "/fa"
	expect_not_contains "$(screen)" "toggle Fast mode"
	keys C-u
	quit_and_check_terminal
}

# /experimental: upstream's toggle list (the JavaScript REPL, then Prevent sleep), saved
# to [features]; "Prevent sleep while running" holds a sleep inhibitor (systemd-inhibit,
# here a stand-in on PATH that records its arguments) for exactly as long as a turn runs.
test_experimental_prevent_sleep_while_running() {
	ws
	mkdir -p "$T/bin"
	# as the real one: the command after "--" runs, holding the lock
	printf '#!/bin/sh\necho "$*" > "%s/inhibit.args"\necho $$ > "%s/inhibit.pid"\nwhile [ "$1" != -- ]; do shift; done\nshift\nexec "$@"\n' "$T" "$T" > "$T/bin/systemd-inhibit"
	chmod +x "$T/bin/systemd-inhibit"
	mock "[$(blocking_call),$answer,$(blocking_call),$answer]"
	tui_start -e "PATH=$T/bin:$PATH" -a never -s danger-full-access
	wait_idle
	keys "/experimental" Enter
	wait_for "Experimental features"
	s=$(screen)
	expect_contains "$s" "Toggle experimental features. Changes are saved to config.toml."
	expect_contains "$s" "[ ] JavaScript REPL              Enable a persistent Node-backed JavaScript REPL"
	expect_contains "$s" "[ ] Guardian Approvals           When Codex needs approval"
	expect_contains "$s" "[ ] Prevent sleep while running  Keep your computer awake while Codex is running a thread."
	expect_contains "$s" "Press space to select or enter to save for next conversation"
	snap experimental
	keys Space
	wait_for "[x] JavaScript REPL"
	keys Down Down Space
	wait_for "[x] Prevent sleep while running"
	keys Enter
	wait_gone "Experimental features"
	expect_contains "$(cat "$T/home/config.toml")" $'[features]\njs_repl = true\nprevent_idle_sleep = true'
	[ -e "$T/inhibit.pid" ] && fail "an inhibitor runs with no turn"
	keys "work" Enter
	wait_for "Running while"
	for i in $(seq 1 $((WAIT * 10))); do [ -s "$T/inhibit.pid" ] && break; sleep 0.1; done
	expect_eq "$(cat "$T/inhibit.args")" "--what=idle --mode=block --who codex --why Codex is running an active turn -- cat" "the inhibitor's arguments"
	pid=$(cat "$T/inhibit.pid")
	kill -0 "$pid" 2>/dev/null || fail "the inhibitor is not running during the turn"
	touch "$T/ws/go"
	wait_for "All done."
	wait_idle
	for i in $(seq 1 $((WAIT * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && fail "the inhibitor outlived the turn"
	# codex killed outright mid-turn: the holder still ends (its lifeline closes)
	rm -f "$T/inhibit.pid" "$T/ws/go"
	keys "more" Enter
	for i in $(seq 1 $((WAIT * 10))); do [ -s "$T/inhibit.pid" ] && break; sleep 0.1; done
	pid=$(cat "$T/inhibit.pid")
	kill -0 "$pid" 2>/dev/null || fail "the inhibitor is not running during the second turn"
	kill -KILL "$(ps -o ppid= -p "$pid" | tr -d ' ')"
	for i in $(seq 1 $((WAIT * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && fail "the inhibitor outlived a killed codex"
	touch "$T/ws/go" # the orphaned command ends
}

# Guardian Approvals: the reviewer's answer for the mock (a reply with one assistant
# message holding the JSON), optionally held until a file exists.
guardian_verdict() { # LEVEL SCORE RATIONALE [UNTIL_FILE]
	local hold=
	[ -n "${4:-}" ] && hold=",\"until_file\":\"$4\""
	printf '{"sse":[{"created":"g"},{"message":"{\\"risk_level\\":\\"%s\\",\\"risk_score\\":%s,\\"rationale\\":\\"%s\\",\\"evidence\\":[]}"},{"completed":"g"}]%s}' "$1" "$2" "$3" "$hold"
}
escalated_call() { # CALL_ID COMMAND
	fc "$1" exec_command "{\"cmd\":\"$2\",\"sandbox_permissions\":\"require_escalated\",\"justification\":\"needed\"}"
}

# approvals_reviewer = "guardian_subagent": no approval prompt; while the reviewer works
# the status line says so with the command below it; its verdicts become history cells
# (upstream's wording) and warnings with the rationale.
test_guardian_review_status_and_cells() {
	ws
	mock "[$(escalated_call c1 'touch made.txt'),$(guardian_verdict low 10 'Requested by the user.' "$T/go"),$(escalated_call c2 'touch bad.txt'),$(guardian_verdict high 90 'Not needed for the task.'),$answer]"
	tui_start -a on-request -s workspace-write -c 'approvals_reviewer="guardian_subagent"' "run it"
	wait_for "Reviewing approval request"
	s=$(screen)
	expect_contains "$s" "└ touch made.txt"
	expect_not_contains "$s" "Would you like to run"
	snap guardian-reviewing
	touch "$T/go"
	wait_for "All done."
	s=$(screen)
	expect_contains "$s" "✔ Auto-reviewer approved codex to run touch made.txt this time"
	expect_contains "$s" "⚠ Automatic approval review approved (risk: low): Requested by the user."
	expect_contains "$s" "✗ Request denied for codex to run touch bad.txt"
	expect_contains "$s" "⚠ Automatic approval review denied (risk: high): Not needed for the task."
	expect_not_contains "$s" "Reviewing approval request"
	snap guardian-verdicts
	[ -e "$T/ws/made.txt" ] || fail "the approved command did not run"
	[ ! -e "$T/ws/bad.txt" ] || fail "the denied command ran"
	expect_eq "$(mock_count)" 5 "model requests"
	expect_eq "$(mock_get 1 headers.x-openai-subagent)" "guardian" "the reviewer request"
	quit_and_check_terminal
}

# Esc during a review interrupts the turn: the review is dropped (its request cancelled),
# the command never runs, and the status line leaves the review.
test_guardian_review_interrupted() {
	ws
	mock "[$(escalated_call c1 'touch made.txt'),$(guardian_verdict low 1 'fine' "$T/never"),$answer]"
	tui_start -a on-request -s workspace-write -c 'approvals_reviewer="guardian_subagent"' "run it"
	wait_for "Reviewing approval request"
	keys Escape
	wait_for "Conversation interrupted"
	wait_gone "Reviewing approval request"
	[ ! -e "$T/ws/made.txt" ] || fail "the command ran"
	expect_not_contains "$(screen)" "Auto-reviewer approved"
	quit_and_check_terminal
}

# An MCP tool call that would ask goes to the reviewer too (upstream's mcp_tool_call
# action, with the tool's description and annotations); refused, the model reads the user's refusal.
test_guardian_reviews_mcp_tool_call() {
	ws
	printf '[mcp_servers.srv]\ncommand = "python3"\nargs = ["%s", "--log", "%s"]\n' \
		"$CODEX_TOP/tests/servers/mock_mcp.py" "$T/mcp.log" >> "$T/home/config.toml"
	mock "[$(fc c1 mcp__srv__danger '{}'),$(guardian_verdict high 90 'Destructive tool.'),$answer]"
	tui_start -a on-request -s workspace-write -c 'approvals_reviewer="guardian_subagent"' "use the tool"
	wait_for "All done."
	s=$(screen)
	expect_contains "$s" "✗ Request denied for codex to call MCP tool srv.danger"
	expect_not_contains "$s" "Allow the srv MCP server"
	expect_not_contains "$(cat "$T/mcp.log")" '"tools/call"'
	expect_contains "$(mock_call_output c1)" "user rejected MCP tool call"
	python3 - "$MOCK_LOG" <<'PY' || fail "the reviewer was not sent the MCP action"
import json, sys
reqs = [r for r in map(json.loads, open(sys.argv[1])) if "end_of" not in r]
text = "".join(p["text"] for m in reqs[1]["body"]["input"] for p in m["content"])
assert '"tool": "mcp_tool_call"' in text and '"tool_name": "danger"' in text, text
assert '"tool_description": "Needs approval"' in text, text
PY
	quit_and_check_terminal
}

# /permissions with Guardian Approvals on (upstream 0.118's popup): a second Default
# that hands on-request approvals to the reviewer, current when the reviewer is on.
# Each choice saves approvals_reviewer to config.toml; /status still says Default.
test_permissions_guardian_approvals_preset() {
	ws
	printf '\n[features]\nguardian_approval = true\n' >> "$T/home/config.toml"
	mock "[$(escalated_call c1 'touch made.txt'),$(guardian_verdict low 5 'fine'),$answer,$(escalated_call c2 'touch asked.txt')]"
	tui_start -x 200 -a on-request -s workspace-write
	wait_idle
	keys "/permissions" Enter
	wait_for "Update Model Permissions"
	s=$(screen)
	expect_contains "$s" "› 1. Default (current)  Codex can read and edit files in the current workspace, and run commands. Approval is required to access the internet or edit other files."
	expect_contains "$s" "  2. Guardian Approvals  Same workspace-write permissions as Default, but eligible \`on-request\` approvals are routed through the guardian reviewer subagent."
	expect_contains "$s" "  3. Full Access  Codex can edit files outside this workspace and access the internet without asking for approval. Exercise caution when using."
	snap permissions-guardian
	keys Down Enter
	wait_for "Permissions updated to Guardian Approvals"
	expect_contains "$(cat "$T/home/config.toml")" 'approvals_reviewer = "guardian_subagent"'
	keys "/status" Enter
	wait_for "Permissions:          Default"
	# in effect at once: the escalation goes to the reviewer, not to the user
	keys "run it" Enter
	wait_for "All done."
	expect_contains "$(screen)" "Auto-reviewer approved codex to run touch made.txt this time"
	[ -e "$T/ws/made.txt" ] || fail "the approved command did not run"
	expect_eq "$(mock_get 1 headers.x-openai-subagent)" "guardian" "the reviewer request"
	wait_idle
	keys "/permissions" Enter
	wait_for "› 2. Guardian Approvals (current)"
	keys Up Enter
	wait_for "Permissions updated to Default"
	expect_contains "$(cat "$T/home/config.toml")" 'approvals_reviewer = "user"'
	# the user answers again
	keys "again" Enter
	wait_for "Would you like to run the following command?"
	expect_eq "$(mock_count)" 4 "model requests (no second review)"
	keys Escape
	wait_for "Conversation interrupted"
	quit_and_check_terminal
}

# Full Access in /permissions asks first, as upstream 0.118: nothing changes until the
# answer. Cancel comes back to the popup; "Yes, continue anyway" applies it and asks no
# more this session; "Yes, and don't ask again" also saves [notice]
# hide_full_access_warning = true, so the next session applies it at once.
test_permissions_full_access_confirmation() {
	ws
	mock "[$answer]"
	tui_start -a on-request -s workspace-write
	wait_idle
	keys "/permissions" Enter
	wait_for "Update Model Permissions"
	keys Down Enter
	wait_for "Enable full access?"
	s=$(screen)
	expect_contains "$s" "  When Codex runs with full access, it can edit any file on your computer and run"
	expect_contains "$s" "leaks, or unexpected behavior."
	expect_contains "$s" "› 1. Yes, continue anyway  Apply full access for this session"
	expect_contains "$s" "  2. Yes, and don't ask again  Enable full access and remember this choice"
	expect_contains "$s" "  3. Cancel  Go back without enabling full access"
	expect_not_contains "$s" "Permissions updated"
	expect_not_contains "$(cat "$T/home/config.toml")" "approvals_reviewer"
	snap full-access-confirmation
	keys 3
	wait_for "Update Model Permissions"
	expect_contains "$(screen)" "› 1. Default (current)"
	keys Escape
	wait_gone "Update Model Permissions"
	keys "/status" Enter
	wait_for "Permissions:          Default"
	keys "/permissions" Enter
	wait_for "Update Model Permissions"
	keys Down Enter
	wait_for "Enable full access?"
	keys Enter
	wait_for "Permissions updated to Full Access"
	expect_contains "$(cat "$T/home/config.toml")" 'approvals_reviewer = "user"'
	expect_not_contains "$(cat "$T/home/config.toml")" "hide_full_access_warning"
	# asked once a session: back to Default, then Full Access again without the question
	keys "/permissions" Enter
	wait_for "› 2. Full Access (current)"
	keys Up Enter
	wait_for "Permissions updated to Default"
	keys "/permissions" Enter
	wait_for "Update Model Permissions"
	keys Down Enter
	wait_gone "Update Model Permissions"
	expect_not_contains "$(screen)" "Enable full access?"
	keys "/status" Enter
	wait_for "Permissions:          Full Access"
	quit_and_check_terminal
	# not remembered: the next session asks again; this time for good
	tm kill-server
	rm -f "$T/rc"
	tui_start -a on-request -s workspace-write
	wait_idle
	keys "/permissions" Enter
	wait_for "Update Model Permissions"
	keys Down Enter
	wait_for "Enable full access?"
	keys 2
	wait_for "Permissions updated to Full Access"
	expect_contains "$(cat "$T/home/config.toml")" $'[notice]\nhide_full_access_warning = true'
	quit_and_check_terminal
	tm kill-server
	rm -f "$T/rc"
	tui_start -a on-request -s workspace-write
	wait_idle
	keys "/permissions" Enter
	wait_for "Update Model Permissions"
	keys Down Enter
	wait_for "Permissions updated to Full Access"
	expect_not_contains "$(screen)" "Enable full access?"
	quit_and_check_terminal
}

# /experimental's Guardian Approvals (upstream's name, description and place): turning
# it on saves the feature and upstream's matching permissions and applies them to the
# running session; turning it off hands approvals back to the user.
test_experimental_guardian_approvals() {
	ws
	mock "[$(escalated_call c1 'touch made.txt'),$(guardian_verdict low 5 'fine'),$answer]"
	tui_start -x 200 -a never -s read-only
	wait_idle
	keys "/experimental" Enter
	wait_for "Experimental features"
	s=$(screen)
	expect_contains "$s" "› [ ] JavaScript REPL"
	expect_contains "$s" "  [ ] Guardian Approvals           When Codex needs approval for higher-risk actions (e.g. sandbox escapes or blocked network access), route eligible"
	expect_contains "$s" "  [ ] Prevent sleep while running  Keep your computer awake while Codex is running a thread."
	keys Down Space
	wait_for "[x] Guardian Approvals"
	keys Enter
	wait_gone "Experimental features"
	wait_for "Permissions updated to Guardian Approvals"
	cfg=$(cat "$T/home/config.toml")
	expect_contains "$cfg" 'approvals_reviewer = "guardian_subagent"'
	expect_contains "$cfg" 'approval_policy = "on-request"'
	expect_contains "$cfg" 'sandbox_mode = "workspace-write"'
	expect_contains "$cfg" $'[features]\nguardian_approval = true'
	# In effect at once: the next escalation goes to the reviewer.
	keys "run it" Enter
	wait_for "All done."
	expect_contains "$(screen)" "Auto-reviewer approved codex to run touch made.txt this time"
	[ -e "$T/ws/made.txt" ] || fail "the approved command did not run"
	wait_idle
	keys "/experimental" Enter
	wait_for "[x] Guardian Approvals"
	keys Down Space Enter
	wait_for "Permissions updated to Default"
	cfg=$(cat "$T/home/config.toml")
	expect_not_contains "$cfg" "approvals_reviewer"
	expect_contains "$cfg" "guardian_approval = false"
	quit_and_check_terminal
}

# Turning Guardian Approvals off inside a profile while approvals_reviewer is set at the
# root is refused with upstream's message: the root's reviewer would stay in force. The
# other toggles still save; without the profile the same change goes through.
test_experimental_guardian_off_refused_in_profile() {
	ws
	# a root key goes before ws()'s tables
	{ printf 'approvals_reviewer = "guardian_subagent"\n'; cat "$T/home/config.toml"
	  printf '\n[features]\nguardian_approval = true\n\n[profiles.work]\nmodel_reasoning_effort = "high"\n'
	} > "$T/cfg" && mv "$T/cfg" "$T/home/config.toml"
	mock "[]"
	tui_start -x 200 -p work -a on-request -s workspace-write
	wait_idle
	keys "/experimental" Enter
	wait_for "[x] Guardian Approvals"
	keys Space Down Space
	wait_for "[ ] Guardian Approvals"
	keys Enter
	wait_for "Cannot disable Guardian Approvals in this profile because \`approvals_reviewer\` is configured outside the active profile."
	expect_not_contains "$(screen)" "Permissions updated"
	cfg=$(cat "$T/home/config.toml")
	expect_contains "$cfg" "guardian_approval = true"
	expect_contains "$cfg" "js_repl = true"
	expect_contains "$cfg" 'approvals_reviewer = "guardian_subagent"'
	keys "/experimental" Enter
	wait_for "[x] Guardian Approvals"
	keys Escape
	wait_gone "Experimental features"
	quit_and_check_terminal
	tm kill-server
	rm -f "$T/rc"
	tui_start -x 200 -a on-request -s workspace-write
	wait_idle
	keys "/experimental" Enter
	wait_for "[x] Guardian Approvals"
	keys Down Space Enter
	wait_for "Permissions updated to Default"
	expect_not_contains "$(screen)" "Cannot disable Guardian Approvals"
	expect_contains "$(cat "$T/home/config.toml")" "guardian_approval = false"
	quit_and_check_terminal
}

# /feedback: upstream's steps (category, logs or not, a note); the report is saved under
# $CODEX_HOME/feedback (there is no upload service): feedback.json and, when agreed, the
# session's rollout. [feedback] enabled = false turns it off.
test_feedback_saves_a_report() {
	local dir
	ws
	mock "[$answer]"
	tui_start
	wait_idle
	keys "hi" Enter
	wait_for "All done."
	wait_idle
	keys "/feedback" Enter
	wait_for "How was this?"
	s=$(screen)
	expect_contains "$s" "1. bug           Crash, error message, hang, or broken UI/behavior."
	expect_contains "$s" "5. other         Slowness, feature suggestion, UX feedback, or anything else."
	snap feedback
	keys 1
	wait_for "Include logs?"
	keys 1
	wait_for "Tell us more (bug)"
	expect_contains "$(screen)" "(optional) Write a short description to help us further"
	keys "it broke" Enter
	wait_for "Feedback saved to"
	dir=$(ls -d "$T"/home/feedback/*/)
	[ -n "$dir" ] || fail "no report directory"
	expect_eq "$(stat -c %a "$dir")" 700 "the report directory's mode"
	expect_eq "$(json_field "$dir/feedback.json" classification)" bug "classification"
	expect_eq "$(json_field "$dir/feedback.json" reason)" "it broke" "reason"
	expect_eq "$(json_field "$dir/feedback.json" include_logs)" true "include_logs"
	rollout=$(ls "$T"/home/sessions/*/*/*/rollout-*.jsonl)
	expect_eq "$(json_field "$dir/feedback.json" thread_id)" "$(head -1 "$rollout" | python3 -c 'import json,sys; print(json.load(sys.stdin)["payload"]["id"])')" "thread id"
	cmp -s "$rollout" "$dir/codex-logs.jsonl" || fail "the session log in the report is not the rollout"
	expect_contains "$(screen)" "Thread ID: "
	quit_and_check_terminal
	tm kill-server
	rm -f "$T/rc"
	tui_start -c feedback.enabled=false
	wait_idle
	keys "/feedback" Enter
	wait_for "Sending feedback is disabled"
	quit_and_check_terminal
}


# Syntax highlighting (codex-tui.md §7.1): a streamed ```rust block gets the theme's
# colours (catppuccin-mocha by default on a dark or unknown background; 256 colours
# here), its text intact; NO_COLOR gives none at all.
rust_answer='{"sse":[{"created":"r"},{"message":"x","deltas":["Here:\n```rust\nfn main() {\n    let n: u32 = 42; // the answer\n","    println!(\"{}\", n);\n}\n```\nDone."]},{"completed":{"total_tokens":3}}]}'
test_code_block_syntax_highlighting() {
	ws
	mock "[$rust_answer]"
	tui_start "show code"
	wait_for "Done."
	s=$(screen)
	expect_contains "$s" "fn main() {"
	expect_contains "$s" 'let n: u32 = 42; // the answer'
	expect_contains "$s" 'println!("{}", n);'
	expect_not_contains "$s" '```'
	raw=$(tm capture-pane -p -e -t main)
	# catppuccin-mocha at 256 colours: keyword mauve (183), type yellow (223), number
	# peach (216), comment overlay (103)
	expect_contains "$raw" $'\e[38;5;183mfn'
	expect_contains "$raw" $'\e[38;5;223mu32'
	expect_contains "$raw" $'\e[38;5;216m42'
	expect_contains "$raw" $'\e[38;5;103m// the answer'
	quit_and_check_terminal
}

test_code_block_no_color() {
	ws
	mock "[$rust_answer]"
	tui_start -e NO_COLOR=1 "show code"
	wait_for "Done."
	expect_contains "$(screen)" 'let n: u32 = 42; // the answer'
	raw=$(tm capture-pane -p -e -t main)
	case "$raw" in *$'\e['*) fail "colour escapes under NO_COLOR" ;; esac
	quit_and_check_terminal
}

# /theme (codex-tui.md §9): the picker lists the built-in themes and the valid custom
# ones, previews as the selection moves, Enter writes [tui] theme, which the next start
# applies; Esc puts the previous theme back and writes nothing.
test_slash_theme_picker_persists_and_applies() {
	ws
	mkdir -p "$T/home/themes"
	cat > "$T/home/themes/my-theme.tmTheme" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
<key>name</key><string>Mine</string>
<key>settings</key><array>
<dict><key>settings</key><dict><key>foreground</key><string>#FFFFFF</string></dict></dict>
<dict><key>scope</key><string>keyword</string><key>settings</key><dict><key>foreground</key><string>#FF0000</string></dict></dict>
</array></dict></plist>
XML
	printf 'not a plist' > "$T/home/themes/broken.tmTheme"
	mock "[$rust_answer,$rust_answer]"
	tui_start -y 40
	wait_idle
	keys "/the"
	wait_for "choose a syntax highlighting theme"
	keys Enter
	wait_for "Select Syntax Theme"
	s=$(screen)
	expect_contains "$s" "Type to filter themes..."
	expect_contains "$s" "catppuccin-mocha (current)"
	expect_contains "$s" "Press enter to confirm or esc to go back"
	# 100 columns: the wide preview beside the list
	expect_contains "$s" "fn summarize(users: &[User]) -> String {"
	# the subtitle naming the themes directory does not fit beside it: upstream's fallback
	expect_contains "$s" "Move up/down to live preview themes"
	snap theme_picker
	# the custom theme is listed; the broken one is not
	keys "my"
	wait_for "my-theme (custom)"
	expect_not_contains "$(screen)" "broken"
	keys BSpace BSpace
	wait_for "1. 1337"
	# Esc: nothing written
	keys Escape
	wait_gone "Select Syntax Theme"
	expect_not_contains "$(cat "$T/home/config.toml")" "theme"
	keys "/theme" Enter
	wait_for "Select Syntax Theme"
	keys "dracu"
	wait_for "1. dracula"
	# the live preview is painted with dracula: its keyword pink at 256 colours
	wait_for_raw $'\e[38;5;212mfn'
	keys Enter
	wait_gone "Select Syntax Theme"
	expect_contains "$(cat "$T/home/config.toml")" '[tui]'
	expect_contains "$(cat "$T/home/config.toml")" 'theme = "dracula"'
	expect_contains "$(cat "$T/home/config.toml")" "trust_level = \"trusted\""
	keys "show code" Enter
	wait_for "Done."
	expect_contains "$(tm capture-pane -p -e -t main)" $'\e[38;5;212mfn'
	quit_and_check_terminal
	# a restart applies it
	tm kill-server
	rm -f "$T/rc"
	tui_start "show code"
	wait_for "Done."
	expect_contains "$(tm capture-pane -p -e -t main)" $'\e[38;5;212mfn'
	quit_and_check_terminal
}

# A custom theme chosen in the picker, then applied at start; a theme that does not
# exist gives upstream's warning and the default.
test_custom_theme_applies_and_unknown_warns() {
	ws
	mkdir -p "$T/home/themes"
	cat > "$T/home/themes/my-theme.tmTheme" <<'XML'
<plist version="1.0"><dict><key>settings</key><array>
<dict><key>settings</key><dict><key>foreground</key><string>#FFFFFF</string></dict></dict>
<dict><key>scope</key><string>keyword</string><key>settings</key><dict><key>foreground</key><string>#FF0000</string></dict></dict>
</array></dict></plist>
XML
	printf '[tui]\ntheme = "my-theme"\n' >> "$T/home/config.toml"
	mock "[$rust_answer]"
	tui_start "show code"
	wait_for "Done."
	# pure red is 196 in the 256-colour cube
	expect_contains "$(tm capture-pane -p -e -t main)" $'\e[38;5;196mfn'
	quit_and_check_terminal
	tm kill-server
	rm -f "$T/rc"
	sed -i 's/my-theme/no-such-theme/' "$T/home/config.toml"
	tui_start -x 80
	wait_for 'Theme "no-such-theme" not found. Using the default theme.'
	# 80 columns: the narrow preview under the list
	keys "/theme" Enter
	wait_for "Select Syntax Theme"
	expect_contains "$(screen)" "fn greet(name: &str) -> String {"
	expect_contains "$(screen)" "Custom .tmTheme files can be added to the ~/themes directory."
	keys "my"
	wait_for "1. my-theme (custom)"
	keys Escape
	wait_gone "Select Syntax Theme"
	quit_and_check_terminal
}

# A patch cell's code is highlighted by the file's extension.
test_patch_diff_is_highlighted() {
	ws
	patch='*** Begin Patch\n*** Add File: hello.py\n+def hello():\n+    return 42\n*** End Patch\n'
	mock "[{\"sse\":[{\"created\":\"r\"},{\"custom_tool_call\":{\"call_id\":\"p1\",\"name\":\"apply_patch\",\"input\":\"$patch\"}},{\"completed\":\"r\"}]},$answer]"
	tui_start -a never -s danger-full-access "add it"
	wait_for "All done."
	expect_contains "$(screen)" "def hello():"
	# catppuccin-mocha: "def" mauve, 42 peach, on the added line's tint
	raw=$(tm capture-pane -p -e -t main)
	expect_contains "$raw" $'\e[38;5;183mdef'
	expect_contains "$raw" $'\e[38;5;216m42'
	quit_and_check_terminal
}

# wait_for_raw BYTES: until the screen with its escapes holds BYTES.
wait_for_raw() {
	local i
	for i in $(seq 1 $((WAIT * 10))); do
		case "$(tm capture-pane -p -e -t main)" in *"$1"*) return 0 ;; esac
		sleep 0.1
	done
	echo "--- screen:"; tm capture-pane -p -e -t main | cat -v
	fail "[$(printf '%q' "$1")] never appeared on screen"
}

run_tests
