# The HTTP client base (src/base/http.c) against real local servers: plain HTTP, HTTPS
# with a test CA, wrong CA, proxies, unix sockets, streaming, timeouts, CA discovery.
. "$(dirname "$0")/lib.sh"
GET=$TOOLS/http-get

test_plain_get() {
	start_http_server
	out=$("$GET" --print-header X-Test "http://127.0.0.1:$SERVER_ADDR/hello")
	expect_eq "$out" "$(printf 'status 200\nheader X-Test: yes\nhello')"
}

test_post_body_and_headers() {
	start_http_server
	out=$("$GET" -d 'payload=1' "http://127.0.0.1:$SERVER_ADDR/echo")
	expect_contains "$out" "POST payload=1"
	out=$("$GET" -X PUT -d 'x' "http://127.0.0.1:$SERVER_ADDR/echo")
	expect_contains "$out" "PUT x"
	out=$("$GET" -H 'X-Custom: abc' "http://127.0.0.1:$SERVER_ADDR/headers")
	expect_contains "$out" "X-Custom: abc"
	expect_contains "$out" "User-Agent: codex-cli/"
}

test_not_found_is_a_response_not_an_error() {
	start_http_server
	out=$("$GET" "http://127.0.0.1:$SERVER_ADDR/missing")
	expect_contains "$out" "status 404"
}

test_https_with_test_ca() {
	make_ca "$T/ca"
	start_http_server --cert "$T/ca/server.pem" --key "$T/ca/server.key"
	out=$(SSL_CERT_FILE=$T/ca/ca.pem "$GET" "https://localhost:$SERVER_ADDR/hello")
	expect_eq "$out" "$(printf 'status 200\nhello')"
}

test_https_wrong_ca_fails_clearly() {
	make_ca "$T/ca"
	make_ca "$T/other"
	start_http_server --cert "$T/ca/server.pem" --key "$T/ca/server.key"
	expect_status 1 env SSL_CERT_FILE="$T/other/ca.pem" "$GET" "https://localhost:$SERVER_ADDR/hello"
	err=$(cat "$T/err")
	expect_contains "$err" "error: TLS error: the certificate of localhost:$SERVER_ADDR could not be verified"
	expect_contains "$err" "SSL_CERT_FILE=$T/other/ca.pem"
	# The system roots do not know the test CA either.
	expect_status 1 env -u SSL_CERT_FILE -u SSL_CERT_DIR "$GET" "https://localhost:$SERVER_ADDR/hello"
	expect_contains "$(cat "$T/err")" "TLS error"
}

test_https_name_mismatch_fails() {
	make_ca "$T/ca" --only other.test
	start_http_server --cert "$T/ca/server.pem" --key "$T/ca/server.key"
	# The certificate names other.test only; the client asked for localhost.
	expect_status 1 env SSL_CERT_FILE="$T/ca/ca.pem" "$GET" "https://localhost:$SERVER_ADDR/hello"
	expect_contains "$(cat "$T/err")" "error: TLS error: the certificate of localhost:$SERVER_ADDR could not be verified"
}

test_ssl_cert_file_unreadable_is_an_error() {
	expect_status 1 env SSL_CERT_FILE="$T/nope.pem" "$GET" "https://localhost:1/"
	expect_contains "$(cat "$T/err")" "SSL_CERT_FILE=$T/nope.pem cannot be read"
}

test_ssl_cert_dir() {
	make_ca "$T/ca"
	mkdir "$T/certs"
	cp "$T/ca/ca.pem" "$T/certs/test-ca.pem"
	echo "not a certificate" > "$T/certs/README"
	start_http_server --cert "$T/ca/server.pem" --key "$T/ca/server.key"
	src=$(env -u SSL_CERT_FILE SSL_CERT_DIR="$T/empty:$T/certs" "$GET" --ca-source)
	expect_eq "$src" "SSL_CERT_DIR=$T/empty:$T/certs"
	out=$(env -u SSL_CERT_FILE SSL_CERT_DIR="$T/certs" "$GET" "https://localhost:$SERVER_ADDR/hello")
	expect_contains "$out" "status 200"
	mkdir "$T/none"
	expect_status 1 env -u SSL_CERT_FILE SSL_CERT_DIR="$T/none" "$GET" "https://localhost:1/"
	expect_contains "$(cat "$T/err")" "no certificates found in SSL_CERT_DIR=$T/none"
}

