// OTLP/JSON (protobuf JSON mapping with OTLP's exceptions): lowerCamelCase keys, hex ids,
// 64-bit integers as decimal strings, enums as integers, bytes values as base64.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "otlp/decode.hpp"
#include "otlp/span.hpp"

namespace otlp {

// Appends an ExportTraceServiceRequest as OTLP/JSON to `out`. Invalid UTF-8 in strings is
// written as U+FFFD so the output is always valid JSON.
void encode_trace_request_json(const TraceRequest& request, std::string& out);

// Appends `s` as a JSON string literal, quotes included, with the same escaping and U+FFFD
// replacement as the request writer (for hosts that write JSON of their own).
void append_json_string(std::string_view s, std::string& out);

// Appends an ExportTraceServiceResponse as OTLP/JSON (`{}` when `partial` is null).
void encode_trace_response_json(const PartialSuccess* partial, std::string& out);

// Decodes OTLP/JSON. Accepts 64-bit integers as strings or numbers, ignores unknown keys.
DecodeStatus decode_trace_request_json(std::string_view json, TraceRequest& out, const DecodeOptions& options = {});
DecodeStatus decode_trace_response_json(std::string_view json, std::optional<PartialSuccess>& partial);

}  // namespace otlp
