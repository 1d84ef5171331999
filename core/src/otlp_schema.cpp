#include "otlp_schema.hpp"

namespace otlp::detail {
namespace {

using K = FieldKind;
constexpr bool kRepeated = true;
constexpr auto kOneof = Presence::explicit_;
constexpr auto kMsg = Presence::explicit_;

template <std::size_t N>
constexpr MessageSchema schema(const FieldSchema (&fields)[N]) {
  return {fields, N};
}

extern const MessageSchema kAnyValue, kKeyValue, kArrayValue, kKeyValueList, kResource, kScope;
extern const MessageSchema kEvent, kLink, kStatus, kSpan, kScopeSpans, kResourceSpans;
extern const MessageSchema kLogRecord, kScopeLogs, kResourceLogs;

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
constexpr FieldSchema kArrayValueFields[] = {{1, "values", K::message, kRepeated, kMsg, &kAnyValue}};
constexpr FieldSchema kKeyValueListFields[] = {{1, "values", K::message, kRepeated, kMsg, &kKeyValue}};
constexpr FieldSchema kResourceFields[] = {
    {1, "attributes", K::message, kRepeated, kMsg, &kKeyValue},
    {2, "droppedAttributesCount", K::uint32},
};
constexpr FieldSchema kScopeFields[] = {
    {1, "name", K::string},
    {2, "version", K::string},
    {3, "attributes", K::message, kRepeated, kMsg, &kKeyValue},
    {4, "droppedAttributesCount", K::uint32},
};

// trace/v1
constexpr FieldSchema kEventFields[] = {
    {1, "timeUnixNano", K::fixed64},
    {2, "name", K::string},
    {3, "attributes", K::message, kRepeated, kMsg, &kKeyValue},
    {4, "droppedAttributesCount", K::uint32},
};
constexpr FieldSchema kLinkFields[] = {
    {1, "traceId", K::id16},
    {2, "spanId", K::id8},
    {3, "traceState", K::string},
    {4, "attributes", K::message, kRepeated, kMsg, &kKeyValue},
    {5, "droppedAttributesCount", K::uint32},
    {6, "flags", K::fixed32},
};
constexpr FieldSchema kStatusFields[] = {{2, "message", K::string}, {3, "code", K::uint32}};
constexpr FieldSchema kSpanFields[] = {
    {1, "traceId", K::id16},
    {2, "spanId", K::id8},
    {3, "traceState", K::string},
    {4, "parentSpanId", K::id8},
    {5, "name", K::string},
    {6, "kind", K::uint32},
    {7, "startTimeUnixNano", K::fixed64},
    {8, "endTimeUnixNano", K::fixed64},
    {9, "attributes", K::message, kRepeated, kMsg, &kKeyValue},
    {10, "droppedAttributesCount", K::uint32},
    {11, "events", K::message, kRepeated, kMsg, &kEvent},
    {12, "droppedEventsCount", K::uint32},
    {13, "links", K::message, kRepeated, kMsg, &kLink},
    {14, "droppedLinksCount", K::uint32},
    {15, "status", K::message, false, kMsg, &kStatus},
    {16, "flags", K::fixed32},
};
constexpr FieldSchema kScopeSpansFields[] = {
    {1, "scope", K::message, false, kMsg, &kScope},
    {2, "spans", K::message, kRepeated, kMsg, &kSpan},
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
    {2, "severityNumber", K::uint32},
    {3, "severityText", K::string},
    {5, "body", K::message, false, kMsg, &kAnyValue},
    {6, "attributes", K::message, kRepeated, kMsg, &kKeyValue},
    {7, "droppedAttributesCount", K::uint32},
    {8, "flags", K::fixed32},
    {9, "traceId", K::id16},
    {10, "spanId", K::id8},
    {11, "observedTimeUnixNano", K::fixed64},
    {12, "eventName", K::string},
};
constexpr FieldSchema kScopeLogsFields[] = {
    {1, "scope", K::message, false, kMsg, &kScope},
    {2, "logRecords", K::message, kRepeated, kMsg, &kLogRecord},
    {3, "schemaUrl", K::string},
};
constexpr FieldSchema kResourceLogsFields[] = {
    {1, "resource", K::message, false, kMsg, &kResource},
    {2, "scopeLogs", K::message, kRepeated, kMsg, &kScopeLogs},
    {3, "schemaUrl", K::string},
};
constexpr FieldSchema kLogsRequestFields[] = {{1, "resourceLogs", K::message, kRepeated, kMsg, &kResourceLogs}};

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

}  // namespace

const MessageSchema kTraceRequest = schema(kTraceRequestFields);
const MessageSchema kLogsRequest = schema(kLogsRequestFields);

}  // namespace otlp::detail
