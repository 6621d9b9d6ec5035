# The model client (src/model) against the scripted mock (tests/servers/mock_responses.py),
# over HTTP and HTTPS, through tests/tools/model-stream: what it sends (body, headers),
# what it reports (items, deltas, completion), and how it fails and retries.
. "$(dirname "$0")/lib.sh"
MS=$TOOLS/model-stream
export MOCK_KEY=sk-test-key

# ms [model-stream options]: one request to the mock provider at $BASE.
ms() {
	mkdir -p "$T/home"
	"$MS" --codex-home "$T/home" -c model_provider=mock -c model_providers.mock.name=mock \
		-c "model_providers.mock.base_url=$BASE" -c model_providers.mock.env_key=MOCK_KEY \
		"$@"
}

# mock SCRIPT-JSON [options]: writes the script, starts the mock, sets BASE.
mock() {
	printf '%s\n' "$1" > "$T/script.json"
	shift
	start_mock "$T/script.json" "$@"
	BASE=http://127.0.0.1:$MOCK_PORT/v1
}

# jq-like lookup in JSON lines: jl FILE EVENT KEY.PATH (first line whose event is EVENT)
jl() {
	python3 - "$@" <<'PY'
import json, sys
path, event, key = sys.argv[1], sys.argv[2], sys.argv[3]
for line in open(path):
    o = json.loads(line)
    if o.get("event") != event:
        continue
    for part in key.split(".") if key else []:
        o = o[int(part)] if isinstance(o, list) else o[part]
    print(o if isinstance(o, str) else json.dumps(o, separators=(",", ":")))
    break
else:
    sys.exit("no %s event" % event)
PY
}

PLAIN='[{"sse": [{"created": "resp_1"}, {"message": "Hello there"},
                 {"completed": {"id": "resp_1", "input_tokens": 21, "cached_input_tokens": 4,
                                "output_tokens": 7, "reasoning_tokens": 2, "total_tokens": 28}}]}]'

test_plain_answer() {
	mock "$PLAIN"
	expect_status 0 ms
	expect_eq "$(jl "$T/out" item_done item.content.0.text)" "Hello there"
	expect_eq "$(jl "$T/out" completed response_id)" "resp_1"
	expect_eq "$(jl "$T/out" completed usage)" \
		'{"input_tokens":21,"cached_input_tokens":4,"output_tokens":7,"reasoning_output_tokens":2,"total_tokens":28}'
	expect_eq "$(grep -c . "$T/out")" 2 "item_done and completed only"
	expect_eq "$(mock_count)" 1
	expect_eq "$(mock_get 0 method) $(mock_get 0 path)" "POST /v1/responses"
}

test_request_body_and_headers_as_upstream() {
	mock "$PLAIN"
	cat > "$T/prompt.json" <<'JSON'
{"model": "gpt-5.3-codex", "instructions": "Be brief.",
 "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}],
 "tools": [{"type": "function", "name": "exec_command", "description": "run", "strict": false,
            "parameters": {"type": "object", "properties": {"cmd": {"type": "string"}},
                           "required": ["cmd"], "additionalProperties": false}}],
 "parallel_tool_calls": true, "turn_metadata": "{\"turn_id\":\"t1\"}"}
JSON
	expect_status 0 ms --prompt "$T/prompt.json" --session-id 11111111-2222-4333-8444-555555555555
	expect_eq "$(mock_get 0 body | python3 -c 'import json,sys; print(",".join(json.load(sys.stdin)))')" \
		"model,instructions,input,tools,tool_choice,parallel_tool_calls,reasoning,store,stream,include,prompt_cache_key,text"
	expect_eq "$(mock_get 0 body.reasoning)" '{"effort":"medium"}'
	expect_eq "$(mock_get 0 body.text)" '{"verbosity":"low"}'
	expect_eq "$(mock_get 0 body.include)" '["reasoning.encrypted_content"]'
	expect_eq "$(mock_get 0 body.store)" false
	expect_eq "$(mock_get 0 body.prompt_cache_key)" 11111111-2222-4333-8444-555555555555
	expect_eq "$(mock_get 0 body.tools.0.name)" exec_command
	expect_eq "$(mock_get 0 headers.authorization)" "Bearer sk-test-key"
	expect_eq "$(mock_get 0 headers.originator)" codex_exec
	expect_eq "$(mock_get 0 headers.session_id)" 11111111-2222-4333-8444-555555555555
	expect_eq "$(mock_get 0 headers.x-client-request-id)" 11111111-2222-4333-8444-555555555555
	expect_eq "$(mock_get 0 headers.x-codex-turn-metadata)" '{"turn_id":"t1"}'
	expect_eq "$(mock_get 0 headers.accept)" text/event-stream
	expect_eq "$(mock_get 0 headers.content-type)" application/json
	expect_contains "$(mock_get 0 headers.user-agent)" "codex_exec/"
	expect_eq "$(mock_get 0 header_names)" \
		'["Host","x-codex-turn-metadata","x-client-request-id","session_id","authorization","accept","content-type","user-agent","originator","Content-Length"]'
}

