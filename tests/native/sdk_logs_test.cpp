// Logs through the SDK (sdk.hpp): records reach a server over HTTP/protobuf, HTTP/JSON and gRPC
// with their fields (read back by protobuf-lite and an independent JSON parser), each signal at
// its own destination, the console and none exporters, one worker thread for every signal,
// flush and shutdown covering logs, and the counters' invariant after a failing server.
#include <dirent.h>
#include <gtest/gtest.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <httplib.h>

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "console_transport.hpp"
#include "http_sink.hpp"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "otlp/wire/proto_reader.hpp"
#include "sdk.hpp"

namespace otlp::native {
namespace {

namespace pb_logs = opentelemetry::proto::collector::logs::v1;
namespace pt = boost::property_tree;

constexpr std::uint64_t kSec = 1'000'000'000;
constexpr std::uint64_t kMs = 1'000'000;

class GrpcSink final : public grpc::CallbackGenericService {
 public:
  GrpcSink() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterCallbackGenericService(this);
    server_ = builder.BuildAndStart();
  }
  ~GrpcSink() override { server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1)); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<Received> received(std::string_view method) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Received> out;
    for (const auto& r : received_)
      if (r.path == method) out.push_back(r);
    return out;
  }

  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* context) override {
    return new Reactor(*this, context->method());
  }

 private:
  class Reactor final : public grpc::ServerGenericBidiReactor {
   public:
    Reactor(GrpcSink& sink, std::string method) : sink_(sink), method_(std::move(method)) { StartRead(&request_); }
    void OnReadDone(bool ok) override {
      if (!ok) return Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request"));
      std::vector<grpc::Slice> slices;
      std::string bytes;
      if (request_.Dump(&slices).ok())
        for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
      {
        std::lock_guard<std::mutex> lock(sink_.mutex_);
        sink_.received_.push_back({method_, "", std::move(bytes)});
      }
      StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
    }
    void OnDone() override { delete this; }

   private:
    GrpcSink& sink_;
    std::string method_;
    grpc::ByteBuffer request_;
    grpc::ByteBuffer response_{nullptr, 0};
  };

  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::mutex mutex_;
  std::vector<Received> received_;
};

// Options for a test: both signals over HTTP/protobuf to `base`, short delays.
Options fast(const std::string& base) {
  Options o;
  o.endpoint = base + "/v1/traces";
  o.timeout_ms = 2000;
  o.logs.otlp.endpoint = base + "/v1/logs";
  o.logs.otlp.timeout_ms = 2000;
  for (PipelineConfig* p : {&o.pipeline, &o.logs.pipeline}) {
    p->max_export_batch_size = 100;
    p->schedule_delay_ns = 20 * kMs;
    p->export_timeout_ns = 10 * kSec;
    p->retry.initial_backoff_ns = 20 * kMs;
    p->retry.max_backoff_ns = 50 * kMs;
  }
  return o;
}

Sdk started(Options o) {
  auto sdk = start(std::move(o));
  EXPECT_TRUE(sdk.ok()) << sdk.error().message;
  if (!sdk) std::abort();
  return std::move(sdk.value());
}

const SpanContext kContext{*TraceId::from_hex("0af7651916cd43dd8448eb211c80319c"),
                           *SpanId::from_hex("b7ad6b7169203331"), 1, "", false};

// Record i: severity WARN, text "WARN", body "message i", attributes i and component, event
// name "checkout.failed", time 1000 + i, the span context above.
void emit(Logger& logger, int n) {
  for (int i = 0; i < n; ++i) {
    const std::string text = "message " + std::to_string(i);
    const AttributeValue body(text);
    const Attribute attributes[] = {{"i", AttributeValue(static_cast<long long>(i))},
                                    {"component", AttributeValue("checkout")}};
    LogRecord r;
    r.time_unix_nano = 1000 + static_cast<std::uint64_t>(i);
    r.severity = static_cast<std::uint8_t>(Severity::warn);
    r.severity_text = "WARN";
    r.body = &body;
    r.attributes = attributes;
    r.attribute_count = 2;
    r.event_name = "checkout.failed";
    r.context = &kContext;
    logger.emit(r);
  }
}

