# The multicall binary: version, help, dispatch by name, usage errors.
. "$(dirname "$0")/lib.sh"

test_version() {
	out=$("$CODEX" --version)
	expect_eq "$out" "codex-cli $(sed -n 's/^VERSION := //p' "$CODEX_TOP/Makefile")"
	expect_eq "$("$CODEX" -V)" "$out"
}

test_help_lists_commands_and_options() {
	out=$("$CODEX" --help)
	expect_contains "$out" "Usage: codex [OPTIONS] [PROMPT]"
	expect_contains "$out" "       codex [OPTIONS] <COMMAND>"
	expect_contains "$out" "--config <key=value>"
	expect_eq "$("$CODEX" -h)" "$out"
}

test_static_binary() {
	[ -n "${CODEX_CHECK:-}" ] && return 0 # the sanitizer build is dynamic by nature
	expect_contains "$(file "$CODEX")" "statically linked"
}

test_renamed_copy_behaves_as_codex() {
	cp "$CODEX" "$T/mytool"
	out=$("$T/mytool" --version)
	expect_contains "$out" "codex-cli "
	ln -s "$CODEX" "$T/other-name"
	expect_contains "$("$T/other-name" --help)" "Usage: codex"
}

# A word that names no subcommand is the interactive agent's prompt (as upstream), and
# the interactive agent needs a terminal.
test_unknown_word_is_a_prompt_that_needs_a_terminal() {
	# An ordinary terminal type: under TERM=dumb the TUI refuses for that reason first.
	TERM=xterm expect_status 1 "$CODEX" no-such-command < /dev/null
	expect_eq "$(cat "$T/err")" "Error: stdin is not a terminal" stderr
	expect_eq "$(cat "$T/out")" "" "stdout"
}

test_unknown_flag_is_a_usage_error() {
	expect_status 2 "$CODEX" --no-such-flag
	expect_contains "$(cat "$T/err")" "unexpected argument '--no-such-flag'"
	expect_status 2 "$CODEX" -c
	expect_contains "$(cat "$T/err")" "-c needs a value"
}

# A valued option at the end of the line is a usage error (exit 2, one message), never
# an unset value used: each agent option of exec and of the interactive UI.
test_missing_option_value_is_a_usage_error() {
	local opt
	for opt in -m --model -s --sandbox -C --cd -i --image --add-dir --local-provider -o \
		--output-last-message --output-schema --color; do
		expect_status 2 "$CODEX" exec "$opt" < /dev/null
		expect_eq "$(cat "$T/err")" "codex: error: $opt needs a value
Try 'codex --help' for more information." "exec $opt"
	done
	for opt in -m -s -a --ask-for-approval -C -i --add-dir; do
		expect_status 2 "$CODEX" "$opt" < /dev/null
		expect_eq "$(cat "$T/err")" "codex: error: $opt needs a value
Try 'codex --help' for more information." "codex $opt"
	done
	expect_status 2 "$CODEX" --local-provider x < /dev/null
	expect_contains "$(cat "$T/err")" "unexpected argument '--local-provider'"
	expect_status 2 "$CODEX" exec -a never x < /dev/null
	expect_contains "$(cat "$T/err")" "unexpected argument '-a'"
}

test_no_arguments_without_a_terminal_fails() {
	TERM=xterm expect_status 1 "$CODEX" < /dev/null
	expect_eq "$(cat "$T/err")" "Error: stdin is not a terminal" stderr
	# Under TERM=dumb it says why it will not start instead (as upstream).
	TERM=dumb expect_status 1 "$CODEX" < /dev/null
	expect_contains "$(cat "$T/err")" 'TERM is set to "dumb"' "dumb terminal"
}

run_tests
