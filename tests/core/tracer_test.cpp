// The tracing API, checked on what it exports: every span is decoded from the request body
// the pipeline would send, so these tests see exactly what a collector would.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "otlp/trace/propagation.hpp"
#include "otlp/workload/workload.hpp"
#include "support/fake_host.hpp"

namespace otlp {
namespace {

using testing::FakeClock;
using testing::FakeHost;
using testing::kMs;
using testing::kSec;

struct Rig {
  explicit Rig(TracerConfig tc = {}) : pipeline(config(), Resource{}), provider(pipeline, clock, std::move(tc)), tracer(provider.tracer("t")), host(pipeline, clock) {}
  static PipelineConfig config() {
    PipelineConfig c;
    c.max_queue_size = 4096;
    c.max_export_batch_size = 4096;
    return c;
  }
  // Every span exported so far, in end order.
  std::vector<SpanData> exported() {
    pipeline.force_flush(clock.now, kSec);
    host.drain_ok();
    std::vector<SpanData> out;
    for (const auto& r : host.all) {
      TraceRequest req;
      EXPECT_TRUE(decode_trace_request(r.body, req).ok());
      for (auto& rs : req.resource_spans)
        for (auto& ss : rs.scope_spans)
          for (auto& s : ss.spans) out.push_back(std::move(s));
    }
    host.all.clear();
    return out;
  }
  SpanData only() {
    auto spans = exported();
    EXPECT_EQ(spans.size(), 1u);
    return spans.empty() ? SpanData{} : spans[0];
  }

  FakeClock clock;
  Pipeline pipeline;
  TracerProvider provider;
  Tracer tracer;
  FakeHost host;
};

const AnyValue* find(const Attributes& attrs, std::string_view key) {
  for (const auto& kv : attrs)
    if (kv.key == key) return &kv.value;
  return nullptr;
}

TEST(Tracer, RootSpanFieldsAsExported) {
  Rig rig;
  const auto t0 = rig.clock.now;
  auto span = rig.tracer.start_span("GET /", {.kind = SpanKind::server});
  EXPECT_TRUE(span.is_recording());
  EXPECT_TRUE(span.context().valid());
  EXPECT_TRUE(span.context().sampled());
  const auto ctx = span.context();
  rig.clock.now += 3 * kMs;
  span.end();
  const auto s = rig.only();
  EXPECT_EQ(s.trace_id, ctx.trace_id);
  EXPECT_EQ(s.span_id, ctx.span_id);
  EXPECT_FALSE(s.parent_span_id.valid());
  EXPECT_EQ(s.name, "GET /");
  EXPECT_EQ(s.kind, SpanKind::server);
  EXPECT_EQ(s.start_time_unix_nano, t0);
  EXPECT_EQ(s.end_time_unix_nano, t0 + 3 * kMs);
  EXPECT_EQ(s.flags, kFlagSampled | kFlagHasIsRemote);  // a root: parent not remote
  EXPECT_EQ(s.status.code, StatusCode::unset);
}

TEST(Tracer, ChildOfARemoteParent) {
  Rig rig;
  auto parent = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(parent);
  parent->trace_state = "vendor=x";
  rig.tracer.start_span("child", {.parent = &*parent}).end();
  const auto s = rig.only();
  EXPECT_EQ(s.trace_id, parent->trace_id);
  EXPECT_EQ(s.parent_span_id, parent->span_id);
  EXPECT_NE(s.span_id, parent->span_id);
  EXPECT_EQ(s.trace_state, "vendor=x");
  EXPECT_EQ(s.flags, kFlagSampled | kFlagHasIsRemote | kFlagIsRemote);
}

TEST(Tracer, ChildOfALocalParentSharesItsTrace) {
  Rig rig;
  auto parent = rig.tracer.start_span("parent");
  auto child = rig.tracer.start_span("child", {.parent = &parent.context()});
  EXPECT_EQ(child.context().trace_id, parent.context().trace_id);
  child.end();
  parent.end();
  const auto spans = rig.exported();
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].parent_span_id, spans[1].span_id);
  EXPECT_EQ(spans[0].flags & kFlagIsRemote, 0u);
}

TEST(Tracer, InvalidParentStartsANewTrace) {
  Rig rig;
  SpanContext invalid;
  auto span = rig.tracer.start_span("s", {.parent = &invalid});
  EXPECT_TRUE(span.context().trace_id.valid());
  span.end();
  EXPECT_FALSE(rig.only().parent_span_id.valid());
}

