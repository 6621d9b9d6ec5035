#!/bin/bash
# apply_patch's invocation surfaces: argv[0] apply_patch / applypatch (argument or stdin),
# `codex apply_patch`, `codex --codex-run-as-apply-patch`; their exact stdout/stderr and
# exit codes (0 applied, 1 failed, 2 usage).
source "$(dirname "$0")/lib.sh"

PATCH_ADD=$'*** Begin Patch\n*** Add File: file.txt\n+hello\n*** End Patch\n'
PATCH_UPDATE=$'*** Begin Patch\n*** Update File: file.txt\n@@\n-hello\n+world\n*** End Patch\n'

# Links the binary under the role names into $T/bin.
roles() {
	mkdir -p "$T/bin"
	ln -sf "$CODEX" "$T/bin/apply_patch"
	ln -sf "$CODEX" "$T/bin/applypatch"
	mkdir -p "$T/w"
	cd "$T/w"
}

test_argv_add_then_update() {
	roles
	expect_status 0 "$T/bin/apply_patch" "$PATCH_ADD"
	expect_eq "$(cat "$T/out")" $'Success. Updated the following files:\nA file.txt'
	expect_eq "$(cat "$T/err")" ""
	expect_eq "$(cat file.txt)" "hello"
	expect_status 0 "$T/bin/apply_patch" "$PATCH_UPDATE"
	expect_eq "$(cat "$T/out")" $'Success. Updated the following files:\nM file.txt'
	expect_eq "$(cat file.txt)" "world"
}

test_stdin_add_then_update() {
	roles
	printf '%s' "$PATCH_ADD" | "$T/bin/apply_patch" > "$T/out" 2> "$T/err"
	expect_eq "$(cat "$T/out")" $'Success. Updated the following files:\nA file.txt'
	printf '%s' "$PATCH_UPDATE" | "$T/bin/apply_patch" > "$T/out"
	expect_eq "$(cat "$T/out")" $'Success. Updated the following files:\nM file.txt'
	expect_eq "$(cat file.txt)" "world"
}

test_applypatch_alias() {
	roles
	expect_status 0 "$T/bin/applypatch" "$PATCH_ADD"
	printf '%s' "$PATCH_UPDATE" | "$T/bin/applypatch" > /dev/null
	expect_eq "$(cat file.txt)" "world"
}

test_other_names_are_the_cli() {
	roles
	ln -sf "$CODEX" "$T/bin/apply-patch"
	# A word that is no subcommand is the interactive agent's prompt, as upstream's
	# `codex PROMPT`; without a terminal it stops there.
	TERM=xterm expect_status 1 "$T/bin/apply-patch" "$PATCH_ADD" < /dev/null
	expect_contains "$(cat "$T/err")" "stdin is not a terminal"
	[ ! -e file.txt ] || fail "the CLI applied a patch"
}

test_codex_subcommand() {
	roles
	expect_status 0 "$CODEX" apply_patch "$PATCH_ADD"
	expect_eq "$(cat "$T/out")" $'Success. Updated the following files:\nA file.txt'
	printf '%s' "$PATCH_UPDATE" | "$CODEX" apply_patch > "$T/out"
	expect_eq "$(cat file.txt)" "world"
	expect_status 0 "$CODEX" apply_patch --help
	expect_contains "$(cat "$T/out")" "Usage: codex apply_patch"
	expect_status 2 "$CODEX" apply_patch < /dev/null
	expect_contains "$(cat "$T/err")" "Usage: apply_patch 'PATCH'"
}

test_run_as_flag() {
	roles
	# The patch comes from argv[2] only; stdin is not read, extra arguments are ignored.
	echo "not a patch" | "$CODEX" --codex-run-as-apply-patch "$PATCH_ADD" extra > "$T/out" 2> "$T/err"
	expect_eq "$(cat "$T/out")" $'Success. Updated the following files:\nA file.txt'
	expect_status 1 "$CODEX" --codex-run-as-apply-patch
	expect_eq "$(cat "$T/err")" "Error: --codex-run-as-apply-patch requires a UTF-8 PATCH argument."
	expect_status 1 "$CODEX" --codex-run-as-apply-patch $'\xff'
	expect_eq "$(cat "$T/err")" "Error: --codex-run-as-apply-patch requires a UTF-8 PATCH argument."
	expect_status 1 "$CODEX" --codex-run-as-apply-patch "$PATCH_ADD$PATCH_UPDATE"
	expect_contains "$(cat "$T/err")" "Invalid patch"
}

