// The module in node (standing in for an edge worker, wasmBinary passed in) exports to the
// native receiver over HTTP in both protocols, with and without gzip; the receiver's lines are
// checked span by span.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startReceiver, wasmBinary, loadModule } from './harness.mjs';

const { createTracer } = await loadModule();
const binary = wasmBinary();
const jsonBinary = wasmBinary('json');
const binaryFor = (protocol) => (protocol === 'http/json' ? jsonBinary : binary);
const N = 1200; // more than two full batches of 512, so several requests

for (const protocol of ['http/protobuf', 'http/json']) {
  for (const compression of ['none', 'gzip']) {
    test(`${protocol} ${compression}: every span arrives with its fields`, async () => {
      const rx = await startReceiver();
      try {
        const tracer = await createTracer({
          endpoint: rx.endpoint, protocol, compression, serviceName: 'wasm-test', mode: 'manual', wasmBinary: binaryFor(protocol),
          resourceAttributes: { 'deployment.environment': 'test' }, scopeName: 'export-test', scopeVersion: '2.0',
        });
        const root = tracer.startSpan('root', { kind: 'server', startTime: 1_700_000_000_000 });
        const ids = new Set();
        for (let i = 0; i < N - 1; i++) {
          const s = tracer.startSpan(`op ${i}`, {
            parent: root, kind: i % 2 ? 'client' : 'internal',
            attributes: { 'i': i, 'text': `héllo ${i} ✓`, 'ratio': i / 8 + 0.1, 'flag': i % 3 === 0, 'big': 1e300 },
          });
          s.setAttribute('late', 'yes');
          s.setAttributes({ tags: ['a', 'b'], nums: [1, 2, 3] });
          s.addEvent('tick', { n: i });
          if (i % 10 === 0) s.setStatus({ code: 'error', message: 'upstream timeout' });
          if (i === 5) s.updateName('renamed');
          ids.add(s.spanContext().spanId);
          s.end();
          // Manual mode sends full batches on its own; let their fetches run.
          if (i % 500 === 0) await new Promise((r) => setImmediate(r));
        }
        root.end(1_700_000_001_500);
        const out = await tracer.flush();
        assert.equal(out.state, 'done');
        assert.equal(out.ok, true);
        const st = tracer.stats();
        assert.equal(st.exported, N);
        assert.equal(st.failed + st.dropped + st.rejected + st.queued, 0);
        assert.ok(st.requests >= 3, `requests ${st.requests}`);

        const spans = await rx.waitFor(N);
        assert.equal(spans.length, N);
        const r = spans.find((s) => s.name === 'root');
        assert.equal(r.kind, 2);
        assert.equal(r.startTimeUnixNano, '1700000000000000000');
        assert.equal(r.endTimeUnixNano, '1700000001500000000');
        assert.equal(r.parentSpanId, undefined);
        const children = spans.filter((s) => s !== r);
        assert.equal(new Set(children.map((s) => s.spanId)).size, N - 1);
        for (const s of children) {
          assert.ok(ids.has(s.spanId));
          assert.equal(s.traceId, r.traceId);
          assert.equal(s.parentSpanId, r.spanId);
          assert.equal(s.service, 'wasm-test');
          assert.equal(s.scope, 'export-test');
        }
        const five = children.find((s) => s.attributes.i === 5);
        assert.equal(five.name, 'renamed');
        const s7 = children.find((s) => s.attributes.i === 7);
        assert.equal(s7.name, 'op 7');
        assert.equal(s7.kind, 3);
        assert.deepEqual(s7.attributes, {
          i: 7, text: 'héllo 7 ✓', ratio: 7 / 8 + 0.1, flag: false, big: 1e300, late: 'yes', tags: ['a', 'b'], nums: [1, 2, 3],
        });
        assert.equal(s7.status, undefined);
        const s10 = children.find((s) => s.attributes.i === 10);
        assert.deepEqual(s10.status, { code: 2, message: 'upstream timeout' });
        assert.equal(children.find((s) => s.attributes.i === 8).kind, 1);
        await tracer.shutdown();
      } finally {
        await rx.stop();
      }
    });
  }
}

test('doubles in OTLP/JSON read back to the same value (the module formats them in JS)', async () => {
  const rx = await startReceiver();
  try {
    const tracer = await createTracer({ endpoint: rx.endpoint, protocol: 'http/json', mode: 'manual', wasmBinary: jsonBinary });
    const values = [0.1, 1 / 3, -2.5e-7, 123456.789, 1e21, 5e-324, 1.7976931348623157e308, -0.5, 2 ** 60 + 0.5, 1e-5, 0.0001];
    values.forEach((v, i) => tracer.startSpan(`d${i}`, { attributes: { v } }).end());
    assert.equal((await tracer.flush()).ok, true);
    const spans = await rx.waitFor(values.length);
    for (const s of spans) assert.equal(s.attributes.v, values[Number(s.name.slice(1))], s.name);
  } finally {
    await rx.stop();
  }
});
