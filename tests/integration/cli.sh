# The multicall binary: version, help, dispatch by name, usage errors.
. "$(dirname "$0")/lib.sh"

test_version() {
	out=$("$CODEX" --version)
	expect_eq "$out" "codex-cli $(sed -n 's/^VERSION := //p' "$CODEX_TOP/Makefile")"
	expect_eq "$("$CODEX" -V)" "$out"
}

test_help_lists_commands_and_options() {
	out=$("$CODEX" --help)
	expect_contains "$out" "Usage: codex [OPTIONS] <COMMAND>"
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

test_unknown_subcommand_is_a_usage_error() {
	expect_status 2 "$CODEX" no-such-command
	expect_contains "$(cat "$T/err")" "codex: error: unrecognized subcommand 'no-such-command'"
	expect_eq "$(cat "$T/out")" "" "stdout"
}

test_unknown_flag_is_a_usage_error() {
	expect_status 2 "$CODEX" --no-such-flag
	expect_contains "$(cat "$T/err")" "unexpected argument '--no-such-flag'"
	expect_status 2 "$CODEX" -c
	expect_contains "$(cat "$T/err")" "-c needs a value"
}

test_no_arguments_prints_help_and_fails() {
	expect_status 2 "$CODEX"
	expect_contains "$(cat "$T/out")" "Usage: codex"
}

run_tests
