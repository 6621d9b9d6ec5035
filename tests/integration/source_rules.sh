# House rules that machines check (STYLE.md): banned calls, and every fd-creating call
# in our code carrying CLOEXEC (cloexec_rule.py), with the rule's own self-tests.
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

# The CLOEXEC rule lives in cloexec_rule.py (which calls it checks and why).
cloexec_rule() { (cd "$CODEX_TOP" && python3 tests/integration/cloexec_rule.py "$@"); }

test_fd_calls_use_cloexec() {
	local hits
	hits=$(cloexec_rule $(our_sources)) ||
		fail "fd-creating calls without CLOEXEC (add it, or a 'codex-lint: no-cloexec <why>'
comment saying why the fd must be inherited):
$hits"
}

# The rule itself: each fd-creating call, written without its flag, is caught.
test_cloexec_rule_catches_every_call() {
	cat > "$T/bad.c" <<'EOF_C'
void f(void)
{
	fd = open(p, O_RDONLY);
	fd = openat(AT_FDCWD, p, O_RDONLY);
	fd = creat(p, 0600);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	r = socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	fd = accept(l, NULL, NULL);
	fd = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	r = pipe(fds);
	r = pipe2(fds, O_NONBLOCK);
	fd = dup(0);
	fd = dup2(a, b);
	fd = dup3(a, b, 0);
	fd = fcntl(a, F_DUPFD, 3);
	r = fcntl(a, F_SETFD, 0);
	fd = eventfd(0, EFD_NONBLOCK);
	fd = signalfd(-1, &mask, SFD_NONBLOCK);
	fd = timerfd_create(CLOCK_MONOTONIC, 0);
	fd = epoll_create(1);
	fd = epoll_create1(0);
	fd = inotify_init();
	fd = inotify_init1(IN_NONBLOCK);
	fd = memfd_create("x", 0);
	fd = open_tree(AT_FDCWD, p, OPEN_TREE_CLONE);
	fd = lx_open_tree(AT_FDCWD, p,
			  LX_OPEN_TREE_CLONE | AT_RECURSIVE);
	fd = (int)syscall(SYS_open_tree, AT_FDCWD, p, 0);
	fd = fsopen("proc", 0);
	fd = mkstemp(tmpl);
	fd = posix_openpt(O_RDWR | O_NOCTTY);
	n = recvmsg(s, &msg, 0);
	f = fopen(p, "r");
	f = popen(cmd, "w");
}
EOF_C
	local out got want
	out=$(cloexec_rule "$T/bad.c") && fail "the rule passed bad.c"
	got=$(echo "$out" | sed -E 's/^[^:]*:([0-9]+): ([a-z_0-9]+):.*/\1 \2/')
	# Every line that opens a call must be reported, under the call's name.
	want=$(awk 'NR > 2 && /\(/ {
		if (match($0, /SYS_[a-z_0-9]+/)) s = substr($0, RSTART + 4, RLENGTH - 4)
		else { match($0, /[a-z_0-9]+\(/); s = substr($0, RSTART, RLENGTH - 1) }
		print NR, s }' "$T/bad.c")
	expect_eq "$got" "$want" "calls caught (line call)"
}

# And the same calls written right pass: flags on the next line, a no-cloexec note, and
# names in comments or strings are not calls.
test_cloexec_rule_passes_correct_calls() {
	cat > "$T/good.c" <<'EOF_C'
/* open(p, O_RDONLY) in a comment is not a call; neither is pipe(fds) here */
int lx_open_tree(int dfd, const char *path, unsigned flags);
void f(void)
{
	fd = open(p, O_RDONLY |
		     O_CLOEXEC);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	r = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	fd = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	r = pipe2(fds, O_CLOEXEC);
	fd = dup3(a, b, O_CLOEXEC);
	fd = fcntl(a, F_DUPFD_CLOEXEC, 3);
	r = fcntl(a, F_SETFD, FD_CLOEXEC);
	fd = eventfd(0, EFD_CLOEXEC);
	fd = signalfd(-1, &mask, SFD_CLOEXEC);
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	fd = epoll_create1(EPOLL_CLOEXEC);
	fd = inotify_init1(IN_CLOEXEC);
	fd = memfd_create("x", MFD_CLOEXEC);
	fd = open_tree(AT_FDCWD, p, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	fd = mkostemp(tmpl, O_CLOEXEC);
	n = recvmsg(s, &msg, MSG_CMSG_CLOEXEC);
	f = fopen(p, "re");
	err_set(e, "cannot open(%s)", p);
	/* codex-lint: no-cloexec: the child's stdin */
	r = dup2(null, 0);
	fd = pidfd_open(pid, 0); /* always close-on-exec */
}
EOF_C
	local got
	got=$(cloexec_rule "$T/good.c") || fail "the rule refused correct calls:
$got"
}

run_tests