test_originator_override_and_user_agent() {
	mock "$PLAIN"
	CODEX_INTERNAL_ORIGINATOR_OVERRIDE=codex_vscode expect_status 0 ms --ua-suffix "codex-exec; 0.1.0"
	expect_eq "$(mock_get 0 headers.originator)" codex_vscode
	ua=$(mock_get 0 headers.user-agent)
	expect_eq "$ua" "$("$MS" --print-user-agent --originator codex_vscode --ua-suffix "codex-exec; 0.1.0")"
	[[ $ua =~ ^codex_vscode/[0-9.]+\ \([^\;]+\ [^\;]+\;\ [a-z0-9_]+\)\ [A-Za-z0-9._/-]+\ \(codex-exec\;\ 0\.1\.0\)$ ]] ||
		fail "user-agent not in upstream's format: $ua"
}

# After response.completed the client reports at once, and waits for the end of the
# body in the background, so the connection stays usable for the next request.
test_connection_kept_when_the_body_ends_late() {
	r='{"sse": [{"created": "r"}, {"message": "hi"}, {"completed": "r"}], "end_delay_ms": 300}'
	mock "[$r, $r]"
	expect_status 0 ms --repeat 2 --drain
	expect_eq "$(grep -c '"event":"completed"' "$T/out")" 2
	# The client was still there when the body ended (it waits up to its idle timeout),
	# although it had reported the completion 300 ms before and gone on.
	expect_eq "$(mock_end 0)" '{"end_of":0,"ended":"complete","client_gone":false}'
	expect_eq "$(mock_end 1)" '{"end_of":1,"ended":"complete","client_gone":false}'
}

test_completion_does_not_wait_for_the_end_of_the_body() {
	mkdir -p "$T/home"
	mock '[{"sse": [{"created": "r"}, {"message": "hi"}, {"completed": "r"}], "hold_after": 3, "hold_ms": 600000},
	       {"sse": [{"created": "r2"}, {"completed": "r2"}]}]'
	# The server never ends the first body: waiting for it would hit this bound.
	expect_status 0 timeout 60 "$MS" --codex-home "$T/home" -c model_provider=mock \
		-c "model_providers.mock.base_url=$BASE" -c model_providers.mock.env_key=MOCK_KEY --repeat 2
	expect_eq "$(grep -c '"event":"completed"' "$T/out")" 2
	expect_eq "$(mock_count)" 2
}

test_https_with_a_test_ca() {
	make_ca "$T/ca"
	mock "$PLAIN" --cert "$T/ca/server.pem" --key "$T/ca/server.key"
	BASE=https://localhost:$MOCK_PORT/v1
	SSL_CERT_FILE=$T/ca/ca.pem expect_status 0 ms
	expect_eq "$(jl "$T/out" item_done item.content.0.text)" "Hello there"
	# A CA the client does not trust: one clear line, no retries.
	make_ca "$T/other"
	SSL_CERT_FILE=$T/other/ca.pem expect_status 1 ms
	expect_eq "$(jl "$T/out" failed kind)" "retries exhausted"
	expect_contains "$(jl "$T/out" failed message)" "TLS error: the certificate of localhost:$MOCK_PORT could not be verified"
}

test_text_deltas_in_order() {
	mock '[{"sse": [{"created": "r"}, {"message": "Hello, world", "deltas": ["Hel", "lo, ", "world"]},
	                {"completed": "r"}], "event_delay_ms": 20}]'
	expect_status 0 ms
	expect_eq "$(python3 -c '
import json, sys
print(" ".join(json.loads(l)["event"] for l in open(sys.argv[1])))' "$T/out")" \
		"item_added text_delta text_delta text_delta item_done completed"
	expect_eq "$(grep text_delta "$T/out" | python3 -c '
import json, sys
print("|".join(json.loads(l)["delta"] for l in sys.stdin))')" "Hel|lo, |world"
}

