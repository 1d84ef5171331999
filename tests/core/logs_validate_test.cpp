// The logs request readers of the core: the validating pass walked by the schema
// (validate_request), OTLP/JSON read into protobuf (decode_request_json_protobuf), the JSON lines
// of each record (transcode_record_lines) and the partial-success JSON of each signal. The full
// reader of a logs request is the transcoder (transcode_request_json): the validating pass must
// accept exactly what it accepts, on the fuzz seeds and thousands of mutations of them.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "otlp/json/json.hpp"
#include "otlp/wire/proto_reader.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/model/random.hpp"
#include "otlp/workload/workload.hpp"
#include "support/fuzz_seeds.hpp"
#include "support/random_request.hpp"

namespace otlp {
namespace {

constexpr Signal kLogs = Signal::logs;

DecodeOptions unlimited() {
  DecodeOptions o;
  o.limits = DecodeLimits{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX};
  return o;
}

// The protobuf logs seeds (the JSON ones start with '{').
std::vector<std::string> protobuf_seeds() {
  std::vector<std::string> out;
  for (const std::string& s : testing::logs_seeds())
    if (s.empty() || s[0] != '{') out.push_back(s);
  return out;
}

struct Tally {
  std::size_t inputs = 0, refused = 0;
  void check(const std::string& bytes) {
    ++inputs;
    std::uint64_t n = 0;
    const DecodeStatus v = validate_request(kLogs, bytes, n, unlimited());
    std::string json;
    const DecodeStatus t = transcode_request_json(kLogs, bytes, json);
    EXPECT_EQ(v.ok(), t.ok()) << "input " << inputs << ": validator " << v.message() << ", transcoder "
                              << t.message();
    if (!v.ok()) {
      ++refused;
      EXPECT_LE(v.offset, bytes.size());
    }
  }
};

TEST(LogsValidate, CountsTheStandardRecords) {
  std::uint64_t n = 0;
  ASSERT_TRUE(validate_request(kLogs, testing::standard_logs_request(512, 3), n).ok());
  EXPECT_EQ(n, 512u);
  ASSERT_TRUE(validate_request(kLogs, "", n).ok());
  EXPECT_EQ(n, 0u);
  // Traces go through their reader's own pass.
  std::string spans;
  encode_trace_request(workload::standard_request(7, 1), spans);
  ASSERT_TRUE(validate_request(Signal::traces, spans, n).ok());
  EXPECT_EQ(n, 7u);
}

TEST(LogsValidate, AcceptsWhatTheTranscoderAcceptsOnSeedsAndMutations) {
  Tally t;
  Random rng(5);
  for (const std::string& seed : protobuf_seeds()) {
    t.check(seed);
    for (std::size_t cut = 0; cut < seed.size(); ++cut) t.check(seed.substr(0, cut));
    for (int k = 0; k < 300 && !seed.empty(); ++k) {
      std::string m = seed;
      const std::size_t at = rng.next() % m.size();
      switch (rng.next() % 3) {
        case 0: m[at] = static_cast<char>(m[at] ^ (1u << (rng.next() % 8))); break;
        case 1: m.insert(at, 1, static_cast<char>(rng.next())); break;
        default: m.erase(at, 1); break;
      }
      t.check(m);
    }
  }
  EXPECT_GT(t.inputs, 2000u);
  EXPECT_GT(t.refused, t.inputs / 10);  // the mutations reach both outcomes
  EXPECT_LT(t.refused, t.inputs);
}

TEST(LogsValidate, RefusesWhatTheTranscoderRefuses) {
  const std::string record = testing::standard_logs_request(1, 1);
  // A trace id of 3 bytes in a record, a body of the wrong wire type, a truncated length.
  const std::string bad_id = std::string("\x0a\x09\x12\x07\x12\x05\x4a\x03", 8) + "abc";
  const std::string bad_wire = std::string("\x0a\x06\x12\x04\x12\x02\x28\x01", 8);
  const std::string truncated = record.substr(0, record.size() - 1);
  for (const std::string& bytes : {bad_id, bad_wire, truncated}) {
    std::uint64_t n = 0;
    std::string json;
    const DecodeStatus v = validate_request(kLogs, bytes, n);
    EXPECT_FALSE(v.ok());
    EXPECT_FALSE(transcode_request_json(kLogs, bytes, json).ok());
  }
  std::uint64_t n = 0;
  EXPECT_EQ(validate_request(kLogs, bad_id, n).error, DecodeError::bad_id_length);
  EXPECT_EQ(validate_request(kLogs, bad_wire, n).error, DecodeError::wrong_wire_type);
  // Depth: the seed at the limit passes, one level less of room fails.
  const std::vector<std::string> seeds = protobuf_seeds();
  const std::string& deep = seeds.back();
  EXPECT_TRUE(validate_request(kLogs, deep, n).ok());
  DecodeOptions shallow;
  shallow.max_depth = 31;
  EXPECT_EQ(validate_request(kLogs, deep, n, shallow).error, DecodeError::too_deep);
}

TEST(LogsValidate, CountsRecordsAndAttributesAgainstTheLimits) {
  const std::string body = testing::standard_logs_request(10, 2);  // 4 attributes a record
  std::uint64_t n = 0;
  DecodeOptions o = unlimited();
  o.limits->records = 9;
  EXPECT_EQ(validate_request(kLogs, body, n, o).error, DecodeError::too_many_records);
  o.limits->records = 10;
  EXPECT_TRUE(validate_request(kLogs, body, n, o).ok());
  o = unlimited();
  o.limits->attributes = 5 + 4 * 10 - 1;  // the resource's 5 and every record's
  EXPECT_EQ(validate_request(kLogs, body, n, o).error, DecodeError::too_many_attributes);
  o.limits->attributes += 1;
  EXPECT_TRUE(validate_request(kLogs, body, n, o).ok());
  o = unlimited();
  o.limits->attributes_per_element = 4;  // the resource has 5
  EXPECT_EQ(validate_request(kLogs, body, n, o).error, DecodeError::too_many_attributes_in_element);
  o = unlimited();
  o.limits->decoded_bytes = 100;  // string bytes
  EXPECT_EQ(validate_request(kLogs, body, n, o).error, DecodeError::too_many_decoded_bytes);
  // The default limits of a body: a request of 2 MiB of empty records (one a 2 bytes) is refused.
  const std::string empty_record("\x12\x00", 2);
  std::string items;
  for (std::size_t i = 0; i < (1u << 20); ++i) items += empty_record;
  std::string many;
  encode_trace_request(Resource{}, InstrumentationScope{}, items, many);
  EXPECT_EQ(validate_request(kLogs, many, n).error, DecodeError::too_many_records);
}

TEST(LogsJson, ReadsBackIntoTheSameProtobuf) {
  std::vector<std::string> requests = protobuf_seeds();
  requests.push_back(testing::standard_logs_request(100, 7));
  for (const std::string& p : requests) {
    std::string json, back;
    ASSERT_TRUE(transcode_request_json(kLogs, p, json).ok());
    const DecodeStatus st = decode_request_json_protobuf(kLogs, json, back);
    ASSERT_TRUE(st.ok()) << st.message() << " at " << st.offset << " in " << json;
    EXPECT_EQ(back, p) << json;
  }
  // Traces too: one reader for every signal.
  std::string spans, json, back;
  testing::RandomRequestOptions options;
  options.spans = 50;
  options.huge_values = false;
  encode_trace_request(testing::random_request(8, options), spans);
  ASSERT_TRUE(transcode_request_json(Signal::traces, spans, json).ok());
  ASSERT_TRUE(decode_request_json_protobuf(Signal::traces, json, back).ok());
  EXPECT_EQ(back, spans);
}

TEST(LogsJson, AcceptsWhatProtobufJsonAcceptsAndRefusesTheRest) {
  auto read = [](const std::string& json, std::string& out) {
    out.clear();
    return decode_request_json_protobuf(kLogs, json, out);
  };
  std::string a, b;
  // Enum names, numbers as strings, unknown keys, nulls.
  ASSERT_TRUE(read(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"5",
      "severityNumber":"SEVERITY_NUMBER_WARN","extra":{"x":[1]},"eventName":null}]}]}]})", a).ok());
  ASSERT_TRUE(read(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":5,"severityNumber":13}]}]}]})", b)
                  .ok());
  EXPECT_EQ(a, b);
  std::string json;
  ASSERT_TRUE(transcode_request_json(kLogs, a, json).ok());
  EXPECT_EQ(json, R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"5","severityNumber":13}]}]}]})");

  const struct {
    const char* json;
    DecodeError error;
  } bad[] = {
      {R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"abc"}]}]}]})", DecodeError::bad_id_length},
      {R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":"LOUD"}]}]}]})", DecodeError::bad_value},
      {R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":"text"}]}]}]})", DecodeError::bad_value},
      {R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"flags":-1}]}]}]})", DecodeError::bad_value},
      {R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{}],}]}]})", DecodeError::bad_json},
      {R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"bytesValue":"@@"}}]}]}]})", DecodeError::bad_value},
      {R"({"resourceLogs":{}})", DecodeError::bad_value},
  };
  for (const auto& c : bad) EXPECT_EQ(read(c.json, a).error, c.error) << c.json;

  // Too deep: a body of 15 nested arrays puts its innermost AnyValue at 34.
  std::string deep = R"({"stringValue":"x"})";
  for (int k = 0; k < 15; ++k) deep = R"({"arrayValue":{"values":[)" + deep + "]}}";
  EXPECT_EQ(read(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":)" + deep + "}]}]}]}", a).error,
            DecodeError::too_deep);
  // The protobuf may take no more than the decoded-bytes limit.
  DecodeOptions tight;
  tight.limits = DecodeLimits{UINT64_MAX, UINT64_MAX, UINT64_MAX, 10};
  a.clear();
  EXPECT_EQ(decode_request_json_protobuf(kLogs, R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityText":
      "longer than ten bytes"}]}]}]})", a, tight).error, DecodeError::too_many_decoded_bytes);
}

