#include "cli/load.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <cstdio>
#include <thread>
#include <vector>

#include "otlp/workload/metrics_workload.hpp"
#include "otlp/workload/workload.hpp"

namespace otlp::cli {
namespace {

template <class Id>
Id random_id(Random& rng) {
  Id id;
  for (std::size_t i = 0; i < Id::size; i += 8) {
    const std::uint64_t word = rng.next();
    for (std::size_t j = 0; j < 8 && i + j < Id::size; ++j) id.bytes[i + j] = static_cast<std::uint8_t>(word >> (8 * j));
  }
  if (!id.valid()) id.bytes[0] = 1;
  return id;
}

}  // namespace

void record_standard_span(Tracer& tracer, Random& rng, std::uint64_t index) {
  SpanContext parent;
  parent.trace_id = random_id<TraceId>(rng);
  parent.span_id = random_id<SpanId>(rng);
  parent.trace_flags = kFlagSampled;
  parent.remote = true;
  SpanContext linked;
  linked.trace_id = random_id<TraceId>(rng);
  linked.span_id = random_id<SpanId>(rng);
  const std::uint64_t start = workload::kBaseTimeUnixNano + index * 1'000'000;
  auto span = tracer.start_span("GET /api/orders/{id}", {.parent = &parent,
                                                          .kind = SpanKind::server,
                                                          .start_time_unix_nano = start,
                                                          .links = {{linked}}});
  workload::set_standard_attributes(span);
  span.add_event("cache.miss", {{"cache.key", "orders:12345"}}, start + 500'000);
  if (index % 10 == 9) span.set_status(StatusCode::error, "upstream timeout");
  span.end(start + 1'500'000);
}

void use_load_defaults(native::Options& options, std::uint32_t batch, Signal signal) {
  options.service_name = "checkout";
  options.resource = workload::standard_resource();
  for (std::size_t i = 0; i < std::size(kSignals); ++i)  // only the signal sent goes anywhere
    if (static_cast<Signal>(i) != signal) native::signal_options(options, static_cast<Signal>(i)).exporter = native::ExporterKind::none;
  PipelineConfig& pipeline = native::signal_options(options, signal).pipeline;
  pipeline.max_export_batch_size = batch;
  if (pipeline.max_queue_size < 4 * batch) pipeline.max_queue_size = 4 * batch;
  pipeline.queue_policy = QueuePolicy::wait;
}

void run_load(native::Sdk& sdk, const Load& load) {
  const unsigned workers = load.workers == 0 ? 1 : load.workers;
  const auto t0 = std::chrono::steady_clock::now();
  // Metrics: the workers record into one set of instruments (recording is thread-safe); the
  // gauge reads this process's resident memory at each collection.
  std::optional<workload::StandardMetrics> metrics;
  if (load.signal == Signal::metrics) metrics.emplace(sdk.meter("bench", "1.0.0"), resident_bytes);
  auto work = [&](unsigned w) {
    Tracer tracer = sdk.tracer("bench", "1.0.0");
    Logger logger = sdk.logger("bench", "1.0.0");
    workload::StandardLogRecord log_record;
    Random rng(load.seed * 0x9e3779b97f4a7c15ULL + w);
    // Worker w records indices w, w + W, w + 2W... so the ERROR items keep their 1-in-10 share.
    const double per_worker_rate = load.rate / workers;
    std::uint64_t mine = 0, unreported = 0;
    for (std::uint64_t index = w; index < load.count; index += workers, ++mine) {
      if (per_worker_rate > 0) {
        const auto due = t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                  std::chrono::duration<double>(static_cast<double>(mine) / per_worker_rate));
        if (std::chrono::steady_clock::now() < due) std::this_thread::sleep_until(due);
      }
      if (load.signal == Signal::logs) {
        logger.emit(log_record.at(rng, index));
      } else if (metrics) {
        metrics->request(index);
      } else {
        record_standard_span(tracer, rng, index);
      }
      if (load.recorded && ++unreported == 256) {
        load.recorded->fetch_add(unreported, std::memory_order_relaxed);
        unreported = 0;
      }
    }
    if (load.recorded) load.recorded->fetch_add(unreported, std::memory_order_relaxed);
  };
  if (workers == 1) {
    work(0);
    return;
  }
  std::vector<std::thread> threads;
  for (unsigned w = 0; w < workers; ++w) threads.emplace_back(work, w);
  for (auto& t : threads) t.join();
}

std::int64_t resident_bytes() {
  long pages = 0, resident = 0;
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<std::int64_t>(resident) * sysconf(_SC_PAGESIZE);
}

Usage process_usage() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  Usage r;
  r.cpu_s = static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
            static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
  r.max_rss_kb = u.ru_maxrss;
  return r;
}

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

}  // namespace otlp::cli
