// ---- runtime: the same in every client this generator writes ----

/** Options of a client. */
export interface ClientOptions {
  /** How long a call waits for its reply, in milliseconds (default 30000). */
  timeoutMs?: number | undefined;
  /** A WebSocket constructor to use instead of the global one (or npm `ws`). */
  WebSocket?: unknown;
  /** Longest wait between reconnect attempts, in milliseconds (default 30000). */
  maxBackoffMs?: number | undefined;
}

/** An error reply from the server: its `code`, `message` and `data`. */
export class JsonRpcError extends Error {
  readonly code: number;
  readonly data: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = 'JsonRpcError';
    this.code = code;
    this.data = data;
  }
}

/** The call could not be made or answered: no connection, a bad HTTP status, a timeout. */
export class TransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Stops a handler; resolves once the server has been told. `ready` settles when the subscription is live. */
export type Unsubscribe = (() => Promise<void>) & { ready: Promise<void> };

interface Socket {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}
type SocketClass = new (url: string) => Socket;
interface Globals {
  fetch(url: string, init: { method: string; headers: Record<string, string>; body: string }): Promise<{ status: number; statusText: string; text(): Promise<string> }>;
  WebSocket?: SocketClass;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
const g = globalThis as unknown as Globals;

type Spec = string;
interface Message {
  jsonrpc?: string | undefined;
  id?: number | string | null | undefined;
  method?: string | undefined;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown } | undefined;
}
interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: unknown;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function b64encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64.charAt((n >> 18) & 63) + B64.charAt((n >> 12) & 63);
    out += i + 1 < bytes.length ? B64.charAt((n >> 6) & 63) : '=';
    out += i + 2 < bytes.length ? B64.charAt(n & 63) : '=';
  }
  return out;
}

function b64decode(text: string): Uint8Array {
  const clean = text.replace(/[^A-Za-z0-9+/]/g, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let j = 0;
  for (const c of clean) {
    acc = (acc << 6) | B64.indexOf(c);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 255;
    }
  }
  return out.subarray(0, j);
}

function convert(spec: Spec, value: unknown, out: boolean): unknown {
  if (value === null || value === undefined || spec === '') return value;
  if (spec.startsWith('[')) {
    const inner = spec.slice(1, -1);
    return Array.isArray(value) ? value.map((v) => convert(inner, v, out)) : value;
  }
  if (spec === 'date') {
    if (out) return value instanceof Date ? value.toISOString() : value;
    return typeof value === 'string' || typeof value === 'number' ? new Date(value) : value;
  }
  if (spec === 'binary') {
    if (out) return value instanceof Uint8Array ? b64encode(value) : value;
    return typeof value === 'string' ? b64decode(value) : value;
  }
  const fields = STRUCTS[spec];
  if (fields === undefined || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key of Object.keys(fields)) {
    if (key in copy) copy[key] = convert(fields[key] ?? '', copy[key], out);
  }
  return copy;
}

class Rpc {
  private readonly url: string;
  private readonly wsUrl: string;
  private readonly overHttp: boolean;
  private readonly timeoutMs: number;
  private readonly maxBackoffMs: number;
  private readonly socketClass: unknown;
  private readonly handlers = new Map<string, Set<(data: unknown) => void>>();
  private readonly exposed = new Map<string, (...params: any[]) => unknown>();
  private readonly pending = new Map<number, Pending>();
  private readonly subscribing = new Set<Promise<unknown>>();
  private nextId = 1;
  private socket: Socket | null = null;
  private opening: Promise<Socket> | null = null;
  private closed = false;
  private attempt = 0;
  private lastSubscribe: Promise<unknown> = Promise.resolve();

  constructor(url: string, options: ClientOptions) {
    this.url = url;
    this.overHttp = /^https?:\/\//i.test(url);
    this.wsUrl = url.replace(/^http/i, 'ws');
    this.timeoutMs = options.timeoutMs ?? 30000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30000;
    this.socketClass = options.WebSocket;
  }