TEST(Tracer, IdsAreUniqueAndNeverZero) {
  Rig rig;
  std::vector<TraceId> traces;
  std::vector<SpanId> spans;
  for (int i = 0; i < 2000; ++i) {
    auto s = rig.tracer.start_span("s");
    ASSERT_TRUE(s.context().trace_id.valid());
    ASSERT_TRUE(s.context().span_id.valid());
    traces.push_back(s.context().trace_id);
    spans.push_back(s.context().span_id);
  }
  auto unique = [](auto v) {
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.bytes < b.bytes; });
    return std::adjacent_find(v.begin(), v.end()) == v.end();
  };
  EXPECT_TRUE(unique(traces));
  EXPECT_TRUE(unique(spans));
}

TEST(Tracer, SameSeedSameIds) {
  TracerConfig a, b;
  a.id_seed = b.id_seed = 99;
  Rig ra(std::move(a)), rb(std::move(b));
  EXPECT_EQ(ra.tracer.start_span("x").context(), rb.tracer.start_span("x").context());
}

TEST(Tracer, UnsampledSpanRecordsNothingButPropagates) {
  TracerConfig tc;
  tc.sampler = always_off_sampler();
  Rig rig(std::move(tc));
  auto span = rig.tracer.start_span("dropped", {{"a", 1}});
  EXPECT_FALSE(span.is_recording());
  EXPECT_TRUE(span.context().valid());
  EXPECT_FALSE(span.context().sampled());
  span.set_attribute("b", 2).add_event("e").set_status(StatusCode::error, "x");
  span.end();
  EXPECT_TRUE(rig.exported().empty());
  const auto s = rig.pipeline.stats();
  EXPECT_EQ(s.started, 1u);
  EXPECT_EQ(s.sampled_out, 1u);
  EXPECT_EQ(s.ended, 0u);
  EXPECT_EQ(format_traceparent(span.context()).substr(53), "00");
}

TEST(Tracer, DroppedSpansDoNotReadTheClockUnlessTheSamplerNeedsIt) {
  TracerConfig off;
  off.sampler = always_off_sampler();
  Rig rig(std::move(off));
  rig.tracer.start_span("dropped").set_attribute("a", 1).add_event("e").end();
  EXPECT_EQ(rig.clock.reads, 0u);

  TracerConfig limited;
  limited.sampler = rate_limiting_sampler(1);
  Rig rig2(std::move(limited));
  EXPECT_TRUE(rig2.tracer.start_span("first").is_recording());
  const auto reads = rig2.clock.reads;
  EXPECT_FALSE(rig2.tracer.start_span("over the rate").is_recording());
  EXPECT_EQ(rig2.clock.reads, reads + 1);  // the rate limiter decides on the time
}

TEST(Tracer, AttributesOfEveryKind) {
  Rig rig;
  const AnyValue arr = AnyValue::array_of({1, "two", 3.0});
  const AnyValue raw = AnyValue::bytes(std::string("\0\1\2", 3));
  rig.tracer.start_span("s", {{"str", "v"}, {"int", 42}, {"neg", -7LL}, {"dbl", 2.5}, {"yes", true}, {"arr", arr}, {"raw", raw}})
      .end();
  const auto s = rig.only();
  ASSERT_EQ(s.attributes.size(), 7u);
  EXPECT_EQ(*find(s.attributes, "str"), AnyValue("v"));
  EXPECT_EQ(*find(s.attributes, "int"), AnyValue(42));
  EXPECT_EQ(*find(s.attributes, "neg"), AnyValue(-7));
  EXPECT_EQ(*find(s.attributes, "dbl"), AnyValue(2.5));
  EXPECT_EQ(*find(s.attributes, "yes"), AnyValue(true));
  EXPECT_EQ(*find(s.attributes, "arr"), arr);
  EXPECT_EQ(*find(s.attributes, "raw"), raw);
}

TEST(Tracer, SettingAKeyAgainOverwrites) {
  Rig rig;
  auto span = rig.tracer.start_span("s");
  span.set_attribute("a", 1).set_attribute("b", "keep").set_attribute("a", "second").set_attribute("c", 3.5);
  span.set_attribute("a", 3);
  span.end();
  const auto s = rig.only();
  ASSERT_EQ(s.attributes.size(), 3u);
  EXPECT_EQ(*find(s.attributes, "a"), AnyValue(3));
  EXPECT_EQ(*find(s.attributes, "b"), AnyValue("keep"));
  EXPECT_EQ(*find(s.attributes, "c"), AnyValue(3.5));
  EXPECT_EQ(s.dropped_attributes_count, 0u);
}

