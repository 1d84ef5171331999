#include <gtest/gtest.h>

#include "otlp/model/ids.hpp"

namespace otlp {
namespace {

TEST(Ids, HexRoundTripIsLowercase) {
  auto id = TraceId::from_hex("4BF92F3577B34DA6A3CE929D0E0E4736");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(id->bytes[0], 0x4b);
  EXPECT_EQ(id->bytes[15], 0x36);
  auto span = SpanId::from_hex("00f067aa0ba902b7");
  ASSERT_TRUE(span);
  EXPECT_EQ(span->to_hex(), "00f067aa0ba902b7");
}

TEST(Ids, RejectsWrongLengthAndNonHex) {
  EXPECT_FALSE(TraceId::from_hex(""));
  EXPECT_FALSE(TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e473"));    // 31
  EXPECT_FALSE(TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e47360"));  // 33
  EXPECT_FALSE(TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e473g"));
  EXPECT_FALSE(SpanId::from_hex("00f067aa0ba902b"));
  EXPECT_FALSE(SpanId::from_hex("00f067aa0ba902b7 "));
  EXPECT_FALSE(SpanId::from_hex("-0f067aa0ba902b7"));
}

TEST(Ids, AllZeroIsInvalid) {
  EXPECT_FALSE(TraceId{}.valid());
  EXPECT_FALSE(SpanId{}.valid());
  auto zero = TraceId::from_hex("00000000000000000000000000000000");
  ASSERT_TRUE(zero);  // parses, but is not a valid id
  EXPECT_FALSE(zero->valid());
  auto last_bit = SpanId::from_hex("0000000000000001");
  ASSERT_TRUE(last_bit);
  EXPECT_TRUE(last_bit->valid());
}

TEST(Ids, FromBytesNeedsExactLength) {
  EXPECT_TRUE(SpanId::from_bytes(std::string_view("\x01\x02\x03\x04\x05\x06\x07\x08", 8)));
  EXPECT_FALSE(SpanId::from_bytes(std::string_view("\x01\x02\x03", 3)));
  EXPECT_FALSE(TraceId::from_bytes(std::string_view("0123456789abcdef0", 17)));
}

}  // namespace
}  // namespace otlp