test_ca_discovery_order() {
	src=$(env -u SSL_CERT_FILE -u SSL_CERT_DIR "$GET" --ca-source)
	expect_eq "$src" "/etc/ssl/certs/ca-certificates.crt"
	# With no trust store on the machine (hidden in a private mount namespace), the
	# bundle embedded at build time is used.
	src=$(unshare -m sh -c 'mount -t tmpfs none /etc/ssl && mount -t tmpfs none /usr/share/ca-certificates 2>/dev/null; [ -d /etc/pki ] && mount -t tmpfs none /etc/pki; env -u SSL_CERT_FILE -u SSL_CERT_DIR "$0" --ca-source' "$GET")
	expect_eq "$src" "embedded"
	# The embedded bundle is a real trust store: it loads, and verification runs (and
	# rejects the test CA's certificate, which it does not contain).
	make_ca "$T/ca"
	start_http_server --cert "$T/ca/server.pem" --key "$T/ca/server.key"
	rc=0
	err=$(unshare -m sh -c 'mount -t tmpfs none /etc/ssl; env -u SSL_CERT_FILE -u SSL_CERT_DIR "$0" "$1"' \
		"$GET" "https://localhost:$SERVER_ADDR/hello" 2>&1) || rc=$?
	expect_eq "$rc" 1
	expect_contains "$err" "could not be verified against the CA roots from embedded"
}

test_streaming_callback_gets_pieces_as_they_arrive() {
	start_http_server
	out=$("$GET" --stream "http://127.0.0.1:$SERVER_ADDR/stream")
	expect_contains "$out" "$(printf '[chunk 3 bytes]\none')"
	expect_contains "$out" "$(printf '[chunk 5 bytes]\nthree')"
	expect_eq "$(grep -c '^\[chunk' <<<"$out")" 3 "chunks delivered separately"
}

test_timeouts() {
	start_http_server
	expect_status 1 "$GET" --timeout-ms 300 "http://127.0.0.1:$SERVER_ADDR/sleep?ms=3000"
	expect_contains "$(cat "$T/err")" "timed out"
	start=$(date +%s%N)
	expect_status 1 "$GET" --idle-ms 1000 "http://127.0.0.1:$SERVER_ADDR/stall"
	elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
	expect_contains "$(cat "$T/err")" "no data received for 1000 ms (idle timeout)"
	[ "$elapsed" -lt 10000 ] || fail "idle timeout took ${elapsed} ms"
}

test_body_cap() {
	start_http_server
	expect_status 1 "$GET" --max-body 1000 "http://127.0.0.1:$SERVER_ADDR/big?n=5000"
	expect_contains "$(cat "$T/err")" "response body exceeds 1000 bytes"
	out=$("$GET" --max-body 5000 "http://127.0.0.1:$SERVER_ADDR/big?n=5000")
	expect_eq "$(tr -cd x <<<"$out" | wc -c)" 5000
}

test_connection_refused() {
	port=$(free_port)
	expect_status 1 "$GET" "http://127.0.0.1:$port/"
	expect_contains "$(cat "$T/err")" "cannot connect to 127.0.0.1:$port"
}

test_explicit_proxy_and_environment_proxy() {
	start_http_server
	out=$("$GET" --proxy "http://127.0.0.1:$SERVER_ADDR" "http://example.test/via")
	expect_contains "$out" "proxied http://example.test/via"
	out=$(http_proxy="http://127.0.0.1:$SERVER_ADDR" "$GET" "http://example.test/env")
	expect_contains "$out" "proxied http://example.test/env"
	# An empty proxy setting ignores the environment.
	expect_status 1 env http_proxy="http://127.0.0.1:$SERVER_ADDR" "$GET" --proxy "" \
		--timeout-ms 3000 "http://127.0.0.1:1/x"
}

test_unix_socket() {
	start_http_server --unix "$T/http.sock"
	out=$("$GET" --unix "$T/http.sock" "http://localhost/hello")
	expect_eq "$out" "$(printf 'status 200\nhello')"
}

