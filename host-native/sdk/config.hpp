// Native configuration: one options struct, filled from the OTEL_* environment variables of the
// OpenTelemetry specification (SDK environment variables and the OTLP exporter's variables).
#pragma once
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "otlp/model/error.hpp"
#include "otlp/record/limits.hpp"
#include "otlp/logs/logs.hpp"
#include "otlp/metrics/metrics.hpp"
#include "otlp/export/pipeline.hpp"
#include "otlp/model/signal.hpp"
#include "otlp/model/span.hpp"
#include "propagators.hpp"

namespace otlp::native {

enum class Protocol : std::uint8_t { grpc, http_protobuf, http_json };

inline constexpr std::string_view kDefaultHttpBase = "http://localhost:4318";
inline constexpr std::string_view kDefaultHttpEndpoint = "http://localhost:4318/v1/traces";
inline constexpr std::string_view kDefaultGrpcEndpoint = "http://localhost:4317";
inline constexpr std::string_view kSdkName = "otlp-portable";

// The SDK version reported as telemetry.sdk.version (the CMake project version).
std::string_view sdk_version() noexcept;

// Where a signal's records go: OTEL_TRACES_EXPORTER, OTEL_LOGS_EXPORTER, OTEL_METRICS_EXPORTER. A set: the variables
// are comma-separated lists, so `otlp,console` sends each request to both.
enum class ExporterKind : std::uint8_t {
  none = 0,     // nowhere: spans are not sampled, loggers enabled for no severity (records
                // without one are counted dropped)
  otlp = 1,     // the OTLP exporter (OtlpOptions), the default
  console = 2,  // one OTLP/JSON line per export request on stderr
};
constexpr ExporterKind operator|(ExporterKind a, ExporterKind b) {
  return static_cast<ExporterKind>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
// True when the set `kinds` holds `one`.
constexpr bool uses(ExporterKind kinds, ExporterKind one) {
  return (static_cast<std::uint8_t>(kinds) & static_cast<std::uint8_t>(one)) != 0;
}

// One signal's OTLP exporter, from OTEL_EXPORTER_OTLP_<SIGNAL>_* (signal_info(s).env) or, where
// that is unset, the generic OTEL_EXPORTER_OTLP_*. Shown here with the traces' names.
struct OtlpOptions {
  // The defaults of `signal`: its HTTP path on the default endpoint.
  static OtlpOptions for_signal(Signal signal);

  // The full URL requests go to. HTTP: OTEL_EXPORTER_OTLP_ENDPOINT + "/v1/traces", or
  // OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is. gRPC: either one as is.
  std::string endpoint{kDefaultHttpEndpoint};
  Protocol protocol = Protocol::http_protobuf;  // OTEL_EXPORTER_OTLP[_TRACES]_PROTOCOL
  // OTEL_EXPORTER_OTLP[_TRACES]_HEADERS, percent-decoded; per-signal entries replace generic
  // ones with the same (case-insensitive) name.
  std::vector<std::pair<std::string, std::string>> headers;
  // OTEL_EXPORTER_OTLP[_TRACES]_TIMEOUT: bounds each batch's export, every attempt and backoff
  // included (PipelineConfig::exporter_timeout_ns), within the batch processor's
  // OTEL_BSP_EXPORT_TIMEOUT / OTEL_BLRP_EXPORT_TIMEOUT.
  std::uint64_t timeout_ms = 10000;
  bool gzip = false;                 // OTEL_EXPORTER_OTLP[_TRACES]_COMPRESSION: gzip | none
  // OTEL_EXPORTER_OTLP[_TRACES]_INSECURE. The spec: it only matters for gRPC endpoints given
  // without a scheme. Endpoints here always carry http:// or https://, and the scheme decides
  // TLS (http:// is plaintext); the flag is parsed, checked and kept for transports to consult.
  bool insecure = false;
  std::string certificate;           // OTEL_EXPORTER_OTLP[_TRACES]_CERTIFICATE: CA file (PEM)
  std::string client_key;            // OTEL_EXPORTER_OTLP[_TRACES]_CLIENT_KEY (mTLS, PEM)
  std::string client_certificate;    // OTEL_EXPORTER_OTLP[_TRACES]_CLIENT_CERTIFICATE (mTLS, PEM)
};

// The logs signal's own settings.
struct LogsOptions {
  ExporterKind exporter = ExporterKind::otlp;                  // OTEL_LOGS_EXPORTER
  OtlpOptions otlp = OtlpOptions::for_signal(Signal::logs);    // OTEL_EXPORTER_OTLP[_LOGS]_*
  // OTEL_BLRP_SCHEDULE_DELAY, OTEL_BLRP_EXPORT_TIMEOUT (ms), OTEL_BLRP_MAX_QUEUE_SIZE,
  // OTEL_BLRP_MAX_EXPORT_BATCH_SIZE; protocol follows otlp.protocol.
  PipelineConfig pipeline = PipelineConfig::for_signal(Signal::logs);
  // OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT, OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT, with
  // OTEL_ATTRIBUTE_COUNT_LIMIT / OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT standing in when unset.
  LogRecordLimits limits;
};

// The metrics signal's own settings.
struct MetricsOptions {
  ExporterKind exporter = ExporterKind::otlp;                      // OTEL_METRICS_EXPORTER
  OtlpOptions otlp = OtlpOptions::for_signal(Signal::metrics);     // OTEL_EXPORTER_OTLP[_METRICS]_*
  // OTEL_METRIC_EXPORT_TIMEOUT (ms) as export_timeout_ns; protocol follows otlp.protocol. The
  // periodic reader hands whole requests to the pipeline's engine: its batch sizes are unused.
  PipelineConfig pipeline = PipelineConfig::for_signal(Signal::metrics);
  std::uint64_t export_interval_ms = 60000;                        // OTEL_METRIC_EXPORT_INTERVAL
  // OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: cumulative | delta | lowmemory.
  TemporalityPreference temporality = TemporalityPreference::cumulative;
  // OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION: explicit_bucket_histogram
  // (explicit_histogram) | base2_exponential_bucket_histogram (exponential_histogram).
  Aggregation default_histogram_aggregation = Aggregation::explicit_histogram;
};

// The traces' OTLP exporter settings are Options' own (OtlpOptions, the fields the SDK had
// before it carried logs); the logs' are in `logs`.
struct Options : OtlpOptions {
  bool disabled = false;  // OTEL_SDK_DISABLED=true: a no-op SDK, nothing else is read
  ExporterKind traces_exporter = ExporterKind::otlp;  // OTEL_TRACES_EXPORTER
  // OTEL_SERVICE_NAME, else service.name from OTEL_RESOURCE_ATTRIBUTES, else "unknown_service".
  std::string service_name = "unknown_service";
  // OTEL_RESOURCE_ATTRIBUTES (string values, percent-decoded), then service.name (always
  // service_name) and telemetry.sdk.{name,language,version} unless the variable set them.
  Resource resource;
  // OTEL_BSP_SCHEDULE_DELAY, OTEL_BSP_EXPORT_TIMEOUT (ms), OTEL_BSP_MAX_QUEUE_SIZE,
  // OTEL_BSP_MAX_EXPORT_BATCH_SIZE; protocol follows `protocol` (json for http_json).
  PipelineConfig pipeline;
  // OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG as given (trimmed); checked by make_sampler.
  std::string sampler = "parentbased_always_on";
  std::string sampler_arg;
  // OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT, OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT,
  // OTEL_SPAN_EVENT_COUNT_LIMIT, OTEL_SPAN_LINK_COUNT_LIMIT, OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT,
  // OTEL_LINK_ATTRIBUTE_COUNT_LIMIT; OTEL_ATTRIBUTE_COUNT_LIMIT and
  // OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT stand in for the attribute ones that are unset.
  SpanLimits limits;
  LogsOptions logs;
  MetricsOptions metrics;
  // OTEL_PROPAGATORS: a comma-separated list of tracecontext and baggage (the default: both), or
  // none. Others (b3, jaeger...) are not built in: an Error naming the variable.
  Propagators propagators;
  std::FILE* console_stream = nullptr;  // where `console` exporters write (null: stderr)
};

// One signal's settings within Options: the one place a Signal is mapped to its fields.
struct SignalOptions {
  ExporterKind& exporter;
  OtlpOptions& otlp;
  PipelineConfig& pipeline;
};
SignalOptions signal_options(Options& options, Signal signal);

using Getenv = std::function<const char*(const char*)>;

// Reads the environment through `getenv` (null: ::getenv). Empty values count as unset and
// per-signal (TRACES, LOGS) variables beat generic ones. Any bad value is an Error naming the variable
// and the value it got, e.g.
//   "OTEL_BSP_MAX_QUEUE_SIZE: expected a non-negative integer, got 'lots'".
Result<Options> options_from_env(Getenv getenv = nullptr);

// Checks options built or edited by hand: endpoint scheme, timeout, pipeline and sampler, for each
// signal whose exporter is used. Errors name the field (or the variable it comes from).
// options_from_env's result always passes.
std::optional<Error> validate(const Options& options);

}  // namespace otlp::native
