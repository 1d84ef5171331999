// The official opentelemetry-js minimal web setup (sdk-trace-web + BatchSpanProcessor +
// OTLP/protobuf exporter), bundled and minified by bench.mjs with esbuild: the size baseline.
import { WebTracerProvider } from '@opentelemetry/sdk-trace-web';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';

const provider = new WebTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: '/v1/traces' }))] });
provider.register();
export const tracer = provider.getTracer('web');
