// The docs page and playground in headless Chromium, against a real `jsonws serve` and the
// fixture services (tests/browser/server). Prints one line per test and a summary in cargo's
// format ("test result: ok. N passed; M failed").
//
// Usage: node run.mjs JSONWS_BIN FIXTURES_BIN SCREENSHOT_DIR
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { launch, startServer } from './common.mjs';

const [jsonwsBin, fixturesBin, shots] = process.argv.slice(2);
if (!jsonwsBin || !fixturesBin || !shots) {
  console.error('usage: node run.mjs JSONWS_BIN FIXTURES_BIN SCREENSHOT_DIR');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const demo = await startServer(jsonwsBin, ['serve', '--addr', '127.0.0.1:0']);
const fixtures = await startServer(fixturesBin, []);
// The servers go with this process, however it ends.
process.on('exit', () => {
  demo.child.kill();
  fixtures.child.kill();
});
const demoUrl = demo.url; // http://127.0.0.1:PORT/api/demo/1.0.0
const origin = new URL(demoUrl).origin;
const fixturesOrigin = new URL(fixtures.url).origin;
const unicodeUrl = `${fixtures.url}/${encodeURIComponent('мир')}/1.0.0`;
const meta = await (await fetch(`${demoUrl}?json`)).json();

const browser = await launch();
const requests = [];
browser.context.on('request', (r) => requests.push(r.url()));
const problems = [];

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** A fresh page on `url`, its CSP violations and script errors recorded as problems. */
async function open(url, { width = 1280, height = 900, dark = false } = {}) {
  const page = await browser.context.newPage();
  page.setDefaultTimeout(10000);
  await page.setViewportSize({ width, height });
  await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light' });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${url}: console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${url}: page error: ${e.message}`));
  await page.goto(url);
  await page.locator('#conn.up, body.registry').first().waitFor({ timeout: 10000 });
  return page;
}

const section = (page, name) => page.locator(`[id="method-${name}"]`);
const callButton = (s) => s.getByRole('button', { name: 'Call', exact: true });
async function resultOf(s) {
  const out = s.locator('output');
  await out.locator('.res').waitFor({ timeout: 10000 });
  return out;
}
async function callAndRead(s) {
  await s.locator('output').evaluate((o) => o.replaceChildren());
  await callButton(s).click();
  const out = await resultOf(s);
  return out;
}
async function useTransport(page, which) {
  await page.getByRole('radio', { name: which }).check();
}

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('the page shows every method, type and event of the demo', async () => {
  const page = await open(demoUrl);
  for (const name of Object.keys(meta.methods)) {
    const s = section(page, name);
    assert(await s.isVisible(), `method ${name} is not shown`);
    assert((await s.locator('.sig').textContent()).startsWith(`${name}(`), `method ${name} has no signature`);
    assert((await s.locator('form').count()) === 1, `method ${name} has no form`);
  }
  for (const name of Object.keys(meta.types)) {
    assert(await page.locator(`[id="type-${name}"]`).isVisible(), `type ${name} is not shown`);
  }
  for (const name of Object.keys(meta.events)) {
    assert(await page.locator(`[id="event-${name}"]`).isVisible(), `event ${name} is not shown`);
    assert(await page.locator(`#events button[data-event="${name}"]`).isVisible(), `event ${name} has no Subscribe`);
  }
  const color = await page.locator('[id="type-Color"]').textContent();
  for (const m of ['Red', 'Green', 'Blue']) assert(color.includes(m), `Color lacks ${m}`);
  // Markdown renders: `base` is code, not backticks.
  assert((await section(page, 'math.pow').locator('.md code').first().textContent()) === 'base', 'Markdown is not rendered');
  // Types are linked to their definitions.
  assert((await section(page, 'types.point').locator('a[href="#type-Point"]').count()) > 0, 'Point is not linked');
  for (const q of ['json', 'openrpc', 'proxy=JavaScript', 'proxy=Python', 'proxy=Rust', 'proxy=TypeScript']) {
    assert((await page.locator(`.links a[href$="?${q}"]`).count()) === 1, `no link to ?${q}`);
  }
  assert((await page.locator('[data-url=ws]').textContent()).startsWith('ws://'), 'no WebSocket URL');
  await page.close();
});

test('search for "pow" leaves only math.pow', async () => {
  const page = await open(demoUrl);
  await page.locator('#search').fill('pow');
  const visible = await page.locator('.item:visible').evaluateAll((els) => els.map((e) => e.id));
  assert(JSON.stringify(visible) === '["method-math.pow"]', `visible after search: ${visible}`);
  await page.locator('#search').fill('');
  assert((await page.locator('.item:visible').count()) > 20, 'clearing the search does not show everything');
  await page.close();
});

for (const transport of ['HTTP', 'WebSocket']) {
  test(`Try it over ${transport}: sum, math.pow, types.point, types.color, fail`, async () => {
    const page = await open(demoUrl);
    await useTransport(page, transport);
    const sum = section(page, 'sum');
    await sum.locator('[name="a"]').fill('2');
    await sum.locator('[name="b"]').fill('3');
    let out = await callAndRead(sum);
    assert((await out.locator('.result').textContent()) === '5', `sum: ${await out.textContent()}`);
    assert((await out.locator('.status').textContent()).includes(transport), 'the status does not name the transport');
    assert((await out.locator('.status').textContent()).match(/\d+(\.\d)? ms/), 'no round-trip time');
    const request = JSON.parse(await out.locator('.frame-request').textContent());
    assert(request.method === 'sum' && request.params.a === 2 && request.params.b === 3, 'request frame');
    const response = JSON.parse(await out.locator('.frame-response').textContent());
    assert(response.result === 5 && response.id === request.id, 'response frame');
    // A label for every input.
    const unlabelled = await sum.locator('input, select, textarea').evaluateAll((els) => els.filter((e) => e.labels.length === 0 && !e.getAttribute('aria-label')).length);
    assert(unlabelled === 0, `${unlabelled} inputs without a label`);

    const pow = section(page, 'math.pow');
    await pow.locator('[name="base"]').fill('3');
    out = await callAndRead(pow);
    assert((await out.locator('.result').textContent()) === '9', `math.pow: ${await out.textContent()}`);

    const point = section(page, 'types.point');
    await point.locator('[name="p.x"]').fill('1');
    await point.locator('[name="p.y"]').fill('2');
    assert((await point.locator('fieldset legend').first().textContent()).includes('Point'), 'no nested fieldset');
    out = await callAndRead(point);
    const p = JSON.parse(await out.locator('.result').textContent());
    assert(p.x === 1 && p.y === 2 && p.label === 'pt', `types.point: ${JSON.stringify(p)}`);

    const color = section(page, 'types.color');
    await color.locator('select[name="c"]').selectOption('Green');
    out = await callAndRead(color);
    assert((await out.locator('.result').textContent()) === '"Green"', `types.color: ${await out.textContent()}`);

    const fail = section(page, 'fail');
    out = await callAndRead(fail);
    assert((await out.locator('.code').textContent()) === '4000', `fail: ${await out.textContent()}`);
    const data = JSON.parse(await out.locator('.data').textContent());
    assert(data !== null && data !== undefined, 'fail shows no data');
    await page.close();
  });
}

test('the raw-JSON toggle edits the same call as the form', async () => {
  const page = await open(demoUrl);
  const sum = section(page, 'sum');
  await sum.locator('[name="a"]').fill('2');
  await sum.locator('[name="b"]').fill('3');
  await sum.getByLabel('Raw JSON').check();
  const raw = sum.locator('textarea.raw');
  assert(JSON.stringify(JSON.parse(await raw.inputValue())) === '{"a":2,"b":3}', `raw shows ${await raw.inputValue()}`);
  await raw.fill('{"a": 10, "b": 5}');
  let out = await callAndRead(sum);
  assert((await out.locator('.result').textContent()) === '15', `raw call: ${await out.textContent()}`);
  await sum.getByLabel('Raw JSON').uncheck();
  assert((await sum.locator('[name="a"]').inputValue()) === '10', 'the form did not follow the raw JSON');
  await sum.locator('[name="b"]').fill('7');
  await sum.getByLabel('Raw JSON').check();
  assert(JSON.stringify(JSON.parse(await raw.inputValue())) === '{"a":10,"b":7}', 'the raw JSON did not follow the form');
  await page.close();
});

test('arrays: add and remove rows (types.total)', async () => {
  const page = await open(demoUrl);
  const total = section(page, 'types.total');
  const add = total.getByRole('button', { name: 'Add values item' });
  await add.click();
  await add.click();
  await add.click();
  await total.locator('[name="values.0"]').fill('1.5');
  await total.locator('[name="values.1"]').fill('2');
  await total.locator('[name="values.2"]').fill('100');
  await total.getByRole('button', { name: 'Remove values item' }).nth(2).click();
  const out = await callAndRead(total);
  assert((await out.locator('.result').textContent()) === '3.5', `types.total: ${await out.textContent()}`);
  await page.close();
});

test('a checkbox for bool and a date-time input for date (types.echoBool, types.echoDate)', async () => {
  const page = await open(demoUrl);
  const bool = section(page, 'types.echoBool');
  assert((await bool.locator('[name="value"]').getAttribute('type')) === 'checkbox', 'bool is not a checkbox');
  await bool.getByLabel('value').check();
  let out = await callAndRead(bool);
  assert((await out.locator('.result').textContent()) === 'true', `echoBool: ${await out.textContent()}`);
  const date = section(page, 'types.echoDate');
  assert((await date.locator('[name="value"]').getAttribute('type')) === 'datetime-local', 'date is not a date-time input');
  await date.locator('[name="value"]').fill('2020-01-02T03:04:05.678');
  out = await callAndRead(date);
  const expected = await page.evaluate(() => new Date('2020-01-02T03:04:05.678').toISOString());
  assert(JSON.parse(await out.locator('.result').textContent()) === expected, `echoDate: ${await out.textContent()} != ${expected}`);
  await page.close();
});

test('copy-as snippets match the form, and the curl, jsonws call, JavaScript and Python ones run', async () => {
  const page = await open(demoUrl);
  const pow = section(page, 'math.pow');
  await pow.locator('[name="base"]').fill('3');
  await pow.locator('details.snippets summary').click();
  const code = pow.locator('details.snippets pre');
  const shown = {};
  for (const lang of ['curl', 'jsonws call', 'JavaScript', 'Python', 'Rust']) {
    await pow.locator('.snippet-tabs').getByRole('button', { name: lang, exact: true }).click();
    shown[lang] = await code.textContent();
  }
  assert(shown.curl.includes(demoUrl) && shown.curl.includes('"params":{"base":3}'), `curl: ${shown.curl}`);
  assert(shown['jsonws call'] === `jsonws call ${demoUrl} math.pow '{"base":3}'`, `jsonws call: ${shown['jsonws call']}`);
  assert(shown.JavaScript.includes('await client.math.pow(3)'), `JavaScript: ${shown.JavaScript}`);
  assert(shown.Python.includes('client.math.pow(3)'), `Python: ${shown.Python}`);
  assert(shown.Rust.includes('.call("math.pow", serde_json::json!({"base":3}))'), `Rust: ${shown.Rust}`);
  // Each snippet runs and prints 9.
  const dir = mkdtempSync(join(tmpdir(), 'jsonws-snippets-'));
  try {
    writeFileSync(join(dir, 'DemoClient.js'), await (await fetch(`${demoUrl}?proxy=JavaScript`)).text());
    writeFileSync(join(dir, 'DemoClient.py'), await (await fetch(`${demoUrl}?proxy=Python`)).text());
    writeFileSync(join(dir, 'snippet.mjs'), shown.JavaScript);
    writeFileSync(join(dir, 'snippet.py'), shown.Python);
    const run = (cmd, args) => execFileSync(cmd, args, { cwd: dir, encoding: 'utf8', timeout: 20000 }).trim();
    assert(JSON.parse(run('bash', ['-c', shown.curl])).result === 9, 'curl snippet');
    assert(Number(run('bash', ['-c', shown['jsonws call'].replace(/^jsonws /, `${jsonwsBin} `)])) === 9, 'jsonws call snippet');
    assert(run('node', ['snippet.mjs']) === '9', 'JavaScript snippet');
    assert(run('python3', ['snippet.py']) === '9.0', 'Python snippet');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await pow.locator('[name="base"]').fill('4');
  assert((await code.textContent()).includes('"base":4'), 'the snippet did not follow the form');
  await page.close();
});

test('events: subscribe to tick and see two arrive with times', async () => {
  const page = await open(demoUrl);
  await page.locator('#events').getByRole('button', { name: 'Subscribe to tick' }).click();
  const ticks = page.locator('#log li', { has: page.locator('code', { hasText: /^tick$/ }) });
  await ticks.nth(1).waitFor({ timeout: 5000 });
  await page.locator('#events').screenshot({ path: join(shots, 'demo-desktop-light-events.png') });
  for (const i of [0, 1]) {
    const time = await ticks.nth(i).locator('time').getAttribute('datetime');
    assert(!isNaN(Date.parse(time)), `tick ${i} has no time`);
    assert(JSON.parse(await ticks.nth(i).locator('pre').textContent()).seq >= 0, 'tick has no seq');
  }
  await page.locator('#pause').click();
  const count = await ticks.count();
  await page.locator('#paused').filter({ hasText: 'waiting' }).waitFor({ timeout: 5000 });
  assert((await ticks.count()) === count, 'the log grew while paused');
  await page.locator('#pause').click();
  await page.locator('#clear').click();
  assert((await ticks.count()) <= 1, 'clear did not empty the log');
  await page.close();
});

test('events: chat.send from another client shows with non-ASCII text intact', async () => {
  const page = await open(demoUrl);
  await page.locator('#events').getByRole('button', { name: 'Subscribe to chat.message' }).click();
  await page.locator('#events').getByRole('button', { name: 'Unsubscribe from chat.message' }).waitFor();
  const text = 'Привет, 世界 🎉 — ok';
  const r = await fetch(demoUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'chat.send', params: [text] }),
  });
  assert(r.ok, `chat.send: HTTP ${r.status}`);
  const entry = page.locator('#log li', { hasText: text });
  await entry.waitFor({ timeout: 5000 });
  assert((await entry.locator('code').textContent()) === 'chat.message', 'wrong event name');
  await page.close();
});

