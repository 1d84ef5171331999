// The logs API: a provider (limits, minimum severity, one pipeline) and loggers per
// instrumentation scope. A record is encoded into protobuf once, when emitted, and handed to
// the pipeline's queue as spans are: the batches, envelope, retries and stats are the same.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "otlp/model/attribute.hpp"
#include "otlp/record/limits.hpp"
#include "otlp/export/pipeline.hpp"
#include "otlp/model/span.hpp"

namespace otlp {

// SeverityNumber: TRACE 1-4, DEBUG 5-8, INFO 9-12, WARN 13-16, ERROR 17-20, FATAL 21-24.
enum class Severity : std::uint8_t {
  unspecified = 0,
  trace = 1,
  debug = 5,
  info = 9,
  warn = 13,
  error = 17,
  fatal = 21,
};
inline constexpr std::uint8_t kMaxSeverity = 24;

struct LogRecordLimits {
  std::uint32_t attribute_count = 128;              // OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT
  std::uint32_t attribute_value_length = kNoLimit;  // OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT
};

// One record to emit. Everything is borrowed for the call.
struct LogRecord {
  std::uint64_t time_unix_nano = 0;           // when the event happened; 0: unset (allowed)
  std::uint64_t observed_time_unix_nano = 0;  // 0: the clock's now
  std::uint8_t severity = 0;                  // 0..24 (Severity); above 24 is written as 0
  std::string_view severity_text;
  const AttributeValue* body = nullptr;       // any value, a key-value list included; null: none
  const Attribute* attributes = nullptr;
  std::size_t attribute_count = 0;
  std::string_view event_name;
  const SpanContext* context = nullptr;       // the span it was emitted in: trace id, span id, flags
};

// Appends `record` as one ScopeLogs.log_records field (tag, length and LogRecord), written as a
// logger writes it when emitting (the same code), with the record's own observed time: for
// tools that write requests of log records without a pipeline (`otlp encode`).
void encode_log_record_field(const LogRecord& record, std::string& out, const LogRecordLimits& limits = {});

struct LoggerConfig {
  LogRecordLimits limits;
  std::uint8_t min_severity = 0;  // records below it are not enabled (0: every record)
  // As TracerConfig's: waiting for room under QueuePolicy::wait, and waking the host loop.
  std::function<bool(std::uint64_t timeout_ns)> wait_for_room;
  std::function<void()> on_batch_ready;
};

class Logger;

class LoggerProvider {
 public:
  LoggerProvider(Pipeline& pipeline, Clock& clock, LoggerConfig config = {});
  LoggerProvider(const LoggerProvider&) = delete;
  LoggerProvider& operator=(const LoggerProvider&) = delete;

  // A logger for one scope; `min_severity` above the provider's raises it for this logger.
  Logger logger(std::string_view scope_name, std::string_view scope_version = {}, std::uint8_t min_severity = 0);
  Pipeline& pipeline() noexcept { return pipeline_; }
  const LogRecordLimits& limits() const noexcept { return config_.limits; }

 private:
  friend class Logger;
  void emit(std::uint16_t scope, const LogRecord& record);

  Pipeline& pipeline_;
  Clock& clock_;
  LoggerConfig config_;
  std::uint64_t serial_;
};

class Logger {
 public:
  // Whether a record of this severity (and event name) would be emitted: ask before building
  // an expensive one. Inline, a comparison; a severity of 0 (not given) is always enabled.
  bool enabled(std::uint8_t severity, std::string_view event_name = {}) const noexcept {
    (void)event_name;  // no per-event filtering yet; part of the API the spec gives
    return severity >= min_severity_ || severity == 0;
  }
  bool enabled(Severity severity, std::string_view event_name = {}) const noexcept {
    return enabled(static_cast<std::uint8_t>(severity), event_name);
  }
  // Emits the record when enabled(record.severity).
  void emit(const LogRecord& record) {
    if (enabled(record.severity)) provider_->emit(scope_, record);
  }

 private:
  friend class LoggerProvider;
  Logger(LoggerProvider& provider, std::uint16_t scope, std::uint8_t min_severity)
      : provider_(&provider), scope_(scope), min_severity_(min_severity) {}
  LoggerProvider* provider_;
  std::uint16_t scope_;
  std::uint8_t min_severity_;
};

}  // namespace otlp
