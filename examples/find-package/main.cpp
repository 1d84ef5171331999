// otlp::native: a few spans and a log record to an OTLP/HTTP endpoint through the SDK.
//   send_example [BASE_URL]   e.g. http://127.0.0.1:4318, which gets /v1/traces and /v1/logs
//                             (default: OTEL_EXPORTER_OTLP_* from the environment)
#include <cstdio>
#include <string>

#include "otlp/native/sdk.hpp"

int main(int argc, char** argv) {
  auto options = otlp::native::options_from_env();
  if (!options) {
    std::fprintf(stderr, "%s\n", options.error().message.c_str());
    return 2;
  }
  if (argc > 1) {
    for (const otlp::Signal signal : {otlp::Signal::traces, otlp::Signal::logs})
      otlp::native::signal_options(*options, signal).otlp.endpoint = argv[1] + std::string(otlp::signal_info(signal).http_path);
  }
  options->service_name = "find-package-example";

  auto sdk = otlp::native::start(*options);
  if (!sdk) {
    std::fprintf(stderr, "%s\n", sdk.error().message.c_str());
    return 2;
  }
  otlp::Tracer tracer = sdk->tracer("example", "1.0");
  otlp::Logger logger = sdk->logger("example", "1.0");
  {
    auto parent = tracer.start_span("checkout", {.kind = otlp::SpanKind::server});
    parent.set_attribute("order.id", 1234);
    const otlp::AttributeValue body("order 1234 paid");
    logger.emit({.severity = static_cast<std::uint8_t>(otlp::Severity::info), .severity_text = "INFO", .body = &body,
                 .context = &parent.context()});
    for (int i = 0; i < 2; ++i) {
      const otlp::SpanContext& context = parent.context();
      tracer.start_span("charge", {.parent = &context}).set_attribute("attempt", i).add_event("card authorized");
    }
  }  // spans end on scope exit
  const otlp::native::ShutdownReport report = sdk->shutdown(10'000'000'000);
  bool all = true;
  for (const otlp::Signal signal : {otlp::Signal::traces, otlp::Signal::logs}) {
    const otlp::native::SignalReport& r = report[signal];
    const std::string_view items = otlp::signal_info(signal).items;
    std::printf("exported %llu %.*s, %llu not exported%s%s\n", static_cast<unsigned long long>(r.stats.exported),
                static_cast<int>(items.size()), items.data(), static_cast<unsigned long long>(r.not_exported),
                r.stats.last_error.empty() ? "" : ": ", r.stats.last_error.c_str());
    all = all && r.not_exported == 0;
  }
  return all ? 0 : 1;
}
