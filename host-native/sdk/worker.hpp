// The native host loop: one thread that drives every signal's pipeline through its transport
// (HTTP or gRPC, each serving every signal that uses it; or the console) — batches, retries,
// timeouts and flushes — and sleeps until the next deadline or a wake-up.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "loop_transport.hpp"
#include "otlp/trace/tracer.hpp"
#include "otlp/export/transport.hpp"

namespace otlp::native {

// The wall clock, as spans and Retry-After need it.
class SystemClock final : public Clock {
 public:
  std::uint64_t now_unix_nano() noexcept override;
};

// One signal as the Worker serves it: its pipeline, what carries its requests (the loop's
// transport, or one whose sends complete at once, such as ConsoleTransport) and the headers and
// compression of its exporter.
struct Lane {
  Pipeline& pipeline;
  Transport& transport;
  ExporterOptions options;
};

class Worker {
 public:
  // `loops`: the lanes' transports that the loop runs (HttpTransport, GrpcTransport: at most one
  // of each). They and every lane's transport must outlive the Worker.
  Worker(std::vector<Lane> lanes, std::vector<LoopTransport*> loops, Clock& clock);
  // One pipeline through `transport`.
  Worker(Pipeline& pipeline, LoopTransport& transport, Clock& clock, ExporterOptions options = {});
  // Stops without flushing (call shutdown() first to send what is queued) and abandons what is
  // still in flight (abandon() of each loop transport), so no completion outlives the Worker.
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Any thread. notify() says a full batch is waiting: it wakes the loop when the loop could
  // send one and might otherwise sleep, and costs nothing while the loop waits for an answer
  // with no room for another export (it looks at the queue when the answer comes).
  // flush() and shutdown() wait until everything queued before them in every lane has a final
  // outcome or the timeout passes (timed_out when any lane's did).
  void notify();
  FlushState flush(std::uint64_t timeout_ns);
  FlushState shutdown(std::uint64_t timeout_ns);

  // Any thread whose span found the queue full (QueuePolicy::wait): returns at once the first
  // time the loop has sent since this thread last asked (room may have come), else waits until
  // the loop sends a request (which takes a batch off the queue), a shutdown begins, or `until`
  // passes.
  void wait_for_room(std::chrono::steady_clock::time_point until);

 private:
  FlushState request(bool shutdown, std::uint64_t timeout_ns);
  void wake();
  void tell_room_waiters();
  void loop();
  bool waits_idle();
  std::size_t in_flight() const;
  void run(std::uint64_t wait_ns);

  // Between the exporter and the transport: every completion also wakes the loop, so one that
  // arrives on another thread (gRPC) just before the loop goes to sleep is not left waiting.
  class Relay final : public Transport {
   public:
    Relay(Transport& transport, Worker& worker) : transport_(transport), worker_(worker) {}
    void send(const SendRequest& request, std::function<void(const Outcome&)> complete) override;

   private:
    Transport& transport_;
    Worker& worker_;
  };

  struct Served {
    Served(Lane lane, Worker& worker)
        : pipeline(lane.pipeline), relay(lane.transport, worker), exporter(lane.pipeline, relay, std::move(lane.options)) {}
    Pipeline& pipeline;
    Relay relay;
    Exporter exporter;
    std::uint64_t ticket = 0;  // the flush being waited for, 0 when none
  };

  std::vector<LoopTransport*> loops_;
  std::atomic<std::thread::id> loop_thread_{};  // set before the loop sends anything
  Clock& clock_;
  std::vector<std::unique_ptr<Served>> lanes_;  // Served holds its Relay's address: not moved
  std::uint32_t max_concurrent_exports_ = 0;    // every lane's together
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  bool woken_ = false;
  bool stopping_ = false;
  // One flush or shutdown request at a time, handed to the loop and answered through done_.
  bool pending_ = false;
  bool pending_shutdown_ = false;
  std::uint64_t pending_timeout_ = 0;
  std::uint64_t requests_ = 0, answers_ = 0;
  FlushState answer_ = FlushState::done;
  // Set while the loop waits with room to send: only then does notify() need to wake it. Only
  // read-modify-writes touch it (notify() says why).
  std::atomic<std::uint32_t> listening_{0};
  // What may have made room in the queue (a request sent, a shutdown begun), and the app threads
  // waiting for room (wait_for_room), who are told of each.
  std::atomic<std::uint64_t> room_events_{0};
  std::atomic<std::uint32_t> room_waiters_{0};
  std::mutex room_mutex_;
  std::condition_variable room_;
  std::thread thread_;
};

}  // namespace otlp::native
