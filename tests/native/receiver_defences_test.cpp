// The receiver under attack: slow and silent HTTP connections by the thousand, requests that
// trickle in a byte at a time, header floods, too many connections, every form of Authorization
// over both transports, and a gRPC call whose message never comes. Each is bounded in time and
// memory while valid requests are still answered.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "grpc_transport.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/workload/workload.hpp"
#include "raw_http.hpp"
#include "receiver.hpp"

namespace otlp::native {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using raw_http::Connection;

std::string proto_body(std::uint64_t spans) {
  std::string out;
  encode_trace_request(workload::standard_request(spans, 5), out);
  return out;
}

long long ms_since(Clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - t).count();
}

// A POST /v1/traces with a protobuf body, by hand.
std::string raw_post(const std::string& body, const std::string& extra_headers = "") {
  return "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body;
}

std::unique_ptr<Receiver> start_receiver(ReceiverOptions o, bool grpc = false) {
  o.host = "127.0.0.1";
  o.port = 0;
  o.grpc_host = "127.0.0.1";
  o.grpc_port = grpc ? 0 : -1;
  auto r = std::make_unique<Receiver>(std::move(o));
  std::string err;
  EXPECT_TRUE(r->start(&err)) << err;
  return r;
}

TEST(ReceiverDefences, AThousandSlowConnectionsDoNotDelayValidRequests) {
  constexpr int kSlow = 1000;
  // Each slow connection is two descriptors here (client and server end).
  ASSERT_GE(raw_http::raise_open_files_limit(), 2u * kSlow + 200) << "this test needs more open files";
  ReceiverOptions o;  // deadlines well past the test's length: the slow are held, not cut
  o.header_timeout_ms = o.request_timeout_ms = o.idle_timeout_ms = 120'000;
  auto receiver = start_receiver(o);
  const int port = receiver->port();

  // A third silent, a third sending a header a byte at a time, a third a body a byte at a time.
  std::vector<Connection> silent, trickling;
  for (int i = 0; i < kSlow; ++i) {
    Connection c(port);
    ASSERT_TRUE(c.ok()) << i;
    if (i % 3 == 0) {
      silent.push_back(std::move(c));
      continue;
    }
    ASSERT_TRUE(c.send(i % 3 == 1 ? std::string("POST /v1/traces HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                                  : raw_post(std::string(1'000'000, 'x')).substr(0, 120)));
    trickling.push_back(std::move(c));
  }
  std::atomic<bool> done{false};
  std::thread trickler([&] {
    while (!done) {
      for (Connection& c : trickling) c.send("a");
      std::this_thread::sleep_for(milliseconds(20));  // the pace of the attack, not a synchronisation
    }
  });

  const std::string body = proto_body(10);
  std::vector<long long> latency_us;
  for (int i = 0; i < 100; ++i) {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(5, 0);
    client.set_read_timeout(5, 0);
    const auto t0 = Clock::now();
    auto res = client.Post("/v1/traces", body, "application/x-protobuf");
    latency_us.push_back(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count());
    if (!res || res->status != 200) {
      done = true;
      trickler.join();
      FAIL() << "request " << i << " failed: " << (res ? std::to_string(res->status) : httplib::to_string(res.error()));
    }
  }
  done = true;
  trickler.join();
  std::sort(latency_us.begin(), latency_us.end());
  std::printf("100 valid requests beside %d slow connections: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", kSlow,
              latency_us[49] / 1000.0, latency_us[98] / 1000.0, latency_us[99] / 1000.0);
  EXPECT_LT(latency_us[99], 2'000'000);

  // All of them were held open at once, and still are: none was refused or cut.
  for (Connection& c : silent) EXPECT_FALSE(c.closed_within(milliseconds(0)));
  for (Connection& c : trickling) EXPECT_FALSE(c.closed_within(milliseconds(0)));
  const ReceiverStats s = receiver->stats();
  EXPECT_EQ(s.accepted_requests, 100u);
  EXPECT_EQ(s.refused_connections, 0u);
  EXPECT_EQ(s.timed_out, 0u);
}

// A client that keeps sending, a byte every 20 ms, is cut by the deadline counted from its first
// byte, which the bytes do not extend.
struct TrickleCase {
  const char* name;
  const char* what;
  int header_timeout_ms, request_timeout_ms;
  std::string sent_at_once;  // then "a" after "a"
  int deadline_ms;           // the one that should cut it
};

class TrickleTest : public ::testing::TestWithParam<TrickleCase> {};

TEST_P(TrickleTest, IsCutByTheDeadlineAlthoughItKeepsSending) {
  const TrickleCase& c = GetParam();
  ReceiverOptions o;
  o.header_timeout_ms = c.header_timeout_ms;
  o.request_timeout_ms = c.request_timeout_ms;
  auto receiver = start_receiver(o);
  Connection conn(receiver->port());
  ASSERT_TRUE(conn.ok());
  const auto t0 = Clock::now();
  ASSERT_TRUE(conn.send(c.sent_at_once));
  int trickled = 0;
  bool cut = false;
  while (!cut && ms_since(t0) < 5000) {
    cut = !conn.send("a") || conn.closed_within(milliseconds(20));
    if (!cut) ++trickled;
  }
  const long long elapsed = ms_since(t0);
  ASSERT_TRUE(cut) << c.what << ": still open after " << elapsed << " ms and " << trickled << " bytes";
  EXPECT_GE(elapsed, c.deadline_ms * 9 / 10) << c.what;
  EXPECT_LT(elapsed, c.deadline_ms + 2000) << c.what;
  EXPECT_GE(trickled, c.deadline_ms / 40) << c.what;  // it did keep sending
  // The server counts the cut just after making it.
  while (receiver->stats().timed_out == 0 && ms_since(t0) < 10'000) std::this_thread::yield();
  EXPECT_EQ(receiver->stats().timed_out, 1u) << c.what;
}

INSTANTIATE_TEST_SUITE_P(
    ReceiverDefences, TrickleTest,
    ::testing::Values(
        TrickleCase{"HeaderByRequestDeadline", "header trickling, whole-request deadline", 10'000, 500,
                    "POST /v1/traces HTTP/1.1\r\nHost: x\r\nX-Slow: ", 500},
        TrickleCase{"HeaderByHeaderDeadline", "header trickling, header deadline", 400, 10'000,
                    "POST /v1/traces HTTP/1.1\r\nHost: x\r\nX-Slow: ", 400},
        TrickleCase{"BodyByRequestDeadline", "body trickling, whole-request deadline", 10'000, 500,
                    raw_post(std::string(100'000, 'x')).substr(0, 110), 500}),
    [](const ::testing::TestParamInfo<TrickleCase>& info) { return std::string(info.param.name); });

void PrintTo(const TrickleCase& c, std::ostream* os) { *os << c.what; }

TEST(ReceiverDefences, IdleConnectionsAreClosedNewOrKeptAlive) {
  ReceiverOptions o;
  o.idle_timeout_ms = 300;
  auto receiver = start_receiver(o);
  Connection fresh(receiver->port());
  Connection kept(receiver->port());
  ASSERT_TRUE(fresh.ok() && kept.ok());
  const auto t0 = Clock::now();
  ASSERT_TRUE(kept.send(raw_post("")));
  EXPECT_NE(kept.read_until("\r\n\r\n", milliseconds(5000)).find("HTTP/1.1 200"), std::string::npos);
  const auto t1 = Clock::now();
  EXPECT_TRUE(fresh.closed_within(milliseconds(5000)));
  EXPECT_GE(ms_since(t0), 270);
  EXPECT_TRUE(kept.closed_within(milliseconds(5000)));
  EXPECT_GE(ms_since(t1), 270);
  EXPECT_EQ(receiver->stats().timed_out, 0u);  // idle is not an offence
}

TEST(ReceiverDefences, TooManyOrTooLargeHeadersAre431AndTheConnectionCloses) {
  ReceiverOptions o;
  o.max_header_count = 20;
  o.max_header_bytes = 4096;
  auto receiver = start_receiver(o);
  const int port = receiver->port();
  auto headers = [](int n) {
    std::string h;
    for (int i = 0; i < n; ++i) h += "X-N" + std::to_string(i) + ": 1\r\n";
    return h;
  };
  // raw_post sends three fields of its own: 20 in all pass, 21 do not.
  {
    Connection c(port);
    ASSERT_TRUE(c.send(raw_post("", headers(17))));
    EXPECT_NE(c.read_until("\r\n\r\n", milliseconds(5000)).find("HTTP/1.1 200"), std::string::npos);
  }
  for (const std::string& extra : {headers(18), "X-Big: " + std::string(5000, 'b') + "\r\n"}) {
    Connection c(port);
    ASSERT_TRUE(c.send(raw_post("", extra)));
    const std::string answer = c.read_until("\r\n\r\n", milliseconds(5000));
    EXPECT_EQ(answer.rfind("HTTP/1.1 431", 0), 0u) << answer;
    EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
    EXPECT_TRUE(c.closed_within(milliseconds(5000)));
  }
  // A flood: 8 MiB of one header that never ends is refused once 4 KiB are in, not stored.
  {
    Connection c(port);
    ASSERT_TRUE(c.send("POST /v1/traces HTTP/1.1\r\nX-Flood: "));
    const std::string mib(1 << 20, 'f');
    for (int i = 0; i < 8 && c.send(mib); ++i) {
    }
    EXPECT_EQ(c.read_until("\r\n\r\n", milliseconds(5000)).rfind("HTTP/1.1 431", 0), 0u);
    EXPECT_TRUE(c.closed_within(milliseconds(5000)));
  }
  EXPECT_EQ(receiver->stats().header_too_large, 3u);
  EXPECT_EQ(receiver->stats().requests, 1u);  // the refused never reached the OTLP handling
  httplib::Client client("127.0.0.1", port);
  auto res = client.Post("/v1/traces", proto_body(2), "application/x-protobuf");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST(ReceiverDefences, ConnectionsOverTheLimitAreClosedAtOnce) {
  ReceiverOptions o;
  o.max_connections = 4;
  auto receiver = start_receiver(o);
  const int port = receiver->port();
  std::vector<Connection> held;
  for (int i = 0; i < 4; ++i) held.emplace_back(port);
  Connection over(port);
  ASSERT_TRUE(over.ok());
  EXPECT_TRUE(over.closed_within(milliseconds(5000)));
  EXPECT_EQ(receiver->stats().refused_connections, 1u);
  // Room again once one goes; the server sees it go on its own time, so try until it has.
  held.pop_back();
  const auto t0 = Clock::now();
  bool served = false;
  while (!served && ms_since(t0) < 5000) {
    Connection c(port);
    served = c.send(raw_post("")) && c.read_until("\r\n\r\n", milliseconds(1000)).rfind("HTTP/1.1 200", 0) == 0;
  }
  EXPECT_TRUE(served);
}

TEST(ReceiverDefences, ExpectContinueAndEarlyAnswers) {
  ReceiverOptions o;
  o.bearer_token = "s3cret";
  o.max_body_bytes = 1000;
  auto receiver = start_receiver(o);
  const int port = receiver->port();
  const std::string body = proto_body(1);
  ASSERT_LT(body.size(), 1000u);
  {  // 100 Continue, then the body, then the answer.
    Connection c(port);
    const std::string request = raw_post(body, "Authorization: Bearer s3cret\r\nExpect: 100-continue\r\n");
    ASSERT_TRUE(c.send(request.substr(0, request.size() - body.size())));
    EXPECT_EQ(c.read_until("\r\n\r\n", milliseconds(5000)), "HTTP/1.1 100 Continue\r\n\r\n");
    ASSERT_TRUE(c.send(body));
    EXPECT_EQ(c.read_until("\r\n\r\n", milliseconds(5000)).rfind("HTTP/1.1 200", 0), 0u);
  }
  {  // Refused on its headers: no 100 Continue, the answer at once, and the connection closes.
    Connection c(port);
    const std::string request = raw_post(body, "Authorization: Bearer nope\r\nExpect: 100-continue\r\n");
    ASSERT_TRUE(c.send(request.substr(0, request.size() - body.size())));
    EXPECT_EQ(c.read_until("\r\n\r\n", milliseconds(5000)).rfind("HTTP/1.1 401", 0), 0u);
    EXPECT_TRUE(c.closed_within(milliseconds(5000)));
  }
  {  // Refused on its headers with the body sent along: the body is read and dropped, the
     // connection kept; pipelined requests are answered in order.
    Connection c(port);
    ASSERT_TRUE(c.send(raw_post(body, "Authorization: Bearer nope\r\n") +
                       raw_post(body, "Authorization: Bearer s3cret\r\n")));
    const std::string answers = c.read_until("HTTP/1.1 200", milliseconds(5000));
    EXPECT_EQ(answers.rfind("HTTP/1.1 401", 0), 0u) << answers;
    EXPECT_NE(answers.find("HTTP/1.1 200"), std::string::npos) << answers;
    EXPECT_FALSE(c.closed_within(milliseconds(0)));
  }
  {  // A body over the limit leaves the rest unread: 413, and the connection closes.
    Connection c(port);
    ASSERT_TRUE(c.send(raw_post(std::string(5000, 'x'), "Authorization: Bearer s3cret\r\n")));
    const std::string answer = c.read_until("\r\n\r\n", milliseconds(5000));
    EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
    EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
    EXPECT_TRUE(c.closed_within(milliseconds(5000)));
  }
  const ReceiverStats s = receiver->stats();
  EXPECT_EQ(s.accepted_requests, 2u);
  EXPECT_EQ(s.unauthorized, 2u);
  EXPECT_EQ(s.too_large, 1u);
}

// One unary gRPC call carrying `authorization` (when set); its status code.
grpc::StatusCode grpc_export(int port, const std::optional<std::string>& authorization) {
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (authorization) context.AddMetadata("authorization", *authorization);
  grpc::Slice slice(proto_body(1));
  grpc::ByteBuffer request(&slice, 1), response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, kGrpcExportMethod, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  return done.get_future().get().error_code();
}

// The gRPC tests are named Grpc* so that the ThreadSanitizer run (scripts/test) leaves them out
// with the others: libgrpc is not built with TSan, which then reports races inside it.
TEST(GrpcReceiver, AuthorizationFormsGetTheSameVerdictAsOverHttp) {
  ReceiverOptions o;
  o.bearer_token = "s3cret";
  auto receiver = start_receiver(o, true);
  struct Form {
    std::optional<std::string> value;
    bool granted;
  };
  const std::vector<Form> forms = {
      {std::nullopt, false},
      {"Bearer s3cret", true},
      {"bearer s3cret", true},   // the scheme is case-insensitive (RFC 7235)
      {"BEARER s3cret", true},
      {"Bearer  s3cret", true},  // 1*SP
      {"Bearer s3cret ", true},  // whitespace around a field value is not part of it
      {" Bearer s3cret", true},
      {"Bearer S3CRET", false},  // the token is not
      {"Bearer s3cre", false},
      {"Bearer s3cretX", false},
      {"Bearer s3cret, Bearer other", false},
      {"Bearers3cret", false},
      {"Bearer", false},
      {"Bearer ", false},
      {"Basic s3cret", false},
      {"s3cret", false},
      {"", false},
  };
  const std::string body = proto_body(1);
  for (const Form& f : forms) {
    const std::string name = f.value ? "'" + *f.value + "'" : "no header";
    httplib::Headers headers;
    if (f.value) headers.emplace("Authorization", *f.value);
    httplib::Client client("127.0.0.1", receiver->port());
    auto res = client.Post("/v1/traces", headers, body, "application/x-protobuf");
    ASSERT_TRUE(res) << name;
    EXPECT_EQ(res->status, f.granted ? 200 : 401) << name;
    EXPECT_EQ(grpc_export(receiver->grpc_port(), f.value),
              f.granted ? grpc::StatusCode::OK : grpc::StatusCode::UNAUTHENTICATED)
        << name;
  }
  const auto granted = static_cast<std::uint64_t>(std::count_if(forms.begin(), forms.end(), [](const Form& f) {
    return f.granted;
  }));
  const ReceiverStats s = receiver->stats();
  EXPECT_EQ(s.accepted_requests, granted);
  EXPECT_EQ(s.grpc.accepted_requests, granted);
  EXPECT_EQ(s.unauthorized, forms.size() - granted);
  EXPECT_EQ(s.grpc.unauthenticated, forms.size() - granted);
}

TEST(GrpcReceiver, CallWhoseMessageNeverComesIsEndedByTheDeadline) {
  ReceiverOptions o;
  o.request_timeout_ms = 300;
  auto receiver = start_receiver(o, true);
  auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(receiver->grpc_port()), grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::CompletionQueue cq;
  const auto t0 = Clock::now();
  auto call = stub.PrepareCall(&context, kGrpcExportMethod, &cq);
  call->StartCall(reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  ASSERT_TRUE(cq.Next(&tag, &ok));
  ASSERT_EQ(tag, reinterpret_cast<void*>(1));
  // No message, ever: only wait for the call's status.
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(2));
  ASSERT_TRUE(cq.Next(&tag, &ok));
  ASSERT_EQ(tag, reinterpret_cast<void*>(2));
  const long long elapsed = ms_since(t0);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_NE(status.error_message().find("no request message within 300 ms"), std::string::npos)
      << status.error_message();
  EXPECT_GE(elapsed, 250);
  EXPECT_LT(elapsed, 5000);  // the server's deadline, long before the client's
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  EXPECT_EQ(receiver->stats().grpc.unread, 1u);
  // A call whose message comes in time is still answered.
  EXPECT_EQ(grpc_export(receiver->grpc_port(), std::nullopt), grpc::StatusCode::OK);
}

}  // namespace
}  // namespace otlp::native
