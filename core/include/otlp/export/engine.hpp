// The export engine, sans I/O and signal-agnostic: it holds request bodies (bytes, an item count,
// the signal they carry), hands them to the host loop to send, applies the retry policy to what
// comes back, bounds each export in time, answers flush tickets, and keeps the request, byte and
// item counts and the last error. It never looks inside a body. Bodies come either whole through
// submit() (a signal that builds its own requests, such as metrics) or from the record batcher
// that spans and log records share, which it asks when one is due. Time only enters as
// `now` arguments, so tests drive it on a virtual clock and never sleep.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "otlp/export/retry.hpp"
#include "otlp/model/error.hpp"
#include "otlp/model/signal.hpp"

namespace otlp {

enum class Protocol : std::uint8_t { protobuf, json };

// What the engine needs to know, whatever fills it.
struct ExportConfig {
  Signal signal = Signal::traces;                     // what the bodies carry
  std::uint64_t export_timeout_ns = 30'000'000'000;   // OTEL_BSP_EXPORT_TIMEOUT: bounds all attempts
  // OTEL_EXPORTER_OTLP_TIMEOUT: the exporter's bound on one batch's export, attempts and backoff
  // included, as the spec reads it. A batch's export ends at the sooner of the two (see
  // export_time_limit_ns). A host sets it from its exporter options (the spec's default is
  // 10 s); left as it is, export_timeout_ns alone bounds an export.
  std::uint64_t exporter_timeout_ns = UINT64_MAX;
  // A batcher cuts its bodies to stay within this; a submitted body over it fails.
  std::size_t max_request_bytes = 4 * 1024 * 1024;
  std::uint32_t max_concurrent_exports = 1;           // the spec: exports do not overlap
  // Whole bodies from submit() that may wait unsent: past it a new one is dropped, so a signal
  // that builds a body per collection cannot pile them up while the server is away.
  std::uint32_t max_waiting_bodies = 16;
  Protocol protocol = Protocol::protobuf;
  RetryConfig retry;
  std::uint64_t seed = 0;                             // jitter
};

// Checks the engine's limits (timeouts, request size, retry policy); the Error names the setting,
// the signal's batch variable (OTEL_BSP_*, OTEL_BLRP_*) for the export timeout.
std::optional<Error> validate(const ExportConfig& config);

// How long one batch's export may take from its first send, every attempt and backoff included.
constexpr std::uint64_t export_time_limit_ns(const ExportConfig& c) {
  return c.exporter_timeout_ns < c.export_timeout_ns ? c.exporter_timeout_ns : c.export_timeout_ns;
}

// One request for the host to send. The body stays owned by the engine until the final
// outcome; the host may copy or compress it.
struct ExportRequest {
  std::uint64_t id = 0;
  std::string_view body;
  const char* content_type = "application/x-protobuf";
  std::uint32_t spans = 0;                 // the items it carries, whatever the signal
  std::uint32_t attempt = 1;               // 1 for the first send
  // When the batch's export ends (first send + export_time_limit_ns): the host gives up on the
  // attempt by then, so no attempt runs past what is left.
  std::uint64_t deadline_unix_nano = 0;
};

// A small latency histogram: bucket i counts exports whose latency was below bounds_ms[i]
// (and at least bounds_ms[i-1]); the last bucket is everything slower.
struct LatencyHistogram {
  static constexpr std::uint32_t bounds_ms[] = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};
  static constexpr std::size_t kBuckets = sizeof(bounds_ms) / sizeof(bounds_ms[0]) + 1;
  std::uint64_t counts[kBuckets] = {};
  std::uint64_t total = 0;
  // Upper bound of the bucket holding the q-quantile (0 < q <= 1), in ms; 0 when empty.
  double quantile_ms(double q) const;
};

struct Stats {
  // Item accounting (spans, log records...). The invariant, checked by the tests after every
  // scenario:
  //   ended == exported + rejected + failed + dropped + queued
  std::uint64_t started = 0;      // spans started (sampled or not)
  std::uint64_t sampled_out = 0;  // not sampled: record nothing, never exported
  std::uint64_t ended = 0;        // items emitted: sampled spans that ended, records, submitted items
  std::uint64_t dropped = 0;      // queue full, or emitted after shutdown
  std::uint64_t exported = 0;     // accepted by the server
  std::uint64_t rejected = 0;     // refused in a partial success
  std::uint64_t failed = 0;       // final failure after retries, timeout or shutdown
  std::uint64_t queued = 0;       // still in the queue or in a request not yet final
  // Requests.
  std::uint64_t requests = 0;     // sends, first attempts and retries
  std::uint64_t retries = 0;
  std::uint64_t bytes_sent = 0;
  LatencyHistogram export_latency;  // from first send to final outcome
  std::string last_error;           // the latest failure or partial-success message
};

