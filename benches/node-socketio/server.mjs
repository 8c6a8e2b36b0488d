// The Node socket.io server of the Socket.IO benchmark (scripts/bench-socketio.sh): namespace
// /demo/1.0.0, JSON-RPC in `message` events, answering `sum` the way jsonws's demo does (parse
// the text, add, write the reply as text). Prints its port on the first line.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false, maxHttpBufferSize: 10 * 1024 * 1024 });
io.of('/demo/1.0.0').on('connection', (socket) => {
  socket.on('message', (text) => {
    let request;
    try {
      request = JSON.parse(text);
    } catch {
      socket.emit('message', '{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}');
      return;
    }
    if (request.method === 'sum' && Array.isArray(request.params)) {
      const [a, b] = request.params;
      socket.emit('message', JSON.stringify({ jsonrpc: '2.0', result: a + b, id: request.id }));
    } else {
      socket.emit('message', JSON.stringify({
        jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: request.id ?? null,
      }));
    }
  });
});
http.listen(0, '127.0.0.1', () => console.log(`listening ${http.address().port}`));
