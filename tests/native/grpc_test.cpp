// OTLP/gRPC end to end: tracer → pipeline → worker → GrpcTransport (grpc++ generic stub) → the
// project's receiver (gRPC listener) on loopback; plus raw gRPC calls that try to break the
// receiver. Plaintext here; TLS and mTLS are in tls_test.cpp.
#include <arpa/inet.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <thread>

#include "exporter_rig.hpp"
#include "grpc_transport.hpp"
#include "raw_grpc.hpp"
#include "otlp/wire/proto_reader.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/wire/rpc_status.hpp"
#include "otlp/workload/workload.hpp"

namespace otlp::native {
namespace {

using rig::kSec;
using GrpcExporter = rig::Exporter<GrpcTransport>;

GrpcOptions plaintext(const std::string& endpoint, std::uint64_t timeout_ms = 5000) {
  GrpcOptions o;
  o.endpoint = endpoint;
  o.timeout_ms = timeout_ms;
  return o;
}

std::string request_bytes(std::uint64_t spans) {
  std::string out;
  encode_trace_request(workload::standard_request(spans, 7), out);
  return out;
}

TEST(GrpcExporter, SpansArriveExactlyFieldByField) {
  rig::Receiving r({});
  ASSERT_TRUE(r.ok()) << r.error();
  GrpcExporter e(plaintext(r.grpc_url()), rig::fast());
  ASSERT_EQ(e.transport.setup_error(), "");
  e.spans(1000);
  ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);

  const auto spans = r.spans();
  ASSERT_EQ(spans.size(), 1000u);
  std::set<std::int64_t> seen;
  std::set<std::string> span_ids;
  for (const SpanData& s : spans) {
    EXPECT_EQ(s.name, "GET /");
    EXPECT_EQ(s.kind, SpanKind::server);
    EXPECT_TRUE(s.trace_id.valid());
    EXPECT_FALSE(s.parent_span_id.valid());
    EXPECT_LE(s.start_time_unix_nano, s.end_time_unix_nano);
    ASSERT_EQ(s.attributes.size(), 1u);
    EXPECT_EQ(s.attributes[0].key, "i");
    ASSERT_EQ(s.attributes[0].value.kind, AnyValue::Kind::int64);
    seen.insert(s.attributes[0].value.int_value);
    span_ids.insert(s.span_id.to_hex());
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(*seen.begin(), 0);
  EXPECT_EQ(*seen.rbegin(), 999);
  EXPECT_EQ(span_ids.size(), 1000u);
  for (const auto& scope : r.scopes()) EXPECT_EQ(scope, "rig-scope");

  const auto s = e.pipeline.stats();
  EXPECT_EQ(s.exported, 1000u);
  EXPECT_EQ(s.failed, 0u);
  EXPECT_TRUE(e.balanced());
  const auto rs = r.receiver().stats();
  EXPECT_EQ(rs.grpc.spans, 1000u);
  EXPECT_EQ(rs.grpc.accepted_requests, s.requests);
  EXPECT_EQ(rs.grpc.errors(), 0u);
  EXPECT_GT(rs.grpc.bytes, 1000u * 20);
  EXPECT_EQ(rs.requests, 0u);  // the HTTP counters stay HTTP's
  EXPECT_EQ(rs.total_spans(), 1000u);
}

TEST(GrpcExporter, GzipAndBearerTokenMetadata) {
  ReceiverOptions o;
  o.bearer_token = "s3cret";
  rig::Receiving r(o);
  ASSERT_TRUE(r.ok()) << r.error();
  // Mixed-case header names are lowercased for gRPC metadata.
  GrpcExporter e(plaintext(r.grpc_url()), rig::fast(), {{{"Authorization", "Bearer s3cret"}}, Compression::gzip});
  e.spans(250);
  ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
  EXPECT_EQ(r.spans().size(), 250u);
  EXPECT_EQ(e.pipeline.stats().exported, 250u);
  EXPECT_EQ(r.receiver().stats().grpc.unauthenticated, 0u);
}

// A TCP forwarder on loopback that counts the bytes going client -> server, so a test can see
// what went over the wire (gRPC does not show the server the grpc-encoding header).
class CountingProxy {
 public:
  explicit CountingProxy(int target_port) : target_port_(target_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = loopback(0);
    socklen_t len = sizeof addr;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener_, 4) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      return;
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~CountingProxy() {
    stop_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    ::close(listener_);
  }
  int port() const { return port_; }
  std::uint64_t upstream_bytes() const { return upstream_; }

