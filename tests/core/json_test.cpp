// OTLP/JSON: the mapping rules checked one at a time on the writer's text, round trips of
// random requests through the reader, and the reader's handling of loose and malformed input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "otlp/json/json.hpp"
#include "otlp/workload/workload.hpp"
#include "support/compare.hpp"
#include "support/random_request.hpp"

namespace otlp {
namespace {

std::string encode(const TraceRequest& r) {
  std::string out;
  encode_trace_request_json(r, out);
  return out;
}

TraceRequest one_span(SpanData s) {
  TraceRequest r;
  r.resource_spans.emplace_back().scope_spans.emplace_back().spans.push_back(std::move(s));
  return r;
}

SpanData bare_span() {
  SpanData s;
  s.kind = SpanKind::unspecified;
  return s;
}

// The JSON of a request holding one span whose only attribute is `value` under key "k".
std::string value_json(AnyValue value) {
  SpanData s = bare_span();
  s.attributes.push_back({"k", std::move(value)});
  const std::string out = encode(one_span(s));
  const std::string head = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"attributes\":[{\"key\":\"k\",\"value\":";
  const std::string tail = "}]}]}]}]}";
  if (out.compare(0, head.size(), head) != 0 || out.size() < head.size() + tail.size() ||
      out.compare(out.size() - tail.size(), tail.size(), tail) != 0)
    return "unexpected envelope: " + out;
  return out.substr(head.size(), out.size() - head.size() - tail.size());
}

DecodeStatus decode(std::string_view json, TraceRequest& out, std::uint32_t max_depth = 32) {
  DecodeOptions o;
  o.max_depth = max_depth;
  return decode_trace_request_json(json, out, o);
}

DecodeError decode_error(std::string_view json, std::uint32_t max_depth = 32) {
  TraceRequest r;
  return decode(json, r, max_depth).error;
}

// Wraps a span's JSON members into a whole request.
std::string span_doc(const std::string& members) {
  return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{" + members + "}]}]}]}";
}

// Decodes a request of one span; fails the test unless it decodes.
SpanData decode_span(const std::string& members) {
  TraceRequest r;
  const std::string doc = span_doc(members);
  DecodeStatus st = decode(doc, r);
  EXPECT_TRUE(st.ok()) << st.message() << " at " << st.offset << " in " << doc;
  if (!st.ok() || r.resource_spans.empty() || r.resource_spans[0].scope_spans.empty() ||
      r.resource_spans[0].scope_spans[0].spans.empty())
    return SpanData{};
  return r.resource_spans[0].scope_spans[0].spans[0];
}

DecodeError span_error(const std::string& members) { return decode_error(span_doc(members)); }

// Decodes the value of attribute "k" from its AnyValue JSON.
DecodeStatus decode_value(const std::string& value_json_text, AnyValue& out) {
  TraceRequest r;
  DecodeStatus st = decode(span_doc("\"attributes\":[{\"key\":\"k\",\"value\":" + value_json_text + "}]"), r);
  if (st.ok()) out = r.resource_spans.at(0).scope_spans.at(0).spans.at(0).attributes.at(0).value;
  return st;
}

std::uint64_t bits(double d) {
  std::uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

// Every key (a string followed by ':') of compact JSON text.
std::vector<std::string> json_keys(const std::string& json) {
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < json.size(); ++i) {
    if (json[i] != '"') continue;
    std::string s;
    std::size_t j = i + 1;
    for (; j < json.size() && json[j] != '"'; ++j) {
      if (json[j] == '\\') ++j;
      if (j < json.size()) s += json[j];
    }
    if (j + 1 < json.size() && json[j + 1] == ':') keys.push_back(s);
    i = j;
  }
  return keys;
}

// ---------------------------------------------------------------------------------------------
// (a) The mapping rules on the writer's text.

TEST(JsonWriter, EmptyRequestAndDefaultSpan) {
  EXPECT_EQ(encode(TraceRequest{}), "{}");
  EXPECT_EQ(encode(one_span(bare_span())), "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{}]}]}]}");
}

TEST(JsonWriter, AppendsToTheOutput) {
  std::string out = "prefix:";
  encode_trace_request_json(TraceRequest{}, out);
  EXPECT_EQ(out, "prefix:{}");
}

// A request written a span at a time in its frame is the request written whole.
std::string framed(const TraceRequest& r) {
  const auto& rs = r.resource_spans.at(0);
  std::string out, tail;
  encode_trace_request_json_frame(rs.resource, rs.scope_spans.at(0).scope, out, tail);
  const auto& spans = rs.scope_spans[0].spans;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (i) out += ',';
    encode_span_json(spans[i], out);
  }
  return out + tail;
}

TEST(JsonWriter, SpansInTheirFrameMakeTheWholeRequest) {
  const TraceRequest standard = workload::standard_request(12, 3);
  EXPECT_EQ(framed(standard), encode(standard));
  EXPECT_EQ(framed(workload::standard_request(1, 3)), encode(workload::standard_request(1, 3)));
  TraceRequest bare = one_span(bare_span());  // no resource, no scope, a span of defaults
  EXPECT_EQ(framed(bare), encode(bare));
}

TEST(JsonWriter, IdsAreLowercaseHex) {
  SpanData s = bare_span();
  for (std::uint8_t i = 0; i < 16; ++i) s.trace_id.bytes[i] = static_cast<std::uint8_t>(0xA0 + i);
  s.span_id.bytes = {0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0xfe, 0xff};
  s.parent_span_id.bytes = {0, 0, 0, 0, 0, 0, 0, 0x0c};
  Link l;
  l.trace_id.bytes[0] = 0xAB;
  l.span_id.bytes[7] = 0xCD;
  s.links.push_back(l);
  EXPECT_EQ(encode(one_span(s)),
            "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{"
            "\"traceId\":\"a0a1a2a3a4a5a6a7a8a9aaabacadaeaf\","
            "\"spanId\":\"deadbeef0001feff\","
            "\"parentSpanId\":\"000000000000000c\","
            "\"links\":[{\"traceId\":\"ab000000000000000000000000000000\",\"spanId\":\"00000000000000cd\"}]"
            "}]}]}]}");
}

