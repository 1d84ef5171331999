// The OTLP/HTTP receiver on loopback (port 0), driven by httplib's client: formats, gzip, limits,
// errors, CORS, bearer token, the partial-success and scripted-status hooks, concurrency.
#include <gtest/gtest.h>

#include <httplib.h>
#include <zlib.h>

#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "otlp/json/json.hpp"
#include "otlp/wire/proto_reader.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/workload/workload.hpp"
#include "receiver.hpp"

namespace otlp::native {
namespace {

constexpr const char* kPath = "/v1/traces";
constexpr const char* kProto = "application/x-protobuf";

std::string proto_body(std::uint64_t spans, std::uint64_t seed) {
  std::string out;
  encode_trace_request(workload::standard_request(spans, seed), out);
  return out;
}

// gzip of `in`, or of `zeros` zero bytes fed in 1 MiB pieces when `in` is empty.
std::string gzip(const std::string& in, std::size_t zeros = 0) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out;
  const std::string chunk(1 << 20, '\0');
  char buf[65536];
  auto pump = [&](const char* data, std::size_t n, int flush) {
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    zs.avail_in = static_cast<uInt>(n);
    do {
      zs.next_out = reinterpret_cast<Bytef*>(buf);
      zs.avail_out = sizeof buf;
      deflate(&zs, flush);
      out.append(buf, sizeof buf - zs.avail_out);
    } while (zs.avail_out == 0);
  };
  if (!in.empty()) {
    pump(in.data(), in.size(), Z_NO_FLUSH);
  } else {
    for (std::size_t done = 0; done < zeros; done += chunk.size())
      pump(chunk.data(), std::min(chunk.size(), zeros - done), Z_NO_FLUSH);
  }
  pump(nullptr, 0, Z_FINISH);
  deflateEnd(&zs);
  return out;
}

class ReceiverTest : public ::testing::Test {
 protected:
  void start(ReceiverOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    receiver_ = std::make_unique<Receiver>(std::move(options), [this](const TraceRequest& r) {
      std::lock_guard<std::mutex> lock(mutex_);
      got_.push_back(r);
    });
    std::string err;
    ASSERT_TRUE(receiver_->start(&err)) << err;
    ASSERT_GT(receiver_->port(), 0);
  }
  void TearDown() override {
    if (receiver_) receiver_->stop();
  }

  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", receiver_->port());
    c->set_connection_timeout(5, 0);
    c->set_read_timeout(20, 0);
    c->set_write_timeout(20, 0);
    return c;
  }

  httplib::Result post(const std::string& body, const std::string& content_type, httplib::Headers headers = {}) {
    return client()->Post(kPath, headers, body, content_type);
  }

  // A good request still works (the receiver keeps serving after an error).
  void expect_still_serving() {
    auto res = post(proto_body(3, 99), kProto);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
  }

  std::vector<TraceRequest> got() {
    std::lock_guard<std::mutex> lock(mutex_);
    return got_;
  }

  std::unique_ptr<Receiver> receiver_;
  std::mutex mutex_;
  std::vector<TraceRequest> got_;
};

