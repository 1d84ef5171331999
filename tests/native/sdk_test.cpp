// The SDK in one call (sdk.hpp) against the project's receiver on loopback (port 0): exact
// counts, fields, OTEL_* configuration end to end, errors naming the option, the no-op SDK,
// failures counted, and a receiver restarted mid-run with every span still arriving.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/load.hpp"
#include "otlp/workload/workload.hpp"
#include "receiver.hpp"
#include "sdk.hpp"
#include "support/fake_host.hpp"

namespace otlp::native {
namespace {

constexpr std::uint64_t kSec = 1'000'000'000;
constexpr std::uint64_t kMs = 1'000'000;

// A Receiver on 127.0.0.1 that keeps every span it accepts.
class Collector {
 public:
  explicit Collector(ReceiverOptions options = {}, int port = 0) { start(std::move(options), port); }

  void start(ReceiverOptions options, int port) {
    options.host = "127.0.0.1";
    options.port = port;
    std::string err;
    bool started = false;
    // Rebinding a port just released can fail for a moment: bounded retries.
    for (int i = 0; i < 100 && !started; ++i) {
      if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      receiver_ = std::make_unique<Receiver>(options, [this](const TraceRequest& r) {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(r);
      });
      started = receiver_->start(&err);
    }
    ASSERT_TRUE(started) << err;
    port_ = receiver_->port();
  }
  void stop() { receiver_->stop(); }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1/traces"; }
  ReceiverStats stats() const { return receiver_->stats(); }

