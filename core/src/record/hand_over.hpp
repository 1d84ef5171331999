// Internal: how every recorder hands an encoded item (a span, a log record) to the pipeline:
// the queue takes it; under QueuePolicy::wait the host's hook is asked for room while the
// budget lasts; what is still refused is counted dropped; a full batch wakes the host loop.
#pragma once
#include <functional>
#include <string>

#include "otlp/export/pipeline.hpp"

namespace otlp::detail {

inline void hand_over(Pipeline& pipeline, std::uint16_t scope, std::string& buf, std::size_t len,
                      Pipeline::SpanCounters& counters, const std::function<bool(std::uint64_t)>& wait_for_room,
                      const std::function<void()>& on_batch_ready) {
  auto result = pipeline.enqueue(scope, buf, len);
  if (result == Pipeline::Enqueue::full && pipeline.config().queue_policy == QueuePolicy::wait && wait_for_room) {
    // The budget is counted in calls to the host's wait, which measures the time itself.
    std::uint64_t left = pipeline.config().max_wait_ns;
    while (result == Pipeline::Enqueue::full && wait_for_room(left)) {
      result = pipeline.enqueue(scope, buf, len);
      left = left > 1'000'000 ? left / 2 : left;
    }
  }
  if (result == Pipeline::Enqueue::full || result == Pipeline::Enqueue::closed) {
    counters.bump(counters.dropped);
  } else if (result == Pipeline::Enqueue::batch_ready && on_batch_ready) {
    on_batch_ready();
  }
}

}  // namespace otlp::detail
