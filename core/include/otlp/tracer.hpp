// The tracing API: a provider (limits, sampler, ids, one pipeline), tracers per
// instrumentation scope, and spans. A sampled span encodes what it records straight into
// protobuf as it goes, so end() hands finished bytes to the queue: no allocation per
// attribute, no lock, and a batch is a concatenation.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "otlp/limits.hpp"
#include "otlp/pipeline.hpp"
#include "otlp/sampler.hpp"
#include "otlp/span.hpp"

namespace otlp {

// The host's wall clock. Core never reads a clock itself.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::uint64_t now_unix_nano() noexcept = 0;
};

// A borrowed attribute value: the scalar kinds by value, strings as views, anything else
// (arrays, key-value lists, bytes) through an AnyValue. Nothing is copied until encoded.
class AttributeValue {
 public:
  AttributeValue(const char* s) : kind_(Kind::string), str_(s) {}
  AttributeValue(std::string_view s) : kind_(Kind::string), str_(s) {}
  AttributeValue(const std::string& s) : kind_(Kind::string), str_(s) {}
  AttributeValue(bool b) : kind_(Kind::boolean), int_(b) {}
  AttributeValue(int v) : kind_(Kind::int64), int_(v) {}
  AttributeValue(long v) : kind_(Kind::int64), int_(v) {}
  AttributeValue(long long v) : kind_(Kind::int64), int_(v) {}
  AttributeValue(unsigned v) : kind_(Kind::int64), int_(v) {}
  AttributeValue(double v) : kind_(Kind::dbl), dbl_(v) {}
  AttributeValue(const AnyValue& v) : kind_(Kind::any), any_(&v) {}

  enum class Kind : std::uint8_t { string, boolean, int64, dbl, any };
  Kind kind() const { return kind_; }
  std::string_view str() const { return str_; }
  std::int64_t int_value() const { return int_; }
  double double_value() const { return dbl_; }
  const AnyValue& any() const { return *any_; }

 private:
  Kind kind_;
  std::string_view str_;
  std::int64_t int_ = 0;
  double dbl_ = 0;
  const AnyValue* any_ = nullptr;
};

struct Attribute {
  std::string_view key;
  AttributeValue value;
};
using AttributeList = std::initializer_list<Attribute>;

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
  std::uint64_t next_random() noexcept;
  void finish(SpanRecord& record, std::uint64_t end_time);

  Pipeline& pipeline_;
  Clock& clock_;
  TracerConfig config_;
  std::atomic<std::uint64_t> id_counter_{0};
};

class Tracer {
 public:
  Span start_span(std::string_view name, const SpanStartOptions& options = {});
  Span start_span(std::string_view name, AttributeList attributes, const SpanStartOptions& options = {});

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

  // Overwrites an existing key; beyond the attribute count limit drops and counts.
  Span& set_attribute(std::string_view key, AttributeValue value);
  Span& set_attributes(AttributeList attributes);
  Span& add_event(std::string_view name, AttributeList attributes = {}, std::uint64_t time_unix_nano = 0);
  Span& add_link(const SpanContext& context, AttributeList attributes = {});
  // An "exception" event with exception.type / .message / .stacktrace (semantic conventions).
  // The status is left to the caller, as the spec says.
  Span& record_exception(std::string_view type, std::string_view message, std::string_view stacktrace = {},
                         std::uint64_t time_unix_nano = 0);
  // Ok is final; Error replaces Unset/Error and keeps a description; Unset is ignored.
  Span& set_status(StatusCode code, std::string_view description = {});
  Span& update_name(std::string_view name);
  // Idempotent: later calls, and every change after it, are ignored.
  void end(std::uint64_t end_time_unix_nano = 0);

 private:
  friend class Tracer;
  Span(TracerProvider* provider, SpanRecord* record, const SpanContext& context)
      : provider_(provider), record_(record), context_(context) {}
  TracerProvider* provider_ = nullptr;
  SpanRecord* record_ = nullptr;
  SpanContext context_;
};

}  // namespace otlp
