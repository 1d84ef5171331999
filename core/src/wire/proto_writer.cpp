// Protobuf encoding written straight from the model. Nested messages reserve a guessed
// number of length bytes and backpatch; a wrong guess costs one memmove of that message.
// KeyValues with scalar values have their sizes computed up front (no backpatch at all),
// because they are most of what a span holds.
#include "otlp/wire/proto_writer.hpp"

#include <cstring>

#include "wire/otlp_fields.hpp"
#include "wire/proto_wire.hpp"
#include "wire/span_wire.hpp"

namespace otlp {
namespace {

namespace field = detail::field;
using detail::kFixed64;
using detail::kLen;
using detail::kVarint;
using detail::tag;
using detail::varint_size;
using detail::Writer;

void write_any_value_body(Writer& w, const AnyValue& v);

}  // namespace

void detail::write_key_value(Writer& w, std::uint32_t number, std::string_view key, const AnyValue& v) {
  switch (v.kind) {
    case AnyValue::Kind::empty: return kv_empty(w, number, key);
    case AnyValue::Kind::string: return kv_string(w, number, key, field::any_value::string_value, v.str);
    case AnyValue::Kind::bytes: return kv_string(w, number, key, field::any_value::bytes_value, v.str);
    case AnyValue::Kind::boolean: return kv_bool(w, number, key, v.bool_value);
    case AnyValue::Kind::int64: return kv_int(w, number, key, v.int_value);
    case AnyValue::Kind::dbl: return kv_double(w, number, key, v.double_value);
    case AnyValue::Kind::array:
    case AnyValue::Kind::kvlist: break;
  }
  auto m = w.open(number, 2);
  w.string_field(field::key_value::key, key);
  auto vm = w.open(field::key_value::value, 2);
  write_any_value_body(w, v);
  w.close(vm);
  w.close(m);
}

void detail::write_any_value(Writer& w, std::uint32_t number, const AnyValue& v) {
  auto m = w.open(number, 2);
  write_any_value_body(w, v);
  w.close(m);
}

namespace {

void write_attributes(Writer& w, std::uint32_t number, const Attributes& attrs) {
  for (const auto& kv : attrs) detail::write_key_value(w, number, kv.key, kv.value);
}

void write_any_value_body(Writer& w, const AnyValue& v) {
  switch (v.kind) {
    case AnyValue::Kind::empty: return;
    case AnyValue::Kind::string: return w.len_field(field::any_value::string_value, v.str);
    case AnyValue::Kind::bytes: return w.len_field(field::any_value::bytes_value, v.str);
    case AnyValue::Kind::boolean:  // written even when false: its presence is the value
      w.ensure(2);
      w.raw_tag(tag(field::any_value::bool_value, kVarint));
      return w.raw_varint(v.bool_value ? 1 : 0);
    case AnyValue::Kind::int64:
      w.ensure(11);
      w.raw_tag(tag(field::any_value::int_value, kVarint));
      return w.raw_varint(static_cast<std::uint64_t>(v.int_value));
    case AnyValue::Kind::dbl: {
      std::uint64_t bits;
      std::memcpy(&bits, &v.double_value, sizeof bits);
      w.ensure(9);
      w.raw_tag(tag(field::any_value::double_value, kFixed64));
      return w.raw_fixed64(bits);
    }
    default: break;
  }
  if (v.kind == AnyValue::Kind::array) {
    auto m = w.open(field::any_value::array_value, 2);
    for (const auto& item : v.array) {
      auto im = w.open(field::array_value::values, 1);
      write_any_value_body(w, item);
      w.close(im);
    }
    w.close(m);
  } else {
    auto m = w.open(field::any_value::kvlist_value, 2);
    write_attributes(w, field::key_value_list::values, v.kvlist);
    w.close(m);
  }
}

// The fields in number order, each put by the same function the tracer's uses (span_wire.hpp).
void write_span_body(Writer& w, const SpanData& s) {
  using namespace detail;
  w.commit(put_span_start(w.reserve(span_start_bound(s.trace_state.size(), s.name.size())),
                          {s.trace_id, s.span_id, s.trace_state, s.parent_span_id, s.name, s.kind,
                           s.start_time_unix_nano}));
  w.commit(put_span_end_time(w.reserve(9), s.end_time_unix_nano));
  write_attributes(w, field::span::attributes, s.attributes);
  w.commit(put_span_dropped_attributes(w.reserve(11), s.dropped_attributes_count));
  for (const auto& e : s.events)
    write_event(w, e.time_unix_nano, e.name, [&e](Writer& aw, std::uint32_t number) {
      write_attributes(aw, number, e.attributes);
      return e.dropped_attributes_count;
    });
  w.commit(put_span_dropped_events(w.reserve(11), s.dropped_events_count));
  for (const auto& l : s.links)
    write_link(w, l.trace_id, l.span_id, l.trace_state, l.flags, [&l](Writer& aw, std::uint32_t number) {
      write_attributes(aw, number, l.attributes);
      return l.dropped_attributes_count;
    });
  w.commit(put_span_dropped_links(w.reserve(11), s.dropped_links_count));
  w.commit(put_span_status(w.reserve(span_status_bound(s.status)), s.status));
  w.commit(put_span_flags(w.reserve(6), s.flags));
}

void write_span(Writer& w, std::uint32_t number, const SpanData& s) {
  auto m = w.open(number, 2);
  write_span_body(w, s);
  w.close(m);
}

}  // namespace

void detail::write_resource(Writer& w, std::uint32_t number, const Resource& r) {
  if (r.attributes.empty() && r.dropped_attributes_count == 0) return;
  auto m = w.open(number, 2);
  write_attributes(w, field::resource::attributes, r.attributes);
  w.varint_field(field::resource::dropped_attributes_count, r.dropped_attributes_count);
  w.close(m);
}

void detail::write_scope(Writer& w, std::uint32_t number, const InstrumentationScope& s) {
  if (s.name.empty() && s.version.empty() && s.attributes.empty() && s.dropped_attributes_count == 0) return;
  auto m = w.open(number, 1);
  w.string_field(field::scope::name, s.name);
  w.string_field(field::scope::version, s.version);
  write_attributes(w, field::scope::attributes, s.attributes);
  w.varint_field(field::scope::dropped_attributes_count, s.dropped_attributes_count);
  w.close(m);
}


void encode_trace_request(const TraceRequest& request, std::string& out) {
  Writer w(out);
  for (const auto& rs : request.resource_spans) {
    auto rm = w.open(field::trace_request::resource_spans, 3);
    detail::write_resource(w, field::resource_spans::resource, rs.resource);
    for (const auto& ss : rs.scope_spans) {
      auto sm = w.open(field::resource_spans::scope_spans, 3);
      detail::write_scope(w, field::scope_spans::scope, ss.scope);
      for (const auto& span : ss.spans) write_span(w, field::scope_spans::spans, span);
      w.string_field(field::scope_spans::schema_url, ss.schema_url);
      w.close(sm);
    }
    w.string_field(field::resource_spans::schema_url, rs.schema_url);
    w.close(rm);
  }
}

void encode_span_field(const SpanData& span, std::string& out) {
  Writer w(out);
  write_span(w, field::scope_spans::spans, span);
}

void encode_trace_request_head(const Resource& resource, const InstrumentationScope& scope, std::size_t spans_bytes,
                               std::string& out) {
  std::string resource_part, scope_part;
  {
    Writer w(resource_part);
    detail::write_resource(w, field::envelope::resource, resource);
  }
  {
    Writer w(scope_part);
    detail::write_scope(w, field::envelope::scope, scope);
  }
  const std::size_t ss_len = scope_part.size() + spans_bytes;
  const std::size_t rs_len = resource_part.size() + 1 + varint_size(ss_len) + ss_len;
  Writer w(out);
  w.ensure(2 + 2 * varint_size(rs_len) + resource_part.size() + scope_part.size());
  w.raw_tag(tag(field::envelope::resource_items, kLen));
  w.raw_varint(rs_len);
  w.raw_bytes(resource_part.data(), resource_part.size());
  w.raw_tag(tag(field::envelope::scope_items, kLen));
  w.raw_varint(ss_len);
  w.raw_bytes(scope_part.data(), scope_part.size());
}

void encode_trace_request(const Resource& resource, const InstrumentationScope& scope,
                          std::string_view encoded_spans, std::string& out) {
  encode_trace_request_head(resource, scope, encoded_spans.size(), out);
  out.append(encoded_spans);
}

void encode_trace_response(const PartialSuccess* partial, std::string& out) {
  if (!partial) return;
  Writer w(out);
  auto m = w.open(field::export_response::partial_success, 1);
  w.varint_field(field::trace_partial_success::rejected_spans, static_cast<std::uint64_t>(partial->rejected_spans));
  w.string_field(field::trace_partial_success::error_message, partial->error_message);
  w.close(m);
}

}  // namespace otlp