// Field-by-field: every span, resource and scope as sent.
void expect_same_request(const TraceRequest& got, const TraceRequest& sent) {
  ASSERT_EQ(got.resource_spans.size(), sent.resource_spans.size());
  for (std::size_t r = 0; r < sent.resource_spans.size(); ++r) {
    const auto& g = got.resource_spans[r];
    const auto& s = sent.resource_spans[r];
    EXPECT_EQ(g.resource, s.resource);
    EXPECT_EQ(g.schema_url, s.schema_url);
    ASSERT_EQ(g.scope_spans.size(), s.scope_spans.size());
    for (std::size_t k = 0; k < s.scope_spans.size(); ++k) {
      EXPECT_EQ(g.scope_spans[k].scope, s.scope_spans[k].scope);
      ASSERT_EQ(g.scope_spans[k].spans.size(), s.scope_spans[k].spans.size());
      for (std::size_t i = 0; i < s.scope_spans[k].spans.size(); ++i) {
        const SpanData& a = g.scope_spans[k].spans[i];
        const SpanData& b = s.scope_spans[k].spans[i];
        EXPECT_EQ(a.trace_id, b.trace_id) << i;
        EXPECT_EQ(a.span_id, b.span_id) << i;
        EXPECT_EQ(a.parent_span_id, b.parent_span_id) << i;
        EXPECT_EQ(a.name, b.name) << i;
        EXPECT_EQ(a.kind, b.kind) << i;
        EXPECT_EQ(a.start_time_unix_nano, b.start_time_unix_nano) << i;
        EXPECT_EQ(a.end_time_unix_nano, b.end_time_unix_nano) << i;
        EXPECT_EQ(a.attributes, b.attributes) << i;
        EXPECT_EQ(a.events, b.events) << i;
        EXPECT_EQ(a.links, b.links) << i;
        EXPECT_EQ(a.status, b.status) << i;
        EXPECT_EQ(a.flags, b.flags) << i;
        EXPECT_EQ(a, b) << i;
      }
    }
  }
}

TEST_F(ReceiverTest, ProtobufRequestIsDeliveredIntact) {
  start();
  const TraceRequest sent = workload::standard_request(100, 7);
  std::string body;
  encode_trace_request(sent, body);
  auto res = post(body, kProto);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), kProto);
  std::optional<PartialSuccess> partial;
  ASSERT_TRUE(decode_trace_response(res->body, partial).ok());
  EXPECT_FALSE(partial.has_value());
  const auto g = got();
  ASSERT_EQ(g.size(), 1u);
  expect_same_request(g[0], sent);
  const ReceiverStats st = receiver_->stats();
  EXPECT_EQ(st.requests, 1u);
  EXPECT_EQ(st.accepted_requests, 1u);
  EXPECT_EQ(st.spans, 100u);
  EXPECT_EQ(st.bytes, body.size());
  EXPECT_EQ(st.errors(), 0u);
}

TEST_F(ReceiverTest, JsonRequestWithCharsetIsDeliveredIntact) {
  start();
  const TraceRequest sent = workload::standard_request(40, 8);
  std::string body;
  encode_trace_request_json(sent, body);
  auto res = post(body, "Application/JSON; charset=utf-8");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  std::optional<PartialSuccess> partial;
  ASSERT_TRUE(decode_trace_response_json(res->body, partial).ok()) << res->body;
  EXPECT_FALSE(partial.has_value());
  const auto g = got();
  ASSERT_EQ(g.size(), 1u);
  expect_same_request(g[0], sent);
  EXPECT_EQ(receiver_->stats().spans, 40u);
}

