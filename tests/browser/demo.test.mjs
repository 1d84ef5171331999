// The web demo (`otlp demo --web`, web-demo/) in headless Debian chromium: one small comparison
// through every transport row, arrivals counted by the receiver equal to what was sent, non-zero
// figures, the live panel filled, a screenshot in build/browser/; log records emitted by the
// page counted by the receiver per transport and shown beside the spans; and with the receiver
// down, a clear error on the page within a bounded time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const OUT = process.env.OTLP_BROWSER_OUT ?? join(root, 'build', 'browser');
const OTLP_BIN = process.env.OTLP_BIN ?? join(root, 'build', 'native', 'bin', 'otlp');
const DIST = process.env.OTLP_DIST ?? join(root, 'build', 'wasm', 'dist');
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  throw new Error('playwright-core is missing: configure the wasm preset (`cmake --preset wasm` runs `npm ci` in tests/browser)');
}

// Starts `otlp demo --web --port 0 [extra]` and reads the URL it prints.
async function startDemo(extra = []) {
  const child = spawn(OTLP_BIN, ['demo', '--web', '--port', '0', '--wasm-dist', DIST, '--assets', join(root, 'web-demo'), ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`otlp demo --web printed no URL: ${output}`)), 10000);
    const read = (d) => {
      output += d;
      const m = /open (http:\/\/\S+\/)/.exec(output);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`otlp demo --web exited (${code}): ${output}`)); });
  });
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      return exited;
    },
  };
}

let browser;
before(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({ executablePath: process.env.OTLP_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});
after(async () => {
  await browser?.close();
});

// Opens the page, recording page errors, CSP violations and any request that leaves loopback.
async function open(url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e}`));
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) problems.push(`csp: ${m.text()}`); });
  page.on('request', (r) => { if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(r.url())) problems.push(`external request: ${r.url()}`); });
  await page.goto(url);
  return { page, problems };
}

test('one comparison: every transport row, arrived == sent, non-zero figures, live traces', async () => {
  const demo = await startDemo();
  try {
    const { page, problems } = await open(demo.url);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 10000 });
    const config = await page.evaluate(() => fetch('/api/config').then((r) => r.json()));
    await page.fill('input[name=spans]', '203'); // 40 whole traces and one of three spans
    await page.fill('input[name=attributes]', '10');
    await page.fill('input[name=batch]', '50');
    await page.fill('input[name=ratio]', '1');
    await page.click('#run');
    await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state), null, { timeout: 45000 });
    const error = await page.textContent('#error');
    assert.equal(await page.getAttribute('body', 'data-state'), 'done', error);

    const rows = await page.evaluate(() => window.__demo.rows);
    const want = ['browser HTTP/protobuf', 'browser HTTP/protobuf+gzip', 'browser HTTP/JSON', 'browser HTTP/JSON+gzip', ...config.native];
    assert.deepEqual(rows.map((r) => r.transport), want);
    assert.ok(config.native.includes('native HTTP/protobuf'));
    for (const r of rows) {
      assert.equal(r.ran, true, `${r.transport}: ${r.error}`);
      assert.equal(r.error, '', r.transport);
      assert.equal(r.sent, 203, r.transport);
      assert.equal(r.exported, 203, r.transport);
      assert.equal(r.arrived, 203, r.transport);
      for (const k of ['spansPerSec', 'bytesPerSpan', 'p50', 'p95', 'p99', 'usPerSpan'])
        assert.ok(Number.isFinite(r[k]) && r[k] > 0, `${r.transport}: ${k} = ${r[k]}`);
      assert.ok(r.p50 <= r.p95 && r.p95 <= r.p99, r.transport);
      assert.equal(r.latencyCounts.reduce((a, b) => a + b, 0) >= 5, true, `${r.transport}: 203 spans in batches of 50 is 5 requests`);
    }
    const bytes = Object.fromEntries(rows.map((r) => [r.transport, r.bytesPerSpan]));
    assert.ok(bytes['browser HTTP/protobuf+gzip'] < bytes['browser HTTP/protobuf'], 'gzip makes protobuf smaller');
    assert.ok(bytes['browser HTTP/JSON'] > bytes['browser HTTP/protobuf'], 'JSON is bigger than protobuf');

    // What the page shows: one table row per transport, arrived / sent, the three charts.
    const shown = await page.$$eval('#rows tr', (trs) => trs.map((tr) => [tr.dataset.transport, tr.dataset.arrived, tr.dataset.sent, tr.lastChild.textContent]));
    assert.deepEqual(shown.map((s) => s[0]), want);
    for (const [t, got, sent, text] of shown) {
      assert.equal(got, sent, t);
      assert.match(text, /^✓ 203 \/ 203$/, t);
    }
    for (const id of ['chart-throughput', 'chart-bytes']) assert.equal(await page.locator(`#${id} svg rect`).count(), want.length, id);
    assert.ok(await page.locator('#chart-latency svg rect').count() >= want.length * 14);

    // The live panel draws the receiver's last traces as waterfalls.
    await page.waitForFunction(() => document.querySelectorAll('#traces .trace svg rect').length >= 5, null, { timeout: 5000 });
    const liveNames = await page.$$eval('#traces .trace svg text', (ts) => ts.map((t) => t.textContent));
    assert.ok(liveNames.includes('GET /api/orders/{id}') && liveNames.includes('SELECT orders'), liveNames.join());

    assert.deepEqual(problems, []);
    await page.screenshot({ path: join(OUT, 'web-demo.png'), fullPage: true });
    await page.close();
  } finally {
    assert.equal(await demo.stop(), 0, demo.output());
  }
});

