// Manual mode (edge workers) never schedules a timer; timer mode sends on its own; options are
// checked with errors that name the option; W3C propagation; the other ways to load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wasmBinary, loadModule } from './harness.mjs';

const { createTracer } = await loadModule();
const binary = wasmBinary();
const jsonBinary = wasmBinary('json');

// A fetch that answers 200 at once and records what it was given.
function fakeFetch() {
  const calls = [];
  const f = async (url, init) => { calls.push(init); return new Response(null, { status: 200 }); };
  f.calls = calls;
  return f;
}

test('manual mode: batches leave when full or on flush(), and no timer is ever scheduled', async () => {
  const real = { setTimeout: globalThis.setTimeout, setInterval: globalThis.setInterval };
  let timers = 0;
  globalThis.setTimeout = (...a) => { timers++; return real.setTimeout(...a); };
  globalThis.setInterval = (...a) => { timers++; return real.setInterval(...a); };
  try {
    const fetch = fakeFetch();
    const tracer = await createTracer({ mode: 'manual', fetch, wasmBinary: binary,
      batch: { maxExportBatchSize: 10, maxQueueSize: 100, scheduledDelayMillis: 1 } });
    for (let i = 0; i < 25; i++) tracer.startSpan(`s${i}`).end();
    // Full batches go out from a microtask, one at a time (exports never overlap): let them.
    for (let i = 0; i < 100 && tracer.stats().exported < 20; i++) await new Promise((r) => setImmediate(r));
    assert.equal(fetch.calls.length, 2, 'two full batches went out without flush()');
    assert.equal(tracer.stats().exported, 20);
    assert.equal(tracer.stats().queued, 5);
    const out = await tracer.flush();
    assert.equal(out.state, 'done');
    assert.equal(out.exported, 5);
    assert.equal(fetch.calls.length, 3);
    const end = await tracer.shutdown();
    assert.equal(end.state, 'done');
  } finally {
    globalThis.setTimeout = real.setTimeout;
    globalThis.setInterval = real.setInterval;
  }
  assert.equal(timers, 0);
});

test('manual mode: a retry waiting for its backoff makes flush() resolve as pending', async () => {
  let n = 0;
  const fetch = async () => new Response(null, { status: n++ ? 200 : 503 });
  const tracer = await createTracer({ mode: 'manual', fetch, wasmBinary: binary });
  tracer.startSpan('x').end();
  const out = await tracer.flush();
  assert.equal(out.state, 'pending');
  assert.equal(tracer.stats().queued, 1);
});

