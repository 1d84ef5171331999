#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "otlp/trace/propagation.hpp"
#include "otlp/model/random.hpp"

namespace otlp {
namespace {

constexpr std::string_view kTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr std::string_view kSpan = "00f067aa0ba902b7";
constexpr std::string_view kExample = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

std::string tp(std::string_view version, std::string_view trace, std::string_view span, std::string_view flags) {
  std::string s(version);
  s += '-';
  s += trace;
  s += '-';
  s += span;
  s += '-';
  s += flags;
  return s;
}

// ---- traceparent -------------------------------------------------------------------------

TEST(Traceparent, ParsesTheW3cExample) {
  auto ctx = parse_traceparent(kExample);
  ASSERT_TRUE(ctx);
  EXPECT_EQ(ctx->trace_id, *TraceId::from_hex(kTrace));
  EXPECT_EQ(ctx->trace_id.bytes[0], 0x4b);
  EXPECT_EQ(ctx->span_id, *SpanId::from_hex(kSpan));
  EXPECT_EQ(ctx->trace_flags, 0x01);
  EXPECT_TRUE(ctx->sampled());
  EXPECT_TRUE(ctx->remote);
  EXPECT_TRUE(ctx->valid());
  EXPECT_EQ(ctx->trace_state, "");
}

TEST(Traceparent, SampledFlag) {
  auto off = parse_traceparent(tp("00", kTrace, kSpan, "00"));
  ASSERT_TRUE(off);
  EXPECT_FALSE(off->sampled());
  EXPECT_EQ(off->trace_flags, 0x00);
  auto on = parse_traceparent(tp("00", kTrace, kSpan, "01"));
  ASSERT_TRUE(on);
  EXPECT_TRUE(on->sampled());
}

TEST(Traceparent, Version00KeepsTheWholeFlagsByte) {
  auto ctx = parse_traceparent(tp("00", kTrace, kSpan, "a9"));
  ASSERT_TRUE(ctx);
  EXPECT_EQ(ctx->trace_flags, 0xa9);
  EXPECT_EQ(format_traceparent(*ctx), tp("00", kTrace, kSpan, "a9"));
}

TEST(Traceparent, TrimsSpacesAndTabsAroundTheValueOnly) {
  auto ctx = parse_traceparent(" \t" + std::string(kExample) + "\t ");
  ASSERT_TRUE(ctx);
  EXPECT_EQ(ctx->span_id, *SpanId::from_hex(kSpan));
  EXPECT_FALSE(parse_traceparent("00- 4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7- 1"));
  EXPECT_FALSE(parse_traceparent("\n" + std::string(kExample)));  // only SP/HTAB are OWS
  EXPECT_FALSE(parse_traceparent(std::string(kExample) + "\r"));
}

TEST(Traceparent, RejectsEveryInvalidForm) {
  ASSERT_TRUE(parse_traceparent(tp("00", kTrace, kSpan, "01")));  // the control
  const std::string trace(kTrace), span(kSpan);
  const std::vector<std::pair<const char*, std::string>> cases = {
      {"empty", ""},
      {"only spaces", "   \t "},
      {"version 1 char", tp("0", trace, span, "01")},
      {"version 3 chars", tp("000", trace, span, "01")},
      {"trace id 31", tp("00", trace.substr(1), span, "01")},
      {"trace id 33", tp("00", trace + "a", span, "01")},
      {"parent id 15", tp("00", trace, span.substr(1), "01")},
      {"parent id 17", tp("00", trace, span + "a", "01")},
      {"flags 1", tp("00", trace, span, "1")},
      {"flags 3", tp("00", trace, span, "011")},
      {"future version, trace id 31", tp("cc", trace.substr(1), span + "a", "01")},
      {"future version, parent id 15", tp("cc", trace, span.substr(1), "01") + "a"},
      {"uppercase version", tp("0A", trace, span, "01")},
      {"uppercase future version", tp("CC", trace, span, "01")},
      {"uppercase trace id", tp("00", "4BF92F3577B34DA6A3CE929D0E0E4736", span, "01")},
      {"one uppercase trace digit", tp("00", "4bf92f3577b34da6a3ce929d0e0e473A", span, "01")},
      {"uppercase parent id", tp("00", trace, "00F067AA0BA902B7", "01")},
      {"uppercase flags", tp("00", trace, span, "0A")},
      {"non-hex version", tp("0g", trace, span, "01")},
      {"non-hex trace id", tp("00", "4bf92f3577b34da6a3ce929d0e0e473g", span, "01")},
      {"non-hex parent id", tp("00", trace, "00f067aa0ba902bz", "01")},
      {"non-hex flags", tp("00", trace, span, "0x")},
      {"all-zero trace id", tp("00", std::string(32, '0'), span, "01")},
      {"all-zero parent id", tp("00", trace, std::string(16, '0'), "01")},
      {"all-zero trace id, future version", tp("cc", std::string(32, '0'), span, "01")},
      {"version ff", tp("ff", trace, span, "01")},
      {"version ff with extra", tp("ff", trace, span, "01") + "-extra"},
      {"version 00 with trailing dash", tp("00", trace, span, "01") + "-"},
      {"version 00 with trailing data", tp("00", trace, span, "01") + "-extra"},
      {"version 00 with trailing char", tp("00", trace, span, "01") + "x"},
      {"future version glued extra", tp("cc", trace, span, "01") + "extra"},
      {"future version too short", tp("cc", trace, span, "0")},
      {"separator 1", "00_" + trace + "-" + span + "-01"},
      {"separator 2", "00-" + trace + "_" + span + "-01"},
      {"separator 3", "00-" + trace + "-" + span + "_01"},
      {"no separators", "00" + trace + span + "01xxx"},
      {"shifted separator", "00-" + trace.substr(1) + "-a" + span + "-01"},
  };
  for (const auto& [name, header] : cases) EXPECT_FALSE(parse_traceparent(header)) << name << ": " << header;
}

TEST(Traceparent, FutureVersionParsesTheFirstFourFields) {
  auto exact = parse_traceparent(tp("cc", kTrace, kSpan, "01"));
  ASSERT_TRUE(exact);
  auto extra = parse_traceparent(tp("cc", kTrace, kSpan, "01") + "-extra");
  ASSERT_TRUE(extra);
  EXPECT_EQ(extra->trace_id, *TraceId::from_hex(kTrace));
  EXPECT_EQ(extra->span_id, *SpanId::from_hex(kSpan));
  EXPECT_TRUE(extra->sampled());
  EXPECT_TRUE(extra->remote);
  EXPECT_TRUE(parse_traceparent(tp("01", kTrace, kSpan, "00") + "-what-ever-FOLLOWS"));
  EXPECT_FALSE(parse_traceparent(tp("cc", kTrace, kSpan, "01") + "extra"));
}

TEST(Traceparent, FutureVersionKeepsOnlyKnownFlags) {
  auto ctx = parse_traceparent(tp("cc", kTrace, kSpan, "ff") + "-extra");
  ASSERT_TRUE(ctx);
  EXPECT_EQ(ctx->trace_flags, 0x03);
}

TEST(Traceparent, FormatRoundTrip) {
  auto ctx = parse_traceparent(kExample);
  ASSERT_TRUE(ctx);
  EXPECT_EQ(format_traceparent(*ctx), kExample);

  SpanContext made;
  made.trace_id = *TraceId::from_hex("0af7651916cd43dd8448eb211c80319c");
  made.span_id = *SpanId::from_hex("b7ad6b7169203331");
  made.trace_flags = 0x00;
  EXPECT_EQ(format_traceparent(made), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00");
  auto back = parse_traceparent(format_traceparent(made));
  ASSERT_TRUE(back);
  made.remote = true;
  EXPECT_EQ(*back, made);

  // A future version is re-emitted as version 00.
  auto future = parse_traceparent(tp("cc", kTrace, kSpan, "01") + "-extra");
  ASSERT_TRUE(future);
  EXPECT_EQ(format_traceparent(*future), kExample);
}

TEST(Traceparent, FormatRefusesInvalidContexts) {
  SpanContext ctx;
  EXPECT_EQ(format_traceparent(ctx), "");
  ctx.trace_id = *TraceId::from_hex(kTrace);
  EXPECT_EQ(format_traceparent(ctx), "");  // span id still zero
  ctx.trace_id = TraceId{};
  ctx.span_id = *SpanId::from_hex(kSpan);
  EXPECT_EQ(format_traceparent(ctx), "");  // trace id zero
}

// ---- tracestate --------------------------------------------------------------------------

std::string many_members(std::size_t n) {
  std::string h;
  for (std::size_t i = 0; i < n; ++i) {
    if (i) h += ',';
    h += "k" + std::to_string(i) + "=v" + std::to_string(i);
  }
  return h;
}

TEST(TraceState, ParsesTheW3cExampleInOrder) {
  auto ts = TraceState::parse("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  ASSERT_TRUE(ts);
  ASSERT_EQ(ts->size(), 2u);
  EXPECT_EQ(ts->members()[0].first, "rojo");
  EXPECT_EQ(ts->members()[1].first, "congo");
  EXPECT_EQ(ts->get("rojo"), "00f067aa0ba902b7");
  EXPECT_EQ(ts->get("congo"), "t61rcWkgMzE");
  EXPECT_FALSE(ts->get("missing"));
}

TEST(TraceState, KeyGrammar) {
  const std::string k256 = "a" + std::string(255, 'z');
  const std::string tenant241 = "1" + std::string(240, 't'), system14 = "s" + std::string(13, '9');
  const std::vector<std::string> valid = {
      "a", "a_-*/0", k256, "fw529a3039@dt", "0tenant@sys", "t@s", tenant241 + "@" + system14, "a/b@c*d-e_f",
  };
  for (const auto& key : valid) EXPECT_TRUE(TraceState::parse(key + "=x")) << key;
  const std::vector<std::string> invalid = {
      k256 + "z",                          // simple key over 256
      "1abc",                              // simple key must start with lcalpha
      "_abc",                              //
      "Rojo",                              // uppercase
      "ro.jo",                             // '.' not a key char
      "ro jo",                             // space inside
      "@sys",                              // empty tenant
      "tenant@",                           // empty system
      "_t@sys",                            // tenant must start with lcalpha/digit
      "t@1sys",                            // system must start with lcalpha
      "t@Sys",                             //
      "a@b@c",                             // two '@'
      tenant241 + "x@" + system14,         // tenant over 241
      tenant241 + "@" + system14 + "x",    // system over 14
      "t@s.x",                             // bad system char
  };
  for (const auto& key : invalid) {
    EXPECT_FALSE(TraceState::parse(key + "=x")) << key;
    TraceState ts;
    EXPECT_FALSE(ts.set(key, "x")) << key;
  }
  EXPECT_FALSE(TraceState::parse("=x"));  // empty key
  EXPECT_FALSE(TraceState::parse("k =x"));  // no OWS inside a member before '='
}

TEST(TraceState, ValueGrammar) {
  EXPECT_TRUE(TraceState::parse("k=a b"));                      // inner space is fine
  EXPECT_TRUE(TraceState::parse("k=!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~"));
  EXPECT_TRUE(TraceState::parse("k=" + std::string(256, 'v')));
  EXPECT_FALSE(TraceState::parse("k=" + std::string(257, 'v')));
  EXPECT_FALSE(TraceState::parse("k="));                        // value needs a non-blank char
  EXPECT_FALSE(TraceState::parse("k= "));
  EXPECT_FALSE(TraceState::parse("k=a=b"));                     // '=' in a value
  EXPECT_FALSE(TraceState::parse("k=a,b"));                     // ',' ends the value: "b" has no '='
  EXPECT_FALSE(TraceState::parse("k=a\tb"));                    // control characters
  EXPECT_FALSE(TraceState::parse(std::string("k=a\x7f") + "b"));
  EXPECT_FALSE(TraceState::parse("k=caf\xc3\xa9"));            // non-ASCII
  EXPECT_FALSE(TraceState::parse("novalue"));
  // A leading space is part of the value; a trailing one is OWS around the member.
  auto lead = TraceState::parse("k= a ");
  ASSERT_TRUE(lead);
  EXPECT_EQ(lead->get("k"), " a");
  TraceState ts;
  EXPECT_FALSE(ts.set("k", "a "));  // a value may not end with a space
  EXPECT_FALSE(ts.set("k", ""));
  EXPECT_FALSE(ts.set("k", "a,b"));
  EXPECT_FALSE(ts.set("k", "a=b"));
  EXPECT_TRUE(ts.set("k", " a"));
  EXPECT_EQ(ts.size(), 1u);
}

TEST(TraceState, AtMost32Members) {
  auto ok = TraceState::parse(many_members(32));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->size(), 32u);
  EXPECT_FALSE(TraceState::parse(many_members(33)));
  // Empty members are not list members that count.
  auto with_empties = TraceState::parse(",," + many_members(32) + ", ,\t,");
  ASSERT_TRUE(with_empties);
  EXPECT_EQ(with_empties->size(), 32u);
}

TEST(TraceState, DuplicateKeyInvalidatesTheHeader) {
  EXPECT_FALSE(TraceState::parse("a=1,b=2,a=3"));
  EXPECT_FALSE(TraceState::parse("t@s=1,t@s=1"));
  EXPECT_TRUE(TraceState::parse("a=1,b=2,t@a=3"));
}

TEST(TraceState, OneBadMemberDiscardsAll) {
  EXPECT_FALSE(TraceState::parse("rojo=00f067aa0ba902b7,BAD=1,congo=t61rcWkgMzE"));
}

TEST(TraceState, OwsAndEmptyMembers) {
  auto ts = TraceState::parse(" \t,a=1 ,\t, ,b=2\t,,  ");
  ASSERT_TRUE(ts);
  ASSERT_EQ(ts->size(), 2u);
  EXPECT_EQ(ts->get("a"), "1");
  EXPECT_EQ(ts->get("b"), "2");
  auto empty = TraceState::parse("");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->size(), 0u);
  EXPECT_EQ(empty->to_header(), "");
  auto blank = TraceState::parse(" , \t");
  ASSERT_TRUE(blank);
  EXPECT_EQ(blank->size(), 0u);
}

TEST(TraceState, ValidAgreesWithParse) {
  // valid() is what a host that only forwards the header uses; it must judge as parse() does.
  const std::string headers[] = {
      "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", "", " , \t", " \t,a=1 ,\t, ,b=2\t,,  ", "k= a ", "k=a b",
      "a=1,b=2,t@a=3", "t@s=1,t@s=1", "a=1,b=2,a=3", "a=1, a=2", "a=1,b=2,\ta=3 ", "ab=1,a=2", "a=1,ab=2",
      "rojo=00f067aa0ba902b7,BAD=1,congo=t61rcWkgMzE", "novalue", "=x", "k =x", "k=", "k= ", "k=a=b", "k=a,b",
      "k=a\tb", many_members(32), many_members(33), ",," + many_members(32) + ", ,\t,", many_members(32) + ",k0=again",
      "k=" + std::string(256, 'v'), "k=" + std::string(257, 'v')};
  for (const std::string& h : headers) EXPECT_EQ(TraceState::valid(h), TraceState::parse(h).has_value()) << h;
  EXPECT_TRUE(TraceState::valid("a=1,b=2"));
  EXPECT_FALSE(TraceState::valid("a=1,b=2,a=3"));
  EXPECT_FALSE(TraceState::valid(many_members(33)));
}

TEST(TraceState, SetAddsUpdatesMovesToFrontAndEvicts) {
  auto ts = *TraceState::parse("a=1,b=2,c=3");
  EXPECT_TRUE(ts.set("d", "4"));  // new key goes first
  EXPECT_EQ(ts.to_header(), "d=4,a=1,b=2,c=3");
  EXPECT_TRUE(ts.set("b", "22"));  // update moves to front
  EXPECT_EQ(ts.to_header(), "b=22,d=4,a=1,c=3");
  EXPECT_EQ(ts.size(), 4u);
  EXPECT_FALSE(ts.set("B", "x"));  // refused, unchanged
  EXPECT_FALSE(ts.set("a", "x,y"));
  EXPECT_EQ(ts.to_header(), "b=22,d=4,a=1,c=3");
  ts.erase("d");
  EXPECT_EQ(ts.to_header(), "b=22,a=1,c=3");
  ts.erase("nope");
  EXPECT_EQ(ts.size(), 3u);

  auto full = *TraceState::parse(many_members(32));
  ASSERT_EQ(full.members().back().first, "k31");
  EXPECT_TRUE(full.set("new", "x"));  // 33rd evicts the last (oldest)
  EXPECT_EQ(full.size(), 32u);
  EXPECT_EQ(full.members().front().first, "new");
  EXPECT_EQ(full.members().back().first, "k30");
  EXPECT_FALSE(full.get("k31"));
  EXPECT_TRUE(full.set("k0", "y"));  // updating at the limit evicts nothing
  EXPECT_EQ(full.size(), 32u);
  EXPECT_EQ(full.members().front(), (std::pair<std::string, std::string>("k0", "y")));
  EXPECT_EQ(full.members().back().first, "k30");
}

TEST(TraceState, ToHeaderRoundTrip) {
  const std::string header = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,t@s=a b!~";
  auto ts = TraceState::parse(header);
  ASSERT_TRUE(ts);
  EXPECT_EQ(ts->to_header(), header);
  auto messy = TraceState::parse(" rojo=1 , ,congo=2\t");
  ASSERT_TRUE(messy);
  EXPECT_EQ(messy->to_header(), "rojo=1,congo=2");
  auto again = TraceState::parse(messy->to_header());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->members(), messy->members());
}

// ---- baggage -----------------------------------------------------------------------------

TEST(Baggage, Basic) {
  auto b = parse_baggage("userId=alice,serverNode=DF%2028,isProduction=false");
  const std::vector<BaggageEntry> want = {
      {"userId", "alice", ""}, {"serverNode", "DF 28", ""}, {"isProduction", "false", ""}};
  EXPECT_EQ(b, want);
  EXPECT_TRUE(parse_baggage("").empty());
  EXPECT_EQ(parse_baggage("k="), (std::vector<BaggageEntry>{{"k", "", ""}}));  // empty value
  EXPECT_EQ(parse_baggage("k=1,k=2"), (std::vector<BaggageEntry>{{"k", "1", ""}, {"k", "2", ""}}));
  EXPECT_EQ(parse_baggage("Key!#$&'*+-.^_`|~9=v"), (std::vector<BaggageEntry>{{"Key!#$&'*+-.^_`|~9", "v", ""}}));
}

TEST(Baggage, PercentDecodingIsUtf8) {
  EXPECT_EQ(parse_baggage("n=%E2%9C%93%20ok")[0].value, "\xE2\x9C\x93 ok");
  EXPECT_EQ(parse_baggage("n=%e2%9c%93")[0].value, "\xE2\x9C\x93");  // lowercase escapes
  EXPECT_EQ(parse_baggage("n=caf%C3%A9")[0].value, "caf\xC3\xA9");
  EXPECT_EQ(parse_baggage("n=%F0%9F%98%80")[0].value, "\xF0\x9F\x98\x80");
  EXPECT_EQ(parse_baggage("n=100%25")[0].value, "100%");
  EXPECT_EQ(parse_baggage("n=%41")[0].value, "A");
  // Bytes that are not UTF-8 become U+FFFD, one per maximal ill-formed subpart.
  EXPECT_EQ(parse_baggage("n=a%FFb")[0].value, "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(parse_baggage("n=%E2%9C")[0].value, "\xEF\xBF\xBD");
  EXPECT_EQ(parse_baggage("n=%C3%28")[0].value, "\xEF\xBF\xBD(");
  EXPECT_EQ(parse_baggage("n=%ED%A0%80")[0].value, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(parse_baggage("n=%C0%AF")[0].value, "\xEF\xBF\xBD\xEF\xBF\xBD");                // overlong
  EXPECT_EQ(parse_baggage("n=%E0%80%AF")[0].value, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
  EXPECT_EQ(parse_baggage("n=%F0%80%80%AF")[0].value,
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
  EXPECT_EQ(parse_baggage("n=%ED%9F%BF")[0].value, "\xED\x9F\xBF");  // U+D7FF, just below the surrogates
  EXPECT_EQ(parse_baggage("n=%F4%8F%BF%BF")[0].value, "\xF4\x8F\xBF\xBF");  // U+10FFFF
  EXPECT_EQ(parse_baggage("n=%F5%80%80%80")[0].value,
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // F5 never starts UTF-8
  EXPECT_EQ(parse_baggage("n=%80x")[0].value, "\xEF\xBF\xBDx");  // lone continuation byte
  EXPECT_EQ(parse_baggage("n=%F4%90%80%80")[0].value,
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // above U+10FFFF
}

TEST(Baggage, InvalidPercentEscapeSkipsTheMember) {
  auto b = parse_baggage("a=%G1,b=%4,c=%,d=x%2,e=ok%21");
  EXPECT_EQ(b, (std::vector<BaggageEntry>{{"e", "ok!", ""}}));
}

TEST(Baggage, Properties) {
  auto b = parse_baggage("k=v;p1;p2=x,k2=v2 ; p1 ; p2 = x \t,k3=v3;p=");
  const std::vector<BaggageEntry> want = {
      {"k", "v", "p1;p2=x"}, {"k2", "v2", "p1 ; p2 = x"}, {"k3", "v3", "p="}};
  EXPECT_EQ(b, want);
  // Malformed properties make the member invalid.
  EXPECT_TRUE(parse_baggage("k=v;").empty());
  EXPECT_TRUE(parse_baggage("k=v;;p").empty());
  EXPECT_TRUE(parse_baggage("k=v;=x").empty());
  EXPECT_TRUE(parse_baggage("k=v;p(=x").empty());
  EXPECT_TRUE(parse_baggage("k=v;p=a\"b").empty());
  EXPECT_TRUE(parse_baggage("k=v;p=a b").empty());
}

TEST(Baggage, InvalidMemberSkippedOthersKept) {
  auto b = parse_baggage("a=1,noequals,b c=2,=3,(k)=4,d=va\"l,e=x y,f=back\\slash,g=\xC3\xA9,h=5");
  EXPECT_EQ(b, (std::vector<BaggageEntry>{{"a", "1", ""}, {"h", "5", ""}}));
}

TEST(Baggage, OwsAndEmptyMembers) {
  auto b = parse_baggage(" \tk1 = v1 \t,, ,  k2\t=\tv2 ;\tp \t,");
  EXPECT_EQ(b, (std::vector<BaggageEntry>{{"k1", "v1", ""}, {"k2", "v2", "p"}}));
}

TEST(Baggage, AtMost180Members) {
  std::string h;
  for (int i = 0; i < 181; ++i) h += (i ? ",k" : "k") + std::to_string(i) + "=1";
  auto b = parse_baggage(h);
  ASSERT_EQ(b.size(), 180u);
  EXPECT_EQ(b.back().key, "k179");
}

TEST(Baggage, AtMost8192Bytes) {
  // 128 members of 63 bytes joined with ',' = 8191 bytes; the last one a byte longer = 8192.
  auto member = [](int i, std::size_t size) {
    std::string m = "k" + std::to_string(1000 + i) + "=";
    return m + std::string(size - m.size(), 'v');
  };
  std::string h;
  for (int i = 0; i < 127; ++i) h += member(i, 63) + ",";
  const std::string exact = h + member(127, 64);
  ASSERT_EQ(exact.size(), kMaxBaggageBytes);
  EXPECT_EQ(parse_baggage(exact).size(), 128u);
  const std::string over = h + member(127, 65);
  auto b = parse_baggage(over);
  ASSERT_EQ(b.size(), 127u);
  EXPECT_EQ(b.back().key, "k1126");
  // Only a prefix is kept: a small member after the one that did not fit is dropped too.
  EXPECT_EQ(parse_baggage(over + ",z=1").size(), 127u);
  // Skipped (invalid) members do not count.
  EXPECT_EQ(parse_baggage("bad member," + exact).size(), 128u);
}

TEST(Baggage, FormatEncodesAndRoundTrips) {
  EXPECT_EQ(format_baggage({{"k", "a b%", ""}}), "k=a%20b%25");
  EXPECT_EQ(format_baggage({{"k", "v", "p1;p2=x"}, {"k2", "", ""}}), "k=v;p1;p2=x,k2=");
  EXPECT_EQ(format_baggage({{"k", "\"\\,;=\x01\x7f\xC3\xA9", ""}}), "k=%22%5C%2C%3B=%01%7F%C3%A9");
  const std::vector<BaggageEntry> entries = {
      {"userId", "alice", ""},
      {"msg", "hello, world; \"quoted\" \\ 100% caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80", "ttl=60;secret"},
      {"empty", "", ""},
      {"tab", "a\tb\nc", ""},
  };
  const std::string header = format_baggage(entries);
  for (char c : header) {
    EXPECT_TRUE(c > 0x20 && c < 0x7f && c != ' ' && c != '"' && c != '\\') << header;
  }
  EXPECT_EQ(parse_baggage(header), entries);
  EXPECT_EQ(format_baggage({}), "");
}

TEST(Baggage, FormatSkipsInvalidEntriesAndKeepsLimits) {
  EXPECT_EQ(format_baggage({{"bad key", "1", ""}, {"", "2", ""}, {"k", "3", ";;"}, {"ok", "4", ""}}), "ok=4");
  std::vector<BaggageEntry> many;
  for (int i = 0; i < 200; ++i) many.push_back({"k" + std::to_string(i), "v", ""});
  const std::string formatted = format_baggage(many);
  EXPECT_EQ(std::count(formatted.begin(), formatted.end(), ','), 179);
  EXPECT_EQ(formatted.substr(formatted.rfind(',') + 1), "k179=v");
  std::vector<BaggageEntry> big = {{"a", std::string(4000, 'x'), ""}, {"b", std::string(4000, 'y'), ""},
                                   {"c", std::string(4000, 'z'), ""}};
  const std::string out = format_baggage(big);
  EXPECT_LE(out.size(), kMaxBaggageBytes);
  EXPECT_EQ(parse_baggage(out).size(), 2u);
}

// ---- robustness ---------------------------------------------------------------------------

std::vector<std::string> seed_headers() {
  return {
      std::string(kExample),
      tp("cc", kTrace, kSpan, "03") + "-extra-fields",
      " 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00\t",
      "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE, fw529a3039@dt=a b ,,x=1",
      many_members(32),
      "userId=alice,serverNode=DF%2028;p1;p2=x , n=%E2%9C%93%F0%9F%98%80,isProduction=false",
      "k= v ;\tp = q,e=,z=%41%25%c3%a9",
  };
}

// Invariants that must hold for whatever the parsers accept.
void check_invariants(std::string_view input, int& accepted) {
  if (auto ctx = parse_traceparent(input)) {
    ++accepted;
    ASSERT_TRUE(ctx->valid()) << input;
    ASSERT_TRUE(ctx->remote);
    ASSERT_TRUE(ctx->trace_state.empty());
    const std::string out = format_traceparent(*ctx);
    ASSERT_EQ(out.size(), 55u);
    auto back = parse_traceparent(out);
    ASSERT_TRUE(back) << out;
    ASSERT_EQ(*back, *ctx);
  }
  if (auto ts = TraceState::parse(input)) {
    ++accepted;
    ASSERT_LE(ts->size(), kMaxTraceStateMembers);
    TraceState rebuilt;
    for (auto it = ts->members().rbegin(); it != ts->members().rend(); ++it)
      ASSERT_TRUE(rebuilt.set(it->first, it->second)) << input;
    ASSERT_EQ(rebuilt.members(), ts->members());
    auto back = TraceState::parse(ts->to_header());
    ASSERT_TRUE(back) << ts->to_header();
    ASSERT_EQ(back->members(), ts->members());
  }
  const auto bag = parse_baggage(input);
  accepted += bag.empty() ? 0 : 1;
  ASSERT_LE(bag.size(), kMaxBaggageMembers);
  ASSERT_EQ(parse_baggage(format_baggage(bag)), bag) << input;
}

TEST(PropagationRobustness, EveryPrefix) {
  int accepted = 0;
  for (const auto& h : seed_headers()) {
    for (std::size_t n = 0; n <= h.size(); ++n) check_invariants(std::string_view(h).substr(0, n), accepted);
    // A version-00 traceparent is never accepted truncated.
    for (std::size_t n = 0; n < kExample.size(); ++n) ASSERT_FALSE(parse_traceparent(kExample.substr(0, n)));
  }
  EXPECT_GT(accepted, 0);
}

TEST(PropagationRobustness, RandomMutations) {
  Random rng(0x7072'6f70);
  const auto seeds = seed_headers();
  constexpr std::string_view kInteresting = "-,;=% \t@0afAFz\x7f\x80\xff";
  int accepted_tp = 0, accepted = 0;
  for (int i = 0; i < 10000; ++i) {
    std::string h = seeds[rng.below(seeds.size())];
    const auto ops = 1 + rng.below(4);
    for (std::uint64_t op = 0; op < ops; ++op) {
      const std::size_t at = h.empty() ? 0 : rng.below(h.size());
      const char byte = rng.below(2) ? static_cast<char>(rng.below(256))
                                     : kInteresting[rng.below(kInteresting.size())];
      switch (rng.below(4)) {
        case 0: if (!h.empty()) h[at] = byte; break;
        case 1: h.insert(h.begin() + static_cast<std::ptrdiff_t>(at), byte); break;
        case 2: if (!h.empty()) h.erase(at, 1); break;
        default: h = h.substr(0, at); break;
      }
    }
    check_invariants(h, accepted);
    if (parse_traceparent(h)) ++accepted_tp;
    if (HasFatalFailure()) return;
  }
  // The mutations leave enough inputs valid that the invariants are exercised.
  EXPECT_GT(accepted_tp, 100);
  EXPECT_GT(accepted, 1000);
}

}  // namespace
}  // namespace otlp
