#!/bin/sh
# From a fresh Debian 12 machine to ./codex in one command:
#   1. installs the build tools that are missing (apt; as root, or through sudo),
#   2. fetches the vendored sources with apt-get source and verifies their checksums,
#   3. builds them as static musl libraries (cached in build/), then ./codex.
# A second run with nothing changed does nothing and takes a few seconds.
#   ./build.sh                      ./codex (static musl)
#   ./build.sh --target windows     ./codex.exe (mingw-w64; installs mingw-w64 too)
#   ./build.sh --target windows --tools-only   only installs what that build needs
#                                   (`make windows` calls this when mingw-w64 is missing)
set -eu
cd "$(dirname "$0")"
start=$(date +%s)

die() { echo "build.sh: error: $*" >&2; exit 1; }

target=linux
tools_only=
while [ $# -gt 0 ]; do
	case "$1" in
	--target) [ $# -ge 2 ] || die "--target needs linux or windows"; target=$2; shift 2 ;;
	--target=*) target=${1#--target=}; shift ;;
	--tools-only) tools_only=1; shift ;;
	*) die "unknown argument '$1' (usage: ./build.sh [--target linux|windows] [--tools-only])" ;;
	esac
done
case "$target" in
linux | windows) ;;
*) die "unknown target '$target' (linux or windows)" ;;
esac

# Debian packages the build needs, each with a command that proves it is there.
# (package:command; a package without a command is checked with dpkg.)
needs="musl-tools:musl-gcc gcc:gcc make:make dpkg-dev:dpkg-source ca-certificates
	binutils:ar xz-utils:xz perl:perl"
# Windows: the cross compiler, zip for the release archive, and Wine, which runs
# codex.exe in the test suite (tests/integration/windows.sh).
[ "$target" = windows ] && needs="$needs mingw-w64:x86_64-w64-mingw32-gcc zip:zip wine:wine wine64"

missing=
for n in $needs; do
	pkg=${n%%:*}
	cmd=${n#*:}
	if [ "$cmd" != "$n" ]; then
		command -v "$cmd" >/dev/null 2>&1 && continue
	elif dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
		continue
	fi
	missing="$missing $pkg"
done
[ -f /etc/ssl/certs/ca-certificates.crt ] || case "$missing" in
	*ca-certificates*) ;;
	*) missing="$missing ca-certificates" ;;
esac

if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ]; then
		sudo=
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo=sudo
	else
		die "missing build tools:$missing. Install them as root (apt-get install$missing) or run ./build.sh as root."
	fi
	command -v apt-get >/dev/null 2>&1 || die "missing build tools:$missing, and there is no apt-get to install them"
	echo "build.sh: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	if ! $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1; then
		$sudo apt-get update -qq >/dev/null 2>&1 || die "apt-get update failed"
		$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
			die "apt-get install$missing failed"
	fi
fi

[ -n "$tools_only" ] && exit 0
jobs=$(nproc 2>/dev/null || echo 2)
if [ "$target" = windows ]; then
	make -s -j"$jobs" windows-deps
	make -s -j"$jobs" codex.exe
	echo "build.sh: ./codex.exe is ready ($(wc -c < codex.exe) bytes, $(($(date +%s) - start)) s)"
	exit 0
fi
make -s -j"$jobs" deps
make -s -j"$jobs" codex
echo "build.sh: ./codex is ready ($(wc -c < codex) bytes, $(($(date +%s) - start)) s)"
