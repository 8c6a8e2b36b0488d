"""The generated Python client renews its subscriptions after a reconnect: it receives a tick,
prints SUBSCRIBED, and then (run.sh restarts the server on the same port meanwhile) must receive
a tick of the new server (its seq starts again from 1) without subscribing again.

Usage: python3 -W error reconnect.py DIR URL    (DIR holds the generated DemoClient.py)
"""

import sys
import threading

sys.path.insert(0, sys.argv[1])
from DemoClient import DemoClient  # noqa: E402

seqs = []
first = threading.Event()
restarted = threading.Event()


def on_tick(t):
    if seqs and t.seq < seqs[-1]:
        restarted.set()
    seqs.append(t.seq)
    first.set()


with DemoClient(sys.argv[2]) as c:
    c.on_tick(on_tick)
    if not first.wait(10):
        print("python reconnect: FAILED: no first tick")
        sys.exit(1)
    print("SUBSCRIBED", flush=True)
    if not restarted.wait(30):
        print(f"python reconnect: FAILED: no tick from the restarted server within 30 s (seqs {seqs})")
        sys.exit(1)
    print(f"python reconnect: ok (seqs {seqs})")
