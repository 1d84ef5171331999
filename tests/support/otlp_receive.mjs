// `otlp receive` from the native build for the node tests (tests/wasm, tests/browser,
// tests/interop): listening on 127.0.0.1 on ports the OS picks, writing its --out lines to a
// temporary file, and bounded waits for what arrives.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OTLP_BIN = process.env.OTLP_BIN ?? join(root, 'build', 'native', 'bin', 'otlp');

// Waits (up to `ms`) until `read()` returns at least `n` items, then returns them all.
export async function waitFor(read, n, ms = 10000) {
  const until = Date.now() + ms;
  let got = read();
  while (got.length < n && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
    got = read();
  }
  return got;
}

// Starts `otlp receive --http 127.0.0.1:0 [--grpc 127.0.0.1:0] --out FILE ARGS...` and reads the
// ports it reports on stderr. Resolves with { http, grpc (when asked), lines(), stderr(), stop() }.
export async function startReceive({ grpc = false, args = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'otlp-receive-'));
  const out = join(dir, 'records.jsonl');
  const argv = ['receive', '--http', '127.0.0.1:0', ...(grpc ? ['--grpc', '127.0.0.1:0'] : []), '--out', out, ...args];
  const child = spawn(OTLP_BIN, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const ports = await new Promise((resolve, reject) => {
    let settled = false;  // an exit after the ports were read is the test's to notice, not this
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      reject(new Error(why));
    };
    const timer = setTimeout(() => { child.kill('SIGKILL'); fail(`receiver did not report its ports: ${stderr}`); }, 10000);
    child.stderr.on('data', (d) => {
      stderr += d;
      const http = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
      const rpc = /listening on 127\.0\.0\.1:(\d+) for OTLP\/gRPC/.exec(stderr);
      if (!settled && http && (rpc || !grpc)) {
        settled = true;
        clearTimeout(timer);
        resolve({ http: Number(http[1]), ...(grpc ? { grpc: Number(rpc[1]) } : {}) });
      }
    });
    child.on('exit', (code) => fail(`receiver exited (${code}): ${stderr}`));
    child.on('error', (e) => fail(`cannot start ${OTLP_BIN}: ${e.message}`));
  });
  return {
    ...ports,
    lines: () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []),
    stderr: () => stderr,
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
