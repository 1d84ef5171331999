#include "support/random_request.hpp"

#include <limits>
#include <string>

#include "otlp/logs/logs.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/model/random.hpp"
#include "otlp/workload/workload.hpp"

namespace otlp::testing {
namespace {

class Gen {
 public:
  Gen(std::uint64_t seed, const RandomRequestOptions& o) : rng_(seed), opt_(o) {}

  std::uint64_t below(std::uint64_t n) { return rng_.below(n); }
  bool chance(std::uint64_t one_in) { return rng_.below(one_in) == 0; }

  template <class IdT>
  IdT id(bool allow_empty) {
    IdT out;
    if (allow_empty && chance(8)) return out;  // all-zero: encoded as an absent field
    do {
      for (auto& b : out.bytes) b = static_cast<std::uint8_t>(rng_.next());
    } while (!out.valid());
    return out;
  }

  std::string text(std::size_t max_len) {
    static const char* const pieces[] = {
        "a", "Z", "0", " ", "-", "_", ".", "/", "{", "}", "=", ",",
        "\"", "\\", "\n", "\t", "\r", "\x01", "\x1f", "\x7f", "</script>", "&",
        "\xc3\xa9",             // é
        "\xe4\xb8\xad\xe6\x96\x87",  // 中文
        "\xf0\x9f\x99\x82",     // 🙂
        "\xe2\x80\xa8",         // U+2028 line separator
        "\xef\xbf\xbd",         // U+FFFD
        "service.name", "GET /api/orders/{id}"};
    constexpr std::size_t n_pieces = sizeof pieces / sizeof pieces[0];
    std::string s;
    std::size_t len = below(max_len + 1);
    while (s.size() < len) s += pieces[below(n_pieces)];
    return s;
  }

  std::string bytes(std::size_t max_len) {
    std::string s(below(max_len + 1), '\0');
    for (auto& c : s) c = static_cast<char>(rng_.next());
    return s;
  }

  std::uint64_t u64() {
    switch (below(6)) {
      case 0: return 0;
      case 1: return std::numeric_limits<std::uint64_t>::max();
      case 2: return below(128);
      default: return rng_.next();
    }
  }

  std::uint32_t u32() {
    switch (below(5)) {
      case 0: return 0;
      case 1: return std::numeric_limits<std::uint32_t>::max();
      case 2: return static_cast<std::uint32_t>(below(300));
      default: return static_cast<std::uint32_t>(rng_.next());
    }
  }

  std::int64_t i64() {
    switch (below(7)) {
      case 0: return 0;
      case 1: return std::numeric_limits<std::int64_t>::max();
      case 2: return std::numeric_limits<std::int64_t>::min();
      case 3: return -1;
      case 4: return static_cast<std::int64_t>(below(1000)) - 500;
      default: return static_cast<std::int64_t>(rng_.next());
    }
  }

  double dbl() {
    switch (below(10)) {
      case 0: return 0.0;
      case 1: return -0.0;
      case 2: return std::numeric_limits<double>::quiet_NaN();
      case 3: return std::numeric_limits<double>::infinity();
      case 4: return -std::numeric_limits<double>::infinity();
      case 5: return std::numeric_limits<double>::max();
      case 6: return std::numeric_limits<double>::denorm_min();
      case 7: return 1.5;
      default: {
        // A finite double from random bits (exponent kept below all-ones).
        std::uint64_t bits = rng_.next() & ~(std::uint64_t{1} << 62);
        double d;
        static_assert(sizeof d == sizeof bits);
        __builtin_memcpy(&d, &bits, sizeof d);
        return d;
      }
    }
  }

  AnyValue value(std::uint32_t depth) {
    std::uint64_t kinds = depth < opt_.max_nesting ? 8 : 6;
    switch (below(kinds)) {
      case 0: return AnyValue{};
      case 1: return AnyValue(text(40));
      case 2: return AnyValue(chance(2));
      case 3: return AnyValue(static_cast<long long>(i64()));
      case 4: return AnyValue(dbl());
      case 5: return AnyValue::bytes(bytes(24));
      case 6: {
        std::vector<AnyValue> items(below(4));
        for (auto& v : items) v = value(depth + 1);
        return AnyValue::array_of(std::move(items));
      }
      default: return AnyValue::kvlist_of(attributes(depth + 1, 4));
    }
  }

  Attributes attributes(std::uint32_t depth, std::uint64_t max_count) {
    Attributes out(below(max_count + 1));
    for (auto& kv : out) {
      kv.key = text(24);
      kv.value = value(depth);
    }
    return out;
  }

  RandomLogRecord log_record() {
    RandomLogRecord r;
    if (!chance(5)) r.time_unix_nano = u64();
    r.observed_time_unix_nano = u64() | 1;  // never 0, which would read the clock
    r.severity = static_cast<std::uint8_t>(below(26));
    if (chance(2)) r.severity_text = text(8);
    r.has_body = !chance(6);
    if (r.has_body) r.body = value(0);
    r.attributes = attributes(0, 6);
    if (chance(4) && !r.attributes.empty()) r.attributes.push_back({r.attributes[0].key, value(0)});
    if (chance(3)) r.event_name = text(16);
    if (!chance(4)) {
      r.context.trace_id = id<TraceId>(false);
      r.context.span_id = id<SpanId>(chance(8));
      r.context.trace_flags = static_cast<std::uint8_t>(below(256));
    }
    return r;
  }

