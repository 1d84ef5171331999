// A fixed number of standard spans through the tracer on one thread, the host loop inline (no
// threads, no system clock): a deterministic program for counting instructions per span with
// callgrind (bench/span_instructions.sh), which wall-clock benchmarks on a shared VM cannot give.
//   otlp_span_loop N sampled(0|1)
#include <cstdio>
#include <cstdlib>

#include "otlp/trace/tracer.hpp"
#include "otlp/workload/workload.hpp"

namespace {

class StepClock final : public otlp::Clock {
 public:
  std::uint64_t now_unix_nano() noexcept override { return now += 1000; }
  std::uint64_t now = otlp::workload::kBaseTimeUnixNano;
};

// Not inlined, so callgrind can attribute each span's instructions to one function.
[[gnu::noinline]] void standard_span(otlp::Tracer& tracer, const otlp::SpanContext& parent) {
  auto span = tracer.start_span("GET /api/orders/{id}", {.parent = &parent, .kind = otlp::SpanKind::server});
  otlp::workload::set_standard_attributes(span).add_event("cache.miss", {{"cache.key", "orders:12345"}});
  span.end();
}

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 20000;
  const bool sampled = argc > 2 ? std::atoi(argv[2]) != 0 : true;
  StepClock clock;
  otlp::Pipeline pipeline(otlp::PipelineConfig{}, otlp::workload::standard_resource());
  otlp::TracerConfig tc;
  tc.id_seed = 42;
  otlp::TracerProvider provider(pipeline, clock, std::move(tc));
  otlp::Tracer tracer = provider.tracer("bench", "1.0.0");
  otlp::SpanContext parent;
  parent.trace_id.bytes[15] = 1;
  parent.span_id.bytes[7] = 1;
  parent.trace_flags = sampled ? 1 : 0;
  parent.remote = true;
  for (long i = 0; i < n; ++i) {
    standard_span(tracer, parent);
    if (i % 512 == 511)
      while (auto r = pipeline.poll_export(clock.now)) pipeline.on_result(clock.now, r->id, otlp::Outcome::ok());
  }
  const auto s = pipeline.stats();
  std::printf("{\"spans\":%ld,\"exported\":%llu,\"dropped\":%llu}\n", n, static_cast<unsigned long long>(s.exported),
              static_cast<unsigned long long>(s.dropped));
  return 0;
}
