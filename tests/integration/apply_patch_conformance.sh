#!/bin/bash
# Upstream's apply_patch scenarios, read from $CONFORMANCE/apply_patch/ at test time (never
# copied into the repo). Each scenario runs the way upstream's runner does: copy input/ into
# a fresh directory, run `apply_patch "<patch.txt>"` there (the binary through a symlink
# named apply_patch), ignore exit status and output, then compare the whole tree with
# expected/ (the set of files and directories, and every file's bytes).
#   preserve mode (CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS=1): every scenario
#   default mode: 001-022 (023/024 hold CR/CRLF files and need preserve mode)
# One ok/not ok line per scenario and mode, then the counts.
source "$(dirname "$0")/lib.sh"

scenarios=$CONFORMANCE/apply_patch
work=$(mktemp -d "${TMPDIR:-/tmp}/codex-conf-XXXXXX")
trap 'rm -rf "$work"' EXIT
ln -s "$CODEX" "$work/apply_patch"

# "<type> <path>" for everything below $1, sorted; empty for a missing directory.
tree_listing() {
	[ -d "$1" ] || return 0
	(cd "$1" && find . -mindepth 1 -printf '%y %p\n' | LC_ALL=C sort)
}

# Compares tree $1 with the expected tree $2; prints what differs.
same_tree() {
	local got want f
	got=$(tree_listing "$1")
	want=$(tree_listing "$2")
	if [ "$got" != "$want" ]; then
		diff <(echo "$want") <(echo "$got") | sed 's/^/# tree: /' | head -20
		return 1
	fi
	while read -r type f; do
		[ "$type" = f ] || continue
		if ! cmp -s "$1/$f" "$2/$f"; then
			echo "# content differs: $f"
			diff <(od -c "$2/$f") <(od -c "$1/$f") | head -10 | sed 's/^/#   /'
			return 1
		fi
	done <<< "$got"
}

# run_scenario DIR MODE: prints the ok/not ok line; returns 0 when it passed.
run_scenario() {
	local dir=$1 mode=$2 name t patch
	name=$(basename "$dir")
	t=$work/$mode-$name
	mkdir -p "$t"
	[ -d "$dir/input" ] && cp -a "$dir/input/." "$t/"
	# The patch exactly as in the file, trailing newlines included.
	patch=$(cat "$dir/patch.txt"; printf x)
	patch=${patch%x}
	if [ "$mode" = preserve ]; then
		(cd "$t" && CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS=1 "$work/apply_patch" "$patch") \
			> "$t.out" 2>&1
	else
		(cd "$t" && env -u CODEX_APPLY_PATCH_PRESERVE_LINE_ENDINGS "$work/apply_patch" "$patch") \
			> "$t.out" 2>&1
	fi
	if diffs=$(same_tree "$t" "$dir/expected"); then
		echo "ok - apply_patch_conformance: $mode $name"
		return 0
	fi
	echo "not ok - apply_patch_conformance: $mode $name"
	echo "$diffs"
	sed 's/^/# output: /' "$t.out" | head -5
	return 1
}

if [ ! -d "$scenarios" ]; then
	echo "not ok - apply_patch_conformance: no scenarios in $scenarios"
	exit 1
fi
pass_preserve=0 total_preserve=0 pass_default=0 total_default=0
for dir in "$scenarios"/*/; do
	dir=${dir%/}
	name=$(basename "$dir")
	total_preserve=$((total_preserve + 1))
	run_scenario "$dir" preserve && pass_preserve=$((pass_preserve + 1))
	case "$name" in
	023_* | 024_*) continue ;;
	esac
	total_default=$((total_default + 1))
	run_scenario "$dir" default && pass_default=$((pass_default + 1))
done
echo "# conformance: preserve mode $pass_preserve/$total_preserve, default mode $pass_default/$total_default"
