// Internal to the metrics SDK, public only because MeterProvider holds one: the lock behind the
// few rare or short sections of recording (adding a series, creating an instrument, one
// exponential histogram record). The core has no threads of its own nor the host's blocking
// primitives, so it waits by spinning: every section it guards is short, and collection holds
// it only long enough to copy pointers.
#pragma once
#include <atomic>

namespace otlp::detail {

class SpinLock {
 public:
  void lock() noexcept {
    // Test and test-and-set: waiters spin on a load, not on the cache line's ownership.
    while (locked_.exchange(true, std::memory_order_acquire))
      while (locked_.load(std::memory_order_relaxed)) {
      }
  }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

  // Holds the lock for a scope.
  class Guard {
   public:
    explicit Guard(SpinLock& l) noexcept : l_(l) { l_.lock(); }
    ~Guard() { l_.unlock(); }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    SpinLock& l_;
  };

 private:
  std::atomic<bool> locked_{false};
};

}  // namespace otlp::detail
