// Shared by the interop tests: `otlp receive` and `otlp send` from the native build, the
// project's own .proto files, and bounded waits. Every server listens on 127.0.0.1, on a port the
// OS picks.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OTLP_BIN = process.env.OTLP_BIN ?? join(root, 'build', 'native', 'bin', 'otlp');
export const PROTO_DIR = join(root, 'proto');
export const LOGS_SERVICE_PROTO = 'opentelemetry/proto/collector/logs/v1/logs_service.proto';
export const TRACE_SERVICE_PROTO = 'opentelemetry/proto/collector/trace/v1/trace_service.proto';

// The standard workload's base time (core/include/otlp/workload/workload.hpp), in nanoseconds.
export const BASE_TIME_NS = 1_700_000_000_000_000_000n;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Waits (up to `ms`) until `read()` returns at least `n` items, then returns them all.
export async function waitFor(read, n, ms = 15000) {
  const until = Date.now() + ms;
  let got = read();
  while (got.length < n && Date.now() < until) {
    await sleep(20);
    got = read();
  }
  return got;
}

// Starts `otlp receive --grpc 127.0.0.1:0 --http 127.0.0.1:0 --out FILE` and reads both ports
// from the lines it prints on stderr.
export async function startReceiver() {
  const dir = mkdtempSync(join(tmpdir(), 'otlp-interop-'));
  const out = join(dir, 'records.jsonl');
  const child = spawn(OTLP_BIN, ['receive', '--grpc', '127.0.0.1:0', '--http', '127.0.0.1:0', '--out', out], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const ports = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`receiver did not report its ports: ${stderr}`)), 10000);
    child.stderr.on('data', (d) => {
      stderr += d;
      const grpc = /listening on 127\.0\.0\.1:(\d+) for OTLP\/gRPC/.exec(stderr);
      const http = /listening on http:\/\/127\.0\.0\.1:(\d+)\/\S* for OTLP\/HTTP/.exec(stderr);
      if (grpc && http) {
        clearTimeout(timer);
        resolve({ grpc: Number(grpc[1]), http: Number(http[1]) });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`receiver exited (${code}): ${stderr}`));
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${OTLP_BIN}: ${e.message}`));
    });
  });
  const lines = () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
  return {
    ...ports,
    lines,
    // The lines of one signal whose resource carries `service.name` = `service`.
    async waitForLines(signal, service, n) {
      const mine = () =>
        lines().filter(
          (l) => l.signal === signal && l.resource?.attributes?.some((kv) => kv.key === 'service.name' && kv.value?.stringValue === service),
        );
      return waitFor(mine, n);
    },
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

// Runs `otlp send ARGS...` to its end (bounded by `ms`); resolves with its exit code, the JSON
// line it prints last and its stderr.
export function runSend(args, ms = 60000) {
  return new Promise((resolve, reject) => {
    // The flags alone say where and how: OTEL_* variables of the caller's environment stay out.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
    const child = spawn(OTLP_BIN, ['send', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`otlp send ${args.join(' ')} did not end within ${ms} ms: ${stderr}`));
    }, ms);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${OTLP_BIN}: ${e.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      let summary = null;
      try {
        summary = JSON.parse(last);
      } catch {
        // left null: the test reports stdout
      }
      resolve({ code, summary, stdout, stderr });
    });
  });
}