test_function_and_custom_tool_calls() {
	mock '[{"sse": [{"created": "r"},
	                {"function_call": {"name": "exec_command", "arguments": {"cmd": "ls -la"}, "call_id": "call_7"}},
	                {"custom_tool_call": {"name": "apply_patch", "input": "*** Begin Patch\n*** End Patch", "call_id": "call_8"}},
	                {"completed": "r"}]}]'
	expect_status 0 ms
	grep item_done "$T/out" > "$T/items"
	expect_eq "$(sed -n 1p "$T/items" | python3 -c 'import json,sys; i=json.load(sys.stdin)["item"]; print(i["type"], i["name"], i["call_id"], i["arguments"])')" \
		'function_call exec_command call_7 {"cmd":"ls -la"}'
	expect_eq "$(sed -n 2p "$T/items" | python3 -c 'import json,sys; i=json.load(sys.stdin)["item"]; print(i["type"], i["name"], i["call_id"], repr(i["input"]))')" \
		"custom_tool_call apply_patch call_8 '*** Begin Patch\\n*** End Patch'"
}

test_reasoning_summary_and_raw_deltas() {
	mock '[{"sse": [{"created": "r"},
	                {"reasoning": {"summary": ["**Plan** read", "then write"], "content": ["raw thought"],
	                               "encrypted_content": "gAAAA", "deltas": true}},
	                {"message": "ok"}, {"completed": "r"}]}]'
	expect_status 0 ms
	expect_eq "$(python3 -c '
import json, sys
out = []
for l in open(sys.argv[1]):
    o = json.loads(l)
    e = o["event"]
    if e == "reasoning_summary_delta": out.append("S%d:%s" % (o["index"], o["delta"]))
    elif e == "reasoning_raw_delta": out.append("R%d:%s" % (o["index"], o["delta"]))
    elif e == "reasoning_section_break": out.append("|")
    elif e == "item_done": out.append(o["item"]["type"])
print(" ".join(out))' "$T/out")" "| S0:**Plan** read | S1:then write R0:raw thought reasoning message"
	expect_eq "$(jl "$T/out" item_done item.encrypted_content)" gAAAA
}

# A conversation with the items a stream gives back, as the agent keeps them: they go
# back as upstream serialises them (no ids, no statuses, no annotations, no raw
# reasoning; ghost snapshots left out).
test_history_items_sent_as_upstream() {
	mock "$PLAIN"
	cat > "$T/prompt.json" <<'JSON'
{"model": "gpt-5.1-codex-max", "input": [
 {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]},
 {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "s"}],
  "content": [{"type": "reasoning_text", "text": "raw"}], "encrypted_content": "enc"},
 {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
  "content": [{"type": "output_text", "text": "hello", "annotations": [], "logprobs": []}]},
 {"type": "function_call", "id": "fc_1", "status": "completed", "call_id": "c1", "name": "exec_command", "arguments": "{}"},
 {"type": "function_call_output", "call_id": "c1", "output": "done"},
 {"type": "ghost_snapshot", "ghost_commit": {"id": "x"}},
 {"type": "custom_tool_call", "id": "ctc_1", "status": "completed", "call_id": "c2", "name": "apply_patch", "input": "p"},
 {"type": "custom_tool_call_output", "call_id": "c2", "output": "ok"}]}
JSON
	expect_status 0 ms --prompt "$T/prompt.json"
	expect_eq "$(mock_get 0 body.input)" '[{"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]},{"type":"reasoning","summary":[{"type":"summary_text","text":"s"}],"encrypted_content":"enc"},{"type":"message","role":"assistant","content":[{"type":"output_text","text":"hello"}]},{"type":"function_call","name":"exec_command","arguments":"{}","call_id":"c1"},{"type":"function_call_output","call_id":"c1","output":"done"},{"type":"custom_tool_call","status":"completed","call_id":"c2","name":"apply_patch","input":"p"},{"type":"custom_tool_call_output","call_id":"c2","output":"ok"}]'
	expect_eq "$(mock_get 0 body.reasoning)" '{"effort":"medium","summary":"auto"}'
	expect_eq "$(mock_get 0 body.parallel_tool_calls)" false
}

test_output_schema_request_shape() {
	mock "$PLAIN"
	cat > "$T/prompt.json" <<'JSON'
{"model": "gpt-5.3-codex", "output_schema": {"type": "object", "properties": {"a": {"type": "string"}},
 "required": ["a"], "additionalProperties": false}}
JSON
	expect_status 0 ms --prompt "$T/prompt.json"
	expect_eq "$(mock_get 0 body.text)" '{"verbosity":"low","format":{"type":"json_schema","strict":true,"schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false},"name":"codex_output_schema"}}'
}

