// `otlp receive` as a user runs it: both listeners on port 0, spans sent over gRPC and HTTP,
// the JSON lines file, the summary per transport on SIGTERM, and option errors.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "child_process.hpp"
#include "exporter_rig.hpp"
#include "grpc_transport.hpp"
#include "http_transport.hpp"
#include "oracle_metrics.hpp"
#include "otlp/json/json.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/workload/workload.hpp"
#include "raw_grpc.hpp"
#include "raw_http.hpp"
#include "support/random_request.hpp"

namespace otlp::native {
namespace {

using rig::kSec;

using testing_cli::Child;

TEST(ReceiveCli, GrpcAndHttpSpansLandInTheFileAndTheSummary) {
  char dir[] = "/tmp/otlp-receive-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string out = std::string(dir) + "/spans.jsonl";
  Child child({"receive", "--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0", "--out", out});
  std::smatch m;
  ASSERT_TRUE(child.read_until(std::regex("listening on 127\\.0\\.0\\.1:(\\d+) for OTLP/gRPC\\n[^\\n]*listening on "
                                          "http://127\\.0\\.0\\.1:(\\d+)/v1/traces for OTLP/HTTP"),
                               m))
      << child.err();
  const std::string grpc_port = m[1], http_port = m[2];

  {
    GrpcOptions g;
    g.endpoint = "http://127.0.0.1:" + grpc_port;
    rig::Exporter<GrpcTransport> e(g, rig::fast());
    e.spans(50);
    ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
    EXPECT_EQ(e.pipeline.stats().exported, 50u) << e.pipeline.stats().last_error;
  }
  {
    HttpOptions h;
    h.url = "http://127.0.0.1:" + http_port + "/v1/traces";
    rig::Exporter<HttpTransport> e(h, rig::fast());
    e.spans(30);
    ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
    EXPECT_EQ(e.pipeline.stats().exported, 30u) << e.pipeline.stats().last_error;
  }
  EXPECT_EQ(child.stop(SIGTERM), 0) << child.err();
  EXPECT_TRUE(std::regex_search(
      child.err(), std::regex("stopped by SIGTERM after \\d+ requests \\(\\d+ accepted\\), 30 spans, 0 log records, 0 data points, \\d+ "
                              "bytes over HTTP")))
      << child.err();
  EXPECT_TRUE(std::regex_search(child.err(),
                                std::regex("and \\d+ requests \\(\\d+ accepted\\), 50 spans, 0 log records, 0 data points, \\d+ bytes "
                                           "over gRPC")))
      << child.err();

  std::ifstream in(out);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    EXPECT_NE(line.find("\"name\":\"GET /\""), std::string::npos) << line;
  }
  EXPECT_EQ(lines, 80);
  std::remove(out.c_str());
  ::rmdir(dir);
}

// A transport destroyed as soon as its last call completed. When calls completed on gRPC's
// callback threads, one of them could still be finishing the call, and grpc++ 1.51 freed its
// completion queue twice when that thread dropped the last reference to the channel: ASan saw
// it in about 1 run of 75 of the test above. The receiver is out of process here, because an in-process gRPC server keeps that
// queue alive and hides the race; a hundred cycles make it near certain if the transport lets
// it happen.
TEST(ReceiveCli, GrpcTransportDestroyedRightAfterItsLastCompletion) {
  Child child({"receive", "--grpc", "127.0.0.1:0"});
  std::smatch m;
  ASSERT_TRUE(child.read_until(std::regex("listening on 127\\.0\\.0\\.1:(\\d+) for OTLP/gRPC"), m)) << child.err();
  GrpcOptions options;
  options.endpoint = "http://127.0.0.1:" + m[1].str();
  std::string body;
  encode_trace_request(workload::standard_request(1, 7), body);
  const ExportRequest request{.id = 1, .body = body, .spans = 1};
  const std::vector<std::pair<std::string, std::string>> headers;
  std::atomic<int> succeeded{0};
  for (int i = 0; i < 100; ++i) {
    auto transport = std::make_unique<GrpcTransport>(options);
    std::atomic<int> completions{0};
    transport->send({request, headers, Compression::none}, [&](const Outcome& o) {
      if (o.kind == Outcome::Kind::success) ++succeeded;
      ++completions;
    });
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (transport->in_flight() != 0 && std::chrono::steady_clock::now() < give_up) transport->run(100);
    ASSERT_EQ(completions.load(), 1);
    transport.reset();
  }
  EXPECT_EQ(succeeded.load(), 100);
  EXPECT_EQ(child.stop(SIGTERM), 0) << child.err();
  EXPECT_TRUE(std::regex_search(child.err(), std::regex("100 requests \\(100 accepted\\), 100 spans")))
      << child.err();
}

// The lines of a --out file: each must be a whole span line.
std::vector<std::string> whole_lines(const std::string& content) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < content.size()) {
    const std::size_t nl = content.find('\n', at);
    if (nl == std::string::npos) {
      ADD_FAILURE() << "the file ends inside a line: ..." << content.substr(content.size() - std::min<std::size_t>(content.size(), 60));
      break;
    }
    const std::string line = content.substr(at, nl - at);
    EXPECT_TRUE(line.rfind("{\"signal\":\"", 0) == 0 && line.back() == '}') << line;
    lines.push_back(line);
    at = nl + 1;
  }
  return lines;
}

