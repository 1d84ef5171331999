// OTLP protobuf decoding into the model. Refuses malformed input with an error value and
// never reads past the input; unknown fields are skipped.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "otlp/wire/decode.hpp"
#include "otlp/model/signal.hpp"
#include "otlp/model/span.hpp"

namespace otlp {

// Decodes an ExportTraceServiceRequest. On error `out` holds a partial result to discard.
// A singular message field given twice is merged as libprotobuf merges; unknown SpanKind and
// StatusCode values become unspecified/unset. The error offset is that of the tag of the
// offending field, or of the varint/length/value that is cut short or too long. A request
// over options.limits (by default DecodeLimits::for_body(bytes.size())) is refused.
DecodeStatus decode_trace_request(std::string_view bytes, TraceRequest& out, const DecodeOptions& options = {});

// Checks an ExportTraceServiceRequest without building the model (no allocation): the same
// status as decode_trace_request with the same options, error and offset included, and on
// success `spans` = how many spans it holds.
DecodeStatus validate_trace_request(std::string_view bytes, std::uint64_t& spans, const DecodeOptions& options = {});

// Checks the request of any signal without building anything: `items` = how many of the
// signal's unit (signal_info(signal).items) it holds. Traces go through validate_trace_request;
// the other signals are walked by their schema, refusing what transcode_request_json refuses
// (framing, a known field of the wrong wire type, ids of the wrong length, depth) and a request
// over options.limits: its records, attributes (per element too) and string bytes are counted
// as the trace reader counts them; with no model, records and attributes cost 0 bytes.
DecodeStatus validate_request(Signal signal, std::string_view bytes, std::uint64_t& items,
                              const DecodeOptions& options = {});

// Decodes an ExportTraceServiceResponse; `partial` is set only when the field is present.
// Every signal's Export*ServiceResponse has this one shape on the wire (signal.hpp), so it
// reads an ExportLogsServiceResponse as well.
DecodeStatus decode_trace_response(std::string_view bytes, std::optional<PartialSuccess>& partial);

}  // namespace otlp
