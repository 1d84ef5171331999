// An spdlog sink that emits each message as an OTLP log record through the SDK's logger:
//   level        -> severity number (trace 1, debug 5, info 9, warn 13, error 17, critical 21)
//                   and spdlog's own name for it as severity text ("warning", "critical"...)
//   message      -> body (the formatted text, without the sink's pattern)
//   logger name  -> instrumentation scope (one otlp::Logger per spdlog logger)
//   time         -> time_unix_nano; thread id, source file, line and function -> attributes
//   the span made current on this thread with ActiveSpan -> trace id, span id and flags
#pragma once
#include <spdlog/sinks/base_sink.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "otlp/native/sdk.hpp"

namespace otlp_example {

// Marks `context` as this thread's current span while it lives (nesting restores the outer
// one); records logged meanwhile carry its trace context.
class ActiveSpan {
 public:
  explicit ActiveSpan(const otlp::SpanContext& context) : outer_(current_) { current_ = &context; }
  ~ActiveSpan() { current_ = outer_; }
  ActiveSpan(const ActiveSpan&) = delete;
  ActiveSpan& operator=(const ActiveSpan&) = delete;
  static const otlp::SpanContext* current() { return current_; }

 private:
  inline static thread_local const otlp::SpanContext* current_ = nullptr;
  const otlp::SpanContext* outer_;
};

template <class Mutex>
class OtlpSink : public spdlog::sinks::base_sink<Mutex> {
 public:
  // `sdk` must outlive the sink's last message.
  explicit OtlpSink(otlp::native::Sdk& sdk) : sdk_(sdk) {}

  static std::uint8_t severity(spdlog::level::level_enum level) {
    switch (level) {
      case spdlog::level::trace: return 1;
      case spdlog::level::debug: return 5;
      case spdlog::level::info: return 9;
      case spdlog::level::warn: return 13;
      case spdlog::level::err: return 17;
      case spdlog::level::critical: return 21;
      default: return 0;
    }
  }

 protected:
  // Called with the sink's mutex held.
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const std::string name(msg.logger_name.data(), msg.logger_name.size());
    auto it = loggers_.find(name);
    if (it == loggers_.end()) it = loggers_.emplace(name, sdk_.logger(name)).first;
    const std::uint8_t level = severity(msg.level);
    if (!it->second.enabled(level)) return;

    const otlp::AttributeValue body(std::string_view(msg.payload.data(), msg.payload.size()));
    // Where the call was made, when the SPDLOG_* macros passed it.
    const bool located = !msg.source.empty();
    const bool function = located && msg.source.funcname && *msg.source.funcname;
    const otlp::Attribute attributes[] = {
        {"thread.id", static_cast<long long>(msg.thread_id)},
        {"code.file.path", located ? msg.source.filename : ""},
        {"code.line.number", msg.source.line},
        {"code.function.name", function ? msg.source.funcname : ""},
    };
    const std::size_t count = !located ? 1 : function ? 4 : 3;
    const auto since_epoch = msg.time.time_since_epoch();
    const spdlog::string_view_t level_name = spdlog::level::to_string_view(msg.level);
    it->second.emit({
        .time_unix_nano = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count()),
        .severity = level,
        .severity_text = std::string_view(level_name.data(), level_name.size()),
        .body = &body,
        .attributes = attributes,
        .attribute_count = count,
        .context = ActiveSpan::current(),
    });
  }
  // Records are exported by the SDK's worker; the SDK's flush() or shutdown() waits for them.
  void flush_() override {}

 private:
  otlp::native::Sdk& sdk_;
  std::map<std::string, otlp::Logger> loggers_;
};

using OtlpSinkMt = OtlpSink<std::mutex>;

}  // namespace otlp_example
