// OTLP/JSON written straight from the model into the caller's string: compact, fields in
// field-number order, proto3 defaults omitted except the AnyValue oneof member (always written)
// and KeyValue.value (always written, `{}` when empty). Keys are spliced in as compile-time
// literals that carry their own separator, so a field costs one append for its key.
#include "json/json_out.hpp"
#include "otlp/json/json.hpp"

namespace otlp {
namespace {

using detail::JsonWriter;

void write_attributes(JsonWriter& w, const Attributes& attrs);

void write_value(JsonWriter& w, const AnyValue& v) {
  w.raw('{');
  bool first = true;
  switch (v.kind) {
    case AnyValue::Kind::empty: break;
    case AnyValue::Kind::string:
      w.key<"stringValue">(first);
      w.str(v.str);
      break;
    case AnyValue::Kind::boolean:
      w.key<"boolValue">(first);
      v.bool_value ? w.raw("true") : w.raw("false");
      break;
    case AnyValue::Kind::int64:
      w.key<"intValue">(first);
      w.quoted_i64(v.int_value);
      break;
    case AnyValue::Kind::dbl:
      w.key<"doubleValue">(first);
      w.dbl(v.double_value);
      break;
    case AnyValue::Kind::array:
      w.key<"arrayValue">(first);
      if (v.array.empty()) {
        w.raw("{}");
      } else {
        w.raw("{\"values\":[");
        for (std::size_t i = 0; i < v.array.size(); ++i) {
          if (i) w.raw(',');
          write_value(w, v.array[i]);
        }
        w.raw("]}");
      }
      break;
    case AnyValue::Kind::kvlist:
      w.key<"kvlistValue">(first);
      if (v.kvlist.empty()) {
        w.raw("{}");
      } else {
        w.raw("{\"values\":");
        write_attributes(w, v.kvlist);
        w.raw('}');
      }
      break;
    case AnyValue::Kind::bytes:
      w.key<"bytesValue">(first);
      w.base64(v.str);
      break;
  }
  w.raw('}');
}

// A non-empty list of KeyValue as a JSON array.
void write_attributes(JsonWriter& w, const Attributes& attrs) {
  w.raw('[');
  for (std::size_t i = 0; i < attrs.size(); ++i) {
    if (i) w.raw(',');
    const KeyValue& kv = attrs[i];
    if (kv.key.empty()) {
      w.raw("{\"value\":");
    } else {
      w.raw("{\"key\":");
      w.str(kv.key);
      w.raw(",\"value\":");
    }
    write_value(w, kv.value);
    w.raw('}');
  }
  w.raw(']');
}

// The fields shared by several messages.
void attributes_field(JsonWriter& w, bool& first, const Attributes& attrs) {
  if (attrs.empty()) return;
  w.key<"attributes">(first);
  write_attributes(w, attrs);
}

void dropped_attributes_field(JsonWriter& w, bool& first, std::uint32_t dropped) {
  if (dropped == 0) return;
  w.key<"droppedAttributesCount">(first);
  w.u64(dropped);
}

void write_event(JsonWriter& w, const Event& e) {
  bool first = true;
  w.raw('{');
  if (e.time_unix_nano) {
    w.key<"timeUnixNano">(first);
    w.quoted_u64(e.time_unix_nano);
  }
  if (!e.name.empty()) {
    w.key<"name">(first);
    w.str(e.name);
  }
  attributes_field(w, first, e.attributes);
  dropped_attributes_field(w, first, e.dropped_attributes_count);
  w.raw('}');
}

void write_link(JsonWriter& w, const Link& l) {
  bool first = true;
  w.raw('{');
  if (l.trace_id.valid()) {
    w.key<"traceId">(first);
    w.hex_id(l.trace_id);
  }
  if (l.span_id.valid()) {
    w.key<"spanId">(first);
    w.hex_id(l.span_id);
  }
  if (!l.trace_state.empty()) {
    w.key<"traceState">(first);
    w.str(l.trace_state);
  }
  attributes_field(w, first, l.attributes);
  dropped_attributes_field(w, first, l.dropped_attributes_count);
  if (l.flags) {
    w.key<"flags">(first);
    w.u64(l.flags);
  }
  w.raw('}');
}

void write_span(JsonWriter& w, const SpanData& s) {
  bool first = true;
  w.raw('{');
  if (s.trace_id.valid()) {
    w.key<"traceId">(first);
    w.hex_id(s.trace_id);
  }
  if (s.span_id.valid()) {
    w.key<"spanId">(first);
    w.hex_id(s.span_id);
  }
  if (!s.trace_state.empty()) {
    w.key<"traceState">(first);
    w.str(s.trace_state);
  }
  if (s.parent_span_id.valid()) {
    w.key<"parentSpanId">(first);
    w.hex_id(s.parent_span_id);
  }
  if (!s.name.empty()) {
    w.key<"name">(first);
    w.str(s.name);
  }
  if (s.kind != SpanKind::unspecified) {
    w.key<"kind">(first);
    w.u64(static_cast<std::uint64_t>(s.kind));
  }
  if (s.start_time_unix_nano) {
    w.key<"startTimeUnixNano">(first);
    w.quoted_u64(s.start_time_unix_nano);
  }
  if (s.end_time_unix_nano) {
    w.key<"endTimeUnixNano">(first);
    w.quoted_u64(s.end_time_unix_nano);
  }
  attributes_field(w, first, s.attributes);
  dropped_attributes_field(w, first, s.dropped_attributes_count);
  if (!s.events.empty()) {
    w.key<"events">(first);
    w.raw('[');
    for (std::size_t i = 0; i < s.events.size(); ++i) {
      if (i) w.raw(',');
      write_event(w, s.events[i]);
    }
    w.raw(']');
  }
  if (s.dropped_events_count) {
    w.key<"droppedEventsCount">(first);
    w.u64(s.dropped_events_count);
  }
  if (!s.links.empty()) {
    w.key<"links">(first);
    w.raw('[');
    for (std::size_t i = 0; i < s.links.size(); ++i) {
      if (i) w.raw(',');
      write_link(w, s.links[i]);
    }
    w.raw(']');
  }
  if (s.dropped_links_count) {
    w.key<"droppedLinksCount">(first);
    w.u64(s.dropped_links_count);
  }
  if (s.status.code != StatusCode::unset || !s.status.message.empty()) {
    w.key<"status">(first);
    bool sfirst = true;
    w.raw('{');
    if (!s.status.message.empty()) {
      w.key<"message">(sfirst);
      w.str(s.status.message);
    }
    if (s.status.code != StatusCode::unset) {
      w.key<"code">(sfirst);
      w.u64(static_cast<std::uint64_t>(s.status.code));
    }
    w.raw('}');
  }
  if (s.flags) {
    w.key<"flags">(first);
    w.u64(s.flags);
  }
  w.raw('}');
}

void write_scope(JsonWriter& w, const InstrumentationScope& scope) {
  bool first = true;
  w.raw('{');
  if (!scope.name.empty()) {
    w.key<"name">(first);
    w.str(scope.name);
  }
  if (!scope.version.empty()) {
    w.key<"version">(first);
    w.str(scope.version);
  }
  attributes_field(w, first, scope.attributes);
  dropped_attributes_field(w, first, scope.dropped_attributes_count);
  w.raw('}');
}

void write_scope_spans(JsonWriter& w, const ScopeSpans& ss) {
  bool first = true;
  w.raw('{');
  const InstrumentationScope& sc = ss.scope;
  if (!sc.name.empty() || !sc.version.empty() || !sc.attributes.empty() || sc.dropped_attributes_count) {
    w.key<"scope">(first);
    write_scope(w, ss.scope);
  }
  if (!ss.spans.empty()) {
    w.key<"spans">(first);
    w.raw('[');
    for (std::size_t i = 0; i < ss.spans.size(); ++i) {
      if (i) w.raw(',');
      write_span(w, ss.spans[i]);
    }
    w.raw(']');
  }
  if (!ss.schema_url.empty()) {
    w.key<"schemaUrl">(first);
    w.str(ss.schema_url);
  }
  w.raw('}');
}

void write_resource_spans(JsonWriter& w, const ResourceSpans& rs) {
  bool first = true;
  w.raw('{');
  if (!rs.resource.attributes.empty() || rs.resource.dropped_attributes_count) {
    w.key<"resource">(first);
    bool rfirst = true;
    w.raw('{');
    attributes_field(w, rfirst, rs.resource.attributes);
    dropped_attributes_field(w, rfirst, rs.resource.dropped_attributes_count);
    w.raw('}');
  }
  if (!rs.scope_spans.empty()) {
    w.key<"scopeSpans">(first);
    w.raw('[');
    for (std::size_t i = 0; i < rs.scope_spans.size(); ++i) {
      if (i) w.raw(',');
      write_scope_spans(w, rs.scope_spans[i]);
    }
    w.raw(']');
  }
  if (!rs.schema_url.empty()) {
    w.key<"schemaUrl">(first);
    w.str(rs.schema_url);
  }
  w.raw('}');
}

}  // namespace

void append_json_string(std::string_view s, std::string& out) { JsonWriter(out).str(s); }

void encode_trace_request_json(const TraceRequest& request, std::string& out) {
  JsonWriter w(out);
  if (request.resource_spans.empty()) return w.raw("{}");
  w.raw("{\"resourceSpans\":[");
  for (std::size_t i = 0; i < request.resource_spans.size(); ++i) {
    if (i) w.raw(',');
    write_resource_spans(w, request.resource_spans[i]);
  }
  w.raw("]}");
}

void encode_span_json(const SpanData& span, std::string& out) {
  JsonWriter w(out);
  write_span(w, span);
}

void encode_trace_request_json_frame(const Resource& resource, const InstrumentationScope& scope, std::string& head,
                                     std::string& tail) {
  // The request with one placeholder span, cut around that span's JSON: the frame is then
  // exactly what the request writer puts around its spans, written in one place.
  TraceRequest request;
  ResourceSpans& rs = request.resource_spans.emplace_back();
  rs.resource = resource;
  ScopeSpans& ss = rs.scope_spans.emplace_back();
  ss.scope = scope;
  ss.spans.emplace_back();
  std::string whole, span;
  encode_trace_request_json(request, whole);
  encode_span_json(ss.spans[0], span);
  const std::size_t at = whole.rfind(span);
  head.assign(whole, 0, at);
  tail.assign(whole, at + span.size());
}

void encode_trace_response_json(const PartialSuccess* partial, std::string& out) {
  JsonWriter w(out);
  if (!partial) return w.raw("{}");
  bool first = true;
  w.raw("{\"partialSuccess\":{");
  if (partial->rejected_spans) {
    w.key<"rejectedSpans">(first);
    w.quoted_i64(partial->rejected_spans);
  }
  if (!partial->error_message.empty()) {
    w.key<"errorMessage">(first);
    w.str(partial->error_message);
  }
  w.raw("}}");
}

}  // namespace otlp
