// The dist folder is an npm package: `npm pack` gives a tarball that installs and imports by
// name, loading otlp.wasm next to otlp.mjs on its own; nothing in it evaluates code from text.
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
    assert.deepEqual(files, ['README.md', 'otlp.d.ts', 'otlp.mjs', 'otlp.wasm', 'package.json']);
    const app = join(dir, 'app');
    execFileSync('mkdir', [app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    npm(['install', '--offline', join(dir, packed[0].filename)], app);
    writeFileSync(join(app, 'main.mjs'), `
      import { createTracer, SpanKind } from 'otlp-portable';
      const bodies = [];
      const tracer = await createTracer({ mode: 'manual', fetch: async (u, init) => { bodies.push(init.body); return new Response(null, { status: 200 }); } });
      tracer.startSpan('from-package', { kind: SpanKind.SERVER }).end();
      const out = await tracer.flush();
      console.log(JSON.stringify({ state: out.state, exported: out.exported, bytes: bodies[0].length }));`);
    const result = JSON.parse(execFileSync('node', ['main.mjs'], { cwd: app, encoding: 'utf8' }));
    assert.equal(result.state, 'done');
    assert.equal(result.exported, 1);
    assert.ok(result.bytes > 50);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no eval: the module has no eval( or new Function, and the .wasm imports only what otlp.mjs gives it', async () => {
  const js = readFileSync(join(DIST, 'otlp.mjs'), 'utf8');
  assert.doesNotMatch(js, /\beval\s*\(|new\s+Function\b|\bFunction\s*\(/);
  const mod = await WebAssembly.compile(readFileSync(join(DIST, 'otlp.wasm')));
  assert.deepEqual(WebAssembly.Module.imports(mod).map((i) => `${i.module}.${i.name}`).sort(), [
    'env.emscripten_notify_memory_growth', 'env.format_double', 'env.now_ms', 'env.parse_double', 'wasi_snapshot_preview1.proc_exit']);
  const exported = WebAssembly.Module.exports(mod).map((e) => e.name);
  assert.ok(exported.filter((n) => n.startsWith('otlp_')).length >= 20);
  for (const n of exported) assert.match(n, /^(otlp_\w+|memory|_initialize|__indirect_function_table|__errno_location|stack\w+)$/, n);
});
