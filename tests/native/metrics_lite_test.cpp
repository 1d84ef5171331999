// Metrics requests built by protobuf-lite (the independent oracle, oracle_metrics.hpp) through
// the core's generic readers: the validating pass counts their data points, the transcoder
// writes the OTLP/JSON mapping field by field as the oracle writes it, the JSON reader gives
// the same protobuf back, and malformed bodies are refused by all of them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "oracle_metrics.hpp"
#include "otlp/json/json.hpp"
#include "otlp/wire/proto_reader.hpp"

namespace otlp {
namespace {

using testing::lite::data_point_count;
using testing::lite::metrics_json;
using testing::lite::random_metrics;
namespace pb = testing::lite::pb_metrics_collector;
namespace pb_m = opentelemetry::proto::metrics::v1;

constexpr int kRequests = 400;

std::string serialized(const pb::ExportMetricsServiceRequest& request) {
  std::string bytes;
  EXPECT_TRUE(request.SerializeToString(&bytes));
  return bytes;
}

TEST(MetricsLite, RandomRequestsValidateAndTranscodeFieldByField) {
  std::uint64_t points = 0;
  for (int seed = 1; seed <= kRequests; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto request = random_metrics(static_cast<std::uint64_t>(seed));
    const std::string bytes = serialized(request);
    std::uint64_t items = 0;
    ASSERT_TRUE(validate_request(Signal::metrics, bytes, items).ok());
    EXPECT_EQ(items, data_point_count(request));
    points += items;
    std::string json;
    ASSERT_TRUE(transcode_request_json(Signal::metrics, bytes, json).ok());
    ASSERT_EQ(json, metrics_json(request));
  }
  EXPECT_GT(points, 1000u);  // the seeds cover many points, not a few
}

TEST(MetricsLite, JsonReadsBackToTheSameProtobuf) {
  for (int seed = 1; seed <= kRequests; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto request = random_metrics(static_cast<std::uint64_t>(seed));
    const std::string json = metrics_json(request);
    std::string protobuf;
    ASSERT_TRUE(decode_request_json_protobuf(Signal::metrics, json, protobuf).ok());
    // Field order, packing and presence as lite writes them: the same bytes.
    ASSERT_EQ(protobuf, serialized(request));
  }
}

// The value every random request draws from a small table also comes at its extremes here.
TEST(MetricsLite, ExtremesAndSpecialDoubles) {
  pb::ExportMetricsServiceRequest request;
  auto* m = request.add_resource_metrics()->add_scope_metrics()->add_metrics();
  m->set_name("e");
  auto* p = m->mutable_exponential_histogram()->add_data_points();
  p->set_scale(-10);
  p->mutable_negative()->set_offset(-2147483647 - 1);
  p->mutable_positive()->set_offset(-1);
  p->mutable_positive()->add_bucket_counts(18446744073709551615ull);
  p->mutable_positive()->add_bucket_counts(0);
  p->set_sum(std::numeric_limits<double>::quiet_NaN());
  p->set_min(-std::numeric_limits<double>::infinity());
  p->set_max(0.0);  // present, so written although zero
  auto* n = request.mutable_resource_metrics(0)->mutable_scope_metrics(0)->add_metrics()->mutable_sum();
  n->add_data_points()->set_as_int(-9223372036854775807 - 1);
  n->add_data_points()->set_as_double(-0.0);
  const std::string bytes = serialized(request);
  std::string json;
  ASSERT_TRUE(transcode_request_json(Signal::metrics, bytes, json).ok());
  EXPECT_EQ(json, metrics_json(request));
  for (const char* member : {R"("scale":-10)", R"("negative":{"offset":-2147483648})",
                             R"("positive":{"offset":-1,"bucketCounts":["18446744073709551615","0"]})",
                             R"("sum":"NaN")", R"("min":"-Infinity")", R"("max":0)",
                             R"({"asInt":"-9223372036854775808"})", R"({"asDouble":-0})"})
    EXPECT_NE(json.find(member), std::string::npos) << member << " in " << json;
  std::string back;
  ASSERT_TRUE(decode_request_json_protobuf(Signal::metrics, json, back).ok());
  EXPECT_EQ(back, bytes);
}

// Protobuf parsers take a packed repeated scalar unpacked too (one tag per value).
TEST(MetricsLite, UnpackedRepeatedScalarsReadAsPacked) {
  pb_m::HistogramDataPoint point;
  point.set_count(3);
  point.add_bucket_counts(1);
  point.add_bucket_counts(2);
  point.add_explicit_bounds(0.5);
  pb::ExportMetricsServiceRequest request;
  *request.add_resource_metrics()->add_scope_metrics()->add_metrics()->mutable_histogram()->add_data_points() =
      point;
  std::string packed = serialized(request);
  // The same point written unpacked: fixed64 6 and double 7, one field per value.
  std::string p;
  p += '\x21';  // count (4), fixed64
  p.append("\x03\0\0\0\0\0\0\0", 8);
  for (const char v : {'\x01', '\x02'}) {
    p += '\x31';  // bucket_counts (6), fixed64
    p += v;
    p.append(7, '\0');
  }
  p += '\x39';  // explicit_bounds (7), double 0.5
  p.append("\0\0\0\0\0\0\xe0\x3f", 8);
  auto wrap = [](char tag, const std::string& inner) { return std::string(1, tag) + char(inner.size()) + inner; };
  const std::string unpacked = wrap('\x0a', wrap('\x12', wrap('\x12', wrap('\x4a', wrap('\x0a', p)))));
  std::uint64_t items = 0;
  ASSERT_TRUE(validate_request(Signal::metrics, unpacked, items).ok());
  EXPECT_EQ(items, 1u);
  std::string a, b;
  ASSERT_TRUE(transcode_request_json(Signal::metrics, packed, a).ok());
  ASSERT_TRUE(transcode_request_json(Signal::metrics, unpacked, b).ok());
  EXPECT_EQ(a, b);
  EXPECT_NE(b.find(R"("bucketCounts":["1","2"],"explicitBounds":[0.5])"), std::string::npos) << b;
}

// Every way to break a body: each reader refuses it, and says how.
TEST(MetricsLite, MalformedBodiesAreRefused) {
  auto wrap = [](char tag, const std::string& inner) { return std::string(1, tag) + char(inner.size()) + inner; };
  // A histogram point of the request's shape: request > ResourceMetrics > ScopeMetrics > Metric.
  auto in_histogram_point = [&](const std::string& point) {
    return wrap('\x0a', wrap('\x12', wrap('\x12', wrap('\x4a', wrap('\x0a', point)))));
  };
  auto in_exponential_point = [&](const std::string& point) {
    return wrap('\x0a', wrap('\x12', wrap('\x12', wrap('\x52', wrap('\x0a', point)))));
  };
  struct Case {
    const char* what;
    std::string body;
    DecodeError error;
  };
  const std::vector<Case> cases = {
      {"packed fixed64 of 7 bytes", in_histogram_point(wrap('\x32', std::string(7, '\x01'))), DecodeError::truncated},
      {"packed doubles of 12 bytes", in_histogram_point(wrap('\x3a', std::string(12, '\x01'))), DecodeError::truncated},
      {"packed uint64 ending inside a varint",
       in_exponential_point(wrap('\x42', wrap('\x12', std::string("\x01\x80", 2)))), DecodeError::truncated},
      {"scale (sint32) as fixed64", in_exponential_point(std::string("\x31") + std::string(8, '\0')),
       DecodeError::wrong_wire_type},
      {"count (fixed64) as a varint", in_histogram_point("\x20\x01"), DecodeError::wrong_wire_type},
      {"metric name as a varint", wrap('\x0a', wrap('\x12', wrap('\x12', "\x08\x01"))), DecodeError::wrong_wire_type},
      {"exemplar span id of 3 bytes", in_histogram_point(wrap('\x42', wrap('\x22', "abc"))), DecodeError::bad_id_length},
      {"a data point past its metric's end", wrap('\x0a', wrap('\x12', wrap('\x12', "\x4a\x05\x0a\x09"))),
       DecodeError::length_past_end},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    std::uint64_t items = 0;
    EXPECT_EQ(validate_request(Signal::metrics, c.body, items).error, c.error);
    std::string json;
    EXPECT_EQ(transcode_request_json(Signal::metrics, c.body, json).error, c.error);
    EXPECT_EQ(transcode_record_lines(Signal::metrics, c.body, 0, [](std::string_view) {}).error, c.error);
  }
  // Truncated bodies: the validating pass and the transcoder refuse the same prefixes, with the
  // same error at the same byte, and a cut inside the one resource is always refused (its
  // length then claims more than remains).
  const auto one = [] {
    auto r = random_metrics(11);
    while (r.resource_metrics_size() > 1) r.mutable_resource_metrics()->RemoveLast();
    return r;
  }();
  ASSERT_GT(data_point_count(one), 0u);
  const std::string whole = serialized(one);
  for (std::size_t cut = 1; cut < whole.size(); ++cut) {
    std::uint64_t items = 0;
    const DecodeStatus v = validate_request(Signal::metrics, whole.substr(0, cut), items);
    std::string json;
    const DecodeStatus t = transcode_request_json(Signal::metrics, whole.substr(0, cut), json);
    EXPECT_FALSE(v.ok()) << "cut at " << cut;
    EXPECT_EQ(v.error, t.error) << "cut at " << cut;
    EXPECT_EQ(v.offset, t.offset) << "cut at " << cut;
  }
  // JSON of the wrong types.
  for (const char* json : {R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"dataPoints":[{"asInt":1.5}]}}]}]}]})",
                           R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"exponentialHistogram":{"dataPoints":[{"scale":2147483648}]}}]}]}]})",
                           R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"bucketCounts":"1"}]}}]}]}]})",
                           R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"histogram":{"dataPoints":[{"explicitBounds":[true]}]}}]}]}]})",
                           R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"aggregationTemporality":"SOMETIMES"}}]}]}]})"}) {
    std::string protobuf;
    EXPECT_FALSE(decode_request_json_protobuf(Signal::metrics, json, protobuf).ok()) << json;
  }
  // Enum names are read as their numbers.
  std::string protobuf, back;
  ASSERT_TRUE(decode_request_json_protobuf(
                  Signal::metrics,
                  R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"aggregationTemporality":"AGGREGATION_TEMPORALITY_DELTA"}}]}]}]})",
                  protobuf)
                  .ok());
  ASSERT_TRUE(transcode_request_json(Signal::metrics, protobuf, back).ok());
  EXPECT_NE(back.find(R"("sum":{"aggregationTemporality":1})"), std::string::npos) << back;
}