TEST(JsonWriter, AllZeroIdsAreOmitted) {
  SpanData s = bare_span();
  s.name = "root";
  s.links.push_back(Link{});
  const std::string out = encode(one_span(s));
  EXPECT_EQ(out, span_doc("\"name\":\"root\",\"links\":[{}]"));
  EXPECT_EQ(out.find("Id"), std::string::npos);
}

TEST(JsonWriter, TimesAreDecimalStrings) {
  SpanData s = bare_span();
  s.start_time_unix_nano = 1'700'000'000'000'000'001ULL;
  s.end_time_unix_nano = std::numeric_limits<std::uint64_t>::max();
  Event e;
  e.time_unix_nano = 7;
  s.events.push_back(e);
  EXPECT_EQ(encode(one_span(s)), span_doc("\"startTimeUnixNano\":\"1700000000000000001\","
                                          "\"endTimeUnixNano\":\"18446744073709551615\","
                                          "\"events\":[{\"timeUnixNano\":\"7\"}]"));
}

TEST(JsonWriter, IntValueIsADecimalString) {
  EXPECT_EQ(value_json(0), "{\"intValue\":\"0\"}");
  EXPECT_EQ(value_json(-1), "{\"intValue\":\"-1\"}");
  EXPECT_EQ(value_json(1234567890123LL), "{\"intValue\":\"1234567890123\"}");
  EXPECT_EQ(value_json(std::numeric_limits<long long>::max()), "{\"intValue\":\"9223372036854775807\"}");
  EXPECT_EQ(value_json(std::numeric_limits<long long>::min()), "{\"intValue\":\"-9223372036854775808\"}");
}

TEST(JsonWriter, EnumsAreIntegers) {
  SpanData s = bare_span();
  s.kind = SpanKind::server;
  s.status.code = StatusCode::error;
  s.status.message = "boom";
  EXPECT_EQ(encode(one_span(s)), span_doc("\"kind\":2,\"status\":{\"message\":\"boom\",\"code\":2}"));
  s.kind = SpanKind::internal;  // the model's default is not proto3's: still written
  s.status = Status{StatusCode::ok, ""};
  EXPECT_EQ(encode(one_span(s)), span_doc("\"kind\":1,\"status\":{\"code\":1}"));
}

TEST(JsonWriter, Uint32FieldsAreNumbers) {
  SpanData s = bare_span();
  s.dropped_attributes_count = 1;
  s.dropped_events_count = 2;
  s.dropped_links_count = 3;
  s.flags = 0xFFFFFFFF;
  EXPECT_EQ(encode(one_span(s)), span_doc("\"droppedAttributesCount\":1,\"droppedEventsCount\":2,"
                                          "\"droppedLinksCount\":3,\"flags\":4294967295"));
}

TEST(JsonWriter, EveryKeyIsLowerCamelCase) {
  const std::set<std::string> known = {
      "resourceSpans", "resource", "scopeSpans", "scope", "spans", "schemaUrl", "traceId", "spanId",
      "traceState", "parentSpanId", "name", "kind", "startTimeUnixNano", "endTimeUnixNano", "attributes",
      "droppedAttributesCount", "events", "droppedEventsCount", "links", "droppedLinksCount", "status",
      "flags", "timeUnixNano", "key", "value", "stringValue", "boolValue", "intValue", "doubleValue",
      "arrayValue", "kvlistValue", "bytesValue", "values", "version", "code", "message"};
  testing::RandomRequestOptions o;
  o.spans = 300;
  o.huge_values = false;
  const std::string out = encode(testing::random_request(7, o));
  std::set<std::string> seen;
  for (const auto& k : json_keys(out)) {
    EXPECT_EQ(k.find('_'), std::string::npos) << k;
    EXPECT_TRUE(known.count(k)) << "unexpected key " << k;
    seen.insert(k);
  }
  // The random request exercises every field, so every key shows up.
  EXPECT_EQ(seen, known);
}

TEST(JsonWriter, DefaultsAreOmitted) {
  TraceRequest r;
  auto& rs = r.resource_spans.emplace_back();
  rs.scope_spans.emplace_back().spans.push_back(bare_span());
  SpanData s = bare_span();
  s.events.push_back(Event{});
  s.status.message = "";
  rs.scope_spans[0].spans.push_back(s);
  rs.scope_spans.emplace_back();
  // No resource, scope, schema URL, status, zero counts or zero flags anywhere.
  EXPECT_EQ(encode(r), "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{},{\"events\":[{}]}]},{}]}]}");
}

TEST(JsonWriter, ResourceScopeAndSchemaUrls) {
  TraceRequest r;
  auto& rs = r.resource_spans.emplace_back();
  rs.resource.dropped_attributes_count = 1;
  rs.schema_url = "https://r";
  auto& ss = rs.scope_spans.emplace_back();
  ss.scope.name = "lib";
  ss.scope.version = "1.0";
  ss.scope.attributes.push_back({"a", true});
  ss.scope.dropped_attributes_count = 2;
  ss.schema_url = "https://s";
  EXPECT_EQ(encode(r),
            "{\"resourceSpans\":[{\"resource\":{\"droppedAttributesCount\":1},\"scopeSpans\":[{\"scope\":{"
            "\"name\":\"lib\",\"version\":\"1.0\",\"attributes\":[{\"key\":\"a\",\"value\":{\"boolValue\":true}}],"
            "\"droppedAttributesCount\":2},\"schemaUrl\":\"https://s\"}],\"schemaUrl\":\"https://r\"}]}");
}

