// The jsonws docs page and playground. Served from the binary; builds the Try-it forms from the
// service's model (the `?json` document embedded in the page) and talks to the server through
// the generated JavaScript client of the same service (`?proxy=JavaScript`).

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

/** An element: `h('p', {class: 'x'}, 'text', child)`. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === undefined || v === null) continue;
    if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

const json = (v) => JSON.stringify(v);
const pretty = (v) => JSON.stringify(v, null, 2);
const clock = (d) => d.toTimeString().slice(0, 8) + '.' + String(d.getMilliseconds()).padStart(3, '0');

// ---- Search (both pages) ----------------------------------------------------------------

function setUpSearch() {
  const box = $('#search');
  if (!box) return;
  // Filtering marks the hits and lets one class on the list hide the rest: clearing the search
  // is one class change, not thousands.
  const list = $('main');
  const containers = $$('.kind, .group').map((el) => ({ el, hits: 0 }));
  const byEl = new Map(containers.map((c) => [c.el, c]));
  const items = $$('.item[data-name]').map((el) => {
    const within = [];
    for (let p = el.parentElement; p; p = p.parentElement) if (byEl.has(p)) within.push(byEl.get(p));
    return { el, within, hit: false, name: el.dataset.name.toLowerCase() };
  });
  const none = $('#no-match');
  const apply = () => {
    const q = box.value.trim().toLowerCase();
    if (q === '') {
      list.classList.remove('filtering');
      if (none) none.hidden = true;
      return;
    }
    let shown = 0;
    for (const c of containers) c.hits = 0;
    for (const it of items) {
      const hit = it.name.includes(q);
      if (it.hit !== hit) {
        it.hit = hit;
        it.el.classList.toggle('hit', hit);
      }
      if (hit) {
        shown++;
        for (const c of it.within) c.hits++;
      }
    }
    for (const c of containers) c.el.classList.toggle('hit', c.hits > 0);
    list.classList.add('filtering');
    if (none) none.hidden = shown > 0;
  };
  box.addEventListener('input', apply);
  if (box.value) apply();
}

setUpSearch();

const modelEl = document.getElementById('model');
if (modelEl) startPlayground(JSON.parse(modelEl.textContent));

// ---- The playground ---------------------------------------------------------------------

function startPlayground(model) {
  const pageUrl = location.origin + location.pathname.replace(/\/+$/, '');
  const wsUrl = pageUrl.replace(/^http/, 'ws');
  for (const el of $$('[data-url=http]')) el.textContent = pageUrl;
  for (const el of $$('[data-url=ws]')) el.textContent = wsUrl;
  const clientName = $('#main').dataset.client || 'ServiceClient';
  const conn = $('#conn');

  // The generated client, its WebSocket tapped so the page can show the exact frames.
  let rpc = null;
  let RpcError = Error;
  let lastSent = '';
  const replies = new Map();
  // Batches over the WebSocket carry string ids (`b1`), which the client leaves to the page.
  const batchWaiters = new Map();
  const subscribed = new Set();
  const tap = (Base) =>
    class Tapped extends Base {
      constructor(url, protocols) {
        super(url, protocols);
        this.addEventListener('open', () => setConn(true));
        this.addEventListener('close', () => setConn(false));
        this.addEventListener('message', (e) => frameIn(String(e.data)));
      }
      send(text) {
        lastSent = text;
        super.send(text);
      }
    };
  const setConn = (up) => {
    conn.textContent = up ? 'WebSocket connected' : 'WebSocket closed; reconnecting…';
    conn.classList.toggle('up', up);
  };
  const frameIn = (text) => {
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    for (const m of Array.isArray(parsed) ? parsed : [parsed]) {
      if (!m || typeof m !== 'object') continue;
      if (batchWaiters.has(m.id)) {
        batchWaiters.get(m.id)(text);
        batchWaiters.delete(m.id);
      }
      if (m.method === undefined && m.id !== undefined) replies.set(m.id, text);
      else if (m.id === undefined && subscribed.has(m.method)) logEvent(m.method, m.params);
    }
  };

  // Every server → client request is answered from a dialog, whatever its method.
  class AnyMethod extends Map {
    get(name) {
      return super.get(name) || ((...params) => askPerson(name, params));
    }
    get size() {
      return 1;
    }
  }

  const ready = import(`${pageUrl}?proxy=JavaScript&localName=PageClient`).then((mod) => {
    RpcError = mod.JsonRpcError;
    const client = new mod.PageClient(pageUrl, { WebSocket: tap(WebSocket) });
    rpc = client._rpc;
    rpc.exposed = new AnyMethod();
    conn.textContent = 'WebSocket connecting…';
    rpc.connect().catch(() => setConn(false));
    return client;
  });
  ready.catch((e) => {
    conn.textContent = `The client did not load: ${e}`;
  });

  let nextId = 1;
  const transport = () => ($('input[name=transport]:checked') || {}).value || 'http';

  /** One call; `{reply, request, response, ms, via}` where reply is `{result}` or `{error}`. */
  async function call(method, params) {
    const t0 = performance.now();
    if (transport() === 'ws') {
      await ready;
      await rpc.connect();
      const pending = rpc.rawSend(method, params);
      const request = lastSent;
      const id = JSON.parse(request).id;
      let reply;
      try {
        reply = { result: await pending };
      } catch (e) {
        reply = e instanceof RpcError ? { error: { code: e.code, message: e.message, data: e.data } } : { transport: String(e.message || e) };
      }
      const response = replies.get(id) || '';
      replies.delete(id);
      return { reply, request, response, ms: performance.now() - t0, via: 'WebSocket' };
    }
    const body = { jsonrpc: '2.0', id: nextId++, method };
    if (params !== undefined) body.params = params;
    return post(json(body), t0);
  }

  async function post(request, t0) {
    let response = '';
    let reply;
    try {
      const r = await fetch(pageUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: request });
      response = await r.text();
      if (r.status === 204) reply = { result: undefined };
      else {
        try {
          reply = JSON.parse(response);
        } catch {
          reply = { transport: `HTTP ${r.status}: ${response.slice(0, 200)}` };
        }
      }
    } catch (e) {
      reply = { transport: `cannot reach ${pageUrl}: ${e}` };
    }
    return { reply, request, response, ms: performance.now() - t0, via: 'HTTP' };
  }

  function showReply(out, { reply, request, response, ms, via }) {
    const err = reply.error || (reply.transport !== undefined ? { message: reply.transport } : null);
    const status = h('p', { class: 'status' }, `${err ? 'Error' : 'Result'} · ${ms.toFixed(1)} ms · ${via}`);
    const body = err
      ? h('div', {},
          h('p', {}, err.code !== undefined ? h('span', { class: 'code' }, String(err.code)) : '', ' ', err.message || ''),
          err.data !== undefined ? h('pre', { class: 'data', text: pretty(err.data) }) : null)
      : h('pre', { class: 'result', text: reply.result === undefined ? '(no result)' : pretty(reply.result) });
    const frames = h('details', { class: 'frames' }, h('summary', { text: 'Frames' }),
      h('p', { text: 'Request' }), h('pre', { class: 'frame-request', text: request }),
      h('p', { text: 'Response' }), h('pre', { class: 'frame-response', text: response || '(none)' }));
    out.replaceChildren(h('div', { class: err ? 'res error' : 'res' }, status, body, frames));
  }

  // ---- Forms ----
  let uid = 0;
  const typeOf = (name) => model.types[name];

  /** An input for `spec` ({type, isArray, required, default}) named `path`. */
  function widget(spec, path, label, depth) {
    if (spec.isArray) return arrayWidget(spec, path, label, depth);
    const t = typeOf(spec.type);
    if (t && t.enum) return enumWidget(spec, t, path, label);
    if (t && depth < 4) return structWidget(spec, t, path, label, depth);
    return scalarWidget(spec, path, label, t ? 'object' : spec.type);
  }

  function hintOf(spec) {
    if (spec.default !== undefined) return `= ${json(spec.default)}`;
    return spec.required === false ? 'optional' : '';
  }

  function field(id, label, input, spec, typeName) {
    const hint = hintOf(spec);
    return h('div', { class: 'field' }, h('label', { for: id, text: label }), input,
      h('span', { class: 'hint', text: [typeName, hint].filter(Boolean).join(' ') }));
  }

  function scalarWidget(spec, path, label, type) {
    const id = `in${++uid}`;
    const optional = spec.required === false || spec.default !== undefined;
    const ph = spec.default !== undefined ? json(spec.default) : '';
    let input;
    let get;
    let set;
    if (type === 'bool') {
      input = h('input', { type: 'checkbox', id, name: path });
      if (spec.default === true) input.checked = true;
      get = () => input.checked;
      set = (v) => (input.checked = v === true);
    } else if (type === 'int' || type === 'number') {
      input = h('input', { type: 'number', id, name: path, step: type === 'int' ? '1' : 'any', placeholder: ph, inputmode: type === 'int' ? 'numeric' : 'decimal' });
      get = () => (input.value === '' ? undefined : Number(input.value));
      set = (v) => (input.value = v === undefined || v === null ? '' : String(v));
    } else if (type === 'date') {
      input = h('input', { type: 'datetime-local', id, name: path, step: '0.001' });
      get = () => (input.value === '' ? undefined : new Date(input.value).toISOString());
      set = (v) => {
        const d = v === undefined || v === null ? null : new Date(v);
        input.value = d && !isNaN(d) ? new Date(d - d.getTimezoneOffset() * 60000).toISOString().slice(0, 23) : '';
      };
    } else if (type === 'any' || type === 'object') {
      input = h('textarea', { id, name: path, rows: '2', placeholder: ph || (type === 'object' ? '{"key": "value"}' : 'JSON, or text') });
      get = () => {
        if (input.value.trim() === '') return undefined;
        try {
          return JSON.parse(input.value);
        } catch {
          return input.value;
        }
      };
      set = (v) => (input.value = v === undefined ? '' : json(v));
    } else {
      const kind = type === 'url' ? 'url' : 'text';
      input = h('input', { type: kind, id, name: path, placeholder: ph || (type === 'binary' ? 'base64' : ''), autocomplete: 'off' });
      get = () => (input.value === '' && optional ? undefined : input.value);
      set = (v) => (input.value = v === undefined || v === null ? '' : String(v));
    }
    return { el: field(id, label, input, spec, type), get, set };
  }

  function enumWidget(spec, t, path, label) {
    const id = `in${++uid}`;
    const select = h('select', { id, name: path }, h('option', { value: '', text: '—' }),
      ...Object.entries(t.struct).map(([n, v]) => h('option', { value: n, text: `${n} (${v})` })));
    const get = () => (select.value === '' ? undefined : select.value);
    const set = (v) => {
      const byValue = Object.entries(t.struct).find(([, n]) => n === v);
      select.value = byValue ? byValue[0] : v === undefined || v === null ? '' : String(v);
    };
    return { el: field(id, label, select, spec, t.name), get, set };
  }

  function structWidget(spec, t, path, label, depth) {
    const parts = Object.values(t.struct).map((f) => [f.name, widget(f, `${path}.${f.name}`, f.name, depth + 1)]);
    const hint = hintOf(spec);
    const el = h('fieldset', { class: 'struct' }, h('legend', { text: `${label}: ${t.name}${hint ? ' ' + hint : ''}` }), ...parts.map(([, w]) => w.el));
    const get = () => {
      const out = {};
      let any = false;
      for (const [n, w] of parts) {
        const v = w.get();
        if (v !== undefined) {
          out[n] = v;
          any = true;
        }
      }
      return any || spec.required !== false ? out : undefined;
    };
    const set = (v) => {
      for (const [n, w] of parts) w.set(v && typeof v === 'object' ? v[n] : undefined);
    };
    return { el, get, set };
  }

  function arrayWidget(spec, path, label, depth) {
    const rows = [];
    const list = h('div', { class: 'rows' });
    const item = { ...spec, isArray: false, required: true, default: undefined };
    const add = (value) => {
      const w = widget(item, `${path}.${rows.length}`, `${label}[${rows.length}]`, depth + 1);
      const row = h('div', { class: 'row' }, w.el);
      const entry = { w, row };
      row.append(h('button', { type: 'button', text: 'Remove', 'aria-label': `Remove ${label} item`, onclick: () => {
        rows.splice(rows.indexOf(entry), 1);
        row.remove();
        el.dispatchEvent(new Event('input', { bubbles: true }));
      } }));
      rows.push(entry);
      list.append(row);
      if (value !== undefined) w.set(value);
      return w;
    };
    const hint = hintOf(spec);
    const el = h('fieldset', { class: 'array' }, h('legend', { text: `${label}: [${spec.type}]${hint ? ' ' + hint : ''}` }), list,
      h('button', { type: 'button', text: `Add ${label} item`, onclick: () => {
        add();
        el.dispatchEvent(new Event('input', { bubbles: true }));
      } }));
    const get = () => {
      if (rows.length === 0 && (spec.required === false || spec.default !== undefined)) return undefined;
      return rows.map((r) => r.w.get()).map((v) => (v === undefined ? null : v));
    };
    const set = (v) => {
      rows.splice(0).forEach((r) => r.row.remove());
      if (Array.isArray(v)) v.forEach((x) => add(x));
    };
    return { el, get, set };
  }

  const batch = [];


  function buildTry(section, m) {
    const params = m.params.map((p) => {
      const spec = { ...p, required: p.default === undefined && p.required !== false };
      if (p.optional) spec.required = false;
      return [p.name, widget(spec, p.name, p.name, 0)];
    });
    const out = $('output', section);
    const raw = h('textarea', { class: 'raw', rows: '3', 'aria-label': `Params of ${m.name} as JSON`, hidden: true, spellcheck: 'false' });
    const rawNote = h('span', { class: 'hint', role: 'status' });
    const rawToggle = h('input', { type: 'checkbox', id: `raw${++uid}` });
    const collect = () => {
      if (rawToggle.checked) {
        const text = raw.value.trim();
        return text === '' ? undefined : JSON.parse(text);
      }
      if (params.length === 0) return undefined;
      const obj = {};
      for (const [n, w] of params) {
        const v = w.get();
        if (v !== undefined) obj[n] = v;
      }
      return obj;
    };
    const fill = (value) => {
      params.forEach(([n, w], i) => w.set(Array.isArray(value) ? value[i] : value && typeof value === 'object' ? value[n] : undefined));
    };
    const snippets = snippetBox(m, () => {
      try {
        return collect();
      } catch {
        return undefined;
      }
    });
    const form = h('form', { class: 'call', novalidate: true }, ...params.map(([, w]) => w.el), raw, rawNote,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary', text: 'Call' }),
        h('button', { type: 'button', text: 'Add to batch', onclick: () => {
          try {
            addToBatch(m.name, collect());
          } catch (e) {
            rawNote.textContent = `Not JSON: ${e.message}`;
          }
        } }),
        h('label', { for: rawToggle.id }, rawToggle, ' Raw JSON')));
    form.addEventListener('input', (e) => {
      if (e.target === raw) {
        try {
          const v = raw.value.trim() === '' ? undefined : JSON.parse(raw.value);
          fill(v);
          rawNote.textContent = '';
        } catch (err) {
          rawNote.textContent = `Not JSON yet: ${err.message}`;
        }
      } else if (e.target !== rawToggle) {
        raw.value = pretty(collect() ?? {});
      }
      snippets.update();
    });
    rawToggle.addEventListener('change', () => {
      if (rawToggle.checked) {
        rawToggle.checked = false;
        raw.value = pretty(collect() ?? {});
        rawToggle.checked = true;
      }
      raw.hidden = !rawToggle.checked;
      for (const [, w] of params) w.el.hidden = rawToggle.checked;
      snippets.update();
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      let value;
      try {
        value = collect();
      } catch (err) {
        out.replaceChildren(h('p', { class: 'res error', text: `The params are not JSON: ${err.message}` }));
        return;
      }
      out.replaceChildren(h('p', { class: 'status', text: 'Calling…' }));
      showReply(out, await call(m.name, value));
    });
    $('.try', section).append(form);
    out.after(snippets.el);
  }

  // ---- Copy-as snippets ----
  const shq = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  const snake = (s) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9_]/g, '_').toLowerCase();
  const pyValue = (v) => {
    if (v === null || v === undefined) return 'None';
    if (v === true) return 'True';
    if (v === false) return 'False';
    if (Array.isArray(v)) return `[${v.map(pyValue).join(', ')}]`;
    if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${json(k)}: ${pyValue(x)}`).join(', ')}}`;
    return json(v);
  };
  function positional(m, params) {
    if (Array.isArray(params)) return params;
    const args = m.params.map((p) => (params && typeof params === 'object' ? params[p.name] : undefined));
    while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
    return args;
  }
  const snippetMakers = {
    curl: (m, p) => {
      const body = { jsonrpc: '2.0', id: 1, method: m.name };
      if (p !== undefined) body.params = p;
      return `curl -s ${pageUrl} \\\n  -H 'content-type: application/json' \\\n  -d ${shq(json(body))}`;
    },
    'jsonws call': (m, p) => `jsonws call ${pageUrl} ${m.name}${p === undefined ? '' : ' ' + shq(json(p))}`,
    JavaScript: (m, p) => {
      const args = positional(m, p).map((v) => (v === undefined ? 'undefined' : json(v))).join(', ');
      return `// ${pageUrl}?proxy=JavaScript\nimport { ${clientName} } from './${clientName}.js';\n\n` +
        `const client = new ${clientName}('${pageUrl}');\nconsole.log(await client.${m.name}(${args}));\nclient.close();`;
    },
    Python: (m, p) => {
      const args = positional(m, p).map((v) => pyValue(v)).join(', ');
      const path = m.name.split('.').map(snake).join('.');
      return `# ${pageUrl}?proxy=Python\nfrom ${clientName} import ${clientName}\n\n` +
        `client = ${clientName}(${json(pageUrl)})\nprint(client.${path}(${args}))`;
    },
    Rust: (m, p) =>
      `// Cargo.toml: jsonws, serde_json, tokio\nlet client = jsonws::client::HttpClient::new(${json(pageUrl)})?;\n` +
      `let result: serde_json::Value = client\n    .call(${json(m.name)}, serde_json::json!(${json(p === undefined ? [] : p)}))\n    .await?;\nprintln!("{result}");`,
  };

  function snippetBox(m, params) {
    let lang = 'curl';
    const code = h('code');
    const copy = h('button', { type: 'button', text: 'Copy' });
    const tabs = Object.keys(snippetMakers).map((name) =>
      h('button', { type: 'button', text: name, 'aria-pressed': String(name === lang), onclick: (e) => {
        lang = name;
        for (const t of tabs) t.setAttribute('aria-pressed', String(t === e.currentTarget));
        update();
      } }));
    const el = h('details', { class: 'snippets' }, h('summary', { text: 'Copy as curl, jsonws call, JavaScript, Python, Rust' }),
      h('div', { class: 'snippet-tabs', role: 'group', 'aria-label': 'Language' }, ...tabs), h('pre', {}, code), copy);
    const update = () => {
      if (el.open) code.textContent = snippetMakers[lang](m, params());
    };
    el.addEventListener('toggle', update);
    copy.addEventListener('click', async () => {
      update();
      try {
        await navigator.clipboard.writeText(code.textContent);
        copy.textContent = 'Copied';
      } catch {
        copy.textContent = 'Select and copy';
      }
      setTimeout(() => (copy.textContent = 'Copy'), 1500);
    });
    return { el, update };
  }

  // ---- Batch ----
  const batchList = $('#batch-list');
  const batchOut = $('#batch-out');
  function addToBatch(method, params) {
    const entry = { method, params, notify: false };
    batch.push(entry);
    renderBatch();
  }
  function renderBatch() {
    batchList.replaceChildren(...batch.map((entry, i) => {
      const id = `bn${++uid}`;
      const box = h('input', { type: 'checkbox', id, onchange: () => (entry.notify = box.checked) });
      box.checked = entry.notify;
      return h('li', {}, h('code', { text: entry.method }), ' ', h('code', { class: 'mono', text: entry.params === undefined ? '' : json(entry.params) }),
        h('label', { for: id }, box, ' Notification'),
        ' ', h('button', { type: 'button', text: 'Remove', 'aria-label': `Remove call ${i + 1} from the batch`, onclick: () => {
          batch.splice(batch.indexOf(entry), 1);
          renderBatch();
        } }));
    }));
    $('#batch-hint').hidden = batch.length > 0;
  }
  $('#clear-batch').addEventListener('click', () => {
    batch.splice(0);
    renderBatch();
    batchOut.replaceChildren();
  });
  $('#send-batch').addEventListener('click', async () => {
    if (batch.length === 0) {
      batchOut.replaceChildren(h('p', { class: 'hint', text: 'The batch is empty: add calls with “Add to batch”.' }));
      return;
    }
    const overWs = transport() === 'ws';
    const calls = batch.map((e) => {
      const c = { jsonrpc: '2.0', method: e.method };
      if (e.params !== undefined) c.params = e.params;
      if (!e.notify) c.id = overWs ? `b${nextId++}` : nextId++;
      return c;
    });
    const t0 = performance.now();
    const { reply, request, response, ms, via } = overWs ? await sendBatchWs(calls, t0) : await post(json(calls), t0);
    const byId = new Map((Array.isArray(reply) ? reply : []).map((r) => [r.id, r]));
    const items = calls.map((c) => {
      if (c.id === undefined) return h('li', { class: 'batch-item' }, h('code', { text: c.method }), ' notification: no reply');
      const r = byId.get(c.id);
      const text = !r ? 'no reply' : r.error ? `error ${r.error.code} ${r.error.message}` : json(r.result);
      return h('li', { class: r && !r.error ? 'batch-item batch-result' : 'batch-item batch-error' }, h('code', { text: c.method }), ' → ', h('span', { class: 'mono', text }));
    });
    const failed = reply.transport !== undefined ? h('p', { class: 'code', text: reply.transport }) : null;
    batchOut.replaceChildren(h('div', { class: 'res' }, h('p', { class: 'status', text: `${byId.size} replies · ${ms.toFixed(1)} ms · ${via}` }), failed,
      h('ol', {}, ...items),
      h('details', { class: 'frames' }, h('summary', { text: 'Frames' }), h('p', { text: 'Request' }), h('pre', { text: request }),
        h('p', { text: 'Response' }), h('pre', { text: response || '(none)' }))));
  });

  async function sendBatchWs(calls, t0) {
    const request = json(calls);
    const first = calls.find((c) => c.id !== undefined);
    try {
      await ready;
      await rpc.connect();
      let response = '';
      if (first) {
        const got = new Promise((resolve) => batchWaiters.set(first.id, resolve));
        rpc.socket.send(request);
        let timer;
        const late = new Promise((resolve) => (timer = setTimeout(() => resolve(''), rpc.timeoutMs)));
        response = await Promise.race([got, late]);
        clearTimeout(timer);
        batchWaiters.delete(first.id);
      } else rpc.socket.send(request);
      const reply = response === '' ? (first ? { transport: 'no reply in time' } : []) : JSON.parse(response);
      return { reply, request, response, ms: performance.now() - t0, via: 'WebSocket' };
    } catch (e) {
      return { reply: { transport: String(e.message || e) }, request, response: '', ms: performance.now() - t0, via: 'WebSocket' };
    }
  }

  // ---- Events ----
  const log = $('#log');
  let paused = false;
  const waiting = [];
  function logEvent(name, params) {
    const at = new Date();
    const data = Array.isArray(params) && params.length === 1 ? params[0] : params;
    const li = h('li', { class: 'event-entry' }, h('time', { datetime: at.toISOString(), text: clock(at) }), h('code', { text: name }),
      h('pre', { text: data === undefined ? '(no data)' : json(data) }));
    if (paused) {
      waiting.push(li);
      $('#paused').textContent = `${waiting.length} waiting`;
      return;
    }
    log.prepend(li);
    while (log.children.length > 500) log.lastElementChild.remove();
  }
  $('#pause').addEventListener('click', (e) => {
    paused = !paused;
    e.currentTarget.setAttribute('aria-pressed', String(paused));
    e.currentTarget.textContent = paused ? 'Resume' : 'Pause';
    if (!paused) {
      for (const li of waiting.splice(0)) log.prepend(li);
      $('#paused').textContent = '';
    }
  });
  $('#clear').addEventListener('click', () => log.replaceChildren());
  for (const button of $$('button.sub')) {
    const name = button.dataset.event;
    let off = null;
    button.addEventListener('click', async () => {
      const client = await ready;
      button.disabled = true;
      try {
        if (off) {
          subscribed.delete(name);
          await off();
          off = null;
        } else {
          subscribed.add(name);
          off = client._rpc.on(name, () => undefined);
          await off.ready;
        }
      } catch (e) {
        subscribed.delete(name);
        off = null;
        logEvent('error', [`${name}: ${e.message || e}`]);
      }
      button.disabled = false;
      button.textContent = off ? 'Unsubscribe' : 'Subscribe';
      button.setAttribute('aria-label', `${off ? 'Unsubscribe from' : 'Subscribe to'} ${name}`);
    });
  }

  // ---- Server → client requests ----
  function askPerson(method, params) {
    return new Promise((resolve, reject) => {
      const n = ++uid;
      const input = h('input', { type: 'text', id: `answer${n}`, autocomplete: 'off' });
      const close = () => dialog.remove();
      const answer = () => {
        const text = input.value;
        let value;
        try {
          value = JSON.parse(text);
        } catch {
          value = text;
        }
        close();
        resolve(value);
      };
      const dialog = h('div', { role: 'dialog', class: 'dialog', 'aria-labelledby': `dlg${n}` },
        h('h2', { id: `dlg${n}` }, 'The server calls ', h('code', { text: method })),
        h('p', { class: 'hint', text: 'Params' }), h('pre', { text: json(params) }),
        h('form', { class: 'answer', onsubmit: (e) => {
          e.preventDefault();
          answer();
        } },
          h('label', { for: input.id, text: 'Answer' }), input,
          h('button', { type: 'submit', class: 'primary', text: 'Answer' }),
          h('button', { type: 'button', text: 'Reject', onclick: () => {
            close();
            reject(new RpcError(-32000, `${method} was rejected on the docs page`));
          } })));
      document.body.append(dialog);
      input.focus();
    });
  }

  // The forms: all of them now for a service of ordinary size; for a large one, each form when
  // its section comes near the viewport (building thousands at once, or even in slices,
  // re-lays out the whole page each time and keeps it busy for seconds).
  const unbuilt = new Map();
  for (const section of $$('section.method')) {
    const m = model.methods[section.dataset.name];
    if (m) unbuilt.set(section, m);
  }
  const build = (section) => {
    const m = unbuilt.get(section);
    if (!m) return;
    unbuilt.delete(section);
    buildTry(section, m);
  };
  if (unbuilt.size <= 200) {
    for (const section of [...unbuilt.keys()]) build(section);
  } else {
    const near = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (e.isIntersecting) {
          build(e.target);
          near.unobserve(e.target);
        }
      }
    }, { rootMargin: '800px 0px' });
    for (const section of unbuilt.keys()) near.observe(section);
  }
  // The page is interactive (the benchmark waits for this mark).
  performance.mark('jsonws-ready');
}
