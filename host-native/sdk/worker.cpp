#include "worker.hpp"

#include <algorithm>
#include <chrono>

namespace otlp::native {

std::uint64_t SystemClock::now_unix_nano() noexcept {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

Worker::Worker(std::vector<Lane> lanes, std::vector<LoopTransport*> loops, Clock& clock)
    : loops_(std::move(loops)), clock_(clock) {
  for (Lane& lane : lanes) {
    max_concurrent_exports_ += lane.pipeline.config().max_concurrent_exports;
    lanes_.push_back(std::make_unique<Served>(std::move(lane), *this));
  }
  thread_ = std::thread([this] { this->loop(); });
}

Worker::Worker(Pipeline& pipeline, LoopTransport& transport, Clock& clock, ExporterOptions options)
    : Worker({Lane{pipeline, transport, std::move(options)}}, {&transport}, clock) {}

Worker::~Worker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (LoopTransport* l : loops_) l->wake();
  thread_.join();
  for (LoopTransport* l : loops_) l->abandon();  // in-flight completions would reach the exporters
  room_events_.fetch_add(1);
  tell_room_waiters();
}

void Worker::Relay::send(const SendRequest& request, std::function<void(const Outcome&)> complete) {
  worker_.room_events_.fetch_add(1);
  transport_.send(request, [this, complete = std::move(complete)](const Outcome& outcome) {
    complete(outcome);
    // A completion on the loop's own thread (libcurl's) is seen when run() returns; one on
    // another thread (gRPC's) may come just as the loop goes to sleep, so it wakes the loop.
    if (std::this_thread::get_id() != worker_.loop_thread_.load(std::memory_order_relaxed)) worker_.wake();
  });
}

void Worker::notify() {
  // Pairs with the exchange in waits_idle(): the two read-modify-writes of listening_ are
  // ordered, so either this one comes later and sees the loop listening, or the loop's comes
  // later and, synchronising with this one, sees the batch this thread queued. (Not fences:
  // ThreadSanitizer cannot follow them.)
  if (listening_.fetch_or(0, std::memory_order_acq_rel) != 0) wake();
}

void Worker::wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
  }
  wake_.notify_one();
  for (LoopTransport* l : loops_) l->wake();
}

std::size_t Worker::in_flight() const {
  std::size_t n = 0;
  for (const LoopTransport* l : loops_) n += l->in_flight();
  return n;
}

// Waits in the transport that has sends in flight. When both have (traces over gRPC, logs over
// HTTP), neither can wait for the other's answers, so each gets 1 ms slices in turn.
void Worker::run(std::uint64_t wait_ns) {
  const int wait_ms = static_cast<int>(std::max<std::uint64_t>(wait_ns / 1'000'000, 1));
  std::size_t busy = 0;
  for (const LoopTransport* l : loops_) busy += l->in_flight() > 0 ? 1 : 0;
  for (LoopTransport* l : loops_)
    if (l->in_flight() > 0) l->run(busy > 1 ? 1 : wait_ms);
}

void Worker::wait_for_room(std::chrono::steady_clock::time_point until) {
  thread_local std::uint64_t seen = 0;  // room_events_ when this thread last looked
  room_waiters_.fetch_add(1);
  std::uint64_t events = room_events_.load();
  if (events == seen) {
    std::unique_lock<std::mutex> lock(room_mutex_);
    room_.wait_until(lock, until, [&] { return room_events_.load() != seen; });
    events = room_events_.load();
  }
  room_waiters_.fetch_sub(1);
  seen = events;
}

void Worker::tell_room_waiters() {
  if (room_waiters_.load() == 0) return;
  std::lock_guard<std::mutex> lock(room_mutex_);
  room_.notify_all();
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
  wake();
  lock.lock();
  done_.wait(lock, [&] { return answers_ >= mine || stopping_; });
  return answers_ >= mine ? answer_ : FlushState::timed_out;
}

// Before the loop sleeps with room for another export: from here on notify() wakes it, and a
// batch that filled up before (whose notify() found the loop not listening) is seen now.
bool Worker::waits_idle() {
  listening_.exchange(1, std::memory_order_acq_rel);
  std::uint64_t next = UINT64_MAX;
  for (const auto& lane : lanes_) next = std::min(next, lane->pipeline.next_deadline());
  if (next > clock_.now_unix_nano()) return true;
  listening_.exchange(0, std::memory_order_acq_rel);  // an RMW too: keeps notify()'s release sequence
  return false;
}

void Worker::loop() {
  loop_thread_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  bool flushing = false;  // a flush or shutdown is under way in every lane
  for (;;) {
    bool start_flush = false, start_shutdown = false;
    std::uint64_t timeout = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      woken_ = false;
      if (pending_ && !flushing) {
        start_flush = true;
        start_shutdown = pending_shutdown_;
        timeout = pending_timeout_;
      }
    }
    const std::uint64_t now = clock_.now_unix_nano();
    if (start_flush) {
      for (auto& lane : lanes_)
        lane->ticket = start_shutdown ? lane->pipeline.shutdown(now, timeout) : lane->pipeline.force_flush(now, timeout);
      flushing = true;
      if (start_shutdown) room_events_.fetch_add(1);  // the pipelines refuse items now: waiting for room is over
    }
    const std::uint64_t events_before = room_events_.load(std::memory_order_relaxed);
    std::uint64_t next = UINT64_MAX;
    for (auto& lane : lanes_) next = std::min(next, lane->exporter.poll(now));
    // A request sent took its items off the queue: threads waiting for room may go on.
    if (room_events_.load(std::memory_order_relaxed) != events_before || start_shutdown) tell_room_waiters();
    bool completions = false;
    for (auto& lane : lanes_) {
      lane->pipeline.handle_timeouts(clock_.now_unix_nano());
      completions = completions || lane->exporter.has_completions();
    }
    if (flushing) {
      bool final = true;
      FlushState state = FlushState::done;
      for (const auto& lane : lanes_) {
        const FlushState s = lane->pipeline.flush_state(lane->ticket);
        if (s == FlushState::pending) final = false;
        if (s == FlushState::timed_out) state = FlushState::timed_out;
      }
      if (final) {
        std::lock_guard<std::mutex> lock(mutex_);
        answer_ = state;
        ++answers_;
        pending_ = false;
        flushing = false;
        done_.notify_all();
      }
    }
    // Sleep until the next deadline (at most 100 ms, so a lost wake-up costs little).
    const std::uint64_t after = clock_.now_unix_nano();
    const std::uint64_t wait_ns = next <= after ? 0 : std::min<std::uint64_t>(next - after, 100'000'000);
    if (completions || wait_ns == 0) continue;
    const std::size_t sending = in_flight();
    // With every export slot taken, a full batch waits for an answer, which wakes the loop.
    if (sending < max_concurrent_exports_ && !waits_idle()) continue;
    if (sending > 0) {
      run(wait_ns);
    } else {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, std::chrono::nanoseconds(wait_ns), [this] { return woken_ || stopping_; });
    }
    listening_.exchange(0, std::memory_order_acq_rel);  // an RMW too: keeps notify()'s release sequence
  }
}

}  // namespace otlp::native