test('log records: each browser transport emits them after its spans, the receiver counts them, the page shows them', async () => {
  const demo = await startDemo();
  try {
    const { page, problems } = await open(demo.url);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 10000 });
    await page.fill('input[name=spans]', '50');
    await page.fill('input[name=attributes]', '2');
    await page.fill('input[name=batch]', '40');
    await page.fill('input[name=ratio]', '1');
    await page.fill('input[name=logs]', '123');
    await page.check('input[name=console]');
    await page.click('#run');
    await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state), null, { timeout: 45000 });
    assert.equal(await page.getAttribute('body', 'data-state'), 'done', await page.textContent('#error'));

    // 123 standard records and the console bridge's two (before and after them) per transport.
    const { run, rows } = await page.evaluate(() => window.__demo);
    const browserRows = rows.filter((r) => r.kind === 'browser');
    assert.equal(browserRows.length, 4);
    for (const r of browserRows) {
      const l = r.logs;
      assert.equal(l.error, '', r.transport);
      assert.equal(l.sent, 125, r.transport);
      assert.equal(l.exported, 125, r.transport);
      assert.equal(l.arrived, 125, r.transport);
      assert.ok(l.requests >= 4, `${r.transport}: 125 records in batches of 40 is 4 requests, got ${l.requests}`);
      for (const k of ['recordsPerSec', 'bytesPerRecord', 'p50', 'p95', 'usPerRecord'])
        assert.ok(Number.isFinite(l[k]) && l[k] > 0, `${r.transport}: logs.${k} = ${l[k]}`);
      assert.equal(r.arrived, 50, `${r.transport}: the spans still arrive`);
    }
    for (const r of rows.filter((r) => r.kind === 'native')) assert.equal(r.logs, undefined, r.transport);
    const bytes = Object.fromEntries(browserRows.map((r) => [r.transport, r.logs.bytesPerRecord]));
    assert.ok(bytes['browser HTTP/protobuf+gzip'] < bytes['browser HTTP/protobuf'], 'gzip makes log records smaller');
    assert.ok(bytes['browser HTTP/JSON'] > bytes['browser HTTP/protobuf'], 'JSON log records are bigger than protobuf');

    // The receiver's own count, asked directly: every record of the four transports, no more.
    const counts = await (await fetch(`${demo.url}api/counts?run=${run}`)).json();
    assert.equal(counts.received.logRecords, 4 * 125);

    // The page's log table: a row per browser transport, arrived / sent.
    const shown = await page.$$eval('#log-rows tr', (trs) => trs.map((tr) => [tr.dataset.transport, tr.lastChild.textContent]));
    assert.deepEqual(shown.map((s) => s[0]), browserRows.map((r) => r.transport));
    for (const [t, text] of shown) assert.match(text, /^✓ 125 \/ 125$/, t);
    assert.equal(await page.isVisible('#logs-results'), true);

    // The live panel: the last records the receiver got, newest first: the last transport's
    // closing console record, then its standard records (ERROR on every 10th) in its traces.
    await page.waitForFunction(() => document.querySelectorAll('#logs tr').length >= 10, null, { timeout: 5000 });
    const live = await page.$$eval('#logs tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    assert.deepEqual(live[0].slice(0, 4), ['browser HTTP/JSON+gzip', 'console', 'INFO', 'otlp demo: browser HTTP/JSON+gzip: emitted 123 log records']);
    assert.deepEqual(live[1].slice(0, 4), ['browser HTTP/JSON+gzip', 'otlp-demo', 'INFO', 'GET /api/orders/12345 200 1.5ms']);
    assert.ok(live.some((c) => c[2] === 'ERROR'), live.map((c) => c[2]).join());
    for (const c of live.slice(1)) assert.match(c[4], /^[0-9a-f]{12}…$/);

    assert.deepEqual(problems, []);
    await page.screenshot({ path: join(OUT, 'web-demo-logs.png'), fullPage: true });
    await page.close();
  } finally {
    assert.equal(await demo.stop(), 0, demo.output());
  }
});

