// Logs through the receiver, over HTTP (/v1/logs) and gRPC (LogsService/Export), protobuf and
// JSON, gzip: requests built with protobuf-lite (the oracle) arrive intact; partial success
// names rejected_log_records; malformed and oversized logs requests get 400/413/415 or
// INVALID_ARGUMENT/RESOURCE_EXHAUSTED and the receiver keeps serving; spans and log records
// are counted apart.
#include <gtest/gtest.h>

#include <httplib.h>
#include <zlib.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lite_mapping.hpp"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "otlp/json/json.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/workload/workload.hpp"
#include "raw_grpc.hpp"
#include "receiver.hpp"
#include "receiver_rig.hpp"
#include "support/random_request.hpp"

namespace otlp::native {
namespace {

namespace pb_logs = opentelemetry::proto::collector::logs::v1;
namespace pb_log = opentelemetry::proto::logs::v1;

constexpr const char* kLogsPath = "/v1/logs";
constexpr const char* kLogsMethod = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";
constexpr const char* kProto = "application/x-protobuf";
constexpr const char* kJson = "application/json";

// A logs request built by protobuf-lite from `n` random records: every body and attribute
// kind, ids, flags, event names, unicode.
pb_logs::ExportLogsServiceRequest lite_request(std::uint64_t seed, std::size_t n) {
  pb_logs::ExportLogsServiceRequest req;
  auto* rl = req.add_resource_logs();
  auto* service = rl->mutable_resource()->add_attributes();
  service->set_key("service.name");
  service->mutable_value()->set_string_value("logs-test");
  rl->set_schema_url("https://opentelemetry.io/schemas/1.26.0");
  auto* sl = rl->add_scope_logs();
  sl->mutable_scope()->set_name("receiver");
  sl->mutable_scope()->set_version("2");
  for (const auto& r : testing::random_log_records(seed, n)) {
    pb_log::LogRecord* lr = sl->add_log_records();
    lr->set_time_unix_nano(r.time_unix_nano);
    lr->set_observed_time_unix_nano(r.observed_time_unix_nano);
    lr->set_severity_number(static_cast<pb_log::SeverityNumber>(r.severity <= 24 ? r.severity : 0));
    lr->set_severity_text(r.severity_text);
    if (r.has_body) testing::lite::to_lite(r.body, *lr->mutable_body());
    for (const KeyValue& kv : r.attributes) {
      auto* a = lr->add_attributes();
      a->set_key(kv.key);
      testing::lite::to_lite(kv.value, *a->mutable_value());
    }
    lr->set_event_name(r.event_name);
    if (r.context.valid()) {
      lr->set_trace_id(reinterpret_cast<const char*>(r.context.trace_id.bytes.data()), 16);
      lr->set_span_id(reinterpret_cast<const char*>(r.context.span_id.bytes.data()), 8);
      lr->set_flags(r.context.trace_flags);
    }
    lr->set_dropped_attributes_count(static_cast<std::uint32_t>(seed % 3));
  }
  return req;
}

// A receiver on both transports that keeps what it is handed.
class LogsReceiverTest : public ReceiverRig {
 protected:
  httplib::Result post(const std::string& body, const std::string& type, httplib::Headers headers = {},
                       const char* path = kLogsPath) {
    return post_to(path, body, type, std::move(headers));
  }
  void expect_still_serving() {
    auto res = post(lite_request(77, 3).SerializeAsString(), kProto);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(raw_call(receiver_->grpc_port(), lite_request(78, 2).SerializeAsString(), kLogsMethod).status.error_code(),
              grpc::StatusCode::OK);
  }
};

// What lite reads from `protobuf`, serialized again by lite: equal for the same message.
std::string as_lite(const std::string& protobuf) {
  pb_logs::ExportLogsServiceRequest m;
  EXPECT_TRUE(m.ParseFromString(protobuf));
  return m.SerializeAsString();
}

TEST_F(LogsReceiverTest, DeliveredIntactOverBothTransportsAndEncodings) {
  start();
  std::vector<std::string> sent;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) sent.push_back(lite_request(seed, 40).SerializeAsString());
  std::string json;
  ASSERT_TRUE(transcode_request_json(Signal::logs, sent[1], json).ok());

  auto a = post(sent[0], kProto);
  auto b = post(json, "application/json; charset=utf-8");
  auto c = post(gzip(sent[2]), kProto, {{"Content-Encoding", "gzip"}});
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(b->status, 200) << b->body;
  EXPECT_EQ(c->status, 200);
  EXPECT_EQ(a->get_header_value("Content-Type"), kProto);
  EXPECT_EQ(b->get_header_value("Content-Type"), kJson);
  EXPECT_EQ(a->body, "");   // no partial success
  EXPECT_EQ(b->body, "{}");
  const RawReply d = raw_call(receiver_->grpc_port(), sent[3], kLogsMethod);
  const RawReply e = raw_call(receiver_->grpc_port(), sent[4], kLogsMethod, /*gzip=*/true);
  EXPECT_TRUE(d.status.ok()) << d.status.error_message();
  EXPECT_TRUE(e.status.ok()) << e.status.error_message();