test_retries_after_500_resend_the_same_body() {
	mock '[{"status": 500, "body": {"error": {"message": "boom"}}},
	       {"status": 502, "body": "bad gateway"},
	       {"sse": [{"created": "r"}, {"message": "after retries"}, {"completed": "r"}]}]'
	expect_status 0 ms
	expect_eq "$(jl "$T/out" item_done item.content.0.text)" "after retries"
	expect_eq "$(mock_count)" 3
	expect_not_contains "$(cat "$T/out")" retrying "request retries are not reported"
	expect_eq "$(mock_get 1 body_sha256)" "$(mock_get 0 body_sha256)"
	expect_eq "$(mock_get 2 body_sha256)" "$(mock_get 0 body_sha256)"
}

test_5xx_after_the_retries_is_one_clear_error() {
	mock '[{"status": 500, "body": {"error": {"message": "boom"}}},
	       {"status": 500, "body": {"error": {"message": "boom"}}},
	       {"status": 500, "body": {"error": {"message": "boom"}}},
	       {"status": 503, "body": {"error": {"message": "overloaded"}}}]'
	# 1 request retry inside each of 2 attempts: 4 requests, as upstream counts them.
	expect_status 1 ms -c model_providers.mock.request_max_retries=1 \
		-c model_providers.mock.stream_max_retries=1
	expect_eq "$(mock_count)" 4
	expect_eq "$(grep -c '"event":"retrying"' "$T/out")" 1
	expect_eq "$(jl "$T/out" failed kind)" "server error"
	expect_eq "$(jl "$T/out" failed message)" \
		"the model provider failed (HTTP 503 Service Unavailable: overloaded) (gave up after 4 attempts)"
}

test_cut_stream_is_retried_and_reported() {
	mock '[{"sse": [{"created": "r1"}, {"message": "partial"}], "cut_after": 2},
	       {"sse": [{"created": "r2"}, {"message": "whole"}, {"completed": "r2"}]}]'
	expect_status 0 ms
	expect_eq "$(mock_count)" 2
	expect_eq "$(mock_get 1 body_sha256)" "$(mock_get 0 body_sha256)"
	expect_eq "$(jl "$T/out" retrying attempt) $(jl "$T/out" retrying max)" "1 5"
	expect_contains "$(jl "$T/out" retrying reason)" "stream disconnected before completion"
	# The void attempt's item came before the retry; the answer after it.
	expect_eq "$(python3 -c '
import json, sys
print(" ".join(json.loads(l)["event"] for l in open(sys.argv[1])))' "$T/out")" \
		"item_done retrying item_done completed"
	expect_eq "$(jl "$T/out" completed response_id)" r2
}

test_stream_closed_before_completed_is_retried() {
	mock '[{"sse": [{"created": "r1"}, {"message": "no end"}]},
	       {"sse": [{"created": "r2"}, {"message": "end"}, {"completed": "r2"}]}]'
	expect_status 0 ms
	expect_eq "$(jl "$T/out" retrying reason)" "stream closed before response.completed"
	expect_eq "$(mock_count)" 2
}

test_429_with_retry_after_waits_and_resends() {
	mock '[{"status": 429, "headers": {"Retry-After": "1"},
	        "body": {"error": {"message": "Rate limit reached.", "type": "requests", "code": "rate_limit_exceeded"}}},
	       {"sse": [{"created": "r"}, {"message": "ok"}, {"completed": "r"}]}]'
	start=$(date +%s%N)
	expect_status 0 ms
	elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
	expect_eq "$(mock_count)" 2
	expect_eq "$(mock_get 1 body_sha256)" "$(mock_get 0 body_sha256)"
	# Retry-After is a floor: the retry cannot have come sooner (a lower bound only).
	[ "$elapsed" -ge 1000 ] || fail "retried after ${elapsed} ms, before Retry-After: 1"
}

test_rate_limit_hint_in_a_failed_stream() {
	mock '[{"sse": [{"created": "r"}, {"failed": {"code": "rate_limit_exceeded",
	                 "message": "Rate limit reached for gpt-5. Please try again in 0.4s."}}]},
	       {"sse": [{"created": "r2"}, {"message": "ok"}, {"completed": "r2"}]}]'
	expect_status 0 ms
	expect_eq "$(jl "$T/out" retrying delay_ms)" 400
	expect_contains "$(jl "$T/out" retrying reason)" "Please try again in 0.4s."
}

