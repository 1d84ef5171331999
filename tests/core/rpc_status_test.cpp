// google.rpc.Status with RetryInfo, as it arrives in gRPC's grpc-status-details-bin trailer:
// hand-written bytes (field by field from the .proto definitions), round trips and bad input.
#include <gtest/gtest.h>

#include <string>

#include "otlp/json/json.hpp"
#include "otlp/export/retry.hpp"
#include "otlp/wire/rpc_status.hpp"

namespace otlp {
namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s.push_back(static_cast<char>(c));
  return s;
}

// Any{type_url, value} wrapping `value`, as field 3 of a Status.
std::string detail(const std::string& type_url, const std::string& value) {
  std::string any;
  any.push_back(0x0a);
  any.push_back(static_cast<char>(type_url.size()));
  any += type_url;
  any.push_back(0x12);
  any.push_back(static_cast<char>(value.size()));
  any += value;
  std::string out;
  out.push_back(0x1a);
  out.push_back(static_cast<char>(any.size()));
  return out + any;
}

// RetryInfo{retry_delay: Duration{seconds, nanos}} with small values (one-byte varints).
std::string retry_info(int seconds, int nanos) {
  std::string duration;
  if (seconds) duration += bytes({0x08, seconds});
  if (nanos) duration += bytes({0x10, nanos});
  std::string out = bytes({0x0a, static_cast<int>(duration.size())});
  return out + duration;
}

