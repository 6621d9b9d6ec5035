#!/bin/bash
# The proxy's structure (DESIGN.md §7, issue 10 item 14), checked on the built objects:
# calls between its files go one way (the connection core reaches the kinds of
# connection only through their ops tables), the network mode is one enum, and the
# mapping from config.toml to the proxy's settings is written once.
. "$(dirname "$0")/lib.sh"
OBJ=${PROXY_OBJ_DIR:-$CODEX_TOP/build/x86_64-linux-musl/obj/src/proxy}

test_calls_between_proxy_files_form_no_cycle() {
	ls "$OBJ"/*.o > /dev/null 2>&1 || { echo "# skip: no objects in $OBJ (make first)" >&2; return 0; }
	python3 - "$OBJ" <<'PY'
import os, subprocess, sys
d = sys.argv[1]
defs, uses = {}, {}
for f in sorted(os.listdir(d)):
    if not f.endswith(".o"):
        continue
    name = f[:-2]
    out = subprocess.run(["nm", os.path.join(d, f)], capture_output=True, text=True).stdout
    uses[name] = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            uses[name].add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBR":
            defs[parts[2]] = name
edges = {a: sorted({defs[s] for s in u if s in defs and defs[s] != a}) for a, u in uses.items()}
state, stack = {}, []
def visit(a):
    state[a] = 1
    stack.append(a)
    for b in edges[a]:
        if state.get(b) == 1:
            sys.exit("cycle: " + " -> ".join(stack[stack.index(b):] + [b]))
        if b not in state:
            visit(b)
    stack.pop()
    state[a] = 2
for a in sorted(edges):
    if a not in state:
        visit(a)
core = set(edges.get("conn", []))
for kind in ("http_conn", "socks5_conn", "admin", "udp"):
    if kind in core:
        sys.exit("the connection core calls %s directly" % kind)
PY
}

test_one_network_mode_and_one_config_mapping() {
	cd "$CODEX_TOP"
	[ -z "$(grep -rn 'enum proxy_mode\|PROXY_MODE_' src sandbox tests/unit)" ] || fail "a second mode enum"
	[ -z "$(grep -n 'cmp([^)]*"limited"\|bool limited' src/cli/*.c sandbox/*.c src/agent/*.c)" ] ||
		fail "a front end or the sandbox spells the mode itself"
	# [network]'s lists are read in one place only.
	expect_eq "$(grep -ln '&[a-z]*->allowed_domains' src/cli/*.c src/proxy/*.c sandbox/*.c src/agent/*.c | tr '\n' ' ')" \
		"src/proxy/proxy_config.c " "readers of [network]'s lists"
}

run_tests
