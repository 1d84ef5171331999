// Application-thread cost of a span: start, 8 attributes, 1 event, end into the queue. A
// drain thread plays the host loop (bench_support.hpp), so the queue never fills and what is
// measured is the app thread's own work.
#include <benchmark/benchmark.h>

#include "bench_support.hpp"
#include "otlp/model/random.hpp"
#include "otlp/trace/sampler.hpp"
#include "otlp/trace/tracer.hpp"
#include "otlp/workload/workload.hpp"
#include "tsc_clock.hpp"

namespace {

using otlp::bench::Drainer;
using otlp::bench::every_repetition;
using otlp::bench::FreeClock;
using otlp::bench::SystemClock;

enum class ClockKind { system, tsc, free };

// One pipeline and tracer shared by the benchmark threads, drained by a background thread.
struct Harness {
  explicit Harness(std::unique_ptr<otlp::Sampler> sampler, ClockKind kind = ClockKind::system,
                   std::uint32_t queue = 2048)
      : pipeline(make_config(queue), otlp::workload::standard_resource()),
        provider(pipeline, pick(kind), make_tracer_config(std::move(sampler))),
        tracer(provider.tracer("bench", "1.0.0")) {}

  // By default the spec's queue (2048) and batch (512): span buffers circulate through a ring
  // that stays in cache, as in an application. Two threads on two cores leave the drain thread
  // too little time for that queue, so that case gets a deep one (and measures contention).
  static otlp::PipelineConfig make_config(std::uint32_t queue) {
    otlp::PipelineConfig c;
    c.max_queue_size = queue;
    c.max_export_batch_size = 512;
    return c;
  }
  otlp::TracerConfig make_tracer_config(std::unique_ptr<otlp::Sampler> sampler) {
    otlp::TracerConfig c;
    c.sampler = std::move(sampler);
    c.id_seed = 42;
    c.on_batch_ready = [this] { drainer.on_batch_ready(); };
    return c;
  }

  otlp::Clock& pick(ClockKind kind) {
    if (kind == ClockKind::tsc) return tsc;
    if (kind == ClockKind::free) return free;
    return clock;
  }

  alignas(64) SystemClock clock;
  otlp::native::TscClock tsc;  // the native host's clock
  FreeClock free;
  otlp::Pipeline pipeline;
  otlp::TracerProvider provider;
  otlp::Tracer tracer;
  Drainer drainer{pipeline, clock};  // last: its thread starts once the rest is built
};

void standard_span(otlp::Tracer& tracer, const otlp::SpanContext& parent) {
  auto span = tracer.start_span("GET /api/orders/{id}", {.parent = &parent, .kind = otlp::SpanKind::server});
  otlp::workload::set_standard_attributes(span);
  span.add_event("cache.miss", {{"cache.key", "orders:12345"}});
  span.end();
}

otlp::SpanContext remote_parent(bool sampled) {
  otlp::SpanContext parent;
  parent.trace_id.bytes[15] = 1;
  parent.span_id.bytes[7] = 1;
  parent.trace_flags = sampled ? 1 : 0;
  parent.remote = true;
  return parent;
}

Harness* shared_harness = nullptr;

// Every sampled-span benchmark reports the spans dropped (queue full), which would flatter it.
void run_sampled(benchmark::State& state, Harness& h) {
  const auto parent = remote_parent(true);
  for (auto _ : state) standard_span(h.tracer, parent);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_SpanSampled(benchmark::State& state) {
  Harness h(otlp::parent_based_sampler(otlp::always_on_sampler()));
  run_sampled(state, h);
  state.counters["dropped"] = static_cast<double>(h.pipeline.stats().dropped);
}
// The application thread's CPU time.
BENCHMARK(BM_SpanSampled)->Apply(every_repetition);

// With the clock the native host uses (TSC-based): what an application on the native host pays.
void BM_SpanSampledTscClock(benchmark::State& state) {
  Harness h(otlp::parent_based_sampler(otlp::always_on_sampler()), ClockKind::tsc);
  run_sampled(state, h);
  state.counters["dropped"] = static_cast<double>(h.pipeline.stats().dropped);
  state.counters["tsc"] = h.tsc.uses_tsc() ? 1 : 0;
}
BENCHMARK(BM_SpanSampledTscClock)->Apply(every_repetition);

void BM_SpanSampledFreeClock(benchmark::State& state) {
  Harness h(otlp::parent_based_sampler(otlp::always_on_sampler()), ClockKind::free);
  run_sampled(state, h);
  state.counters["dropped"] = static_cast<double>(h.pipeline.stats().dropped);
}
BENCHMARK(BM_SpanSampledFreeClock)->Apply(every_repetition);

// Two threads ending spans into one pipeline at once: wall time per span.
void BM_SpanSampledShared(benchmark::State& state) {
  if (state.thread_index() == 0)
    shared_harness = new Harness(otlp::parent_based_sampler(otlp::always_on_sampler()), ClockKind::system, 1 << 16);
  const auto parent = remote_parent(true);
  // The loop starts once every thread is in (Google Benchmark's barrier): only then is the
  // harness there to read.
  for (auto _ : state) standard_span(shared_harness->tracer, parent);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  if (state.thread_index() == 0) {
    state.counters["dropped"] = static_cast<double>(shared_harness->pipeline.stats().dropped);
    delete shared_harness;
    shared_harness = nullptr;
  }
}
BENCHMARK(BM_SpanSampledShared)->Threads(2)->UseRealTime()->Apply(every_repetition);

void BM_SpanUnsampled(benchmark::State& state) {
  Harness h(otlp::parent_based_sampler(otlp::always_on_sampler()));
  const auto parent = remote_parent(false);  // the parent says no: nothing is recorded
  for (auto _ : state) standard_span(h.tracer, parent);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_SpanUnsampled)->Apply(every_repetition);

// One clock read: the standard span reads the clock three times (start, event, end).
void BM_ClockRead(benchmark::State& state, bool tsc) {
  SystemClock system;
  otlp::native::TscClock tsc_clock;
  otlp::Clock& clock = tsc ? static_cast<otlp::Clock&>(tsc_clock) : system;
  for (auto _ : state) benchmark::DoNotOptimize(clock.now_unix_nano());
}
BENCHMARK_CAPTURE(BM_ClockRead, system_clock, false);
BENCHMARK_CAPTURE(BM_ClockRead, tsc_clock, true);

void BM_SamplerDecision(benchmark::State& state, const char* name, const char* arg) {
  auto sampler = otlp::make_sampler(name, arg);
  if (!sampler) {
    state.SkipWithError(sampler.error().message.c_str());
    return;
  }
  otlp::Random rng(7);
  otlp::TraceId ids[256];
  for (auto& id : ids)
    for (auto& b : id.bytes) b = static_cast<std::uint8_t>(rng.next());
  std::size_t i = 0;
  for (auto _ : state) {
    otlp::SamplingParams params{nullptr, ids[i++ & 255], "GET /api/orders/{id}", otlp::SpanKind::server, 0};
    benchmark::DoNotOptimize((*sampler)->should_sample(params));
  }
}
BENCHMARK_CAPTURE(BM_SamplerDecision, always_on, "always_on", "");
BENCHMARK_CAPTURE(BM_SamplerDecision, parentbased_traceidratio, "parentbased_traceidratio", "0.25");

}  // namespace
