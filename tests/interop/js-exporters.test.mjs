// The official opentelemetry-js exporters (HTTP/protobuf, HTTP/JSON, gRPC; logs and traces) send
// to `otlp receive`, and each record the receiver writes to --out is compared field by field with
// what was emitted: every kind of body and attribute value, severity, event name, times, ids,
// flags, trace state, events, links and status.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT_CONTEXT, trace, SpanKind, SpanStatusCode, TraceFlags, createTraceState } from '@opentelemetry/api';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPLogExporter as LogsProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as LogsJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsGrpc } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPTraceExporter as TraceProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as TraceJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TraceGrpc } from '@opentelemetry/exporter-trace-otlp-grpc';
import { startReceiver } from './harness.mjs';
import { fromJs, fromOtlpJson, attributesFrom, jsAttributes } from './values.mjs';

let receiver;
before(async () => {
  receiver = await startReceiver();
});
after(async () => {
  await receiver?.stop();
});

// Each transport: its exporters, built for the receiver's ports once they are known.
const transports = [
  { name: 'http/protobuf', logs: () => new LogsProto({ url: `http://127.0.0.1:${receiver.http}/v1/logs` }),
    traces: () => new TraceProto({ url: `http://127.0.0.1:${receiver.http}/v1/traces` }) },
  { name: 'http/protobuf+gzip', logs: () => new LogsProto({ url: `http://127.0.0.1:${receiver.http}/v1/logs`, compression: 'gzip' }),
    traces: () => new TraceProto({ url: `http://127.0.0.1:${receiver.http}/v1/traces`, compression: 'gzip' }) },
  { name: 'http/json', logs: () => new LogsJson({ url: `http://127.0.0.1:${receiver.http}/v1/logs` }),
    traces: () => new TraceJson({ url: `http://127.0.0.1:${receiver.http}/v1/traces` }) },
  { name: 'grpc', logs: () => new LogsGrpc({ url: `http://127.0.0.1:${receiver.grpc}` }),
    traces: () => new TraceGrpc({ url: `http://127.0.0.1:${receiver.grpc}` }) },
  { name: 'grpc+gzip', logs: () => new LogsGrpc({ url: `http://127.0.0.1:${receiver.grpc}`, compression: 'gzip' }),
    traces: () => new TraceGrpc({ url: `http://127.0.0.1:${receiver.grpc}`, compression: 'gzip' }) },
];

// Every kind of value, as a body and as attributes: the corner cases are the zero values (which
// a writer may not leave out inside a oneof), int64 edges JS can hold exactly, bytes with high
// bits, nesting, escapes, non-BMP characters and empties.
const UNICODE = 'héllo wörld ✓ 日本語 🚀 "quoted" back\\slash\nnew line\ttab \u0001';
const bodies = [
  ['string', 'GET /api/orders/12345 200 1.5ms'],
  ['int', -42],
  ['int zero', 0],
  ['int max safe', Number.MAX_SAFE_INTEGER],
  ['double', 2.5],
  ['double negative tiny', -1.25e-300],
  ['bool true', true],
  ['bool false', false],
  ['bytes', new Uint8Array([0, 1, 2, 0x7f, 0x80, 0xfe, 0xff])],
  ['array', ['a', 1, 2.5, false, ['nested', 7], { k: 'v' }]],
  ['kvlist', { k: 'v', n: 7, d: 0.5, b: true, inner: { deep: 'er', list: [1, 2] } }],
  ['unicode', UNICODE],
  ['empty string', ''],
  ['empty array', []],
  ['empty kvlist', {}],
  ['no body', undefined],
];
const attributes = {
  'str': 'value',
  'int': 1234567890123,
  'int negative': -7,
  'int zero': 0,
  'double': 3.14159,
  'bool': true,
  'bool false': false,
  'bytes': new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0]),
  'array': ['x', 2, 0.25, true],
  'kvlist': { a: 'b', c: { d: 1 } },
  'unicodé ✓ key': UNICODE,
  'empty': '',
};
// Span attributes: what the API allows there (primitives and homogeneous arrays).
const spanAttributes = {
  'str': 'value',
  'int': 1234567890123,
  'int zero': 0,
  'double': -0.125,
  'bool false': false,
  'strings': ['a', '', 'ü'],
  'ints': [1, -2, 3],
  'doubles': [0.5, 1.5],
  'bools': [true, false],
  'unicodé ✓ key': UNICODE,
  'empty': '',
};

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
// [seconds, nanoseconds] keeps every nanosecond (a millisecond number would not).
const hr = (i, extra = 0) => [1_700_000_000 + i, 123_456_789 + extra];
const ns = (i, extra = 0) => String(BigInt(1_700_000_000 + i) * 1_000_000_000n + BigInt(123_456_789 + extra));
const resourceOf = (service) => defaultResource().merge(resourceFromAttributes({ 'service.name': service, 'deployment.environment.name': 'interop ✓', 'process.pid': 4242 }));
const attr = (list, key) => list.find((kv) => kv.key === key)?.value;

