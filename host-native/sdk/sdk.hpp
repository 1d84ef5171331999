// The native SDK in one call: Options (config.hpp) -> sampler, resource, limits, a pipeline per
// signal, the transport, one worker thread for every signal, the tracer, logger and meter providers,
// wired together and started.
//
//   auto sdk = otlp::native::start_from_env();      // or start(options)
//   if (!sdk) { log(sdk.error().message); ... }
//   auto tracer = sdk->tracer("checkout", "1.4.2");
//   tracer.start_span("charge").set_attribute("order.id", 1234);
//   auto logger = sdk->logger("checkout", "1.4.2");
//   otlp::AttributeValue body("payment declined");
//   logger.emit({.severity = 17, .severity_text = "ERROR", .body = &body});
//   auto requests = sdk->meter("checkout").counter<std::int64_t>("app.requests");
//   requests.add(1, {{"http.route", "/pay"}});
//   auto report = sdk->shutdown(5'000'000'000);     // flushes; says what could not be sent
#pragma once
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>

#include "config.hpp"
#include "otlp/model/error.hpp"
#include "otlp/logs/logs.hpp"
#include "otlp/metrics/metrics.hpp"
#include "otlp/export/pipeline.hpp"
#include "otlp/model/signal.hpp"
#include "otlp/trace/tracer.hpp"

namespace otlp::native {

struct SignalReport {
  // Items (spans, log records) ended or emitted that never reached the server: dropped (queue
  // full, after shutdown, or no exporter), rejected by the server (partial success) and failed
  // (after retries, timeout, or still queued when the timeout passed).
  std::uint64_t not_exported = 0;
  Stats stats;  // the final counters; stats.last_error says why, when something failed
};

struct ShutdownReport {
  FlushState state = FlushState::done;  // timed_out: the timeout passed with items unsent
  SignalReport signals[std::size(kSignals)];  // by Signal
  const SignalReport& operator[](Signal s) const { return signals[static_cast<std::size_t>(s)]; }
  // The traces' entry, as callers written before logs read it.
  std::uint64_t not_exported = 0;
  Stats stats;
};

class Sdk {
 public:
  Sdk(Sdk&&) noexcept;
  Sdk& operator=(Sdk&&) noexcept;
  // Shuts down (flushing within the pipeline's export timeout) unless shutdown() ran already.
  ~Sdk();

  // Tracers stay valid as long as the Sdk (moving the Sdk keeps them valid).
  Tracer tracer(std::string_view scope_name, std::string_view scope_version = {});
  TracerProvider& provider();
  // Loggers too. `min_severity` as LoggerProvider::logger's. With logs disabled or exported to
  // `none`, loggers are enabled for no severity (records without one are counted dropped).
  Logger logger(std::string_view scope_name, std::string_view scope_version = {}, std::uint8_t min_severity = 0);
  LoggerProvider& logger_provider();
  // Meters too: the periodic reader collects every OTEL_METRIC_EXPORT_INTERVAL on the worker
  // thread, at flush() and once more at shutdown(). With metrics exported to `none`, nothing is
  // collected (recording still works, into at most the cardinality limit's series).
  Meter meter(std::string_view scope_name, std::string_view scope_version = {});
  MeterProvider& meter_provider();
  bool disabled() const;  // OTEL_SDK_DISABLED: spans are never recorded, nothing is sent
  // OTEL_PROPAGATORS: the headers to write into outgoing requests and read from incoming ones.
  const Propagators& propagators() const;

  // Any thread, any time. Per signal; emitted log records count as `ended`, so the invariant
  // ended == exported + rejected + failed + dropped + queued holds for both. stats(): traces.
  Stats stats(Signal signal) const;
  Stats stats() const;
  // Waits until everything ended or emitted before the call, in every signal, has a final
  // outcome, or the timeout passes.
  FlushState flush(std::uint64_t timeout_ns);
  // Flushes every signal, then refuses new items and stops the worker. Later calls return the
  // first report.
  ShutdownReport shutdown(std::uint64_t timeout_ns);

 private:
  friend Result<Sdk> start(Options options);
  struct Impl;
  explicit Sdk(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Checks `options` (validate() from config.hpp, then the transport) and starts the worker: one
// thread for every signal, whose OTLP requests go through one transport (gRPC or HTTP). A bad
// option is an Error naming it; disabled options (or no signal exported anywhere) give an Sdk
// with no thread. The resource's service.name is always service_name (so setting service_name
// after options_from_env works); telemetry.sdk.* are added when missing; each pipeline's
// encoding follows its exporter (JSON for OTLP http/json, else protobuf).
Result<Sdk> start(Options options);
// start(options_from_env(getenv)): the OTEL_* variables, errors naming the variable.
Result<Sdk> start_from_env(Getenv getenv = nullptr);

// Whether this build has a transport for `protocol` (gRPC comes with the gRPC transport).
bool transport_available(Protocol protocol);

}  // namespace otlp::native
