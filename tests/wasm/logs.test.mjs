// The logs API of the module: records with every field reach the native receiver at /v1/logs,
// spans and records of one page share one instance and one fetch, bodies of every kind, bad
// input, the console bridge, manual mode and the page-hide flush.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, wasmBinary, loadModule } from './harness.mjs';

const { createTracer, SeverityNumber } = await loadModule();
const binary = wasmBinary('logs');
const jsonBinary = wasmBinary('json');
const binaryFor = (protocol) => (protocol === 'http/json' ? jsonBinary : binary);

// A fetch that answers 200 at once and records the URL and init of each call.
function fakeFetch() {
  const calls = [];
  const f = async (url, init) => { calls.push({ url, ...init }); return new Response(null, { status: 200 }); };
  f.calls = calls;
  return f;
}
const bodyOf = (call) => JSON.parse(new TextDecoder().decode(call.body));
const recordsOf = (calls) => calls.filter((c) => c.url.endsWith('/v1/logs'))
  .flatMap((c) => bodyOf(c).resourceLogs[0].scopeLogs.flatMap((s) => s.logRecords));

for (const protocol of ['http/protobuf', 'http/json']) {
  test(`${protocol}: a record with every field and a span of the same page arrive, each at its signal's path`, async () => {
    const rx = await startReceiver();
    try {
      const tracer = await createTracer({ endpoint: rx.endpoint, protocol, mode: 'manual', wasmBinary: binaryFor(protocol),
        serviceName: 'logs-test', resourceAttributes: { 'deployment.environment': 'test' } });
      const span = tracer.startSpan('checkout');
      const log = tracer.logger('shop', '1.2');
      assert.equal(log, tracer.logger('shop', '1.2'), 'one logger per scope');
      log.emit({
        severityNumber: SeverityNumber.WARN, severityText: 'WARN', eventName: 'cart.updated',
        body: { msg: 'slow ✓', items: [1, 'two', 3.5, true, null], nested: { deep: { n: -7 } } },
        attributes: { 'http.route': '/cart', count: 3, ratio: 0.5, ok: false, tags: ['a', 'b'] },
        timestamp: [1_700_000_000, 250], observedTimestamp: 1_700_000_001_000, context: span,
      });
      span.end();
      const before = Date.now();
      log.emit({ body: 'plain', context: span.spanContext() });
      assert.equal((await tracer.flush()).ok, true);
      const s = tracer.stats();
      assert.equal(s.exported, 1);
      assert.equal(s.logs.emitted, 2);
      assert.equal(s.logs.exported, 2);
      assert.equal(s.logs.requests, 1);
      assert.equal(s.requests, 1, 'one request per signal');

      const logs = await rx.waitForLogs(2);
      const spans = await rx.waitFor(1);
      assert.equal(logs.length, 2);
      const [r, plain] = logs;
      assert.equal(r.service, 'logs-test');
      assert.equal(r.scope, 'shop');
      assert.equal(r.scopeVersion, '1.2');
      assert.equal(r.severityNumber, 13);
      assert.equal(r.severityText, 'WARN');
      assert.equal(r.eventName, 'cart.updated');
      assert.deepEqual(r.body, { msg: 'slow ✓', items: [1, 'two', 3.5, true, null], nested: { deep: { n: -7 } } });
      assert.deepEqual(r.attributes, { 'http.route': '/cart', count: 3, ratio: 0.5, ok: false, tags: ['a', 'b'] });
      assert.equal(r.timeUnixNano, '1700000000000000250');
      assert.equal(r.observedTimeUnixNano, '1700000001000000000');
      assert.equal(r.traceId, spans[0].traceId);
      assert.equal(r.spanId, spans[0].spanId);
      assert.equal(r.flags, 1);
      assert.equal(plain.body, 'plain');
      assert.equal(plain.timeUnixNano, undefined, 'no timestamp given: unset');
      assert.ok(Number(BigInt(plain.observedTimeUnixNano) / 1_000_000n) >= before - 1, 'observed time: now');
      assert.equal(plain.severityNumber, undefined);
      assert.equal(plain.spanId, spans[0].spanId, 'a span context serves as well as a span');
    } finally {
      await rx.stop();
    }
  });
}

