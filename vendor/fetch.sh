#!/bin/sh
# Fetches the Debian source packages named in vendor/deps.lock with `apt-get source`,
# verifies them against the lock, and unpacks them into vendor/cache/src/ (git-ignored).
#
#   vendor/fetch.sh                    fetch + verify + unpack every package (cached)
#   vendor/fetch.sh --print-lock P     fetch P as below, print its lock lines
#   vendor/fetch.sh --print-revisions  the Debian revision each unpacked package came from
#
# Which revision: the lock's, while the archive has it. Debian's archive keeps only the
# newest revision of a package, so after a security update the locked one is gone; then
# the newest revision of the same upstream version is taken instead, and said so. What
# the lock pins is the upstream code: the .orig tarballs (and their signatures) must match
# its checksums whatever the revision. The Debian parts (.dsc, .debian.tar.*) of a newer
# revision are not in the lock: apt-get checks them against the archive's signed index.
# A newer upstream version, or an older revision, is never taken: that is a lock update.
#
# apt runs with a private source list and private state under vendor/cache/apt/, so the
# machine's apt configuration is never changed and no root is needed. The deb-src entries
# are derived from the machine's own `deb` entries (no mirror host is written here).
#
# For tests: CODEX_VENDOR_LOCK (another lock file), CODEX_VENDOR_CACHE (another cache
# directory) and CODEX_VENDOR_SOURCES (a file of deb-src lines used instead of the
# machine's entries).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
lock=${CODEX_VENDOR_LOCK:-$here/deps.lock}
cache=${CODEX_VENDOR_CACHE:-$here/cache}
apt_dir="$cache/apt"
dl="$cache/dl"
src="$cache/src"

die() { echo "vendor/fetch.sh: error: $*" >&2; exit 1; }
note() { echo "vendor/fetch.sh: $*" >&2; }

for tool in apt-get apt-cache dpkg dpkg-source sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (run ./build.sh, which installs it)"
done
[ -f "$lock" ] || die "no lock file $lock"