  const auto g = got();
  ASSERT_EQ(g.size(), 5u);
  for (std::size_t i = 0; i < g.size(); ++i) {
    EXPECT_EQ(g[i].signal, Signal::logs);
    EXPECT_EQ(g[i].rejected, 0u);
    EXPECT_EQ(as_lite(g[i].protobuf), sent[i]) << "request " << i;
  }
  const ReceiverStats s = receiver_->stats();
  EXPECT_EQ(s.log_records, 120u);
  EXPECT_EQ(s.grpc.log_records, 80u);
  EXPECT_EQ(s.total_log_records(), 200u);
  EXPECT_EQ(s.total_spans(), 0u);
  EXPECT_EQ(s.errors() + s.grpc.errors(), 0u);
}

TEST_F(LogsReceiverTest, SpansAndLogRecordsAreCountedApart) {
  start();
  std::string spans;
  encode_trace_request(workload::standard_request(6, 1), spans);
  auto a = post(spans, kProto, {}, "/v1/traces");
  auto b = post(testing::standard_logs_request(9, 1), kProto);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(b->status, 200);
  EXPECT_TRUE(raw_call(receiver_->grpc_port(), spans).status.ok());
  EXPECT_TRUE(raw_call(receiver_->grpc_port(), testing::standard_logs_request(4, 2), kLogsMethod).status.ok());
  const ReceiverStats s = receiver_->stats();
  EXPECT_EQ(s.spans, 6u);
  EXPECT_EQ(s.log_records, 9u);
  EXPECT_EQ(s.grpc.spans, 6u);
  EXPECT_EQ(s.grpc.log_records, 4u);
  const auto g = got();
  ASSERT_EQ(g.size(), 4u);
  EXPECT_EQ(g[0].signal, Signal::traces);
  EXPECT_EQ(g[0].protobuf, spans);
  EXPECT_EQ(g[1].signal, Signal::logs);
}

TEST_F(LogsReceiverTest, RejectHookAnswersRejectedLogRecords) {
  ReceiverOptions o;
  o.reject_first_items = 12;
  start(o);
  const std::string body = testing::standard_logs_request(5, 3);
  auto a = post(body, kProto);  // 5 rejected
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 200);
  pb_logs::ExportLogsServiceResponse response;
  ASSERT_TRUE(response.ParseFromString(a->body));
  ASSERT_TRUE(response.has_partial_success());
  EXPECT_EQ(response.partial_success().rejected_log_records(), 5);
  EXPECT_FALSE(response.partial_success().error_message().empty());

  std::string json;
  ASSERT_TRUE(transcode_request_json(Signal::logs, body, json).ok());
  auto b = post(json, kJson);  // 5 more
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, 200);
  EXPECT_NE(b->body.find("\"rejectedLogRecords\":\"5\""), std::string::npos) << b->body;
  EXPECT_EQ(b->body.find("rejectedSpans"), std::string::npos) << b->body;

  const RawReply c = raw_call(receiver_->grpc_port(), body, kLogsMethod);  // the last 2
  ASSERT_TRUE(c.status.ok());
  ASSERT_TRUE(response.ParseFromString(c.body));
  EXPECT_EQ(response.partial_success().rejected_log_records(), 2);
  const RawReply d = raw_call(receiver_->grpc_port(), body, kLogsMethod);  // none
  ASSERT_TRUE(d.status.ok());
  EXPECT_EQ(d.body, "");

  const auto g = got();
  ASSERT_EQ(g.size(), 4u);
  EXPECT_EQ(g[0].rejected, 5u);
  EXPECT_EQ(g[2].rejected, 2u);
  EXPECT_EQ(g[3].rejected, 0u);
  const ReceiverStats s = receiver_->stats();
  EXPECT_EQ(s.rejected_log_records, 10u);
  EXPECT_EQ(s.log_records, 0u);
  EXPECT_EQ(s.grpc.rejected_log_records, 2u);
  EXPECT_EQ(s.grpc.log_records, 8u);
  EXPECT_EQ(s.rejected_spans + s.grpc.rejected_spans, 0u);
}

