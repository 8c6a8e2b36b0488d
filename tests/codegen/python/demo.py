"""The generated Python client against a live `jsonws serve`: every call of the demo, with the
blocking DemoClient and then with AsyncDemoClient. Run with `python3 -W error` (tests/codegen/run.sh).

Usage: python3 -W error demo.py DIR URL    (DIR holds the generated DemoClient.py)
"""

import asyncio
import sys
import threading
from datetime import datetime, timezone

sys.path.insert(0, sys.argv[1])
from DemoClient import AsyncDemoClient, Color, DemoClient, JsonRpcError, Point  # noqa: E402

URL = sys.argv[2]
WAIT_S = 10.0
TEXT = 'héllo wörld ✓ 日本語 🎉 "quotes" </script> """'
WHEN = datetime(2013, 12, 14, 11, 0, 53, 379000, tzinfo=timezone.utc)
BYTES = bytes([0, 1, 2, 127, 128, 254, 255])


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def check_calls(results):
    """The results of the plain calls, the same for both clients."""
    sum_, pow3, pow10, point, color, date, data, total = results
    check(sum_ == 3 and type(sum_) is int, f"sum: {sum_!r}")
    check(pow3 == 9, f"math.pow(3) with the default exp: {pow3!r}")
    check(pow10 == 1024, f"math.pow(2, 10): {pow10!r}")
    check(isinstance(point, Point) and (point.x, point.y, point.label) == (1, 2, "pt"), f"types.point: {point!r}")
    check(color is Color.Green, f"types.color: {color!r}")
    check(isinstance(date, datetime) and date == WHEN and date.tzinfo is not None, f"types.echoDate: {date!r}")
    check(isinstance(data, bytes) and data == BYTES, f"types.echoBinary: {data!r}")
    check(total == 7.0, f"types.total: {total!r}")


def check_fail(error):
    check(isinstance(error, JsonRpcError), f"fail() raises JsonRpcError, not {error!r}")
    check(error.code == 4000 and error.data["reason"] == "demonstration", f"fail(): {error.code} {error.data!r}")


def run_sync():
    with DemoClient(URL) as c:
        check_calls([
            c.sum(1, 2),
            c.math.pow(3),
            c.math.pow(2, 10),
            c.types.point(Point(x=1, y=2)),
            c.types.color(Color.Green),
            c.types.echo_date(WHEN),
            c.types.echo_binary(BYTES),
            c.types.total([1.5, 2.5, 3]),
        ])
        try:
            c.fail()
            check(False, "fail() must raise")
        except JsonRpcError as e:
            check_fail(e)

        ticks = []
        got_tick = threading.Event()

        def on_tick(t):
            ticks.append(t)
            got_tick.set()

        off = c.on_tick(on_tick)
        check(got_tick.wait(WAIT_S), "no tick")
        off()
        check(type(ticks[0].seq) is int and isinstance(ticks[0].at, datetime), f"tick: {ticks[0]!r}")

        asked = []
        c.expose("confirm", lambda q: asked.append(q) or "yes, go")
        answer = c.ask("Proceed?")
        check(asked == ["Proceed?"] and answer == "yes, go", f"ask: {asked!r} {answer!r}")

        messages = []
        got = threading.Event()
        c.on_chat_message(lambda m: (messages.append(m), got.set()))
        c.chat.send(TEXT)
        check(got.wait(WAIT_S), "no chat.message")
        check(messages[0].text == TEXT and isinstance(messages[0].at, datetime), f"chat.message: {messages[0]!r}")


async def run_async():
    async with AsyncDemoClient(URL) as c:
        check_calls([
            await c.sum(1, 2),
            await c.math.pow(3),
            await c.math.pow(2, 10),
            await c.types.point(Point(x=1, y=2)),
            await c.types.color(Color.Green),
            await c.types.echo_date(WHEN),
            await c.types.echo_binary(BYTES),
            await c.types.total([1.5, 2.5, 3]),
        ])
        try:
            await c.fail()
            check(False, "fail() must raise")
        except JsonRpcError as e:
            check_fail(e)

        tick = asyncio.get_running_loop().create_future()
        off = await c.on("tick", lambda t: tick.done() or tick.set_result(t))
        t = await asyncio.wait_for(tick, WAIT_S)
        await off()
        check(type(t.seq) is int and isinstance(t.at, datetime), f"tick: {t!r}")

        async def confirm(question):
            return f"async yes to {question}"

        await c.expose("confirm", confirm)
        answer = await asyncio.wait_for(c.ask("Proceed?"), WAIT_S)
        check(answer == "async yes to Proceed?", f"ask: {answer!r}")

        message = asyncio.get_running_loop().create_future()
        await c.on_chat_message(lambda m: message.done() or message.set_result(m))
        await c.chat.send(TEXT)
        m = await asyncio.wait_for(message, WAIT_S)
        check(m.text == TEXT and isinstance(m.at, datetime), f"chat.message: {m!r}")


def main():
    run_sync()
    asyncio.run(run_async())
    print("python client: ok")


if __name__ == "__main__":
    try:
        main()
    except Exception as e:
        import traceback

        traceback.print_exc()
        print(f"python client: FAILED: {e}")
        sys.exit(1)
