#!/bin/sh
# Builds the vendored dependencies as static libraries for one target:
#   vendor/build-deps.sh x86_64-linux-musl   (musl-gcc; what ./codex links)
#   vendor/build-deps.sh x86_64-linux-gnu    (gcc; the sanitizer build of `make check`)
#   vendor/build-deps.sh x86_64-w64-mingw32  (mingw-w64; the Windows build)
# Output: build/<target>/deps/{include,lib}, and deps/revisions: the Debian revision each
# dependency was built from. Cached: when the lock file, this script and the patches are
# unchanged since the last build, nothing is rebuilt.
#
# vendor/patches/<package>-*.patch are our fixes to a package's source (patch -p1 in its
# tree), applied in name order before it is built; each says why at its top.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
target=${1:?usage: build-deps.sh TARGET}
out="$top/build/$target/deps"
work="$top/build/$target/deps-build"

die() { echo "vendor/build-deps.sh: error: $*" >&2; exit 1; }

case "$target" in
x86_64-linux-musl) cc=musl-gcc; ar=ar; host=x86_64-linux-musl ;;
x86_64-linux-gnu) cc=gcc; ar=ar; host=x86_64-linux-gnu ;;
x86_64-w64-mingw32) cc=x86_64-w64-mingw32-gcc; ar=x86_64-w64-mingw32-ar; host=x86_64-w64-mingw32 ;;
*) die "unknown target $target" ;;
esac
command -v "$cc" >/dev/null 2>&1 || die "$cc is missing (run ./build.sh, which installs it)"

key=$(cat "$here/deps.lock" "$0" "$here"/patches/*.patch 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ -f "$out/.built" ] && [ "$(cat "$out/.built")" = "$key" ]; then
	touch "$out/.built" # up to date: tell make so, or it would rebuild everything after
	exit 0
fi

"$here/fetch.sh"
src="$here/cache/src"
jobs=$(nproc 2>/dev/null || echo 2)
cflags="-Os -ffunction-sections -fdata-sections"
rm -rf "$out" "$work"
mkdir -p "$out/include" "$out/lib" "$work"

# apply_patches PACKAGE DIR: our patches for PACKAGE, in DIR.
apply_patches() {
	for p in "$here/patches/$1"-*.patch; do
		[ -f "$p" ] || continue
		patch -s -p1 -d "$2" < "$p" || die "patch $(basename "$p") does not apply"
	done
}

echo "building BearSSL for $target"
cp -r "$src/bearssl" "$work/bearssl"
# BearSSL's own Makefile builds tools and tests too; only the library is needed, so the
# sources are compiled directly.
(
	cd "$work/bearssl"
	mkdir -p obj
	for f in src/*/*.c src/*.c; do
		[ -f "$f" ] || continue
		echo "$f"
	done | xargs -P "$jobs" -I{} sh -c \
		'o=obj/$(echo "{}" | tr / _ | sed "s/\.c$/.o/"); '"$cc"' '"$cflags"' -Iinc -Isrc -c "{}" -o "$o"' ||
		exit 1
	$ar rcs "$out/lib/libbearssl.a" obj/*.o
) || die "BearSSL build failed"
cp "$work/bearssl/inc/"*.h "$out/include/"

echo "building cJSON for $target"
$cc $cflags -c "$src/cjson/cJSON.c" -o "$work/cJSON.o" || die "cJSON build failed"
$ar rcs "$out/lib/libcjson.a" "$work/cJSON.o"
cp "$src/cjson/cJSON.h" "$out/include/"

echo "building libcurl (HTTP/HTTPS, BearSSL) for $target"
cp -r "$src/curl" "$work/curl"
apply_patches curl "$work/curl"
extra=
case "$target" in
*mingw32) extra="--with-schannel=no --disable-unix-sockets" ;;
esac
(
	cd "$work/curl"
	CC=$cc AR=$ar CFLAGS="$cflags" CPPFLAGS="-I$out/include" LDFLAGS="-L$out/lib" \
	./configure --host="$host" --disable-shared --enable-static --prefix="$out" \
		--with-bearssl="$out" \
		--without-zlib --without-brotli --without-zstd --without-libidn2 --without-libpsl \
		--without-nghttp2 --without-ngtcp2 --without-nghttp3 --without-quiche \
		--without-libssh2 --without-libssh --without-librtmp --without-libgsasl \
		--disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp \
		--disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap \
		--disable-smb --disable-smtp --disable-gopher --disable-mqtt --disable-manual \
		--disable-ntlm --disable-ntlm-wb --disable-cookies --disable-doh --disable-mime \
		--disable-netrc --disable-alt-svc --disable-hsts --disable-websockets \
		--disable-docs --disable-libcurl-option --without-ca-bundle --without-ca-path \
		--without-ca-fallback --enable-threaded-resolver --enable-ipv6 \
		--enable-proxy $extra >"$work/curl-configure.log" 2>&1 ||
		{ echo "configure failed; see $work/curl-configure.log" >&2; exit 1; }
	make -j"$jobs" -C lib >"$work/curl-make.log" 2>&1 ||
		{ echo "make failed; see $work/curl-make.log" >&2; exit 1; }
	make -C lib install >>"$work/curl-make.log" 2>&1 &&
		make -C include install >>"$work/curl-make.log" 2>&1
) || die "libcurl build failed"

rm -rf "$work"
# Which Debian revision each came from: the lock's, or a newer one of the same upstream
# version when the archive no longer has the locked one (see vendor/fetch.sh).
"$here/fetch.sh" --print-revisions > "$out/revisions"
echo "$key" > "$out/.built"
echo "dependencies built in build/$target/deps from:"
sed 's/^/  /' "$out/revisions"