TEST(Tracer, LimitsDropAndCount) {
  TracerConfig tc;
  tc.limits.attribute_count = 2;
  tc.limits.event_count = 1;
  tc.limits.link_count = 1;
  tc.limits.attributes_per_event = 1;
  tc.limits.attributes_per_link = 0;
  tc.limits.attribute_value_length = 4;
  Rig rig(std::move(tc));
  SpanContext link_ctx;
  link_ctx.trace_id.bytes[0] = 1;
  link_ctx.span_id.bytes[0] = 2;
  auto span = rig.tracer.start_span("s");
  span.set_attribute("a", "abcdefgh").set_attribute("b", 1).set_attribute("c", 2).set_attribute("d", 3);
  span.set_attribute("a", "\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87xyz");  // overwrite, not dropped
  span.add_event("e1", {{"x", 1}, {"y", 2}, {"z", 3}});
  span.add_event("e2");
  span.add_link(link_ctx, {{"k", "v"}});
  span.add_link(link_ctx);
  span.end();
  const auto s = rig.only();
  EXPECT_EQ(s.attributes.size(), 2u);
  EXPECT_EQ(s.dropped_attributes_count, 2u);
  EXPECT_EQ(find(s.attributes, "a")->str, "\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87");  // 4 code points
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.dropped_events_count, 1u);
  EXPECT_EQ(s.events[0].attributes.size(), 1u);
  EXPECT_EQ(s.events[0].dropped_attributes_count, 2u);
  ASSERT_EQ(s.links.size(), 1u);
  EXPECT_EQ(s.dropped_links_count, 1u);
  EXPECT_TRUE(s.links[0].attributes.empty());
  EXPECT_EQ(s.links[0].dropped_attributes_count, 1u);
}

TEST(Tracer, EventsAndLinks) {
  Rig rig;
  auto remote = parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  ASSERT_TRUE(remote);
  remote->trace_state = "a=b";
  auto span = rig.tracer.start_span("s", {.links = {{*remote, {{"why", "batch"}}}}});
  span.add_event("cache.miss", {{"cache.key", "orders:12345"}}, rig.clock.now + 5);
  span.add_event("later");
  span.end();
  const auto s = rig.only();
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.events[0].name, "cache.miss");
  EXPECT_EQ(s.events[0].time_unix_nano, rig.clock.now + 5);
  EXPECT_EQ(s.events[0].attributes, (Attributes{{"cache.key", "orders:12345"}}));
  EXPECT_EQ(s.events[1].time_unix_nano, rig.clock.now);
  ASSERT_EQ(s.links.size(), 1u);
  EXPECT_EQ(s.links[0].trace_id, remote->trace_id);
  EXPECT_EQ(s.links[0].span_id, remote->span_id);
  EXPECT_EQ(s.links[0].trace_state, "a=b");
  EXPECT_EQ(s.links[0].flags, 0x01u | kFlagHasIsRemote | kFlagIsRemote);
  EXPECT_EQ(s.links[0].attributes, (Attributes{{"why", "batch"}}));
}

TEST(Tracer, RecordExceptionFollowsSemanticConventions) {
  Rig rig;
  auto span = rig.tracer.start_span("s");
  span.record_exception("std::runtime_error", "disk full", "main.cpp:12");
  span.record_exception("E", "");  // empty parts are left out
  span.end();
  const auto s = rig.only();
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.events[0].name, "exception");
  EXPECT_EQ(s.events[0].attributes,
            (Attributes{{"exception.type", "std::runtime_error"}, {"exception.message", "disk full"},
                        {"exception.stacktrace", "main.cpp:12"}}));
  EXPECT_EQ(s.events[1].attributes, (Attributes{{"exception.type", "E"}}));
  EXPECT_EQ(s.status.code, StatusCode::unset);  // recording an exception does not set the status
}

TEST(Tracer, StatusRules) {
  Rig rig;
  rig.tracer.start_span("error").set_status(StatusCode::error, "boom").end();
  rig.tracer.start_span("ok-final").set_status(StatusCode::ok, "ignored").set_status(StatusCode::error, "late").end();
  rig.tracer.start_span("unset-ignored").set_status(StatusCode::error, "e").set_status(StatusCode::unset).end();
  const auto spans = rig.exported();
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].status, (Status{StatusCode::error, "boom"}));
  EXPECT_EQ(spans[1].status, (Status{StatusCode::ok, ""}));  // a description only goes with Error
  EXPECT_EQ(spans[2].status, (Status{StatusCode::error, "e"}));
}

