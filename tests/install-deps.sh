#!/bin/sh
# Installs what the test suites drive as real clients and servers (curl, git, openssl,
# python3 for local test servers, iproute2, ...). Quiet when everything is present.
set -eu
need=
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
# tinyproxy stands in for a corporate proxy (the proxy suite's upstream chaining tests).
# nodejs and npm install a real MCP server from the npm registry (the mcp suite).
# tmux is the terminal the interactive agent's suite (tui.sh) drives; xvfb and xclip
# give it an X11 clipboard to paste an image from (Ctrl+V).
for p in curl git openssl python3 iproute2 procps util-linux ca-certificates file xz-utils \
	zsh fish tinyproxy tmux xvfb xclip; do
	have "$p" || need="$need $p"
done
# A node and npm of another origin (nvm, nodesource) do as well as Debian's.
{ command -v node && command -v npm; } >/dev/null 2>&1 || need="$need nodejs npm"
[ -z "$need" ] && exit 0
echo "tests: installing$need"
if [ "$(id -u)" = 0 ]; then
	sudo=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo=sudo
else
	echo "tests: error: missing packages:$need (not root and no sudo; install them and retry)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y -qq --no-install-recommends $need >/dev/null 2>&1 || {
	$sudo apt-get update -qq >/dev/null 2>&1
	$sudo apt-get install -y -qq --no-install-recommends $need >/dev/null
}
