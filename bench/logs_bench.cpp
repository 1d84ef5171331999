// Log records (the standard log record of shared/WORKLOAD.md):
//  - emitting one on the application thread: one Logger::emit call of a record made ready
//    beforehand (it is encoded into protobuf and queued), a drain thread playing the host loop
//    as for spans;
//  - one below the logger's minimum severity: the same call, answered by the inline check;
//  - encoding: 512 records (workload::StandardLogRecord) emitted and cut into one
//    ExportLogsServiceRequest body on one thread (what a record costs from the API to request
//    bytes, the queue included), against protobuf-lite populating and serializing the same 512.
#include <benchmark/benchmark.h>

#include "bench_support.hpp"
#include "oracle_logs.hpp"
#include "otlp/logs/logs.hpp"
#include "otlp/model/random.hpp"
#include "otlp/workload/workload.hpp"

namespace {

using otlp::bench::Drainer;
using otlp::bench::every_repetition;
using otlp::bench::FreeClock;

constexpr std::uint64_t kBatch = 512;

// The standard record carries its observed time, so emitting reads no clock; the free clock
// only feeds the drain thread.
struct LogHarness {
  explicit LogHarness(std::uint8_t min_severity = 0)
      : pipeline(otlp::PipelineConfig::for_signal(otlp::Signal::logs), otlp::workload::standard_resource()),
        provider(pipeline, clock, config(min_severity)),
        logger(provider.logger("bench", "1.0.0")) {}
  otlp::LoggerConfig config(std::uint8_t min_severity) {
    otlp::LoggerConfig c;
    c.min_severity = min_severity;
    c.on_batch_ready = [this] { drainer.on_batch_ready(); };
    return c;
  }
  // The first standard record (INFO).
  const otlp::LogRecord& record() {
    otlp::Random rng(1);
    return standard.at(rng, 0);
  }

  FreeClock clock;
  otlp::Pipeline pipeline;
  otlp::LoggerProvider provider;
  otlp::Logger logger;
  otlp::workload::StandardLogRecord standard;
  Drainer drainer{pipeline, clock};  // last: its thread starts once the rest is built
};

void BM_LogEmit(benchmark::State& state) {
  LogHarness h;
  const otlp::LogRecord& record = h.record();
  for (auto _ : state) {
    benchmark::DoNotOptimize(&record);  // the record is read anew each time
    h.logger.emit(record);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["dropped"] = static_cast<double>(h.pipeline.stats().dropped);
}
// The application thread's CPU time.
BENCHMARK(BM_LogEmit)->Apply(every_repetition);

void BM_LogBelowMinSeverity(benchmark::State& state) {
  LogHarness h(static_cast<std::uint8_t>(otlp::Severity::warn));
  const otlp::LogRecord& record = h.record();
  for (auto _ : state) {
    benchmark::DoNotOptimize(&record);
    h.logger.emit(record);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  if (h.pipeline.stats().ended != 0) state.SkipWithError("a record below the minimum severity was emitted");
}
BENCHMARK(BM_LogBelowMinSeverity)->Apply(every_repetition);

void BM_EncodeLogsCore(benchmark::State& state) {
  FreeClock clock;
  otlp::Pipeline pipeline(otlp::PipelineConfig::for_signal(otlp::Signal::logs), otlp::workload::standard_resource());
  otlp::LoggerProvider provider(pipeline, clock);
  otlp::Logger logger = provider.logger("bench", "1.0.0");
  otlp::Random rng(1);
  otlp::workload::StandardLogRecord standard;
  std::size_t bytes = 0;
  for (auto _ : state) {
    for (std::uint64_t i = 0; i < kBatch; ++i) logger.emit(standard.at(rng, i));
    pipeline.force_flush(clock.now, 1'000'000'000);
    auto request = pipeline.poll_export(clock.now);
    if (!request || request->spans != kBatch) {
      state.SkipWithError("the 512 records did not make one request");
      break;
    }
    bytes = request->body.size();
    benchmark::DoNotOptimize(request->body.data());
    pipeline.on_result(clock.now, request->id, otlp::Outcome::ok());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_EncodeLogsCore);

void BM_EncodeLogsLite(benchmark::State& state) {
  std::string out;
  for (auto _ : state) {
    const auto message = otlp::testing::lite::standard_logs(kBatch, 1);
    out.clear();
    message.SerializeToString(&out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_EncodeLogsLite);

}  // namespace
