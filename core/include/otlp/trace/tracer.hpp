// The tracing API: a provider (limits, sampler, ids, one pipeline), tracers per
// instrumentation scope, and spans. A sampled span encodes what it records straight into
// protobuf as it goes, so end() hands finished bytes to the queue: no allocation per
// attribute, no lock, and a batch is a concatenation.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "otlp/model/attribute.hpp"
#include "otlp/record/limits.hpp"
#include "otlp/export/pipeline.hpp"
#include "otlp/trace/sampler.hpp"
#include "otlp/model/span.hpp"

namespace otlp {

struct LinkSpec {
  SpanContext context;
  AttributeList attributes = {};
};

struct SpanStartOptions {
  const SpanContext* parent = nullptr;  // null or invalid: a new trace
  SpanKind kind = SpanKind::internal;
  std::uint64_t start_time_unix_nano = 0;  // 0: the clock's now
  std::initializer_list<LinkSpec> links = {};
};

struct TracerConfig {
  SpanLimits limits;
  std::unique_ptr<Sampler> sampler;  // null: parentbased_always_on
  std::uint64_t id_seed = 0;         // entropy from the host
  // QueuePolicy::wait: called with the time left; waits until the pipeline may have room
  // (the host loop drained some) and returns false once the time is up.
  std::function<bool(std::uint64_t timeout_ns)> wait_for_room;
  // Called from the ending thread when a full batch is waiting, to wake the host loop.
  std::function<void()> on_batch_ready;
};

class Span;
class Tracer;
struct SpanRecord;

class TracerProvider {
 public:
  TracerProvider(Pipeline& pipeline, Clock& clock, TracerConfig config = {});
  TracerProvider(const TracerProvider&) = delete;
  TracerProvider& operator=(const TracerProvider&) = delete;

  Tracer tracer(std::string_view scope_name, std::string_view scope_version = {});
  Pipeline& pipeline() noexcept { return pipeline_; }
  Clock& clock() noexcept { return clock_; }
  const SpanLimits& limits() const noexcept { return config_.limits; }

 private:
  friend class Tracer;
  friend class Span;
  struct Local;
  Local& local() noexcept;  // the calling thread's id stream and counters for this provider
  void finish(SpanRecord& record, std::uint64_t end_time);

  Pipeline& pipeline_;
  Clock& clock_;
  TracerConfig config_;
  bool sampler_uses_time_ = false;
  std::array<int, 5> fixed_decisions_{};  // Sampler::fixed_decision by ParentCase
  std::uint64_t serial_;                      // tells providers apart, even at a reused address
  std::atomic<std::uint64_t> id_streams_{0};  // each thread draws ids from a stream of its own
};

class Tracer {
 public:
  Span start_span(std::string_view name, AttributeList attributes, const SpanStartOptions& options = {});
  Span start_span(std::string_view name, const SpanStartOptions& options = {});

 private:
  friend class TracerProvider;
  Tracer(TracerProvider& provider, std::uint16_t scope) : provider_(&provider), scope_(scope) {}
  TracerProvider* provider_;
  std::uint16_t scope_;
};

// A span handle: move-only, ends on destruction. A span the sampler dropped still carries a
// context to propagate, and every other call on it returns at once. Use one span from one
// thread at a time.
class Span {
 public:
  Span() = default;
  Span(Span&& other) noexcept;
  Span& operator=(Span&& other) noexcept;
  ~Span() { end(); }

  bool is_recording() const noexcept { return record_ != nullptr; }
  const SpanContext& context() const noexcept { return context_; }

  // Every call on a span that is not recording returns at once, inline.
  // Overwrites an existing key; beyond the attribute count limit drops and counts.
  Span& set_attribute(std::string_view key, AttributeValue value) {
    if (record_) record_attribute(key, value);
    return *this;
  }
  Span& set_attributes(AttributeList attributes) {
    if (record_)
      for (const auto& a : attributes) record_attribute(a.key, a.value);
    return *this;
  }
  Span& add_event(std::string_view name, AttributeList attributes = {}, std::uint64_t time_unix_nano = 0) {
    if (record_) record_event(name, attributes.begin(), attributes.size(), time_unix_nano);
    return *this;
  }
  Span& add_link(const SpanContext& context, AttributeList attributes = {}) {
    if (record_) record_link(context, attributes.begin(), attributes.size());
    return *this;
  }
  // The same three from an array built at run time (hosts whose attributes arrive as data,
  // such as the WASM module's, cannot make an initializer_list).
  Span& set_attributes(const Attribute* attributes, std::size_t n) {
    if (record_)
      for (std::size_t i = 0; i < n; ++i) record_attribute(attributes[i].key, attributes[i].value);
    return *this;
  }
  Span& add_event(std::string_view name, const Attribute* attributes, std::size_t n, std::uint64_t time_unix_nano) {
    if (record_) record_event(name, attributes, n, time_unix_nano);
    return *this;
  }
  Span& add_link(const SpanContext& context, const Attribute* attributes, std::size_t n) {
    if (record_) record_link(context, attributes, n);
    return *this;
  }
  // An "exception" event with exception.type / .message / .stacktrace (semantic conventions).
  // The status is left to the caller, as the spec says.
  Span& record_exception(std::string_view type, std::string_view message, std::string_view stacktrace = {},
                         std::uint64_t time_unix_nano = 0);
  // Ok is final; Error replaces Unset/Error and keeps a description; Unset is ignored.
  Span& set_status(StatusCode code, std::string_view description = {});
  Span& update_name(std::string_view name);
  // Idempotent: later calls, and every change after it, are ignored.
  void end(std::uint64_t end_time_unix_nano = 0) {
    if (record_) finish(end_time_unix_nano);
  }

 private:
  friend class Tracer;
  Span(TracerProvider* provider, SpanRecord* record, SpanContext&& context)
      : provider_(provider), record_(record), context_(std::move(context)) {}
  void record_attribute(std::string_view key, const AttributeValue& value);
  void record_event(std::string_view name, const Attribute* attributes, std::size_t n, std::uint64_t time);
  void record_link(const SpanContext& context, const Attribute* attributes, std::size_t n);
  void finish(std::uint64_t end_time);
  TracerProvider* provider_ = nullptr;
  SpanRecord* record_ = nullptr;
  SpanContext context_;
};

inline Span Tracer::start_span(std::string_view name, const SpanStartOptions& options) {
  return start_span(name, {}, options);
}

}  // namespace otlp
