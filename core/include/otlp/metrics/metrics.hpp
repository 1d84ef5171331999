// The metrics API: a provider (resource, temporality preference, collection interval, cardinality
// limit) and meters per instrumentation scope, with the synchronous instruments (Counter,
// UpDownCounter, Histogram, Gauge) and the asynchronous ones (ObservableCounter,
// ObservableUpDownCounter, ObservableGauge), each for std::int64_t and double.
//
// Recording finds the attribute set's series without a lock and adds to it atomically (an
// exponential histogram series, which rescales all its buckets at once, behind a spin lock of
// its own); only a new series takes its instrument's lock. A bound instrument holds its series: adding is one atomic
// add. Collection reads every series, encodes one ExportMetricsServiceRequest and submits it to
// the export engine the caller gave, whose host loop sends it as it sends spans and logs.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "otlp/export/engine.hpp"
#include "otlp/metrics/spin_lock.hpp"
#include "otlp/model/attribute.hpp"
#include "otlp/model/span.hpp"

namespace otlp {

enum class InstrumentKind : std::uint8_t {
  counter,
  up_down_counter,
  histogram,
  gauge,
  observable_counter,
  observable_up_down_counter,
  observable_gauge,
};

enum class Aggregation : std::uint8_t {
  by_kind,                // the instrument kind's default: sum, last value or explicit histogram
  sum,
  last_value,
  explicit_histogram,
  exponential_histogram,  // base-2, at most 160 buckets per sign, starting at scale 20
  drop,
};

enum class Temporality : std::uint8_t { delta = 1, cumulative = 2 };  // AggregationTemporality numbers

// OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE.
enum class TemporalityPreference : std::uint8_t { cumulative, delta, lowmemory };

// The specification's rule: delta prefers delta for Counter, ObservableCounter and Histogram
// (cumulative for the up-down counters); lowmemory for the synchronous Counter and Histogram only.
Temporality temporality_for(TemporalityPreference preference, InstrumentKind kind) noexcept;

// The specification's default explicit bucket boundaries.
inline constexpr double kDefaultBoundaries[] = {0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000};

struct MeterProviderConfig {
  Resource resource;
  TemporalityPreference temporality = TemporalityPreference::cumulative;
  std::uint64_t export_interval_ns = 60'000'000'000;  // OTEL_METRIC_EXPORT_INTERVAL
  std::uint32_t cardinality_limit = 2000;             // series per instrument, the overflow series included
  // What a histogram whose options say by_kind aggregates into: explicit_histogram or
  // exponential_histogram (anything else is taken as explicit_histogram).
  // OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION.
  Aggregation default_histogram_aggregation = Aggregation::explicit_histogram;
};

// What an instrument is created with beyond its name.
struct InstrumentOptions {
  InstrumentOptions() = default;
  // The common case, `{"ms", "how long"}`, without naming the rest.
  InstrumentOptions(std::string_view unit_, std::string_view description_ = {})
      : unit(unit_), description(description_) {}
  std::string_view unit;
  std::string_view description;
  Aggregation aggregation = Aggregation::by_kind;
  std::vector<double> boundaries;       // explicit histogram; empty: kDefaultBoundaries
  std::uint32_t cardinality_limit = 0;  // 0: the provider's
};

namespace detail {
class Instrument;
// Marks a series measured, after the measurement. Every step is sequentially consistent (on
// x86 the atomic add costs the same, the load is a plain one): a writer that finds the flag
// already set knows the collector has not yet taken it, so it will take this measurement too,
// and the flag is stored only once per collection instead of at every measurement.
inline void mark_touched(std::atomic<bool>& touched) noexcept {
  if (!touched.load()) touched.store(true);
}
// An atomic add for both numbers: libc++ before 18 (em++'s) has no atomic<double>::fetch_add.
template <class T>
inline void atomic_add(std::atomic<T>& cell, T value) noexcept {
  if constexpr (std::is_integral_v<T>) {
    cell.fetch_add(value);
  } else {
    for (T old = cell.load(std::memory_order_relaxed); !cell.compare_exchange_weak(old, old + value);) {
    }
  }
}
class HistogramCell;
class ExponentialCell;
// Adds to a histogram series (metrics/aggregation.cpp): what a bound histogram calls.
void histogram_record(HistogramCell& cell, double value) noexcept;
// False when the value has no exponential bucket (an infinity): the series is then not measured.
bool exponential_record(ExponentialCell& cell, double value) noexcept;
}  // namespace detail

// A series held by a bound instrument: its value and the flag collection reads.
template <class T>
class BoundSum {
 public:
  BoundSum() = default;
  void add(T value) noexcept {
    if (!value_) return;
    detail::atomic_add(*value_, value);
    detail::mark_touched(*touched_);
  }
  explicit operator bool() const noexcept { return value_ != nullptr; }