void expect_invariant(const Stats& s) {
  EXPECT_EQ(s.ended, s.exported + s.rejected + s.failed + s.dropped + s.queued);
}

// Every record arrived once, with its fields: the protobuf requests decoded by protobuf-lite.
void expect_records(const std::vector<Received>& requests, int n) {
  std::vector<int> seen(static_cast<std::size_t>(n), 0);
  for (const auto& got : requests) {
    pb_logs::ExportLogsServiceRequest request;
    ASSERT_TRUE(request.ParseFromString(got.body));
    for (const auto& rl : request.resource_logs()) {
      bool service = false;
      for (const auto& kv : rl.resource().attributes())
        service = service || (kv.key() == "service.name" && kv.value().string_value() == "logs-test");
      EXPECT_TRUE(service);
      for (const auto& sl : rl.scope_logs()) {
        EXPECT_EQ(sl.scope().name(), "payments");
        EXPECT_EQ(sl.scope().version(), "2.0");
        for (const auto& r : sl.log_records()) {
          ASSERT_EQ(r.attributes_size(), 2);
          ASSERT_EQ(r.attributes(0).key(), "i");
          const std::int64_t i = r.attributes(0).value().int_value();
          ASSERT_GE(i, 0);
          ASSERT_LT(i, n);
          ++seen[static_cast<std::size_t>(i)];
          EXPECT_EQ(r.attributes(1).value().string_value(), "checkout");
          EXPECT_EQ(r.body().string_value(), "message " + std::to_string(i));
          EXPECT_EQ(r.severity_number(), 13);
          EXPECT_EQ(r.severity_text(), "WARN");
          EXPECT_EQ(r.event_name(), "checkout.failed");
          EXPECT_EQ(r.time_unix_nano(), 1000u + static_cast<std::uint64_t>(i));
          EXPECT_GT(r.observed_time_unix_nano(), 1'600'000'000ull * kSec);  // set by the SDK: now
          EXPECT_EQ(r.trace_id(), std::string(reinterpret_cast<const char*>(kContext.trace_id.bytes.data()), 16));
          EXPECT_EQ(r.span_id(), std::string(reinterpret_cast<const char*>(kContext.span_id.bytes.data()), 8));
          EXPECT_EQ(r.flags(), 1u);
        }
      }
    }
  }
  for (int i = 0; i < n; ++i) EXPECT_EQ(seen[static_cast<std::size_t>(i)], 1) << "record " << i;
}

std::size_t thread_count() {
  std::size_t n = 0;
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return 0;
  while (const dirent* e = readdir(dir))
    if (e->d_name[0] != '.') ++n;
  closedir(dir);
  return n;
}

// The count once it stays the same for 50 ms (threads of earlier tests may still be ending).
std::size_t steady_thread_count() {
  std::size_t n = thread_count();
  for (int same = 0, i = 0; same < 5 && i < 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const std::size_t now = thread_count();
    same = now == n ? same + 1 : 0;
    n = now;
  }
  return n;
}

TEST(SdkLogs, HttpProtobufRecordsArriveExactlyWithTheirFields) {
  HttpSink sink;
  Options o = fast(sink.base());
  o.service_name = "logs-test";
  Sdk sdk = started(o);
  Logger logger = sdk.logger("payments", "2.0");
  emit(logger, 250);
  const ShutdownReport report = sdk.shutdown(10 * kSec);
  EXPECT_EQ(report.state, FlushState::done);
  const Stats& s = report[Signal::logs].stats;
  EXPECT_EQ(s.ended, 250u);
  EXPECT_EQ(s.exported, 250u);
  EXPECT_EQ(report[Signal::logs].not_exported, 0u);
  expect_invariant(s);
  const auto got = sink.received("/v1/logs");
  ASSERT_GE(got.size(), 3u);  // batches of 100
  for (const auto& r : got) EXPECT_EQ(r.content_type, "application/x-protobuf");
  expect_records(got, 250);
  EXPECT_TRUE(sink.received("/v1/traces").empty());  // no spans, no traces request
}

TEST(SdkLogs, HttpJsonRecordsParseWithTheirFields) {
  HttpSink sink;
  Options o = fast(sink.base());
  o.logs.otlp.protocol = Protocol::http_json;
  Sdk sdk = started(o);
  Logger logger = sdk.logger("payments", "2.0");
  emit(logger, 30);
  EXPECT_EQ(sdk.shutdown(10 * kSec).state, FlushState::done);
  const auto got = sink.received("/v1/logs");
  ASSERT_FALSE(got.empty());
  std::vector<int> seen(30, 0);
  for (const auto& request : got) {
    EXPECT_EQ(request.content_type, "application/json");
    pt::ptree doc;
    std::istringstream in(request.body);
    ASSERT_NO_THROW(pt::read_json(in, doc)) << request.body;
    for (const auto& rl : doc.get_child("resourceLogs"))
      for (const auto& sl : rl.second.get_child("scopeLogs")) {
        EXPECT_EQ(sl.second.get<std::string>("scope.name"), "payments");
        for (const auto& r : sl.second.get_child("logRecords")) {
          const pt::ptree& rec = r.second;
          const int i = std::stoi(rec.get_child("attributes").front().second.get<std::string>("value.intValue"));
          ASSERT_GE(i, 0);
          ASSERT_LT(i, 30);
          ++seen[static_cast<std::size_t>(i)];
          EXPECT_EQ(rec.get<std::string>("body.stringValue"), "message " + std::to_string(i));
          EXPECT_EQ(rec.get<int>("severityNumber"), 13);
          EXPECT_EQ(rec.get<std::string>("traceId"), "0af7651916cd43dd8448eb211c80319c");
          EXPECT_EQ(rec.get<std::string>("spanId"), "b7ad6b7169203331");
          EXPECT_EQ(rec.get<std::string>("timeUnixNano"), std::to_string(1000 + i));
          EXPECT_EQ(rec.get<std::string>("eventName"), "checkout.failed");
        }
      }
  }
  for (int i = 0; i < 30; ++i) EXPECT_EQ(seen[static_cast<std::size_t>(i)], 1) << "record " << i;
}

TEST(SdkLogs, GrpcRecordsGoToTheLogsMethodAndSpansToTheTraceMethod) {
  GrpcSink sink;
  Options o = fast(sink.url());
  o.service_name = "logs-test";
  o.protocol = o.logs.otlp.protocol = Protocol::grpc;
  o.endpoint = o.logs.otlp.endpoint = sink.url();
  Sdk sdk = started(o);
  Logger logger = sdk.logger("payments", "2.0");
  Tracer tracer = sdk.tracer("payments");
  emit(logger, 120);
  for (int i = 0; i < 7; ++i) tracer.start_span("op").end();
  EXPECT_EQ(sdk.shutdown(10 * kSec).state, FlushState::done);
  expect_records(sink.received("/opentelemetry.proto.collector.logs.v1.LogsService/Export"), 120);
  std::size_t spans = 0;
  for (const auto& r : sink.received("/opentelemetry.proto.collector.trace.v1.TraceService/Export")) {
    TraceRequest request;
    ASSERT_TRUE(decode_trace_request(r.body, request).ok());
    for (const auto& rs : request.resource_spans)
      for (const auto& ss : rs.scope_spans) spans += ss.spans.size();
  }
  EXPECT_EQ(spans, 7u);
}

TEST(SdkLogs, TracesOverGrpcAndLogsOverHttpInOneSdk) {
  GrpcSink grpc_sink;
  HttpSink http_sink;
  Options o = fast(http_sink.base());
  o.service_name = "logs-test";
  o.protocol = Protocol::grpc;
  o.endpoint = grpc_sink.url();
  Sdk sdk = started(o);
  Logger logger = sdk.logger("payments", "2.0");
  Tracer tracer = sdk.tracer("payments");
  for (int round = 0; round < 5; ++round) {  // both kinds in flight together, several times
    emit(logger, 40);
    for (int i = 0; i < 40; ++i) tracer.start_span("op").end();
    EXPECT_EQ(sdk.flush(10 * kSec), FlushState::done);
  }
  const ShutdownReport report = sdk.shutdown(10 * kSec);
  EXPECT_EQ(report[Signal::traces].stats.exported, 200u);
  EXPECT_EQ(report[Signal::logs].stats.exported, 200u);
  EXPECT_EQ(report.stats.exported, 200u);  // the traces' entry, as before logs
  EXPECT_EQ(grpc_sink.received("/opentelemetry.proto.collector.logs.v1.LogsService/Export").size(), 0u);
  EXPECT_GE(grpc_sink.received("/opentelemetry.proto.collector.trace.v1.TraceService/Export").size(), 5u);
  EXPECT_GE(http_sink.received("/v1/logs").size(), 5u);
}

TEST(SdkLogs, EachSignalAtItsOwnEndpointFromTheEnvironment) {
  HttpSink generic, logs_only;
  const std::map<std::string, std::string> env = {
      {"OTEL_EXPORTER_OTLP_ENDPOINT", generic.base()},
      {"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", logs_only.base() + "/custom/logs"},
      {"OTEL_EXPORTER_OTLP_LOGS_HEADERS", "x-tenant=blue"},
      {"OTEL_BLRP_SCHEDULE_DELAY", "10"},
      {"OTEL_BSP_SCHEDULE_DELAY", "10"},
  };
  auto sdk = start_from_env([&env](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  ASSERT_TRUE(sdk.ok()) << sdk.error().message;
  Logger logger = sdk->logger("payments", "2.0");
  Tracer tracer = sdk->tracer("payments");
  emit(logger, 5);
  tracer.start_span("op").end();
  EXPECT_EQ(sdk->shutdown(10 * kSec).state, FlushState::done);
  EXPECT_EQ(logs_only.received("/custom/logs").size(), 1u);  // as is: no /v1/logs appended
  EXPECT_EQ(logs_only.requests(), 1u);
  EXPECT_EQ(generic.received("/v1/traces").size(), 1u);
  EXPECT_EQ(generic.requests(), 1u);  // no logs at the generic endpoint
}

TEST(SdkLogs, PropagatorsComeFromTheEnvironment) {
  auto sdk = start_from_env([](const char* name) -> const char* {
    return std::string_view(name) == "OTEL_PROPAGATORS" ? "baggage" : nullptr;
  });
  ASSERT_TRUE(sdk.ok()) << sdk.error().message;
  EXPECT_FALSE(sdk->propagators().tracecontext);
  EXPECT_TRUE(sdk->propagators().baggage);
}

// What a console stream holds: its OTLP/JSON lines per signal and the records in them.
struct ConsoleLines {
  std::size_t log_lines = 0, trace_lines = 0, records = 0, spans = 0;
};
ConsoleLines read_console(std::FILE* out) {
  std::rewind(out);
  std::string text;
  char chunk[4096];
  for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, out)) > 0;) text.append(chunk, n);
  std::istringstream lines(text);
  ConsoleLines c;
  for (std::string line; std::getline(lines, line);) {
    pt::ptree doc;
    std::istringstream in(line);
    EXPECT_NO_THROW(pt::read_json(in, doc)) << line;
    if (auto logs = doc.get_child_optional("resourceLogs")) {
      ++c.log_lines;
      for (const auto& rl : *logs)
        for (const auto& sl : rl.second.get_child("scopeLogs")) c.records += sl.second.get_child("logRecords").size();
    } else if (auto spans = doc.get_child_optional("resourceSpans")) {
      ++c.trace_lines;
      for (const auto& rs : *spans)
        for (const auto& ss : rs.second.get_child("scopeSpans")) c.spans += ss.second.get_child("spans").size();
    } else {
      ADD_FAILURE() << "neither logs nor spans: " << line;
    }
  }
  return c;
}

