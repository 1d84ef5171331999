#include "worker.hpp"

#include <algorithm>
#include <chrono>

namespace otlp::native {

std::uint64_t SystemClock::now_unix_nano() noexcept {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

Worker::Worker(Pipeline& pipeline, LoopTransport& transport, Clock& clock, ExporterOptions options)
    : pipeline_(pipeline),
      transport_(transport),
      clock_(clock),
      relay_(transport, *this),
      exporter_(pipeline, relay_, std::move(options)) {
  thread_ = std::thread([this] { loop(); });
}

Worker::~Worker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  transport_.wake();
  thread_.join();
  transport_.abandon();  // in-flight completions would reach exporter_, which dies with us
}

void Worker::Relay::send(const SendRequest& request, std::function<void(const Outcome&)> complete) {
  transport_.send(request, [this, complete = std::move(complete)](const Outcome& outcome) {
    complete(outcome);
    worker_.notify();
  });
}

void Worker::notify() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
  }
  wake_.notify_one();
  transport_.wake();
}

FlushState Worker::flush(std::uint64_t timeout_ns) { return request(false, timeout_ns); }
FlushState Worker::shutdown(std::uint64_t timeout_ns) { return request(true, timeout_ns); }

FlushState Worker::request(bool shutdown, std::uint64_t timeout_ns) {
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [this] { return !pending_ || stopping_; });  // one request at a time
  if (stopping_) return FlushState::timed_out;
  pending_ = true;
  pending_shutdown_ = shutdown;
  pending_timeout_ = timeout_ns;
  const std::uint64_t mine = ++requests_;
  lock.unlock();
  notify();
  lock.lock();
  done_.wait(lock, [&] { return answers_ >= mine || stopping_; });
  return answers_ >= mine ? answer_ : FlushState::timed_out;
}

void Worker::loop() {
  std::uint64_t ticket = 0;  // the flush being waited for, 0 when none
  for (;;) {
    bool start_flush = false, start_shutdown = false;
    std::uint64_t timeout = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      woken_ = false;
      if (pending_ && ticket == 0) {
        start_flush = true;
        start_shutdown = pending_shutdown_;
        timeout = pending_timeout_;
      }
    }
    const std::uint64_t now = clock_.now_unix_nano();
    if (start_flush)
      ticket = start_shutdown ? pipeline_.shutdown(now, timeout) : pipeline_.force_flush(now, timeout);
    std::uint64_t next = exporter_.poll(now);
    pipeline_.handle_timeouts(clock_.now_unix_nano());
    if (ticket != 0) {
      const FlushState state = pipeline_.flush_state(ticket);
      if (state != FlushState::pending) {
        std::lock_guard<std::mutex> lock(mutex_);
        answer_ = state;
        ++answers_;
        pending_ = false;
        ticket = 0;
        done_.notify_all();
      }
    }
    // Sleep until the next deadline (at most 100 ms, so a lost wake-up costs little).
    const std::uint64_t after = clock_.now_unix_nano();
    const std::uint64_t wait_ns = next <= after ? 0 : std::min<std::uint64_t>(next - after, 100'000'000);
    if (exporter_.has_completions() || wait_ns == 0) continue;
    if (transport_.in_flight() > 0) {
      transport_.run(static_cast<int>(std::max<std::uint64_t>(wait_ns / 1'000'000, 1)));
    } else {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, std::chrono::nanoseconds(wait_ns), [this] { return woken_ || stopping_; });
    }
  }
}

}  // namespace otlp::native
