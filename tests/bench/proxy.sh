#!/bin/bash
# Benchmark: codex proxy against tinyproxy (Debian's package), same run, same machine.
#   - CONNECT tunnel throughput for a large transfer (BENCH_TUNNEL_BYTES, default 2 GiB)
#   - requests/s and p50/p99 latency for small plain-HTTP GETs through the proxy, at 1 and
#     64 concurrent keep-alive clients (BENCH_SECONDS each, default 5)
#   - with ab (apache2-utils) against nginx serving a 137-byte file: nginx served directly
#     (the floor) and through each proxy, 64 keep-alive clients (ab -k), then without
#     keep-alive at 1 and 64 clients (BENCH_AB_SECONDS each, default BENCH_SECONDS)
#   - peak RSS of each proxy over the whole run (/usr/bin/time)
# Both proxies filter by domain: ours with --allow bench.test, tinyproxy with a Filter file
# (FilterDefaultDeny Yes, one ERE rule for bench.test). Everything runs on loopback inside
# a private network + mount namespace whose /etc/hosts maps bench.test to 127.0.0.1.
# Never pass/fail: prints the figures and the ratios (codex / tinyproxy).
set -eu
if [ -z "${PROXY_BENCH_NS:-}" ]; then
	# tinyproxy, nginx and ab are Debian packages: installed when missing, before the
	# network namespace (which reaches no registry) is entered.
	. "$(dirname "$0")/lib.sh"
	command -v tinyproxy > /dev/null || bench_need tinyproxy || true
	{ command -v ab > /dev/null && { command -v nginx > /dev/null || [ -x /usr/sbin/nginx ]; }; } ||
		bench_need apache2-utils nginx-light || true
	exec unshare --mount --net --propagation private env PROXY_BENCH_NS=1 bash "$0" "$@"
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/bench/lib.sh"
CODEX=${CODEX_BIN:-$top/codex}
TOOL=$top/build/tests/proxy-bench
SECS=${BENCH_SECONDS:-5}
BYTES=${BENCH_TUNNEL_BYTES:-2147483648}
[ -x "$TOOL" ] || make -C "$top" -s build/tests/proxy-bench
[ -x "$CODEX" ] || make -C "$top" -s codex
command -v tinyproxy > /dev/null || { echo "tinyproxy is not installed (apt-get install tinyproxy)" >&2; exit 1; }
AB_SECS=${BENCH_AB_SECONDS:-$SECS}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
have_ab=1
{ command -v ab > /dev/null && [ -x "$NGINX" ]; } || {
	have_ab=
	echo "ab or nginx is missing (apt-get install apache2-utils nginx-light): the ab figures are skipped" >&2
}

ip link set lo up
D=$(mktemp -d "${TMPDIR:-/tmp}/codex-proxy-bench-XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
	wait 2> /dev/null || true
	umount /etc/hosts 2> /dev/null || true
	rm -rf "$D"
}
trap cleanup EXIT
printf '127.0.0.1 localhost bench.test\n' > "$D/hosts"
mount --bind "$D/hosts" /etc/hosts

