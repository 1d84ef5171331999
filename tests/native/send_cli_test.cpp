// `otlp send` and `otlp receive` as a user runs them: the real binary as a child process,
// against an in-process Receiver or against `otlp receive` itself, all on 127.0.0.1.
#include <gtest/gtest.h>

#include <httplib.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "otlp/wire/proto_writer.hpp"
#include "otlp/workload/workload.hpp"
#include "child_process.hpp"
#include "receiver.hpp"
#include "test_certs.hpp"

namespace otlp::native {
namespace {

using testing_cli::Child;
using testing_cli::slurp;
using testing_cli::temp_path;

// The last non-empty line of `text`.
std::string last_line(const std::string& text) {
  std::string line;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) line = l;
  return line;
}

// A number field of the flat JSON object `line`, or -1 when absent.
double number(const std::string& line, const std::string& key) {
  const auto at = line.find("\"" + key + "\":");
  if (at == std::string::npos) return -1;
  return std::strtod(line.c_str() + at + key.size() + 3, nullptr);
}

struct Local {
  explicit Local(ReceiverOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    receiver = std::make_unique<Receiver>(options, [](const TraceRequest&) {});
    std::string err;
    EXPECT_TRUE(receiver->start(&err)) << err;
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(receiver->port()); }
  std::unique_ptr<Receiver> receiver;
};

TEST(SendCli, EverySpanArrivesFromSeveralWorkers) {
  Local local;
  Child send({"send", "--endpoint", local.endpoint(), "--protocol", "http/protobuf", "--spans", "3000", "--workers",
              "3"});
  ASSERT_EQ(send.wait(), 0) << send.err();
  const std::string line = last_line(send.out());
  EXPECT_EQ(line.front(), '{');
  EXPECT_NE(line.find("\"signal\":\"traces\""), std::string::npos) << line;
  EXPECT_EQ(number(line, "sent"), 3000);
  EXPECT_EQ(number(line, "exported"), 3000);
  EXPECT_EQ(number(line, "dropped"), 0);
  EXPECT_EQ(number(line, "rejected"), 0);
  EXPECT_EQ(number(line, "failed"), 0);
  EXPECT_GT(number(line, "bytes"), 3000 * 400);  // ~520 bytes per standard span
  EXPECT_GT(number(line, "elapsed_s"), 0);
  EXPECT_GT(number(line, "spans_per_s"), 0);
  EXPECT_GE(number(line, "cpu_s"), 0);
  EXPECT_GT(number(line, "max_rss_kb"), 0);
  EXPECT_EQ(local.receiver->stats().spans, 3000u);
  EXPECT_EQ(send.err(), "");  // no progress when stderr is not a terminal
}

// Several requests in flight at once (small batches so there are many): still exactly once.
TEST(SendCli, ConcurrentExportsDeliverEverySpanOnce) {
  Local local;
  Child send({"send", "--endpoint", local.endpoint(), "--spans", "4000", "--batch", "100", "--exports", "4"});
  ASSERT_EQ(send.wait(), 0) << send.err();
  const std::string line = last_line(send.out());
  EXPECT_EQ(number(line, "exported"), 4000);
  EXPECT_GE(number(line, "requests"), 40);  // batches of at most 100
  EXPECT_EQ(local.receiver->stats().spans, 4000u);
}

TEST(SendCli, JsonGzipAndHeaders) {
  ReceiverOptions ro;
  ro.bearer_token = "tok en";
  Local local(ro);
  Child send({"send", "--endpoint", local.endpoint() + "/v1/traces", "--protocol", "http/json", "--compression", "gzip",
              "--headers", "authorization=Bearer tok en,x-extra=1", "--spans", "700", "--timeout", "5"});
  ASSERT_EQ(send.wait(), 0) << send.err();
  EXPECT_EQ(number(last_line(send.out()), "exported"), 700);
  EXPECT_EQ(local.receiver->stats().spans, 700u);
  EXPECT_EQ(local.receiver->stats().unauthorized, 0u);
}

TEST(SendCli, RateLimitsTheSender) {
  Local local;
  Child send({"send", "--endpoint", local.endpoint(), "--spans", "400", "--rate", "2000"});
  ASSERT_EQ(send.wait(), 0) << send.err();
  // The 400th span is not recorded before 399/2000 s have passed.
  EXPECT_GE(number(last_line(send.out()), "elapsed_s"), 0.199);
  EXPECT_EQ(local.receiver->stats().spans, 400u);
}

TEST(SendCli, RejectedSpansMakeItFail) {
  ReceiverOptions ro;
  ro.reject_first_items = 100;
  Local local(ro);
  Child send({"send", "--endpoint", local.endpoint(), "--spans", "1000"});
  EXPECT_EQ(send.wait(), 1);
  const std::string line = last_line(send.out());
  EXPECT_EQ(number(line, "rejected"), 100);
  EXPECT_EQ(number(line, "exported"), 900);
  EXPECT_EQ(local.receiver->stats().spans, 900u);
}

TEST(SendCli, NoServerMeansFailedSpansAndExitOne) {
  int port = 0;
  {
    Local gone;
    port = gone.receiver->port();
    gone.receiver->stop();
  }
  Child send({"send", "--endpoint", "http://127.0.0.1:" + std::to_string(port), "--spans", "50", "--timeout", "1"},
             {"OTEL_BSP_EXPORT_TIMEOUT=300"});
  EXPECT_EQ(send.wait(), 1);
  const std::string line = last_line(send.out());
  EXPECT_EQ(number(line, "exported"), 0);
  EXPECT_EQ(number(line, "failed"), 50);
  EXPECT_NE(line.find("\"last_error\""), std::string::npos) << line;
}

// A loopback server that takes every connection and never answers: no byte back, HTTP or gRPC.
class Silent {
 public:
  Silent() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 || listen(fd_, 64) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      return;
    port = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 20) == 1) {
          const int c = accept(fd_, nullptr, nullptr);
          if (c >= 0) held_.push_back(c);
        }
      }
    });
  }
  ~Silent() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    for (const int c : held_) close(c);
    if (fd_ >= 0) close(fd_);
  }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port); }
  int port = 0;

 private:
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::vector<int> held_;  // the accept thread's until it is joined
  std::thread thread_;
};