std::vector<std::string> lines_of(Signal signal, const std::string& protobuf, std::uint64_t skip = 0,
                                  std::size_t chunk = 1 << 20, std::size_t* batches = nullptr) {
  std::string all;
  std::size_t calls = 0;
  EXPECT_TRUE(transcode_record_lines(signal, protobuf, skip, [&](std::string_view text) {
                ++calls;
                EXPECT_EQ(text.back(), '\n');  // whole lines only
                all += text;
              }, chunk).ok());
  if (batches) *batches = calls;
  std::vector<std::string> out;
  for (std::size_t at = 0; at < all.size();) {
    const std::size_t nl = all.find('\n', at);
    out.push_back(all.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

TEST(RecordLines, OneLinePerLogRecordWithResourceScopeAndEveryField) {
  const std::string p = testing::standard_logs_request(10, 4);
  const auto lines = lines_of(kLogs, p);
  ASSERT_EQ(lines.size(), 10u);
  // The record's own members as the transcoder writes them in its request.
  std::string json;
  ASSERT_TRUE(transcode_request_json(kLogs, p, json).ok());
  const std::size_t first_record = json.find("\"logRecords\":[{") + 15;
  const std::string record = json.substr(first_record, json.find('}', json.find("\"body\"")) - first_record);
  const std::string& l = lines[0];
  EXPECT_EQ(l.rfind(R"({"signal":"logs","resource":{"attributes":[{"key":"service.name","value":{"stringValue":)"
                    R"("checkout"}})", 0), 0u) << l;
  EXPECT_NE(l.find(R"("scope":{"name":"bench","version":"1.0.0"},)" + record), std::string::npos) << l << "\n" << record;
  for (const char* field : {"\"timeUnixNano\":\"1700000000000500000\"", "\"observedTimeUnixNano\":\"1700000000000700000\"",
                            "\"severityNumber\":9", "\"severityText\":\"INFO\"",
                            "\"body\":{\"stringValue\":\"GET /api/orders/12345 200 1.5ms\"}",
                            "\"key\":\"http.response.status_code\",\"value\":{\"intValue\":\"200\"}",
                            "\"flags\":1", "\"traceId\":\"", "\"spanId\":\""})
    EXPECT_NE(l.find(field), std::string::npos) << field << " in " << l;
  EXPECT_NE(lines[9].find("\"severityText\":\"ERROR\""), std::string::npos);
  EXPECT_EQ(l.back(), '}');

  // Skipped records are left out from the first; small chunks give several batches.
  std::size_t batches = 0;
  const auto rest = lines_of(kLogs, p, 3, 1, &batches);
  ASSERT_EQ(rest.size(), 7u);
  EXPECT_EQ(rest[0], lines[3]);
  EXPECT_EQ(batches, 7u);
}

TEST(RecordLines, SpanLinesCarryEverythingAndEmptyPartsStayValid) {
  std::string p;
  encode_trace_request(workload::standard_request(2, 9), p);
  const auto lines = lines_of(Signal::traces, p);
  ASSERT_EQ(lines.size(), 2u);
  for (const char* field : {R"({"signal":"traces","resource":{"attributes":[)", R"("scope":{"name":"bench")",
                            "\"traceId\":\"", "\"parentSpanId\":\"", "\"name\":\"GET /api/orders/{id}\"", "\"kind\":2",
                            "\"startTimeUnixNano\":\"", "\"endTimeUnixNano\":\"", "\"events\":[{", "\"cache.miss\"",
                            "\"links\":[{", "\"flags\":1"})
    EXPECT_NE(lines[0].find(field), std::string::npos) << field << " in " << lines[0];
  // No resource, no scope, an empty item, schema URLs: request { resource_spans { scope_spans {
  // spans {} schema_url "s" } schema_url "r" } }.
  const std::string q("\x0a\x0a\x12\x05\x12\x00\x1a\x01s\x1a\x01r", 12);
  const auto one = lines_of(Signal::traces, q);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0], R"({"signal":"traces","resource":{},"resourceSchemaUrl":"r","scope":{},"scopeSchemaUrl":"s"})");
  // A malformed request is refused.
  EXPECT_FALSE(transcode_record_lines(kLogs, "\x0a\x05", 0, [](std::string_view) {}).ok());
}

TEST(ResponseJson, EachSignalNamesItsRejectedItems) {
  const PartialSuccess partial{3, "too old"};
  std::string protobuf, traces, logs, empty;
  encode_trace_response(&partial, protobuf);
  ASSERT_TRUE(transcode_response_json(Signal::traces, protobuf, traces).ok());
  ASSERT_TRUE(transcode_response_json(kLogs, protobuf, logs).ok());
  ASSERT_TRUE(transcode_response_json(kLogs, "", empty).ok());
  EXPECT_EQ(logs, R"({"partialSuccess":{"rejectedLogRecords":"3","errorMessage":"too old"}})");
  std::string model;
  encode_trace_response_json(&partial, model);
  EXPECT_EQ(traces, model);
  EXPECT_EQ(empty, "{}");
}

TEST(RequestFrame, AroundRecordsItIsTheTranscodersRequest) {
  const std::string p = testing::standard_logs_request(3, 5);
  std::string whole;
  ASSERT_TRUE(transcode_request_json(kLogs, p, whole).ok());
  std::string head, tail, joined;
  transcode_request_json_frame(kLogs, workload::standard_resource(), workload::standard_scope(), head, tail);
  Random rng(5);
  workload::StandardLogRecord standard;
  joined = head;
  for (std::uint64_t i = 0; i < 3; ++i) {
    std::string field;
    encode_log_record_field(standard.at(rng, i), field);
    if (i) joined += ',';
    ASSERT_TRUE(transcode_record_json(kLogs, field, joined).ok());
  }
  joined += tail;
  EXPECT_EQ(joined, whole);
  // Traces: the model writer's frame.
  std::string th, tt, mh, mt;
  transcode_request_json_frame(Signal::traces, workload::standard_resource(), workload::standard_scope(), th, tt);
  encode_trace_request_json_frame(workload::standard_resource(), workload::standard_scope(), mh, mt);
  EXPECT_EQ(th, mh);
  EXPECT_EQ(tt, mt);
}

TEST(StandardLogRecord, IsTheWorkloadsRecord) {
  Random rng(1);
  workload::StandardLogRecord standard;
  const LogRecord& r = standard.at(rng, 19);
  EXPECT_EQ(r.time_unix_nano, workload::kBaseTimeUnixNano + 19'000'000 + 500'000);
  EXPECT_EQ(r.observed_time_unix_nano, r.time_unix_nano + 200'000);
  EXPECT_EQ(r.severity, 17);
  EXPECT_EQ(r.severity_text, "ERROR");
  EXPECT_EQ(r.attribute_count, 4u);
  ASSERT_NE(r.body, nullptr);
  EXPECT_EQ(r.body->str(), "GET /api/orders/12345 200 1.5ms");
  ASSERT_NE(r.context, nullptr);
  EXPECT_TRUE(r.context->valid());
  EXPECT_EQ(r.context->trace_flags, 1);
  EXPECT_EQ(standard.at(rng, 20).severity, 9);
  EXPECT_TRUE(r.event_name.empty());
  // The byte count for a stream of them.
  const std::string p = testing::standard_logs_request(25, 3);
  std::string head;
  encode_trace_request_head(workload::standard_resource(), workload::standard_scope(),
                            workload::standard_log_records_bytes(25), head);
  EXPECT_EQ(p.size(), head.size() + workload::standard_log_records_bytes(25));
}

}  // namespace
}  // namespace otlp
