#!/bin/bash
# vendor/fetch.sh against a local apt source of our own (a file: repository of a small
# source package, built here): the locked revision, a newer revision of the same upstream
# version when the locked one has left the archive, and what must be refused.
. "$(dirname "$0")/lib.sh"

FETCH=$CODEX_TOP/vendor/fetch.sh
PKG=codextestdep

# The build's own tools (./build.sh installs dpkg-dev): missing, the build is broken.
need_tools() {
	local t
	for t in apt-get apt-cache dpkg-source dpkg-scansources; do
		command -v "$t" > /dev/null || fail "$t is missing (./build.sh installs it)"
	done
}

# make_source VERSION [UPSTREAM_TEXT]: builds the source package PKG=VERSION in $T/pool
# (its .orig tarball holds UPSTREAM_TEXT, default "upstream code"; one tarball per
# upstream version, shared by its revisions, as in Debian's archive).
make_source() {
	local v=$1 text=${2:-upstream code} up=${1%-*} d
	d=$T/build/$PKG-$up
	rm -rf "$d"
	mkdir -p "$d/debian/source" "$T/pool"
	echo "$text" > "$d/hello.txt"
	if [ ! -f "$T/pool/${PKG}_$up.orig.tar.gz" ]; then
		tar -C "$T/build" -czf "$T/pool/${PKG}_$up.orig.tar.gz" "$PKG-$up"
	fi
	cp "$T/pool/${PKG}_$up.orig.tar.gz" "$T/build/"
	echo "3.0 (quilt)" > "$d/debian/source/format"
	printf 'Source: %s\nSection: misc\nPriority: optional\nMaintainer: Codex Tests <t@example.invalid>\n\nPackage: %s\nArchitecture: all\nDescription: test\n test\n' \
		"$PKG" "$PKG" > "$d/debian/control"
	printf '#!/usr/bin/make -f\n%%:\n\tdh $@\n' > "$d/debian/rules"
	chmod +x "$d/debian/rules"
	printf '%s (%s) unstable; urgency=medium\n\n  * Revision %s.\n\n -- Codex Tests <t@example.invalid>  Mon, 01 Jan 2024 00:00:00 +0000\n' \
		"$PKG" "$v" "$v" > "$d/debian/changelog"
	(cd "$T/build" && dpkg-source -b "$PKG-$up") > "$T/build.log" 2>&1 ||
		{ cat "$T/build.log"; fail "dpkg-source -b $v failed"; }
	cp "$T/build/${PKG}_$v.dsc" "$T/build/${PKG}_$v.debian.tar.xz" "$T/pool/"
}

# archive VERSION...: the repository holds exactly these versions of PKG.
archive() {
	local v
	rm -rf "$T/repo"
	mkdir -p "$T/repo"
	for v in "$@"; do
		cp "$T/pool/${PKG}_$v.dsc" "$T/pool/${PKG}_$v.debian.tar.xz" "$T/repo/"
		cp "$T/pool/${PKG}_${v%-*}.orig.tar.gz" "$T/repo/"
	done
	(cd "$T/repo" && dpkg-scansources . > Sources 2> /dev/null)
	echo "deb-src [trusted=yes] file:$T/repo ./" > "$T/sources.list"
}

# lock VERSION: a lock of PKG=VERSION made from the pool's files (as --print-lock would).
lock() {
	local v=$1 f
	{
		echo "package $PKG $v"
		for f in "${PKG}_$v.debian.tar.xz" "${PKG}_$v.dsc" "${PKG}_${v%-*}.orig.tar.gz"; do
			echo "file $PKG $f $(sha256sum "$T/pool/$f" | cut -d' ' -f1)"
		done
	} > "$T/deps.lock"
}

# The case the lock must survive: it names 1.0-1, and a security update left only 1.0-2.
dropped_lock() {
	make_source 1.0-1
	make_source 1.0-2
	lock 1.0-1
	archive 1.0-2 # the archive keeps only the newest revision
}

