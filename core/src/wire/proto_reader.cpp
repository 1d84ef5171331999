// Protobuf decoding of OTLP trace messages into the model, and the validating pass.
//
// Each message is read through a two-pointer cursor over exactly its own bytes, so no read
// can pass the end of the input or of an enclosing message. Every field is read whole (tag
// and value) before it is looked at; unknown fields are thereby skipped. Errors are values:
// the first one found stops decoding and is reported with its byte offset.
//
// Each message's wire format is written once, as a function template over its output: the
// model object to fill (decode_trace_request), or Skip<T> where the validating pass
// (validate_trace_request) builds nothing. Both walk the same code, so they refuse the same
// inputs with the same error at the same offset, and count the same limits (decode_budget.hpp).
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
//   (bad_wire_type, wrong_wire_type, bad_id_length, too_deep, the limits) at the field's tag.
// - Depth: the request is depth 0 and each nested message one more; a message is refused
//   before it is entered, so recursion (AnyValue in AnyValue) is bounded by max_depth.
// - Limits: a record, attribute or string is charged when its field is read, before it is
//   decoded; "per element" counts the attributes (or values) of one message as it arrives.
#include "otlp/wire/proto_reader.hpp"

#include "otlp/wire/rpc_status.hpp"

#include <cstring>
#include <vector>

#include "wire/otlp_fields.hpp"
#include "wire/otlp_schema.hpp"
#include "wire/proto_cursor.hpp"