test('sampling: a ratio of 0.5 keeps whole traces, and what was kept is what arrived, on every row', async () => {
  const demo = await startDemo();
  try {
    const { page, problems } = await open(demo.url);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 10000 });
    await page.fill('input[name=spans]', '400'); // 80 traces of 5 spans
    await page.fill('input[name=attributes]', '0');
    await page.fill('input[name=batch]', '64');
    await page.fill('input[name=ratio]', '0.5');
    await page.click('#run');
    await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state), null, { timeout: 45000 });
    assert.equal(await page.getAttribute('body', 'data-state'), 'done', await page.textContent('#error'));
    const rows = await page.evaluate(() => window.__demo.rows);
    assert.ok(rows.length >= 5);
    for (const r of rows) {
      // The sampler decides per trace (parentbased_traceidratio): whole traces of 5 are kept or
      // not; all 80 kept or none is a 2^-79 chance.
      assert.ok(r.sent > 0 && r.sent < 400 && r.sent % 5 === 0, `${r.transport}: sent ${r.sent}`);
      assert.equal(r.exported, r.sent, r.transport);
      assert.equal(r.arrived, r.sent, r.transport);
    }
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    await demo.stop();
  }
});

test('bad workload input is refused on the page with a message naming the field', async () => {
  const demo = await startDemo();
  try {
    const { page } = await open(demo.url);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 10000 });
    await page.evaluate(() => { document.querySelector('form').noValidate = true; });
    await page.fill('input[name=batch]', '0');
    await page.click('#run');
    await page.waitForFunction(() => document.body.dataset.state === 'error', null, { timeout: 5000 });
    assert.match(await page.textContent('#error'), /batch size must be an integer from 1 to 10000/);
    await page.fill('input[name=batch]', '50');
    await page.fill('input[name=logs]', '-1');
    await page.click('#run');
    await page.waitForFunction(() => document.body.dataset.state === 'error' && /log records/.test(document.getElementById('error').textContent),
      null, { timeout: 5000 });
    assert.match(await page.textContent('#error'), /log records must be an integer from 0 to 200000/);
    assert.equal(await page.locator('#rows tr').count(), 0);
    await page.close();
  } finally {
    await demo.stop();
  }
});

