// Byte-level checks of the protobuf writer. Field-by-field conformance with protobuf-lite is
// in conformance_test.cpp; these pin down the encoding rules one at a time.
#include <gtest/gtest.h>

#include "otlp/wire/proto_writer.hpp"
#include "otlp/workload/workload.hpp"

namespace otlp {
namespace {

std::string hex(const std::string& bytes) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (unsigned char c : bytes) {
    s += d[c >> 4];
    s += d[c & 15];
  }
  return s;
}

std::string encode(const TraceRequest& r) {
  std::string out;
  encode_trace_request(r, out);
  return out;
}

TraceRequest one_span(SpanData s) {
  TraceRequest r;
  r.resource_spans.emplace_back().scope_spans.emplace_back().spans.push_back(std::move(s));
  return r;
}

TEST(ProtoWriter, EmptyRequestIsEmpty) { EXPECT_EQ(encode(TraceRequest{}), ""); }

TEST(ProtoWriter, DefaultSpanIsAllOmittedButKind) {
  SpanData s;
  s.kind = SpanKind::unspecified;
  // resource_spans{ scope_spans{ spans{} } }: no resource, no scope, no fields.
  EXPECT_EQ(hex(encode(one_span(s))), "0a0412021200");
}

TEST(ProtoWriter, ScalarFieldsInFieldOrder) {
  SpanData s;
  s.trace_id.bytes[15] = 1;
  s.span_id.bytes[7] = 2;
  s.name = "n";
  s.kind = SpanKind::client;
  s.start_time_unix_nano = 1;
  s.end_time_unix_nano = 0x0102030405060708ULL;
  s.dropped_attributes_count = 300;
  s.flags = 0x301;
  const std::string body = hex(encode(one_span(s))).substr(12);  // past the 3 envelope headers
  EXPECT_EQ(body,
            "0a1000000000000000000000000000000001"  // trace_id
            "12080000000000000002"                  // span_id
            "2a016e"                                // name
            "3003"                                  // kind CLIENT
            "390100000000000000"                    // start fixed64
            "410807060504030201"                    // end fixed64
            "50ac02"                                // dropped_attributes_count 300
            "850101030000");                        // flags: tag 16/fixed32 is two bytes
}

TEST(ProtoWriter, OneofDefaultsAreWritten) {
  SpanData s;
  s.kind = SpanKind::unspecified;
  s.attributes = {{"b", false}, {"i", 0}, {"s", ""}, {"e", AnyValue{}}};
  std::string out = hex(encode(one_span(s)));
  EXPECT_NE(out.find("4a070a0162120210" "00"), std::string::npos);  // bool_value false
  EXPECT_NE(out.find("4a070a0169120218" "00"), std::string::npos);  // int_value 0
  EXPECT_NE(out.find("4a070a017312020a" "00"), std::string::npos);  // string_value ""
  EXPECT_NE(out.find("4a050a01651200"), std::string::npos);          // empty AnyValue
}

TEST(ProtoWriter, NegativeIntIsTenByteVarintAndDoubleIsFixed64) {
  SpanData s;
  s.kind = SpanKind::unspecified;
  s.attributes = {{"", -1}, {"", 1.5}};
  std::string out = hex(encode(one_span(s)));
  EXPECT_NE(out.find("4a0d120b18ffffffffffffffffff01"), std::string::npos);
  EXPECT_NE(out.find("4a0b120921000000000000f83f"), std::string::npos);
}

TEST(ProtoWriter, LongMessagesGetMultiByteLengths) {
  // 100 B, 200 B and 20,000 B names push the span length over 1-, 2- and 3-byte varints.
  for (std::size_t n : {100u, 200u, 20000u}) {
    SpanData s;
    s.kind = SpanKind::unspecified;
    s.name.assign(n, 'x');
    s.attributes.push_back({"arr", AnyValue::array_of({std::string(n, 'y'), AnyValue::kvlist_of({{"k", std::string(n, 'z')}})})});
    std::string out = encode(one_span(s));
    // Walk the envelope by hand: every length must equal what follows it.
    std::size_t pos = 0;
    auto read_len = [&](std::size_t& p) {
      std::uint64_t v = 0;
      for (int shift = 0;; shift += 7) {
        auto b = static_cast<unsigned char>(out[p++]);
        v |= std::uint64_t{b & 0x7fu} << shift;
        if (b < 0x80) return v;
      }
    };
    for (char expected_tag : {'\x0a', '\x12', '\x12'}) {  // resource_spans, scope_spans, spans
      ASSERT_EQ(out[pos++], expected_tag);
      const std::uint64_t len = read_len(pos);
      EXPECT_EQ(len, out.size() - pos) << "n=" << n;
    }
    ASSERT_EQ(out[pos++], 0x2a);  // name
    const std::uint64_t name_len = read_len(pos);
    EXPECT_EQ(name_len, n);
  }
}

TEST(ProtoWriter, ConcatenatedSpanFieldsEqualWholeRequest) {
  TraceRequest r;
  auto& rs = r.resource_spans.emplace_back();
  rs.resource.attributes = {{"service.name", "svc"}};
  auto& ss = rs.scope_spans.emplace_back();
  ss.scope.name = "lib";
  for (int i = 0; i < 3; ++i) {
    SpanData s;
    s.name = "span" + std::to_string(i);
    s.span_id.bytes[0] = static_cast<std::uint8_t>(i + 1);
    ss.spans.push_back(s);
  }
  std::string spans;
  for (const auto& s : ss.spans) encode_span_field(s, spans);
  std::string joined;
  encode_trace_request(rs.resource, ss.scope, spans, joined);
  EXPECT_EQ(hex(joined), hex(encode(r)));
}

TEST(ProtoWriter, HeadThenSpansIsTheWholeRequest) {
  const TraceRequest r = workload::standard_request(300, 4);  // over 128 KiB: 3-byte lengths
  const auto& rs = r.resource_spans[0];
  std::string spans;
  for (const auto& s : rs.scope_spans[0].spans) encode_span_field(s, spans);
  std::string streamed = "prefix";
  encode_trace_request_head(rs.resource, rs.scope_spans[0].scope, spans.size(), streamed);
  streamed += spans;
  EXPECT_EQ(streamed, "prefix" + encode(r));
}

TEST(ProtoWriter, AppendsWithoutTouchingWhatIsThere) {
  std::string out = "prefix";
  SpanData s;
  s.name = "x";
  encode_trace_request(one_span(s), out);
  EXPECT_EQ(out.substr(0, 6), "prefix");
  EXPECT_EQ(out.substr(6), encode(one_span(s)));
}

TEST(ProtoWriter, ResponseWithAndWithoutPartialSuccess) {
  std::string out;
  encode_trace_response(nullptr, out);
  EXPECT_EQ(out, "");
  PartialSuccess p{3, "bad"};
  encode_trace_response(&p, out);
  EXPECT_EQ(hex(out), "0a07080312036261" "64");
  out.clear();
  PartialSuccess empty{};
  encode_trace_response(&empty, out);
  EXPECT_EQ(hex(out), "0a00");
}

}  // namespace
}  // namespace otlp
