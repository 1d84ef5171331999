// Metrics as protobuf-lite (the independent oracle) reads them: every metric and data point type
// the SDK writes, byte for byte what lite writes back; and application threads recording into
// the same series at once while the host collects (native only: WASM has no threads here).
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "otlp/metrics/metrics.hpp"
#include "support/fake_host.hpp"

namespace otlp {
namespace {

namespace pb = opentelemetry::proto::metrics::v1;
namespace pb_collector = opentelemetry::proto::collector::metrics::v1;
using testing::EngineHost;
using testing::FakeClock;
using testing::kSec;

ExportConfig engine_config() {
  ExportConfig c;
  c.signal = Signal::metrics;
  return c;
}

struct Rig {
  explicit Rig(TemporalityPreference t = TemporalityPreference::cumulative)
      : engine(engine_config()), provider(engine, clock, config(t)), host(engine, clock) {}
  static MeterProviderConfig config(TemporalityPreference t) {
    MeterProviderConfig c;
    c.resource.attributes.push_back({"service.name", AnyValue("checkout")});
    c.temporality = t;
    return c;
  }
  // Collects and returns the request body (empty when nothing was submitted).
  std::string collect() {
    clock.now += kSec;
    provider.collect(clock.now);
    host.poll();
    if (host.in_flight.empty()) return {};
    std::string body = host.in_flight.back().body;
    while (!host.in_flight.empty()) host.answer(Outcome::ok());
    return body;
  }
  FakeClock clock;
  ExportEngine engine;
  MeterProvider provider;
  EngineHost host;
};

const pb::Metric* find(const pb_collector::ExportMetricsServiceRequest& r, const std::string& name) {
  for (const auto& rm : r.resource_metrics())
    for (const auto& sm : rm.scope_metrics())
      for (const auto& m : sm.metrics())
        if (m.name() == name) return &m;
  return nullptr;
}

TEST(MetricsLite, EveryPointTypeAsLiteReadsIt) {
  Rig rig(TemporalityPreference::delta);
  const std::uint64_t start = rig.clock.now;
  Meter meter = rig.provider.meter("shop", "1.0");
  meter.counter<std::int64_t>("count", {"{request}", "served"}).add(3, {{"method", "GET"}, {"code", 200}});
  meter.up_down_counter<double>("level").add(-1.5);
  meter.gauge<std::int64_t>("temp").record(0, {{"room", "a"}});
  meter.histogram<double>("latency", {"s"}).record(0.25, {{"route", "/a"}});
  meter.observable_gauge<double>("mem", [](Observer<double>& o) { o.observe(1e9, {{"kind", "heap"}}); });
  const std::string body = rig.collect();
  pb_collector::ExportMetricsServiceRequest r;
  ASSERT_TRUE(r.ParseFromString(body));
  // Fields in number order and proto3 defaults omitted: lite writes the same bytes back.
  EXPECT_EQ(r.SerializeAsString(), body);
  ASSERT_EQ(r.resource_metrics_size(), 1);
  EXPECT_EQ(r.resource_metrics(0).resource().attributes(0).value().string_value(), "checkout");
  ASSERT_EQ(r.resource_metrics(0).scope_metrics_size(), 1);
  EXPECT_EQ(r.resource_metrics(0).scope_metrics(0).scope().name(), "shop");
  EXPECT_EQ(r.resource_metrics(0).scope_metrics(0).scope().version(), "1.0");

  const pb::Metric* count = find(r, "count");
  ASSERT_TRUE(count && count->has_sum());
  EXPECT_EQ(count->unit(), "{request}");
  EXPECT_EQ(count->description(), "served");
  EXPECT_TRUE(count->sum().is_monotonic());
  EXPECT_EQ(count->sum().aggregation_temporality(), pb::AGGREGATION_TEMPORALITY_DELTA);
  const pb::NumberDataPoint& cp = count->sum().data_points(0);
  EXPECT_EQ(cp.value_case(), pb::NumberDataPoint::kAsInt);
  EXPECT_EQ(cp.as_int(), 3);
  EXPECT_EQ(cp.start_time_unix_nano(), start);
  EXPECT_EQ(cp.time_unix_nano(), rig.clock.now);
  ASSERT_EQ(cp.attributes_size(), 2);
  EXPECT_EQ(cp.attributes(0).key(), "code");  // canonical order: by key
  EXPECT_EQ(cp.attributes(0).value().int_value(), 200);
  EXPECT_EQ(cp.attributes(1).value().string_value(), "GET");

  const pb::Metric* level = find(r, "level");
  ASSERT_TRUE(level && level->has_sum());
  EXPECT_FALSE(level->sum().is_monotonic());
  EXPECT_EQ(level->sum().aggregation_temporality(), pb::AGGREGATION_TEMPORALITY_CUMULATIVE);
  EXPECT_EQ(level->sum().data_points(0).value_case(), pb::NumberDataPoint::kAsDouble);
  EXPECT_EQ(level->sum().data_points(0).as_double(), -1.5);

  const pb::Metric* temp = find(r, "temp");
  ASSERT_TRUE(temp && temp->has_gauge());
  EXPECT_EQ(temp->gauge().data_points(0).value_case(), pb::NumberDataPoint::kAsInt);  // a zero is present
  EXPECT_EQ(temp->gauge().data_points(0).as_int(), 0);

  const pb::Metric* latency = find(r, "latency");
  ASSERT_TRUE(latency && latency->has_histogram());
  EXPECT_EQ(latency->histogram().aggregation_temporality(), pb::AGGREGATION_TEMPORALITY_DELTA);
  const pb::HistogramDataPoint& hp = latency->histogram().data_points(0);
  EXPECT_EQ(hp.count(), 1u);
  EXPECT_TRUE(hp.has_sum());
  EXPECT_EQ(hp.sum(), 0.25);
  EXPECT_EQ(hp.min(), 0.25);
  EXPECT_EQ(hp.max(), 0.25);
  ASSERT_EQ(hp.explicit_bounds_size(), 15);
  ASSERT_EQ(hp.bucket_counts_size(), 16);
  EXPECT_EQ(hp.bucket_counts(1), 1u);  // (0, 5]
  EXPECT_EQ(hp.attributes(0).value().string_value(), "/a");

  const pb::Metric* mem = find(r, "mem");
  ASSERT_TRUE(mem && mem->has_gauge());
  EXPECT_EQ(mem->gauge().data_points(0).as_double(), 1e9);
}

TEST(MetricsLite, ExponentialHistogramAsLiteReadsIt) {
  Rig rig(TemporalityPreference::delta);
  const std::uint64_t start = rig.clock.now;
  Meter meter = rig.provider.meter("shop");
  InstrumentOptions expo("s");
  expo.aggregation = Aggregation::exponential_histogram;
  auto h = meter.histogram<double>("wide", expo);
  auto g = meter.gauge<double>("signed", expo);
  // 1e-100 to 1e100 spans 665 octaves: scale -3 (84 buckets), and a negative offset.
  for (const double v : {1e-100, 1e-100, 0.0, 1.0, 1e100}) h.record(v, {{"route", "/a"}});
  for (const double v : {-0.001, -2.0, -2.0, 0.0, 3.0}) g.record(v);
  meter.histogram<double>("narrow", expo).record(1.5);  // scale 20: a wide offset varint
  const std::string body = rig.collect();
  pb_collector::ExportMetricsServiceRequest r;
  ASSERT_TRUE(r.ParseFromString(body));
  EXPECT_EQ(r.SerializeAsString(), body);

  const pb::Metric* wide = find(r, "wide");
  ASSERT_TRUE(wide && wide->has_exponential_histogram());
  EXPECT_EQ(wide->unit(), "s");
  EXPECT_EQ(wide->exponential_histogram().aggregation_temporality(), pb::AGGREGATION_TEMPORALITY_DELTA);
  const pb::ExponentialHistogramDataPoint& w = wide->exponential_histogram().data_points(0);
  EXPECT_EQ(w.attributes(0).value().string_value(), "/a");
  EXPECT_EQ(w.start_time_unix_nano(), start);
  EXPECT_EQ(w.time_unix_nano(), rig.clock.now);
  EXPECT_EQ(w.count(), 5u);
  EXPECT_EQ(w.zero_count(), 1u);
  EXPECT_EQ(w.sum(), 2e-100 + 1.0 + 1e100);
  EXPECT_EQ(w.min(), 0.0);
  EXPECT_EQ(w.max(), 1e100);
  EXPECT_EQ(w.zero_threshold(), 0.0);
  EXPECT_EQ(w.scale(), -3);
  // 1e-100 is 2^-332.2: index -333 at scale 0, -42 at scale -3 (floor division by 8).
  EXPECT_EQ(w.positive().offset(), -42);
  ASSERT_EQ(w.positive().bucket_counts_size(), 84);
  EXPECT_EQ(w.positive().bucket_counts(0), 2u);
  EXPECT_EQ(w.positive().bucket_counts(41), 1u);  // 1.0: index -1 (upper-inclusive)
  EXPECT_EQ(w.positive().bucket_counts(83), 1u);  // 1e100 = 2^332.2: index 332 at scale 0, 41 at -3
  EXPECT_FALSE(w.has_negative());  // a sign with no value is left out

  const pb::ExponentialHistogramDataPoint& sp = find(r, "signed")->exponential_histogram().data_points(0);
  EXPECT_EQ(sp.count(), 5u);
  EXPECT_EQ(sp.zero_count(), 1u);
  EXPECT_EQ(sp.min(), -2.0);
  EXPECT_EQ(sp.max(), 3.0);
  ASSERT_TRUE(sp.has_negative());
  std::uint64_t negatives = 0;
  for (const auto c : sp.negative().bucket_counts()) negatives += c;
  EXPECT_EQ(negatives, 3u);
  EXPECT_LT(sp.negative().offset(), 0);  // 0.001's bucket

  const pb::ExponentialHistogramDataPoint& np = find(r, "narrow")->exponential_histogram().data_points(0);
  EXPECT_EQ(np.scale(), 20);
  EXPECT_EQ(np.positive().offset(), 613377);  // floor(log2(1.5) * 2^20)
  ASSERT_EQ(np.positive().bucket_counts_size(), 1);
  EXPECT_FALSE(np.has_negative());
}

TEST(MetricsLite, TwoThreadsAddToOneSeriesExactly) {
  Rig rig(TemporalityPreference::delta);
  Meter meter = rig.provider.meter("threads");
  auto counter = meter.counter<std::int64_t>("c");
  auto histogram = meter.histogram<double>("h");
  InstrumentOptions expo;
  expo.aggregation = Aggregation::exponential_histogram;
  auto exponential = meter.histogram<double>("e", expo);
  auto bound_exponential = exponential.bind({{"route", "/bound"}});
  auto bound = counter.bind({{"route", "/bound"}});
  constexpr int kAdds = 200'000;
  std::atomic<bool> done{false};
  std::int64_t collected = 0, collected_bound = 0;
  std::uint64_t collected_count = 0, exponential_count = 0, exponential_buckets = 0;
  const auto take = [&](const std::string& body) {
    pb_collector::ExportMetricsServiceRequest r;
    ASSERT_TRUE(r.ParseFromString(body));
    if (const pb::Metric* c = find(r, "c"))
      for (const auto& p : c->sum().data_points())
        (p.attributes(0).value().string_value() == "/bound" ? collected_bound : collected) += p.as_int();
    if (const pb::Metric* h = find(r, "h"))
      for (const auto& p : h->histogram().data_points()) collected_count += p.count();
    if (const pb::Metric* e = find(r, "e")) {
      for (const auto& p : e->exponential_histogram().data_points()) {
        exponential_count += p.count();
        exponential_buckets += p.zero_count();
        for (const auto c : p.positive().bucket_counts()) exponential_buckets += c;
      }
    }
  };
  // The host collects (delta) while the threads add: every add lands in one collection.
  std::thread host([&] {
    while (!done.load()) {
      const std::string body = rig.collect();
      if (!body.empty()) take(body);
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kAdds; ++i) {
        counter.add(1, {{"route", "/a"}, {"method", "GET"}});
        histogram.record(1.0, {{"route", "/a"}});
        // Values over a wide range, so the threads rescale the series while the host reads it.
        exponential.record(static_cast<double>(i % 4096) * (i % 7 == 0 ? 1e6 : 1e-3), {{"route", "/a"}});
        bound_exponential.record(static_cast<double>(i));
        bound.add(1);
        if (i % 1000 == 0) counter.add(1, {{"route", "/a"}, {"method", std::to_string(i)}});  // new series meanwhile
      }
    });
  }
  for (auto& t : threads) t.join();
  done = true;
  host.join();
  take(rig.collect());
  EXPECT_EQ(collected, 2 * (kAdds + kAdds / 1000));
  EXPECT_EQ(collected_bound, 2 * kAdds);
  EXPECT_EQ(collected_count, 2u * kAdds);
  EXPECT_EQ(exponential_count, 4u * kAdds);
  EXPECT_EQ(exponential_buckets, 4u * kAdds);  // every count in a bucket: no torn read
}

}  // namespace
}  // namespace otlp
