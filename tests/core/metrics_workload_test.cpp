// The standard metrics workload (shared/WORKLOAD.md) as the benchmarks, `otlp encode` and
// `otlp send` record it: 103 data points per collection, each request in series i mod 50.
#include <gtest/gtest.h>

#include <cmath>

#include "otlp/metrics/metrics.hpp"
#include "otlp/workload/metrics_workload.hpp"
#include "support/fake_host.hpp"
#include "support/metrics_reader.hpp"

namespace otlp {
namespace {

using testing::kSec;
using workload::StandardMetrics;

ExportConfig metrics_engine() {
  ExportConfig c;
  c.signal = Signal::metrics;
  return c;
}

TEST(MetricsWorkload, OneCollectionHas103PointsAndEverySeriesItsShare) {
  testing::FakeClock clock;
  ExportEngine engine(metrics_engine());
  MeterProvider provider(engine, clock);
  StandardMetrics w(provider.meter("bench", "1.0.0"), [] { return std::int64_t{123456}; });
  constexpr std::uint64_t kRequests = 1000;  // 20 per series
  double total_duration = 0;
  for (std::uint64_t i = 0; i < kRequests; ++i) {
    w.request(i);
    total_duration += StandardMetrics::duration(i);
  }
  clock.now += kSec;
  EXPECT_EQ(provider.collect(clock.now), StandardMetrics::kPointsPerCollection);
  testing::EngineHost host(engine, clock);
  ASSERT_EQ(host.poll(), 1u);
  testing::MetricsRead read;
  ASSERT_TRUE(testing::read_metrics(host.in_flight.back().body, read));
  EXPECT_EQ(read.points(), 103u);

  const auto* count = read.find("http.server.request.count");
  ASSERT_NE(count, nullptr);
  EXPECT_EQ(count->unit, "{request}");
  EXPECT_TRUE(count->monotonic);
  ASSERT_EQ(count->points.size(), 50u);
  for (const auto& p : count->points) EXPECT_EQ(p.as_int, 20);

  const auto* duration = read.find("http.server.request.duration");
  ASSERT_NE(duration, nullptr);
  EXPECT_EQ(duration->unit, "s");
  double sum = 0;
  std::uint64_t n = 0;
  for (const auto& p : duration->points) {
    sum += p.sum.value_or(0);
    n += p.count;
  }
  EXPECT_EQ(n, kRequests);
  EXPECT_NEAR(sum, total_duration, 1e-9);

  const auto* active = read.find("http.server.active_requests");
  ASSERT_NE(active, nullptr);
  EXPECT_FALSE(active->monotonic);
  ASSERT_EQ(active->points.size(), 2u);  // method only
  for (const auto& p : active->points) EXPECT_EQ(p.as_int, 0);  // +1 then -1

  const auto* memory = read.find("process.memory.usage");
  ASSERT_NE(memory, nullptr);
  EXPECT_EQ(memory->unit, "By");
  ASSERT_EQ(memory->points.size(), 1u);
  EXPECT_EQ(memory->points[0].as_int, 123456);
}

TEST(MetricsWorkload, DurationsCycleThroughTwentyValuesWithinTheRange) {
  for (std::uint64_t i = 0; i < 20; ++i) {
    EXPECT_GE(StandardMetrics::duration(i), 0.001);
    EXPECT_LE(StandardMetrics::duration(i), 2.5);
    EXPECT_EQ(StandardMetrics::duration(i), StandardMetrics::duration(i + 20));
  }
  EXPECT_EQ(StandardMetrics::duration(0), 0.001);
  EXPECT_EQ(StandardMetrics::duration(19), 2.5);
}

}  // namespace
}  // namespace otlp
