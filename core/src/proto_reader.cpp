// Protobuf decoding of OTLP trace messages into the model.
//
// Each message is read through a two-pointer cursor over exactly its own bytes, so no read
// can pass the end of the input or of an enclosing message. Every field is read whole (tag
// and value) before it is looked at; unknown fields are thereby skipped. Errors are values:
// the first one found stops decoding and is reported with its byte offset.
//
// Decisions (see also proto_reader.hpp):
// - A singular message field that occurs more than once is merged, as libprotobuf does:
//   scalars and strings of the later occurrence replace, repeated fields append. The same
//   holds for AnyValue: a oneof member of another kind replaces the value, a second
//   array_value/kvlist_value appends to the first.
// - Unknown SpanKind (outside 0..5) and StatusCode (outside 0..2) values become
//   unspecified/unset: proto3 keeps unknown enum values, but the model's enums cannot hold
//   them and "a kind we do not know" is what unspecified means to a consumer. Like protobuf,
//   an enum is the low 32 bits of its varint read as int32 (negative values are unknown).
// - uint32 fields take the low 32 bits of a longer varint, as protobuf does.
// - Strings are taken as bytes; invalid UTF-8 is not refused (the Collector does the same).
// - Error offsets: framing errors (truncated, length_past_end, overlong_varint) point at the
//   first byte of the varint, length or fixed-width value concerned; field errors
//   (bad_wire_type, wrong_wire_type, bad_id_length, too_deep) at the field's tag.
// - Depth: the request is depth 0 and each nested message one more; a message is refused
//   before it is entered, so recursion (AnyValue in AnyValue) is bounded by max_depth.
#include "otlp/proto_reader.hpp"

#include "otlp/retry.hpp"
#include "otlp/rpc_status.hpp"

#include <cstring>

#include "proto_cursor.hpp"

