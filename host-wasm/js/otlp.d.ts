// Types for otlp.mjs.

export type AttributeValue = string | number | boolean | bigint | string[] | number[] | boolean[];
export type Attributes = Record<string, AttributeValue | null | undefined>;
/** Milliseconds since the epoch, a Date, or an OpenTelemetry HrTime [seconds, nanoseconds]. */
export type TimeInput = number | Date | [number, number];

/** OTLP SpanKind values. */
export declare const SpanKind: { readonly INTERNAL: 1; readonly SERVER: 2; readonly CLIENT: 3; readonly PRODUCER: 4; readonly CONSUMER: 5 };
export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export declare const StatusCode: { readonly UNSET: 0; readonly OK: 1; readonly ERROR: 2 };

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

export interface BatchOptions {
  maxQueueSize?: number; // default 2048
  maxExportBatchSize?: number; // default 512
  scheduledDelayMillis?: number; // default 5000
  exportTimeoutMillis?: number; // default 30000
}

export type SamplerName =
  | 'always_on' | 'always_off' | 'traceidratio'
  | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio'
  | 'ratelimiting';

export interface TracerOptions {
  /** Default http://localhost:4318/v1/traces */
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
   * The module's bytes or compiled module, for runtimes that cannot fetch files: otlp.wasm for
   * 'http/protobuf', otlp-json.wasm for 'http/json' (otlp.wasm with 'http/json' is refused).
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
}

export interface Carrier {
  [key: string]: string | undefined | unknown;
}

export interface Tracer {
  startSpan(name: string, options?: StartSpanOptions): Span;
  /** Writes traceparent (and tracestate) of `span` into a plain object or a Headers. */
  inject<C extends Carrier | Headers>(carrier: C, span: Span | SpanContext): C;
  extract(carrier: Carrier | Headers): SpanContext | undefined;
  flush(timeoutMillis?: number): Promise<FlushOutcome>;
  shutdown(timeoutMillis?: number): Promise<FlushOutcome>;
  stats(): TracerStats;
  /** The instance's WebAssembly memory (for diagnostics). */
  readonly memory: WebAssembly.Memory;
}

/** Throws an Error naming the option when an option is invalid. */
export declare function createTracer(options?: TracerOptions): Promise<Tracer>;