 private:
  friend class detail::Instrument;
  BoundSum(std::atomic<T>* value, std::atomic<bool>* touched) : value_(value), touched_(touched) {}
  std::atomic<T>* value_ = nullptr;
  std::atomic<bool>* touched_ = nullptr;
};

class BoundHistogram {
 public:
  BoundHistogram() = default;
  template <class T>
  void record(T value) noexcept {
    if (!touched_ || !(value >= 0)) return;  // negative and NaN measurements are not histogram values
    if (cell_) {
      detail::histogram_record(*cell_, static_cast<double>(value));
    } else if (!detail::exponential_record(*exponential_, static_cast<double>(value))) {
      return;
    }
    detail::mark_touched(*touched_);
  }
  explicit operator bool() const noexcept { return touched_ != nullptr; }

 private:
  friend class detail::Instrument;
  // One of the two cells (the other null), as the instrument aggregates.
  BoundHistogram(detail::HistogramCell* cell, detail::ExponentialCell* exponential, std::atomic<bool>* touched)
      : cell_(cell), exponential_(exponential), touched_(touched) {}
  detail::HistogramCell* cell_ = nullptr;
  detail::ExponentialCell* exponential_ = nullptr;
  std::atomic<bool>* touched_ = nullptr;
};

// The synchronous instruments. Attributes are borrowed for the call. A handle from a meter stays
// valid as long as its provider; a default-constructed one records nothing.
template <class T>
class Counter {
 public:
  Counter() = default;
  void add(T value, AttributeList attributes = {}) noexcept { add(value, attributes.begin(), attributes.size()); }
  void add(T value, const Attribute* attributes, std::size_t n) noexcept;  // negative values are dropped
  BoundSum<T> bind(AttributeList attributes) { return bind(attributes.begin(), attributes.size()); }
  BoundSum<T> bind(const Attribute* attributes, std::size_t n);

 private:
  friend class Meter;
  explicit Counter(detail::Instrument* i) : instrument_(i) {}
  detail::Instrument* instrument_ = nullptr;
};

template <class T>
class UpDownCounter {
 public:
  UpDownCounter() = default;
  void add(T value, AttributeList attributes = {}) noexcept { add(value, attributes.begin(), attributes.size()); }
  void add(T value, const Attribute* attributes, std::size_t n) noexcept;
  BoundSum<T> bind(AttributeList attributes) { return bind(attributes.begin(), attributes.size()); }
  BoundSum<T> bind(const Attribute* attributes, std::size_t n);

 private:
  friend class Meter;
  explicit UpDownCounter(detail::Instrument* i) : instrument_(i) {}
  detail::Instrument* instrument_ = nullptr;
};

template <class T>
class Histogram {
 public:
  Histogram() = default;
  void record(T value, AttributeList attributes = {}) noexcept {
    record(value, attributes.begin(), attributes.size());
  }
  void record(T value, const Attribute* attributes, std::size_t n) noexcept;  // negative values are dropped
  BoundHistogram bind(AttributeList attributes) { return bind(attributes.begin(), attributes.size()); }
  BoundHistogram bind(const Attribute* attributes, std::size_t n);

 private:
  friend class Meter;
  explicit Histogram(detail::Instrument* i) : instrument_(i) {}
  detail::Instrument* instrument_ = nullptr;
};

template <class T>
class Gauge {
 public:
  Gauge() = default;
  void record(T value, AttributeList attributes = {}) noexcept {
    record(value, attributes.begin(), attributes.size());
  }
  void record(T value, const Attribute* attributes, std::size_t n) noexcept;

 private:
  friend class Meter;
  explicit Gauge(detail::Instrument* i) : instrument_(i) {}
  detail::Instrument* instrument_ = nullptr;
};

// What an observable instrument's callback reports its values through, at collection.
template <class T>
class Observer {
 public:
  void observe(T value, AttributeList attributes = {}) { observe(value, attributes.begin(), attributes.size()); }
  void observe(T value, const Attribute* attributes, std::size_t n);

