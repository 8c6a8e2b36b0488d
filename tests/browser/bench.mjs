// Page weight and time to interactive of the docs page, for the demo and for a generated
// service with 2,000 methods (tests/browser/server's `big`), and how long the search takes to
// answer a keystroke on the big page. Prints a Markdown table for BENCHMARKS.md.
//
// Usage: node bench.mjs JSONWS_BIN FIXTURES_BIN
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { launch, startServer } from './common.mjs';

const [jsonwsBin, fixturesBin] = process.argv.slice(2);
const demo = await startServer(jsonwsBin, ['serve', '--addr', '127.0.0.1:0']);
const fixtures = await startServer(fixturesBin, []);
// The servers go with this process, however it ends.
process.on('exit', () => {
  demo.child.kill();
  fixtures.child.kill();
});

const kb = (n) => (n / 1024).toFixed(1);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(label, url) {
  // A fresh browser each time: nothing comes from the cache on the first load.
  const browser = await launch();
  const page = await browser.context.newPage();
  const loaded = [];
  let first = true;
  page.on('response', (r) => {
    if (!first) return;
    if (process.env.BENCH_DEBUG) console.error(label, r.url(), r.status());
    // A redirect or a WebSocket has no body.
    loaded.push(r.body().catch(() => Buffer.alloc(0)));
  });
  const ttis = [];
  for (let i = 0; i < 5; i++) {
    first = i === 0;
    await page.goto(url, { waitUntil: 'load', timeout: 120000 });
    await page.waitForFunction(() => performance.getEntriesByName('jsonws-ready').length > 0, null, { timeout: 120000, polling: 100 });
    // Interactive: the script has run and the browser has painted the first frame after it.
    ttis.push(await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0)))));
  }
  const bodies = await Promise.all(loaded);
  const raw = bodies.reduce((s, b) => s + b.length, 0);
  const gz = bodies.reduce((s, b) => s + gzipSync(b).length, 0);
  const br = bodies.reduce((s, b) => s + brotliCompressSync(b).length, 0);
  const methods = await page.locator('section.method').count();
  const searches = [];
  for (const q of ['m1999', 'm0', 'group', 'zzz', '', 'm10', 'm1234', '']) {
    searches.push(await page.evaluate((q) => {
      const box = document.getElementById('search');
      const t0 = performance.now();
      box.value = q;
      box.dispatchEvent(new Event('input'));
      void document.body.offsetHeight; // style and layout of the filtered page
      return performance.now() - t0;
    }, q));
  }
  if (process.env.BENCH_DEBUG) console.error(label, searches.map((t) => t.toFixed(1)).join(' '));
  await browser.close();
  return `| ${label} | ${methods} | ${bodies.length} | ${kb(raw)} KB | ${kb(gz)} KB | ${kb(br)} KB | ${median(ttis).toFixed(0)} ms | ${median(searches).toFixed(1)} ms (max ${Math.max(...searches).toFixed(1)}) |`;
}

const rows = [
  await measure('demo', demo.url),
  await measure('big (2,000 methods)', `${fixtures.url}/big/1.0.0`),
];
console.log('| page | methods | files | size | gzip | brotli | time to interactive (median of 5) | search, one keystroke (median) |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
demo.child.kill();
fixtures.child.kill();
