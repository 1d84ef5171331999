// The standard metrics workload of shared/WORKLOAD.md, used by benchmarks, `otlp encode`/`send`
// and demos: its four instruments on a meter, and request(i) recording the index-th request.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "otlp/metrics/metrics.hpp"

namespace otlp::workload {

class StandardMetrics {
 public:
  static constexpr std::size_t kSeries = 50;  // method × route × status code
  // Data points in one collection: 50 counter and 50 histogram series, 2 up-down counter
  // series and the gauge.
  static constexpr std::uint32_t kPointsPerCollection = 103;

  // `memory_usage` is what the observable gauge reads at each collection (null: a fixed value,
  // so encodings stay deterministic).
  explicit StandardMetrics(Meter meter, std::function<std::int64_t()> memory_usage = nullptr);

  // Request `index`: +1 on the counter and its duration on the histogram in series index % 50,
  // +1 then -1 on the up-down counter.
  void request(std::uint64_t index) noexcept {
    const std::size_t s = index % kSeries;
    const Attribute* set = sets_[s].data();
    active_.add(1, set, 1);
    count_.add(1, set, 3);
    duration_.record(duration(index), set, 3);
    active_.add(-1, set, 1);
  }
  // The index-th request's duration, in seconds: 20 values between 0.001 and 2.5, cycling.
  static double duration(std::uint64_t index) noexcept;
  // The s-th attribute set (s < kSeries): method, route, status code; the up-down counter uses
  // the first only.
  const std::array<Attribute, 3>& series(std::size_t s) const noexcept { return sets_[s]; }

  Counter<std::int64_t>& counter() noexcept { return count_; }
  Histogram<double>& histogram() noexcept { return duration_; }

 private:
  std::vector<std::array<Attribute, 3>> sets_;  // kSeries of them
  Counter<std::int64_t> count_;
  Histogram<double> duration_;
  UpDownCounter<std::int64_t> active_;
};

}  // namespace otlp::workload