test_429_retries_run_out() {
	r='{"status": 429, "body": {"error": {"message": "slow down", "code": "rate_limit_exceeded"}}}'
	mock "[$r, $r, $r, $r]"
	expect_status 1 ms -c model_providers.mock.request_max_retries=1 -c model_providers.mock.stream_max_retries=1
	expect_eq "$(mock_count)" 4
	expect_eq "$(jl "$T/out" failed kind)" "retries exhausted"
	expect_eq "$(jl "$T/out" failed message)" \
		"rate limited (HTTP 429 Too Many Requests: slow down) (gave up after 4 attempts)"
}

test_unauthorized_is_one_clear_error() {
	mock '[{"status": 401, "body": {"error": {"message": "Incorrect API key provided: sk-te**key.", "code": "invalid_api_key"}}}]'
	expect_status 1 ms
	expect_eq "$(mock_count)" 1 "no retry"
	expect_eq "$(jl "$T/out" failed kind)" unauthorized
	expect_eq "$(jl "$T/out" failed message)" \
		"the model provider rejected the credentials (HTTP 401 Unauthorized: Incorrect API key provided: sk-te**key.). Check the API key, or sign in again with \`codex login\`."
}

test_unauthorized_refresh_hook_retries_once() {
	mock '[{"status": 401, "body": {"error": {"message": "expired"}}},
	       {"sse": [{"created": "r"}, {"message": "ok"}, {"completed": "r"}]}]'
	expect_status 0 ms --refresh sk-new-key
	expect_eq "$(mock_get 0 headers.authorization)" "Bearer sk-test-key"
	expect_eq "$(mock_get 1 headers.authorization)" "Bearer sk-new-key"
	expect_eq "$(grep -c '"event":"refresh"' "$T/out")" 1
	# A second 401 after the refresh is final.
	mock '[{"status": 401, "body": "no"}, {"status": 401, "body": "still no"}]'
	expect_status 1 ms --refresh sk-new-key
	expect_eq "$(mock_count)" 2
	expect_eq "$(jl "$T/out" failed kind)" unauthorized
}

test_usage_limit_is_one_clear_error() {
	mock '[{"status": 429, "body": {"error": {"type": "usage_limit_reached", "message": "The usage limit has been reached",
	                                         "plan_type": "plus", "resets_in_seconds": 3720}}}]'
	expect_status 1 ms
	expect_eq "$(mock_count)" 1 "not retried"
	expect_eq "$(jl "$T/out" failed kind)" "usage limit reached"
	expect_eq "$(jl "$T/out" failed message)" \
		"You've hit your usage limit (plus plan). It resets in 1 hour 2 minutes: try again then, or upgrade your plan."
}

test_context_window_exceeded_is_one_clear_error() {
	mock '[{"sse": [{"created": "r"}, {"failed": {"code": "context_length_exceeded",
	                 "message": "Your input exceeds the context window of this model."}}]}]'
	expect_status 1 ms
	expect_eq "$(mock_count)" 1 "not retried"
	expect_eq "$(jl "$T/out" failed kind)" "context window exceeded"
	expect_eq "$(jl "$T/out" failed message)" \
		"Codex ran out of room in the model's context window. Start a new thread or clear earlier history before retrying."
	# The same as a 400 body.
	mock '[{"status": 400, "body": {"error": {"message": "too long", "code": "context_length_exceeded"}}}]'
	expect_status 1 ms
	expect_eq "$(jl "$T/out" failed kind)" "context window exceeded"
}

test_bad_request_and_quota() {
	mock '[{"status": 400, "body": {"error": {"message": "Invalid value for input", "code": "invalid_value"}}}]'
	expect_status 1 ms
	expect_eq "$(jl "$T/out" failed message)" \
		"the model provider rejected the request (HTTP 400 Bad Request: Invalid value for input)"
	mock '[{"status": 429, "body": {"error": {"message": "You exceeded your current quota.", "code": "insufficient_quota"}}}]'
	expect_status 1 ms
	expect_eq "$(jl "$T/out" failed kind)" "quota exceeded"
	expect_eq "$(mock_count)" 1
}

test_missing_api_key_names_the_variable() {
	mock "$PLAIN"
	mkdir -p "$T/home"
	expect_status 1 env -u MOCK_KEY "$MS" --codex-home "$T/home" -c model_provider=mock \
		-c "model_providers.mock.base_url=$BASE" -c model_providers.mock.env_key=MOCK_KEY \
		-c 'model_providers.mock.env_key_instructions="Create one at https://example.test/keys."'
	expect_eq "$(jl "$T/out" failed kind)" "missing API key"
	expect_eq "$(jl "$T/out" failed message)" \
		'Missing environment variable: `MOCK_KEY`. Create one at https://example.test/keys.'
	expect_eq "$(mock_count)" 0 "nothing sent"
}

