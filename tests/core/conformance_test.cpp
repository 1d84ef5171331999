// The core against golden files written by protobuf-lite (tests/native/oracle_gen.cpp). Runs
// natively and in WASM under node, so it uses no protobuf library: the goldens carry the oracle.
// A missing golden file is a failure, never a skip.
#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <string>

#include "otlp/json/json.hpp"
#include "otlp/logs/logs.hpp"
#include "otlp/wire/proto_reader.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/workload/workload.hpp"
#include "support/compare.hpp"
#include "support/fake_host.hpp"
#include "support/files.hpp"
#include "support/random_request.hpp"

#ifndef OTLP_GOLDEN_DIR
#error "OTLP_GOLDEN_DIR must name the directory of the protobuf-lite golden files"
#endif

namespace otlp::testing {
namespace {

std::string golden_path(const char* name) { return std::string(OTLP_GOLDEN_DIR) + "/" + name; }

// Reads a golden file; a missing one fails the calling test with the path.
std::optional<std::string> golden(const char* name) {
  const std::string path = golden_path(name);
  auto bytes = read_file(path);
  if (!bytes) {
    ADD_FAILURE() << "golden file missing: " << path
                  << " (build the native target otlp_golden first; the wasm build reads the native one)";
    return std::nullopt;
  }
  if (bytes->empty()) {
    ADD_FAILURE() << "golden file is empty: " << path;
    return std::nullopt;
  }
  return bytes;
}

TraceRequest golden_random_model() {
  RandomRequestOptions options;
  options.spans = kGoldenSpans;
  return random_request(kGoldenSeed, options);
}

TraceRequest golden_workload_model() {
  return workload::standard_request(kGoldenWorkloadSpans, kGoldenWorkloadSeed);
}

std::string where_bytes_differ(const std::string& expected, const std::string& actual) {
  std::size_t i = 0;
  while (i < expected.size() && i < actual.size() && expected[i] == actual[i]) ++i;
  return "golden " + std::to_string(expected.size()) + " bytes, core " + std::to_string(actual.size()) +
         " bytes, first difference at offset " + std::to_string(i);
}

void expect_encoding_matches(const TraceRequest& model, const char* golden_name) {
  auto expected = golden(golden_name);
  if (!expected) return;
  std::string actual;
  encode_trace_request(model, actual);
  EXPECT_TRUE(actual == *expected) << where_bytes_differ(*expected, actual);
  if (actual != *expected) {
    // Point at the field: decode what the core wrote and compare models.
    TraceRequest reread;
    if (decode_trace_request(actual, reread).ok())
      ADD_FAILURE() << "core bytes re-read: " << first_difference(model, reread);
  }
}

void expect_decoding_matches(const TraceRequest& model, const char* golden_name) {
  auto bytes = golden(golden_name);
  if (!bytes) return;
  TraceRequest decoded;
  const DecodeStatus st = decode_trace_request(*bytes, decoded);
  ASSERT_TRUE(st.ok()) << "decoding " << golden_path(golden_name) << " failed: " << st.message() << " at offset "
                       << st.offset;
  EXPECT_EQ(first_difference(model, decoded), "");
}

TEST(Conformance, RandomRequestEncodingEqualsLiteGolden) {
  expect_encoding_matches(golden_random_model(), "random_request.pb");
}

TEST(Conformance, RandomRequestDecodingOfLiteGoldenEqualsModel) {
  expect_decoding_matches(golden_random_model(), "random_request.pb");
}

TEST(Conformance, WorkloadEncodingEqualsLiteGolden) {
  expect_encoding_matches(golden_workload_model(), "workload_512.pb");
}

TEST(Conformance, WorkloadDecodingOfLiteGoldenEqualsModel) {
  expect_decoding_matches(golden_workload_model(), "workload_512.pb");
}

// ---- logs: the standard log records through the logs API, as the pipeline sends them ------------

// The one request body the pipeline sends for the golden standard log records in `protocol`.
std::string standard_logs_body(Protocol protocol) {
  PipelineConfig config = PipelineConfig::for_signal(Signal::logs);
  config.protocol = protocol;
  FakeClock clock;
  Pipeline pipeline(config, workload::standard_resource());
  LoggerProvider provider(pipeline, clock);
  Logger logger = provider.logger("bench", "1.0.0");
  FakeHost host(pipeline, clock);
  Random rng(kGoldenLogSeed);
  workload::StandardLogRecord standard;
  for (std::uint32_t i = 0; i < kGoldenLogRecords; ++i) logger.emit(standard.at(rng, i));
  pipeline.force_flush(clock.now, kSec);
  host.poll();
  EXPECT_EQ(host.in_flight.size(), 1u);
  if (host.in_flight.empty()) return {};
  EXPECT_EQ(host.in_flight.front().spans, kGoldenLogRecords);
  return host.in_flight.front().body;
}

TEST(Conformance, StandardLogRecordsEqualLiteGoldenProtobuf) {
  const auto expected = golden("standard_logs_10.pb");
  if (!expected) return;
  const std::string actual = standard_logs_body(Protocol::protobuf);
  EXPECT_TRUE(actual == *expected) << where_bytes_differ(*expected, actual);
}

TEST(Conformance, StandardLogRecordsEqualLiteGoldenJson) {
  const auto expected = golden("standard_logs_10.json");
  if (!expected) return;
  const std::string actual = standard_logs_body(Protocol::json);
  EXPECT_EQ(actual, *expected);
  // The transcoder alone, from the golden protobuf, writes the same document.
  const auto protobuf = golden("standard_logs_10.pb");
  if (!protobuf) return;
  std::string transcoded;
  ASSERT_TRUE(transcode_request_json(Signal::logs, *protobuf, transcoded).ok());
  EXPECT_EQ(transcoded, *expected);
}

// The oracle's random metrics (every metric and data point type, written by protobuf-lite and
// its JSON from lite's accessors): the transcoder writes that JSON, the JSON reader gives those
// bytes back, and the validating pass accepts them.
TEST(Conformance, RandomMetricsEqualLiteGoldenJsonBothWays) {
  const auto protobuf = golden("random_metrics.pb");
  const auto expected = golden("random_metrics.json");
  if (!protobuf || !expected) return;
  std::uint64_t points = 0;
  ASSERT_TRUE(validate_request(Signal::metrics, *protobuf, points).ok());
  EXPECT_GT(points, 0u);
  std::string transcoded;
  ASSERT_TRUE(transcode_request_json(Signal::metrics, *protobuf, transcoded).ok());
  EXPECT_EQ(transcoded, *expected);
  std::string back;
  ASSERT_TRUE(decode_request_json_protobuf(Signal::metrics, *expected, back).ok());
  EXPECT_TRUE(back == *protobuf) << where_bytes_differ(*protobuf, back);
}

// ---- the golden random request must keep its coverage ---------------------------------------

struct Coverage {
  std::array<std::size_t, 8> kinds{};  // indexed by AnyValue::Kind
  std::array<bool, 8> kinds_nested{};

