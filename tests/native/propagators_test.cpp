// The propagators OTEL_PROPAGATORS selects (propagators.hpp): which headers go out and come in.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "propagators.hpp"

namespace otlp::native {
namespace {

using Headers = std::map<std::string, std::string, std::less<>>;

const SpanContext kContext{*TraceId::from_hex("0af7651916cd43dd8448eb211c80319c"),
                           *SpanId::from_hex("b7ad6b7169203331"), 1, "vendor=a1", false};
const std::vector<BaggageEntry> kBaggage{{"user", "alice smith", ""}, {"tier", "gold", "p=1"}};

Headers inject(const Propagators& p, const SpanContext& context = kContext) {
  Headers out;
  p.inject(context, kBaggage, [&](std::string_view name, std::string value) { out[std::string(name)] = std::move(value); });
  return out;
}

Propagated extract(const Propagators& p, const Headers& headers) {
  return p.extract([&](std::string_view name) -> std::optional<std::string_view> {
    const auto it = headers.find(name);
    if (it == headers.end()) return std::nullopt;
    return std::string_view(it->second);
  });
}

TEST(Propagators, BothRoundTrip) {
  const Propagators p;
  const Headers h = inject(p);
  EXPECT_EQ(h.at("traceparent"), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  EXPECT_EQ(h.at("tracestate"), "vendor=a1");
  EXPECT_EQ(h.at("baggage"), "user=alice%20smith,tier=gold;p=1");
  const Propagated got = extract(p, h);
  ASSERT_TRUE(got.context);
  EXPECT_EQ(got.context->trace_id, kContext.trace_id);
  EXPECT_EQ(got.context->span_id, kContext.span_id);
  EXPECT_EQ(got.context->trace_state, "vendor=a1");
  EXPECT_TRUE(got.context->remote);
  EXPECT_EQ(got.baggage, kBaggage);
}

TEST(Propagators, EachAloneOrNone) {
  const Headers all = inject(Propagators{});
  const Headers trace_only = inject(Propagators{true, false});
  EXPECT_EQ(trace_only.count("baggage"), 0u);
  EXPECT_EQ(trace_only.count("traceparent"), 1u);
  EXPECT_TRUE(extract(Propagators{true, false}, all).baggage.empty());
  const Headers baggage_only = inject(Propagators{false, true});
  EXPECT_EQ(baggage_only.size(), 1u);
  EXPECT_EQ(baggage_only.count("baggage"), 1u);
  EXPECT_FALSE(extract(Propagators{false, true}, all).context);
  EXPECT_TRUE(inject(Propagators{false, false}).empty());
  const Propagated nothing = extract(Propagators{false, false}, all);
  EXPECT_FALSE(nothing.context);
  EXPECT_TRUE(nothing.baggage.empty());
}

TEST(Propagators, InvalidInputIsDroppedNotHalfRead) {
  const Propagators p;
  EXPECT_TRUE(inject(p, SpanContext{}).count("traceparent") == 0);  // no valid context: nothing
  Headers h = inject(p);
  h["tracestate"] = "Bad Key=1";  // invalid: dropped, the context kept
  Propagated got = extract(p, h);
  ASSERT_TRUE(got.context);
  EXPECT_EQ(got.context->trace_state, "");
  h["traceparent"] = "00-00000000000000000000000000000000-b7ad6b7169203331-01";  // all-zero trace id
  got = extract(p, h);
  EXPECT_FALSE(got.context);
  EXPECT_EQ(got.baggage, kBaggage);  // read either way
}

}  // namespace
}  // namespace otlp::native