TEST(JsonWriter, OneofDefaultsArePresent) {
  EXPECT_EQ(value_json(false), "{\"boolValue\":false}");
  EXPECT_EQ(value_json(0), "{\"intValue\":\"0\"}");
  EXPECT_EQ(value_json(""), "{\"stringValue\":\"\"}");
  EXPECT_EQ(value_json(0.0), "{\"doubleValue\":0}");
  EXPECT_EQ(value_json(AnyValue::bytes("")), "{\"bytesValue\":\"\"}");
  EXPECT_EQ(value_json(AnyValue::array_of({})), "{\"arrayValue\":{}}");
  EXPECT_EQ(value_json(AnyValue::kvlist_of({})), "{\"kvlistValue\":{}}");
  EXPECT_EQ(value_json(AnyValue{}), "{}");  // an empty AnyValue, and KeyValue still writes "value"
}

TEST(JsonWriter, NestedValues) {
  AnyValue v = AnyValue::array_of({1, "x", AnyValue::kvlist_of({{"a", 1.5}, {"", AnyValue{}}})});
  EXPECT_EQ(value_json(v),
            "{\"arrayValue\":{\"values\":[{\"intValue\":\"1\"},{\"stringValue\":\"x\"},{\"kvlistValue\":{\"values\":"
            "[{\"key\":\"a\",\"value\":{\"doubleValue\":1.5}},{\"value\":{}}]}}]}}");
}

TEST(JsonWriter, BytesAreStandardBase64WithPadding) {
  EXPECT_EQ(value_json(AnyValue::bytes("")), "{\"bytesValue\":\"\"}");
  EXPECT_EQ(value_json(AnyValue::bytes("f")), "{\"bytesValue\":\"Zg==\"}");
  EXPECT_EQ(value_json(AnyValue::bytes("fo")), "{\"bytesValue\":\"Zm8=\"}");
  EXPECT_EQ(value_json(AnyValue::bytes("foo")), "{\"bytesValue\":\"Zm9v\"}");
  EXPECT_EQ(value_json(AnyValue::bytes("foob")), "{\"bytesValue\":\"Zm9vYg==\"}");
  EXPECT_EQ(value_json(AnyValue::bytes("fooba")), "{\"bytesValue\":\"Zm9vYmE=\"}");
  EXPECT_EQ(value_json(AnyValue::bytes("foobar")), "{\"bytesValue\":\"Zm9vYmFy\"}");
  EXPECT_EQ(value_json(AnyValue::bytes(std::string("\xfb\xff\xbf\x00", 4))), "{\"bytesValue\":\"+/+/AA==\"}");
}

TEST(JsonWriter, NonFiniteDoublesAreStrings) {
  EXPECT_EQ(value_json(std::numeric_limits<double>::quiet_NaN()), "{\"doubleValue\":\"NaN\"}");
  EXPECT_EQ(value_json(std::numeric_limits<double>::infinity()), "{\"doubleValue\":\"Infinity\"}");
  EXPECT_EQ(value_json(-std::numeric_limits<double>::infinity()), "{\"doubleValue\":\"-Infinity\"}");
}

TEST(JsonWriter, NegativeZeroKeepsItsSign) {
  EXPECT_EQ(value_json(-0.0), "{\"doubleValue\":-0}");
  AnyValue v;
  ASSERT_TRUE(decode_value("{\"doubleValue\":-0}", v).ok());
  EXPECT_EQ(v.kind, AnyValue::Kind::dbl);
  EXPECT_TRUE(std::signbit(v.double_value));
}

TEST(JsonWriter, DoublesAreShortestRoundTrip) {
  EXPECT_EQ(value_json(1.5), "{\"doubleValue\":1.5}");
  EXPECT_EQ(value_json(0.1), "{\"doubleValue\":0.1}");
  EXPECT_EQ(value_json(-42.0), "{\"doubleValue\":-42}");
  EXPECT_EQ(value_json(1e300), "{\"doubleValue\":1e+300}");
  EXPECT_EQ(value_json(1.0 / 3), "{\"doubleValue\":0.3333333333333333}");
  for (double d : {0.1, 1.0 / 3, 2.0 / 3, 1e-7, 123456789.125, 9007199254740993.0, 1e15, 1e16, -1e-300,
                   std::numeric_limits<double>::max(), std::numeric_limits<double>::min(),
                   std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::epsilon()}) {
    AnyValue v;
    const std::string text = value_json(d);
    ASSERT_TRUE(decode_value(text, v).ok()) << text;
    EXPECT_EQ(bits(v.double_value), bits(d)) << text;
  }
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(value_json(std::string("a\"b\\c/\n\t\r\b\f\x01\x1f\x7f" "d", 15)),
            "{\"stringValue\":\"a\\\"b\\\\c/\\n\\t\\r\\b\\f\\u0001\\u001f\x7f" "d\"}");
  EXPECT_EQ(value_json(std::string("\0", 1)), "{\"stringValue\":\"\\u0000\"}");
  SpanData s = bare_span();
  s.name = "say \"hi\"";
  s.attributes.push_back({"k\"\n", 1});
  EXPECT_EQ(encode(one_span(s)),
            span_doc("\"name\":\"say \\\"hi\\\"\",\"attributes\":[{\"key\":\"k\\\"\\n\",\"value\":{\"intValue\":\"1\"}}]"));
}

