#!/bin/bash
# Differential test: upstream `codex exec --json` 0.118.0 (npm @openai/codex@0.118.0,
# installed into build/bench/upstream on first use) and ours, each against the same
# scripted model mock (tests/servers/mock_responses.py), scenario by scenario. Compared:
#   events    the --json lines as (type, item type, status, exit code, command), ids
#             and free text normalised
#   requests  how many, and each one's shape: body keys in order, the tools (type,
#             name, parameters without descriptions), the input items (type, role,
#             call ids), the header names that matter, the keys of
#             x-codex-turn-metadata (and of its workspace) and its sandbox value
#   stderr    for the *_human scenarios (no --json): the human log line by line, with
#             times, ids and paths normalised
# Differences kept on purpose are listed in tests/diff/README.md; this script prints
# every difference it finds and exits 1 when there is one it does not know.
#   tests/diff/exec_vs_upstream.sh [SCENARIO]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
CODEX=${CODEX_BIN:-$top/codex}
UP_DIR=$top/build/bench/upstream
UP=$UP_DIR/node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/codex/codex
only=${1:-}

if [ ! -x "$UP" ]; then
	echo "installing @openai/codex@0.118.0 into $UP_DIR (git-ignored)"
	mkdir -p "$UP_DIR"
	npm install --prefix "$UP_DIR" --no-audit --no-fund @openai/codex@0.118.0 > /dev/null 2>&1 ||
		{ echo "SKIP: cannot install @openai/codex@0.118.0 from npm"; exit 0; }
fi

# Outside /tmp: upstream refuses to make its helper links under /tmp.
ws=$(mktemp -d /var/tmp/codex-diff-XXXXXX)
trap 'jobs -p | xargs -r kill 2>/dev/null; rm -rf "$ws"' EXIT

# scenario NAME SCRIPT-JSON [exec args...]: runs both clients, writes
# $ws/NAME/{ours,upstream}.{jsonl,log}.
scenario() {
	local name=$1 script=$2 client bin d
	shift 2
	[ -n "$only" ] && [ "$only" != "$name" ] && return 0
	for client in upstream ours; do
		bin=$CODEX
		[ $client = upstream ] && bin=$UP
		d=$ws/$name/$client
		mkdir -p "$d/home" "$d/repo"
		git -C "$d/repo" init -q
		printf 'one\ntwo\n' > "$d/repo/f.txt"
		printf '%s\n' "$script" > "$d/script.json"
		python3 "$top/tests/servers/mock_responses.py" --script "$d/script.json" \
			--log "$d/requests.log" --port-file "$d/port" > /dev/null &
		for i in $(seq 1 200); do [ -s "$d/port" ] && break; sleep 0.05; done
		json=--json
		case $name in *_human) json= ;; esac
		# HOME: an empty one, so that both login shells read no profile of this machine.
		( cd "$d/repo" && HOME=$d/home CODEX_HOME=$d/home MOCK_KEY=sk-diff timeout 120 "$bin" exec $json \
			-c model_provider=mock -c model_providers.mock.name=mock \
			-c "model_providers.mock.base_url=http://127.0.0.1:$(cat "$d/port")/v1" \
			-c model_providers.mock.env_key=MOCK_KEY -c model_providers.mock.wire_api=responses \
			"$@" < /dev/null > "$d/events.jsonl" 2> "$d/stderr" )
		echo $? > "$d/status"
		kill %% 2>/dev/null
		wait 2>/dev/null
	done
}

fc='{"sse":[{"created":"r"},{"function_call":{"call_id":"%s","name":"%s","arguments":%s}},{"completed":{"input_tokens":100,"cached_input_tokens":10,"output_tokens":20,"total_tokens":120}}]}'
ct='{"sse":[{"created":"r"},{"custom_tool_call":{"call_id":"%s","name":"apply_patch","input":"%s"}},{"completed":{"input_tokens":100,"cached_input_tokens":10,"output_tokens":20,"total_tokens":120}}]}'
answer='{"sse":[{"created":"r"},{"message":"All done."},{"completed":{"input_tokens":100,"cached_input_tokens":10,"output_tokens":20,"total_tokens":120}}]}'

