#include "metrics/instrument.hpp"

#include <algorithm>
#include <cmath>

namespace otlp::detail {
namespace {

std::vector<double> boundaries(const InstrumentOptions& options) {
  std::vector<double> b = options.boundaries.empty()
                              ? std::vector<double>(std::begin(kDefaultBoundaries), std::end(kDefaultBoundaries))
                              : options.boundaries;
  // Bounds must be finite and increasing: anything else is dropped rather than mis-bucketed.
  std::erase_if(b, [](double x) { return !std::isfinite(x); });
  std::sort(b.begin(), b.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  return b;
}

Aggregation resolve(Aggregation asked, InstrumentKind kind, Aggregation histogram_default) {
  Aggregation a = asked == Aggregation::by_kind ? default_aggregation(kind) : asked;
  // The provider may make histograms exponential by default; it has no other choice to make.
  if (asked == Aggregation::by_kind && kind == InstrumentKind::histogram &&
      histogram_default == Aggregation::exponential_histogram)
    a = Aggregation::exponential_histogram;
  // Observations are values at a time: they aggregate as sums or last values only.
  if (is_observable(kind) && a != Aggregation::sum && a != Aggregation::last_value) return Aggregation::drop;
  return a;
}

bool same_name(std::string_view a, std::string_view b) {  // instrument names are case-insensitive
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(x) == lower(y);
  });
}

}  // namespace

Instrument::Instrument(std::string_view name, InstrumentKind kind, bool is_double, const InstrumentOptions& options,
                       Temporality temporality, std::uint32_t cardinality_limit, Aggregation histogram_default)
    : name_(name), unit_(options.unit), description_(options.description), kind_(kind), is_double_(is_double),
      aggregation_(resolve(options.aggregation, kind, histogram_default)), temporality_(temporality),
      bounds_(boundaries(options)),
      series_(cardinality_limit, aggregation_ == Aggregation::explicit_histogram ? &bounds_ : nullptr,
              aggregation_ == Aggregation::exponential_histogram) {}

bool Instrument::same_identity(std::string_view name, InstrumentKind kind, bool is_double) const noexcept {
  return kind == kind_ && is_double == is_double_ && same_name(name, name_);
}

template <class T>
void Instrument::observe(T value, const Attribute* attrs, std::size_t n) noexcept {
  if (aggregation_ == Aggregation::drop) return;
  Series& s = series_.find_or_add(attrs, n);
  if (&s == series_.overflow()) {
    atomic_add(cell<T>(s), value);
  } else {
    cell<T>(s).store(value);
  }
  mark_touched(s.touched);
}
template void Instrument::observe(std::int64_t, const Attribute*, std::size_t) noexcept;
template void Instrument::observe(double, const Attribute*, std::size_t) noexcept;

void Instrument::observe_all() {
  if (!is_observable(kind_)) return;
  if (Series* o = series_.overflow()) {
    o->int_value.store(0, std::memory_order_relaxed);
    o->double_value.store(0, std::memory_order_relaxed);
  }
  Observer<std::int64_t> int_observer(*this);
  for (auto& callback : int_callbacks_) callback(int_observer);
  Observer<double> double_observer(*this);
  for (auto& callback : double_callbacks_) callback(double_observer);
}

template <class T>
BoundSum<T> Instrument::bind_sum(const Attribute* attrs, std::size_t n) {
  if (aggregation_ != Aggregation::sum) return {};
  Series& s = series_.find_or_add(attrs, n);
  return BoundSum<T>(&cell<T>(s), &s.touched);
}
template BoundSum<std::int64_t> Instrument::bind_sum(const Attribute*, std::size_t);
template BoundSum<double> Instrument::bind_sum(const Attribute*, std::size_t);

BoundHistogram Instrument::bind_histogram(const Attribute* attrs, std::size_t n) {
  if (aggregation_ != Aggregation::explicit_histogram && aggregation_ != Aggregation::exponential_histogram) return {};
  Series& s = series_.find_or_add(attrs, n);
  return BoundHistogram(s.histogram.get(), s.exponential.get(), &s.touched);
}

}  // namespace otlp::detail
