// Interop: the stock npm `socket.io-client` against `jsonws serve`, on each of its transports
// (WebSocket only, the default long polling upgraded to WebSocket, long polling only). The event
// `message` carries one JSON-RPC message or batch as a JSON text string, both ways (DESIGN §2):
// calls, a batch answered by one array, notifications (no reply), -32601, rpc.on with its ack and
// a tick, `ask` answered from this client, chat.send over HTTP reaching a Socket.IO subscriber and
// a plain WebSocket subscriber alike; then bad input on one socket (a non-string message, invalid
// JSON, a binary attachment, an unknown event) followed by a valid call; and a Socket.IO client
// that stops reading, disconnected as a slow consumer while another keeps receiving.
//
// Usage: node socketio.mjs http://127.0.0.1:PORT/api/demo/1.0.0   (exit 0 = all checks passed)
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import WebSocket from 'ws';

const httpUrl = process.argv[2];
if (!httpUrl || !/^https?:\/\//.test(httpUrl)) {
  console.error('usage: node socketio.mjs http://HOST:PORT/api/demo/1.0.0');
  process.exit(2);
}
const origin = new URL(httpUrl).origin;
const namespace = '/demo/1.0.0';
const WAIT_MS = 5000;
let step = 'start';

const overall = setTimeout(() => fail(new Error('overall 50 s timeout')), 50000);

function fail(err) {
  console.error(`interop socketio: FAIL in step "${step}": ${err && err.stack ? err.stack : err}`);
  process.exit(1);
}

/** Waits until `ready()` holds, or fails after `ms`. */
async function until(what, ready, ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A queue of JSON-RPC messages arriving on some connection, read in order. */
class Inbox {
  constructor() { this.items = []; }
  push(item) { this.items.push(item); }
  async next(what, ms = WAIT_MS) {
    await until(`${what} (got so far: ${JSON.stringify(this.items).slice(0, 200)})`, () => this.items.length > 0, ms);
    return this.items.shift();
  }
  async silent(ms) {
    await new Promise((r) => setTimeout(r, ms));
    assert.deepEqual(this.items, [], 'expected nothing to arrive');
  }
}

/** A Socket.IO connection to the demo's namespace, speaking JSON-RPC in `message` events. */
class Sio {
  static open(transports, path = namespace) {
    return new Promise((resolve, reject) => {
      const socket = io(origin + path, { transports, reconnection: false, timeout: WAIT_MS, forceNew: true });
      socket.once('connect', () => resolve(new Sio(socket)));
      socket.once('connect_error', (e) => reject(new Error(`connecting to ${path} over ${transports}: ${e.message}`)));
    });
  }
  constructor(socket) {
    this.socket = socket;
    this.inbox = new Inbox();
    socket.on('message', (text) => {
      if (typeof text !== 'string') return fail(new Error(`a message that is not a JSON text string: ${typeof text}`));
      this.inbox.push(JSON.parse(text));
    });
  }
  send(message) { this.socket.emit('message', typeof message === 'string' ? message : JSON.stringify(message)); }
  next(what, ms) { return this.inbox.next(what, ms); }
  async call(method, params, id) {
    this.send({ jsonrpc: '2.0', method, params, id });
    const reply = await this.next(`the reply to ${method}`);
    assert.equal(reply.id, id, `a reply to another call: ${JSON.stringify(reply)}`);
    return reply;
  }
  close() { this.socket.disconnect(); }
}

/** A plain WebSocket on the same server, for comparison. */
function openWs() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(httpUrl.replace(/^http/, 'ws'));
    const inbox = new Inbox();
    ws.on('message', (data) => inbox.push(JSON.parse(data.toString('utf8'))));
    ws.once('open', () => resolve({ ws, inbox, send: (m) => ws.send(JSON.stringify(m)) }));
    ws.once('error', reject);
  });
}