TEST(JsonWriter, ValidUtf8PassesThroughRaw) {
  const std::string s = "\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x99\x82 \xe2\x80\xa8 \xef\xbf\xbd \xf4\x8f\xbf\xbf";
  EXPECT_EQ(value_json(s), "{\"stringValue\":\"" + s + "\"}");
}

TEST(JsonWriter, InvalidUtf8BecomesReplacementCharacter) {
  const std::string r = "\xef\xbf\xbd";
  struct Case {
    std::string in, out;
  } cases[] = {
      {"\xff", r},
      {"a\x80z", "a" + r + "z"},
      {"a\xc3", "a" + r},                                  // truncated at the end
      {"\xe4\xb8x", r + "x"},                              // one U+FFFD for a truncated sequence
      {"\xc0\xaf", r + r},                                 // overlong
      {"\xed\xa0\x80", r + r + r},                         // encoded surrogate
      {"\xf4\x90\x80\x80", r + r + r + r},                 // above U+10FFFF
      {"\xf0\x9f\x99", r},                                 // truncated 4-byte sequence
      {"ok\xf0\x9f\x99\x82\xfe", "ok\xf0\x9f\x99\x82" + r},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(value_json(c.in), "{\"stringValue\":\"" + c.out + "\"}");
    SpanData s = bare_span();
    s.name = c.in;
    s.attributes.push_back({c.in, c.in});
    TraceRequest back;
    ASSERT_TRUE(decode(encode(one_span(s)), back).ok()) << "output must still parse";
    const SpanData& got = back.resource_spans[0].scope_spans[0].spans[0];
    EXPECT_EQ(got.name, c.out);
    EXPECT_EQ(got.attributes[0].key, c.out);
    EXPECT_EQ(got.attributes[0].value.str, c.out);
  }
}

TEST(JsonWriter, PartialSuccessResponse) {
  auto enc = [](const PartialSuccess* p) {
    std::string out;
    encode_trace_response_json(p, out);
    return out;
  };
  EXPECT_EQ(enc(nullptr), "{}");
  PartialSuccess p{5, "bad \"spans\""};
  EXPECT_EQ(enc(&p), "{\"partialSuccess\":{\"rejectedSpans\":\"5\",\"errorMessage\":\"bad \\\"spans\\\"\"}}");
  PartialSuccess warning{0, "warn"};
  EXPECT_EQ(enc(&warning), "{\"partialSuccess\":{\"errorMessage\":\"warn\"}}");
  PartialSuccess empty{};
  EXPECT_EQ(enc(&empty), "{\"partialSuccess\":{}}");
  PartialSuccess big{std::numeric_limits<std::int64_t>::max(), ""};
  EXPECT_EQ(enc(&big), "{\"partialSuccess\":{\"rejectedSpans\":\"9223372036854775807\"}}");

  for (const PartialSuccess* q : {&p, &warning, &empty, &big}) {
    std::optional<PartialSuccess> back;
    ASSERT_TRUE(decode_trace_response_json(enc(q), back).ok());
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, *q);
  }
  std::optional<PartialSuccess> none = PartialSuccess{};
  ASSERT_TRUE(decode_trace_response_json("{}", none).ok());
  EXPECT_FALSE(none.has_value());
}

// ---------------------------------------------------------------------------------------------
// (b) Round trips.

void expect_round_trip(const TraceRequest& original) {
  const std::string json = encode(original);
  TraceRequest back;
  DecodeStatus st = decode(json, back);
  ASSERT_TRUE(st.ok()) << st.message() << " at " << st.offset;
  EXPECT_EQ(testing::first_difference(original, back), "");
  EXPECT_TRUE(back == original);
  EXPECT_EQ(encode(back), json);  // and the text is stable
}

TEST(JsonRoundTrip, RandomRequests) {
  std::size_t spans = 0;
  for (std::uint64_t seed : {1, 2, 3, 20261121}) {
    SCOPED_TRACE(seed);
    const TraceRequest original = testing::random_request(seed);
    spans += testing::span_count(original);
    expect_round_trip(original);
  }
  EXPECT_GE(spans, 1000u);
}

TEST(JsonRoundTrip, DeeplyNestedRandomValues) {
  testing::RandomRequestOptions o;
  o.spans = 200;
  o.max_nesting = 8;  // attribute values at depth 5 + 2 * 8 = 21 < 32
  o.huge_values = false;
  expect_round_trip(testing::random_request(99, o));
}

TEST(JsonRoundTrip, StandardWorkload) { expect_round_trip(workload::standard_request(64, 5)); }

// ---------------------------------------------------------------------------------------------
// (c) The reader.

