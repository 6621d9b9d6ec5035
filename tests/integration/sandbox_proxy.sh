#!/bin/bash
# codex sandbox with the network proxy: the command reaches the network only through
# the proxy, enforced by the kernel (its own network namespace holding loopback and the
# proxy's listeners), as root and as an unprivileged user. Real clients inside (curl,
# git, python sockets), attacks on the way around the proxy, the blocked summary, the
# audit file, failing closed, and nothing left behind.
#
# The whole suite runs in a private network + mount namespace of its own (as
# proxy.sh): loopback holds 127.0.0.1 and 11.0.0.1, an address the proxy counts as
# public, so that the test servers there are reachable without --allow-local-binding;
# no packet can leave the namespace. /etc/hosts maps the test names, /etc/resolv.conf
# points at $PUB, where one test runs a DNS server.
if [ -z "${SANDBOX_PROXY_NS:-}" ]; then
	exec unshare --mount --net --propagation private env SANDBOX_PROXY_NS=1 bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sandbox.inc"
PX=$CODEX_TOP/tests/integration/proxy
PUB=11.0.0.1
# Other processes of the machine (other suites) come and go in /tmp: the suite gets a
# /tmp of its own (its mount namespace is private), so that "nothing left behind" sees
# only what its own runs leave. A checkout below /tmp is bound back to its place (through
# a directory that is only ever rmdir'ed, never emptied: it holds the checkout).
KEEP=
if under_tmp "$CODEX_TOP"; then
	KEEP=$(mktemp -d /var/tmp/codex-sbproxy-keep.XXXXXX)
	mount --rbind "$CODEX_TOP" "$KEEP"
fi
mount -t tmpfs -o mode=1777 codex-sbproxy-tmp /tmp
if [ -n "$KEEP" ]; then
	mkdir -p "$CODEX_TOP"
	mount --rbind "$KEEP" "$CODEX_TOP"
	umount -l "$KEEP" && rmdir "$KEEP"
fi

ip link set lo up
ip addr add $PUB/32 dev lo
NS_DIR=$(mktemp -d "$SBX_BASE/codex-sbproxy-ns-XXXXXX")
chmod 755 "$NS_DIR"
trap 'umount /etc "$NS_DIR/ovl" 2>/dev/null; rm -rf "$NS_DIR"; sbx_cleanup' EXIT
cat > "$NS_DIR/hosts" <<EOF
127.0.0.1 localhost local.test
::1 localhost
$PUB allowed.test other.test pypi.test
10.0.0.5 private.test
EOF
printf 'nameserver %s\noptions timeout:1 attempts:1\n' $PUB > "$NS_DIR/resolv.conf"
chmod 644 "$NS_DIR/hosts" "$NS_DIR/resolv.conf"
private_etc "$NS_DIR"
make_ca "$NS_DIR/ca" allowed.test other.test
chmod 755 "$NS_DIR/ca"
chmod 644 "$NS_DIR/ca/ca.pem"
CA=$NS_DIR/ca/ca.pem

# server MODE [ARGS...]: a test server on $PUB (SERVER_PORT may pick the port); PORT.
server() {
	local pf=$T/port.$RANDOM
	SERVER_HOST=${SERVER_HOST:-$PUB} start_bg python3 "$PX/servers.py" "$1" "$pf" "${@:2}"
	wait_file "$pf"
	PORT=$(cat "$pf")
}
http_server() { server http "$T/origin.log"; HPORT=$PORT; }
https_server() { server https "$NS_DIR/ca/server.pem" "$NS_DIR/ca/server.key"; SPORT=$PORT; }

# psb USER ARGS...: codex sandbox with the proxy flags given, as USER; stderr in $T/err.
psb() {
	local who=$1
	shift
	sb "$who" "$@" 2> "$T/err"
}

# The JSON body the proxy answers a blocked plain-HTTP request with.
json_403() { # REASON HOST PORT MESSAGE
	printf '{"status":"blocked","host":"%s","reason":"%s","decision":"deny","source":"baseline_policy","protocol":"http","port":%s,"message":"CODEX_NETWORK_POLICY_DECISION {\\"decision\\":\\"deny\\",\\"reason\\":\\"%s\\",\\"source\\":\\"baseline_policy\\",\\"protocol\\":\\"http\\",\\"host\\":\\"%s\\",\\"port\\":%s}\\n%s"}' \
		"$2" "$1" "$3" "$1" "$2" "$3" "$4"
}

# ---- real clients through the proxy ----