  async call(method: string, params: [unknown, Spec][], result: Spec): Promise<any> {
    while (params.length > 0 && params[params.length - 1]?.[0] === undefined) params.pop();
    const wire = params.map(([v, spec]) => (v === undefined ? null : convert(spec, v, true)));
    const useHttp = this.overHttp && this.socket === null && this.opening === null;
    const answer = useHttp ? await this.post(method, wire) : await this.send(method, wire);
    return convert(result, answer, false);
  }

  private async post(method: string, params: unknown[]): Promise<unknown> {
    if (this.closed) throw new TransportError('the client is closed');
    const id = this.nextId++;
    let response;
    try {
      response = await g.fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
      });
    } catch (e) {
      throw new TransportError(`cannot reach ${this.url}: ${String(e)}`);
    }
    const text = await response.text();
    if (response.status === 204) return null;
    let reply: Message;
    try {
      reply = JSON.parse(text) as Message;
    } catch {
      throw new TransportError(`HTTP ${response.status} ${response.statusText}: ${text.slice(0, 200)}`);
    }
    if (reply.error) throw new JsonRpcError(reply.error.code, reply.error.message, reply.error.data);
    if (response.status !== 200) throw new TransportError(`HTTP ${response.status} ${response.statusText}`);
    return reply.result;
  }

  private async send(method: string, params: unknown[]): Promise<unknown> {
    await this.connect();
    if (this.subscribing.size > 0) await Promise.allSettled([...this.subscribing]);
    return this.rawSend(method, params);
  }

  private rawSend(method: string, params: unknown[]): Promise<unknown> {
    const socket = this.socket;
    if (socket === null) return Promise.reject(new TransportError(`not connected: cannot send ${method}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = g.setTimeout(() => {
        this.pending.delete(id);
        reject(new TransportError(`${method} timed out after ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      try {
        socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
      } catch (e) {
        this.pending.delete(id);
        g.clearTimeout(timer);
        reject(new TransportError(`cannot send ${method}: ${String(e)}`));
      }
    });
  }

  private async socketClassOrLoad(): Promise<SocketClass> {
    if (this.socketClass) return this.socketClass as SocketClass;
    if (g.WebSocket) return g.WebSocket;
    const name = 'ws';
    try {
      const mod = (await import(name)) as { WebSocket?: SocketClass; default?: SocketClass };
      const found = mod.WebSocket ?? mod.default;
      if (found) return found;
    } catch {
      // reported below
    }
    throw new TransportError(
      'no WebSocket here: this runtime has no global WebSocket (Node < 22); install the npm package `ws` (npm install ws) or pass options.WebSocket',
    );
  }

  private connect(): Promise<Socket> {
    if (this.closed) return Promise.reject(new TransportError('the client is closed'));
    if (this.socket !== null && this.socket.readyState === 1) return Promise.resolve(this.socket);
    if (this.opening !== null) return this.opening;
    const opening = (async () => {
      const Ctor = await this.socketClassOrLoad();
      return new Promise<Socket>((resolve, reject) => {
        const socket = new Ctor(this.wsUrl);
        let open = false;
        socket.onopen = () => {
          open = true;
          this.socket = socket;
          this.attempt = 0;
          const events = [...this.handlers.keys()];
          this.lastSubscribe = events.length > 0 ? this.track(this.rawSend('rpc.on', events)) : Promise.resolve();
          resolve(socket);
        };
        socket.onmessage = (ev) => this.receive(String(ev.data));
        socket.onerror = () => {
          if (!open) reject(new TransportError(`cannot open a WebSocket to ${this.wsUrl}`));
        };
        socket.onclose = (ev) => {
          if (!open) reject(new TransportError(`cannot open a WebSocket to ${this.wsUrl}`));
          this.dropped(socket, `${ev.code ?? ''} ${ev.reason ?? ''}`.trim());
        };
      });
    })();
    this.opening = opening;
    opening.then(
      () => {
        this.opening = null;
      },
      () => {
        this.opening = null;
        this.reconnectLater();
      },
    );
    return opening;
  }

  private dropped(socket: Socket, why: string): void {
    if (this.socket === socket) this.socket = null;
    for (const [id, p] of this.pending) {
      g.clearTimeout(p.timer);
      p.reject(new TransportError(`the connection closed before the reply (${why || 'no reason'})`));
      this.pending.delete(id);
    }
    this.reconnectLater();
  }

  private reconnectLater(): void {
    if (this.closed || (this.handlers.size === 0 && this.exposed.size === 0)) return;
    if (this.opening !== null || this.socket !== null) return;
    const base = Math.min(this.maxBackoffMs, 250 * 2 ** Math.min(this.attempt++, 16));
    g.setTimeout(() => {
      if (!this.closed && this.socket === null && this.opening === null) this.connect().catch(() => undefined);
    }, base / 2 + Math.random() * (base / 2));
  }

  private track(p: Promise<unknown>): Promise<unknown> {
    this.subscribing.add(p);
    const done = () => this.subscribing.delete(p);
    p.then(done, done);
    return p;
  }

  private receive(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    const messages = (Array.isArray(parsed) ? parsed : [parsed]) as Message[];
    for (const m of messages) {
      if (typeof m !== 'object' || m === null) continue;
      if (typeof m.method === 'string') {
        if (m.id === undefined) this.event(m.method, m.params);
        else void this.answer(m);
      } else if (typeof m.id === 'number') {
        const p = this.pending.get(m.id);
        if (!p) continue;
        this.pending.delete(m.id);
        g.clearTimeout(p.timer);
        if (m.error) p.reject(new JsonRpcError(m.error.code, m.error.message, m.error.data));
        else p.resolve(m.result);
      }
    }
  }

  private event(name: string, params: unknown): void {
    const handlers = this.handlers.get(name);
    if (!handlers) return;
    const raw = Array.isArray(params) ? params[0] : params;
    const data = convert(EVENTS[name] ?? '', raw, false);
    for (const h of [...handlers]) {
      try {
        h(data);
      } catch (e) {
        void e;
      }
    }
  }

  private async answer(m: Message): Promise<void> {
    const fn = this.exposed.get(m.method ?? '');
    let reply: Message;
    if (!fn) {
      reply = { jsonrpc: '2.0', id: m.id, error: { code: -32601, message: `Method not found: ${m.method}` } };
    } else {
      try {
        const args = Array.isArray(m.params) ? m.params : m.params === undefined ? [] : [m.params];
        const result = await fn(...args);
        reply = { jsonrpc: '2.0', id: m.id, result: result === undefined ? null : result };
      } catch (e) {
        const error =
          e instanceof JsonRpcError
            ? { code: e.code, message: e.message, data: e.data }
            : { code: -32000, message: e instanceof Error ? e.message : String(e) };
        reply = { jsonrpc: '2.0', id: m.id, error };
      }
    }
    if (this.socket !== null) this.socket.send(JSON.stringify(reply));
  }

  on(event: string, handler: (data: unknown) => void): Unsubscribe {
    let set = this.handlers.get(event);
    const first = set === undefined;
    if (set === undefined) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler);
    let ready: Promise<void> = Promise.resolve();
    if (first && this.socket !== null && this.socket.readyState === 1) {
      ready = this.track(this.rawSend('rpc.on', [event])).then(() => undefined);
    } else if (first) {
      ready = this.connect().then(() => this.lastSubscribe).then(() => undefined);
    }
    ready.catch(() => undefined);
    const off = async () => {
      const s = this.handlers.get(event);
      if (!s || !s.delete(handler) || s.size > 0) return;
      this.handlers.delete(event);
      if (this.socket !== null) await this.rawSend('rpc.off', [event]);
    };
    return Object.assign(off, { ready });
  }

  expose(name: string, fn: (...params: any[]) => unknown): void {
    this.exposed.set(name, fn);
    this.connect().catch(() => undefined);
  }

  close(): void {
    this.closed = true;
    const socket = this.socket;
    this.socket = null;
    for (const [id, p] of this.pending) {
      g.clearTimeout(p.timer);
      p.reject(new TransportError('the client is closed'));
      this.pending.delete(id);
    }
    if (socket !== null) socket.close(1000, 'client closed');
  }
}
