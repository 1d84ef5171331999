// Shared by the node tests: the built module, the native receiver (`otlp receive`) on a port
// the OS picks, and small helpers with bounded waits.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = process.env.OTLP_DIST ?? join(root, 'build', 'wasm', 'dist');
export const OTLP_BIN = process.env.OTLP_BIN ?? join(root, 'build', 'native', 'bin', 'otlp');
// The module's bytes: otlp.wasm (OTLP/protobuf spans only), otlp-logs.wasm for wasmBinary('logs'),
// otlp-json.wasm for wasmBinary('json').
export const wasmBinary = (kind) => readFileSync(join(DIST, kind ? `otlp-${kind}.wasm` : 'otlp.wasm'));
export const loadModule = () => import(join(DIST, 'otlp.mjs'));

// An OTLP/JSON AnyValue as a plain value (int64 strings as numbers, an empty one as null).
export const plain = (v) => {
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(plain);
  if (v.kvlistValue) return Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key, plain(kv.value ?? {})]));
  if (v.intValue !== undefined) return Number(v.intValue);
  return v.stringValue ?? v.boolValue ?? v.doubleValue ?? v.bytesValue ?? null;
};
const attributeMap = (attributes) => Object.fromEntries((attributes ?? []).map((kv) => [kv.key, plain(kv.value ?? {})]));

// A span line of the receiver's --out file (OTLP/JSON members with the signal, resource and
// scope) with what the tests compare made plain: the service and scope names, attributes as an
// object.
const asSpan = (line) => ({
  ...line,
  service: attributeMap(line.resource.attributes)['service.name'],
  scope: line.scope.name,
  attributes: attributeMap(line.attributes),
});

// A log record line, made plain the same way (its body too, when it has one).
const asLog = (line) => ({ ...asSpan(line), scopeVersion: line.scope.version, ...(line.body ? { body: plain(line.body) } : {}) });

// Starts `otlp receive --http 127.0.0.1:0 --out FILE [--cors-origin O]...` and reads the port
// it reports on stderr.
export async function startReceiver({ corsOrigins = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'otlp-wasm-test-'));
  const out = join(dir, 'spans.jsonl');
  const args = ['receive', '--http', '127.0.0.1:0', '--out', out];
  for (const o of corsOrigins) args.push('--cors-origin', o);
  const child = spawn(OTLP_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`receiver did not report its port: ${stderr}`)), 10000);
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /listening on http:\/\/[^:]+:(\d+)\//.exec(stderr);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`receiver exited (${code}): ${stderr}`)); });
  });
  const lines = () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
  const spans = () => lines().filter((l) => l.signal === 'traces').map(asSpan);
  const logs = () => lines().filter((l) => l.signal === 'logs').map(asLog);
  // Waits (up to `ms`) until `read` returns at least `n` lines, then returns them all.
  const wait = async (read, n, ms) => {
    const until = Date.now() + ms;
    let got = read();
    while (got.length < n && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
      got = read();
    }
    return got;
  };
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`, // the tracer's option: the signal's path is appended
    url: `http://127.0.0.1:${port}/v1/traces`,
    spans,
    logs,
    waitFor: (n, ms = 10000) => wait(spans, n, ms),
    waitForLogs: (n, ms = 10000) => wait(logs, n, ms),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
