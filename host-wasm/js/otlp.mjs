// otlp-portable for browsers, web workers, edge workers and node: a thin JS layer over the C++
// core compiled to otlp.wasm. The core records spans and log records, batches them and decides
// retries; this file passes strings in, runs one host loop for both signals (timers, or none in
// 'manual' mode) and sends request bodies with fetch(). No eval: the .wasm is instantiated with a
// few small imports.
const enc = new TextEncoder();
const dec = new TextDecoder();
const KEEPALIVE_BYTES = 60000; // browsers cap in-flight keepalive bodies at ~64 KiB in total
const KEEPALIVE_REQUESTS = 4;
const KINDS = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };
export const SpanKind = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 };
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 };
export const SeverityNumber = { UNSPECIFIED: 0, TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, FATAL: 21 };
const BATCH = { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30000 };
const OPTIONS = ['endpoint', 'protocol', 'headers', 'compression', 'serviceName', 'resourceAttributes', 'sampler',
  'samplerArg', 'batch', 'mode', 'maxRequestBytes', 'scopeName', 'scopeVersion', 'fetch', 'wasmBinary', 'wasmModule',
  'pageLifecycle', 'logs'];

const perf = globalThis.performance;
const origin = perf && perf.timeOrigin; // read once: the getter is not free
const nowMs = origin ? () => origin + perf.now() : () => Date.now();

// The module for the protocol and signals: otlp.wasm encodes OTLP/protobuf spans only (the
// smallest), otlp-logs.wasm log records too, otlp-json.wasm both protocols and both signals. Each
// is compiled once per page. The URLs stay literal so that bundlers find the files.
const defaultModules = {};
function compile(o, json, logs) {
  if (o.wasmModule) return o.wasmModule;
  if (o.wasmBinary) return WebAssembly.compile(o.wasmBinary);
  return (defaultModules[json ? 2 : logs ? 1 : 0] ??= (async () => {
    const url = json ? new URL('./otlp-json.wasm', import.meta.url)
      : logs ? new URL('./otlp-logs.wasm', import.meta.url) : new URL('./otlp.wasm', import.meta.url);
    if (url.protocol === 'file:') {
      const fs = 'node:fs/promises'; // a runtime that reads files (node); bundlers leave it alone
      return WebAssembly.compile(await (await import(fs)).readFile(url));
    }
    const res = fetch(url);
    return WebAssembly.compileStreaming ? WebAssembly.compileStreaming(res)
      : WebAssembly.compile(await (await res).arrayBuffer());
  })());
}

function bad(option, want, got) {
  const shown = typeof got === 'string' ? `'${got}'` : typeof got === 'object' ? JSON.stringify(got) : String(got);
  return new Error(`createTracer: option '${option}' must be ${want}, got ${shown}`);
}
// A batch option, or -1 when not given: each signal's queue then keeps its own default.
function count(o, name, min) {
  const v = o[name];
  if (v === undefined) return -1;
  if (!Number.isInteger(v) || v < min) throw bad(`batch.${name}`, `an integer >= ${min}`, v);
  return v;
}

// A time as whole milliseconds since the epoch (returned) plus nanoseconds (left in `ns`), from a
// number (ms), a Date or an HrTime [seconds, nanos]; 0: now. Two parts, so nanoseconds survive.
let ns = 0;
function toMs(t) {
  ns = 0;
  if (t === undefined) return 0;
  let ms;
  if (typeof t === 'number') ms = t;
  else if (t instanceof Date) ms = t.getTime();
  else if (Array.isArray(t)) { ms = t[0] * 1e3 + Math.floor(t[1] / 1e6); ns = t[1] % 1e6; return ms; }
  else throw new TypeError(`otlp: a time must be a number of ms, a Date or [seconds, nanos], got ${t}`);
  const whole = Math.floor(ms);
  ns = Math.round((ms - whole) * 1e6);
  return whole;
}
const hex = (n) => (n >>> 0).toString(16).padStart(8, '0');
// Ids travel as six big-endian 32-bit words (w0-w3 trace id, w4-w5 span id), kept as plain
// number fields so that a span allocates nothing else; hex is their concatenation.
const word = (h, i) => parseInt(h.slice(8 * i, 8 * i + 8), 16);
function readWords(o, dv, at) {
  o.w0 = dv.getUint32(at, false); o.w1 = dv.getUint32(at + 4, false); o.w2 = dv.getUint32(at + 8, false);
  o.w3 = dv.getUint32(at + 12, false); o.w4 = dv.getUint32(at + 16, false); o.w5 = dv.getUint32(at + 20, false);
}

