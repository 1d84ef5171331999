// OTLP protobuf decoding into the model. Refuses malformed input with an error value and
// never reads past the input; unknown fields are skipped.
#pragma once
#include <optional>
#include <string_view>

#include "otlp/decode.hpp"
#include "otlp/span.hpp"

namespace otlp {

// Decodes an ExportTraceServiceRequest. On error `out` holds a partial result to discard.
// A singular message field given twice is merged as libprotobuf merges; unknown SpanKind and
// StatusCode values become unspecified/unset. The error offset is that of the tag of the
// offending field, or of the varint/length/value that is cut short or too long.
DecodeStatus decode_trace_request(std::string_view bytes, TraceRequest& out, const DecodeOptions& options = {});

// Decodes an ExportTraceServiceResponse; `partial` is set only when the field is present.
DecodeStatus decode_trace_response(std::string_view bytes, std::optional<PartialSuccess>& partial);

}  // namespace otlp
