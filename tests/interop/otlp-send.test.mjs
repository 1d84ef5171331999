// `otlp send` against servers that decode with other libraries (servers.mjs: @grpc/grpc-js with
// @grpc/proto-loader, node:http with protobufjs or JSON.parse, all from the project's .proto
// files): every standard log record and standard span (../shared/WORKLOAD.md,
// core/src/workload/workload.cpp) arrives once, with each value right, over every transport.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runSend, BASE_TIME_NS } from './harness.mjs';
import { startGrpcServer, startHttpServer } from './servers.mjs';
import { fromDecoded, fromOtlpJson, attributesFrom, hexId } from './values.mjs';

let grpcServer;
let httpServer;
before(async () => {
  grpcServer = await startGrpcServer();
  httpServer = await startHttpServer();
});
after(async () => {
  await grpcServer?.stop();
  await httpServer?.stop();
});

// More than two full batches of 512, and a partial one: batching must lose and repeat nothing.
const COUNT = 1100;

const transports = [
  { name: 'grpc', args: () => ['--protocol', 'grpc', '--endpoint', `http://127.0.0.1:${grpcServer.port}`] },
  { name: 'grpc+gzip', args: () => ['--protocol', 'grpc', '--endpoint', `http://127.0.0.1:${grpcServer.port}`, '--compression', 'gzip'] },
  { name: 'http/protobuf', args: () => ['--protocol', 'http/protobuf', '--endpoint', `http://127.0.0.1:${httpServer.port}`] },
  { name: 'http/protobuf+gzip', args: () => ['--protocol', 'http/protobuf', '--endpoint', `http://127.0.0.1:${httpServer.port}`, '--compression', 'gzip'] },
  { name: 'http/json', args: () => ['--protocol', 'http/json', '--endpoint', `http://127.0.0.1:${httpServer.port}`] },
  { name: 'http/json+gzip', args: () => ['--protocol', 'http/json', '--endpoint', `http://127.0.0.1:${httpServer.port}`, '--compression', 'gzip'] },
];

// What a transport's server got for one signal since `from`: [{ form, body }], form saying
// which converter reads its values.
function receivedSince(t, signal, from) {
  if (t.name.startsWith('grpc')) return grpcServer.requests[signal].slice(from[signal]).map((body) => ({ form: 'decoded', body }));
  return httpServer.requests.slice(from.http).filter((r) => r.signal === signal).map((r) => ({ form: r.format === 'json' ? 'json' : 'decoded', body: r.body }));
}
const marks = () => ({ logs: grpcServer.requests.logs.length, traces: grpcServer.requests.traces.length, http: httpServer.requests.length });

// The standard resource and scope (workload.cpp's standard_resource and standard_scope).
const STANDARD_RESOURCE = [
  ['service.name', ['s', 'checkout']],
  ['service.version', ['s', '1.4.2']],
  ['host.name', ['s', 'web-7f9c']],
  ['telemetry.sdk.language', ['s', 'cpp']],
  ['telemetry.sdk.name', ['s', 'otlp-portable']],
];

// The standard resource as the SDK sends it: the SDK adds its own version last.
function checkResource(resource, what) {
  assert.deepEqual(resource.slice(0, STANDARD_RESOURCE.length), STANDARD_RESOURCE, `${what}: resource`);
  const rest = resource.slice(STANDARD_RESOURCE.length);
  assert.equal(rest.length, 1, `${what}: resource has one attribute more: ${JSON.stringify(rest)}`);
  assert.equal(rest[0][0], 'telemetry.sdk.version', what);
  assert.match(rest[0][1][0] === 's' ? rest[0][1][1] : '', /^\d+\.\d+\.\d+/, `${what}: SDK version`);
}

// Every item of every request, flattened, each with its resource and scope in the typed form.
function items(received, resourceField, scopeField, itemField) {
  const out = [];
  for (const { form, body } of received) {
    const value = form === 'json' ? fromOtlpJson : fromDecoded;
    for (const rs of body[resourceField] ?? []) {
      for (const ss of rs[scopeField] ?? []) {
        for (const item of ss[itemField] ?? []) {
          out.push({ form, value, resource: attributesFrom(value, rs.resource?.attributes), scope: ss.scope, item });
        }
      }
    }
  }
  return out;
}