test_usage_errors() {
	roles
	expect_status 2 "$T/bin/apply_patch" < /dev/null
	expect_eq "$(cat "$T/err")" $'Usage: apply_patch \'PATCH\'\n       echo \'PATCH\' | apply_patch'
	expect_eq "$(cat "$T/out")" ""
	expect_status 2 "$T/bin/apply_patch" "$PATCH_ADD" second
	expect_eq "$(cat "$T/err")" "Error: apply_patch accepts exactly one argument."
	expect_status 1 "$T/bin/apply_patch" $'\xff' second
	expect_eq "$(cat "$T/err")" "Error: apply_patch requires a UTF-8 PATCH argument."
	expect_status 1 "$T/bin/apply_patch" $'*** Begin Patch\n*** Add File: x\n+\xc0\xaf\n*** End Patch'
	expect_eq "$(cat "$T/err")" "Error: apply_patch requires a UTF-8 PATCH argument."
	printf '\xff\xfe' > "$T/bad"
	expect_status 1 "$T/bin/apply_patch" < "$T/bad"
	expect_eq "$(cat "$T/err")" $'Error: Failed to read PATCH from stdin.\nstream did not contain valid UTF-8'
	expect_status 1 "$T/bin/apply_patch" < "$T"
	expect_eq "$(cat "$T/err")" $'Error: Failed to read PATCH from stdin.\nIs a directory (os error 21)'
	# An empty argument is a patch, not a usage error.
	expect_status 1 "$T/bin/apply_patch" ""
	expect_eq "$(cat "$T/err")" "Invalid patch: The last line of the patch must be '*** End Patch'"
	[ -z "$(ls -A)" ] || fail "files were created: $(ls -A)"
}

test_failure_messages_and_exit_codes() {
	roles
	local abs
	abs=$(pwd -P)
	printf 'line1\nline2\n' > modify.txt
	expect_status 1 "$T/bin/apply_patch" $'*** Begin Patch\n*** End Patch'
	expect_eq "$(cat "$T/err")" "No files were modified."
	expect_status 1 "$T/bin/apply_patch" $'*** Begin Patch\n*** Update File: modify.txt\n@@\n-missing\n+x\n*** End Patch'
	expect_eq "$(cat "$T/err")" "Failed to find expected lines in $abs/modify.txt:"$'\n'"missing"
	expect_eq "$(cat "$T/out")" ""
	expect_status 1 "$T/bin/apply_patch" $'*** Begin Patch\n*** Delete File: missing.txt\n*** End Patch'
	expect_eq "$(cat "$T/err")" "Failed to delete file $abs/missing.txt"
	expect_status 1 "$T/bin/apply_patch" $'*** Begin Patch\n*** Update File: missing.txt\n@@\n-a\n+b\n*** End Patch'
	expect_eq "$(cat "$T/err")" "Failed to read file to update $abs/missing.txt: No such file or directory (os error 2)"
	expect_status 1 "$T/bin/apply_patch" $'*** Begin Patch\n*** Frobnicate File: foo\n*** End Patch'
	expect_eq "$(cat "$T/err")" "Invalid patch hunk on line 2: '*** Frobnicate File: foo' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'"
	expect_status 1 "$T/bin/apply_patch" $'*** Begin Patch\n*** Update File: foo.txt\n*** End Patch'
	expect_eq "$(cat "$T/err")" "Invalid patch hunk on line 2: Update file hunk for path 'foo.txt' is empty"
	expect_status 1 "$T/bin/apply_patch" "garbage"
	expect_eq "$(cat "$T/err")" "Invalid patch: The first line of the patch must be '*** Begin Patch'"
	expect_eq "$(cat modify.txt)" $'line1\nline2'
}

