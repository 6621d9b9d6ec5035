#!/bin/sh
# make release: packages ./codex the way upstream names its Linux artifacts.
#   dist/codex-x86_64-unknown-linux-musl.tar.gz   one entry: codex-x86_64-unknown-linux-musl
#   dist/codex-x86_64-pc-windows-gnu.zip          when ./codex.exe exists (make windows):
#                                                 one entry, codex-x86_64-pc-windows-gnu.exe
#   dist/SHA256SUMS                               sha256 of each archive and each binary
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

# The Windows build, zipped as Windows users expect; same fixed time (zip stores local
# time, hence TZ=UTC), no extra attributes (-X), so the archive is reproducible too.
win=codex-x86_64-pc-windows-gnu
if [ -f codex.exe ]; then
	file codex.exe | grep -q 'PE32+ executable' ||
		{ echo "make-release.sh: error: ./codex.exe is not a PE32+ executable" >&2; exit 1; }
	command -v zip >/dev/null 2>&1 ||
		{ echo "make-release.sh: error: zip is missing (apt-get install zip)" >&2; exit 1; }
	mkdir -p "$dist/stage"
	cp codex.exe "$dist/stage/$win.exe"
	TZ=UTC touch -d "$mtime" "$dist/stage/$win.exe"
	(cd "$dist/stage" && TZ=UTC zip -q -X -9 "../$win.zip" "$win.exe")
	(cd "$dist" && sha256sum "$win.zip" >> SHA256SUMS && cd stage && sha256sum "$win.exe" >> ../SHA256SUMS)
	rm -rf "$dist/stage"
	ls -l "$dist/$win.zip"
fi
echo "codex $version:"
ls -l "$dist/$name.tar.gz"
cat "$dist/SHA256SUMS"