async function post(body) {
  const res = await fetch(httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

async function everyCall(transports) {
  const label = JSON.stringify(transports);
  step = `${label}: connect`;
  const c = await Sio.open(transports);

  step = `${label}: sum`;
  assert.equal((await c.call('sum', [2, 3], 1)).result, 5);
  assert.equal((await c.call('math.pow', { base: 3 }, 'named')).result, 9);

  step = `${label}: a batch is answered with one array`;
  c.send([
    { jsonrpc: '2.0', method: 'sum', params: [1, 2], id: 'a' },
    { jsonrpc: '2.0', method: 'sum', params: [5, 5] },
    { jsonrpc: '2.0', method: 'sum', params: [3, 4], id: 'b' },
  ]);
  const batch = await c.next('the batch reply');
  assert.ok(Array.isArray(batch), `not an array: ${JSON.stringify(batch)}`);
  assert.deepEqual(batch.map((r) => [r.id, r.result]).sort(), [['a', 3], ['b', 7]]);

  step = `${label}: a notification gets no reply`;
  c.send({ jsonrpc: '2.0', method: 'sum', params: [1, 1] });
  await c.inbox.silent(200);

  step = `${label}: an unknown method is -32601`;
  assert.equal((await c.call('nope', [], 2)).error.code, -32601);

  step = `${label}: rpc.on is acknowledged, then a tick arrives`;
  assert.deepEqual((await c.call('rpc.on', ['tick'], 'on')).result, ['tick']);
  const tick = await c.next('a tick', 3000);
  assert.equal(tick.method, 'tick');
  assert.equal(tick.id, undefined);
  assert.ok(Number.isInteger(tick.params[0].seq) && typeof tick.params[0].at === 'string', JSON.stringify(tick));
  assert.deepEqual((await c.call('rpc.off', ['tick'], 'off')).result, ['tick']);
  // A tick already on its way may still come; drop it.
  await new Promise((r) => setTimeout(r, 50));
  c.inbox.items = c.inbox.items.filter((m) => m.method !== 'tick');

  step = `${label}: ask, answered by this client`;
  c.send({ jsonrpc: '2.0', method: 'ask', params: ['Proceed?'], id: 'ask' });
  const confirm = await c.next("the server's confirm");
  assert.equal(confirm.method, 'confirm');
  assert.deepEqual(confirm.params, ['Proceed?']);
  c.send({ jsonrpc: '2.0', result: `yes over ${transports.join('+')}`, id: confirm.id });
  const asked = await c.next("ask's reply");
  assert.equal(asked.id, 'ask');
  assert.equal(asked.result, `yes over ${transports.join('+')}`);

  step = `${label}: chat.send over HTTP reaches a Socket.IO and a WebSocket subscriber alike`;
  const w = await openWs();
  w.send({ jsonrpc: '2.0', method: 'rpc.on', params: ['chat.message'], id: 'on' });
  assert.deepEqual((await w.inbox.next('the WebSocket ack')).result, ['chat.message']);
  assert.deepEqual((await c.call('rpc.on', ['chat.message'], 'chat')).result, ['chat.message']);
  const text = `Grüße, 世界 🌍 over ${label}`;
  const sent = await post({ jsonrpc: '2.0', method: 'chat.send', params: [text], id: 1 });
  assert.equal(sent.status, 200, sent.text);
  for (const [who, inbox] of [['Socket.IO', c.inbox], ['WebSocket', w.inbox]]) {
    const event = await inbox.next(`chat.message on the ${who} subscriber`);
    assert.equal(event.jsonrpc, '2.0');
    assert.equal(event.method, 'chat.message');
    assert.equal(event.id, undefined);
    assert.equal(event.params.length, 1);
    assert.equal(event.params[0].text, text);
  }
  w.ws.close();
  c.close();
}

async function badInput() {
  step = 'bad input: connect';
  const c = await Sio.open(['websocket']);
  step = 'bad input: a message that is not a string';
  c.socket.emit('message', { jsonrpc: '2.0', method: 'sum', params: [1, 2], id: 1 });
  let reply = await c.next('the reply to an object');
  assert.equal(reply.error.code, -32600, JSON.stringify(reply));
  assert.equal(reply.id, null);
  step = 'bad input: invalid JSON';
  c.send('{"jsonrpc": "2.0", "method": ');
  reply = await c.next('the reply to invalid JSON');
  assert.equal(reply.error.code, -32700, JSON.stringify(reply));
  step = 'bad input: a binary attachment';
  c.socket.emit('message', Buffer.from([0xde, 0xad, 0xbe, 0xef]));
  reply = await c.next('the reply to a binary attachment');
  assert.equal(reply.error.code, -32600, JSON.stringify(reply));
  step = 'bad input: an unknown event is ignored';
  c.socket.emit('no-such-event', 'hello');
  await c.inbox.silent(200);
  step = 'bad input: the same socket then serves a valid call';
  assert.equal((await c.call('sum', [20, 22], 'after')).result, 42);
  assert.ok(c.socket.connected);
  step = 'bad input: an unknown namespace is refused';
  await assert.rejects(Sio.open(['websocket'], '/demo/9.0.0'), /Invalid namespace/);
  c.close();
}

async function slowConsumer() {
  step = 'slow consumer: connect';
  const stuck = await Sio.open(['websocket']);
  const healthy = await Sio.open(['websocket']);
  for (const c of [stuck, healthy]) {
    assert.deepEqual((await c.call('rpc.on', ['chat.message'], 'on')).result, ['chat.message']);
  }
  let disconnected = false;
  stuck.socket.on('disconnect', () => { disconnected = true; });
  // `stuck` stops reading: its TCP socket is paused, so the server's writes back up.
  const raw = stuck.socket.io.engine.transport.ws._socket;
  raw.pause();
  step = 'slow consumer: a flood of events';
  const big = 'x'.repeat(16 * 1024);
  const rounds = 4;
  const perRound = 500;
  let received = 0;
  healthy.socket.on('message', (text) => { if (text.includes('"chat.message"')) received += 1; });
  healthy.inbox.push = () => {};
  for (let round = 0; round < rounds; round++) {
    const batch = [];
    for (let i = 0; i < perRound; i++) batch.push({ jsonrpc: '2.0', method: 'chat.send', params: [big] });
    const sent = await post(batch);
    assert.equal(sent.status, 204, sent.text);
    // The healthy client keeps up with every event.
    await until(`the healthy client's events after round ${round}`, () => received === (round + 1) * perRound, 20000);
  }
  step = 'slow consumer: the stuck client is disconnected once it reads again';
  raw.resume();
  await until('the stuck client sees its disconnect', () => disconnected, 20000);
  step = 'slow consumer: others are still served';
  const after = await Sio.open(['websocket']);
  assert.equal((await after.call('sum', [1, 1], 'after')).result, 2);
  after.close();
  healthy.close();
}

try {
  await everyCall(['websocket']);
  await everyCall(['polling', 'websocket']);
  await everyCall(['polling']);
  await badInput();
  await slowConsumer();
  clearTimeout(overall);
  console.log('interop socketio: all checks passed');
  process.exit(0);
} catch (e) {
  fail(e);
}