test_idle_timeout_is_retried() {
	mock '[{"sse": [{"created": "r1"}], "hold_after": 1},
	       {"sse": [{"created": "r2"}, {"message": "awake"}, {"completed": "r2"}]}]'
	expect_status 0 ms -c model_providers.mock.stream_idle_timeout_ms=2000
	expect_contains "$(jl "$T/out" retrying reason)" "no data received for 2000 ms (idle timeout)"
	expect_eq "$(jl "$T/out" item_done item.content.0.text)" awake
	expect_eq "$(mock_count)" 2
}

test_malformed_stream_data_is_skipped_and_oversized_is_an_error() {
	mock '[{"sse": [{"raw": "event: response.created\ndata: {not json\n\n"},
	                {"raw": ": a comment\n\ndata: [1,2]\n\n"},
	                {"raw": "event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\",\"item\":\"not an object\"}\n\n"},
	                {"message": "fine"}, {"completed": "r"}]}]'
	expect_status 0 ms
	expect_eq "$(jl "$T/out" item_done item.content.0.text)" fine
	expect_eq "$(grep -c . "$T/out")" 2
	python3 -c 'import json; print(json.dumps([{"sse": [{"raw": "data: " + "x" * (17 * 1024 * 1024) + "\n\n"}]}]))' > "$T/big.json"
	start_mock "$T/big.json"
	BASE=http://127.0.0.1:$MOCK_PORT/v1
	expect_status 1 ms
	expect_eq "$(jl "$T/out" failed kind)" "server error"
	expect_contains "$(jl "$T/out" failed message)" "the model stream is malformed: an event's data exceeds"
}

test_rate_limit_headers_become_a_snapshot() {
	mock '[{"sse": [{"created": "r"}, {"completed": "r"}],
	        "headers": {"x-codex-primary-used-percent": "42.5", "x-codex-primary-window-minutes": "300",
	                    "x-codex-primary-reset-at": "1767225600", "x-codex-secondary-used-percent": "3",
	                    "x-codex-credits-has-credits": "true", "x-codex-credits-unlimited": "false",
	                    "x-codex-credits-balance": "9.50"}}]'
	expect_status 0 ms
	expect_eq "$(jl "$T/out" rate_limits snapshot)" \
		'{"limit_id":"codex","limit_name":null,"primary":{"used_percent":42.5,"window_minutes":300,"resets_at":1767225600},"secondary":{"used_percent":3,"window_minutes":null,"resets_at":null},"credits":{"has_credits":true,"unlimited":false,"balance":"9.50"},"plan_type":null}'
}

# Other limit families (x-<limit-id>-*): one snapshot each after the codex one, by id,
# with the name of x-<limit-id>-limit-name.
test_rate_limit_families_become_snapshots() {
	mock '[{"sse": [{"created": "r"}, {"completed": "r"}],
	        "headers": {"x-codex-primary-used-percent": "10",
	                    "x-zeta-primary-used-percent": "7",
	                    "x-codex-bengalfox-primary-used-percent": "55", "x-codex-bengalfox-primary-window-minutes": "60",
	                    "x-codex-bengalfox-limit-name": "GPT-5.3-Codex-Spark"}}]'
	expect_status 0 ms
	expect_eq "$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("event") == "rate_limits":
        s = o["snapshot"]
        print(s["limit_id"], s["limit_name"], s["primary"]["used_percent"], s["primary"]["window_minutes"])
' "$T/out")" "codex None 10 None
codex_bengalfox GPT-5.3-Codex-Spark 55 60
zeta None 7 None"
}

test_cancel_from_inside_a_callback() {
	mock '[{"sse": [{"created": "r"}, {"message": "abc", "deltas": ["a", "b", "c"]}, {"completed": "r"}],
	        "event_delay_ms": 50}]'
	expect_status 0 ms --cancel-after 2
	expect_eq "$(python3 -c '
import json, sys
print(" ".join(json.loads(l)["event"] for l in open(sys.argv[1])))' "$T/out")" \
		"item_added text_delta cancelled" "nothing reported after the cancel"
}

