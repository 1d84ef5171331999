// The OTLP signals and what differs between them, as one table: code that serves every signal
// (the pipeline, the transcoder, and in the hosts the transports, configuration and receiver)
// reads its row instead of being written once per signal.
#pragma once
#include <cstdint>
#include <string_view>

namespace otlp {

enum class Signal : std::uint8_t { traces, logs, metrics };

struct SignalInfo {
  std::string_view name;         // "traces": OTEL_*_EXPORTER values, the receiver's "signal" field
  std::string_view http_path;    // appended to OTEL_EXPORTER_OTLP_ENDPOINT
  std::string_view grpc_method;  // the service's Export method
  std::string_view env;          // OTEL_EXPORTER_OTLP_<env>_* per-signal variables
  std::string_view batch_env;    // OTEL_<batch_env>_* batch processor (metrics: periodic reader) variables
  std::string_view item;         // the unit it counts ("span", "log record", "data point")
  std::string_view items;        // and its plural ("spans", "log records", "data points")
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
    // Metrics have no batch processor: a periodic reader collects and hands each collection to
    // the export engine whole. Its variables are OTEL_METRIC_EXPORT_INTERVAL (60000 ms, the
    // schedule delay's counterpart) and OTEL_METRIC_EXPORT_TIMEOUT (30000 ms, the export
    // timeout); the queue and batch bounds keep the span defaults, as bounds on the data points
    // one exported body may carry, until the metrics SDK sets its own.
    {"metrics", "/v1/metrics", "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", "METRICS", "METRIC",
     "data point", "data points", 2048, 512, 60'000'000'000, 30'000'000'000},
};

constexpr const SignalInfo& signal_info(Signal s) { return kSignals[static_cast<std::size_t>(s)]; }

}  // namespace otlp