fetch() {
	CODEX_VENDOR_LOCK=$T/deps.lock CODEX_VENDOR_CACHE=$T/cache \
		CODEX_VENDOR_SOURCES=$T/sources.list "$FETCH" "$@"
}

test_the_locked_revision_is_used_while_the_archive_has_it() {
	need_tools
	make_source 1.0-1
	make_source 1.0-2
	lock 1.0-1
	archive 1.0-1 1.0-2
	expect_status 0 fetch
	expect_contains "$(cat "$T/out")" "unpacked $PKG 1.0-1 (checksums verified)"
	expect_contains "$(cat "$T/cache/src/$PKG/debian/changelog")" "Revision 1.0-1."
	expect_status 0 fetch --print-revisions
	expect_eq "$(cat "$T/out")" "$PKG 1.0-1 (locked)"
}

test_a_newer_revision_replaces_a_locked_one_the_archive_dropped() {
	need_tools
	dropped_lock
	expect_status 0 fetch
	expect_contains "$(cat "$T/err")" "the locked 1.0-1 is no longer in the archive"
	expect_contains "$(cat "$T/out")" "unpacked $PKG 1.0-2, not the locked 1.0-1"
	expect_contains "$(cat "$T/cache/src/$PKG/debian/changelog")" "Revision 1.0-2."
	expect_eq "$(cat "$T/cache/src/$PKG/hello.txt")" "upstream code"
	expect_status 0 fetch --print-revisions
	expect_contains "$(cat "$T/out")" "$PKG 1.0-2 (locked 1.0-1, no longer in the archive"
	# A second run finds everything in place: nothing fetched, nothing said.
	expect_status 0 fetch
	expect_eq "$(cat "$T/out")$(cat "$T/err")" ""
}

test_upstream_code_that_differs_from_the_lock_is_refused() {
	need_tools
	make_source 1.0-1
	lock 1.0-1
	rm -rf "$T/pool"
	make_source 1.0-2 "other code under the same version"
	archive 1.0-2
	expect_status 1 fetch
	expect_contains "$(cat "$T/err")" "checksum mismatch for ${PKG}_1.0.orig.tar.gz"
	[ ! -d "$T/cache/src/$PKG" ] || fail "refused code was unpacked"
}

test_another_upstream_version_or_an_older_revision_is_never_taken() {
	need_tools
	make_source 1.0-1
	make_source 1.0-2
	make_source 2.0-1
	lock 1.0-2
	archive 1.0-1 2.0-1
	expect_status 1 fetch
	expect_contains "$(cat "$T/err")" "the locked 1.0-2 is not in the archive, nor a newer Debian revision of upstream 1.0"
	expect_contains "$(cat "$T/err")" "(the archive has 1.0-1, 2.0-1)"
	[ ! -d "$T/cache/src/$PKG" ] || fail "a version the lock does not allow was unpacked"
}

test_print_lock_names_the_revision_it_fetched() {
	need_tools
	dropped_lock
	expect_status 0 fetch --print-lock "$PKG"
	local f want="package $PKG 1.0-2"
	for f in "${PKG}_1.0-2.debian.tar.xz" "${PKG}_1.0-2.dsc" "${PKG}_1.0.orig.tar.gz"; do
		want="$want
file $PKG $f $(sha256sum "$T/pool/$f" | cut -d' ' -f1)"
	done
	expect_eq "$(sort "$T/out")" "$(echo "$want" | sort)"
}

# The real build says which revision of each dependency it was built from.
test_the_build_records_each_dependency_revision() {
	local deps=$CODEX_TOP/build/x86_64-linux-musl/deps p
	[ -f "$deps/.built" ] || fail "the dependencies are not built (make deps)"
	[ -f "$deps/revisions" ] || fail "$deps/revisions is missing"
	for p in $(awk '$1 == "package" { print $2 }' "$CODEX_TOP/vendor/deps.lock"); do
		grep -q "^$p [^ ]* (locked" "$deps/revisions" || fail "$p is not in $deps/revisions"
	done
}

run_tests