wait_file() { for _ in $(seq 1 200); do [ -s "$1" ] && return 0; sleep 0.025; done; echo "no $1" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$TOOL" server "$D/origin.port" & pids+=($!)
wait_file "$D/origin.port"
ORIGIN=bench.test:$(cat "$D/origin.port")

# codex proxy
/usr/bin/time -f '%M' -o "$D/codex.mem" "$CODEX" proxy --http 127.0.0.1:0 --no-socks \
	--allow bench.test --allow-local-binding > "$D/codex.ready" 2> "$D/codex.err" & codex_pid=$!
pids+=($codex_pid)
wait_file "$D/codex.ready"
CODEX_ADDR=$(sed -n 's/.*"http":"\([^"]*\)".*/\1/p' "$D/codex.ready")

# tinyproxy with the equivalent domain filter
TPORT=$(free_port)
printf '^bench\\.test$\n' > "$D/filter"
cat > "$D/tinyproxy.conf" <<CONF
User nobody
Group nogroup
Port $TPORT
Listen 127.0.0.1
Timeout 600
MaxClients 1024
LogLevel Critical
Filter "$D/filter"
FilterType ere
FilterDefaultDeny Yes
ConnectPort $(cat "$D/origin.port")
CONF
chmod 755 "$D"
chmod 644 "$D/filter" "$D/tinyproxy.conf"
/usr/bin/time -f '%M' -o "$D/tiny.mem" tinyproxy -d -c "$D/tinyproxy.conf" > "$D/tiny.log" 2>&1 & tiny_pid=$!
pids+=($tiny_pid)
for _ in $(seq 1 200); do (exec 3<> "/dev/tcp/127.0.0.1/$TPORT") 2> /dev/null && break; sleep 0.025; done
TINY_ADDR=127.0.0.1:$TPORT

# Both refuse a host outside their filter (the filter is really on).
for a in "$CODEX_ADDR" "$TINY_ADDR"; do
	code=$(curl -s -o /dev/null -w '%{http_code}' -x "http://$a" "http://other.test/")
	[ "$code" = 403 ] || { echo "proxy $a did not block other.test (HTTP $code)" >&2; exit 1; }
done

# nginx: the origin for ab, one worker (the machine has 2 cores for everything).
if [ -n "$have_ab" ]; then
	NPORT=$(free_port)
	mkdir -p "$D/www" "$D/nginx"
	head -c 137 /dev/zero | tr '\0' x > "$D/www/file.html"
	cat > "$D/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $D/nginx/nginx.pid;
error_log $D/nginx/error.log;
events { worker_connections 4096; }
http {
	access_log off;
	keepalive_requests 1000000;
	client_body_temp_path $D/nginx; proxy_temp_path $D/nginx; fastcgi_temp_path $D/nginx;
	uwsgi_temp_path $D/nginx; scgi_temp_path $D/nginx;
	server { listen 127.0.0.1:$NPORT; root $D/www; }
}
CONF
	chmod -R a+rX "$D"
	"$NGINX" -c "$D/nginx.conf" -p "$D/nginx" 2> "$D/nginx.err" & pids+=($!)
	for _ in $(seq 1 200); do (exec 3<> "/dev/tcp/127.0.0.1/$NPORT") 2> /dev/null && break; sleep 0.025; done
fi

# ab_rps NAME ARGS...: requests per second (and failures) of one ab run.
ab_rps() {
	local name=$1 out
	shift
	out=$(ab -q -r -t "$AB_SECS" -n 50000000 "$@" 2>&1) || true
	R[$name]=$(echo "$out" | awk '/^Requests per second:/ {print $4}')
	R[$name.failed]=$(echo "$out" | awk '/^Failed requests:/ {print $3}')
	R[$name.non2xx]=$(echo "$out" | awk '/^Non-2xx responses:/ {print $3}')
	[ -n "${R[$name]}" ] || { echo "ab $name: $out" | tail -n 3 >&2; R[$name]=-; }
}

declare -A R
measure() { # NAME ADDR
	local name=$1 addr=$2 out
	out=$("$TOOL" tunnel "$addr" "$ORIGIN" "$BYTES")
	R[$name.tput]=$(echo "$out" | awk '{print $6}')
	for c in 1 64; do
		out=$("$TOOL" load "$addr" "$ORIGIN" "$c" "$SECS")
		R[$name.rps$c]=$(echo "$out" | awk '{print $4}')
		R[$name.p99_$c]=$(echo "$out" | awk '{print $8}')
		R[$name.p50_$c]=$(echo "$out" | awk '{print $6}')
		R[$name.err$c]=$(echo "$out" | awk '{print $10}')
	done
}
measure codex "$CODEX_ADDR"
measure tiny "$TINY_ADDR"
if [ -n "$have_ab" ]; then
	URL=http://bench.test:$NPORT/file.html
	# Interleaved, so that a busy moment of the shared machine hits all three alike.
	ab_rps direct.ka64 -k -c 64 "$URL"
	ab_rps codex.ka64 -k -c 64 -X "$CODEX_ADDR" "$URL"
	ab_rps tiny.ka64 -k -c 64 -X "$TINY_ADDR" "$URL"
	for c in 1 64; do
		ab_rps direct.close$c -c "$c" "$URL"
		ab_rps codex.close$c -c "$c" -X "$CODEX_ADDR" "$URL"
		ab_rps tiny.close$c -c "$c" -X "$TINY_ADDR" "$URL"
	done
fi
# Signal the proxies themselves (children of /usr/bin/time), so time reports their peak.
kill -TERM $(pgrep -P "$codex_pid") $(pgrep -P "$tiny_pid")
wait "$codex_pid" 2> /dev/null || true
wait "$tiny_pid" 2> /dev/null || true
R[codex.mem]=$(tail -n 1 "$D/codex.mem")
R[tiny.mem]=$(tail -n 1 "$D/tiny.mem")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
printf '%-34s %14s %14s %10s\n' metric codex tinyproxy ratio
row() { printf '%-34s %14s %14s %10s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"; }
row "CONNECT throughput (MiB/s)" "${R[codex.tput]}" "${R[tiny.tput]}"
row "GET req/s, 1 client" "${R[codex.rps1]}" "${R[tiny.rps1]}"
row "GET req/s, 64 clients" "${R[codex.rps64]}" "${R[tiny.rps64]}"
row "GET p50 latency us, 1 client" "${R[codex.p50_1]}" "${R[tiny.p50_1]}"
row "GET p99 latency us, 1 client" "${R[codex.p99_1]}" "${R[tiny.p99_1]}"
row "GET p50 latency us, 64 clients" "${R[codex.p50_64]}" "${R[tiny.p50_64]}"
row "GET p99 latency us, 64 clients" "${R[codex.p99_64]}" "${R[tiny.p99_64]}"
row "peak RSS (KiB)" "${R[codex.mem]}" "${R[tiny.mem]}"
if [ -n "$have_ab" ]; then
	echo
	echo "ab against nginx (137-byte file), requests/s:"
	printf '%-34s %12s %12s %12s %12s %12s\n' case nginx-direct codex tinyproxy codex/direct codex/tiny
	for k in ka64 close1 close64; do
		printf '%-34s %12s %12s %12s %12s %12s\n' "$k" "${R[direct.$k]}" "${R[codex.$k]}" "${R[tiny.$k]}" \
			"$(ratio "${R[codex.$k]}" "${R[direct.$k]}")" "$(ratio "${R[codex.$k]}" "${R[tiny.$k]}")"
	done
	echo "ab failures (failed/non-2xx): codex ${R[codex.ka64.failed]:-?}/${R[codex.ka64.non2xx]:-0} ka64, tinyproxy ${R[tiny.ka64.failed]:-?}/${R[tiny.ka64.non2xx]:-0} ka64"
	echo "targets (issue 11): ka64 codex >= 0.30x direct and >= 3x tinyproxy; close1/close64 >= 1.5x tinyproxy; CONNECT >= 4x tinyproxy"
fi
echo "errors: codex ${R[codex.err1]}/${R[codex.err64]}, tinyproxy ${R[tiny.err1]}/${R[tiny.err64]} (1/64 clients)"
echo "(tunnel: $BYTES bytes; load: ${SECS}s per run; $(nproc) cores shared by proxy, origin and client)"
bline() { bench_line proxy "$1" "$2" "$3" "${R[codex.$4]:--}" tinyproxy "${R[tiny.$4]:--}"; }
bline connect-tunnel mib_per_s higher tput
bline get-1-client req_per_s higher rps1
bline get-64-clients req_per_s higher rps64
bline get-1-client p50_us lower p50_1
bline get-1-client p99_us lower p99_1
bline get-64-clients p50_us lower p50_64
bline get-64-clients p99_us lower p99_64
bline whole-run peak_kib lower mem
if [ -n "$have_ab" ]; then
	num() { [[ ${1:-} =~ ^[0-9]+(\.[0-9]+)?$ ]] && echo "$1" || echo -; }
	for k in ka64 close1 close64; do
		bench_line proxy "ab-$k" req_per_s higher "$(num "${R[codex.$k]}")" tinyproxy "$(num "${R[tiny.$k]}")"
		bench_line proxy "ab-$k" req_per_s higher "$(num "${R[codex.$k]}")" nginx-direct "$(num "${R[direct.$k]}")"
	done
fi
