// The metrics request readers of the core, on both builds: the validating pass walked by the
// schema counts data points and accepts exactly what the transcoder accepts (on the fuzz seeds
// and thousands of mutations of them); the JSON lines are one per data point with everything
// it carries; OTLP/JSON reads back to the same protobuf.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "otlp/json/json.hpp"
#include "otlp/model/random.hpp"
#include "otlp/wire/proto_reader.hpp"
#include "support/fuzz_seeds.hpp"

namespace otlp {
namespace {

constexpr Signal kMetrics = Signal::metrics;

DecodeOptions unlimited() {
  DecodeOptions o;
  o.limits = DecodeLimits{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX};
  return o;
}

std::vector<std::string> protobuf_seeds() {
  std::vector<std::string> out;
  for (const std::string& s : testing::metrics_seeds())
    if (s.empty() || s[0] != '{') out.push_back(s);
  return out;
}

std::vector<std::string> lines_of(const std::string& protobuf, std::uint64_t skip = 0) {
  std::string text;
  EXPECT_TRUE(transcode_record_lines(kMetrics, protobuf, skip, [&](std::string_view t) { text += t; }).ok());
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t nl = text.find('\n', at);
    lines.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return lines;
}

TEST(MetricsValidate, CountsDataPointsOfEveryType) {
  const std::string every = protobuf_seeds().front();
  std::uint64_t n = 0;
  ASSERT_TRUE(validate_request(kMetrics, every, n).ok());
  EXPECT_EQ(n, 6u);  // 2 gauge points, a sum's, a histogram's, an exponential histogram's, a summary's
  ASSERT_TRUE(validate_request(kMetrics, "", n).ok());
  EXPECT_EQ(n, 0u);
  DecodeOptions o = unlimited();
  o.limits->records = 6 + 3 - 1;  // the points and the three exemplars are records
  EXPECT_EQ(validate_request(kMetrics, every, n, o).error, DecodeError::too_many_records);
  o.limits->records += 1;
  EXPECT_TRUE(validate_request(kMetrics, every, n, o).ok());
}

TEST(MetricsValidate, AcceptsWhatTheTranscoderAcceptsOnSeedsAndMutations) {
  std::size_t inputs = 0, refused = 0;
  auto check = [&](const std::string& bytes) {
    ++inputs;
    std::uint64_t n = 0;
    const DecodeStatus v = validate_request(kMetrics, bytes, n, unlimited());
    std::string json;
    const DecodeStatus t = transcode_request_json(kMetrics, bytes, json);
    EXPECT_EQ(v.ok(), t.ok()) << "input " << inputs << ": validator " << v.message() << ", transcoder "
                              << t.message();
    if (!v.ok()) {
      ++refused;
      EXPECT_LE(v.offset, bytes.size());
      return;
    }
    EXPECT_EQ(lines_of(bytes).size(), n) << "input " << inputs;
  };
  Random rng(15);
  for (const std::string& seed : protobuf_seeds()) {
    check(seed);
    for (std::size_t cut = 0; cut < seed.size(); ++cut) check(seed.substr(0, cut));
    for (int k = 0; k < 300 && !seed.empty(); ++k) {
      std::string m = seed;
      const std::size_t at = rng.next() % m.size();
      switch (rng.next() % 3) {
        case 0: m[at] = static_cast<char>(m[at] ^ (1u << (rng.next() % 8))); break;
        case 1: m.insert(at, 1, static_cast<char>(rng.next())); break;
        default: m.erase(at, 1); break;
      }
      check(m);
    }
  }
  EXPECT_GT(inputs, 1000u);
  EXPECT_GT(refused, inputs / 10);
  EXPECT_LT(refused, inputs);
}

TEST(MetricsValidate, JsonOfEveryTypeReadsBackToTheSameProtobuf) {
  for (const std::string& seed : protobuf_seeds()) {
    std::string json, protobuf, again;
    ASSERT_TRUE(transcode_request_json(kMetrics, seed, json).ok());
    ASSERT_TRUE(decode_request_json_protobuf(kMetrics, json, protobuf).ok()) << json;
    ASSERT_TRUE(transcode_request_json(kMetrics, protobuf, again).ok());
    EXPECT_EQ(again, json);
  }
}

// One line per data point, each with its resource, scope, metric and type members and all the
// point carries, in OTLP/JSON's names.
TEST(MetricsValidate, OneLinePerDataPointWithAllItCarries) {
  const std::vector<std::string> lines = lines_of(protobuf_seeds().front());
  ASSERT_EQ(lines.size(), 6u);
  const std::string head =
      R"({"signal":"metrics","resource":{"attributes":[{"key":"host","value":{"stringValue":"a"}}]},"scope":{"name":"fuzz"},)";
  for (const std::string& l : lines) EXPECT_EQ(l.rfind(head, 0), 0u) << l;
  const std::string number =
      R"("startTimeUnixNano":"1","timeUnixNano":"2","exemplars":[{"timeUnixNano":"1700000000000000000","asDouble":1.5,)"
      R"("spanId":"0102030405060708","traceId":"11111111111111111111111111111111","filteredAttributes":[{"key":"host",)"
      R"("value":{"stringValue":"a"}}]}],"asInt":"-5","attributes":[{"key":"host","value":{"stringValue":"a"}}],"flags":1})";
  EXPECT_EQ(lines[0], head + R"("name":"requests","unit":"{request}","type":"gauge",)" + number);
  EXPECT_EQ(lines[1], head + R"("name":"requests","unit":"{request}","type":"gauge"})");  // an empty point
  EXPECT_EQ(lines[2], head + R"("name":"bytes","type":"sum","aggregationTemporality":2,"isMonotonic":true,)" + number);
  EXPECT_EQ(lines[3], head + R"("name":"latency","description":"ünïcødé","type":"histogram","aggregationTemporality":1,)"
                             R"("count":"3","sum":1.5,"bucketCounts":["1","0","2"],"explicitBounds":[1.5,"NaN"],)"
                             R"("min":0,"max":"NaN"})");
  EXPECT_EQ(lines[4], head + R"("name":"sizes","type":"exponential_histogram","aggregationTemporality":2,)"
                             R"("attributes":[{"key":"host","value":{"stringValue":"a"}}],"count":"9","scale":-10,)"
                             R"("zeroCount":"1","positive":{"offset":-4,"bucketCounts":["1","128","0"]},"negative":{},)"
                             R"("exemplars":[{"timeUnixNano":"1700000000000000000","asDouble":1.5,)"
                             R"("spanId":"0102030405060708","traceId":"11111111111111111111111111111111",)"
                             R"("filteredAttributes":[{"key":"host","value":{"stringValue":"a"}}]}]})");
  EXPECT_EQ(lines[5], head + R"("name":"quantiles","metadata":[{"key":"host","value":{"stringValue":"a"}}],)"
                             R"("type":"summary","count":"2","quantileValues":[{"value":1.5},{}]})");
  // Skipping counts data points: the first 4 are left out.
  const std::vector<std::string> rest = lines_of(protobuf_seeds().front(), 4);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0], lines[4]);
}

}  // namespace
}  // namespace otlp
