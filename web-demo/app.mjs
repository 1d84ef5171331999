// The demo page: runs one workload through each browser transport (the WASM tracer, OTLP/HTTP
// protobuf and JSON, each with and without gzip), asks the server to run the native exporters on
// the same workload, and shows what each cost; a live panel draws the traces the receiver got.
// Each browser transport then emits log records through the same tracer (one module instance and
// one fetch transport for both signals), shown beside the spans with the receiver's count of log
// records and the last records it got.
// The page reports its state on <body data-state> (loading, ready, running, done, error) and
// keeps the last results in window.__demo, for people and tests alike.
import { createTracer } from '/otlp.mjs';
import { attributeSet, emitLogRecord, recordTrace, traceStartMs } from '/workload.mjs';
import { barChart, latencyHeatmap, waterfall } from '/charts.mjs';

const BOUNDS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]; // the pipeline's histogram
const BROWSER = [
  { transport: 'browser HTTP/protobuf', protocol: 'http/protobuf', compression: 'none' },
  { transport: 'browser HTTP/protobuf+gzip', protocol: 'http/protobuf', compression: 'gzip' },
  { transport: 'browser HTTP/JSON', protocol: 'http/json', compression: 'none' },
  { transport: 'browser HTTP/JSON+gzip', protocol: 'http/json', compression: 'gzip' },
];
const PROBE_MS = 3000;          // a receiver that does not answer within this is down
const EXPORT_TIMEOUT_MS = 10000; // per export request, and the bound on a stalled run
const NATIVE_TIMEOUT_MS = 180000;

const $ = (id) => document.getElementById(id);
const state = (s) => { document.body.dataset.state = s; };
let config, receiverBase, receiverUrl; // the tracer's endpoint; where the probe posts (its traces path)
window.__demo = { rows: [] };

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = false;
  state('error');
}
const progress = (text) => { $('progress').textContent = text; };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function getJson(url, init = {}, timeoutMs = 5000) {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error || `${url}: HTTP ${res.status}`);
  return body;
}

// An empty ExportTraceServiceRequest (zero bytes of protobuf) is a valid export of nothing: the
// receiver answers 200 when it is up, and CORS is exercised exactly as by the tracer.
async function probeReceiver() {
  try {
    const res = await fetch(receiverUrl, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array(0), signal: AbortSignal.timeout(PROBE_MS) });
    if (!res.ok) throw new Error(`it answered HTTP ${res.status}`);
    $('receiver-status').textContent = `receiver: up at ${receiverUrl}`;
    $('receiver-status').className = 'pill up';
    return true;
  } catch (e) {
    const why = e.name === 'TimeoutError' ? `no answer within ${PROBE_MS / 1000} s` : e.message;
    $('receiver-status').textContent = 'receiver: down';
    $('receiver-status').className = 'pill down';
    showError(`The OTLP receiver at ${receiverUrl} is not reachable (${why}).\n` +
      'Start the demo with `otlp demo --web` (it runs the receiver in-process), then reload this page.');
    return false;
  }
}

