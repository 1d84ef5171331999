// Metrics through the receiver, over HTTP (/v1/metrics) and gRPC (MetricsService/Export),
// protobuf and JSON, gzip: requests built with protobuf-lite (the oracle, every metric and
// data point type) arrive intact and their data points are counted; partial success names
// rejected_data_points; malformed and oversized metrics requests get 400/413/415 or
// INVALID_ARGUMENT/RESOURCE_EXHAUSTED and the receiver keeps serving.
#include <gtest/gtest.h>

#include <httplib.h>
#include <zlib.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "oracle_metrics.hpp"
#include "otlp/export/response.hpp"
#include "otlp/json/json.hpp"
#include "raw_grpc.hpp"
#include "receiver.hpp"
#include "receiver_rig.hpp"

namespace otlp::native {
namespace {

namespace pb = opentelemetry::proto::collector::metrics::v1;
using testing::lite::data_point_count;
using testing::lite::random_metrics;

constexpr const char* kMetricsPath = "/v1/metrics";
constexpr const char* kMetricsMethod = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";
constexpr const char* kProto = "application/x-protobuf";
constexpr const char* kJson = "application/json";

// A request with at least `min_points` data points, from the first seed at or after `seed`.
pb::ExportMetricsServiceRequest with_points(std::uint64_t seed, std::uint64_t min_points) {
  for (;; ++seed) {
    auto r = random_metrics(seed);
    if (data_point_count(r) >= min_points) return r;
  }
}

class MetricsReceiverTest : public ReceiverRig {
 protected:
  httplib::Result post(const std::string& body, const std::string& type, httplib::Headers headers = {}) {
    return post_to(kMetricsPath, body, type, std::move(headers));
  }
};

std::string as_lite(const std::string& protobuf) {
  pb::ExportMetricsServiceRequest m;
  EXPECT_TRUE(m.ParseFromString(protobuf));
  return m.SerializeAsString();
}

TEST_F(MetricsReceiverTest, DeliveredIntactOverBothTransportsAndEncodings) {
  start();
  std::vector<std::string> sent;
  std::uint64_t http_points = 0, grpc_points = 0;
  for (std::uint64_t i = 0; i < 5; ++i) {
    const auto r = with_points(100 + 20 * i, 5);
    sent.push_back(r.SerializeAsString());
    (i < 3 ? http_points : grpc_points) += data_point_count(r);
  }
  std::string json;
  ASSERT_TRUE(transcode_request_json(Signal::metrics, sent[1], json).ok());

  auto a = post(sent[0], kProto);
  auto b = post(json, "application/json; charset=utf-8");
  auto c = post(gzip(sent[2]), kProto, {{"Content-Encoding", "gzip"}});
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->status, 200) << a->body;
  EXPECT_EQ(b->status, 200) << b->body;
  EXPECT_EQ(c->status, 200) << c->body;
  EXPECT_EQ(a->body, "");
  EXPECT_EQ(b->body, "{}");
  const RawReply d = raw_call(receiver_->grpc_port(), sent[3], kMetricsMethod);
  const RawReply e = raw_call(receiver_->grpc_port(), sent[4], kMetricsMethod, /*gzip=*/true);
  EXPECT_TRUE(d.status.ok()) << d.status.error_message();
  EXPECT_TRUE(e.status.ok()) << e.status.error_message();

  const auto g = got();
  ASSERT_EQ(g.size(), 5u);
  for (std::size_t i = 0; i < g.size(); ++i) {
    EXPECT_EQ(g[i].signal, Signal::metrics);
    EXPECT_EQ(g[i].rejected, 0u);
    EXPECT_EQ(as_lite(g[i].protobuf), sent[i]) << "request " << i;
  }
  const ReceiverStats s = receiver_->stats();
  EXPECT_EQ(s.data_points, http_points);
  EXPECT_EQ(s.grpc.data_points, grpc_points);
  EXPECT_EQ(s.total_data_points(), http_points + grpc_points);
  EXPECT_EQ(s.total_spans() + s.total_log_records(), 0u);
  EXPECT_EQ(s.errors() + s.grpc.errors(), 0u);
}

TEST_F(MetricsReceiverTest, RejectHookAnswersRejectedDataPoints) {
  const auto request = with_points(300, 4);
  const std::string body = request.SerializeAsString();
  const auto points = static_cast<std::int64_t>(data_point_count(request));
  ReceiverOptions o;
  o.reject_first_items = 2 * points + 1;
  start(o);
  auto a = post(body, kProto);  // all rejected
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 200);
  pb::ExportMetricsServiceResponse response;
  ASSERT_TRUE(response.ParseFromString(a->body));
  EXPECT_EQ(response.partial_success().rejected_data_points(), points);
  // The exporter's reading of the same answer, over protobuf and JSON.
  Outcome o1 = http_outcome(Signal::metrics, 200, kProto, a->body, "", 0);
  EXPECT_EQ(o1.kind, Outcome::Kind::partial_success);
  EXPECT_EQ(o1.partial.rejected_spans, points);