std::string proto_of(std::uint64_t spans, std::uint64_t seed) {
  std::string body;
  encode_trace_request(workload::standard_request(spans, seed), body);
  return body;
}

// One strict JSON object: read as a logs request, whose reader checks the syntax of every member
// it skips, and a line has none of a request's keys.
bool is_json_object(const std::string& line) {
  std::string protobuf;
  return !line.empty() && line[0] == '{' && decode_request_json_protobuf(Signal::logs, line, protobuf).ok() &&
         protobuf.empty();
}

TEST(ReceiveCli, LogsAndSpansLandInTheFileWithAllTheyCarry) {
  const std::string out = testing_cli::temp_path("records.jsonl");
  std::remove(out.c_str());
  Child child({"receive", "--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0", "--out", out});
  std::smatch m;
  ASSERT_TRUE(child.read_until(std::regex("listening on 127\\.0\\.0\\.1:(\\d+) for OTLP/gRPC\\n[^\\n]*listening on "
                                          "http://127\\.0\\.0\\.1:(\\d+)/v1/traces for OTLP/HTTP \\(logs on /v1/logs\\)"),
                               m))
      << child.err();
  const int grpc_port = std::stoi(m[1]);
  httplib::Client c("127.0.0.1", std::stoi(m[2]));
  Resource resource;
  resource.attributes = {{"service.name", "every-kind"}, {"k8s.pod.uid", std::int64_t{7}}};
  InstrumentationScope scope;
  scope.name = "random";
  scope.version = "0.1";
  scope.attributes = {{"scope.attr", true}};
  const std::string random = testing::logs_request(testing::random_log_records(9, 5), resource, scope);
  std::string json, spans;
  ASSERT_TRUE(transcode_request_json(Signal::logs, testing::standard_logs_request(3, 2), json).ok());
  encode_trace_request(workload::standard_request(2, 5), spans);
  for (const auto& [path, body, type] :
       {std::tuple{"/v1/logs", testing::standard_logs_request(4, 1), "application/x-protobuf"},
        std::tuple{"/v1/logs", json, "application/json"}, std::tuple{"/v1/logs", random, "application/x-protobuf"},
        std::tuple{"/v1/traces", spans, "application/x-protobuf"}}) {
    auto res = c.Post(path, body, type);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << res->body;
  }
  const std::string grpc_logs = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";
  EXPECT_TRUE(raw_call(grpc_port, testing::standard_logs_request(2, 3), grpc_logs).status.ok());
  EXPECT_EQ(child.stop(SIGTERM), 0) << child.err();
  EXPECT_NE(child.err().find("2 spans, 12 log records"), std::string::npos) << child.err();
  EXPECT_NE(child.err().find("0 spans, 2 log records"), std::string::npos) << child.err();

  const std::vector<std::string> lines = whole_lines(testing_cli::slurp(out));
  ASSERT_EQ(lines.size(), 16u);
  int logs = 0, traces = 0;
  for (const std::string& l : lines) {
    EXPECT_TRUE(is_json_object(l)) << l;
    logs += l.rfind("{\"signal\":\"logs\",", 0) == 0;
    traces += l.rfind("{\"signal\":\"traces\",", 0) == 0;
  }
  EXPECT_EQ(logs, 14);
  EXPECT_EQ(traces, 2);
  // A standard record's line: resource, scope and every field of the record.
  const std::string& first = lines[0];
  for (const char* field :
       {R"("resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}})",
        R"("scope":{"name":"bench","version":"1.0.0"})", R"("timeUnixNano":"1700000000000500000")",
        R"("observedTimeUnixNano":"1700000000000700000")", R"("severityNumber":9)", R"("severityText":"INFO")",
        R"("body":{"stringValue":"GET /api/orders/12345 200 1.5ms"})",
        R"({"key":"app.duration_ms","value":{"doubleValue":1.5}})", R"("flags":1)", R"("traceId":")", R"("spanId":")"})
    EXPECT_NE(first.find(field), std::string::npos) << field << " in " << first;
  // The random records (every body and attribute kind) are written whole, as the core writes them.
  std::vector<std::string> expected;
  ASSERT_TRUE(transcode_record_lines(Signal::logs, random, 0, [&](std::string_view text) {
                for (std::size_t at = 0; at < text.size();) {
                  const std::size_t nl = text.find('\n', at);
                  expected.emplace_back(text.substr(at, nl - at));
                  at = nl + 1;
                }
              }).ok());
  ASSERT_EQ(expected.size(), 5u);
  for (const std::string& e : expected) {
    EXPECT_NE(std::find(lines.begin(), lines.end(), e), lines.end()) << e;
    EXPECT_NE(e.find(R"("scope":{"name":"random","version":"0.1","attributes":[{"key":"scope.attr")"),
              std::string::npos) << e;
  }
  // A span's line: ids, parent, name, kind, times, attributes, events, links, flags.
  const std::string& span = *std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
    return l.rfind("{\"signal\":\"traces\"", 0) == 0;
  });
  for (const char* field : {R"("parentSpanId":")", R"("name":"GET /api/orders/{id}")", R"("kind":2)",
                            R"("startTimeUnixNano":")", R"("endTimeUnixNano":")", R"("events":[{"timeUnixNano")",
                            R"("links":[{"traceId")", R"({"key":"app.cache_hit","value":{"boolValue":false}})"})
    EXPECT_NE(span.find(field), std::string::npos) << field << " in " << span;
  std::remove(out.c_str());
}

