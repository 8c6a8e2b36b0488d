// Interop: proves that a JSON-RPC 2.0 client nobody here wrote — the npm `ws` WebSocket client
// and Node's global fetch — gets exactly what DESIGN §2 promises from `jsonws serve`: positional
// and named calls, ids echoed byte for byte, a batch answered by one array in one frame, a
// server -> client request (`ask` calls `confirm` on us) with a result and with an error, a parse
// error that leaves the connection usable, and HTTP POST (200 / 204 / batch array); then the
// typed params of DESIGN §3 (defaults, enums by value, structs with defaulted fields, -32602 with
// data, rpc.discover) and the events of §2 (rpc.on / rpc.off, chat.message sent from another
// connection and over HTTP, an unknown event name refused whole, tick).
//
// Usage: node interop.mjs http://127.0.0.1:PORT/api/demo/1.0.0   (exit 0 = all checks passed)
import assert from 'node:assert/strict';
import WebSocket from 'ws';

const httpUrl = process.argv[2];
if (!httpUrl || !/^https?:\/\//.test(httpUrl)) {
  console.error('usage: node interop.mjs http://HOST:PORT/api/demo/1.0.0');
  process.exit(2);
}
const wsUrl = httpUrl.replace(/^http/, 'ws');
const FRAME_WAIT_MS = 5000;
let step = 'start';

// Every wait is bounded: the whole script gives up after 15 s whatever it is waiting for.
const overall = setTimeout(() => fail(new Error('overall 15 s timeout')), 15000);

function fail(err) {
  console.error(`interop node: FAIL in step "${step}": ${err && err.stack ? err.stack : err}`);
  process.exit(1);
}