test_query_params_and_provider_headers() {
	mock "$PLAIN"
	X_TEAM=blue expect_status 0 ms -c 'model_providers.mock.query_params={api-version="2025-04-01", "a b"="c&d"}' \
		-c 'model_providers.mock.http_headers={X-Static="s1"}' \
		-c 'model_providers.mock.env_http_headers={X-Team="X_TEAM", X-Unset="NOT_SET_ANYWHERE"}'
	expect_eq "$(mock_get 0 query)" '{"api-version":"2025-04-01","a b":"c&d"}'
	expect_eq "$(mock_get 0 headers.x-static)" s1
	expect_eq "$(mock_get 0 headers.x-team)" blue
	expect_not_contains "$(mock_get 0 header_names)" X-Unset
}

test_builtin_openai_provider_and_base_url() {
	mock "$PLAIN"
	mkdir -p "$T/home"
	OPENAI_BASE_URL=$BASE OPENAI_API_KEY=sk-openai OPENAI_ORGANIZATION=org-1 \
		expect_status 0 "$MS" --codex-home "$T/home"
	expect_eq "$(mock_get 0 headers.authorization)" "Bearer sk-openai"
	expect_eq "$(mock_get 0 headers.version)" "$("$CODEX" --version | cut -d' ' -f2)"
	expect_eq "$(mock_get 0 headers.openai-organization)" org-1
	mkdir -p "$T/home"
	expect_status 1 env -u OPENAI_API_KEY OPENAI_BASE_URL=$BASE "$MS" --codex-home "$T/home"
	expect_eq "$(jl "$T/out" failed kind)" "missing API key"
	expect_contains "$(jl "$T/out" failed message)" "set OPENAI_API_KEY"
}

test_oss_provider_selection() {
	mock "[$(echo "$PLAIN" | sed 's/^\[//; s/\]$//'), $(echo "$PLAIN" | sed 's/^\[//; s/\]$//')]"
	mkdir -p "$T/home"
	# --oss with nothing configured: Ollama at CODEX_OSS_BASE_URL, on the Responses wire
	# (as upstream 0.118), with no API key.
	CODEX_OSS_BASE_URL=$BASE expect_status 0 "$MS" --codex-home "$T/home" --oss -c model=gpt-oss:20b
	expect_eq "$(mock_get 0 path)" /v1/responses
	expect_eq "$(mock_get 0 headers.host)" "127.0.0.1:$MOCK_PORT"
	expect_not_contains "$(mock_get 0 header_names)" authorization
	expect_eq "$(mock_get 0 body.reasoning)" '{"effort":"medium","summary":"auto"}'
	# oss_provider picks LM Studio; CODEX_OSS_PORT moves the default URL's port.
	CODEX_OSS_PORT=$MOCK_PORT expect_status 0 "$MS" --codex-home "$T/home" --oss \
		-c oss_provider=lmstudio -c model=gpt-oss:20b
	expect_eq "$(mock_get 1 path)" /v1/responses
	expect_eq "$(mock_get 1 headers.host)" "localhost:$MOCK_PORT"
	expect_eq "$(mock_get 1 body.model)" gpt-oss:20b
}

# The Chat Completions wire: messages out, chunks aggregated into items back.
test_chat_wire() {
	mock '[{"chat": [{"reasoning": "think"}, {"content": "Hel"}, {"content": "lo"},
	                 {"tool_call": {"index": 0, "id": "call_a", "name": "exec_command", "arguments": "{\"cmd\":"}},
	                 {"tool_call": {"index": 0, "arguments": "\"ls\"}"}},
	                 {"tool_call": {"index": 1, "id": "call_b", "name": "update_plan", "arguments": "{}"}},
	                 {"finish": "tool_calls"}]}]'
	cat > "$T/prompt.json" <<'JSON'
{"model": "llama3", "instructions": "sys", "input": [
 {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "perms"}]},
 {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]},
 {"type": "reasoning", "summary": [], "content": [{"type": "reasoning_text", "text": "r1"}]},
 {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "calling"}]},
 {"type": "function_call", "call_id": "c1", "name": "exec_command", "arguments": "{\"cmd\":\"pwd\"}"},
 {"type": "function_call_output", "call_id": "c1", "output": "/tmp"}],
 "tools": [{"type": "function", "name": "exec_command", "description": "run", "strict": false,
            "parameters": {"type": "object", "properties": {}}},
           {"type": "custom", "name": "apply_patch", "description": "patch", "format": {"type": "grammar"}},
           {"type": "web_search"}]}