// Metrics over both transports and encodings: one line per data point, each exactly the line the
// core writes for it (metric, type, temporality, point), and the summary counts data points.
TEST(ReceiveCli, MetricDataPointsLandInTheFileOneLineEach) {
  const std::string out = testing_cli::temp_path("metrics.jsonl");
  std::remove(out.c_str());
  Child child({"receive", "--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0", "--out", out});
  std::smatch m;
  ASSERT_TRUE(child.read_until(std::regex("listening on 127\\.0\\.0\\.1:(\\d+) for OTLP/gRPC\\n[^\\n]*listening on "
                                          "http://127\\.0\\.0\\.1:(\\d+)/v1/traces for OTLP/HTTP[^\\n]*\\(metrics on "
                                          "/v1/metrics\\)"),
                               m))
      << child.err();
  const int grpc_port = std::stoi(m[1]);
  httplib::Client c("127.0.0.1", std::stoi(m[2]));
  std::vector<std::string> sent;
  std::uint64_t http_points = 0, grpc_points = 0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const auto r = testing::lite::random_metrics(seed * 7);
    sent.push_back(r.SerializeAsString());
    (seed <= 2 ? http_points : grpc_points) += testing::lite::data_point_count(r);
  }
  ASSERT_GT(http_points * grpc_points, 0u);
  std::string json;
  ASSERT_TRUE(transcode_request_json(Signal::metrics, sent[1], json).ok());
  auto a = c.Post("/v1/metrics", sent[0], "application/x-protobuf");
  auto b = c.Post("/v1/metrics", json, "application/json");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->status, 200) << a->body;
  EXPECT_EQ(b->status, 200) << b->body;
  const std::string method = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";
  EXPECT_TRUE(raw_call(grpc_port, sent[2], method).status.ok());
  EXPECT_TRUE(raw_call(grpc_port, sent[3], method, /*gzip=*/true).status.ok());
  EXPECT_EQ(child.stop(SIGTERM), 0) << child.err();
  EXPECT_NE(child.err().find("0 log records, " + std::to_string(http_points) + " data points"), std::string::npos)
      << child.err();
  EXPECT_NE(child.err().find("0 log records, " + std::to_string(grpc_points) + " data points"), std::string::npos)
      << child.err();

  const std::vector<std::string> lines = whole_lines(testing_cli::slurp(out));
  std::vector<std::string> expected;
  for (const std::string& body : sent)
    ASSERT_TRUE(transcode_record_lines(Signal::metrics, body, 0, [&](std::string_view text) {
                  for (std::size_t at = 0; at < text.size();) {
                    const std::size_t nl = text.find('\n', at);
                    expected.emplace_back(text.substr(at, nl - at));
                    at = nl + 1;
                  }
                }).ok());
  ASSERT_EQ(lines.size(), http_points + grpc_points);
  ASSERT_EQ(lines.size(), expected.size());
  for (const std::string& e : expected) {
    EXPECT_NE(std::find(lines.begin(), lines.end(), e), lines.end()) << e;
    EXPECT_EQ(e.rfind("{\"signal\":\"metrics\",\"resource\":", 0), 0u) << e;
    EXPECT_NE(e.find("\"type\":\""), std::string::npos) << e;
  }
  std::remove(out.c_str());
}

