// Outcomes fed back to the core's retry policy: 503 + Retry-After, 400, lost connections and
// partial success, against a scripted node HTTP server on loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { wasmBinary, loadModule } from './harness.mjs';

const { createTracer } = await loadModule();
const binary = wasmBinary();
const binaryFor = (protocol) => wasmBinary(protocol === 'http/json' ? 'json' : undefined);

// Answers each POST with the next scripted reply ({status, headers, body} or 'drop'), the last
// one repeating; records what it got.
async function scripted(replies) {
  const got = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      got.push({ at: Date.now(), path: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      const r = replies[Math.min(got.length, replies.length) - 1];
      if (r === 'drop') return req.socket.destroy();
      res.writeHead(r.status, r.headers ?? {});
      res.end(r.body ?? '');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, got, close: () => new Promise((r) => server.close(r)) };
}

const fastRetry = { scheduledDelayMillis: 50, exportTimeoutMillis: 20000 };

test('503 with Retry-After: waits that long, then sends the same body again', async () => {
  const srv = await scripted([{ status: 503, headers: { 'retry-after': '1' } }, { status: 200 }]);
  try {
    const tracer = await createTracer({ endpoint: srv.url, wasmBinary: binary, batch: fastRetry });
    for (let i = 0; i < 5; i++) tracer.startSpan(`s${i}`).end();
    const out = await tracer.flush();
    assert.equal(out.state, 'done');
    assert.equal(out.exported, 5);
    assert.equal(srv.got.length, 2);
    assert.deepEqual(srv.got[1].body, srv.got[0].body);
    assert.ok(srv.got[1].at - srv.got[0].at >= 950, `retried after ${srv.got[1].at - srv.got[0].at} ms`);
    const st = tracer.stats();
    assert.equal(st.retries, 1);
    assert.equal(st.requests, 2);
  } finally {
    await srv.close();
  }
});

test('400 is final: counted failed, not retried, the error says why', async () => {
  const srv = await scripted([{ status: 400, body: 'bad payload' }]);
  try {
    const tracer = await createTracer({ endpoint: srv.url, wasmBinary: binary, batch: fastRetry });
    for (let i = 0; i < 3; i++) tracer.startSpan('x').end();
    const out = await tracer.flush();
    assert.equal(out.failed, 3);
    assert.equal(out.ok, false);
    assert.match(out.error, /400/);
    assert.equal(srv.got.length, 1);
  } finally {
    await srv.close();
  }
});

test('a dropped connection is retried with backoff', async () => {
  const srv = await scripted(['drop', { status: 200 }]);
  try {
    const tracer = await createTracer({ endpoint: srv.url, wasmBinary: binary, batch: fastRetry });
    tracer.startSpan('x').end();
    const out = await tracer.flush();
    assert.equal(out.exported, 1);
    assert.equal(srv.got.length, 2);
    assert.equal(tracer.stats().retries, 1);
  } finally {
    await srv.close();
  }
});

test('partial success (protobuf and JSON bodies) counts rejected spans and is not retried', async () => {
  // ExportTraceServiceResponse{partial_success{rejected_spans: 2, error_message: "too old"}}
  const pb = Buffer.from([0x0a, 0x0b, 0x08, 0x02, 0x12, 0x07, ...Buffer.from('too old')]);
  for (const [protocol, body] of [['http/protobuf', pb], ['http/json', JSON.stringify({ partialSuccess: { rejectedSpans: '2', errorMessage: 'too old' } })]]) {
    const srv = await scripted([{ status: 200, body }]);
    try {
      const tracer = await createTracer({ endpoint: srv.url, protocol, wasmBinary: binaryFor(protocol), batch: fastRetry });
      for (let i = 0; i < 4; i++) tracer.startSpan('x').end();
      const out = await tracer.flush();
      assert.equal(out.rejected, 2, protocol);
      assert.equal(out.exported, 2, protocol);
      assert.match(out.error, /too old/);
      assert.equal(srv.got.length, 1);
      assert.equal(srv.got[0].headers['content-type'], protocol === 'http/json' ? 'application/json' : 'application/x-protobuf');
    } finally {
      await srv.close();
    }
  }
});

test('logs: partial success (rejected_log_records, rejectedLogRecords in JSON) is counted for the logs, at /v1/logs', async () => {
  // ExportLogsServiceResponse{partial_success{rejected_log_records: 1, error_message: "too big"}}
  const pb = Buffer.from([0x0a, 0x0b, 0x08, 0x01, 0x12, 0x07, ...Buffer.from('too big')]);
  for (const [protocol, body] of [['http/protobuf', pb], ['http/json', JSON.stringify({ partialSuccess: { rejectedLogRecords: '1', errorMessage: 'too big' } })]]) {
    const srv = await scripted([{ status: 200, body }]);
    try {
      const tracer = await createTracer({ endpoint: `${srv.url}/`, protocol, wasmBinary: wasmBinary(protocol === 'http/json' ? 'json' : 'logs'), batch: fastRetry });
      const log = tracer.logger('l');
      for (let i = 0; i < 3; i++) log.emit({ body: `r${i}` });
      const out = await tracer.flush();
      assert.equal(out.rejected, 1, protocol);
      assert.equal(out.exported, 2, protocol);
      assert.match(out.error, /too big/);
      const s = tracer.stats();
      assert.equal(s.logs.rejected, 1);
      assert.equal(s.logs.emitted, 3);
      assert.equal(s.rejected, 0, 'the spans\' counters are apart');
      assert.deepEqual(srv.got.map((g) => g.path), ['/v1/logs'], 'the trailing / of the endpoint is not doubled');
    } finally {
      await srv.close();
    }
  }
});

test('JSON partial success is read for the signal it answers: a logs answer counts rejectedLogRecords only', async () => {
  // One reading of a response for every host (core's accepted_outcome): a field of the other
  // signal's response is not this one's, so it rejects nothing.
  const cases = [
    { logs: true, body: { rejectedSpans: '2' }, rejected: 0 },
    { logs: true, body: { rejectedLogRecords: '2', rejectedSpans: '1' }, rejected: 2 },
    { logs: false, body: { rejectedLogRecords: '2' }, rejected: 0 },
    { logs: false, body: { rejectedLogRecords: '1', rejectedSpans: '3' }, rejected: 3 },
  ];
  for (const c of cases) {
    const srv = await scripted([{ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ partialSuccess: c.body }) }]);
    try {
      const tracer = await createTracer({ endpoint: srv.url, protocol: 'http/json', wasmBinary: wasmBinary('json'), batch: fastRetry });
      if (c.logs) for (let i = 0; i < 4; i++) tracer.logger('l').emit({ body: `r${i}` });
      else for (let i = 0; i < 4; i++) tracer.startSpan('x').end();
      const out = await tracer.flush();
      const what = JSON.stringify(c);
      assert.equal(out.rejected, c.rejected, what);
      assert.equal(out.exported, 4 - c.rejected, what);
      const s = tracer.stats();
      assert.equal((c.logs ? s.logs : s).rejected, c.rejected, what);
    } finally {
      await srv.close();
    }
  }
});