test('ask: the page shows the confirm request, the test answers, ask returns the answer', async () => {
  const page = await open(demoUrl);
  await useTransport(page, 'WebSocket');
  const ask = section(page, 'ask');
  await ask.locator('[name="question"]').fill('Продолжить? 🚀');
  await callButton(ask).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor({ timeout: 5000 });
  assert((await dialog.textContent()).includes('confirm'), 'the dialog does not name confirm');
  assert((await dialog.textContent()).includes('Продолжить? 🚀'), 'the dialog does not show the params');
  await page.screenshot({ path: join(shots, 'demo-desktop-light-dialog.png') });
  await dialog.getByRole('textbox', { name: 'Answer' }).fill('да ✓');
  await dialog.getByRole('button', { name: 'Answer', exact: true }).click();
  const out = await resultOf(ask);
  assert((await out.locator('.result').textContent()) === '"да ✓"', `ask: ${await out.textContent()}`);
  // Reject answers with an error, and ask reports it.
  await ask.locator('output').evaluate((o) => o.replaceChildren());
  await callButton(ask).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Reject' }).click();
  await (await resultOf(ask)).locator('.res.error').waitFor();
  await page.close();
});

test('a batch of three calls, one a notification, shows two results matched to their calls (HTTP and WebSocket)', async () => {
  const page = await open(demoUrl);
  const sum = section(page, 'sum');
  await sum.locator('[name="a"]').fill('1');
  await sum.locator('[name="b"]').fill('2');
  await sum.getByRole('button', { name: 'Add to batch' }).click();
  const pow = section(page, 'math.pow');
  await pow.locator('[name="base"]').fill('2');
  await pow.getByRole('button', { name: 'Add to batch' }).click();
  const chat = section(page, 'chat.send');
  await chat.locator('[name="text"]').fill('from the batch');
  await chat.getByRole('button', { name: 'Add to batch' }).click();
  await page.locator('#batch-list li').nth(2).getByLabel('Notification').check();
  await page.getByRole('button', { name: 'Send batch' }).click();
  const results = page.locator('#batch-out .batch-result');
  await results.nth(1).waitFor({ timeout: 5000 });
  assert((await results.count()) === 2, 'not two results');
  assert((await results.nth(0).textContent()) === 'sum → 3', `first: ${await results.nth(0).textContent()}`);
  assert((await results.nth(1).textContent()) === 'math.pow → 4', `second: ${await results.nth(1).textContent()}`);
  const sent = JSON.parse(await page.locator('#batch-out .frames pre').first().textContent());
  assert(Array.isArray(sent) && sent.length === 3 && sent[2].id === undefined, 'the batch frame is not one array with a notification');
  // The same batch over the WebSocket.
  await useTransport(page, 'WebSocket');
  await page.locator('#batch-out').evaluate((o) => o.replaceChildren());
  await page.getByRole('button', { name: 'Send batch' }).click();
  await results.nth(1).waitFor({ timeout: 5000 });
  assert((await page.locator('#batch-out .status').textContent()).includes('WebSocket'), 'the batch did not go over the WebSocket');
  assert((await results.nth(0).textContent()) === 'sum → 3' && (await results.nth(1).textContent()) === 'math.pow → 4', 'WebSocket batch results');
  assert((await page.locator('#batch-out .batch-item').count()) === 3, 'three calls listed');
  await page.close();
});