TEST(ReceiveCli, OutFileEndingInsideALineIsCutAtStart) {
  const std::string out = testing_cli::temp_path("cut.jsonl");
  const std::string whole = "{\"signal\":\"traces\",\"name\":\"kept\"}\n";
  const std::string partial = "{\"signal\":\"traces\",\"na";  // a receiver killed in the middle of it
  std::ofstream(out, std::ios::binary | std::ios::trunc) << whole << partial;
  Child child({"receive", "--http", "127.0.0.1:0", "--out", out});
  const int port = child.listening_port();
  ASSERT_GT(port, 0) << child.err();
  EXPECT_NE(child.err().find("ended inside a line"), std::string::npos) << child.err();
  EXPECT_NE(child.err().find("cut the last " + std::to_string(partial.size()) + " bytes"), std::string::npos)
      << child.err();
  httplib::Client c("127.0.0.1", port);
  auto res = c.Post("/v1/traces", proto_of(3, 1), "application/x-protobuf");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(child.stop(SIGTERM), 0) << child.err();
  const std::vector<std::string> lines = whole_lines(testing_cli::slurp(out));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0] + "\n", whole);
  std::remove(out.c_str());
}

TEST(ReceiveCli, OutFileHoldsWholeLinesWhenAWriteIsCutShort) {
  // A file size limit cuts a write partway, deterministically, as a kill or a full disk would:
  // the receiver takes the partial write back, says so, and writes no more.
  const std::string out = testing_cli::temp_path("limited.jsonl");
  std::remove(out.c_str());
  Child child({"receive", "--http", "127.0.0.1:0", "--out", out}, {}, "ulimit -f 64; trap '' XFSZ");
  const int port = child.listening_port();
  ASSERT_GT(port, 0) << child.err();
  httplib::Client c("127.0.0.1", port);
  int accepted = 0;
  for (int k = 0; k < 40 && child.err().find("no more records are written") == std::string::npos; ++k) {
    auto res = c.Post("/v1/traces", proto_of(20, 100 + k), "application/x-protobuf");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    ++accepted;
  }
  EXPECT_NE(child.err().find("no more records are written"), std::string::npos) << child.err();
  EXPECT_EQ(child.stop(SIGTERM), 1) << child.err();
  const std::vector<std::string> lines = whole_lines(testing_cli::slurp(out));
  EXPECT_EQ(lines.size() % 20, 0u);  // whole requests only
  EXPECT_LT(lines.size(), 20u * static_cast<unsigned>(accepted));
  EXPECT_GT(lines.size(), 0u);
  std::remove(out.c_str());
}

TEST(ReceiveCli, NamingOneListenerServesOnlyThatOne) {
  Child child({"receive", "--http", "127.0.0.1:0"});
  std::smatch m;
  ASSERT_TRUE(child.read_until(std::regex("listening on http://127\\.0\\.0\\.1:(\\d+)/v1/traces"), m)) << child.err();
  EXPECT_EQ(child.stop(SIGINT), 0) << child.err();
  EXPECT_NE(child.err().find("stopped by SIGINT"), std::string::npos) << child.err();
  EXPECT_EQ(child.err().find("gRPC"), std::string::npos) << child.err();
}

