// Randomized metrics requests built field by field in protobuf-lite (every metric and data
// point type, empty and maximal values, unicode, negative scales and offsets, NaN and
// infinities), and the OTLP/JSON of such a lite message written from its accessors: the
// oracle of the metrics wire, JSON and golden tests, kept apart from the core's transcoder.
#pragma once
#include <cstdint>
#include <string>

#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"

namespace otlp::testing::lite {

namespace pb_metrics_collector = opentelemetry::proto::collector::metrics::v1;

// A request from `seed`: a few resources and scopes, metrics of every type (some with no data),
// points with and without attributes, exemplars, buckets and quantiles.
pb_metrics_collector::ExportMetricsServiceRequest random_metrics(std::uint64_t seed);

// Its data points, all types together.
std::uint64_t data_point_count(const pb_metrics_collector::ExportMetricsServiceRequest& request);

// The request as OTLP/JSON: lowerCamelCase keys in field-number order, proto3 defaults left
// out (oneof members and optional doubles written when set), 64-bit integers as decimal
// strings, enums as numbers, ids as hex, NaN and infinities as "NaN", "Infinity", "-Infinity".
std::string metrics_json(const pb_metrics_collector::ExportMetricsServiceRequest& request);

}  // namespace otlp::testing::lite
