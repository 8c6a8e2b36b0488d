// The generated JavaScript client against a live `jsonws serve`: every call of the demo.
// Usage: node demo.mjs URL   (with the generated DemoClient.js beside it; tests/codegen/run.sh)
import { Color, DemoClient, JsonRpcError } from './DemoClient.js';

const WAIT_MS = 10000;

function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
}

function within(p, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: nothing within ${WAIT_MS} ms`)), WAIT_MS);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

async function main(url) {
  const c = new DemoClient(url);
  try {
    check((await c.sum(1, 2)) === 3, 'sum(1, 2)');
    check((await c.math.pow(3)) === 9, 'math.pow(3) uses the default exp 2');
    check((await c.math.pow(2, 10)) === 1024, 'math.pow(2, 10)');
    const p = await c.types.point({ x: 1, y: 2 });
    check(p.x === 1 && p.y === 2 && p.label === 'pt', `types.point default label: ${JSON.stringify(p)}`);
    check(Object.isFrozen(Color) && (await c.types.color(Color.Blue)) === Color.Blue, 'types.color');
    const when = new Date(Date.UTC(2013, 11, 14, 11, 0, 53, 379));
    const date = await c.types.echoDate(when);
    check(date instanceof Date && date.getTime() === when.getTime(), `types.echoDate: ${date}`);
    const bytes = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);
    const back = await c.types.echoBinary(bytes);
    check(back instanceof Uint8Array && back.length === bytes.length && back.every((b, i) => b === bytes[i]), `types.echoBinary: ${back}`);
    check((await c.types.total([1.5, 2.5, 3])) === 7, 'types.total');
    try {
      await c.fail();
      check(false, 'fail() must throw');
    } catch (e) {
      check(e instanceof JsonRpcError, `fail() throws a JsonRpcError, not ${e}`);
      check(e.code === 4000 && e.data.reason === 'demonstration', `fail(): ${e.code} ${JSON.stringify(e.data)}`);
    }

    const tick = await within(
      new Promise((resolve) => {
        const off = c.onTick((t) => {
          off();
          resolve(t);
        });
      }),
      'tick',
    );
    check(typeof tick.seq === 'number' && tick.at instanceof Date, `tick: ${JSON.stringify(tick)}`);

    let asked = '';
    c.expose('confirm', (question) => {
      asked = question;
      return 'yes, go';
    });
    const answer = await within(c.ask('Proceed?'), 'ask');
    check(asked === 'Proceed?' && answer === 'yes, go', `ask: asked ${asked}, answer ${answer}`);

    const text = 'héllo wörld ✓ 日本語 🎉 "quotes" </script>';
    const arrived = new Promise((resolve) => {
      const off = c.on('chat.message', (m) => resolve(m));
      off.ready.then(() => c.chat.send(text));
    });
    const got = await within(arrived, 'chat.message');
    check(got.text === text && got.at instanceof Date, `chat.message: ${JSON.stringify(got)}`);
  } finally {
    c.close();
  }
}

main(process.argv[2]).then(
  () => {
    console.log('javascript client: ok');
    process.exit(0);
  },
  (e) => {
    console.log(`javascript client: FAILED: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
