#include "oracle_metrics.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <random>

namespace otlp::testing::lite {
namespace {

namespace pb_common = opentelemetry::proto::common::v1;
namespace pb_m = opentelemetry::proto::metrics::v1;
using KeyValues = google::protobuf::RepeatedPtrField<pb_common::KeyValue>;

// ---- building --------------------------------------------------------------------------------

class Gen {
 public:
  explicit Gen(std::uint64_t seed) : rng_(seed) {}

  std::uint64_t below(std::uint64_t n) { return rng_() % n; }
  bool chance(unsigned percent) { return below(100) < percent; }

  std::string text() {
    static const char* const kTexts[] = {"",
                                         "http.server.request.duration",
                                         "ünïcødé ✓ 😀 指标",
                                         "quote \" backslash \\ newline \n tab \t",
                                         "{By}",
                                         "a much longer description of what this instrument measures, for a while"};
    return kTexts[below(std::size(kTexts))];
  }
  // Doubles whose shortest form every writer agrees on, and the ones JSON spells as strings.
  double any_double(bool zero_ok) {
    static const double kValues[] = {1.5,   -2.25, 0.1, 1e300, -1.5e-300, 123, 1e15, 3.5e20, 0.001,
                                     -7,    std::numeric_limits<double>::quiet_NaN(),
                                     std::numeric_limits<double>::infinity(),
                                     -std::numeric_limits<double>::infinity()};
    if (zero_ok && chance(10)) return chance(50) ? 0.0 : -0.0;
    if (chance(30)) return static_cast<double>(static_cast<std::int64_t>(below(2001)) - 1000) / 8;
    return kValues[below(std::size(kValues))];
  }
  std::int64_t any_int() {
    static const std::int64_t kValues[] = {0, 1, -1, std::numeric_limits<std::int64_t>::min(),
                                           std::numeric_limits<std::int64_t>::max()};
    if (chance(50)) return static_cast<std::int64_t>(rng_());
    return kValues[below(std::size(kValues))];
  }
  std::uint64_t any_u64() {
    static const std::uint64_t kValues[] = {0, 1, std::numeric_limits<std::uint64_t>::max()};
    if (chance(60)) return below(100000);
    return chance(50) ? rng_() : kValues[below(std::size(kValues))];
  }
  std::uint64_t time() { return chance(10) ? 0 : 1'700'000'000'000'000'000ull + below(1'000'000'000'000); }
  std::string id(std::size_t n) {
    if (chance(15)) return {};
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(below(256));
    if (s == std::string(n, '\0')) s[0] = 1;
    return s;
  }

  void attributes(KeyValues& to, unsigned max) {
    const auto n = below(max + 1);
    for (std::uint64_t i = 0; i < n; ++i) {
      auto* kv = to.Add();
      std::string key = i % 3 == 0 ? "ключ." : "attr.";
      key += std::to_string(i);
      kv->set_key(key);
      auto* v = kv->mutable_value();
      switch (below(6)) {
        case 0: v->set_string_value(text()); break;
        case 1: v->set_bool_value(chance(50)); break;
        case 2: v->set_int_value(any_int()); break;
        case 3: v->set_double_value(any_double(true)); break;
        case 4: break;  // a value with nothing set
        default: v->set_string_value(std::to_string(i)); break;
      }
    }
  }

  void exemplars(google::protobuf::RepeatedPtrField<pb_m::Exemplar>& to) {
    const auto n = below(3);
    for (std::uint64_t i = 0; i < n; ++i) {
      auto* e = to.Add();
      e->set_time_unix_nano(time());
      if (chance(50)) {
        e->set_as_double(any_double(true));
      } else if (chance(90)) {
        e->set_as_int(any_int());
      }
      e->set_span_id(id(8));
      e->set_trace_id(id(16));
      attributes(*e->mutable_filtered_attributes(), 2);
    }
  }

  template <class Point>
  void common(Point& p) {
    attributes(*p.mutable_attributes(), 4);
    p.set_start_time_unix_nano(time());
    p.set_time_unix_nano(time());
    if (chance(20)) p.set_flags(chance(50) ? 1 : 0xffffffffu);
  }

  void number(pb_m::NumberDataPoint& p) {
    common(p);
    if (chance(50)) {
      p.set_as_double(any_double(true));
    } else if (chance(90)) {
      p.set_as_int(any_int());
    }
    exemplars(*p.mutable_exemplars());
  }