  std::vector<SpanData> spans() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<SpanData> out;
    for (const auto& r : requests_)
      for (const auto& rs : r.resource_spans)
        for (const auto& ss : rs.scope_spans) out.insert(out.end(), ss.spans.begin(), ss.spans.end());
    return out;
  }
  std::vector<TraceRequest> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  std::unique_ptr<Receiver> receiver_;
  std::mutex mutex_;
  std::vector<TraceRequest> requests_;
  int port_ = -1;
};

// Options for a test: short delays and backoffs so runs take milliseconds.
Options fast(const std::string& url) {
  Options o;
  o.endpoint = url;
  o.timeout_ms = 2000;
  o.pipeline.max_export_batch_size = 100;
  o.pipeline.schedule_delay_ns = 20 * kMs;
  o.pipeline.export_timeout_ns = 10 * kSec;
  o.pipeline.retry.initial_backoff_ns = 50 * kMs;
  o.pipeline.retry.max_backoff_ns = 200 * kMs;
  return o;
}

Sdk started(Options o) {
  auto sdk = start(std::move(o));
  EXPECT_TRUE(sdk.ok()) << sdk.error().message;
  if (!sdk) std::abort();
  return std::move(sdk.value());
}

void spans(Tracer& tracer, int n, int first = 0) {
  for (int i = first; i < first + n; ++i)
    tracer.start_span("op", {.kind = SpanKind::client}).set_attribute("i", static_cast<long long>(i)).end();
}

const AnyValue* find(const Attributes& attrs, std::string_view key) {
  for (const auto& kv : attrs)
    if (kv.key == key) return &kv.value;
  return nullptr;
}

std::string str(const Attributes& attrs, std::string_view key) {
  const AnyValue* v = find(attrs, key);
  return v ? v->str : "<absent>";
}

// Every span arrived exactly once: the "i" attributes are 0..n-1.
void expect_each_once(const std::vector<SpanData>& got, int n) {
  std::vector<int> seen(static_cast<std::size_t>(n), 0);
  for (const auto& s : got) {
    const AnyValue* i = find(s.attributes, "i");
    ASSERT_NE(i, nullptr);
    ASSERT_GE(i->int_value, 0);
    ASSERT_LT(i->int_value, n);
    ++seen[static_cast<std::size_t>(i->int_value)];
  }
  for (int i = 0; i < n; ++i) EXPECT_EQ(seen[static_cast<std::size_t>(i)], 1) << "span " << i;
}

// The same SDK over OTLP/gRPC: make_transport picks the gRPC transport for Protocol::grpc.
TEST(Sdk, GrpcSpansArriveExactly) {
  ReceiverOptions ro;
  ro.host = "127.0.0.1";
  ro.port = -1;  // gRPC only
  ro.grpc_host = "127.0.0.1";
  ro.grpc_port = 0;
  std::mutex mutex;
  std::vector<SpanData> got;
  Receiver receiver(ro, [&](const TraceRequest& r) {
    std::lock_guard<std::mutex> lock(mutex);
    for (const auto& rs : r.resource_spans)
      for (const auto& ss : rs.scope_spans) got.insert(got.end(), ss.spans.begin(), ss.spans.end());
  });
  std::string err;
  ASSERT_TRUE(receiver.start(&err)) << err;
  Options o = fast("http://127.0.0.1:" + std::to_string(receiver.grpc_port()));
  o.protocol = Protocol::grpc;
  o.gzip = true;
  Sdk sdk = started(o);
  Tracer tracer = sdk.tracer("sdk-test");
  spans(tracer, 500);
  const ShutdownReport report = sdk.shutdown(10 * kSec);
  EXPECT_EQ(report.state, FlushState::done);
  EXPECT_EQ(report.stats.exported, 500u);
  EXPECT_EQ(receiver.stats().grpc.spans, 500u);
  std::lock_guard<std::mutex> lock(mutex);
  expect_each_once(got, 500);
}

TEST(Sdk, GrpcSetupErrorsNameTheProblem) {
  Options o = fast("https://127.0.0.1:1");  // TLS: the CA file is read at start
  o.protocol = Protocol::grpc;
  o.certificate = "/nonexistent/ca.pem";
  auto sdk = start(o);
  ASSERT_FALSE(sdk.ok());
  EXPECT_NE(sdk.error().message.find("/nonexistent/ca.pem"), std::string::npos) << sdk.error().message;
}

TEST(Sdk, ProtobufSpansArriveExactlyWithTheirFields) {
  Collector collector;
  Options o = fast(collector.url());
  o.service_name = "checkout";
  o.resource.attributes.push_back({"service.name", "overridden by service_name"});
  o.resource.attributes.push_back({"deployment.environment", "test"});
  Sdk sdk = started(o);
  EXPECT_FALSE(sdk.disabled());
  Tracer tracer = sdk.tracer("sdk-test", "2.0");
  spans(tracer, 1000);
  const ShutdownReport report = sdk.shutdown(10 * kSec);
  EXPECT_EQ(report.state, FlushState::done);
  EXPECT_EQ(report.not_exported, 0u);
  EXPECT_EQ(report.stats.exported, 1000u);
  EXPECT_EQ(report.stats.ended, 1000u);
  EXPECT_TRUE(testing::balanced(report.stats));
  EXPECT_EQ(collector.stats().spans, 1000u);

  const auto got = collector.spans();
  ASSERT_EQ(got.size(), 1000u);
  expect_each_once(got, 1000);
  EXPECT_EQ(got[0].name, "op");
  EXPECT_EQ(got[0].kind, SpanKind::client);
  EXPECT_TRUE(got[0].trace_id.valid());
  EXPECT_GT(got[0].end_time_unix_nano, 0u);
  const auto requests = collector.requests();
  ASSERT_FALSE(requests.empty());
  const auto& rs = requests[0].resource_spans.at(0);
  EXPECT_EQ(str(rs.resource.attributes, "service.name"), "checkout");
  EXPECT_EQ(str(rs.resource.attributes, "deployment.environment"), "test");
  EXPECT_EQ(str(rs.resource.attributes, "telemetry.sdk.name"), "otlp-portable");
  EXPECT_EQ(str(rs.resource.attributes, "telemetry.sdk.language"), "cpp");
  EXPECT_EQ(str(rs.resource.attributes, "telemetry.sdk.version"), std::string(sdk_version()));
  EXPECT_EQ(rs.scope_spans.at(0).scope.name, "sdk-test");
  EXPECT_EQ(rs.scope_spans.at(0).scope.version, "2.0");
}

TEST(Sdk, JsonGzipAndHeadersReachAReceiverThatNeedsAToken) {
  ReceiverOptions ro;
  ro.bearer_token = "s3cret";
  Collector collector(ro);
  Options o = fast(collector.url());
  o.protocol = Protocol::http_json;
  o.gzip = true;
  o.headers = {{"authorization", "Bearer s3cret"}};
  Sdk sdk = started(o);
  Tracer tracer = sdk.tracer("t");
  spans(tracer, 250);
  ASSERT_EQ(sdk.flush(10 * kSec), FlushState::done);
  EXPECT_EQ(collector.stats().spans, 250u);  // flushed before shutdown
  EXPECT_EQ(collector.stats().unauthorized, 0u);
  EXPECT_EQ(sdk.shutdown(10 * kSec).not_exported, 0u);
  expect_each_once(collector.spans(), 250);
}

TEST(Sdk, WrongTokenFailsAndIsCountedNotLost) {
  ReceiverOptions ro;
  ro.bearer_token = "right";
  Collector collector(ro);
  Options o = fast(collector.url());
  o.headers = {{"authorization", "Bearer wrong"}};
  Sdk sdk = started(o);
  Tracer tracer = sdk.tracer("t");
  spans(tracer, 30);
  const ShutdownReport report = sdk.shutdown(10 * kSec);
  EXPECT_EQ(report.stats.exported, 0u);
  EXPECT_EQ(report.stats.failed, 30u);
  EXPECT_EQ(report.not_exported, 30u);
  EXPECT_NE(report.stats.last_error.find("401"), std::string::npos) << report.stats.last_error;
  EXPECT_EQ(collector.stats().spans, 0u);
}

TEST(Sdk, PartialSuccessRejectsAreReported) {
  ReceiverOptions ro;
  ro.reject_first_items = 40;
  Collector collector(ro);
  Sdk sdk = started(fast(collector.url()));
  Tracer tracer = sdk.tracer("t");
  spans(tracer, 300);
  const ShutdownReport report = sdk.shutdown(10 * kSec);
  EXPECT_EQ(report.stats.rejected, 40u);
  EXPECT_EQ(report.stats.exported, 260u);
  EXPECT_EQ(report.not_exported, 40u);
  EXPECT_EQ(collector.stats().spans, 260u);
  EXPECT_TRUE(testing::balanced(report.stats));
}

TEST(Sdk, StandardSpanRecordedThroughTheTracerMatchesTheWorkload) {
  Collector collector;
  Options o = fast(collector.url());
  cli::use_load_defaults(o, 512);
  o.pipeline.schedule_delay_ns = 20 * kMs;
  Sdk sdk = started(o);
  Tracer tracer = sdk.tracer("bench", "1.0.0");
  Random rng(7);
  for (std::uint64_t i = 0; i < 20; ++i) cli::record_standard_span(tracer, rng, i);
  ASSERT_EQ(sdk.shutdown(10 * kSec).stats.exported, 20u);

  const auto requests = collector.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& rs = requests[0].resource_spans.at(0);
  for (const auto& kv : workload::standard_resource().attributes)
    EXPECT_EQ(str(rs.resource.attributes, kv.key), kv.value.str) << kv.key;
  EXPECT_EQ(rs.scope_spans.at(0).scope, workload::standard_scope());
  const auto& got = rs.scope_spans.at(0).spans;
  ASSERT_EQ(got.size(), 20u);
  Random other(1);
  for (std::uint64_t i = 0; i < 20; ++i) {
    SpanData want = workload::standard_span(other, i);
    SpanData s = got[i];
    EXPECT_TRUE(s.trace_id.valid() && s.span_id.valid() && s.parent_span_id.valid());
    ASSERT_EQ(s.links.size(), 1u);
    EXPECT_TRUE(s.links[0].trace_id.valid());
    EXPECT_NE(s.links[0].trace_id, s.trace_id);
    // Ids are random by design; everything else is the workload's.
    s.trace_id = want.trace_id;
    s.span_id = want.span_id;
    s.parent_span_id = want.parent_span_id;
    s.links[0].trace_id = want.links[0].trace_id;
    s.links[0].span_id = want.links[0].span_id;
    s.links[0].flags = want.links[0].flags;
    EXPECT_EQ(s.flags & 0xffu, want.flags) << i;
    s.flags = want.flags;  // the tracer also marks the parent as remote (bits 8-9)
    EXPECT_EQ(s, want) << "span " << i;
  }
}

TEST(Sdk, ConfiguredFromTheEnvironmentEndToEnd) {
  Collector collector;
  const std::map<std::string, std::string> env = {
      {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + std::to_string(collector.port())},
      {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"},
      {"OTEL_EXPORTER_OTLP_HEADERS", "x-tenant=blue"},
      {"OTEL_SERVICE_NAME", "env-service"},
      {"OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=staging,team=obs"},
      {"OTEL_BSP_SCHEDULE_DELAY", "20"},
      {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "64"},
      {"OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "2"},
      {"OTEL_TRACES_SAMPLER", "parentbased_traceidratio"},
      {"OTEL_TRACES_SAMPLER_ARG", "1"},
  };
  auto sdk = start_from_env([&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  ASSERT_TRUE(sdk.ok()) << sdk.error().message;
  Tracer tracer = sdk->tracer("env");
  for (int i = 0; i < 200; ++i)
    tracer.start_span("e").set_attribute("i", static_cast<long long>(i)).set_attribute("b", 1).set_attribute("c", 2);
  const ShutdownReport report = sdk->shutdown(10 * kSec);
  EXPECT_EQ(report.stats.exported, 200u);
  EXPECT_GE(report.stats.requests, 4u);  // batches of at most 64
  const auto requests = collector.requests();
  ASSERT_FALSE(requests.empty());
  const auto& resource = requests[0].resource_spans.at(0).resource;
  EXPECT_EQ(str(resource.attributes, "service.name"), "env-service");
  EXPECT_EQ(str(resource.attributes, "deployment.environment"), "staging");
  EXPECT_EQ(str(resource.attributes, "team"), "obs");
  const auto got = collector.spans();
  ASSERT_EQ(got.size(), 200u);
  for (const auto& s : got) {
    EXPECT_EQ(s.attributes.size(), 2u);  // the third attribute is over the limit
    EXPECT_EQ(s.dropped_attributes_count, 1u);
  }
  EXPECT_EQ(collector.stats().bad_request + collector.stats().unsupported, 0u);
}

std::map<std::string, std::string> one(const std::string& name, const std::string& value) { return {{name, value}}; }

std::string env_error(const std::map<std::string, std::string>& env) {
  auto sdk = start_from_env([&env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  EXPECT_FALSE(sdk.ok());
  return sdk.ok() ? std::string() : sdk.error().message;
}

TEST(Sdk, HttpTransportsAreAlwaysAvailable) {
  EXPECT_TRUE(transport_available(Protocol::http_protobuf));
  EXPECT_TRUE(transport_available(Protocol::http_json));
}

TEST(Sdk, BadOptionsAreErrorsNamingThem) {
  auto error_of = [](Options o) {
    auto sdk = start(std::move(o));
    EXPECT_FALSE(sdk.ok());
    return sdk.ok() ? std::string() : sdk.error().message;
  };
  Options o;
  o.endpoint = "ftp://example.com/v1/traces";
  std::string m = error_of(o);
  EXPECT_NE(m.find("endpoint"), std::string::npos) << m;
  EXPECT_NE(m.find("ftp://example.com"), std::string::npos) << m;

  o = Options{};
  o.sampler = "sometimes";
  m = error_of(o);
  EXPECT_NE(m.find("OTEL_TRACES_SAMPLER"), std::string::npos) << m;
  EXPECT_NE(m.find("sometimes"), std::string::npos) << m;

  o = Options{};
  o.pipeline.max_export_batch_size = 4096;  // more than the queue holds
  m = error_of(o);
  EXPECT_NE(m.find("OTEL_BSP_MAX_EXPORT_BATCH_SIZE"), std::string::npos) << m;

  o = Options{};
  o.timeout_ms = 0;
  EXPECT_NE(error_of(o).find("timeout"), std::string::npos);

  m = env_error(one("OTEL_BSP_MAX_QUEUE_SIZE", "lots"));
  EXPECT_NE(m.find("OTEL_BSP_MAX_QUEUE_SIZE"), std::string::npos) << m;
  EXPECT_NE(m.find("'lots'"), std::string::npos) << m;
  m = env_error(one("OTEL_EXPORTER_OTLP_COMPRESSION", "brotli"));
  EXPECT_NE(m.find("OTEL_EXPORTER_OTLP_COMPRESSION"), std::string::npos) << m;
}

TEST(Sdk, DisabledIsANoOpWithNothingSent) {
  Collector collector;
  Options o = fast(collector.url());
  o.disabled = true;
  o.endpoint = "not even a url";  // a disabled SDK reads nothing else
  o.pipeline.max_queue_size = 0;
  Sdk sdk = started(o);
  EXPECT_TRUE(sdk.disabled());
  Tracer tracer = sdk.tracer("t");
  auto span = tracer.start_span("nothing");
  EXPECT_FALSE(span.is_recording());
  span.end();
  EXPECT_EQ(sdk.flush(kSec), FlushState::done);
  const ShutdownReport report = sdk.shutdown(kSec);
  EXPECT_EQ(report.state, FlushState::done);
  EXPECT_EQ(report.stats.ended, 0u);
  EXPECT_EQ(report.stats.requests, 0u);
  EXPECT_EQ(collector.stats().requests, 0u);

  auto from_env = start_from_env([](const char* name) -> const char* {
    return std::string(name) == "OTEL_SDK_DISABLED" ? "true" : nullptr;
  });
  ASSERT_TRUE(from_env.ok());
  EXPECT_TRUE(from_env->disabled());
}

// A port nobody listens on: bound by a receiver, then released.
int closed_port() {
  Collector c;
  const int port = c.port();
  c.stop();
  return port;
}

TEST(Sdk, UnreachableServerCountsEverySpanAsFailed) {
  Options o = fast("http://127.0.0.1:" + std::to_string(closed_port()) + "/v1/traces");
  o.pipeline.export_timeout_ns = 300 * kMs;  // the whole retry chain of a batch
  Sdk sdk = started(o);
  Tracer tracer = sdk.tracer("t");
  spans(tracer, 150);
  const ShutdownReport report = sdk.shutdown(20 * kSec);
  EXPECT_EQ(report.state, FlushState::done);
  EXPECT_EQ(report.stats.exported, 0u);
  EXPECT_EQ(report.stats.failed, 150u);
  EXPECT_EQ(report.not_exported, 150u);
  EXPECT_GT(report.stats.retries, 0u);
  EXPECT_FALSE(report.stats.last_error.empty());
  EXPECT_TRUE(testing::balanced(report.stats));
}

TEST(Sdk, ReceiverRestartedMidRunStillGetsEverySpan) {
  Collector first;
  const int port = first.port();
  Sdk sdk = started(fast(first.url()));
  Tracer tracer = sdk.tracer("t");
  spans(tracer, 300, 0);
  ASSERT_EQ(sdk.flush(10 * kSec), FlushState::done);
  ASSERT_EQ(first.stats().spans, 300u);

  first.stop();
  spans(tracer, 300, 300);
  // Wait (bounded) until an attempt against the stopped receiver failed and was retried.
  for (int i = 0; i < 1000 && sdk.stats().retries == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_GT(sdk.stats().retries, 0u);
  EXPECT_EQ(sdk.stats().exported, 300u);

  Collector second({}, port);  // same port: the exporter's retries find it
  const ShutdownReport report = sdk.shutdown(20 * kSec);
  EXPECT_EQ(report.state, FlushState::done);
  EXPECT_EQ(report.stats.exported, 600u);
  EXPECT_EQ(report.not_exported, 0u);
  EXPECT_GT(report.stats.retries, 0u);
  EXPECT_EQ(first.stats().spans + second.stats().spans, 600u);
  auto all = first.spans();
  const auto more = second.spans();
  all.insert(all.end(), more.begin(), more.end());
  expect_each_once(all, 600);
}

TEST(Sdk, WaitPolicyLosesNothingWithASmallQueueAndManyThreads) {
  Collector collector;
  Options o = fast(collector.url());
  o.pipeline.max_queue_size = 64;
  o.pipeline.max_export_batch_size = 32;
  o.pipeline.queue_policy = QueuePolicy::wait;
  Sdk sdk = started(o);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([&sdk, t] {
      Tracer tracer = sdk.tracer("t");
      spans(tracer, 2000, t * 2000);
    });
  for (auto& t : threads) t.join();
  const ShutdownReport report = sdk.shutdown(20 * kSec);
  EXPECT_EQ(report.stats.dropped, 0u);
  EXPECT_EQ(report.stats.exported, 6000u);
  expect_each_once(collector.spans(), 6000);
}

TEST(Sdk, WaitPolicyGivesUpWhenNothingDrains) {
  // The server never answers in time: the queue stays full, waits time out, spans are dropped
  // and counted.
  Options o = fast("http://127.0.0.1:" + std::to_string(closed_port()) + "/v1/traces");
  o.pipeline.max_queue_size = 16;
  o.pipeline.max_export_batch_size = 8;
  o.pipeline.queue_policy = QueuePolicy::wait;
  o.pipeline.max_wait_ns = 20 * kMs;
  o.pipeline.retry.initial_backoff_ns = 5 * kSec;  // the first batch stays in its retry wait,
  o.pipeline.retry.max_backoff_ns = 5 * kSec;
  o.timeout_ms = 10'000;                           // which its export's time leaves room for
  Sdk sdk = started(o);
  Tracer tracer = sdk.tracer("t");
  spans(tracer, 40);
  const Stats s = sdk.stats();
  EXPECT_EQ(s.ended, 40u);
  EXPECT_GT(s.dropped, 0u);
  EXPECT_TRUE(testing::balanced(s));
  const ShutdownReport report = sdk.shutdown(100 * kMs);
  EXPECT_EQ(report.stats.exported, 0u);
  EXPECT_EQ(report.not_exported, 40u);
  EXPECT_TRUE(testing::balanced(report.stats));
}

TEST(Sdk, ShutdownIsFinalAndMovingKeepsTracersValid) {
  Collector collector;
  Sdk sdk = started(fast(collector.url()));
  Tracer tracer = sdk.tracer("t");
  Sdk moved = std::move(sdk);
  spans(tracer, 10);
  const ShutdownReport first = moved.shutdown(10 * kSec);
  EXPECT_EQ(first.stats.exported, 10u);
  spans(tracer, 5, 10);  // after shutdown: dropped and counted, never sent
  const ShutdownReport second = moved.shutdown(10 * kSec);
  EXPECT_EQ(second.stats.exported, 10u);
  EXPECT_EQ(moved.stats().dropped, 5u);
  EXPECT_EQ(moved.flush(kSec), FlushState::done);
  EXPECT_EQ(collector.stats().spans, 10u);
}

}  // namespace
}  // namespace otlp::native
