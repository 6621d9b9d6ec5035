#!/bin/bash
# Benchmark: parsing a generated 1 MiB config.toml, against python3's tomllib on the
# same file, in the same run. Never pass/fail; prints times, peak memory and ratios.
#   tests/bench/config.sh [ROUNDS]     (builds ./codex and build/tests/toml-bench)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/bench/lib.sh
rounds=${1:-20}
work=$(mktemp -d "${TMPDIR:-/tmp}/codex-bench-config-XXXXXX")
trap 'rm -rf "$work"' EXIT
bench=build/tests/toml-bench
make -s codex "$bench" > /dev/null
for need in "$bench" ./codex /usr/bin/time python3; do
	[ -x "$(command -v "$need")" ] || { echo "bench config: missing $need"; exit 1; }
done

# A config shaped like real ones, repeated to just under the 1 MiB cap (base/limits.h):
# providers with
# headers, MCP servers, profiles, long domain lists, multi-line strings, comments,
# arrays of tables and dates (the parts codex ignores still have to be parsed).
python3 - "$work/config.toml" <<'PY'
import sys
out, i, size = [], 0, 0
out.append('model = "gpt-5.3-codex"\nmodel_provider = "openai"\napproval_policy = "on-request"\n'
           'sandbox_mode = "workspace-write"\nnotify = ["notify-send", "Codex"]\n')
while size < (1 << 20) - 64 * 1024:  # the domain list below adds some 44 KiB
    block = f'''
# provider {i}: a comment line that the parser has to skip over
[model_providers.p{i}]
name = "Provider {i}"
base_url = "https://llm{i}.example.com/v1"
env_key = "P{i}_API_KEY"
wire_api = "responses"
query_params = {{ api-version = "2025-04-01-preview", region = "eu-{i % 7}" }}
http_headers = {{ "X-Team" = "team-{i}", "X-Trace" = "on" }}
request_max_retries = {i % 10}
stream_idle_timeout_ms = {300000 + i}

[mcp_servers.s{i}]
command = "/usr/local/bin/mcp-{i}"
args = ["--stdio", "--name", "s{i}", "--level", "{i % 5}"]
env = {{ MODE = "fast", LEVEL = "{i % 3}" }}
startup_timeout_sec = {10 + i % 20}.5

[profiles.prof{i}]
model = "model-{i}"
model_reasoning_effort = "{["low", "medium", "high"][i % 3]}"
sandbox_mode = "read-only"
notes = """
Profile {i} is used for the nightly job.
It has a multi-line note with "quotes" and a \\ttab escape.
"""

[[history_samples]]
when = 2026-03-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z
tags = ["a{i}", "b{i}", 'lit{i}', 1_000, 3.5e2, true]
'''
    out.append(block)
    size += len(block)
    i += 1
out.append('[network]\nenabled = true\nmode = "limited"\nallowed_domains = [' +
           ', '.join(f'"host{k}.example.org"' for k in range(2000)) + ']\n')
open(sys.argv[1], 'w').write(''.join(out))
PY
bytes=$(stat -c %s "$work/config.toml")
mkdir -p "$work/home"
cp "$work/config.toml" "$work/home/config.toml"

# measure NAME CMD...: wall seconds and peak RSS (KiB) of one run.
measure() {
	local name=$1; shift
	/usr/bin/time -f '%e %M' -o "$work/time" "$@" > /dev/null
	read -r wall rss < "$work/time"
	eval "${name}_wall=$wall ${name}_rss=$rss"
}

# In-process parse time, best of $rounds (no process start-up, no file read).
c_ms=$("$bench" "$work/config.toml" "$rounds" | awk '{print $2}')
py_ms=$(python3 - "$work/config.toml" "$rounds" <<'PY'
import sys, time, tomllib
data = open(sys.argv[1], 'rb').read().decode()
best = None
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); tomllib.loads(data); t = (time.perf_counter() - t) * 1e3
    best = t if best is None or t < best else best