  void histogram(pb_m::HistogramDataPoint& p) {
    common(p);
    p.set_count(any_u64());
    if (chance(70)) p.set_sum(any_double(true));
    const auto bounds = below(chance(10) ? 40 : 6);
    for (std::uint64_t i = 0; i < bounds; ++i) p.add_explicit_bounds(any_double(true));
    if (bounds > 0 || chance(20))
      for (std::uint64_t i = 0; i <= bounds; ++i) p.add_bucket_counts(any_u64());
    if (chance(60)) p.set_min(any_double(true));
    if (chance(60)) p.set_max(any_double(true));
    exemplars(*p.mutable_exemplars());
  }

  void buckets(pb_m::ExponentialHistogramDataPoint::Buckets& b) {
    if (chance(70)) b.set_offset(chance(10) ? (chance(50) ? std::numeric_limits<std::int32_t>::min()
                                                          : std::numeric_limits<std::int32_t>::max())
                                            : static_cast<std::int32_t>(below(400)) - 200);
    const auto n = below(chance(10) ? 160 : 8);
    for (std::uint64_t i = 0; i < n; ++i) b.add_bucket_counts(any_u64());
  }

  void exponential(pb_m::ExponentialHistogramDataPoint& p) {
    common(p);
    p.set_count(any_u64());
    if (chance(70)) p.set_sum(any_double(true));
    p.set_scale(chance(10) ? (chance(50) ? std::numeric_limits<std::int32_t>::min() : std::numeric_limits<std::int32_t>::max())
                           : static_cast<std::int32_t>(below(31)) - 10);
    p.set_zero_count(any_u64());
    if (chance(80)) buckets(*p.mutable_positive());
    if (chance(60)) buckets(*p.mutable_negative());
    exemplars(*p.mutable_exemplars());
    if (chance(60)) p.set_min(any_double(true));
    if (chance(60)) p.set_max(any_double(true));
    if (chance(30)) p.set_zero_threshold(any_double(false));
  }

  void summary(pb_m::SummaryDataPoint& p) {
    common(p);
    p.set_count(any_u64());
    if (chance(80)) p.set_sum(any_double(false));
    const auto n = below(5);
    for (std::uint64_t i = 0; i < n; ++i) {
      auto* q = p.add_quantile_values();
      q->set_quantile(i == 0 ? 0.0 : static_cast<double>(i) / 4);
      q->set_value(any_double(false));
    }
  }

  void metric(pb_m::Metric& m) {
    m.set_name(text());
    m.set_description(text());
    m.set_unit(chance(50) ? "ms" : text());
    const auto points = below(chance(10) ? 30 : 4);  // 0: a metric with no points
    const auto temporality = static_cast<pb_m::AggregationTemporality>(below(3));
    switch (below(6)) {
      case 0:
        for (std::uint64_t i = 0; i < points; ++i) number(*m.mutable_gauge()->add_data_points());
        m.mutable_gauge();
        break;
      case 1: {
        auto* s = m.mutable_sum();
        s->set_aggregation_temporality(temporality);
        s->set_is_monotonic(chance(50));
        for (std::uint64_t i = 0; i < points; ++i) number(*s->add_data_points());
        break;
      }
      case 2: {
        auto* h = m.mutable_histogram();
        h->set_aggregation_temporality(temporality);
        for (std::uint64_t i = 0; i < points; ++i) histogram(*h->add_data_points());
        break;
      }
      case 3: {
        auto* h = m.mutable_exponential_histogram();
        h->set_aggregation_temporality(temporality);
        for (std::uint64_t i = 0; i < points; ++i) exponential(*h->add_data_points());
        break;
      }
      case 4:
        for (std::uint64_t i = 0; i < points; ++i) summary(*m.mutable_summary()->add_data_points());
        m.mutable_summary();
        break;
      default: break;  // no data at all
    }
    if (chance(20)) attributes(*m.mutable_metadata(), 2);
  }

 private:
  std::mt19937_64 rng_;
};

// ---- OTLP/JSON, written from the lite accessors ---------------------------------------------

class Json {
 public:
  std::string out;

