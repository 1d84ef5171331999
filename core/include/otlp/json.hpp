// OTLP/JSON (protobuf JSON mapping with OTLP's exceptions): lowerCamelCase keys, hex ids,
// 64-bit integers as decimal strings, enums as integers, bytes values as base64.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "otlp/decode.hpp"
#include "otlp/rpc_status.hpp"
#include "otlp/signal.hpp"
#include "otlp/span.hpp"

namespace otlp {

// Appends an ExportTraceServiceRequest as OTLP/JSON to `out`. Invalid UTF-8 in strings is
// written as U+FFFD so the output is always valid JSON.
void encode_trace_request_json(const TraceRequest& request, std::string& out);

// Appends the OTLP protobuf request of `signal` (ExportTraceServiceRequest or
// ExportLogsServiceRequest) as OTLP/JSON to `out`, written as encode_trace_request_json writes
// the same request. On an error `out` ends in a partial document; the status says where the
// protobuf was malformed, as the protobuf reader would.
DecodeStatus transcode_request_json(Signal signal, std::string_view protobuf, std::string& out,
                                    const DecodeOptions& options = {});

// Appends one span as the request writer writes it in a ScopeSpans' "spans" array.
void encode_span_json(const SpanData& span, std::string& out);
// What encode_trace_request_json writes around the spans of a request of one resource and one
// scope: head, then the spans joined by ',', then tail make the same bytes, so that a request
// can be streamed a span at a time.
void encode_trace_request_json_frame(const Resource& resource, const InstrumentationScope& scope, std::string& head,
                                     std::string& tail);

// Appends `s` as a JSON string literal, quotes included, with the same escaping and U+FFFD
// replacement as the request writer (for hosts that write JSON of their own).
void append_json_string(std::string_view s, std::string& out);

// Appends an ExportTraceServiceResponse as OTLP/JSON (`{}` when `partial` is null).
void encode_trace_response_json(const PartialSuccess* partial, std::string& out);

// Decodes OTLP/JSON. Accepts 64-bit integers as strings or numbers, ignores unknown keys.
DecodeStatus decode_trace_request_json(std::string_view json, TraceRequest& out, const DecodeOptions& options = {});
DecodeStatus decode_trace_response_json(std::string_view json, std::optional<PartialSuccess>& partial);

// Decodes a google.rpc.Status in the protobuf JSON mapping ({"code": 16, "message": "..."}), as
// an OTLP/HTTP server answers a JSON request that failed: the code and the message; other members
// (details among them) are skipped, so retry_delay_ns stays unset.
DecodeStatus decode_rpc_status_json(std::string_view json, RpcStatus& out);

}  // namespace otlp