namespace otlp {
namespace {

using detail::Context;
using detail::kBuilds;
using detail::kFixed32;
using detail::kFixed64;
using detail::kLen;
using detail::kNoLimits;
using detail::kVarint;
using detail::Message;
using detail::Skip;
using namespace detail::field;

// The member `member` of a model object, or a Skip of its type.
template <class T, class M>
M& at(T& object, M T::*member) {
  return object.*member;
}
template <class T, class M>
Skip<M> at(Skip<T>, M T::*) {
  return {};
}
// A new last element of a repeated field.
template <class T>
T& add(std::vector<T>& items) {
  return items.emplace_back();
}
template <class T>
Skip<T> add(Skip<std::vector<T>>) {
  return {};
}

// ---- each message's wire format, once -------------------------------------------------------

template <class Value>
bool read_any_value(Context& ctx, std::string_view bytes, Value&& v);

template <class Kv>
bool read_key_value(Context& ctx, std::string_view bytes, Kv&& kv) {
  Message m(ctx, bytes);
  while (m.next()) {
    switch (m.number()) {
      case key_value::key:
        if (!m.string(at(kv, &KeyValue::key))) return false;
        break;
      case key_value::value:
        if (!m.enter() || !read_any_value(ctx, m.child(), at(kv, &KeyValue::value))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

// Appends the current field of `m` as a KeyValue to `attrs`, the next of its element. Inline,
// so that the cursor of the element being read stays in registers.
template <class Attrs>
OTLP_INLINE bool read_attribute(Context& ctx, Message& m, Attrs&& attrs, std::uint64_t& in_element) {
  return m.enter() && m.attribute(in_element, sizeof(KeyValue)) && read_key_value(ctx, m.child(), add(attrs));
}

template <class Values>
bool read_array(Context& ctx, std::string_view bytes, Values&& values) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Values>) m.reserve(values, m.count(array_value::values)[0]);
  std::uint64_t n = 0;
  while (m.next()) {
    if (m.number() == array_value::values) {
      if (!m.enter() || !m.attribute(n, sizeof(AnyValue)) || !read_any_value(ctx, m.child(), add(values))) return false;
    }
  }
  return m.ok();
}

template <class Kvs>
bool read_kvlist(Context& ctx, std::string_view bytes, Kvs&& kvs) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Kvs>) m.reserve(kvs, m.count(key_value_list::values)[0]);
  std::uint64_t n = 0;
  while (m.next())
    if (m.number() == key_value_list::values && !read_attribute(ctx, m, kvs, n)) return false;
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
inline void become(Skip<AnyValue>, AnyValue::Kind) {}

template <class Value>
bool read_any_value(Context& ctx, std::string_view bytes, Value&& v) {
  Message m(ctx, bytes);
  using Kind = AnyValue::Kind;
  while (m.next()) {
    switch (m.number()) {
      case any_value::string_value:
        become(v, Kind::string);
        if (!m.string(at(v, &AnyValue::str))) return false;
        break;
      case any_value::bool_value:
        become(v, Kind::boolean);
        if (!m.boolean(at(v, &AnyValue::bool_value))) return false;
        break;
      case any_value::int_value:
        become(v, Kind::int64);
        if (!m.int64(at(v, &AnyValue::int_value))) return false;
        break;
      case any_value::double_value:
        become(v, Kind::dbl);
        if (!m.dbl(at(v, &AnyValue::double_value))) return false;
        break;
      case any_value::array_value:
        if (!m.enter()) return false;
        become(v, Kind::array);
        if (!read_array(ctx, m.child(), at(v, &AnyValue::array))) return false;
        break;
      case any_value::kvlist_value:
        if (!m.enter()) return false;
        become(v, Kind::kvlist);
        if (!read_kvlist(ctx, m.child(), at(v, &AnyValue::kvlist))) return false;
        break;
      case any_value::bytes_value:
        become(v, Kind::bytes);
        if (!m.string(at(v, &AnyValue::str))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

template <class St>
bool read_status(Context& ctx, std::string_view bytes, St&& st) {
  Message m(ctx, bytes);
  while (m.next()) {
    switch (m.number()) {
      case status::message:
        if (!m.string(at(st, &Status::message))) return false;
        break;
      case status::code:
        if (!m.enumeration(at(st, &Status::code), 2)) return false;
        break;
      default: break;  // includes the reserved field 1
    }
  }
  return m.ok();
}

template <class Ev>
bool read_event(Context& ctx, std::string_view bytes, Ev&& e) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Ev>) m.reserve(e.attributes, m.count(event::attributes)[0]);
  std::uint64_t attributes = 0;
  while (m.next()) {
    switch (m.number()) {
      case event::time_unix_nano:
        if (!m.fixed64(at(e, &Event::time_unix_nano))) return false;
        break;
      case event::name:
        if (!m.string(at(e, &Event::name))) return false;
        break;
      case event::attributes:
        if (!read_attribute(ctx, m, at(e, &Event::attributes), attributes)) return false;
        break;
      case event::dropped_attributes_count:
        if (!m.uint32(at(e, &Event::dropped_attributes_count))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

template <class Ln>
bool read_link(Context& ctx, std::string_view bytes, Ln&& l) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Ln>) m.reserve(l.attributes, m.count(link::attributes)[0]);
  std::uint64_t attributes = 0;
  while (m.next()) {
    switch (m.number()) {
      case link::trace_id:
        if (!m.id(at(l, &Link::trace_id))) return false;
        break;
      case link::span_id:
        if (!m.id(at(l, &Link::span_id))) return false;
        break;
      case link::trace_state:
        if (!m.string(at(l, &Link::trace_state))) return false;
        break;
      case link::attributes:
        if (!read_attribute(ctx, m, at(l, &Link::attributes), attributes)) return false;
        break;
      case link::dropped_attributes_count:
        if (!m.uint32(at(l, &Link::dropped_attributes_count))) return false;
        break;
      case link::flags:
        if (!m.fixed32(at(l, &Link::flags))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

template <class Span>
bool read_span(Context& ctx, std::string_view bytes, Span&& s) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Span>) {
    s.kind = SpanKind::unspecified;  // the proto3 default of an absent field (the model's is internal)
    const auto n = m.count(span::attributes, span::events, span::links);
    m.reserve(s.attributes, n[0]);
    m.reserve(s.events, n[1]);
    m.reserve(s.links, n[2]);
  }
  std::uint64_t attributes = 0;
  while (m.next()) {
    switch (m.number()) {
      case span::trace_id:
        if (!m.id(at(s, &SpanData::trace_id))) return false;
        break;
      case span::span_id:
        if (!m.id(at(s, &SpanData::span_id))) return false;
        break;
      case span::trace_state:
        if (!m.string(at(s, &SpanData::trace_state))) return false;
        break;
      case span::parent_span_id:
        if (!m.id(at(s, &SpanData::parent_span_id))) return false;
        break;
      case span::name:
        if (!m.string(at(s, &SpanData::name))) return false;
        break;
      case span::kind:
        if (!m.enumeration(at(s, &SpanData::kind), 5)) return false;
        break;
      case span::start_time_unix_nano:
        if (!m.fixed64(at(s, &SpanData::start_time_unix_nano))) return false;
        break;
      case span::end_time_unix_nano:
        if (!m.fixed64(at(s, &SpanData::end_time_unix_nano))) return false;
        break;
      case span::attributes:
        if (!read_attribute(ctx, m, at(s, &SpanData::attributes), attributes)) return false;
        break;
      case span::dropped_attributes_count:
        if (!m.uint32(at(s, &SpanData::dropped_attributes_count))) return false;
        break;
      case span::events:
        if (!m.enter() || !m.record(sizeof(Event)) || !read_event(ctx, m.child(), add(at(s, &SpanData::events)))) return false;
        break;
      case span::dropped_events_count:
        if (!m.uint32(at(s, &SpanData::dropped_events_count))) return false;
        break;
      case span::links:
        if (!m.enter() || !m.record(sizeof(Link)) || !read_link(ctx, m.child(), add(at(s, &SpanData::links)))) return false;
        break;
      case span::dropped_links_count:
        if (!m.uint32(at(s, &SpanData::dropped_links_count))) return false;
        break;
      case span::status:
        if (!m.enter() || !read_status(ctx, m.child(), at(s, &SpanData::status))) return false;
        break;
      case span::flags:
        if (!m.fixed32(at(s, &SpanData::flags))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

template <class Res>
bool read_resource(Context& ctx, std::string_view bytes, Res&& r) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Res>) m.reserve(r.attributes, m.count(resource::attributes)[0]);
  std::uint64_t attributes = 0;
  while (m.next()) {
    switch (m.number()) {
      case resource::attributes:
        if (!read_attribute(ctx, m, at(r, &Resource::attributes), attributes)) return false;
        break;
      case resource::dropped_attributes_count:
        if (!m.uint32(at(r, &Resource::dropped_attributes_count))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

template <class Scope>
bool read_scope(Context& ctx, std::string_view bytes, Scope&& s) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Scope>) m.reserve(s.attributes, m.count(scope::attributes)[0]);
  std::uint64_t attributes = 0;
  while (m.next()) {
    switch (m.number()) {
      case scope::name:
        if (!m.string(at(s, &InstrumentationScope::name))) return false;
        break;
      case scope::version:
        if (!m.string(at(s, &InstrumentationScope::version))) return false;
        break;
      case scope::attributes:
        if (!read_attribute(ctx, m, at(s, &InstrumentationScope::attributes), attributes)) return false;
        break;
      case scope::dropped_attributes_count:
        if (!m.uint32(at(s, &InstrumentationScope::dropped_attributes_count))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

template <class Ss>
bool read_scope_spans(Context& ctx, std::string_view bytes, Ss&& ss) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Ss>) m.reserve(ss.spans, m.count(scope_spans::spans)[0]);
  while (m.next()) {
    switch (m.number()) {
      case scope_spans::scope:
        if (!m.enter() || !read_scope(ctx, m.child(), at(ss, &ScopeSpans::scope))) return false;
        break;
      case scope_spans::spans:
        if (!m.enter() || !m.item(sizeof(SpanData)) || !read_span(ctx, m.child(), add(at(ss, &ScopeSpans::spans)))) return false;
        break;
      case scope_spans::schema_url:
        if (!m.string(at(ss, &ScopeSpans::schema_url))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

template <class Rs>
bool read_resource_spans(Context& ctx, std::string_view bytes, Rs&& rs) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Rs>) m.reserve(rs.scope_spans, m.count(resource_spans::scope_spans)[0]);
  while (m.next()) {
    switch (m.number()) {
      case resource_spans::resource:
        if (!m.enter() || !read_resource(ctx, m.child(), at(rs, &ResourceSpans::resource))) return false;
        break;
      case resource_spans::scope_spans:
        if (!m.enter() || !m.bytes(sizeof(ScopeSpans)) ||
            !read_scope_spans(ctx, m.child(), add(at(rs, &ResourceSpans::scope_spans))))
          return false;
        break;
      case resource_spans::schema_url:
        if (!m.string(at(rs, &ResourceSpans::schema_url))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

template <class Request>
void read_request(Context& ctx, std::string_view bytes, Request&& out) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Request>) m.reserve(out.resource_spans, m.count(trace_request::resource_spans)[0]);
  while (m.next()) {
    if (m.number() == trace_request::resource_spans) {
      if (!m.enter() || !m.bytes(sizeof(ResourceSpans)) ||
          !read_resource_spans(ctx, m.child(), add(at(out, &TraceRequest::resource_spans))))
        return;
    }
  }
}

template <class Ps>
bool read_partial_success(Context& ctx, std::string_view bytes, Ps&& ps) {
  Message m(ctx, bytes);
  while (m.next()) {
    switch (m.number()) {
      case trace_partial_success::rejected_spans:
        if (!m.int64(at(ps, &PartialSuccess::rejected_spans))) return false;
        break;
      case trace_partial_success::error_message:
        if (!m.string(at(ps, &PartialSuccess::error_message))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

// ---- the validating pass of the signals without a model: the request walked by its schema ----

// A scalar field of wire type `w`, or, repeated, a packed run of them.
bool scalar(Context& ctx, Message& m, const detail::FieldSchema& f, detail::WireType w) {
  if (f.repeated && m.wire() == kLen) return packed_values(ctx, m.tag_at(), m.child(), w, [](std::uint64_t) {});
  return m.is(w);
}

bool validate_message(Context& ctx, std::string_view bytes, const detail::MessageSchema& schema) {
  using detail::Count;
  using detail::FieldKind;
  Message m(ctx, bytes);
  std::uint64_t attributes = 0;  // of this element
  while (m.next()) {
    const detail::FieldSchema* f = detail::find_field(schema, m.number());
    if (!f) continue;
    bool ok = true;
    switch (f->kind) {
      case FieldKind::message:
        ok = m.enter() &&
             (f->count == Count::item ? m.item(0)
              : f->count == Count::record  ? m.record(0)
              : f->count == Count::attribute ? m.attribute(attributes, 0)
                                            : true) &&
             validate_message(ctx, m.child(), *f->message);
        break;
      case FieldKind::string:
      case FieldKind::bytes: ok = m.string(Skip<std::string>{}); break;
      case FieldKind::id16: ok = m.id(Skip<TraceId>{}); break;
      case FieldKind::id8: ok = m.id(Skip<SpanId>{}); break;
      case FieldKind::boolean:
      case FieldKind::uint32:
      case FieldKind::int64:
      case FieldKind::uint64:
      case FieldKind::sint32: ok = scalar(ctx, m, *f, kVarint); break;
      case FieldKind::fixed64:
      case FieldKind::sfixed64:
      case FieldKind::dbl: ok = scalar(ctx, m, *f, kFixed64); break;
      case FieldKind::fixed32: ok = scalar(ctx, m, *f, kFixed32); break;
    }
    if (!ok) return false;
  }
  return m.ok();
}

}  // namespace

DecodeStatus decode_trace_request(std::string_view bytes, TraceRequest& out, const DecodeOptions& options) {
  out.resource_spans.clear();
  Context ctx(bytes.data(), options.max_depth, options.limits.value_or(DecodeLimits::for_body(bytes.size())));
  read_request(ctx, bytes, out);
  return ctx.status;
}

DecodeStatus validate_trace_request(std::string_view bytes, std::uint64_t& spans, const DecodeOptions& options) {
  Context ctx(bytes.data(), options.max_depth, options.limits.value_or(DecodeLimits::for_body(bytes.size())));
  read_request(ctx, bytes, Skip<TraceRequest>{});
  spans = ctx.items;
  return ctx.status;
}

DecodeStatus validate_request(Signal signal, std::string_view bytes, std::uint64_t& items,
                              const DecodeOptions& options) {
  if (signal == Signal::traces) return validate_trace_request(bytes, items, options);
  Context ctx(bytes.data(), options.max_depth, options.limits.value_or(DecodeLimits::for_body(bytes.size())));
  validate_message(ctx, bytes, detail::request_schema(signal));
  items = ctx.items;
  return ctx.status;
}

DecodeStatus decode_trace_response(std::string_view bytes, std::optional<PartialSuccess>& partial) {
  partial.reset();
  Context ctx(bytes.data(), DecodeOptions{}.max_depth, kNoLimits);
  Message m(ctx, bytes);
  while (m.next()) {
    if (m.number() == export_response::partial_success) {
      if (!m.enter()) break;
      if (!partial) partial.emplace();
      if (!read_partial_success(ctx, m.child(), *partial)) break;
    }
  }
  return ctx.status;
}

// ---------------------------------------------------------------------------------------------
// google.rpc.Status (rpc_status.hpp): the gRPC status details trailer.

namespace {

constexpr std::uint64_t kNanosPerSecond = 1'000'000'000;

// google.protobuf.Duration -> nanoseconds, negative as 0, saturating like Retry-After.
bool decode_duration(Context& ctx, std::string_view bytes, std::uint64_t& out) {
  Message m(ctx, bytes);
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
bool decode_retry_info(Context& ctx, std::string_view bytes, std::uint64_t& delay) {
  Message m(ctx, bytes);
  delay = 0;
  while (m.next()) {
    if (m.number() != 1) continue;
    if (!m.enter() || !decode_duration(ctx, m.child(), delay)) return false;
  }
  return m.ok();
}

bool is_retry_info(std::string_view type_url) {
  const std::size_t slash = type_url.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? type_url : type_url.substr(slash + 1);
  return name == kRetryInfoTypeUrl.substr(kRetryInfoTypeUrl.rfind('/') + 1);
}

// google.protobuf.Any: type_url and value may come in either order, so both are read first.
bool decode_detail(Context& ctx, std::string_view bytes, RpcStatus& out) {
  Message m(ctx, bytes);
  std::string type_url;
  std::string_view value;
  bool has_value = false;
  while (m.next()) {
    if (m.number() == 1) {
      if (!m.string(type_url)) return false;
    } else if (m.number() == 2) {
      if (!m.enter()) return false;
      value = m.child();
      has_value = true;
    }
  }
  if (!m.ok()) return false;
  if (out.retry_delay_ns || !is_retry_info(type_url)) return true;  // the first RetryInfo wins
  std::uint64_t delay = 0;
  if (has_value && !decode_retry_info(ctx, value, delay)) return false;
  out.retry_delay_ns = delay;
  return true;
}

}  // namespace

DecodeStatus decode_rpc_status(std::string_view bytes, RpcStatus& out) {
  out = RpcStatus{};
  Context ctx(bytes.data(), DecodeOptions{}.max_depth, kNoLimits);
  Message m(ctx, bytes);
  while (m.next()) {
    if (m.number() == 1) {
      if (!m.is(kVarint)) break;
      out.code = static_cast<std::int32_t>(static_cast<std::uint32_t>(m.value()));
    } else if (m.number() == 2) {
      if (!m.string(out.message)) break;
    } else if (m.number() == 3) {
      if (!m.enter() || !decode_detail(ctx, m.child(), out)) break;
    }
  }
  return ctx.status;
}

}  // namespace otlp
