// Metrics aggregations on the application thread:
//  - the base-2 exponential histogram's record() over the standard metrics workload's durations
//    (../shared/WORKLOAD.md: a fixed list of 20 values between 0.001 and 2.5 s, cycled), max size
//    160 and max scale 20: after the first pass the scale has settled, so what
//    is measured is the steady state, an index computation and one count added.
#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>

#include "bench_support.hpp"
#include "metrics/exponential_histogram.hpp"
#include "otlp/workload/metrics_workload.hpp"

namespace {

void BM_ExponentialHistogramRecord(benchmark::State& state) {
  otlp::detail::ExponentialHistogram h;
  std::array<double, 20> durations{};
  for (std::size_t d = 0; d < 20; ++d) durations[d] = otlp::workload::StandardMetrics::duration(d);
  std::size_t i = 0;
  for (auto _ : state) {
    double v = durations[i];
    benchmark::DoNotOptimize(v);  // the value is not known to the compiler
    h.record(v);
    i = i + 1 == durations.size() ? 0 : i + 1;
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["scale"] = h.scale();
  if (h.count() != static_cast<std::uint64_t>(state.iterations())) state.SkipWithError("a value was not recorded");
}
// The application thread's CPU time.
BENCHMARK(BM_ExponentialHistogramRecord)->Apply(otlp::bench::every_repetition);

}  // namespace