TEST(Tracer, UpdateNameAndExplicitTimes) {
  Rig rig;
  auto span = rig.tracer.start_span("first", {.start_time_unix_nano = 1000});
  span.update_name("second");
  span.end(5000);
  const auto s = rig.only();
  EXPECT_EQ(s.name, "second");
  EXPECT_EQ(s.start_time_unix_nano, 1000u);
  EXPECT_EQ(s.end_time_unix_nano, 5000u);
}

TEST(Tracer, EndIsIdempotentAndLaterChangesAreIgnored) {
  Rig rig;
  auto span = rig.tracer.start_span("s");
  span.end();
  span.end();
  span.set_attribute("late", 1).update_name("late").add_event("late");
  EXPECT_FALSE(span.is_recording());
  const auto s = rig.only();
  EXPECT_EQ(s.name, "s");
  EXPECT_TRUE(s.attributes.empty());
  EXPECT_EQ(rig.pipeline.stats().ended, 1u);
}

TEST(Tracer, SpanEndsWhenItsHandleGoesOutOfScope) {
  Rig rig;
  { auto span = rig.tracer.start_span("scoped"); }
  { Span moved_from = rig.tracer.start_span("moved"); Span keeper = std::move(moved_from); }
  const auto spans = rig.exported();
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[1].name, "moved");
}

TEST(Tracer, StandardSpanMatchesTheWorkloadShape) {
  Rig rig;
  auto span = rig.tracer.start_span("GET /api/orders/{id}", {.kind = SpanKind::server});
  workload::set_standard_attributes(span).add_event("cache.miss", {{"cache.key", "orders:12345"}});
  span.end();
  const auto s = rig.only();
  Random rng(1);
  const SpanData expected = workload::standard_span(rng, 0);
  EXPECT_EQ(s.attributes, expected.attributes);  // the tracer-API side matches the data side
  EXPECT_EQ(s.name, expected.name);
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.events[0].attributes, expected.events.at(0).attributes);
}

}  // namespace
}  // namespace otlp

// ---------------------------------------------------------------------------------------------
// The span recorder's encodings at their edges: a fast path writes the usual attribute or
// event straight into the buffer, the general path everything else; both must decode alike.

