// Internal: what a series aggregates into. Sums and last values are one atomic each; an
// explicit-bucket histogram is a row of atomic bucket counts with its sum, min and max. Writers
// of those never lock; a delta collection takes each field with an exchange, so every
// measurement lands in exactly one collection. A base-2 exponential histogram rescales all its
// buckets at once, which no set of independent atomics can do: it is one aggregator behind a
// spin lock of its own, held for one record (or one read) only.
#pragma once
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "metrics/exponential_histogram.hpp"
#include "otlp/metrics/metrics.hpp"
#include "otlp/metrics/spin_lock.hpp"

namespace otlp::detail {

// The aggregation an instrument of `kind` gets when it asks for Aggregation::by_kind.
Aggregation default_aggregation(InstrumentKind kind) noexcept;
// Whether a sum of this kind only grows (Sum.is_monotonic).
bool is_monotonic(InstrumentKind kind) noexcept;
bool is_observable(InstrumentKind kind) noexcept;

class HistogramCell {
 public:
  // `bounds` (sorted, finite) outlive the cell.
  explicit HistogramCell(const std::vector<double>& bounds);

  // Buckets are upper-inclusive: bucket i holds (bounds[i-1], bounds[i]], the last one
  // everything above the last bound.
  std::size_t bucket_of(double value) const noexcept;
  void record(double value) noexcept;

  struct Snapshot {
    std::vector<std::uint64_t> counts;
    std::uint64_t count = 0;  // the sum of counts, so the two always agree
    double sum = 0;
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();
  };
  // Reads the cell; `reset` (delta) takes what it reads out of it.
  void read(Snapshot& out, bool reset) noexcept;

 private:
  const std::vector<double>& bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
  std::atomic<double> min_{std::numeric_limits<double>::infinity()};
  std::atomic<double> max_{-std::numeric_limits<double>::infinity()};
};

// The specification's defaults for the base-2 exponential aggregation.
inline constexpr ExponentialHistogramOptions kExponentialOptions{160, 20, 0};

class ExponentialCell {
 public:
  ExponentialCell() = default;
  // False for NaN and infinities: the aggregator has no bucket for them, and records nothing.
  bool record(double value) noexcept;
  // Copies the aggregator into `out` (whose memory is reused); `reset` (delta) empties the cell,
  // keeping its scale, as the specification lets a delta aggregator do.
  void read(ExponentialHistogram& out, bool reset) noexcept;

 private:
  // The section is a few dozen instructions: one exchange and one store uncontended.
  SpinLock lock_;
  ExponentialHistogram histogram_{kExponentialOptions};
};

}  // namespace otlp::detail
