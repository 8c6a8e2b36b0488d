"""Interop: proves that a JSON-RPC 2.0 client nobody here wrote -- PyPI `websockets` (asyncio API)
and the standard library's urllib -- gets exactly what DESIGN §2 promises from `jsonws serve`:
positional and named calls, ids echoed byte for byte, a batch answered by one array in one frame,
a server -> client request (`ask` calls `confirm` on us) with a result and with an error, a parse
error that leaves the connection usable, and HTTP POST (200 / 204 / batch array); then the typed
params of DESIGN §3 (defaults, enums by value, structs with defaulted fields, -32602 with data,
rpc.discover) and the events of §2 (rpc.on / rpc.off, chat.message sent from another connection
and over HTTP, an unknown event name refused whole, tick).

Usage: python interop.py http://127.0.0.1:PORT/api/demo/1.0.0   (exit 0 = all checks passed)
"""

import asyncio
import json
import os
import sys
import time
import urllib.request
import uuid

from websockets.asyncio.client import connect

FRAME_WAIT_S = 5.0
OVERALL_S = 15.0
step = "start"


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def eq(got, want, context=""):
    check(got == want and type(got) is type(want),
          f"expected {want!r}, got {got!r}" + (f" in {context}" if context else ""))


class Conn:
    """One WebSocket connection whose incoming text frames are read one at a time, in order."""

    def __init__(self, ws):
        self.ws = ws

    async def send(self, msg):
        await self.ws.send(msg if isinstance(msg, str) else json.dumps(msg))

    async def next(self, wait_s=FRAME_WAIT_S):
        frame = await asyncio.wait_for(self.ws.recv(), wait_s)
        check(isinstance(frame, str), f"server sent a binary frame; JSON-RPC frames must be text: {frame!r}")
        return frame

    async def call(self, method, params, id):
        """Sends a request and returns (parsed reply, raw frame); the reply must be the next frame."""
        await self.send({"jsonrpc": "2.0", "method": method, "params": params, "id": id})
        raw = await self.next()
        reply = json.loads(raw)
        eq(reply.get("jsonrpc"), "2.0", raw)
        check("id" in reply, f"reply has no id: {raw}")
        eq(reply["id"], id, raw)
        return reply, raw


async def ask_and_answer(conn, ask_id, answer):
    """Calls ask(["Proceed?"]), answers the server's confirm request with `answer`, checks ask's reply."""
    await conn.send({"jsonrpc": "2.0", "method": "ask", "params": ["Proceed?"], "id": ask_id})
    req_raw = await conn.next()
    req = json.loads(req_raw)
    eq(req.get("jsonrpc"), "2.0", req_raw)
    eq(req.get("method"), "confirm", f"the server's confirm request: {req_raw}")
    eq(req.get("params"), ["Proceed?"], req_raw)
    check(req.get("id") is not None, f"confirm must be a request with an id: {req_raw}")
    await conn.send({"jsonrpc": "2.0", **answer, "id": req["id"]})
    raw = await conn.next()
    reply = json.loads(raw)
    eq(reply.get("id"), ask_id, raw)
    if "result" in answer:
        eq(reply.get("result"), answer["result"], raw)
    else:
        eq(reply.get("error"), answer["error"], raw)


