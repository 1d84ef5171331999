// Turns the raw benchmark output of bench/run into one JSON line per figure.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const dir = process.argv[2];
// Google Benchmark writes NaN for counters some threads left unset; JSON has no NaN.
const gb = JSON.parse(readFileSync(`${dir}/native.json`, 'utf8').replace(/\bNaN\b/g, 'null'));
const loopNative = JSON.parse(readFileSync(`${dir}/loop_native.json`, 'utf8'));
const loopWasm = JSON.parse(readFileSync(`${dir}/loop_wasm.json`, 'utf8'));

// The median of the repetitions of one benchmark (Google Benchmark's aggregate row).
function median(name, field) {
  const row = gb.benchmarks.find((b) => b.run_name === name && b.aggregate_name === 'median');
  if (!row) throw new Error(`no median for ${name}`);
  return row[field];
}
const perSecond = (name) => median(name, 'items_per_second');
const nsPerItem = (name) => 1e9 / perSecond(name);
// Every repetition of one benchmark in run order (its iteration rows), in ns per item.
function nsPerItemRuns(name) {
  const rows = gb.benchmarks.filter((b) => b.run_name === name && b.run_type === 'iteration');
  if (!rows.length) throw new Error(`no repetitions of ${name}`);
  return rows.map((b) => 1e9 / b.items_per_second);
}

const figures = [];
// `runs`, when given, are every repetition's value: a bimodal figure shows there, with its
// lowest and highest beside the median that `value` holds.
function figure(name, value, unit, baseline = null, runs = null) {
  const ratio = baseline ? value / baseline : null;
  const f = { name, value: Number(value.toPrecision(4)), unit,
    baseline: baseline === null ? null : Number(baseline.toPrecision(4)),
    ratio: ratio === null ? null : Number(ratio.toPrecision(3)) };
  if (runs) {
    f.min = Number(Math.min(...runs).toPrecision(4));
    f.max = Number(Math.max(...runs).toPrecision(4));
    f.runs = runs.map((v) => Number(v.toPrecision(4)));
  }
  figures.push(f);
}
// An app-thread figure: the median in ns per item (span, log record), with every repetition.
function spanFigure(name, benchmark, scale = 1) {
  figure(name, scale * nsPerItem(benchmark), 'ns', null, nsPerItemRuns(benchmark).map((v) => scale * v));
}

figure('encode_protobuf_core_spans_per_s', perSecond('BM_EncodeProtobufCore'), 'spans/s',
  perSecond('BM_EncodeProtobufLite'));
figure('decode_protobuf_core_spans_per_s', perSecond('BM_DecodeProtobufCore'), 'spans/s',
  perSecond('BM_DecodeProtobufLite'));
figure('encode_json_core_spans_per_s', perSecond('BM_EncodeJsonCore'), 'spans/s');
// What `otlp receive` does without --out: check the batch and count its spans, no model.
figure('validate_protobuf_core_spans_per_s', perSecond('BM_ValidateProtobufCore'), 'spans/s');
figure('encode_protobuf_wasm_spans_per_s', loopWasm.spans_per_second, 'spans/s', loopNative.spans_per_second);
// App-thread figures are CPU time of the span-making thread (robust to a loaded machine).
spanFigure('span_sampled_app_thread_ns', 'BM_SpanSampled');
spanFigure('span_sampled_app_thread_tsc_clock_ns', 'BM_SpanSampledTscClock');
// Per span, per thread.
spanFigure('span_sampled_2_threads_app_thread_ns', 'BM_SpanSampledShared/real_time/threads:2', 2);
spanFigure('span_sampled_app_thread_free_clock_ns', 'BM_SpanSampledFreeClock');
spanFigure('span_unsampled_app_thread_ns', 'BM_SpanUnsampled');
// Logs (bench/logs_bench.cpp): one Logger::emit of the standard log record on the app thread,
// one below the logger's minimum severity, and records emitted and cut into requests per second
// against protobuf-lite populating and serializing the same records.
spanFigure('log_emit_app_thread_ns', 'BM_LogEmit');
spanFigure('log_below_min_severity_ns', 'BM_LogBelowMinSeverity');
figure('encode_protobuf_core_log_records_per_s', perSecond('BM_EncodeLogsCore'), 'records/s',
  perSecond('BM_EncodeLogsLite'));
// Metrics (bench/metrics_bench.cpp): one exponential histogram record() of a standard duration.
spanFigure('exponential_histogram_record_ns', 'BM_ExponentialHistogramRecord');
// Metrics (bench/metrics_record_bench.cpp): the standard metrics workload's counter and histogram on
// the app thread, their 3 attributes passed at the call or bound, the series rotating over 50;
// two threads adding to one series (per add, per thread).
spanFigure('metrics_counter_add_3_attributes_ns', 'BM_MetricsCounterAdd3Attributes');
spanFigure('metrics_counter_bound_add_ns', 'BM_MetricsCounterBoundAdd');
spanFigure('metrics_histogram_record_3_attributes_ns', 'BM_MetricsHistogramRecord3Attributes');
spanFigure('metrics_histogram_bound_record_ns', 'BM_MetricsHistogramBoundRecord');
spanFigure('metrics_counter_add_2_threads_ns', 'BM_MetricsCounterAddShared/real_time/threads:2', 2);
// Collecting and encoding a counter's 10,000 series into one request: ms per collection.
figure('metrics_collect_10k_series_ms', 10000 * nsPerItem('BM_MetricsCollect10kSeries') / 1e6, 'ms');
figure('clock_read_system_ns', median('BM_ClockRead/system_clock', 'cpu_time'), 'ns');
figure('clock_read_tsc_ns', median('BM_ClockRead/tsc_clock', 'cpu_time'), 'ns');
figure('sampler_always_on_ns', median('BM_SamplerDecision/always_on', 'real_time'), 'ns');
figure('sampler_parentbased_traceidratio_ns',
  median('BM_SamplerDecision/parentbased_traceidratio', 'real_time'), 'ns');

console.error(`machine: ${cpus()[0]?.model ?? 'unknown'} x${cpus().length}, ${new Date().toISOString()}`);
for (const f of figures) console.log(JSON.stringify(f));
