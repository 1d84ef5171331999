// A wall clock read from the CPU's invariant time-stamp counter. A sampled span reads the
// clock three times (start, event, end); on the 2-vCPU VMs we measure on, clock_gettime costs
// ~24 ns a read and rdtsc ~10, so this clock takes ~40 ns off every span.
#pragma once
#include <atomic>
#include <cstdint>

#include "otlp/trace/tracer.hpp"

namespace otlp::native {

class TscClock final : public Clock {
 public:
  // Where the real time comes from (CLOCK_REALTIME in production; tests pass their own).
  using Realtime = std::uint64_t (*)() noexcept;
  explicit TscClock(Realtime realtime = nullptr);

  // Ticks since an anchor, converted at a rate measured against the real clock. About once a
  // second a read re-anchors: the rate is remeasured over the whole run, and a small error
  // (drift, NTP slewing) is slewed away over the next second so readings never go backwards; an
  // error over a millisecond (the system clock was stepped) is stepped too. Without an
  // invariant TSC (or off x86-64) every read is the real clock.
  std::uint64_t now_unix_nano() noexcept override;

  bool uses_tsc() const noexcept { return tsc_; }
  // Re-anchors now. Reads do this themselves; tests call it to exercise the switch.
  void calibrate() noexcept;

 private:
  struct Anchor {
    std::uint64_t tsc, ns, ns_per_tick_q32;  // ns per tick in 32.32 fixed point
  };
  Anchor load() const noexcept;
  void store(const Anchor& a) noexcept;

  Realtime realtime_;
  bool tsc_ = false;
  std::uint64_t start_tsc_ = 0, start_ns_ = 0;  // the first anchor: the rate's baseline
  std::uint64_t ticks_per_second_ = 0;
  // Seqlock: odd while a writer updates the anchor; readers retry when it changed under them.
  // Every read touches these: a cache line of their own, so nothing written next to the clock
  // makes readers miss.
  alignas(64) std::atomic<std::uint32_t> seq_{0};
  std::atomic<std::uint64_t> tsc_at_{0}, ns_at_{0}, rate_{0};
  std::atomic<std::uint64_t> next_calibration_{0};  // tsc value after which a read re-anchors
  alignas(64) std::atomic<bool> calibrating_{false};
};

}  // namespace otlp::native