 private:
  static sockaddr_in loopback(int port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
  }
  // One connection at a time, both directions pumped with poll() until either side closes.
  void serve() {
    while (!stop_) {
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) return;
      const int server = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr = loopback(target_port_);
      if (::connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        char buf[65536];
        for (bool open = true; open && !stop_;) {
          pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
          if (::poll(fds, 2, 50) <= 0) continue;
          for (int i = 0; i < 2 && open; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const ssize_t n = ::recv(fds[i].fd, buf, sizeof buf, 0);
            if (n <= 0 || ::send(fds[1 - i].fd, buf, static_cast<std::size_t>(n), MSG_NOSIGNAL) != n) {
              open = false;
            } else if (i == 0) {
              upstream_ += static_cast<std::uint64_t>(n);
            }
          }
        }
      }
      ::close(server);
      ::close(client);
    }
  }

  int target_port_;
  int listener_ = -1;
  int port_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> upstream_{0};
  std::thread thread_;
};

TEST(GrpcExporter, GzipReallyCompressesOnTheWire) {
  rig::Receiving r({});
  ASSERT_TRUE(r.ok()) << r.error();
  std::uint64_t bytes[2] = {};
  for (int gzip = 0; gzip < 2; ++gzip) {
    CountingProxy proxy(r.receiver().grpc_port());
    ASSERT_GT(proxy.port(), 0);
    GrpcExporter e(plaintext("http://127.0.0.1:" + std::to_string(proxy.port())), rig::fast(),
                   {{}, gzip ? Compression::gzip : Compression::none});
    e.spans(1000);
    ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
    EXPECT_EQ(e.pipeline.stats().exported, 1000u) << e.pipeline.stats().last_error;
    bytes[gzip] = proxy.upstream_bytes();
  }
  EXPECT_EQ(r.spans().size(), 2000u);
  EXPECT_GT(bytes[0], 1000u * 40);          // the plain requests went through the proxy
  // Random trace and span ids (24 bytes a span) do not compress; the rest does: ~0.53 measured.
  EXPECT_LT(bytes[1] * 4, bytes[0] * 3) << "gzip " << bytes[1] << " vs plain " << bytes[0];
}

TEST(GrpcExporter, WrongTokenIsUnauthenticatedAndNotRetried) {
  ReceiverOptions o;
  o.bearer_token = "s3cret";
  rig::Receiving r(o);
  ASSERT_TRUE(r.ok()) << r.error();
  GrpcExporter e(plaintext(r.grpc_url()), rig::fast(), {{{"authorization", "Bearer nope"}}});
  e.spans(10);
  ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
  const auto s = e.pipeline.stats();
  EXPECT_EQ(s.failed, 10u);
  EXPECT_EQ(s.requests, 1u);
  EXPECT_NE(s.last_error.find("UNAUTHENTICATED"), std::string::npos) << s.last_error;
  EXPECT_TRUE(e.balanced());
  EXPECT_EQ(r.receiver().stats().grpc.unauthenticated, 1u);
  EXPECT_TRUE(r.spans().empty());
}

TEST(GrpcExporter, RetryInfoDelayIsHonouredThenEverythingArrives) {
  ReceiverOptions o;
  // UNAVAILABLE and RESOURCE_EXHAUSTED, each with RetryInfo 1 s (backoff alone would be 0.1 s).
  o.script = {{503, "", 14, 1000}, {503, "", 8, 1000}};
  rig::Receiving r(o);
  ASSERT_TRUE(r.ok()) << r.error();
  GrpcExporter e(plaintext(r.grpc_url()), rig::fast());
  const auto t0 = std::chrono::steady_clock::now();
  e.spans(100);
  ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(seconds, 1.9);  // two 1-second RetryInfo waits
  EXPECT_EQ(r.spans().size(), 100u);
  const auto s = e.pipeline.stats();
  EXPECT_EQ(s.retries, 2u);
  EXPECT_EQ(s.exported, 100u);
  EXPECT_EQ(r.receiver().stats().grpc.scripted, 2u);
}

TEST(GrpcExporter, PermissionDeniedIsFinal) {
  ReceiverOptions o;
  o.script = {{403, "", 7}};
  rig::Receiving r(o);
  ASSERT_TRUE(r.ok()) << r.error();
  GrpcExporter e(plaintext(r.grpc_url()), rig::fast());
  e.spans(10);
  ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
  const auto s = e.pipeline.stats();
  EXPECT_EQ(s.failed, 10u);
  EXPECT_EQ(s.requests, 1u);
  EXPECT_NE(s.last_error.find("gRPC PERMISSION_DENIED is not retryable"), std::string::npos) << s.last_error;
}

TEST(GrpcExporter, ResourceExhaustedWithoutRetryInfoIsFinal) {
  ReceiverOptions o;
  o.script = {{503, "", 8, std::nullopt}};
  rig::Receiving r(o);
  ASSERT_TRUE(r.ok()) << r.error();
  GrpcExporter e(plaintext(r.grpc_url()), rig::fast());
  e.spans(10);
  ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
  const auto s = e.pipeline.stats();
  EXPECT_EQ(s.failed, 10u);
  EXPECT_EQ(s.requests, 1u);
  EXPECT_NE(s.last_error.find("RESOURCE_EXHAUSTED"), std::string::npos) << s.last_error;
}

TEST(GrpcExporter, PartialSuccessIsReported) {
  ReceiverOptions o;
  o.reject_first_items = 3;
  rig::Receiving r(o);
  ASSERT_TRUE(r.ok()) << r.error();
  GrpcExporter e(plaintext(r.grpc_url()), rig::fast());
  e.spans(100);
  ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
  const auto s = e.pipeline.stats();
  EXPECT_EQ(s.rejected, 3u);
  EXPECT_EQ(s.exported, 97u);
  EXPECT_EQ(s.retries, 0u);
  EXPECT_NE(s.last_error.find("test hook"), std::string::npos) << s.last_error;
  EXPECT_TRUE(e.balanced());
  EXPECT_EQ(r.spans().size(), 97u);
  EXPECT_EQ(r.receiver().stats().grpc.rejected_spans, 3u);
}

TEST(GrpcExporter, DeadlineFromTimeoutThenRetry) {
  // The first request is held by the receiver's callback past the attempt's 300 ms deadline.
  std::atomic<int> calls{0};
  ReceiverOptions o;
  o.grpc_port = 0;
  o.port = -1;
  Receiver receiver(o, [&](const TraceRequest&) {
    if (calls++ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  });
  std::string err;
  ASSERT_TRUE(receiver.start(&err)) << err;
  GrpcExporter e(plaintext("http://127.0.0.1:" + std::to_string(receiver.grpc_port()), 300), rig::fast());
  e.spans(10);
  ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
  const auto s = e.pipeline.stats();
  EXPECT_EQ(s.exported, 10u);
  EXPECT_GE(s.retries, 1u);
  EXPECT_GE(calls.load(), 2);
  receiver.stop();
}

TEST(GrpcExporter, ReceiverRestartedMidRunEverySpanArrives) {
  std::atomic<std::uint64_t> arrived{0};
  auto count = [&](const TraceRequest& r) {
    for (const auto& rs : r.resource_spans)
      for (const auto& ss : rs.scope_spans) arrived += ss.spans.size();
  };
  ReceiverOptions o;
  o.port = -1;
  o.grpc_port = 0;
  auto first = std::make_unique<Receiver>(o, count);
  std::string err;
  ASSERT_TRUE(first->start(&err)) << err;
  o.grpc_port = first->grpc_port();
  auto c = rig::fast();
  c.retry.max_attempts = 20;
  GrpcExporter e(plaintext("http://127.0.0.1:" + std::to_string(o.grpc_port)), c);
  e.spans(300);
  ASSERT_EQ(e.worker.flush(10 * kSec), FlushState::done);
  first.reset();  // stops
  e.spans(300);
  // Bounded wait while nobody listens, so at least one attempt fails.
  for (int i = 0; i < 200 && e.pipeline.stats().retries == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  Receiver second(o, count);
  ASSERT_TRUE(second.start(&err)) << err;
  ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
  const auto s = e.pipeline.stats();
  EXPECT_GE(s.retries, 1u);
  EXPECT_EQ(s.exported, 600u) << s.last_error;
  EXPECT_EQ(arrived.load(), 600u);
  EXPECT_TRUE(e.balanced());
}

TEST(GrpcExporter, UnreachableServerFailsAfterRetriesAndSaysWhy) {
  int port;
  {
    rig::Receiving gone({});  // take a free port, then close it
    ASSERT_TRUE(gone.ok()) << gone.error();
    port = gone.receiver().grpc_port();
  }
  auto c = rig::fast();
  c.retry.max_attempts = 2;
  GrpcExporter e(plaintext("http://127.0.0.1:" + std::to_string(port)), c);
  e.spans(10);
  ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
  const auto s = e.pipeline.stats();
  EXPECT_EQ(s.failed, 10u);
  EXPECT_EQ(s.requests, 2u);
  EXPECT_NE(s.last_error.find("UNAVAILABLE"), std::string::npos) << s.last_error;
  EXPECT_TRUE(e.balanced());
}

TEST(GrpcExporter, MetadataGrpcCannotSendFailsTheExportInsteadOfAborting) {
  rig::Receiving r({});
  ASSERT_TRUE(r.ok()) << r.error();
  for (const auto& header : std::vector<std::pair<std::string, std::string>>{{"bad name", "x"}, {"x-ok", "line\nbreak"}}) {
    GrpcExporter e(plaintext(r.grpc_url()), rig::fast(), {{header}});
    e.spans(5);
    ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
    const auto s = e.pipeline.stats();
    EXPECT_EQ(s.failed, 5u);
    EXPECT_EQ(s.requests, 1u);
    EXPECT_NE(s.last_error.find("metadata"), std::string::npos) << s.last_error;
  }
  EXPECT_EQ(r.receiver().stats().grpc.requests, 0u);
}

TEST(GrpcExporter, UnreadableCaFileIsASetupErrorAndEveryExportFails) {
  GrpcOptions o = plaintext("https://127.0.0.1:1");
  o.ca_file = "/nonexistent/ca.pem";
  GrpcExporter e(o, rig::fast());
  EXPECT_NE(e.transport.setup_error().find("/nonexistent/ca.pem"), std::string::npos);
  e.spans(5);
  ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
  const auto s = e.pipeline.stats();
  EXPECT_EQ(s.failed, 5u);
  EXPECT_EQ(s.requests, 1u);  // FAILED_PRECONDITION: not retried
  EXPECT_NE(s.last_error.find("/nonexistent/ca.pem"), std::string::npos) << s.last_error;

  GrpcOptions half = plaintext("https://127.0.0.1:1");
  half.client_certificate = "/some/cert.pem";
  EXPECT_NE(GrpcTransport(half).setup_error().find("both"), std::string::npos);
}

TEST(GrpcReceiver, SurvivesMalformedMessagesAndKeepsServing) {
  ReceiverOptions o;
  o.max_body_bytes = 1 << 20;
  rig::Receiving r(o);
  ASSERT_TRUE(r.ok()) << r.error();
  const int port = r.receiver().grpc_port();

  const std::string good = request_bytes(10);
  // Not protobuf at all; a request cut short; a length running past the end.
  for (const std::string& bad : {std::string("\xff\xff\xff\xff garbage", 13), good.substr(0, good.size() / 2),
                                 std::string("\x0a\x7f\x0a", 3)}) {
    const RawReply reply = raw_call(port, bad);
    EXPECT_EQ(reply.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(reply.status.error_message().find("malformed protobuf request"), std::string::npos)
        << reply.status.error_message();
  }
  // Another method.
  EXPECT_EQ(raw_call(port, good, "/opentelemetry.proto.collector.trace.v1.TraceService/Import").status.error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  // Over the size limit, plain, and as a gzip bomb (16 MiB of zeros, a few KiB on the wire).
  EXPECT_EQ(raw_call(port, std::string(2 << 20, 'x')).status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(raw_call(port, std::string(16 << 20, '\0'), kGrpcExportMethod, true).status.error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  // Bytes that are not HTTP/2 at all, straight to the socket.
  for (const std::string& junk : {std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
                                  std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\xff\xff\xff\xff\xff\xff\xff\xff\xff", 33)}) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL), static_cast<ssize_t>(junk.size()));
    ::close(fd);
  }

  // Still serving, and the good request is answered with an empty ExportTraceServiceResponse.
  const RawReply ok = raw_call(port, good, kGrpcExportMethod, true);
  EXPECT_TRUE(ok.status.ok()) << ok.status.error_message();
  EXPECT_EQ(ok.body, "");
  EXPECT_EQ(r.spans().size(), 10u);
  const auto s = r.receiver().stats().grpc;
  EXPECT_EQ(s.invalid_argument, 3u);
  EXPECT_EQ(s.unimplemented, 1u);
  EXPECT_EQ(s.unread, 2u);  // the oversized two: gRPC answered RESOURCE_EXHAUSTED itself
  EXPECT_EQ(s.accepted_requests, 1u);
  EXPECT_EQ(s.spans, 10u);
  EXPECT_EQ(s.bytes, good.size() + 13 + good.size() / 2 + 3);
}

TEST(GrpcReceiver, ScriptedStatusCarriesRetryInfoInTheTrailer) {
  ReceiverOptions o;
  o.script = {{503, "", 14, 2500}};
  rig::Receiving r(o);
  ASSERT_TRUE(r.ok()) << r.error();
  const RawReply reply = raw_call(r.receiver().grpc_port(), request_bytes(1));
  EXPECT_EQ(reply.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  RpcStatus details;
  ASSERT_TRUE(decode_rpc_status(reply.status.error_details(), details).ok());
  EXPECT_EQ(details.code, 14);
  EXPECT_EQ(details.retry_delay_ns, std::optional<std::uint64_t>(2'500'000'000));
}

TEST(GrpcReceiver, PartialSuccessInTheResponseBody) {
  ReceiverOptions o;
  o.reject_first_items = 4;
  rig::Receiving r(o);
  ASSERT_TRUE(r.ok()) << r.error();
  const RawReply reply = raw_call(r.receiver().grpc_port(), request_bytes(10));
  ASSERT_TRUE(reply.status.ok());
  std::optional<PartialSuccess> partial;
  ASSERT_TRUE(decode_trace_response(reply.body, partial).ok());
  ASSERT_TRUE(partial.has_value());
  EXPECT_EQ(partial->rejected_spans, 4);
  EXPECT_EQ(r.spans().size(), 6u);
}

TEST(GrpcReceiver, TakenPortIsAnError) {
  rig::Receiving first({});
  ASSERT_TRUE(first.ok()) << first.error();
  ReceiverOptions o;
  o.port = -1;
  o.grpc_port = first.receiver().grpc_port();
  Receiver second(o);
  std::string err;
  EXPECT_FALSE(second.start(&err));
  EXPECT_NE(err.find(std::to_string(o.grpc_port)), std::string::npos) << err;
  EXPECT_EQ(second.grpc_port(), -1);
}

TEST(GrpcReceiver, BothListenersTogether) {
  rig::Receiving r({}, true, true);
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_GT(r.receiver().port(), 0);
  EXPECT_GT(r.receiver().grpc_port(), 0);
  EXPECT_TRUE(raw_call(r.receiver().grpc_port(), request_bytes(3)).status.ok());
  EXPECT_EQ(r.receiver().stats().grpc.spans, 3u);
  EXPECT_EQ(r.receiver().stats().spans, 0u);
}

}  // namespace
}  // namespace otlp::native
