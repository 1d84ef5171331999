// Shared by the interop tests: `otlp receive` and `otlp send` from the native build, the
// project's own .proto files, and bounded waits. Every server listens on 127.0.0.1, on a port the
// OS picks.
import { spawn } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OTLP_BIN, startReceive, waitFor } from '../support/otlp_receive.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export { OTLP_BIN };
export const PROTO_DIR = join(root, 'proto');
export const LOGS_SERVICE_PROTO = 'opentelemetry/proto/collector/logs/v1/logs_service.proto';
export const TRACE_SERVICE_PROTO = 'opentelemetry/proto/collector/trace/v1/trace_service.proto';

// The standard workload's base time (core/include/otlp/workload/workload.hpp), in nanoseconds.
export const BASE_TIME_NS = 1_700_000_000_000_000_000n;

export { waitFor };

// `otlp receive` on gRPC and HTTP, with a wait for the --out lines of one signal and service.
export async function startReceiver() {
  const rx = await startReceive({ grpc: true });
  return {
    ...rx,
    // The lines of one signal whose resource carries `service.name` = `service`.
    async waitForLines(signal, service, n) {
      const mine = () =>
        rx.lines().filter(
          (l) => l.signal === signal && l.resource?.attributes?.some((kv) => kv.key === 'service.name' && kv.value?.stringValue === service),
        );
      return waitFor(mine, n, 15000);
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
