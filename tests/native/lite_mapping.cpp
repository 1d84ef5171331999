#include "lite_mapping.hpp"

#include <string_view>

namespace otlp::testing::lite {
namespace {

template <std::size_t N>
void set_id(const Id<N>& id, std::string* out) {
  if (id.valid()) out->assign(reinterpret_cast<const char*>(id.bytes.data()), N);
}

void attributes_to_lite(const Attributes& in,
                        google::protobuf::RepeatedPtrField<pb_common::KeyValue>& out) {
  out.Reserve(static_cast<int>(in.size()));
  for (const auto& kv : in) {
    auto* m = out.Add();
    m->set_key(kv.key);
    to_lite(kv.value, *m->mutable_value());  // present even when the value is empty
  }
}

// Errors are reported through a shared string so the recursion stays simple.
struct FromLite {
  std::string error;

  template <std::size_t N>
  Id<N> id(const std::string& raw, const char* what) {
    Id<N> out;
    if (raw.empty()) return out;
    auto parsed = Id<N>::from_bytes(raw);
    if (!parsed) {
      if (error.empty())
        error = std::string(what) + " has " + std::to_string(raw.size()) + " bytes, expected 0 or " + std::to_string(N);
      return out;
    }
    return *parsed;
  }

  AnyValue value(const pb_common::AnyValue& in) {
    AnyValue out;
    switch (in.value_case()) {
      case pb_common::AnyValue::VALUE_NOT_SET: break;
      case pb_common::AnyValue::kStringValue: out = AnyValue(in.string_value()); break;
      case pb_common::AnyValue::kBoolValue: out = AnyValue(in.bool_value()); break;
      case pb_common::AnyValue::kIntValue: out = AnyValue(static_cast<long long>(in.int_value())); break;
      case pb_common::AnyValue::kDoubleValue: out = AnyValue(in.double_value()); break;
      case pb_common::AnyValue::kBytesValue: out = AnyValue::bytes(in.bytes_value()); break;
      case pb_common::AnyValue::kArrayValue: {
        std::vector<AnyValue> items;
        items.reserve(static_cast<std::size_t>(in.array_value().values_size()));
        for (const auto& v : in.array_value().values()) items.push_back(value(v));
        out = AnyValue::array_of(std::move(items));
        break;
      }
      case pb_common::AnyValue::kKvlistValue:
        out = AnyValue::kvlist_of(attributes(in.kvlist_value().values()));
        break;
    }
    return out;
  }

  Attributes attributes(const google::protobuf::RepeatedPtrField<pb_common::KeyValue>& in) {
    Attributes out;
    out.reserve(static_cast<std::size_t>(in.size()));
    for (const auto& kv : in) out.push_back({kv.key(), kv.has_value() ? value(kv.value()) : AnyValue{}});
    return out;
  }