// The item's index from its time: the workload stamps item i at base + i ms (+ offset).
function indexOf(timeUnixNano, offsetNs) {
  const delta = BigInt(timeUnixNano) - BASE_TIME_NS - offsetNs;
  assert.ok(delta >= 0n && delta % 1_000_000n === 0n, `time ${timeUnixNano} is a standard item's`);
  return Number(delta / 1_000_000n);
}

// An id present, of its length and not all zero; returned as hex.
function validId(id, bytes, what) {
  const hex = hexId(id);
  assert.match(hex, new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `${what}: ${bytes}-byte id`);
  assert.notEqual(hex, '0'.repeat(bytes * 2), `${what}: not all zero`);
  return hex;
}

// OTLP/JSON writes int64 and fixed64 as strings and enums as numbers; protobufjs/proto-loader,
// with the options servers.mjs uses, give the same.
const num = (v) => (v === undefined ? 0 : Number(v));

// OTLP/JSON's own rules, on what otlp send writes: 64-bit integers as decimal strings, enums as
// integers, ids as hex (validId).
function checkJsonForm(item, fields, what) {
  for (const f of fields.strings) assert.equal(typeof item[f], 'string', `${what}: ${f} as a string`);
  for (const f of fields.numbers) if (f in item) assert.equal(typeof item[f], 'number', `${what}: ${f} as a number`);
  for (const kv of item.attributes ?? []) {
    if ('intValue' in kv.value) assert.equal(typeof kv.value.intValue, 'string', `${what}: ${kv.key} intValue as a string`);
  }
}

function checkEvery(list, check) {
  const seen = new Array(COUNT).fill(0);
  for (const x of list) {
    const i = check(x);
    assert.ok(i >= 0 && i < COUNT, `index ${i} within 0..${COUNT - 1}`);
    seen[i] += 1;
  }
  const wrong = seen.flatMap((n, i) => (n === 1 ? [] : [`${i}: ${n} times`]));
  assert.deepEqual(wrong, [], 'every item exactly once');
}