// One line per data point, each with its metric's members and type, the first `skip` left out.
TEST(MetricsLite, RecordLinesOnePerDataPoint) {
  for (int seed = 1; seed <= 100; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto request = random_metrics(static_cast<std::uint64_t>(seed));
    const std::string bytes = serialized(request);
    const std::uint64_t points = data_point_count(request);
    const std::uint64_t skip = points / 3;
    std::string text;
    ASSERT_TRUE(transcode_record_lines(Signal::metrics, bytes, skip, [&](std::string_view t) { text += t; }).ok());
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < text.size();) {
      const std::size_t nl = text.find('\n', at);
      lines.push_back(text.substr(at, nl - at));
      at = nl + 1;
    }
    ASSERT_EQ(lines.size(), points - skip);
    // Walk the points in order, past the skipped ones, and check each line's own members.
    std::uint64_t k = 0;
    for (const auto& rm : request.resource_metrics())
      for (const auto& sm : rm.scope_metrics())
        for (const auto& m : sm.metrics()) {
          const char* type = m.has_gauge() ? "gauge" : m.has_sum() ? "sum" : m.has_histogram() ? "histogram"
                             : m.has_exponential_histogram() ? "exponential_histogram" : "summary";
          const int n = m.gauge().data_points_size() + m.sum().data_points_size() + m.histogram().data_points_size() +
                        m.exponential_histogram().data_points_size() + m.summary().data_points_size();
          for (int i = 0; i < n; ++i, ++k) {
            if (k < skip) continue;
            const std::string& line = lines[k - skip];
            EXPECT_EQ(line.rfind(R"({"signal":"metrics",)", 0), 0u) << line;
            EXPECT_NE(line.find(std::string(R"("type":")") + type + '"'), std::string::npos) << line;
            if (!m.name().empty()) EXPECT_NE(line.find(R"("name":)"), std::string::npos) << line;
            if (m.has_sum() && m.sum().is_monotonic())
              EXPECT_NE(line.find(R"("isMonotonic":true)"), std::string::npos) << line;
            // The line decodes as a JSON object whose keys the mapping reads (unknown ones skipped).
            std::string protobuf;
            EXPECT_TRUE(decode_request_json_protobuf(Signal::metrics, line, protobuf).ok()) << line;
          }
        }
  }
}

}  // namespace
}  // namespace otlp
