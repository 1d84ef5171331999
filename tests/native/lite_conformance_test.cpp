// The core's protobuf writer and reader against protobuf-lite, live (native only):
//   (a) core bytes parse with lite and map back to the original model,
//   (b) lite bytes decode with the core to the original model,
//   (c) core bytes and lite bytes are identical.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "lite_mapping.hpp"
#include "otlp/wire/proto_reader.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/workload/workload.hpp"
#include "support/compare.hpp"
#include "support/random_request.hpp"

namespace otlp::testing {
namespace {

using lite::pb_collector::ExportTraceServiceRequest;
using lite::pb_collector::ExportTraceServiceResponse;

std::string hex_prefix_at(const std::string& a, const std::string& b) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return "sizes " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) + ", first differing byte at offset " +
         std::to_string(i);
}

std::string core_encode(const TraceRequest& r) {
  std::string out;
  encode_trace_request(r, out);
  return out;
}

// (a) core → lite → model.
void expect_lite_reads_core(const TraceRequest& original, const std::string& core_bytes) {
  ExportTraceServiceRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(core_bytes)) << "protobuf-lite refused the core's bytes";
  std::string error;
  auto back = lite::from_lite(parsed, &error);
  ASSERT_TRUE(back.has_value()) << error;
  EXPECT_EQ(first_difference(original, *back), "");
}

// (b) lite → core → model.
void expect_core_reads_lite(const TraceRequest& original, const std::string& lite_bytes) {
  TraceRequest decoded;
  const DecodeStatus st = decode_trace_request(lite_bytes, decoded);
  ASSERT_TRUE(st.ok()) << "core decode of lite bytes failed: " << st.message() << " at offset " << st.offset;
  EXPECT_EQ(first_difference(original, decoded), "");
}

void check_all_directions(const TraceRequest& original) {
  const std::string core_bytes = core_encode(original);
  auto lite_bytes = lite::serialize_with_lite(original);
  ASSERT_TRUE(lite_bytes.has_value()) << "protobuf-lite failed to serialize";
  {
    SCOPED_TRACE("(a) core bytes read by protobuf-lite");
    expect_lite_reads_core(original, core_bytes);
  }
  {
    SCOPED_TRACE("(b) protobuf-lite bytes read by the core");
    expect_core_reads_lite(original, *lite_bytes);
  }
  {
    SCOPED_TRACE("(c) byte equality");
    EXPECT_TRUE(core_bytes == *lite_bytes) << hex_prefix_at(core_bytes, *lite_bytes);
  }
}

// ---- random requests ----------------------------------------------------------------------

class LiteConformanceRandom : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(LiteConformanceRandom, ThousandSpansAllDirections) {
  RandomRequestOptions options;
  options.spans = 1000;
  const TraceRequest original = random_request(GetParam(), options);
  ASSERT_EQ(span_count(original), 1000u);
  check_all_directions(original);
}

TEST_P(LiteConformanceRandom, SmallShapesAllDirections) {
  // Odd shapes: a single resource and scope, no huge values, deep nesting, few spans.
  RandomRequestOptions options;
  options.spans = 50;
  options.resources = 1;
  options.scopes_per_resource = 1;
  options.max_nesting = 6;
  options.huge_values = false;
  check_all_directions(random_request(GetParam() ^ 0x5eed, options));
}

INSTANTIATE_TEST_SUITE_P(Seeds, LiteConformanceRandom,
                         ::testing::Values(std::uint64_t{1}, std::uint64_t{42}, std::uint64_t{20261121},
                                           std::uint64_t{0xfeedfacecafebeefULL}));

TEST(LiteConformance, StandardWorkload512AllDirections) {
  check_all_directions(workload::standard_request(512, 1));
}

TEST(LiteConformance, EmptyRequest) {
  check_all_directions(TraceRequest{});
}

// encode_span_field + the pre-encoded-spans overload equals lite's whole request.
TEST(LiteConformance, PreEncodedSpansMatchLite) {
  const TraceRequest original = workload::standard_request(64, 7);
  ASSERT_EQ(original.resource_spans.size(), 1u);
  ASSERT_EQ(original.resource_spans[0].scope_spans.size(), 1u);
  const auto& rs = original.resource_spans[0];
  const auto& ss = rs.scope_spans[0];
  ASSERT_TRUE(rs.schema_url.empty() && ss.schema_url.empty()) << "the pre-encoded overload writes no schema_url";
  std::string spans;
  for (const auto& s : ss.spans) encode_span_field(s, spans);
  std::string core_bytes;
  encode_trace_request(rs.resource, ss.scope, spans, core_bytes);
  auto lite_bytes = lite::serialize_with_lite(original);
  ASSERT_TRUE(lite_bytes.has_value());
  EXPECT_TRUE(core_bytes == *lite_bytes) << hex_prefix_at(core_bytes, *lite_bytes);
}

// ---- responses -----------------------------------------------------------------------------