// --timeout bounds each batch's whole export, as OTEL_EXPORTER_OTLP_TIMEOUT does: against a
// server that never answers, 3 batches at --timeout 0.5 take 3 x 0.5 s one after another (the
// first attempt runs out the time, nothing is retried after it), so the command ends within
// 1.5 s plus start and exit, bounded here at 1.5 + 1.5 s. (Before, each batch went on retrying
// up to OTEL_BSP_EXPORT_TIMEOUT: 2,000 spans took 116 s with --timeout 5.)
TEST(SendCli, TimeoutBoundsTheWholeExportOfEachBatch) {
  Silent silent;
  ASSERT_GT(silent.port, 0);
  for (const char* protocol : {"http/protobuf", "grpc"}) {
    SCOPED_TRACE(protocol);
    const auto t0 = std::chrono::steady_clock::now();
    Child send({"send", "--endpoint", silent.endpoint(), "--protocol", protocol, "--spans", "1500", "--batch", "500",
                "--timeout", "0.5"});
    EXPECT_EQ(send.wait(20), 1) << send.err();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::string line = last_line(send.out());
    EXPECT_EQ(number(line, "failed"), 1500) << line;
    EXPECT_EQ(number(line, "requests"), 3) << line;
    EXPECT_EQ(number(line, "retries"), 0) << line;
    EXPECT_GE(number(line, "elapsed_s"), 3 * 0.5 - 0.05) << line;  // each batch had its time
    EXPECT_LE(wall, 3 * 0.5 + 1.5) << line;
    EXPECT_NE(line.find("\"last_error\":\"export timeout: "), std::string::npos) << line;
    EXPECT_NE(line.find(" within 500 ms"), std::string::npos) << line;
  }
}

// A 401 is final and says what the server said, in text.
TEST(SendCli, WrongTokenIsFinalAndPrintsTheServersMessage) {
  ReceiverOptions ro;
  ro.bearer_token = "right";
  Local local(ro);
  Child send({"send", "--endpoint", local.endpoint(), "--spans", "100", "--headers", "authorization=Bearer wrong"});
  EXPECT_EQ(send.wait(20), 1) << send.err();
  const std::string line = last_line(send.out());
  EXPECT_EQ(number(line, "failed"), 100) << line;
  EXPECT_EQ(number(line, "requests"), 1) << line;
  EXPECT_NE(line.find("\"last_error\":\"HTTP 401 is not retryable: HTTP 401: missing or wrong bearer token\""),
            std::string::npos)
      << line;
  EXPECT_EQ(line.find("\\u00"), std::string::npos) << line;  // no escaped control bytes
}

