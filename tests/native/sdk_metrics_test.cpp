// Metrics through the SDK (sdk.hpp): the periodic reader on the worker thread, a collection at
// flush and one last at shutdown, requests read back by protobuf-lite at /v1/metrics (the
// metrics variables are config_test.cpp's).
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <thread>

#include "http_sink.hpp"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "sdk.hpp"

namespace otlp::native {
namespace {

namespace pb = opentelemetry::proto::collector::metrics::v1;
constexpr std::uint64_t kSec = 1'000'000'000;

// Only metrics, sent to `sink` over HTTP/protobuf.
Options metrics_to(const HttpSink& sink) {
  Options o;
  o.traces_exporter = ExporterKind::none;
  o.logs.exporter = ExporterKind::none;
  o.metrics.otlp.endpoint = sink.base() + "/v1/metrics";
  return o;
}

// The counter "requests" value of each request's points, by request, summed over series.
std::vector<std::int64_t> counter_totals(const std::vector<Received>& requests) {
  std::vector<std::int64_t> out;
  for (const auto& r : requests) {
    pb::ExportMetricsServiceRequest req;
    EXPECT_TRUE(req.ParseFromString(r.body));
    std::int64_t total = 0;
    for (const auto& rm : req.resource_metrics())
      for (const auto& sm : rm.scope_metrics())
        for (const auto& m : sm.metrics())
          if (m.name() == "requests")
            for (const auto& p : m.sum().data_points()) total += p.as_int();
    out.push_back(total);
  }
  return out;
}

TEST(SdkMetrics, FlushCollectsAndSendsToV1Metrics) {
  HttpSink sink;
  auto sdk = start(metrics_to(sink));
  ASSERT_TRUE(sdk) << sdk.error().message;
  auto counter = sdk->meter("shop", "1.0").counter<std::int64_t>("requests", {"{request}"});
  counter.add(2, {{"route", "/a"}});
  counter.add(3, {{"route", "/b"}});
  ASSERT_EQ(sdk->flush(5 * kSec), FlushState::done);
  const auto got = sink.received("/v1/metrics");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].content_type, "application/x-protobuf");
  pb::ExportMetricsServiceRequest req;
  ASSERT_TRUE(req.ParseFromString(got[0].body));
  const auto& rm = req.resource_metrics(0);
  std::map<std::string, std::string> resource;
  for (const auto& kv : rm.resource().attributes()) resource[kv.key()] = kv.value().string_value();
  EXPECT_EQ(resource["telemetry.sdk.name"], "otlp-portable");
  const auto& sm = rm.scope_metrics(0);
  EXPECT_EQ(sm.scope().name(), "shop");
  ASSERT_EQ(sm.metrics_size(), 1);
  EXPECT_EQ(sm.metrics(0).unit(), "{request}");
  EXPECT_TRUE(sm.metrics(0).sum().is_monotonic());
  EXPECT_EQ(sm.metrics(0).sum().aggregation_temporality(), 2);  // cumulative by default
  EXPECT_EQ(counter_totals(got), std::vector<std::int64_t>{5});
  const Stats s = sdk->stats(Signal::metrics);
  EXPECT_EQ(s.exported, 2u);  // data points
  EXPECT_EQ(s.ended, s.exported + s.rejected + s.failed + s.dropped + s.queued);
}

TEST(SdkMetrics, ThePeriodicReaderCollectsOnTheWorkerAndShutdownOnceMore) {
  HttpSink sink;
  Options o = metrics_to(sink);
  o.metrics.export_interval_ms = 20;
  o.metrics.temporality = TemporalityPreference::delta;
  auto sdk = start(o);
  ASSERT_TRUE(sdk) << sdk.error().message;
  auto counter = sdk->meter("shop").counter<std::int64_t>("requests");
  counter.add(1);
  // Bounded wait: the worker collects every 20 ms; one request with the point is enough.
  for (int i = 0; i < 500 && sink.received("/v1/metrics").empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_FALSE(sink.received("/v1/metrics").empty()) << "no periodic collection in 5 s";
  counter.add(4);
  const ShutdownReport report = sdk->shutdown(5 * kSec);
  EXPECT_EQ(report.state, FlushState::done);
  std::int64_t total = 0;
  for (std::int64_t t : counter_totals(sink.received("/v1/metrics"))) total += t;
  EXPECT_EQ(total, 5);  // delta: each collection sends what came since the last, nothing twice
  EXPECT_EQ(report[Signal::metrics].not_exported, 0u);
}

TEST(SdkMetrics, ExponentialHistogramsByDefaultWhenTheOptionSaysSo) {
  HttpSink sink;
  Options o = metrics_to(sink);
  o.metrics.default_histogram_aggregation = Aggregation::exponential_histogram;
  auto sdk = start(o);
  ASSERT_TRUE(sdk);
  auto h = sdk->meter("shop").histogram<double>("latency", {"s"});
  for (double v : {0.001, 0.01, 0.1, 1.0}) h.record(v);
  ASSERT_EQ(sdk->flush(5 * kSec), FlushState::done);
  const auto got = sink.received("/v1/metrics");
  ASSERT_EQ(got.size(), 1u);
  pb::ExportMetricsServiceRequest req;
  ASSERT_TRUE(req.ParseFromString(got[0].body));
  const auto& m = req.resource_metrics(0).scope_metrics(0).metrics(0);
  ASSERT_TRUE(m.has_exponential_histogram());
  EXPECT_EQ(m.exponential_histogram().data_points(0).count(), 4u);
}

TEST(SdkMetrics, NoneExportsNothingAndRecordingStillWorks) {
  HttpSink sink;
  Options o = metrics_to(sink);
  o.metrics.exporter = ExporterKind::none;
  auto sdk = start(o);
  ASSERT_TRUE(sdk);
  sdk->meter("shop").counter<double>("requests").add(1.5);
  EXPECT_EQ(sdk->flush(kSec), FlushState::done);
  sdk->shutdown(kSec);
  EXPECT_EQ(sink.requests(), 0u);
}

}  // namespace
}  // namespace otlp::native
