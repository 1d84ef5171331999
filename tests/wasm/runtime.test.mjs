// A worker_threads worker as a second runtime, and memory that stays bounded across a million
// spans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { startReceiver, wasmBinary, loadModule, DIST } from './harness.mjs';

const { createTracer } = await loadModule();
const binary = wasmBinary();

test('a worker_threads worker traces through the module to the receiver', async () => {
  const rx = await startReceiver();
  try {
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(workerData.module).then(async ({ createTracer }) => {
        const tracer = await createTracer({ endpoint: workerData.url, serviceName: 'in-worker', mode: 'manual',
          wasmBinary: workerData.binary });
        for (let i = 0; i < 300; i++) tracer.startSpan('w' + i, { attributes: { i } }).end();
        const out = await tracer.flush();
        parentPort.postMessage(out);
      });`;
    const worker = new Worker(code, { eval: true, workerData: { module: join(DIST, 'otlp.mjs'), url: rx.endpoint, binary } });
    const out = await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
    await worker.terminate();
    assert.equal(out.state, 'done');
    assert.equal(out.exported, 300);
    const spans = await rx.waitFor(300);
    assert.equal(spans.length, 300);
    assert.ok(spans.every((s) => s.service === 'in-worker'));
    assert.deepEqual(spans.map((s) => s.attributes.i).sort((a, b) => a - b), [...Array(300).keys()]);
  } finally {
    await rx.stop();
  }
});

test('the WASM heap does not grow across 1,000,000 spans exported in batches', async () => {
  let requests = 0;
  const fetch = async () => { requests++; return new Response(null, { status: 200 }); };
  const tracer = await createTracer({ fetch, wasmBinary: binary, mode: 'manual', batch: { maxExportBatchSize: 512, maxQueueSize: 2048 } });
  const total = 1_000_000, warmup = 20_000;
  let before = 0;
  for (let i = 0; i < total; i++) {
    const s = tracer.startSpan('GET /api/orders/{id}', { kind: 'server' });
    s.setAttributes({ 'http.request.method': 'GET', 'http.response.status_code': 200, 'app.duration_ms': 1.5 });
    s.addEvent('cache.miss', { 'cache.key': 'orders:12345' });
    s.end();
    if (i % 512 === 511) await tracer.flush();
    if (i === warmup) before = tracer.memory.buffer.byteLength;
  }
  await tracer.flush();
  const st = tracer.stats();
  assert.equal(st.exported, total);
  assert.equal(st.dropped + st.failed + st.queued, 0);
  assert.ok(requests >= total / 512);
  assert.equal(tracer.memory.buffer.byteLength, before, `heap grew from ${before} to ${tracer.memory.buffer.byteLength}`);
});