TEST(LiteConformance, ResponseBothDirections) {
  struct Case {
    bool present;
    std::int64_t rejected;
    std::string message;
  };
  const Case cases[] = {{false, 0, ""},
                        {true, 0, ""},
                        {true, 0, "warning: attribute truncated"},
                        {true, 3, "3 spans rejected"},
                        {true, std::numeric_limits<std::int64_t>::max(), "x"},
                        {true, -1, ""}};
  for (const auto& c : cases) {
    SCOPED_TRACE("rejected=" + std::to_string(c.rejected) + " message=" + c.message +
                 (c.present ? "" : " (absent)"));
    PartialSuccess ps{c.rejected, c.message};
    std::string core_bytes;
    encode_trace_response(c.present ? &ps : nullptr, core_bytes);

    ExportTraceServiceResponse lite_msg;
    if (c.present) {
      lite_msg.mutable_partial_success()->set_rejected_spans(c.rejected);
      lite_msg.mutable_partial_success()->set_error_message(c.message);
    }
    std::string lite_bytes;
    ASSERT_TRUE(lite_msg.SerializeToString(&lite_bytes));
    EXPECT_TRUE(core_bytes == lite_bytes) << hex_prefix_at(core_bytes, lite_bytes);

    ExportTraceServiceResponse parsed;
    ASSERT_TRUE(parsed.ParseFromString(core_bytes));
    EXPECT_EQ(parsed.has_partial_success(), c.present);
    EXPECT_EQ(parsed.partial_success().rejected_spans(), c.present ? c.rejected : 0);
    EXPECT_EQ(parsed.partial_success().error_message(), c.present ? c.message : "");

    std::optional<PartialSuccess> decoded;
    ASSERT_TRUE(decode_trace_response(lite_bytes, decoded).ok());
    ASSERT_EQ(decoded.has_value(), c.present);
    if (c.present) {
      EXPECT_EQ(*decoded, ps);
    }
  }
}

// ---- hand-picked edge values ---------------------------------------------------------------

TraceRequest edge_request() {
  constexpr auto u64max = std::numeric_limits<std::uint64_t>::max();
  constexpr auto u32max = std::numeric_limits<std::uint32_t>::max();
  constexpr auto i64min = std::numeric_limits<std::int64_t>::min();
  constexpr auto i64max = std::numeric_limits<std::int64_t>::max();
  const std::string four_byte = "\xf0\x9f\x99\x82\xf0\x9f\x98\x80";  // 🙂😀

  TraceRequest r;
  auto& rs = r.resource_spans.emplace_back();
  rs.resource.attributes = {{"service.name", four_byte}, {"", AnyValue{}}};
  rs.resource.dropped_attributes_count = u32max;
  rs.schema_url = four_byte;
  auto& ss = rs.scope_spans.emplace_back();
  ss.scope.name = "scope";
  ss.scope.dropped_attributes_count = u32max;

  SpanData s;
  for (auto& b : s.trace_id.bytes) b = 0xff;
  for (auto& b : s.span_id.bytes) b = 0xff;
  s.parent_span_id.bytes[0] = 1;  // leading nonzero, rest zero
  s.trace_state = "k=v," + four_byte;
  s.name = four_byte;
  s.kind = SpanKind::consumer;
  s.start_time_unix_nano = u64max;
  s.end_time_unix_nano = u64max;
  double signaling_like_nan;
  const std::uint64_t nan_bits = 0x7ff8dead0000beefULL;  // a quiet NaN with a payload
  static_assert(sizeof signaling_like_nan == sizeof nan_bits);
  __builtin_memcpy(&signaling_like_nan, &nan_bits, sizeof nan_bits);
  s.attributes = {
      {"int.min", AnyValue(static_cast<long long>(i64min))},
      {"int.max", AnyValue(static_cast<long long>(i64max))},
      {"int.zero", AnyValue(0)},
      {"int.minus1", AnyValue(-1)},
      {"dbl.negzero", AnyValue(-0.0)},
      {"dbl.zero", AnyValue(0.0)},
      {"dbl.nan", AnyValue(std::numeric_limits<double>::quiet_NaN())},
      {"dbl.nan.payload", AnyValue(signaling_like_nan)},
      {"dbl.inf", AnyValue(-std::numeric_limits<double>::infinity())},
      {"dbl.denorm", AnyValue(std::numeric_limits<double>::denorm_min())},
      {"bool.false", AnyValue(false)},
      {"bool.true", AnyValue(true)},
      {"str.empty", AnyValue(std::string())},
      {"bytes.empty", AnyValue::bytes("")},
      {"bytes.zeros", AnyValue::bytes(std::string("\0\0\xff", 3))},
      {"empty", AnyValue{}},
      {"", AnyValue("empty key")},
      {four_byte, AnyValue(four_byte)},
      {"array.empty", AnyValue::array_of({})},
      {"kvlist.empty", AnyValue::kvlist_of({})},
      {"array.of.empties", AnyValue::array_of({AnyValue{}, AnyValue(std::string()), AnyValue::bytes(""),
                                               AnyValue::array_of({}), AnyValue::kvlist_of({})})},
      {"kvlist.nested",
       AnyValue::kvlist_of({{"", AnyValue{}},
                            {"a", AnyValue::array_of({AnyValue::kvlist_of({{"deep", AnyValue(-0.0)}})})}})},
  };
  s.dropped_attributes_count = u32max;
  Event e0;  // all default
  Event e1;
  e1.time_unix_nano = u64max;
  e1.name = four_byte;
  e1.attributes = {{"e", AnyValue(static_cast<long long>(i64min))}};
  e1.dropped_attributes_count = u32max;
  s.events = {e0, e1};
  s.dropped_events_count = u32max;
  Link l0;  // all default, zero ids
  Link l1;
  for (auto& b : l1.trace_id.bytes) b = 0x80;
  l1.span_id.bytes[7] = 1;
  l1.trace_state = four_byte;
  l1.attributes = {{"l", AnyValue{}}};
  l1.dropped_attributes_count = u32max;
  l1.flags = u32max;
  s.links = {l0, l1};
  s.dropped_links_count = u32max;
  s.status.code = StatusCode::error;
  s.status.message = four_byte;
  s.flags = u32max;
  ss.spans.push_back(s);

  // Status with only a message, and only a code; a span of nothing but defaults.
  SpanData only_message;
  only_message.status.message = "m";
  ss.spans.push_back(only_message);
  SpanData only_code;
  only_code.status.code = StatusCode::ok;
  ss.spans.push_back(only_code);
  SpanData defaults;
  defaults.kind = SpanKind::unspecified;
  ss.spans.push_back(defaults);

  // A resource and a scope with nothing set, and a scope with only a version.
  auto& bare = r.resource_spans.emplace_back();
  bare.scope_spans.emplace_back();
  bare.scope_spans.emplace_back().scope.version = "1.0";
  return r;
}