// A server certificate the client does not trust fails each batch once, over either protocol.
TEST(SendCli, UntrustedCertificateIsFinal) {
  const auto& certs = testing::test_certs();
  ASSERT_EQ(certs.error, "");
  ReceiverOptions ro;
  ro.host = "127.0.0.1";
  ro.port = 0;
  ro.grpc_port = 0;
  ro.tls_cert_file = certs.server_cert;
  ro.tls_key_file = certs.server_key;
  Receiver receiver(ro, [](const TraceRequest&) {});
  std::string err;
  ASSERT_TRUE(receiver.start(&err)) << err;
  for (const bool grpc : {false, true}) {
    SCOPED_TRACE(grpc ? "grpc" : "http");
    const int port = grpc ? receiver.grpc_port() : receiver.port();
    Child send({"send", "--endpoint", "https://127.0.0.1:" + std::to_string(port), "--protocol",
                grpc ? "grpc" : "http/protobuf", "--ca", certs.other_ca, "--spans", "1000", "--batch", "500"});
    EXPECT_EQ(send.wait(20), 1) << send.err();
    const std::string line = last_line(send.out());
    EXPECT_EQ(number(line, "failed"), 1000) << line;
    EXPECT_EQ(number(line, "requests"), 2) << line;  // one per batch
    EXPECT_EQ(number(line, "retries"), 0) << line;
    EXPECT_NE(line.find("certificate failure is not retryable"), std::string::npos) << line;
  }
  EXPECT_EQ(receiver.stats().spans, 0u);
}

TEST(SendCli, BadFlagsAreUsageErrorsNamingTheFlag) {
  struct Case {
    std::vector<std::string> args;
    std::string names;
  };
  const std::vector<Case> cases = {
      {{"send", "--spans", "lots"}, "--spans"},
      {{"send", "--spans", "0"}, "--spans"},
      {{"send", "--protocol", "pigeon"}, "--protocol"},
      {{"send", "--compression", "brotli"}, "--compression"},
      {{"send", "--headers", "novalue"}, "--headers"},
      {{"send", "--timeout", "-1"}, "--timeout"},
      {{"send", "--workers", "0"}, "--workers"},
      {{"send", "--exports", "0"}, "--exports"},
      {{"send", "--exports", "65"}, "--exports"},
      {{"send", "--bogus"}, "--bogus"},
      {{"send", "--endpoint", "ftp://x"}, "endpoint"},
      {{"send", "--signal", "profiles"}, "--signal"},
      {{"send", "--signal", "logs", "--spans", "10"}, "--spans"},
      {{"send", "--spans", "10", "--count", "10"}, "--count"},
      {{"send", "--signal", "logs", "--count", "0"}, "--count"},
      {{"send", "--signal", "logs", "--endpoint", "ftp://x"}, "endpoint"},
  };
  for (const auto& c : cases) {
    Child send(c.args);
    EXPECT_EQ(send.wait(), 2) << c.names;
    EXPECT_NE(send.err().find(c.names), std::string::npos) << send.err();
    EXPECT_EQ(send.out(), "");
  }
  Child env_error({"send", "--spans", "1"}, {"OTEL_BSP_MAX_QUEUE_SIZE=lots"});
  EXPECT_EQ(env_error.wait(), 2);
  EXPECT_NE(env_error.err().find("OTEL_BSP_MAX_QUEUE_SIZE"), std::string::npos) << env_error.err();
}

