// The export pipeline, sans I/O: app threads push encoded spans into a bounded lock-free
// queue; one host loop polls it for requests (batch full, delay passed, flush, shutdown or a
// retry due), sends them however it can, and feeds outcomes back. Time only enters as `now`
// arguments, so tests drive it on a virtual clock and never sleep.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "otlp/model/error.hpp"
#include "otlp/model/random.hpp"
#include "otlp/export/retry.hpp"
#include "otlp/model/signal.hpp"
#include "otlp/model/span.hpp"

namespace otlp {

enum class Protocol : std::uint8_t { protobuf, json };

// What to do when an ended span finds the queue full.
enum class QueuePolicy : std::uint8_t {
  drop,  // count it dropped; the application thread never waits (the default)
  wait,  // wait for room up to PipelineConfig::max_wait_ns through the host's wait hook
};

struct PipelineConfig {
  // The batch defaults of a signal's row (signal.hpp): OTEL_BLRP_* for logs, OTEL_BSP_* below.
  static PipelineConfig for_signal(Signal s) {
    PipelineConfig c;
    const SignalInfo& info = signal_info(s);
    c.signal = s;
    c.max_queue_size = info.max_queue_size;
    c.max_export_batch_size = info.max_export_batch_size;
    c.schedule_delay_ns = info.schedule_delay_ns;
    c.export_timeout_ns = info.export_timeout_ns;
    return c;
  }
  Signal signal = Signal::traces;                // what the queued items are (spans by default)
  std::uint32_t max_queue_size = 2048;           // OTEL_BSP_MAX_QUEUE_SIZE
  std::uint32_t max_export_batch_size = 512;     // OTEL_BSP_MAX_EXPORT_BATCH_SIZE
  std::uint64_t schedule_delay_ns = 5'000'000'000;   // OTEL_BSP_SCHEDULE_DELAY
  std::uint64_t export_timeout_ns = 30'000'000'000;  // OTEL_BSP_EXPORT_TIMEOUT: bounds all attempts
  // OTEL_EXPORTER_OTLP_TIMEOUT: the exporter's bound on one batch's export, attempts and backoff
  // included, as the spec reads it. A batch's export ends at the sooner of the two (see
  // export_time_limit_ns). A host sets it from its exporter options (the spec's default is
  // 10 s); left as it is, export_timeout_ns alone bounds an export.
  std::uint64_t exporter_timeout_ns = UINT64_MAX;
  std::size_t max_request_bytes = 4 * 1024 * 1024;   // bodies are split to stay within this
  std::uint32_t max_concurrent_exports = 1;      // the spec: exports do not overlap
  Protocol protocol = Protocol::protobuf;
  QueuePolicy queue_policy = QueuePolicy::drop;
  std::uint64_t max_wait_ns = 10'000'000'000;    // for QueuePolicy::wait
  RetryConfig retry;
  std::uint64_t seed = 0;                        // jitter
};

// Checks limits and relations (batch size <= queue size, non-zero sizes...); the Error names
// the signal's batch variable (OTEL_BSP_*, OTEL_BLRP_*) when there is one.
std::optional<Error> validate(const PipelineConfig& config);

// How long one batch's export may take from its first send, every attempt and backoff included.
constexpr std::uint64_t export_time_limit_ns(const PipelineConfig& c) {
  return c.exporter_timeout_ns < c.export_timeout_ns ? c.exporter_timeout_ns : c.export_timeout_ns;
}

// One request for the host to send. The body stays owned by the pipeline until the final
// outcome; the host may copy or compress it.
struct ExportRequest {
  std::uint64_t id = 0;
  std::string_view body;
  const char* content_type = "application/x-protobuf";
  std::uint32_t spans = 0;
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
  // Span accounting. The invariant, checked by the tests after every scenario:
  //   ended == exported + rejected + failed + dropped + queued
  std::uint64_t started = 0;      // spans started (sampled or not)
  std::uint64_t sampled_out = 0;  // not sampled: record nothing, never exported
  std::uint64_t ended = 0;        // sampled spans that ended
  std::uint64_t dropped = 0;      // queue full, or ended after shutdown
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

class Pipeline {
 public:
  Pipeline(PipelineConfig config, Resource resource);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Registers an instrumentation scope; spans carry the returned index.
  std::uint16_t add_scope(InstrumentationScope scope);

  // --- any thread -------------------------------------------------------------------------
  enum class Enqueue : std::uint8_t { accepted, batch_ready, full, closed };
  // Takes one span already encoded as a ScopeSpans.spans field (encode_span_field): the first
  // `length` bytes of `buffer` (the rest is room the recorder keeps, so that buffers go round
  // without being zero-filled again). Never blocks; `batch_ready` means a full batch is
  // waiting, so the host should poll soon: it is reported once per batch (until the host loop
  // cuts one), not for every span after. When taken, `buffer` is handed back as a spare buffer
  // to reuse (its contents are garbage), so steady-state recording allocates nothing; when
  // refused it is left as it was.
  Enqueue enqueue(std::uint16_t scope, std::string& buffer, std::size_t length);
  Enqueue enqueue(std::uint16_t scope, std::string& encoded_span) {
    return enqueue(scope, encoded_span, encoded_span.size());
  }
  // The span path's counters, one set per application thread: a locked add costs as much
  // as the rest of an unsampled span, so a thread that owns its set bumps it with a plain
  // load and store, and stats() sums the sets. Threads beyond the owned sets share one
  // that is bumped with atomic adds.
  struct alignas(64) SpanCounters {
    std::atomic<std::uint64_t> started{0}, sampled_out{0}, ended{0}, dropped{0};
    bool shared = false;
    void bump(std::atomic<std::uint64_t>& c) noexcept {
      if (shared)
        c.fetch_add(1, std::memory_order_relaxed);
      else
        c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
  };
  // A set for the calling thread to bump, and no other thread (except a shared set).
  SpanCounters& claim_counters() noexcept;
  Stats stats() const;

  // --- the host loop (one thread at a time) ---------------------------------------------------
  // The next request to send now, if any: a retry whose delay has passed, else a new batch
  // when one is due. Call until it returns nullopt.
  std::optional<ExportRequest> poll_export(std::uint64_t now);
  // The outcome of request `id`. Outcomes for unknown or already timed-out ids are ignored.
  void on_result(std::uint64_t now, std::uint64_t id, const Outcome& outcome);
  // The earliest time poll_export or a timeout needs attention; UINT64_MAX when idle.
  std::uint64_t next_deadline() const;
  // Expires attempts past their deadline (as timeouts) and flushes past theirs. poll_export
  // calls it; hosts with nothing to poll call it at next_deadline().
  void handle_timeouts(std::uint64_t now);

  // Everything queued before this call gets a final outcome, or the timeout passes.
  std::uint64_t force_flush(std::uint64_t now, std::uint64_t timeout_ns);
  FlushState flush_state(std::uint64_t ticket) const;
  // Flushes, then refuses new spans. When the timeout passes, what is still queued or in
  // flight is counted failed. Returns the flush ticket.
  std::uint64_t shutdown(std::uint64_t now, std::uint64_t timeout_ns);
  bool is_shut_down() const noexcept;

  const PipelineConfig& config() const noexcept { return config_; }
  // Host loop only: changes how later batches are cut and how many may be in flight. A page
  // being unloaded uses it to send what is queued as several small requests at once, each
  // within the browser's keepalive budget. Values below 1024 bytes / 1 export are raised.
  void set_request_limits(std::size_t max_request_bytes, std::uint32_t max_concurrent_exports);

 private:
  struct Impl;
  PipelineConfig config_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace otlp
