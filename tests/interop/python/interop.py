"""Interop: proves that a JSON-RPC 2.0 client nobody here wrote -- PyPI `websockets` (asyncio API)
and the standard library's urllib -- gets exactly what DESIGN §2 promises from `jsonws serve`:
positional and named calls, ids echoed byte for byte, a batch answered by one array in one frame,
a server -> client request (`ask` calls `confirm` on us) with a result and with an error, a parse
error that leaves the connection usable, and HTTP POST (200 / 204 / batch array).

Usage: python interop.py http://127.0.0.1:PORT/api/demo/1.0.0   (exit 0 = all checks passed)
"""

import asyncio
import json
import sys
import urllib.request

from websockets.asyncio.client import connect

FRAME_WAIT_S = 5.0
OVERALL_S = 10.0
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

    async def next(self):
        frame = await asyncio.wait_for(self.ws.recv(), FRAME_WAIT_S)
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


async def main(http_url):
    await websocket_checks("ws" + http_url[len("http"):])
    await asyncio.to_thread(http_checks, http_url)


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].startswith(("http://", "https://")):
        sys.exit("usage: python interop.py http://HOST:PORT/api/demo/1.0.0")
    try:
        # Every wait is bounded: the whole script gives up after 10 s whatever it is waiting for.
        asyncio.run(asyncio.wait_for(main(sys.argv[1]), OVERALL_S))
    except BaseException as e:  # noqa: BLE001 -- any failure is reported the same way
        if isinstance(e, SystemExit):
            raise
        timed_out = isinstance(e, (asyncio.TimeoutError, TimeoutError))
        kind = "timed out (5 s per reply, 10 s in all)" if timed_out else type(e).__name__
        print(f'interop python: FAIL in step "{step}": {kind}: {e}', file=sys.stderr)
        sys.exit(1)
    print("interop python: all checks passed")
