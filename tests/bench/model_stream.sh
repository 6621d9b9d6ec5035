#!/bin/bash
# Benchmark: the model client's cost per request, against curl as the floor, on the same
# local mock (tests/servers/mock_responses.py) in the same run: a short streamed answer
# (response.created, a message in three deltas, response.completed).
#   per-process   N runs of build/tests/model-stream (config, client, one request, exit)
#                 vs N runs of `curl -N` posting the same body
#   reused        one process making N requests on one connection: model-stream
#                 --repeat N vs one curl with N URLs
#   https         per-process over TLS (BearSSL here, OpenSSL in Debian's curl)
# Never pass/fail; prints per-request wall and CPU, peak memory, and ratios.
#   tests/bench/model_stream.sh [N]      (default 200)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/bench/lib.sh
. tests/integration/lib.sh
n=${1:-200}
T=$(mktemp -d "${TMPDIR:-/tmp}/codex-bench-model-XXXXXX")
trap 'cleanup_bg; rm -rf "$T"' EXIT
make -s build/tests/model-stream > /dev/null
MS=$top/build/tests/model-stream
for need in curl python3 openssl /usr/bin/time; do
	command -v "$need" > /dev/null || { echo "bench model_stream: missing $need"; exit 1; }
done

# One script for every request of every case (each takes the next reply).
python3 - "$T/script.json" "$((n * 4 + 10))" <<'PY'
import json, sys
reply = {"sse": [{"created": "r"}, {"message": "Hello there", "deltas": ["Hel", "lo ", "there"]},
                 {"completed": {"id": "r", "input_tokens": 10, "output_tokens": 3}}]}
json.dump([reply] * int(sys.argv[2]), open(sys.argv[1], "w"))
PY
make_ca "$T/ca"
mkdir -p "$T/home"

start_server() { # start_server [mock options]: sets BASE_HOSTPORT
	printf '' > /dev/null
	start_mock "$T/script.json" "$@"
}

# The exact request model-stream sends, for curl to post.
start_server
url=http://127.0.0.1:$MOCK_PORT/v1/responses
ms_args=(--codex-home "$T/home" -c model_provider=mock -c model_providers.mock.name=mock
	 -c model_providers.mock.env_key=MOCK_KEY --quiet)
export MOCK_KEY=sk-bench
"$MS" "${ms_args[@]}" -c "model_providers.mock.base_url=http://127.0.0.1:$MOCK_PORT/v1" \
	--print-request > "$T/body.json"
curl_headers=(-H 'content-type: application/json' -H 'accept: text/event-stream'
	      -H "authorization: Bearer $MOCK_KEY" -H 'originator: codex_exec')

# timed NAME CMD...: wall seconds, user+sys CPU seconds and peak RSS (KiB) of CMD and its
# children, into NAME_wall, NAME_cpu, NAME_rss.
timed() {
	local name=$1 wall u s rss
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$T/time" "$@" > "$T/out.$name" 2>&1 || {
		echo "bench model_stream: $name failed:"; tail -3 "$T/out.$name"; return 1; }
	read -r wall u s rss < "$T/time"
	eval "${name}_wall=$wall ${name}_cpu=$(awk -v a="$u" -v b="$s" 'BEGIN { print a + b }') ${name}_rss=$rss"
}

per_request_ms() { awk -v t="$1" -v n="$n" 'BEGIN { printf "%.3f", t * 1000 / n }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "-" }'; }

base=http://127.0.0.1:$MOCK_PORT/v1
export MS N=$n BASE_URL=$base
timed ours_proc bash -c 'for i in $(seq $N); do "$MS" "$@" -c "model_providers.mock.base_url=$BASE_URL" || exit 1; done' \
	x "${ms_args[@]}"
export URL=$url BODY=$T/body.json
timed curl_proc bash -c 'for i in $(seq $N); do curl -sfN "$@" --data-binary @"$BODY" "$URL" > /dev/null || exit 1; done' \
	x "${curl_headers[@]}"
timed ours_reuse "$MS" "${ms_args[@]}" -c "model_providers.mock.base_url=$base" --repeat "$n"
urls=()
for i in $(seq "$n"); do urls+=("$url"); done
timed curl_reuse curl -sfN "${curl_headers[@]}" --data-binary @"$T/body.json" "${urls[@]}"
# One request each, for the peak memory of a single client.
timed ours_one "$MS" "${ms_args[@]}" -c "model_providers.mock.base_url=$base"
timed curl_one curl -sfN "${curl_headers[@]}" --data-binary @"$T/body.json" "$url"
cleanup_bg

start_server --cert "$T/ca/server.pem" --key "$T/ca/server.key"
export SSL_CERT_FILE=$T/ca/ca.pem BASE_URL=https://localhost:$MOCK_PORT/v1 URL=https://localhost:$MOCK_PORT/v1/responses
timed ours_tls bash -c 'for i in $(seq $N); do "$MS" "$@" -c "model_providers.mock.base_url=$BASE_URL" || exit 1; done' \
	x "${ms_args[@]}"
timed curl_tls bash -c 'for i in $(seq $N); do curl -sfN --cacert "$SSL_CERT_FILE" "$@" --data-binary @"$BODY" "$URL" > /dev/null || exit 1; done' \
	x "${curl_headers[@]}"

echo "bench model_stream: $n requests of a short stream per case, against curl on the same mock"
row() { # row LABEL OURS_WALL OURS_CPU CURL_WALL CURL_CPU
	printf '  %-26s ours %8s ms wall %8s ms cpu   curl %8s ms wall %8s ms cpu   (wall x%s, cpu x%s of curl)\n' \
		"$1" "$(per_request_ms "$2")" "$(per_request_ms "$3")" "$(per_request_ms "$4")" \
		"$(per_request_ms "$5")" "$(ratio "$2" "$4")" "$(ratio "$3" "$5")"
}
row "per process, http:" "$ours_proc_wall" "$ours_proc_cpu" "$curl_proc_wall" "$curl_proc_cpu"
row "one process, reused conn:" "$ours_reuse_wall" "$ours_reuse_cpu" "$curl_reuse_wall" "$curl_reuse_cpu"
row "per process, https:" "$ours_tls_wall" "$ours_tls_cpu" "$curl_tls_wall" "$curl_tls_cpu"
printf '  %-26s ours %8s KiB                  curl %8s KiB\n' "peak RSS, one request:" "$ours_one_rss" "$curl_one_rss"
bench_line model_stream per-process-http req_wall_ms lower "$(per_request_ms "$ours_proc_wall")" curl "$(per_request_ms "$curl_proc_wall")"
bench_line model_stream per-process-http req_cpu_ms lower "$(per_request_ms "$ours_proc_cpu")" curl "$(per_request_ms "$curl_proc_cpu")"
bench_line model_stream reused-conn req_wall_ms lower "$(per_request_ms "$ours_reuse_wall")" curl "$(per_request_ms "$curl_reuse_wall")"
bench_line model_stream reused-conn req_cpu_ms lower "$(per_request_ms "$ours_reuse_cpu")" curl "$(per_request_ms "$curl_reuse_cpu")"
bench_line model_stream per-process-https req_wall_ms lower "$(per_request_ms "$ours_tls_wall")" curl "$(per_request_ms "$curl_tls_wall")"
bench_line model_stream per-process-https req_cpu_ms lower "$(per_request_ms "$ours_tls_cpu")" curl "$(per_request_ms "$curl_tls_cpu")"
bench_line model_stream one-request peak_kib lower "$ours_one_rss" curl "$curl_one_rss"
