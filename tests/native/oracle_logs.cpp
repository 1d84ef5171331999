#include "oracle_logs.hpp"

#include <charconv>

#include "otlp/model/random.hpp"
#include "otlp/workload/workload.hpp"

namespace otlp::testing::lite {
namespace {

namespace pb_common = opentelemetry::proto::common::v1;
namespace pb_logs = opentelemetry::proto::logs::v1;

void add_string(google::protobuf::RepeatedPtrField<pb_common::KeyValue>& to, const char* key, const char* value) {
  auto* kv = to.Add();
  kv->set_key(key);
  kv->mutable_value()->set_string_value(value);
}

// ---- OTLP/JSON, written from the lite accessors -------------------------------------------------

void string(const std::string& s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
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

void hex(const std::string& bytes, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char c : bytes) {
    out += kHex[static_cast<unsigned char>(c) >> 4];
    out += kHex[static_cast<unsigned char>(c) & 15];
  }
  out += '"';
}

// A member after `first` is preceded by a comma.
void key(const char* name, bool& first, std::string& out) {
  if (!first) out += ',';
  first = false;
  out += '"';
  out += name;
  out += "\":";
}

bool value(const pb_common::AnyValue& v, std::string& out) {
  bool first = true;
  out += '{';
  switch (v.value_case()) {
    case pb_common::AnyValue::kStringValue: key("stringValue", first, out), string(v.string_value(), out); break;
    case pb_common::AnyValue::kBoolValue: key("boolValue", first, out), out += v.bool_value() ? "true" : "false"; break;
    case pb_common::AnyValue::kIntValue:
      key("intValue", first, out), out += '"' + std::to_string(v.int_value()) + '"';
      break;
    case pb_common::AnyValue::kDoubleValue: {
      char buf[32];
      const auto end = std::to_chars(buf, buf + sizeof buf, v.double_value()).ptr;
      key("doubleValue", first, out), out.append(buf, end);
      break;
    }
    case pb_common::AnyValue::VALUE_NOT_SET: break;
    default: return false;
  }
  out += '}';
  return true;
}

bool attributes(const google::protobuf::RepeatedPtrField<pb_common::KeyValue>& list, bool& first, std::string& out) {
  if (list.empty()) return true;
  key("attributes", first, out);
  out += '[';
  for (int i = 0; i < list.size(); ++i) {
    if (i) out += ',';
    out += "{\"key\":";
    string(list[i].key(), out);
    out += ",\"value\":";
    if (!value(list[i].value(), out)) return false;
    out += '}';
  }
  out += ']';
  return true;
}

void fixed64(const char* name, std::uint64_t v, bool& first, std::string& out) {
  if (v) key(name, first, out), out += '"' + std::to_string(v) + '"';
}

bool record(const pb_logs::LogRecord& r, std::string& out) {
  bool first = true;
  out += '{';
  fixed64("timeUnixNano", r.time_unix_nano(), first, out);
  if (r.severity_number()) key("severityNumber", first, out), out += std::to_string(r.severity_number());
  if (!r.severity_text().empty()) key("severityText", first, out), string(r.severity_text(), out);
  if (r.has_body()) {
    key("body", first, out);
    if (!value(r.body(), out)) return false;
  }
  if (!attributes(r.attributes(), first, out)) return false;
  if (r.dropped_attributes_count())
    key("droppedAttributesCount", first, out), out += std::to_string(r.dropped_attributes_count());
  if (r.flags()) key("flags", first, out), out += std::to_string(r.flags());
  if (!r.trace_id().empty()) key("traceId", first, out), hex(r.trace_id(), out);
  if (!r.span_id().empty()) key("spanId", first, out), hex(r.span_id(), out);
  fixed64("observedTimeUnixNano", r.observed_time_unix_nano(), first, out);
  if (!r.event_name().empty()) key("eventName", first, out), string(r.event_name(), out);
  out += '}';
  return true;
}

}  // namespace

pb_logs_collector::ExportLogsServiceRequest standard_logs(std::uint64_t count, std::uint64_t seed) {
  pb_logs_collector::ExportLogsServiceRequest request;
  auto* rl = request.add_resource_logs();
  auto& resource = *rl->mutable_resource()->mutable_attributes();
  add_string(resource, "service.name", "checkout");
  add_string(resource, "service.version", "1.4.2");
  add_string(resource, "host.name", "web-7f9c");
  add_string(resource, "telemetry.sdk.language", "cpp");
  add_string(resource, "telemetry.sdk.name", "otlp-portable");
  auto* sl = rl->add_scope_logs();
  sl->mutable_scope()->set_name("bench");
  sl->mutable_scope()->set_version("1.0.0");
  Random rng(seed);
  workload::StandardLogRecord ids;  // only its span context is read: the ids the seed gives
  for (std::uint64_t i = 0; i < count; ++i) {
    const SpanContext& context = *ids.at(rng, i).context;
    const bool error = i % 10 == 9;
    auto* r = sl->add_log_records();
    r->set_time_unix_nano(workload::kBaseTimeUnixNano + i * 1'000'000 + 500'000);  // span start + 0.5 ms
    r->set_observed_time_unix_nano(r->time_unix_nano() + 200'000);
    r->set_severity_number(error ? pb_logs::SEVERITY_NUMBER_ERROR : pb_logs::SEVERITY_NUMBER_INFO);
    r->set_severity_text(error ? "ERROR" : "INFO");
    r->mutable_body()->set_string_value("GET /api/orders/12345 200 1.5ms");
    add_string(*r->mutable_attributes(), "http.request.method", "GET");
    add_string(*r->mutable_attributes(), "url.path", "/api/orders/12345");
    auto* status = r->add_attributes();
    status->set_key("http.response.status_code");
    status->mutable_value()->set_int_value(200);
    auto* duration = r->add_attributes();
    duration->set_key("app.duration_ms");
    duration->mutable_value()->set_double_value(1.5);
    r->set_flags(context.trace_flags);
    r->set_trace_id(std::string(reinterpret_cast<const char*>(context.trace_id.bytes.data()), 16));
    r->set_span_id(std::string(reinterpret_cast<const char*>(context.span_id.bytes.data()), 8));
  }
  return request;
}

std::optional<std::string> logs_json(const pb_logs_collector::ExportLogsServiceRequest& request) {
  std::string out = "{\"resourceLogs\":[";
  for (int i = 0; i < request.resource_logs_size(); ++i) {
    const auto& rl = request.resource_logs(i);
    if (i) out += ',';
    bool first = true;
    out += '{';
    if (rl.has_resource()) {
      key("resource", first, out);
      bool inner = true;
      out += '{';
      if (!attributes(rl.resource().attributes(), inner, out)) return std::nullopt;
      out += '}';
    }
    key("scopeLogs", first, out);
    out += '[';
    for (int j = 0; j < rl.scope_logs_size(); ++j) {
      const auto& sl = rl.scope_logs(j);
      if (j) out += ',';
      bool in_scope_logs = true;
      out += '{';
      if (sl.has_scope()) {
        key("scope", in_scope_logs, out);
        bool in_scope = true;
        out += '{';
        if (!sl.scope().name().empty()) key("name", in_scope, out), string(sl.scope().name(), out);
        if (!sl.scope().version().empty()) key("version", in_scope, out), string(sl.scope().version(), out);
        out += '}';
      }
      key("logRecords", in_scope_logs, out);
      out += '[';
      for (int k = 0; k < sl.log_records_size(); ++k) {
        if (k) out += ',';
        if (!record(sl.log_records(k), out)) return std::nullopt;
      }
      out += "]}";
    }
    out += "]}";
  }
  out += "]}";
  return out;
}

}  // namespace otlp::testing::lite