TEST(JsonReader, HandWrittenDocument) {
  const std::string doc = R"({
  "resourceSpans": [
    {
      "resource": {
        "attributes": [
          { "key": "service.name", "value": { "stringValue": "checkout" } },
          { "key": "host.cores", "value": { "intValue": "8" } }
        ]
      },
      "scopeSpans": [
        {
          "scope": { "name": "shop.instrumentation", "version": "2.1.0",
                     "attributes": [ { "key": "lang", "value": { "stringValue": "c++" } } ] },
          "spans": [
            {
              "traceId": "0AF7651916CD43DD8448EB211C80319C",
              "spanId": "B7AD6B7169203331",
              "parentSpanId": "",
              "traceState": "vendor=x",
              "name": "POST /cart/items",
              "kind": 2,
              "startTimeUnixNano": "1700000000000000000",
              "endTimeUnixNano": "1700000000250000000",
              "attributes": [
                { "key": "http.status_code", "value": { "intValue": "201" } },
                { "key": "ratio", "value": { "doubleValue": 0.25 } },
                { "key": "cached", "value": { "boolValue": true } },
                { "key": "ids", "value": { "arrayValue": { "values": [ { "intValue": "1" }, { "stringValue": "two" } ] } } },
                { "key": "map", "value": { "kvlistValue": { "values": [ { "key": "inner", "value": { "bytesValue": "AQID" } } ] } } }
              ],
              "events": [
                { "timeUnixNano": "1700000000100000000", "name": "item.added",
                  "attributes": [ { "key": "sku", "value": { "stringValue": "A-1" } } ] }
              ],
              "links": [
                { "traceId": "0af7651916cd43dd8448eb211c80319d", "spanId": "00f067aa0ba902b7", "flags": 257 }
              ],
              "status": { "code": 2, "message": "out of stock" },
              "flags": 1
            }
          ],
          "schemaUrl": "https://opentelemetry.io/schemas/1.26.0"
        }
      ]
    }
  ]
}
)";
  TraceRequest expected;
  auto& rs = expected.resource_spans.emplace_back();
  rs.resource.attributes = {{"service.name", "checkout"}, {"host.cores", 8}};
  auto& ss = rs.scope_spans.emplace_back();
  ss.scope.name = "shop.instrumentation";
  ss.scope.version = "2.1.0";
  ss.scope.attributes = {{"lang", "c++"}};
  ss.schema_url = "https://opentelemetry.io/schemas/1.26.0";
  SpanData& s = ss.spans.emplace_back();
  s.trace_id = *TraceId::from_hex("0af7651916cd43dd8448eb211c80319c");
  s.span_id = *SpanId::from_hex("b7ad6b7169203331");
  s.trace_state = "vendor=x";
  s.name = "POST /cart/items";
  s.kind = SpanKind::server;
  s.start_time_unix_nano = 1'700'000'000'000'000'000ULL;
  s.end_time_unix_nano = 1'700'000'000'250'000'000ULL;
  s.attributes = {{"http.status_code", 201},
                  {"ratio", 0.25},
                  {"cached", true},
                  {"ids", AnyValue::array_of({1, "two"})},
                  {"map", AnyValue::kvlist_of({{"inner", AnyValue::bytes("\x01\x02\x03")}})}};
  Event e;
  e.time_unix_nano = 1'700'000'000'100'000'000ULL;
  e.name = "item.added";
  e.attributes = {{"sku", "A-1"}};
  s.events.push_back(e);
  Link l;
  l.trace_id = *TraceId::from_hex("0af7651916cd43dd8448eb211c80319d");
  l.span_id = *SpanId::from_hex("00f067aa0ba902b7");
  l.flags = 257;
  s.links.push_back(l);
  s.status = {StatusCode::error, "out of stock"};
  s.flags = 1;

  TraceRequest got;
  DecodeStatus st = decode(doc, got);
  ASSERT_TRUE(st.ok()) << st.message() << " at " << st.offset;
  EXPECT_EQ(testing::first_difference(expected, got), "");
  EXPECT_TRUE(got == expected);
}

TEST(JsonReader, AbsentKindIsUnspecified) {
  EXPECT_EQ(decode_span("").kind, SpanKind::unspecified);
  EXPECT_EQ(decode_span("\"kind\":1").kind, SpanKind::internal);
}

TEST(JsonReader, AcceptsNumbersFor64BitFields) {
  SpanData s = decode_span("\"startTimeUnixNano\":1700000000000000000,\"endTimeUnixNano\":18446744073709551615");
  EXPECT_EQ(s.start_time_unix_nano, 1'700'000'000'000'000'000ULL);
  EXPECT_EQ(s.end_time_unix_nano, std::numeric_limits<std::uint64_t>::max());
  struct Case {
    const char* json;
    std::int64_t want;
  } cases[] = {
      {"-5", -5},
      {"\"-5\"", -5},
      {"9223372036854775807", std::numeric_limits<std::int64_t>::max()},
      {"-9223372036854775808", std::numeric_limits<std::int64_t>::min()},
      {"\"-9223372036854775808\"", std::numeric_limits<std::int64_t>::min()},
      {"1e3", 1000},
      {"1.0", 1},
      {"-0", 0},
      {"12.5e1", 125},
      {"0.0000e5", 0},
      {"\"92233720368547758.07e2\"", std::numeric_limits<std::int64_t>::max()},
  };
  for (const auto& c : cases) {
    AnyValue v;
    DecodeStatus st = decode_value(std::string("{\"intValue\":") + c.json + "}", v);
    ASSERT_TRUE(st.ok()) << c.json << ": " << st.message();
    EXPECT_EQ(v.kind, AnyValue::Kind::int64);
    EXPECT_EQ(v.int_value, c.want) << c.json;
  }
  std::optional<PartialSuccess> p;
  ASSERT_TRUE(decode_trace_response_json("{\"partialSuccess\":{\"rejectedSpans\":3}}", p).ok());
  EXPECT_EQ(p->rejected_spans, 3);
}

TEST(JsonReader, AcceptsStringsForUint32Fields) {
  SpanData s = decode_span(
      "\"droppedAttributesCount\":\"7\",\"droppedEventsCount\":\"4294967295\",\"droppedLinksCount\":2,"
      "\"flags\":\"257\",\"events\":[{\"droppedAttributesCount\":\"1\"}]");
  EXPECT_EQ(s.dropped_attributes_count, 7u);
  EXPECT_EQ(s.dropped_events_count, 4294967295u);
  EXPECT_EQ(s.dropped_links_count, 2u);
  EXPECT_EQ(s.flags, 257u);
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.events[0].dropped_attributes_count, 1u);
}

