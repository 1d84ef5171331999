#include "wire/otlp_schema.hpp"

#include <iterator>

#include "wire/otlp_fields.hpp"

namespace otlp::detail {
namespace {

using namespace field;
using K = FieldKind;
constexpr bool kRepeated = true;
constexpr auto kOneof = Presence::explicit_;
constexpr auto kMsg = Presence::explicit_;
constexpr auto kImplicit = Presence::implicit;
constexpr auto kItem = Count::item;
constexpr auto kRecord = Count::record;
constexpr auto kAttr = Count::attribute;

// Each message's fields strictly ascending by number: the order JSON keys are written in, and
// a field number (otlp_fields.hpp) given to two fields, or to the wrong one, fails to compile.
template <std::size_t N>
constexpr bool ascending(const FieldSchema (&fields)[N]) {
  for (std::size_t i = 1; i < N; ++i)
    if (fields[i].number <= fields[i - 1].number) return false;
  return true;
}
template <const auto& fields>
constexpr MessageSchema schema() {
  static_assert(ascending(fields), "a message's fields must ascend strictly by number");
  return {fields, std::size(fields)};
}

extern const MessageSchema kAnyValue, kKeyValue, kArrayValue, kKeyValueList, kResource, kScope;
extern const MessageSchema kEvent, kLink, kStatus, kSpan, kScopeSpans, kResourceSpans;
extern const MessageSchema kLogRecord, kScopeLogs, kResourceLogs;
extern const MessageSchema kMetric, kGauge, kSum, kHistogram, kExponentialHistogram, kSummary, kNumberDataPoint,
    kHistogramDataPoint, kExponentialHistogramDataPoint, kBuckets, kSummaryDataPoint, kValueAtQuantile, kExemplar,
    kScopeMetrics, kResourceMetrics;

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
constexpr std::string_view kTemporalityNames[] = {"AGGREGATION_TEMPORALITY_UNSPECIFIED", "AGGREGATION_TEMPORALITY_DELTA",
                                                  "AGGREGATION_TEMPORALITY_CUMULATIVE"};
constexpr EnumNames kTemporality{kTemporalityNames, std::size(kTemporalityNames)};
constexpr EnumNames kSpanKind{kSpanKindNames, std::size(kSpanKindNames)};
constexpr EnumNames kStatusCode{kStatusCodeNames, std::size(kStatusCodeNames)};
constexpr EnumNames kSeverity{kSeverityNames, std::size(kSeverityNames)};

// common/v1
constexpr FieldSchema kAnyValueFields[] = {
    {any_value::string_value, "stringValue", K::string, false, kOneof},   {any_value::bool_value, "boolValue", K::boolean, false, kOneof},
    {any_value::int_value, "intValue", K::int64, false, kOneof},       {any_value::double_value, "doubleValue", K::dbl, false, kOneof},
    {any_value::array_value, "arrayValue", K::message, false, kOneof, &kArrayValue},
    {any_value::kvlist_value, "kvlistValue", K::message, false, kOneof, &kKeyValueList},
    {any_value::bytes_value, "bytesValue", K::bytes, false, kOneof},
};
constexpr FieldSchema kKeyValueFields[] = {
    {key_value::key, "key", K::string},
    {key_value::value, "value", K::message, false, Presence::required, &kAnyValue},
};
constexpr FieldSchema kArrayValueFields[] = {{array_value::values, "values", K::message, kRepeated, kMsg, &kAnyValue, kAttr}};
constexpr FieldSchema kKeyValueListFields[] = {{key_value_list::values, "values", K::message, kRepeated, kMsg, &kKeyValue, kAttr}};
constexpr FieldSchema kResourceFields[] = {
    {resource::attributes, "attributes", K::message, kRepeated, kMsg, &kKeyValue, kAttr},
    {resource::dropped_attributes_count, "droppedAttributesCount", K::uint32},
};
constexpr FieldSchema kScopeFields[] = {
    {scope::name, "name", K::string},
    {scope::version, "version", K::string},
    {scope::attributes, "attributes", K::message, kRepeated, kMsg, &kKeyValue, kAttr},
    {scope::dropped_attributes_count, "droppedAttributesCount", K::uint32},
};

// trace/v1
constexpr FieldSchema kEventFields[] = {
    {event::time_unix_nano, "timeUnixNano", K::fixed64},
    {event::name, "name", K::string},
    {event::attributes, "attributes", K::message, kRepeated, kMsg, &kKeyValue, kAttr},
    {event::dropped_attributes_count, "droppedAttributesCount", K::uint32},
};
constexpr FieldSchema kLinkFields[] = {
    {link::trace_id, "traceId", K::id16},
    {link::span_id, "spanId", K::id8},
    {link::trace_state, "traceState", K::string},
    {link::attributes, "attributes", K::message, kRepeated, kMsg, &kKeyValue, kAttr},
    {link::dropped_attributes_count, "droppedAttributesCount", K::uint32},
    {link::flags, "flags", K::fixed32},
};
constexpr FieldSchema kStatusFields[] = {{status::message, "message", K::string}, {status::code, "code", K::uint32, false, kImplicit, nullptr, Count::none, &kStatusCode}};
constexpr FieldSchema kSpanFields[] = {
    {span::trace_id, "traceId", K::id16},
    {span::span_id, "spanId", K::id8},
    {span::trace_state, "traceState", K::string},
    {span::parent_span_id, "parentSpanId", K::id8},
    {span::name, "name", K::string},
    {span::kind, "kind", K::uint32, false, kImplicit, nullptr, Count::none, &kSpanKind},
    {span::start_time_unix_nano, "startTimeUnixNano", K::fixed64},
    {span::end_time_unix_nano, "endTimeUnixNano", K::fixed64},
    {span::attributes, "attributes", K::message, kRepeated, kMsg, &kKeyValue, kAttr},
    {span::dropped_attributes_count, "droppedAttributesCount", K::uint32},
    {span::events, "events", K::message, kRepeated, kMsg, &kEvent, kRecord},
    {span::dropped_events_count, "droppedEventsCount", K::uint32},
    {span::links, "links", K::message, kRepeated, kMsg, &kLink, kRecord},
    {span::dropped_links_count, "droppedLinksCount", K::uint32},
    {span::status, "status", K::message, false, kMsg, &kStatus},
    {span::flags, "flags", K::fixed32},
};
constexpr FieldSchema kScopeSpansFields[] = {
    {scope_spans::scope, "scope", K::message, false, kMsg, &kScope},
    {scope_spans::spans, "spans", K::message, kRepeated, kMsg, &kSpan, kItem},
    {scope_spans::schema_url, "schemaUrl", K::string},
};
constexpr FieldSchema kResourceSpansFields[] = {
    {resource_spans::resource, "resource", K::message, false, kMsg, &kResource},
    {resource_spans::scope_spans, "scopeSpans", K::message, kRepeated, kMsg, &kScopeSpans},
    {resource_spans::schema_url, "schemaUrl", K::string},
};
constexpr FieldSchema kTraceRequestFields[] = {{trace_request::resource_spans, "resourceSpans", K::message, kRepeated, kMsg, &kResourceSpans}};

// logs/v1
constexpr FieldSchema kLogRecordFields[] = {
    {log_record::time_unix_nano, "timeUnixNano", K::fixed64},
    {log_record::severity_number, "severityNumber", K::uint32, false, kImplicit, nullptr, Count::none, &kSeverity},
    {log_record::severity_text, "severityText", K::string},
    {log_record::body, "body", K::message, false, kMsg, &kAnyValue},
    {log_record::attributes, "attributes", K::message, kRepeated, kMsg, &kKeyValue, kAttr},
    {log_record::dropped_attributes_count, "droppedAttributesCount", K::uint32},
    {log_record::flags, "flags", K::fixed32},
    {log_record::trace_id, "traceId", K::id16},
    {log_record::span_id, "spanId", K::id8},
    {log_record::observed_time_unix_nano, "observedTimeUnixNano", K::fixed64},
    {log_record::event_name, "eventName", K::string},
};
constexpr FieldSchema kScopeLogsFields[] = {
    {scope_logs::scope, "scope", K::message, false, kMsg, &kScope},
    {scope_logs::log_records, "logRecords", K::message, kRepeated, kMsg, &kLogRecord, kItem},
    {scope_logs::schema_url, "schemaUrl", K::string},
};
constexpr FieldSchema kResourceLogsFields[] = {
    {resource_logs::resource, "resource", K::message, false, kMsg, &kResource},
    {resource_logs::scope_logs, "scopeLogs", K::message, kRepeated, kMsg, &kScopeLogs},
    {resource_logs::schema_url, "schemaUrl", K::string},
};
constexpr FieldSchema kLogsRequestFields[] = {{logs_request::resource_logs, "resourceLogs", K::message, kRepeated, kMsg, &kResourceLogs}};

// metrics/v1. Data points are the signal's counted unit (a Metric groups them); an exemplar
// counts as a record, as a span's event does.
constexpr FieldSchema kMetricFields[] = {
    {metric::name, "name", K::string},
    {metric::description, "description", K::string},
    {metric::unit, "unit", K::string},
    {metric::gauge, "gauge", K::message, false, kOneof, &kGauge},
    {metric::sum, "sum", K::message, false, kOneof, &kSum},
    {metric::histogram, "histogram", K::message, false, kOneof, &kHistogram},
    {metric::exponential_histogram, "exponentialHistogram", K::message, false, kOneof, &kExponentialHistogram},
    {metric::summary, "summary", K::message, false, kOneof, &kSummary},
    {metric::metadata, "metadata", K::message, kRepeated, kMsg, &kKeyValue, kAttr},
};
constexpr FieldSchema kGaugeFields[] = {{gauge::data_points, "dataPoints", K::message, kRepeated, kMsg, &kNumberDataPoint, kItem}};
constexpr FieldSchema kSumFields[] = {
    {sum::data_points, "dataPoints", K::message, kRepeated, kMsg, &kNumberDataPoint, kItem},
    {sum::aggregation_temporality, "aggregationTemporality", K::uint32, false, kImplicit, nullptr, Count::none, &kTemporality},
    {sum::is_monotonic, "isMonotonic", K::boolean},
};
constexpr FieldSchema kHistogramFields[] = {
    {histogram::data_points, "dataPoints", K::message, kRepeated, kMsg, &kHistogramDataPoint, kItem},
    {histogram::aggregation_temporality, "aggregationTemporality", K::uint32, false, kImplicit, nullptr, Count::none, &kTemporality},
};
constexpr FieldSchema kExponentialHistogramFields[] = {
    {histogram::data_points, "dataPoints", K::message, kRepeated, kMsg, &kExponentialHistogramDataPoint, kItem},
    {histogram::aggregation_temporality, "aggregationTemporality", K::uint32, false, kImplicit, nullptr, Count::none, &kTemporality},
};
constexpr FieldSchema kSummaryFields[] = {{summary::data_points, "dataPoints", K::message, kRepeated, kMsg, &kSummaryDataPoint, kItem}};
constexpr FieldSchema kNumberDataPointFields[] = {
    {number_data_point::start_time_unix_nano, "startTimeUnixNano", K::fixed64},
    {number_data_point::time_unix_nano, "timeUnixNano", K::fixed64},
    {number_data_point::as_double, "asDouble", K::dbl, false, kOneof},
    {number_data_point::exemplars, "exemplars", K::message, kRepeated, kMsg, &kExemplar, kRecord},
    {number_data_point::as_int, "asInt", K::sfixed64, false, kOneof},
    {number_data_point::attributes, "attributes", K::message, kRepeated, kMsg, &kKeyValue, kAttr},
    {number_data_point::flags, "flags", K::uint32},
};
// optional double: written when present, zero or not.
constexpr auto kOptional = Presence::explicit_;
constexpr FieldSchema kHistogramDataPointFields[] = {
    {histogram_data_point::start_time_unix_nano, "startTimeUnixNano", K::fixed64},
    {histogram_data_point::time_unix_nano, "timeUnixNano", K::fixed64},
    {histogram_data_point::count, "count", K::fixed64},
    {histogram_data_point::sum, "sum", K::dbl, false, kOptional},
    {histogram_data_point::bucket_counts, "bucketCounts", K::fixed64, kRepeated},
    {histogram_data_point::explicit_bounds, "explicitBounds", K::dbl, kRepeated},
    {histogram_data_point::exemplars, "exemplars", K::message, kRepeated, kMsg, &kExemplar, kRecord},
    {histogram_data_point::attributes, "attributes", K::message, kRepeated, kMsg, &kKeyValue, kAttr},
    {histogram_data_point::flags, "flags", K::uint32},
    {histogram_data_point::min, "min", K::dbl, false, kOptional},
    {histogram_data_point::max, "max", K::dbl, false, kOptional},
};
constexpr FieldSchema kExponentialHistogramDataPointFields[] = {
    {exponential_histogram_data_point::attributes, "attributes", K::message, kRepeated, kMsg, &kKeyValue, kAttr},
    {exponential_histogram_data_point::start_time_unix_nano, "startTimeUnixNano", K::fixed64},
    {exponential_histogram_data_point::time_unix_nano, "timeUnixNano", K::fixed64},
    {exponential_histogram_data_point::count, "count", K::fixed64},
    {exponential_histogram_data_point::sum, "sum", K::dbl, false, kOptional},
    {exponential_histogram_data_point::scale, "scale", K::sint32},
    {exponential_histogram_data_point::zero_count, "zeroCount", K::fixed64},
    {exponential_histogram_data_point::positive, "positive", K::message, false, kMsg, &kBuckets},
    {exponential_histogram_data_point::negative, "negative", K::message, false, kMsg, &kBuckets},
    {exponential_histogram_data_point::flags, "flags", K::uint32},
    {exponential_histogram_data_point::exemplars, "exemplars", K::message, kRepeated, kMsg, &kExemplar, kRecord},
    {exponential_histogram_data_point::min, "min", K::dbl, false, kOptional},
    {exponential_histogram_data_point::max, "max", K::dbl, false, kOptional},
    {exponential_histogram_data_point::zero_threshold, "zeroThreshold", K::dbl},
};
constexpr FieldSchema kBucketsFields[] = {
    {buckets::offset, "offset", K::sint32},
    {buckets::bucket_counts, "bucketCounts", K::uint64, kRepeated},
};
constexpr FieldSchema kSummaryDataPointFields[] = {
    {summary_data_point::start_time_unix_nano, "startTimeUnixNano", K::fixed64},
    {summary_data_point::time_unix_nano, "timeUnixNano", K::fixed64},
    {summary_data_point::count, "count", K::fixed64},
    {summary_data_point::sum, "sum", K::dbl},
    {summary_data_point::quantile_values, "quantileValues", K::message, kRepeated, kMsg, &kValueAtQuantile},
    {summary_data_point::attributes, "attributes", K::message, kRepeated, kMsg, &kKeyValue, kAttr},
    {summary_data_point::flags, "flags", K::uint32},
};
constexpr FieldSchema kValueAtQuantileFields[] = {{value_at_quantile::quantile, "quantile", K::dbl}, {value_at_quantile::value, "value", K::dbl}};
constexpr FieldSchema kExemplarFields[] = {
    {exemplar::time_unix_nano, "timeUnixNano", K::fixed64},
    {exemplar::as_double, "asDouble", K::dbl, false, kOneof},
    {exemplar::span_id, "spanId", K::id8},
    {exemplar::trace_id, "traceId", K::id16},
    {exemplar::as_int, "asInt", K::sfixed64, false, kOneof},
    {exemplar::filtered_attributes, "filteredAttributes", K::message, kRepeated, kMsg, &kKeyValue, kAttr},
};
constexpr FieldSchema kScopeMetricsFields[] = {
    {scope_metrics::scope, "scope", K::message, false, kMsg, &kScope},
    {scope_metrics::metrics, "metrics", K::message, kRepeated, kMsg, &kMetric},
    {scope_metrics::schema_url, "schemaUrl", K::string},
};
constexpr FieldSchema kResourceMetricsFields[] = {
    {resource_metrics::resource, "resource", K::message, false, kMsg, &kResource},
    {resource_metrics::scope_metrics, "scopeMetrics", K::message, kRepeated, kMsg, &kScopeMetrics},
    {resource_metrics::schema_url, "schemaUrl", K::string},
};
constexpr FieldSchema kMetricsRequestFields[] = {{metrics_request::resource_metrics, "resourceMetrics", K::message, kRepeated, kMsg, &kResourceMetrics}};

// collector/*/v1 responses: the partial success differs in its count's name only.
constexpr FieldSchema kTracePartialFields[] = {{trace_partial_success::rejected_spans, "rejectedSpans", K::int64}, {trace_partial_success::error_message, "errorMessage", K::string}};
constexpr FieldSchema kLogsPartialFields[] = {{logs_partial_success::rejected_log_records, "rejectedLogRecords", K::int64}, {logs_partial_success::error_message, "errorMessage", K::string}};
constexpr FieldSchema kMetricsPartialFields[] = {{metrics_partial_success::rejected_data_points, "rejectedDataPoints", K::int64}, {metrics_partial_success::error_message, "errorMessage", K::string}};
extern const MessageSchema kTracePartial, kLogsPartial, kMetricsPartial;
constexpr FieldSchema kTraceResponseFields[] = {{export_response::partial_success, "partialSuccess", K::message, false, kMsg, &kTracePartial}};
constexpr FieldSchema kLogsResponseFields[] = {{export_response::partial_success, "partialSuccess", K::message, false, kMsg, &kLogsPartial}};
constexpr FieldSchema kMetricsResponseFields[] = {{export_response::partial_success, "partialSuccess", K::message, false, kMsg, &kMetricsPartial}};

constexpr MessageSchema kAnyValue = schema<kAnyValueFields>();
constexpr MessageSchema kKeyValue = schema<kKeyValueFields>();
constexpr MessageSchema kArrayValue = schema<kArrayValueFields>();
constexpr MessageSchema kKeyValueList = schema<kKeyValueListFields>();
constexpr MessageSchema kResource = schema<kResourceFields>();
constexpr MessageSchema kScope = schema<kScopeFields>();
constexpr MessageSchema kEvent = schema<kEventFields>();
constexpr MessageSchema kLink = schema<kLinkFields>();
constexpr MessageSchema kStatus = schema<kStatusFields>();
constexpr MessageSchema kSpan = schema<kSpanFields>();
constexpr MessageSchema kScopeSpans = schema<kScopeSpansFields>();
constexpr MessageSchema kResourceSpans = schema<kResourceSpansFields>();
constexpr MessageSchema kLogRecord = schema<kLogRecordFields>();
constexpr MessageSchema kScopeLogs = schema<kScopeLogsFields>();
constexpr MessageSchema kResourceLogs = schema<kResourceLogsFields>();
constexpr MessageSchema kMetric = schema<kMetricFields>();
constexpr MessageSchema kGauge = schema<kGaugeFields>();
constexpr MessageSchema kSum = schema<kSumFields>();
constexpr MessageSchema kHistogram = schema<kHistogramFields>();
constexpr MessageSchema kExponentialHistogram = schema<kExponentialHistogramFields>();
constexpr MessageSchema kSummary = schema<kSummaryFields>();
constexpr MessageSchema kNumberDataPoint = schema<kNumberDataPointFields>();
constexpr MessageSchema kHistogramDataPoint = schema<kHistogramDataPointFields>();
constexpr MessageSchema kExponentialHistogramDataPoint = schema<kExponentialHistogramDataPointFields>();
constexpr MessageSchema kBuckets = schema<kBucketsFields>();
constexpr MessageSchema kSummaryDataPoint = schema<kSummaryDataPointFields>();
constexpr MessageSchema kValueAtQuantile = schema<kValueAtQuantileFields>();
constexpr MessageSchema kExemplar = schema<kExemplarFields>();
constexpr MessageSchema kScopeMetrics = schema<kScopeMetricsFields>();
constexpr MessageSchema kResourceMetrics = schema<kResourceMetricsFields>();
constexpr MessageSchema kTracePartial = schema<kTracePartialFields>();
constexpr MessageSchema kMetricsPartial = schema<kMetricsPartialFields>();
constexpr MessageSchema kLogsPartial = schema<kLogsPartialFields>();

}  // namespace

const MessageSchema kTraceRequest = schema<kTraceRequestFields>();
const MessageSchema kLogsRequest = schema<kLogsRequestFields>();
const MessageSchema kTraceResponse = schema<kTraceResponseFields>();
const MessageSchema kLogsResponse = schema<kLogsResponseFields>();
const MessageSchema kMetricsRequest = schema<kMetricsRequestFields>();
const MessageSchema kMetricsResponse = schema<kMetricsResponseFields>();

const MessageSchema& request_schema(Signal signal) {
  switch (signal) {
    case Signal::logs: return kLogsRequest;
    case Signal::metrics: return kMetricsRequest;
    default: return kTraceRequest;
  }
}
const MessageSchema& response_schema(Signal signal) {
  switch (signal) {
    case Signal::logs: return kLogsResponse;
    case Signal::metrics: return kMetricsResponse;
    default: return kTraceResponse;
  }
}

}  // namespace otlp::detail
