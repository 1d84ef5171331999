#include "otlp/transport.hpp"

namespace otlp {

std::uint64_t Exporter::poll(std::uint64_t now) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    applying_.swap(done_);
  }
  for (const auto& d : applying_) pipeline_.on_result(now, d.id, d.outcome);
  applying_.clear();
  while (auto request = pipeline_.poll_export(now)) {
    const std::uint64_t id = request->id;
    transport_.send(SendRequest{*request, options_.headers, options_.compression},
                    [this, id](const Outcome& outcome) {
                      std::lock_guard<std::mutex> lock(mutex_);
                      done_.push_back({id, outcome});
                    });
  }
  return has_completions() ? now : pipeline_.next_deadline();
}

bool Exporter::has_completions() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return !done_.empty();
}

}  // namespace otlp
