#include "otlp/logs/logs.hpp"

#include <cstring>

#include "record/attribute_writer.hpp"
#include "record/hand_over.hpp"
#include "record/per_thread.hpp"
#include "wire/proto_wire.hpp"

namespace otlp {
namespace {

using detail::kFixed32;
using detail::kFixed64;
using detail::kLen;
using detail::kVarint;
using detail::tag;
using detail::Writer;

// LogRecord field numbers (logs/v1/logs.proto), and its place in ScopeLogs.
enum LogRecordField : std::uint32_t {
  kTime = 1,
  kSeverityNumber = 2,
  kSeverityText = 3,
  kBody = 5,
  kAttributes = 6,
  kDroppedAttributes = 7,
  kFlags = 8,
  kTraceId = 9,
  kSpanId = 10,
  kObservedTime = 11,
  kEventName = 12,
};
constexpr std::uint32_t kScopeLogsRecords = 2;

std::uint64_t next_serial() {
  static std::atomic<std::uint64_t> serial{1};
  return serial.fetch_add(1, std::memory_order_relaxed);
}

void write_body(Writer& w, const AttributeValue& v) {
  switch (v.kind()) {
    case AttributeValue::Kind::string: {
      const std::string_view s = v.str();
      w.ensure(22 + s.size());
      w.raw_tag(tag(kBody, kLen));
      w.raw_varint(1 + detail::varint_size(s.size()) + s.size());
      w.raw_tag(tag(1, kLen));
      w.raw_varint(s.size());
      w.raw_bytes(s.data(), s.size());
      return;
    }
    case AttributeValue::Kind::boolean: return detail::write_any_value(w, kBody, AnyValue(v.int_value() != 0));
    case AttributeValue::Kind::int64: return detail::write_any_value(w, kBody, AnyValue(v.int_value()));
    case AttributeValue::Kind::dbl: return detail::write_any_value(w, kBody, AnyValue(v.double_value()));
    case AttributeValue::Kind::any: return detail::write_any_value(w, kBody, v.any());
  }
}

// Writes the record as one ScopeLogs.log_records field, fields in number order.
void encode(Writer& w, const LogRecord& r, std::uint64_t observed, const LogRecordLimits& limits) {
  auto m = w.open(kScopeLogsRecords, 2);
  w.fixed64_field(kTime, r.time_unix_nano);
  w.varint_field(kSeverityNumber, r.severity <= kMaxSeverity ? r.severity : 0);
  w.string_field(kSeverityText, r.severity_text);
  if (r.body) write_body(w, *r.body);
  const std::uint32_t dropped = detail::write_attribute_list(w, kAttributes, r.attributes, r.attribute_count,
                                                            limits.attribute_count, limits.attribute_value_length);
  w.varint_field(kDroppedAttributes, dropped);
  if (r.context && r.context->valid()) {
    w.fixed32_field(kFlags, r.context->trace_flags);
    w.id_field(kTraceId, r.context->trace_id);
    w.id_field(kSpanId, r.context->span_id);
  }
  w.fixed64_field(kObservedTime, observed);
  w.string_field(kEventName, r.event_name);
  w.close(m);
}

// The calling thread's buffer and counters for a provider.
struct Local {
  std::uint64_t provider = 0;
  std::string buf;
  Pipeline::SpanCounters* counters = nullptr;
};

}  // namespace

void encode_log_record_field(const LogRecord& record, std::string& out, const LogRecordLimits& limits) {
  Writer w(out, Writer::Growth::exact);
  encode(w, record, record.observed_time_unix_nano, limits);
}

LoggerProvider::LoggerProvider(Pipeline& pipeline, Clock& clock, LoggerConfig config)
    : pipeline_(pipeline), clock_(clock), config_(std::move(config)), serial_(next_serial()) {}

Logger LoggerProvider::logger(std::string_view scope_name, std::string_view scope_version, std::uint8_t min_severity) {
  InstrumentationScope scope;
  scope.name = std::string(scope_name);
  scope.version = std::string(scope_version);
  const std::uint8_t floor = min_severity > config_.min_severity ? min_severity : config_.min_severity;
  return Logger(*this, pipeline_.add_scope(std::move(scope)), floor);
}

void LoggerProvider::emit(std::uint16_t scope, const LogRecord& record) {
  Local& l = detail::per_thread<Local>(serial_, [this](Local& fresh) { fresh.counters = &pipeline_.claim_counters(); });
  Pipeline::SpanCounters& counters = *l.counters;
  counters.bump(counters.ended);
  const std::uint64_t observed = record.observed_time_unix_nano ? record.observed_time_unix_nano : clock_.now_unix_nano();
  std::size_t len = 0;
  {
    Writer w(l.buf, len);
    encode(w, record, observed, config_.limits);
  }
  detail::hand_over(pipeline_, scope, l.buf, len, counters, config_.wait_for_room, config_.on_batch_ready);
}

}  // namespace otlp
