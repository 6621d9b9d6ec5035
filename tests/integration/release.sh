# The release archive: upstream's naming, one entry, checksums, and a binary that runs
# on a machine with nothing else on it.
. "$(dirname "$0")/lib.sh"

test_release_archive_runs_on_an_empty_machine() {
	DIST=$T/dist "$CODEX_TOP/release/make-release.sh" 0 >/dev/null
	expect_eq "$(tar tzf "$T/dist/codex-x86_64-unknown-linux-musl.tar.gz")" "codex-x86_64-unknown-linux-musl"
	mkdir "$T/root"
	tar xzf "$T/dist/codex-x86_64-unknown-linux-musl.tar.gz" -C "$T/root"
	# SHA256SUMS covers the archive and the binary inside it.
	cp "$T/root/codex-x86_64-unknown-linux-musl" "$T/dist/"
	# (the Windows zip's lines, there after make windows, are checked in windows.sh)
	(cd "$T/dist" && grep -v windows SHA256SUMS | sha256sum -c --quiet)
	rm "$T/dist/codex-x86_64-unknown-linux-musl"
	mv "$T/root/codex-x86_64-unknown-linux-musl" "$T/root/codex"
	# A root file system holding only the binary: no libc, no shell, no tools.
	out=$(unshare -m chroot "$T/root" /codex --version)
	expect_contains "$out" "codex-cli "
	expect_eq "$(ls -A "$T/root")" "codex"
}

test_release_archive_is_reproducible() {
	DIST=$T/a "$CODEX_TOP/release/make-release.sh" 0 >/dev/null
	sleep 1
	DIST=$T/b "$CODEX_TOP/release/make-release.sh" 0 >/dev/null
	cmp "$T/a/codex-x86_64-unknown-linux-musl.tar.gz" "$T/b/codex-x86_64-unknown-linux-musl.tar.gz"
}

run_tests
