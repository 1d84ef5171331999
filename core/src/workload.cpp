#include "otlp/workload.hpp"

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
  s.trace_id = random_id<TraceId>(rng);
  s.span_id = random_id<SpanId>(rng);
  s.parent_span_id = random_id<SpanId>(rng);
  s.name = "GET /api/orders/{id}";
  s.kind = SpanKind::server;
  s.start_time_unix_nano = kBaseTimeUnixNano + index * 1'000'000;
  s.end_time_unix_nano = s.start_time_unix_nano + 1'500'000;
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
  ev.time_unix_nano = s.start_time_unix_nano + 500'000;
  ev.name = "cache.miss";
  ev.attributes = {{"cache.key", "orders:12345"}};
  s.events.push_back(std::move(ev));
  Link link;
  link.trace_id = random_id<TraceId>(rng);
  link.span_id = random_id<SpanId>(rng);
  s.links.push_back(std::move(link));
  if (index % 10 == 9) s.status = Status{StatusCode::error, "upstream timeout"};
  s.flags = kFlagSampled;
  return s;
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

}  // namespace otlp::workload
