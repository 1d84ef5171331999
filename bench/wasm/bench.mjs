// The WASM module's figures in node, against the official opentelemetry-js serializer in the
// same process, on the standard span (shared/WORKLOAD.md). Prints one JSON line per figure in
// bench/report.mjs's format: {name, value, unit, baseline, ratio}.
//   node bench/wasm/bench.mjs [DIST]       (run `npm ci` in bench/wasm first; bench/run does)
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, SimpleSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { RESOURCE, NAME, ATTRS, EVENT, EVENT_ATTRS, LINK, PARENT, BASE_MS, standardSpan, standardLogRecord } from './workload.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// An absolute file URL: a relative path such as build/wasm/dist would read as a package name.
const DIST = resolve(process.argv[2] ?? join(here, '..', '..', 'build', 'wasm', 'dist'));
const { createTracer } = await import(pathToFileURL(join(DIST, 'otlp.mjs')).href);
const wasmBinary = readFileSync(join(DIST, 'otlp.wasm'));

const BATCH = 512;

const figures = [];
function figure(name, value, unit, baseline = null) {
  figures.push({ name, value: Number(value.toPrecision(4)), unit,
    baseline: baseline === null ? null : Number(baseline.toPrecision(4)),
    ratio: baseline === null ? null : Number((value / baseline).toPrecision(3)) });
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
// Items per second of one timed run of fn() over `n` items.
async function once(n, fn) {
  const t0 = process.hrtime.bigint();
  await fn();
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}
// Best of 7 runs of each contender, their runs interleaved so that load from other processes
// on the machine falls on all of them alike.
async function bestOf(contenders) {
  const best = contenders.map(() => 0);
  for (let r = 0; r < 7; r++)
    for (let i = 0; i < contenders.length; i++) best[i] = Math.max(best[i], await once(...contenders[i]));
  return best;
}

// ---- ours: record standard spans from JS and cut 512-span requests (a fetch that answers at once)
let bodies = 0;
// Stands in for the platform's fetch, which the tracer hands a view of its memory because the
// Fetch standard has fetch() copy the body before returning (an app's own `fetch` option gets
// a copy instead); this one answers at once.
globalThis.fetch = async (url, init) => { bodies += init.body.length; return new Response(null, { status: 200 }); };
const tracer = await createTracer({ wasmBinary, mode: 'manual', resourceAttributes: RESOURCE, scopeName: 'bench',
  scopeVersion: '1.0.0', batch: { maxExportBatchSize: BATCH, maxQueueSize: 4 * BATCH }, maxRequestBytes: 4 << 20 });
async function oursBatches(batches) {
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < BATCH; i++) standardSpan(tracer, i);
    await tracer.flush();
  }
}
await oursBatches(20); // warm-up
// ---- theirs: 512 ReadableSpans of the same shape, serialized by ProtobufTraceSerializer
const memory = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ resource: resourceFromAttributes(RESOURCE), spanProcessors: [new SimpleSpanProcessor(memory)] });
const otel = provider.getTracer('bench', '1.0.0');
const otelParent = trace.setSpanContext(context.active(), PARENT);
function otelBatch() {
  memory.reset();
  for (let i = 0; i < BATCH; i++) {
    const start = BASE_MS + i;
    const s = otel.startSpan(NAME, { kind: SpanKind.SERVER, startTime: start, attributes: ATTRS, links: [{ context: LINK }] },
      otelParent);
    s.addEvent(EVENT, EVENT_ATTRS, start + 0.5);
    if (i % 10 === 0) s.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream timeout' });
    s.end(start + 1.5);
  }
  return memory.getFinishedSpans();
}
const spans = otelBatch();
if (spans[0].parentSpanContext?.spanId !== PARENT.spanId) throw new Error('bench: the otel-js spans lost their parent');
let otelBytes = 0;
const theirsBatches = (n) => { for (let b = 0; b < n; b++) otelBytes = ProtobufTraceSerializer.serializeRequest(spans).length; };
theirsBatches(20);
// Also against opentelemetry-js recording its spans too (sdk-trace-base), then serializing.
const [ours, theirs, theirsFull] = await bestOf([
  [40 * BATCH, () => oursBatches(40)],
  [20 * BATCH, () => theirsBatches(20)],
  [10 * BATCH, () => { for (let b = 0; b < 10; b++) ProtobufTraceSerializer.serializeRequest(otelBatch()); }],
]);
const st = tracer.stats();
if (st.failed || st.dropped) throw new Error(`bench: spans lost ${JSON.stringify(st)}`);
figure('encode_protobuf_wasm_js_spans_per_s', ours, 'spans/s', theirs);
figure('record_and_encode_wasm_js_spans_per_s', ours, 'spans/s', theirsFull);
console.error(`bench/wasm: ours records + encodes from JS (~${Math.round(bodies / (tracer.stats().exported || 1))} B/span); ` +
  `otel-js serializes ready spans only (${Math.round(otelBytes / BATCH)} B/span)`);

