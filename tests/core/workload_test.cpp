#include <gtest/gtest.h>

#include "otlp/wire/proto_writer.hpp"
#include "otlp/workload/workload.hpp"

namespace otlp {
namespace {

TEST(Workload, StandardSpanMatchesTheSpec) {
  auto req = workload::standard_request(20, 7);
  ASSERT_EQ(req.resource_spans.size(), 1u);
  const auto& rs = req.resource_spans[0];
  EXPECT_EQ(rs.resource.attributes.size(), 5u);
  ASSERT_EQ(rs.scope_spans.size(), 1u);
  EXPECT_EQ(rs.scope_spans[0].scope.name, "bench");
  EXPECT_EQ(rs.scope_spans[0].scope.version, "1.0.0");
  const auto& spans = rs.scope_spans[0].spans;
  ASSERT_EQ(spans.size(), 20u);
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const auto& s = spans[i];
    EXPECT_TRUE(s.trace_id.valid() && s.span_id.valid() && s.parent_span_id.valid());
    EXPECT_EQ(s.kind, SpanKind::server);
    EXPECT_EQ(s.end_time_unix_nano - s.start_time_unix_nano, 1'500'000u);
    EXPECT_EQ(s.attributes.size(), 8u);
    EXPECT_EQ(s.events.size(), 1u);
    EXPECT_EQ(s.links.size(), 1u);
    EXPECT_EQ(s.flags, 1u);
    EXPECT_EQ(s.status.code, i % 10 == 9 ? StatusCode::error : StatusCode::unset);
  }
  EXPECT_EQ(spans[9].status.message, "upstream timeout");
}

TEST(Workload, DeterministicPerSeed) {
  EXPECT_EQ(workload::standard_request(5, 3), workload::standard_request(5, 3));
  EXPECT_NE(workload::standard_request(5, 3), workload::standard_request(5, 4));
}

TEST(Workload, EncodesToAbout520BytesPerSpan) {
  std::string out;
  encode_trace_request(workload::standard_request(512, 1), out);
  const double per_span = static_cast<double>(out.size()) / 512;
  EXPECT_GT(per_span, 510);
  EXPECT_LT(per_span, 530);
}

TEST(Workload, RestampingOneSpanGivesEachStandardSpan) {
  Random built(11), restamped(11);
  SpanData span = workload::standard_span(restamped, 0);
  EXPECT_EQ(span, workload::standard_span(built, 0));
  for (std::uint64_t i = 1; i < 25; ++i) {
    workload::restamp_standard_span(span, restamped, i);
    EXPECT_EQ(span, workload::standard_span(built, i)) << i;
  }
}

TEST(Workload, StandardSpansBytesIsWhatTheirEncodingsTake) {
  for (std::uint64_t seed : {1u, 2u, 99u}) {
    const auto request = workload::standard_request(35, seed);
    std::size_t total = 0;
    for (std::uint64_t count = 0; count <= 35; ++count) {
      EXPECT_EQ(workload::standard_spans_bytes(count), total) << count << " spans, seed " << seed;
      if (count == 35) break;
      std::string one;
      encode_span_field(request.resource_spans[0].scope_spans[0].spans[count], one);
      total += one.size();
    }
  }
  // Far indices have the same sizes: their times are fixed64.
  Random rng(5);
  std::string near, far;
  encode_span_field(workload::standard_span(rng, 0), near);
  encode_span_field(workload::standard_span(rng, 9'999'990), far);
  EXPECT_EQ(near.size(), far.size());
}

}  // namespace
}  // namespace otlp
