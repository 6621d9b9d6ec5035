#!/bin/bash
# The toml-test suite (../shared/conformance/toml-test) through build/tests/toml-decode:
# one TAP line per case, then the valid/invalid counts.
. "$(dirname "$0")/lib.sh"
decoder=$TOOLS/toml-decode
[ -x "$decoder" ] || { echo "not ok - toml-test: $decoder is not built (make tools)"; exit 1; }
[ -d "$CONFORMANCE/toml-test" ] || { echo "not ok - toml-test: $CONFORMANCE/toml-test is missing"; exit 1; }
exec python3 "$(dirname "$0")/toml_conformance.py" "$decoder" "$CONFORMANCE/toml-test"
