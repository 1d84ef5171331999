// otlp::native: a few spans to an OTLP/HTTP endpoint through the SDK.
//   send_example [URL]    (default: OTEL_EXPORTER_OTLP_* from the environment)
#include <cstdio>

#include "otlp/native/sdk.hpp"

int main(int argc, char** argv) {
  auto options = otlp::native::options_from_env();
  if (!options) {
    std::fprintf(stderr, "%s\n", options.error().message.c_str());
    return 2;
  }
  if (argc > 1) options->endpoint = argv[1];
  options->service_name = "find-package-example";

  auto sdk = otlp::native::start(*options);
  if (!sdk) {
    std::fprintf(stderr, "%s\n", sdk.error().message.c_str());
    return 2;
  }
  otlp::Tracer tracer = sdk->tracer("example", "1.0");
  {
    auto parent = tracer.start_span("checkout", {.kind = otlp::SpanKind::server});
    parent.set_attribute("order.id", 1234);
    for (int i = 0; i < 2; ++i) {
      const otlp::SpanContext& context = parent.context();
      tracer.start_span("charge", {.parent = &context}).set_attribute("attempt", i).add_event("card authorized");
    }
  }  // spans end on scope exit
  const otlp::native::ShutdownReport report = sdk->shutdown(10'000'000'000);
  std::printf("exported %llu spans, %llu not exported%s%s\n", static_cast<unsigned long long>(report.stats.exported),
              static_cast<unsigned long long>(report.not_exported), report.stats.last_error.empty() ? "" : ": ",
              report.stats.last_error.c_str());
  return report.not_exported == 0 ? 0 : 1;
}
