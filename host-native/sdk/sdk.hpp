// The native SDK in one call: Options (config.hpp) -> sampler, resource, limits, pipeline,
// transport, worker thread and tracer provider, wired together and started.
//
//   auto sdk = otlp::native::start_from_env();      // or start(options)
//   if (!sdk) { log(sdk.error().message); ... }
//   auto tracer = sdk->tracer("checkout", "1.4.2");
//   tracer.start_span("charge").set_attribute("order.id", 1234);
//   auto report = sdk->shutdown(5'000'000'000);     // flushes; says what could not be sent
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "config.hpp"
#include "otlp/error.hpp"
#include "otlp/pipeline.hpp"
#include "otlp/tracer.hpp"

namespace otlp::native {

struct ShutdownReport {
  FlushState state = FlushState::done;  // timed_out: the timeout passed with spans unsent
  // Spans that were ended but never reached the server: dropped (queue full or after
  // shutdown), rejected by the server (partial success) and failed (after retries, timeout,
  // or still queued when the timeout passed).
  std::uint64_t not_exported = 0;
  Stats stats;  // the final counters; stats.last_error says why, when something failed
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
  bool disabled() const;  // OTEL_SDK_DISABLED: spans are never recorded, nothing is sent

  // Any thread, any time.
  Stats stats() const;
  // Waits until everything ended before the call has a final outcome, or the timeout passes.
  FlushState flush(std::uint64_t timeout_ns);
  // Flushes, then refuses new spans and stops the worker. Later calls return the first report.
  ShutdownReport shutdown(std::uint64_t timeout_ns);

 private:
  friend Result<Sdk> start(Options options);
  struct Impl;
  explicit Sdk(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Checks `options` (validate() from config.hpp, then the transport) and starts the worker. A
// bad option is an Error naming it; disabled options give a no-op Sdk with no thread.
// The resource's service.name is always service_name (so setting service_name after
// options_from_env works); telemetry.sdk.* are added when missing; the pipeline's encoding
// follows the protocol (JSON for http/json).
Result<Sdk> start(Options options);
// start(options_from_env(getenv)): the OTEL_* variables, errors naming the variable.
Result<Sdk> start_from_env(Getenv getenv = nullptr);

// Whether this build has a transport for `protocol` (gRPC comes with the gRPC transport).
bool transport_available(Protocol protocol);

}  // namespace otlp::native
