// The generated TypeScript client against a live `jsonws serve`: every call of the demo, typed.
// Compiled with `tsc --strict` together with the generated DemoClient.ts (tests/codegen/run.sh).
//
// Usage: node demo.js URL
import { Color, DemoClient, JsonRpcError, type ChatMessage, type Point, type Tick } from './DemoClient.js';

declare const process: { argv: string[]; exit(code: number): never };

const WAIT_MS = 10000;

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`check failed: ${what}`);
}

function within<T>(p: Promise<T>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
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

async function main(url: string): Promise<void> {
  const c = new DemoClient(url);
  try {
    const sum: number = await c.sum(1, 2);
    check(sum === 3, `sum(1, 2) = ${sum}`);
    check((await c.math.pow(3)) === 9, 'math.pow(3) uses the default exp 2');
    check((await c.math.pow(2, 10)) === 1024, 'math.pow(2, 10)');
    const p: Point = await c.types.point({ x: 1, y: 2 });
    check(p.x === 1 && p.y === 2 && p.label === 'pt', `types.point default label: ${JSON.stringify(p)}`);
    const color: Color = await c.types.color(Color.Green);
    check(color === Color.Green, `types.color: ${color}`);
    const when = new Date(Date.UTC(2013, 11, 14, 11, 0, 53, 379));
    const date = await c.types.echoDate(when);
    check(date instanceof Date && date.getTime() === when.getTime(), `types.echoDate: ${String(date)}`);
    const bytes = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);
    const back = await c.types.echoBinary(bytes);
    check(back instanceof Uint8Array && back.length === bytes.length && back.every((b, i) => b === bytes[i]), `types.echoBinary: ${String(back)}`);
    check((await c.types.total([1.5, 2.5, 3])) === 7, 'types.total');
    try {
      await c.fail();
      check(false, 'fail() must throw');
    } catch (e) {
      check(e instanceof JsonRpcError, `fail() throws a JsonRpcError, not ${String(e)}`);
      const err = e as JsonRpcError;
      const data = err.data as { reason?: string };
      check(err.code === 4000 && data.reason === 'demonstration', `fail(): ${err.code} ${JSON.stringify(err.data)}`);
    }

    const tick = await within(
      new Promise<Tick>((resolve) => {
        const off = c.onTick((t: Tick) => {
          void off();
          resolve(t);
        });
      }),
      'tick',
    );
    check(typeof tick.seq === 'number' && tick.at instanceof Date, `tick: ${JSON.stringify(tick)}`);

    let asked = '';
    c.expose('confirm', (question: string) => {
      asked = question;
      return 'yes, go';
    });
    const answer: string = await within(c.ask('Proceed?'), 'ask');
    check(asked === 'Proceed?' && answer === 'yes, go', `ask: asked ${asked}, answer ${answer}`);

    const text = 'héllo wörld ✓ 日本語 🎉 "quotes" </script>';
    let got: ChatMessage | undefined;
    const arrived = new Promise<ChatMessage>((resolve) => {
      const off = c.onChatMessage((m) => resolve(m));
      void off.ready.then(() => c.chat.send(text));
    });
    got = await within(arrived, 'chat.message');
    check(got.text === text && got.at instanceof Date, `chat.message: ${JSON.stringify(got)}`);
  } finally {
    c.close();
  }
}

main(process.argv[2]).then(
  () => {
    console.log('typescript client: ok');
    process.exit(0);
  },
  (e: unknown) => {
    console.log(`typescript client: FAILED: ${e instanceof Error ? e.stack : String(e)}`);
    process.exit(1);
  },
);
