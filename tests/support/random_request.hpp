// A seeded generator of randomized TraceRequests covering every attribute kind, empty and
// extreme values, and unicode/escape-heavy strings. Deterministic across compilers and
// targets (no <random> distributions), so native and WASM builds see the same requests.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "otlp/logs/logs.hpp"
#include "otlp/model/span.hpp"

namespace otlp::testing {

struct RandomRequestOptions {
  std::uint32_t spans = 1000;       // total spans across all resources and scopes
  std::uint32_t resources = 3;
  std::uint32_t scopes_per_resource = 3;
  std::uint32_t max_nesting = 3;    // array/kvlist levels inside an attribute value
  bool huge_values = true;          // include one 100 KB string and 100 KB bytes value
};

TraceRequest random_request(std::uint64_t seed, const RandomRequestOptions& options = {});

// A log record as the tests hold it: LogRecord (logs.hpp) borrows, this owns. Every body and
// attribute kind, unicode and escapes, empty and extreme values, severities 0..25 (25 is out
// of range), valid and invalid span contexts, keys that may repeat.
struct RandomLogRecord {
  std::uint64_t time_unix_nano = 0;
  std::uint64_t observed_time_unix_nano = 0;
  std::uint8_t severity = 0;
  std::string severity_text;
  bool has_body = false;
  AnyValue body;
  Attributes attributes;
  std::string event_name;
  SpanContext context;
};
std::vector<RandomLogRecord> random_log_records(std::uint64_t seed, std::size_t n);

// `r` as Logger::emit and encode_log_record_field take it, borrowing from `r` (which must outlive
// it); it points into itself, so it stays where it was made.
struct BorrowedLogRecord {
  explicit BorrowedLogRecord(const RandomLogRecord& r);
  BorrowedLogRecord(const BorrowedLogRecord&) = delete;
  BorrowedLogRecord& operator=(const BorrowedLogRecord&) = delete;

  std::vector<Attribute> attributes;
  AttributeValue body;
  LogRecord record;
};

// An ExportLogsServiceRequest (protobuf) of `records` under one resource and one scope, each
// record written by encode_log_record_field with no attribute count limit.
std::string logs_request(const std::vector<RandomLogRecord>& records, const Resource& resource = {},
                         const InstrumentationScope& scope = {});
// One of the standard log records 0..count-1 (shared/WORKLOAD.md) of `seed`.
std::string standard_logs_request(std::uint64_t count, std::uint64_t seed);

// Total number of spans in a request.
std::size_t span_count(const TraceRequest& request);

}  // namespace otlp::testing
