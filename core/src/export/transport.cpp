#include "otlp/export/transport.hpp"

namespace otlp {

Exporter::~Exporter() {
  for (Done* d = done_.exchange(nullptr, std::memory_order_acquire); d != nullptr;) {
    Done* next = d->next;
    delete d;
    d = next;
  }
}

std::uint64_t Exporter::poll(std::uint64_t now) {
  // Take every outcome so far and apply them in the order they arrived.
  Done* list = done_.exchange(nullptr, std::memory_order_acquire);
  Done* in_order = nullptr;
  while (list != nullptr) {
    Done* next = list->next;
    list->next = in_order;
    in_order = list;
    list = next;
  }
  while (in_order != nullptr) {
    Done* next = in_order->next;
    engine_.on_result(now, in_order->id, in_order->outcome);
    delete in_order;
    in_order = next;
  }
  while (auto request = engine_.poll_export(now)) {
    const std::uint64_t id = request->id;
    transport_.send(SendRequest{*request, options_.headers, options_.compression, engine_.config().signal},
                    [this, id](const Outcome& outcome) {
                      Done* d = new Done{id, outcome, done_.load(std::memory_order_relaxed)};
                      while (!done_.compare_exchange_weak(d->next, d, std::memory_order_release,
                                                          std::memory_order_relaxed)) {
                      }
                    });
  }
  return has_completions() ? now : engine_.next_deadline();
}

bool Exporter::has_completions() const { return done_.load(std::memory_order_acquire) != nullptr; }

}  // namespace otlp
