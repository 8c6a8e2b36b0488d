// Interop: proves that a JSON-RPC 2.0 client nobody here wrote — the npm `ws` WebSocket client
// and Node's global fetch — gets exactly what DESIGN §2 promises from `jsonws serve`: positional
// and named calls, ids echoed byte for byte, a batch answered by one array in one frame, a
// server -> client request (`ask` calls `confirm` on us) with a result and with an error, a parse
// error that leaves the connection usable, and HTTP POST (200 / 204 / batch array).
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

// Every wait is bounded: the whole script gives up after 10 s whatever it is waiting for.
const overall = setTimeout(() => fail(new Error('overall 10 s timeout')), 10000);

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