TEST(JsonReader, DoublesFromNumbersAndStrings) {
  struct Case {
    const char* json;
    double want;
  } cases[] = {
      {"1.5", 1.5},
      {"-2", -2.0},
      {"1E-2", 0.01},
      {"\"2.5\"", 2.5},
      {"\"Infinity\"", std::numeric_limits<double>::infinity()},
      {"\"-Infinity\"", -std::numeric_limits<double>::infinity()},
      {"\"NaN\"", std::numeric_limits<double>::quiet_NaN()},
      {"1e-400", 0.0},  // underflow rounds to zero
  };
  for (const auto& c : cases) {
    AnyValue v;
    DecodeStatus st = decode_value(std::string("{\"doubleValue\":") + c.json + "}", v);
    ASSERT_TRUE(st.ok()) << c.json << ": " << st.message();
    EXPECT_EQ(v.kind, AnyValue::Kind::dbl);
    EXPECT_EQ(bits(v.double_value), bits(c.want)) << c.json;
  }
}

TEST(JsonReader, EnumNamesAndUnknownValues) {
  EXPECT_EQ(decode_span("\"kind\":\"SPAN_KIND_CONSUMER\"").kind, SpanKind::consumer);
  EXPECT_EQ(decode_span("\"status\":{\"code\":\"STATUS_CODE_OK\"}").status.code, StatusCode::ok);
  EXPECT_EQ(static_cast<int>(decode_span("\"kind\":9").kind), 9);  // open enum: kept
  EXPECT_EQ(span_error("\"kind\":\"SERVER\""), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"kind\":256"), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"kind\":-1"), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"kind\":1.5"), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"status\":{\"code\":true}"), DecodeError::bad_value);
}

TEST(JsonReader, IdsAcceptEitherCaseAndEmpty) {
  SpanData s = decode_span("\"traceId\":\"ABCDEF0123456789abcdef0123456789\",\"spanId\":\"\",\"parentSpanId\":null");
  EXPECT_EQ(s.trace_id.to_hex(), "abcdef0123456789abcdef0123456789");
  EXPECT_FALSE(s.span_id.valid());
  EXPECT_FALSE(s.parent_span_id.valid());
}

TEST(JsonReader, RejectsBadIds) {
  EXPECT_EQ(span_error("\"traceId\":\"0123\""), DecodeError::bad_id_length);
  EXPECT_EQ(span_error("\"traceId\":\"0123456789abcdef0123456789abcdef00\""), DecodeError::bad_id_length);
  EXPECT_EQ(span_error("\"traceId\":\"0123456789abcdef0123456789abcdeg\""), DecodeError::bad_id_length);
  EXPECT_EQ(span_error("\"spanId\":\"0123456789abcdef0123456789abcdef\""), DecodeError::bad_id_length);
  EXPECT_EQ(span_error("\"spanId\":\" 123456789abcdef\""), DecodeError::bad_id_length);
  EXPECT_EQ(span_error("\"parentSpanId\":\"0x23456789abcdef\""), DecodeError::bad_id_length);
  EXPECT_EQ(span_error("\"links\":[{\"spanId\":\"abc\"}]"), DecodeError::bad_id_length);
  EXPECT_EQ(span_error("\"traceId\":12"), DecodeError::bad_value);
  // Base64, as the generic protobuf mapping would write it, is not accepted.
  EXPECT_EQ(span_error("\"spanId\":\"AAAAAAAAAAE=\""), DecodeError::bad_id_length);
}

TEST(JsonReader, IgnoresUnknownKeysAndNulls) {
  const std::string doc = R"({"unknown":{"a":[1,2,{"b":null}],"c":"d"},"resourceSpans":[{"x":[[[]]],
    "scopeSpans":[{"y":true,"spans":[{"z":false,"name":"n","w":-1.5e-3,"kind":null,"status":null,
    "attributes":[{"key":"k","q":{},"value":{"stringValue":"v","extra":"\u00e9"}}]}],"scope":null}]}],"more":"x"})";
  TraceRequest got;
  DecodeStatus st = decode(doc, got);
  ASSERT_TRUE(st.ok()) << st.message() << " at " << st.offset;
  SpanData want = bare_span();
  want.name = "n";
  want.attributes = {{"k", "v"}};
  EXPECT_TRUE(got == one_span(want)) << testing::first_difference(one_span(want), got);
  EXPECT_EQ(decode_error("{\"resourceSpans\":null}"), DecodeError::ok);
}

TEST(JsonReader, DuplicateKeysLastWins) {
  SpanData s = decode_span(
      "\"name\":\"a\",\"name\":\"b\",\"attributes\":[{\"key\":\"x\"}],\"attributes\":[{\"key\":\"y\"}],"
      "\"status\":{\"code\":2},\"status\":{\"message\":\"m\"}");
  EXPECT_EQ(s.name, "b");
  ASSERT_EQ(s.attributes.size(), 1u);
  EXPECT_EQ(s.attributes[0].key, "y");
  EXPECT_EQ(s.status, (Status{StatusCode::unset, "m"}));
  AnyValue v;
  ASSERT_TRUE(decode_value("{\"stringValue\":\"s\",\"intValue\":\"3\"}", v).ok());
  EXPECT_EQ(v, AnyValue(3));
}

TEST(JsonReader, StringEscapes) {
  AnyValue v;
  ASSERT_TRUE(decode_value(R"({"stringValue":"\"\\\/\b\f\n\r\t\u0041\u00e9\u4e2d\ud83d\ude42\u0000"})", v).ok());
  EXPECT_EQ(v.str, std::string("\"\\/\b\f\n\r\tA\xc3\xa9\xe4\xb8\xad\xf0\x9f\x99\x82\0", 19));
  // Keys may be escaped too.
  EXPECT_EQ(decode_span(R"("n\u0061me":"x")").name, "x");
}