JSON
	expect_status 0 ms -c model_providers.mock.wire_api=chat --prompt "$T/prompt.json"
	expect_eq "$(mock_get 0 path)" /v1/chat/completions
	expect_eq "$(mock_get 0 body)" '{"model":"llama3","messages":[{"role":"system","content":"sys"},{"role":"system","content":"perms"},{"role":"user","content":"hi"},{"role":"assistant","reasoning":"r1","content":"calling","tool_calls":[{"id":"c1","type":"function","function":{"name":"exec_command","arguments":"{\"cmd\":\"pwd\"}"}}]},{"role":"tool","tool_call_id":"c1","content":"/tmp"}],"stream":true,"tools":[{"type":"function","function":{"name":"exec_command","description":"run","parameters":{"type":"object","properties":{}}}}]}'
	expect_eq "$(python3 -c '
import json, sys
out = []
for l in open(sys.argv[1]):
    o = json.loads(l)
    e = o["event"]
    if e in ("text_delta", "reasoning_raw_delta"): out.append("%s:%s" % (e, o["delta"]))
    elif e.startswith("item"): out.append("%s:%s" % (e, o["item"]["type"]))
    else: out.append(e)
print(" ".join(out))' "$T/out")" \
		"reasoning_raw_delta:think item_added:message text_delta:Hel text_delta:lo item_done:reasoning item_done:message item_done:function_call item_done:function_call completed"
	expect_eq "$(grep item_done "$T/out" | sed -n 3p | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["item"], separators=(",",":")))')" \
		'{"type":"function_call","name":"exec_command","arguments":"{\"cmd\":\"ls\"}","call_id":"call_a"}'
	expect_eq "$(jl "$T/out" completed response_id)" ""
}

test_chat_wire_errors_and_retries() {
	mock '[{"chat": [{"content": "cut"}], "done": false},
	       {"chat": [{"content": "whole"}, {"finish": "stop"}]}]'
	expect_status 0 ms -c model_providers.mock.wire_api=chat
	expect_eq "$(jl "$T/out" retrying reason)" "stream closed before the response was complete"
	expect_eq "$(mock_count)" 2
	mock '[{"chat": [{"error": {"message": "model not loaded", "code": "model_not_found"}}], "done": false}]'
	expect_status 1 ms -c model_providers.mock.wire_api=chat -c model_providers.mock.stream_max_retries=0
	expect_eq "$(jl "$T/out" failed message)" "the model stream failed: model not loaded (model_not_found) (gave up after 1 attempt)"
	mock "$PLAIN"
	echo '{"output_schema": {"type": "object"}}' > "$T/schema.json"
	expect_status 2 ms -c model_providers.mock.wire_api=chat --prompt "$T/schema.json"
	expect_contains "$(cat "$T/err")" "output_schema is not supported for Chat Completions API"
}

# The mock itself: what every agent test relies on.
test_mock_server_contract() {
	M=$CODEX_TOP/tests/servers/mock_responses.py
	echo '[{"sse": [{"nonsense": 1}]}]' > "$T/bad.json"
	expect_status 2 timeout 20 python3 "$M" --script "$T/bad.json"
	expect_contains "$(cat "$T/err")" "mock_responses: error: script $T/bad.json: reply 0: sse entry"
	echo '{"not": "a list"}' > "$T/bad.json"
	expect_status 2 timeout 20 python3 "$M" --script "$T/bad.json"
	expect_contains "$(cat "$T/err")" "must be a JSON list of replies"
	echo '[{"status": 204, "body": ""}]' > "$T/ok.json"
	python3 "$M" --script "$T/ok.json" --log "$T/log" > "$T/stdout" 2> "$T/stderr" &
	pid=$!
	wait_file "$T/stdout"
	port=$(head -n 1 "$T/stdout")
	expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/models")" 404
	expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{}' "http://127.0.0.1:$port/x/responses?a=1")" 204
	out=$(curl -s -w ' %{http_code}' -X POST -d 'not json' "http://127.0.0.1:$port/v1/chat/completions")
	expect_eq "$out" '{"error": {"message": "mock_responses: request 2 has no scripted reply (the script has 1)", "type": "mock_script_overrun"}} 500'
	MOCK_LOG=$T/log
	expect_eq "$(mock_count)" 3
	expect_eq "$(mock_get 0 reply) $(mock_get 0 overrun)" "null false"
	expect_eq "$(mock_get 1 reply) $(mock_get 1 query)" '0 {"a":"1"}'
	expect_eq "$(mock_get 2 overrun) $(mock_get 2 body)" "true not json"
	expect_contains "$(cat "$T/stderr")" "request 2 has no scripted reply"
	kill -TERM "$pid"
	for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid"
		fail "mock_responses did not exit on SIGTERM"
	fi
	rc=0
	wait "$pid" || rc=$?
	expect_eq "$rc" 0 "exit status after SIGTERM"
}

run_tests
