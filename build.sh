#!/bin/sh
# From a fresh Debian 12 machine to ./codex in one command:
#   1. installs the build tools that are missing (apt; as root, or through sudo),
#   2. fetches the vendored sources with apt-get source and verifies their checksums,
#   3. builds them as static musl libraries (cached in build/), then ./codex.
# A second run with nothing changed does nothing and takes a few seconds.
set -eu
cd "$(dirname "$0")"
start=$(date +%s)

die() { echo "build.sh: error: $*" >&2; exit 1; }

# Debian packages the build needs, each with a command that proves it is there.
# (package:command; a package without a command is checked with dpkg.)
needs="musl-tools:musl-gcc gcc:gcc make:make dpkg-dev:dpkg-source ca-certificates
	binutils:ar xz-utils:xz perl:perl"

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

jobs=$(nproc 2>/dev/null || echo 2)
make -s -j"$jobs" deps
make -s -j"$jobs" codex
echo "build.sh: ./codex is ready ($(wc -c < codex) bytes, $(($(date +%s) - start)) s)"
