// Collection: the observable instruments' callbacks, then every series read as its temporality
// says and written into one ExportMetricsServiceRequest (a ScopeMetrics per meter, a Metric per
// instrument with data points), submitted to the engine with the data point count as its items.
#include <cstring>
#include <vector>

#include "metrics/provider_scope.hpp"
#include "record/attribute_writer.hpp"
#include "otlp/record/limits.hpp"
#include "wire/proto_wire.hpp"

namespace otlp {
namespace {

using detail::Instrument;
using detail::Series;
using detail::Writer;
namespace field = detail::field;

// What every point of one metric shares, and the collection's scratch list of its series.
struct Times {
  std::uint64_t start;
  std::uint64_t now;
  std::vector<Series*>& seen;
};

// One data point of a sum or gauge: the value the series has to report now, if any.
struct NumberValue {
  bool is_double;
  std::int64_t i = 0;
  double d = 0;
};

// What a series reports at this collection. A series reports when it was measured since the
// last collection; a cumulative synchronous one also when it ever was (its total stands). The
// touched flag is taken before the values, so a measurement racing a collection is reported
// in this one or the next, never in both or neither.
bool reports(Instrument& in, Series& s) {
  const bool touched = s.touched.exchange(false);
  const bool keeps = !detail::is_observable(in.kind()) && in.temporality() == Temporality::cumulative;
  if (!touched && !(keeps && s.reported)) return false;
  s.reported = true;
  return true;
}

NumberValue number_value(Instrument& in, Series& s) {
  NumberValue v{in.is_double()};
  const bool delta = in.temporality() == Temporality::delta;
  const bool sum = in.aggregation() == Aggregation::sum;
  if (detail::is_observable(in.kind())) {
    // Observations are totals: a delta sum reports what grew since the previous one.
    v.i = s.int_value.load();
    v.d = s.double_value.load();
    if (delta && sum) {
      const std::int64_t i = v.i;
      const double d = v.d;
      v.i = static_cast<std::int64_t>(static_cast<std::uint64_t>(i) - static_cast<std::uint64_t>(s.previous_int));
      v.d = d - s.previous_double;
      s.previous_int = i;
      s.previous_double = d;
    }
  } else if (delta && sum) {
    v.i = s.int_value.exchange(0);
    v.d = s.double_value.exchange(0);
  } else {
    v.i = s.int_value.load();
    v.d = s.double_value.load();
  }
  return v;
}

void write_attributes(Writer& w, std::uint32_t number, const Series& s) {
  detail::write_attribute_list(w, number, s.attributes.data(), s.attributes.size(), kNoLimit, kNoLimit);
}

std::uint32_t write_number_points(Writer& w, std::uint32_t data_points, Instrument& in, const Times& t) {
  namespace p = field::number_data_point;
  std::uint32_t points = 0;
  in.series().for_each(t.seen, [&](Series& s) {
    if (!reports(in, s)) return;
    const NumberValue v = number_value(in, s);
    auto m = w.open(data_points, 1);
    w.fixed64_field(p::start_time_unix_nano, t.start);
    w.fixed64_field(p::time_unix_nano, t.now);
    if (v.is_double) {
      w.present_double_field(p::as_double, v.d);
    } else {
      w.present_fixed64_field(p::as_int, static_cast<std::uint64_t>(v.i));
    }
    write_attributes(w, p::attributes, s);  // fields in number order, as libprotobuf writes them
    w.close(m);
    ++points;
  });
  return points;
}

std::uint32_t write_histogram_points(Writer& w, Instrument& in, const Times& t) {
  namespace p = field::histogram_data_point;
  std::uint32_t points = 0;
  detail::HistogramCell::Snapshot snap;
  // The bounds' bits, the same for every point.
  const std::vector<double>& bounds = in.bounds();
  std::vector<std::uint64_t> bound_bits(bounds.size());
  std::memcpy(bound_bits.data(), bounds.data(), 8 * bounds.size());
  in.series().for_each(t.seen, [&](Series& s) {
    if (!reports(in, s)) return;
    s.histogram->read(snap, in.temporality() == Temporality::delta);
    auto m = w.open(field::histogram::data_points, 2);
    w.fixed64_field(p::start_time_unix_nano, t.start);
    w.fixed64_field(p::time_unix_nano, t.now);
    w.present_fixed64_field(p::count, snap.count);
    w.present_double_field(p::sum, snap.sum);
    w.packed_fixed64_field(p::bucket_counts, snap.counts.data(), snap.counts.size());
    w.packed_fixed64_field(p::explicit_bounds, bound_bits.data(), bound_bits.size());
    write_attributes(w, p::attributes, s);
    if (snap.count > 0) {  // min and max of no measurement do not exist
      w.present_double_field(p::min, snap.min);
      w.present_double_field(p::max, snap.max);
    }
    w.close(m);
    ++points;
  });
  return points;
}

// One sign's buckets; a sign with no value is left out.
void write_buckets(Writer& w, std::uint32_t number, const detail::ExponentialBuckets& b,
                   std::vector<std::uint64_t>& counts) {
  if (b.empty()) return;
  counts.resize(b.size());
  for (std::size_t k = 0; k < b.size(); ++k) counts[k] = b[k];
  auto m = w.open(number, 2);
  w.sint32_field(field::buckets::offset, b.offset());
  w.packed_varint_field(field::buckets::bucket_counts, counts.data(), counts.size());
  w.close(m);
}

std::uint32_t write_exponential_points(Writer& w, Instrument& in, const Times& t) {
  namespace p = field::exponential_histogram_data_point;
  std::uint32_t points = 0;
  detail::ExponentialHistogram snap(detail::kExponentialOptions);
  std::vector<std::uint64_t> counts;
  in.series().for_each(t.seen, [&](Series& s) {
    if (!reports(in, s)) return;
    s.exponential->read(snap, in.temporality() == Temporality::delta);
    auto m = w.open(field::histogram::data_points, 2);
    write_attributes(w, p::attributes, s);  // field 1 here: number order, as libprotobuf writes them
    w.fixed64_field(p::start_time_unix_nano, t.start);
    w.fixed64_field(p::time_unix_nano, t.now);
    w.fixed64_field(p::count, snap.count());
    w.present_double_field(p::sum, snap.sum());
    w.sint32_field(p::scale, snap.scale());
    w.fixed64_field(p::zero_count, snap.zero_count());
    write_buckets(w, p::positive, snap.positive(), counts);
    write_buckets(w, p::negative, snap.negative(), counts);
    if (snap.count() > 0) {  // min and max of no measurement do not exist
      w.present_double_field(p::min, snap.min());
      w.present_double_field(p::max, snap.max());
    }
    w.double_field(p::zero_threshold, snap.zero_threshold());
    w.close(m);
    ++points;
  });
  return points;
}

// One Metric for the instrument, or nothing when it has no data point; returns the points.
std::uint32_t write_metric(Writer& w, std::string& out, Instrument& in, std::uint64_t provider_start,
                           std::uint64_t now, std::vector<Series*>& seen) {
  if (in.aggregation() == Aggregation::drop) return 0;
  const bool delta = in.temporality() == Temporality::delta;
  const Times t{delta ? in.last_collection : provider_start, now, seen};
  in.last_collection = now;
  const std::size_t rollback = static_cast<std::size_t>(w.reserve(0) - out.data());
  auto metric = w.open(field::scope_metrics::metrics, 2);
  w.string_field(field::metric::name, in.name());
  w.string_field(field::metric::description, in.description());
  w.string_field(field::metric::unit, in.unit());
  std::uint32_t points = 0;
  switch (in.aggregation()) {
    case Aggregation::sum: {
      auto m = w.open(field::metric::sum, 2);
      points = write_number_points(w, field::sum::data_points, in, t);
      w.varint_field(field::sum::aggregation_temporality, static_cast<std::uint64_t>(in.temporality()));
      w.varint_field(field::sum::is_monotonic, detail::is_monotonic(in.kind()));
      w.close(m);
      break;
    }
    case Aggregation::last_value: {
      auto m = w.open(field::metric::gauge, 2);
      points = write_number_points(w, field::gauge::data_points, in, t);
      w.close(m);
      break;
    }
    case Aggregation::explicit_histogram: {
      auto m = w.open(field::metric::histogram, 2);
      points = write_histogram_points(w, in, t);
      w.varint_field(field::histogram::aggregation_temporality, static_cast<std::uint64_t>(in.temporality()));
      w.close(m);
      break;
    }
    case Aggregation::exponential_histogram: {
      auto m = w.open(field::metric::exponential_histogram, 2);
      points = write_exponential_points(w, in, t);
      w.varint_field(field::histogram::aggregation_temporality, static_cast<std::uint64_t>(in.temporality()));
      w.close(m);
      break;
    }
    default:
      break;
  }
  w.close(metric);
  if (points == 0) w.commit(out.data() + rollback);  // a metric with no point is not written
  return points;
}

}  // namespace

std::uint32_t MeterProvider::collect(std::uint64_t now) {
  if (shut_down_) return 0;
  last_collection_ = now;
  // The instruments as they are now; callbacks may make new ones, collected next time.
  std::vector<std::pair<Scope*, std::vector<detail::Instrument*>>> scopes;
  {
    detail::SpinLock::Guard hold(lock_);
    for (const auto& s : scopes_) {
      scopes.push_back({s.get(), {}});
      for (const auto& i : s->instruments) scopes.back().second.push_back(i.get());
    }
  }
  for (auto& [scope, instruments] : scopes)
    for (detail::Instrument* i : instruments) i->observe_all();

  std::vector<Series*> seen;  // each instrument's series in turn
  std::string body = engine_.take_spare_body();
  body.clear();
  std::uint32_t points = 0;
  {
    Writer w(body);
    auto rm = w.open(field::metrics_request::resource_metrics, 3);
    detail::write_resource(w, field::resource_metrics::resource, config_.resource);
    for (auto& [scope, instruments] : scopes) {
      const std::size_t rollback = static_cast<std::size_t>(w.reserve(0) - body.data());
      auto sm = w.open(field::resource_metrics::scope_metrics, 3);
      detail::write_scope(w, field::scope_metrics::scope, scope->scope);
      std::uint32_t scope_points = 0;
      for (detail::Instrument* i : instruments) scope_points += write_metric(w, body, *i, start_, now, seen);
      w.close(sm);
      if (scope_points == 0) w.commit(body.data() + rollback);  // nor a scope with no metric
      points += scope_points;
    }
    w.close(rm);
  }
  if (points > 0) engine_.submit(std::move(body), points);
  return points;
}

std::uint64_t MeterProvider::force_flush(std::uint64_t now, std::uint64_t timeout_ns) {
  return engine_.force_flush(now, timeout_ns);
}

std::uint64_t MeterProvider::shutdown(std::uint64_t now, std::uint64_t timeout_ns) {
  const std::uint64_t ticket = engine_.shutdown(now, timeout_ns);
  shut_down_ = true;
  return ticket;
}

}  // namespace otlp
