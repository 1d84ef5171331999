// Internal: the OTLP messages as data. Each message's fields, numbers, JSON names and kinds
// written once (from the opentelemetry-proto definitions, see shared/OTLP-FACTS.md), for the
// code that walks protobuf bytes generically: the OTLP/JSON transcoder.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace otlp::detail {

// How a field is on the wire and in OTLP/JSON.
enum class FieldKind : std::uint8_t {
  message,   // length-delimited submessage
  string,    // length-delimited, a JSON string
  bytes,     // length-delimited, base64
  id16,      // trace id: empty or 16 bytes, lowercase hex
  id8,       // span id: empty or 8 bytes, lowercase hex
  boolean,   // varint
  uint32,    // varint (uint32 and enums): a JSON number
  int64,     // varint read as int64: a decimal string
  fixed64,   // 8 bytes little-endian unsigned: a decimal string
  fixed32,   // 4 bytes: a JSON number
  dbl,       // 8 bytes IEEE double: a JSON number (NaN and infinities as strings)
};

struct MessageSchema;

// When a singular field is written to JSON.
enum class Presence : std::uint8_t {
  implicit,  // proto3 scalars: omitted when absent or default
  explicit_,  // messages and oneof members: written when present, default or not
  required,  // KeyValue.value: written even when absent (as {})
};

struct FieldSchema {
  std::uint32_t number;
  std::string_view json_name;
  FieldKind kind;
  bool repeated = false;
  Presence presence = Presence::implicit;
  const MessageSchema* message = nullptr;  // for FieldKind::message
};

struct MessageSchema {
  const FieldSchema* fields;  // in field-number order, which is the JSON key order
  std::size_t count;
};

// The roots: ExportTraceServiceRequest and ExportLogsServiceRequest.
extern const MessageSchema kTraceRequest;
extern const MessageSchema kLogsRequest;

}  // namespace otlp::detail
