#include "tsc_clock.hpp"

#include <ctime>

#if defined(__x86_64__)
#include <cpuid.h>
#include <x86intrin.h>
#endif

namespace otlp::native {
namespace {

__extension__ typedef unsigned __int128 u128;  // 64x64-bit products and 96-bit quotients

std::uint64_t clock_realtime() noexcept {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

#if defined(__x86_64__)
bool invariant_tsc() noexcept {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid_max(0x80000000u, nullptr) < 0x80000007u) return false;
  __cpuid(0x80000007u, a, b, c, d);
  return (d & (1u << 8)) != 0;  // CPUID.80000007H:EDX[8]: the TSC runs at a constant rate
}
std::uint64_t ticks() noexcept { return __rdtsc(); }
#else
bool invariant_tsc() noexcept { return false; }
std::uint64_t ticks() noexcept { return 0; }
#endif

// A (tsc, real time) pair taken as close together as the machine allows: the real time read
// between two counter reads, kept from the tightest of a few tries.
struct Sample {
  std::uint64_t tsc, ns;
};
Sample sample(TscClock::Realtime realtime) noexcept {
  Sample best{0, 0};
  std::uint64_t best_gap = UINT64_MAX;
  for (int i = 0; i < 5; ++i) {
    const std::uint64_t t0 = ticks();
    const std::uint64_t ns = realtime();
    const std::uint64_t t1 = ticks();
    if (t1 - t0 < best_gap) {
      best_gap = t1 - t0;
      best = {t0 + (t1 - t0) / 2, ns};
    }
  }
  return best;
}

std::uint64_t q32_rate(std::uint64_t ns, std::uint64_t ticks) noexcept {
  return ticks == 0 ? 0 : static_cast<std::uint64_t>((static_cast<u128>(ns) << 32) / ticks);
}

constexpr std::uint64_t kStepNs = 1'000'000;  // a larger error is a step, not drift

}  // namespace

TscClock::TscClock(Realtime realtime) : realtime_(realtime ? realtime : clock_realtime), tsc_(invariant_tsc()) {
  if (!tsc_) return;
  // The first rate comes from a 2 ms baseline; each calibration refines it over the whole run.
  const Sample a = sample(realtime_);
  Sample b = a;
  while (b.ns < a.ns + 2'000'000 && b.ns >= a.ns) b = sample(realtime_);
  if (b.tsc <= a.tsc || b.ns <= a.ns) {
    tsc_ = false;  // a counter that does not move, or a clock that stepped back: don't trust it
    return;
  }
  start_tsc_ = a.tsc;
  start_ns_ = a.ns;
  const std::uint64_t rate = q32_rate(b.ns - a.ns, b.tsc - a.tsc);
  ticks_per_second_ = static_cast<std::uint64_t>((static_cast<u128>(1'000'000'000u) << 32) / rate);
  store({b.tsc, b.ns, rate});
  next_calibration_.store(b.tsc + ticks_per_second_, std::memory_order_relaxed);
}

TscClock::Anchor TscClock::load() const noexcept {
  for (;;) {
    const std::uint32_t s = seq_.load(std::memory_order_acquire);
    if (s & 1u) continue;
    // Acquire loads keep the second sequence read after them (no fences: GCC's TSan has none);
    // on x86-64 they are plain loads.
    Anchor a{tsc_at_.load(std::memory_order_acquire), ns_at_.load(std::memory_order_acquire),
             rate_.load(std::memory_order_acquire)};
    if (seq_.load(std::memory_order_relaxed) == s) return a;
  }
}

void TscClock::store(const Anchor& a) noexcept {
  const std::uint32_t s = seq_.load(std::memory_order_relaxed);
  seq_.store(s + 1, std::memory_order_relaxed);
  // Release stores: a reader that sees a new field value also sees the odd sequence before it.
  tsc_at_.store(a.tsc, std::memory_order_release);
  ns_at_.store(a.ns, std::memory_order_release);
  rate_.store(a.ns_per_tick_q32, std::memory_order_release);
  seq_.store(s + 2, std::memory_order_release);
}

std::uint64_t TscClock::now_unix_nano() noexcept {
  if (!tsc_) return realtime_();
  const std::uint64_t t = ticks();
  if (t >= next_calibration_.load(std::memory_order_relaxed)) calibrate();
  const Anchor a = load();
  const std::uint64_t d = t > a.tsc ? t - a.tsc : 0;  // another core's counter may trail a little
  return a.ns + static_cast<std::uint64_t>((static_cast<u128>(d) * a.ns_per_tick_q32) >> 32);
}

void TscClock::calibrate() noexcept {
  if (!tsc_ || calibrating_.exchange(true, std::memory_order_acquire)) return;
  const Sample s = sample(realtime_);
  const Anchor old = load();
  const std::uint64_t d = s.tsc > old.tsc ? s.tsc - old.tsc : 0;
  const std::uint64_t shown =
      old.ns + static_cast<std::uint64_t>((static_cast<u128>(d) * old.ns_per_tick_q32) >> 32);
  const auto error = static_cast<std::int64_t>(s.ns - shown);
  if (error > static_cast<std::int64_t>(kStepNs) || error < -static_cast<std::int64_t>(kStepNs)) {
    // The system clock was stepped: follow it at once, at the rate measured so far, and measure
    // the rate from here on (a baseline across the step would be off by the step).
    start_tsc_ = s.tsc;
    start_ns_ = s.ns;
    store({s.tsc, s.ns, q32_rate(1'000'000'000u, ticks_per_second_)});
  } else {
    if (s.tsc > start_tsc_ && s.ns > start_ns_) {
      const std::uint64_t rate = q32_rate(s.ns - start_ns_, s.tsc - start_tsc_);
      if (rate != 0) ticks_per_second_ = static_cast<std::uint64_t>((static_cast<u128>(1'000'000'000u) << 32) / rate);
    }
    // Continue from what readers see at this moment (the counter is read again, so a pause
    // since the sample cannot show as a step back) and run 1 s plus the error over the next
    // second's ticks.
    const std::uint64_t t = ticks();
    const std::uint64_t dt = t > old.tsc ? t - old.tsc : 0;
    const std::uint64_t now_shown =
        old.ns + static_cast<std::uint64_t>((static_cast<u128>(dt) * old.ns_per_tick_q32) >> 32);
    const auto target = static_cast<std::uint64_t>(1'000'000'000 + error);
    store({t, now_shown, q32_rate(target, ticks_per_second_)});
  }
  next_calibration_.store(s.tsc + ticks_per_second_, std::memory_order_relaxed);
  calibrating_.store(false, std::memory_order_release);
}

}  // namespace otlp::native