TEST(JsonReader, LoneSurrogatesBecomeReplacementCharacter) {
  const std::string r = "\xef\xbf\xbd";
  struct Case {
    const char* json;
    std::string want;
  } cases[] = {
      {R"("\ud800")", r},
      {R"("\udc00x")", r + "x"},
      {R"("\ud800\u0041")", r + "A"},
      {R"("\ud800\ud800\udc00")", r + "\xf0\x90\x80\x80"},
      {R"("a\udbff")", "a" + r},
  };
  for (const auto& c : cases) {
    AnyValue v;
    ASSERT_TRUE(decode_value(std::string("{\"stringValue\":") + c.json + "}", v).ok()) << c.json;
    EXPECT_EQ(v.str, c.want) << c.json;
  }
}

TEST(JsonReader, RejectsTypeMismatches) {
  EXPECT_EQ(decode_error("[]"), DecodeError::bad_value);
  EXPECT_EQ(decode_error("\"x\""), DecodeError::bad_value);
  EXPECT_EQ(decode_error("null"), DecodeError::bad_value);
  EXPECT_EQ(decode_error("{\"resourceSpans\":{}}"), DecodeError::bad_value);
  EXPECT_EQ(decode_error("{\"resourceSpans\":[null]}"), DecodeError::bad_value);
  EXPECT_EQ(decode_error("{\"resourceSpans\":[[]]}"), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"name\":5"), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"name\":true"), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"startTimeUnixNano\":true"), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"startTimeUnixNano\":\"\""), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"startTimeUnixNano\":\" 1\""), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"attributes\":[{\"key\":\"k\",\"value\":{\"boolValue\":\"true\"}}]"), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"attributes\":[{\"key\":\"k\",\"value\":{\"bytesValue\":\"@@@@\"}}]"), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"attributes\":[{\"key\":\"k\",\"value\":{\"bytesValue\":\"QUJDR\"}}]"), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"attributes\":[{\"key\":\"k\",\"value\":{\"doubleValue\":\"nan\"}}]"), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"attributes\":[{\"key\":\"k\",\"value\":{\"doubleValue\":\"0x10\"}}]"), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"attributes\":[{\"key\":\"k\",\"value\":{\"arrayValue\":[]}}]"), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"attributes\":{}"), DecodeError::bad_value);
}

TEST(JsonReader, Base64Variants) {
  AnyValue v;
  ASSERT_TRUE(decode_value(R"({"bytesValue":"-_8"})", v).ok());  // URL-safe, unpadded
  EXPECT_EQ(v.str, "\xfb\xff");
  ASSERT_TRUE(decode_value(R"({"bytesValue":"+/8="})", v).ok());
  EXPECT_EQ(v.str, "\xfb\xff");
  ASSERT_TRUE(decode_value(R"({"bytesValue":"Zg"})", v).ok());
  EXPECT_EQ(v.str, "f");
}

TEST(JsonReader, RejectsFractionsAndOutOfRangeIntegers) {
  for (const char* bad : {"1.5", "\"1.5\"", "1e-1", "9223372036854775808", "-9223372036854775809",
                          "\"9223372036854775808\"", "1e19", "18446744073709551616", "1e400"}) {
    AnyValue v;
    EXPECT_EQ(decode_value(std::string("{\"intValue\":") + bad + "}", v).error, DecodeError::bad_value) << bad;
  }
  EXPECT_EQ(span_error("\"startTimeUnixNano\":18446744073709551616"), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"startTimeUnixNano\":\"-1\""), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"droppedAttributesCount\":4294967296"), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"flags\":-1"), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"attributes\":[{\"key\":\"k\",\"value\":{\"doubleValue\":1e309}}]"), DecodeError::bad_value);
  EXPECT_EQ(span_error("\"attributes\":[{\"key\":\"k\",\"value\":{\"doubleValue\":-1e309}}]"), DecodeError::bad_value);
}

