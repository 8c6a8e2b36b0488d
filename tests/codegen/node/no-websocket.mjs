// Where there is no WebSocket at all (Node < 22 without the npm package `ws`), the generated
// JavaScript client still calls over HTTP, and subscribing fails with a TransportError that says
// what to install. Usage: node no-websocket.mjs URL (beside DemoClient.js, with no node_modules)
import { DemoClient, TransportError } from './DemoClient.js';

const c = new DemoClient(process.argv[2]);
try {
  if ((await c.sum(2, 3)) !== 5) throw new Error('sum over HTTP');
  const off = c.on('tick', () => {});
  try {
    await off.ready;
    throw new Error('subscribing without any WebSocket must fail');
  } catch (e) {
    if (!(e instanceof TransportError) || !e.message.includes('npm install ws')) throw e;
    console.log(`no websocket: ok (${e.message})`);
  }
  c.close();
  process.exit(0);
} catch (e) {
  console.log(`no websocket: FAILED: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
}
