// Types for otlp.mjs.

export type AttributeValue = string | number | boolean | bigint | string[] | number[] | boolean[];
export type Attributes = Record<string, AttributeValue | null | undefined>;
/** Milliseconds since the epoch, a Date, or an OpenTelemetry HrTime [seconds, nanoseconds]. */
export type TimeInput = number | Date | [number, number];

/** OTLP SpanKind values. */
export declare const SpanKind: { readonly INTERNAL: 1; readonly SERVER: 2; readonly CLIENT: 3; readonly PRODUCER: 4; readonly CONSUMER: 5 };
export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export declare const StatusCode: { readonly UNSET: 0; readonly OK: 1; readonly ERROR: 2 };
/** The first SeverityNumber of each range (TRACE 1-4 ... FATAL 21-24). */
export declare const SeverityNumber: {
  readonly UNSPECIFIED: 0; readonly TRACE: 1; readonly DEBUG: 5; readonly INFO: 9; readonly WARN: 13; readonly ERROR: 17; readonly FATAL: 21;
};

export interface SpanContext {
  readonly traceId: string; // 32 lowercase hex digits
  readonly spanId: string; // 16 lowercase hex digits
  readonly traceFlags: number;
  readonly traceState: string;
  readonly isRemote: boolean;
}

export interface Link {
  context: SpanContext | Span;
  attributes?: Attributes;
}

export interface StartSpanOptions {
  kind?: SpanKindName | number;
  attributes?: Attributes;
  /** A span of this tracer, or a context from extract(). */
  parent?: Span | SpanContext;
  links?: Link[];
  startTime?: TimeInput;
}

export declare class Span {
  private constructor();
  spanContext(): SpanContext;
  /** False for a span the sampler dropped and after end(). */
  isRecording(): boolean;
  setAttribute(key: string, value: AttributeValue): this;
  setAttributes(attributes: Attributes): this;
  addEvent(name: string, attributes?: Attributes | TimeInput, time?: TimeInput): this;
  addLink(context: SpanContext | Span, attributes?: Attributes): this;
  recordException(exception: Error | string, time?: TimeInput): this;
  setStatus(status: { code: 0 | 1 | 2 | 'unset' | 'ok' | 'error'; message?: string }): this;
  updateName(name: string): this;
  end(endTime?: TimeInput): void;
}

/** For the spans' queue and the log records' alike; what is not given keeps each signal's default. */
export interface BatchOptions {
  maxQueueSize?: number; // default 2048
  maxExportBatchSize?: number; // default 512
  scheduledDelayMillis?: number; // default 5000 for spans, 1000 for log records
  exportTimeoutMillis?: number; // default 30000
}

export type SamplerName =
  | 'always_on' | 'always_off' | 'traceidratio'
  | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio'
  | 'ratelimiting';

export interface TracerOptions {
  /**
   * The base URL (as OTEL_EXPORTER_OTLP_ENDPOINT): spans go to it plus /v1/traces, log records
   * plus /v1/logs. Default http://localhost:4318
   */
  endpoint?: string;
  /**
   * Default 'http/protobuf', encoded by otlp.wasm. 'http/json' loads otlp-json.wasm, a larger
   * module that encodes both.
   */
  protocol?: 'http/protobuf' | 'http/json';
  headers?: Record<string, string> | Headers;
  /** gzip where the runtime has CompressionStream. Default 'none'. */
  compression?: 'gzip' | 'none';
  serviceName?: string;
  resourceAttributes?: Attributes;
  /** Default parentbased_always_on. */
  sampler?: SamplerName;
  /** The ratio for the traceidratio samplers, spans per second for ratelimiting. */
  samplerArg?: number | string;
  batch?: BatchOptions;
  /** 'timer' (default): batches leave on a timer. 'manual': no timers at all (edge workers). */
  mode?: 'timer' | 'manual';
  /** Requests are cut to stay within this many bytes. Default 60000. */
  maxRequestBytes?: number;
  scopeName?: string;
  scopeVersion?: string;
  /**
   * The fetch to send with. Default globalThis.fetch, which is handed a view of the module's
   * memory as the body (fetch copies a body before it returns); any other function gets a copy,
   * so it may keep the body.
   */
  fetch?: typeof fetch;
  /** Flush on visibilitychange/pagehide. Default: true where there is a document. */
  pageLifecycle?: boolean;
  /**
   * Log records too (logger(), bridgeConsole()): loads otlp-logs.wasm instead of otlp.wasm, which
   * has no logs code, and otlp-logs.mjs, the logs half of otlp.mjs. 'http/json' always loads
   * otlp-json.wasm, which has both signals, but has logs only with `logs: true` too. A module
   * handed over as wasmBinary/wasmModule has logs when it has log calls. Default false.
   */
  logs?: boolean;
  /**
   * The module's bytes or compiled module, for runtimes that cannot fetch files: otlp.wasm for
   * 'http/protobuf', otlp-logs.wasm for it with `logs: true`, otlp-json.wasm for 'http/json'
   * (otlp.wasm with 'http/json' or `logs: true` is refused).
   */
  wasmBinary?: BufferSource;
  wasmModule?: WebAssembly.Module;
}

