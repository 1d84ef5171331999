// The TSC wall clock against the real clock: every reading lies between two real-clock reads
// taken around it, readings never go backwards (also across re-anchoring and between threads),
// and a stepped system clock is followed.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <thread>
#include <vector>

#include "tsc_clock.hpp"

namespace otlp::native {
namespace {

std::uint64_t real_now() noexcept {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

constexpr std::uint64_t kSlack = 2'000'000;  // 2 ms: the rate's first estimate, and scheduling

TEST(TscClock, ReadingsLieBetweenRealClockReads) {
  TscClock clock;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  int n = 0;
  while (std::chrono::steady_clock::now() < until) {
    const std::uint64_t before = real_now();
    const std::uint64_t t = clock.now_unix_nano();
    const std::uint64_t after = real_now();
    ASSERT_GE(t + kSlack, before) << n;
    ASSERT_LE(t, after + kSlack) << n;
    if (++n % 1000 == 0) clock.calibrate();
  }
}

TEST(TscClock, NeverGoesBackwardsAcrossCalibrations) {
  TscClock clock;
  std::uint64_t last = clock.now_unix_nano();
  for (int i = 0; i < 200'000; ++i) {
    if (i % 500 == 0) clock.calibrate();
    const std::uint64_t t = clock.now_unix_nano();
    ASSERT_GE(t, last) << i;
    last = t;
  }
}

// Readers on several threads while another re-anchors in a loop: no torn anchor ever shows
// (a torn one would be off by seconds), and each thread's readings stay ordered.
TEST(TscClock, ConcurrentReadersSeeWholeAnchors) {
  TscClock clock;
  std::atomic<bool> stop{false};
  std::thread calibrator([&] {
    for (int i = 0; i < 20'000 && !stop.load(); ++i) clock.calibrate();
  });
  std::vector<std::thread> readers;
  std::atomic<int> bad{0};
  for (int r = 0; r < 3; ++r)
    readers.emplace_back([&] {
      std::uint64_t last = 0;
      for (int i = 0; i < 100'000; ++i) {
        const std::uint64_t before = real_now();
        const std::uint64_t t = clock.now_unix_nano();
        const std::uint64_t after = real_now();
        if (t < last || t + kSlack < before || t > after + kSlack) bad.fetch_add(1);
        last = t;
      }
    });
  for (auto& t : readers) t.join();
  stop = true;
  calibrator.join();
  EXPECT_EQ(bad.load(), 0);
}

// A fake real clock that the test steps: the TSC clock follows a step at its next calibration.
std::atomic<std::int64_t> offset{0};
std::uint64_t stepped_now() noexcept { return real_now() + static_cast<std::uint64_t>(offset.load()); }

TEST(TscClock, FollowsASteppedSystemClock) {
  offset = 0;
  TscClock clock(stepped_now);
  if (!clock.uses_tsc()) GTEST_SKIP() << "no invariant TSC here: the clock is the real clock";
  offset = 3'600'000'000'000;  // one hour ahead
  clock.calibrate();
  const std::uint64_t before = stepped_now();
  const std::uint64_t t = clock.now_unix_nano();
  const std::uint64_t after = stepped_now();
  EXPECT_GE(t + kSlack, before);
  EXPECT_LE(t, after + kSlack);
  offset = 0;
}

}  // namespace
}  // namespace otlp::native
