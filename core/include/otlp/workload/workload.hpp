// The standard span of shared/WORKLOAD.md, used by benchmarks, `otlp encode`/`send` and demos.
#pragma once
#include <cstdint>

#include "otlp/logs/logs.hpp"
#include "otlp/model/random.hpp"
#include "otlp/model/span.hpp"
#include "otlp/trace/tracer.hpp"

namespace otlp::workload {

inline constexpr std::uint64_t kBaseTimeUnixNano = 1'700'000'000'000'000'000ULL;

Resource standard_resource();
InstrumentationScope standard_scope();

// The index-th standard span: ids drawn from `rng` (never all-zero); times are fixed offsets
// from kBaseTimeUnixNano; every 10th span (index % 10 == 9) has status ERROR "upstream timeout".
SpanData standard_span(Random& rng, std::uint64_t index);
// Turns a span that standard_span made into the index-th standard span, drawing its ids from
// `rng` as standard_span would: a stream of spans without building each one anew.
void restamp_standard_span(SpanData& span, Random& rng, std::uint64_t index);

// Records the standard span's 8 attributes on a live span (the tracer-API side of
// standard_span, for the span benchmarks and the load generator). Inline, as an application's
// own calls would be: on a span that records nothing it is eight inline checks.
inline Span& set_standard_attributes(Span& span) {
  return span.set_attribute("http.request.method", "GET")
      .set_attribute("url.path", "/api/orders/12345")
      .set_attribute("http.response.status_code", 200)
      .set_attribute("server.address", "shop.example.com")
      .set_attribute("network.protocol.version", "1.1")
      .set_attribute("user_agent.original",
                     "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36")
      .set_attribute("app.duration_ms", 1.5)
      .set_attribute("app.cache_hit", false);
}

// The bytes encode_span_field writes for the standard spans 0..count-1, whatever the seed: what
// a streamed request needs to know before its first span.
std::size_t standard_spans_bytes(std::uint64_t count);

// One request of `count` standard spans under the standard resource and scope.
TraceRequest standard_request(std::uint64_t count, std::uint64_t seed);

// The standard log record of shared/WORKLOAD.md (under the standard resource and scope): one
// record object restamped per index, so that a stream of them builds nothing anew.
class StandardLogRecord {
 public:
  StandardLogRecord();
  StandardLogRecord(const StandardLogRecord&) = delete;
  StandardLogRecord& operator=(const StandardLogRecord&) = delete;
  // The index-th record: times from the index-th standard span's start, ERROR on every 10th
  // (index % 10 == 9), trace and span id drawn from `rng` as a standard span draws its own.
  // It borrows from this object, and holds until the next call.
  const LogRecord& at(Random& rng, std::uint64_t index);

 private:
  AttributeValue body_;
  Attribute attributes_[4];
  SpanContext context_;
  LogRecord record_;
};

// The bytes encode_log_record_field writes for the standard log records 0..count-1, whatever
// the seed (as standard_spans_bytes for spans).
std::size_t standard_log_records_bytes(std::uint64_t count);

}  // namespace otlp::workload
