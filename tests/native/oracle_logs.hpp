// The standard log records of shared/WORKLOAD.md built field by field in protobuf-lite, and the
// OTLP/JSON of such a lite message written from its accessors: the source of the logs golden
// files, kept apart from the core's encoder and JSON transcoder.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"

namespace otlp::testing::lite {

namespace pb_logs_collector = opentelemetry::proto::collector::logs::v1;

// One request of `count` standard log records under the standard resource and scope; record i
// carries the ids workload::StandardLogRecord draws from a Random seeded with `seed`.
pb_logs_collector::ExportLogsServiceRequest standard_logs(std::uint64_t count, std::uint64_t seed);

// The request as OTLP/JSON (lowerCamelCase keys in field-number order, default values left out,
// 64-bit integers as strings, enums as numbers, hex ids); nullopt for a value kind the standard
// record does not use (arrays, key-value lists, bytes).
std::optional<std::string> logs_json(const pb_logs_collector::ExportLogsServiceRequest& request);

}  // namespace otlp::testing::lite