// Log records through every protocol, each to the receiver's base URL (HTTP gets /v1/logs),
// counted as log records on the summary line and by the receiver.
TEST(SendCli, LogRecordsArriveOverEveryProtocol) {
  ReceiverOptions ro;
  ro.grpc_port = 0;
  Local local(ro);
  ASSERT_GT(local.receiver->grpc_port(), 0);
  std::uint64_t arrived = 0;
  for (const char* protocol : {"grpc", "http/protobuf", "http/json"}) {
    SCOPED_TRACE(protocol);
    const bool grpc = std::string(protocol) == "grpc";
    const int port = grpc ? local.receiver->grpc_port() : local.receiver->port();
    Child send({"send", "--signal", "logs", "--count", "1500", "--workers", "2", "--batch", "200", "--endpoint",
                "http://127.0.0.1:" + std::to_string(port), "--protocol", protocol});
    ASSERT_EQ(send.wait(), 0) << send.err() << send.out();
    const std::string line = last_line(send.out());
    EXPECT_NE(line.find("\"signal\":\"logs\""), std::string::npos) << line;
    EXPECT_EQ(number(line, "sent"), 1500) << line;
    EXPECT_EQ(number(line, "exported"), 1500) << line;
    EXPECT_EQ(number(line, "failed"), 0) << line;
    EXPECT_GE(number(line, "requests"), 8) << line;  // batches of at most 200
    EXPECT_GT(number(line, "log_records_per_s"), 0) << line;
    EXPECT_EQ(number(line, "spans_per_s"), -1) << line;
    arrived += 1500;
    EXPECT_EQ(local.receiver->stats().total_log_records(), arrived);
  }
  EXPECT_EQ(local.receiver->stats().total_spans(), 0u);
}

// The flags apply to the logs exporter: a full URL is used as given, headers and gzip are sent.
TEST(SendCli, LogsTakeTheHeadersCompressionAndFullUrl) {
  ReceiverOptions ro;
  ro.bearer_token = "secret";
  Local local(ro);
  Child send({"send", "--signal", "logs", "--count", "700", "--endpoint", local.endpoint() + "/v1/logs",
              "--compression", "gzip", "--headers", "authorization=Bearer secret", "--timeout", "5"});
  ASSERT_EQ(send.wait(), 0) << send.err() << send.out();
  EXPECT_EQ(number(last_line(send.out()), "exported"), 700);
  EXPECT_EQ(local.receiver->stats().log_records, 700u);
  EXPECT_EQ(local.receiver->stats().unauthorized, 0u);

  Child wrong({"send", "--signal", "logs", "--count", "100", "--endpoint", local.endpoint(), "--headers",
               "authorization=Bearer wrong"});
  EXPECT_EQ(wrong.wait(20), 1);
  const std::string line = last_line(wrong.out());
  EXPECT_EQ(number(line, "failed"), 100) << line;
  EXPECT_NE(line.find("HTTP 401"), std::string::npos) << line;
  EXPECT_EQ(local.receiver->stats().log_records, 700u);
}

// --ca, --cert and --key reach the logs exporter: over mTLS, both protocols deliver.
TEST(SendCli, LogsOverMutualTls) {
  const auto& certs = testing::test_certs();
  ASSERT_EQ(certs.error, "");
  ReceiverOptions ro;
  ro.host = "127.0.0.1";
  ro.port = 0;
  ro.grpc_port = 0;
  ro.tls_cert_file = certs.server_cert;
  ro.tls_key_file = certs.server_key;
  ro.client_ca_file = certs.ca;
  Receiver receiver(ro, [](const TraceRequest&) {});
  std::string err;
  ASSERT_TRUE(receiver.start(&err)) << err;
  std::uint64_t arrived = 0;
  for (const bool grpc : {false, true}) {
    SCOPED_TRACE(grpc ? "grpc" : "http");
    const int port = grpc ? receiver.grpc_port() : receiver.port();
    Child send({"send", "--signal", "logs", "--count", "600", "--endpoint", "https://127.0.0.1:" + std::to_string(port),
                "--protocol", grpc ? "grpc" : "http/protobuf", "--ca", certs.ca, "--cert", certs.client_cert, "--key",
                certs.client_key});
    EXPECT_EQ(send.wait(20), 0) << send.err() << send.out();
    EXPECT_EQ(number(last_line(send.out()), "exported"), 600) << send.out();
    arrived += 600;
    EXPECT_EQ(receiver.stats().total_log_records(), arrived);
  }
}

// Over JSON the count is the answer's "rejectedLogRecords", not "rejectedSpans": read as the
// traces' answer, the partial success would pass for a full one.
TEST(SendCli, RejectedLogRecordsMakeItFail) {
  for (const char* protocol : {"http/protobuf", "http/json"}) {
    SCOPED_TRACE(protocol);
    ReceiverOptions ro;
    ro.reject_first_items = 30;
    Local local(ro);
    Child send({"send", "--signal", "logs", "--count", "300", "--protocol", protocol, "--endpoint", local.endpoint()});
    EXPECT_EQ(send.wait(), 1);
    const std::string line = last_line(send.out());
    EXPECT_EQ(number(line, "rejected"), 30) << line;
    EXPECT_EQ(number(line, "exported"), 270) << line;
    EXPECT_EQ(local.receiver->stats().log_records, 270u);
  }
}

