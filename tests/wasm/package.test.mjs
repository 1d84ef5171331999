// The dist folder is an npm package: `npm pack` gives a tarball that installs and imports by
// name, loading otlp.wasm (otlp-logs.wasm with logs, otlp-json.wasm for OTLP/JSON) next to otlp.mjs on its own;
// nothing in it evaluates code from text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST } from './harness.mjs';

test('npm pack, install the tarball, import it by name and trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otlp-pack-'));
  try {
    const npm = (args, cwd) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], DIST));
    const files = packed[0].files.map((f) => f.path).sort();
    assert.deepEqual(files, ['README.md', 'otlp-json.wasm', 'otlp-logs.mjs', 'otlp-logs.wasm', 'otlp.d.ts', 'otlp.mjs', 'otlp.wasm', 'package.json']);
    const app = join(dir, 'app');
    execFileSync('mkdir', [app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    npm(['install', '--offline', join(dir, packed[0].filename)], app);
    writeFileSync(join(app, 'main.mjs'), `
      import { createTracer, SpanKind } from 'otlp-portable';
      const results = [];
      for (const [protocol, logs] of [['http/protobuf', false], ['http/json', false], ['http/protobuf', true]]) {
        const bodies = [];
        const tracer = await createTracer({ protocol, logs, mode: 'manual', fetch: async (u, init) => { bodies.push(init.body); return new Response(null, { status: 200 }); } });
        if (logs) tracer.logger('from-package').emit({ body: 'x' });
        else tracer.startSpan('from-package', { kind: SpanKind.SERVER }).end();
        const out = await tracer.flush();
        results.push({ state: out.state, exported: out.exported, bytes: bodies[0].length, first: bodies[0][0] });
      }
      console.log(JSON.stringify(results));`);
    const [pb, json, logs] = JSON.parse(execFileSync('node', ['main.mjs'], { cwd: app, encoding: 'utf8' }));
    for (const result of [pb, json, logs]) {
      assert.equal(result.state, 'done');
      assert.equal(result.exported, 1);
      assert.ok(result.bytes > 50);
    }
    assert.equal(pb.first, 0x0a, 'protobuf: field 1, length-delimited');
    assert.equal(json.first, '{'.charCodeAt(0), 'OTLP/JSON from otlp-json.wasm');
    assert.equal(logs.first, 0x0a, 'a log record from otlp-logs.wasm');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no eval: the module has no eval( or new Function, and each .wasm imports only what otlp.mjs gives it', async () => {
  for (const f of ['otlp.mjs', 'otlp-logs.mjs'])
    assert.doesNotMatch(readFileSync(join(DIST, f), 'utf8'), /\beval\s*\(|new\s+Function\b|\bFunction\s*\(/, f);
  const exportsOf = [];
  // Only the JSON module prints doubles (format_double); otlp.mjs passes it to both.
  for (const [file, printsDoubles] of [['otlp.wasm', false], ['otlp-logs.wasm', false], ['otlp-json.wasm', true]]) {
    const mod = await WebAssembly.compile(readFileSync(join(DIST, file)));
    assert.deepEqual(WebAssembly.Module.imports(mod).map((i) => `${i.module}.${i.name}`).sort(), [
      'env.emscripten_notify_memory_growth', ...(printsDoubles ? ['env.format_double'] : []), 'env.now_ms', 'env.parse_double',
      'wasi_snapshot_preview1.proc_exit'], file);
    const exported = WebAssembly.Module.exports(mod).map((e) => e.name);
    assert.ok(exported.filter((n) => n.startsWith('otlp_')).length >= 20, file);
    for (const n of exported) assert.match(n, /^(otlp_\w+|memory|_initialize|__indirect_function_table|__errno_location|stack\w+)$/, n);
    exportsOf.push(exported.sort());
  }
  const logCalls = ['otlp_emit', 'otlp_enabled', 'otlp_logger'];
  assert.deepEqual(exportsOf[1], exportsOf[2], 'one otlp.mjs drives every module');
  assert.deepEqual(exportsOf[0], exportsOf[1].filter((n) => !logCalls.includes(n)), 'otlp.wasm: all but the log calls');
});
