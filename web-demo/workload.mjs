// The web demo's workload, the same shape as host-native/cli/demo_workload.cpp records natively
// (keep the two in step): traces of up to five spans, a SERVER root and four children at fixed
// offsets, each span with `attributes` attributes (the standard span's eight first, then
// app.attr.N strings), the root of every 10th trace with status ERROR. Log records are the
// standard log record, each in the context of one of the traces' roots.
export const SPANS_PER_TRACE = 5;
const CHILDREN = [
  { name: 'auth.check', kind: 'internal', offsetUs: 500, durationUs: 1000 },
  { name: 'cache.get', kind: 'client', offsetUs: 2000, durationUs: 1000 },
  { name: 'SELECT orders', kind: 'client', offsetUs: 3500, durationUs: 4000 },
  { name: 'render', kind: 'internal', offsetUs: 8000, durationUs: 3000 },
];
const ROOT_DURATION_US = 12000;
const TRACE_SPACING_US = 20000;
const STANDARD = [
  ['http.request.method', 'GET'], ['url.path', '/api/orders/12345'], ['http.response.status_code', 200],
  ['server.address', 'shop.example.com'], ['network.protocol.version', '1.1'],
  ['user_agent.original', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36'],
  ['app.duration_ms', 1.5], ['app.cache_hit', false],
];

// The first `n` attributes as one object (built once per run, shared by every span).
export function attributeSet(n) {
  const out = {};
  for (let i = 0; i < n; i++) {
    if (i < STANDARD.length) out[STANDARD[i][0]] = STANDARD[i][1];
    else out[`app.attr.${i}`] = `value-${i}`;
  }
  return out;
}

// The standard log record of ../shared/WORKLOAD.md: its four attributes, built once.
const LOG_ATTRIBUTES = { 'http.request.method': 'GET', 'url.path': '/api/orders/12345', 'http.response.status_code': 200,
  'app.duration_ms': 1.5 };
const LOG_BODY = 'GET /api/orders/12345 200 1.5ms';

// The time of trace `t`'s root span, in ms since the epoch.
export const traceStartMs = (baseMs, t) => baseMs + (t * TRACE_SPACING_US) / 1000;

// Emits log record number `i` through `logger`: the standard record, in the span `context`
// (a root span's) whose start is `startMs`; ERROR on every 10th record, INFO otherwise.
export function emitLogRecord(logger, i, context, startMs) {
  const error = i % 10 === 9;
  const time = startMs + 0.5;
  logger.emit({ severityNumber: error ? 17 : 9, severityText: error ? 'ERROR' : 'INFO', body: LOG_BODY,
    attributes: LOG_ATTRIBUTES, timestamp: time, observedTimestamp: time + 0.2, context });
}

// Records trace number `t` (at most `maxSpans` of its spans) and returns how many it recorded;
// the root's span context joins `roots` when given (for the log records). Times in ms since the
// epoch, offsets from `baseMs`.
export function recordTrace(tracer, attrs, t, baseMs, maxSpans, roots) {
  const start = traceStartMs(baseMs, t);
  const root = tracer.startSpan('GET /api/orders/{id}', { kind: 'server', attributes: attrs, startTime: start });
  roots?.push(root.spanContext());
  let n = 1;
  for (const c of CHILDREN) {
    if (n >= maxSpans) break;
    const childStart = start + c.offsetUs / 1000;
    tracer.startSpan(c.name, { kind: c.kind, attributes: attrs, parent: root, startTime: childStart })
      .end(childStart + c.durationUs / 1000);
    n++;
  }
  if (t % 10 === 9) root.setStatus({ code: 'error', message: 'upstream timeout' });
  root.end(start + ROOT_DURATION_US / 1000);
  return n;
}