TEST(JsonReader, RejectsMalformedSyntax) {
  for (const char* bad : {
           "", " ", "{", "}", "{]", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{\"a\":1,}", "{,}", "{\"a\":[1,]}",
           "{\"a\":[,1]}", "{'a':1}", "{a:1}", "{\"a\":01}", "{\"a\":+1}", "{\"a\":.5}", "{\"a\":1.}",
           "{\"a\":1e}", "{\"a\":-}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":tru}", "{\"a\":nul}",
           "{\"a\":True}", "{\"a\":1 2}", "{\"a\":\"x\" \"y\"}", "/*c*/{}", "{}//", "\xef\xbb\xbf{}",
           "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12G4\"}", "{\"a\":\"\\\"}",
           "{\"a\":\"tab\there\"}", "{\"a\":\"\x01\"}", "{\"a\":\"\xff\"}", "{\"a\":\"\xc0\xaf\"}",
           "{\"a\":\"\xed\xa0\x80\"}", "{\"\xe4\xb8\":1}", "{\"a\":\"abc", "{\"a\":\"abc\\", "{\"ab",
           "{}x", "{}{}", "{}]", "{} 1", "\v{}", "{\"name\":\"x\",}"}) {
    EXPECT_EQ(decode_error(bad), DecodeError::bad_json) << "input: " << bad;
  }
  EXPECT_EQ(decode_error(" {} \n\t\r"), DecodeError::ok);
  EXPECT_EQ(span_error("\"name\":\"a\nb\""), DecodeError::bad_json);  // raw newline in a string
}

TEST(JsonReader, ErrorOffsets) {
  TraceRequest r;
  EXPECT_EQ(decode("{\"a\":tru}", r).offset, 5u);
  EXPECT_EQ(decode("{\"a\":1}x", r).offset, 7u);
  const std::string doc = span_doc("\"traceId\":\"12\"");
  DecodeStatus st = decode(doc, r);
  EXPECT_EQ(st.error, DecodeError::bad_id_length);
  EXPECT_EQ(st.offset, doc.find("\"12\""));
  EXPECT_NE(std::string(st.message()), "");
}

TEST(JsonReader, RejectsEveryTruncation) {
  testing::RandomRequestOptions o;
  o.spans = 4;
  o.resources = 1;
  o.scopes_per_resource = 2;
  o.huge_values = false;
  std::string doc = encode(testing::random_request(11, o));
  PartialSuccess p{3, "x"};
  std::string response;
  encode_trace_response_json(&p, response);
  ASSERT_TRUE(decode_error(doc) == DecodeError::ok);
  for (std::size_t n = 0; n < doc.size(); ++n) {
    TraceRequest r;
    DecodeStatus st = decode(std::string_view(doc).substr(0, n), r);  // string_view: no terminator
    ASSERT_EQ(st.error, DecodeError::bad_json) << "prefix of " << n << " bytes";
    ASSERT_LE(st.offset, n);
  }
  for (std::size_t n = 0; n < response.size(); ++n) {
    std::optional<PartialSuccess> back;
    ASSERT_EQ(decode_trace_response_json(std::string_view(response).substr(0, n), back).error, DecodeError::bad_json);
  }
}

TEST(JsonReader, NestingBombsFailWithoutCrashing) {
  const std::size_t n = 100'000;
  const std::string arrays(n, '[');
  EXPECT_NE(decode_error(arrays), DecodeError::ok);
  EXPECT_EQ(decode_error("{\"x\":" + arrays), DecodeError::too_deep);
  EXPECT_EQ(decode_error("{\"x\":" + arrays + std::string(n, ']') + "}"), DecodeError::too_deep);
  std::string objects;
  for (std::size_t i = 0; i < n; ++i) objects += "{\"a\":";
  EXPECT_EQ(decode_error(objects), DecodeError::too_deep);
  EXPECT_NE(decode_error("{\"resourceSpans\":" + arrays), DecodeError::ok);
  // A huge max_depth is capped, so the stack is still safe.
  EXPECT_EQ(decode_error("{\"x\":" + arrays, std::numeric_limits<std::uint32_t>::max()), DecodeError::too_deep);
  std::string values = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"attributes\":[{\"value\":";
  for (std::size_t i = 0; i < n / 10; ++i) values += "{\"arrayValue\":{\"values\":[";
  EXPECT_EQ(decode_error(values, std::numeric_limits<std::uint32_t>::max()), DecodeError::too_deep);
}

TEST(JsonReader, MessageDepthMatchesTheProtobufCount) {
  // A span attribute's AnyValue sits at depth 5; each array level adds 2.
  SpanData s = bare_span();
  s.attributes.push_back({"k", 1});
  const std::string flat = encode(one_span(s));
  EXPECT_EQ(decode_error(flat, 5), DecodeError::ok);
  EXPECT_EQ(decode_error(flat, 4), DecodeError::too_deep);
  AnyValue v = 1;
  for (int i = 0; i < 20; ++i) v = AnyValue::array_of({v});
  s.attributes[0].value = v;
  const std::string deep = encode(one_span(s));  // innermost AnyValue at depth 5 + 40 = 45
  EXPECT_EQ(decode_error(deep), DecodeError::too_deep);
  EXPECT_EQ(decode_error(deep, 44), DecodeError::too_deep);
  TraceRequest back;
  ASSERT_TRUE(decode(deep, back, 45).ok());
  EXPECT_TRUE(back == one_span(s));
}

TEST(JsonReader, KeyValueWithoutValueCountsItsValueDepth) {
  // The writer always writes "value", so a KeyValue at the limit would not decode again.
  const std::string doc = span_doc("\"attributes\":[{\"key\":\"k\"}]");
  EXPECT_EQ(decode_error(doc, 4), DecodeError::too_deep);
  TraceRequest r;
  ASSERT_TRUE(decode(doc, r, 5).ok());
  const std::string again = encode(r);
  EXPECT_NE(again.find("{\"key\":\"k\",\"value\":{}}"), std::string::npos);
  EXPECT_EQ(decode_error(again, 5), DecodeError::ok);
}

TEST(JsonReader, ResponseErrors) {
  std::optional<PartialSuccess> p;
  EXPECT_EQ(decode_trace_response_json("", p).error, DecodeError::bad_json);
  EXPECT_EQ(decode_trace_response_json("[]", p).error, DecodeError::bad_value);
  EXPECT_EQ(decode_trace_response_json("{\"partialSuccess\":{\"rejectedSpans\":1.5}}", p).error, DecodeError::bad_value);
  EXPECT_EQ(decode_trace_response_json("{\"partialSuccess\":{\"errorMessage\":1}}", p).error, DecodeError::bad_value);
  ASSERT_TRUE(decode_trace_response_json("{\"partialSuccess\":null,\"other\":[1]}", p).ok());
  EXPECT_FALSE(p.has_value());
  ASSERT_TRUE(decode_trace_response_json(" {\"partialSuccess\" : { \"errorMessage\" : \"w\" , \"x\":{} } } ", p).ok());
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(*p, (PartialSuccess{0, "w"}));
}

}  // namespace
}  // namespace otlp

namespace otlp {
namespace {

TEST(JsonString, EscapesAndReplacesLikeTheRequestWriter) {
  std::string out = "x";
  append_json_string(std::string_view("a\"b\\c\n\x01\xff\xc3\xa9", 10), out);
  EXPECT_EQ(out, "x\"a\\\"b\\\\c\\n\\u0001\xef\xbf\xbd\xc3\xa9\"");
}

}  // namespace
}  // namespace otlp