TEST(LiteConformance, EdgeValuesAllDirections) {
  check_all_directions(edge_request());
}

TEST(LiteConformance, EdgeValuesKeepBitsThroughLite) {
  // Spot checks straight on the lite message, independent of first_difference.
  const TraceRequest original = edge_request();
  ExportTraceServiceRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(core_encode(original)));
  const auto& span = parsed.resource_spans(0).scope_spans(0).spans(0);
  EXPECT_EQ(span.start_time_unix_nano(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(span.flags(), std::numeric_limits<std::uint32_t>::max());
  EXPECT_EQ(span.attributes(0).value().int_value(), std::numeric_limits<std::int64_t>::min());
  EXPECT_TRUE(std::signbit(span.attributes(4).value().double_value()));
  EXPECT_TRUE(std::isnan(span.attributes(6).value().double_value()));
  EXPECT_EQ(span.attributes(12).value().value_case(), lite::pb_common::AnyValue::kStringValue);
  EXPECT_EQ(span.attributes(13).value().value_case(), lite::pb_common::AnyValue::kBytesValue);
  EXPECT_TRUE(span.attributes(15).has_value());
  EXPECT_EQ(span.attributes(15).value().value_case(), lite::pb_common::AnyValue::VALUE_NOT_SET);
  EXPECT_EQ(span.attributes(18).value().value_case(), lite::pb_common::AnyValue::kArrayValue);
  EXPECT_EQ(span.attributes(19).value().value_case(), lite::pb_common::AnyValue::kKvlistValue);
  EXPECT_EQ(span.name(), "\xf0\x9f\x99\x82\xf0\x9f\x98\x80");
  EXPECT_FALSE(parsed.resource_spans(0).scope_spans(0).spans(3).has_status());
  EXPECT_FALSE(parsed.resource_spans(1).has_resource());
  EXPECT_FALSE(parsed.resource_spans(1).scope_spans(0).has_scope());
  EXPECT_TRUE(parsed.resource_spans(1).scope_spans(1).has_scope());
}

// The oracle must itself notice differences, or every test above could pass vacuously.
TEST(LiteConformance, FirstDifferenceReportsPathAndValues) {
  TraceRequest a = edge_request();
  TraceRequest b = a;
  EXPECT_EQ(first_difference(a, b), "");
  b.resource_spans[0].scope_spans[0].spans[0].attributes[4].value.double_value = 0.0;
  EXPECT_EQ(first_difference(a, b),
            "resource_spans[0].scope_spans[0].spans[0].attributes[4].value.double_value: -0 vs 0");
  b = a;
  b.resource_spans[0].scope_spans[0].spans[0].links.pop_back();
  EXPECT_EQ(first_difference(a, b), "resource_spans[0].scope_spans[0].spans[0].links.size(): 2 vs 1");
  b = a;
  b.resource_spans[0].scope_spans[0].spans[0].attributes[14].value.str[2] = '\x01';
  EXPECT_EQ(first_difference(a, b),
            "resource_spans[0].scope_spans[0].spans[0].attributes[14].value.bytes_value: 0x0000ff vs 0x000001");
}

}  // namespace
}  // namespace otlp::testing