TEST(SdkLogs, ConsoleWritesOneOtlpJsonLinePerRequest) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  Options o = fast("http://127.0.0.1:9");  // never used
  o.traces_exporter = o.logs.exporter = ExporterKind::console;
  o.logs.otlp.protocol = Protocol::http_json;  // ignored: console transcodes protobuf
  o.logs.pipeline.max_export_batch_size = 4;
  o.console_stream = out;
  Sdk sdk = started(o);
  Logger logger = sdk.logger("payments", "2.0");
  Tracer tracer = sdk.tracer("payments");
  emit(logger, 10);
  for (int i = 0; i < 3; ++i) tracer.start_span("op").end();
  const ShutdownReport report = sdk.shutdown(10 * kSec);
  EXPECT_EQ(report[Signal::logs].stats.exported, 10u);
  EXPECT_EQ(report[Signal::traces].stats.exported, 3u);
  const ConsoleLines c = read_console(out);
  std::fclose(out);
  EXPECT_EQ(c.records, 10u);
  EXPECT_EQ(c.spans, 3u);
  EXPECT_EQ(c.log_lines, 3u);  // batches of 4: one line a request
  EXPECT_EQ(c.trace_lines, 1u);
}

// OTEL_TRACES_EXPORTER=otlp,console: the server gets every request, retries included; the
// console writes each request once, whether the pipeline holds protobuf or (http/json) JSON.
TEST(SdkLogs, OtlpAndConsoleTogetherWriteEachRequestOnce) {
  for (const Protocol protocol : {Protocol::http_protobuf, Protocol::http_json}) {
    SCOPED_TRACE(protocol == Protocol::http_json ? "http/json" : "http/protobuf");
    HttpSink sink(200, 503);  // the first request is retried
    std::FILE* out = std::tmpfile();
    ASSERT_NE(out, nullptr);
    Options o = fast(sink.base());
    o.protocol = protocol;
    o.traces_exporter = ExporterKind::otlp | ExporterKind::console;
    o.logs.exporter = ExporterKind::none;
    o.console_stream = out;
    Sdk sdk = started(o);
    Tracer tracer = sdk.tracer("payments");
    for (int i = 0; i < 3; ++i) tracer.start_span("op").end();
    const ShutdownReport report = sdk.shutdown(10 * kSec);
    EXPECT_EQ(report[Signal::traces].stats.exported, 3u);
    EXPECT_EQ(sink.received("/v1/traces").size(), 2u);  // the 503, then the retry
    const ConsoleLines c = read_console(out);
    std::fclose(out);
    EXPECT_EQ(c.trace_lines, 1u);
    EXPECT_EQ(c.spans, 3u);
  }
}