http_and_https() {
	setup "$1"
	http_server
	https_server
	out=$(psb "$1" --allow-domain allowed.test --audit "$T/home/audit.log" -- sh -c "
		curl -sS http://allowed.test:$HPORT/hello
		curl -sS --cacert '$CA' https://allowed.test:$SPORT/hello")
	expect_eq "$out" "$(printf 'hello from upstream\nhello from upstream')" "both answers"
	expect_eq "$(cat "$T/err")" "" "stderr (nothing blocked: no summary)"
	grep -q "GET /hello host=allowed.test:$HPORT" "$T/origin.log" || fail "origin saw $(cat "$T/origin.log")"
	audit=$(cat "$T/home/audit.log")
	expect_contains "$audit" "\"protocol\":\"http\",\"client\":\"127.0.0.1:"
	expect_contains "$audit" "\"host\":\"allowed.test\",\"port\":$HPORT,\"method\":\"GET\",\"decision\":\"allow\""
	expect_contains "$audit" "\"protocol\":\"https_connect\",\"client\":\"127.0.0.1:"
	expect_contains "$audit" "\"host\":\"allowed.test\",\"port\":$SPORT,\"method\":\"CONNECT\",\"decision\":\"allow\""
	expect_eq "$(wc -l < "$T/home/audit.log")" 2 "audit lines"
}
test_http_and_https_through_the_env_variables_root() { http_and_https root; }
test_http_and_https_through_the_env_variables_user() { http_and_https user; }

not_allowed() {
	setup "$1"
	http_server
	https_server
	out=$(psb "$1" --allow-domain allowed.test -- sh -c "
		curl -sS -D - http://other.test:$HPORT/hello; echo
		curl -sS --cacert '$CA' https://other.test:$SPORT/hello 2>&1; echo https=\$?")
	out=$(printf '%s' "$out" | tr -d '\r')
	expect_contains "$out" "HTTP/1.1 403 Forbidden"
	expect_contains "$out" "x-proxy-error: blocked-by-allowlist"
	expect_contains "$out" "$(json_403 not_allowed other.test "$HPORT" \
		'Codex blocked this request: domain not in allowlist (this is not a denylist block).')"
	expect_contains "$out" "CONNECT tunnel failed, response 403"
	expect_contains "$out" "https=56"
	expect_eq "$(cat "$T/err")" \
		"codex: network: blocked 2 requests: other.test:$HPORT (not allowed), other.test:$SPORT (not allowed)" \
		"the summary, one line"
	[ ! -s "$T/origin.log" ] || fail "a blocked request reached the server: $(cat "$T/origin.log")"
}
test_not_allowed_host_gets_the_proxy_403_root() { not_allowed root; }
test_not_allowed_host_gets_the_proxy_403_user() { not_allowed user; }

# What the suite's own namespace can do (the controls) the command cannot.
direct_fails() {
	setup "$1"
	http_server
	SERVER_HOST=127.0.0.1 server echo
	LPORT=$PORT
	probe="import socket, sys
for host in ('$PUB', '127.0.0.1'):
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect((host, int(sys.argv[1] if host == '$PUB' else sys.argv[2])))
        print(host, 'connected')
    except OSError as e:
        print(host, 'refused', e.errno)"
	control=$($PY -c "$probe" "$HPORT" "$LPORT")
	expect_eq "$control" "$(printf '%s connected\n127.0.0.1 connected' $PUB)" "control outside the sandbox"
	curl -sS --noproxy '*' "http://allowed.test:$HPORT/hello" > /dev/null || fail "control: direct curl"
	: > "$T/origin.log"
	# The proxy's ports in the sandbox are ephemeral too. Should one equal a server's
	# port, Landlock rightly grants connecting to it (the connection then fails on
	# routing, ENETUNREACH): that run proves nothing about the grant, and a new run
	# draws new ports.
	for _ in 1 2 3; do
		out=$(psb "$1" --allow-domain allowed.test -- sh -c "
			echo proxy-ports \${HTTP_PROXY##*:} \${ALL_PROXY##*:}
			curl -sS --noproxy '*' http://allowed.test:$HPORT/hello 2>&1; echo curl=\$?
			$PY -c \"\$0\" $HPORT $LPORT" "$probe")
		case " $(sed -n 's/^proxy-ports //p' <<< "$out") " in
		*" $HPORT "* | *" $LPORT "*) ;;
		*) break ;;
		esac
	done
	expect_contains "$out" "Failed to connect to allowed.test port $HPORT"
	expect_contains "$out" "curl=7"
	# EACCES: Landlock grants connecting to the proxy's ports only.
	expect_contains "$out" "$PUB refused 13"
	expect_contains "$out" "127.0.0.1 refused 13"
	# With local binding Landlock leaves TCP alone; the namespace still holds nothing
	# but the command's own loopback.
	out=$(psb "$1" --allow-domain allowed.test --allow-local-binding -- $PY -c "$probe" \
		"$HPORT" "$LPORT")
	expect_contains "$out" "$PUB refused 101" # ENETUNREACH
	expect_contains "$out" "127.0.0.1 refused 111" # ECONNREFUSED: not the host's loopback
	[ ! -s "$T/origin.log" ] || fail "the server saw $(cat "$T/origin.log")"
}
test_direct_connections_fail_root() { direct_fails root; }
test_direct_connections_fail_user() { direct_fails user; }

# A DNS server on $PUB:53 (the suite's resolver) that answers every A query with $PUB.
dns_server() {
	cat > "$T/dns.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
open(sys.argv[2], "w").write("53")
while True:
    q, peer = s.recvfrom(512)
    end = 12
    while q[end]:
        end += q[end] + 1
    end += 5
    s.sendto(q[:2] + b"\x81\x80" + q[4:6] + b"\x00\x01\x00\x00\x00\x00" + q[12:end] +
             b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04" + socket.inet_aton(sys.argv[1]), peer)
EOF
	start_bg python3 "$T/dns.py" $PUB "$T/dns.port"
	wait_file "$T/dns.port"
}

udp_dns_fails() {
	setup "$1"
	SERVER_HOST=$PUB server udpecho
	dns_server
	probe="import socket, sys
try:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(b'ping', ('$PUB', int(sys.argv[1])))
    print('udp', s.recvfrom(100)[0].decode())
except OSError as e:
    print('udp refused', e.errno)
try:
    print('dns', socket.getaddrinfo('anything.example', 443, socket.AF_INET)[0][4][0])
except socket.gaierror as e:
    print('dns failed')"
	expect_eq "$($PY -c "$probe" "$PORT")" "$(printf 'udp echo:ping\ndns %s' $PUB)" \
		"control: UDP and DNS outside the sandbox"
	out=$(psb "$1" --allow-domain allowed.test -- $PY -c "$probe" "$PORT")
	expect_eq "$out" "$(printf 'udp refused 1\ndns failed')" "inside" # EPERM: no UDP socket
	# Through the proxy, names are the proxy's business (socks5h, or the HTTP request).
	out=$(psb "$1" --allow-domain allowed.test -- curl -s -o /dev/null -w '%{http_code}' \
		http://anything.example/)
	expect_eq "$out" 403 "a name the proxy resolves, outside the allowlist"
}
test_udp_and_dns_fail_root() { udp_dns_fails root; }
test_udp_and_dns_fail_user() { udp_dns_fails user; }

git_clone() {
	setup "$1"
	mkdir -p "$T/srv" "$T/work"
	git init -q --bare "$T/srv/repo.git"
	git init -q "$T/work"
	(cd "$T/work" && echo content > file && git add file &&
		git -c user.name=t -c user.email=t@t commit -qm first &&
		git push -q "$T/srv/repo.git" HEAD:refs/heads/main)
	git -C "$T/srv/repo.git" symbolic-ref HEAD refs/heads/main
	SERVER_PORT=443 server git "$NS_DIR/ca/server.pem" "$NS_DIR/ca/server.key" "$T/srv"
	psb "$1" --full-auto --allow-domain allowed.test -- \
		env GIT_SSL_CAINFO="$CA" git clone -q https://allowed.test/repo.git clone ||
		fail "clone failed: $(cat "$T/err")"
	expect_eq "$(cat clone/file)" content "cloned file"
	expect_eq "$(cat "$T/err")" "" stderr
	rc=0
	psb "$1" --full-auto --allow-domain allowed.test -- \
		env GIT_SSL_CAINFO="$CA" git clone -q https://other.test/repo.git clone2 || rc=$?
	[ "$rc" -ne 0 ] && [ ! -e clone2/file ] || fail "a clone from other.test worked"
	expect_contains "$(cat "$T/err")" "codex: network: blocked 1 request: other.test:443 (not allowed)"
}
test_git_clone_over_https_through_the_proxy_root() { git_clone root; }
test_git_clone_over_https_through_the_proxy_user() { git_clone user; }

socks() {
	setup "$1"
	https_server
	only_all_proxy="env -u http_proxy -u HTTP_PROXY -u https_proxy -u HTTPS_PROXY"
	out=$(psb "$1" --allow-domain allowed.test --audit "$T/home/audit.log" -- sh -c "
		echo \$ALL_PROXY; $only_all_proxy curl -sS --cacert '$CA' https://allowed.test:$SPORT/hello")
	expect_contains "$out" "socks5h://127.0.0.1:"
	expect_contains "$out" "hello from upstream"
	expect_contains "$(cat "$T/home/audit.log")" "\"protocol\":\"socks5_tcp\""
	expect_contains "$(cat "$T/home/audit.log")" "\"host\":\"allowed.test\",\"port\":$SPORT"
	# Control: without SOCKS5, ALL_PROXY is the HTTP proxy and the audit says so.
	rm "$T/home/audit.log"
	out=$(psb "$1" -c network.enable_socks5=false --allow-domain allowed.test \
		--audit "$T/home/audit.log" -- sh -c "
		echo \$ALL_PROXY; $only_all_proxy curl -sS --cacert '$CA' https://allowed.test:$SPORT/hello")
	expect_contains "$out" "http://127.0.0.1:"
	expect_contains "$out" "hello from upstream"
	expect_contains "$(cat "$T/home/audit.log")" "\"protocol\":\"https_connect\""
	expect_not_contains "$(cat "$T/home/audit.log")" "socks5"
}
test_socks5_through_all_proxy_root() { socks root; }
test_socks5_through_all_proxy_user() { socks user; }

# ---- the environment ----

# npm reads the proxy keys it knows from the environment and warns about any other
# (npm_config_http_proxy: 'Unknown env config "http-proxy"'): it gets only its own.
test_npm_takes_the_proxy_without_a_warning() {
	command -v npm > /dev/null || { echo "# skipped: npm is not installed"; return 0; }
	setup root
	out=$(npm_config_http_proxy=http://corp:1 psb root --full-auto --allow-domain allowed.test -- \
		env HOME="$T/ws" sh -c 'npm config get proxy; npm config get https-proxy; npm config get noproxy' 2>&1)
	expect_not_contains "$out$(cat "$T/err")" "Unknown env config"
	expect_not_contains "$out" corp
	[[ "$(printf '%s\n' "$out" | head -1)" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || fail "npm's proxy: $out"
	[[ "$(printf '%s\n' "$out" | sed -n 2p)" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || fail "npm's https-proxy: $out"
}

test_environment_points_at_the_proxy_only() {
	setup root
	out=$(HTTP_PROXY=http://corp:1 no_proxy=corp ALL_PROXY=socks5://corp:2 \
		psb root --allow-domain allowed.test -- env)
	expect_not_contains "$out" corp "the caller's proxy settings"
	expect_not_contains "$out" CODEX_SANDBOX_NETWORK_DISABLED "network marker"
	http=$(printf '%s\n' "$out" | sed -n 's/^HTTP_PROXY=//p')
	[[ "$http" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || fail "HTTP_PROXY=$http"
	for k in HTTPS_PROXY http_proxy https_proxy npm_config_proxy PIP_PROXY WSS_PROXY; do
		expect_contains "$out" "$k=$http" "$k"
	done
	for k in NO_PROXY no_proxy BUNDLE_NO_PROXY; do
		printf '%s\n' "$out" | grep -qx "$k=" || fail "$k is not empty"
	done
	expect_contains "$out" "ALL_PROXY=socks5h://127.0.0.1:"
	expect_contains "$out" "CODEX_NETWORK_PROXY_ACTIVE=1"
	expect_contains "$out" "CODEX_NETWORK_ALLOW_LOCAL_BINDING=0"
	expect_contains "$out" "NODE_USE_ENV_PROXY=1"
	expect_contains "$out" "ELECTRON_GET_USE_PROXY=true"
	# Control: without the proxy the marker is there and the variables are not.
	out=$(HTTP_PROXY=http://corp:1 psb root -- env)
	expect_contains "$out" "CODEX_SANDBOX_NETWORK_DISABLED=1"
	expect_contains "$out" "HTTP_PROXY=http://corp:1"
	expect_not_contains "$out" CODEX_NETWORK_PROXY_ACTIVE
}

# Without Landlock (an old kernel), the namespace and seccomp still hold: nothing of the
# command's can listen, so the proxy's ports are all there is.
test_without_landlock_the_namespace_and_seccomp_hold() {
	setup user
	http_server
	SERVER_HOST=127.0.0.1 server echo
	out=$(SB_PREFIX="$DENY landlock --" psb user --allow-domain allowed.test -- sh -c "
		curl -sS http://allowed.test:$HPORT/hello
		curl -s --noproxy '*' http://allowed.test:$HPORT/hello; echo direct=\$?
		$PY -c 'import socket
for a in ((\"127.0.0.1\", $PORT), (\"$PUB\", $HPORT)):
    try:
        socket.create_connection(a, timeout=2); print(\"connected\")
    except OSError as e:
        print(\"refused\", e.errno)
s = socket.socket()
try:
    s.bind((\"127.0.0.1\", 0)); print(\"bound\")
except OSError as e:
    print(\"bind refused\", e.errno)'")
	expect_eq "$out" "$(printf 'hello from upstream\ndirect=7\nrefused 111\nrefused 101\nbind refused 1')" \
		"without Landlock"
}

# ---- attacks: around the proxy ----

attacks() {
	setup "$1"
	out=$(psb "$1" --allow-domain allowed.test -- sh -c "
		$ATTACK socket unix stream 2>&1; echo unix-stream=\$?
		$ATTACK socket unix dgram 2>&1; echo unix-dgram=\$?
		$ATTACK socket inet dgram 2>&1; echo udp=\$?
		$ATTACK socket inet raw 2>&1; echo raw=\$?
		$ATTACK socket netlink raw 2>&1; echo netlink=\$?
		$ATTACK socket packet raw 2>&1; echo packet=\$?
		$ATTACK unix-pair-sendmsg /dev/log 2>&1; echo pair-dgram=\$?
		$PY -c 'import socket; socket.socket(); a, b = socket.socketpair(); a.send(b\"x\"); print(\"tcp=0 pair\", b.recv(1))'
		$PY -c 'import os; print(\"fds\", sorted(os.listdir(\"/proc/self/fd\")))'")
	for w in unix-stream=1 unix-dgram=1 udp=1 raw=1 netlink=1 packet=1 pair-dgram=1; do
		expect_contains "$out" "$w"
	done
	expect_contains "$out" "tcp=0 pair b'x'" "TCP sockets (the way to the proxy) and stream pairs"
	# Nothing inherited: not the channel to the proxy, not a listener (3 is listdir's).
	expect_contains "$out" "fds ['0', '1', '2', '3']"
	# Control: outside, the same calls work.
	"$ATTACK" socket unix stream && "$ATTACK" socket inet dgram || fail "control: sockets outside"
}
test_no_unix_udp_raw_netlink_packet_sockets_root() { attacks root; }
test_no_unix_udp_raw_netlink_packet_sockets_user() { attacks user; }

# Nothing of the sandbox holds the proxy's listening sockets, and no socket file exists
# anywhere: the proxy outside holds them, in a pid namespace the command cannot see.
listeners_unreachable() {
	setup "$1"
	tok=lsn-$RANDOM$RANDOM.test
	before=$(find /tmp "$SBX_BASE" "$T/codex-home" -type s 2>/dev/null | sort)
	start_bg as "$1" env -u TMPDIR "$CODEX" sandbox --full-auto --allow-domain "$tok" -- sh -c '
		hex=$(printf "%04X" "${HTTP_PROXY##*:}")
		awk -v h=":$hex" "\$2 ~ h\"\$\" && \$4 == \"0A\" { print \$10 }" /proc/net/tcp > inode
		exec sleep 30' "$tok"
	wait_file inode
	inode=$(cat inode)
	proxy=$(pgrep -f "^$CODEX sandbox .*$tok")
	launcher=$(pgrep -o -f "^codex-linux-sandbox .*$tok")
	[ -n "$proxy" ] && [ -n "$launcher" ] || fail "proxy [$proxy] launcher [$launcher]: $(pgrep -af "$tok")"
	holders=""
	for p in $(pgrep -f "$tok"); do
		for fd in /proc/$p/fd/*; do
			[ "$(readlink "$fd" 2>/dev/null)" = "socket:[$inode]" ] && holders="$holders $p"
		done
	done
	expect_eq "$holders" " $proxy" "processes holding the listening socket"
	# The proxy is not dumpable: even its own user cannot look at its descriptors.
	if [ "$1" = user ]; then
		as user ls "/proc/$launcher/fd" > /dev/null || fail "control: the launcher's fds"
		as user ls "/proc/$proxy/fd" > /dev/null 2>&1 && fail "the proxy's fds are readable"
	fi
	expect_eq "$(find /tmp "$SBX_BASE" "$T/codex-home" -type s 2>/dev/null | sort)" "$before" \
		"socket files"
	# From inside another sandbox: the proxy's pid names nothing there.
	out=$(psb "$1" --allow-domain allowed.test -- sh -c "
		kill -0 $proxy 2>&1; echo kill=\$?
		ls /proc/$proxy/fd 2>&1; echo ls=\$?
		$ATTACK ptrace $proxy 2>&1; echo ptrace=\$?")
	expect_contains "$out" "kill=1"
	expect_contains "$out" "ls=2"
	expect_contains "$out" "ptrace=1"
	kill "$launcher"
}
test_the_proxy_and_its_listeners_are_out_of_reach_root() { listeners_unreachable root; }
test_the_proxy_and_its_listeners_are_out_of_reach_user() { listeners_unreachable user; }

local_binding() {
	setup "$1"
	SERVER_HOST=127.0.0.1 server http
	LPORT=$PORT
	probe="import socket
s = socket.socket()
try:
    s.bind(('127.0.0.1', 0)); s.listen(1)
    c = socket.create_connection(s.getsockname(), timeout=2)
    print('listen and connect ok')
except OSError as e:
    print('refused', e.errno)"
	out=$(psb "$1" --allow-domain local.test -- sh -c "$PY -c \"\$0\"
		curl -s -o /dev/null -w '%{http_code}\n' http://local.test:$LPORT/hello
		echo \$CODEX_NETWORK_ALLOW_LOCAL_BINDING" "$probe")
	expect_eq "$out" "$(printf 'refused 1\n403\n0')" "without local binding"
	expect_eq "$(cat "$T/err")" "codex: network: blocked 1 request: local.test:$LPORT (private address)" summary
	out=$(psb "$1" --allow-domain local.test --allow-local-binding -- sh -c "$PY -c \"\$0\"
		curl -sS http://local.test:$LPORT/hello
		echo \$CODEX_NETWORK_ALLOW_LOCAL_BINDING \$NO_PROXY" "$probe")
	expect_eq "$out" "$(printf 'listen and connect ok\nhello from upstream\n1 localhost,127.0.0.1,::1,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16')" \
		"with local binding"
}
test_allow_local_binding_root() { local_binding root; }
test_allow_local_binding_user() { local_binding user; }

# ---- what the user sees ----

test_blocked_summary_and_audit() {
	setup user
	# nowhere.test is allowed but does not resolve: the proxy fails closed with upstream's
	# not_allowed_local, and the summary says what happened.
	out=$(psb user --allow-domain allowed.test --allow-domain nowhere.test \
		--audit "$T/home/audit.log" -- sh -c '
		curl -s -o /dev/null https://pypi.test/simple/
		curl -s -o /dev/null http://10.0.0.5/
		curl -s -o /dev/null https://pypi.test/simple/
		curl -s -o /dev/null http://nowhere.test/
		echo done')
	expect_eq "$out" done stdout
	expect_eq "$(cat "$T/err")" \
		"codex: network: blocked 4 requests: pypi.test:443 (not allowed), 10.0.0.5:80 (private address), nowhere.test:80 (could not resolve)" \
		"summary"
	expect_eq "$(wc -l < "$T/home/audit.log")" 4 "audit lines"
	expect_contains "$(sed -n 1p "$T/home/audit.log")" '"protocol":"https_connect","client":"127.0.0.1:'
	expect_contains "$(sed -n 1p "$T/home/audit.log")" '"host":"pypi.test","port":443,"method":"CONNECT","decision":"deny","reason":"not_allowed"'
	expect_contains "$(sed -n 2p "$T/home/audit.log")" '"host":"10.0.0.5","port":80,"method":"GET","decision":"deny","reason":"not_allowed_local"'
	# The audit file is appended to, never replaced.
	psb user --allow-domain allowed.test --audit "$T/home/audit.log" -- true
	expect_contains "$(sed -n 4p "$T/home/audit.log")" '"host":"nowhere.test","port":80,"method":"GET","decision":"deny","reason":"not_allowed_local"'
	expect_eq "$(wc -l < "$T/home/audit.log")" 4 "audit lines after a quiet run"
	expect_eq "$(stat -c %a "$T/home/audit.log")" 600 "audit file mode"
}

test_exit_status_passes_through() {
	setup root
	expect_status 7 sb root --allow-domain allowed.test -- sh -c 'exit 7'
	expect_status 137 sb root --allow-domain allowed.test -- sh -c 'kill -9 $$'
	expect_status 127 sb root --allow-domain allowed.test -- no-such-command-xyz
	expect_contains "$(cat "$T/err")" "no-such-command-xyz: command not found"
}

test_config_turns_the_proxy_on() {
	setup user
	http_server
	mkdir -p "$T/codex-home"
	printf '[network]\nenabled = true\nallowed_domains = ["allowed.test"]\nmode = "limited"\n' \
		> "$T/codex-home/config.toml"
	chmod -R a+rX "$T/codex-home"
	out=$(psb user -- sh -c "
		curl -sS http://allowed.test:$HPORT/hello
		curl -s -o /dev/null -w '%{http_code}\n' --data x http://allowed.test:$HPORT/echo
		curl -s --noproxy '*' http://allowed.test:$HPORT/hello; echo direct=\$?")
	expect_eq "$out" "$(printf 'hello from upstream\n403\ndirect=7')" "limited mode"
	expect_contains "$(cat "$T/err")" "allowed.test:$HPORT (method not allowed)"
	# -c and the flags: the flags' domains are added, the flags' mode wins.
	out=$(psb user -c network.enabled=false -- sh -c 'echo ${HTTP_PROXY:-none}')
	expect_eq "$out" none "-c network.enabled=false"
	out=$(psb user --network-mode full -- curl -s -o /dev/null -w '%{http_code}' --data x \
		"http://allowed.test:$HPORT/echo")
	expect_eq "$out" 200 "--network-mode full over the config's limited"
}

# Network access in the policy means "through the proxy" when the proxy is on; even
# danger-full-access gets a network namespace (its filesystem stays unrestricted).
test_every_policy_goes_through_the_proxy() {
	setup root
	http_server
	for policy in "-s read-only" "--full-auto -c sandbox_workspace_write.network_access=true" \
		"-s danger-full-access"; do
		out=$(psb root $policy --allow-domain allowed.test -- sh -c "
			curl -sS http://allowed.test:$HPORT/hello
			curl -s --noproxy '*' http://allowed.test:$HPORT/hello; echo direct=\$?")
		expect_eq "$out" "$(printf 'hello from upstream\ndirect=7')" "$policy"
	done
	psb root -s danger-full-access --allow-domain allowed.test -- sh -c "echo x > '$T/outside/dfa'" ||
		fail "danger-full-access could not write: $(cat "$T/err")"
	expect_eq "$(cat "$T/outside/dfa")" x "danger-full-access writes anywhere"
	# Control: without the proxy, danger-full-access reaches the server directly.
	out=$(psb root -s danger-full-access -- curl -sS --noproxy '*' "http://allowed.test:$HPORT/hello")
	expect_eq "$out" "hello from upstream" "control"
}

# Interrupts go to the command, never to the proxy: the run still ends with the summary.
test_interrupt_reaches_the_command_not_the_proxy() {
	setup root
	http_server
	# SIGINT to the whole process group (the proxy is in it), without a terminal. (A
	# background job of a script starts with SIGINT ignored: env restores it.)
	setsid -w env --default-signal=INT "$CODEX" sandbox --full-auto --allow-domain allowed.test -- sh -c "
		curl -s -o /dev/null http://other.test:$HPORT/; trap 'echo INTERRUPTED; exit 3' INT
		touch ready; sleep 30 & wait" > "$T/out" 2> "$T/err" &
	pid=$!
	wait_file ready -e
	pgid=$(ps -o pgid= -p "$(pgrep -o -f "^codex-linux-sandbox .*other.test:$HPORT")" | tr -d ' ')
	# (init has a session of its own: the launcher forwards the signal to it once.)
	[ "$(pgrep -g "$pgid" | wc -l)" = 2 ] || fail "expected the launcher and the proxy in $pgid: $(ps -o pid,pgid,args -g "$pgid")"
	kill -INT -- -"$pgid"
	rc=0
	wait "$pid" || rc=$?
	expect_eq "$rc" 3 "exit status"
	expect_eq "$(cat "$T/out")" INTERRUPTED stdout
	expect_eq "$(cat "$T/err")" "codex: network: blocked 1 request: other.test:$HPORT (not allowed)" stderr
	# On a terminal: ^C through the command's own pty; the summary comes after its output.
	"$PY" "$CODEX_TOP/tests/servers/pty_session.py" -- env -u TMPDIR "$CODEX" sandbox \
		--allow-domain allowed.test -- sh -c "curl -s -o /dev/null http://other.test:$HPORT/
		trap 'echo INTERRUPTED; exit 3' INT; echo ready; sleep 30 & wait" > "$T/tty" 2>&1 <<-'EOF' ||
		expect ready
		send \x03
		expect INTERRUPTED
		expect codex: network: blocked 1 request: other.test:[0-9]+ \(not allowed\)
		wait
	EOF
		fail "terminal session: $(cat "$T/tty")"
	expect_contains "$(cat "$T/tty")" "EXIT 3"
}

# The agent's way in (sandbox_run): the same proxy, setup failures as outcomes.
test_sandbox_run_with_the_proxy() {
	setup user
	http_server
	out=$(as user env -u TMPDIR "$TOOLS/sandbox-run" --allow-domain allowed.test \
		'{"type":"read-only"}' "$T/ws" -- sh -c "curl -sS http://allowed.test:$HPORT/hello
		curl -s --noproxy '*' http://allowed.test:$HPORT/hello; echo direct=\$?
		curl -s -o /dev/null http://other.test:$HPORT/" 2> "$T/err")
	expect_eq "$out" "$(printf 'hello from upstream\ndirect=7\noutcome=ran exit=0 errno=0')" stdout
	expect_eq "$(cat "$T/err")" "codex: network: blocked 1 request: other.test:$HPORT (not allowed)" stderr
	out=$(as user env -u TMPDIR "$TOOLS/sandbox-run" --deny-domain '*' '{"type":"read-only"}' \
		"$T/ws" -- true)
	expect_contains "$out" "outcome=setup-failed exit=125"
	expect_contains "$out" "detail=the network proxy cannot start: unsupported global wildcard"
}

# ---- failing closed ----

test_fails_closed_when_the_proxy_cannot_start() {
	setup user
	expect_status 125 sb user --full-auto --deny-domain '*' -- touch ran
	expect_contains "$(cat "$T/err")" "codex: error: the network proxy cannot start: unsupported global wildcard"
	expect_status 125 sb user --full-auto --allow-domain allowed.test --audit /nonexistent/audit.log -- touch ran
	expect_contains "$(cat "$T/err")" "codex: error: cannot open the audit file /nonexistent/audit.log"
	[ ! -e ran ] || fail "the command ran"
	expect_status 2 sb user --network-mode partial -- true
}

fails_closed_without_bridge() {
	setup "$1"
	# No user namespace: no network namespace, so no way to confine the network.
	SB_PREFIX="$DENY userns --" expect_status 125 sb "$1" --full-auto --allow-domain allowed.test -- touch ran
	expect_contains "$(cat "$T/err")" "cannot enforce the network proxy: it needs a network namespace of the command's own, and user namespaces are not available"
	# A kernel older than 5.12 (no open_tree & co.): no mount view, so no sandbox with
	# namespaces; the proxy refuses the same way, naming what is missing.
	SB_PREFIX="$DENY mountapi --" expect_status 125 sb "$1" --full-auto --allow-domain allowed.test -- touch ran
	expect_contains "$(cat "$T/err")" "cannot enforce the network proxy: it needs a network namespace of the command's own, and the kernel lacks open_tree (Linux 5.12 or later)"
	# The listening sockets cannot be made.
	SB_PREFIX="$DENY listen --" expect_status 125 sb "$1" --full-auto --allow-domain allowed.test -- touch ran
	expect_contains "$(cat "$T/err")" "cannot listen on 127.0.0.1 in the sandbox's network"
	[ ! -e ran ] || fail "the command ran"
	# Control: the same prefix without the proxy runs the command.
	SB_PREFIX="$DENY listen --" expect_status 0 sb "$1" --full-auto -- touch ran
}
test_fails_closed_without_namespaces_or_listeners_root() { fails_closed_without_bridge root; }
test_fails_closed_without_namespaces_or_listeners_user() { fails_closed_without_bridge user; }

# If the proxy dies, the command's network is gone with it (its listeners close).
proxy_dies() {
	setup "$1"
	http_server
	tok=die-$RANDOM$RANDOM.test
	start_bg as "$1" env -u TMPDIR "$CODEX" sandbox --full-auto --allow-domain allowed.test \
		--allow-domain "$tok" -- sh -c "curl -sS http://allowed.test:$HPORT/hello > before
		touch ready; while [ ! -e go ]; do sleep 0.05; done
		curl -sS http://allowed.test:$HPORT/hello > after 2>&1; echo \$? > rc" 2> "$T/err"
	wait_file ready -e
	expect_eq "$(cat before)" "hello from upstream" "before"
	kill -9 "$(pgrep -f "^$CODEX sandbox .*$tok")"
	touch go
	wait_file rc
	expect_eq "$(cat rc)" 7 "curl's exit status after the proxy died"
	expect_contains "$(cat after)" "Failed to connect to 127.0.0.1"
	for i in $(seq 1 100); do grep -q warning "$T/err" && break; sleep 0.05; done
	expect_eq "$(cat "$T/err")" "codex: warning: network: the proxy stopped before the command ended" stderr
}
test_when_the_proxy_dies_the_network_is_gone_root() { proxy_dies root; }
test_when_the_proxy_dies_the_network_is_gone_user() { proxy_dies user; }

# ---- nothing left behind ----

# leftovers TOKEN: processes whose command line has TOKEN (the wrapper, the proxy, the
# launcher's init and the command all carry it).
leftovers() {
	local i
	for i in $(seq 1 60); do
		pgrep -f "$1" > /dev/null || return 0
		sleep 0.05
	done
	fail "left behind: $(ps -o pid,ppid,stat,args -p "$(pgrep -d, -f "$1")")"
}

no_leftovers() {
	setup "$1"
	tok=left-$RANDOM$RANDOM.test
	# Everything in the temporary directories and CODEX_HOME (but the test directories).
	files() { ls -A /tmp "$SBX_BASE" "$T/codex-home" | grep -v "^codex-it-" | sort; }
	files > "$T/files.before"
	# Normal exit.
	psb "$1" --allow-domain "$tok" -- true "$tok"
	leftovers "$tok"
	# The command killed by a signal.
	expect_status 137 sb "$1" --allow-domain "$tok" -- sh -c 'kill -9 $$' "$tok"
	leftovers "$tok"
	# The wrapper killed with SIGKILL while the command runs (and keeps a child).
	start_bg as "$1" env -u TMPDIR "$CODEX" sandbox --full-auto --allow-domain "$tok" -- \
		bash -c "(exec -a $tok-child sleep 60) & touch started; exec -a $tok-cmd sleep 60"
	for i in $(seq 1 100); do [ -e started ] && [ "$(pgrep -f "$tok-c" | wc -l)" = 2 ] && break; sleep 0.05; done
	launcher=$(pgrep -o -f "^codex-linux-sandbox .*$tok")
	[ -n "$launcher" ] && [ "$(pgrep -f "$tok" | wc -l)" = 5 ] ||
		fail "expected launcher, init, proxy and two commands: $(pgrep -af "$tok")"
	kill -9 "$launcher"
	leftovers "$tok"
	files > "$T/files.after"
	expect_eq "$(comm -13 "$T/files.before" "$T/files.after")" "" "files left behind"
}
test_nothing_left_behind_root() { no_leftovers root; }
test_nothing_left_behind_user() { no_leftovers user; }

run_tests