test('timer mode: a batch leaves after scheduledDelayMillis without a flush', async () => {
  const fetch = fakeFetch();
  const tracer = await createTracer({ fetch, wasmBinary: binary, batch: { scheduledDelayMillis: 30 } });
  tracer.startSpan('x').end();
  const until = Date.now() + 5000;
  while (fetch.calls.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  assert.equal(fetch.calls.length, 1);
  await tracer.shutdown();
});

test('bad options throw an Error naming the option', async () => {
  const cases = [
    [{ protocol: 'grpc' }, /'protocol'/],
    [{ compression: 'br' }, /'compression'/],
    [{ mode: 'sometimes' }, /'mode'/],
    [{ endpoint: 'http://[bad' }, /'endpoint'/],
    [{ headers: { a: 1 } }, /'headers'/],
    [{ sampler: 'maybe' }, /'sampler'/],
    [{ sampler: 'traceidratio', samplerArg: 1.5 }, /samplerArg/],
    [{ batch: { maxQueueSize: 0 } }, /'batch.maxQueueSize'/],
    [{ batch: { maxQueueSize: 10, maxExportBatchSize: 20 } }, /'batch.maxExportBatchSize'/],
    [{ batch: { maxQueueSize: 100 } }, /'batch.maxExportBatchSize' must be at most batch.maxQueueSize \(100\), got 512/],
    [{ batch: { maxQueueSize: 1.5 } }, /'batch.maxQueueSize'/],
    [{ batch: { size: 1 } }, /'batch.size'/],
    [{ maxRequestBytes: 10 }, /'maxRequestBytes'/],
    [{ serviceName: 7 }, /'serviceName'/],
    [{ colour: 'red' }, /unknown option 'colour'/],
    [{ resourceAttributes: 'env=prod' }, /'resourceAttributes'/],
    [{ batch: 512 }, /'batch'/],
    [{ scopeName: 3 }, /'scopeName'/],
  ];
  for (const [options, message] of cases)
    await assert.rejects(createTracer({ wasmBinary: binary, ...options }), message, JSON.stringify(options));
});

test('samplers: always_off records nothing; traceidratio 0 drops every root', async () => {
  // Names as the native hosts read OTEL_TRACES_SAMPLER (core's make_sampler, the one check):
  // any case, surrounding space.
  for (const [sampler, samplerArg] of [['always_off', undefined], ['traceidratio', 0], [' Always_Off ', undefined]]) {
    const fetch = fakeFetch();
    const tracer = await createTracer({ sampler, samplerArg, fetch, wasmBinary: binary, mode: 'manual' });
    for (let i = 0; i < 10; i++) {
      const s = tracer.startSpan('x');
      assert.equal(s.isRecording(), false);
      assert.equal(s.spanContext().traceFlags, 0);
      s.setAttribute('a', 1).end();
    }
    await tracer.flush();
    assert.equal(fetch.calls.length, 0);
    const st = tracer.stats();
    assert.equal(st.started, 10);
    assert.equal(st.sampledOut, 10);
  }
});

test('inject and extract W3C traceparent/tracestate; invalid headers give nothing', async () => {
  const tracer = await createTracer({ wasmBinary: binary, mode: 'manual', fetch: fakeFetch() });
  const incoming = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', TraceState: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7' };
  const ctx = tracer.extract(incoming);
  assert.equal(ctx.traceId, '0af7651916cd43dd8448eb211c80319c');
  assert.equal(ctx.spanId, 'b7ad6b7169203331');
  assert.equal(ctx.traceFlags, 1);
  assert.equal(ctx.isRemote, true);
  assert.equal(ctx.traceState, 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7');
  const child = tracer.startSpan('child', { parent: ctx });
  assert.equal(child.spanContext().traceId, ctx.traceId);
  const out = tracer.inject(new Headers(), child);
  assert.equal(out.get('traceparent'), `00-${ctx.traceId}-${child.spanContext().spanId}-01`);
  assert.equal(out.get('tracestate'), ctx.traceState);
  for (const bad of ['00-00000000000000000000000000000000-b7ad6b7169203331-01', 'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331', 'garbage'])
    assert.equal(tracer.extract({ traceparent: bad }), undefined, bad);
  assert.equal(tracer.extract({}), undefined);
  // A bad tracestate is dropped whole; the traceparent still counts.
  assert.equal(tracer.extract({ traceparent: incoming.traceparent, tracestate: 'BAD KEY=1' }).traceState, '');
});

test('loads from a compiled WebAssembly.Module as well as from bytes', async () => {
  const wasmModule = await WebAssembly.compile(binary);
  const a = await createTracer({ wasmModule, mode: 'manual', fetch: fakeFetch() });
  const b = await createTracer({ wasmModule, mode: 'manual', fetch: fakeFetch() });
  const s = a.startSpan('x');
  assert.notEqual(s.spanContext().traceId, b.startSpan('y').spanContext().traceId);
  assert.notEqual(a.memory, b.memory, 'each tracer has an instance of its own');
});

test('http/json needs otlp-json.wasm: the protobuf-only otlp.wasm given as wasmBinary or wasmModule is refused by name', async () => {
  const wasmModule = await WebAssembly.compile(binary);
  for (const given of [{ wasmBinary: binary }, { wasmModule }])
    await assert.rejects(createTracer({ protocol: 'http/json', mode: 'manual', fetch: fakeFetch(), ...given }),
      { message: "createTracer: protocol 'http/json' needs otlp-json.wasm (wasmBinary/wasmModule is the protobuf-only otlp.wasm)" });
  // otlp-json.wasm encodes protobuf too; otlp.wasm is the smaller one.
  const fetch = fakeFetch();
  const tracer = await createTracer({ mode: 'manual', fetch, wasmBinary: jsonBinary });
  tracer.startSpan('x').end();
  assert.equal((await tracer.flush()).ok, true);
  assert.equal(fetch.calls[0].headers['content-type'], 'application/x-protobuf');
  assert.ok(binary.length < jsonBinary.length, `${binary.length} < ${jsonBinary.length}`);
});

test('without wasmBinary the module next to otlp.mjs is loaded for the protocol: otlp.wasm or otlp-json.wasm', async () => {
  for (const protocol of ['http/protobuf', 'http/json']) {
    const fetch = fakeFetch();
    const tracer = await createTracer({ protocol, mode: 'manual', fetch });
    tracer.startSpan('loaded').end();
    assert.equal((await tracer.flush()).ok, true, protocol);
    const body = Buffer.from(fetch.calls[0].body);
    if (protocol === 'http/json') assert.equal(JSON.parse(body).resourceSpans[0].scopeSpans[0].spans[0].name, 'loaded');
    else assert.ok(body[0] === 0x0a && body.includes('loaded'), 'an ExportTraceServiceRequest');
  }
});

test('what a span records reaches the request: links, events, exceptions, status, times (OTLP/JSON body)', async () => {
  const fetch = fakeFetch();
  const tracer = await createTracer({ protocol: 'http/json', mode: 'manual', fetch, wasmBinary: jsonBinary, serviceName: 'fields' });
  const link = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
  const s = tracer.startSpan('op', { kind: 'producer', startTime: [1_700_000_000, 250], links: [{ context: link, attributes: { why: 'retry' } }] });
  s.addEvent('tick', { n: 1 }, new Date(1_700_000_000_500));
  s.addEvent('no-attrs', 1_700_000_000_600);
  s.recordException(new TypeError('bad input'), 1_700_000_000_700);
  s.setStatus({ code: 'ok' });
  s.setStatus({ code: 'error', message: 'ignored: OK is final' });
  s.end(1_700_000_001_000);
  s.setAttribute('after.end', true); // ignored
  assert.equal((await tracer.flush()).ok, true);
  const body = JSON.parse(new TextDecoder().decode(fetch.calls[0].body));
  const span = body.resourceSpans[0].scopeSpans[0].spans[0];
  assert.equal(span.kind, 4);
  assert.equal(span.startTimeUnixNano, '1700000000000000250');
  assert.equal(span.endTimeUnixNano, '1700000001000000000');
  assert.deepEqual(span.links.map((l) => [l.traceId, l.spanId, l.attributes[0].key]), [[link.traceId, link.spanId, 'why']]);
  assert.deepEqual(span.events.map((e) => e.name), ['tick', 'no-attrs', 'exception']);
  assert.equal(span.events[0].timeUnixNano, '1700000000500000000');
  const ex = Object.fromEntries(span.events[2].attributes.map((a) => [a.key, a.value.stringValue]));
  assert.equal(ex['exception.type'], 'TypeError');
  assert.equal(ex['exception.message'], 'bad input');
  assert.match(ex['exception.stacktrace'], /TypeError: bad input/);
  assert.deepEqual(span.status, { code: 1 });
  assert.equal(span.attributes, undefined);
  assert.equal(body.resourceSpans[0].resource.attributes.find((a) => a.key === 'service.name').value.stringValue, 'fields');
});

test('attribute values cross into the module intact: interned and inline keys, UTF-8, arrays everywhere', async () => {
  const fetch = fakeFetch();
  const tracer = await createTracer({ protocol: 'http/json', mode: 'manual', fetch, wasmBinary: jsonBinary,
    batch: { maxExportBatchSize: 512, maxQueueSize: 8192 }, maxRequestBytes: 8 << 20 });
  const long = 'ü'.repeat(40) + 'x'.repeat(100);
  const parent = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, traceState: 'k=v' };
  const s = tracer.startSpan('名前', {
    parent,
    attributes: { 'schlüssel': 'wert €', long, ints: [1, -2, 2 ** 40], mixed: [1, 2.5], flags: [true, false], big: -(2n ** 62n) },
    links: [{ context: parent, attributes: { tags: ['a', 'é'] } }],
  });
  s.addEvent('e', { list: [1.5], 'k€y': 'v' });
  s.end();
  // Past 4096 distinct keys the tracer stops interning: keys then travel inline.
  for (let i = 0; i < 5000; i++) tracer.startSpan('k').setAttribute(`key.${i}`, i).end();
  assert.equal((await tracer.flush()).ok, true);
  const spans = fetch.calls.flatMap((c) => JSON.parse(new TextDecoder().decode(c.body)).resourceSpans[0].scopeSpans[0].spans);
  const first = spans.find((x) => x.name === '名前');
  const attr = (list, k) => list.find((a) => a.key === k)?.value;
  assert.equal(first.parentSpanId, parent.spanId);
  assert.equal(first.traceState, 'k=v');
  assert.equal(attr(first.attributes, 'schlüssel').stringValue, 'wert €');
  assert.equal(attr(first.attributes, 'long').stringValue, long);
  assert.deepEqual(attr(first.attributes, 'ints').arrayValue.values.map((v) => v.intValue), ['1', '-2', String(2 ** 40)]);
  assert.deepEqual(attr(first.attributes, 'mixed').arrayValue.values.map((v) => v.doubleValue), [1, 2.5]);
  assert.deepEqual(attr(first.attributes, 'flags').arrayValue.values.map((v) => v.boolValue), [true, false]);
  assert.equal(attr(first.attributes, 'big').intValue, String(-(2n ** 62n)));
  assert.deepEqual(attr(first.links[0].attributes, 'tags').arrayValue.values.map((v) => v.stringValue), ['a', 'é']);
  assert.deepEqual(attr(first.events[0].attributes, 'list').arrayValue.values.map((v) => v.doubleValue), [1.5]);
  assert.equal(attr(first.events[0].attributes, 'k€y').stringValue, 'v');
  const keyed = spans.filter((x) => x.name === 'k');
  assert.equal(keyed.length, 5000);
  for (const i of [0, 4095, 4096, 4999])
    assert.deepEqual(keyed[i].attributes, [{ key: `key.${i}`, value: { intValue: String(i) } }]);
});
