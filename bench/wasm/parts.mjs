// Where a standard span's time goes when it is recorded from JS through the WASM module: each
// part of the standard span (shared/WORKLOAD.md) added to a bare span, timed twice, once with
// the real module and once with its span calls stubbed out (what is left is otlp.mjs writing
// tapes and the span objects), plus the flush that cuts requests, per span.
//   node bench/wasm/parts.mjs [DIST]
// A diagnostic for work on the span path: bench.mjs gives the figures bench/run reports.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NAME, ATTRS, EVENT, EVENT_ATTRS, LINK, PARENT, BASE_MS, standardSpan } from './workload.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const DIST = resolve(process.argv[2] ?? join(here, '..', '..', 'build', 'wasm', 'dist'));
const { createTracer } = await import(pathToFileURL(join(DIST, 'otlp.mjs')).href);
const wasmBinary = readFileSync(join(DIST, 'otlp.wasm'));

// Each measurement runs in a child process of its own (real module or stubbed span calls): one
// process with both tracers makes otlp.mjs's code see two shapes and run slower for both.
const MODE = process.env.OTLP_PARTS_MODE;
if (!MODE) {
  const run = (mode) => JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), DIST],
    { env: { ...process.env, OTLP_PARTS_MODE: mode }, encoding: 'utf8' }));
  const best = {};
  for (let i = 0; i < 2; i++)  // alternated, best of each: load from elsewhere falls on both
    for (const mode of ['real', 'stub'])
      for (const [k, v] of Object.entries(run(mode))) best[k] = Math.min(best[k] ?? Infinity, v);
  report(best);
  process.exit(0);
}

// otlp.mjs instantiates the module itself; in 'stub' mode it gets the real exports with the
// span calls replaced by functions that do nothing (a start returns handle 1, so the span
// object behaves as a recording one).
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async (...args) => {
  const inst = await instantiate(...args);
  if (MODE !== 'stub') return inst;
  const nop = () => 0;
  return { exports: { ...inst.exports, otlp_start: () => 1, otlp_end: nop, otlp_set_attributes: nop,
    otlp_add_event: nop, otlp_add_link: nop, otlp_set_status: nop } };
};
globalThis.fetch = async () => new Response(null, { status: 200 });
const tracer = await createTracer({ wasmBinary, mode: 'manual', scopeName: 'bench', maxRequestBytes: 4 << 20,
  batch: { maxExportBatchSize: 512, maxQueueSize: 2048 } });

const variants = {
  'bare span': (t, i) => t.startSpan(NAME, { startTime: BASE_MS + i }).end(BASE_MS + i + 1.5),
  '+ a parent': (t, i) => t.startSpan(NAME, { parent: PARENT, startTime: BASE_MS + i }).end(BASE_MS + i + 1.5),
  '+ 8 attributes': (t, i) => t.startSpan(NAME, { startTime: BASE_MS + i, attributes: ATTRS }).end(BASE_MS + i + 1.5),
  '+ a link': (t, i) => t.startSpan(NAME, { startTime: BASE_MS + i, links: [{ context: LINK }] }).end(BASE_MS + i + 1.5),
  '+ an event': (t, i) => {
    const s = t.startSpan(NAME, { startTime: BASE_MS + i });
    s.addEvent(EVENT, EVENT_ATTRS, BASE_MS + i + 0.5);
    s.end(BASE_MS + i + 1.5);
  },
  '+ an error status': (t, i) => {
    const s = t.startSpan(NAME, { startTime: BASE_MS + i });
    s.setStatus({ code: 2, message: 'upstream timeout' });
    s.end(BASE_MS + i + 1.5);
  },
  'standard span': standardSpan,
};

// Best of 8 rounds (after 2 of warm-up) of 20 batches of 512 spans per variant, the variants
// interleaved: ns per span recording, and (real module) ns per span in the flush after a batch.
const best = {};
const low = (k, v) => { best[k] = Math.min(best[k] ?? Infinity, v); };
for (let round = -2; round < 8; round++) {
  for (const [name, f] of Object.entries(variants)) {
    let record = 0n, flush = 0n;
    for (let b = 0; b < 20; b++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < 512; i++) f(tracer, i);
      const t1 = process.hrtime.bigint();
      await tracer.flush();
      record += t1 - t0;
      flush += process.hrtime.bigint() - t1;
    }
    if (round < 0) continue;
    low(`${name}|${MODE}`, Number(record) / (20 * 512));
    if (MODE === 'real') low(`${name}|flush`, Number(flush) / (20 * 512));
  }
}
const st = tracer.stats();
if (MODE === 'real' && (st.failed || st.dropped || st.exported !== st.ended))
  throw new Error(`parts: spans lost ${JSON.stringify(st)}`);
console.log(JSON.stringify(best));

function report(best) {
  const names = [...new Set(Object.keys(best).map((k) => k.split('|')[0]))];  // the variants, in order
  const bare = { real: best['bare span|real'], stub: best['bare span|stub'] };
  const pad = (s, n) => String(s).padStart(n);
  console.log(`ns per span from JS, best of 2 processes x 8 rounds (${new Date().toISOString()}); 'added' is over the bare span`);
  console.log(`${'part'.padEnd(20)}${pad('total', 8)}${pad('JS', 8)}${pad('module', 8)}${pad('added JS', 10)}` +
    `${pad('added module', 14)}${pad('flush', 8)}`);
  for (const name of names) {
    const r = best[`${name}|real`], s = best[`${name}|stub`];
    const cells = [r, s, r - s, s - bare.stub, r - s - (bare.real - bare.stub), best[`${name}|flush`]].map(Math.round);
    const added = (v) => (name === 'bare span' ? '' : v);
    console.log(`${name.padEnd(20)}${pad(cells[0], 8)}${pad(cells[1], 8)}${pad(cells[2], 8)}${pad(added(cells[3]), 10)}` +
      `${pad(added(cells[4]), 14)}${pad(cells[5], 8)}`);
  }
}
