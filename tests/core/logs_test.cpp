// The logs API: records as exported (read back through the OTLP/JSON transcoder), enabled()
// and minimum severities, limits with dropped counts, the span context, the accounting
// invariant, and queue overflow. Runs natively and in WASM.
#include <gtest/gtest.h>

#include <string>

#include "otlp/json/json.hpp"
#include "otlp/logs/logs.hpp"
#include "support/fake_host.hpp"
#include "support/random_request.hpp"

namespace otlp {
namespace {

using testing::FakeClock;
using testing::FakeHost;
using testing::kMs;

struct Rig {
  explicit Rig(PipelineConfig config = PipelineConfig::for_signal(Signal::logs), LoggerConfig logger_config = {})
      : pipeline(config, resource()), provider(pipeline, clock, std::move(logger_config)),
        logger(provider.logger("bench", "1.0.0")), host(pipeline, clock) {}

  static Resource resource() {
    Resource r;
    r.attributes.push_back({"service.name", AnyValue("checkout")});
    return r;
  }

  // Flushes, answers every request, and returns the bodies as OTLP/JSON, one per request.
  std::vector<std::string> exported_json() {
    pipeline.force_flush(clock.now, 10'000 * kMs);
    host.poll();
    std::vector<std::string> out;
    for (const auto& r : host.in_flight) {
      std::string json;
      EXPECT_TRUE(transcode_request_json(Signal::logs, r.body, json).ok());
      out.push_back(json);
    }
    while (!host.in_flight.empty()) host.answer(Outcome::ok());
    return out;
  }
  std::string only_record() {
    const auto bodies = exported_json();
    EXPECT_EQ(bodies.size(), 1u);
    if (bodies.empty()) return {};
    const std::string& b = bodies[0];
    const auto start = b.find("\"logRecords\":[");
    const auto end = b.rfind("]}]}]}");
    return start == std::string::npos ? b : b.substr(start + 14, end - start - 14);
  }

  FakeClock clock;
  Pipeline pipeline;
  LoggerProvider provider;
  Logger logger;
  FakeHost host;
};

TEST(Logs, StandardRecordAsExported) {
  Rig rig;
  SpanContext ctx;
  ctx.trace_id.bytes.fill(0xab);
  ctx.span_id.bytes.fill(0xcd);
  ctx.trace_flags = 1;
  const AttributeValue body("GET /api/orders/12345 200 1.5ms");
  const Attribute attrs[] = {{"http.request.method", "GET"},
                             {"url.path", "/api/orders/12345"},
                             {"http.response.status_code", 200},
                             {"app.duration_ms", 1.5}};
  LogRecord r;
  r.time_unix_nano = 1'700'000'000'000'000'000;
  r.observed_time_unix_nano = 1'700'000'000'000'200'000;
  r.severity = static_cast<std::uint8_t>(Severity::info);
  r.severity_text = "INFO";
  r.body = &body;
  r.attributes = attrs;
  r.attribute_count = 4;
  r.context = &ctx;
  rig.logger.emit(r);

  const auto bodies = rig.exported_json();
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(bodies[0],
            "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":"
            "\"checkout\"}}]},\"scopeLogs\":[{\"scope\":{\"name\":\"bench\",\"version\":\"1.0.0\"},\"logRecords\":[{"
            "\"timeUnixNano\":\"1700000000000000000\",\"severityNumber\":9,\"severityText\":\"INFO\",\"body\":{"
            "\"stringValue\":\"GET /api/orders/12345 200 1.5ms\"},\"attributes\":[{\"key\":\"http.request.method\","
            "\"value\":{\"stringValue\":\"GET\"}},{\"key\":\"url.path\",\"value\":{\"stringValue\":\"/api/orders/"
            "12345\"}},{\"key\":\"http.response.status_code\",\"value\":{\"intValue\":\"200\"}},{\"key\":"
            "\"app.duration_ms\",\"value\":{\"doubleValue\":1.5}}],\"flags\":1,\"traceId\":"
            "\"abababababababababababababababab\",\"spanId\":\"cdcdcdcdcdcdcdcd\",\"observedTimeUnixNano\":"
            "\"1700000000000200000\"}]}]}]}");
  const Stats s = rig.pipeline.stats();
  EXPECT_EQ(s.ended, 1u);
  EXPECT_EQ(s.exported, 1u);
  EXPECT_TRUE(testing::balanced(s));
}

TEST(Logs, ObservedTimeIsTheClocksWhenAbsentAndTimeMayStayUnset) {
  Rig rig;
  rig.clock.now = 1'700'000'123'000'000'000;
  rig.logger.emit(LogRecord{});
  EXPECT_EQ(rig.only_record(), "{\"observedTimeUnixNano\":\"1700000123000000000\"}");
}

TEST(Logs, BodyOfEveryKindAndAKeyValueList) {
  Rig rig;
  AnyValue list;
  list.kind = AnyValue::Kind::kvlist;
  list.kvlist.push_back({"user", AnyValue("ada")});
  list.kvlist.push_back({"n", AnyValue(3)});
  for (const AttributeValue& body : {AttributeValue(true), AttributeValue(-7), AttributeValue(0.25),
                                     AttributeValue(""), AttributeValue(list)}) {
    LogRecord r;
    r.observed_time_unix_nano = 1;
    r.body = &body;
    rig.logger.emit(r);
  }
  const auto bodies = rig.exported_json();
  ASSERT_EQ(bodies.size(), 1u);
  for (const char* expected : {"\"body\":{\"boolValue\":true}", "\"body\":{\"intValue\":\"-7\"}",
                               "\"body\":{\"doubleValue\":0.25}", "\"body\":{\"stringValue\":\"\"}",
                               "\"body\":{\"kvlistValue\":{\"values\":[{\"key\":\"user\",\"value\":{\"stringValue\":"
                               "\"ada\"}},{\"key\":\"n\",\"value\":{\"intValue\":\"3\"}}]}}"}) {
    EXPECT_NE(bodies[0].find(expected), std::string::npos) << expected << " in " << bodies[0];
  }
}

TEST(Logs, EnabledAnswersBeforeAnyRecordIsBuilt) {
  LoggerConfig config;
  config.min_severity = static_cast<std::uint8_t>(Severity::warn);
  Rig rig(PipelineConfig::for_signal(Signal::logs), std::move(config));
  EXPECT_FALSE(rig.logger.enabled(Severity::info));
  EXPECT_TRUE(rig.logger.enabled(Severity::warn));
  EXPECT_TRUE(rig.logger.enabled(Severity::fatal, "app.crash"));
  EXPECT_TRUE(rig.logger.enabled(0));  // severity not given
  LogRecord info;
  info.severity = static_cast<std::uint8_t>(Severity::info);
  rig.logger.emit(info);  // below the minimum: not emitted, not counted
  EXPECT_EQ(rig.pipeline.stats().ended, 0u);
  EXPECT_EQ(rig.clock.reads, 0u);
  // A logger can raise the provider's floor, never lower it.
  Logger errors = rig.provider.logger("errors", "", static_cast<std::uint8_t>(Severity::error));
  Logger lower = rig.provider.logger("lower", "", static_cast<std::uint8_t>(Severity::debug));
  EXPECT_FALSE(errors.enabled(Severity::warn));
  EXPECT_FALSE(lower.enabled(Severity::info));
  EXPECT_TRUE(lower.enabled(Severity::warn));
}

TEST(Logs, SeverityAboveTwentyFourIsUnspecified) {
  Rig rig;
  LogRecord r;
  r.observed_time_unix_nano = 1;
  r.severity = 25;
  rig.logger.emit(r);
  EXPECT_EQ(rig.only_record(), "{\"observedTimeUnixNano\":\"1\"}");
}

TEST(Logs, LimitsDropAndCountAttributesAndCutValues) {
  LoggerConfig config;
  config.limits.attribute_count = 2;
  config.limits.attribute_value_length = 3;
  Rig rig(PipelineConfig::for_signal(Signal::logs), std::move(config));
  const Attribute attrs[] = {{"a", "abcdef"}, {"b", "é€xyz"}, {"c", 1}, {"a", "xy"}, {"d", true}};
  LogRecord r;
  r.observed_time_unix_nano = 1;
  r.attributes = attrs;
  r.attribute_count = 5;
  rig.logger.emit(r);
  // "a" repeats: its last value counts, at its last place; "a" and "d" are then over the
  // limit of 2; "é€xyz" is cut to 3 code points.
  EXPECT_EQ(rig.only_record(),
            "{\"attributes\":[{\"key\":\"b\",\"value\":{\"stringValue\":\"é€x\"}},{\"key\":\"c\",\"value\":{"
            "\"intValue\":\"1\"}}],\"droppedAttributesCount\":2,\"observedTimeUnixNano\":\"1\"}");
}

TEST(Logs, InvalidSpanContextIsLeftOut) {
  Rig rig;
  SpanContext none;
  LogRecord r;
  r.observed_time_unix_nano = 1;
  r.context = &none;
  rig.logger.emit(r);
  EXPECT_EQ(rig.only_record(), "{\"observedTimeUnixNano\":\"1\"}");
}

TEST(Logs, QueueOverflowIsCountedAndTheInvariantHolds) {
  PipelineConfig config = PipelineConfig::for_signal(Signal::logs);
  config.max_queue_size = 4;
  config.max_export_batch_size = 2;
  Rig rig(config);
  for (int i = 0; i < 10; ++i) rig.logger.emit(LogRecord{.observed_time_unix_nano = 1});
  Stats s = rig.pipeline.stats();
  EXPECT_EQ(s.ended, 10u);
  EXPECT_EQ(s.dropped, 6u);
  EXPECT_TRUE(testing::balanced(s));
  rig.host.drain_ok();
  s = rig.pipeline.stats();
  EXPECT_EQ(s.exported, 4u);
  EXPECT_TRUE(testing::balanced(s));
}

TEST(Logs, RecordsAfterShutdownAreDropped) {
  Rig rig;
  rig.pipeline.shutdown(rig.clock.now, 1000 * kMs);
  rig.logger.emit(LogRecord{.observed_time_unix_nano = 1});
  const Stats s = rig.pipeline.stats();
  EXPECT_EQ(s.dropped, 1u);
  EXPECT_TRUE(testing::balanced(s));
}

TEST(Logs, PartialSuccessRejectsAndRetriesAreCountedAsForSpans) {
  Rig rig;
  for (int i = 0; i < 3; ++i) rig.logger.emit(LogRecord{.observed_time_unix_nano = 1});
  rig.pipeline.force_flush(rig.clock.now, 10'000 * kMs);
  rig.host.poll();
  ASSERT_EQ(rig.host.in_flight.size(), 1u);
  rig.host.answer(Outcome::http(503));
  rig.host.advance();
  ASSERT_EQ(rig.host.in_flight.size(), 1u);
  EXPECT_EQ(rig.host.in_flight.front().attempt, 2u);
  rig.host.answer(Outcome::partial_ok(1, "one record refused"));
  const Stats s = rig.pipeline.stats();
  EXPECT_EQ(s.exported, 2u);
  EXPECT_EQ(s.rejected, 1u);
  EXPECT_EQ(s.retries, 1u);
  EXPECT_TRUE(testing::balanced(s));
}

TEST(Logs, BatchDefaultsAndChecksAreTheLogRecordProcessors) {
  const PipelineConfig c = PipelineConfig::for_signal(Signal::logs);
  EXPECT_EQ(c.max_queue_size, 2048u);
  EXPECT_EQ(c.max_export_batch_size, 512u);
  EXPECT_EQ(c.schedule_delay_ns, 1000 * kMs);
  EXPECT_EQ(c.export_timeout_ns, 30'000 * kMs);
  PipelineConfig bad = c;
  bad.max_export_batch_size = 4096;
  const auto error = validate(bad);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message, "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: 4096 must not exceed OTEL_BLRP_MAX_QUEUE_SIZE 2048");
  EXPECT_EQ(PipelineConfig::for_signal(Signal::traces).schedule_delay_ns, 5000 * kMs);
}

TEST(Logs, JsonBatchesAreLogsRequests) {
  PipelineConfig config = PipelineConfig::for_signal(Signal::logs);
  config.protocol = Protocol::json;
  Rig rig(config);
  rig.logger.emit(LogRecord{.observed_time_unix_nano = 5, .severity = 17});
  rig.pipeline.force_flush(rig.clock.now, 1000 * kMs);
  rig.host.poll();
  ASSERT_EQ(rig.host.in_flight.size(), 1u);
  EXPECT_EQ(rig.host.in_flight.front().content_type, "application/json");
  EXPECT_NE(rig.host.in_flight.front().body.find("\"logRecords\":[{\"severityNumber\":17,\"observedTimeUnixNano\":\"5\"}]"),
            std::string::npos)
      << rig.host.in_flight.front().body;
}

// 1,000 randomized records (every body and attribute kind, unicode, empty and extreme values,
// repeated keys, out-of-range severities) export whole and as well-formed OTLP on every build;
// the native suite reads the same records back field by field with protobuf-lite.
TEST(Logs, ThousandRandomRecordsExportWellFormed) {
  Rig rig;
  const auto records = testing::random_log_records(2026, 1000);
  std::size_t transcoded_records = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    rig.logger.emit(testing::BorrowedLogRecord(records[i]).record);
    if ((i + 1) % 500 == 0) {
      for (const std::string& json : rig.exported_json()) {
        for (std::size_t at = json.find("\"observedTimeUnixNano\":\""); at != std::string::npos;
             at = json.find("\"observedTimeUnixNano\":\"", at + 1))
          ++transcoded_records;
      }
    }
  }
  EXPECT_GE(transcoded_records, records.size());  // a random string may hold the key too
  const Stats s = rig.pipeline.stats();
  EXPECT_EQ(s.exported, records.size());
  EXPECT_TRUE(testing::balanced(s));
}

}  // namespace
}  // namespace otlp
