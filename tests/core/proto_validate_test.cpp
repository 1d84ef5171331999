// The validating pass (validate_trace_request) against the reader (decode_trace_request): on
// every input both must give the same status, error and offset, and on success the
// validator's span count must be the model's. proto_reader_test.cpp checks the same on each
// of its hand-built inputs; here the inputs are the fuzz seeds and thousands of deterministic
// mutations of valid requests, under the default limits and under tight ones.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "otlp/wire/proto_reader.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/model/random.hpp"
#include "otlp/workload/workload.hpp"
#include "support/compare.hpp"
#include "support/fuzz_seeds.hpp"
#include "support/random_request.hpp"

namespace otlp {
namespace {

using testing::validator_difference;

// Valid requests to mutate: the standard workload and random ones with every value kind.
std::vector<std::string> valid_requests() {
  std::vector<std::string> out = testing::proto_seeds();
  encode_trace_request(workload::standard_request(4, 9), out.emplace_back());
  for (std::uint64_t seed = 100; seed < 104; ++seed) {
    testing::RandomRequestOptions options;
    options.spans = 6;
    options.resources = 2;
    options.scopes_per_resource = 2;
    options.huge_values = false;
    encode_trace_request(testing::random_request(seed, options), out.emplace_back());
  }
  return out;
}

// Counts inputs and how many of them were refused, to show the mutations reach both outcomes.
struct Tally {
  std::size_t inputs = 0;
  std::size_t refused = 0;
  void check(const std::string& bytes, const DecodeOptions& options = {}) {
    ++inputs;
    const std::string diff = validator_difference(bytes, options);
    EXPECT_EQ(diff, "") << "input " << inputs << " of " << bytes.size() << " bytes";
    std::uint64_t spans = 0;
    if (!validate_trace_request(bytes, spans, options).ok()) ++refused;
  }
};

TEST(ProtoValidate, AgreesOnTheFuzzSeeds) {
  Tally t;
  for (const std::string& seed : testing::proto_seeds()) t.check(seed);
  EXPECT_EQ(t.inputs, testing::proto_seeds().size());
}

TEST(ProtoValidate, AgreesOnTruncations) {
  Tally t;
  for (const std::string& bytes : valid_requests()) {
    const std::size_t step = bytes.size() / 200 + 1;
    for (std::size_t n = 0; n < bytes.size(); n += step) t.check(bytes.substr(0, n));
  }
  EXPECT_GT(t.inputs, 1000u);
  EXPECT_GT(t.refused, t.inputs / 2);
}

TEST(ProtoValidate, AgreesOnBitFlipsInsertionsAndDeletions) {
  Random rng(20261207);
  Tally t;
  for (const std::string& valid : valid_requests()) {
    if (valid.empty()) continue;
    for (int k = 0; k < 300; ++k) {
      std::string bytes = valid;
      // One to three edits, each a bit flip, an inserted byte or a deleted byte.
      const int edits = 1 + static_cast<int>(rng.below(3));
      for (int e = 0; e < edits && !bytes.empty(); ++e) {
        const auto at = static_cast<std::size_t>(rng.below(bytes.size()));
        switch (rng.below(3)) {
          case 0: bytes[at] = static_cast<char>(bytes[at] ^ (1 << rng.below(8))); break;
          case 1: bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), static_cast<char>(rng.below(256))); break;
          default: bytes.erase(at, 1); break;
        }
      }
      t.check(bytes);
    }
  }
  EXPECT_GT(t.inputs, 4000u);
  EXPECT_GT(t.refused, t.inputs / 4);
  EXPECT_LT(t.refused, t.inputs);  // some edits land in values and leave a valid request
}

TEST(ProtoValidate, AgreesUnderTightLimits) {
  // Every limit at several values, so that each is passed at many different fields.
  Tally t;
  for (const std::string& bytes : valid_requests()) {
    for (std::uint64_t k : {0u, 1u, 2u, 3u, 5u, 8u, 13u, 40u}) {
      DecodeLimits base = DecodeLimits::for_body(bytes.size());
      for (int which = 0; which < 4; ++which) {
        DecodeLimits l = base;
        switch (which) {
          case 0: l.records = k; break;
          case 1: l.attributes = k; break;
          case 2: l.attributes_per_element = k; break;
          default: l.decoded_bytes = k * 97; break;
        }
        DecodeOptions options;
        options.limits = l;
        t.check(bytes, options);
      }
    }
  }
  EXPECT_GT(t.refused, t.inputs / 2);
}

TEST(ProtoValidate, CountsTheSpans) {
  for (std::uint64_t n : {0u, 1u, 512u}) {
    std::string bytes;
    encode_trace_request(workload::standard_request(n, 3), bytes);
    std::uint64_t spans = 99;
    ASSERT_TRUE(validate_trace_request(bytes, spans).ok());
    EXPECT_EQ(spans, n);
  }
  const TraceRequest random = testing::random_request(5);
  std::string bytes;
  encode_trace_request(random, bytes);
  std::uint64_t spans = 0;
  ASSERT_TRUE(validate_trace_request(bytes, spans).ok());
  EXPECT_EQ(spans, testing::span_count(random));
}

}  // namespace
}  // namespace otlp
