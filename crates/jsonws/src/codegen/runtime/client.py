import asyncio
import base64
import concurrent.futures
import inspect
import json
import logging
import random
import re
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field, is_dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

# ---- runtime: the same in every client this generator writes ----

_log = logging.getLogger(__name__)


class JsonRpcError(Exception):
    """An error reply from the server: its ``code``, ``message`` and ``data``."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(f"{message} (code {code})")
        self.code = code
        self.message = message
        self.data = data


class TransportError(Exception):
    """The call could not be made or answered: no connection, a bad HTTP status, a timeout."""


_DATE = re.compile(
    r"^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|z|[+-]\d\d:?\d\d)?$"
)


def _parse_date(text: Any) -> Any:
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return datetime.fromtimestamp(text / 1000, tz=timezone.utc)
    if not isinstance(text, str):
        return text
    m = _DATE.match(text)
    if m is None:
        raise TransportError(f"not a date: {text!r}")
    y, mo, d, h, mi, s, frac, tz = m.groups()
    micros = int((frac or "0")[:6].ljust(6, "0"))
    offset = timedelta(0)
    if tz and tz not in ("Z", "z"):
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        offset = sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    local = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micros, tzinfo=timezone(offset))
    return local.astimezone(timezone.utc)


def _format_date(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _to_wire(spec: str, value: Any) -> Any:
    if value is None:
        return None
    if spec.startswith("["):
        return [_to_wire(spec[1:-1], v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if spec == "date":
        return _format_date(value) if isinstance(value, datetime) else value
    if spec == "binary":
        if isinstance(value, (bytes, bytearray, memoryview)):
            return base64.b64encode(bytes(value)).decode("ascii")
        return value
    struct = _STRUCTS.get(spec)
    if struct is not None and is_dataclass(value):
        out = {}
        for wire, (attr, fspec) in struct[1].items():
            v = getattr(value, attr)
            if v is not None:
                out[wire] = _to_wire(fspec, v)
        return out
    if struct is not None and isinstance(value, dict):
        fields_ = struct[1]
        return {k: _to_wire(fields_[k][1], v) if k in fields_ else v for k, v in value.items()}
    return value


def _from_wire(spec: str, value: Any) -> Any:
    if value is None or spec == "":
        return value
    if spec.startswith("["):
        return [_from_wire(spec[1:-1], v) for v in value] if isinstance(value, list) else value
    if spec == "date":
        return _parse_date(value)
    if spec == "binary":
        return base64.b64decode(value) if isinstance(value, str) else value
    enum = _ENUMS.get(spec)
    if enum is not None:
        try:
            return enum(value)
        except ValueError:
            return value
    struct = _STRUCTS.get(spec)
    if struct is not None and isinstance(value, dict):
        cls, fields_ = struct
        return cls(**{attr: _from_wire(fspec, value[wire]) for wire, (attr, fspec) in fields_.items() if wire in value})
    return value


def _wire_params(params: List[Tuple[Any, str]]) -> List[Any]:
    params = list(params)
    while params and params[-1][0] is None:
        params.pop()
    return [_to_wire(spec, value) for value, spec in params]


def _post(url: str, method: str, params: List[Any], timeout: float, request_id: int) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}, ensure_ascii=False)
    request = urllib.request.Request(
        url, data=body.encode("utf-8"), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
            text = response.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        status = e.code
        text = e.read().decode("utf-8", "replace")
        e.close()
    except (urllib.error.URLError, OSError) as e:
        raise TransportError(f"cannot reach {url}: {e}") from None
    if status == 204:
        return None
    try:
        reply = json.loads(text)
    except ValueError:
        raise TransportError(f"HTTP {status}: {text[:200]}") from None
    if isinstance(reply, dict) and isinstance(reply.get("error"), dict):
        error = reply["error"]
        raise JsonRpcError(error.get("code", 0), error.get("message", ""), error.get("data"))
    if status != 200 or not isinstance(reply, dict):
        raise TransportError(f"HTTP {status}: {text[:200]}")
    return reply.get("result")


class _Core:
    """One connection to the service, on one asyncio event loop: HTTP POST until the first
    handler or exposed method, then a WebSocket that reconnects and re-subscribes."""

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self.over_http = url.startswith(("http://", "https://"))
        self.ws_url = "ws" + url[4:] if self.over_http else url
        self.timeout = timeout
        self.handlers: Dict[str, List[Callable[..., Any]]] = {}
        self.exposed: Dict[str, Callable[..., Any]] = {}
        self.pending: Dict[int, "asyncio.Future[Any]"] = {}
        self.subscribed: set = set()
        self.next_id = 1
        self.ws: Any = None
        self.opening: Optional["asyncio.Future[Any]"] = None
        self.tasks: set = set()
        self.closed = False

    def uses_http(self) -> bool:
        return self.over_http and self.ws is None and self.opening is None and not self.handlers and not self.exposed

    def take_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    async def call(self, method: str, params: List[Tuple[Any, str]], result: str) -> Any:
        wire = _wire_params(params)
        if self.uses_http():
            loop = asyncio.get_running_loop()
            answer = await loop.run_in_executor(None, _post, self.url, method, wire, self.timeout, self.take_id())
        else:
            await self.connect()
            answer = await self.send(method, wire)
        return _from_wire(result, answer)

    def spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def connect(self) -> Any:
        if self.closed:
            raise TransportError("the client is closed")
        if self.ws is not None:
            return self.ws
        if self.opening is None:
            self.opening = asyncio.ensure_future(self.open())
        opening = self.opening
        try:
            return await asyncio.shield(opening)
        finally:
            if opening.done() and self.opening is opening:
                self.opening = None

    async def open(self) -> Any:
        try:
            from websockets.asyncio.client import connect
        except ImportError:
            raise TransportError(
                "events and exposed methods need a WebSocket, which needs the package websockets>=13: "
                "pip install 'websockets>=13'"
            ) from None
        try:
            ws = await asyncio.wait_for(connect(self.ws_url, max_size=None), self.timeout)
        except Exception as e:
            raise TransportError(f"cannot open a WebSocket to {self.ws_url}: {e}") from None
        self.ws = ws
        self.spawn(self.read(ws))
        events = list(self.handlers)
        self.subscribed = set()
        if events:
            await self.send("rpc.on", events)
            self.subscribed = set(events)
        return ws

    async def read(self, ws: Any) -> None:
        try:
            async for frame in ws:
                self.receive(frame)
        except Exception as e:
            _log.debug("the WebSocket closed: %s", e)
        finally:
            if self.ws is ws:
                self.ws = None
            for future in list(self.pending.values()):
                if not future.done():
                    future.set_exception(TransportError("the connection closed before the reply"))
            self.pending.clear()
            if not self.closed and (self.handlers or self.exposed):
                self.spawn(self.reconnect())

    async def reconnect(self) -> None:
        attempt = 0
        while not self.closed and self.ws is None:
            delay = min(30.0, 0.25 * 2 ** min(attempt, 16))
            await asyncio.sleep(delay / 2 + random.random() * delay / 2)
            attempt += 1
            try:
                await self.connect()
            except TransportError as e:
                _log.debug("reconnect attempt %d failed: %s", attempt, e)

    def receive(self, frame: Any) -> None:
        try:
            parsed = json.loads(frame)
        except ValueError:
            return
        for m in parsed if isinstance(parsed, list) else [parsed]:
            if not isinstance(m, dict):
                continue
            method = m.get("method")
            if isinstance(method, str):
                if "id" in m:
                    self.spawn(self.answer(m))
                else:
                    self.event(method, m.get("params"))
            elif m.get("id") in self.pending:
                future = self.pending.pop(m["id"])
                if future.done():
                    continue
                error = m.get("error")
                if isinstance(error, dict):
                    future.set_exception(JsonRpcError(error.get("code", 0), error.get("message", ""), error.get("data")))
                else:
                    future.set_result(m.get("result"))

    def event(self, name: str, params: Any) -> None:
        handlers = self.handlers.get(name)
        if not handlers:
            return
        has_data = isinstance(params, list) and len(params) > 0
        data = _from_wire(_EVENTS.get(name, ""), params[0]) if has_data else None
        for handler in list(handlers):
            try:
                result = handler(data) if has_data else handler()
                if inspect.isawaitable(result):
                    self.spawn(result)
            except Exception:
                _log.exception("the handler of %s failed", name)

    async def answer(self, m: Dict[str, Any]) -> None:
        fn = self.exposed.get(m["method"])
        reply: Dict[str, Any] = {"jsonrpc": "2.0", "id": m["id"]}
        if fn is None:
            reply["error"] = {"code": -32601, "message": f"Method not found: {m['method']}"}
        else:
            params = m.get("params")
            try:
                if isinstance(params, dict):
                    result = fn(**params)
                else:
                    result = fn(*(params or []))
                if inspect.isawaitable(result):
                    result = await result
                reply["result"] = result
            except JsonRpcError as e:
                reply["error"] = {"code": e.code, "message": e.message, "data": e.data}
            except Exception as e:
                reply["error"] = {"code": -32000, "message": str(e)}
        ws = self.ws
        if ws is not None:
            await ws.send(json.dumps(reply, ensure_ascii=False))

    async def send(self, method: str, params: List[Any]) -> Any:
        ws = self.ws
        if ws is None:
            raise TransportError(f"not connected: cannot send {method}")
        request_id = self.take_id()
        future = asyncio.get_running_loop().create_future()
        self.pending[request_id] = future
        try:
            message = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
            await ws.send(json.dumps(message, ensure_ascii=False))
            return await asyncio.wait_for(future, self.timeout)
        except asyncio.TimeoutError:
            raise TransportError(f"{method} timed out after {self.timeout} s") from None
        finally:
            self.pending.pop(request_id, None)

    async def on(self, event: str, handler: Callable[..., Any]) -> Callable[[], Awaitable[None]]:
        self.handlers.setdefault(event, []).append(handler)
        try:
            await self.connect()
            if event not in self.subscribed:
                await self.send("rpc.on", [event])
                self.subscribed.add(event)
        except BaseException:
            self.handlers[event].remove(handler)
            if not self.handlers[event]:
                del self.handlers[event]
            raise

        async def off() -> None:
            handlers = self.handlers.get(event, [])
            if handler in handlers:
                handlers.remove(handler)
            if not handlers and event in self.handlers:
                del self.handlers[event]
                self.subscribed.discard(event)
                if self.ws is not None:
                    await self.send("rpc.off", [event])

        return off

    async def expose(self, name: str, fn: Callable[..., Any]) -> None:
        self.exposed[name] = fn
        await self.connect()

    async def close(self) -> None:
        self.closed = True
        ws = self.ws
        self.ws = None
        if ws is not None:
            await ws.close()
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)


class _SyncCore:
    """The blocking face of a _Core: HTTP calls in the caller's thread; the WebSocket on an
    event loop in a thread of its own, started with the first handler or exposed method.
    Handlers run in that thread."""

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self.core = _Core(url, timeout)
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        self.thread: Optional[threading.Thread] = None
        self.lock = threading.Lock()

    def run(self, coro: Awaitable[Any]) -> Any:
        with self.lock:
            if self.loop is None:
                self.loop = asyncio.new_event_loop()
                self.thread = threading.Thread(target=self.loop.run_forever, name="jsonws-client", daemon=True)
                self.thread.start()
            loop = self.loop
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        try:
            return future.result(self.timeout * 2 + 5)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TransportError(f"no answer within {self.timeout * 2 + 5} s") from None

    def call(self, method: str, params: List[Tuple[Any, str]], result: str) -> Any:
        if self.loop is None and self.core.uses_http():
            answer = _post(self.url, method, _wire_params(params), self.timeout, self.core.take_id())
            return _from_wire(result, answer)
        return self.run(self.core.call(method, params, result))

    def on(self, event: str, handler: Callable[..., Any]) -> Callable[[], None]:
        off = self.run(self.core.on(event, handler))
        return lambda: self.run(off())

    def expose(self, name: str, fn: Callable[..., Any]) -> None:
        self.run(self.core.expose(name, fn))

    def close(self) -> None:
        with self.lock:
            loop, thread = self.loop, self.thread
            self.loop = None
        if loop is None or thread is None:
            self.core.closed = True
            return
        try:
            asyncio.run_coroutine_threadsafe(self.core.close(), loop).result(self.timeout)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(self.timeout)
            loop.close()
