#!/bin/sh
# make release: packages ./codex the way upstream names its Linux artifacts.
#   dist/codex-x86_64-unknown-linux-musl.tar.gz   one entry: codex-x86_64-unknown-linux-musl
#   dist/SHA256SUMS                               sha256 of the archive and of the binary
# DIST=dir puts them elsewhere (the tests use it).
# The archive is reproducible: fixed owner, mode and time (the last commit's date).
set -eu
cd "$(dirname "$0")/.."
version=${1:?usage: make-release.sh VERSION}
name=codex-x86_64-unknown-linux-musl

[ -x codex ] || { echo "make-release.sh: error: ./codex is missing (run make)" >&2; exit 1; }
file codex | grep -q 'statically linked' ||
	{ echo "make-release.sh: error: ./codex is not statically linked" >&2; exit 1; }

dist=${DIST:-dist}
rm -rf "$dist"
mkdir -p "$dist/stage"
cp codex "$dist/stage/$name"
chmod 0755 "$dist/stage/$name"
mtime=$(git log -1 --format=%cI 2>/dev/null || echo 2026-01-01T00:00:00Z)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$mtime" \
	-C "$dist/stage" -cf - "$name" | gzip -9n > "$dist/$name.tar.gz"
(cd "$dist" && sha256sum "$name.tar.gz" > SHA256SUMS && cd stage && sha256sum "$name" >> ../SHA256SUMS)
rm -rf "$dist/stage"
echo "codex $version:"
ls -l "$dist/$name.tar.gz"
cat "$dist/SHA256SUMS"