  void key(const char* name, bool& first) {
    if (!first) out += ',';
    first = false;
    out += '"';
    out += name;
    out += "\":";
  }
  void string(const std::string& s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (const char c : s) {
      const auto b = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\t') {
        out += "\\t";
      } else if (b < 0x20) {
        out += "\\u00";
        out += kHex[b >> 4];
        out += kHex[b & 15];
      } else {
        out += c;
      }
    }
    out += '"';
  }
  void hex(const std::string& bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (const char c : bytes) {
      out += kHex[static_cast<unsigned char>(c) >> 4];
      out += kHex[static_cast<unsigned char>(c) & 15];
    }
    out += '"';
  }
  void dbl(double d) {
    if (std::isnan(d)) {
      out += "\"NaN\"";
    } else if (std::isinf(d)) {
      out += d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    } else {
      char buf[32];
      out.append(buf, std::to_chars(buf, buf + sizeof buf, d).ptr);
    }
  }
  void quoted(std::uint64_t v) {
    out += '"';
    out += std::to_string(v);
    out += '"';
  }
  void quoted(std::int64_t v) {
    out += '"';
    out += std::to_string(v);
    out += '"';
  }

  // proto3 implicit scalars: written unless default (for doubles: unless +0.0).
  void u64_if(const char* name, std::uint64_t v, bool& first) {
    if (v) key(name, first), quoted(v);
  }
  void u32_if(const char* name, std::uint64_t v, bool& first) {
    if (v) key(name, first), out += std::to_string(v);
  }
  void i32_if(const char* name, std::int32_t v, bool& first) {
    if (v) key(name, first), out += std::to_string(v);
  }
  void dbl_if(const char* name, double v, bool& first) {
    if (!(v == 0 && !std::signbit(v))) key(name, first), dbl(v);
  }
  void string_if(const char* name, const std::string& v, bool& first) {
    if (!v.empty()) key(name, first), string(v);
  }
  void id_if(const char* name, const std::string& v, bool& first) {
    if (!v.empty()) key(name, first), hex(v);
  }

  void value(const pb_common::AnyValue& v) {
    bool first = true;
    out += '{';
    switch (v.value_case()) {
      case pb_common::AnyValue::kStringValue: key("stringValue", first), string(v.string_value()); break;
      case pb_common::AnyValue::kBoolValue: key("boolValue", first), out += v.bool_value() ? "true" : "false"; break;
      case pb_common::AnyValue::kIntValue: key("intValue", first), quoted(static_cast<std::int64_t>(v.int_value())); break;
      case pb_common::AnyValue::kDoubleValue: key("doubleValue", first), dbl(v.double_value()); break;
      default: break;
    }
    out += '}';
  }
  void attributes(const char* name, const KeyValues& list, bool& first) {
    if (list.empty()) return;
    key(name, first);
    out += '[';
    for (int i = 0; i < list.size(); ++i) {
      if (i) out += ',';
      out += "{\"key\":";
      string(list[i].key());
      out += ",\"value\":";
      value(list[i].value());
      out += '}';
    }
    out += ']';
  }
  template <class List, class F>
  void array(const char* name, const List& list, bool& first, F&& each) {
    if (list.empty()) return;
    key(name, first);
    out += '[';
    for (int i = 0; i < list.size(); ++i) {
      if (i) out += ',';
      each(list[i]);
    }
    out += ']';
  }

  void exemplar(const pb_m::Exemplar& e) {
    bool first = true;
    out += '{';
    u64_if("timeUnixNano", e.time_unix_nano(), first);
    if (e.value_case() == pb_m::Exemplar::kAsDouble) key("asDouble", first), dbl(e.as_double());
    id_if("spanId", e.span_id(), first);
    id_if("traceId", e.trace_id(), first);
    if (e.value_case() == pb_m::Exemplar::kAsInt) key("asInt", first), quoted(static_cast<std::int64_t>(e.as_int()));
    attributes("filteredAttributes", e.filtered_attributes(), first);
    out += '}';
  }
  void exemplars(const google::protobuf::RepeatedPtrField<pb_m::Exemplar>& list, bool& first) {
    array("exemplars", list, first, [&](const pb_m::Exemplar& e) { exemplar(e); });
  }