  SpanData span() {
    SpanData s;
    s.trace_id = id<TraceId>(chance(50));
    s.span_id = id<SpanId>(chance(50));
    s.parent_span_id = id<SpanId>(true);
    if (chance(3)) s.trace_state = text(30);
    s.name = text(40);
    s.kind = static_cast<SpanKind>(below(6));
    s.start_time_unix_nano = u64();
    s.end_time_unix_nano = u64();
    s.attributes = attributes(0, 10);
    if (chance(4)) s.dropped_attributes_count = u32();
    for (auto n = below(4); n > 0; --n) {
      Event e;
      e.time_unix_nano = u64();
      e.name = text(20);
      e.attributes = attributes(0, 3);
      if (chance(4)) e.dropped_attributes_count = u32();
      s.events.push_back(std::move(e));
    }
    if (chance(4)) s.dropped_events_count = u32();
    for (auto n = below(3); n > 0; --n) {
      Link l;
      l.trace_id = id<TraceId>(true);
      l.span_id = id<SpanId>(true);
      if (chance(3)) l.trace_state = text(30);
      l.attributes = attributes(0, 2);
      if (chance(4)) l.dropped_attributes_count = u32();
      if (chance(2)) l.flags = u32();
      s.links.push_back(std::move(l));
    }
    if (chance(4)) s.dropped_links_count = u32();
    s.status.code = static_cast<StatusCode>(below(3));
    if (chance(3)) s.status.message = text(30);
    if (!chance(4)) s.flags = chance(2) ? u32() : static_cast<std::uint32_t>(kFlagSampled | kFlagHasIsRemote);
    return s;
  }

 private:
  Random rng_;
  RandomRequestOptions opt_;
};

}  // namespace

TraceRequest random_request(std::uint64_t seed, const RandomRequestOptions& options) {
  Gen g(seed, options);
  TraceRequest req;
  const std::uint32_t groups = options.resources * options.scopes_per_resource;
  std::uint32_t made = 0;
  for (std::uint32_t r = 0; r < options.resources; ++r) {
    auto& rs = req.resource_spans.emplace_back();
    rs.resource.attributes = g.attributes(0, 6);
    if (r == 0) rs.resource.attributes.push_back({"service.name", "random-\xe2\x9c\x93"});
    if (g.chance(3)) rs.resource.dropped_attributes_count = g.u32();
    if (g.chance(2)) rs.schema_url = "https://opentelemetry.io/schemas/1.26.0";
    for (std::uint32_t s = 0; s < options.scopes_per_resource; ++s) {
      auto& ss = rs.scope_spans.emplace_back();
      ss.scope.name = g.text(20);
      if (g.chance(2)) ss.scope.version = g.text(8);
      ss.scope.attributes = g.attributes(0, 2);
      if (g.chance(4)) ss.scope.dropped_attributes_count = g.u32();
      if (g.chance(3)) ss.schema_url = g.text(30);
      const std::uint32_t group = r * options.scopes_per_resource + s;
      const std::uint32_t target = options.spans * (group + 1) / groups;
      for (; made < target; ++made) ss.spans.push_back(g.span());
    }
  }
  if (options.huge_values && options.spans > 0) {
    for (auto& ss : req.resource_spans[0].scope_spans)
      if (!ss.spans.empty()) {
        ss.spans[0].attributes.push_back({"huge.string", std::string(100 * 1024, 'x') + "\xf0\x9f\x99\x82"});
        ss.spans[0].attributes.push_back({"huge.bytes", AnyValue::bytes(g.bytes(100 * 1024))});
        break;
      }
  }
  return req;
}

std::vector<RandomLogRecord> random_log_records(std::uint64_t seed, std::size_t n) {
  Gen g(seed, {});
  std::vector<RandomLogRecord> out(n);
  for (auto& r : out) r = g.log_record();
  return out;
}

std::size_t span_count(const TraceRequest& request) {
  std::size_t n = 0;
  for (const auto& rs : request.resource_spans)
    for (const auto& ss : rs.scope_spans) n += ss.spans.size();
  return n;
}

BorrowedLogRecord::BorrowedLogRecord(const RandomLogRecord& r) : body(r.body) {
  for (const KeyValue& kv : r.attributes) attributes.push_back({kv.key, AttributeValue(kv.value)});
  record.time_unix_nano = r.time_unix_nano;
  record.observed_time_unix_nano = r.observed_time_unix_nano;
  record.severity = r.severity;
  record.severity_text = r.severity_text;
  record.body = r.has_body ? &body : nullptr;
  record.attributes = attributes.data();
  record.attribute_count = attributes.size();
  record.event_name = r.event_name;
  record.context = &r.context;
}

std::string logs_request(const std::vector<RandomLogRecord>& records, const Resource& resource,
                         const InstrumentationScope& scope) {
  LogRecordLimits limits;
  limits.attribute_count = kNoLimit;
  std::string items;
  for (const RandomLogRecord& r : records) encode_log_record_field(BorrowedLogRecord(r).record, items, limits);
  std::string out;
  encode_trace_request(resource, scope, items, out);  // the envelope of every signal
  return out;
}

std::string standard_logs_request(std::uint64_t count, std::uint64_t seed) {
  Random rng(seed);
  workload::StandardLogRecord standard;
  std::string items;
  for (std::uint64_t i = 0; i < count; ++i) encode_log_record_field(standard.at(rng, i), items);
  std::string out;
  encode_trace_request(workload::standard_resource(), workload::standard_scope(), items, out);
  return out;
}

}  // namespace otlp::testing
