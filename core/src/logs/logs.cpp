#include "otlp/logs/logs.hpp"

#include <cstring>

#include "record/attribute_writer.hpp"
#include "record/hand_over.hpp"
#include "record/per_thread.hpp"
#include "wire/otlp_fields.hpp"
#include "wire/proto_wire.hpp"

namespace otlp {
namespace {

namespace log_record = detail::field::log_record;
using detail::kLen;
using detail::tag;
using detail::Writer;

std::uint64_t next_serial() {
  static std::atomic<std::uint64_t> serial{1};
  return serial.fetch_add(1, std::memory_order_relaxed);
}

void write_body(Writer& w, const AttributeValue& v) {
  switch (v.kind()) {
    case AttributeValue::Kind::string: {
      const std::string_view s = v.str();
      w.ensure(22 + s.size());
      w.raw_tag(tag(log_record::body, kLen));
      w.raw_varint(1 + detail::varint_size(s.size()) + s.size());
      w.raw_tag(tag(detail::field::any_value::string_value, kLen));
      w.raw_varint(s.size());
      w.raw_bytes(s.data(), s.size());
      return;
    }
    case AttributeValue::Kind::boolean: return detail::write_any_value(w, log_record::body, AnyValue(v.int_value() != 0));
    case AttributeValue::Kind::int64: return detail::write_any_value(w, log_record::body, AnyValue(v.int_value()));
    case AttributeValue::Kind::dbl: return detail::write_any_value(w, log_record::body, AnyValue(v.double_value()));
    case AttributeValue::Kind::any: return detail::write_any_value(w, log_record::body, v.any());
  }
}

// Writes the record as one ScopeLogs.log_records field, fields in number order.
void encode(Writer& w, const LogRecord& r, std::uint64_t observed, const LogRecordLimits& limits) {
  auto m = w.open(detail::field::scope_logs::log_records, 2);
  w.fixed64_field(log_record::time_unix_nano, r.time_unix_nano);
  w.varint_field(log_record::severity_number, r.severity <= kMaxSeverity ? r.severity : 0);
  w.string_field(log_record::severity_text, r.severity_text);
  if (r.body) write_body(w, *r.body);
  const std::uint32_t dropped = detail::write_attribute_list(w, log_record::attributes, r.attributes, r.attribute_count,
                                                            limits.attribute_count, limits.attribute_value_length);
  w.varint_field(log_record::dropped_attributes_count, dropped);
  if (r.context && r.context->valid()) {
    w.fixed32_field(log_record::flags, r.context->trace_flags);
    w.id_field(log_record::trace_id, r.context->trace_id);
    w.id_field(log_record::span_id, r.context->span_id);
  }
  w.fixed64_field(log_record::observed_time_unix_nano, observed);
  w.string_field(log_record::event_name, r.event_name);
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