  SpanData span(const pb_trace::Span& in) {
    SpanData s;
    s.trace_id = id<16>(in.trace_id(), "span.trace_id");
    s.span_id = id<8>(in.span_id(), "span.span_id");
    s.trace_state = in.trace_state();
    s.parent_span_id = id<8>(in.parent_span_id(), "span.parent_span_id");
    s.name = in.name();
    s.kind = static_cast<SpanKind>(in.kind());
    s.start_time_unix_nano = in.start_time_unix_nano();
    s.end_time_unix_nano = in.end_time_unix_nano();
    s.attributes = attributes(in.attributes());
    s.dropped_attributes_count = in.dropped_attributes_count();
    for (const auto& e : in.events()) {
      Event& m = s.events.emplace_back();
      m.time_unix_nano = e.time_unix_nano();
      m.name = e.name();
      m.attributes = attributes(e.attributes());
      m.dropped_attributes_count = e.dropped_attributes_count();
    }
    s.dropped_events_count = in.dropped_events_count();
    for (const auto& l : in.links()) {
      Link& m = s.links.emplace_back();
      m.trace_id = id<16>(l.trace_id(), "link.trace_id");
      m.span_id = id<8>(l.span_id(), "link.span_id");
      m.trace_state = l.trace_state();
      m.attributes = attributes(l.attributes());
      m.dropped_attributes_count = l.dropped_attributes_count();
      m.flags = l.flags();
    }
    s.dropped_links_count = in.dropped_links_count();
    if (in.has_status()) {
      s.status.code = static_cast<StatusCode>(in.status().code());
      s.status.message = in.status().message();
    }
    s.flags = in.flags();
    return s;
  }
};

}  // namespace

void to_lite(const AnyValue& in, pb_common::AnyValue& out) {
  switch (in.kind) {
    case AnyValue::Kind::empty: break;
    case AnyValue::Kind::string: out.set_string_value(in.str); break;
    case AnyValue::Kind::boolean: out.set_bool_value(in.bool_value); break;
    case AnyValue::Kind::int64: out.set_int_value(in.int_value); break;
    case AnyValue::Kind::dbl: out.set_double_value(in.double_value); break;
    case AnyValue::Kind::bytes: out.set_bytes_value(in.str); break;
    case AnyValue::Kind::array: {
      auto* arr = out.mutable_array_value();  // present even when the array is empty
      for (const auto& v : in.array) to_lite(v, *arr->add_values());
      break;
    }
    case AnyValue::Kind::kvlist:
      attributes_to_lite(in.kvlist, *out.mutable_kvlist_value()->mutable_values());
      break;
  }
}

void to_lite(const SpanData& in, pb_trace::Span& out) {
  set_id(in.trace_id, out.mutable_trace_id());
  set_id(in.span_id, out.mutable_span_id());
  out.set_trace_state(in.trace_state);
  set_id(in.parent_span_id, out.mutable_parent_span_id());
  out.set_name(in.name);
  out.set_kind(static_cast<pb_trace::Span::SpanKind>(in.kind));
  out.set_start_time_unix_nano(in.start_time_unix_nano);
  out.set_end_time_unix_nano(in.end_time_unix_nano);
  attributes_to_lite(in.attributes, *out.mutable_attributes());
  out.set_dropped_attributes_count(in.dropped_attributes_count);
  for (const auto& e : in.events) {
    auto* m = out.add_events();
    m->set_time_unix_nano(e.time_unix_nano);
    m->set_name(e.name);
    attributes_to_lite(e.attributes, *m->mutable_attributes());
    m->set_dropped_attributes_count(e.dropped_attributes_count);
  }
  out.set_dropped_events_count(in.dropped_events_count);
  for (const auto& l : in.links) {
    auto* m = out.add_links();
    set_id(l.trace_id, m->mutable_trace_id());
    set_id(l.span_id, m->mutable_span_id());
    m->set_trace_state(l.trace_state);
    attributes_to_lite(l.attributes, *m->mutable_attributes());
    m->set_dropped_attributes_count(l.dropped_attributes_count);
    m->set_flags(l.flags);
  }
  out.set_dropped_links_count(in.dropped_links_count);
  if (in.status.code != StatusCode::unset || !in.status.message.empty()) {
    auto* st = out.mutable_status();
    st->set_message(in.status.message);
    st->set_code(static_cast<pb_trace::Status::StatusCode>(in.status.code));
  }
  out.set_flags(in.flags);
}

void to_lite(const TraceRequest& in, pb_collector::ExportTraceServiceRequest& out) {
  out.Clear();
  for (const auto& rs : in.resource_spans) {
    auto* rm = out.add_resource_spans();
    if (!rs.resource.attributes.empty() || rs.resource.dropped_attributes_count != 0) {
      auto* res = rm->mutable_resource();
      attributes_to_lite(rs.resource.attributes, *res->mutable_attributes());
      res->set_dropped_attributes_count(rs.resource.dropped_attributes_count);
    }
    for (const auto& ss : rs.scope_spans) {
      auto* sm = rm->add_scope_spans();
      const auto& sc = ss.scope;
      if (!sc.name.empty() || !sc.version.empty() || !sc.attributes.empty() || sc.dropped_attributes_count != 0) {
        auto* scope = sm->mutable_scope();
        scope->set_name(sc.name);
        scope->set_version(sc.version);
        attributes_to_lite(sc.attributes, *scope->mutable_attributes());
        scope->set_dropped_attributes_count(sc.dropped_attributes_count);
      }
      sm->mutable_spans()->Reserve(static_cast<int>(ss.spans.size()));
      for (const auto& span : ss.spans) to_lite(span, *sm->add_spans());
      sm->set_schema_url(ss.schema_url);
    }
    rm->set_schema_url(rs.schema_url);
  }
}

pb_collector::ExportTraceServiceRequest to_lite(const TraceRequest& in) {
  pb_collector::ExportTraceServiceRequest out;
  to_lite(in, out);
  return out;
}

std::optional<TraceRequest> from_lite(const pb_collector::ExportTraceServiceRequest& in, std::string* error) {
  FromLite f;
  TraceRequest out;
  for (const auto& rm : in.resource_spans()) {
    ResourceSpans& rs = out.resource_spans.emplace_back();
    if (rm.has_resource()) {
      rs.resource.attributes = f.attributes(rm.resource().attributes());
      rs.resource.dropped_attributes_count = rm.resource().dropped_attributes_count();
    }
    for (const auto& sm : rm.scope_spans()) {
      ScopeSpans& ss = rs.scope_spans.emplace_back();
      if (sm.has_scope()) {
        ss.scope.name = sm.scope().name();
        ss.scope.version = sm.scope().version();
        ss.scope.attributes = f.attributes(sm.scope().attributes());
        ss.scope.dropped_attributes_count = sm.scope().dropped_attributes_count();
      }
      ss.spans.reserve(static_cast<std::size_t>(sm.spans_size()));
      for (const auto& span : sm.spans()) ss.spans.push_back(f.span(span));
      ss.schema_url = sm.schema_url();
    }
    rs.schema_url = rm.schema_url();
  }
  if (!f.error.empty()) {
    if (error) *error = f.error;
    return std::nullopt;
  }
  return out;
}

AnyValue from_lite(const pb_common::AnyValue& in) { return FromLite().value(in); }

std::optional<std::string> serialize_with_lite(const TraceRequest& request) {
  std::string out;
  if (!to_lite(request).SerializeToString(&out)) return std::nullopt;
  return out;
}

}  // namespace otlp::testing::lite
