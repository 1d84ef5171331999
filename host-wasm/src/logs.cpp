// The logs calls of the C ABI: loggers and records. A record's attributes are a list as a
// span's are (the same tape and reader); its body is an any, which may nest.
#include "host.hpp"

using namespace otlp_wasm;

namespace {

std::vector<otlp::Attribute> attrs;  // the record's attributes
std::vector<otlp::AnyValue> arrays;  // and their array values
otlp::AnyValue body;                 // the record's body, when it is an array or a kvlist

// Bounds the nesting of arrays and kvlists a body is read to; otlp.mjs writes deeper values as
// empty ones. A record's body sits at message depth 4 of a request and each kvlist level adds 3,
// so 8 levels stay within the depth of 32 that decoders (core's, the JSON transcoder) accept.
constexpr int kMaxDepth = 8;

// An any whose type byte (`type`) has been read.
otlp::AnyValue read_any(Tape& tape, uint32_t type, int depth) {
  if (type == 0) return {};
  if (type < 6) return any_of(tape.scalar(type));
  if (type > 7 || depth == kMaxDepth) return tape.fail(), otlp::AnyValue();
  const uint32_t n = tape.u32();
  if (n > tape.left()) return tape.fail(), otlp::AnyValue();  // each entry takes a byte at least
  otlp::AnyValue v;
  if (type == 6) {
    v = otlp::AnyValue::array_of({});
    v.array.resize(n);
    for (auto& e : v.array) e = read_any(tape, tape.u8(), depth + 1);
  } else {
    v = otlp::AnyValue::kvlist_of({});
    v.kvlist.resize(n);
    for (auto& kv : v.kvlist) {
      kv.key = tape.str();
      kv.value = read_any(tape, tape.u8(), depth + 1);
    }
  }
  return v;
}

otlp::Logger* logger_of(uint32_t handle) {
  return host && handle < host->loggers.size() ? &host->loggers[handle] : nullptr;
}

// A severity from JS (any number): 1..24 as it is, anything else 0 (unspecified).
std::uint8_t severity_of(double s) {
  return s >= 1 && s <= otlp::kMaxSeverity && s == static_cast<double>(static_cast<std::uint8_t>(s))
             ? static_cast<std::uint8_t>(s)
             : 0;
}

}  // namespace

// A logger for a scope. The tape: name, version (strs). Returns its handle.
OTLP_API uint32_t otlp_logger(uint32_t min_severity, const char* tape_at, uint32_t tape_len) {
  if (!host) return UINT32_MAX;
  Tape tape(tape_at, tape_len);
  const std::string_view name = tape.str(), version = tape.str();
  host->loggers.push_back(host->logger_provider.logger(name, version, static_cast<std::uint8_t>(min_severity)));
  return static_cast<uint32_t>(host->loggers.size() - 1);
}

OTLP_API int otlp_enabled(uint32_t handle, double severity) {
  const otlp::Logger* l = logger_of(handle);
  return l && l->enabled(severity_of(severity));
}

// Emits a record; a severity that is not 1..24 is written as 0 (unspecified). The tape: severity
// text, event name (strs), the body (an any), the attributes (a list), and the span context
// when `context` is 1. Returns 1 when a full batch is waiting to be sent.
OTLP_API int otlp_emit(uint32_t handle, double severity, double time_ms, double time_ns, double observed_ms,
                       double observed_ns, int context, const char* tape_at, uint32_t tape_len) {
  otlp::Logger* l = logger_of(handle);
  otlp::LogRecord r;
  r.severity = severity_of(severity);
  if (!l || !l->enabled(r.severity)) return 0;
  Tape tape(tape_at, tape_len);
  r.severity_text = tape.str();
  r.event_name = tape.str();
  // A scalar body is read as an attribute value is, pointing into the tape; only arrays and
  // kvlists are built.
  const uint32_t type = tape.u8();
  otlp::AttributeValue value(false);
  if (type >= 1 && type <= 4) {
    value = tape.scalar(type);
  } else if (type) {
    body = read_any(tape, type, 0);
    value = otlp::AttributeValue(body);
  }
  if (type) r.body = &value;
  read_list(tape, attrs, arrays);
  r.attributes = attrs.data();
  r.attribute_count = attrs.size();
  otlp::SpanContext span_context;
  if (context) {
    span_context = tape.context();
    r.context = &span_context;
  }
  r.time_unix_nano = app_time(time_ms, time_ns);
  r.observed_time_unix_nano = app_time(observed_ms, observed_ns);
  if (!tape.ok()) return 0;
  l->emit(r);
  const bool ready = host->batch_ready;
  host->batch_ready = false;
  return ready;
}
