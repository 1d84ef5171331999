// The API's handles onto their instruments, and the provider's meters.
#include <algorithm>

#include "metrics/instrument.hpp"
#include "metrics/provider_scope.hpp"

namespace otlp {

template <class T>
void Counter<T>::add(T value, const Attribute* attributes, std::size_t n) noexcept {
  if (instrument_ && value >= 0) instrument_->record(value, attributes, n);  // NaN fails the test too
}
template <class T>
BoundSum<T> Counter<T>::bind(const Attribute* attributes, std::size_t n) {
  return instrument_ ? instrument_->bind_sum<T>(attributes, n) : BoundSum<T>();
}
template <class T>
void UpDownCounter<T>::add(T value, const Attribute* attributes, std::size_t n) noexcept {
  if (instrument_ && value == value) instrument_->record(value, attributes, n);
}
template <class T>
BoundSum<T> UpDownCounter<T>::bind(const Attribute* attributes, std::size_t n) {
  return instrument_ ? instrument_->bind_sum<T>(attributes, n) : BoundSum<T>();
}
template <class T>
void Histogram<T>::record(T value, const Attribute* attributes, std::size_t n) noexcept {
  if (instrument_ && value >= 0) instrument_->record(value, attributes, n);
}
template <class T>
BoundHistogram Histogram<T>::bind(const Attribute* attributes, std::size_t n) {
  return instrument_ ? instrument_->bind_histogram(attributes, n) : BoundHistogram();
}
template <class T>
void Gauge<T>::record(T value, const Attribute* attributes, std::size_t n) noexcept {
  if (instrument_ && value == value) instrument_->record(value, attributes, n);
}
template <class T>
void Observer<T>::observe(T value, const Attribute* attributes, std::size_t n) {
  if (value == value) instrument_.observe(value, attributes, n);
}

template class Counter<std::int64_t>;
template class Counter<double>;
template class UpDownCounter<std::int64_t>;
template class UpDownCounter<double>;
template class Histogram<std::int64_t>;
template class Histogram<double>;
template class Gauge<std::int64_t>;
template class Gauge<double>;
template class Observer<std::int64_t>;
template class Observer<double>;

MeterProvider::MeterProvider(ExportEngine& engine, Clock& clock, MeterProviderConfig config)
    : engine_(engine), clock_(clock), config_(std::move(config)), start_(clock.now_unix_nano()),
      last_collection_(start_) {
  engine_.set_collector(this);
}

MeterProvider::~MeterProvider() { engine_.set_collector(nullptr); }

Meter MeterProvider::meter(std::string_view name, std::string_view version) {
  detail::SpinLock::Guard hold(lock_);
  for (std::size_t i = 0; i < scopes_.size(); ++i)
    if (scopes_[i]->scope.name == name && scopes_[i]->scope.version == version) return Meter(*this, i);
  auto scope = std::make_unique<Scope>();
  scope->scope.name = name;
  scope->scope.version = version;
  scopes_.push_back(std::move(scope));
  return Meter(*this, scopes_.size() - 1);
}

detail::Instrument* Meter::instrument(std::string_view name, InstrumentKind kind, bool is_double,
                                      const InstrumentOptions& options) {
  detail::SpinLock::Guard hold(provider_->lock_);
  auto& instruments = provider_->scopes_[scope_]->instruments;
  // The same instrument asked for twice is one instrument; a name reused for another kind makes
  // a second one, exported beside it, as the specification has it.
  for (const auto& i : instruments)
    if (i->same_identity(name, kind, is_double)) return i.get();
  const MeterProviderConfig& c = provider_->config_;
  instruments.push_back(std::make_unique<detail::Instrument>(
      name, kind, is_double, options, temporality_for(c.temporality, kind),
      options.cardinality_limit ? options.cardinality_limit : c.cardinality_limit, c.default_histogram_aggregation));
  instruments.back()->last_collection = provider_->start_;
  return instruments.back().get();
}

template <class T>
void Meter::observable(std::string_view name, InstrumentKind kind, ObservableCallback<T> callback,
                       const InstrumentOptions& options) {
  detail::Instrument* i = instrument(name, kind, is_double<T>(), options);
  detail::SpinLock::Guard hold(provider_->lock_);
  if (callback) i->add_callback(std::move(callback));
}
template void Meter::observable(std::string_view, InstrumentKind, ObservableCallback<std::int64_t>,
                                const InstrumentOptions&);
template void Meter::observable(std::string_view, InstrumentKind, ObservableCallback<double>,
                                const InstrumentOptions&);

}  // namespace otlp
