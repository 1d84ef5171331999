#include "otlp/workload/workload.hpp"

#include "otlp/wire/proto_writer.hpp"

#include <iterator>

namespace otlp::workload {
namespace {

template <class IdT>
IdT random_id(Random& rng) {
  IdT id;
  do {
    for (std::size_t i = 0; i < IdT::size; i += 8) {
      std::uint64_t word = rng.next();
      for (std::size_t j = 0; j < 8 && i + j < IdT::size; ++j) id.bytes[i + j] = static_cast<std::uint8_t>(word >> (8 * j));
    }
  } while (!id.valid());
  return id;
}

}  // namespace

Resource standard_resource() {
  Resource r;
  r.attributes = {{"service.name", "checkout"},
                  {"service.version", "1.4.2"},
                  {"host.name", "web-7f9c"},
                  {"telemetry.sdk.language", "cpp"},
                  {"telemetry.sdk.name", "otlp-portable"}};
  return r;
}

InstrumentationScope standard_scope() {
  InstrumentationScope s;
  s.name = "bench";
  s.version = "1.0.0";
  return s;
}

SpanData standard_span(Random& rng, std::uint64_t index) {
  SpanData s;
  s.name = "GET /api/orders/{id}";
  s.kind = SpanKind::server;
  s.attributes = {{"http.request.method", "GET"},
                  {"url.path", "/api/orders/12345"},
                  {"http.response.status_code", 200},
                  {"server.address", "shop.example.com"},
                  {"network.protocol.version", "1.1"},
                  {"user_agent.original",
                   "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"},
                  {"app.duration_ms", 1.5},
                  {"app.cache_hit", false}};
  Event ev;
  ev.name = "cache.miss";
  ev.attributes = {{"cache.key", "orders:12345"}};
  s.events.push_back(std::move(ev));
  s.links.emplace_back();
  s.flags = kFlagSampled;
  restamp_standard_span(s, rng, index);
  return s;
}

void restamp_standard_span(SpanData& s, Random& rng, std::uint64_t index) {
  s.trace_id = random_id<TraceId>(rng);
  s.span_id = random_id<SpanId>(rng);
  s.parent_span_id = random_id<SpanId>(rng);
  s.start_time_unix_nano = kBaseTimeUnixNano + index * 1'000'000;
  s.end_time_unix_nano = s.start_time_unix_nano + 1'500'000;
  s.events[0].time_unix_nano = s.start_time_unix_nano + 500'000;
  s.links[0].trace_id = random_id<TraceId>(rng);
  s.links[0].span_id = random_id<SpanId>(rng);
  const bool error = index % 10 == 9;
  s.status.code = error ? StatusCode::error : StatusCode::unset;
  s.status.message = error ? "upstream timeout" : "";
}

std::size_t standard_spans_bytes(std::uint64_t count) {
  // Span to span only ids (fixed 16 and 8 bytes, never all-zero so never left out), fixed64
  // times and the status change; so two spans, one of each status, give every size.
  Random rng(1);
  std::string ok, error;
  encode_span_field(standard_span(rng, 0), ok);
  encode_span_field(standard_span(rng, 9), error);
  const std::uint64_t errors = count / 10;
  return static_cast<std::size_t>((count - errors) * ok.size() + errors * error.size());
}

TraceRequest standard_request(std::uint64_t count, std::uint64_t seed) {
  Random rng(seed);
  TraceRequest req;
  auto& rs = req.resource_spans.emplace_back();
  rs.resource = standard_resource();
  auto& ss = rs.scope_spans.emplace_back();
  ss.scope = standard_scope();
  ss.spans.reserve(static_cast<std::size_t>(count));
  for (std::uint64_t i = 0; i < count; ++i) ss.spans.push_back(standard_span(rng, i));
  return req;
}

StandardLogRecord::StandardLogRecord()
    : body_("GET /api/orders/12345 200 1.5ms"),
      attributes_{{"http.request.method", "GET"},
                  {"url.path", "/api/orders/12345"},
                  {"http.response.status_code", 200},
                  {"app.duration_ms", 1.5}} {
  context_.trace_flags = kFlagSampled;
  record_.body = &body_;
  record_.attributes = attributes_;
  record_.attribute_count = std::size(attributes_);
  record_.context = &context_;
}

const LogRecord& StandardLogRecord::at(Random& rng, std::uint64_t index) {
  context_.trace_id = random_id<TraceId>(rng);
  context_.span_id = random_id<SpanId>(rng);
  record_.time_unix_nano = kBaseTimeUnixNano + index * 1'000'000 + 500'000;
  record_.observed_time_unix_nano = record_.time_unix_nano + 200'000;
  const bool error = index % 10 == 9;
  record_.severity = static_cast<std::uint8_t>(error ? Severity::error : Severity::info);
  record_.severity_text = error ? "ERROR" : "INFO";
  return record_;
}

std::size_t standard_log_records_bytes(std::uint64_t count) {
  // Record to record only ids (fixed sizes, never all-zero), fixed64 times and the severity
  // change; so two records, one of each severity, give every size.
  Random rng(1);
  StandardLogRecord r;
  std::string info, error;
  encode_log_record_field(r.at(rng, 0), info);
  encode_log_record_field(r.at(rng, 9), error);
  const std::uint64_t errors = count / 10;
  return static_cast<std::size_t>((count - errors) * info.size() + errors * error.size());
}

}  // namespace otlp::workload
