# House rules that machines check (STYLE.md): banned calls, and every fd-creating call
# in our code carrying CLOEXEC.
. "$(dirname "$0")/lib.sh"

our_sources() { (cd "$CODEX_TOP" && find src sandbox -name '*.[ch]' | sort); }

test_no_banned_calls() {
	# gets, strtok (not reentrant; strtok_r is fine), sprintf/vsprintf (unbounded),
	# strcat/strcpy (unbounded), localtime (not thread-safe; localtime_r is fine).
	hits=$(cd "$CODEX_TOP" && our_sources | xargs grep -nE \
		'(^|[^_a-z])(gets|strtok|sprintf|vsprintf|strcat|strcpy|localtime)[[:space:]]*\(' || true)
	[ -z "$hits" ] || fail "banned calls:
$hits"
}

test_open_calls_use_cloexec() {
	# open/openat/socket/pipe/accept/dup/fopen without CLOEXEC leak fds into the
	# commands the sandbox and agent run.
	hits=$(cd "$CODEX_TOP" && our_sources | xargs grep -nE \
		'(^|[^_a-z])(open|openat|socket|accept|pipe|dup)[[:space:]]*\(' |
		grep -vE 'CLOEXEC|cloexec|^[^:]*:[0-9]+:[[:space:]]*(\*|/\*)' |
		grep -v 'codex-lint: no-cloexec' || true)
	[ -z "$hits" ] || fail "fd-creating calls without CLOEXEC (add it, or a 'codex-lint: no-cloexec' comment saying why):
$hits"
	hits=$(cd "$CODEX_TOP" && our_sources | xargs grep -nE 'fopen[[:space:]]*\([^)]*"[rwa]\+?"' || true)
	[ -z "$hits" ] || fail "fopen without the \"e\" (O_CLOEXEC) mode flag:
$hits"
}

run_tests