namespace otlp {
namespace {

TEST(TracerEncoding, AttributeSizesAcrossLengthBoundaries) {
  Rig rig;
  const std::size_t key_sizes[] = {1, 60, 127, 128, 300};
  const std::size_t value_sizes[] = {0, 1, 116, 127, 128, 200, 16000, 16375, 16376, 16383, 16384, 20000};
  for (std::size_t k : key_sizes)
    for (std::size_t v : value_sizes) {
      const std::string key(k, 'k'), value(v, 'v');
      rig.tracer.start_span("s").set_attribute(key, value).set_attribute("after", 7).end();
      const auto s = rig.only();
      ASSERT_EQ(s.attributes.size(), 2u) << k << " " << v;
      EXPECT_EQ(s.attributes[0].key, key);
      EXPECT_EQ(s.attributes[0].value, AnyValue(value)) << k << " " << v;
      EXPECT_EQ(*find(s.attributes, "after"), AnyValue(7));
    }
}

TEST(TracerEncoding, ScalarValuesAtTheirExtremes) {
  Rig rig;
  rig.tracer
      .start_span("s", {{"min", static_cast<long long>(INT64_MIN)},
                        {"max", static_cast<long long>(INT64_MAX)},
                        {"zero", 0},
                        {"big", 1LL << 40},
                        {"nan", std::numeric_limits<double>::quiet_NaN()},
                        {"no", false}})
      .end();
  const auto s = rig.only();
  ASSERT_EQ(s.attributes.size(), 6u);
  EXPECT_EQ(*find(s.attributes, "min"), AnyValue(static_cast<std::int64_t>(INT64_MIN)));
  EXPECT_EQ(*find(s.attributes, "max"), AnyValue(static_cast<std::int64_t>(INT64_MAX)));
  EXPECT_EQ(*find(s.attributes, "zero"), AnyValue(0));
  EXPECT_EQ(*find(s.attributes, "big"), AnyValue(static_cast<std::int64_t>(1LL << 40)));
  EXPECT_TRUE(std::isnan(find(s.attributes, "nan")->double_value));
  EXPECT_EQ(*find(s.attributes, "no"), AnyValue(false));
}

// Keys of one length and last byte share the repeat filter's bit; each is still its own, also
// with events and links recorded between them.
TEST(TracerEncoding, KeysSharingAFilterBitStayDistinct) {
  Rig rig;
  const std::string k65 = "k" + std::string(64, 'x'), j65 = "j" + std::string(64, 'x');
  auto span = rig.tracer.start_span("s");
  SpanContext link;
  link.trace_id.bytes[0] = 1;
  link.span_id.bytes[0] = 2;
  span.set_attribute("ab", 1).set_attribute("cb", 2).add_event("between", {{"cb", 9}}).set_attribute("k", 3);
  span.add_link(link, {{"ab", 8}}).set_attribute(k65, 4).set_attribute("", 6).set_attribute(j65, 44);
  span.set_attribute("cb", 20).set_attribute(k65, 40).set_attribute("eb", 5).set_attribute("", 60);
  span.set_attribute(std::string(200, 'z'), 7).set_attribute(std::string(200, 'z'), 70);
  span.end();
  const auto s = rig.only();
  ASSERT_EQ(s.attributes.size(), 8u);
  EXPECT_EQ(*find(s.attributes, "ab"), AnyValue(1));
  EXPECT_EQ(*find(s.attributes, "cb"), AnyValue(20));
  EXPECT_EQ(*find(s.attributes, "k"), AnyValue(3));
  EXPECT_EQ(*find(s.attributes, k65), AnyValue(40));
  EXPECT_EQ(*find(s.attributes, j65), AnyValue(44));
  EXPECT_EQ(*find(s.attributes, "eb"), AnyValue(5));
  EXPECT_EQ(*find(s.attributes, ""), AnyValue(60));
  EXPECT_EQ(*find(s.attributes, std::string(200, 'z')), AnyValue(70));
  EXPECT_EQ(s.events.at(0).attributes, (Attributes{{"cb", 9}}));
  EXPECT_EQ(s.links.at(0).attributes, (Attributes{{"ab", 8}}));
}

TEST(TracerEncoding, EventsOfEveryShape) {
  Rig rig;
  const std::string long_name(200, 'n'), long_value(300, 'v');
  auto span = rig.tracer.start_span("s");
  span.add_event("");
  span.add_event("four", {{"a", 1}, {"b", "two"}, {"c", 3.5}, {"d", true}});
  span.add_event("five", {{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}, {"e", 5}});
  span.add_event("repeat", {{"a", 1}, {"a", 2}});  // the last value wins
  span.add_event(long_name, {{"a", 1}});
  span.add_event("long", {{"a", long_value}});
  span.end();
  const auto s = rig.only();
  ASSERT_EQ(s.events.size(), 6u);
  EXPECT_EQ(s.events[0].name, "");
  EXPECT_TRUE(s.events[0].attributes.empty());
  EXPECT_EQ(s.events[1].attributes, (Attributes{{"a", 1}, {"b", "two"}, {"c", 3.5}, {"d", true}}));
  EXPECT_EQ(s.events[2].attributes, (Attributes{{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}, {"e", 5}}));
  EXPECT_EQ(s.events[3].attributes, (Attributes{{"a", 2}}));
  EXPECT_EQ(s.events[4].name, long_name);
  EXPECT_EQ(s.events[5].attributes, (Attributes{{"a", long_value}}));
  for (const auto& e : s.events) EXPECT_EQ(e.time_unix_nano, rig.clock.now);
}

// The head (ids, name, kind, start) is written at start; a new name rewrites it in place.
TEST(TracerEncoding, UpdateNameRewritesTheHeadAroundWhatWasRecorded) {
  Rig rig;
  for (const std::string name : {std::string(), std::string("x"), std::string(300, 'n')}) {
    auto span = rig.tracer.start_span("first name", {{"a", 1}});
    span.add_event("e", {{"k", "v"}});
    span.update_name(name);
    span.set_attribute("a", 2).set_attribute("b", 3);
    span.update_name(name + "!");
    span.end();
    const auto s = rig.only();
    EXPECT_EQ(s.name, name + "!");
    ASSERT_EQ(s.attributes.size(), 2u);
    EXPECT_EQ(*find(s.attributes, "a"), AnyValue(2));
    EXPECT_EQ(*find(s.attributes, "b"), AnyValue(3));
    ASSERT_EQ(s.events.size(), 1u);
    EXPECT_EQ(s.events[0].attributes, (Attributes{{"k", "v"}}));
  }
}

// A span's length goes in a padded three-byte varint; a span of 2 MiB or more needs more.
TEST(TracerEncoding, SpansLargerThanTheLengthRoom) {
  FakeClock clock;
  PipelineConfig config;
  config.max_request_bytes = 16u << 20;
  Pipeline pipeline(config, Resource{});
  TracerProvider provider(pipeline, clock);
  Tracer tracer = provider.tracer("t");
  FakeHost host(pipeline, clock);
  const std::string big((3u << 20) + 5, 'b');
  tracer.start_span("big", {{"blob", big}, {"n", 1}}).set_status(StatusCode::error, "boom").end();
  tracer.start_span("small", {{"n", 2}}).end();
  pipeline.force_flush(clock.now, kSec);
  host.drain_ok();
  std::vector<SpanData> spans;
  for (const auto& r : host.all) {
    TraceRequest req;
    ASSERT_TRUE(decode_trace_request(r.body, req).ok());
    for (auto& ss : req.resource_spans.at(0).scope_spans)
      for (auto& sd : ss.spans) spans.push_back(sd);
  }
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(find(spans[0].attributes, "blob")->str, big);
  EXPECT_EQ(spans[0].status.message, "boom");
  EXPECT_EQ(*find(spans[1].attributes, "n"), AnyValue(2));
}

// Span buffers go round through the queue and come back holding older spans: a small span
// written over a large one's buffer must carry none of it.
TEST(TracerEncoding, ReusedBuffersCarryNothingOver) {
  FakeClock clock;
  PipelineConfig config;
  config.max_queue_size = 2;
  config.max_export_batch_size = 1;
  Pipeline pipeline(config, Resource{});
  TracerProvider provider(pipeline, clock);
  Tracer tracer = provider.tracer("t");
  FakeHost host(pipeline, clock);
  for (int round = 0; round < 6; ++round) {
    const bool big = round % 3 == 0;
    auto span = tracer.start_span(big ? "big" : "small");
    if (big)
      for (int i = 0; i < 20; ++i) span.set_attribute("key" + std::to_string(i), std::string(100, 'x'));
    if (big) span.add_event("e", {{"k", std::string(50, 'y')}});
    span.set_attribute("round", round);
    span.end();
    pipeline.force_flush(clock.now, kSec);
    host.drain_ok();
    ASSERT_EQ(host.all.size(), 1u);
    TraceRequest req;
    ASSERT_TRUE(decode_trace_request(host.all[0].body, req).ok());
    host.all.clear();
    const SpanData& s = req.resource_spans.at(0).scope_spans.at(0).spans.at(0);
    EXPECT_EQ(s.attributes.size(), big ? 21u : 1u) << round;
    EXPECT_EQ(s.events.size(), big ? 1u : 0u) << round;
    EXPECT_EQ(*find(s.attributes, "round"), AnyValue(round));
  }
}

}  // namespace
}  // namespace otlp