 private:
  friend class detail::Instrument;
  explicit Observer(detail::Instrument& i) : instrument_(i) {}
  detail::Instrument& instrument_;
};
template <class T>
using ObservableCallback = std::function<void(Observer<T>&)>;

class MeterProvider;

class Meter {
 public:
  template <class T>
  Counter<T> counter(std::string_view name, const InstrumentOptions& options = {}) {
    return Counter<T>(instrument(name, InstrumentKind::counter, is_double<T>(), options));
  }
  template <class T>
  UpDownCounter<T> up_down_counter(std::string_view name, const InstrumentOptions& options = {}) {
    return UpDownCounter<T>(instrument(name, InstrumentKind::up_down_counter, is_double<T>(), options));
  }
  template <class T>
  Histogram<T> histogram(std::string_view name, const InstrumentOptions& options = {}) {
    return Histogram<T>(instrument(name, InstrumentKind::histogram, is_double<T>(), options));
  }
  template <class T>
  Gauge<T> gauge(std::string_view name, const InstrumentOptions& options = {}) {
    return Gauge<T>(instrument(name, InstrumentKind::gauge, is_double<T>(), options));
  }
  // The callback runs on the collecting thread at every collection, for as long as the provider.
  template <class T>
  void observable_counter(std::string_view name, ObservableCallback<T> callback, const InstrumentOptions& options = {}) {
    observable(name, InstrumentKind::observable_counter, std::move(callback), options);
  }
  template <class T>
  void observable_up_down_counter(std::string_view name, ObservableCallback<T> callback,
                                  const InstrumentOptions& options = {}) {
    observable(name, InstrumentKind::observable_up_down_counter, std::move(callback), options);
  }
  template <class T>
  void observable_gauge(std::string_view name, ObservableCallback<T> callback, const InstrumentOptions& options = {}) {
    observable(name, InstrumentKind::observable_gauge, std::move(callback), options);
  }

 private:
  friend class MeterProvider;
  Meter(MeterProvider& provider, std::size_t scope) : provider_(&provider), scope_(scope) {}
  template <class T>
  static constexpr bool is_double() {
    static_assert(std::is_same_v<T, std::int64_t> || std::is_same_v<T, double>, "instruments take int64_t or double");
    return std::is_same_v<T, double>;
  }
  detail::Instrument* instrument(std::string_view name, InstrumentKind kind, bool is_double,
                                 const InstrumentOptions& options);
  template <class T>
  void observable(std::string_view name, InstrumentKind kind, ObservableCallback<T> callback,
                  const InstrumentOptions& options);

  MeterProvider* provider_;
  std::size_t scope_;
};

// The provider is its engine's Collector: the host loop that drives the engine (every host
// drives one per signal) has it collect when the interval passed, before a flush and once more
// at shutdown.
class MeterProvider final : public Collector {
 public:
  // `engine` (its signal the metrics one) and `clock` outlive the provider, which is the engine's
  // collector from now until it is destroyed. The provider's start time, every cumulative
  // series' start, is the clock's now.
  MeterProvider(ExportEngine& engine, Clock& clock, MeterProviderConfig config = {});
  ~MeterProvider() override;
  MeterProvider(const MeterProvider&) = delete;
  MeterProvider& operator=(const MeterProvider&) = delete;

  // The meter of one scope: the same name and version give the same meter.
  Meter meter(std::string_view name, std::string_view version = {});

  // --- the collecting side (one thread at a time: the host loop) --------------------------------
  // Runs the callbacks, reads every series and submits one request with what it holds, the data
  // point count as its items; nothing is submitted when there is no data point, nor after
  // shutdown. Returns the data points. The engine calls it; a host may too.
  std::uint32_t collect(std::uint64_t now) override;
  // The periodic reader: when the engine has the next collection made (UINT64_MAX after shutdown).
  std::uint64_t next_collection() const noexcept override {
    return shut_down_ ? UINT64_MAX : last_collection_ + config_.export_interval_ns;
  }
  // The engine's: it collects now, then flushes; returns the flush ticket.
  std::uint64_t force_flush(std::uint64_t now, std::uint64_t timeout_ns);
  // The engine's: one last collection, then the engine shuts down; later collections submit
  // nothing.
  std::uint64_t shutdown(std::uint64_t now, std::uint64_t timeout_ns);

  const MeterProviderConfig& config() const noexcept { return config_; }
  std::uint64_t start_time() const noexcept { return start_; }

 private:
  friend class Meter;
  struct Scope;
  ExportEngine& engine_;
  Clock& clock_;
  MeterProviderConfig config_;
  std::uint64_t start_;
  std::uint64_t last_collection_;
  bool shut_down_ = false;
  detail::SpinLock lock_;  // meters and instruments being created while collection walks them
  std::vector<std::unique_ptr<Scope>> scopes_;
};

}  // namespace otlp
