// Compiled from client.ts by tsc (tests/codegen/run.sh checks they agree); do not edit.
// ---- runtime: the same in every client this generator writes ----
/** An error reply from the server: its `code`, `message` and `data`. */
export class JsonRpcError extends Error {
    code;
    data;
    constructor(code, message, data) {
        super(message);
        this.name = 'JsonRpcError';
        this.code = code;
        this.data = data;
    }
}
/** The call could not be made or answered: no connection, a bad HTTP status, a timeout. */
export class TransportError extends Error {
    constructor(message) {
        super(message);
        this.name = 'TransportError';
    }
}
const g = globalThis;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function b64encode(bytes) {
    let out = '';
    for (let i = 0; i < bytes.length; i += 3) {
        const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
        out += B64.charAt((n >> 18) & 63) + B64.charAt((n >> 12) & 63);
        out += i + 1 < bytes.length ? B64.charAt((n >> 6) & 63) : '=';
        out += i + 2 < bytes.length ? B64.charAt(n & 63) : '=';
    }
    return out;
}
function b64decode(text) {
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
function convert(spec, value, out) {
    if (value === null || value === undefined || spec === '')
        return value;
    if (spec.startsWith('[')) {
        const inner = spec.slice(1, -1);
        return Array.isArray(value) ? value.map((v) => convert(inner, v, out)) : value;
    }
    if (spec === 'date') {
        if (out)
            return value instanceof Date ? value.toISOString() : value;
        return typeof value === 'string' || typeof value === 'number' ? new Date(value) : value;
    }
    if (spec === 'binary') {
        if (out)
            return value instanceof Uint8Array ? b64encode(value) : value;
        return typeof value === 'string' ? b64decode(value) : value;
    }
    const fields = STRUCTS[spec];
    if (fields === undefined || typeof value !== 'object')
        return value;
    const copy = { ...value };
    for (const key of Object.keys(fields)) {
        if (key in copy)
            copy[key] = convert(fields[key] ?? '', copy[key], out);
    }
    return copy;
}
class Rpc {
    url;
    wsUrl;
    overHttp;
    timeoutMs;
    maxBackoffMs;
    socketClass;
    handlers = new Map();
    exposed = new Map();
    pending = new Map();
    subscribing = new Set();
    nextId = 1;
    socket = null;
    opening = null;
    closed = false;
    attempt = 0;
    lastSubscribe = Promise.resolve();
    constructor(url, options) {
        this.url = url;
        this.overHttp = /^https?:\/\//i.test(url);
        this.wsUrl = url.replace(/^http/i, 'ws');
        this.timeoutMs = options.timeoutMs ?? 30000;
        this.maxBackoffMs = options.maxBackoffMs ?? 30000;
        this.socketClass = options.WebSocket;
    }
    async call(method, params, result) {
        while (params.length > 0 && params[params.length - 1]?.[0] === undefined)
            params.pop();
        const wire = params.map(([v, spec]) => (v === undefined ? null : convert(spec, v, true)));
        const useHttp = this.overHttp && this.socket === null && this.opening === null;
        const answer = useHttp ? await this.post(method, wire) : await this.send(method, wire);
        return convert(result, answer, false);
    }
    async post(method, params) {
        if (this.closed)
            throw new TransportError('the client is closed');
        const id = this.nextId++;
        let response;
        try {
            response = await g.fetch(this.url, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
            });
        }
        catch (e) {
            throw new TransportError(`cannot reach ${this.url}: ${String(e)}`);
        }
        const text = await response.text();
        if (response.status === 204)
            return null;
        let reply;
        try {
            reply = JSON.parse(text);
        }
        catch {
            throw new TransportError(`HTTP ${response.status} ${response.statusText}: ${text.slice(0, 200)}`);
        }
        if (reply.error)
            throw new JsonRpcError(reply.error.code, reply.error.message, reply.error.data);
        if (response.status !== 200)
            throw new TransportError(`HTTP ${response.status} ${response.statusText}`);
        return reply.result;
    }
    async send(method, params) {
        await this.connect();
        if (this.subscribing.size > 0)
            await Promise.allSettled([...this.subscribing]);
        return this.rawSend(method, params);
    }
    rawSend(method, params) {
        const socket = this.socket;
        if (socket === null)
            return Promise.reject(new TransportError(`not connected: cannot send ${method}`));
        const id = this.nextId++;
        return new Promise((resolve, reject) => {
            const timer = g.setTimeout(() => {
                this.pending.delete(id);
                reject(new TransportError(`${method} timed out after ${this.timeoutMs} ms`));
            }, this.timeoutMs);
            this.pending.set(id, { resolve, reject, timer });
            try {
                socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
            }
            catch (e) {
                this.pending.delete(id);
                g.clearTimeout(timer);
                reject(new TransportError(`cannot send ${method}: ${String(e)}`));
            }
        });
    }
    async socketClassOrLoad() {
        if (this.socketClass)
            return this.socketClass;
        if (g.WebSocket)
            return g.WebSocket;
        const name = 'ws';
        try {
            const mod = (await import(name));
            const found = mod.WebSocket ?? mod.default;
            if (found)
                return found;
        }
        catch {
            // reported below
        }
        throw new TransportError('no WebSocket here: this runtime has no global WebSocket (Node < 22); install the npm package `ws` (npm install ws) or pass options.WebSocket');
    }
    connect() {
        if (this.closed)
            return Promise.reject(new TransportError('the client is closed'));
        if (this.socket !== null && this.socket.readyState === 1)
            return Promise.resolve(this.socket);
        if (this.opening !== null)
            return this.opening;
        const opening = (async () => {
            const Ctor = await this.socketClassOrLoad();
            return new Promise((resolve, reject) => {
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
                    if (!open)
                        reject(new TransportError(`cannot open a WebSocket to ${this.wsUrl}`));
                };
                socket.onclose = (ev) => {
                    if (!open)
                        reject(new TransportError(`cannot open a WebSocket to ${this.wsUrl}`));
                    this.dropped(socket, `${ev.code ?? ''} ${ev.reason ?? ''}`.trim());
                };
            });
        })();
        this.opening = opening;
        opening.then(() => {
            this.opening = null;
        }, () => {
            this.opening = null;
            this.reconnectLater();
        });
        return opening;
    }
    dropped(socket, why) {
        if (this.socket === socket)
            this.socket = null;
        for (const [id, p] of this.pending) {
            g.clearTimeout(p.timer);
            p.reject(new TransportError(`the connection closed before the reply (${why || 'no reason'})`));
            this.pending.delete(id);
        }
        this.reconnectLater();
    }
    reconnectLater() {
        if (this.closed || (this.handlers.size === 0 && this.exposed.size === 0))
            return;
        if (this.opening !== null || this.socket !== null)
            return;
        const base = Math.min(this.maxBackoffMs, 250 * 2 ** Math.min(this.attempt++, 16));
        g.setTimeout(() => {
            if (!this.closed && this.socket === null && this.opening === null)
                this.connect().catch(() => undefined);
        }, base / 2 + Math.random() * (base / 2));
    }
    track(p) {
        this.subscribing.add(p);
        const done = () => this.subscribing.delete(p);
        p.then(done, done);
        return p;
    }
    receive(text) {
        let parsed;
        try {
            parsed = JSON.parse(text);
        }
        catch {
            return;
        }
        const messages = (Array.isArray(parsed) ? parsed : [parsed]);
        for (const m of messages) {
            if (typeof m !== 'object' || m === null)
                continue;
            if (typeof m.method === 'string') {
                if (m.id === undefined)
                    this.event(m.method, m.params);
                else
                    void this.answer(m);
            }
            else if (typeof m.id === 'number') {
                const p = this.pending.get(m.id);
                if (!p)
                    continue;
                this.pending.delete(m.id);
                g.clearTimeout(p.timer);
                if (m.error)
                    p.reject(new JsonRpcError(m.error.code, m.error.message, m.error.data));
                else
                    p.resolve(m.result);
            }
        }
    }
    event(name, params) {
        const handlers = this.handlers.get(name);
        if (!handlers)
            return;
        const raw = Array.isArray(params) ? params[0] : params;
        const data = convert(EVENTS[name] ?? '', raw, false);
        for (const h of [...handlers]) {
            try {
                h(data);
            }
            catch (e) {
                void e;
            }
        }
    }
    async answer(m) {
        const fn = this.exposed.get(m.method ?? '');
        let reply;
        if (!fn) {
            reply = { jsonrpc: '2.0', id: m.id, error: { code: -32601, message: `Method not found: ${m.method}` } };
        }
        else {
            try {
                const args = Array.isArray(m.params) ? m.params : m.params === undefined ? [] : [m.params];
                const result = await fn(...args);
                reply = { jsonrpc: '2.0', id: m.id, result: result === undefined ? null : result };
            }
            catch (e) {
                const error = e instanceof JsonRpcError
                    ? { code: e.code, message: e.message, data: e.data }
                    : { code: -32000, message: e instanceof Error ? e.message : String(e) };
                reply = { jsonrpc: '2.0', id: m.id, error };
            }
        }
        if (this.socket !== null)
            this.socket.send(JSON.stringify(reply));
    }
    on(event, handler) {
        let set = this.handlers.get(event);
        const first = set === undefined;
        if (set === undefined) {
            set = new Set();
            this.handlers.set(event, set);
        }
        set.add(handler);
        let ready = Promise.resolve();
        if (first && this.socket !== null && this.socket.readyState === 1) {
            ready = this.track(this.rawSend('rpc.on', [event])).then(() => undefined);
        }
        else if (first) {
            ready = this.connect().then(() => this.lastSubscribe).then(() => undefined);
        }
        ready.catch(() => undefined);
        const off = async () => {
            const s = this.handlers.get(event);
            if (!s || !s.delete(handler) || s.size > 0)
                return;
            this.handlers.delete(event);
            if (this.socket !== null)
                await this.rawSend('rpc.off', [event]);
        };
        return Object.assign(off, { ready });
    }
    expose(name, fn) {
        this.exposed.set(name, fn);
        this.connect().catch(() => undefined);
    }
    close() {
        this.closed = true;
        const socket = this.socket;
        this.socket = null;
        for (const [id, p] of this.pending) {
            g.clearTimeout(p.timer);
            p.reject(new TransportError('the client is closed'));
            this.pending.delete(id);
        }
        if (socket !== null)
            socket.close(1000, 'client closed');
    }
}
