// The `otlp` tool as a user runs it: output checked with protobuf-lite and core's JSON reader.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "lite_mapping.hpp"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "otlp/json/json.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/workload/workload.hpp"
#include "support/compare.hpp"
#include "support/random_request.hpp"

extern char** environ;

namespace otlp {
namespace {

struct Run {
  int exit_code;
  std::string out;
};

Run run(const std::string& args) {
  const std::string command = std::string(OTLP_CLI_PATH) + " " + args + " 2>/dev/null";
  std::FILE* p = popen(command.c_str(), "r");
  Run r{-1, {}};
  if (!p) return r;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(Cli, EncodeProtobufIsTheStandardWorkloadForLite) {
  const auto r = run("encode --spans 10 --format protobuf --seed 5");
  ASSERT_EQ(r.exit_code, 0);
  testing::lite::pb_collector::ExportTraceServiceRequest message;
  ASSERT_TRUE(message.ParseFromString(r.out));
  auto model = testing::lite::from_lite(message);
  ASSERT_TRUE(model);
  EXPECT_EQ(testing::first_difference(workload::standard_request(10, 5), *model), "");
}

TEST(Cli, EncodeJsonDecodesToTheSameRequest) {
  const auto r = run("encode --spans 3 --format json");
  ASSERT_EQ(r.exit_code, 0);
  TraceRequest decoded;
  ASSERT_TRUE(decode_trace_request_json(r.out, decoded).ok());
  EXPECT_EQ(testing::first_difference(workload::standard_request(3, 1), decoded), "");
}

// Peak resident set (KiB, the child's getrusage through wait4) of `otlp <args>` run with its
// output thrown away; -1 when it does not exit with 0 within a minute.
long peak_rss_kb(std::vector<std::string> args) {
  args.insert(args.begin(), OTLP_CLI_PATH);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return -1;
  int status = 0;
  rusage usage{};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (wait4(pid, &status, WNOHANG, &usage) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      wait4(pid, &status, 0, &usage);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? usage.ru_maxrss : -1;
}

TEST(Cli, EncodeMemoryDoesNotGrowWithTheSpanCount) {
  // 300,000 standard spans are ~156 MB of protobuf and ~300 MB of JSON.
  for (const char* format : {"protobuf", "json"}) {
    const long few = peak_rss_kb({"encode", "--spans", "1000", "--format", format});
    const long many = peak_rss_kb({"encode", "--spans", "300000", "--format", format});
    ASSERT_GT(few, 0) << format;
    ASSERT_GT(many, 0) << format;
    EXPECT_LT(many, few + 16 * 1024) << format << ": " << few << " KiB for 1,000 spans, " << many << " for 300,000";
  }
}

TEST(Cli, EncodeStreamsTheBytesOfTheWholeRequest) {
  // Enough spans to be written in more than one piece.
  const TraceRequest request = workload::standard_request(3000, 5);
  std::string protobuf, json;
  encode_trace_request(request, protobuf);
  encode_trace_request_json(request, json);
  const auto p = run("encode --spans 3000 --format protobuf --seed 5");
  ASSERT_EQ(p.exit_code, 0);
  EXPECT_TRUE(p.out == protobuf) << p.out.size() << " bytes, want " << protobuf.size();
  const auto j = run("encode --spans 3000 --format json --seed 5");
  ASSERT_EQ(j.exit_code, 0);
  EXPECT_TRUE(j.out == json) << j.out.size() << " bytes, want " << json.size();
}

TEST(Cli, SummaryChecksItsOwnOutput) {
  EXPECT_EQ(run("encode --spans 2 --format protobuf --summary").exit_code, 0);
  EXPECT_EQ(run("encode --signal logs --count 30 --format json --summary").exit_code, 0);
  const std::string command = std::string(OTLP_CLI_PATH) + " encode --signal logs --count 20 --summary 2>&1 >/dev/null";
  std::FILE* p = popen(command.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char line[512] = {};
  ASSERT_NE(std::fgets(line, sizeof line, p), nullptr);
  pclose(p);
  EXPECT_NE(std::string(line).find("20 standard log records as protobuf"), std::string::npos) << line;
  EXPECT_NE(std::string(line).find("M log records/s"), std::string::npos) << line;
  EXPECT_NE(std::string(line).find("decoded back: identical"), std::string::npos) << line;
}

TEST(Cli, EncodeLogsIsTheStandardLogRecordForLite) {
  const auto r = run("encode --signal logs --count 1500 --seed 4");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out == testing::standard_logs_request(1500, 4));
  opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest message;
  ASSERT_TRUE(message.ParseFromString(r.out));
  ASSERT_EQ(message.resource_logs_size(), 1);
  const auto& rl = message.resource_logs(0);
  EXPECT_EQ(rl.resource().attributes(0).value().string_value(), "checkout");
  ASSERT_EQ(rl.scope_logs_size(), 1);
  EXPECT_EQ(rl.scope_logs(0).scope().name(), "bench");
  ASSERT_EQ(rl.scope_logs(0).log_records_size(), 1500);
  for (int i : {0, 9, 1499}) {
    const auto& rec = rl.scope_logs(0).log_records(i);
    const bool error = i % 10 == 9;
    EXPECT_EQ(rec.time_unix_nano(), workload::kBaseTimeUnixNano + static_cast<std::uint64_t>(i) * 1'000'000 + 500'000);
    EXPECT_EQ(rec.observed_time_unix_nano(), rec.time_unix_nano() + 200'000);
    EXPECT_EQ(rec.severity_number(), error ? 17 : 9);
    EXPECT_EQ(rec.severity_text(), error ? "ERROR" : "INFO");
    EXPECT_EQ(rec.body().string_value(), "GET /api/orders/12345 200 1.5ms");
    ASSERT_EQ(rec.attributes_size(), 4);
    EXPECT_EQ(rec.attributes(2).key(), "http.response.status_code");
    EXPECT_EQ(rec.attributes(2).value().int_value(), 200);
    EXPECT_EQ(rec.attributes(3).value().double_value(), 1.5);
    EXPECT_EQ(rec.trace_id().size(), 16u);
    EXPECT_EQ(rec.span_id().size(), 8u);
    EXPECT_EQ(rec.flags(), 1u);
    EXPECT_TRUE(rec.event_name().empty());
  }
  // The same request as OTLP/JSON, streamed in pieces: it reads back into the same protobuf.
  const auto j = run("encode --signal logs --count 1500 --seed 4 --format json");
  ASSERT_EQ(j.exit_code, 0);
  std::string back;
  ASSERT_TRUE(decode_request_json_protobuf(Signal::logs, j.out, back).ok());
  EXPECT_TRUE(back == r.out);
  std::string whole;
  ASSERT_TRUE(transcode_request_json(Signal::logs, r.out, whole).ok());
  EXPECT_TRUE(j.out == whole);
  // --count means --spans for traces.
  EXPECT_TRUE(run("encode --signal traces --count 7").out == run("encode --spans 7").out);
}

// One collection of the standard metrics workload: 4 metrics, 103 data points, each of the 50
// counter series with count / 50; its JSON reads back into the same protobuf.
TEST(Cli, EncodeMetricsIsOneCollectionOfTheStandardWorkload) {
  const auto r = run("encode --signal metrics --count 1000");
  ASSERT_EQ(r.exit_code, 0);
  opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest message;
  ASSERT_TRUE(message.ParseFromString(r.out));
  ASSERT_EQ(message.resource_metrics_size(), 1);
  const auto& sm = message.resource_metrics(0).scope_metrics(0);
  EXPECT_EQ(sm.scope().name(), "bench");
  ASSERT_EQ(sm.metrics_size(), 4);
  int points = 0;
  for (const auto& m : sm.metrics()) {
    points += m.sum().data_points_size() + m.histogram().data_points_size() + m.gauge().data_points_size();
    if (m.name() == "http.server.request.count")
      for (const auto& p : m.sum().data_points()) EXPECT_EQ(p.as_int(), 20);
    if (m.name() == "http.server.request.duration") {
      std::uint64_t n = 0;
      for (const auto& p : m.histogram().data_points()) n += p.count();
      EXPECT_EQ(n, 1000u);
    }
  }
  EXPECT_EQ(points, 103);
  const auto j = run("encode --signal metrics --count 1000 --format json");
  ASSERT_EQ(j.exit_code, 0);
  std::string back;
  ASSERT_TRUE(decode_request_json_protobuf(Signal::metrics, j.out, back).ok());
  EXPECT_TRUE(back == r.out);
  EXPECT_EQ(run("encode --signal metrics --count 10 --summary").exit_code, 0);
}

TEST(Cli, BadArgumentsAreUsageErrors) {
  EXPECT_EQ(run("encode --spans 0").exit_code, 2);
  EXPECT_EQ(run("encode --spans many").exit_code, 2);
  EXPECT_EQ(run("encode --format xml").exit_code, 2);
  EXPECT_EQ(run("encode --spans").exit_code, 2);
  EXPECT_EQ(run("encode --bogus 1").exit_code, 2);
  EXPECT_EQ(run("encode --signal profiles").exit_code, 2);
  EXPECT_EQ(run("encode --signal logs --spans 3").exit_code, 2);
  EXPECT_EQ(run("encode --spans 3 --count 3").exit_code, 2);
  EXPECT_EQ(run("encode --signal logs --count 0").exit_code, 2);
  EXPECT_EQ(run("frobnicate").exit_code, 2);
  EXPECT_EQ(run("").exit_code, 2);
  EXPECT_EQ(run("--help").exit_code, 0);
}

// `otlp send --help` (any command's) prints the usage, which names how to choose the signal.
TEST(Cli, CommandHelpPrintsTheUsage) {
  for (const char* args : {"send --help", "receive --help", "encode -h", "--help"}) {
    const auto r = run(args);
    EXPECT_EQ(r.exit_code, 0) << args;
    EXPECT_NE(r.out.find("send [--endpoint URL] [--protocol grpc|http/protobuf|http/json] [--signal traces|logs|metrics] [--count N]"),
              std::string::npos)
        << args << ": " << r.out;
  }
}

}  // namespace
}  // namespace otlp