test('375 px wide: no horizontal scroll (service and registry pages)', async () => {
  for (const url of [demoUrl, `${origin}/api`, unicodeUrl]) {
    const page = await open(url, { width: 375, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `${url}: ${overflow} px of horizontal scroll`);
    await page.close();
  }
});

test('prefers-color-scheme: dark changes the colours', async () => {
  const colours = async (dark) => {
    const page = await open(demoUrl, { dark });
    const c = await page.evaluate(() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]);
    await page.close();
    return c;
  };
  const light = await colours(false);
  const dark = await colours(true);
  assert(light[0] !== dark[0] && light[1] !== dark[1], `light ${light} dark ${dark}`);
});

test('axe-core: no serious or critical violation (light, dark, registry, 375 px)', async () => {
  const cases = [
    [demoUrl, {}],
    [demoUrl, { dark: true }],
    [demoUrl, { width: 375, height: 800 }],
    [`${origin}/api`, {}],
    [unicodeUrl, { dark: true }],
  ];
  for (const [url, opts] of cases) {
    const page = await open(url, opts);
    // Open a result, a dialog-free snippet box and an array row so they are checked too.
    if (url === demoUrl) {
      await section(page, 'fail').getByRole('button', { name: 'Call', exact: true }).click();
      await resultOf(section(page, 'fail'));
      await section(page, 'math.pow').locator('details.snippets summary').click();
    }
    await page.evaluate(axeSource);
    const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ['violations'] }));
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert(bad.length === 0, `${url} ${JSON.stringify(opts)}: ${bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target).join(' ')}`).join('; ')}`);
    await page.close();
  }
});

test('a service named in Cyrillic, CJK and emoji renders and its deep links work', async () => {
  const page = await open(unicodeUrl);
  assert((await page.locator('h1').textContent()).includes('мир'), 'h1');
  assert((await page.locator('.top .md').textContent()).includes('日本語 и эмодзи 🎉'), 'description');
  const hello = section(page, 'данные.привет');
  assert((await hello.locator('.md').first().textContent()).includes('привет, 你好, 👋'), 'method description');
  let out = await callAndRead(hello);
  assert((await out.locator('.result').textContent()) === '"Привет, мир 🌍!"', `привет: ${await out.textContent()}`);
  assert(await page.locator('[id="event-新着"]').isVisible(), 'event 新着');
  await page.close();
  const deep = await open(`${unicodeUrl}#method-挨拶`, { height: 400 });
  const top = await section(deep, '挨拶').evaluate((el) => el.getBoundingClientRect().top);
  assert(top >= 0 && top < 200, `the deep link did not scroll to its method (top ${top})`);
  const href = await section(deep, '挨拶').locator('a.anchor').getAttribute('href');
  assert(href === '#method-挨拶', `anchor ${href}`);
  out = await callAndRead(section(deep, '挨拶'));
  assert((await out.locator('.result').textContent()) === '"こんにちは 🌸"', '挨拶');
  await deep.close();
});

