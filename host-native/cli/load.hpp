// Load generation shared by `otlp send` and `otlp demo`: the standard span, log record or
// metrics request (shared/WORKLOAD.md) recorded through the real tracer, logger or meter API, from W threads,
// optionally paced, plus the process's own CPU and memory figures.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>

#include "config.hpp"
#include "otlp/model/random.hpp"
#include "otlp/trace/tracer.hpp"
#include "sdk.hpp"

namespace otlp::cli {

// Records the index-th standard span through `tracer` (scope "bench" 1.0.0): a SERVER span
// under a remote sampled parent, times at fixed offsets from workload::kBaseTimeUnixNano, 8
// attributes, 1 event, 1 link, status ERROR "upstream timeout" when index % 10 == 9.
void record_standard_span(Tracer& tracer, Random& rng, std::uint64_t index);

// Options for a load tool that exports `signal` alone (the other signal's exporter is `none`):
// the standard resource, batches of `batch` items, and the WAIT queue policy so a fast sender
// waits for room instead of dropping its own items.
void use_load_defaults(native::Options& options, std::uint32_t batch = 512, Signal signal = Signal::traces);

struct Load {
  std::uint64_t count = 0;  // standard spans, log records or metrics requests
  unsigned workers = 1;
  double rate = 0;  // items per second over all workers; 0: as fast as possible
  std::uint64_t seed = 1;
  std::atomic<std::uint64_t>* recorded = nullptr;  // optional progress, updated every 256 items
  Signal signal = Signal::traces;
};

// Records `load.count` standard items of `load.signal` from `load.workers` threads (scope
// "bench" 1.0.0) and returns when all ended or were emitted.
void run_load(native::Sdk& sdk, const Load& load);

// This process's resident memory now, in bytes (0 when /proc cannot tell).
std::int64_t resident_bytes();

// CPU seconds (user + system) of the whole process, and its peak resident set in KiB.
struct Usage {
  double cpu_s = 0;
  long max_rss_kb = 0;
};
Usage process_usage();

// "12.3" style fixed-point formatting without locale surprises.
std::string fixed(double value, int decimals);

}  // namespace otlp::cli