// "Max open files  SOFT  HARD  files" of a process.
std::pair<std::string, std::string> open_files_limits(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  std::smatch m;
  while (std::getline(in, line))
    if (std::regex_search(line, m, std::regex("^Max open files +(\\S+) +(\\S+)"))) return {m[1], m[2]};
  return {};
}

// A field of /proc/PID/status in kB ("VmHWM": peak resident memory), or -1.
long status_kb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  return -1;
}

// Every connection is a descriptor: started with a low soft limit, `otlp receive` raises it to
// the hard one.
TEST(ReceiveCli, RaisesItsOpenFilesLimitToTheHardLimit) {
  rlimit mine{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &mine), 0);
  if (mine.rlim_max <= 256) GTEST_SKIP() << "hard limit on open files is already low";
  rlimit low = mine;
  low.rlim_cur = 256;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  Child child({"receive", "--http", "127.0.0.1:0"});  // inherits the low soft limit
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &mine), 0);
  ASSERT_GT(child.listening_port(), 0) << child.err();
  const auto [soft, hard] = open_files_limits(child.pid());
  EXPECT_FALSE(hard.empty());
  EXPECT_EQ(soft, hard);
  EXPECT_EQ(child.stop(SIGTERM), 0) << child.err();
}

// 8 connections each sending 16 MiB of one header that never ends: refused with 431 once the
// header limit is in, none of it kept. The release build grows by under 1 MiB (cpp-httplib's
// listener by 185 MiB); the sanitizers' own bookkeeping adds about 30 MiB.
TEST(ReceiveCli, HeaderFloodLeavesMemoryBounded) {
  Child child({"receive", "--http", "127.0.0.1:0"});
  const int port = child.listening_port();
  ASSERT_GT(port, 0) << child.err();
  const long start_kb = status_kb(child.pid(), "VmRSS");
  ASSERT_GT(start_kb, 0);
  std::vector<std::thread> floods;
  std::atomic<int> refused{0};
  for (int i = 0; i < 8; ++i) {
    floods.emplace_back([&] {
      raw_http::Connection c(port);
      if (!c.send("POST /v1/traces HTTP/1.1\r\nX-Flood: ")) return;
      const std::string mib(1 << 20, 'f');
      for (int k = 0; k < 16 && c.send(mib); ++k) {
      }
      if (c.read_until("\r\n\r\n", std::chrono::milliseconds(5000)).rfind("HTTP/1.1 431", 0) == 0) ++refused;
    });
  }
  for (auto& t : floods) t.join();
  const long peak_kb = status_kb(child.pid(), "VmHWM");
  EXPECT_LT(peak_kb - start_kb, 48 * 1024) << "peak RSS " << peak_kb << " kB from " << start_kb
                                           << " kB after 128 MiB of headers";
  EXPECT_GT(refused.load(), 0);
  EXPECT_EQ(child.stop(SIGTERM), 0) << child.err();
  EXPECT_NE(child.err().find("refused: 8 headers too large"), std::string::npos) << child.err();
}

TEST(ReceiveCli, OptionErrors) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"receive", "--grpc", "nope"}, {"receive", "--tls-cert", "a.pem"},
        {"receive", "--client-ca", "ca.pem"}, {"receive", "--grpc", "off", "--http", "off"},
        {"receive", "--request-timeout", "0"}, {"receive", "--header-timeout", "1s"},
        {"receive", "--idle-timeout", "-1"}, {"receive", "--max-connections", "0"}}) {
    Child child(args);
    EXPECT_EQ(child.wait(), 2) << child.err();
    EXPECT_NE(child.err().find("otlp receive: "), std::string::npos) << child.err();
  }
  Child tls({"receive", "--grpc", "127.0.0.1:0", "--http", "off", "--tls-cert", "/nonexistent/s.pem", "--tls-key",
             "/nonexistent/s.key"});
  EXPECT_EQ(tls.wait(), 1);
  EXPECT_NE(tls.err().find("/nonexistent/s.pem"), std::string::npos) << tls.err();
}

}  // namespace
}  // namespace otlp::native