TEST(SdkLogs, ConsoleFailsARequestItCannotRead) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  ConsoleTransport console(out);
  ExportRequest request;
  request.body = "\x0a\xff";  // a field whose length runs past the end
  const std::vector<std::pair<std::string, std::string>> headers;
  Outcome got = Outcome::ok();
  console.send({request, headers, Compression::none, Signal::logs}, [&](const Outcome& o) { got = o; });
  EXPECT_EQ(got.kind, Outcome::Kind::grpc_status);
  EXPECT_NE(got.message.find("console"), std::string::npos) << got.message;
  EXPECT_EQ(std::ftell(out), 0);  // nothing written
  std::fclose(out);
}

TEST(SdkLogs, NoneSendsNothingAndStartsNoThread) {
  HttpSink sink;
  Options o = fast(sink.base());
  o.traces_exporter = o.logs.exporter = o.metrics.exporter = ExporterKind::none;
  const std::size_t before = steady_thread_count();  // the sink's threads started
  Sdk sdk = started(o);
  EXPECT_EQ(thread_count(), before);
  Logger logger = sdk.logger("payments");
  EXPECT_FALSE(logger.enabled(Severity::fatal));
  emit(logger, 5);  // not enabled: nothing counted
  LogRecord plain;  // no severity: always enabled, refused by the closed pipeline
  logger.emit(plain);
  Tracer tracer = sdk.tracer("payments");
  tracer.start_span("op").end();
  EXPECT_EQ(sdk.flush(kSec), FlushState::done);
  const ShutdownReport report = sdk.shutdown(kSec);
  EXPECT_EQ(sink.requests(), 0u);
  EXPECT_EQ(report[Signal::logs].stats.ended, 1u);
  EXPECT_EQ(report[Signal::logs].stats.dropped, 1u);
  expect_invariant(report[Signal::logs].stats);
  EXPECT_EQ(report[Signal::traces].stats.ended, 0u);  // not sampled
}

