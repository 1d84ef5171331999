// Metrics aggregations on the application thread:
//  - the base-2 exponential histogram's record() over the standard metrics workload's durations
//    (../shared/WORKLOAD.md: a fixed list of 20 values between 0.001 and 2.5 s, cycled), max size
//    160 and max scale 20: after the first pass the scale has settled (3 for this list), so what
//    is measured is the steady state, an index computation and one count added.
#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>

#include "bench_support.hpp"
#include "metrics/exponential_histogram.hpp"

namespace {

// The workload's 20 durations in seconds; the workload room takes them over with the standard
// metrics workload.
constexpr std::array<double, 20> kDurations = {0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015,
                                               0.02,  0.03,  0.05,  0.075, 0.1,    0.15, 0.2,
                                               0.3,   0.5,   0.75,  1.0,   1.5,    2.5};

void BM_ExponentialHistogramRecord(benchmark::State& state) {
  otlp::detail::ExponentialHistogram h;
  std::size_t i = 0;
  for (auto _ : state) {
    double v = kDurations[i];
    benchmark::DoNotOptimize(v);  // the value is not known to the compiler
    h.record(v);
    i = i + 1 == kDurations.size() ? 0 : i + 1;
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["scale"] = h.scale();
  if (h.count() != static_cast<std::uint64_t>(state.iterations())) state.SkipWithError("a value was not recorded");
}
// The application thread's CPU time.
BENCHMARK(BM_ExponentialHistogramRecord)->Apply(otlp::bench::every_repetition);

}  // namespace
