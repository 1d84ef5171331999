// What the app-thread benchmarks share: the clocks, a thread that plays the host loop for a
// pipeline, and how repetitions are reported.
#pragma once
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "otlp/export/pipeline.hpp"
#include "otlp/trace/tracer.hpp"

namespace otlp::bench {

class SystemClock final : public Clock {
 public:
  std::uint64_t now_unix_nano() noexcept override {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
  }
};

// A clock that costs nothing: it separates the core's own cost from the host clock's, which
// on this kind of machine is a ~24 ns clock_gettime, read three times per standard span.
class FreeClock final : public Clock {
 public:
  std::uint64_t now_unix_nano() noexcept override { return now.fetch_add(1000, std::memory_order_relaxed); }
  std::atomic<std::uint64_t> now{1'700'000'000'000'000'000ULL};
};

// The host loop on a thread of its own: batches are "sent" and acknowledged at once, so the
// queue never fills and what is measured is the app thread's own work. As the native host's
// worker is, it is woken by on_batch_ready() when a full batch waits, not only by its timer.
class Drainer {
 public:
  Drainer(Pipeline& pipeline, Clock& clock) : pipeline_(pipeline), clock_(clock), thread_([this] { run(); }) {}
  ~Drainer() {
    stop_ = true;
    thread_.join();
  }
  void on_batch_ready() {
    if (!ready_.exchange(true, std::memory_order_relaxed)) wake_.notify_one();
  }

 private:
  void run() {
    while (!stop_) {
      const std::uint64_t now = clock_.now_unix_nano();
      bool sent = false;
      ready_.store(false, std::memory_order_relaxed);
      while (auto request = pipeline_.poll_export(now)) {
        pipeline_.on_result(now, request->id, Outcome::ok());
        sent = true;
      }
      if (!sent) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait_for(lock, std::chrono::microseconds(200), [this] { return ready_.load(std::memory_order_relaxed); });
      }
    }
  }

  alignas(64) std::atomic<bool> ready_{false};  // written by the drain thread: its own line
  std::mutex mutex_;
  std::condition_variable wake_;
  Pipeline& pipeline_;
  Clock& clock_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// The app-thread figures can be bimodal (the cost depends on where the drain thread runs), so
// every repetition is reported, whatever --benchmark_report_aggregates_only says, and the
// aggregates add the lowest and the highest to the mean and median.
inline void every_repetition(benchmark::internal::Benchmark* b) {
  b->ReportAggregatesOnly(false);
  b->ComputeStatistics("min", [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); });
  b->ComputeStatistics("max", [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); });
}

}  // namespace otlp::bench
