"""Replies and events for mock_responses.py scripts, and a reader for its request log.

Import it from a Python test to build a script:

    import mock_script as m
    script = [
        m.sse([m.created(), m.function_call("call_1", "exec_command", {"cmd": "ls"}),
               m.completed(tokens=50)]),
        m.status(500),
        m.sse([m.created(), m.assistant_message("done"), m.completed()]),
    ]
    m.write_script(path, script)

The server uses expand_sse_entry / expand_chat_entry to turn the script's shorthand
entries (documented in mock_responses.py) into the events these builders make, so a
bash test can write the same script as plain JSON.

As a command, it reads the JSON-lines request log the server writes:

    mock_script.py count LOG               number of requests recorded
    mock_script.py get LOG N [PATH]        request N (0-based; -1 = last), or one value in
                                           it: PATH is dotted, list indexes are numbers
                                           (body.input.0.role, headers.user-agent);
                                           strings print raw, everything else as JSON.
                                           A request N not yet made is waited for, up to
                                           MOCK_GET_WAIT seconds (10): a test that saw
                                           the turn start need not race its request
    mock_script.py inputs LOG N TYPE       the input items of request N whose type is TYPE,
                                           one JSON object a line
    mock_script.py ends LOG N              how request N's stream ended (its "end_of" line)
"""
import json
import os
import sys
import time

# ---- Responses API stream events -------------------------------------------------------


def created(resp_id="resp_1"):
    return {"type": "response.created", "response": {"id": resp_id}}


def message_item(text, item_id="msg_1", role="assistant"):
    return {"type": "message", "role": role, "id": item_id, "status": "completed",
            "content": [{"type": "output_text", "text": text, "annotations": []}]}


def assistant_message(text, item_id="msg_1"):
    return {"type": "response.output_item.done", "item": message_item(text, item_id)}


def message_added(item_id="msg_1"):
    return {"type": "response.output_item.added",
            "item": {"type": "message", "role": "assistant", "id": item_id,
                     "status": "in_progress", "content": []}}


def text_delta(delta, item_id="msg_1"):
    return {"type": "response.output_text.delta", "item_id": item_id, "output_index": 0,
            "content_index": 0, "delta": delta}


def assistant_message_with_deltas(pieces, item_id="msg_1"):
    """output_item.added, one output_text.delta per piece, then output_item.done."""
    return ([message_added(item_id)] + [text_delta(p, item_id) for p in pieces] +
            [assistant_message("".join(pieces), item_id)])


def function_call(call_id, name, arguments):
    """arguments: a dict (serialised as upstream does, a JSON string) or a raw string."""
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments, separators=(",", ":"))
    return {"type": "response.output_item.done",
            "item": {"type": "function_call", "id": "fc_" + call_id, "call_id": call_id,
                     "name": name, "arguments": arguments, "status": "completed"}}


def custom_tool_call(call_id, name, input_text):
    return {"type": "response.output_item.done",
            "item": {"type": "custom_tool_call", "id": "ctc_" + call_id, "status": "completed",
                     "call_id": call_id, "name": name, "input": input_text}}


def local_shell_call(call_id, command, workdir=None, timeout_ms=None):
    action = {"type": "exec", "command": command}
    if workdir is not None:
        action["working_directory"] = workdir
    if timeout_ms is not None:
        action["timeout_ms"] = timeout_ms
    return {"type": "response.output_item.done",
            "item": {"type": "local_shell_call", "id": "lsh_" + call_id, "call_id": call_id,
                     "status": "completed", "action": action}}


def reasoning_item(summary=(), content=(), encrypted_content=None, item_id="rs_1"):
    item = {"type": "reasoning", "id": item_id,
            "summary": [{"type": "summary_text", "text": s} for s in summary]}
    if content:
        item["content"] = [{"type": "reasoning_text", "text": c} for c in content]
    item["encrypted_content"] = encrypted_content
    return item


def reasoning(summary=(), content=(), encrypted_content=None, item_id="rs_1"):
    return {"type": "response.output_item.done",
            "item": reasoning_item(summary, content, encrypted_content, item_id)}