TEST(RpcStatus, DecodesCodeMessageAndRetryInfo) {
  const std::string in = bytes({0x08, 14, 0x12, 4, 'b', 'u', 's', 'y'}) +
                         detail("type.googleapis.com/google.rpc.RetryInfo", retry_info(2, 5));
  RpcStatus s;
  ASSERT_TRUE(decode_rpc_status(in, s).ok());
  EXPECT_EQ(s.code, 14);
  EXPECT_EQ(s.message, "busy");
  ASSERT_TRUE(s.retry_delay_ns.has_value());
  EXPECT_EQ(*s.retry_delay_ns, 2'000'000'005u);
}

TEST(RpcStatus, NoDetailsMeansNoDelay) {
  RpcStatus s;
  ASSERT_TRUE(decode_rpc_status(bytes({0x08, 8}), s).ok());
  EXPECT_EQ(s.code, 8);
  EXPECT_FALSE(s.retry_delay_ns.has_value());
  ASSERT_TRUE(decode_rpc_status("", s).ok());
  EXPECT_EQ(s.code, 0);
}

TEST(RpcStatus, OtherDetailTypesAreSkippedAndFirstRetryInfoWins) {
  const std::string in = detail("type.googleapis.com/google.rpc.DebugInfo", bytes({0x12, 1, 'x'})) +
                         detail("example.com/google.rpc.RetryInfo", retry_info(1, 0)) +
                         detail("type.googleapis.com/google.rpc.RetryInfo", retry_info(9, 0));
  RpcStatus s;
  ASSERT_TRUE(decode_rpc_status(in, s).ok());
  ASSERT_TRUE(s.retry_delay_ns.has_value());
  EXPECT_EQ(*s.retry_delay_ns, 1'000'000'000u);
}

TEST(RpcStatus, TypeUrlAfterValueAndEmptyDelay) {
  // value first, then type_url; an empty RetryInfo is a delay of zero.
  std::string any = bytes({0x12, 0});
  const std::string url = "type.googleapis.com/google.rpc.RetryInfo";
  any.push_back(0x0a);
  any.push_back(static_cast<char>(url.size()));
  any += url;
  const std::string in = bytes({0x1a, static_cast<int>(any.size())}) + any;
  RpcStatus s;
  ASSERT_TRUE(decode_rpc_status(in, s).ok());
  ASSERT_TRUE(s.retry_delay_ns.has_value());
  EXPECT_EQ(*s.retry_delay_ns, 0u);
}

TEST(RpcStatus, NegativeDelayIsZeroAndHugeDelaySaturates) {
  // seconds = -1 (int64, ten-byte varint)
  const std::string negative = bytes({0x0a, 11, 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01});
  RpcStatus s;
  ASSERT_TRUE(decode_rpc_status(detail("type.googleapis.com/google.rpc.RetryInfo", negative), s).ok());
  EXPECT_EQ(*s.retry_delay_ns, 0u);
  // seconds = 2^62
  const std::string huge = bytes({0x0a, 10, 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40});
  ASSERT_TRUE(decode_rpc_status(detail("type.googleapis.com/google.rpc.RetryInfo", huge), s).ok());
  EXPECT_EQ(*s.retry_delay_ns, kRetryAfterMaxSeconds * 1'000'000'000u);
}

TEST(RpcStatus, MalformedInputIsAnErrorValue) {
  RpcStatus s;
  EXPECT_EQ(decode_rpc_status(bytes({0x08}), s).error, DecodeError::truncated);
  EXPECT_EQ(decode_rpc_status(bytes({0x12, 5, 'a'}), s).error, DecodeError::length_past_end);
  EXPECT_EQ(decode_rpc_status(bytes({0x0a, 0}), s).error, DecodeError::wrong_wire_type);  // code as bytes
  EXPECT_EQ(decode_rpc_status(bytes({0x0f}), s).error, DecodeError::bad_wire_type);
  // A RetryInfo whose Duration.seconds is a string.
  const std::string bad = bytes({0x0a, 3, 0x0a, 1, 'x'});
  EXPECT_EQ(decode_rpc_status(detail("type.googleapis.com/google.rpc.RetryInfo", bad), s).error,
            DecodeError::wrong_wire_type);
  // The same bytes under another type are not looked at.
  EXPECT_TRUE(decode_rpc_status(detail("type.googleapis.com/google.rpc.Help", bad), s).ok());
}

TEST(RpcStatus, EncodeIsTheBytesTheDecoderReads) {
  RpcStatus in;
  in.code = 14;
  in.message = "busy";
  in.retry_delay_ns = 2'000'000'005;
  std::string out;
  encode_rpc_status(in, out);
  EXPECT_EQ(out, bytes({0x08, 14, 0x12, 4, 'b', 'u', 's', 'y'}) +
                     detail("type.googleapis.com/google.rpc.RetryInfo", retry_info(2, 5)));
  RpcStatus back;
  ASSERT_TRUE(decode_rpc_status(out, back).ok());
  EXPECT_EQ(back.code, 14);
  EXPECT_EQ(back.message, "busy");
  EXPECT_EQ(back.retry_delay_ns, in.retry_delay_ns);

  // A zero delay still carries the RetryInfo (its presence makes RESOURCE_EXHAUSTED retryable).
  in.retry_delay_ns = 0;
  out.clear();
  encode_rpc_status(in, out);
  ASSERT_TRUE(decode_rpc_status(out, back).ok());
  EXPECT_EQ(back.retry_delay_ns, std::optional<std::uint64_t>(0));
  in.retry_delay_ns.reset();
  out.clear();
  encode_rpc_status(in, out);
  EXPECT_EQ(out, bytes({0x08, 14, 0x12, 4, 'b', 'u', 's', 'y'}));
}

TEST(RpcStatus, NegativeCodeRoundTrips) {
  RpcStatus in;
  in.code = -3;
  std::string out;
  encode_rpc_status(in, out);
  EXPECT_EQ(out.size(), 11u);  // tag + ten-byte varint, as protobuf writes a negative int32
  RpcStatus back;
  ASSERT_TRUE(decode_rpc_status(out, back).ok());
  EXPECT_EQ(back.code, -3);
}

// The JSON mapping, as an OTLP/HTTP server answers a failed JSON request.
TEST(RpcStatus, JsonCodeAndMessage) {
  RpcStatus s;
  ASSERT_TRUE(decode_rpc_status_json(R"({"code":16,"message":"who are you","details":[{"@type":"x"}]})", s).ok());
  EXPECT_EQ(s.code, 16);
  EXPECT_EQ(s.message, "who are you");
  EXPECT_FALSE(s.retry_delay_ns.has_value());
  ASSERT_TRUE(decode_rpc_status_json(R"({"message":null,"code":"-3"})", s).ok());
  EXPECT_EQ(s.code, -3);
  EXPECT_EQ(s.message, "");
  EXPECT_EQ(decode_rpc_status_json(R"({"code":2147483648})", s).error, DecodeError::bad_value);
  EXPECT_EQ(decode_rpc_status_json(R"({"message":7})", s).error, DecodeError::bad_value);
  EXPECT_EQ(decode_rpc_status_json("not json", s).error, DecodeError::bad_json);
  EXPECT_EQ(decode_rpc_status_json("[]", s).error, DecodeError::bad_value);
}

}  // namespace
}  // namespace otlp
