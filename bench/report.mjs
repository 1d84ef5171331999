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

const figures = [];
function figure(name, value, unit, baseline = null) {
  const ratio = baseline ? value / baseline : null;
  figures.push({ name, value: Number(value.toPrecision(4)), unit,
    baseline: baseline === null ? null : Number(baseline.toPrecision(4)),
    ratio: ratio === null ? null : Number(ratio.toPrecision(3)) });
}

figure('encode_protobuf_core_spans_per_s', perSecond('BM_EncodeProtobufCore'), 'spans/s',
  perSecond('BM_EncodeProtobufLite'));
figure('decode_protobuf_core_spans_per_s', perSecond('BM_DecodeProtobufCore'), 'spans/s',
  perSecond('BM_DecodeProtobufLite'));
figure('encode_json_core_spans_per_s', perSecond('BM_EncodeJsonCore'), 'spans/s');
figure('encode_protobuf_wasm_spans_per_s', loopWasm.spans_per_second, 'spans/s', loopNative.spans_per_second);
// App-thread figures are CPU time of the span-making thread (robust to a loaded machine).
figure('span_sampled_app_thread_ns', nsPerItem('BM_SpanSampled'), 'ns');
figure('span_sampled_app_thread_tsc_clock_ns', nsPerItem('BM_SpanSampledTscClock'), 'ns');
figure('span_sampled_2_threads_app_thread_ns',
  2 * nsPerItem('BM_SpanSampledShared/real_time/threads:2'), 'ns');  // per span, per thread
figure('span_sampled_app_thread_free_clock_ns', nsPerItem('BM_SpanSampledFreeClock'), 'ns');
figure('span_unsampled_app_thread_ns', nsPerItem('BM_SpanUnsampled'), 'ns');
figure('clock_read_system_ns', median('BM_ClockRead/system_clock', 'cpu_time'), 'ns');
figure('clock_read_tsc_ns', median('BM_ClockRead/tsc_clock', 'cpu_time'), 'ns');
figure('sampler_always_on_ns', median('BM_SamplerDecision/always_on', 'real_time'), 'ns');
figure('sampler_parentbased_traceidratio_ns',
  median('BM_SamplerDecision/parentbased_traceidratio', 'real_time'), 'ns');

console.error(`machine: ${cpus()[0]?.model ?? 'unknown'} x${cpus().length}, ${new Date().toISOString()}`);
for (const f of figures) console.log(JSON.stringify(f));