// ---- span start-to-end from JS: medians over chunks of 1000 spans (flushed between chunks)
async function perSpanNs(make, t = tracer) {
  const chunk = 1000, samples = [];
  for (let c = 0; c < 200; c++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < chunk; i++) make(i);
    samples.push(Number(process.hrtime.bigint() - t0) / chunk);
    await t.flush();
  }
  return median(samples.slice(20));
}
figure('span_start_end_wasm_js_ns', await perSpanNs(() => tracer.startSpan('op').end()), 'ns');
figure('span_standard_wasm_js_ns', await perSpanNs((i) => standardSpan(tracer, i)), 'ns');
// The standard log record from JS, through otlp-logs.wasm, measured the same way.
const logTracer = await createTracer({ wasmBinary: readFileSync(join(DIST, 'otlp-logs.wasm')), mode: 'manual',
  resourceAttributes: RESOURCE, batch: { maxExportBatchSize: BATCH, maxQueueSize: 4 * BATCH }, maxRequestBytes: 4 << 20 });
const logger = logTracer.logger('bench', '1.0.0');
figure('log_standard_wasm_js_ns', await perSpanNs((i) => standardLogRecord(logger, i), logTracer), 'ns');
if (logTracer.stats().logs.exported === 0) throw new Error('bench: no log records exported');

// ---- size: what a page that sends OTLP/protobuf downloads (otlp.wasm + otlp.mjs), as
// `gzip -9 -c FILE | wc -c` counts it; the baseline is the official minimal web setup (with the
// OTLP/protobuf exporter) bundled and minified by esbuild in this run
const gz = (f) => execFileSync('gzip', ['-9', '-c', f]).length;
const otelBundle = join(mkdtempSync(join(tmpdir(), 'otlp-bench-')), 'otel-web.min.mjs');
execFileSync('esbuild', [join(here, 'otel-web-entry.mjs'), '--bundle', '--minify', '--format=esm', '--platform=browser',
  '--log-level=warning', `--outfile=${otelBundle}`]);
const otelWeb = gz(otelBundle);
rmSync(dirname(otelBundle), { recursive: true, force: true });
const ourWasm = gz(join(DIST, 'otlp.wasm')), ourJs = gz(join(DIST, 'otlp.mjs'));
figure('wasm_module_gzip_bytes', ourWasm + ourJs, 'bytes', otelWeb);
figure('wasm_module_wasm_gzip_bytes', ourWasm, 'bytes');
figure('wasm_module_mjs_gzip_bytes', ourJs, 'bytes');
// A page that also sends log records (option logs: true) loads otlp-logs.wasm instead of otlp.wasm,
// and otlp-logs.mjs (the logs half of otlp.mjs) too, in a build that has it.
const logsJs = existsSync(join(DIST, 'otlp-logs.mjs')) ? gz(join(DIST, 'otlp-logs.mjs')) : 0;
figure('wasm_module_logs_gzip_bytes', gz(join(DIST, 'otlp-logs.wasm')) + ourJs + logsJs, 'bytes');
// OTLP/JSON users load otlp-json.wasm instead of otlp.wasm (the baseline is a protobuf setup).
figure('wasm_module_json_wasm_gzip_bytes', gz(join(DIST, 'otlp-json.wasm')), 'bytes');

for (const f of figures) console.log(JSON.stringify(f));
