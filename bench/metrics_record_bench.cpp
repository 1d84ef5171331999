// Recording metrics on the application thread, the standard metrics workload's instruments
// (shared/WORKLOAD.md): the counter and the histogram with their 3 attributes passed at the call,
// the series rotating over the 50 (request i uses series i mod 50), and the same through bound
// instruments, one per series; two threads adding to one series at once. Nothing collects
// meanwhile: what is measured is the recording alone. Last, one collection of 10,000 series.
#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "otlp/metrics/metrics.hpp"
#include "otlp/workload/metrics_workload.hpp"

namespace {

using otlp::bench::every_repetition;
using otlp::bench::FreeClock;

using otlp::workload::StandardMetrics;

// The 20 durations, known before the loop (as an application's would be computed).
struct Durations {
  Durations() {
    for (std::size_t d = 0; d < 20; ++d) values[d] = StandardMetrics::duration(d);
  }
  std::array<double, 20> values{};
};

struct MetricsHarness {
  MetricsHarness() : engine(config()), provider(engine, clock), workload(provider.meter("bench", "1.0.0")) {}
  static otlp::ExportConfig config() {
    otlp::ExportConfig c;
    c.signal = otlp::Signal::metrics;
    return c;
  }
  const otlp::Attribute* set(std::size_t s) const { return workload.series(s).data(); }
  FreeClock clock;
  otlp::ExportEngine engine;
  otlp::MeterProvider provider;
  StandardMetrics workload;
  otlp::Counter<std::int64_t>& counter = workload.counter();
  otlp::Histogram<double>& histogram = workload.histogram();
  Durations durations;
};

void BM_MetricsCounterAdd3Attributes(benchmark::State& state) {
  MetricsHarness h;
  std::size_t i = 0;
  for (auto _ : state) {
    h.counter.add(1, h.set(i), 3);
    i = i == 49 ? 0 : i + 1;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_MetricsCounterAdd3Attributes)->Apply(every_repetition);

void BM_MetricsCounterBoundAdd(benchmark::State& state) {
  MetricsHarness h;
  std::array<otlp::BoundSum<std::int64_t>, 50> bound;
  for (std::size_t s = 0; s < 50; ++s) bound[s] = h.counter.bind(h.set(s), 3);
  std::size_t i = 0;
  for (auto _ : state) {
    bound[i].add(1);
    i = i == 49 ? 0 : i + 1;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_MetricsCounterBoundAdd)->Apply(every_repetition);

void BM_MetricsHistogramRecord3Attributes(benchmark::State& state) {
  MetricsHarness h;
  std::size_t i = 0, d = 0;
  for (auto _ : state) {
    h.histogram.record(h.durations.values[d], h.set(i), 3);
    i = i == 49 ? 0 : i + 1;
    d = d == 19 ? 0 : d + 1;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_MetricsHistogramRecord3Attributes)->Apply(every_repetition);

void BM_MetricsHistogramBoundRecord(benchmark::State& state) {
  MetricsHarness h;
  std::array<otlp::BoundHistogram, 50> bound;
  for (std::size_t s = 0; s < 50; ++s) bound[s] = h.histogram.bind(h.set(s), 3);
  std::size_t i = 0, d = 0;
  for (auto _ : state) {
    bound[i].record(h.durations.values[d]);
    i = i == 49 ? 0 : i + 1;
    d = d == 19 ? 0 : d + 1;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_MetricsHistogramBoundRecord)->Apply(every_repetition);

// Two threads adding to the same series (the first set) at once.
MetricsHarness* shared_harness = nullptr;
void BM_MetricsCounterAddShared(benchmark::State& state) {
  if (state.thread_index() == 0) shared_harness = new MetricsHarness;
  // The loop starts once every thread is in (Google Benchmark's barrier): only then is the
  // harness there to read.
  for (auto _ : state) {
    shared_harness->counter.add(1, shared_harness->set(0), 3);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  if (state.thread_index() == 0) {
    delete shared_harness;
    shared_harness = nullptr;
  }
}
BENCHMARK(BM_MetricsCounterAddShared)->Threads(2)->UseRealTime()->Apply(every_repetition);

// One collection of a counter's 10,000 series (cumulative): the callbacks, reading every series
// and encoding the ExportMetricsServiceRequest, the engine's hand-off included; the request is
// answered at once so the engine's queue stays empty. Items are data points.
void BM_MetricsCollect10kSeries(benchmark::State& state) {
  otlp::MeterProviderConfig config;
  config.cardinality_limit = 20'000;
  FreeClock clock;
  otlp::ExportEngine engine(MetricsHarness::config());
  otlp::MeterProvider provider(engine, clock, config);
  auto counter = provider.meter("bench", "1.0.0").counter<std::int64_t>("http.server.request.count", {"{request}"});
  const MetricsHarness sets;  // for the workload's attribute sets
  for (int i = 0; i < 10'000; ++i) {
    const otlp::Attribute* set = sets.set(static_cast<std::size_t>(i % 50));
    counter.add(1, {set[0], set[1], set[2], {"app.shard", i / 50}});
  }
  std::uint64_t now = clock.now_unix_nano();
  for (auto _ : state) {
    now += 1'000'000'000;
    benchmark::DoNotOptimize(provider.collect(now));
    while (auto request = engine.poll_export(now)) engine.on_result(now, request->id, otlp::Outcome::ok());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 10'000);
  if (engine.stats().exported != static_cast<std::uint64_t>(state.iterations()) * 10'000)
    state.SkipWithError("a collection did not export its 10,000 points");
}
BENCHMARK(BM_MetricsCollect10kSeries)->Unit(benchmark::kMillisecond);

}  // namespace
