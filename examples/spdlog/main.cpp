// spdlog messages as OTLP log records (otlp_sink.hpp), beside the application's own spans.
//   spdlog_example    (where to: the OTEL_EXPORTER_OTLP_* variables, e.g.
//                      OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318)
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>

#include "otlp_sink.hpp"

int main() {
  auto options = otlp::native::options_from_env();
  if (!options) {
    std::fprintf(stderr, "%s\n", options.error().message.c_str());
    return 2;
  }
  options->service_name = "spdlog-example";
  auto sdk = otlp::native::start(*options);
  if (!sdk) {
    std::fprintf(stderr, "%s\n", sdk.error().message.c_str());
    return 2;
  }
  {
    auto sink = std::make_shared<otlp_example::OtlpSinkMt>(*sdk);
    spdlog::logger log("checkout", sink);
    log.set_level(spdlog::level::debug);
    log.info("service starting on port {}", 8080);  // outside any span: no trace context

    otlp::Tracer tracer = sdk->tracer("example", "1.0");
    {
      auto span = tracer.start_span("charge", {.kind = otlp::SpanKind::server});
      otlp_example::ActiveSpan active(span.context());
      SPDLOG_LOGGER_WARN(&log, "card {} declined, retrying", "****1234");  // with its source location
      log.error("payment failed after {} attempts", 2);
    }
    log.debug("shutting down");
  }  // the sink is gone before the SDK it borrows
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
