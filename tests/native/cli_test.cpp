// The `otlp` tool as a user runs it: output checked with protobuf-lite and core's JSON reader.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <sys/wait.h>

#include "lite_mapping.hpp"
#include "otlp/json.hpp"
#include "otlp/workload.hpp"
#include "support/compare.hpp"

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

TEST(Cli, SummaryChecksItsOwnOutput) {
  EXPECT_EQ(run("encode --spans 2 --format protobuf --summary").exit_code, 0);
}

TEST(Cli, BadArgumentsAreUsageErrors) {
  EXPECT_EQ(run("encode --spans 0").exit_code, 2);
  EXPECT_EQ(run("encode --spans many").exit_code, 2);
  EXPECT_EQ(run("encode --format xml").exit_code, 2);
  EXPECT_EQ(run("encode --spans").exit_code, 2);
  EXPECT_EQ(run("encode --bogus 1").exit_code, 2);
  EXPECT_EQ(run("frobnicate").exit_code, 2);
  EXPECT_EQ(run("").exit_code, 2);
  EXPECT_EQ(run("--help").exit_code, 0);
}

}  // namespace
}  // namespace otlp