print(f'{best:.3f}')
PY
)
# Whole processes: parse once, and python's start-up alone as its floor.
measure c "$bench" "$work/config.toml" 1
measure py python3 -c 'import sys, tomllib; tomllib.load(open(sys.argv[1], "rb"))' "$work/config.toml"
measure pybase python3 -c 'import tomllib'
# The full codex load: parse, -c, profile, typed pass, provenance and the JSON dump.
measure codex env CODEX_HOME="$work/home" ./codex debug config -p prof7 -c model=x

# The worst shapes the cap allows: 1 MiB of one-line keys (what every command pays,
# and `codex debug config` lists each as ignored) and 1 MiB of small profiles (each
# one checked). Python parses the same file, as the floor for reading that much TOML.
python3 - "$work" <<'PY'
import os, sys
cap = 1 << 20
def fill(name, piece):
    out, size, i = [], 0, 0
    while True:
        p = piece(i)
        if size + len(p) > cap:
            break
        out.append(p); size += len(p); i += 1
    os.makedirs(f'{sys.argv[1]}/{name}', exist_ok=True)
    open(f'{sys.argv[1]}/{name}/config.toml', 'w').write(''.join(out))
fill('keys', lambda i: f'key_{i:06d} = 1\n')
fill('profiles', lambda i: f'[profiles.p{i}]\nmodel = "m"\n')
PY
for shape in keys profiles; do
	measure "cap_$shape" env CODEX_HOME="$work/$shape" ./codex debug config
	measure "capsb_$shape" env CODEX_HOME="$work/$shape" ./codex sandbox -- /bin/true
	measure "cappy_$shape" python3 -c 'import sys, tomllib; tomllib.load(open(sys.argv[1], "rb"))' "$work/$shape/config.toml"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.1fx", b / a; else print "n/a" }'; }
echo "bench config: $bytes bytes of TOML ($(grep -c '^\[model_providers' "$work/config.toml") providers, $(grep -c '^\[profiles' "$work/config.toml") profiles)"
printf '  %-40s %10s ms   python3 tomllib %10s ms   (%s faster)\n' "parse, in process (best of $rounds):" "$c_ms" "$py_ms" "$(ratio "$c_ms" "$py_ms")"
printf '  %-40s %10s s    python3 tomllib %10s s    (%s; python start-up alone %s s)\n' "parse, whole process (wall):" "$c_wall" "$py_wall" "$(ratio "$c_wall" "$py_wall")" "$pybase_wall"
printf '  %-40s %10s KiB  python3 tomllib %10s KiB  (%s less; python start-up alone %s KiB)\n' "parse, whole process (peak RSS):" "$c_rss" "$py_rss" "$(ratio "$c_rss" "$py_rss")" "$pybase_rss"
printf '  %-40s %10s s    %s KiB peak\n' "codex debug config (load + typed + JSON):" "$codex_wall" "$codex_rss"
bench_line config parse-1mib parse_ms lower "$c_ms" python3-tomllib "$py_ms"
bench_line config parse-1mib process_wall_s lower "$c_wall" python3-tomllib "$py_wall"
bench_line config parse-1mib process_peak_kib lower "$c_rss" python3-tomllib "$py_rss"
for shape in keys profiles; do
	eval "w=\$cap_${shape}_wall r=\$cap_${shape}_rss sw=\$capsb_${shape}_wall sr=\$capsb_${shape}_rss pw=\$cappy_${shape}_wall pr=\$cappy_${shape}_rss"
	printf '  %-40s debug config %s s %s KiB; sandbox -- true %s s %s KiB; python3 tomllib parse %s s %s KiB\n' \
		"at the cap, 1 MiB of $shape:" "$w" "$r" "$sw" "$sr" "$pw" "$pr"
	bench_line config "cap-$shape" load_wall_s lower "$sw" python3-tomllib "$pw"
	bench_line config "cap-$shape" load_peak_kib lower "$sr" python3-tomllib "$pr"
done