// The exporter with each export's result kept: the client must have read the receiver's
// response (protobuf, JSON or gRPC) as a success (ExportResultCode.SUCCESS is 0).
function keepingResults(exporter, results) {
  return {
    export: (items, done) => exporter.export(items, (result) => {
      results.push(result);
      done(result);
    }),
    forceFlush: () => exporter.forceFlush(),
    shutdown: () => exporter.shutdown(),
  };
}
const assertSucceeded = (results, what) => {
  assert.ok(results.length >= 1, `${what}: an export ran`);
  for (const r of results) assert.equal(r.code, 0, `${what}: export result ${r.code}: ${r.error?.message ?? ''}`);
};

for (const t of transports) {
  test(`opentelemetry-js logs over ${t.name} arrive with every value`, async () => {
    const service = `js-logs ${t.name}`;
    const results = [];
    const provider = new LoggerProvider({ resource: resourceOf(service), processors: [new BatchLogRecordProcessor({ exporter: keepingResults(t.logs(), results) })] });
    const logger = provider.getLogger('interop.logs', '2.0.1');
    const emitted = bodies.map(([name, body], i) => {
      const record = {
        timestamp: hr(i),
        observedTimestamp: hr(i, 1),
        severityNumber: (i % 24) + 1,
        severityText: i % 2 ? 'WARN ✓' : 'INFO',
        ...(body === undefined ? {} : { body }),
        attributes: { ...attributes, case: name },
        ...(i % 3 === 0 ? { eventName: `interop.event.${i}` } : {}),
        // Every other record inside a span: its ids and flags go with it.
        ...(i % 2 === 0 ? { context: trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: i % 4 === 0 ? TraceFlags.SAMPLED : TraceFlags.NONE }) } : {}),
      };
      logger.emit(record);
      return record;
    });
    await provider.forceFlush();
    await provider.shutdown();

    assertSucceeded(results, t.name);
    const lines = await receiver.waitForLines('logs', service, emitted.length);
    assert.equal(lines.length, emitted.length, `${lines.length} of ${emitted.length} records arrived: ${receiver.stderr()}`);
    const byCase = new Map(lines.map((l) => [fromOtlpJson(attr(l.attributes, 'case'))[1], l]));
    for (const [i, e] of emitted.entries()) {
      const l = byCase.get(e.attributes.case);
      assert.ok(l, `record '${e.attributes.case}' arrived`);
      const what = `${t.name}, record '${e.attributes.case}'`;
      assert.equal(fromOtlpJson(attr(l.resource.attributes, 'service.name'))[1], service, what);
      assert.deepEqual(fromOtlpJson(attr(l.resource.attributes, 'deployment.environment.name')), ['s', 'interop ✓'], what);
      assert.deepEqual(fromOtlpJson(attr(l.resource.attributes, 'process.pid')), ['i', '4242'], what);
      assert.deepEqual(fromOtlpJson(attr(l.resource.attributes, 'telemetry.sdk.language')), ['s', 'nodejs'], what);
      assert.equal(l.scope.name, 'interop.logs', what);
      assert.equal(l.scope.version, '2.0.1', what);
      assert.equal(l.timeUnixNano, ns(i), what);
      assert.equal(l.observedTimeUnixNano, ns(i, 1), what);
      assert.equal(l.severityNumber, e.severityNumber, what);
      assert.equal(l.severityText, e.severityText, what);
      if (e.body === undefined) {
        // opentelemetry-js's protobuf serializer leaves the field out; its JSON one writes an
        // empty AnyValue ("body":{}), which the receiver keeps as sent.
        assert.deepEqual(l.body, t.name === 'http/json' ? {} : undefined, `${what}: no body`);
      } else {
        assert.deepEqual(fromOtlpJson(l.body), fromJs(e.body), `${what}: body`);
      }
      assert.deepEqual(attributesFrom(fromOtlpJson, l.attributes), jsAttributes(e.attributes), `${what}: attributes`);
      assert.equal(l.eventName ?? '', e.eventName ?? '', `${what}: event name`);
      if (e.context) {
        const sc = trace.getSpanContext(e.context);
        assert.equal(l.traceId, TRACE_ID, what);
        assert.equal(l.spanId, SPAN_ID, what);
        assert.equal(l.flags ?? 0, sc.traceFlags, `${what}: flags`);
      } else {
        assert.equal(l.traceId ?? '', '', what);
        assert.equal(l.spanId ?? '', '', what);
        assert.equal(l.flags ?? 0, 0, what);
      }
      assert.equal(l.droppedAttributesCount ?? 0, 0, what);
    }
  });

  test(`opentelemetry-js spans over ${t.name} arrive with every value`, async () => {
    const service = `js-traces ${t.name}`;
    const results = [];
    const provider = new BasicTracerProvider({ resource: resourceOf(service), spanProcessors: [new BatchSpanProcessor(keepingResults(t.traces(), results))] });
    const tracer = provider.getTracer('interop.traces', '3.0.0');
    // A span under a remote parent (with trace state), linking to another trace, with an event
    // and an ERROR status; and a local child of it, OK, with no attributes.
    const remote = { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true, traceState: createTraceState('vendor=value,other=x') };
    const linked = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.NONE, isRemote: false };
    const parent = tracer.startSpan(`checkout ${UNICODE}`, {
      kind: SpanKind.CLIENT,
      attributes: spanAttributes,
      startTime: hr(0),
      links: [{ context: linked, attributes: { 'link.str': 'l', 'link.int': 3 } }],
    }, trace.setSpanContext(ROOT_CONTEXT, remote));
    parent.addEvent('cache.miss ✓', { 'cache.key': 'orders:12345', 'n': 0, 'ok': false }, hr(0, 500));
    parent.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream timeout ✗' });
    const child = tracer.startSpan('child', { kind: SpanKind.INTERNAL, startTime: hr(0, 100) }, trace.setSpan(ROOT_CONTEXT, parent));
    child.setStatus({ code: SpanStatusCode.OK });
    child.end(hr(0, 200));
    parent.end(hr(1, 5));
    await provider.forceFlush();
    await provider.shutdown();

    assertSucceeded(results, t.name);
    const lines = await receiver.waitForLines('traces', service, 2);
    assert.equal(lines.length, 2, `${lines.length} of 2 spans arrived: ${receiver.stderr()}`);
    const p = lines.find((l) => l.spanId === parent.spanContext().spanId);
    const c = lines.find((l) => l.spanId === child.spanContext().spanId);
    assert.ok(p && c, `both spans arrived by their ids: ${JSON.stringify(lines)}`);
    for (const l of [p, c]) {
      assert.equal(fromOtlpJson(attr(l.resource.attributes, 'service.name'))[1], service);
      assert.deepEqual(fromOtlpJson(attr(l.resource.attributes, 'process.pid')), ['i', '4242']);
      assert.equal(l.scope.name, 'interop.traces');
      assert.equal(l.scope.version, '3.0.0');
      assert.equal(l.traceId, TRACE_ID);
      assert.equal(l.traceState, 'vendor=value,other=x');
    }
    assert.equal(p.parentSpanId, SPAN_ID);
    assert.equal(p.name, `checkout ${UNICODE}`);
    assert.equal(p.kind, 3); // SPAN_KIND_CLIENT
    assert.equal(p.startTimeUnixNano, ns(0));
    assert.equal(p.endTimeUnixNano, ns(1, 5));
    assert.deepEqual(attributesFrom(fromOtlpJson, p.attributes), jsAttributes(spanAttributes));
    assert.equal(p.events.length, 1);
    assert.equal(p.events[0].name, 'cache.miss ✓');
    assert.equal(p.events[0].timeUnixNano, ns(0, 500));
    assert.deepEqual(attributesFrom(fromOtlpJson, p.events[0].attributes), [['cache.key', ['s', 'orders:12345']], ['n', ['i', '0']], ['ok', ['b', false]]]);
    assert.equal(p.links.length, 1);
    assert.equal(p.links[0].traceId, linked.traceId);
    assert.equal(p.links[0].spanId, linked.spanId);
    assert.deepEqual(attributesFrom(fromOtlpJson, p.links[0].attributes), [['link.str', ['s', 'l']], ['link.int', ['i', '3']]]);
    // Span flags: W3C flags in the low byte, 0x100 "is_remote known", 0x200 "parent is remote".
    assert.equal(p.links[0].flags, 0x100);
    assert.equal(p.flags, 0x301);
    assert.deepEqual(p.status, { code: 2, message: 'upstream timeout ✗' });

    assert.equal(c.parentSpanId, p.spanId);
    assert.equal(c.name, 'child');
    assert.equal(c.kind, 1); // SPAN_KIND_INTERNAL
    assert.equal(c.startTimeUnixNano, ns(0, 100));
    assert.equal(c.endTimeUnixNano, ns(0, 200));
    assert.deepEqual(c.attributes ?? [], []);
    assert.deepEqual(c.events ?? [], []);
    assert.deepEqual(c.links ?? [], []);
    assert.equal(c.flags, 0x101);
    assert.equal(c.status?.code, 1);
    assert.equal(c.status?.message ?? '', '');
  });
}
