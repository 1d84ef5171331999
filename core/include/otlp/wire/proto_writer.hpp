// OTLP protobuf encoding straight from the model, no protobuf library.
// Fields are written in field-number order and proto3 defaults are omitted, so the
// output is byte-identical to what libprotobuf serializes for the same message.
#pragma once
#include <string>

#include "otlp/model/span.hpp"

namespace otlp {

// Appends a serialized ExportTraceServiceRequest to `out`.
void encode_trace_request(const TraceRequest& request, std::string& out);

// Appends one ScopeSpans.spans entry (tag, length and Span message) to `out`, so that a
// batch of spans encoded at end() can be joined by concatenation.
void encode_span_field(const SpanData& span, std::string& out);

// Appends an ExportTraceServiceRequest of one resource and one scope whose spans are
// already encoded by encode_span_field and concatenated in `encoded_spans`.
void encode_trace_request(const Resource& resource, const InstrumentationScope& scope,
                          std::string_view encoded_spans, std::string& out);

// Appends the same request up to where its spans begin, for spans_bytes of encoded spans that
// the caller writes after it: a request can be streamed when its spans' size is known first.
void encode_trace_request_head(const Resource& resource, const InstrumentationScope& scope, std::size_t spans_bytes,
                               std::string& out);

// Appends a serialized ExportTraceServiceResponse (empty when `partial` is null).
void encode_trace_response(const PartialSuccess* partial, std::string& out);

}  // namespace otlp
