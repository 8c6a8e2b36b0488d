// The generated TypeScript client of the `edge` service (tests/codegen/edge.json): params named
// `class`, `from`, `base`, `type` and `default`, a method `delete`, a method `close` beside the
// client's own close(), enum members and fields named like keywords, and text that must survive.
// Compiled with `tsc --strict` with the generated EdgeClient.ts; `node edge.js URL`.
import { EdgeClient, Kind, type Record_ } from './EdgeClient.js';

declare const process: { argv: string[]; exit(code: number): never };

const TEXT = 'quotes " \' */ """ ?> </script> ünïcödé 日本語 🎉 \\ end';

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`check failed: ${what}`);
}

async function main(url: string): Promise<void> {
  const c = new EdgeClient(url);
  try {
    const echoed = await c.echo('c', 1, 2.5, 't');
    check(
      echoed['class'] === 'c' && echoed['from'] === 1 && echoed['base'] === 2.5 && echoed['type'] === 't' &&
        echoed['default'] === 'dflt """ */ ✓',
      `echo: ${JSON.stringify(echoed)}`,
    );
    check((await c.delete(41)) === 42, 'delete(41)');
    check((await c.close_()) === 'closed', 'close_()');
    const kind: Kind = await c.kind(Kind.None);
    check(kind === 'None' && Kind.class === 'class' && Kind.default === 'default', `kind: ${kind}`);
    check((await c.text()) === TEXT, 'text() arrives intact');
    const painted = await c.ns.paint();
    check(
      JSON.stringify(painted) ===
        JSON.stringify({ k: 'Self', at: '2013-12-14T11:00:53.379Z', bin: 'AAEC', u: 'http://x.test/', o: { a: [1, 'ü'] }, r: { class: 'd', from: 0, type: 't */ """ ✓' } }),
      `ns.paint() sends every default: ${JSON.stringify(painted)}`,
    );
    const middle = await c.ns.paint(undefined, new Date(0), new Uint8Array([255]));
    check(middle['k'] === 'Self' && middle['at'] === '1970-01-01T00:00:00.000Z' && middle['bin'] === '/w==', `ns.paint(undefined, date, bytes): ${JSON.stringify(middle)}`);
    const rec: Record_ = await c.ns.record({ class: 'x', from: 2, self: Kind.Self });
    check(rec.class === 'x' && rec.from === 2 && rec.self === 'Self' && rec.type === 't */ """ ✓', `ns.record: ${JSON.stringify(rec)}`);
  } finally {
    c.close();
  }
}

main(process.argv[2]).then(
  () => {
    console.log('typescript edge client: ok');
    process.exit(0);
  },
  (e: unknown) => {
    console.log(`typescript edge client: FAILED: ${e instanceof Error ? e.stack : String(e)}`);
    process.exit(1);
  },
);
