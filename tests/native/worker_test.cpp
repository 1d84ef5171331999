// The Worker's waiting: whom a full batch wakes, and how app threads wait for room, against a
// transport whose requests the test answers by hand and whose wake-ups it counts.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <vector>

#include "otlp/trace/tracer.hpp"
#include "worker.hpp"

namespace otlp::native {
namespace {

using namespace std::chrono_literals;

class HandTransport final : public LoopTransport {
 public:
  void send(const SendRequest&, std::function<void(const Outcome&)> complete) override {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_.push_back(std::move(complete));
    ++sent_;
    changed_.notify_all();
  }
  void run(int timeout_ms) override {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [this] { return signalled_; });
    signalled_ = false;
  }
  std::size_t in_flight() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return pending_.size();
  }
  void wake() override {
    std::lock_guard<std::mutex> lock(mutex_);
    ++wakes_;
    signalled_ = true;
    changed_.notify_all();
  }
  void abandon() override {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_.clear();
  }

  // Test thread: answers the oldest request as a completion on another thread does.
  void answer_ok() {
    std::function<void(const Outcome&)> complete;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      complete = std::move(pending_.front());
      pending_.erase(pending_.begin());
    }
    complete(Outcome::ok());
  }
  bool wait_sent(std::uint64_t n) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, 5s, [&] { return sent_ >= n; });
  }
  std::uint64_t wakes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return wakes_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::function<void(const Outcome&)>> pending_;
  std::uint64_t sent_ = 0, wakes_ = 0;
  bool signalled_ = false;
};

PipelineConfig batches_of_8() {
  PipelineConfig c;
  c.max_queue_size = 64;
  c.max_export_batch_size = 8;
  c.schedule_delay_ns = 60'000'000'000;  // only full batches go out
  return c;
}

struct Rig {
  Rig() : pipeline(batches_of_8(), Resource{}), worker(pipeline, transport, clock), provider(pipeline, clock, config()) {}
  TracerConfig config() {
    TracerConfig c;
    c.on_batch_ready = [this] { worker.notify(); };
    return c;
  }
  void spans(int n) {
    Tracer tracer = provider.tracer("worker-test");
    for (int i = 0; i < n; ++i) tracer.start_span("span").end();
  }
  SystemClock clock;
  Pipeline pipeline;
  HandTransport transport;
  Worker worker;
  TracerProvider provider;
};

TEST(Worker, AFullBatchDoesNotWakeALoopWithNoRoomToSendIt) {
  Rig rig;
  rig.spans(8);
  ASSERT_TRUE(rig.transport.wait_sent(1));  // the one export allowed is in flight
  const std::uint64_t wakes = rig.transport.wakes();
  rig.spans(16);  // two more full batches, each told with notify()
  for (int i = 0; i < 100; ++i) rig.worker.notify();
  EXPECT_EQ(rig.transport.wakes(), wakes);
  rig.transport.answer_ok();  // the answer wakes the loop, which sends what waits
  EXPECT_TRUE(rig.transport.wait_sent(2));
}

TEST(Worker, WaitForRoomEndsWhenTheLoopSends) {
  Rig rig;
  rig.spans(8);
  ASSERT_TRUE(rig.transport.wait_sent(1));
  rig.spans(8);
  auto waiter = std::async(std::launch::async, [&rig] {
    // The first call returns at once (a send came since this thread last looked), the second
    // waits for the next send.
    rig.worker.wait_for_room(std::chrono::steady_clock::now() + 30s);
    const auto t0 = std::chrono::steady_clock::now();
    rig.worker.wait_for_room(std::chrono::steady_clock::now() + 30s);
    return std::chrono::steady_clock::now() - t0;
  });
  EXPECT_EQ(waiter.wait_for(100ms), std::future_status::timeout);  // nothing sent yet
  rig.transport.answer_ok();
  ASSERT_EQ(waiter.wait_for(5s), std::future_status::ready);
  EXPECT_LT(waiter.get(), 10s);
}

TEST(Worker, WaitForRoomEndsWhenAShutdownBegins) {
  Rig rig;
  rig.spans(8);
  ASSERT_TRUE(rig.transport.wait_sent(1));  // never answered: no send makes room
  auto waiter = std::async(std::launch::async, [&rig] {
    rig.worker.wait_for_room(std::chrono::steady_clock::now());  // catches up with the send
    const auto t0 = std::chrono::steady_clock::now();
    rig.worker.wait_for_room(t0 + 30s);
    return std::chrono::steady_clock::now() - t0;
  });
  EXPECT_EQ(waiter.wait_for(100ms), std::future_status::timeout);
  EXPECT_EQ(rig.worker.shutdown(50'000'000), FlushState::timed_out);  // the span in flight stays unanswered
  ASSERT_EQ(waiter.wait_for(5s), std::future_status::ready);
  EXPECT_LT(waiter.get(), 10s);
}

TEST(Worker, WaitForRoomEndsAtItsDeadline) {
  Rig rig;
  rig.spans(8);
  ASSERT_TRUE(rig.transport.wait_sent(1));
  auto waiter = std::async(std::launch::async, [&rig] {
    rig.worker.wait_for_room(std::chrono::steady_clock::now());  // catches up with the send
    const auto t0 = std::chrono::steady_clock::now();
    rig.worker.wait_for_room(t0 + 50ms);
    return std::chrono::steady_clock::now() - t0;
  });
  ASSERT_EQ(waiter.wait_for(5s), std::future_status::ready);
  const auto waited = waiter.get();
  EXPECT_GE(waited, 50ms);
  EXPECT_LT(waited, 5s);
}

}  // namespace
}  // namespace otlp::native