  void number(const pb_m::NumberDataPoint& p) {
    bool first = true;
    out += '{';
    u64_if("startTimeUnixNano", p.start_time_unix_nano(), first);
    u64_if("timeUnixNano", p.time_unix_nano(), first);
    if (p.value_case() == pb_m::NumberDataPoint::kAsDouble) key("asDouble", first), dbl(p.as_double());
    exemplars(p.exemplars(), first);
    if (p.value_case() == pb_m::NumberDataPoint::kAsInt) key("asInt", first), quoted(static_cast<std::int64_t>(p.as_int()));
    attributes("attributes", p.attributes(), first);
    u32_if("flags", p.flags(), first);
    out += '}';
  }
  void histogram(const pb_m::HistogramDataPoint& p) {
    bool first = true;
    out += '{';
    u64_if("startTimeUnixNano", p.start_time_unix_nano(), first);
    u64_if("timeUnixNano", p.time_unix_nano(), first);
    u64_if("count", p.count(), first);
    if (p.has_sum()) key("sum", first), dbl(p.sum());
    array("bucketCounts", p.bucket_counts(), first, [&](std::uint64_t v) { quoted(v); });
    array("explicitBounds", p.explicit_bounds(), first, [&](double v) { dbl(v); });
    exemplars(p.exemplars(), first);
    attributes("attributes", p.attributes(), first);
    u32_if("flags", p.flags(), first);
    if (p.has_min()) key("min", first), dbl(p.min());
    if (p.has_max()) key("max", first), dbl(p.max());
    out += '}';
  }
  void buckets(const char* name, const pb_m::ExponentialHistogramDataPoint::Buckets& b, bool& first) {
    key(name, first);
    bool inner = true;
    out += '{';
    i32_if("offset", b.offset(), inner);
    array("bucketCounts", b.bucket_counts(), inner, [&](std::uint64_t v) { quoted(v); });
    out += '}';
  }
  void exponential(const pb_m::ExponentialHistogramDataPoint& p) {
    bool first = true;
    out += '{';
    attributes("attributes", p.attributes(), first);
    u64_if("startTimeUnixNano", p.start_time_unix_nano(), first);
    u64_if("timeUnixNano", p.time_unix_nano(), first);
    u64_if("count", p.count(), first);
    if (p.has_sum()) key("sum", first), dbl(p.sum());
    i32_if("scale", p.scale(), first);
    u64_if("zeroCount", p.zero_count(), first);
    if (p.has_positive()) buckets("positive", p.positive(), first);
    if (p.has_negative()) buckets("negative", p.negative(), first);
    u32_if("flags", p.flags(), first);
    exemplars(p.exemplars(), first);
    if (p.has_min()) key("min", first), dbl(p.min());
    if (p.has_max()) key("max", first), dbl(p.max());
    dbl_if("zeroThreshold", p.zero_threshold(), first);
    out += '}';
  }
  void summary(const pb_m::SummaryDataPoint& p) {
    bool first = true;
    out += '{';
    u64_if("startTimeUnixNano", p.start_time_unix_nano(), first);
    u64_if("timeUnixNano", p.time_unix_nano(), first);
    u64_if("count", p.count(), first);
    dbl_if("sum", p.sum(), first);
    array("quantileValues", p.quantile_values(), first, [&](const pb_m::SummaryDataPoint::ValueAtQuantile& q) {
      bool inner = true;
      out += '{';
      dbl_if("quantile", q.quantile(), inner);
      dbl_if("value", q.value(), inner);
      out += '}';
    });
    attributes("attributes", p.attributes(), first);
    u32_if("flags", p.flags(), first);
    out += '}';
  }

  template <class Points, class F>
  void data(const char* name, const Points& points, bool& first, F&& each, std::uint32_t temporality = 0,
            bool monotonic = false) {
    key(name, first);
    bool inner = true;
    out += '{';
    array("dataPoints", points, inner, each);
    u32_if("aggregationTemporality", temporality, inner);
    if (monotonic) key("isMonotonic", inner), out += "true";
    out += '}';
  }