/** One WebSocket connection whose incoming text frames are read one at a time, in order. */
class Conn {
  static open(url) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const t = setTimeout(() => reject(new Error(`could not connect to ${url} within 5 s`)), 5000);
      ws.once('open', () => { clearTimeout(t); resolve(new Conn(ws)); });
      ws.once('error', (e) => { clearTimeout(t); reject(e); });
    });
  }
  constructor(ws) {
    this.ws = ws;
    this.frames = [];
    this.waiter = null;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return fail(new Error('server sent a binary frame; JSON-RPC frames must be text'));
      this.frames.push(data.toString('utf8'));
      if (this.waiter) this.waiter();
    });
    ws.on('close', (code, reason) => { this.closed = `closed ${code} ${reason}`; if (this.waiter) this.waiter(); });
  }
  send(msg) { this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg)); }
  /** The next raw text frame, waiting at most `ms`. */
  async next(ms = FRAME_WAIT_MS) {
    const deadline = Date.now() + ms;
    while (this.frames.length === 0) {
      if (this.closed) throw new Error(`connection ${this.closed} while waiting for a frame`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no frame within ${ms} ms`);
      await new Promise((r) => { const t = setTimeout(r, left); this.waiter = () => { clearTimeout(t); r(); }; });
      this.waiter = null;
    }
    return this.frames.shift();
  }
  /** Sends a request and returns [parsed reply, raw frame]; the reply must be the next frame. */
  async call(method, params, id) {
    this.send({ jsonrpc: '2.0', method, params, id });
    const raw = await this.next();
    const reply = JSON.parse(raw);
    assert.equal(reply.jsonrpc, '2.0', `reply lacks "jsonrpc":"2.0": ${raw}`);
    assert.ok(Object.is(reply.id, id), `reply id ${JSON.stringify(reply.id)} != sent ${JSON.stringify(id)}: ${raw}`);
    return [reply, raw];
  }
}

async function main() {
  const conn = await Conn.open(wsUrl);

  step = '1. sum over WebSocket, positional and named';
  assert.deepEqual((await conn.call('sum', [1, 2], 1))[0], { jsonrpc: '2.0', result: 3, id: 1 });
  assert.deepEqual((await conn.call('sum', { a: 40, b: 2 }, 2))[0], { jsonrpc: '2.0', result: 42, id: 2 });

  step = '1. id edge cases echoed exactly';
  for (const id of [0, '', -7, 'x"y']) {
    const [reply, raw] = await conn.call('sum', [1, 2], id);
    assert.equal(reply.result, 3, raw);
    assert.ok(raw.includes(`"id":${JSON.stringify(id)}`), `raw reply does not carry id ${JSON.stringify(id)}: ${raw}`);
  }

  step = '2. batch: one frame, one array, replies to requests only';
  conn.send([
    { jsonrpc: '2.0', method: 'sum', params: [1, 2], id: 1 },
    { jsonrpc: '2.0', method: 'echo', params: ['notified'] },
    { jsonrpc: '2.0', method: 'fail', id: 2 },
    { foo: 1 },
  ]);
  const batchRaw = await conn.next();
  const batch = JSON.parse(batchRaw);
  assert.ok(Array.isArray(batch), `batch reply is not an array: ${batchRaw}`);
  assert.equal(batch.length, 3, `batch reply must hold exactly 3 replies: ${batchRaw}`);
  const byId = (id) => batch.filter((r) => Object.is(r.id, id));
  assert.equal(byId(1).length, 1, batchRaw);
  assert.deepEqual(byId(1)[0], { jsonrpc: '2.0', result: 3, id: 1 });
  assert.equal(byId(2).length, 1, batchRaw);
  assert.equal(byId(2)[0].error.code, 4000, batchRaw);
  assert.equal(byId(2)[0].error.data.reason, 'demonstration', batchRaw);
  assert.equal(byId(null).length, 1, batchRaw);
  assert.equal(byId(null)[0].error.code, -32600, batchRaw);
  // Nothing else may follow the batch reply: the next frame must be the reply to this call.
  assert.equal((await conn.call('sum', [2, 2], 'after-batch'))[0].result, 4);

  step = '3. ask: the server calls confirm on us, we answer with a result';
  await askAndAnswer(conn, 'ask-ok', { result: 'yes from node' });
  step = '3. ask: we answer confirm with an error, ask fails with it';
  await askAndAnswer(conn, 'ask-err', { error: { code: 4711, message: 'no' } });

  step = '4. invalid JSON gets -32700 with id null, connection keeps serving';
  conn.send('{"jsonrpc":');
  const parseRaw = await conn.next();
  const parseErr = JSON.parse(parseRaw);
  assert.equal(parseErr.jsonrpc, '2.0', parseRaw);
  assert.equal(parseErr.error.code, -32700, parseRaw);
  assert.ok('id' in parseErr && parseErr.id === null, `parse error must carry "id":null: ${parseRaw}`);
  assert.equal((await conn.call('sum', [5, 6], 'after-parse-error'))[0].result, 11);
  conn.ws.close(1000);

  step = '5. HTTP POST';
  const post = (body) => fetch(httpUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  let res = await post({ jsonrpc: '2.0', method: 'sum', params: [1, 2], id: 'h1' });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(await res.json(), { jsonrpc: '2.0', result: 3, id: 'h1' });
  res = await post({ jsonrpc: '2.0', method: 'echo', params: [1] });
  assert.equal(res.status, 204, 'a notification-only body must get 204');
  assert.equal(await res.text(), '');
  res = await post([
    { jsonrpc: '2.0', method: 'sum', params: [1, 2], id: 10 },
    { jsonrpc: '2.0', method: 'echo', params: ['n'] },
    { jsonrpc: '2.0', method: 'echo', params: ['e'], id: 11 },
  ]);
  assert.equal(res.status, 200);
  const httpBatch = await res.json();
  assert.ok(Array.isArray(httpBatch), `HTTP batch reply is not an array: ${JSON.stringify(httpBatch)}`);
  assert.deepEqual(httpBatch.sort((a, b) => a.id - b.id), [
    { jsonrpc: '2.0', result: 3, id: 10 },
    { jsonrpc: '2.0', result: 'e', id: 11 },
  ]);

  await typedParams();
  await events(post);
}

/** Expects `reply` to be a -32602 error and returns its data. */
function invalidParams(reply, raw) {
  assert.ok(reply.error, `expected an error reply: ${raw}`);
  assert.equal(reply.error.code, -32602, raw);
  return reply.error.data;
}

/** DESIGN §3: params converted by their declared types, over WebSocket. */
async function typedParams() {
  const conn = await Conn.open(wsUrl);

  step = '6. math.pow: a left-out defaulted param takes its default, named params bind by name';
  assert.deepEqual((await conn.call('math.pow', [3], 'pow-default'))[0], { jsonrpc: '2.0', result: 9, id: 'pow-default' });
  assert.deepEqual((await conn.call('math.pow', { base: 2, exp: 10 }, 'pow-named'))[0],
    { jsonrpc: '2.0', result: 1024, id: 'pow-named' });

  step = '6. types.color: an enum member sent by value comes back by name';
  assert.deepEqual((await conn.call('types.color', [2], 'color'))[0], { jsonrpc: '2.0', result: 'Blue', id: 'color' });

  step = '6. types.point: int fields truncate toward zero, a left-out field takes its default';
  assert.deepEqual((await conn.call('types.point', [{ x: 1.9, y: 2 }], 'point'))[0],
    { jsonrpc: '2.0', result: { x: 1, y: 2, label: 'pt' }, id: 'point' });

  step = '6. sum with a string for an int: -32602 whose data names the param';
  const [sumReply, sumRaw] = await conn.call('sum', [1, '2'], 'sum-bad');
  const data = invalidParams(sumReply, sumRaw);
  assert.deepEqual(Object.keys(data).sort(), ['expected', 'got', 'param'], sumRaw);
  assert.equal(data.param, 'b', sumRaw);
  assert.equal(data.expected, 'int', sumRaw);
  assert.ok(!('result' in sumReply), `an error reply must not carry a result: ${sumRaw}`);

  step = '6. rpc.discover returns the OpenRPC 1.3 document';
  const [discover, discoverRaw] = await conn.call('rpc.discover', undefined, 'discover');
  assert.equal(typeof discover.result?.openrpc, 'string', discoverRaw.slice(0, 200));
  assert.ok(discover.result.openrpc.startsWith('1.3'), `openrpc is ${discover.result.openrpc}`);
  assert.equal(discover.result.info.title, 'demo');
  assert.ok(discover.result.methods.some((m) => m.name === 'math.pow'), 'math.pow is not in rpc.discover');
  conn.ws.close(1000);
}

/** DESIGN §2 Events: `listener` subscribes, `sender` (and HTTP POST) calls chat.send. */
async function events(post) {
  const listener = await Conn.open(wsUrl);
  const sender = await Conn.open(wsUrl);
  const unique = (what) => `${what} from node ${process.pid} ${Date.now()} ${Math.random()}`;

  /** The next frame on `listener` must be exactly one chat.message notification saying `text`. */
  async function expectChat(text) {
    const raw = await listener.next(3000);
    const note = JSON.parse(raw);
    assert.equal(note.jsonrpc, '2.0', raw);
    assert.equal(note.method, 'chat.message', `expected the chat.message notification: ${raw}`);
    assert.ok(!('id' in note), `an event is a notification, without id: ${raw}`);
    assert.ok(Array.isArray(note.params) && note.params.length === 1, `params must be [data]: ${raw}`);
    assert.deepEqual(Object.keys(note.params[0]).sort(), ['at', 'text'], raw);
    assert.equal(note.params[0].text, text, raw);
    assert.equal(typeof note.params[0].at, 'string', raw);
    assert.ok(note.params[0].at.endsWith('Z'), `at must be a UTC date ending in Z: ${raw}`);
    assert.ok(!Number.isNaN(Date.parse(note.params[0].at)), `at is not a date: ${raw}`);
  }

  step = '7. rpc.on chat.message: the reply lists what is now subscribed';
  assert.deepEqual((await listener.call('rpc.on', ['chat.message'], 7))[0],
    { jsonrpc: '2.0', result: ['chat.message'], id: 7 });

  step = '7. chat.send from a second connection reaches the subscriber';
  const first = unique('hello');
  assert.deepEqual((await sender.call('chat.send', [first], 'send-1'))[0], { jsonrpc: '2.0', result: null, id: 'send-1' });
  await expectChat(first);
  assert.equal(sender.frames.length, 0, `the sender did not subscribe, yet got: ${sender.frames}`);

  step = '7. chat.send over HTTP POST reaches the WebSocket subscriber';
  const second = unique('posted');
  const res = await post({ jsonrpc: '2.0', method: 'chat.send', params: { text: second }, id: 'send-http' });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { jsonrpc: '2.0', result: null, id: 'send-http' });
  await expectChat(second);

  step = '7. rpc.off chat.message: nothing more arrives';
  assert.deepEqual((await listener.call('rpc.off', ['chat.message'], 8))[0],
    { jsonrpc: '2.0', result: ['chat.message'], id: 8 });
  assert.deepEqual((await sender.call('chat.send', [unique('unheard')], 'send-2'))[0],
    { jsonrpc: '2.0', result: null, id: 'send-2' });
  // chat.send has queued its event on every subscriber before replying, so a notification for
  // the listener would come before the reply to this later call: the next frame must be it.
  const [afterOff, afterOffRaw] = await listener.call('sum', [20, 22], 'sentinel-off');
  assert.equal(afterOff.result, 42, afterOffRaw);
  assert.equal(listener.frames.length, 0, `unexpected frames after rpc.off: ${listener.frames}`);

  step = '7. rpc.on with an unknown event name fails whole with -32602';
  const [bad, badRaw] = await sender.call('rpc.on', ['tick', 'nope'], 'on-bad');
  invalidParams(bad, badRaw);

  step = '7. tick: rpc.on, then one tick within 3 s with an integer seq';
  assert.deepEqual((await listener.call('rpc.on', ['tick'], 9))[0], { jsonrpc: '2.0', result: ['tick'], id: 9 });
  const ticks = [];
  for (let i = 0; i < 2; i++) {
    const raw = await listener.next(3000);
    const tick = JSON.parse(raw);
    assert.equal(tick.method, 'tick', `expected a tick notification: ${raw}`);
    assert.ok(!('id' in tick) && Array.isArray(tick.params) && tick.params.length === 1, raw);
    assert.ok(Number.isInteger(tick.params[0].seq) && tick.params[0].seq >= 1, `seq must be an integer: ${raw}`);
    assert.ok(typeof tick.params[0].at === 'string' && tick.params[0].at.endsWith('Z'), raw);
    ticks.push(tick.params[0].seq);
  }
  assert.equal(ticks[1], ticks[0] + 1, `consecutive ticks must count up by one: ${ticks}`);

  step = '7. the refused rpc.on subscribed nothing: no tick reached that connection';
  // The second tick was emitted after the first had been queued on every subscriber, so had the
  // refused call subscribed `tick`, a tick would come before the reply to this call.
  const [afterBad, afterBadRaw] = await sender.call('sum', [1, 1], 'sentinel-bad');
  assert.equal(afterBad.result, 2, afterBadRaw);
  assert.equal(sender.frames.length, 0, `unexpected frames after the refused rpc.on: ${sender.frames}`);

  listener.ws.close(1000);
  sender.ws.close(1000);
}

/** Calls ask(["Proceed?"]), answers the server's confirm request with `answer`, checks ask's reply. */
async function askAndAnswer(conn, askId, answer) {
  conn.send({ jsonrpc: '2.0', method: 'ask', params: ['Proceed?'], id: askId });
  const reqRaw = await conn.next();
  const req = JSON.parse(reqRaw);
  assert.equal(req.jsonrpc, '2.0', reqRaw);
  assert.equal(req.method, 'confirm', `expected the server's confirm request, got: ${reqRaw}`);
  assert.deepEqual(req.params, ['Proceed?'], reqRaw);
  assert.ok('id' in req && req.id !== null, `confirm must be a request with an id: ${reqRaw}`);
  conn.send({ jsonrpc: '2.0', ...answer, id: req.id });
  const raw = await conn.next();
  const reply = JSON.parse(raw);
  assert.equal(reply.id, askId, raw);
  if ('result' in answer) assert.equal(reply.result, answer.result, raw);
  else assert.deepEqual(reply.error, answer.error, raw);
}

main().then(() => {
  clearTimeout(overall);
  console.log('interop node: all checks passed');
  process.exit(0);
}, fail);