test('a 200 whose body is not OTLP counts as success, in both protocols', async () => {
  for (const protocol of ['http/protobuf', 'http/json']) {
    const srv = await scripted([{ status: 200, body: 'OK, thanks' }]);
    try {
      const tracer = await createTracer({ endpoint: srv.url, protocol, wasmBinary: binaryFor(protocol), batch: fastRetry });
      tracer.startSpan('x').end();
      const out = await tracer.flush();
      assert.equal(out.ok, true, protocol);
      assert.equal(out.exported, 1);
      assert.equal(srv.got.length, 1);
    } finally {
      await srv.close();
    }
  }
});

test('headers and gzip reach the server', async () => {
  const srv = await scripted([{ status: 200 }]);
  try {
    const tracer = await createTracer({ endpoint: srv.url, wasmBinary: binary, compression: 'gzip', headers: { authorization: 'Bearer t0k' } });
    tracer.startSpan('x').end();
    assert.equal((await tracer.flush()).ok, true);
    assert.equal(srv.got[0].headers.authorization, 'Bearer t0k');
    const viaHeaders = await createTracer({ endpoint: srv.url, wasmBinary: binary, headers: new Headers({ 'x-team': 'web' }) });
    viaHeaders.startSpan('y').end();
    assert.equal((await viaHeaders.flush()).ok, true);
    assert.equal(srv.got[1].headers['x-team'], 'web');
    assert.equal(srv.got[0].headers['content-encoding'], 'gzip');
    assert.deepEqual([...srv.got[0].body.subarray(0, 2)], [0x1f, 0x8b]);
  } finally {
    await srv.close();
  }
});

test('an export that gets no answer times out and the flush says so', async () => {
  const server = createServer(() => {}); // never answers
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const tracer = await createTracer({ endpoint: `http://127.0.0.1:${server.address().port}`, wasmBinary: binary,
      batch: { exportTimeoutMillis: 300, scheduledDelayMillis: 50 } });
    tracer.startSpan('x').end();
    const out = await tracer.flush(5000);
    assert.equal(out.failed, 1);
    assert.equal(out.ok, false);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
