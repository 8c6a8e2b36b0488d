// The generated JavaScript client renews its subscriptions after a reconnect: it receives a tick,
// prints SUBSCRIBED, and then (run.sh restarts the server on the same port meanwhile) must
// receive a tick of the new server (its seq starts again from 1) without subscribing again.
// Usage: node reconnect.mjs URL   (with the generated DemoClient.js beside it)
import { DemoClient } from './DemoClient.js';

const c = new DemoClient(process.argv[2], { maxBackoffMs: 1000 });
let last = 0;
let subscribed = false;
const timer = setTimeout(() => {
  console.log(`javascript reconnect: FAILED: no tick from the restarted server within 30 s (last seq ${last})`);
  process.exit(1);
}, 30000);
c.onTick((t) => {
  if (!subscribed) {
    subscribed = true;
    last = t.seq;
    console.log('SUBSCRIBED');
  } else if (t.seq < last) {
    clearTimeout(timer);
    console.log(`javascript reconnect: ok (seq ${last} before, ${t.seq} after the restart)`);
    c.close();
    process.exit(0);
  } else {
    last = t.seq;
  }
});
