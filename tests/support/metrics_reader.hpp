// An ExportMetricsServiceRequest read back for tests, by a protobuf walker written apart from
// the core (which has no metrics reader): every field the metrics SDK writes, numbers by the
// opentelemetry-proto files. Attribute values are kept as text ("GET", "200", "1.5", "2.0", "true").
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace otlp::testing {

struct PointRead {
  std::map<std::string, std::string> attributes;
  std::uint64_t start = 0, time = 0;
  bool has_int = false, has_double = false;  // NumberDataPoint's oneof
  std::int64_t as_int = 0;
  double as_double = 0;
  std::uint64_t count = 0;  // HistogramDataPoint
  std::optional<double> sum, min, max;
  std::vector<std::uint64_t> bucket_counts;
  std::vector<double> explicit_bounds;
  // ExponentialHistogramDataPoint (count, sum, min and max above; a sign absent reads as empty).
  std::int32_t scale = 0;
  std::uint64_t zero_count = 0;
  double zero_threshold = 0;
  std::int32_t positive_offset = 0, negative_offset = 0;
  std::vector<std::uint64_t> positive_counts, negative_counts;
  int attribute_fields = 0;  // KeyValue fields as written (a repeated key would count twice)
};

struct MetricRead {
  std::string scope_name, scope_version;
  std::string name, description, unit;
  enum class Type { none, gauge, sum, histogram, exponential_histogram } type = Type::none;
  int temporality = 0;  // 1 delta, 2 cumulative
  bool monotonic = false;
  std::vector<PointRead> points;
};

struct MetricsRead {
  std::map<std::string, std::string> resource;
  std::vector<MetricRead> metrics;  // in request order
  std::size_t scopes = 0;
  std::size_t points() const;
  // The first metric of this name (nullptr when absent).
  const MetricRead* find(std::string_view name) const;
};

// False when the body is not a well-formed request.
bool read_metrics(std::string_view body, MetricsRead& out);

}  // namespace otlp::testing
