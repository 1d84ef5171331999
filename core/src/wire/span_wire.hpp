// Internal: the Span message (trace/v1) and its Event, Link and Status fields, written once for
// both span writers: the tracer, which writes a span while it is recorded (the fields known at
// start, then attributes, events and links as they come, the rest at end: protobuf takes fields
// in any order), and proto_writer, which writes a SpanData in field-number order.
//
// The put_* functions write into memory the caller sized with the matching *_bound, omit a
// proto3 default as protobuf does, and return the end.
#pragma once
#include <cstdint>
#include <string_view>

#include "otlp/model/span.hpp"
#include "wire/otlp_fields.hpp"
#include "wire/proto_wire.hpp"

namespace otlp::detail {

// ---- one field of any message ------------------------------------------------------------------
// `field` is a constant at every call, so each tag folds to the byte(s) it is.

[[gnu::always_inline]] inline char* put_tag(char* p, std::uint32_t field, WireType wt) {
  return put_varint(p, tag(field, wt));
}
[[gnu::always_inline]] inline char* put_string_field(char* p, std::uint32_t field, std::string_view s) {
  if (s.empty()) return p;
  p = put_varint(put_tag(p, field, kLen), s.size());
  return put_bytes(p, s.data(), s.size());
}
// An id known to be valid (the tracer's own) skips the check.
enum class IdCheck : bool { omit_invalid, known_valid };
template <IdCheck check = IdCheck::omit_invalid, std::size_t N>
[[gnu::always_inline]] inline char* put_id_field(char* p, std::uint32_t field, const Id<N>& id) {
  if (check == IdCheck::omit_invalid && !id.valid()) return p;
  p = put_tag(p, field, kLen);
  *p++ = static_cast<char>(N);
  return put_bytes(p, id.bytes.data(), N);
}
[[gnu::always_inline]] inline char* put_varint_field(char* p, std::uint32_t field, std::uint64_t v) {
  if (v == 0) return p;
  return put_varint(put_tag(p, field, kVarint), v);
}
[[gnu::always_inline]] inline char* put_fixed64_field(char* p, std::uint32_t field, std::uint64_t v) {
  if (v == 0) return p;
  return put_fixed64(put_tag(p, field, kFixed64), v);
}
[[gnu::always_inline]] inline char* put_fixed32_field(char* p, std::uint32_t field, std::uint32_t v) {
  if (v == 0) return p;
  return put_fixed32(put_tag(p, field, kFixed32), v);
}
// A string field's size at most: tag (up to 2 bytes), length (up to 10) and bytes.
constexpr std::size_t string_field_bound(std::size_t n) { return 12 + n; }

// ---- Span ----------------------------------------------------------------------------------------

// The fields known when a span starts, 1 to 7. References to where the writer keeps them, read
// as each is written: copies taken up front would all be live at once (the writes through char*
// may alias them), which costs the tracer's head a stack frame.
struct SpanStart {
  const TraceId& trace_id;
  const SpanId& span_id;
  const std::string& trace_state;
  const SpanId& parent_span_id;
  std::string_view name;
  const SpanKind& kind;
  const std::uint64_t& start_time_unix_nano;
};
constexpr std::size_t span_start_bound(std::size_t trace_state_size, std::size_t name_size) {
  return 18 + 10 + string_field_bound(trace_state_size) + 10 + string_field_bound(name_size) + 11 + 9;
}
template <IdCheck ids = IdCheck::omit_invalid>
[[gnu::always_inline]] inline char* put_span_start(char* p, const SpanStart& s) {
  p = put_id_field<ids>(p, field::span::trace_id, s.trace_id);
  p = put_id_field<ids>(p, field::span::span_id, s.span_id);
  p = put_string_field(p, field::span::trace_state, s.trace_state);
  p = put_id_field(p, field::span::parent_span_id, s.parent_span_id);
  if (!s.name.empty()) [[likely]]  // a span nearly always has one: its write stays in line
    p = put_string_field(p, field::span::name, s.name);
  p = put_varint_field(p, field::span::kind, static_cast<std::uint64_t>(s.kind));
  return put_fixed64_field(p, field::span::start_time_unix_nano, s.start_time_unix_nano);
}

[[gnu::always_inline]] inline char* put_span_end_time(char* p, std::uint64_t t) {
  return put_fixed64_field(p, field::span::end_time_unix_nano, t);
}
[[gnu::always_inline]] inline char* put_span_dropped_attributes(char* p, std::uint32_t n) {
  return put_varint_field(p, field::span::dropped_attributes_count, n);
}
[[gnu::always_inline]] inline char* put_span_dropped_events(char* p, std::uint32_t n) {
  return put_varint_field(p, field::span::dropped_events_count, n);
}
[[gnu::always_inline]] inline char* put_span_dropped_links(char* p, std::uint32_t n) {
  return put_varint_field(p, field::span::dropped_links_count, n);
}
[[gnu::always_inline]] inline char* put_span_flags(char* p, std::uint32_t flags) { return put_fixed32_field(p, field::span::flags, flags); }

// The status, sized up front (no backpatch); omitted when it is the default.
constexpr std::size_t span_status_bound(const Status& s) { return 2 + 10 + string_field_bound(s.message.size()) + 11; }
[[gnu::always_inline]] inline char* put_span_status(char* p, const Status& s) {
  if (s.code == StatusCode::unset && s.message.empty()) return p;
  const std::size_t message = s.message.size();
  const auto code = static_cast<std::uint64_t>(s.code);
  const std::size_t size = (message ? 1 + varint_size(message) + message : 0) + (code ? 1 + varint_size(code) : 0);
  p = put_varint(put_tag(p, field::span::status, kLen), size);
  p = put_string_field(p, field::status::message, s.message);
  return put_varint_field(p, field::status::code, code);
}

// The fields the tracer writes when a span ends: 8, 10, 12, 14, 15 and 16.
struct SpanEnd {
  std::uint64_t end_time_unix_nano;
  std::uint32_t dropped_attributes, dropped_events, dropped_links;
  const Status& status;
  std::uint32_t flags;
};
constexpr std::size_t span_end_bound(const SpanEnd& e) { return 9 + 3 * 11 + span_status_bound(e.status) + 6; }
[[gnu::always_inline]] inline char* put_span_end(char* p, const SpanEnd& e) {
  p = put_span_end_time(p, e.end_time_unix_nano);
  p = put_span_dropped_attributes(p, e.dropped_attributes);
  p = put_span_dropped_events(p, e.dropped_events);
  p = put_span_dropped_links(p, e.dropped_links);
  p = put_span_status(p, e.status);
  return put_span_flags(p, e.flags);
}

// ---- Span.Event and Span.Link --------------------------------------------------------------------

// An event's fields before its attributes (1 and 2).
constexpr std::size_t event_start_bound(std::size_t name_size) { return 9 + string_field_bound(name_size); }
[[gnu::always_inline]] inline char* put_event_start(char* p, std::uint64_t time, std::string_view name) {
  p = put_fixed64_field(p, field::event::time_unix_nano, time);
  return put_string_field(p, field::event::name, name);
}

// One Span.events entry. `attributes(w, field)` writes the attributes as `field` entries and
// returns how many were dropped.
template <class WriteAttributes>
void write_event(Writer& w, std::uint64_t time, std::string_view name, WriteAttributes&& attributes) {
  auto m = w.open(field::span::events, 1);
  w.commit(put_event_start(w.reserve(event_start_bound(name.size())), time, name));
  w.varint_field(field::event::dropped_attributes_count, attributes(w, field::event::attributes));
  w.close(m);
}

// One Span.links entry, the same way.
template <class WriteAttributes>
void write_link(Writer& w, const TraceId& trace_id, const SpanId& span_id, std::string_view trace_state,
                std::uint32_t flags, WriteAttributes&& attributes) {
  auto m = w.open(field::span::links, 1);
  char* p = w.reserve(18 + 10 + string_field_bound(trace_state.size()));
  p = put_id_field(p, field::link::trace_id, trace_id);
  p = put_id_field(p, field::link::span_id, span_id);
  w.commit(put_string_field(p, field::link::trace_state, trace_state));
  w.varint_field(field::link::dropped_attributes_count, attributes(w, field::link::attributes));
  w.fixed32_field(field::link::flags, flags);
  w.close(m);
}

}  // namespace otlp::detail