test_multi_runs_transfers_concurrently() {
	start_http_server
	# Both barrier requests wait at the server until both are in: run one after the
	# other, they would get 504s (no timing involved).
	out=$("$GET" "http://127.0.0.1:$SERVER_ADDR/barrier?name=m&n=2" \
		"http://127.0.0.1:$SERVER_ADDR/barrier?name=m&n=2" "http://127.0.0.1:$SERVER_ADDR/hello")
	expect_eq "$(grep -c '^status 200' <<<"$out")" 3
	expect_eq "$(grep -c 'passed' <<<"$out")" 2
}

# The same client on the event loop (http_client / http_call, --loop).
test_loop_calls_run_concurrently() {
	start_http_server
	# Each request waits at the server until both are in: a client that ran them one
	# after the other would get 504s.
	out=$("$GET" --loop "http://127.0.0.1:$SERVER_ADDR/barrier?name=a&n=2" \
		"http://127.0.0.1:$SERVER_ADDR/barrier?name=a&n=2")
	expect_eq "$(grep -c '^passed' <<<"$out")" 2
	expect_contains "$out" "[0: done] status 200"
	expect_contains "$out" "[1: done] status 200"
}

test_loop_streams_and_collects() {
	start_http_server
	out=$("$GET" --loop --stream "http://127.0.0.1:$SERVER_ADDR/stream")
	expect_eq "$(grep -c '^\[0: chunk' <<<"$out")" 3 "chunks delivered separately"
	expect_eq "$(head -n 1 <<<"$out")" "[0: head 200]" "head before data"
	expect_contains "$out" "$(printf '[0: chunk 5 bytes]\nthree')"
	out=$("$GET" --loop --print-header X-Test "http://127.0.0.1:$SERVER_ADDR/hello")
	expect_eq "$out" "$(printf '[0: done] status 200\nheader X-Test: yes\nhello')"
	out=$("$GET" --loop -d 'payload=1' "http://127.0.0.1:$SERVER_ADDR/echo")
	expect_contains "$out" "POST payload=1"
	expect_status 1 "$GET" --loop --max-body 1000 "http://127.0.0.1:$SERVER_ADDR/big?n=5000"
	expect_contains "$(cat "$T/err")" "response body exceeds 1000 bytes"
}

test_loop_cancel_from_inside_a_callback() {
	start_http_server
	out=$("$GET" --loop --stream --cancel-after 2 "http://127.0.0.1:$SERVER_ADDR/stream" \
		"http://127.0.0.1:$SERVER_ADDR/hello")
	expect_eq "$(grep -c '^\[0: chunk' <<<"$out")" 2 "nothing after the cancel"
	expect_contains "$out" "[0: cancelled]"
	expect_not_contains "$out" "[0: done]"
	expect_contains "$out" "$(printf '[1: chunk 5 bytes]\nhello')"
	expect_contains "$out" "[1: done] status 200"
}

test_loop_idle_timeout_and_errors() {
	start_http_server
	expect_status 1 "$GET" --loop --stream --idle-ms 1500 "http://127.0.0.1:$SERVER_ADDR/stall"
	expect_contains "$(cat "$T/out")" "$(printf '[0: head 200]\n[0: chunk 5 bytes]\nstart')"
	expect_contains "$(cat "$T/err")" "no data received for 1500 ms (idle timeout)"
	port=$(free_port)
	expect_status 1 "$GET" --loop "http://127.0.0.1:$port/"
	expect_contains "$(cat "$T/err")" "cannot connect to 127.0.0.1:$port"
}

test_loop_https_with_test_ca() {
	make_ca "$T/ca"
	make_ca "$T/other"
	start_http_server --cert "$T/ca/server.pem" --key "$T/ca/server.key"
	out=$(SSL_CERT_FILE=$T/ca/ca.pem "$GET" --loop --stream "https://localhost:$SERVER_ADDR/stream")
	expect_eq "$(grep -c '^\[0: chunk' <<<"$out")" 3
	expect_status 1 env SSL_CERT_FILE="$T/other/ca.pem" "$GET" --loop "https://localhost:$SERVER_ADDR/hello"
	expect_contains "$(cat "$T/err")" "TLS error: the certificate of localhost:$SERVER_ADDR could not be verified"
}

run_tests
