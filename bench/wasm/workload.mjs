// The standard span of shared/WORKLOAD.md in JS, for bench.mjs and parts.mjs: its resource, name,
// attributes, event and link, and the span itself recorded through otlp.mjs's API.
export const RESOURCE = { 'service.name': 'checkout', 'service.version': '1.4.2', 'host.name': 'web-7f9c',
  'telemetry.sdk.language': 'cpp', 'telemetry.sdk.name': 'otlp-portable' };
export const NAME = 'GET /api/orders/{id}';
export const ATTRS = {
  'http.request.method': 'GET', 'url.path': '/api/orders/12345', 'http.response.status_code': 200,
  'server.address': 'shop.example.com', 'network.protocol.version': '1.1',
  'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'app.duration_ms': 1.5, 'app.cache_hit': false,
};
export const EVENT = 'cache.miss';
export const EVENT_ATTRS = { 'cache.key': 'orders:12345' };
export const LINK = { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', traceFlags: 1 };
// The remote parent (sampled) that gives the span its trace id and parent span id, as an
// incoming traceparent would.
export const PARENT = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true };
export const BASE_MS = 1_700_000_000_000;

// Span i: a child of PARENT, starts i ms after BASE_MS, lasts 1.5 ms, ERROR on every 10th.
export function standardSpan(tracer, i) {
  const start = BASE_MS + i;
  const s = tracer.startSpan(NAME, { kind: 'server', parent: PARENT, startTime: start, attributes: ATTRS,
    links: [{ context: LINK }] });
  s.addEvent(EVENT, EVENT_ATTRS, start + 0.5);
  if (i % 10 === 0) s.setStatus({ code: 2, message: 'upstream timeout' });
  s.end(start + 1.5);
}

// The standard log record (shared/WORKLOAD.md), emitted through a logger of otlp.mjs: the
// record of span i, in that span's trace.
export const LOG_BODY = 'GET /api/orders/12345 200 1.5ms';
export const LOG_ATTRS = { 'http.request.method': 'GET', 'url.path': '/api/orders/12345', 'http.response.status_code': 200,
  'app.duration_ms': 1.5 };
const LOG_CONTEXT = { traceId: PARENT.traceId, spanId: LINK.spanId, traceFlags: 1 };
export function standardLogRecord(logger, i) {
  const time = BASE_MS + i + 0.5;
  const error = i % 10 === 0;
  logger.emit({ timestamp: time, observedTimestamp: time + 0.2, severityNumber: error ? 17 : 9,
    severityText: error ? 'ERROR' : 'INFO', body: LOG_BODY, attributes: LOG_ATTRS, context: LOG_CONTEXT });
}
