// Two builds of the package side by side on a loaded machine: the standard span (otlp.wasm) and
// the standard log record (otlp-logs.wasm) from JS, ns each, as bench.mjs times them but taking
// the lowest tenth of 150 chunks of 1000 instead of the median, in child processes that
// alternate between the builds, best of ROUNDS each: load from elsewhere falls on both alike.
//   node bench/wasm/compare.mjs DIST_A DIST_B [ROUNDS=3]
// A diagnostic for changes to the JS path; bench.mjs gives the figures bench/run reports.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RESOURCE, standardSpan, standardLogRecord } from './workload.mjs';

const [a, b, rounds = '3'] = process.argv.slice(2);
if (!process.env.OTLP_COMPARE_CHILD) {
  if (!a || !b) throw new Error('usage: node bench/wasm/compare.mjs DIST_A DIST_B [ROUNDS]');
  const best = {};
  for (let r = 0; r < Number(rounds); r++)
    for (const dist of [a, b]) {
      const got = JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), dist],
        { env: { ...process.env, OTLP_COMPARE_CHILD: '1' }, encoding: 'utf8' }));
      const prev = best[dist] ?? { span: Infinity, log: Infinity };
      best[dist] = { span: Math.min(prev.span, got.span), log: Math.min(prev.log, got.log) };
    }
  for (const dist of [a, b])
    console.log(`${dist}: span_standard ${Math.round(best[dist].span)} ns, log_standard ${Math.round(best[dist].log)} ns`);
  process.exit(0);
}

const DIST = resolve(a);
const { createTracer } = await import(pathToFileURL(join(DIST, 'otlp.mjs')).href);
globalThis.fetch = async () => new Response(null, { status: 200 });
const make = (file) => createTracer({ wasmBinary: readFileSync(join(DIST, file)), mode: 'manual', resourceAttributes: RESOURCE,
  batch: { maxExportBatchSize: 512, maxQueueSize: 2048 }, maxRequestBytes: 4 << 20 });
const spans = await make('otlp.wasm');
const logs = await make('otlp-logs.wasm');
const logger = logs.logger('bench', '1.0.0');
async function lowTenth(record, tracer) {
  const samples = [];
  for (let c = 0; c < 150; c++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) record(i);
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    await tracer.flush();
  }
  return samples.sort((x, y) => x - y)[15];
}
const out = { span: Infinity, log: Infinity };
for (let r = 0; r < 3; r++) {
  out.span = Math.min(out.span, await lowTenth((i) => standardSpan(spans, i), spans));
  out.log = Math.min(out.log, await lowTenth((i) => standardLogRecord(logger, i), logs));
}
if (spans.stats().exported === 0 || logs.stats().logs.exported === 0) throw new Error('compare: nothing exported');
console.log(JSON.stringify(out));