test('bodies of every kind; what JSON has no place for is left out; unknown severities are written as 0', async () => {
  const fetch = fakeFetch();
  const tracer = await createTracer({ protocol: 'http/json', mode: 'manual', fetch, wasmBinary: jsonBinary });
  const log = tracer.logger('kinds');
  const deep = {};
  let at = deep;
  for (let i = 0; i < 40; i++) at = at.next = {};
  const bodies = ['text', 42, -2.5, true, 2n ** 62n, [], {}, ['a', [1, [true]]],
    { f() {}, s: Symbol('x'), u: undefined, kept: 1 }, [undefined, () => 1], () => 1, undefined, null, deep];
  for (const body of bodies) log.emit({ body });
  for (const severityNumber of [99, -3, 2.5, 'loud', 24]) log.emit({ severityNumber, body: 'sev' });
  assert.equal((await tracer.flush()).ok, true);
  const records = recordsOf(fetch.calls);
  assert.equal(records.length, bodies.length + 5);
  const got = records.slice(0, bodies.length).map((r) => r.body);
  assert.deepEqual(got.slice(0, 10), [
    { stringValue: 'text' }, { intValue: '42' }, { doubleValue: -2.5 }, { boolValue: true }, { intValue: String(2n ** 62n) },
    { arrayValue: {} }, { kvlistValue: {} },
    { arrayValue: { values: [{ stringValue: 'a' }, { arrayValue: { values: [{ intValue: '1' }, { arrayValue: { values: [{ boolValue: true }] } }] } }] } },
    { kvlistValue: { values: [{ key: 'kept', value: { intValue: '1' } }] } },
    { arrayValue: { values: [{}, {}] } },
  ]);
  assert.deepEqual(got.slice(10, 13), [undefined, undefined, undefined], 'a function, undefined or null body: no body');
  // Nesting is cut at 8 levels (within the depth decoders accept): the 8th object down is empty.
  let depth = 0;
  for (let v = got[13]; v?.kvlistValue?.values; v = v.kvlistValue.values[0].value) depth++;
  assert.equal(depth, 8);
  assert.deepEqual(records.slice(bodies.length).map((r) => r.severityNumber), [undefined, undefined, undefined, undefined, 24]);
});

test('minSeverity: enabled() answers, and records below it are neither sent nor counted', async () => {
  const fetch = fakeFetch();
  const tracer = await createTracer({ mode: 'manual', fetch, wasmBinary: jsonBinary, protocol: 'http/json' });
  const log = tracer.logger('strict', '', { minSeverity: SeverityNumber.WARN });
  assert.equal(log.enabled(SeverityNumber.INFO), false);
  assert.equal(log.enabled(SeverityNumber.WARN), true);
  assert.equal(log.enabled(SeverityNumber.FATAL + 3), true);
  assert.equal(log.enabled(), true, 'no severity given: always enabled');
  assert.equal(tracer.logger('loose').enabled(1), true);
  log.emit({ severityNumber: SeverityNumber.INFO, body: 'dropped early' });
  log.emit({ severityNumber: SeverityNumber.ERROR, body: 'kept' });
  await tracer.flush();
  assert.deepEqual(recordsOf(fetch.calls).map((r) => r.body.stringValue), ['kept']);
  assert.equal(tracer.stats().logs.emitted, 1);
  assert.throws(() => tracer.logger(3), /name must be a string/);
});

test('bridgeConsole: console calls become records (severity by method, formatted body), still print, and undo', async () => {
  const fetch = fakeFetch();
  const tracer = await createTracer({ protocol: 'http/json', mode: 'manual', fetch, wasmBinary: jsonBinary });
  const printed = [];
  const saved = {};
  for (const m of ['debug', 'log', 'info', 'warn', 'error']) { saved[m] = console[m]; console[m] = (...a) => printed.push([m, ...a]); }
  const ours = console.warn;
  try {
    const undo = tracer.bridgeConsole();
    console.debug('d');
    console.log('%s has %d items, %o', 'cart', 3.7, { a: 1 }, 'extra', 5);
    console.info('100%% sure');
    console.warn(new Error('careful'));
    console.error('boom', [1, 2]);
    undo();
    assert.equal(console.warn, ours, 'undo puts the original back');
    console.error('not forwarded');
    const onlyWarn = tracer.bridgeConsole({ levels: ['warn'] });
    console.warn('w');
    console.error('e');
    onlyWarn();
    assert.throws(() => tracer.bridgeConsole({ levels: ['shout'] }), /unknown level 'shout'/);
    assert.equal(console.warn, ours, 'a refused bridge changes nothing');
  } finally {
    Object.assign(console, saved);
  }
  assert.deepEqual(printed.map((p) => p[0]), ['debug', 'log', 'info', 'warn', 'error', 'error', 'warn', 'error']);
  assert.deepEqual(printed[1], ['log', '%s has %d items, %o', 'cart', 3.7, { a: 1 }, 'extra', 5], 'the original call gets the arguments as given');
  await tracer.flush();
  const records = recordsOf(fetch.calls);
  assert.deepEqual(records.map((r) => [r.severityNumber, r.severityText]),
    [[5, 'DEBUG'], [9, 'INFO'], [9, 'INFO'], [13, 'WARN'], [17, 'ERROR'], [13, 'WARN']]);
  assert.equal(records[1].body.stringValue, 'cart has 3 items, {"a":1} extra 5');
  assert.equal(records[2].body.stringValue, '100% sure');
  assert.match(records[3].body.stringValue, /^Error: careful\n/);
  assert.equal(records[4].body.stringValue, 'boom [1,2]');
  assert.equal(records[5].body.stringValue, 'w');
});