int count_lines(const std::string& text, const std::string& containing) {
  int n = 0;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l.find(containing) != std::string::npos) ++n;
  return n;
}

TEST(ReceiveCli, PrintsItsPortWritesJsonLinesAndStopsOnSigterm) {
  const std::string out = temp_path("spans.jsonl");
  std::remove(out.c_str());
  Child receive({"receive", "--http", "127.0.0.1:0", "--out", out});
  const int port = receive.listening_port();
  ASSERT_GT(port, 0) << receive.err();

  httplib::Client client("127.0.0.1", port);
  std::string body;
  encode_trace_request(workload::standard_request(3, 1), body);
  auto res = client.Post("/v1/traces", body, "application/x-protobuf");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  res = client.Post("/v1/traces", "not protobuf", "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 415);

  receive.signal(SIGTERM);
  EXPECT_EQ(receive.wait(30), 0) << receive.err();
  const std::string lines = slurp(out);
  EXPECT_EQ(count_lines(lines, "\"name\":\"GET /api/orders/{id}\""), 3) << lines;
  EXPECT_EQ(count_lines(lines, "checkout"), 3);
  EXPECT_NE(receive.err().find("stopped by SIGTERM after 2 requests (1 accepted), 3 spans"), std::string::npos)
      << receive.err();
  std::remove(out.c_str());
}

TEST(ReceiveCli, BadFlagsAreUsageErrors) {
  Child bad_address({"receive", "--http", "nowhere"});
  EXPECT_EQ(bad_address.wait(), 2);
  EXPECT_NE(bad_address.err().find("--http"), std::string::npos);
  Child bad_size({"receive", "--max-body-mib", "0"});
  EXPECT_EQ(bad_size.wait(), 2);
}

TEST(SendCli, ToOtlpReceiveEndToEnd) {
  const std::string out = temp_path("e2e.jsonl");
  std::remove(out.c_str());
  Child receive({"receive", "--http", "127.0.0.1:0", "--out", out});
  const int port = receive.listening_port();
  ASSERT_GT(port, 0) << receive.err();
  Child send({"send", "--endpoint", "http://127.0.0.1:" + std::to_string(port), "--spans", "1024", "--workers", "2"});
  EXPECT_EQ(send.wait(), 0) << send.err();
  EXPECT_EQ(number(last_line(send.out()), "exported"), 1024);
  receive.signal(SIGINT);
  EXPECT_EQ(receive.wait(30), 0);
  const std::string lines = slurp(out);
  EXPECT_EQ(count_lines(lines, "\"name\":\"GET /api/orders/{id}\""), 1024);
  EXPECT_EQ(count_lines(lines, "upstream timeout"), 102);  // indices 9, 19, ... 1019
  std::remove(out.c_str());
}

TEST(SendCli, LogsToOtlpReceiveEndToEnd) {
  const std::string out = temp_path("e2e-logs.jsonl");
  std::remove(out.c_str());
  Child receive({"receive", "--http", "127.0.0.1:0", "--out", out});
  const int port = receive.listening_port();
  ASSERT_GT(port, 0) << receive.err();
  Child send({"send", "--signal", "logs", "--endpoint", "http://127.0.0.1:" + std::to_string(port), "--count",
              "1024", "--workers", "2"});
  EXPECT_EQ(send.wait(), 0) << send.err();
  EXPECT_EQ(number(last_line(send.out()), "exported"), 1024);
  receive.signal(SIGINT);
  EXPECT_EQ(receive.wait(30), 0);
  const std::string lines = slurp(out);
  EXPECT_EQ(count_lines(lines, "\"signal\":\"logs\""), 1024);
  EXPECT_EQ(count_lines(lines, "GET /api/orders/12345 200 1.5ms"), 1024);
  EXPECT_EQ(count_lines(lines, "\"severityText\":\"ERROR\""), 102);  // indices 9, 19, ... 1019
  EXPECT_EQ(count_lines(lines, "\"severityText\":\"INFO\""), 922);
  std::remove(out.c_str());
}

// Metrics: 20,000 requests recorded by 2 workers, sent as the reader's last collection (103
// data points, cumulative), each line at the receiver a data point of the standard workload.
TEST(SendCli, MetricsToOtlpReceiveEndToEnd) {
  for (const std::string protocol : {"http/protobuf", "grpc"}) {
    const std::string out = temp_path("e2e-metrics.jsonl");
    std::remove(out.c_str());
    Child receive({"receive", protocol == "grpc" ? "--grpc" : "--http", "127.0.0.1:0", "--out", out});
    const int port = receive.listening_port(protocol == "grpc");
    ASSERT_GT(port, 0) << receive.err();
    Child send({"send", "--signal", "metrics", "--protocol", protocol, "--endpoint",
                "http://127.0.0.1:" + std::to_string(port), "--count", "20000", "--workers", "2"});
    EXPECT_EQ(send.wait(), 0) << send.err();
    const std::string summary = last_line(send.out());
    EXPECT_EQ(number(summary, "exported"), 103) << summary;
    EXPECT_EQ(number(summary, "requests_recorded"), 20000) << summary;
    receive.signal(SIGINT);
    EXPECT_EQ(receive.wait(30), 0);
    const std::string lines = slurp(out);
    EXPECT_EQ(count_lines(lines, "\"signal\":\"metrics\""), 103) << protocol;
    EXPECT_EQ(count_lines(lines, "\"name\":\"http.server.request.count\""), 50);
    EXPECT_EQ(count_lines(lines, "\"asInt\":\"400\""), 50);  // 20,000 requests over 50 series
    EXPECT_EQ(count_lines(lines, "\"name\":\"process.memory.usage\""), 1);
    std::remove(out.c_str());
  }
}

}  // namespace
}  // namespace otlp::native