TEST_F(LogsReceiverTest, MalformedAndOversizedLogsAreRefusedAndServingGoesOn) {
  ReceiverOptions o;
  o.max_body_bytes = 1 << 20;
  start(o);
  const std::string good = testing::standard_logs_request(3, 1);
  const std::string truncated = good.substr(0, good.size() - 3);
  const std::string bad_id = std::string("\x0a\x09\x12\x07\x12\x05\x4a\x03", 8) + "abc";
  // 64 KiB of empty records: over the records a body of that size may decode into.
  std::string items;
  for (int i = 0; i < 32768; ++i) items += std::string("\x12\x00", 2);
  std::string many;
  encode_trace_request(Resource{}, InstrumentationScope{}, items, many);

  const struct {
    std::string body;
    std::string type;
    httplib::Headers headers;
    int status;
    const char* says;
  } cases[] = {
      {truncated, kProto, {}, 400, "malformed protobuf"},
      {bad_id, kProto, {}, 400, "id of the wrong length"},
      {R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":"x"}]}]}]})", kJson, {}, 400, "malformed JSON"},
      {R"({"resourceLogs":[)", kJson, {}, 400, "malformed JSON"},
      {gzip(good).substr(0, 20), kProto, {{"Content-Encoding", "gzip"}}, 400, "gzip"},
      {many, kProto, {}, 413, "log records (passed at byte"},
      {std::string(2 << 20, 'x'), kProto, {}, 413, "over the limit"},
      {good, "text/plain", {}, 415, "Content-Type"},
      {good, kProto, {{"Content-Encoding", "br"}}, 415, "Content-Encoding"},
  };
  for (const auto& c : cases) {
    auto res = post(c.body, c.type, c.headers);
    ASSERT_TRUE(res) << c.says;
    EXPECT_EQ(res->status, c.status) << c.says << ": " << res->body;
    EXPECT_NE(res->body.find(c.says), std::string::npos) << res->body;
  }
  const ReceiverStats s = receiver_->stats();
  EXPECT_EQ(s.bad_request, 5u);
  EXPECT_EQ(s.too_large, 2u);
  EXPECT_EQ(s.unsupported, 2u);
  EXPECT_EQ(s.log_records, 0u);

  const RawReply t = raw_call(receiver_->grpc_port(), truncated, kLogsMethod);
  EXPECT_EQ(t.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << t.status.error_message();
  const RawReply m = raw_call(receiver_->grpc_port(), many, kLogsMethod);
  EXPECT_EQ(m.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << m.status.error_message();
  EXPECT_NE(m.status.error_message().find("log records"), std::string::npos) << m.status.error_message();
  const RawReply u = raw_call(receiver_->grpc_port(), good, "/opentelemetry.proto.collector.logs.v1.LogsService/Nope");
  EXPECT_EQ(u.status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_TRUE(got().empty());
  expect_still_serving();
  EXPECT_EQ(receiver_->stats().total_log_records(), 5u);
}

TEST_F(LogsReceiverTest, UnknownPathsAre404AndLogsTakePreflights) {
  ReceiverOptions o;
  o.cors_origins = {"*"};
  start(o);
  auto res = post(testing::standard_logs_request(1, 1), kProto, {}, "/v1/profiles");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_NE(res->body.find("/v1/logs"), std::string::npos) << res->body;
  httplib::Client c("127.0.0.1", receiver_->port());
  auto pre = c.Options(kLogsPath, {{"Origin", "http://page"}, {"Access-Control-Request-Method", "POST"}});
  ASSERT_TRUE(pre);
  EXPECT_EQ(pre->status, 204);
  EXPECT_EQ(pre->get_header_value("Access-Control-Allow-Origin"), "*");
}

// Without a callback a logs request is only validated: the same answers and counts.
TEST(LogsReceiverValidate, WithoutACallbackTheAnswersAreTheSame) {
  ReceiverOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.grpc_port = -1;
  o.reject_first_items = 4;
  Receiver plain(o);
  std::uint64_t rejected_seen = 0;
  Receiver with(o, [&](const Receiver::Delivery& d) { rejected_seen += d.rejected; });
  std::string err;
  ASSERT_TRUE(plain.start(&err)) << err;
  ASSERT_TRUE(with.start(&err)) << err;
  const std::string good = testing::standard_logs_request(3, 1);
  std::vector<std::string> bodies = {good, good, good.substr(0, good.size() / 2), "\x0a\x05"};
  for (const std::string& b : bodies) {
    httplib::Client p("127.0.0.1", plain.port()), w("127.0.0.1", with.port());
    auto x = p.Post(kLogsPath, b, kProto);
    auto y = w.Post(kLogsPath, b, kProto);
    ASSERT_TRUE(x && y);
    EXPECT_EQ(x->status, y->status);
    EXPECT_EQ(x->body, y->body);
  }
  EXPECT_EQ(plain.stats().log_records, with.stats().log_records);
  EXPECT_EQ(plain.stats().rejected_log_records, 4u);
  EXPECT_EQ(with.stats().rejected_log_records, 4u);
  EXPECT_EQ(rejected_seen, 4u);
  EXPECT_EQ(plain.stats().bad_request, 2u);
}

}  // namespace
}  // namespace otlp::native