class Context {
  constructor(flags, state, remote) { this.traceFlags = flags; this.traceState = state; this.isRemote = remote; }
  get traceId() { return hex(this.w0) + hex(this.w1) + hex(this.w2) + hex(this.w3); }
  get spanId() { return hex(this.w4) + hex(this.w5); }
}

export async function createTracer(options = {}) {
  if (typeof options !== 'object' || options === null) throw new Error('createTracer: options must be an object');
  for (const k of Object.keys(options)) if (!OPTIONS.includes(k)) throw new Error(`createTracer: unknown option '${k}'`);
  const o = options;
  // The base URL: each request goes to it plus its signal's path (/v1/traces, /v1/logs).
  const endpoint = (o.endpoint ?? 'http://localhost:4318').replace(/\/$/, '');
  try { new URL(endpoint, globalThis.location?.href); } catch { throw bad('endpoint', 'a URL', endpoint); }
  const protocol = o.protocol ?? 'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') throw bad('protocol', "'http/protobuf' or 'http/json'", protocol);
  const compression = o.compression ?? 'none';
  if (compression !== 'gzip' && compression !== 'none') throw bad('compression', "'gzip' or 'none'", compression);
  const mode = o.mode ?? 'timer';
  if (mode !== 'timer' && mode !== 'manual') throw bad('mode', "'timer' or 'manual'", mode);
  const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
  const headers = typeof Headers === 'function' && o.headers instanceof Headers ? Object.fromEntries(o.headers) : o.headers ?? {};
  if (!isObject(headers) || Object.values(headers).some((v) => typeof v !== 'string'))
    throw bad('headers', 'an object of strings', headers);
  if (o.resourceAttributes !== undefined && !isObject(o.resourceAttributes))
    throw bad('resourceAttributes', 'an object', o.resourceAttributes);
  for (const k of ['scopeName', 'scopeVersion'])
    if (o[k] !== undefined && typeof o[k] !== 'string') throw bad(k, 'a string', o[k]);
  // The sampler and its argument are checked in one place, core's make_sampler (otlp_create).
  const sampler = o.sampler ?? 'parentbased_always_on';
  const samplerArg = o.samplerArg === undefined ? '' : String(o.samplerArg);
  const b = o.batch ?? {};
  if (!isObject(b)) throw bad('batch', 'an object', b);
  for (const k of Object.keys(b)) if (!(k in BATCH)) throw new Error(`createTracer: unknown option 'batch.${k}'`);
  const queue = count(b, 'maxQueueSize', 1), batch = count(b, 'maxExportBatchSize', 1);
  // (Both signals' queue and batch defaults are BATCH's.)
  const q = queue < 0 ? BATCH.maxQueueSize : queue, n = batch < 0 ? BATCH.maxExportBatchSize : batch;
  if (n > q) throw bad('batch.maxExportBatchSize', `at most batch.maxQueueSize (${q})`, n);
  const delay = count(b, 'scheduledDelayMillis', 0), timeout0 = count(b, 'exportTimeoutMillis', 1);
  const timeout = timeout0 < 0 ? BATCH.exportTimeoutMillis : timeout0;
  const maxRequestBytes = o.maxRequestBytes ?? KEEPALIVE_BYTES;
  if (!Number.isInteger(maxRequestBytes) || maxRequestBytes < 1024) throw bad('maxRequestBytes', 'an integer >= 1024', maxRequestBytes);
  const doFetch = o.fetch ?? globalThis.fetch;
  // The platform's fetch copies a body before it returns (the Fetch standard's "extract a
  // body"), so it is handed a view of the module's memory; a fetch of the app's own may keep
  // the body for later, so it gets a copy.
  const ownFetch = doFetch !== globalThis.fetch;
  if (typeof doFetch !== 'function') throw bad('fetch', 'a function (this runtime has no fetch)', doFetch);
  const resource = { 'service.name': 'unknown_service:web', ...o.resourceAttributes,
    'telemetry.sdk.language': 'webjs', 'telemetry.sdk.name': 'otlp-portable' };
  if (o.serviceName !== undefined) {
    if (typeof o.serviceName !== 'string') throw bad('serviceName', 'a string', o.serviceName);
    resource['service.name'] = o.serviceName;
  }

  const json = protocol === 'http/json';
  if (o.logs !== undefined && typeof o.logs !== 'boolean') throw bad('logs', 'a boolean', o.logs);
  const mod = await compile(o, json, o.logs);
  const inst = await WebAssembly.instantiate(mod, {
    env: { now_ms: nowMs, format_double: (...a) => formatDouble(...a), parse_double: (p, n) => { fresh(); return Number(dec.decode(u8.subarray(p, p + n))); }, emscripten_notify_memory_growth() {} },
    wasi_snapshot_preview1: { proc_exit(code) { throw new Error(`otlp: the module exited (${code})`); } },
  });
  const x = inst.exports;
  if (o.logs && !x.otlp_emit) throw bad('logs', 'false with this module (otlp.wasm has no logs: give otlp-logs.wasm)', true);
  // The logs half of this file (otlp-logs.mjs), for a module with log calls that logs were
  // asked for: with option `logs`, or by handing over such a module (otlp-logs.wasm or
  // otlp-json.wasm as wasmBinary/wasmModule). A page that only traces never downloads it.
  const logsHalf = x.otlp_emit && (o.logs || o.wasmBinary || o.wasmModule) && await import('./otlp-logs.mjs');
  x._initialize?.();
  const memory = x.memory;
  let u8 = new Uint8Array(memory.buffer), dv = new DataView(memory.buffer);
  const io = x.otlp_io();
  let base = 0, cap = 0, pos = 0; // the scratch buffer and the write position in it
  // Views go stale when memory grows (the old buffer is detached: length 0).
  const fresh = () => { if (u8.length === 0) { u8 = new Uint8Array(memory.buffer); dv = new DataView(memory.buffer); } };
  // A new tape at the start of the scratch buffer.
  const begin = () => { pos = 0; fresh(); };
  // Room for n more bytes. Growing moves the buffer, so tapes are written at offsets (pos) and
  // turned into addresses (base + offset) only when a call is made.
  const room = (n) => { if (pos + n > cap) { cap = Math.max(2 * cap, pos + n, 4096); base = x.otlp_scratch(cap); fresh(); } };
  function formatDouble(v, precision, fixed, out, capacity) {
    const s = fixed ? v.toFixed(precision) : formatG(v, precision);
    fresh();
    return enc.encodeInto(s, u8.subarray(out, out + capacity - 1)).written;
  }

  // ---- tapes: what a call needs, written in one pass (the format is in host.hpp) ---------------
  // A str: u32 length, UTF-8. ASCII up to 64 characters is copied by hand: cheaper than
  // encodeInto and the view it needs (the standard log body, 31 characters, took that path at 24).
  function str(s) {
    if (typeof s !== 'string') s = String(s);
    const len = s.length;
    room(4 + 3 * len);
    const at = base + pos + 4;
    let n = 0;
    if (len <= 64) for (; n < len; n++) { const c = s.charCodeAt(n); if (c > 127) break; u8[at + n] = c; }
    if (n < len) n = enc.encodeInto(s, u8.subarray(at, at + 3 * len)).written;
    dv.setUint32(at - 4, n, true);
    pos += 4 + n;
  }
  // A str as (address, length) arguments, once the whole tape is written: at(o), len(o).
  const at = (o) => base + o + 4, len = (o) => dv.getUint32(base + o, true);
  // Keys are interned: the first use registers the key, later ones send its number.
  const keyIds = new Map();
  function key(k) {
    let id = keyIds.get(k);
    if (id === undefined) {
      const o = pos;
      str(k);
      if (keyIds.size >= 4096 || len(o) > 1024) return; // past that, keys travel inline
      id = (x.otlp_key(at(o), len(o)) | 0x80000000) >>> 0;
      keyIds.set(k, id);
      pos = o;
      fresh();
    }
    room(4);
    dv.setUint32(base + pos, id, true);
    pos += 4;
  }
  function scalar(v, type) {
    if (type === 1) return str(v);
    room(8);
    const a = base + pos;
    if (type === 2) { u8[a] = v ? 1 : 0; pos += 1; return; }
    if (type === 4) dv.setFloat64(a, v, true);
    else if (typeof v === 'bigint') dv.setBigInt64(a, v, true);
    else { const hi = Math.floor(v / 4294967296); dv.setUint32(a, v - hi * 4294967296, true); dv.setInt32(a + 4, hi, true); }
    pos += 8;
  }
  const typeOf = (v) => typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : typeof v === 'bigint' ? 3
    : typeof v === 'number' ? (Number.isSafeInteger(v) ? 3 : 4) : 0;
  // A list of attributes. Values of other types are skipped, as in the OTel API.
  function list(attrs) {
    room(8);
    const head = pos;
    let n = 0, arrays = 0;
    pos += 8;
    if (attrs) {
      for (const k in attrs) {
        const v = attrs[k];
        let t = typeOf(v);
        if (t) {
          room(1); u8[base + pos++] = t; key(k); scalar(v, t);
        } else if (Array.isArray(v)) {
          t = v.length ? typeOf(v[0]) : 1;
          if (t === 3 && v.some((e) => !Number.isSafeInteger(e) && typeof e !== 'bigint')) t = 4;
          if (!t || v.some((e) => (typeOf(e) === 3 && t === 4 ? 4 : typeOf(e)) !== t)) continue;
          room(1); u8[base + pos++] = 5; key(k);
          room(5); u8[base + pos] = t; dv.setUint32(base + pos + 1, v.length, true); pos += 5;
          for (const e of v) scalar(e, t);
          arrays++;
        } else continue;
        n++;
      }
    }
    dv.setUint32(base + head, n, true);
    dv.setUint32(base + head + 4, arrays, true);
  }
  // A parent or link context (a Span or a Context: both carry w0-w5).
  function context(c) {
    room(26);
    const a = base + pos;
    dv.setUint32(a, c.w0, false); dv.setUint32(a + 4, c.w1, false); dv.setUint32(a + 8, c.w2, false);
    dv.setUint32(a + 12, c.w3, false); dv.setUint32(a + 16, c.w4, false); dv.setUint32(a + 20, c.w5, false);
    u8[a + 24] = c.traceFlags; u8[a + 25] = c.isRemote ? 1 : 0;
    pos += 26;
    str(c.traceState);
  }
  // A plain {traceId, spanId, ...} object is parsed once (apps pass the same one repeatedly).
  const parsed = new WeakMap();
  function asContext(p) {
    if (p instanceof Span || p instanceof Context) return p;
    if (!p || typeof p.traceId !== 'string' || typeof p.spanId !== 'string') return undefined;
    let c = parsed.get(p);
    if (c && c.tid === p.traceId && c.sid === p.spanId && c.traceFlags === (p.traceFlags ?? 0) &&
      c.traceState === (p.traceState ?? '') && c.isRemote === !!p.isRemote) return c;
    c = new Context(p.traceFlags ?? 0, p.traceState ?? '', !!p.isRemote);
    c.w0 = word(p.traceId, 0); c.w1 = word(p.traceId, 1); c.w2 = word(p.traceId, 2); c.w3 = word(p.traceId, 3);
    c.w4 = word(p.spanId, 0); c.w5 = word(p.spanId, 1);
    c.tid = p.traceId; c.sid = p.spanId;
    parsed.set(p, c);
    return c;
  }
  const readContext = (state, remote) => {
    fresh();
    const c = new Context(u8[io + 56], state, remote);
    readWords(c, dv, io + 32);
    return c;
  };

  // Core's messages name OTEL_* settings; here they are options. A protobuf-only module refuses
  // OTLP/JSON ("protocol: ..."), which the default loading never gives it.
  const lower = (m) => m.startsWith('protocol:')
    ? "protocol 'http/json' needs otlp-json.wasm (wasmBinary/wasmModule is the protobuf-only otlp.wasm)"
    : m.replace('OTEL_TRACES_SAMPLER_ARG', "option 'samplerArg'").replace('OTEL_TRACES_SAMPLER', "option 'sampler'");
  const seeds = crypto.getRandomValues(new Uint32Array(4));
  begin();
  for (const s of [sampler, samplerArg, o.scopeName ?? 'otlp-portable', o.scopeVersion ?? '0.1.0']) str(s);
  list(resource);
  const err = x.otlp_create(queue, batch, delay, timeout0, maxRequestBytes, json ? 1 : 0,
    seeds[0], seeds[1], seeds[2], seeds[3], base, pos);
  if (err) { fresh(); throw new Error(`createTracer: ${lower(dec.decode(u8.subarray(x.otlp_text(), x.otlp_text() + err)))}`); }

  // ---- the host loop ---------------------------------------------------------------------
  const gzip = compression === 'gzip' && typeof CompressionStream === 'function';
  const page = typeof document !== 'undefined';
  let timer = null, timerAt = Infinity, pumpQueued = false, closed = false, unloading = false;
  let inFlight = 0, kaBytes = 0, kaCount = 0;
  const waiters = [];

  function arm() {
    if (mode !== 'timer' || closed) return;
    const d = x.otlp_next_deadline();
    if (d === Infinity) { if (timer) { clearTimeout(timer); timer = null; timerAt = Infinity; } return; }
    if (timer && d >= timerAt) { if (waiters.length) timer.ref?.(); return; }
    if (timer) clearTimeout(timer);
    timerAt = d;
    timer = setTimeout(() => { timer = null; timerAt = Infinity; pump(); }, Math.max(1, d - nowMs()));
    // Nothing awaits a flush: let node exit (browsers have no unref).
    if (!waiters.length) timer.unref?.();
  }
  function pump() {
    pumpQueued = false;
    const now = nowMs();
    let id;
    while ((id = x.otlp_next_request(now))) {
      fresh();
      const r = (i) => dv.getUint32(io + 64 + 4 * i, true), p = r(0), path = r(10);
      const body = u8.subarray(p, p + r(1));
      send(id, ownFetch ? body.slice() : body, dv.getFloat64(io + 96, true), r(5), dec.decode(u8.subarray(path, path + r(11))));
    }
    settle();
    arm();
  }
  const schedule = () => { if (!pumpQueued) { pumpQueued = true; queueMicrotask(pump); } };

  function send(id, body, deadline, signal, path) {
    inFlight++;
    const h = { 'content-type': json ? 'application/json' : 'application/x-protobuf', ...headers };
    const go = (payload) => {
      const size = payload.length; // a view of the module's memory reads 0 once memory grows
      // keepalive only in pages (it is what survives unload); some edge runtimes refuse the field.
      const keepalive = page && kaBytes + size <= KEEPALIVE_BYTES && kaCount < KEEPALIVE_REQUESTS;
      if (keepalive) { kaBytes += size; kaCount++; }
      const init = { method: 'POST', headers: h, body: payload };
      if (keepalive) init.keepalive = true;
      const wait = deadline - nowMs();
      if (AbortSignal.timeout) init.signal = AbortSignal.timeout(Math.max(1, Math.ceil(wait)));
      return doFetch(endpoint + path, init).then(async (res) => {
        const status = res.status;
        const retryAfter = res.headers.get('retry-after') ?? '';
        // A 2xx body goes to the module as it came (core reads its partial success); an error's
        // start is its message.
        if (status >= 200 && status < 300) return [status, retryAfter, new Uint8Array(await res.arrayBuffer())];
        return [status, retryAfter, (await res.text().catch(() => '')).slice(0, 256)];
      }).catch((e) => [0, '', e && e.name === 'TimeoutError' ? 'timeout' : String(e && e.message || e)])
        .finally(() => { if (keepalive) { kaBytes -= size; kaCount--; } });
    };
    // Compression is asynchronous; a page being unloaded has no time for it.
    const sent = gzip && !unloading
      ? new Response(new Blob([body]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer()
        .then((z) => { h['content-encoding'] = 'gzip'; return go(new Uint8Array(z)); },
          (e) => [0, '', `gzip failed: ${e && e.message}`])
      : go(body);
    sent.then(([status, retryAfter, answer]) => {
      inFlight--;
      begin();
      str(retryAfter);
      const m = pos;
      if (typeof answer === 'string') str(answer);
      else { room(4 + answer.length); u8.set(answer, base + m + 4); dv.setUint32(base + m, answer.length, true); pos += 4 + answer.length; }
      x.otlp_result(signal, id, nowMs(), status, at(0), len(0), at(m), len(m));
      pump();
    });
  }

  // The counters of signal 0 (traces) or 1 (logs: `ended` counts emitted records).
  function readStats(signal) {
    const errLen = x.otlp_stats(signal);
    fresh();
    const v = (i) => dv.getFloat64(io + 128 + 8 * i, true);
    const t = x.otlp_text();
    const s = { ended: v(2), dropped: v(3), exported: v(4), rejected: v(5), failed: v(6),
      queued: v(7), requests: v(8), retries: v(9), bytesSent: v(10),
      exportLatencyMs: { p50: v(11), p95: v(12), p99: v(13) }, lastError: dec.decode(u8.subarray(t, t + errLen)) };
    if (signal) { s.emitted = s.ended; delete s.ended; } else { s.started = v(0); s.sampledOut = v(1); }
    return s;
  }
  // The traces' counters, with the logs' as `logs`.
  const stats = () => { const s = readStats(0); s.logs = readStats(1); return s; };
  function settle() {
    for (let i = 0; i < waiters.length; i++) {
      const w = waiters[i];
      const state = ['pending', 'done', 'timed_out'][x.otlp_flush_state(w.ticket)];
      // Without timers a retry waiting for its backoff cannot be awaited: a manual-mode flush
      // with nothing left in flight resolves as 'pending'.
      if (state === 'pending' && !(mode === 'manual' && inFlight === 0 && !pumpQueued)) continue;
      waiters.splice(i--, 1);
      const s = stats(), d = (k) => s[k] + s.logs[k] - w.before[k] - w.before.logs[k];
      const out = { state, exported: d('exported'), rejected: d('rejected'), failed: d('failed'), dropped: d('dropped') };
      out.ok = state === 'done' && !out.rejected && !out.failed && !out.dropped;
      const error = s.lastError || s.logs.lastError;
      if (!out.ok && error) out.error = error;
      w.resolve(out);
    }
  }
  function flushTicket(ticket) {
    return new Promise((resolve) => { waiters.push({ ticket, resolve, before: stats() }); pump(); });
  }

  // ---- spans -----------------------------------------------------------------------------
  function start(name, opts = {}) {
    begin();
    str(name);
    let parent = 0, pc;
    if (opts.parent !== undefined && (pc = asContext(opts.parent))) { parent = 1; context(pc); }
    list(opts.attributes);
    room(4);
    const linksAt = pos;
    let links = 0;
    pos += 4;
    if (opts.links) for (const l of opts.links) { const c = asContext(l?.context); if (c) { context(c); list(l.attributes); links++; } }
    dv.setUint32(base + linksAt, links, true);
    const k = opts.kind;
    const kind = typeof k === 'number' ? k : k === undefined ? 1 : KINDS[k] ?? 1;
    const h = x.otlp_start(kind, parent, toMs(opts.startTime), ns, base, pos);
    fresh();
    return new Span(ops, h, dv, io, pc ? pc.traceState : '');
  }
  // A str alone, for the calls that take (address, length) pairs.
  const one = (s) => { begin(); str(s); };
  // What a recording span (handle h) calls.
  const ops = {
    attrs(h, a) { begin(); list(a); x.otlp_set_attributes(h, base, pos); },
    event(h, name, a, time) { begin(); str(name); list(a); x.otlp_add_event(h, toMs(time), ns, base, pos); },
    link(h, c, a) {
      const ctx = asContext(c);
      if (!ctx) return;
      begin(); context(ctx); list(a);
      x.otlp_add_link(h, base, pos);
    },
    status(h, code, message) { one(message ?? ''); x.otlp_set_status(h, code, at(0), len(0)); },
    name(h, name) { one(name); x.otlp_update_name(h, at(0), len(0)); },
    exception(h, e, time) {
      const t = typeof e === 'string' ? '' : e?.name ?? e?.constructor?.name ?? '';
      const msg = typeof e === 'string' ? e : e?.message ?? String(e), stack = typeof e === 'string' ? '' : e?.stack ?? '';
      one(t);
      const m = pos;
      str(msg);
      const st = pos;
      str(stack);
      x.otlp_record_exception(h, at(0), len(0), at(m), len(m), at(st), len(st), toMs(time), ns);
    },
    end(h, time) { queued(x.otlp_end(h, toMs(time), ns)); },
  };
  // After a span ended or a record was emitted: a full batch leaves now, else the timer runs.
  function queued(ready) {
    if (ready) schedule();
    else if (mode === 'timer' && !timer && !closed) arm();
  }

  // ---- logs: otlp-logs.mjs, writing its tapes with these ------------------------------------
  const noLogs = () => { throw new Error("logger: this tracer's module has no logs (createTracer with option 'logs: true')"); };
  const logs = logsHalf ? logsHalf.logsApi({
    x, queued, begin, str, scalar, typeOf, list, context, asContext, toMs, ns: () => ns, base: () => base, pos: () => pos,
    byte(b) { room(1); u8[base + pos++] = b; },
    slot() { room(4); pos += 4; return pos - 4; },
    fill(o, n) { dv.setUint32(base + o, n, true); },
  }) : { logger: noLogs, bridgeConsole: noLogs };

  // ---- page lifecycle: send what is queued while the page can still send ---------------------
  const onHidden = () => {
    if (closed) return;
    unloading = true;
    // Several small requests at once, so that each fits the keepalive budget.
    x.otlp_request_limits(Math.floor(KEEPALIVE_BYTES / KEEPALIVE_REQUESTS), KEEPALIVE_REQUESTS);
    const done = () => { unloading = false; x.otlp_request_limits(maxRequestBytes, 1); };
    flushTicket(x.otlp_flush(nowMs(), timeout, 0)).then(done, done);
  };
  const onVisibility = () => { if (globalThis.document?.visibilityState === 'hidden') onHidden(); };
  const lifecycle = (o.pageLifecycle ?? true) && typeof document !== 'undefined' && typeof addEventListener === 'function';
  if (lifecycle) { document.addEventListener('visibilitychange', onVisibility); addEventListener('pagehide', onHidden); }

  const tracer = {
    startSpan: (name, opts) => { if (typeof name !== 'string') throw new TypeError('startSpan: name must be a string'); return start(name, opts); },
    inject(carrier, span) {
      const c = span instanceof Span ? span.spanContext() : asContext(span);
      if (!c) return carrier;
      const tp = `00-${c.traceId}-${c.spanId}-${(c.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
      const set = (k, v) => typeof carrier.set === 'function' ? carrier.set(k, v) : (carrier[k] = v);
      set('traceparent', tp);
      if (c.traceState) set('tracestate', c.traceState);
      return carrier;
    },
    extract(carrier) {
      const get = (k) => typeof carrier?.get === 'function' ? carrier.get(k)
        : carrier && (carrier[k] ?? Object.entries(carrier).find(([n]) => n.toLowerCase() === k)?.[1]);
      const tp = get('traceparent');
      if (typeof tp !== 'string') return undefined;
      const ts = get('tracestate');
      one(tp);
      const t2 = pos;
      str(typeof ts === 'string' ? ts : '');
      const r = x.otlp_extract(at(0), len(0), at(t2), len(t2));
      return r ? readContext(r & 2 ? ts.trim() : '', true) : undefined;
    },
    logger: logs.logger,
    bridgeConsole: logs.bridgeConsole,
    flush(timeoutMs = timeout) { return closed ? Promise.resolve({ state: 'done', ok: true, exported: 0, rejected: 0, failed: 0, dropped: 0 }) : flushTicket(x.otlp_flush(nowMs(), timeoutMs, 0)); },
    async shutdown(timeoutMs = timeout) {
      if (closed) return { state: 'done', ok: true, exported: 0, rejected: 0, failed: 0, dropped: 0 };
      const out = await flushTicket(x.otlp_flush(nowMs(), timeoutMs, 1));
      closed = true;
      if (timer) clearTimeout(timer);
      if (lifecycle) { document.removeEventListener('visibilitychange', onVisibility); removeEventListener('pagehide', onHidden); }
      return out;
    },
    stats,
    memory,
  };
  return tracer;
}

// A span: calls on an ended or unsampled span do nothing. It carries its ids as w0-w5, so it
// serves as a parent or link context itself.
export class Span {
  constructor(ops, h, dv, io, state) {
    this._o = ops; this._h = h;
    readWords(this, dv, io + 32);
    this.traceFlags = dv.getUint8(io + 56); this.traceState = state; this.isRemote = false;
  }
  spanContext() {
    const c = new Context(this.traceFlags, this.traceState, false);
    c.w0 = this.w0; c.w1 = this.w1; c.w2 = this.w2; c.w3 = this.w3; c.w4 = this.w4; c.w5 = this.w5;
    return c;
  }
  isRecording() { return this._h !== 0; }
  setAttribute(key, value) { if (this._h) this._o.attrs(this._h, { [key]: value }); return this; }
  setAttributes(attrs) { if (this._h) this._o.attrs(this._h, attrs); return this; }
  addEvent(name, attributes, time) {
    if (attributes !== undefined && (typeof attributes !== 'object' || attributes instanceof Date || Array.isArray(attributes))) { time = attributes; attributes = undefined; }
    if (this._h) this._o.event(this._h, String(name), attributes, time);
    return this;
  }
  addLink(context, attributes) { if (this._h) this._o.link(this._h, context, attributes); return this; }
  recordException(exception, time) { if (this._h) this._o.exception(this._h, exception, time); return this; }
  setStatus(status) {
    const c = typeof status?.code === 'string' ? { unset: 0, ok: 1, error: 2 }[status.code] : status?.code;
    if (this._h) this._o.status(this._h, c ?? 0, status?.message);
    return this;
  }
  updateName(name) { if (this._h) this._o.name(this._h, String(name)); return this; }
  end(endTime) { if (this._h) { const h = this._h; this._h = 0; this._o.end(h, endTime); } }
}

// printf's %.<p>g from JavaScript's correctly rounded conversions (see numbers.cpp).
function formatG(v, p) {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const e = v.toExponential(Math.max(p, 1) - 1);
  const at = e.indexOf('e'), x = +e.slice(at + 1);
  const trim = (s) => s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  if (x < -4 || x >= p) return `${trim(e.slice(0, at))}e${x < 0 ? '-' : '+'}${String(Math.abs(x)).padStart(2, '0')}`;
  return trim(v.toFixed(p - 1 - x));
}