// Both signals over OTLP/HTTP, and the console too: one thread more while the Sdk runs. (No
// server here, whose own threads would be counted; the other tests show what arrives.)
TEST(SdkLogs, OneWorkerThreadServesEverySignal) {
  const std::size_t before = steady_thread_count();
  ASSERT_GT(before, 0u);
  for (const ExporterKind traces : {ExporterKind::otlp, ExporterKind::console}) {
    std::FILE* out = std::tmpfile();
    Options o = fast("http://127.0.0.1:9");
    o.traces_exporter = traces;
    o.console_stream = out;
    Sdk sdk = started(o);
    EXPECT_EQ(thread_count(), before + 1);
    Logger logger = sdk.logger("payments", "2.0");
    Tracer tracer = sdk.tracer("payments");
    emit(logger, 3);
    tracer.start_span("op").end();
    sdk.flush(kSec);
    EXPECT_EQ(thread_count(), before + 1);
    sdk.shutdown(kSec);
    EXPECT_EQ(thread_count(), before);
    std::fclose(out);
  }
}

TEST(SdkLogs, FlushAndShutdownCoverLogs) {
  HttpSink sink;
  Options o = fast(sink.base());
  o.logs.pipeline.schedule_delay_ns = 60 * kSec;  // only a flush sends before a minute
  Sdk sdk = started(o);
  Logger logger = sdk.logger("payments", "2.0");
  emit(logger, 10);
  EXPECT_EQ(sdk.flush(10 * kSec), FlushState::done);
  EXPECT_EQ(sink.received("/v1/logs").size(), 1u);
  EXPECT_EQ(sdk.stats(Signal::logs).exported, 10u);
  emit(logger, 7);
  const ShutdownReport report = sdk.shutdown(10 * kSec);
  EXPECT_EQ(report.state, FlushState::done);
  EXPECT_EQ(report[Signal::logs].stats.exported, 17u);
  EXPECT_EQ(sink.received("/v1/logs").size(), 2u);
  emit(logger, 1);  // after shutdown: dropped
  EXPECT_EQ(sdk.stats(Signal::logs).dropped, 1u);
  expect_invariant(sdk.stats(Signal::logs));
}

