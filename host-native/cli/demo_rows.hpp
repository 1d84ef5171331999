// The transport rows of `otlp demo` and the runner that sends one workload through one row and
// measures it; shared by the terminal table (demo_command.cpp) and the web demo (demo_web.cpp).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "config.hpp"
#include "receiver.hpp"
#include "sdk.hpp"

namespace otlp::cli {

struct DemoRow {
  const char* label;
  native::Protocol protocol;
  bool gzip;
};
// gRPC, gRPC+gzip, HTTP/protobuf, HTTP/protobuf+gzip, HTTP/JSON. Adding a transport is adding a
// line there (and, for a new protocol, a case in endpoint_for).
std::span<const DemoRow> demo_rows();

// Where the in-process receiver listens for `protocol` and `signal` (host as the exporters should
// dial it); nullopt when it has no such listener or this build has no transport for it.
std::optional<std::string> endpoint_for(native::Protocol protocol, const native::Receiver& receiver,
                                        Signal signal = Signal::traces);

// The ids of the process's live threads (/proc/self/task).
std::set<std::string> thread_ids();

// What one row sends and how its arrival is counted.
struct RowLoad {
  // The signal the row sends; log rows are run without gzip (its estimate below samples spans).
  Signal signal = Signal::traces;
  std::uint64_t count = 0;   // items the load records (spans before sampling), for the per-item figures
  std::uint32_t batch = 512;
  std::function<void(native::Options&)> configure;  // optional: sampler, resource tags...
  std::function<void(native::Sdk&)> record;         // records the items, returns when all ended
  std::function<std::uint64_t()> arrived;           // the receiver's count of this row's items so far
  // Gzip rows: one request of this row's spans as the receiver got it, to measure gzip's ratio
  // on (the transports count body bytes before compression). Unset or nullopt: one batch of
  // standard spans.
  std::function<std::optional<TraceRequest>()> gzip_sample;
};

// Compressed size over encoded size of `request`, in the encoding `protocol` sends.
double gzip_ratio(const TraceRequest& request, native::Protocol protocol);

struct RowResult {
  std::string error;  // non-empty with seconds == 0: the row could not run
  std::uint64_t ended = 0, exported = 0, arrived = 0;  // ended: sampled spans recorded, or records emitted
  double seconds = 0;
  std::uint64_t sender_cpu_ns = 0;
  double p50_ms = 0, p95_ms = 0, p99_ms = 0;  // upper bounds of the histogram buckets
  LatencyHistogram latency;
  std::uint64_t body_bytes = 0;  // request bodies before compression, retries included
  double wire_bytes = 0;         // body_bytes, times gzip_ratio on gzip rows (an estimate)
  bool complete() const { return seconds > 0 && exported == ended && arrived == ended; }
};

// Starts an SDK for `row` exporting `load.signal` alone against `endpoint`, runs `load` and
// shuts it down. The sender's CPU is the process's minus that of `excluded_threads` (receiver,
// web server).
RowResult run_row(const DemoRow& row, const std::optional<std::string>& endpoint,
                  const std::set<std::string>& excluded_threads, const RowLoad& load);

}  // namespace otlp::cli
