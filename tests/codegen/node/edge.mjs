// The generated JavaScript client of the `edge` service (tests/codegen/edge.json): reserved
// words as params, fields and enum members, a method `delete`, and text that must survive.
// Usage: node edge.mjs URL   (with the generated EdgeClient.js beside it)
import { EdgeClient, Kind } from './EdgeClient.js';

const TEXT = 'quotes " \' */ """ ?> </script> ünïcödé 日本語 🎉 \\ end';

function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
}

async function main(url) {
  const c = new EdgeClient(url);
  try {
    const echoed = await c.echo('c', 1, 2.5, 't');
    check(
      echoed.class === 'c' && echoed.from === 1 && echoed.base === 2.5 && echoed.type === 't' &&
        echoed.default === 'dflt """ */ ✓',
      `echo: ${JSON.stringify(echoed)}`,
    );
    check((await c.echo('c', 1, 2.5, 't', 'mine')).default === 'mine', 'echo with default given');
    check((await c.delete(41)) === 42, 'delete(41)');
    check((await c.close_()) === 'closed', 'close_()');
    check((await c.kind(Kind.None)) === 'None' && Kind.class === 'class', 'kind');
    check((await c.text()) === TEXT, 'text() arrives intact');
    const painted = await c.ns.paint();
    check(
      JSON.stringify(painted) ===
        JSON.stringify({ k: 'Self', at: '2013-12-14T11:00:53.379Z', bin: 'AAEC', u: 'http://x.test/', o: { a: [1, 'ü'] }, r: { class: 'd', from: 0, type: 't */ """ ✓' } }),
      `ns.paint() sends every default: ${JSON.stringify(painted)}`,
    );
    const middle = await c.ns.paint(undefined, new Date(0));
    check(middle.k === 'Self' && middle.at === '1970-01-01T00:00:00.000Z', `ns.paint(undefined, date): ${JSON.stringify(middle)}`);
    const rec = await c.ns.record({ class: 'x', from: 2, self: Kind.Self });
    check(rec.class === 'x' && rec.self === 'Self' && rec.type === 't */ """ ✓', `ns.record: ${JSON.stringify(rec)}`);
  } finally {
    c.close();
  }
}

main(process.argv[2]).then(
  () => {
    console.log('javascript edge client: ok');
    process.exit(0);
  },
  (e) => {
    console.log(`javascript edge client: FAILED: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
