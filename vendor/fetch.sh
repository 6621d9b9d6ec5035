#!/bin/sh
# Fetches the Debian source packages named in vendor/deps.lock with `apt-get source`,
# verifies every file against the lock, and unpacks them into vendor/cache/src/ (git-ignored).
#
#   vendor/fetch.sh                 fetch + verify + unpack every package (cached)
#   vendor/fetch.sh --print-lock P  fetch P at the version in the lock, print its lock lines
#
# apt runs with a private source list and private state under vendor/cache/apt/, so the
# machine's apt configuration is never changed and no root is needed. The deb-src entries
# are derived from the machine's own `deb` entries (no mirror host is written here).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
lock="$here/deps.lock"
cache="$here/cache"
apt_dir="$cache/apt"
dl="$cache/dl"
src="$cache/src"

die() { echo "vendor/fetch.sh: error: $*" >&2; exit 1; }

for tool in apt-get dpkg-source sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (run ./build.sh, which installs it)"
done

# deb-src stanzas from the machine's deb822 .sources files and one-line sources.list entries.
derive_sources() {
	mkdir -p "$apt_dir/parts"
	out="$apt_dir/parts/codex-src.sources"
	: > "$out.tmp"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'BEGIN { RS = ""; ORS = "\n\n" }
		     /(^|\n)Types:[^\n]*(^|[ \t])deb([ \t]|$|\n)/ {
			n = split($0, lines, "\n"); s = ""
			for (i = 1; i <= n; i++) {
				if (lines[i] ~ /^Types:/) lines[i] = "Types: deb-src"
				if (lines[i] ~ /^Enabled:[ \t]*no/) { s = ""; break }
				s = s lines[i] "\n"
			}
			if (s != "") printf "%s\n", s
		     }' "$f" >> "$out.tmp"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -n 's/^[ \t]*deb[ \t]\+/deb-src /p' "$f"
	done > "$apt_dir/parts/codex-src.list"
	mv "$out.tmp" "$out"
	[ -s "$out" ] || [ -s "$apt_dir/parts/codex-src.list" ] ||
		die "no apt 'deb' entries found in /etc/apt to derive deb-src entries from"
}

apt_private() {
	apt-get -q \
		-o Dir::Etc::SourceList="$apt_dir/parts/codex-src.list" \
		-o Dir::Etc::SourceParts="$apt_dir/parts" \
		-o Dir::State::Lists="$apt_dir/lists" \
		-o Dir::Cache="$apt_dir/cache" \
		-o Dir::State::Status=/var/lib/dpkg/status \
		-o Debug::NoLocking=1 \
		-o APT::Sandbox::User="$(id -un)" \
		"$@"
}

apt_updated=
apt_update_once() {
	[ -n "$apt_updated" ] && return 0
	derive_sources
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
	apt_private update >"$apt_dir/update.log" 2>&1 ||
		die "apt-get update (deb-src) failed; see $apt_dir/update.log"
	apt_updated=1
}

# download P V: leaves the source files of P=V in $dl/P/
download() {
	p=$1 v=$2
	apt_update_once
	rm -rf "$dl/$p.tmp"
	mkdir -p "$dl/$p.tmp"
	(cd "$dl/$p.tmp" && apt_private source --download-only "$p=$v") >"$dl/$p.log" 2>&1 ||
		die "apt-get source $p=$v failed (is this version still in the archive? see $dl/$p.log)"
	rm -rf "$dl/$p"
	mv "$dl/$p.tmp" "$dl/$p"
}

lock_version() { awk -v p="$1" '$1 == "package" && $2 == p { print $3 }' "$lock"; }
lock_files() { awk -v p="$1" '$1 == "file" && $2 == p { print $3, $4 }' "$lock"; }

# verify P: every file in the lock is there with its checksum, and nothing else was fetched
verify() {
	p=$1
	lock_files "$p" | while read -r f sum; do
		[ -f "$dl/$p/$f" ] || die "$p: $f was not fetched"
		got=$(sha256sum "$dl/$p/$f" | cut -d' ' -f1)
		[ "$got" = "$sum" ] || die "$p: checksum mismatch for $f: expected $sum, got $got"
	done
	for f in "$dl/$p"/*; do
		b=$(basename "$f")
		lock_files "$p" | grep -q "^$b " || die "$p: unexpected file $b (not in vendor/deps.lock)"
	done
}

if [ "${1:-}" = "--print-lock" ]; then
	p=${2:?usage: fetch.sh --print-lock PACKAGE}
	v=$(lock_version "$p")
	[ -n "$v" ] || die "$p is not in vendor/deps.lock"
	download "$p" "$v"
	echo "package $p $v"
	for f in "$dl/$p"/*; do echo "file $p $(basename "$f") $(sha256sum "$f" | cut -d' ' -f1)"; done
	exit 0
fi

for p in $(awk '$1 == "package" { print $2 }' "$lock"); do
	v=$(lock_version "$p")
	stamp="$src/$p.unpacked"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$v" ] && [ -d "$src/$p" ]; then
		continue
	fi
	if [ ! -d "$dl/$p" ] || ! (verify "$p") 2>/dev/null; then
		echo "fetching $p $v (apt-get source)"
		download "$p" "$v"
	fi
	verify "$p"
	rm -rf "$src/$p" "$src/$p.tmp"
	mkdir -p "$src"
	dsc=$(lock_files "$p" | awk '$1 ~ /\.dsc$/ { print $1 }')
	dpkg-source --no-check -x "$dl/$p/$dsc" "$src/$p.tmp" >"$dl/$p.unpack.log" 2>&1 ||
		die "dpkg-source could not unpack $p; see $dl/$p.unpack.log"
	mv "$src/$p.tmp" "$src/$p"
	echo "$v" > "$stamp"
	echo "unpacked $p $v (checksums verified)"
done
