// Readable comparison of two TraceRequests for test failures: the path of the first field
// that differs and both values, e.g.
//   resource_spans[0].scope_spans[1].spans[5].attributes[2].value.double_value: 1.5 vs 2
// Doubles compare by bit pattern (NaN equals NaN, 0 differs from -0); bytes show as hex;
// long strings are abbreviated around the first differing byte.
#pragma once
#include <string>
#include <string_view>

#include "otlp/wire/decode.hpp"
#include "otlp/model/span.hpp"

namespace otlp::testing {

// "" when `expected` and `actual` are equal field by field, else "<path>: <expected> vs <actual>".
std::string first_difference(const TraceRequest& expected, const TraceRequest& actual);

// The same for single values, with `path` as the prefix of the reported path.
std::string first_difference(const AnyValue& expected, const AnyValue& actual, const std::string& path = "value");
std::string first_difference(const SpanData& expected, const SpanData& actual, const std::string& path = "span");

// "" when validate_trace_request agrees with decode_trace_request on `bytes` under `options`
// (the same error at the same offset, and on success the model's span count), else what differs.
std::string validator_difference(std::string_view bytes, const DecodeOptions& options = {});

}  // namespace otlp::testing