  void metric(const pb_m::Metric& m) {
    bool first = true;
    out += '{';
    string_if("name", m.name(), first);
    string_if("description", m.description(), first);
    string_if("unit", m.unit(), first);
    switch (m.data_case()) {
      case pb_m::Metric::kGauge:
        data("gauge", m.gauge().data_points(), first, [&](const pb_m::NumberDataPoint& p) { number(p); });
        break;
      case pb_m::Metric::kSum:
        data("sum", m.sum().data_points(), first, [&](const pb_m::NumberDataPoint& p) { number(p); },
             m.sum().aggregation_temporality(), m.sum().is_monotonic());
        break;
      case pb_m::Metric::kHistogram:
        data("histogram", m.histogram().data_points(), first, [&](const pb_m::HistogramDataPoint& p) { histogram(p); },
             m.histogram().aggregation_temporality());
        break;
      case pb_m::Metric::kExponentialHistogram:
        data("exponentialHistogram", m.exponential_histogram().data_points(), first,
             [&](const pb_m::ExponentialHistogramDataPoint& p) { exponential(p); },
             m.exponential_histogram().aggregation_temporality());
        break;
      case pb_m::Metric::kSummary:
        data("summary", m.summary().data_points(), first, [&](const pb_m::SummaryDataPoint& p) { summary(p); });
        break;
      default: break;
    }
    attributes("metadata", m.metadata(), first);
    out += '}';
  }
};

}  // namespace

pb_metrics_collector::ExportMetricsServiceRequest random_metrics(std::uint64_t seed) {
  Gen g(seed);
  pb_metrics_collector::ExportMetricsServiceRequest request;
  const auto resources = 1 + g.below(2);
  for (std::uint64_t r = 0; r < resources; ++r) {
    auto* rm = request.add_resource_metrics();
    if (g.chance(80)) g.attributes(*rm->mutable_resource()->mutable_attributes(), 3);
    if (g.chance(20)) rm->set_schema_url("https://opentelemetry.io/schemas/1.26.0");
    const auto scopes = 1 + g.below(2);
    for (std::uint64_t s = 0; s < scopes; ++s) {
      auto* sm = rm->add_scope_metrics();
      if (g.chance(80)) {
        sm->mutable_scope()->set_name(g.text());
        sm->mutable_scope()->set_version(g.chance(50) ? "1.0.0" : "");
        g.attributes(*sm->mutable_scope()->mutable_attributes(), 2);
      }
      const auto metrics = g.below(6);
      for (std::uint64_t m = 0; m < metrics; ++m) g.metric(*sm->add_metrics());
      if (g.chance(20)) sm->set_schema_url("https://example.com/scope");
    }
  }
  return request;
}

std::uint64_t data_point_count(const pb_metrics_collector::ExportMetricsServiceRequest& request) {
  std::uint64_t n = 0;
  for (const auto& rm : request.resource_metrics())
    for (const auto& sm : rm.scope_metrics())
      for (const auto& m : sm.metrics()) {
        n += static_cast<std::uint64_t>(m.gauge().data_points_size() + m.sum().data_points_size() +
                                        m.histogram().data_points_size() +
                                        m.exponential_histogram().data_points_size() + m.summary().data_points_size());
      }
  return n;
}

std::string metrics_json(const pb_metrics_collector::ExportMetricsServiceRequest& request) {
  Json j;
  bool top = true;
  j.out += '{';
  j.array("resourceMetrics", request.resource_metrics(), top, [&](const pb_m::ResourceMetrics& rm) {
    bool first = true;
    j.out += '{';
    if (rm.has_resource()) {
      j.key("resource", first);
      bool inner = true;
      j.out += '{';
      j.attributes("attributes", rm.resource().attributes(), inner);
      j.u32_if("droppedAttributesCount", rm.resource().dropped_attributes_count(), inner);
      j.out += '}';
    }
    j.array("scopeMetrics", rm.scope_metrics(), first, [&](const pb_m::ScopeMetrics& sm) {
      bool in_sm = true;
      j.out += '{';
      if (sm.has_scope()) {
        j.key("scope", in_sm);
        bool inner = true;
        j.out += '{';
        j.string_if("name", sm.scope().name(), inner);
        j.string_if("version", sm.scope().version(), inner);
        j.attributes("attributes", sm.scope().attributes(), inner);
        j.out += '}';
      }
      j.array("metrics", sm.metrics(), in_sm, [&](const pb_m::Metric& m) { j.metric(m); });
      j.string_if("schemaUrl", sm.schema_url(), in_sm);
      j.out += '}';
    });
    j.string_if("schemaUrl", rm.schema_url(), first);
    j.out += '}';
  });
  j.out += '}';
  return j.out;
}

}  // namespace otlp::testing::lite