async def websocket_checks(ws_url):
    global step
    async with connect(ws_url, proxy=None, open_timeout=5, close_timeout=2) as ws:
        conn = Conn(ws)
        step = "1. sum over WebSocket, positional and named"
        eq((await conn.call("sum", [1, 2], 1))[0], {"jsonrpc": "2.0", "result": 3, "id": 1})
        eq((await conn.call("sum", {"a": 40, "b": 2}, 2))[0], {"jsonrpc": "2.0", "result": 42, "id": 2})

        step = "1. id edge cases echoed exactly"
        for id in [0, "", -7, 'x"y']:
            reply, raw = await conn.call("sum", [1, 2], id)
            eq(reply.get("result"), 3, raw)
            check(f'"id":{json.dumps(id)}' in raw, f"raw reply does not carry id {json.dumps(id)}: {raw}")

        step = "2. batch: one frame, one array, replies to requests only"
        await conn.send([
            {"jsonrpc": "2.0", "method": "sum", "params": [1, 2], "id": 1},
            {"jsonrpc": "2.0", "method": "echo", "params": ["notified"]},
            {"jsonrpc": "2.0", "method": "fail", "id": 2},
            {"foo": 1},
        ])
        batch_raw = await conn.next()
        batch = json.loads(batch_raw)
        check(isinstance(batch, list), f"batch reply is not an array: {batch_raw}")
        eq(len(batch), 3, f"batch reply length: {batch_raw}")

        def by_id(id):
            found = [r for r in batch if "id" in r and r["id"] == id and type(r["id"]) is type(id)]
            eq(len(found), 1, f"replies with id {id!r} in {batch_raw}")
            return found[0]

        eq(by_id(1), {"jsonrpc": "2.0", "result": 3, "id": 1})
        eq(by_id(2)["error"]["code"], 4000, batch_raw)
        eq(by_id(2)["error"]["data"]["reason"], "demonstration", batch_raw)
        eq(by_id(None)["error"]["code"], -32600, batch_raw)
        # Nothing else may follow the batch reply: the next frame must be the reply to this call.
        eq((await conn.call("sum", [2, 2], "after-batch"))[0].get("result"), 4)

        step = "3. ask: the server calls confirm on us, we answer with a result"
        await ask_and_answer(conn, "ask-ok", {"result": "yes from python"})
        step = "3. ask: we answer confirm with an error, ask fails with it"
        await ask_and_answer(conn, "ask-err", {"error": {"code": 4711, "message": "no"}})

        step = "4. invalid JSON gets -32700 with id null, connection keeps serving"
        await conn.send('{"jsonrpc":')
        parse_raw = await conn.next()
        parse_err = json.loads(parse_raw)
        eq(parse_err.get("jsonrpc"), "2.0", parse_raw)
        eq(parse_err["error"]["code"], -32700, parse_raw)
        check("id" in parse_err and parse_err["id"] is None, f'parse error must carry "id":null: {parse_raw}')
        eq((await conn.call("sum", [5, 6], "after-parse-error"))[0].get("result"), 11)


