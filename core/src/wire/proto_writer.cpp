// Protobuf encoding written straight from the model. Nested messages reserve a guessed
// number of length bytes and backpatch; a wrong guess costs one memmove of that message.
// KeyValues with scalar values have their sizes computed up front (no backpatch at all),
// because they are most of what a span holds.
#include "otlp/wire/proto_writer.hpp"

#include <cstring>

#include "wire/proto_wire.hpp"

namespace otlp {
namespace {

using detail::kFixed32;
using detail::kFixed64;
using detail::kLen;
using detail::kVarint;
using detail::tag;
using detail::varint_size;
using detail::Writer;

void write_any_value_body(Writer& w, const AnyValue& v);

}  // namespace

void detail::write_key_value(Writer& w, std::uint32_t field, std::string_view key, const AnyValue& v) {
  switch (v.kind) {
    case AnyValue::Kind::empty: return kv_empty(w, field, key);
    case AnyValue::Kind::string: return kv_string(w, field, key, 1, v.str);
    case AnyValue::Kind::bytes: return kv_string(w, field, key, 7, v.str);
    case AnyValue::Kind::boolean: return kv_bool(w, field, key, v.bool_value);
    case AnyValue::Kind::int64: return kv_int(w, field, key, v.int_value);
    case AnyValue::Kind::dbl: return kv_double(w, field, key, v.double_value);
    case AnyValue::Kind::array:
    case AnyValue::Kind::kvlist: break;
  }
  auto m = w.open(field, 2);
  w.string_field(1, key);
  auto vm = w.open(2, 2);
  write_any_value_body(w, v);
  w.close(vm);
  w.close(m);
}

void detail::write_any_value(Writer& w, std::uint32_t field, const AnyValue& v) {
  auto m = w.open(field, 2);
  write_any_value_body(w, v);
  w.close(m);
}

namespace {

void write_attributes(Writer& w, std::uint32_t field, const Attributes& attrs) {
  for (const auto& kv : attrs) detail::write_key_value(w, field, kv.key, kv.value);
}

void write_any_value_body(Writer& w, const AnyValue& v) {
  switch (v.kind) {
    case AnyValue::Kind::empty: return;
    case AnyValue::Kind::string: return w.len_field(1, v.str);
    case AnyValue::Kind::bytes: return w.len_field(7, v.str);
    case AnyValue::Kind::boolean:
      w.ensure(2);
      w.raw_tag(tag(2, kVarint));
      return w.raw_varint(v.bool_value ? 1 : 0);
    case AnyValue::Kind::int64:
      w.ensure(11);
      w.raw_tag(tag(3, kVarint));
      return w.raw_varint(static_cast<std::uint64_t>(v.int_value));
    case AnyValue::Kind::dbl: {
      std::uint64_t bits;
      std::memcpy(&bits, &v.double_value, sizeof bits);
      w.ensure(9);
      w.raw_tag(tag(4, kFixed64));
      return w.raw_fixed64(bits);
    }
    default: break;
  }
  if (v.kind == AnyValue::Kind::array) {
    auto m = w.open(5, 2);
    for (const auto& item : v.array) {
      auto im = w.open(1, 1);
      write_any_value_body(w, item);
      w.close(im);
    }
    w.close(m);
  } else {
    auto m = w.open(6, 2);
    write_attributes(w, 1, v.kvlist);
    w.close(m);
  }
}

void write_span_body(Writer& w, const SpanData& s) {
  w.id_field(1, s.trace_id);
  w.id_field(2, s.span_id);
  w.string_field(3, s.trace_state);
  w.id_field(4, s.parent_span_id);
  w.string_field(5, s.name);
  w.varint_field(6, static_cast<std::uint64_t>(s.kind));
  w.fixed64_field(7, s.start_time_unix_nano);
  w.fixed64_field(8, s.end_time_unix_nano);
  write_attributes(w, 9, s.attributes);
  w.varint_field(10, s.dropped_attributes_count);
  for (const auto& e : s.events) {
    auto m = w.open(11, 1);
    w.fixed64_field(1, e.time_unix_nano);
    w.string_field(2, e.name);
    write_attributes(w, 3, e.attributes);
    w.varint_field(4, e.dropped_attributes_count);
    w.close(m);
  }
  w.varint_field(12, s.dropped_events_count);
  for (const auto& l : s.links) {
    auto m = w.open(13, 1);
    w.id_field(1, l.trace_id);
    w.id_field(2, l.span_id);
    w.string_field(3, l.trace_state);
    write_attributes(w, 4, l.attributes);
    w.varint_field(5, l.dropped_attributes_count);
    w.fixed32_field(6, l.flags);
    w.close(m);
  }
  w.varint_field(14, s.dropped_links_count);
  if (s.status.code != StatusCode::unset || !s.status.message.empty()) {
    auto m = w.open(15, 1);
    w.string_field(2, s.status.message);
    w.varint_field(3, static_cast<std::uint64_t>(s.status.code));
    w.close(m);
  }
  w.fixed32_field(16, s.flags);
}

void write_span(Writer& w, std::uint32_t field, const SpanData& s) {
  auto m = w.open(field, 2);
  write_span_body(w, s);
  w.close(m);
}

}  // namespace

void detail::write_resource(Writer& w, std::uint32_t field, const Resource& r) {
  if (r.attributes.empty() && r.dropped_attributes_count == 0) return;
  auto m = w.open(field, 2);
  write_attributes(w, 1, r.attributes);
  w.varint_field(2, r.dropped_attributes_count);
  w.close(m);
}

void detail::write_scope(Writer& w, std::uint32_t field, const InstrumentationScope& s) {
  if (s.name.empty() && s.version.empty() && s.attributes.empty() && s.dropped_attributes_count == 0) return;
  auto m = w.open(field, 1);
  w.string_field(1, s.name);
  w.string_field(2, s.version);
  write_attributes(w, 3, s.attributes);
  w.varint_field(4, s.dropped_attributes_count);
  w.close(m);
}


void encode_trace_request(const TraceRequest& request, std::string& out) {
  Writer w(out);
  for (const auto& rs : request.resource_spans) {
    auto rm = w.open(1, 3);
    detail::write_resource(w, 1, rs.resource);
    for (const auto& ss : rs.scope_spans) {
      auto sm = w.open(2, 3);
      detail::write_scope(w, 1, ss.scope);
      for (const auto& span : ss.spans) write_span(w, 2, span);
      w.string_field(3, ss.schema_url);
      w.close(sm);
    }
    w.string_field(3, rs.schema_url);
    w.close(rm);
  }
}

void encode_span_field(const SpanData& span, std::string& out) {
  Writer w(out);
  write_span(w, 2, span);
}

void encode_trace_request_head(const Resource& resource, const InstrumentationScope& scope, std::size_t spans_bytes,
                               std::string& out) {
  std::string resource_part, scope_part;
  {
    Writer w(resource_part);
    detail::write_resource(w, 1, resource);
  }
  {
    Writer w(scope_part);
    detail::write_scope(w, 1, scope);
  }
  const std::size_t ss_len = scope_part.size() + spans_bytes;
  const std::size_t rs_len = resource_part.size() + 1 + varint_size(ss_len) + ss_len;
  Writer w(out);
  w.ensure(2 + 2 * varint_size(rs_len) + resource_part.size() + scope_part.size());
  w.raw_tag(tag(1, kLen));
  w.raw_varint(rs_len);
  w.raw_bytes(resource_part.data(), resource_part.size());
  w.raw_tag(tag(2, kLen));
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
  auto m = w.open(1, 1);
  w.varint_field(1, static_cast<std::uint64_t>(partial->rejected_spans));
  w.string_field(2, partial->error_message);
  w.close(m);
}

}  // namespace otlp
