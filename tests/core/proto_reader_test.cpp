// Checks of the protobuf reader against inputs built by hand, byte by byte, so that they
// do not depend on the writer. Tables of every message's known fields drive the framing,
// wire-type and depth checks at every nesting level.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "otlp/wire/proto_reader.hpp"
#include "support/compare.hpp"

namespace otlp {
namespace {

using testing::first_difference;

constexpr unsigned kV = 0, kF64 = 1, kLen = 2, kF32 = 5;

// A tiny protobuf byte builder, test-local.
class Pb {
 public:
  Pb& varint(std::uint64_t v) {
    while (v >= 0x80) {
      b_ += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    b_ += static_cast<char>(v);
    return *this;
  }
  Pb& tag(std::uint64_t field, unsigned wire) { return varint(field << 3 | wire); }
  Pb& u(std::uint64_t field, std::uint64_t v) { return tag(field, kV).varint(v); }
  Pb& i(std::uint64_t field, std::int64_t v) { return u(field, static_cast<std::uint64_t>(v)); }
  Pb& le(std::uint64_t v, int n) {
    for (int k = 0; k < n; ++k) b_ += static_cast<char>((v >> (8 * k)) & 0xff);
    return *this;
  }
  Pb& f64(std::uint64_t field, std::uint64_t v) { return tag(field, kF64).le(v, 8); }
  Pb& f32(std::uint64_t field, std::uint32_t v) { return tag(field, kF32).le(v, 4); }
  Pb& s(std::uint64_t field, const std::string& v) {
    tag(field, kLen).varint(v.size());
    b_ += v;
    return *this;
  }
  Pb& m(std::uint64_t field, const Pb& sub) { return s(field, sub.str()); }
  Pb& raw(const std::string& v) {
    b_ += v;
    return *this;
  }
  Pb& raw(const Pb& v) { return raw(v.str()); }
  const std::string& str() const { return b_; }
  std::size_t size() const { return b_.size(); }

 private:
  std::string b_;
};

std::string bytes_of(std::initializer_list<int> list) {
  std::string s;
  for (int c : list) s += static_cast<char>(c);
  return s;
}

std::uint64_t bits_of(double d) {
  std::uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}
AnyValue double_from_bits(std::uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return AnyValue(d);
}

template <std::size_t N>
Id<N> id_counting_from(std::uint8_t first) {
  Id<N> id;
  for (std::size_t k = 0; k < N; ++k) id.bytes[k] = static_cast<std::uint8_t>(first + k);
  return id;
}
template <std::size_t N>
std::string raw_id(const Id<N>& id) {
  return std::string(reinterpret_cast<const char*>(id.bytes.data()), N);
}

// Every input of this file also goes through the validating pass, which must agree.
DecodeStatus decode(const std::string& bytes, TraceRequest& out, std::uint32_t max_depth = DecodeOptions{}.max_depth) {
  DecodeOptions options;
  options.max_depth = max_depth;
  EXPECT_EQ(testing::validator_difference(bytes, options), "");
  return decode_trace_request(bytes, out, options);
}

::testing::AssertionResult fails_with(const std::string& bytes, DecodeError error, std::size_t offset,
                                      std::uint32_t max_depth = DecodeOptions{}.max_depth) {
  TraceRequest out;
  const DecodeStatus st = decode(bytes, out, max_depth);
  if (st.error == error && st.offset == offset) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "got error " << static_cast<int>(st.error) << " (" << st.message()
                                       << ") at " << st.offset << ", want error " << static_cast<int>(error)
                                       << " at " << offset;
}

// ---- paths from the request to each message, as the field numbers that open them ------

using Path = std::vector<std::uint32_t>;
const Path kRequest{};
const Path kResourceSpans{1};
const Path kResource{1, 1};
const Path kResourceKv{1, 1, 1};
const Path kScopeSpans{1, 2};
const Path kScope{1, 2, 1};
const Path kScopeKv{1, 2, 1, 3};
const Path kSpan{1, 2, 2};
const Path kSpanKv{1, 2, 2, 9};
const Path kAnyValue{1, 2, 2, 9, 2};
const Path kArray{1, 2, 2, 9, 2, 5};
const Path kArrayItem{1, 2, 2, 9, 2, 5, 1};
const Path kKvList{1, 2, 2, 9, 2, 6};
const Path kKvListKv{1, 2, 2, 9, 2, 6, 1};
const Path kEvent{1, 2, 2, 11};
const Path kEventKv{1, 2, 2, 11, 3};
const Path kLink{1, 2, 2, 13};
const Path kLinkKv{1, 2, 2, 13, 4};
const Path kStatus{1, 2, 2, 15};

// Bytes with a marked offset of interest (where an error is expected).
struct Marked {
  std::string bytes;
  std::size_t at = 0;
};

// Wraps `body` as the innermost message of `path`, keeping track of the mark.
Marked nest(const Path& path, std::string body, std::size_t at) {
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    Pb p;
    p.tag(*it, kLen).varint(body.size());
    at += p.size();
    p.raw(body);
    body = p.str();
  }
  return {body, at};
}

// An unknown top-level field after everything, so that the input goes on past every
// nested message: errors must come from the enclosing message's end, not the buffer's.
std::string with_trailer(const std::string& bytes) { return Pb().raw(bytes).s(99, "trailer-bytes").str(); }

// Every known field of every message with its wire type.
struct KnownField {
  const char* message;
  Path path;
  std::uint32_t field;
  unsigned wire;
};
const std::vector<KnownField>& known_fields() {
  static const std::vector<KnownField> fields = {
      {"request", kRequest, 1, kLen},
      {"resource_spans", kResourceSpans, 1, kLen}, {"resource_spans", kResourceSpans, 2, kLen},
      {"resource_spans", kResourceSpans, 3, kLen},
      {"resource", kResource, 1, kLen}, {"resource", kResource, 2, kV},
      {"scope_spans", kScopeSpans, 1, kLen}, {"scope_spans", kScopeSpans, 2, kLen},
      {"scope_spans", kScopeSpans, 3, kLen},
      {"scope", kScope, 1, kLen}, {"scope", kScope, 2, kLen}, {"scope", kScope, 3, kLen}, {"scope", kScope, 4, kV},
      {"span", kSpan, 1, kLen}, {"span", kSpan, 2, kLen}, {"span", kSpan, 3, kLen}, {"span", kSpan, 4, kLen},
      {"span", kSpan, 5, kLen}, {"span", kSpan, 6, kV}, {"span", kSpan, 7, kF64}, {"span", kSpan, 8, kF64},
      {"span", kSpan, 9, kLen}, {"span", kSpan, 10, kV}, {"span", kSpan, 11, kLen}, {"span", kSpan, 12, kV},
      {"span", kSpan, 13, kLen}, {"span", kSpan, 14, kV}, {"span", kSpan, 15, kLen}, {"span", kSpan, 16, kF32},
      {"event", kEvent, 1, kF64}, {"event", kEvent, 2, kLen}, {"event", kEvent, 3, kLen}, {"event", kEvent, 4, kV},
      {"link", kLink, 1, kLen}, {"link", kLink, 2, kLen}, {"link", kLink, 3, kLen}, {"link", kLink, 4, kLen},
      {"link", kLink, 5, kV}, {"link", kLink, 6, kF32},
      {"status", kStatus, 2, kLen}, {"status", kStatus, 3, kV},
      {"key_value", kSpanKv, 1, kLen}, {"key_value", kSpanKv, 2, kLen},
      {"any_value", kAnyValue, 1, kLen}, {"any_value", kAnyValue, 2, kV}, {"any_value", kAnyValue, 3, kV},
      {"any_value", kAnyValue, 4, kF64}, {"any_value", kAnyValue, 5, kLen}, {"any_value", kAnyValue, 6, kLen},
      {"any_value", kAnyValue, 7, kLen},
      {"array_value", kArray, 1, kLen},
      {"kvlist_value", kKvList, 1, kLen},
  };
  return fields;
}

// A well-formed field of the given wire type, with a value that is valid for any field
// of that type (an empty LEN value is a valid message, string and id).
Pb any_field(std::uint64_t field, unsigned wire) {
  Pb p;
  switch (wire) {
    case kV: p.u(field, 1); break;
    case kF64: p.f64(field, 1); break;
    case kF32: p.f32(field, 1); break;
    default: p.s(field, ""); break;
  }
  return p;
}

std::string describe(const KnownField& f) { return std::string(f.message) + " field " + std::to_string(f.field); }

// ---- the full request: every field of every message ------------------------------------

// Unknown fields of all four valid wire types, numbered `free` (the next number the message
// does not use) and 1000+ (two-byte tags). The LEN one holds bytes that are no valid message.
Pb unknowns(std::uint64_t free) {
  Pb p;
  p.u(free, 300).f64(free, 0x0102030405060708ULL).s(free, bytes_of({0x0a, 0xff, 0xff})).f32(free, 7);
  p.i(1000, -1).f64(1001, 1).s(1002, bytes_of({0x07, 0x06})).f32(1003, 0xffffffffu);
  return p;
}

// Builds a message whose fields come from `fill`, framed by unknown fields when asked.
template <class F>
Pb message(bool unk, std::uint64_t free, F&& fill) {
  Pb p;
  if (unk) p.raw(unknowns(free));
  fill(p);
  if (unk) p.raw(unknowns(free));
  return p;
}

Pb kv(bool unk, const std::string& key, const Pb& value) {
  return message(unk, 3, [&](Pb& p) { p.s(1, key).m(2, value); });
}
Pb any(bool unk, std::uint64_t field, const std::string& v) {
  return message(unk, 8, [&](Pb& p) { p.s(field, v); });
}

Pb full_span(bool unk) {
  return message(unk, 17, [&](Pb& p) {
    p.s(1, raw_id(id_counting_from<16>(1)));
    p.s(2, raw_id(id_counting_from<8>(0x11)));
    p.s(3, "ts=1");
    p.s(4, raw_id(id_counting_from<8>(0x21)));
    p.s(5, "GET /cart");
    p.u(6, 2);
    p.f64(7, 0x0102030405060708ULL);
    p.f64(8, 0x1112131415161718ULL);
    p.m(9, kv(unk, "s", any(unk, 1, "str")));
    p.m(9, kv(unk, "b", message(unk, 8, [](Pb& v) { v.u(2, 1); })));
    p.m(9, kv(unk, "i", message(unk, 8, [](Pb& v) { v.i(3, -5); })));
    p.m(9, kv(unk, "d", message(unk, 8, [](Pb& v) { v.f64(4, bits_of(1.5)); })));
    p.m(9, kv(unk, "nan", message(unk, 8, [](Pb& v) { v.f64(4, 0x7ff8000000000123ULL); })));
    p.m(9, kv(unk, "by", any(unk, 7, bytes_of({0, 0xff, 1}))));
    p.m(9, kv(unk, "arr", message(unk, 8, [&](Pb& v) {
              v.m(5, message(unk, 2, [&](Pb& a) {
                    a.m(1, any(unk, 1, "x"));
                    a.m(1, message(unk, 8, [](Pb& x) { x.i(3, 7); }));
                    a.m(1, message(unk, 8, [&](Pb& x) { x.m(5, message(unk, 2, [](Pb&) {})); }));
                    a.m(1, message(unk, 8, [](Pb&) {}));
                  }));
            })));
    p.m(9, kv(unk, "kv", message(unk, 8, [&](Pb& v) {
              v.m(6, message(unk, 2, [&](Pb& l) {
                    l.m(1, kv(unk, "a", message(unk, 8, [](Pb& x) { x.u(2, 1); })));
                    l.m(1, kv(unk, "n", message(unk, 8, [&](Pb& x) { x.m(6, message(unk, 2, [](Pb&) {})); })));
                  }));
            })));
    p.m(9, kv(unk, "e", message(unk, 8, [](Pb&) {})));
    p.m(9, message(unk, 3, [&](Pb& k) { k.m(2, message(unk, 8, [](Pb& x) { x.i(3, 1); })); }));  // no key
    p.m(9, message(unk, 3, [](Pb& k) { k.s(1, "novalue"); }));                                 // no value
    p.u(10, 7);
    p.m(11, message(unk, 5, [&](Pb& e) {
          e.f64(1, 0xAABBCCDD00112233ULL).s(2, "ev").m(3, kv(unk, "ek", any(unk, 1, "ev"))).u(4, 2);
        }));
    p.m(11, message(unk, 5, [](Pb&) {}));
    p.u(12, 8);
    p.m(13, message(unk, 7, [&](Pb& l) {
          l.s(1, raw_id(id_counting_from<16>(0x31))).s(2, raw_id(id_counting_from<8>(0x41))).s(3, "l=1");
          l.m(4, kv(unk, "lk", message(unk, 8, [](Pb& x) { x.i(3, 3); })));
          l.u(5, 4).f32(6, 0x301);
        }));
    p.u(14, 9);
    p.m(15, message(unk, 4, [&](Pb& s) {
          if (unk) s.s(1, "reserved field 1");
          s.s(2, "boom").u(3, 2);
        }));
    p.f32(16, 0x1ff);
  });
}

Pb full_request(bool unk) {
  return message(unk, 2, [&](Pb& req) {
    req.m(1, message(unk, 4, [&](Pb& rs) {
            rs.m(1, message(unk, 3, [&](Pb& r) { r.m(1, kv(unk, "service.name", any(unk, 1, "checkout"))).u(2, 3); }));
            rs.m(2, message(unk, 4, [&](Pb& ss) {
                   ss.m(1, message(unk, 5, [&](Pb& sc) {
                          sc.s(1, "lib").s(2, "1.0");
                          sc.m(3, kv(unk, "sk", message(unk, 8, [](Pb& x) { x.u(2, 0); })));
                          sc.u(4, 6);
                        }));
                   ss.m(2, full_span(unk));
                   ss.m(2, message(unk, 17, [](Pb&) {}));  // an empty span
                   ss.s(3, "https://scope");
                 }));
            rs.m(2, message(unk, 4, [](Pb&) {}));
            rs.s(3, "https://res");
          }));
    req.m(1, message(unk, 4, [](Pb&) {}));
  });
}

SpanData expected_full_span() {
  SpanData s;
  s.trace_id = id_counting_from<16>(1);
  s.span_id = id_counting_from<8>(0x11);
  s.trace_state = "ts=1";
  s.parent_span_id = id_counting_from<8>(0x21);
  s.name = "GET /cart";
  s.kind = SpanKind::server;
  s.start_time_unix_nano = 0x0102030405060708ULL;
  s.end_time_unix_nano = 0x1112131415161718ULL;
  s.attributes = {
      {"s", "str"},
      {"b", true},
      {"i", -5},
      {"d", 1.5},
      {"nan", double_from_bits(0x7ff8000000000123ULL)},
      {"by", AnyValue::bytes(bytes_of({0, 0xff, 1}))},
      {"arr", AnyValue::array_of({"x", 7, AnyValue::array_of({}), AnyValue{}})},
      {"kv", AnyValue::kvlist_of({{"a", true}, {"n", AnyValue::kvlist_of({})}})},
      {"e", AnyValue{}},
      {"", 1},
      {"novalue", AnyValue{}},
  };
  s.dropped_attributes_count = 7;
  Event e;
  e.time_unix_nano = 0xAABBCCDD00112233ULL;
  e.name = "ev";
  e.attributes = {{"ek", "ev"}};
  e.dropped_attributes_count = 2;
  s.events = {e, Event{}};
  s.dropped_events_count = 8;
  Link l;
  l.trace_id = id_counting_from<16>(0x31);
  l.span_id = id_counting_from<8>(0x41);
  l.trace_state = "l=1";
  l.attributes = {{"lk", 3}};
  l.dropped_attributes_count = 4;
  l.flags = 0x301;
  s.links = {l};
  s.dropped_links_count = 9;
  s.status = {StatusCode::error, "boom"};
  s.flags = 0x1ff;
  return s;
}

TraceRequest expected_full_request() {
  TraceRequest r;
  auto& rs = r.resource_spans.emplace_back();
  rs.resource.attributes = {{"service.name", "checkout"}};
  rs.resource.dropped_attributes_count = 3;
  auto& ss = rs.scope_spans.emplace_back();
  ss.scope.name = "lib";
  ss.scope.version = "1.0";
  ss.scope.attributes = {{"sk", false}};
  ss.scope.dropped_attributes_count = 6;
  ss.spans.push_back(expected_full_span());
  SpanData empty;
  empty.kind = SpanKind::unspecified;
  ss.spans.push_back(empty);
  ss.schema_url = "https://scope";
  rs.scope_spans.emplace_back();
  rs.schema_url = "https://res";
  r.resource_spans.emplace_back();
  return r;
}

// A span (as a ScopeSpans.spans field body) holding only the given fields.
std::string one_span_request(const Pb& span_body) { return nest(kSpan, span_body.str(), 0).bytes; }

SpanData decode_one_span(const Pb& span_body) {
  TraceRequest r;
  const DecodeStatus st = decode(one_span_request(span_body), r);
  EXPECT_TRUE(st.ok()) << st.message() << " at " << st.offset;
  if (!st.ok() || r.resource_spans.size() != 1 || r.resource_spans[0].scope_spans.size() != 1 ||
      r.resource_spans[0].scope_spans[0].spans.size() != 1) {
    ADD_FAILURE() << "not exactly one span";
    return SpanData{};
  }
  return r.resource_spans[0].scope_spans[0].spans[0];
}

// ==== valid input =========================================================================

TEST(ProtoReader, EmptyInputIsAnEmptyRequest) {
  TraceRequest r;
  r.resource_spans.emplace_back();  // decoding replaces what was there
  const DecodeStatus st = decode_trace_request(std::string_view(), r);
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(st.error, DecodeError::ok);
  EXPECT_TRUE(r.resource_spans.empty());
}

TEST(ProtoReader, FullRequestDecodesFieldByField) {
  const std::string bytes = full_request(false).str();
  TraceRequest r;
  const DecodeStatus st = decode(bytes, r);
  ASSERT_TRUE(st.ok()) << st.message() << " at " << st.offset;
  EXPECT_EQ(first_difference(expected_full_request(), r), "");
  EXPECT_TRUE(r == expected_full_request());
}

TEST(ProtoReader, ScalarEncodingsAreReadExactly) {
  // The negative int64 really is a 10-byte varint, and the other fixed-width values are
  // little-endian: check the bytes of the builder, then what the reader makes of them.
  EXPECT_EQ(Pb().i(3, -5).size(), 11u);
  const SpanData s = decode_one_span(Pb()
                                         .f64(7, 0x0102030405060708ULL)
                                         .f64(8, 0xFFFFFFFFFFFFFFFFULL)
                                         .f32(16, 0x80000301u)
                                         .m(9, Pb().s(1, "i").m(2, Pb().i(3, std::numeric_limits<std::int64_t>::min())))
                                         .m(9, Pb().s(1, "j").m(2, Pb().i(3, -1)))
                                         .m(9, Pb().s(1, "d").m(2, Pb().f64(4, bits_of(-0.0))))
                                         .m(9, Pb().s(1, "b").m(2, Pb().u(2, 2))));  // any non-zero is true
  EXPECT_EQ(s.start_time_unix_nano, 0x0102030405060708ULL);
  EXPECT_EQ(s.end_time_unix_nano, 0xFFFFFFFFFFFFFFFFULL);
  EXPECT_EQ(s.flags, 0x80000301u);
  ASSERT_EQ(s.attributes.size(), 4u);
  EXPECT_EQ(s.attributes[0].value.int_value, std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(s.attributes[1].value.int_value, -1);
  EXPECT_EQ(s.attributes[2].value.kind, AnyValue::Kind::dbl);
  EXPECT_EQ(bits_of(s.attributes[2].value.double_value), bits_of(-0.0));
  EXPECT_EQ(s.attributes[3].value, AnyValue(true));
}

TEST(ProtoReader, UnknownFieldsOfEveryWireTypeAreSkippedAtEveryLevel) {
  const std::string bytes = full_request(true).str();
  ASSERT_GT(bytes.size(), full_request(false).size() * 3);  // the unknown fields are really there
  TraceRequest r;
  const DecodeStatus st = decode(bytes, r);
  ASSERT_TRUE(st.ok()) << st.message() << " at " << st.offset;
  EXPECT_EQ(first_difference(expected_full_request(), r), "");
}

TEST(ProtoReader, UnknownFieldsAloneAtEachLevelAreSkipped) {
  // A message holding nothing but unknown fields decodes as its default.
  for (const Path& path : {kRequest, kResourceSpans, kResource, kScopeSpans, kScope, kSpan, kEvent, kLink, kStatus,
                           kSpanKv, kAnyValue, kArray, kKvList}) {
    const std::string bytes = nest(path, unknowns(1000).str(), 0).bytes;
    TraceRequest r;
    const DecodeStatus st = decode(bytes, r);
    EXPECT_TRUE(st.ok()) << "path size " << path.size() << ": " << st.message() << " at " << st.offset;
  }
}

TEST(ProtoReader, StringsAreBytesWithoutUtf8Check) {
  const SpanData s = decode_one_span(Pb().s(5, bytes_of({0xff, 0xfe, 0, 0xc0})));
  EXPECT_EQ(s.name, bytes_of({0xff, 0xfe, 0, 0xc0}));
}

TEST(ProtoReader, AbsentKindIsUnspecifiedAndUnknownEnumValuesMapToDefault) {
  EXPECT_EQ(decode_one_span(Pb()).kind, SpanKind::unspecified);
  for (std::uint64_t k = 0; k <= 5; ++k) EXPECT_EQ(decode_one_span(Pb().u(6, k)).kind, static_cast<SpanKind>(k));
  EXPECT_EQ(decode_one_span(Pb().u(6, 6)).kind, SpanKind::unspecified);
  EXPECT_EQ(decode_one_span(Pb().u(6, 1000)).kind, SpanKind::unspecified);
  EXPECT_EQ(decode_one_span(Pb().i(6, -1)).kind, SpanKind::unspecified);
  // Like protobuf, an enum is the low 32 bits of its varint.
  EXPECT_EQ(decode_one_span(Pb().u(6, (1ULL << 32) + 3)).kind, SpanKind::client);

  auto code = [](std::uint64_t c) { return decode_one_span(Pb().m(15, Pb().u(3, c))).status.code; };
  EXPECT_EQ(code(0), StatusCode::unset);
  EXPECT_EQ(code(1), StatusCode::ok);
  EXPECT_EQ(code(2), StatusCode::error);
  EXPECT_EQ(code(3), StatusCode::unset);
  EXPECT_EQ(code(static_cast<std::uint64_t>(-1)), StatusCode::unset);
  EXPECT_EQ(code((1ULL << 32) + 2), StatusCode::error);
}

TEST(ProtoReader, Uint32FieldsKeepTheLow32Bits) {
  const SpanData s = decode_one_span(Pb().u(10, (1ULL << 32) + 5).u(12, 0xFFFFFFFFFFFFFFFFULL).u(14, 1ULL << 40));
  EXPECT_EQ(s.dropped_attributes_count, 5u);
  EXPECT_EQ(s.dropped_events_count, 0xFFFFFFFFu);
  EXPECT_EQ(s.dropped_links_count, 0u);
}

TEST(ProtoReader, EmptyIdsAreZeroAndTheLastOccurrenceWins) {
  const SpanData s = decode_one_span(Pb()
                                         .s(1, "")
                                         .s(2, raw_id(id_counting_from<8>(1)))
                                         .s(2, "")
                                         .s(4, "")
                                         .s(1, raw_id(id_counting_from<16>(1)))
                                         .m(13, Pb().s(1, "").s(2, "")));
  EXPECT_EQ(s.trace_id, id_counting_from<16>(1));
  EXPECT_EQ(s.span_id, SpanId{});
  EXPECT_EQ(s.parent_span_id, SpanId{});
  ASSERT_EQ(s.links.size(), 1u);
  EXPECT_EQ(s.links[0].trace_id, TraceId{});
  EXPECT_EQ(s.links[0].span_id, SpanId{});
}

TEST(ProtoReader, RepeatedSingularMessagesMergeLikeProtobuf) {
  // resource twice: attributes append, the later scalar wins.
  Pb rs;
  rs.m(1, Pb().m(1, kv(false, "a", any(false, 1, "1"))).u(2, 1));
  rs.m(1, Pb().m(1, kv(false, "b", any(false, 1, "2"))).u(2, 2));
  rs.m(2, Pb().m(1, Pb().s(1, "n1").s(2, "v1")).m(1, Pb().s(1, "n2")));
  TraceRequest r;
  ASSERT_TRUE(decode(Pb().m(1, rs).str(), r).ok());
  const Resource& res = r.resource_spans.at(0).resource;
  EXPECT_EQ(res.attributes, (Attributes{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(res.dropped_attributes_count, 2u);
  const InstrumentationScope& scope = r.resource_spans.at(0).scope_spans.at(0).scope;
  EXPECT_EQ(scope.name, "n2");
  EXPECT_EQ(scope.version, "v1");

  // status twice: code kept from the first, message from the second.
  const SpanData s = decode_one_span(Pb().m(15, Pb().s(2, "first").u(3, 2)).m(15, Pb().s(2, "second")));
  EXPECT_EQ(s.status.code, StatusCode::error);
  EXPECT_EQ(s.status.message, "second");

  // AnyValue: another oneof member replaces; a second array_value appends to the first.
  const SpanData t = decode_one_span(
      Pb().m(9, Pb().s(1, "k").m(2, Pb().s(1, "str").i(3, 9)))
          .m(9, Pb().s(1, "a").m(2, Pb().m(5, Pb().m(1, any(false, 1, "x"))).m(5, Pb().m(1, any(false, 1, "y")))))
          .m(9, Pb().s(1, "c").m(2, Pb().m(5, Pb().m(1, any(false, 1, "x"))).s(1, "str")))
          .m(9, Pb().s(1, "v").m(2, Pb().i(3, 1)).m(2, Pb().u(2, 1))));  // value field twice
  ASSERT_EQ(t.attributes.size(), 4u);
  EXPECT_EQ(t.attributes[0].value, AnyValue(9));
  EXPECT_EQ(t.attributes[1].value, AnyValue::array_of({"x", "y"}));
  EXPECT_EQ(t.attributes[2].value, AnyValue("str"));
  EXPECT_TRUE(t.attributes[2].value.array.empty());
  EXPECT_EQ(t.attributes[3].value, AnyValue(true));
}

// ==== every prefix ========================================================================

TEST(ProtoReader, EveryPrefixOfARequestDecodesOnlyAtTopLevelBoundaries) {
  // Three resource_spans of several spans each; a prefix decodes iff it ends where a
  // top-level field ends, and then holds exactly the first resource_spans.
  Pb request;
  std::vector<std::size_t> boundaries{0};
  TraceRequest expected;
  for (int k = 0; k < 3; ++k) {
    Pb ss;
    ss.m(1, Pb().s(1, "scope" + std::to_string(k)));
    for (int n = 0; n <= k; ++n) ss.m(2, full_span(false));
    request.m(1, Pb().m(1, Pb().m(1, kv(false, "k", any(false, 1, "v")))).m(2, ss).s(3, "url"));
    boundaries.push_back(request.size());
    auto& rs = expected.resource_spans.emplace_back();
    rs.resource.attributes = {{"k", "v"}};
    rs.schema_url = "url";
    auto& s = rs.scope_spans.emplace_back();
    s.scope.name = "scope" + std::to_string(k);
    for (int n = 0; n <= k; ++n) s.spans.push_back(expected_full_span());
  }
  const std::string bytes = request.str();
  std::size_t ok_count = 0;
  for (std::size_t n = 0; n <= bytes.size(); ++n) {
    TraceRequest r;
    const DecodeStatus st = decode(bytes.substr(0, n), r);
    std::size_t k = 0;
    while (k < boundaries.size() && boundaries[k] != n) ++k;
    if (k < boundaries.size()) {
      ++ok_count;
      ASSERT_TRUE(st.ok()) << "prefix " << n << ": " << st.message();
      TraceRequest want = expected;
      want.resource_spans.resize(k);
      ASSERT_EQ(first_difference(want, r), "") << "prefix " << n;
    } else {
      ASSERT_FALSE(st.ok()) << "prefix " << n;
      ASSERT_TRUE(st.error == DecodeError::truncated || st.error == DecodeError::length_past_end)
          << "prefix " << n << ": " << st.message();
      ASSERT_LE(st.offset, n);
    }
  }
  EXPECT_EQ(ok_count, 4u);
}

TEST(ProtoReader, EveryPrefixOfASpanInAValidEnvelope) {
  // The span is cut and the enclosing lengths fixed up, so the cut is met inside the span
  // (and inside its attributes, events, links...): it decodes iff it ends between fields.
  std::vector<std::size_t> boundaries{0};
  const std::string full = full_span(true).str();
  // Field boundaries of the span: walk it with the builder's own knowledge of the layout
  // by re-reading tags and lengths (test-local, independent of the reader).
  {
    std::size_t p = 0;
    auto varint = [&](std::size_t& q) {
      std::uint64_t v = 0;
      for (int shift = 0;; shift += 7) {
        const auto b = static_cast<std::uint8_t>(full[q++]);
        v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
        if (b < 0x80) return v;
      }
    };
    while (p < full.size()) {
      const std::uint64_t tag = varint(p);
      switch (tag & 7) {
        case kV: varint(p); break;
        case kF64: p += 8; break;
        case kF32: p += 4; break;
        default: p += static_cast<std::size_t>(varint(p)); break;
      }
      boundaries.push_back(p);
    }
    ASSERT_EQ(p, full.size());
  }
  std::size_t ok_count = 0;
  for (std::size_t n = 0; n <= full.size(); ++n) {
    const std::string bytes = with_trailer(nest(kSpan, full.substr(0, n), 0).bytes);
    TraceRequest r;
    const DecodeStatus st = decode(bytes, r);
    const bool boundary = std::find(boundaries.begin(), boundaries.end(), n) != boundaries.end();
    if (boundary) {
      ++ok_count;
      ASSERT_TRUE(st.ok()) << "prefix " << n << ": " << st.message() << " at " << st.offset;
    } else {
      ASSERT_FALSE(st.ok()) << "prefix " << n;
      ASSERT_TRUE(st.error == DecodeError::truncated || st.error == DecodeError::length_past_end)
          << "prefix " << n << ": " << st.message();
    }
  }
  EXPECT_EQ(ok_count, boundaries.size());
  EXPECT_GT(ok_count, 40u);
}

TEST(ProtoReader, CorruptedBytesNeverCrash) {
  // Every byte of the full request replaced by a few values: whatever comes out, the reader
  // stays within the input (the sanitizer builds make any overrun fatal).
  const std::string full = full_request(false).str();
  std::size_t errors = 0;
  for (std::size_t k = 0; k < full.size(); ++k) {
    for (int v : {0x00, 0x01, 0x7f, 0x80, 0xff}) {
      std::string bytes = full;
      bytes[k] = static_cast<char>(v);
      TraceRequest r;
      if (!decode(bytes, r).ok()) ++errors;
    }
  }
  EXPECT_GT(errors, 0u);
}

// ==== framing errors ======================================================================

TEST(ProtoReader, TruncatedAndPastEndAtTheTopLevel) {
  EXPECT_TRUE(fails_with(bytes_of({0x0a}), DecodeError::truncated, 1));         // tag, no length
  EXPECT_TRUE(fails_with(bytes_of({0x0a, 0x80}), DecodeError::truncated, 1));   // length cut
  EXPECT_TRUE(fails_with(bytes_of({0x88}), DecodeError::truncated, 0));         // tag cut
  EXPECT_TRUE(fails_with(bytes_of({0x0a, 0x03, 0, 0}), DecodeError::length_past_end, 1));
  EXPECT_TRUE(fails_with(Pb().s(1, "").raw(bytes_of({0x0a, 0x01})).str(), DecodeError::length_past_end, 3));
  // A length above any buffer (2^63) must not wrap around.
  EXPECT_TRUE(fails_with(Pb().tag(1, kLen).varint(1ULL << 63).str(), DecodeError::length_past_end, 1));
  EXPECT_TRUE(fails_with(Pb().tag(99, kLen).varint(~0ULL).str(), DecodeError::length_past_end, 2));
  EXPECT_TRUE(fails_with(Pb().tag(99, kF64).le(0, 7).str(), DecodeError::truncated, 2));
  EXPECT_TRUE(fails_with(Pb().tag(99, kF32).le(0, 3).str(), DecodeError::truncated, 2));
  EXPECT_TRUE(fails_with(Pb().tag(99, kV).str(), DecodeError::truncated, 2));
}

TEST(ProtoReader, LengthPastItsParentAtEveryLevel) {
  // Each length-delimited field claims one byte more than its parent holds; the input goes on.
  for (const KnownField& f : known_fields()) {
    if (f.wire != kLen) continue;
    Pb leaf;
    leaf.tag(f.field, kLen).varint(3).raw("ab");
    const Marked m = nest(f.path, leaf.str(), 1);
    const std::string bytes = f.path.empty() ? m.bytes : with_trailer(m.bytes);
    EXPECT_TRUE(fails_with(bytes, DecodeError::length_past_end, m.at)) << describe(f);
  }
  // The same for an unknown field at several levels.
  for (const Path& path : {kResourceSpans, kSpan, kAnyValue, kLinkKv, kStatus}) {
    const Marked m = nest(path, Pb().tag(1000, kLen).varint(2).raw("a").str(), 2);
    EXPECT_TRUE(fails_with(with_trailer(m.bytes), DecodeError::length_past_end, m.at)) << path.size();
  }
}

TEST(ProtoReader, ValueCutByItsParentsEndAtEveryLevel) {
  // A varint or fixed-width value that the enclosing message's end cuts short is truncated,
  // though the input holds more bytes.
  for (const KnownField& f : known_fields()) {
    Pb leaf;
    leaf.tag(f.field, f.wire);
    const std::size_t at = leaf.size();
    switch (f.wire) {
      case kV: leaf.raw(bytes_of({0x81, 0x82})); break;
      case kF64: leaf.le(0, 7); break;
      case kF32: leaf.le(0, 3); break;
      default: leaf.raw(bytes_of({0x85})); break;  // a length, cut
    }
    const Marked m = nest(f.path, leaf.str(), at);
    const std::string bytes = f.path.empty() ? m.bytes : with_trailer(m.bytes);
    EXPECT_TRUE(fails_with(bytes, DecodeError::truncated, m.at)) << describe(f);
  }
  // A tag cut by the parent's end.
  const Marked m = nest(kEvent, bytes_of({0x88}), 0);
  EXPECT_TRUE(fails_with(with_trailer(m.bytes), DecodeError::truncated, m.at));
}

TEST(ProtoReader, OverlongVarints) {
  // 11 bytes.
  std::string eleven(10, static_cast<char>(0x80));
  eleven += '\x01';
  EXPECT_TRUE(fails_with(Pb().tag(99, kV).raw(eleven).str(), DecodeError::overlong_varint, 2));
  // 10 bytes whose 10th is above 1 (bits beyond 64).
  std::string high(9, static_cast<char>(0xff));
  high += '\x02';
  EXPECT_TRUE(fails_with(Pb().tag(99, kV).raw(high).str(), DecodeError::overlong_varint, 2));
  std::string cont(9, static_cast<char>(0xff));
  cont += static_cast<char>(0x81);
  EXPECT_TRUE(fails_with(Pb().tag(99, kV).raw(cont).str(), DecodeError::overlong_varint, 2));
  // 10 bytes with the 10th at 1 is the largest valid varint; 10 padded bytes are valid too.
  std::string max(9, static_cast<char>(0xff));
  max += '\x01';
  TraceRequest r;
  EXPECT_TRUE(decode(Pb().tag(99, kV).raw(max).str(), r).ok());
  std::string padded(9, static_cast<char>(0x80));
  padded += '\x00';
  EXPECT_TRUE(decode(Pb().tag(99, kV).raw(padded).str(), r).ok());
  // In a tag, in a length, and in a known field deep down.
  EXPECT_TRUE(fails_with(eleven, DecodeError::overlong_varint, 0));
  EXPECT_TRUE(fails_with(Pb().tag(1, kLen).raw(high).str(), DecodeError::overlong_varint, 1));
  const Marked m = nest(kAnyValue, Pb().tag(3, kV).raw(high).str(), 1);
  EXPECT_TRUE(fails_with(m.bytes, DecodeError::overlong_varint, m.at));
  const Marked big = nest(kSpan, Pb().tag(6, kV).raw(eleven).str(), 1);
  EXPECT_TRUE(fails_with(big.bytes, DecodeError::overlong_varint, big.at));
}

TEST(ProtoReader, GroupsAndWireTypes6And7AreRefused) {
  for (unsigned wire : {3u, 4u, 6u, 7u}) {
    for (std::uint64_t field : {1ull, 2ull, 99ull}) {
      EXPECT_TRUE(fails_with(Pb().tag(field, wire).str(), DecodeError::bad_wire_type, 0)) << wire;
      const std::size_t at = Pb().s(99, "x").size();
      EXPECT_TRUE(fails_with(Pb().s(99, "x").tag(field, wire).u(1, 0).str(), DecodeError::bad_wire_type, at));
      for (const Path& path : {kResourceSpans, kSpan, kEvent, kLink, kAnyValue, kArray, kKvListKv}) {
        const Marked m = nest(path, Pb().tag(field, wire).le(0, 8).str(), 0);
        EXPECT_TRUE(fails_with(with_trailer(m.bytes), DecodeError::bad_wire_type, m.at))
            << "wire " << wire << " field " << field << " depth " << path.size();
      }
    }
  }
}

TEST(ProtoReader, FieldNumberZeroIsRefused) {
  for (unsigned wire : {kV, kF64, kLen, kF32}) {
    EXPECT_TRUE(fails_with(any_field(0, wire).str(), DecodeError::bad_wire_type, 0)) << wire;
    for (const Path& path : {kResourceSpans, kResource, kSpan, kStatus, kAnyValue}) {
      const Marked m = nest(path, any_field(0, wire).str(), 0);
      EXPECT_TRUE(fails_with(m.bytes, DecodeError::bad_wire_type, m.at)) << wire << " depth " << path.size();
    }
  }
}

TEST(ProtoReader, WrongWireTypeForEveryKnownField) {
  std::size_t checked = 0;
  for (const KnownField& f : known_fields()) {
    for (unsigned wire : {kV, kF64, kLen, kF32}) {
      if (wire == f.wire) continue;
      const Marked m = nest(f.path, Pb().s(1000, "before").raw(any_field(f.field, wire)).str(), Pb().s(1000, "before").size());
      EXPECT_TRUE(fails_with(m.bytes, DecodeError::wrong_wire_type, m.at)) << describe(f) << " as wire " << wire;
      ++checked;
    }
    // ...and the right wire type is accepted.
    const Marked ok = nest(f.path, any_field(f.field, f.wire).str(), 0);
    TraceRequest r;
    const DecodeStatus st = decode(ok.bytes, r);
    EXPECT_TRUE(st.ok()) << describe(f) << ": " << st.message();
  }
  EXPECT_EQ(checked, known_fields().size() * 3);
}

// ==== ids =================================================================================

TEST(ProtoReader, IdsOfWrongLengthAreRefused) {
  struct IdField {
    Path path;
    std::uint32_t field;
    std::size_t size;
  };
  const IdField ids[] = {{kSpan, 1, 16}, {kSpan, 2, 8}, {kSpan, 4, 8}, {kLink, 1, 16}, {kLink, 2, 8}};
  for (const IdField& id : ids) {
    for (std::size_t len : {1u, 7u, 9u, 15u, 17u}) {
      const Pb before = Pb().s(3, "ts");
      const Marked m = nest(id.path, Pb().raw(before).s(id.field, std::string(len, '\x01')).str(), before.size());
      EXPECT_TRUE(fails_with(m.bytes, DecodeError::bad_id_length, m.at)) << "field " << id.field << " length " << len;
    }
    for (std::size_t len : {std::size_t{0}, id.size}) {
      TraceRequest r;
      EXPECT_TRUE(decode(nest(id.path, Pb().s(id.field, std::string(len, '\x01')).str(), 0).bytes, r).ok())
          << "field " << id.field << " length " << len;
    }
  }
}

// ==== depth ===============================================================================

// A request whose innermost message is `levels` ArrayValue/AnyValue pairs below a span
// attribute value, built without quadratic copying. Returns the bytes and the offset of the
// tag that opens the message at depth `mark_depth`.
Marked nested_arrays(std::size_t levels, std::size_t mark_depth) {
  Path path = kAnyValue;  // the attribute value at depth 5
  for (std::size_t k = 0; k < levels; ++k) {
    path.push_back(5);  // AnyValue.array_value
    path.push_back(1);  // ArrayValue.values
  }
  // Lengths from the inside out: the innermost message is empty.
  std::vector<std::uint64_t> lengths(path.size());
  std::uint64_t len = 0;
  for (std::size_t k = path.size(); k-- > 0;) {
    lengths[k] = len;
    len += Pb().tag(path[k], kLen).varint(len).size();
  }
  Marked m;
  m.bytes.reserve(static_cast<std::size_t>(len));
  for (std::size_t k = 0; k < path.size(); ++k) {
    if (k + 1 == mark_depth) m.at = m.bytes.size();
    m.bytes += Pb().tag(path[k], kLen).varint(lengths[k]).str();
  }
  return m;
}

TEST(ProtoReader, DepthBombIsRefusedWithoutStackOverflow) {
  const Marked bomb = nested_arrays(10000, DecodeOptions{}.max_depth + 1);
  EXPECT_GT(bomb.bytes.size(), 40000u);
  EXPECT_TRUE(fails_with(bomb.bytes, DecodeError::too_deep, bomb.at));
  // A kvlist bomb too: AnyValue -> KeyValueList -> KeyValue -> AnyValue ...
  std::string inner;
  for (int k = 0; k < 2000; ++k) inner = Pb().m(6, Pb().m(1, Pb().s(2, inner))).str();
  TraceRequest r;
  EXPECT_EQ(decode(nest(kAnyValue, inner, 0).bytes, r).error, DecodeError::too_deep);
}

TEST(ProtoReader, DefaultMaxDepthIsExactlyTheBoundary) {
  // Innermost AnyValue at depth 5 + 2 * levels; the last ArrayValue at 4 + 2 * levels.
  const std::uint32_t max = DecodeOptions{}.max_depth;
  ASSERT_EQ(max, 32u);
  TraceRequest r;
  // 13 levels: the innermost AnyValue at depth 31 holds an empty array_value at 32: fine.
  Path path = kAnyValue;
  for (int k = 0; k < 13; ++k) path.insert(path.end(), {5, 1});
  ASSERT_EQ(path.size(), 31u);
  EXPECT_TRUE(decode(nest(path, Pb().s(5, "").str(), 0).bytes, r).ok());
  // 14 levels: the innermost AnyValue sits at 33.
  const Marked over = nested_arrays(14, 33);
  EXPECT_TRUE(fails_with(over.bytes, DecodeError::too_deep, over.at));
}

TEST(ProtoReader, MaxDepthOptionIsRespectedExactly) {
  // For every message path: a message at depth d decodes with max_depth d, not with d - 1.
  std::vector<Path> paths{kResourceSpans, kResource, kResourceKv, kScopeSpans, kScope, kScopeKv, kSpan,
                          kSpanKv, kAnyValue, kArray, kArrayItem, kKvList, kKvListKv, kEvent,
                          kEventKv, kLink, kLinkKv, kStatus};
  for (const Path& path : paths) {
    const auto depth = static_cast<std::uint32_t>(path.size());
    // The innermost message holds a field, so it is really decoded.
    const Marked m = nest(path, unknowns(1000).str(), 0);
    TraceRequest r;
    const DecodeStatus ok = decode(m.bytes, r, depth);
    EXPECT_TRUE(ok.ok()) << "depth " << depth << ": " << ok.message();
    // The tag that opens the innermost message.
    Path outer(path.begin(), path.end() - 1);
    const std::string inner = Pb().m(path.back(), unknowns(1000)).str();
    const Marked tagged = nest(outer, inner, 0);
    ASSERT_EQ(tagged.bytes, m.bytes);
    EXPECT_TRUE(fails_with(m.bytes, DecodeError::too_deep, tagged.at, depth - 1)) << "depth " << depth;
  }
  // max_depth 0: only the request itself.
  TraceRequest r;
  EXPECT_TRUE(decode(Pb().u(5, 1).str(), r, 0).ok());
  EXPECT_TRUE(fails_with(Pb().s(1, "").str(), DecodeError::too_deep, 0, 0));
  // Unknown length-delimited fields are skipped, not descended into: no depth.
  EXPECT_TRUE(decode(Pb().s(99, Pb().s(1, Pb().s(1, "").str()).str()).str(), r, 0).ok());
}

// ==== response ============================================================================

TEST(ProtoReader, ResponseWithAndWithoutPartialSuccess) {
  std::optional<PartialSuccess> partial = PartialSuccess{1, "stale"};
  EXPECT_TRUE(decode_trace_response("", partial).ok());
  EXPECT_FALSE(partial.has_value());

  EXPECT_TRUE(decode_trace_response(Pb().s(1, "").str(), partial).ok());
  ASSERT_TRUE(partial.has_value());
  EXPECT_EQ(*partial, PartialSuccess{});

  EXPECT_TRUE(decode_trace_response(Pb().m(1, Pb().u(1, 42).s(2, "too old")).str(), partial).ok());
  ASSERT_TRUE(partial.has_value());
  EXPECT_EQ(partial->rejected_spans, 42);
  EXPECT_EQ(partial->error_message, "too old");

  // A warning: rejected 0 with a message; unknown fields around it are skipped.
  EXPECT_TRUE(
      decode_trace_response(Pb().raw(unknowns(2)).m(1, Pb().raw(unknowns(3)).s(2, "warn")).raw(unknowns(2)).str(), partial)
          .ok());
  ASSERT_TRUE(partial.has_value());
  EXPECT_EQ(*partial, (PartialSuccess{0, "warn"}));

  // int64 from a 10-byte varint.
  EXPECT_TRUE(decode_trace_response(Pb().m(1, Pb().i(1, -3)).str(), partial).ok());
  EXPECT_EQ(partial->rejected_spans, -3);

  // Only unknown fields: no partial success.
  EXPECT_TRUE(decode_trace_response(unknowns(2).str(), partial).ok());
  EXPECT_FALSE(partial.has_value());
}

TEST(ProtoReader, MalformedResponsesAreRefused) {
  std::optional<PartialSuccess> partial;
  DecodeStatus st = decode_trace_response(Pb().u(1, 5).str(), partial);
  EXPECT_EQ(st.error, DecodeError::wrong_wire_type);
  st = decode_trace_response(Pb().m(1, Pb().s(1, "5")).str(), partial);
  EXPECT_EQ(st.error, DecodeError::wrong_wire_type);
  EXPECT_EQ(st.offset, 2u);
  st = decode_trace_response(Pb().m(1, Pb().u(2, 5)).str(), partial);
  EXPECT_EQ(st.error, DecodeError::wrong_wire_type);
  st = decode_trace_response(with_trailer(Pb().m(1, Pb().tag(2, kLen).varint(10)).str()), partial);
  EXPECT_EQ(st.error, DecodeError::length_past_end);
  EXPECT_EQ(st.offset, 3u);
  st = decode_trace_response(bytes_of({0x0a, 0x05, 0x08}), partial);
  EXPECT_EQ(st.error, DecodeError::length_past_end);
  st = decode_trace_response(with_trailer(bytes_of({0x0a, 0x01, 0x08})), partial);
  EXPECT_EQ(st.error, DecodeError::truncated);
  EXPECT_EQ(st.offset, 3u);
  st = decode_trace_response(bytes_of({0x0b}), partial);
  EXPECT_EQ(st.error, DecodeError::bad_wire_type);
}

// ==== messages ============================================================================

TEST(ProtoReader, EveryErrorHasAMessage) {
  for (int e = 0; e <= static_cast<int>(DecodeError::too_many_decoded_bytes); ++e) {
    DecodeStatus st;
    st.error = static_cast<DecodeError>(e);
    ASSERT_NE(st.message(), nullptr);
    EXPECT_GT(std::strlen(st.message()), 0u) << e;
    EXPECT_NE(std::string(st.message()), "unknown error") << e;
  }
  // And the errors the reader produces carry theirs.
  TraceRequest r;
  for (const std::string& bad : {bytes_of({0x0a}), bytes_of({0x0a, 0x05}), bytes_of({0x0b}), Pb().u(1, 1).str()}) {
    const DecodeStatus st = decode(bad, r);
    EXPECT_FALSE(st.ok());
    EXPECT_FALSE(static_cast<bool>(st));
    EXPECT_GT(std::strlen(st.message()), 0u);
  }
}

}  // namespace
}  // namespace otlp