test('groups are sections; a 2,000-method page searches and builds each form when it is reached', async () => {
  const page = await open(`${fixtures.url}/big/1.0.0`);
  assert((await page.locator('section.group > h2').count()) === 20, 'not 20 group sections');
  assert((await page.locator('[id="group-group19"] section.method').count()) === 100, 'group19 does not hold its methods');
  await page.locator('#search').fill('m1999');
  const visible = await page.locator('.item:visible').evaluateAll((els) => els.map((e) => e.id));
  assert(JSON.stringify(visible) === '["method-m1999"]', `visible: ${visible}`);
  assert(await page.locator('[id="group-group19"] > h2').isVisible(), "the hit's group heading is hidden");
  assert(!(await page.locator('[id="group-group00"]').isVisible()), 'a group without hits is shown');
  const m = section(page, 'm1999');
  await m.locator('[name="a"]').fill('1');
  const out = await callAndRead(m);
  assert((await out.locator('.result').textContent()) === '2000', `m1999: ${await out.textContent()}`);
  await page.close();
});

test('hostile descriptions (edge.json) stay text: no markup, no script, no error', async () => {
  const page = await open(`${fixtures.url}/edge/1.0.0`);
  assert((await page.locator('script').count()) === 2, 'a description added a script element');
  const text = await page.locator('.top .md').textContent();
  assert(text.includes('</script> <!-- ${x}') && text.includes('日本語 ✓ 🎉'), `description: ${text}`);
  assert((await section(page, 'echo').locator('[name="class"]').count()) === 1, 'no input for the param `class`');
  assert((await section(page, 'echo').locator('[name="default"]').getAttribute('placeholder')).includes('dflt'), 'no default shown');
  await page.close();
});

