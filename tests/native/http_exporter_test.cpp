// The native exporter end to end: tracer → pipeline → worker thread → libcurl → a real HTTP
// server on loopback (cpp-httplib), which decodes what arrives with the core's readers.
#include <gtest/gtest.h>

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "exporter_rig.hpp"
#include "http_transport.hpp"
#include "otlp/json/json.hpp"
#include "otlp/wire/proto_reader.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "worker.hpp"

namespace otlp::native {
namespace {

using rig::kSec;

// A scripted OTLP/HTTP server: answers `script` in order, then 200.
class Server {
 public:
  struct Reply {
    int status = 200;
    std::string retry_after;
    std::int64_t rejected = 0;
  };

  explicit Server(std::vector<Reply> script = {}) : script_(std::move(script)) {
    http_.Post("/v1/traces", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mutex_);
      ++requests;
      content_type = req.get_header_value("Content-Type");
      encoding = req.get_header_value("Content-Encoding");
      authorization = req.get_header_value("Authorization");
      const Reply reply = next_ < script_.size() ? script_[next_++] : Reply{};
      if (reply.status != 200) {
        res.status = reply.status;
        if (!reply.retry_after.empty()) res.set_header("Retry-After", reply.retry_after);
        res.set_content("try later", "text/plain");
        return;
      }
      TraceRequest r;
      const bool json = content_type == "application/json";
      const DecodeStatus st = json ? decode_trace_request_json(req.body, r) : decode_trace_request(req.body, r);
      if (!st.ok()) {
        res.status = 400;
        res.set_content(st.message(), "text/plain");
        return;
      }
      for (auto& rs : r.resource_spans)
        for (auto& ss : rs.scope_spans)
          for (auto& s : ss.spans) spans.push_back(std::move(s));
      std::string body;
      PartialSuccess partial{reply.rejected, reply.rejected ? "too old" : ""};
      if (json) {
        encode_trace_response_json(reply.rejected ? &partial : nullptr, body);
      } else {
        encode_trace_response(reply.rejected ? &partial : nullptr, body);
      }
      res.set_content(body, json ? "application/json" : "application/x-protobuf");
    });
    port = http_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    // stop() is a no-op until the listen loop runs, so wait for it (bounded).
    for (int i = 0; i < 5000 && !http_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Server() {
    http_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/v1/traces"; }
  std::size_t span_count() {
    std::lock_guard<std::mutex> lock(mutex_);
    return spans.size();
  }

  int port = 0;
  int requests = 0;
  std::string content_type, encoding, authorization;
  std::vector<SpanData> spans;

 private:
  httplib::Server http_;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<Reply> script_;
  std::size_t next_ = 0;
};

// The shared rig (exporter_rig.hpp) over the HTTP transport, pointed at a URL.
struct Exporter : rig::Exporter<HttpTransport> {
  Exporter(const std::string& url, PipelineConfig config, ExporterOptions options = {})
      : rig::Exporter<HttpTransport>(HttpOptions{url, 2000, {}, {}, {}}, config, std::move(options)) {}
};
using rig::fast;

TEST(HttpExporter, ProtobufSpansArriveExactly) {
  Server server;
  Exporter e(server.url(), fast(), {{{"authorization", "Bearer secret"}}});
  e.spans(1000);
  ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
  EXPECT_EQ(server.span_count(), 1000u);
  EXPECT_EQ(server.content_type, "application/x-protobuf");
  EXPECT_EQ(server.authorization, "Bearer secret");
  EXPECT_EQ(server.spans[0].name, "GET /");
  EXPECT_EQ(server.spans[0].kind, SpanKind::server);
  const auto s = e.pipeline.stats();
  EXPECT_EQ(s.exported, 1000u);
  EXPECT_EQ(s.ended, s.exported + s.rejected + s.failed + s.dropped + s.queued);
}

TEST(HttpExporter, JsonAndGzip) {
  Server server;
  auto c = fast();
  c.protocol = Protocol::json;
  Exporter e(server.url(), c, {{}, Compression::gzip});
  e.spans(250);
  ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
  EXPECT_EQ(server.span_count(), 250u);
  EXPECT_EQ(server.content_type, "application/json");
  EXPECT_EQ(server.encoding, "gzip");
}

TEST(HttpExporter, RetryAfterIsHonouredThenEverythingArrives) {
  Server server({{503, "1"}, {429, "1"}});
  Exporter e(server.url(), fast());
  const auto t0 = std::chrono::steady_clock::now();
  e.spans(100);
  ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(seconds, 1.9);  // two 1-second Retry-After waits
  EXPECT_EQ(server.span_count(), 100u);
  EXPECT_EQ(e.pipeline.stats().retries, 2u);
}

TEST(HttpExporter, BadRequestIsFinalAndPartialSuccessIsReported) {
  Server server({{400, ""}, {200, "", 3}});
  Exporter e(server.url(), fast());
  e.spans(100);
  ASSERT_EQ(e.worker.flush(10 * kSec), FlushState::done);
  e.spans(100);
  ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
  const auto s = e.pipeline.stats();
  EXPECT_EQ(s.failed, 100u);
  EXPECT_EQ(s.rejected, 3u);
  EXPECT_EQ(s.exported, 97u);
  EXPECT_EQ(server.requests, 2);
  EXPECT_NE(s.last_error.find("too old"), std::string::npos);
}

// 401 and 403 end the export at once, and the error shows the server's message, not the bytes of
// the google.rpc.Status that carries it.
TEST(HttpExporter, UnauthorizedAndForbiddenAreFinalAndShowTheServersMessage) {
  for (const Protocol protocol : {Protocol::protobuf, Protocol::json}) {
    SCOPED_TRACE(protocol == Protocol::json ? "json" : "protobuf");
    auto c = fast();
    c.protocol = protocol;
    ReceiverOptions o;
    o.bearer_token = "s3cret";
    rig::Receiving r(o, false, true);
    ASSERT_TRUE(r.ok()) << r.error();
    Exporter e(r.http_url(), c, {{{"authorization", "Bearer nope"}}});
    e.spans(10);
    ASSERT_EQ(e.worker.shutdown(10 * kSec), FlushState::done);
    const auto s = e.pipeline.stats();
    EXPECT_EQ(s.failed, 10u);
    EXPECT_EQ(s.requests, 1u);
    EXPECT_EQ(s.last_error, "HTTP 401 is not retryable: HTTP 401: missing or wrong bearer token");
    EXPECT_TRUE(e.balanced());

    ReceiverOptions scripted;
    scripted.script = {{403}};
    rig::Receiving forbidding(scripted, false, true);
    ASSERT_TRUE(forbidding.ok()) << forbidding.error();
    Exporter f(forbidding.http_url(), c);
    f.spans(10);
    ASSERT_EQ(f.worker.shutdown(10 * kSec), FlushState::done);
    EXPECT_EQ(f.pipeline.stats().failed, 10u);
    EXPECT_EQ(f.pipeline.stats().requests, 1u);
    EXPECT_EQ(f.pipeline.stats().last_error, "HTTP 403 is not retryable: HTTP 403: scripted reply 403");
  }
}

TEST(HttpExporter, UnreachableServerFailsAfterRetriesAndSaysWhy) {
  int port;
  {
    Server gone;  // take a free port, then close it
    port = gone.port;
  }
  auto c = fast();
  c.retry.max_attempts = 3;
  Exporter e("http://127.0.0.1:" + std::to_string(port) + "/v1/traces", c);
  e.spans(10);
  e.worker.shutdown(10 * kSec);
  const auto s = e.pipeline.stats();
  EXPECT_EQ(s.failed, 10u);
  EXPECT_EQ(s.requests, 3u);
  EXPECT_FALSE(s.last_error.empty());
}

TEST(HttpExporter, GzipRoundTrip) {
  std::string out;
  ASSERT_TRUE(gzip_compress(std::string(10000, 'x'), out));
  EXPECT_LT(out.size(), 200u);
  EXPECT_EQ(static_cast<unsigned char>(out[0]), 0x1f);  // gzip magic
  EXPECT_EQ(static_cast<unsigned char>(out[1]), 0x8b);
}

}  // namespace
}  // namespace otlp::native