namespace otlp {
namespace {

using detail::Context;
using detail::Message;
using detail::kFixed32;
using detail::kFixed64;
using detail::kLen;
using detail::kVarint;

bool decode_any_value(Message m, AnyValue& v);

bool decode_key_value(Message m, KeyValue& kv) {
  while (m.next()) {
    switch (m.number()) {
      case 1:
        if (!m.string(kv.key)) return false;
        break;
      case 2: {
        Message sub;
        if (!m.child(sub) || !decode_any_value(sub, kv.value)) return false;
        break;
      }
      default: break;
    }
  }
  return m.ok();
}

// Appends the current field of `m` as a KeyValue to `attrs`.
inline bool add_key_value(Message& m, Attributes& attrs) {
  Message sub;
  return m.child(sub) && decode_key_value(sub, attrs.emplace_back());
}

bool decode_array(Message m, std::vector<AnyValue>& values) {
  while (m.next()) {
    if (m.number() == 1) {
      Message sub;
      if (!m.child(sub) || !decode_any_value(sub, values.emplace_back())) return false;
    }
  }
  return m.ok();
}

bool decode_kvlist(Message m, std::vector<KeyValue>& values) {
  while (m.next())
    if (m.number() == 1 && !add_key_value(m, values)) return false;
  return m.ok();
}

// Makes `v` hold a oneof member of kind `k`, dropping the member it held before.
inline void become(AnyValue& v, AnyValue::Kind k) {
  if (v.kind == k) return;
  if (v.kind == AnyValue::Kind::array) v.array.clear();
  if (v.kind == AnyValue::Kind::kvlist) v.kvlist.clear();
  v.str.clear();
  v.bool_value = false;
  v.int_value = 0;
  v.double_value = 0;
  v.kind = k;
}

bool decode_any_value(Message m, AnyValue& v) {
  using Kind = AnyValue::Kind;
  while (m.next()) {
    switch (m.number()) {
      case 1:
        if (!m.is(kLen)) return false;
        become(v, Kind::string);
        v.str.assign(m.data(), m.size());
        break;
      case 2:
        if (!m.is(kVarint)) return false;
        become(v, Kind::boolean);
        v.bool_value = m.value() != 0;
        break;
      case 3:
        if (!m.is(kVarint)) return false;
        become(v, Kind::int64);
        v.int_value = static_cast<std::int64_t>(m.value());
        break;
      case 4: {
        if (!m.is(kFixed64)) return false;
        become(v, Kind::dbl);
        const std::uint64_t bits = m.value();
        std::memcpy(&v.double_value, &bits, sizeof bits);
        break;
      }
      case 5: {
        Message sub;
        if (!m.child(sub)) return false;
        become(v, Kind::array);
        if (!decode_array(sub, v.array)) return false;
        break;
      }
      case 6: {
        Message sub;
        if (!m.child(sub)) return false;
        become(v, Kind::kvlist);
        if (!decode_kvlist(sub, v.kvlist)) return false;
        break;
      }
      case 7:
        if (!m.is(kLen)) return false;
        become(v, Kind::bytes);
        v.str.assign(m.data(), m.size());
        break;
      default: break;
    }
  }
  return m.ok();
}

bool decode_status(Message m, Status& st) {
  while (m.next()) {
    switch (m.number()) {
      case 2:
        if (!m.string(st.message)) return false;
        break;
      case 3: {
        std::uint32_t code;
        if (!m.uint32(code)) return false;
        st.code = code <= 2 ? static_cast<StatusCode>(code) : StatusCode::unset;
        break;
      }
      default: break;  // includes the reserved field 1
    }
  }
  return m.ok();
}

bool decode_event(Message m, Event& e) {
  e.attributes.reserve(m.count(3)[0]);
  while (m.next()) {
    switch (m.number()) {
      case 1:
        if (!m.fixed64(e.time_unix_nano)) return false;
        break;
      case 2:
        if (!m.string(e.name)) return false;
        break;
      case 3:
        if (!add_key_value(m, e.attributes)) return false;
        break;
      case 4:
        if (!m.uint32(e.dropped_attributes_count)) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

bool decode_link(Message m, Link& l) {
  while (m.next()) {
    switch (m.number()) {
      case 1:
        if (!m.id(l.trace_id)) return false;
        break;
      case 2:
        if (!m.id(l.span_id)) return false;
        break;
      case 3:
        if (!m.string(l.trace_state)) return false;
        break;
      case 4:
        if (!add_key_value(m, l.attributes)) return false;
        break;
      case 5:
        if (!m.uint32(l.dropped_attributes_count)) return false;
        break;
      case 6:
        if (!m.fixed32(l.flags)) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

bool decode_span(Message m, SpanData& s) {
  s.kind = SpanKind::unspecified;  // the proto3 default of an absent field (the model's is internal)
  {
    const auto n = m.count(9, 11, 13);
    s.attributes.reserve(n[0]);
    s.events.reserve(n[1]);
    s.links.reserve(n[2]);
  }
  while (m.next()) {
    Message sub;
    switch (m.number()) {
      case 1:
        if (!m.id(s.trace_id)) return false;
        break;
      case 2:
        if (!m.id(s.span_id)) return false;
        break;
      case 3:
        if (!m.string(s.trace_state)) return false;
        break;
      case 4:
        if (!m.id(s.parent_span_id)) return false;
        break;
      case 5:
        if (!m.string(s.name)) return false;
        break;
      case 6: {
        std::uint32_t kind;
        if (!m.uint32(kind)) return false;
        s.kind = kind <= 5 ? static_cast<SpanKind>(kind) : SpanKind::unspecified;
        break;
      }
      case 7:
        if (!m.fixed64(s.start_time_unix_nano)) return false;
        break;
      case 8:
        if (!m.fixed64(s.end_time_unix_nano)) return false;
        break;
      case 9:
        if (!add_key_value(m, s.attributes)) return false;
        break;
      case 10:
        if (!m.uint32(s.dropped_attributes_count)) return false;
        break;
      case 11:
        if (!m.child(sub) || !decode_event(sub, s.events.emplace_back())) return false;
        break;
      case 12:
        if (!m.uint32(s.dropped_events_count)) return false;
        break;
      case 13:
        if (!m.child(sub) || !decode_link(sub, s.links.emplace_back())) return false;
        break;
      case 14:
        if (!m.uint32(s.dropped_links_count)) return false;
        break;
      case 15:
        if (!m.child(sub) || !decode_status(sub, s.status)) return false;
        break;
      case 16:
        if (!m.fixed32(s.flags)) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

bool decode_resource(Message m, Resource& r) {
  while (m.next()) {
    switch (m.number()) {
      case 1:
        if (!add_key_value(m, r.attributes)) return false;
        break;
      case 2:
        if (!m.uint32(r.dropped_attributes_count)) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

bool decode_scope(Message m, InstrumentationScope& s) {
  while (m.next()) {
    switch (m.number()) {
      case 1:
        if (!m.string(s.name)) return false;
        break;
      case 2:
        if (!m.string(s.version)) return false;
        break;
      case 3:
        if (!add_key_value(m, s.attributes)) return false;
        break;
      case 4:
        if (!m.uint32(s.dropped_attributes_count)) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

bool decode_scope_spans(Message m, ScopeSpans& ss) {
  ss.spans.reserve(m.count(2)[0]);
  while (m.next()) {
    Message sub;
    switch (m.number()) {
      case 1:
        if (!m.child(sub) || !decode_scope(sub, ss.scope)) return false;
        break;
      case 2:
        if (!m.child(sub) || !decode_span(sub, ss.spans.emplace_back())) return false;
        break;
      case 3:
        if (!m.string(ss.schema_url)) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

bool decode_resource_spans(Message m, ResourceSpans& rs) {
  while (m.next()) {
    Message sub;
    switch (m.number()) {
      case 1:
        if (!m.child(sub) || !decode_resource(sub, rs.resource)) return false;
        break;
      case 2:
        if (!m.child(sub) || !decode_scope_spans(sub, rs.scope_spans.emplace_back())) return false;
        break;
      case 3:
        if (!m.string(rs.schema_url)) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

bool decode_partial_success(Message m, PartialSuccess& ps) {
  while (m.next()) {
    switch (m.number()) {
      case 1:
        if (!m.is(kVarint)) return false;
        ps.rejected_spans = static_cast<std::int64_t>(m.value());
        break;
      case 2:
        if (!m.string(ps.error_message)) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

}  // namespace

DecodeStatus decode_trace_request(std::string_view bytes, TraceRequest& out, const DecodeOptions& options) {
  out.resource_spans.clear();
  Context ctx;
  ctx.base = bytes.data();
  ctx.max_depth = options.max_depth;
  Message m(ctx, bytes.data(), bytes.data() + bytes.size(), 0);
  while (m.next()) {
    if (m.number() == 1) {
      Message sub;
      if (!m.child(sub) || !decode_resource_spans(sub, out.resource_spans.emplace_back())) break;
    }
  }
  return ctx.status;
}

DecodeStatus decode_trace_response(std::string_view bytes, std::optional<PartialSuccess>& partial) {
  partial.reset();
  Context ctx;
  ctx.base = bytes.data();
  ctx.max_depth = DecodeOptions{}.max_depth;
  Message m(ctx, bytes.data(), bytes.data() + bytes.size(), 0);
  while (m.next()) {
    if (m.number() == 1) {
      Message sub;
      if (!m.child(sub)) break;
      if (!partial) partial.emplace();
      if (!decode_partial_success(sub, *partial)) break;
    }
  }
  return ctx.status;
}


// ---------------------------------------------------------------------------------------------
// google.rpc.Status (rpc_status.hpp): the gRPC status details trailer.

namespace {

constexpr std::uint64_t kNanosPerSecond = 1'000'000'000;

// google.protobuf.Duration -> nanoseconds, negative as 0, saturating like Retry-After.
bool decode_duration(Message m, std::uint64_t& out) {
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;
  while (m.next()) {
    if (m.number() == 1) {
      if (!m.is(kVarint)) return false;
      seconds = static_cast<std::int64_t>(m.value());
    } else if (m.number() == 2) {
      if (!m.is(kVarint)) return false;
      nanos = static_cast<std::int32_t>(static_cast<std::uint32_t>(m.value()));  // int32: low 32 bits
    }
  }
  if (!m.ok()) return false;
  if (seconds < 0) {
    out = 0;
  } else if (static_cast<std::uint64_t>(seconds) >= kRetryAfterMaxSeconds) {
    out = kRetryAfterMaxSeconds * kNanosPerSecond;
  } else {
    const std::int64_t total = seconds * static_cast<std::int64_t>(kNanosPerSecond) + nanos;
    out = total < 0 ? 0 : static_cast<std::uint64_t>(total);
  }
  return true;
}

// google.rpc.RetryInfo { Duration retry_delay = 1; }; an absent delay is a delay of 0.
bool decode_retry_info(Message m, std::uint64_t& delay) {
  delay = 0;
  while (m.next()) {
    if (m.number() != 1) continue;
    Message sub;
    if (!m.child(sub) || !decode_duration(sub, delay)) return false;
  }
  return m.ok();
}

bool is_retry_info(std::string_view type_url) {
  const std::size_t slash = type_url.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? type_url : type_url.substr(slash + 1);
  return name == kRetryInfoTypeUrl.substr(kRetryInfoTypeUrl.rfind('/') + 1);
}

// google.protobuf.Any: type_url and value may come in either order, so both are read first.
bool decode_detail(Message m, RpcStatus& out) {
  std::string type_url;
  Message value;
  bool has_value = false;
  while (m.next()) {
    if (m.number() == 1) {
      if (!m.string(type_url)) return false;
    } else if (m.number() == 2) {
      if (!m.child(value)) return false;
      has_value = true;
    }
  }
  if (!m.ok()) return false;
  if (out.retry_delay_ns || !is_retry_info(type_url)) return true;  // the first RetryInfo wins
  std::uint64_t delay = 0;
  if (has_value && !decode_retry_info(value, delay)) return false;
  out.retry_delay_ns = delay;
  return true;
}

}  // namespace

DecodeStatus decode_rpc_status(std::string_view bytes, RpcStatus& out) {
  out = RpcStatus{};
  Context ctx;
  ctx.base = bytes.data();
  ctx.max_depth = DecodeOptions{}.max_depth;
  Message m(ctx, bytes.data(), bytes.data() + bytes.size(), 0);
  while (m.next()) {
    if (m.number() == 1) {
      if (!m.is(kVarint)) break;
      out.code = static_cast<std::int32_t>(static_cast<std::uint32_t>(m.value()));
    } else if (m.number() == 2) {
      if (!m.string(out.message)) break;
    } else if (m.number() == 3) {
      Message sub;
      if (!m.child(sub) || !decode_detail(sub, out)) break;
    }
  }
  return ctx.status;
}

}  // namespace otlp
