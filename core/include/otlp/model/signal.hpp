// The OTLP signals and what differs between them, as one table: code that serves every signal
// (the pipeline, the transcoder, and in the hosts the transports, configuration and receiver)
// reads its row instead of being written once per signal.
#pragma once
#include <cstdint>
#include <string_view>

namespace otlp {

enum class Signal : std::uint8_t { traces, logs };

struct SignalInfo {
  std::string_view name;         // "traces": OTEL_*_EXPORTER values, the receiver's "signal" field
  std::string_view http_path;    // appended to OTEL_EXPORTER_OTLP_ENDPOINT
  std::string_view grpc_method;  // the service's Export method
  std::string_view env;          // OTEL_EXPORTER_OTLP_<env>_* per-signal variables
  std::string_view batch_env;    // OTEL_<batch_env>_* batch processor variables
  std::string_view item;         // the unit it counts ("span", "log record")
  std::string_view items;        // and its plural ("spans", "log records")
  // Batch processor defaults (the SDK specification's).
  std::uint32_t max_queue_size;
  std::uint32_t max_export_batch_size;
  std::uint64_t schedule_delay_ns;
  std::uint64_t export_timeout_ns;
};

inline constexpr SignalInfo kSignals[] = {
    {"traces", "/v1/traces", "/opentelemetry.proto.collector.trace.v1.TraceService/Export", "TRACES", "BSP", "span",
     "spans", 2048, 512, 5'000'000'000, 30'000'000'000},
    {"logs", "/v1/logs", "/opentelemetry.proto.collector.logs.v1.LogsService/Export", "LOGS", "BLRP", "log record",
     "log records", 2048, 512, 1'000'000'000, 30'000'000'000},
};

constexpr const SignalInfo& signal_info(Signal s) { return kSignals[static_cast<std::size_t>(s)]; }

}  // namespace otlp
