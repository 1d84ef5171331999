// Reading a server's answer: HTTP answers to outcomes, and error bodies to text a person can
// read whatever the server put in them (a google.rpc.Status in protobuf or JSON, plain text,
// raw bytes).
#include <gtest/gtest.h>

#include <string>

#include "otlp/export/response.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/wire/rpc_status.hpp"
#include "otlp/model/signal.hpp"
#include "support/proto_bytes.hpp"

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
  const Outcome o = http_outcome(Signal::traces, 401, "application/x-protobuf", body, "", kNow);
  EXPECT_EQ(o.kind, Outcome::Kind::http_status);
  EXPECT_EQ(o.code, 401);
  EXPECT_EQ(o.message, "HTTP 401: missing or wrong bearer token");
  EXPECT_EQ(error_text("application/protobuf", body), "missing or wrong bearer token");
  // Without a Content-Type, bytes that are not text are tried as a Status.
  EXPECT_EQ(error_text("", body), "missing or wrong bearer token");
}

TEST(Response, JsonStatusShowsItsMessage) {
  EXPECT_EQ(http_outcome(Signal::traces, 403, "application/json; charset=utf-8", R"({"code":7,"message":"no entry","details":[]})",
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
  EXPECT_EQ(http_outcome(Signal::traces, 503, "text/plain", "  try later\r\n", "", kNow).message, "HTTP 503: try later");
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
  EXPECT_EQ(http_outcome(Signal::traces, 502, "", "", "", kNow).message, "HTTP 502");
  EXPECT_EQ(http_outcome(Signal::traces, 500, "text/plain", " \r\n", "", kNow).message, "HTTP 500");
}

TEST(Response, RetryAfterIsRead) {
  const Outcome o = http_outcome(Signal::traces, 429, "text/plain", "slow down", "2", kNow);
  EXPECT_EQ(o.retry_delay_ns, std::optional<std::uint64_t>(2 * kSec));
  EXPECT_EQ(o.message, "HTTP 429: slow down");
  EXPECT_FALSE(http_outcome(Signal::traces, 503, "", "", "", kNow).retry_delay_ns.has_value());
  EXPECT_FALSE(http_outcome(Signal::traces, 503, "", "", "soon", kNow).retry_delay_ns.has_value());  // malformed: none
}

// Every signal's response: ExportTraceServiceResponse and ExportLogsServiceResponse share one
// protobuf shape, partial_success=1 {rejected=1, error_message=2}, written here by hand.
std::string partial_success_bytes(const std::string& rejected_varint, const std::string& message) {
  std::string inner;
  if (!rejected_varint.empty()) inner += "\x08" + rejected_varint;
  if (!message.empty()) inner += testing::field(2, message);
  return testing::field(1, inner);
}

// OTLP/JSON names the rejected count per signal.
std::string rejected_key(Signal signal) {
  switch (signal) {
    case Signal::logs: return "rejectedLogRecords";
    case Signal::metrics: return "rejectedDataPoints";
    default: return "rejectedSpans";
  }
}

class AcceptedResponse : public ::testing::TestWithParam<Signal> {};

TEST_P(AcceptedResponse, AnswersAndPartialSuccess) {
  const Signal signal = GetParam();
  EXPECT_EQ(http_outcome(signal, 200, "application/x-protobuf", "", "", kNow).kind, Outcome::Kind::success);
  EXPECT_EQ(http_outcome(signal, 204, "", "", "", kNow).kind, Outcome::Kind::success);

  const std::string body = partial_success_bytes("\x03", "too old\x1b[0m");
  Outcome o = http_outcome(signal, 200, "application/x-protobuf", body, "", kNow);
  EXPECT_EQ(o.kind, Outcome::Kind::partial_success);
  EXPECT_EQ(o.partial.rejected_spans, 3);
  EXPECT_EQ(o.partial.error_message, "too old\\x1b[0m");
  EXPECT_EQ(accepted_outcome(signal, body, false).partial.rejected_spans, 3);
  // gRPC's OK carries the same bytes.
  EXPECT_EQ(accepted_outcome(signal, partial_success_bytes("\x90\x4e", ""), false).partial.rejected_spans, 10000);
  // Nothing rejected but a message: a warning, still told to the user.
  o = accepted_outcome(signal, partial_success_bytes("", "slow down a little"), false);
  EXPECT_EQ(o.kind, Outcome::Kind::partial_success);
  EXPECT_EQ(o.partial.rejected_spans, 0);
  EXPECT_EQ(o.partial.error_message, "slow down a little");
  // An empty partial_success (0 rejected, no message) is plain success.
  EXPECT_EQ(accepted_outcome(signal, partial_success_bytes("", ""), false).kind, Outcome::Kind::success);
  EXPECT_EQ(accepted_outcome(signal, partial_success_bytes(std::string(1, '\0'), ""), false).kind, Outcome::Kind::success);
}

// An unreadable 2xx body is still a success: the server took the items.
TEST_P(AcceptedResponse, BadBodiesAreSuccess) {
  const Signal signal = GetParam();
  for (const std::string bad : {std::string("\xff\xff"), std::string("\x0a\x05\x08"),  // cut short
                                std::string("\x0a\x01\x08"), std::string("\x0b"),      // varint cut; group
                                std::string("\x0a\x02\x0a\x00", 4)}) {                 // rejected as a string
    EXPECT_EQ(accepted_outcome(signal, bad, false).kind, Outcome::Kind::success) << ::testing::PrintToString(bad);
    EXPECT_EQ(http_outcome(signal, 200, "application/x-protobuf", bad, "", kNow).kind, Outcome::Kind::success);
  }
#ifndef OTLP_NO_JSON
  const std::string key = rejected_key(signal);
  for (const std::string bad : {std::string("{\"partialSuccess\":{\"") + key + "\":\"2\"", std::string("[]"),
                                std::string("{\"partialSuccess\":{\"") + key + "\":1.5}}",
                                std::string("{\"partialSuccess\":{\"errorMessage\":1}}"), std::string("not json")})
    EXPECT_EQ(http_outcome(signal, 200, "application/json", bad, "", kNow).kind, Outcome::Kind::success) << bad;
#endif
}

#ifndef OTLP_NO_JSON
// OTLP/JSON names the rejected count per signal: rejectedSpans, rejectedLogRecords,
// rejectedDataPoints.
TEST_P(AcceptedResponse, JsonReadsTheSignalsOwnKey) {
  const Signal signal = GetParam();
  const std::string key = rejected_key(signal);
  Outcome o = http_outcome(signal, 200, "application/json",
                           "{\"partialSuccess\":{\"" + key + "\":\"2\",\"errorMessage\":\"dup\"}}", "", kNow);
  EXPECT_EQ(o.kind, Outcome::Kind::partial_success);
  EXPECT_EQ(o.partial.rejected_spans, 2);
  EXPECT_EQ(o.partial.error_message, "dup");
  // A number is read as well as a string; a Content-Type with parameters is still JSON.
  o = http_outcome(signal, 200, "application/json; charset=utf-8", "{\"partialSuccess\":{\"" + key + "\":7}}", "",
                   kNow);
  EXPECT_EQ(o.partial.rejected_spans, 7);
  EXPECT_EQ(accepted_outcome(signal, "{\"partialSuccess\":{\"" + key + "\":\"5\"}}", true).partial.rejected_spans, 5);
  // The other signals' keys are unknown fields: ignored.
  for (const SignalInfo& info : kSignals) {
    const auto other = static_cast<Signal>(&info - kSignals);
    if (other == signal) continue;
    EXPECT_EQ(accepted_outcome(signal, "{\"partialSuccess\":{\"" + rejected_key(other) + "\":\"5\"}}", true).kind,
              Outcome::Kind::success);
  }
  EXPECT_EQ(accepted_outcome(signal, "{}", true).kind, Outcome::Kind::success);
}
#endif

INSTANTIATE_TEST_SUITE_P(Signals, AcceptedResponse, ::testing::Values(Signal::traces, Signal::logs, Signal::metrics),
                         [](const auto& info) { return std::string(signal_info(info.param).name); });

// gRPC answers, mapped in core for every host: OK reads the signal's response message; any
// other code keeps its RetryInfo delay and names the code in the message.
TEST(Response, GrpcOkReadsPartialSuccess) {
  const PartialSuccess partial{3, "three were too big"};
  std::string body;
  encode_trace_response(&partial, body);  // the same wire shape for every signal
  const Outcome o = grpc_outcome(Signal::logs, 0, "", "", body);
  EXPECT_EQ(o.kind, Outcome::Kind::partial_success);
  EXPECT_EQ(o.partial.rejected_spans, 3);
  EXPECT_EQ(o.partial.error_message, "three were too big");
  EXPECT_EQ(grpc_outcome(Signal::traces, 0, "", "", "").kind, Outcome::Kind::success);
}

TEST(Response, GrpcErrorKeepsRetryInfoAndNamesTheCode) {
  std::string details;
  encode_rpc_status(RpcStatus{14, "busy", 2'500'000'000}, details);
  const Outcome o = grpc_outcome(Signal::traces, 14, "bu\tsy\n", details, "");
  EXPECT_EQ(o.kind, Outcome::Kind::grpc_status);
  EXPECT_EQ(o.code, 14);
  ASSERT_TRUE(o.retry_delay_ns.has_value());
  EXPECT_EQ(*o.retry_delay_ns, 2'500'000'000u);
  EXPECT_EQ(o.message, "gRPC UNAVAILABLE: bu\\tsy");  // server text trimmed and escaped
  // Details that do not decode give no delay; the status still counts.
  const Outcome bad = grpc_outcome(Signal::logs, 8, "", "\x0a\xff", "");
  EXPECT_EQ(bad.code, 8);
  EXPECT_FALSE(bad.retry_delay_ns.has_value());
  EXPECT_EQ(bad.message, "gRPC RESOURCE_EXHAUSTED");
  // A code gRPC does not define is UNKNOWN.
  const Outcome odd = grpc_outcome(Signal::traces, 99, "", "", "");
  EXPECT_EQ(odd.code, 2);
  EXPECT_EQ(odd.message, "gRPC UNKNOWN");
}

}  // namespace
}  // namespace otlp