def reasoning_summary_part_added(summary_index=0, item_id="rs_1"):
    return {"type": "response.reasoning_summary_part.added", "item_id": item_id,
            "output_index": 0, "summary_index": summary_index,
            "part": {"type": "summary_text", "text": ""}}


def reasoning_summary_delta(delta, summary_index=0, item_id="rs_1"):
    return {"type": "response.reasoning_summary_text.delta", "item_id": item_id,
            "output_index": 0, "summary_index": summary_index, "delta": delta}


def reasoning_text_delta(delta, content_index=0, item_id="rs_1"):
    return {"type": "response.reasoning_text.delta", "item_id": item_id, "output_index": 0,
            "content_index": content_index, "delta": delta}


def reasoning_with_deltas(summary=(), content=(), encrypted_content=None, item_id="rs_1"):
    """For each summary part: part.added then its text as one delta; each content part as
    one raw delta; then the finished item."""
    evs = [{"type": "response.output_item.added",
            "item": {"type": "reasoning", "id": item_id, "summary": []}}]
    for i, s in enumerate(summary):
        evs += [reasoning_summary_part_added(i, item_id), reasoning_summary_delta(s, i, item_id)]
    for i, c in enumerate(content):
        evs.append(reasoning_text_delta(c, i, item_id))
    evs.append(reasoning(summary, content, encrypted_content, item_id))
    return evs


def web_search_call(query, item_id="ws_1"):
    item = {"type": "web_search_call", "id": item_id, "status": "completed",
            "action": {"type": "search", "query": query}}
    added = dict(item, status="in_progress")
    return [{"type": "response.output_item.added", "item": added},
            {"type": "response.output_item.done", "item": item}]


def usage(input_tokens=0, cached_input_tokens=0, output_tokens=0, reasoning_tokens=0,
          total_tokens=None):
    if total_tokens is None:
        total_tokens = input_tokens + output_tokens
    return {"input_tokens": input_tokens,
            "input_tokens_details": {"cached_tokens": cached_input_tokens},
            "output_tokens": output_tokens,
            "output_tokens_details": {"reasoning_tokens": reasoning_tokens},
            "total_tokens": total_tokens}


def completed(resp_id="resp_1", tokens=None, **usage_fields):
    """response.completed; tokens=N is upstream's ev_completed_with_tokens (all of it
    input), otherwise the usage fields (zeros by default)."""
    u = usage(input_tokens=tokens, total_tokens=tokens) if tokens is not None else usage(**usage_fields)
    return {"type": "response.completed", "response": {"id": resp_id, "usage": u}}


def failed(code, message, resp_id="resp_1"):
    return {"type": "response.failed",
            "response": {"id": resp_id, "error": {"code": code, "message": message}}}


# ---- Chat Completions stream chunks -----------------------------------------------------

