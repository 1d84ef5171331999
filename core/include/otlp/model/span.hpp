// The span model, its context, and the resource/scope grouping of an export request.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "otlp/model/ids.hpp"
#include "otlp/model/value.hpp"

namespace otlp {

enum class SpanKind : std::uint8_t { unspecified = 0, internal = 1, server = 2, client = 3, producer = 4, consumer = 5 };
enum class StatusCode : std::uint8_t { unset = 0, ok = 1, error = 2 };

// Span.flags bits (OTLP): low 8 bits are the W3C trace flags.
inline constexpr std::uint32_t kFlagSampled = 0x01;
inline constexpr std::uint32_t kFlagHasIsRemote = 0x100;
inline constexpr std::uint32_t kFlagIsRemote = 0x200;

struct SpanContext {
  TraceId trace_id;
  SpanId span_id;
  std::uint8_t trace_flags = 0;
  std::string trace_state;
  bool remote = false;

  bool valid() const noexcept { return trace_id.valid() && span_id.valid(); }
  bool sampled() const noexcept { return (trace_flags & kFlagSampled) != 0; }
  friend bool operator==(const SpanContext&, const SpanContext&) = default;
};

struct Status {
  StatusCode code = StatusCode::unset;
  std::string message;
  friend bool operator==(const Status&, const Status&) = default;
};

struct Event {
  std::uint64_t time_unix_nano = 0;
  std::string name;
  Attributes attributes;
  std::uint32_t dropped_attributes_count = 0;
  friend bool operator==(const Event&, const Event&) = default;
};

struct Link {
  TraceId trace_id;
  SpanId span_id;
  std::string trace_state;
  Attributes attributes;
  std::uint32_t dropped_attributes_count = 0;
  std::uint32_t flags = 0;
  friend bool operator==(const Link&, const Link&) = default;
};

// A finished (or in-progress) span as OTLP sees it. An invalid (all-zero) parent_span_id means root.
struct SpanData {
  TraceId trace_id;
  SpanId span_id;
  std::string trace_state;
  SpanId parent_span_id;
  std::string name;
  SpanKind kind = SpanKind::internal;
  std::uint64_t start_time_unix_nano = 0;
  std::uint64_t end_time_unix_nano = 0;
  Attributes attributes;
  std::uint32_t dropped_attributes_count = 0;
  std::vector<Event> events;
  std::uint32_t dropped_events_count = 0;
  std::vector<Link> links;
  std::uint32_t dropped_links_count = 0;
  Status status;
  std::uint32_t flags = 0;
  friend bool operator==(const SpanData&, const SpanData&) = default;
};

struct Resource {
  Attributes attributes;
  std::uint32_t dropped_attributes_count = 0;
  friend bool operator==(const Resource&, const Resource&) = default;
};

struct InstrumentationScope {
  std::string name;
  std::string version;
  Attributes attributes;
  std::uint32_t dropped_attributes_count = 0;
  friend bool operator==(const InstrumentationScope&, const InstrumentationScope&) = default;
};

struct ScopeSpans {
  InstrumentationScope scope;
  std::vector<SpanData> spans;
  std::string schema_url;
  friend bool operator==(const ScopeSpans&, const ScopeSpans&) = default;
};

struct ResourceSpans {
  Resource resource;
  std::vector<ScopeSpans> scope_spans;
  std::string schema_url;
  friend bool operator==(const ResourceSpans&, const ResourceSpans&) = default;
};

// ExportTraceServiceRequest.
struct TraceRequest {
  std::vector<ResourceSpans> resource_spans;
  friend bool operator==(const TraceRequest&, const TraceRequest&) = default;
};

// ExportTraceServiceResponse.partial_success; absent on full success.
struct PartialSuccess {
  std::int64_t rejected_spans = 0;
  std::string error_message;
  friend bool operator==(const PartialSuccess&, const PartialSuccess&) = default;
};

}  // namespace otlp
