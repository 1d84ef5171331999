// One typed form for an OTLP AnyValue, whichever side it comes from, so a test compares what was
// emitted with what was received with one deepStrictEqual: ['s', string], ['i', decimal string],
// ['d', number], ['b', bool], ['y', base64], ['a', [...]], ['k', [[key, value]...]], ['e'] (empty).

// A JS value as the official opentelemetry-js transformer maps it (otlp-transformer's
// toAnyValue): integral numbers are intValue, other numbers doubleValue, Uint8Array bytesValue,
// arrays arrayValue, other objects kvlistValue, null and undefined an empty AnyValue.
export function fromJs(v) {
  if (typeof v === 'string') return ['s', v];
  if (typeof v === 'number') return Number.isInteger(v) ? ['i', String(v)] : ['d', v];
  if (typeof v === 'boolean') return ['b', v];
  if (v instanceof Uint8Array) return ['y', Buffer.from(v).toString('base64')];
  if (Array.isArray(v)) return ['a', v.map(fromJs)];
  if (v !== null && typeof v === 'object') return ['k', Object.entries(v).map(([k, x]) => [k, fromJs(x)])];
  return ['e'];
}

// An OTLP/JSON AnyValue (the receiver's --out lines, OTLP/JSON bodies): int64 as a decimal string
// or a number, bytes as base64.
export function fromOtlpJson(v) {
  if (v === undefined || v === null) return ['e'];
  if ('stringValue' in v) return ['s', v.stringValue];
  if ('intValue' in v) return ['i', String(v.intValue)];
  if ('doubleValue' in v) return ['d', Number(v.doubleValue)];
  if ('boolValue' in v) return ['b', v.boolValue];
  if ('bytesValue' in v) return ['y', Buffer.from(v.bytesValue, 'base64').toString('base64')];
  if ('arrayValue' in v) return ['a', (v.arrayValue.values ?? []).map(fromOtlpJson)];
  if ('kvlistValue' in v) return ['k', (v.kvlistValue.values ?? []).map((kv) => [kv.key, fromOtlpJson(kv.value)])];
  return ['e'];
}

// A message decoded by protobufjs or @grpc/proto-loader with { longs: String, bytes: Buffer,
// oneofs: true, defaults: false }: the set member is named by `value`.
export function fromDecoded(v) {
  if (v === undefined || v === null || !v.value) return ['e'];
  const x = v[v.value];
  switch (v.value) {
    case 'stringValue': return ['s', x];
    case 'intValue': return ['i', String(x)];
    case 'doubleValue': return ['d', Number(x)];
    case 'boolValue': return ['b', x];
    case 'bytesValue': return ['y', Buffer.from(x).toString('base64')];
    case 'arrayValue': return ['a', (x.values ?? []).map(fromDecoded)];
    case 'kvlistValue': return ['k', (x.values ?? []).map((kv) => [kv.key, fromDecoded(kv.value)])];
    default: return ['e'];
  }
}

// Attribute lists ([{key, value}]) in the typed form, by the matching converter.
export const attributesFrom = (convert, list) => (list ?? []).map((kv) => [kv.key, convert(kv.value)]);
export const jsAttributes = (obj) => Object.entries(obj).map(([k, v]) => [k, fromJs(v)]);

// An id in bytes (Buffer from protobuf) or hex (OTLP/JSON) as lower-case hex; '' when absent.
export const hexId = (id) => (id === undefined || id === null ? '' : typeof id === 'string' ? id.toLowerCase() : Buffer.from(id).toString('hex'));