test('logs: true loads otlp-logs.wasm; otlp.wasm has no logs, and says so', async () => {
  const fetch = fakeFetch();
  const withLogs = await createTracer({ logs: true, mode: 'manual', fetch });
  withLogs.logger('loaded').emit({ body: 'hi' });
  assert.equal((await withLogs.flush()).exported, 1);
  assert.ok(fetch.calls[0].url.endsWith('/v1/logs'));
  const tracesOnly = await createTracer({ mode: 'manual', fetch });
  assert.throws(() => tracesOnly.logger('x'), /has no logs \(createTracer with option 'logs: true'\)/);
  assert.throws(() => tracesOnly.bridgeConsole(), /has no logs/);
  tracesOnly.startSpan('s').end();
  await tracesOnly.flush();
  const st = tracesOnly.stats();
  assert.equal(st.exported, 1);
  assert.deepEqual([st.logs.emitted, st.logs.exported, st.logs.requests, st.logs.lastError], [0, 0, 0, ''], 'no logs pipeline: zeros');
  await assert.rejects(createTracer({ logs: true, wasmBinary: wasmBinary() }), /option 'logs' must be false with this module/);
  await assert.rejects(createTracer({ logs: 'yes', wasmBinary: binary }), /option 'logs' must be a boolean/);
  assert.ok(wasmBinary().length < binary.length, 'otlp.wasm is the smaller one');
});

test("http/json has logs with logs: true only (otlp-logs.mjs is loaded for them), or with a module handed over", async () => {
  const fetch = fakeFetch();
  const plainJson = await createTracer({ protocol: 'http/json', mode: 'manual', fetch });
  assert.throws(() => plainJson.logger('x'), /has no logs \(createTracer with option 'logs: true'\)/);
  for (const options of [{ logs: true }, { wasmBinary: jsonBinary }]) {
    const t = await createTracer({ protocol: 'http/json', mode: 'manual', fetch, ...options });
    t.logger('json').emit({ body: { nested: [1, 'two'] } });
    assert.equal((await t.flush()).exported, 1, JSON.stringify(Object.keys(options)));
  }
  assert.equal(fetch.calls.filter((c) => c.url.endsWith('/v1/logs')).length, 2);
});

test('manual mode: full batches of records leave without flush() and no timer is ever scheduled', async () => {
  const real = globalThis.setTimeout;
  let timers = 0;
  globalThis.setTimeout = (...a) => { timers++; return real(...a); };
  try {
    const fetch = fakeFetch();
    const tracer = await createTracer({ mode: 'manual', fetch, wasmBinary: binary, endpoint: 'https://collector.example/otlp/',
      batch: { maxExportBatchSize: 10, maxQueueSize: 100 } });
    const log = tracer.logger('edge');
    for (let i = 0; i < 25; i++) log.emit({ body: `r${i}` });
    tracer.startSpan('s').end();
    for (let i = 0; i < 100 && tracer.stats().logs.exported < 20; i++) await new Promise((r) => setImmediate(r));
    assert.equal(tracer.stats().logs.exported, 20);
    assert.equal(fetch.calls.length, 2);
    const out = await tracer.flush();
    assert.equal(out.state, 'done');
    assert.equal(out.exported, 6, 'the flush covers both signals: 5 records and 1 span');
    assert.deepEqual(fetch.calls.map((c) => c.url).sort(), [...Array(3).fill('https://collector.example/otlp/v1/logs'),
      'https://collector.example/otlp/v1/traces']);
    await tracer.shutdown();
    tracer.logger('edge').emit({ body: 'late' });
    assert.equal(tracer.stats().logs.dropped, 1, 'a record after shutdown is dropped');
  } finally {
    globalThis.setTimeout = real;
  }
  assert.equal(timers, 0);
});

test('timer mode: records leave on their own (the logs\' 1 s default delay, not the spans\' 5 s)', async () => {
  const fetch = fakeFetch();
  const tracer = await createTracer({ fetch, wasmBinary: binary });
  const t0 = Date.now();
  tracer.logger('t').emit({ body: 'x' });
  while (fetch.calls.length === 0 && Date.now() - t0 < 4000) await new Promise((r) => setTimeout(r, 20));
  assert.equal(fetch.calls.length, 1);
  assert.ok(fetch.calls[0].url.endsWith('/v1/logs'));
  await tracer.shutdown();
});

test('page hide: queued records and spans leave at once, with keepalive', async () => {
  const doc = new EventTarget();
  doc.visibilityState = 'visible';
  globalThis.document = doc;
  globalThis.addEventListener = () => {};
  globalThis.removeEventListener = () => {};
  try {
    const fetch = fakeFetch();
    const tracer = await createTracer({ fetch, wasmBinary: binary, batch: { scheduledDelayMillis: 600000 } });
    tracer.logger('page').emit({ body: 'bye' });
    tracer.startSpan('s').end();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(fetch.calls.length, 0, 'nothing due yet');
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    const until = Date.now() + 5000;
    while (tracer.stats().logs.exported + tracer.stats().exported < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(fetch.calls.map((c) => [c.url.replace(/.*\/v1\//, ''), c.keepalive]).sort(), [['logs', true], ['traces', true]]);
    await tracer.shutdown();
  } finally {
    delete globalThis.document;
    delete globalThis.addEventListener;
    delete globalThis.removeEventListener;
  }
});