TEST_F(ReceiverTest, GzipBodiesAreInflated) {
  start();
  const TraceRequest sent = workload::standard_request(64, 9);
  std::string body;
  encode_trace_request(sent, body);
  const std::string gz = gzip(body);
  ASSERT_LT(gz.size(), body.size());
  // Every spelling goes through the receiver's one inflater.
  for (const char* encoding : {"gzip", "GZIP", "Gzip"}) {
    auto res = post(gz, kProto, {{"Content-Encoding", encoding}});
    ASSERT_TRUE(res) << encoding;
    EXPECT_EQ(res->status, 200) << encoding << ": " << res->body;
  }
  const auto g = got();
  ASSERT_EQ(g.size(), 3u);
  for (const auto& r : g) expect_same_request(r, sent);
  EXPECT_EQ(receiver_->stats().spans, 192u);
  // identity is accepted too.
  auto res = post(body, kProto, {{"Content-Encoding", "identity"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

// A gzip stream cut after a flush point inflates to the whole request, yet it never ends: the
// rest (its last block and checksum) may have held more. Refused, whatever the spelling.
TEST_F(ReceiverTest, GzipStreamThatDoesNotEndIs400) {
  start();
  const std::string body = proto_body(20, 12);
  z_stream zs{};
  ASSERT_EQ(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string cut(body.size() + 1024, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  zs.avail_in = static_cast<uInt>(body.size());
  zs.next_out = reinterpret_cast<Bytef*>(cut.data());
  zs.avail_out = static_cast<uInt>(cut.size());
  ASSERT_EQ(deflate(&zs, Z_SYNC_FLUSH), Z_OK);
  cut.resize(cut.size() - zs.avail_out);
  deflateEnd(&zs);
  std::string inflated;
  ASSERT_EQ(gunzip_bounded(cut, 1 << 20, inflated), 2);
  for (const char* encoding : {"gzip", "GZIP", "Gzip"}) {
    auto res = post(cut, kProto, {{"Content-Encoding", encoding}});
    ASSERT_TRUE(res) << encoding;
    EXPECT_EQ(res->status, 400) << encoding;
    EXPECT_NE(res->body.find("malformed gzip body"), std::string::npos) << res->body;
  }
  EXPECT_TRUE(got().empty());
  EXPECT_EQ(receiver_->stats().bad_request, 3u);
  expect_still_serving();
}

TEST_F(ReceiverTest, UnsupportedContentTypeOrEncodingIs415) {
  start();
  const std::string body = proto_body(5, 1);
  auto res = post("hello", "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 415);
  expect_still_serving();
  res = post(body, kProto, {{"Content-Encoding", "br"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 415);
  EXPECT_NE(res->body.find("Content-Encoding"), std::string::npos);
  expect_still_serving();
  res = post(body, kProto, {{"Content-Encoding", "deflate"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 415);
  expect_still_serving();
  EXPECT_EQ(receiver_->stats().unsupported, 3u);
  EXPECT_EQ(got().size(), 3u);  // only the good ones
}

TEST_F(ReceiverTest, OversizedBodiesAndGzipBombsAre413) {
  ReceiverOptions o;
  o.max_body_bytes = 1 << 20;
  start(o);
  // Plain body over the limit (Content-Length says so).
  std::string big = proto_body(3000, 2);
  ASSERT_GT(big.size(), o.max_body_bytes);
  auto res = post(big, kProto);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  expect_still_serving();

  // Chunked body over the limit (no Content-Length).
  {
    auto c = client();
    std::size_t sent = 0;
    res = c->Post(
        kPath,
        [&](std::size_t, httplib::DataSink& sink) {
          if (sent >= 4u << 20) {
            sink.done();
            return true;
          }
          const std::string piece(64 << 10, '\x0a');
          sent += piece.size();
          return sink.write(piece.data(), piece.size());
        },
        kProto);
    if (res) {
      EXPECT_EQ(res->status, 413);  // the server may also cut the connection first
    }
  }
  expect_still_serving();

  // 100 MB of zeros compress to ~100 KB: well under the limit on the wire, far over it inflated.
  const std::string bomb = gzip({}, 100u << 20);
  ASSERT_LT(bomb.size(), o.max_body_bytes);
  for (const char* encoding : {"gzip", "GZIP"}) {
    res = post(bomb, kProto, {{"Content-Encoding", encoding}});
    ASSERT_TRUE(res) << encoding;
    EXPECT_EQ(res->status, 413) << encoding;
    expect_still_serving();
  }
  EXPECT_GE(receiver_->stats().too_large, 3u);
}

TEST_F(ReceiverTest, MalformedBodiesAre400WithAMessage) {
  start();
  std::string body = proto_body(10, 3);
  body.resize(body.size() / 2);
  auto res = post(body, kProto);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("malformed protobuf request"), std::string::npos) << res->body;
  EXPECT_NE(res->body.find("at byte"), std::string::npos) << res->body;
  expect_still_serving();

  res = post("{\"resourceSpans\": [", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_NE(res->body.find("malformed JSON request"), std::string::npos) << res->body;
  expect_still_serving();

  // Bad id length in JSON.
  res = post(R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"abc"}]}]}]})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);

  for (const char* encoding : {"gzip", "GZIP"}) {
    res = post("definitely not gzip", kProto, {{"Content-Encoding", encoding}});
    ASSERT_TRUE(res) << encoding;
    EXPECT_EQ(res->status, 400) << encoding;
    expect_still_serving();
  }
  EXPECT_EQ(receiver_->stats().bad_request, 5u);
}

TEST_F(ReceiverTest, CorsPreflightAndAllowOriginOnPosts) {
  ReceiverOptions o;
  o.cors_origins = {"http://app.example", "http://other.example"};
  o.cors_max_age_seconds = 600;
  start(o);
  auto c = client();
  auto res = c->Options(kPath, {{"Origin", "http://app.example"},
                                {"Access-Control-Request-Method", "POST"},
                                {"Access-Control-Request-Headers", "content-type,content-encoding"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "http://app.example");
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Methods"), "POST, OPTIONS");
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Headers"), "content-type, content-encoding, authorization");
  EXPECT_EQ(res->get_header_value("Access-Control-Max-Age"), "600");
  EXPECT_EQ(res->get_header_value("Vary"), "Origin");

  // A foreign origin gets no CORS grant.
  res = c->Options(kPath, {{"Origin", "http://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  ASSERT_TRUE(res);
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Origin"));
  EXPECT_FALSE(res->has_header("Access-Control-Allow-Methods"));

  // POSTs, successful or not, carry Allow-Origin.
  res = post(proto_body(2, 4), kProto, {{"Origin", "http://other.example"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "http://other.example");
  res = post("x", "text/plain", {{"Origin", "http://app.example"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 415);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "http://app.example");
  res = post("\x0a\xff", kProto, {{"Origin", "http://app.example"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "http://app.example");
  EXPECT_EQ(receiver_->stats().preflights, 2u);
}

TEST_F(ReceiverTest, CorsWildcard) {
  ReceiverOptions o;
  o.cors_origins = {"*"};
  start(o);
  auto res = client()->Options(kPath, {{"Origin", "http://anything.example"}, {"Access-Control-Request-Method", "POST"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "*");
  res = post(proto_body(1, 4), kProto, {{"Origin", "http://anything.example"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "*");
}

TEST_F(ReceiverTest, BearerTokenIsRequiredWhenConfigured) {
  ReceiverOptions o;
  o.bearer_token = "s3cret";
  start(o);
  const std::string body = proto_body(4, 5);
  auto res = post(body, kProto);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  res = post(body, kProto, {{"Authorization", "Bearer wrong"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  res = post(body, kProto, {{"Authorization", "Bearer s3cret"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(receiver_->stats().unauthorized, 2u);
  EXPECT_EQ(receiver_->stats().spans, 4u);
  EXPECT_EQ(got().size(), 1u);
}

TEST_F(ReceiverTest, RejectHookAnswersPartialSuccess) {
  ReceiverOptions o;
  o.reject_first_items = 15;
  start(o);
  const TraceRequest sent = workload::standard_request(10, 6);
  std::string pb, js;
  encode_trace_request(sent, pb);
  encode_trace_request_json(sent, js);

  auto res = post(pb, kProto);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  std::optional<PartialSuccess> partial;
  ASSERT_TRUE(decode_trace_response(res->body, partial).ok());
  ASSERT_TRUE(partial.has_value());
  EXPECT_EQ(partial->rejected_spans, 10);
  EXPECT_FALSE(partial->error_message.empty());

  res = post(js, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  partial.reset();
  ASSERT_TRUE(decode_trace_response_json(res->body, partial).ok()) << res->body;
  ASSERT_TRUE(partial.has_value());
  EXPECT_EQ(partial->rejected_spans, 5);

  res = post(pb, kProto);
  ASSERT_TRUE(res);
  partial.reset();
  ASSERT_TRUE(decode_trace_response(res->body, partial).ok());
  EXPECT_FALSE(partial.has_value());

  const auto g = got();
  ASSERT_EQ(g.size(), 3u);
  // The second request delivered its last five spans.
  const auto& delivered = g[1].resource_spans.at(0).scope_spans.at(0).spans;
  ASSERT_EQ(delivered.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(delivered[i], sent.resource_spans[0].scope_spans[0].spans[5 + i]);
  const ReceiverStats st = receiver_->stats();
  EXPECT_EQ(st.spans, 15u);
  EXPECT_EQ(st.rejected_spans, 15u);
}

TEST_F(ReceiverTest, ScriptedStatusesAndRetryAfter) {
  ReceiverOptions o;
  o.script = {{429, "3"}, {503, ""}, {500, "7"}};
  start(o);
  const std::string body = proto_body(2, 7);
  auto res = post(body, kProto);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 429);
  EXPECT_EQ(res->get_header_value("Retry-After"), "3");
  res = post(body, kProto);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_FALSE(res->has_header("Retry-After"));
  res = post(body, kProto);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  EXPECT_EQ(res->get_header_value("Retry-After"), "7");
  res = post(body, kProto);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(got().size(), 1u);
  EXPECT_EQ(receiver_->stats().scripted, 3u);
}

TEST_F(ReceiverTest, ConcurrentClientsAreAllCounted) {
  start();
  const std::string body = proto_body(5, 8);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto c = client();  // one keep-alive connection per thread
      c->set_keep_alive(true);
      for (int i = 0; i < 50; ++i) {
        auto res = c->Post(kPath, body, kProto);
        if (res && res->status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 200);
  const ReceiverStats st = receiver_->stats();
  EXPECT_EQ(st.requests, 200u);
  EXPECT_EQ(st.accepted_requests, 200u);
  EXPECT_EQ(st.spans, 1000u);
  EXPECT_EQ(st.bytes, 200u * body.size());
  EXPECT_EQ(got().size(), 200u);
}

TEST_F(ReceiverTest, OtherMethodsAndPaths) {
  start();
  auto c = client();
  auto res = c->Get(kPath);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  res = c->Post("/v1/profiles", "x", kProto);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  // An empty protobuf request is a valid (empty) export.
  res = c->Post(kPath, "", kProto);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST(ReceiverLifecycle, PortInUseFailsAndStopIsIdempotent) {
  ReceiverOptions o;
  o.port = 0;
  Receiver a(o);
  std::string err;
  ASSERT_TRUE(a.start(&err)) << err;
  o.port = a.port();
  Receiver b(o);
  EXPECT_FALSE(b.start(&err));
  EXPECT_NE(err.find(std::to_string(o.port)), std::string::npos) << err;
  EXPECT_FALSE(a.start(&err));  // starts once
  std::thread other([&] { a.stop(); });
  other.join();
  a.stop();
  b.stop();
}

TEST(ReceiverGunzip, BoundedAndStrict) {
  std::string out;
  const std::string text(5000, 'q');
  EXPECT_EQ(gunzip_bounded(gzip(text), 5000, out), 0);
  EXPECT_EQ(out, text);
  EXPECT_EQ(gunzip_bounded(gzip(text), 4999, out), 1);
  const std::string gz = gzip(text);
  EXPECT_EQ(gunzip_bounded(std::string_view(gz).substr(0, gz.size() - 3), 10000, out), 2);
  EXPECT_EQ(gunzip_bounded(gz + "junk", 10000, out), 2);
  EXPECT_EQ(gunzip_bounded("", 10, out), 2);
}

}  // namespace
}  // namespace otlp::native