function quantile(sorted, q) {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

// The receiver's count of log records since it started (it counts every signal apart).
const receivedLogs = async (run) => (await getJson(`/api/counts?run=${encodeURIComponent(run)}`)).received.logRecords;

// Waits until the receiver counted `want` log records more than `base`, at most `ms`: one
// transport's records are sent at a time, so the difference is that transport's.
async function arrivedLogs(run, base, want, ms = 3000) {
  const until = performance.now() + ms;
  for (;;) {
    const n = (await receivedLogs(run)) - base;
    if (n >= want || performance.now() > until) return n;
    await sleep(50);
  }
}

// Latency samples (ms, sorted) as counts per histogram bucket.
function bucketCounts(samples) {
  const counts = new Array(BOUNDS.length + 1).fill(0);
  for (const ms of samples) { const i = BOUNDS.findIndex((b) => ms < b); counts[i < 0 ? BOUNDS.length : i]++; }
  return counts;
}

// Waits until the receiver counted `want` spans of this run and transport (they are counted
// before the receiver answers, so this is normally at once), at most `ms`.
async function arrived(run, transport, want, ms = 3000) {
  const until = performance.now() + ms;
  for (;;) {
    const n = (await getJson(`/api/counts?run=${encodeURIComponent(run)}`)).counts[transport] ?? 0;
    if (n >= want || performance.now() > until) return n;
    await sleep(50);
  }
}

async function runBrowser(t, w, run) {
  // Per signal, told apart by the request's path.
  const wire = { spans: { samples: [], bytes: 0 }, logs: { samples: [], bytes: 0 } };
  // Every export request goes through here: its body as sent (gzip applied) and its round trip.
  const measuredFetch = async (url, init) => {
    const m = String(url).endsWith(config.receiver.logsPath) ? wire.logs : wire.spans;
    m.bytes += init.body.byteLength ?? init.body.length ?? 0;
    const t0 = performance.now();
    try {
      return await fetch(url, init);
    } finally {
      m.samples.push(performance.now() - t0);
    }
  };
  const queueSize = Math.max(2048, 4 * w.batch);
  const tracer = await createTracer({
    endpoint: receiverBase, protocol: t.protocol, compression: t.compression, serviceName: 'otlp-demo-browser',
    resourceAttributes: { 'demo.run': run, 'demo.transport': t.transport },
    sampler: 'parentbased_traceidratio', samplerArg: w.ratio,
    batch: { maxQueueSize: queueSize, maxExportBatchSize: w.batch, scheduledDelayMillis: 200, exportTimeoutMillis: EXPORT_TIMEOUT_MS },
    maxRequestBytes: 32 << 20, // the batch size decides, as natively (no keepalive budget to respect here)
    pageLifecycle: false, fetch: measuredFetch, logs: true,
  });
  const attrs = attributeSet(w.attributes);
  const baseMs = Date.now();
  const t0 = performance.now();
  let recorded = 0, trace = 0, mainMs = 0;
  const roots = []; // each trace's root span context, for the log records
  try {
    while (recorded < w.spans) {
      // Room for one more batch in the queue, or the export is stuck (receiver gone).
      const stuckAt = performance.now() + EXPORT_TIMEOUT_MS + 2000;
      while (tracer.stats().queued + w.batch > queueSize) {
        if (performance.now() > stuckAt) throw new Error(`exports stalled: ${tracer.stats().lastError || 'no answer'}`);
        await sleep(1);
      }
      // Main-thread time: recording a batch's worth of spans, and the encoding step the tracer
      // runs in the microtask right after (before this await resumes).
      const c0 = performance.now();
      for (let inChunk = 0; inChunk < w.batch && recorded < w.spans;) {
        const n = recordTrace(tracer, attrs, trace++, baseMs, w.spans - recorded, roots);
        recorded += n;
        inChunk += n;
      }
      await null;
      mainMs += performance.now() - c0;
    }
    const f0 = performance.now();
    const flushing = tracer.flush(EXPORT_TIMEOUT_MS + 2000);
    mainMs += performance.now() - f0;
    const outcome = await flushing;
    const seconds = (performance.now() - t0) / 1000;
    const s = tracer.stats();
    const got = await arrived(run, t.transport, s.exported);
    const samples = wire.spans.samples.sort((a, b) => a - b);
    const wireBytes = wire.spans.bytes;
    const logs = w.logs || w.console ? await runLogs(tracer, w, run, roots, baseMs, queueSize, wire.logs, t.transport) : null;
    return {
      transport: t.transport, kind: 'browser', ran: true, error: outcome.ok ? '' : (outcome.error || `flush ${outcome.state}`),
      sent: s.ended, exported: s.exported, arrived: got, seconds,
      spansPerSec: s.exported / seconds, bytesPerSpan: s.exported ? wireBytes / s.exported : 0, bytesEstimated: false,
      p50: quantile(samples, 0.5), p95: quantile(samples, 0.95), p99: quantile(samples, 0.99), exact: true,
      usPerSpan: (mainMs * 1000) / w.spans, latencyCounts: bucketCounts(samples), logs,
    };
  } finally {
    await tracer.shutdown(1000).catch(() => {});
  }
}

// The log records of one browser transport, after its spans (so that each signal's figures are
// its own): `w.logs` standard records, each in the context of one of the traces' roots, and with
// the console bridge on, a console.info before and after them.
async function runLogs(tracer, w, run, roots, baseMs, queueSize, wire, transport) {
  const base = await receivedLogs(run);
  const logger = tracer.logger('otlp-demo', '1.0.0');
  const unbridge = w.console ? tracer.bridgeConsole() : null;
  const t0 = performance.now();
  let emitted = 0, mainMs = 0;
  try {
    if (w.console) console.info(`otlp demo: ${transport}: emitting ${w.logs} log records`);
    while (emitted < w.logs) {
      const stuckAt = performance.now() + EXPORT_TIMEOUT_MS + 2000;
      while (tracer.stats().logs.queued + w.batch > queueSize) {
        if (performance.now() > stuckAt) throw new Error(`log exports stalled: ${tracer.stats().logs.lastError || 'no answer'}`);
        await sleep(1);
      }
      // Main-thread time: emitting a batch's worth (each record is encoded as it is emitted).
      const c0 = performance.now();
      for (const end = Math.min(w.logs, emitted + w.batch); emitted < end; emitted++) {
        const i = emitted % roots.length;
        emitLogRecord(logger, emitted, roots[i], traceStartMs(baseMs, i));
      }
      await null;
      mainMs += performance.now() - c0;
    }
    if (w.console) console.info(`otlp demo: ${transport}: emitted ${w.logs} log records`);
  } finally {
    unbridge?.();
  }
  const outcome = await tracer.flush(EXPORT_TIMEOUT_MS + 2000);
  const seconds = (performance.now() - t0) / 1000;
  const s = tracer.stats().logs;
  const samples = wire.samples.sort((a, b) => a - b);
  return {
    error: outcome.ok ? '' : (outcome.error || `flush ${outcome.state}`),
    sent: s.emitted, exported: s.exported, arrived: await arrivedLogs(run, base, s.exported), seconds,
    recordsPerSec: s.exported / seconds, bytesPerRecord: s.exported ? wire.bytes / s.exported : 0,
    p50: quantile(samples, 0.5), p95: quantile(samples, 0.95), p99: quantile(samples, 0.99),
    usPerRecord: w.logs ? (mainMs * 1000) / w.logs : 0, requests: samples.length,
  };
}

async function runNative(w, run) {
  const q = new URLSearchParams({ run, spans: w.spans, attributes: w.attributes, batch: w.batch, ratio: w.ratio });
  const { rows } = await getJson(`/api/native?${q}`, { method: 'POST' }, NATIVE_TIMEOUT_MS);
  return rows.map((r) => ({ ...r, kind: 'native', exact: false, usPerSpan: r.cpuUsPerSpan }));
}

const fmt = (v, d = 0) => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–');

function renderRows(rows) {
  const body = $('rows');
  body.replaceChildren();
  for (const r of rows) {
    const tr = document.createElement('tr');
    tr.dataset.transport = r.transport;
    tr.dataset.sent = r.sent;
    tr.dataset.arrived = r.arrived;
    const complete = r.ran && r.arrived === r.sent && r.exported === r.sent;
    const ms = (v) => (r.exact ? fmt(v, 1) : `≤${fmt(v)}`);
    const cells = r.ran
      ? [fmt(r.spansPerSec), `${r.bytesEstimated ? '~' : ''}${fmt(r.bytesPerSpan, 1)}`, ms(r.p50), ms(r.p95), ms(r.p99),
        fmt(r.usPerSpan, 2), `${complete ? '✓' : '✗'} ${r.arrived} / ${r.sent}${r.error ? ` (${r.error})` : ''}`]
      : [`not run: ${r.error}`];
    const first = document.createElement('td');
    first.textContent = r.transport;
    first.className = r.kind;
    tr.append(first);
    cells.forEach((c, i) => {
      const td = document.createElement('td');
      td.textContent = c;
      if (!r.ran) td.colSpan = 7;
      if (i === cells.length - 1) td.className = complete ? 'ok' : 'bad';
      tr.append(td);
    });
    body.append(tr);
  }
  const ran = rows.filter((r) => r.ran);
  $('chart-throughput').replaceChildren(barChart(ran.map((r) => ({ label: r.transport, value: r.spansPerSec, kind: r.kind,
    text: fmt(r.spansPerSec) })), { title: 'spans per second' }));
  $('chart-bytes').replaceChildren(barChart(ran.map((r) => ({ label: r.transport, value: r.bytesPerSpan, kind: r.kind,
    text: `${r.bytesEstimated ? '~' : ''}${fmt(r.bytesPerSpan, 1)} B` })), { title: 'bytes per span' }));
  $('chart-latency').replaceChildren(latencyHeatmap(ran.map((r) => ({ label: r.transport, counts: r.latencyCounts, kind: r.kind })),
    BOUNDS, { title: 'export latency distribution' }));
  renderLogRows(rows.filter((r) => r.logs));
  $('results').hidden = false;
}

// The log records' table: the browser rows (the native rows send spans only).
function renderLogRows(rows) {
  $('logs-results').hidden = !rows.length;
  $('log-rows').replaceChildren(...rows.map((r) => {
    const l = r.logs;
    const complete = l.arrived === l.sent && l.exported === l.sent;
    const tr = document.createElement('tr');
    tr.dataset.transport = r.transport;
    tr.dataset.sent = l.sent;
    tr.dataset.arrived = l.arrived;
    const cells = [fmt(l.recordsPerSec), fmt(l.bytesPerRecord, 1), fmt(l.p50, 1), fmt(l.p95, 1), fmt(l.usPerRecord, 2),
      `${complete ? '✓' : '✗'} ${l.arrived} / ${l.sent}${l.error ? ` (${l.error})` : ''}`];
    const first = document.createElement('td');
    first.textContent = r.transport;
    first.className = r.kind;
    tr.append(first, ...cells.map((c, i) => {
      const td = document.createElement('td');
      td.textContent = c;
      if (i === cells.length - 1) td.className = complete ? 'ok' : 'bad';
      return td;
    }));
    return tr;
  }));
}

function readWorkload() {
  const f = new FormData($('workload'));
  const w = { spans: Number(f.get('spans')), attributes: Number(f.get('attributes')), batch: Number(f.get('batch')), ratio: Number(f.get('ratio')),
    logs: Number(f.get('logs')), console: f.get('console') === 'on' };
  const bad = (name, want) => { throw new Error(`${name} must be ${want}`); };
  if (!Number.isInteger(w.spans) || w.spans < 1 || w.spans > 200000) bad('spans', 'an integer from 1 to 200000');
  if (!Number.isInteger(w.attributes) || w.attributes < 0 || w.attributes > 64) bad('attributes per span', 'an integer from 0 to 64');
  if (!Number.isInteger(w.batch) || w.batch < 1 || w.batch > 10000) bad('batch size', 'an integer from 1 to 10000');
  if (!(w.ratio >= 0 && w.ratio <= 1)) bad('sampling ratio', 'a number from 0 to 1');
  if (!Number.isInteger(w.logs) || w.logs < 0 || w.logs > 200000) bad('log records', 'an integer from 0 to 200000');
  return w;
}

async function runComparison(event) {
  event.preventDefault();
  $('error').hidden = true;
  $('run').disabled = true;
  state('running');
  try {
    const w = readWorkload();
    if (!(await probeReceiver())) return;
    const run = `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const rows = [];
    for (const t of BROWSER) {
      progress(`${t.transport}: exporting ${w.spans} spans${w.logs ? ` and ${w.logs} log records` : ''}…`);
      rows.push(await runBrowser(t, w, run));
      renderRows(rows);
      refreshLive();
    }
    if (config.native.length) {
      progress(`native exporters (${config.native.join(', ')}): exporting ${w.spans} spans each…`);
      rows.push(...(await runNative(w, run)));
      renderRows(rows);
    }
    window.__demo = { run, workload: w, rows };
    const missing = config.nativeMissing.length ? ` (not in this build: native ${config.nativeMissing.join(', ')})` : '';
    const logs = w.logs ? `, ${w.logs} log records each browser transport` : '';
    progress(`Done: ${rows.length} transports, ${w.spans} spans each${logs}${missing}.`);
    state('done');
  } catch (e) {
    showError(`The comparison stopped: ${e.message}`);
  } finally {
    $('run').disabled = false;
    refreshLive();
  }
}

// The live panel: the receiver's last traces and log records, every second while the page is visible.
let lastTraces = '';
async function refreshLive() {
  refreshLiveLogs();
  try {
    const { traces } = await getJson('/api/traces?limit=8', {}, 3000);
    const key = traces.map((t) => t.traceId + t.spans.length).join();
    if (key === lastTraces || !traces.length) return;
    lastTraces = key;
    $('traces').replaceChildren(...traces.map((t) => {
      const box = document.createElement('div');
      box.className = 'trace';
      box.dataset.traceId = t.traceId;
      const h = document.createElement('h3');
      const id = document.createElement('span');
      id.textContent = ` ${t.traceId.slice(0, 12)}… · ${t.spans.length} span${t.spans.length === 1 ? '' : 's'}`;
      h.append(t.transport, id);
      box.append(h, waterfall(t));
      return box;
    }));
  } catch { /* the next tick tries again; a dead server shows on the next run */ }
}

// The receiver's last log records (JSON lines as `otlp receive --out` writes them), newest first.
let lastLogs = '';
const stringAttribute = (attrs, key) => attrs?.find((a) => a.key === key)?.value?.stringValue;
async function refreshLiveLogs() {
  try {
    const { logs } = await getJson('/api/logs?limit=10', {}, 3000);
    const key = logs.map((l) => l.observedTimeUnixNano + (l.spanId ?? '')).join();
    if (key === lastLogs || !logs.length) return;
    lastLogs = key;
    $('logs').replaceChildren(...logs.map((l) => {
      const tr = document.createElement('tr');
      tr.className = l.severityNumber >= 17 ? 'error' : '';
      const body = l.body?.stringValue ?? JSON.stringify(l.body ?? null);
      const cells = [stringAttribute(l.resource?.attributes, 'demo.transport') ?? 'untagged', l.scope?.name ?? '',
        l.severityText || String(l.severityNumber ?? ''), body, l.traceId ? `${l.traceId.slice(0, 12)}…` : ''];
      tr.append(...cells.map((c) => { const td = document.createElement('td'); td.textContent = c; return td; }));
      return tr;
    }));
  } catch { /* as for the traces */ }
}

async function main() {
  try {
    config = await getJson('/api/config');
  } catch (e) {
    showError(`The demo server does not answer (${e.message}). Start it with \`otlp demo --web\`.`);
    return;
  }
  receiverBase = `${location.protocol}//${location.hostname}:${config.receiver.port}`;
  receiverUrl = receiverBase + config.receiver.path;
  $('workload').addEventListener('submit', runComparison);
  $('run').disabled = false;
  state('ready');
  await probeReceiver();
  refreshLive();
  setInterval(() => { if (!document.hidden && document.body.dataset.state !== 'running') refreshLive(); }, 1000);
}

main();