namespace otlp::native {
namespace {

// Every span row, then the log records' rows (gRPC, HTTP/protobuf) under their own header.
TEST(DemoCli, EveryTransportOfTheBuildDeliversEverySpanAndLogRecord) {
  Child demo({"demo", "--spans", "1024"});
  ASSERT_EQ(demo.wait(), 0) << demo.err() << demo.out();
  const std::string out = demo.out();
  const auto logs_at = out.find("\nlog records ");
  ASSERT_NE(logs_at, std::string::npos) << out;
  // The rows of one table: the lines after its header, up to the next blank line.
  const auto rows = [](const std::string& table) {
    std::vector<std::string> lines;
    std::istringstream in(table);
    std::string l;
    std::getline(in, l);  // the header
    while (std::getline(in, l) && !l.empty()) lines.push_back(l);
    return lines;
  };
  const auto spans_at = out.find("\nspans ");
  ASSERT_NE(spans_at, std::string::npos) << out;
  const std::vector<std::string> span_rows = rows(out.substr(spans_at + 1, logs_at - spans_at));
  const std::vector<std::string> log_rows = rows(out.substr(logs_at + 1));
  EXPECT_EQ(span_rows.size(), 5u) << out;
  ASSERT_EQ(log_rows.size(), 2u) << out;
  EXPECT_EQ(log_rows[0].rfind("gRPC ", 0), 0u) << out;
  EXPECT_EQ(log_rows[1].rfind("HTTP/protobuf ", 0), 0u) << out;
  for (const char* label : {"HTTP/protobuf ", "HTTP/protobuf+gzip ", "HTTP/JSON "}) {
    const auto row = std::find_if(span_rows.begin(), span_rows.end(), [&](const std::string& l) { return l.rfind(label, 0) == 0; });
    ASSERT_NE(row, span_rows.end()) << label << " missing in\n" << out;
    EXPECT_NE(row->find("yes (1024/1024)"), std::string::npos) << *row;
  }
  EXPECT_NE(log_rows[1].find("yes (1024/1024)"), std::string::npos) << log_rows[1];
  EXPECT_NE(out.find("records/s"), std::string::npos) << out;
  // Rows a build cannot run say why instead of failing the demo.
  EXPECT_EQ(count_lines(out, "NO ("), 0) << out;
}

TEST(DemoCli, BadFlagsAreUsageErrors) {
  Child demo({"demo", "--spans", "none"});
  EXPECT_EQ(demo.wait(), 2);
  EXPECT_NE(demo.err().find("--spans"), std::string::npos);
}

}  // namespace
}  // namespace otlp::native