scenario plain "[$answer]" "say hi"
scenario tools "[$(printf "$fc" c1 exec_command '{"cmd":"echo hello; echo err >&2; exit 3"}'),$(printf "$ct" c2 '*** Begin Patch\n*** Add File: new.txt\n+hi\n*** Update File: f.txt\n@@\n one\n-two\n+deux\n*** End Patch\n'),$(printf "$ct" c3 '*** Begin Patch\n*** Update File: missing.txt\n@@\n-a\n+b\n*** End Patch\n'),$(printf "$fc" c4 update_plan '{"plan":[{"step":"a","status":"completed"},{"step":"b","status":"pending"}]}'),$answer]" --full-auto "do it"
scenario bad_calls "[$(printf "$fc" c1 exec_command '"{not json"'),$(printf "$fc" c2 no_such_tool '{}'),$(printf "$fc" c3 exec_command '{"cmd":"echo esc","sandbox_permissions":"require_escalated","justification":"why"}'),$answer]" --full-auto "bad"
scenario denied "[$(printf "$fc" c1 exec_command '{"cmd":"touch /etc/codex-diff-denied"}'),$answer]" --full-auto "deny"
# The human log (stderr), same script as tools plus a long output: compared line by line
# once times, ids and paths are normalised.
scenario tools_human "[$(printf "$fc" c1 exec_command '{"cmd":"echo hello; echo err >&2; exit 3"}'),$(printf "$fc" c1b exec_command '{"cmd":"seq 1 40"}'),$(printf "$ct" c2 '*** Begin Patch\n*** Add File: new.txt\n+hi\n*** Update File: f.txt\n@@\n one\n-two\n+deux\n*** End Patch\n'),$(printf "$ct" c3 '*** Begin Patch\n*** Update File: missing.txt\n@@\n-a\n+b\n*** End Patch\n'),$(printf "$fc" c4 update_plan '{"explanation":"steps","plan":[{"step":"a","status":"completed"},{"step":"b","status":"in_progress"},{"step":"c","status":"pending"}]}'),$answer]" --full-auto "do it"

python3 - "$ws" "$top/tests/diff/README.md" <<'PY'
import json, os, re, sys
ws, notes = sys.argv[1], sys.argv[2]
known = set(re.findall(r"^- `([a-z_*]+:[^`]+)`", open(notes).read(), re.M))

def events(path):
    out = []
    for line in open(path):
        try:
            o = json.loads(line)
        except ValueError:
            out.append(("not-json",))
            continue
        it = o.get("item") or {}
        cmd = it.get("command")
        out.append((o["type"], it.get("type"), it.get("status"), it.get("exit_code"), cmd))
    return out

def human(path, root):
    out = []
    for line in open(path, errors="replace"):
        line = line.rstrip("\n").replace(root, "<ws>")
        if ("bubblewrap" in line or " ERROR codex_core" in line or line.startswith("OpenAI Codex v")
                or line.startswith("Codex v") or line.startswith("sandbox: ")):
            continue  # the header's name line, upstream's own warnings and tracing
        line = re.sub(r"in [0-9]+(\.[0-9]+)?m?s:$", "in <t>:", line)
        line = re.sub(r"^session id: .*", "session id: <id>", line)
        out.append(line)
    return out

def shape_tool(t):
    p = t.get("parameters")
    return (t.get("type"), t.get("name"), json.dumps(strip(p), sort_keys=False) if p else None,
            t.get("strict"), (t.get("format") or {}).get("definition"))

def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items() if k != "description"}
    if isinstance(o, list):
        return [strip(v) for v in o]
    return o

def meta_shape(h):
    # x-codex-turn-metadata: its keys, and each workspace's keys
    try:
        m = json.loads(h or "null")
    except ValueError:
        return "not-json"
    if not isinstance(m, dict):
        return None
    ws = m.get("workspaces") or {}
    return (list(m), [sorted(v) for v in ws.values()], m.get("sandbox"))

def requests(path):
    out = []
    for line in open(path):
        r = json.loads(line)
        if "end_of" in r:  # the mock's end-of-stream lines
            continue
        b = r["body"]
        out.append({
            "keys": list(b.keys()),
            "tools": [shape_tool(t) for t in b.get("tools", []) if t.get("name") not in
                      ("spawn_agent", "send_input", "resume_agent", "wait_agent", "close_agent")],
            "input": [(i.get("type"), i.get("role"), i.get("call_id")) for i in b.get("input", [])],
            "headers": sorted(h for h in r["headers"] if h in (
                "authorization", "originator", "session_id", "x-client-request-id",
                "content-type", "accept", "x-codex-turn-metadata", "user-agent")),
            "meta": meta_shape(r["headers"].get("x-codex-turn-metadata")),
            "fixed": {k: b.get(k) for k in ("tool_choice", "parallel_tool_calls", "store", "stream",
                                              "include", "reasoning", "text")},
        })
    return out

unknown = 0
for name in sorted(os.listdir(ws)):
    d = os.path.join(ws, name)
    if not os.path.isdir(os.path.join(d, "ours")):
        continue
    diffs = []
    st = {c: open(os.path.join(d, c, "status")).read().strip() for c in ("upstream", "ours")}
    if st["upstream"] != st["ours"]:
        diffs.append("status: upstream %s, ours %s" % (st["upstream"], st["ours"]))
    if name.endswith("_human"):
        hu, ho = (human(os.path.join(d, c, "stderr"), os.path.join(d, c)) for c in ("upstream", "ours"))
        if min(len(hu), len(ho)) < 20:
            diffs.append("stderr: too short to compare (upstream %d lines, ours %d)" % (len(hu), len(ho)))
        for k in range(max(len(hu), len(ho))):
            a = hu[k] if k < len(hu) else None
            b = ho[k] if k < len(ho) else None
            if a != b:
                diffs.append("stderr: line %d: upstream %r, ours %r" % (k + 1, a, b))
                break
        eu = eo = []
    else:
        eu, eo = (events(os.path.join(d, c, "events.jsonl")) for c in ("upstream", "ours"))
    if eu != eo:
        for k in range(max(len(eu), len(eo))):
            a = eu[k] if k < len(eu) else None
            b = eo[k] if k < len(eo) else None
            if a != b:
                diffs.append("events: line %d: upstream %s, ours %s" % (k + 1, a, b))
    ru, ro = (requests(os.path.join(d, c, "requests.log")) for c in ("upstream", "ours"))
    if len(ru) != len(ro):
        diffs.append("requests: upstream sent %d, ours %d" % (len(ru), len(ro)))
    for k, (a, b) in enumerate(zip(ru, ro)):
        for field in ("keys", "tools", "input", "headers", "meta", "fixed"):
            if a[field] != b[field]:
                diffs.append("request %d %s: upstream %s, ours %s" % (k, field, a[field], b[field]))
    print("== %s: %d difference(s)" % (name, len(diffs)))
    for x in diffs:
        tag = x.split(":")[0]
        kept = any(k.split(":", 1)[0] in (name, "*") and k.split(":", 1)[1].strip() in x for k in known)
        print("   %s %s" % ("(kept)" if kept else "NEW  ", x))
        unknown += not kept
sys.exit(1 if unknown else 0)
PY
