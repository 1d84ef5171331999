// `otlp receive` as a user runs it: both listeners on port 0, spans sent over gRPC and HTTP,
// the JSON lines file, the summary per transport on SIGTERM, and option errors.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
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

#include "exporter_rig.hpp"
#include "grpc_transport.hpp"
#include "http_transport.hpp"

namespace otlp::native {
namespace {

using rig::kSec;

// The `otlp` binary with its stderr on a pipe.
class Child {
 public:
  explicit Child(const std::vector<std::string>& args) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 2);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(OTLP_CLI_PATH));
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(OTLP_CLI_PATH, argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    fd_ = fds[0];
  }
  ~Child() {
    if (pid_ > 0 && status_ < 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) ::close(fd_);
  }
  // Reads stderr until `pattern` matches what was read so far, EOF, or 10 s.
  bool read_until(const std::regex& pattern, std::smatch& match) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (std::regex_search(err_, match, pattern)) return true;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) return std::regex_search(err_, match, pattern);
      err_.append(buf, static_cast<std::size_t>(n));
    }
    return false;
  }
  // Sends `sig`, reads stderr to EOF (bounded) and returns the exit code (-1 if killed).
  int stop(int sig) {
    ::kill(pid_, sig);
    std::smatch ignored;
    read_until(std::regex("$^never"), ignored);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return status_;
  }
  int wait_exit() {
    std::smatch ignored;
    read_until(std::regex("$^never"), ignored);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return status_;
  }
  const std::string& err() const { return err_; }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  int status_ = -1;
  std::string err_;
};

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
    EXPECT_EQ(child.wait_exit(), 2) << child.err();
    EXPECT_NE(child.err().find("otlp receive: "), std::string::npos) << child.err();
  }
  Child tls({"receive", "--grpc", "127.0.0.1:0", "--http", "off", "--tls-cert", "/nonexistent/s.pem", "--tls-key",
             "/nonexistent/s.key"});
  EXPECT_EQ(tls.wait_exit(), 1);
  EXPECT_NE(tls.err().find("/nonexistent/s.pem"), std::string::npos) << tls.err();
}

}  // namespace
}  // namespace otlp::native
