// Headless Debian chromium (playwright-core, no browser download) loads the WASM module on a
// page served from loopback under a strict Content-Security-Policy, and exports cross-origin
// to the native receiver (`otlp receive --cors-origin <page origin>`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startReceiver, DIST } from '../wasm/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const OUT = process.env.OTLP_BROWSER_OUT ?? join(here, '..', '..', 'build', 'browser');
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  throw new Error('playwright-core is missing: configure the wasm preset (`cmake --preset wasm` runs `npm ci` in tests/browser)');
}

const TYPES = { '.html': 'text/html', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
const FILES = {
  '/index.html': join(here, 'page', 'index.html'), '/page.mjs': join(here, 'page', 'page.mjs'),
  '/other.html': join(here, 'page', 'other.html'), '/otlp.mjs': join(DIST, 'otlp.mjs'), '/otlp.wasm': join(DIST, 'otlp.wasm'),
  '/otlp-json.wasm': join(DIST, 'otlp-json.wasm'),
};

// Serves the page and the package with a CSP that allows scripts from this origin only, plus
// WebAssembly compilation, and connections to the receivers under test.
function startSite() {
  let connect = "'self'";
  const served = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    served.push(path);
    const file = FILES[path === '/' ? '/index.html' : path];
    if (!file) { res.writeHead(404); return res.end(); }
    res.writeHead(200, {
      'content-type': TYPES[file.slice(file.lastIndexOf('.'))],
      'content-security-policy': `default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ${connect}; style-src 'unsafe-inline'; img-src data:`,
      'cache-control': 'no-store',
    });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    origin: `http://127.0.0.1:${server.address().port}`,
    allow(url) { connect = new URL(url).origin; },
    served, // paths asked for, in order
    close: () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); },
  })));
}

let browser, site;
before(async () => {
  mkdirSync(OUT, { recursive: true });
  site = await startSite();
  browser = await chromium.launch({ executablePath: process.env.OTLP_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});
after(async () => {
  await browser?.close();
  await site?.close();
});

async function openPage(query) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${site.origin}/index.html?${new URLSearchParams(query)}`);
  return { page, errors };
}

for (const [protocol, compression] of [['http/protobuf', 'none'], ['http/protobuf', 'gzip'], ['http/json', 'gzip']]) {
  test(`page under strict CSP exports ${protocol} ${compression} cross-origin; the receiver counts every span`, async () => {
    const rx = await startReceiver({ corsOrigins: [site.origin] });
    site.allow(rx.url);
    try {
      const n = 250;
      site.served.length = 0;
      const { page, errors } = await openPage({ endpoint: rx.endpoint, protocol, compression, spans: n });
      const result = await page.evaluate(() => window.__result);
      assert.equal(result.error, undefined, result.error);
      assert.deepEqual(result.violations, []);
      assert.deepEqual(errors, []);
      assert.equal(result.flush.state, 'done');
      assert.equal(result.flush.ok, true);
      assert.equal(result.stats.exported, n);
      const spans = await rx.waitFor(n);
      assert.equal(spans.length, n);
      assert.ok(spans.every((s) => s.service === 'browser-test'));
      const root = spans.find((s) => s.name === 'page load');
      assert.equal(spans.filter((s) => s.parentSpanId === root.spanId).length, n - 1);
      assert.match(spans.find((s) => s.name === 'work 1').attributes['user_agent.original'], /HeadlessChrome/);
      const sends = await page.evaluate(() => window.__sends);
      assert.ok(sends.length >= 1);
      for (const s of sends) assert.equal(s.encoding, compression); // CompressionStream in the page
      // The page fetched only the module for its protocol.
      const json = protocol === 'http/json';
      assert.deepEqual(site.served.filter((p) => p.endsWith('.wasm')), [json ? '/otlp-json.wasm' : '/otlp.wasm']);
      if (protocol === 'http/protobuf' && compression === 'none') await page.screenshot({ path: join(OUT, 'browser-test.png') });
      await page.close();
    } finally {
      await rx.stop();
    }
  });
}

test('without --cors-origin the browser blocks the export and the flush reports the failure', async () => {
  const rx = await startReceiver();
  site.allow(rx.url);
  try {
    const { page } = await openPage({ endpoint: rx.endpoint, spans: 3, timeout: 1500 });
    const result = await page.evaluate(() => window.__result);
    assert.equal(result.flush.ok, false);
    assert.equal(result.flush.failed, 3);
    assert.equal(rx.spans().length, 0);
    await page.close();
  } finally {
    await rx.stop();
  }
});

test('spans still queued when the page goes away are delivered by the pagehide flush', async () => {
  const rx = await startReceiver({ corsOrigins: [site.origin] });
  site.allow(rx.url);
  try {
    const n = 100; // ~25 KB of protobuf: within the keepalive budget, cut into smaller requests
    const { page } = await openPage({ endpoint: rx.endpoint, spans: n, flush: 'no', delay: 600000 });
    const result = await page.evaluate(() => window.__result);
    assert.equal(result.stats.exported, 0);
    assert.equal(result.stats.queued, n);
    await page.goto(`${site.origin}/other.html`);
    const spans = await rx.waitFor(n);
    assert.equal(spans.length, n);
    await page.close();
  } finally {
    await rx.stop();
  }
});

test('with pageLifecycle off, the same queued spans are lost on navigation (the test above can fail)', async () => {
  const rx = await startReceiver({ corsOrigins: [site.origin] });
  site.allow(rx.url);
  try {
    const { page } = await openPage({ endpoint: rx.endpoint, spans: 10, flush: 'no', delay: 600000, lifecycle: 'off' });
    assert.equal((await page.evaluate(() => window.__result)).stats.queued, 10);
    await page.goto(`${site.origin}/other.html`);
    assert.equal((await rx.waitFor(10, 1000)).length, 0); // the batch delay is 10 minutes away
    await page.close();
  } finally {
    await rx.stop();
  }
});

test('a page turning hidden (visibilitychange) sends the queue at once in keepalive-sized requests', async () => {
  const rx = await startReceiver({ corsOrigins: [site.origin] });
  site.allow(rx.url);
  try {
    const n = 100; // ~25 KB of protobuf
    const { page } = await openPage({ endpoint: rx.endpoint, spans: n, flush: 'no', delay: 600000 });
    assert.equal((await page.evaluate(() => window.__result)).stats.queued, n);
    const sends = await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
      return window.__sends.slice(); // the requests started synchronously by the handler
    });
    assert.ok(sends.length >= 2, `${sends.length} requests`);
    for (const s of sends) {
      assert.equal(s.keepalive, true);
      assert.ok(s.bytes <= 15000, `${s.bytes} bytes`);
    }
    assert.ok(sends.reduce((a, s) => a + s.bytes, 0) <= 60000);
    assert.equal((await rx.waitFor(n)).length, n);
    // The receiver may have written the spans before the page read the answers: let it settle.
    const stats = await page.evaluate(async () => { await window.__tracer.flush(); return window.__tracer.stats(); });
    assert.equal(stats.exported, n);
    assert.equal(stats.queued, 0);
    await page.close();
  } finally {
    await rx.stop();
  }
});