  void value(const AnyValue& v, int depth) {
    kinds[static_cast<std::size_t>(v.kind)]++;
    if (depth > 0) kinds_nested[static_cast<std::size_t>(v.kind)] = true;
    for (const auto& item : v.array) value(item, depth + 1);
    for (const auto& kv : v.kvlist) value(kv.value, depth + 1);
  }
  void attributes(const Attributes& attrs) {
    for (const auto& kv : attrs) value(kv.value, 0);
  }
  void request(const TraceRequest& r) {
    for (const auto& rs : r.resource_spans) {
      attributes(rs.resource.attributes);
      for (const auto& ss : rs.scope_spans) {
        attributes(ss.scope.attributes);
        for (const auto& s : ss.spans) {
          attributes(s.attributes);
          for (const auto& e : s.events) attributes(e.attributes);
          for (const auto& l : s.links) attributes(l.attributes);
        }
      }
    }
  }
};

TEST(Conformance, GoldenRandomRequestCoversEveryValueKind) {
  const TraceRequest model = golden_random_model();
  EXPECT_GE(span_count(model), 1000u);
  Coverage c;
  c.request(model);
  static const char* const names[] = {"empty", "string", "bool", "int64", "double", "array", "kvlist", "bytes"};
  for (std::size_t k = 0; k < c.kinds.size(); ++k) {
    EXPECT_GT(c.kinds[k], 0u) << "no AnyValue of kind " << names[k] << " in the golden random request";
    EXPECT_TRUE(c.kinds_nested[k]) << "no AnyValue of kind " << names[k] << " inside an array or kvlist";
  }
}

}  // namespace
}  // namespace otlp::testing