for (const t of transports) {
  test(`otlp send --signal logs over ${t.name}: every standard log record decodes right`, async () => {
    const from = marks();
    const run = await runSend(['--signal', 'logs', '--count', String(COUNT), ...t.args()]);
    assert.equal(run.code, 0, `otlp send exited ${run.code}: ${run.stderr}${run.stdout}`);
    assert.equal(run.summary?.signal, 'logs');
    assert.equal(run.summary?.exported, COUNT, run.stdout);
    assert.deepEqual(httpServer.errors, []);
    const received = receivedSince(t, 'logs', from);
    assert.ok(received.length >= 3, `${received.length} requests for ${COUNT} records in batches of 512`);
    if (!t.name.startsWith('grpc')) {
      const r = httpServer.requests.slice(from.http);
      for (const x of r) assert.equal(x.encoding, t.name.endsWith('+gzip') ? 'gzip' : '', 'Content-Encoding');
    }
    const records = items(received, 'resourceLogs', 'scopeLogs', 'logRecords');
    assert.equal(records.length, COUNT);
    const traceIds = new Set();
    checkEvery(records, ({ form, value, resource, scope, item: r }) => {
      const i = indexOf(r.timeUnixNano, 500_000n);
      const what = `record ${i}`;
      if (form === 'json') checkJsonForm(r, { strings: ['timeUnixNano', 'observedTimeUnixNano'], numbers: ['severityNumber', 'flags'] }, what);
      checkResource(resource, what);
      assert.equal(scope?.name, 'bench', `${what}: scope name`);
      assert.equal(scope?.version, '1.0.0', `${what}: scope version`);
      assert.equal(String(BigInt(r.observedTimeUnixNano) - BigInt(r.timeUnixNano)), '200000', `${what}: observed time`);
      const error = i % 10 === 9;
      assert.equal(num(r.severityNumber), error ? 17 : 9, `${what}: severity`);
      assert.equal(r.severityText, error ? 'ERROR' : 'INFO', `${what}: severity text`);
      assert.deepEqual(value(r.body), ['s', 'GET /api/orders/12345 200 1.5ms'], `${what}: body`);
      assert.deepEqual(attributesFrom(value, r.attributes), [
        ['http.request.method', ['s', 'GET']],
        ['url.path', ['s', '/api/orders/12345']],
        ['http.response.status_code', ['i', '200']],
        ['app.duration_ms', ['d', 1.5]],
      ], `${what}: attributes`);
      traceIds.add(validId(r.traceId, 16, `${what}: trace id`));
      validId(r.spanId, 8, `${what}: span id`);
      assert.equal(num(r.flags), 1, `${what}: flags`);
      assert.equal(r.eventName ?? '', '', `${what}: event name`);
      assert.equal(num(r.droppedAttributesCount), 0, `${what}: dropped attributes`);
      return i;
    });
    assert.equal(traceIds.size, COUNT, 'each record in its own trace');
  });

  test(`otlp send --signal traces over ${t.name}: every standard span decodes right`, async () => {
    const from = marks();
    const run = await runSend(['--signal', 'traces', '--count', String(COUNT), ...t.args()]);
    assert.equal(run.code, 0, `otlp send exited ${run.code}: ${run.stderr}${run.stdout}`);
    assert.equal(run.summary?.signal, 'traces');
    assert.equal(run.summary?.exported, COUNT, run.stdout);
    assert.deepEqual(httpServer.errors, []);
    const received = receivedSince(t, 'traces', from);
    assert.ok(received.length >= 3, `${received.length} requests for ${COUNT} spans in batches of 512`);
    const spans = items(received, 'resourceSpans', 'scopeSpans', 'spans');
    assert.equal(spans.length, COUNT);
    const spanIds = new Set();
    checkEvery(spans, ({ form, value, resource, scope, item: s }) => {
      const i = indexOf(s.startTimeUnixNano, 0n);
      const what = `span ${i}`;
      if (form === 'json') {
        checkJsonForm(s, { strings: ['startTimeUnixNano', 'endTimeUnixNano'], numbers: ['kind', 'flags'] }, what);
        assert.equal(typeof s.events[0].timeUnixNano, 'string', `${what}: event time as a string`);
      }
      checkResource(resource, what);
      assert.equal(scope?.name, 'bench', `${what}: scope name`);
      assert.equal(scope?.version, '1.0.0', `${what}: scope version`);
      assert.equal(s.name, 'GET /api/orders/{id}', `${what}: name`);
      assert.equal(num(s.kind), 2, `${what}: kind SERVER`);
      assert.equal(String(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)), '1500000', `${what}: duration`);
      validId(s.traceId, 16, `${what}: trace id`);
      spanIds.add(validId(s.spanId, 8, `${what}: span id`));
      validId(s.parentSpanId, 8, `${what}: parent span id`);
      assert.equal(s.traceState ?? '', '', `${what}: trace state`);
      assert.deepEqual(attributesFrom(value, s.attributes), [
        ['http.request.method', ['s', 'GET']],
        ['url.path', ['s', '/api/orders/12345']],
        ['http.response.status_code', ['i', '200']],
        ['server.address', ['s', 'shop.example.com']],
        ['network.protocol.version', ['s', '1.1']],
        ['user_agent.original', ['s', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36']],
        ['app.duration_ms', ['d', 1.5]],
        ['app.cache_hit', ['b', false]],
      ], `${what}: attributes`);
      assert.equal(s.events?.length, 1, `${what}: one event`);
      assert.equal(s.events[0].name, 'cache.miss', `${what}: event name`);
      assert.equal(String(BigInt(s.events[0].timeUnixNano) - BigInt(s.startTimeUnixNano)), '500000', `${what}: event time`);
      assert.deepEqual(attributesFrom(value, s.events[0].attributes), [['cache.key', ['s', 'orders:12345']]], `${what}: event attributes`);
      assert.equal(s.links?.length, 1, `${what}: one link`);
      validId(s.links[0].traceId, 16, `${what}: link trace id`);
      validId(s.links[0].spanId, 8, `${what}: link span id`);
      assert.deepEqual(s.links[0].attributes ?? [], [], `${what}: link attributes`);
      const error = i % 10 === 9;
      assert.equal(num(s.status?.code), error ? 2 : 0, `${what}: status code`);
      assert.equal(s.status?.message ?? '', error ? 'upstream timeout' : '', `${what}: status message`);
      // W3C sampled in the low byte; 0x100 and 0x200: the parent is known to be remote.
      assert.equal(num(s.flags), 0x301, `${what}: flags`);
      assert.equal(num(s.droppedAttributesCount) + num(s.droppedEventsCount) + num(s.droppedLinksCount), 0, `${what}: nothing dropped`);
      return i;
    });
    assert.equal(spanIds.size, COUNT, 'span ids are unique');
  });
}
