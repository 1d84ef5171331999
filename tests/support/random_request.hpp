// A seeded generator of randomized TraceRequests covering every attribute kind, empty and
// extreme values, and unicode/escape-heavy strings. Deterministic across compilers and
// targets (no <random> distributions), so native and WASM builds see the same requests.
#pragma once
#include <cstdint>

#include "otlp/span.hpp"

namespace otlp::testing {

struct RandomRequestOptions {
  std::uint32_t spans = 1000;       // total spans across all resources and scopes
  std::uint32_t resources = 3;
  std::uint32_t scopes_per_resource = 3;
  std::uint32_t max_nesting = 3;    // array/kvlist levels inside an attribute value
  bool huge_values = true;          // include one 100 KB string and 100 KB bytes value
};

TraceRequest random_request(std::uint64_t seed, const RandomRequestOptions& options = {});

// Total number of spans in a request.
std::size_t span_count(const TraceRequest& request);

}  // namespace otlp::testing