TEST(SdkLogs, FailingServerKeepsTheCountersWhole) {
  HttpSink sink(503);  // retryable, forever
  Options o = fast(sink.base());
  o.logs.pipeline.export_timeout_ns = 300 * kMs;
  o.logs.pipeline.max_queue_size = 100;
  Sdk sdk = started(o);
  Logger logger = sdk.logger("payments", "2.0");
  emit(logger, 150);  // 50 find the queue full
  const ShutdownReport report = sdk.shutdown(5 * kSec);
  const Stats& s = report[Signal::logs].stats;
  EXPECT_EQ(s.ended, 150u);
  EXPECT_EQ(s.exported, 0u);
  EXPECT_GT(s.failed, 0u);
  EXPECT_GT(s.retries, 0u);
  EXPECT_EQ(s.queued, 0u);
  expect_invariant(s);
  EXPECT_EQ(report[Signal::logs].not_exported, 150u);
  EXPECT_FALSE(s.last_error.empty());
  EXPECT_GT(sink.received("/v1/logs").size(), 1u);
}

TEST(SdkLogs, BadLogsOptionsAreErrorsNamingThem) {
  Options o = fast("http://127.0.0.1:9");
  o.logs.otlp.endpoint = "ftp://x";
  auto endpoint = start(o);
  ASSERT_FALSE(endpoint.ok());
  EXPECT_NE(endpoint.error().message.find("logs.otlp.endpoint"), std::string::npos) << endpoint.error().message;

  o = fast("http://127.0.0.1:9");
  o.logs.pipeline.max_export_batch_size = o.logs.pipeline.max_queue_size + 1;
  auto batch = start(o);
  ASSERT_FALSE(batch.ok());
  EXPECT_NE(batch.error().message.find("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE"), std::string::npos) << batch.error().message;

  // Console or none: the OTLP options are not used, so not checked.
  o = fast("http://127.0.0.1:9");
  o.logs.otlp.endpoint = "ftp://x";
  o.logs.exporter = ExporterKind::console;
  o.console_stream = std::tmpfile();
  EXPECT_TRUE(start(o).ok());
  std::fclose(o.console_stream);
}

}  // namespace
}  // namespace otlp::native
