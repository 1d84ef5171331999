#include "metrics/aggregation.hpp"

#include <algorithm>

namespace otlp {

Temporality temporality_for(TemporalityPreference preference, InstrumentKind kind) noexcept {
  switch (preference) {
    case TemporalityPreference::cumulative:
      return Temporality::cumulative;
    case TemporalityPreference::delta:
      return kind == InstrumentKind::counter || kind == InstrumentKind::observable_counter ||
                     kind == InstrumentKind::histogram
                 ? Temporality::delta
                 : Temporality::cumulative;
    case TemporalityPreference::lowmemory:
      return kind == InstrumentKind::counter || kind == InstrumentKind::histogram ? Temporality::delta
                                                                                  : Temporality::cumulative;
  }
  return Temporality::cumulative;
}

}  // namespace otlp

namespace otlp::detail {

Aggregation default_aggregation(InstrumentKind kind) noexcept {
  switch (kind) {
    case InstrumentKind::histogram:
      return Aggregation::explicit_histogram;
    case InstrumentKind::gauge:
    case InstrumentKind::observable_gauge:
      return Aggregation::last_value;
    default:
      return Aggregation::sum;
  }
}

bool is_monotonic(InstrumentKind kind) noexcept {
  // A histogram's values are never negative, so their sum (an explicit sum aggregation) only grows.
  return kind == InstrumentKind::counter || kind == InstrumentKind::observable_counter ||
         kind == InstrumentKind::histogram;
}

bool is_observable(InstrumentKind kind) noexcept {
  return kind == InstrumentKind::observable_counter || kind == InstrumentKind::observable_up_down_counter ||
         kind == InstrumentKind::observable_gauge;
}

HistogramCell::HistogramCell(const std::vector<double>& bounds)
    : bounds_(bounds), counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds.size() + 1)) {
  for (std::size_t i = 0; i <= bounds.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

std::size_t HistogramCell::bucket_of(double value) const noexcept {
  // The first bound at or above the value: a value equal to a bound belongs to the bucket it closes.
  // For the usual few bounds, the count of bounds below the value, without a branch to mispredict.
  const std::size_t n = bounds_.size();
  if (n > 32) return static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  const double* b = bounds_.data();
  std::size_t below = 0;
  for (std::size_t i = 0; i < n; ++i) below += b[i] < value;
  return below;
}

void HistogramCell::record(double value) noexcept {
  // Sequentially consistent, as mark_touched needs (metrics.hpp).
  counts_[bucket_of(value)].fetch_add(1);
  atomic_add(sum_, value);
  for (double m = min_.load(); value < m && !min_.compare_exchange_weak(m, value);) {
  }
  for (double m = max_.load(); value > m && !max_.compare_exchange_weak(m, value);) {
  }
}

void HistogramCell::read(Snapshot& out, bool reset) noexcept {
  constexpr double inf = std::numeric_limits<double>::infinity();
  out.counts.resize(bounds_.size() + 1);
  out.count = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    out.counts[i] = reset ? counts_[i].exchange(0) : counts_[i].load();
    out.count += out.counts[i];
  }
  out.sum = reset ? sum_.exchange(0) : sum_.load();
  out.min = reset ? min_.exchange(inf) : min_.load();
  out.max = reset ? max_.exchange(-inf) : max_.load();
}

void histogram_record(HistogramCell& cell, double value) noexcept { cell.record(value); }

bool ExponentialCell::record(double value) noexcept {
  bool recorded;
  {
    SpinLock::Guard hold(lock_);
    // The first value of each sign allocates that sign's buckets (once: a reset keeps them).
    recorded = histogram_.record(value);
  }
  // mark_touched (the caller's) is sequentially consistent, after the release above.
  return recorded;
}

void ExponentialCell::read(ExponentialHistogram& out, bool reset) noexcept {
  SpinLock::Guard hold(lock_);
  out = histogram_;
  if (reset) histogram_.reset();
}

bool exponential_record(ExponentialCell& cell, double value) noexcept { return cell.record(value); }

}  // namespace otlp::detail
