// The seed inputs of the fuzz targets (tests/fuzz/make_corpus.cpp writes them to a corpus
// directory; the core suite runs the readers over them too).
#pragma once
#include <string>
#include <vector>

namespace otlp::testing {

// For fuzz_proto_reader: valid requests (the standard workload and small random ones), one at
// the default depth limit, responses and google.rpc.Status details.
std::vector<std::string> proto_seeds();

// For fuzz_json_reader: the same requests and responses as OTLP/JSON.
std::vector<std::string> json_seeds();

// For fuzz_logs_reader: logs requests (standard records, random ones with every body and
// attribute kind, one at the default depth limit), as protobuf and as OTLP/JSON.
std::vector<std::string> logs_seeds();

// For fuzz_metrics_reader: metrics requests (every metric and data point type, exemplars,
// packed buckets, negative scale and offset, NaN), as protobuf and as OTLP/JSON.
std::vector<std::string> metrics_seeds();

}  // namespace otlp::testing