namespace otlp {
namespace {

// Hosts whose attributes arrive as data (the WASM module) use the pointer + count overloads;
// they must record exactly what the initializer_list forms record.
TEST(Tracer, ArrayOverloadsRecordWhatTheListFormsRecord) {
  Rig rig;
  SpanContext link;
  link.trace_id.bytes[0] = 7;
  link.span_id.bytes[0] = 9;
  const Attribute attrs[] = {{"a", 1}, {"b", "two"}, {"a", 3.5}};
  auto x = rig.tracer.start_span("x");
  x.set_attributes({{"a", 1}, {"b", "two"}, {"a", 3.5}});
  x.add_event("ev", {{"k", true}}, rig.clock.now);
  x.add_link(link, {{"l", 1}});
  x.end();
  auto y = rig.tracer.start_span("x");
  y.set_attributes(attrs, 3);
  const Attribute ev[] = {{"k", true}};
  y.add_event("ev", ev, 1, rig.clock.now);
  const Attribute la[] = {{"l", 1}};
  y.add_link(link, la, 1);
  y.add_link(SpanContext{}, la, 1);  // an invalid context is ignored, as in the list form
  y.end();
  auto spans = rig.exported();
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].attributes, spans[1].attributes);
  EXPECT_EQ(spans[0].events, spans[1].events);
  EXPECT_EQ(spans[0].links, spans[1].links);
  ASSERT_EQ(spans[1].attributes.size(), 2u);
  EXPECT_EQ(*find(spans[1].attributes, "a"), AnyValue(3.5));
  ASSERT_EQ(spans[1].links.size(), 1u);
}

}  // namespace
}  // namespace otlp