  std::string json;
  ASSERT_TRUE(transcode_request_json(Signal::metrics, body, json).ok());
  auto b = post(json, kJson);  // all rejected again
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, 200);
  EXPECT_NE(b->body.find("\"rejectedDataPoints\":\"" + std::to_string(points) + "\""), std::string::npos) << b->body;
  Outcome o2 = http_outcome(Signal::metrics, 200, kJson, b->body, "", 0);
  EXPECT_EQ(o2.kind, Outcome::Kind::partial_success);
  EXPECT_EQ(o2.partial.rejected_spans, points);

  const RawReply c = raw_call(receiver_->grpc_port(), body, kMetricsMethod);  // the last one
  ASSERT_TRUE(c.status.ok());
  ASSERT_TRUE(response.ParseFromString(c.body));
  EXPECT_EQ(response.partial_success().rejected_data_points(), 1);

  const ReceiverStats s = receiver_->stats();
  EXPECT_EQ(s.rejected_data_points, static_cast<std::uint64_t>(2 * points));
  EXPECT_EQ(s.data_points, 0u);
  EXPECT_EQ(s.grpc.rejected_data_points, 1u);
  EXPECT_EQ(s.grpc.data_points, static_cast<std::uint64_t>(points - 1));
  EXPECT_EQ(s.rejected_spans + s.rejected_log_records, 0u);
}

TEST_F(MetricsReceiverTest, MalformedAndOversizedMetricsAreRefusedAndServingGoesOn) {
  ReceiverOptions o;
  o.max_body_bytes = 1 << 20;
  start(o);
  const std::string good = with_points(400, 3).SerializeAsString();
  const std::string truncated = good.substr(0, good.size() - 3);
  // A histogram point whose bucket counts (fixed64) hold 7 bytes.
  const std::string bad_packed = std::string("\x0a\x0d\x12\x0b\x12\x09\x4a\x07\x0a\x05\x32\x03\x01\x02\x03", 15);
  // 64 KiB of empty gauge points: over the records a body of that size may decode into.
  std::string points;
  for (int i = 0; i < 32000; ++i) points += std::string("\x0a\x00", 2);
  auto len = [](std::size_t n) {
    std::string s;
    for (; n >= 0x80; n >>= 7) s += static_cast<char>((n & 0x7f) | 0x80);
    return s + static_cast<char>(n);
  };
  const std::string gauge = "\x2a" + len(points.size()) + points;
  const std::string metric = "\x12" + len(gauge.size()) + gauge;
  const std::string scope = "\x12" + len(metric.size()) + metric;
  const std::string many = "\x0a" + len(scope.size()) + scope;

  const struct {
    std::string body;
    std::string type;
    httplib::Headers headers;
    int status;
    const char* says;
  } cases[] = {
      {truncated, kProto, {}, 400, "malformed protobuf"},
      {bad_packed, kProto, {}, 400, "malformed protobuf"},
      {R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"dataPoints":[{"asInt":true}]}}]}]}]})", kJson, {}, 400,
       "malformed JSON"},
      {gzip(good).substr(0, 20), kProto, {{"Content-Encoding", "gzip"}}, 400, "gzip"},
      {many, kProto, {}, 413, "data points and exemplars (passed at byte"},
      {std::string(2 << 20, 'x'), kProto, {}, 413, "over the limit"},
      {good, "text/plain", {}, 415, "Content-Type"},
  };
  for (const auto& c : cases) {
    auto res = post(c.body, c.type, c.headers);
    ASSERT_TRUE(res) << c.says;
    EXPECT_EQ(res->status, c.status) << c.says << ": " << res->body;
    EXPECT_NE(res->body.find(c.says), std::string::npos) << res->body;
  }
  const ReceiverStats s = receiver_->stats();
  EXPECT_EQ(s.bad_request, 4u);
  EXPECT_EQ(s.too_large, 2u);
  EXPECT_EQ(s.unsupported, 1u);
  EXPECT_EQ(s.data_points, 0u);

  const RawReply t = raw_call(receiver_->grpc_port(), truncated, kMetricsMethod);
  EXPECT_EQ(t.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << t.status.error_message();
  const RawReply m = raw_call(receiver_->grpc_port(), many, kMetricsMethod);
  EXPECT_EQ(m.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << m.status.error_message();
  EXPECT_TRUE(got().empty());

  auto res = post(good, kProto);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(raw_call(receiver_->grpc_port(), good, kMetricsMethod).status.ok());
  EXPECT_EQ(receiver_->stats().total_data_points(), 2 * data_point_count(with_points(400, 3)));
}

}  // namespace
}  // namespace otlp::native