def chat_chunk(delta, finish_reason=None, chunk_id="chatcmpl-1", model="mock", usage_obj=None):
    c = {"id": chunk_id, "object": "chat.completion.chunk", "created": 0, "model": model,
         "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}
    if usage_obj is not None:
        c["usage"] = usage_obj
    return c


def chat_content(text):
    return chat_chunk({"content": text})


def chat_reasoning(text):
    return chat_chunk({"reasoning": text})


def chat_tool_call(index, call_id=None, name=None, arguments=None):
    """One tool_calls fragment: the first carries id and name, later ones arguments."""
    fn = {}
    if name is not None:
        fn["name"] = name
    if arguments is not None:
        fn["arguments"] = arguments if isinstance(arguments, str) else json.dumps(arguments)
    tc = {"index": index, "function": fn}
    if call_id is not None:
        tc["id"] = call_id
        tc["type"] = "function"
    return chat_chunk({"tool_calls": [tc]})


def chat_finish(reason="stop"):
    return chat_chunk({}, finish_reason=reason)


# ---- replies ----------------------------------------------------------------------------

def sse(events, **options):
    """A streamed Responses reply; options as in mock_responses.py (delay_ms, headers,
    cut_after, hold_after, event_delay_ms, status)."""
    flat = []
    for e in events:
        flat.extend(e if isinstance(e, list) else [e])
    return dict(options, sse=flat)


def chat(chunks, **options):
    return dict(options, chat=list(chunks))


def status(code, body=None, headers=None, **options):
    r = dict(options, status=code)
    if body is not None:
        r["body"] = body
    if headers:
        r["headers"] = headers
    return r


def server_error(code=500, message="internal server error"):
    return status(code, {"error": {"message": message, "type": "server_error"}})


def unauthorized(message="Incorrect API key provided."):
    return status(401, {"error": {"message": message, "type": "invalid_request_error",
                                  "code": "invalid_api_key"}})


def rate_limited(retry_after=None, message="Rate limit reached. Please try again later."):
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return status(429, {"error": {"message": message, "type": "rate_limit_exceeded",
                                  "code": "rate_limit_exceeded"}}, headers)


def usage_limit(plan_type="plus", resets_in_seconds=3600):
    return status(429, {"error": {"type": "usage_limit_reached",
                                  "message": "The usage limit has been reached",
                                  "plan_type": plan_type,
                                  "resets_in_seconds": resets_in_seconds}})


def context_length_exceeded_400(message="Your input exceeds the context window of this model."):
    return status(400, {"error": {"message": message, "type": "invalid_request_error",
                                  "code": "context_length_exceeded"}})


def write_script(path, replies):
    with open(path, "w") as f:
        json.dump(replies, f, indent=1)


# ---- shorthand entries of the JSON script (see mock_responses.py) -------------------------

def _one_key(entry, keys):
    found = [k for k in keys if k in entry]
    return found[0] if len(found) == 1 else None


SSE_SHORTHANDS = ("created", "message", "function_call", "custom_tool_call",
                  "local_shell_call", "reasoning", "web_search_call", "completed", "failed")


def expand_sse_entry(entry):
    """A script entry -> a list of events (dicts) and raw strings."""
    if isinstance(entry, str):
        return [entry]
    if not isinstance(entry, dict):
        raise ValueError("an sse entry must be an object or a string, not %r" % (entry,))
    if "type" in entry:
        return [entry]
    if "raw" in entry:
        return [str(entry["raw"])]
    key = _one_key(entry, SSE_SHORTHANDS)
    if key is None:
        raise ValueError("sse entry %s: needs a \"type\", \"raw\" or exactly one of %s"
                         % (json.dumps(entry), ", ".join(SSE_SHORTHANDS)))
    v = entry[key]
    if key == "created":
        return [created(v if isinstance(v, str) else "resp_1")]
    if key == "message":
        item_id = entry.get("id", "msg_1")
        deltas = entry.get("deltas")
        if deltas is True:
            deltas = [v]
        if deltas:
            return assistant_message_with_deltas(deltas, item_id)
        return [assistant_message(v, item_id)]
    if key == "function_call":
        return [function_call(v.get("call_id", "call_1"), v["name"], v.get("arguments", {}))]
    if key == "custom_tool_call":
        return [custom_tool_call(v.get("call_id", "call_1"), v["name"], v["input"])]
    if key == "local_shell_call":
        return [local_shell_call(v.get("call_id", "call_1"), v["command"], v.get("workdir"),
                                 v.get("timeout_ms"))]
    if key == "reasoning":
        args = (v.get("summary", []), v.get("content", []), v.get("encrypted_content"),
                v.get("id", "rs_1"))
        return reasoning_with_deltas(*args) if v.get("deltas") else [reasoning(*args)]
    if key == "web_search_call":
        return web_search_call(v.get("query", ""), v.get("id", "ws_1"))
    if key == "completed":
        if isinstance(v, str):
            return [completed(v)]
        if v is True:
            return [completed()]
        v = dict(v)
        resp_id = v.pop("id", "resp_1")
        return [completed(resp_id, **v)]
    if key == "failed":
        return [failed(v.get("code"), v.get("message", ""), v.get("id", "resp_1"))]
    raise AssertionError(key)


CHAT_SHORTHANDS = ("content", "reasoning", "tool_call", "finish", "usage")


def expand_chat_entry(entry):
    if isinstance(entry, str):
        return [entry]
    if not isinstance(entry, dict):
        raise ValueError("a chat entry must be an object or a string, not %r" % (entry,))
    if "raw" in entry:
        return [str(entry["raw"])]
    if "choices" in entry or "error" in entry:
        return [entry]
    key = _one_key(entry, CHAT_SHORTHANDS)
    if key is None:
        raise ValueError("chat entry %s: needs \"choices\", \"error\", \"raw\" or exactly "
                         "one of %s" % (json.dumps(entry), ", ".join(CHAT_SHORTHANDS)))
    v = entry[key]
    if key == "content":
        return [chat_content(v)]
    if key == "reasoning":
        return [chat_reasoning(v)]
    if key == "tool_call":
        return [chat_tool_call(v.get("index", 0), v.get("id"), v.get("name"),
                               v.get("arguments"))]
    if key == "finish":
        return [chat_finish(v)]
    if key == "usage":
        return [dict(chat_chunk({}), choices=[], usage=v)]
    raise AssertionError(key)


def render_sse_event(ev):
    if isinstance(ev, str):
        return ev.encode()
    data = json.dumps(ev, separators=(",", ":"))
    return ("event: %s\ndata: %s\n\n" % (ev.get("type", "message"), data)).encode()


def render_chat_chunk(ch):
    if isinstance(ch, str):
        return ch.encode()
    return ("data: %s\n\n" % json.dumps(ch, separators=(",", ":"))).encode()


# ---- the request log ----------------------------------------------------------------------

def read_lines(path):
    """The log's complete lines (one being written has no newline yet)."""
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip() and line.endswith("\n")]


