// The export pipeline of a signal whose items are recorded one at a time (spans, log records),
// sans I/O: app threads push encoded items into the record batcher's bounded lock-free queue;
// one host loop polls the export engine (engine.hpp) for requests (batch full, delay passed,
// flush, shutdown or a retry due), sends them however it can, and feeds outcomes back. Time
// only enters as `now` arguments, so tests drive it on a virtual clock and never sleep.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "otlp/export/engine.hpp"
#include "otlp/model/error.hpp"
#include "otlp/model/random.hpp"
#include "otlp/export/retry.hpp"
#include "otlp/model/signal.hpp"
#include "otlp/model/span.hpp"

namespace otlp {

// What to do when an ended span finds the queue full.
enum class QueuePolicy : std::uint8_t {
  drop,  // count it dropped; the application thread never waits (the default)
  wait,  // wait for room up to PipelineConfig::max_wait_ns through the host's wait hook
};

// The engine's settings, and the batch processor's around them.
struct PipelineConfig : ExportConfig {
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
  std::uint32_t max_queue_size = 2048;           // OTEL_BSP_MAX_QUEUE_SIZE
  std::uint32_t max_export_batch_size = 512;     // OTEL_BSP_MAX_EXPORT_BATCH_SIZE
  std::uint64_t schedule_delay_ns = 5'000'000'000;   // OTEL_BSP_SCHEDULE_DELAY
  QueuePolicy queue_policy = QueuePolicy::drop;
  std::uint64_t max_wait_ns = 10'000'000'000;    // for QueuePolicy::wait
};

// Checks limits and relations (batch size <= queue size, non-zero sizes...) and the engine's
// (validate(ExportConfig)); the Error names the signal's batch variable (OTEL_BSP_*,
// OTEL_BLRP_*) when there is one.
std::optional<Error> validate(const PipelineConfig& config);

// A record batcher feeding an export engine: the engine's host-loop calls pass through.
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

  // --- the host loop (one thread at a time): see ExportEngine ---------------------------------
  std::optional<ExportRequest> poll_export(std::uint64_t now);
  void on_result(std::uint64_t now, std::uint64_t id, const Outcome& outcome);
  std::uint64_t next_deadline() const;
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

  // The engine the batcher feeds, for a driver that serves engines alike (Exporter).
  ExportEngine& engine() noexcept;

 private:
  struct Impl;
  PipelineConfig config_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace otlp
