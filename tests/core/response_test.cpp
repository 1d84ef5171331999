// Reading a server's answer: HTTP answers to outcomes, and error bodies to text a person can
// read whatever the server put in them (a google.rpc.Status in protobuf or JSON, plain text,
// raw bytes).
#include <gtest/gtest.h>

#include <string>

#include "otlp/proto_writer.hpp"
#include "otlp/response.hpp"
#include "otlp/rpc_status.hpp"

namespace otlp {
namespace {

constexpr std::uint64_t kSec = 1'000'000'000;
constexpr std::uint64_t kNow = 1'700'000'000 * kSec;

std::string status_bytes(int code, const std::string& message) {
  std::string out;
  encode_rpc_status(RpcStatus{code, message, std::nullopt}, out);
  return out;
}

// The probe's 401: the receiver's google.rpc.Status{16, "missing or wrong bearer token"}, which
// was printed as "HTTP 401: \b\u0010\u0012\u001dmissing or wrong bearer token".
TEST(Response, ProtobufStatusShowsItsMessage) {
  const std::string body = status_bytes(16, "missing or wrong bearer token");
  ASSERT_EQ(body.substr(0, 4), std::string("\x08\x10\x12\x1d", 4));
  const Outcome o = http_outcome(401, "application/x-protobuf", body, "", kNow);
  EXPECT_EQ(o.kind, Outcome::Kind::http_status);
  EXPECT_EQ(o.code, 401);
  EXPECT_EQ(o.message, "HTTP 401: missing or wrong bearer token");
  EXPECT_EQ(error_text("application/protobuf", body), "missing or wrong bearer token");
  // Without a Content-Type, bytes that are not text are tried as a Status.
  EXPECT_EQ(error_text("", body), "missing or wrong bearer token");
}

TEST(Response, JsonStatusShowsItsMessage) {
  EXPECT_EQ(http_outcome(403, "application/json; charset=utf-8", R"({"code":7,"message":"no entry","details":[]})",
                         "", kNow)
                .message,
            "HTTP 403: no entry");
  EXPECT_EQ(error_text("Application/JSON", R"({"message": "line one\nline two", "code": "16"})"),
            "line one\\nline two");
  // JSON without a message, or not JSON at all: the body as text.
  EXPECT_EQ(error_text("application/json", R"({"error": "quota"})"), R"({"error": "quota"})");
  EXPECT_EQ(error_text("application/json", "<html>bad gateway</html>"), "<html>bad gateway</html>");
}

TEST(Response, TextBodyIsTrimmedAndEscaped) {
  EXPECT_EQ(http_outcome(503, "text/plain", "  try later\r\n", "", kNow).message, "HTTP 503: try later");
  // A terminal escape sequence, a bell, a line break, DEL: escaped, never passed through.
  EXPECT_EQ(error_text("text/plain", "a\x1b[31mred\x07\r\nnext\x7f"), "a\\x1b[31mred\\x07\\r\\nnext\\x7f");
  EXPECT_EQ(error_text("text/plain", "tab\there"), "tab\\there");
  // UTF-8 stays; bytes that are not UTF-8 and C1 controls (U+009B is a CSI) are escaped.
  EXPECT_EQ(error_text("text/plain", "caf\xc3\xa9 \xe2\x98\x95"), "caf\xc3\xa9 \xe2\x98\x95");
  EXPECT_EQ(error_text("text/plain", "\xff\xfeok\xc3"), "\\xff\\xfeok\\xc3");
  EXPECT_EQ(error_text("text/plain", "x\xc2\x9b" "2J"), "x\\u009b2J");
  // A text Content-Type is text even when the bytes would decode as a Status.
  const std::string status = status_bytes(16, "hidden");
  EXPECT_EQ(error_text("text/plain", status), "\\x08\\x10\\x12\\x06hidden");
}

TEST(Response, LongTextIsCutOnACharacterBoundary) {
  const std::string long_text(2000, 'x');
  EXPECT_EQ(error_text("text/plain", long_text), std::string(kServerTextBytes, 'x') + "...");
  std::string accents;
  for (int i = 0; i < 300; ++i) accents += "\xc3\xa9";  // 600 bytes of 2-byte characters
  std::string cut;
  for (std::size_t i = 0; i < kServerTextBytes / 2; ++i) cut += "\xc3\xa9";
  EXPECT_EQ(error_text("text/plain", accents), cut + "...");
  // An escape is not cut in two either.
  EXPECT_EQ(printable(std::string(kServerTextBytes - 1, 'y') + "\x01z"), std::string(kServerTextBytes - 1, 'y') + "...");
  EXPECT_EQ(printable("abcdef", 3), "abc...");
  EXPECT_EQ(printable("abc", 3), "abc");
  // The message of a Status is held to the same bounds.
  EXPECT_EQ(error_text("application/x-protobuf", status_bytes(3, long_text)), std::string(kServerTextBytes, 'x') + "...");
}

TEST(Response, UnreadableOrEmptyStatusFallsBackToTheEscapedBody) {
  // Length past the end: not a Status; shown as escaped bytes, never raw.
  EXPECT_EQ(error_text("application/x-protobuf", std::string("\x12\x05" "ab", 4)), "\\x12\\x05ab");
  // A Status with no message: its bytes, escaped.
  EXPECT_EQ(error_text("application/x-protobuf", std::string("\x08\x10", 2)), "\\x08\\x10");
  // A Status whose message carries control bytes: escaped like any server text.
  EXPECT_EQ(error_text("application/x-protobuf", status_bytes(16, "bad\x1b]0;owned\x07")), "bad\\x1b]0;owned\\x07");
  EXPECT_EQ(error_text("", ""), "");
  EXPECT_EQ(http_outcome(502, "", "", "", kNow).message, "HTTP 502");
  EXPECT_EQ(http_outcome(500, "text/plain", " \r\n", "", kNow).message, "HTTP 500");
}

TEST(Response, RetryAfterIsRead) {
  const Outcome o = http_outcome(429, "text/plain", "slow down", "2", kNow);
  EXPECT_EQ(o.retry_delay_ns, std::optional<std::uint64_t>(2 * kSec));
  EXPECT_EQ(o.message, "HTTP 429: slow down");
  EXPECT_FALSE(http_outcome(503, "", "", "", kNow).retry_delay_ns.has_value());
  EXPECT_FALSE(http_outcome(503, "", "", "soon", kNow).retry_delay_ns.has_value());  // malformed: none
}

TEST(Response, AcceptedAnswersAndPartialSuccess) {
  EXPECT_EQ(http_outcome(200, "application/x-protobuf", "", "", kNow).kind, Outcome::Kind::success);
  EXPECT_EQ(http_outcome(204, "", "", "", kNow).kind, Outcome::Kind::success);
  // An unreadable 2xx body is still a success: the server took the spans.
  EXPECT_EQ(http_outcome(200, "application/x-protobuf", "\xff\xff", "", kNow).kind, Outcome::Kind::success);

  std::string body;
  const PartialSuccess partial{3, "too old\x1b[0m"};
  encode_trace_response(&partial, body);
  Outcome o = http_outcome(200, "application/x-protobuf", body, "", kNow);
  EXPECT_EQ(o.kind, Outcome::Kind::partial_success);
  EXPECT_EQ(o.partial.rejected_spans, 3);
  EXPECT_EQ(o.partial.error_message, "too old\\x1b[0m");
  EXPECT_EQ(accepted_outcome(body, false).partial.rejected_spans, 3);
  // An empty partial_success (0 rejected, no message) is plain success.
  body.clear();
  const PartialSuccess empty{0, ""};
  encode_trace_response(&empty, body);
  EXPECT_EQ(accepted_outcome(body, false).kind, Outcome::Kind::success);
#ifndef OTLP_NO_JSON
  o = http_outcome(200, "application/json", R"({"partialSuccess":{"rejectedSpans":"2","errorMessage":"dup"}})", "", kNow);
  EXPECT_EQ(o.kind, Outcome::Kind::partial_success);
  EXPECT_EQ(o.partial.rejected_spans, 2);
  EXPECT_EQ(o.partial.error_message, "dup");
#endif
}

}  // namespace
}  // namespace otlp
