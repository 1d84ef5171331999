#include "wire/otlp_schema.hpp"

#include <iterator>

namespace otlp::detail {
namespace {

using K = FieldKind;
constexpr bool kRepeated = true;
constexpr auto kOneof = Presence::explicit_;
constexpr auto kMsg = Presence::explicit_;
constexpr auto kImplicit = Presence::implicit;
constexpr auto kItem = Count::item;
constexpr auto kRecord = Count::record;
constexpr auto kAttr = Count::attribute;

template <std::size_t N>
constexpr MessageSchema schema(const FieldSchema (&fields)[N]) {
  return {fields, N};
}

extern const MessageSchema kAnyValue, kKeyValue, kArrayValue, kKeyValueList, kResource, kScope;
extern const MessageSchema kEvent, kLink, kStatus, kSpan, kScopeSpans, kResourceSpans;
extern const MessageSchema kLogRecord, kScopeLogs, kResourceLogs;

constexpr std::string_view kSpanKindNames[] = {"SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
                                               "SPAN_KIND_CLIENT",      "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"};
constexpr std::string_view kStatusCodeNames[] = {"STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"};
constexpr std::string_view kSeverityNames[] = {
    "SEVERITY_NUMBER_UNSPECIFIED", "SEVERITY_NUMBER_TRACE",  "SEVERITY_NUMBER_TRACE2", "SEVERITY_NUMBER_TRACE3",
    "SEVERITY_NUMBER_TRACE4",      "SEVERITY_NUMBER_DEBUG",  "SEVERITY_NUMBER_DEBUG2", "SEVERITY_NUMBER_DEBUG3",
    "SEVERITY_NUMBER_DEBUG4",      "SEVERITY_NUMBER_INFO",   "SEVERITY_NUMBER_INFO2",  "SEVERITY_NUMBER_INFO3",
    "SEVERITY_NUMBER_INFO4",       "SEVERITY_NUMBER_WARN",   "SEVERITY_NUMBER_WARN2",  "SEVERITY_NUMBER_WARN3",
    "SEVERITY_NUMBER_WARN4",       "SEVERITY_NUMBER_ERROR",  "SEVERITY_NUMBER_ERROR2", "SEVERITY_NUMBER_ERROR3",
    "SEVERITY_NUMBER_ERROR4",      "SEVERITY_NUMBER_FATAL",  "SEVERITY_NUMBER_FATAL2", "SEVERITY_NUMBER_FATAL3",
    "SEVERITY_NUMBER_FATAL4"};
constexpr EnumNames kSpanKind{kSpanKindNames, std::size(kSpanKindNames)};
constexpr EnumNames kStatusCode{kStatusCodeNames, std::size(kStatusCodeNames)};
constexpr EnumNames kSeverity{kSeverityNames, std::size(kSeverityNames)};

// common/v1
constexpr FieldSchema kAnyValueFields[] = {
    {1, "stringValue", K::string, false, kOneof},   {2, "boolValue", K::boolean, false, kOneof},
    {3, "intValue", K::int64, false, kOneof},       {4, "doubleValue", K::dbl, false, kOneof},
    {5, "arrayValue", K::message, false, kOneof, &kArrayValue},
    {6, "kvlistValue", K::message, false, kOneof, &kKeyValueList},
    {7, "bytesValue", K::bytes, false, kOneof},
};
constexpr FieldSchema kKeyValueFields[] = {
    {1, "key", K::string},
    {2, "value", K::message, false, Presence::required, &kAnyValue},
};
constexpr FieldSchema kArrayValueFields[] = {{1, "values", K::message, kRepeated, kMsg, &kAnyValue, kAttr}};
constexpr FieldSchema kKeyValueListFields[] = {{1, "values", K::message, kRepeated, kMsg, &kKeyValue, kAttr}};
constexpr FieldSchema kResourceFields[] = {
    {1, "attributes", K::message, kRepeated, kMsg, &kKeyValue, kAttr},
    {2, "droppedAttributesCount", K::uint32},
};
constexpr FieldSchema kScopeFields[] = {
    {1, "name", K::string},
    {2, "version", K::string},
    {3, "attributes", K::message, kRepeated, kMsg, &kKeyValue, kAttr},
    {4, "droppedAttributesCount", K::uint32},
};

// trace/v1
constexpr FieldSchema kEventFields[] = {
    {1, "timeUnixNano", K::fixed64},
    {2, "name", K::string},
    {3, "attributes", K::message, kRepeated, kMsg, &kKeyValue, kAttr},
    {4, "droppedAttributesCount", K::uint32},
};
constexpr FieldSchema kLinkFields[] = {
    {1, "traceId", K::id16},
    {2, "spanId", K::id8},
    {3, "traceState", K::string},
    {4, "attributes", K::message, kRepeated, kMsg, &kKeyValue, kAttr},
    {5, "droppedAttributesCount", K::uint32},
    {6, "flags", K::fixed32},
};
constexpr FieldSchema kStatusFields[] = {{2, "message", K::string}, {3, "code", K::uint32, false, kImplicit, nullptr, Count::none, &kStatusCode}};
constexpr FieldSchema kSpanFields[] = {
    {1, "traceId", K::id16},
    {2, "spanId", K::id8},
    {3, "traceState", K::string},
    {4, "parentSpanId", K::id8},
    {5, "name", K::string},
    {6, "kind", K::uint32, false, kImplicit, nullptr, Count::none, &kSpanKind},
    {7, "startTimeUnixNano", K::fixed64},
    {8, "endTimeUnixNano", K::fixed64},
    {9, "attributes", K::message, kRepeated, kMsg, &kKeyValue, kAttr},
    {10, "droppedAttributesCount", K::uint32},
    {11, "events", K::message, kRepeated, kMsg, &kEvent, kRecord},
    {12, "droppedEventsCount", K::uint32},
    {13, "links", K::message, kRepeated, kMsg, &kLink, kRecord},
    {14, "droppedLinksCount", K::uint32},
    {15, "status", K::message, false, kMsg, &kStatus},
    {16, "flags", K::fixed32},
};
constexpr FieldSchema kScopeSpansFields[] = {
    {1, "scope", K::message, false, kMsg, &kScope},
    {2, "spans", K::message, kRepeated, kMsg, &kSpan, kItem},
    {3, "schemaUrl", K::string},
};
constexpr FieldSchema kResourceSpansFields[] = {
    {1, "resource", K::message, false, kMsg, &kResource},
    {2, "scopeSpans", K::message, kRepeated, kMsg, &kScopeSpans},
    {3, "schemaUrl", K::string},
};
constexpr FieldSchema kTraceRequestFields[] = {{1, "resourceSpans", K::message, kRepeated, kMsg, &kResourceSpans}};

// logs/v1
constexpr FieldSchema kLogRecordFields[] = {
    {1, "timeUnixNano", K::fixed64},
    {2, "severityNumber", K::uint32, false, kImplicit, nullptr, Count::none, &kSeverity},
    {3, "severityText", K::string},
    {5, "body", K::message, false, kMsg, &kAnyValue},
    {6, "attributes", K::message, kRepeated, kMsg, &kKeyValue, kAttr},
    {7, "droppedAttributesCount", K::uint32},
    {8, "flags", K::fixed32},
    {9, "traceId", K::id16},
    {10, "spanId", K::id8},
    {11, "observedTimeUnixNano", K::fixed64},
    {12, "eventName", K::string},
};
constexpr FieldSchema kScopeLogsFields[] = {
    {1, "scope", K::message, false, kMsg, &kScope},
    {2, "logRecords", K::message, kRepeated, kMsg, &kLogRecord, kItem},
    {3, "schemaUrl", K::string},
};
constexpr FieldSchema kResourceLogsFields[] = {
    {1, "resource", K::message, false, kMsg, &kResource},
    {2, "scopeLogs", K::message, kRepeated, kMsg, &kScopeLogs},
    {3, "schemaUrl", K::string},
};
constexpr FieldSchema kLogsRequestFields[] = {{1, "resourceLogs", K::message, kRepeated, kMsg, &kResourceLogs}};

// collector/*/v1 responses: the partial success differs in its count's name only.
constexpr FieldSchema kTracePartialFields[] = {{1, "rejectedSpans", K::int64}, {2, "errorMessage", K::string}};
constexpr FieldSchema kLogsPartialFields[] = {{1, "rejectedLogRecords", K::int64}, {2, "errorMessage", K::string}};
extern const MessageSchema kTracePartial, kLogsPartial;
constexpr FieldSchema kTraceResponseFields[] = {{1, "partialSuccess", K::message, false, kMsg, &kTracePartial}};
constexpr FieldSchema kLogsResponseFields[] = {{1, "partialSuccess", K::message, false, kMsg, &kLogsPartial}};

constexpr MessageSchema kAnyValue = schema(kAnyValueFields);
constexpr MessageSchema kKeyValue = schema(kKeyValueFields);
constexpr MessageSchema kArrayValue = schema(kArrayValueFields);
constexpr MessageSchema kKeyValueList = schema(kKeyValueListFields);
constexpr MessageSchema kResource = schema(kResourceFields);
constexpr MessageSchema kScope = schema(kScopeFields);
constexpr MessageSchema kEvent = schema(kEventFields);
constexpr MessageSchema kLink = schema(kLinkFields);
constexpr MessageSchema kStatus = schema(kStatusFields);
constexpr MessageSchema kSpan = schema(kSpanFields);
constexpr MessageSchema kScopeSpans = schema(kScopeSpansFields);
constexpr MessageSchema kResourceSpans = schema(kResourceSpansFields);
constexpr MessageSchema kLogRecord = schema(kLogRecordFields);
constexpr MessageSchema kScopeLogs = schema(kScopeLogsFields);
constexpr MessageSchema kResourceLogs = schema(kResourceLogsFields);
constexpr MessageSchema kTracePartial = schema(kTracePartialFields);
constexpr MessageSchema kLogsPartial = schema(kLogsPartialFields);

}  // namespace

const MessageSchema kTraceRequest = schema(kTraceRequestFields);
const MessageSchema kLogsRequest = schema(kLogsRequestFields);
const MessageSchema kTraceResponse = schema(kTraceResponseFields);
const MessageSchema kLogsResponse = schema(kLogsResponseFields);

const MessageSchema& request_schema(Signal signal) {
  return signal == Signal::logs ? kLogsRequest : kTraceRequest;
}
const MessageSchema& response_schema(Signal signal) {
  return signal == Signal::logs ? kLogsResponse : kTraceResponse;
}

}  // namespace otlp::detail