test_failure_after_partial_success_prints_nothing_on_stdout() {
	roles
	expect_status 1 "$T/bin/apply_patch" $'*** Begin Patch\n*** Add File: created.txt\n+hello\n*** Update File: missing.txt\n@@\n-old\n+new\n*** End Patch'
	expect_eq "$(cat "$T/out")" ""
	expect_eq "$(cat created.txt)" "hello"
}

test_large_patch_through_stdin() {
	roles
	# A single argument is capped by the kernel (MAX_ARG_STRLEN, 128 KiB); stdin is not.
	python3 -c '
import sys
sys.stdout.write("*** Begin Patch\n*** Add File: big.txt\n")
for i in range(100000):
    sys.stdout.write("+line %06d of a patch too large for argv\n" % i)
sys.stdout.write("*** End Patch\n")' > "$T/big.patch"
	[ "$(stat -c %s "$T/big.patch")" -gt 4000000 ] || fail "patch too small"
	if "$T/bin/apply_patch" "$(cat "$T/big.patch")" 2> "$T/argv.err"; then
		fail "the kernel accepted a 4 MB argument"
	fi
	expect_contains "$(cat "$T/argv.err")" "Argument list too long"
	"$T/bin/apply_patch" < "$T/big.patch" > "$T/out"
	expect_eq "$(cat "$T/out")" $'Success. Updated the following files:\nA big.txt'
	expect_eq "$(wc -l < big.txt)" 100000
	expect_eq "$(sed -n 100000p big.txt)" "line 099999 of a patch too large for argv"
}

test_stdin_arriving_byte_at_a_time() {
	roles
	printf 'a\nb\n' > f.txt
	python3 -c '
import sys, time
data = b"*** Begin Patch\r\n*** Update File: f.txt\r\n@@\r\n a\r\n-b\r\n+B\r\n*** End Patch\r\n"
for i in range(len(data)):
    sys.stdout.buffer.write(data[i:i+1]); sys.stdout.buffer.flush()
    if i % 7 == 0: time.sleep(0.002)' | "$T/bin/apply_patch" > "$T/out"
	expect_eq "$(cat "$T/out")" $'Success. Updated the following files:\nM f.txt'
	expect_eq "$(cat f.txt)" $'a\nB'
}

test_preserve_line_endings_env_needs_exactly_1() {
	roles
	local patch=$'*** Begin Patch\n*** Update File: crlf.txt\n@@\n-two\n+TWO\n*** End Patch'
	printf 'one\r\ntwo\r\n' > crlf.txt
	CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS=1 "$T/bin/apply_patch" "$patch" > /dev/null
	expect_eq "$(od -An -c crlf.txt | tr -s ' ')" " o n e \r \n T W O \r \n"
	printf 'one\r\ntwo\r\n' > crlf.txt
	CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS=true "$T/bin/apply_patch" "$patch" > /dev/null
	expect_eq "$(od -An -c crlf.txt | tr -s ' ')" " o n e \r \n T W O \n"
}

test_heredoc_wrapped_patch() {
	roles
	expect_status 0 "$T/bin/apply_patch" $'<<\'EOF\'\n*** Begin Patch\n*** Add File: h.txt\n+heredoc\n*** End Patch\nEOF\n'
	expect_eq "$(cat h.txt)" "heredoc"
}

test_deleted_working_directory() {
	roles
	mkdir gone
	cd gone
	rmdir ../gone
	expect_status 1 "$T/bin/apply_patch" "$PATCH_ADD"
	expect_eq "$(cat "$T/err")" $'Error: Failed to determine current directory.\nNo such file or directory (os error 2)'
	expect_eq "$(cat "$T/out")" ""
}

test_relative_cwd_and_parent_paths() {
	roles
	mkdir -p sub/inner
	cd sub/inner
	expect_status 0 "$T/bin/apply_patch" $'*** Begin Patch\n*** Add File: ../../up.txt\n+x\n*** End Patch'
	expect_eq "$(cat "$T/w/up.txt")" "x"
	expect_eq "$(cat "$T/out")" $'Success. Updated the following files:\nA ../../up.txt'
}

run_tests
