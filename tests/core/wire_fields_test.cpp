// Every field each span and log writer puts, read back by the schema table (otlp_schema.cpp)
// that the JSON transcoder walks: a writer whose field number drifted from the table's shows
// as a key missing from the transcoded JSON, a value under another key, or a refused wire type.
// The tracer writes a span in its own order (head at start, attributes, events and links as
// they come, the rest at end), so its output is checked field by field here, against the model
// JSON writer (json_writer.cpp, which names each field from the model, not from numbers).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "otlp/json/json.hpp"
#include "otlp/logs/logs.hpp"
#include "otlp/trace/propagation.hpp"
#include "otlp/wire/proto_reader.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "support/fake_host.hpp"

namespace otlp {
namespace {

using testing::FakeClock;
using testing::FakeHost;
using testing::kSec;

// `"key":` occurs in `json` as often as `times`.
void expect_key(const std::string& json, std::string_view key, std::size_t times = 1) {
  const std::string needle = "\"" + std::string(key) + "\":";
  std::size_t n = 0;
  for (std::size_t at = json.find(needle); at != std::string::npos; at = json.find(needle, at + 1)) ++n;
  EXPECT_EQ(n, times) << key << " in " << json;
}

// One span with every Span, Event, Link and Status field the tracer writes, through both its
// fast paths (small attributes and events) and its general ones.
std::string record_every_field(FakeClock& clock, Pipeline& pipeline, FakeHost& host) {
  TracerConfig tc;
  tc.limits.attribute_count = 3;
  tc.limits.event_count = 2;
  tc.limits.link_count = 1;
  tc.limits.attributes_per_event = 2;
  tc.limits.attributes_per_link = 1;
  TracerProvider provider(pipeline, clock, std::move(tc));
  Tracer tracer = provider.tracer("fields");
  auto parent = parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  EXPECT_TRUE(parent);
  parent->trace_state = "vendor=x";
  auto link = parse_traceparent("00-11111111111111111111111111111111-2222222222222222-01");
  EXPECT_TRUE(link);
  link->trace_state = "l=1";
  auto span = tracer.start_span("every field", {.parent = &*parent, .kind = SpanKind::client,
                                                .links = {{*link, {{"why", "batch"}, {"dropped", 1}}}}});
  span.add_link(*link);  // over the link limit: dropped_links_count
  span.set_attribute("s", "text").set_attribute("b", true).set_attribute("d", 1.5);
  span.set_attribute("i", 7);  // over the attribute limit: dropped_attributes_count
  span.add_event("small", {{"k", "v"}}, clock.now + 1);                                    // the fast path
  span.add_event("general", {{"a", AnyValue(std::string(200, 'x'))}, {"b", 2}, {"c", 3}});  // the general one
  span.add_event("over");  // over the event limit: dropped_events_count
  span.set_status(StatusCode::error, "boom");
  clock.now += kSec;
  span.end();
  pipeline.force_flush(clock.now, kSec);
  host.drain_ok();
  EXPECT_EQ(host.all.size(), 1u);
  return host.all.empty() ? std::string() : host.all[0].body;
}

TEST(WireFields, TracerSpanEveryFieldAsTheSchemaReadsIt) {
  FakeClock clock;
  PipelineConfig pc;
  Pipeline pipeline(pc, Resource{});
  FakeHost host(pipeline, clock);
  const std::string body = record_every_field(clock, pipeline, host);

  std::string by_schema;
  ASSERT_TRUE(transcode_request_json(Signal::traces, body, by_schema).ok());
  TraceRequest decoded;
  ASSERT_TRUE(decode_trace_request(body, decoded).ok());
  std::string by_model;
  encode_trace_request_json(decoded, by_model);
  EXPECT_EQ(by_schema, by_model);

  // Span: all 16 fields; events, links and status: every field of theirs the tracer sets.
  for (const char* key : {"traceId", "spanId", "traceState", "parentSpanId", "name", "kind", "startTimeUnixNano",
                          "endTimeUnixNano", "droppedEventsCount", "droppedLinksCount", "status"})
    expect_key(by_schema, key, std::string_view(key) == "traceId" || std::string_view(key) == "spanId" ||
                                       std::string_view(key) == "traceState"
                                   ? 2  // the link's too
                                   : std::string_view(key) == "name" ? 4  // scope, span, 2 events
                                                                     : 1);
  expect_key(by_schema, "attributes", 1 + 2 + 1);         // span, each event, the link
  expect_key(by_schema, "droppedAttributesCount", 1 + 1 + 1);  // span, the general event, the link
  expect_key(by_schema, "events");
  expect_key(by_schema, "timeUnixNano", 2);
  expect_key(by_schema, "links");
  expect_key(by_schema, "flags", 2);  // span and link
  expect_key(by_schema, "message");
  expect_key(by_schema, "code");

  ASSERT_EQ(decoded.resource_spans.size(), 1u);
  const SpanData& s = decoded.resource_spans[0].scope_spans.at(0).spans.at(0);
  EXPECT_EQ(s.trace_state, "vendor=x");
  EXPECT_EQ(s.name, "every field");
  EXPECT_EQ(s.kind, SpanKind::client);
  EXPECT_EQ(s.attributes.size(), 3u);
  EXPECT_EQ(s.dropped_attributes_count, 1u);
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.events[0].attributes.size(), 1u);
  EXPECT_EQ(s.events[1].attributes.size(), 2u);
  EXPECT_EQ(s.events[1].dropped_attributes_count, 1u);
  EXPECT_EQ(s.dropped_events_count, 1u);
  ASSERT_EQ(s.links.size(), 1u);
  EXPECT_EQ(s.links[0].trace_state, "l=1");
  EXPECT_EQ(s.links[0].attributes.size(), 1u);
  EXPECT_EQ(s.links[0].dropped_attributes_count, 1u);
  EXPECT_EQ(s.dropped_links_count, 1u);
  EXPECT_EQ(s.status.code, StatusCode::error);
  EXPECT_EQ(s.status.message, "boom");
  EXPECT_EQ(s.flags, kFlagSampled | kFlagHasIsRemote | kFlagIsRemote);
}

// The SpanData writer with every field set, one ScopeSpans.spans entry transcoded by the schema,
// is the model writer's span.
TEST(WireFields, SpanDataEveryFieldAsTheSchemaReadsIt) {
  SpanData s;
  s.trace_id.bytes.fill(1);
  s.span_id.bytes.fill(2);
  s.trace_state = "t=1";
  s.parent_span_id.bytes.fill(3);
  s.name = "n";
  s.kind = SpanKind::consumer;
  s.start_time_unix_nano = 10;
  s.end_time_unix_nano = 20;
  s.attributes.push_back({"a", AnyValue(std::int64_t{1})});
  s.dropped_attributes_count = 4;
  Event& e = s.events.emplace_back();
  e.time_unix_nano = 15;
  e.name = "e";
  e.attributes.push_back({"x", AnyValue(true)});
  e.dropped_attributes_count = 5;
  s.dropped_events_count = 6;
  Link& l = s.links.emplace_back();
  l.trace_id.bytes.fill(7);
  l.span_id.bytes.fill(8);
  l.trace_state = "l=2";
  l.attributes.push_back({"y", AnyValue(2.5)});
  l.dropped_attributes_count = 9;
  l.flags = 0x301;
  s.dropped_links_count = 11;
  s.status.code = StatusCode::ok;
  s.status.message = "fine";
  s.flags = 0x101;

  std::string field, by_schema, by_model;
  encode_span_field(s, field);
  ASSERT_TRUE(transcode_record_json(Signal::traces, field, by_schema).ok());
  encode_span_json(s, by_model);
  EXPECT_EQ(by_schema, by_model);
  for (const char* key : {"parentSpanId", "kind", "startTimeUnixNano", "endTimeUnixNano", "droppedEventsCount",
                          "droppedLinksCount", "status", "message", "code", "events", "links"})
    expect_key(by_schema, key);
  expect_key(by_schema, "droppedAttributesCount", 3);
  expect_key(by_schema, "flags", 2);
}

// A log record with every field, as the logger writes it, read by the schema.
TEST(WireFields, LogRecordEveryFieldAsTheSchemaReadsIt) {
  SpanContext ctx;
  ctx.trace_id.bytes.fill(1);
  ctx.span_id.bytes.fill(2);
  ctx.trace_flags = 1;
  const Attribute attrs[] = {{"k", "v"}, {"dropped", 1}};
  const AttributeValue body("hello");
  LogRecord r;
  r.time_unix_nano = 5;
  r.observed_time_unix_nano = 6;
  r.severity = 9;
  r.severity_text = "INFO";
  r.body = &body;
  r.attributes = attrs;
  r.attribute_count = 2;
  r.context = &ctx;
  r.event_name = "ev";
  LogRecordLimits limits;
  limits.attribute_count = 1;
  std::string field, json;
  encode_log_record_field(r, field, limits);
  ASSERT_TRUE(transcode_record_json(Signal::logs, field, json).ok());
  EXPECT_EQ(json,
            "{\"timeUnixNano\":\"5\",\"severityNumber\":9,\"severityText\":\"INFO\",\"body\":{\"stringValue\":\"hello\"},"
            "\"attributes\":[{\"key\":\"k\",\"value\":{\"stringValue\":\"v\"}}],\"droppedAttributesCount\":1,"
            "\"flags\":1,\"traceId\":\"01010101010101010101010101010101\",\"spanId\":\"0202020202020202\","
            "\"observedTimeUnixNano\":\"6\",\"eventName\":\"ev\"}");
}

}  // namespace
}  // namespace otlp
