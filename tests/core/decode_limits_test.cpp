// DecodeLimits: what a request may decode into, in both readers (protobuf and JSON) and the
// validating pass. Each limit at its boundary, the defaults against real requests and against
// bodies of empty attributes (2 bytes each in protobuf, a KeyValue of over a hundred bytes in
// the model).
#include <gtest/gtest.h>

#include "support/proto_bytes.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "otlp/json/json.hpp"
#include "otlp/wire/proto_reader.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/workload/workload.hpp"
#include "support/compare.hpp"
#include "support/files.hpp"
#include "support/random_request.hpp"

namespace otlp {
namespace {

using testing::validator_difference;

using testing::field;

// A request holding these spans (their bodies) under one resource and scope.
std::string request_of(const std::vector<std::string>& spans) {
  std::string scope_spans;
  for (const std::string& s : spans) scope_spans += field(2, s);
  return field(1, field(2, scope_spans));
}

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t k = 0; k < n; ++k) out += s;
  return out;
}

const std::string kEmptyAttribute = field(9, "");  // a span's KeyValue with no key and no value

DecodeOptions with(const DecodeLimits& limits) {
  DecodeOptions o;
  o.limits = limits;
  return o;
}
DecodeLimits unlimited() {
  constexpr std::uint64_t kMax = ~std::uint64_t{0};
  return DecodeLimits{kMax, kMax, kMax, kMax};
}

DecodeStatus proto(const std::string& bytes, const DecodeLimits& limits) {
  EXPECT_EQ(validator_difference(bytes, with(limits)), "");
  TraceRequest r;
  return decode_trace_request(bytes, r, with(limits));
}
DecodeStatus json(const std::string& text, const DecodeLimits& limits) {
  TraceRequest r;
  return decode_trace_request_json(text, r, with(limits));
}
std::string json_of(const std::string& proto_bytes) {
  TraceRequest r;
  EXPECT_TRUE(decode_trace_request(proto_bytes, r, with(unlimited())).ok());
  std::string out;
  encode_trace_request_json(r, out);
  return out;
}

