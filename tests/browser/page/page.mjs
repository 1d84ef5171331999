// The test page: traces through the WASM module under a strict CSP and exports cross-origin
// to the receiver named in the query string. Results go to window.__result for the test.
import { createTracer } from '/otlp.mjs';

const q = new URLSearchParams(location.search);
const violations = [];
const sends = []; // every request the tracer made: body size and whether it was keepalive
window.__sends = sends;
addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));

function show(rows) {
  const table = document.getElementById('results');
  for (const [k, v] of rows) {
    const tr = table.insertRow();
    tr.insertCell().textContent = k;
    tr.insertCell().textContent = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
}

async function run() {
  const n = Number(q.get('spans') ?? 10);
  const tracer = await createTracer({
    endpoint: q.get('endpoint'),
    protocol: q.get('protocol') ?? 'http/protobuf',
    compression: q.get('compression') ?? 'none',
    serviceName: 'browser-test',
    pageLifecycle: q.get('lifecycle') !== 'off',
    fetch: (url, init) => { sends.push({ bytes: init.body.length, keepalive: !!init.keepalive, encoding: init.headers['content-encoding'] ?? 'none' }); return fetch(url, init); },
    headers: q.get('token') ? { authorization: `Bearer ${q.get('token')}` } : {},
    batch: { scheduledDelayMillis: Number(q.get('delay') ?? 200), exportTimeoutMillis: Number(q.get('timeout') ?? 10000) },
  });
  window.__tracer = tracer;
  const root = tracer.startSpan('page load', { kind: 'client', attributes: { 'url.path': location.pathname } });
  for (let i = 1; i < n; i++) {
    const s = tracer.startSpan(`work ${i}`, { parent: root, attributes: { i, 'user_agent.original': navigator.userAgent } });
    s.addEvent('step', { i });
    s.end();
  }
  root.end();
  const result = { created: n, violations };
  if (q.get('flush') !== 'no') result.flush = await tracer.flush();
  result.stats = tracer.stats();
  show([['spans created', n], ['flush', result.flush ?? '(left queued)'], ['exported', result.stats.exported],
    ['requests', result.stats.requests], ['bytes sent', result.stats.bytesSent], ['CSP violations', violations.length]]);
  document.getElementById('status').textContent = 'done';
  return result;
}

window.__result = run().catch((e) => ({ error: String(e && e.stack || e), violations }));