enum class FlushState : std::uint8_t { pending, done, timed_out };

namespace detail {
// The items waiting to become bodies, which the engine asks for a batch when one is due: the
// record batcher spans and log records share (export/record_batcher.hpp, internal).
class RecordBatcher;
}  // namespace detail

// A source of whole bodies made on a schedule (the metrics periodic reader): the engine has it
// collect when its time comes (poll_export), before a flush, and once more at shutdown; collect()
// hands what it built to submit(). Both calls come from the host loop.
class Collector {
 public:
  virtual ~Collector() = default;
  virtual std::uint64_t next_collection() const = 0;  // UINT64_MAX: none scheduled
  virtual std::uint32_t collect(std::uint64_t now) = 0;  // returns the items it submitted
};

class ExportEngine {
 public:
  // `batcher`, when given, outlives the engine.
  explicit ExportEngine(ExportConfig config, detail::RecordBatcher* batcher = nullptr);
  ~ExportEngine();
  ExportEngine(const ExportEngine&) = delete;
  ExportEngine& operator=(const ExportEngine&) = delete;

  // --- the host loop (one thread at a time) ---------------------------------------------------
  // A whole request of the signal, as protobuf bytes carrying `items` items; sent as the config's
  // protocol says (transcoded to OTLP/JSON for json). Its items count as emitted. Counted failed
  // when over max_request_bytes (the engine cannot split what it does not read), dropped after
  // shutdown or when max_waiting_bodies wait unsent already. Returns whether it was taken.
  bool submit(std::string body, std::uint32_t items);

  // The next request to send now, if any: a retry whose delay has passed, else a new request
  // when one is ready or due. Call until it returns nullopt.
  std::optional<ExportRequest> poll_export(std::uint64_t now);
  // The outcome of request `id`. Outcomes for unknown or already timed-out ids are ignored.
  void on_result(std::uint64_t now, std::uint64_t id, const Outcome& outcome);
  // The earliest time poll_export or a timeout needs attention; UINT64_MAX when idle.
  std::uint64_t next_deadline() const;
  // Expires attempts past their deadline (as timeouts) and flushes past theirs. poll_export
  // calls it; hosts with nothing to poll call it at next_deadline().
  void handle_timeouts(std::uint64_t now);

  // Everything submitted or queued before this call gets a final outcome, or the timeout passes.
  std::uint64_t force_flush(std::uint64_t now, std::uint64_t timeout_ns);
  FlushState flush_state(std::uint64_t ticket) const;
  // Flushes, then refuses new bodies. When the timeout passes, what is still queued or in
  // flight is counted failed. Returns the flush ticket.
  std::uint64_t shutdown(std::uint64_t now, std::uint64_t timeout_ns);
  bool is_shut_down() const noexcept;

  // Any thread: the counts of items in bodies and of requests (the source's own emitted and
  // dropped counts are its to add).
  Stats stats() const;

  const ExportConfig& config() const noexcept { return config_; }
  // Host loop only: the collector this engine asks (null: none); it must outlive the engine or
  // be unset first.
  void set_collector(Collector* collector) noexcept { collector_ = collector; }
  // Host loop only: see Pipeline::set_request_limits.
  void set_request_limits(std::size_t max_request_bytes, std::uint32_t max_concurrent_exports);

  // --- for the record batcher, on the host loop --------------------------------------------------
  // `body` as the config's protocol sends it: the protobuf bytes themselves, or their OTLP/JSON.
  // False (the body then unspecified) when they cannot be transcoded.
  bool to_protocol(std::string& body) const;
  // Takes a body already in the config's protocol carrying `items` items the source counted.
  void add_body(std::string body, std::uint32_t items);
  // Counts `items` items failed for `why` (one too large, a body that would not transcode).
  void fail_items(std::uint64_t items, std::string_view why);
  // A body to write the next one into: the buffer of the last final one, so that a new body of
  // a few hundred KB is not pages the kernel maps and zeroes again for every batch.
  std::string take_spare_body();

 private:
  struct Impl;
  ExportConfig config_;
  std::unique_ptr<Impl> impl_;
  Collector* collector_ = nullptr;
};

}  // namespace otlp
