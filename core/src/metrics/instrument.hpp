// Internal: one instrument: its identity as exported, how it aggregates, its series and, for an
// observable one, its callbacks. Recording dispatches on the aggregation, not on the kind, so
// an aggregation chosen for an instrument is what it records.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "metrics/series.hpp"
#include "otlp/metrics/metrics.hpp"

namespace otlp::detail {

class Instrument {
 public:
  // `histogram_default`: what a histogram asking for by_kind aggregates into (the provider's).
  Instrument(std::string_view name, InstrumentKind kind, bool is_double, const InstrumentOptions& options,
             Temporality temporality, std::uint32_t cardinality_limit,
             Aggregation histogram_default = Aggregation::explicit_histogram);

  // A synchronous measurement (a counter's add, a gauge's set, a histogram's record), into
  // the instrument's aggregation whatever the call: a counter's values may be a histogram.
  template <class T>
  void record(T value, const Attribute* attrs, std::size_t n) noexcept {
    if (aggregation_ == Aggregation::drop || aggregation_ == Aggregation::by_kind) return;
    Series& s = series_.find_or_add(attrs, n);
    switch (aggregation_) {
      case Aggregation::sum: atomic_add(cell<T>(s), value); break;
      case Aggregation::last_value: cell<T>(s).store(value); break;
      case Aggregation::explicit_histogram: s.histogram->record(static_cast<double>(value)); break;
      case Aggregation::exponential_histogram:
        if (!s.exponential->record(static_cast<double>(value))) return;  // NaN or infinite: no bucket
        break;
      default: return;
    }
    mark_touched(s.touched);
  }
  // An observation at collection: the series' value for this collection (the overflow series
  // adds up the observations it stands for).
  template <class T>
  void observe(T value, const Attribute* attrs, std::size_t n) noexcept;

  template <class T>
  BoundSum<T> bind_sum(const Attribute* attrs, std::size_t n);
  BoundHistogram bind_histogram(const Attribute* attrs, std::size_t n);

  void add_callback(ObservableCallback<std::int64_t> callback) { int_callbacks_.push_back(std::move(callback)); }
  void add_callback(ObservableCallback<double> callback) { double_callbacks_.push_back(std::move(callback)); }
  // An observable instrument runs its callbacks, the overflow series' sum cleared first; others do nothing.
  void observe_all();

  bool same_identity(std::string_view name, InstrumentKind kind, bool is_double) const noexcept;

  const std::string& name() const noexcept { return name_; }
  const std::string& unit() const noexcept { return unit_; }
  const std::string& description() const noexcept { return description_; }
  InstrumentKind kind() const noexcept { return kind_; }
  bool is_double() const noexcept { return is_double_; }
  Aggregation aggregation() const noexcept { return aggregation_; }
  Temporality temporality() const noexcept { return temporality_; }
  const std::vector<double>& bounds() const noexcept { return bounds_; }
  SeriesTable& series() noexcept { return series_; }
  std::uint64_t last_collection = 0;  // a delta point's start

 private:
  template <class T>
  static std::atomic<T>& cell(Series& s) noexcept {
    if constexpr (std::is_same_v<T, double>) {
      return s.double_value;
    } else {
      return s.int_value;
    }
  }
  std::string name_, unit_, description_;
  InstrumentKind kind_;
  bool is_double_;
  Aggregation aggregation_;
  Temporality temporality_;
  std::vector<double> bounds_;
  SeriesTable series_;
  std::vector<ObservableCallback<std::int64_t>> int_callbacks_;
  std::vector<ObservableCallback<double>> double_callbacks_;
};

}  // namespace otlp::detail