::testing::AssertionResult refused(const DecodeStatus& st, DecodeError error) {
  if (st.error == error && st.over_limit()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "got " << st.message() << " at " << st.offset;
}

TEST(DecodeLimits, RecordsAreSpansEventsAndLinks) {
  // 6 records: a span with an event and a link, a span with two events.
  const std::string bytes = request_of({field(11, "") + field(13, ""), field(11, "") + field(11, "")});
  DecodeLimits l = unlimited();
  l.records = 6;
  EXPECT_TRUE(proto(bytes, l).ok());
  EXPECT_TRUE(json(json_of(bytes), l).ok());
  l.records = 5;
  const DecodeStatus st = proto(bytes, l);
  EXPECT_TRUE(refused(st, DecodeError::too_many_records));
  EXPECT_EQ(st.offset, bytes.size() - 2);  // the tag of the last event
  EXPECT_TRUE(refused(json(json_of(bytes), l), DecodeError::too_many_records));
  l.records = 0;
  EXPECT_TRUE(refused(proto(bytes, l), DecodeError::too_many_records));
  EXPECT_TRUE(proto(request_of({}), l).ok());  // no span, no record
}

TEST(DecodeLimits, AttributesCountEveryKeyValueAndArrayValue) {
  // 6: a span's KeyValue holding an array of two values, a link's KeyValue, a resource's.
  const std::string array = field(5, field(1, "") + field(1, ""));
  const std::string span = field(9, field(2, array)) + field(13, field(4, ""));
  const std::string bytes = field(1, field(1, field(1, "")) + field(2, field(2, span)));
  // ...and an event's KeyValue in a kvlist: 2 more.
  const std::string more = request_of({field(11, field(3, field(2, field(6, field(1, "")))))});
  DecodeLimits l = unlimited();
  l.attributes = 5;
  EXPECT_TRUE(proto(bytes, l).ok());
  EXPECT_TRUE(json(json_of(bytes), l).ok());
  l.attributes = 4;
  EXPECT_TRUE(refused(proto(bytes, l), DecodeError::too_many_attributes));
  EXPECT_TRUE(refused(json(json_of(bytes), l), DecodeError::too_many_attributes));
  l.attributes = 2;
  EXPECT_TRUE(proto(more, l).ok());
  l.attributes = 1;
  EXPECT_TRUE(refused(proto(more, l), DecodeError::too_many_attributes));
  EXPECT_TRUE(refused(json(json_of(more), l), DecodeError::too_many_attributes));
}

TEST(DecodeLimits, AttributesPerElement) {
  // A span with 3 KeyValues, an array of 3 values, a scope with 3 KeyValues.
  const std::string three = repeat(kEmptyAttribute, 3);
  const std::string array = request_of({field(9, field(2, field(5, repeat(field(1, ""), 3))))});
  const std::string scope = field(1, field(2, field(1, repeat(field(3, ""), 3))));
  for (const std::string& bytes : {request_of({three}), array, scope}) {
    DecodeLimits l = unlimited();
    l.attributes_per_element = 3;
    EXPECT_TRUE(proto(bytes, l).ok());
    EXPECT_TRUE(json(json_of(bytes), l).ok());
    l.attributes_per_element = 2;
    EXPECT_TRUE(refused(proto(bytes, l), DecodeError::too_many_attributes_in_element));
    EXPECT_TRUE(refused(json(json_of(bytes), l), DecodeError::too_many_attributes_in_element));
  }
  // Per element, not in total: two spans of 3 each.
  DecodeLimits l = unlimited();
  l.attributes_per_element = 3;
  EXPECT_TRUE(proto(request_of({three, three}), l).ok());
  const DecodeStatus st = proto(request_of({three + kEmptyAttribute}), l);
  EXPECT_TRUE(refused(st, DecodeError::too_many_attributes_in_element));
  EXPECT_EQ(st.offset, request_of({three + kEmptyAttribute}).size() - 2);
}

TEST(DecodeLimits, DecodedBytesAreTheModelsSize) {
  // One span with three empty KeyValues and a name: the request's model, counted by hand.
  const std::string bytes = request_of({repeat(kEmptyAttribute, 3) + field(5, "abc")});
  const std::uint64_t model =
      sizeof(ResourceSpans) + sizeof(ScopeSpans) + sizeof(SpanData) + 3 * sizeof(KeyValue) + 3;
  DecodeLimits l = unlimited();
  l.decoded_bytes = model;
  EXPECT_TRUE(proto(bytes, l).ok());
  l.decoded_bytes = model - 1;
  const DecodeStatus st = proto(bytes, l);
  EXPECT_TRUE(refused(st, DecodeError::too_many_decoded_bytes));
  EXPECT_EQ(st.offset, bytes.size() - 5);  // the name's tag
  // JSON charges what its vectors hold (here one of each, and three KeyValues in a vector of 4).
  l.decoded_bytes = model + sizeof(KeyValue);
  EXPECT_TRUE(json(json_of(bytes), l).ok());
  l.decoded_bytes = model - 1;
  EXPECT_TRUE(refused(json(json_of(bytes), l), DecodeError::too_many_decoded_bytes));
}

TEST(DecodeLimits, TheDefaultsTakeRealRequestsWhateverTheirSize) {
  std::string standard;
  encode_trace_request(workload::standard_request(512, 1), standard);
  testing::RandomRequestOptions options;
  options.spans = testing::kGoldenSpans;
  std::string random;
  encode_trace_request(testing::random_request(testing::kGoldenSeed, options), random);
  for (const std::string* bytes : {&standard, &random}) {
    EXPECT_TRUE(proto(*bytes, DecodeLimits::for_body(bytes->size())).ok());
    const std::string text = json_of(*bytes);
    EXPECT_TRUE(json(text, DecodeLimits::for_body(text.size())).ok());
    TraceRequest r;
    EXPECT_TRUE(decode_trace_request(*bytes, r).ok());  // the defaults are these
    EXPECT_TRUE(decode_trace_request_json(text, r).ok());
  }
  // The standard span's model, to the byte (the least decoded_bytes that passes), is under 4
  // times its protobuf (3.8 natively, 2.5 in WebAssembly's 32 bits); the defaults take
  // requests of them up to 20 MiB (the 512-span batch is 265 kB).
  std::uint64_t lo = 0, hi = 8 * standard.size();
  while (lo < hi) {
    const std::uint64_t mid = (lo + hi) / 2;
    DecodeLimits l = unlimited();
    l.decoded_bytes = mid;
    std::uint64_t spans = 0;
    DecodeOptions o = with(l);
    if (validate_trace_request(standard, spans, o).ok()) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  EXPECT_LT(lo, 4 * standard.size());
  const std::uint64_t twenty_mib = 20u << 20;
  EXPECT_GE(DecodeLimits::for_body(twenty_mib).decoded_bytes, twenty_mib / standard.size() * lo);
}

TEST(DecodeLimits, TheDefaultsRefuseBodiesOfEmptyAttributes) {
  // 2 MiB of spans holding 1000 empty attributes each would decode into about 140 MB.
  const std::string span = repeat(kEmptyAttribute, 1000);
  const std::string bytes = request_of(std::vector<std::string>(1000, span));
  ASSERT_GT(bytes.size(), 2'000'000u);
  TraceRequest r;
  EXPECT_TRUE(refused(decode_trace_request(bytes, r), DecodeError::too_many_decoded_bytes));
  std::uint64_t spans = 0;
  EXPECT_TRUE(refused(validate_trace_request(bytes, spans), DecodeError::too_many_decoded_bytes));
  // As JSON ("attributes":[{},{},...]) the same.
  std::string text = R"({"resourceSpans":[{"scopeSpans":[{"spans":[)";
  const std::string json_span = R"({"attributes":[{})" + repeat(",{}", 999) + "]}";
  for (int k = 0; k < 1000; ++k) text += (k ? "," : "") + json_span;
  text += "]}]}]}";
  EXPECT_TRUE(refused(decode_trace_request_json(text, r), DecodeError::too_many_decoded_bytes));
  // And all of them in one span: over the attributes of one element.
  const std::string one = request_of({repeat(kEmptyAttribute, 100000)});
  EXPECT_TRUE(refused(decode_trace_request(one, r), DecodeError::too_many_attributes_in_element));
  EXPECT_TRUE(refused(validate_trace_request(one, spans), DecodeError::too_many_attributes_in_element));
}

TEST(DecodeLimits, EveryLimitErrorHasAMessage) {
  for (DecodeError e : {DecodeError::too_many_records, DecodeError::too_many_attributes,
                        DecodeError::too_many_attributes_in_element, DecodeError::too_many_decoded_bytes}) {
    DecodeStatus st;
    st.error = e;
    EXPECT_TRUE(st.over_limit());
    EXPECT_NE(std::string(st.message()).find("limit"), std::string::npos) << st.message();
  }
  for (DecodeError e : {DecodeError::ok, DecodeError::truncated, DecodeError::too_deep, DecodeError::bad_value}) {
    DecodeStatus st;
    st.error = e;
    EXPECT_FALSE(st.over_limit());
  }
}

}  // namespace
}  // namespace otlp
