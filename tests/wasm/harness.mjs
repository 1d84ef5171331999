// Shared by the node tests: the built module, the native receiver (`otlp receive`) on a port
// the OS picks, and small helpers with bounded waits.
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OTLP_BIN, startReceive, waitFor } from '../support/otlp_receive.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = process.env.OTLP_DIST ?? join(root, 'build', 'wasm', 'dist');
export { OTLP_BIN };
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

// `otlp receive` (HTTP only) accepting the given CORS origins, with its --out lines made plain:
// spans and log records, and waits for them.
export async function startReceiver({ corsOrigins = [] } = {}) {
  const rx = await startReceive({ args: corsOrigins.flatMap((o) => ['--cors-origin', o]) });
  const spans = () => rx.lines().filter((l) => l.signal === 'traces').map(asSpan);
  const logs = () => rx.lines().filter((l) => l.signal === 'logs').map(asLog);
  return {
    port: rx.http,
    endpoint: `http://127.0.0.1:${rx.http}`, // the tracer's option: the signal's path is appended
    url: `http://127.0.0.1:${rx.http}/v1/traces`,
    spans,
    logs,
    waitFor: (n, ms = 10000) => waitFor(spans, n, ms),
    waitForLogs: (n, ms = 10000) => waitFor(logs, n, ms),
    stop: rx.stop,
  };
}