# deb-src stanzas from the machine's deb822 .sources files and one-line sources.list entries.
derive_sources() {
	mkdir -p "$apt_dir/parts"
	out="$apt_dir/parts/codex-src.sources"
	: > "$out.tmp"
	if [ -n "${CODEX_VENDOR_SOURCES:-}" ]; then
		cp "$CODEX_VENDOR_SOURCES" "$apt_dir/parts/codex-src.list"
		mv "$out.tmp" "$out"
		return 0
	fi
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
apt_cache_private() {
	apt-cache \
		-o Dir::Etc::SourceList="$apt_dir/parts/codex-src.list" \
		-o Dir::Etc::SourceParts="$apt_dir/parts" \
		-o Dir::State::Lists="$apt_dir/lists" \
		-o Dir::Cache="$apt_dir/cache" \
		-o Dir::State::Status=/var/lib/dpkg/status \
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

lock_version() { awk -v p="$1" '$1 == "package" && $2 == p { print $3 }' "$lock"; }
lock_files() { awk -v p="$1" '$1 == "file" && $2 == p { print $3, $4 }' "$lock"; }

# The upstream version in a Debian version: no epoch, no -revision.
upstream_of() {
	v=${1#*:}
	echo "${v%-*}"
}
# A Debian version as it appears in file names (no epoch).
file_version() { echo "${1#*:}"; }

# Whether file F of package P is upstream code (pinned whatever the revision):
# P_<upstream>.orig.tar.* and P_<upstream>.orig-<component>.tar.*, with their .asc.
is_upstream_file() {
	case $2 in "$1_$(upstream_of "$3").orig".*) return 0 ;; esac
	return 1
}

# The version of P to fetch, locked version L, in $resolved: L itself while the archive
# has it, else the newest revision of the same upstream version that is newer than L.
resolve_version() {
	p=$1 l=$2
	apt_update_once
	available=$(apt_cache_private showsrc "$p" 2>/dev/null |
		awk -v p="$p" '/^Package: / { pk = $2 } /^Version: / && pk == p { print $2 }' | sort -u)
	resolved=$l
	echo "$available" | grep -qxF "$l" && return 0
	up=$(upstream_of "$l")
	best=
	for v in $available; do
		[ "$(upstream_of "$v")" = "$up" ] || continue
		dpkg --compare-versions "$v" gt "$l" || continue
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
	done
	have=$(echo "$available" | paste -sd, - | sed 's/,/, /g')
	[ -n "$best" ] || die "$p: the locked $l is not in the archive, nor a newer Debian \
revision of upstream $up (the archive has ${have:-no version of $p}); update the lock to \
a version the archive has"
	resolved=$best
}

# download P V: leaves the source files of P=V in $dl/P/ and V in $dl/P.version
download() {
	p=$1 v=$2
	apt_update_once
	rm -rf "$dl/$p.tmp"
	mkdir -p "$dl/$p.tmp"
	(cd "$dl/$p.tmp" && apt_private source --download-only "$p=$v") >"$dl/$p.log" 2>&1 ||
		die "apt-get source $p=$v failed; see $dl/$p.log"
	rm -rf "$dl/$p"
	mv "$dl/$p.tmp" "$dl/$p"
	echo "$v" > "$dl/$p.version"
}

# verify P V: the download of P=V against the lock. The locked revision must match
# every file of the lock; another revision must match the lock's upstream files, and
# may add only its own Debian parts. Nothing else may have been fetched.
verify() {
	p=$1 v=$2
	l=$(lock_version "$p")
	lock_files "$p" | while read -r f sum; do
		[ "$v" = "$l" ] || is_upstream_file "$p" "$f" "$l" || continue
		[ -f "$dl/$p/$f" ] || die "$p: $f was not fetched"
		got=$(sha256sum "$dl/$p/$f" | cut -d' ' -f1)
		[ "$got" = "$sum" ] || die "$p: checksum mismatch for $f: expected $sum, got $got"
	done
	for f in "$dl/$p"/*; do
		b=$(basename "$f")
		if [ "$v" = "$l" ] || is_upstream_file "$p" "$b" "$l"; then
			lock_files "$p" | grep -q "^$b " ||
				die "$p: unexpected file $b (not in $(basename "$lock"))"
		else
			case $b in "${p}_$(file_version "$v")".*) ;;
			*) die "$p: unexpected file $b (neither upstream code in the lock nor part of $p $v)" ;;
			esac
		fi
	done
}

# fetch P L: a verified download of P for locked version L in $dl/P, its version in
# $fetched. A download already there is used again when it still verifies, without apt.
fetch() {
	p=$1 l=$2
	if [ -f "$dl/$p.version" ] && [ -d "$dl/$p" ]; then
		fetched=$(cat "$dl/$p.version")
		if [ "$(upstream_of "$fetched")" = "$(upstream_of "$l")" ] &&
			dpkg --compare-versions "$fetched" ge "$l" &&
			(verify "$p" "$fetched") >/dev/null 2>&1; then
			return 0
		fi
	fi
	resolve_version "$p" "$l"
	v=$resolved
	if [ "$v" = "$l" ]; then
		note "fetching $p $v (apt-get source)"
	else
		note "fetching $p $v: the locked $l is no longer in the archive; this newer Debian \
revision of upstream $(upstream_of "$l") is used instead (its upstream sources must match \
the lock; apt checked its Debian parts against the archive's signed index)"
	fi
	download "$p" "$v"
	verify "$p" "$v"
	fetched=$v
}

if [ "${1:-}" = "--print-lock" ]; then
	p=${2:?usage: fetch.sh --print-lock PACKAGE}
	l=$(lock_version "$p")
	[ -n "$l" ] || die "$p is not in $(basename "$lock")"
	resolve_version "$p" "$l"
	v=$resolved
	[ "$v" = "$l" ] || note "the locked $p $l is no longer in the archive; these lines are for $v"
	download "$p" "$v"
	echo "package $p $v"
	for f in "$dl/$p"/*; do echo "file $p $(basename "$f") $(sha256sum "$f" | cut -d' ' -f1)"; done
	exit 0
fi

if [ "${1:-}" = "--print-revisions" ]; then
	for p in $(awk '$1 == "package" { print $2 }' "$lock"); do
		l=$(lock_version "$p")
		v=$(cat "$src/$p.unpacked" 2>/dev/null) || die "$p is not unpacked (run vendor/fetch.sh)"
		if [ "$v" = "$l" ]; then
			echo "$p $v (locked)"
		else
			echo "$p $v (locked $l, no longer in the archive; upstream sources verified)"
		fi
	done
	exit 0
fi

[ $# -eq 0 ] || die "unknown argument $1 (see the top of vendor/fetch.sh)"

for p in $(awk '$1 == "package" { print $2 }' "$lock"); do
	l=$(lock_version "$p")
	stamp="$src/$p.unpacked"
	if [ -f "$stamp" ] && [ -d "$src/$p" ]; then
		v=$(cat "$stamp")
		if [ "$v" = "$l" ] || { [ "$(upstream_of "$v")" = "$(upstream_of "$l")" ] &&
			dpkg --compare-versions "$v" gt "$l"; }; then
			continue
		fi
	fi
	fetch "$p" "$l"
	v=$fetched
	rm -rf "$src/$p" "$src/$p.tmp"
	mkdir -p "$src"
	dsc="${p}_$(file_version "$v").dsc"
	dpkg-source --no-check -x "$dl/$p/$dsc" "$src/$p.tmp" >"$dl/$p.unpack.log" 2>&1 ||
		die "dpkg-source could not unpack $p; see $dl/$p.unpack.log"
	mv "$src/$p.tmp" "$src/$p"
	echo "$v" > "$stamp"
	if [ "$v" = "$l" ]; then
		echo "unpacked $p $v (checksums verified)"
	else
		echo "unpacked $p $v, not the locked $l (upstream checksums verified)"
	fi
done
