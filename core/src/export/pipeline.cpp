#include "otlp/export/pipeline.hpp"

#include <algorithm>

#include "export/record_batcher.hpp"

namespace otlp {
namespace {

std::uint64_t get(const std::atomic<std::uint64_t>& counter) { return counter.load(std::memory_order_relaxed); }

}  // namespace

std::optional<Error> validate(const PipelineConfig& c) {
  auto err = [](std::string m) { return std::optional<Error>(Error{std::move(m)}); };
  const std::string var = "OTEL_" + std::string(signal_info(c.signal).batch_env) + "_";
  if (c.max_queue_size == 0) return err(var + "MAX_QUEUE_SIZE: must be at least 1, got 0");
  if (c.max_export_batch_size == 0) return err(var + "MAX_EXPORT_BATCH_SIZE: must be at least 1, got 0");
  if (c.max_export_batch_size > c.max_queue_size)
    return err(var + "MAX_EXPORT_BATCH_SIZE: " + std::to_string(c.max_export_batch_size) + " must not exceed " +
               var + "MAX_QUEUE_SIZE " + std::to_string(c.max_queue_size));
  return validate(static_cast<const ExportConfig&>(c));
}

struct Pipeline::Impl {
  Impl(const PipelineConfig& c, const Resource& r) : batcher(c, r), engine(c, &batcher) {}

  detail::RecordBatcher batcher;
  ExportEngine engine;

  // Owned sets, then the shared one (SpanCounters::shared) for the threads beyond them.
  static constexpr std::uint32_t kOwnedCounters = 64;
  std::unique_ptr<SpanCounters[]> counters = make_counters();
  std::atomic<std::uint32_t> claimed_counters{0};
  static std::unique_ptr<SpanCounters[]> make_counters() {
    auto c = std::make_unique<SpanCounters[]>(kOwnedCounters + 1);
    c[kOwnedCounters].shared = true;
    return c;
  }
};

Pipeline::Pipeline(PipelineConfig config, Resource resource) : config_(std::move(config)) {
  // Keep a misconfigured pipeline usable; validate() is how hosts report the mistake.
  config_.max_queue_size = std::max<std::uint32_t>(config_.max_queue_size, 1);
  config_.max_export_batch_size = std::clamp<std::uint32_t>(config_.max_export_batch_size, 1, config_.max_queue_size);
  impl_ = std::make_unique<Impl>(config_, resource);
  static_cast<ExportConfig&>(config_) = impl_->engine.config();  // as the engine raised it
}

Pipeline::~Pipeline() = default;

std::uint16_t Pipeline::add_scope(InstrumentationScope scope) { return impl_->batcher.add_scope(scope); }

Pipeline::Enqueue Pipeline::enqueue(std::uint16_t scope, std::string& buffer, std::size_t length) {
  return impl_->batcher.enqueue(scope, buffer, length);
}

Pipeline::SpanCounters& Pipeline::claim_counters() noexcept {
  const std::uint32_t i = impl_->claimed_counters.fetch_add(1, std::memory_order_relaxed);
  return i < Impl::kOwnedCounters ? impl_->counters[i] : impl_->counters[Impl::kOwnedCounters];
}

Stats Pipeline::stats() const {
  Stats s = impl_->engine.stats();
  for (std::uint32_t i = 0; i <= Impl::kOwnedCounters; ++i) {
    const SpanCounters& c = impl_->counters[i];
    s.started += get(c.started) + get(c.sampled_out);
    s.sampled_out += get(c.sampled_out);
    s.ended += get(c.ended);
    s.dropped += get(c.dropped);
  }
  return s;
}

std::optional<ExportRequest> Pipeline::poll_export(std::uint64_t now) { return impl_->engine.poll_export(now); }
void Pipeline::on_result(std::uint64_t now, std::uint64_t id, const Outcome& outcome) {
  impl_->engine.on_result(now, id, outcome);
}
std::uint64_t Pipeline::next_deadline() const { return impl_->engine.next_deadline(); }
void Pipeline::handle_timeouts(std::uint64_t now) { impl_->engine.handle_timeouts(now); }
std::uint64_t Pipeline::force_flush(std::uint64_t now, std::uint64_t timeout_ns) {
  return impl_->engine.force_flush(now, timeout_ns);
}
FlushState Pipeline::flush_state(std::uint64_t ticket) const { return impl_->engine.flush_state(ticket); }

std::uint64_t Pipeline::shutdown(std::uint64_t now, std::uint64_t timeout_ns) {
  impl_->batcher.close();
  return impl_->engine.shutdown(now, timeout_ns);
}

bool Pipeline::is_shut_down() const noexcept { return impl_->engine.is_shut_down(); }

void Pipeline::set_request_limits(std::size_t max_request_bytes, std::uint32_t max_concurrent_exports) {
  impl_->engine.set_request_limits(max_request_bytes, max_concurrent_exports);
  static_cast<ExportConfig&>(config_) = impl_->engine.config();
}

ExportEngine& Pipeline::engine() noexcept { return impl_->engine; }

}  // namespace otlp