test('the registry page lists the services and searches them', async () => {
  const page = await open(`${fixtures.url}`);
  assert((await page.locator('.services .item').count()) === 3, 'three services');
  await page.locator('#search').fill('ми');
  const visible = await page.locator('.item:visible a').evaluateAll((els) => els.map((e) => e.textContent));
  assert(JSON.stringify(visible) === '["мир"]', `visible: ${visible}`);
  await page.close();
});

test('screenshots: desktop and 375 px, light and dark', async () => {
  for (const [label, opts] of [
    ['desktop-light', {}],
    ['desktop-dark', { dark: true }],
    ['375-light', { width: 375, height: 800 }],
    ['375-dark', { width: 375, height: 800, dark: true }],
  ]) {
    const page = await open(demoUrl, opts);
    await page.screenshot({ path: join(shots, `demo-${label}.png`) });
    const pow = section(page, 'math.pow');
    await pow.locator('[name="base"]').fill('3');
    await callAndRead(pow);
    await pow.locator('details.snippets summary').click();
    await pow.evaluate((el) => el.scrollIntoView());
    await page.screenshot({ path: join(shots, `demo-${label}-try.png`) });
    await page.close();
    const reg = await open(`${fixtures.url}`, opts);
    await reg.screenshot({ path: join(shots, `registry-${label}.png`) });
    await reg.close();
  }
});

test('offline and strict: every request goes to the server, no CSP violation, no script error', async () => {
  assert(requests.length > 0, 'no requests were recorded');
  const foreign = requests.filter((u) => {
    const o = new URL(u).origin;
    return o !== origin && o !== fixturesOrigin;
  });
  assert(foreign.length === 0, `requests to other origins: ${foreign.join(', ')}`);
  assert(problems.length === 0, problems.join('\n'));
});

let passed = 0;
let failed = 0;
for (const t of tests) {
  const started = Date.now();
  try {
    await t.fn();
    passed++;
    console.log(`test browser: ${t.name} ... ok (${Date.now() - started} ms)`);
  } catch (e) {
    failed++;
    console.log(`test browser: ${t.name} ... FAILED\n    ${String(e.stack || e).split('\n').slice(0, 4).join('\n    ')}`);
  }
}
await browser.close();
demo.child.kill();
fixtures.child.kill();
console.log(`\ntest result: ${failed === 0 ? 'ok' : 'FAILED'}. ${passed} passed; ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