test('receiver down: the page says so within a bounded time, and a run stops with the same error', async () => {
  const demo = await startDemo(['--no-receiver']);
  try {
    const { page } = await open(demo.url);
    const t0 = Date.now();
    await page.waitForFunction(() => document.body.dataset.state === 'error', null, { timeout: 8000 });
    assert.ok(Date.now() - t0 < 8000);
    const message = await page.textContent('#error');
    assert.match(message, /OTLP receiver at http:\/\/127\.0\.0\.1:\d+\/v1\/traces is not reachable/);
    assert.match(message, /otlp demo --web/);
    assert.equal(await page.textContent('#receiver-status'), 'receiver: down');
    assert.equal(await page.isVisible('#error'), true);
    // The page is not blank: the controls are there and a run reports the same error, not a hang.
    await page.click('#run');
    await page.waitForFunction(() => document.body.dataset.state === 'error' && !document.getElementById('run').disabled, null, { timeout: 8000 });
    assert.match(await page.textContent('#error'), /not reachable/);
    assert.equal(await page.locator('#rows tr').count(), 0);
    const native = await fetch(`${demo.url}api/native?run=x&spans=5&attributes=1&batch=5&ratio=1`, { method: 'POST' });
    assert.equal(native.status, 503);
    assert.match((await native.json()).error, /receiver is not running/);
    await page.screenshot({ path: join(OUT, 'web-demo-receiver-down.png') });
    await page.close();
  } finally {
    await demo.stop();
  }
});

test('the native API refuses bad parameters with a message naming them', async () => {
  const demo = await startDemo();
  try {
    const post = (q) => fetch(`${demo.url}api/native?${q}`, { method: 'POST' });
    let res = await post('run=a&spans=0&attributes=1&batch=1&ratio=1');
    assert.equal(res.status, 400);
    assert.match((await res.json()).error, /'spans' must be an integer in \[1, 1000000\], got '0'/);
    res = await post('run=a&spans=1&attributes=1&batch=1&ratio=2');
    assert.equal(res.status, 400);
    assert.match((await res.json()).error, /'ratio'/);
    res = await post('spans=1&attributes=1&batch=1&ratio=1');
    assert.equal(res.status, 400);
    assert.match((await res.json()).error, /'run'/);
    res = await fetch(`${demo.url}no-such-file.mjs`);
    assert.equal(res.status, 404);
  } finally {
    await demo.stop();
  }
});

test('the page gets the ES module and both WASM modules (protobuf-only and JSON) with their content types', async () => {
  const demo = await startDemo();
  try {
    for (const [path, type, file] of [['otlp.mjs', 'text/javascript', 'otlp.mjs'], ['otlp-logs.mjs', 'text/javascript', 'otlp-logs.mjs'],
      ['otlp.wasm', 'application/wasm', 'otlp.wasm'],
      ['otlp-logs.wasm', 'application/wasm', 'otlp-logs.wasm'], ['otlp-json.wasm', 'application/wasm', 'otlp-json.wasm']]) {
      const res = await fetch(`${demo.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('content-type'), type, path);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), readFileSync(join(DIST, file)), path);
    }
  } finally {
    await demo.stop();
  }
});

test('without the WASM module, otlp demo --web says how to build it and exits 1; bad flags exit 2', () => {
  const missing = spawnSync(OTLP_BIN, ['demo', '--web', '--port', '0', '--wasm-dist', join(root, 'no-such-dist')], { encoding: 'utf8', timeout: 10000 });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /WASM module \(otlp\.mjs, otlp-logs\.mjs, otlp\.wasm, otlp-logs\.wasm, otlp-json\.wasm\) is not in .*no-such-dist/);
  assert.match(missing.stderr, /cmake --build --preset wasm --target otlp_wasm_dist/);
  const port = spawnSync(OTLP_BIN, ['demo', '--web', '--port', '65536'], { encoding: 'utf8', timeout: 10000 });
  assert.equal(port.status, 2);
  assert.match(port.stderr, /--port/);
});
