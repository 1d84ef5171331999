// `otlp receive` as a user runs it: both listeners on port 0, spans sent over gRPC and HTTP,
// the JSON lines file, the summary per transport on SIGTERM, and option errors.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "exporter_rig.hpp"
#include "grpc_transport.hpp"
#include "http_transport.hpp"

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
      child.err(), std::regex("stopped by SIGTERM after \\d+ requests \\(\\d+ accepted\\), 30 spans, \\d+ bytes over HTTP")))
      << child.err();
  EXPECT_TRUE(std::regex_search(child.err(),
                                std::regex("and \\d+ requests \\(\\d+ accepted\\), 50 spans, \\d+ bytes over gRPC")))
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

TEST(ReceiveCli, NamingOneListenerServesOnlyThatOne) {
  Child child({"receive", "--http", "127.0.0.1:0"});
  std::smatch m;
  ASSERT_TRUE(child.read_until(std::regex("listening on http://127\\.0\\.0\\.1:(\\d+)/v1/traces"), m)) << child.err();
  EXPECT_EQ(child.stop(SIGINT), 0) << child.err();
  EXPECT_NE(child.err().find("stopped by SIGINT"), std::string::npos) << child.err();
  EXPECT_EQ(child.err().find("gRPC"), std::string::npos) << child.err();
}

TEST(ReceiveCli, OptionErrors) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"receive", "--grpc", "nope"}, {"receive", "--tls-cert", "a.pem"},
        {"receive", "--client-ca", "ca.pem"}, {"receive", "--grpc", "off", "--http", "off"}}) {
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