export interface FlushOutcome {
  /** 'pending': manual mode only, a retry waits for its backoff; call flush() again later. */
  state: 'done' | 'timed_out' | 'pending';
  /** done, and nothing rejected, failed or dropped since the call. */
  ok: boolean;
  exported: number;
  rejected: number;
  failed: number;
  dropped: number;
  error?: string;
}

/** A body: any value; objects become key-value lists, arrays may mix kinds and nest. */
export type LogBody = AttributeValue | null | undefined | LogBody[] | { [key: string]: LogBody };

export interface LogRecord {
  /** 1..24 (SeverityNumber); anything else is sent as 0, unspecified. */
  severityNumber?: number;
  severityText?: string;
  /**
   * Functions, symbols and undefined are left out of objects and sent as empty values in arrays
   * (as a body: no body); arrays and objects nested deeper than 8 levels are sent as empty values.
   */
  body?: LogBody;
  attributes?: Attributes;
  eventName?: string;
  /** When it happened; unset when not given. */
  timestamp?: TimeInput;
  /** When it was observed; now when not given. */
  observedTimestamp?: TimeInput;
  /** The span it belongs to: its trace id, span id and flags go with the record. */
  context?: Span | SpanContext;
}

export interface Logger {
  /** Whether a record of this severity would be emitted (a severity of 0 or none: always). */
  enabled(severityNumber?: number): boolean;
  emit(record: LogRecord): void;
}

export interface LoggerOptions {
  /** Records below it are not emitted. Default 0: every record. */
  minSeverity?: number;
}

export type ConsoleLevel = 'debug' | 'log' | 'info' | 'warn' | 'error';

export interface BridgeConsoleOptions {
  /** The console methods to forward. Default all five (debug DEBUG, log and info INFO, warn WARN, error ERROR). */
  levels?: ConsoleLevel[];
  /** The logger's scope name. Default 'console'. */
  scopeName?: string;
}

export interface LogStats {
  emitted: number;
  dropped: number;
  exported: number;
  rejected: number;
  failed: number;
  queued: number;
  requests: number;
  retries: number;
  bytesSent: number;
  exportLatencyMs: { p50: number; p95: number; p99: number };
  lastError: string;
}

export interface TracerStats {
  started: number;
  sampledOut: number;
  ended: number;
  dropped: number;
  exported: number;
  rejected: number;
  failed: number;
  queued: number;
  requests: number;
  retries: number;
  bytesSent: number;
  exportLatencyMs: { p50: number; p95: number; p99: number };
  lastError: string;
  /** The log records' counters (their own queue and requests). */
  logs: LogStats;
}

export interface Carrier {
  [key: string]: string | undefined | unknown;
}

export interface Tracer {
  startSpan(name: string, options?: StartSpanOptions): Span;
  /** Writes traceparent (and tracestate) of `span` into a plain object or a Headers. */
  inject<C extends Carrier | Headers>(carrier: C, span: Span | SpanContext): C;
  extract(carrier: Carrier | Headers): SpanContext | undefined;
  /** A logger for an instrumentation scope; the same object for the same arguments. Throws when the tracer has no logs (option `logs`). */
  logger(name: string, version?: string, options?: LoggerOptions): Logger;
  /**
   * Forwards console calls as log records (the body: the message as a console formats it); the
   * console still prints. Returns the function that puts the console methods back.
   */
  bridgeConsole(options?: BridgeConsoleOptions): () => void;
  /** Flushes spans and log records; the counts cover both. */
  flush(timeoutMillis?: number): Promise<FlushOutcome>;
  shutdown(timeoutMillis?: number): Promise<FlushOutcome>;
  stats(): TracerStats;
  /** The instance's WebAssembly memory (for diagnostics). */
  readonly memory: WebAssembly.Memory;
}

/** Throws an Error naming the option when an option is invalid. */
export declare function createTracer(options?: TracerOptions): Promise<Tracer>;
