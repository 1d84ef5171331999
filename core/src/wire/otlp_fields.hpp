// Internal: the field numbers of the OTLP messages, by name (opentelemetry-proto, see
// shared/OTLP-FACTS.md). The one place they are written: the schema table (otlp_schema.cpp)
// is built from them, and every writer and reader of the wire format names them from here.
#pragma once
#include <cstdint>

namespace otlp::detail::field {

// common/v1
namespace any_value {
inline constexpr std::uint32_t string_value = 1, bool_value = 2, int_value = 3, double_value = 4, array_value = 5,
                               kvlist_value = 6, bytes_value = 7;
}
namespace key_value {
inline constexpr std::uint32_t key = 1, value = 2;
}
namespace array_value {
inline constexpr std::uint32_t values = 1;
}
namespace key_value_list {
inline constexpr std::uint32_t values = 1;
}
namespace resource {
inline constexpr std::uint32_t attributes = 1, dropped_attributes_count = 2;
}
namespace scope {
inline constexpr std::uint32_t name = 1, version = 2, attributes = 3, dropped_attributes_count = 4;
}

// trace/v1
namespace event {
inline constexpr std::uint32_t time_unix_nano = 1, name = 2, attributes = 3, dropped_attributes_count = 4;
}
namespace link {
inline constexpr std::uint32_t trace_id = 1, span_id = 2, trace_state = 3, attributes = 4,
                               dropped_attributes_count = 5, flags = 6;
}
namespace status {
inline constexpr std::uint32_t message = 2, code = 3;  // 1 is reserved
}
namespace span {
inline constexpr std::uint32_t trace_id = 1, span_id = 2, trace_state = 3, parent_span_id = 4, name = 5, kind = 6,
                               start_time_unix_nano = 7, end_time_unix_nano = 8, attributes = 9,
                               dropped_attributes_count = 10, events = 11, dropped_events_count = 12, links = 13,
                               dropped_links_count = 14, status = 15, flags = 16;
}
namespace scope_spans {
inline constexpr std::uint32_t scope = 1, spans = 2, schema_url = 3;
}
namespace resource_spans {
inline constexpr std::uint32_t resource = 1, scope_spans = 2, schema_url = 3;
}
namespace trace_request {
inline constexpr std::uint32_t resource_spans = 1;
}

// logs/v1
namespace log_record {
inline constexpr std::uint32_t time_unix_nano = 1, severity_number = 2, severity_text = 3, body = 5, attributes = 6,
                               dropped_attributes_count = 7, flags = 8, trace_id = 9, span_id = 10,
                               observed_time_unix_nano = 11, event_name = 12;  // 4 is reserved
}
namespace scope_logs {
inline constexpr std::uint32_t scope = 1, log_records = 2, schema_url = 3;
}
namespace resource_logs {
inline constexpr std::uint32_t resource = 1, scope_logs = 2, schema_url = 3;
}
namespace logs_request {
inline constexpr std::uint32_t resource_logs = 1;
}

// metrics/v1
namespace metric {
inline constexpr std::uint32_t name = 1, description = 2, unit = 3, gauge = 5, sum = 7, histogram = 9,
                               exponential_histogram = 10, summary = 11, metadata = 12;  // 4, 6, 8 are reserved
}
namespace gauge {
inline constexpr std::uint32_t data_points = 1;
}
namespace sum {
inline constexpr std::uint32_t data_points = 1, aggregation_temporality = 2, is_monotonic = 3;
}
namespace histogram {  // Histogram and ExponentialHistogram
inline constexpr std::uint32_t data_points = 1, aggregation_temporality = 2;
}
namespace summary {
inline constexpr std::uint32_t data_points = 1;
}
namespace number_data_point {
inline constexpr std::uint32_t start_time_unix_nano = 2, time_unix_nano = 3, as_double = 4, exemplars = 5, as_int = 6,
                               attributes = 7, flags = 8;
}
namespace histogram_data_point {
inline constexpr std::uint32_t start_time_unix_nano = 2, time_unix_nano = 3, count = 4, sum = 5, bucket_counts = 6,
                               explicit_bounds = 7, exemplars = 8, attributes = 9, flags = 10, min = 11, max = 12;
}
namespace exponential_histogram_data_point {
inline constexpr std::uint32_t attributes = 1, start_time_unix_nano = 2, time_unix_nano = 3, count = 4, sum = 5,
                               scale = 6, zero_count = 7, positive = 8, negative = 9, flags = 10, exemplars = 11,
                               min = 12, max = 13, zero_threshold = 14;
}
namespace buckets {  // ExponentialHistogramDataPoint.Buckets
inline constexpr std::uint32_t offset = 1, bucket_counts = 2;
}
namespace summary_data_point {
inline constexpr std::uint32_t start_time_unix_nano = 2, time_unix_nano = 3, count = 4, sum = 5, quantile_values = 6,
                               attributes = 7, flags = 8;
}
namespace value_at_quantile {
inline constexpr std::uint32_t quantile = 1, value = 2;
}
namespace exemplar {
inline constexpr std::uint32_t time_unix_nano = 2, as_double = 3, span_id = 4, trace_id = 5, as_int = 6,
                               filtered_attributes = 7;
}
namespace scope_metrics {
inline constexpr std::uint32_t scope = 1, metrics = 2, schema_url = 3;
}
namespace resource_metrics {
inline constexpr std::uint32_t resource = 1, scope_metrics = 2, schema_url = 3;
}
namespace metrics_request {
inline constexpr std::uint32_t resource_metrics = 1;
}

// collector/*/v1 responses
namespace trace_partial_success {
inline constexpr std::uint32_t rejected_spans = 1, error_message = 2;
}
namespace logs_partial_success {
inline constexpr std::uint32_t rejected_log_records = 1, error_message = 2;
}
namespace metrics_partial_success {
inline constexpr std::uint32_t rejected_data_points = 1, error_message = 2;
}
namespace export_response {
inline constexpr std::uint32_t partial_success = 1;
}

// The request envelope every signal shares: request -> resource items -> scope items -> items,
// the same numbers for spans, log records and metrics, so one writer frames them all.
namespace envelope {
inline constexpr std::uint32_t resource_items = trace_request::resource_spans;
inline constexpr std::uint32_t resource = resource_spans::resource, scope_items = resource_spans::scope_spans;
inline constexpr std::uint32_t scope = scope_spans::scope, items = scope_spans::spans;
inline constexpr std::uint32_t schema_url = scope_spans::schema_url;
static_assert(resource_items == logs_request::resource_logs && resource == resource_logs::resource &&
              scope_items == resource_logs::scope_logs && scope == scope_logs::scope &&
              items == scope_logs::log_records && schema_url == scope_logs::schema_url &&
              schema_url == resource_spans::schema_url && schema_url == resource_logs::schema_url);
static_assert(resource_items == metrics_request::resource_metrics && resource == resource_metrics::resource &&
              scope_items == resource_metrics::scope_metrics && scope == scope_metrics::scope &&
              items == scope_metrics::metrics && schema_url == scope_metrics::schema_url &&
              schema_url == resource_metrics::schema_url);
}  // namespace envelope

}  // namespace otlp::detail::field