def post(http_url, body):
    """Blocking HTTP POST (no proxies); returns (status, content type, body text)."""
    req = urllib.request.Request(http_url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(req, timeout=FRAME_WAIT_S) as res:
        return res.status, res.headers.get("Content-Type", ""), res.read().decode()


def http_checks(http_url):
    global step
    step = "5. HTTP POST"
    status, ctype, text = post(http_url, {"jsonrpc": "2.0", "method": "sum", "params": [1, 2], "id": "h1"})
    eq(status, 200, text)
    check(ctype.startswith("application/json"), f"content type {ctype!r}")
    eq(json.loads(text), {"jsonrpc": "2.0", "result": 3, "id": "h1"})
    status, _, text = post(http_url, {"jsonrpc": "2.0", "method": "echo", "params": [1]})
    eq(status, 204, "status for a notification-only body")
    eq(text, "", "body for a notification-only body")
    status, _, text = post(http_url, [
        {"jsonrpc": "2.0", "method": "sum", "params": [1, 2], "id": 10},
        {"jsonrpc": "2.0", "method": "echo", "params": ["n"]},
        {"jsonrpc": "2.0", "method": "echo", "params": ["e"], "id": 11},
    ])
    eq(status, 200, text)
    replies = json.loads(text)
    check(isinstance(replies, list), f"HTTP batch reply is not an array: {text}")
    eq(sorted(replies, key=lambda r: r["id"]), [
        {"jsonrpc": "2.0", "result": 3, "id": 10},
        {"jsonrpc": "2.0", "result": "e", "id": 11},
    ])


def invalid_params(reply, raw):
    """Expects `reply` to be a -32602 error and returns its data."""
    check("error" in reply and "result" not in reply, f"expected an error reply: {raw}")
    eq(reply["error"].get("code"), -32602, raw)
    return reply["error"].get("data")


async def typed_param_checks(ws_url):
    """DESIGN §3: params converted by their declared types, over WebSocket."""
    global step
    async with connect(ws_url, proxy=None, open_timeout=5, close_timeout=2) as ws:
        conn = Conn(ws)
        step = "6. math.pow: a left-out defaulted param takes its default, named params bind by name"
        # `number` results are floats on the wire (9.0), and eq() compares types too.
        eq((await conn.call("math.pow", [3], "pow-default"))[0],
           {"jsonrpc": "2.0", "result": 9.0, "id": "pow-default"})
        eq((await conn.call("math.pow", {"base": 2, "exp": 10}, "pow-named"))[0],
           {"jsonrpc": "2.0", "result": 1024.0, "id": "pow-named"})

        step = "6. types.color: an enum member sent by value comes back by name"
        eq((await conn.call("types.color", [2], "color"))[0], {"jsonrpc": "2.0", "result": "Blue", "id": "color"})

        step = "6. types.point: int fields truncate toward zero, a left-out field takes its default"
        reply, raw = await conn.call("types.point", [{"x": 1.9, "y": 2}], "point")
        eq(reply, {"jsonrpc": "2.0", "result": {"x": 1, "y": 2, "label": "pt"}, "id": "point"}, raw)

        step = "6. sum with a string for an int: -32602 whose data names the param"
        reply, raw = await conn.call("sum", [1, "2"], "sum-bad")
        data = invalid_params(reply, raw)
        check(isinstance(data, dict), f"error data must be an object: {raw}")
        eq(sorted(data), ["expected", "got", "param"], raw)
        eq(data["param"], "b", raw)
        eq(data["expected"], "int", raw)

        step = "6. rpc.discover returns the OpenRPC 1.3 document"
        reply, raw = await conn.call("rpc.discover", [], "discover")
        result = reply.get("result")
        check(isinstance(result, dict) and isinstance(result.get("openrpc"), str),
              f"rpc.discover result has no openrpc string: {raw[:200]}")
        check(result["openrpc"].startswith("1.3"), f"openrpc is {result['openrpc']!r}")
        eq(result["info"]["title"], "demo", raw[:200])
        check(any(m.get("name") == "math.pow" for m in result["methods"]), "math.pow is not in rpc.discover")


async def quiet_after(conn, a, b, what):
    """Calls sum(a, b) on `conn`: the next frame must be its reply, so nothing came before it."""
    reply, raw = await conn.call("sum", [a, b], f"sentinel-{what}")
    eq(reply.get("result"), a + b, f"the reply to the sentinel call after {what}: {raw}")


async def event_checks(http_url, ws_url):
    """DESIGN §2 Events: `listener` subscribes, `sender` (and HTTP POST) calls chat.send."""
    global step

    def unique(what):
        return f"{what} from python {os.getpid()} {time.time()} {uuid.uuid4()}"

    async with connect(ws_url, proxy=None, open_timeout=5, close_timeout=2) as lws, \
            connect(ws_url, proxy=None, open_timeout=5, close_timeout=2) as sws:
        listener, sender = Conn(lws), Conn(sws)

        async def expect_chat(text):
            """The next frame on `listener` must be exactly one chat.message notification saying `text`."""
            raw = await listener.next(3.0)
            note = json.loads(raw)
            eq(note.get("jsonrpc"), "2.0", raw)
            eq(note.get("method"), "chat.message", f"the chat.message notification: {raw}")
            check("id" not in note, f"an event is a notification, without id: {raw}")
            params = note.get("params")
            check(isinstance(params, list) and len(params) == 1, f"params must be [data]: {raw}")
            eq(sorted(params[0]), ["at", "text"], raw)
            eq(params[0]["text"], text, raw)
            check(isinstance(params[0]["at"], str) and params[0]["at"].endswith("Z"),
                  f"at must be a UTC date ending in Z: {raw}")

        step = "7. rpc.on chat.message: the reply lists what is now subscribed"
        eq((await listener.call("rpc.on", ["chat.message"], 7))[0],
           {"jsonrpc": "2.0", "result": ["chat.message"], "id": 7})

        step = "7. chat.send from a second connection reaches the subscriber"
        first = unique("hello")
        eq((await sender.call("chat.send", [first], "send-1"))[0], {"jsonrpc": "2.0", "result": None, "id": "send-1"})
        await expect_chat(first)

        step = "7. chat.send over HTTP POST reaches the WebSocket subscriber"
        second = unique("posted")
        status, _, text = await asyncio.to_thread(
            post, http_url, {"jsonrpc": "2.0", "method": "chat.send", "params": {"text": second}, "id": "send-http"})
        eq(status, 200, text)
        eq(json.loads(text), {"jsonrpc": "2.0", "result": None, "id": "send-http"})
        await expect_chat(second)

        step = "7. rpc.off chat.message: nothing more arrives"
        eq((await listener.call("rpc.off", ["chat.message"], 8))[0],
           {"jsonrpc": "2.0", "result": ["chat.message"], "id": 8})
        eq((await sender.call("chat.send", [unique("unheard")], "send-2"))[0],
           {"jsonrpc": "2.0", "result": None, "id": "send-2"})
        # chat.send has queued its event on every subscriber before replying, so a notification
        # for the listener would come before the reply to this later call.
        await quiet_after(listener, 20, 22, "rpc.off")

        step = "7. rpc.on with an unknown event name fails whole with -32602"
        reply, raw = await sender.call("rpc.on", ["tick", "nope"], "on-bad")
        invalid_params(reply, raw)

        step = "7. tick: rpc.on, then one tick within 3 s with an integer seq"
        eq((await listener.call("rpc.on", ["tick"], 9))[0], {"jsonrpc": "2.0", "result": ["tick"], "id": 9})
        seqs = []
        for _ in range(2):
            raw = await listener.next(3.0)
            tick = json.loads(raw)
            eq(tick.get("method"), "tick", f"a tick notification: {raw}")
            check("id" not in tick and isinstance(tick.get("params"), list) and len(tick["params"]) == 1, raw)
            seq = tick["params"][0].get("seq")
            check(type(seq) is int and seq >= 1, f"seq must be an integer: {raw}")
            check(isinstance(tick["params"][0].get("at"), str) and tick["params"][0]["at"].endswith("Z"), raw)
            seqs.append(seq)
        eq(seqs[1], seqs[0] + 1, f"consecutive ticks {seqs}")

        step = "7. the refused rpc.on subscribed nothing: no tick reached that connection"
        # The second tick was emitted after the first had been queued on every subscriber, so had
        # the refused call subscribed `tick`, a tick would come before the reply to this call.
        await quiet_after(sender, 1, 1, "the refused rpc.on")


async def main(http_url):
    ws_url = "ws" + http_url[len("http"):]
    await websocket_checks(ws_url)
    await asyncio.to_thread(http_checks, http_url)
    await typed_param_checks(ws_url)
    await event_checks(http_url, ws_url)


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].startswith(("http://", "https://")):
        sys.exit("usage: python interop.py http://HOST:PORT/api/demo/1.0.0")
    try:
        # Every wait is bounded: the whole script gives up after 15 s whatever it is waiting for.
        asyncio.run(asyncio.wait_for(main(sys.argv[1]), OVERALL_S))
    except BaseException as e:  # noqa: BLE001 -- any failure is reported the same way
        if isinstance(e, SystemExit):
            raise
        timed_out = isinstance(e, (asyncio.TimeoutError, TimeoutError))
        kind = "timed out (5 s per reply, 15 s in all)" if timed_out else type(e).__name__
        print(f'interop python: FAIL in step "{step}": {kind}: {e}', file=sys.stderr)
        sys.exit(1)
    print("interop python: all checks passed")
