"""The generated Python client of the `edge` service (tests/codegen/edge.json): params named
`class`, `from`, `base`, `type` and `default` (escaped as class_, from_, type_, default), a method
`delete`, a method `close` beside the client's own close(), enum members and fields named like
keywords, and text that must survive. Run with `python3 -W error`.

Usage: python3 -W error edge.py DIR URL    (DIR holds the generated EdgeClient.py)
"""

import asyncio
import sys
from datetime import datetime, timezone

sys.path.insert(0, sys.argv[1])
from EdgeClient import AsyncEdgeClient, EdgeClient, Kind, Record  # noqa: E402

URL = sys.argv[2]
TEXT = "quotes \" ' */ \"\"\" ?> </script> ünïcödé 日本語 🎉 \\ end"


def check(cond, what):
    if not cond:
        raise AssertionError(what)


PAINTED = {
    "k": "Self", "at": "2013-12-14T11:00:53.379Z", "bin": "AAEC", "u": "http://x.test/",
    "o": {"a": [1, "ü"]}, "r": {"class": "d", "from": 0, "type": 't */ """ ✓'},
}
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def check_paint(painted, middle):
    check(painted == PAINTED, f"ns.paint() sends every default: {painted!r}")
    check(middle["k"] == "Self" and middle["at"] == "1970-01-01T00:00:00.000Z", f"ns.paint(at=...): {middle!r}")


def check_all(echoed, given, deleted, closed, kind, text, rec):
    check(echoed == {"class": "c", "from": 1, "base": 2.5, "type": "t", "default": 'dflt """ */ ✓'}, f"echo: {echoed!r}")
    check(given["default"] == "mine", f"echo with default given: {given!r}")
    check(deleted == 42, f"delete: {deleted!r}")
    check(closed == "closed", f"close_: {closed!r}")
    check(kind is Kind.None_ and Kind.class_.value == "class", f"kind: {kind!r}")
    check(text == TEXT, f"text: {text!r}")
    check(isinstance(rec, Record) and rec.class_ == "x" and rec.self_ is Kind.Self and rec.type_ == 't */ """ ✓', f"ns.record: {rec!r}")


def run_sync():
    with EdgeClient(URL) as c:
        check_all(
            c.echo("c", 1, 2.5, "t"),
            c.echo(class_="c", from_=1, base=2.5, type_="t", default="mine"),
            c.delete(41),
            c.close_(),
            c.kind(Kind.None_),
            c.text(),
            c.ns.record(Record(class_="x", from_=2, self_=Kind.Self)),
        )
        check_paint(c.ns.paint(), c.ns.paint(at=EPOCH))


async def run_async():
    async with AsyncEdgeClient(URL) as c:
        check_all(
            await c.echo("c", 1, 2.5, "t"),
            await c.echo(class_="c", from_=1, base=2.5, type_="t", default="mine"),
            await c.delete(41),
            await c.close_(),
            await c.kind(Kind.None_),
            await c.text(),
            await c.ns.record(Record(class_="x", from_=2, self_=Kind.Self)),
        )
        check_paint(await c.ns.paint(), await c.ns.paint(at=EPOCH))


if __name__ == "__main__":
    try:
        run_sync()
        asyncio.run(run_async())
        print("python edge client: ok")
    except Exception as e:
        import traceback

        traceback.print_exc()
        print(f"python edge client: FAILED: {e}")
        sys.exit(1)