def read_log_until(path, n):
    """The request records, once request n (>= 0) is among them or the wait is over."""
    deadline = time.monotonic() + float(os.environ.get("MOCK_GET_WAIT", "10"))
    while True:
        reqs = read_log(path) if os.path.exists(path) else []
        if n < 0 or len(reqs) > n or time.monotonic() >= deadline:
            return reqs
        time.sleep(0.05)


def read_log(path):
    """The request records (not the end-of-stream lines)."""
    return [r for r in read_lines(path) if "end_of" not in r]


def read_ends(path):
    return {r["end_of"]: r for r in read_lines(path) if "end_of" in r}


def lookup(value, path):
    for part in path.split(".") if path else []:
        if isinstance(value, list):
            value = value[int(part)]
        elif isinstance(value, dict):
            value = value[part]
        else:
            raise KeyError(path)
    return value


def _print(v):
    print(v if isinstance(v, str) else json.dumps(v, separators=(",", ":")))


def main(argv):
    if len(argv) >= 2 and argv[0] == "count":
        print(len(read_log(argv[1])))
        return 0
    if len(argv) in (3, 4) and argv[0] == "get":
        try:
            reqs = read_log_until(argv[1], int(argv[2]))
            _print(lookup(reqs[int(argv[2])], argv[3] if len(argv) == 4 else ""))
        except (IndexError, KeyError, ValueError) as e:
            print("mock_script: no %s in request %s: %s" % (argv[3] if len(argv) == 4 else
                                                             "such request", argv[2], e),
                  file=sys.stderr)
            return 1
        return 0
    if len(argv) == 3 and argv[0] == "ends":
        seq = read_log(argv[1])[int(argv[2])]["seq"]
        end = read_ends(argv[1]).get(seq)
        if end is None:
            print("mock_script: request %s has no end record (yet)" % argv[2], file=sys.stderr)
            return 1
        _print(end)
        return 0
    if len(argv) == 4 and argv[0] == "inputs":
        req = read_log(argv[1])[int(argv[2])]
        for item in req["body"].get("input", []):
            if item.get("type") == argv[3]:
                _print(item)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
