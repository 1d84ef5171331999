// The span calls of the C ABI: every span from JS goes through these, so this file is built
// for speed (see CMakeLists.txt); each call reads its tape in one pass and hands the values
// straight to the core's Span, which encodes them as it goes.
#include "host.hpp"

namespace otlp_wasm {

otlp::AnyValue any_of(const otlp::AttributeValue& v) {
  switch (v.kind()) {
    case otlp::AttributeValue::Kind::string: return otlp::AnyValue(v.str());
    case otlp::AttributeValue::Kind::boolean: return otlp::AnyValue(v.int_value() != 0);
    case otlp::AttributeValue::Kind::int64: return otlp::AnyValue(static_cast<long long>(v.int_value()));
    case otlp::AttributeValue::Kind::dbl: return otlp::AnyValue(v.double_value());
    case otlp::AttributeValue::Kind::any: return v.any();
  }
  return {};
}

namespace {

otlp::AnyValue array_value;  // an array attribute's value while it is set

// Sets a list's attributes on `span` one by one, as they are read.
void set_list(Tape& tape, otlp::Span& span) {
  const uint32_t n = tape.u32();
  tape.u32();
  for (uint32_t i = 0; i < n && tape.ok(); ++i) {
    const uint32_t type = tape.u8();
    const std::string_view key = tape.key();
    const otlp::AttributeValue value = tape.value(type, array_value);
    if (tape.ok()) span.set_attribute(key, value);
  }
}

std::vector<otlp::Attribute> attrs;  // a list read for an event or a link
std::vector<otlp::AnyValue> arrays;  // and its array values

otlp::Span* span_of(uint32_t handle) {
  if (!host || handle == 0 || handle >= host->spans.size()) return nullptr;
  otlp::Span& s = host->spans[handle];
  return s.is_recording() ? &s : nullptr;
}

void add_link(Tape& tape, otlp::Span& span) {
  const otlp::SpanContext context = tape.context();
  read_list(tape, attrs, arrays);
  if (tape.ok()) span.add_link(context, attrs.data(), attrs.size());
}

std::string_view view(const char* p, uint32_t n) { return {p, n}; }

}  // namespace

otlp::AttributeValue Tape::value(uint32_t type, otlp::AnyValue& array) {
  if (type != 5) return scalar(type);
  const uint32_t elem = u8(), count = u32();
  if (elem < 1 || elem > 4 || count > static_cast<std::size_t>(end_ - p_)) {  // each element takes a byte at least
    fail();
    return otlp::AttributeValue(false);
  }
  array = otlp::AnyValue::array_of({});
  array.array.resize(count);
  for (auto& v : array.array) v = any_of(scalar(elem));
  return otlp::AttributeValue(array);
}

void read_list(Tape& tape, std::vector<otlp::Attribute>& out, std::vector<otlp::AnyValue>& arrays_out) {
  out.clear();
  arrays_out.clear();
  const uint32_t n = tape.u32(), n_arrays = tape.u32();
  if (n_arrays > n) return tape.fail();
  arrays_out.resize(n_arrays);
  uint32_t used = 0;
  for (uint32_t i = 0; i < n && tape.ok(); ++i) {
    const uint32_t type = tape.u8();
    const std::string_view key = tape.key();
    if (type == 5 && used == n_arrays) return tape.fail();
    const otlp::AttributeValue value = tape.value(type, type == 5 ? arrays_out[used++] : array_value);
    if (tape.ok()) out.push_back({key, value});
  }
}

}  // namespace otlp_wasm

using namespace otlp_wasm;

// Interns an attribute key; returns its number for the tapes' key entries.
OTLP_API uint32_t otlp_key(const char* key, uint32_t len) {
  keys.emplace_back(key, len);
  return static_cast<uint32_t>(keys.size() - 1);
}

// Starts a span. The tape holds: name (str); the parent context when `parent` is 1; the
// attributes (list); u32 link count and per link a context and a list. Writes the new span's
// context to io[kIoContext]; returns its handle, 0 when it is not recording.
OTLP_API uint32_t otlp_start(int kind, int parent, double start_ms, double start_ns, const char* tape_at,
                             uint32_t tape_len) {
  if (!host) return 0;
  Tape tape(tape_at, tape_len);
  const std::string_view name = tape.str();
  otlp::SpanContext parent_context;
  otlp::SpanStartOptions options;
  if (parent) {
    parent_context = tape.context();
    options.parent = &parent_context;
  }
  options.kind = static_cast<otlp::SpanKind>(kind >= 0 && kind <= 5 ? kind : 1);
  options.start_time_unix_nano = app_time(start_ms, start_ns);
  otlp::Span span = host->tracer.start_span(name, options);
  write_context(span.context());
  if (!span.is_recording()) return 0;
  set_list(tape, span);
  for (uint32_t links = tape.u32(); links > 0 && tape.ok(); --links) add_link(tape, span);
  uint32_t handle;
  if (!host->free_handles.empty()) {
    handle = host->free_handles.back();
    host->free_handles.pop_back();
    host->spans[handle] = std::move(span);
  } else {
    handle = static_cast<uint32_t>(host->spans.size());
    host->spans.push_back(std::move(span));
  }
  return handle;
}

// The tape: a list.
OTLP_API void otlp_set_attributes(uint32_t handle, const char* tape_at, uint32_t tape_len) {
  if (otlp::Span* s = span_of(handle)) {
    Tape tape(tape_at, tape_len);
    set_list(tape, *s);
  }
}

// The tape: name (str), then a list.
OTLP_API void otlp_add_event(uint32_t handle, double time_ms, double time_ns, const char* tape_at, uint32_t tape_len) {
  otlp::Span* s = span_of(handle);
  if (!s) return;
  Tape tape(tape_at, tape_len);
  const std::string_view name = tape.str();
  read_list(tape, attrs, arrays);
  if (tape.ok()) s->add_event(name, attrs.data(), attrs.size(), app_time(time_ms, time_ns));
}

// The tape: a context, then a list.
OTLP_API void otlp_add_link(uint32_t handle, const char* tape_at, uint32_t tape_len) {
  if (otlp::Span* s = span_of(handle)) {
    Tape tape(tape_at, tape_len);
    add_link(tape, *s);
  }
}

OTLP_API void otlp_record_exception(uint32_t handle, const char* type, uint32_t type_len, const char* message,
                                    uint32_t message_len, const char* stack, uint32_t stack_len, double time_ms,
                                    double time_ns) {
  if (otlp::Span* s = span_of(handle))
    s->record_exception(view(type, type_len), view(message, message_len), view(stack, stack_len),
                        app_time(time_ms, time_ns));
}

OTLP_API void otlp_set_status(uint32_t handle, int code, const char* message, uint32_t len) {
  if (otlp::Span* s = span_of(handle))
    s->set_status(static_cast<otlp::StatusCode>(code == 1 || code == 2 ? code : 0), view(message, len));
}

OTLP_API void otlp_update_name(uint32_t handle, const char* name, uint32_t len) {
  if (otlp::Span* s = span_of(handle)) s->update_name(view(name, len));
}

// Ends a span and frees its handle. Returns 1 when a full batch is waiting to be sent.
OTLP_API int otlp_end(uint32_t handle, double end_ms, double end_ns) {
  otlp::Span* s = span_of(handle);
  if (!s) return 0;
  s->end(app_time(end_ms, end_ns));
  *s = otlp::Span();
  host->free_handles.push_back(handle);
  const bool ready = host->batch_ready;
  host->batch_ready = false;
  return ready;
}
