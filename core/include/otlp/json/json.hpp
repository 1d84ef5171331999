// OTLP/JSON (protobuf JSON mapping with OTLP's exceptions): lowerCamelCase keys, hex ids,
// 64-bit integers as decimal strings, enums as integers, bytes values as base64.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "otlp/wire/decode.hpp"
#include "otlp/wire/rpc_status.hpp"
#include "otlp/model/signal.hpp"
#include "otlp/model/span.hpp"

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

// Appends a signal's Export*ServiceResponse given as protobuf (the partial success's fields have
// the same numbers for every signal, so encode_trace_response writes any of them) as OTLP/JSON:
// "rejectedSpans" or "rejectedLogRecords".
DecodeStatus transcode_response_json(Signal signal, std::string_view protobuf, std::string& out);

// Appends one item of `signal` (a span, a log record), given as the Scope*'s items field (tag,
// length and message, as encode_span_field writes a span), as the transcoder writes it in its
// request.
DecodeStatus transcode_record_json(Signal signal, std::string_view item_field, std::string& out,
                                   const DecodeOptions& options = {});
// What transcode_request_json writes around the items of a request of one resource and one
// scope: head, then the items joined by ',', then tail (encode_trace_request_json_frame for any
// signal), so that a request can be streamed an item at a time.
void transcode_request_json_frame(Signal signal, const Resource& resource, const InstrumentationScope& scope,
                                  std::string& head, std::string& tail);

// One JSON line per item of a protobuf request of `signal`, for files of records: the item's
// OTLP/JSON members (every field it carries, as transcode_request_json writes them) after
//   "signal" ("traces", "logs", "metrics"), "resource" (the Resource*'s resource, {} when
//   absent), "resourceSchemaUrl" (when set), "scope" (the Scope*'s scope, {} when absent),
//   "scopeSchemaUrl" (when set).
// Metrics have a line per data point, their counted unit: after the scope come the Metric's
// members but its data ("name", "description", "unit", "metadata"), "type" ("gauge", "sum",
// "histogram", "exponential_histogram", "summary"), the type's members but its points
// ("aggregationTemporality", "isMonotonic"), then the point's.
// The first `skip` items (data points) are left out. Lines go to `sink` in batches of whole lines of about
// `chunk_bytes` (so a large request is never held as text whole); errors as
// transcode_request_json's, after the lines before them were handed over.
using RecordLinesSink = std::function<void(std::string_view lines)>;
DecodeStatus transcode_record_lines(Signal signal, std::string_view protobuf, std::uint64_t skip,
                                    const RecordLinesSink& sink, std::size_t chunk_bytes = 1u << 20,
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
// Decodes the Export*ServiceResponse of `signal`: the rejected count is read under its name
// ("rejectedSpans", "rejectedLogRecords"); `partial` is set only when the field is present.
DecodeStatus decode_response_json(Signal signal, std::string_view json, std::optional<PartialSuccess>& partial);
inline DecodeStatus decode_trace_response_json(std::string_view json, std::optional<PartialSuccess>& partial) {
  return decode_response_json(Signal::traces, json, partial);
}

// Reads an OTLP/JSON request of `signal` into its protobuf form, appended to `out`: for the
// signals with no model, and for a host that serves every signal from protobuf bytes. The JSON
// rules are decode_trace_request_json's; a key given twice is written twice (a protobuf reader
// merges them). A document whose keys come in field-number order (as OTLP/JSON writers write
// them) becomes the bytes the protobuf writer writes for the same request. The protobuf may take
// at most the decoded_bytes of options.limits (DecodeLimits::for_body(json.size()) when unset);
// counting its records and attributes is validate_request's. On an error `out` holds a partial
// message; the offset is in the JSON.
DecodeStatus decode_request_json_protobuf(Signal signal, std::string_view json, std::string& out,
                                          const DecodeOptions& options = {});

// Decodes a google.rpc.Status in the protobuf JSON mapping ({"code": 16, "message": "..."}), as
// an OTLP/HTTP server answers a JSON request that failed: the code and the message; other members
// (details among them) are skipped, so retry_delay_ns stays unset.
DecodeStatus decode_rpc_status_json(std::string_view json, RpcStatus& out);

}  // namespace otlp
