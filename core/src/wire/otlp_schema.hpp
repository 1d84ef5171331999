// Internal: the OTLP messages as data. Each message's fields, numbers, JSON names and kinds
// written once (from the opentelemetry-proto definitions, see shared/OTLP-FACTS.md), for the
// code that walks a request generically: the OTLP/JSON transcoder, the validating pass of the
// signals that have no model (proto_reader.cpp) and the OTLP/JSON to protobuf reader
// (json_reader.cpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "otlp/model/signal.hpp"

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
  uint64,    // varint: a decimal string
  sint32,    // varint, zigzag-encoded: a JSON number
  fixed64,   // 8 bytes little-endian unsigned: a decimal string
  sfixed64,  // 8 bytes little-endian signed: a decimal string
  fixed32,   // 4 bytes: a JSON number
  dbl,       // 8 bytes IEEE double: a JSON number (NaN and infinities as strings)
};
// A repeated field of a scalar kind is packed (proto3's default: one length-delimited field
// holding the values back to back); readers take it unpacked too, as protobuf requires, and
// OTLP/JSON writes it as one array.
constexpr bool is_scalar(FieldKind k) { return k >= FieldKind::boolean; }

struct MessageSchema;

// When a singular field is written to JSON.
enum class Presence : std::uint8_t {
  implicit,  // proto3 scalars: omitted when absent or default
  explicit_,  // messages and oneof members: written when present, default or not
  required,  // KeyValue.value: written even when absent (as {})
};

// What an occurrence of a message field counts for against the DecodeLimits (decode.hpp).
enum class Count : std::uint8_t {
  none,
  item,       // the signal's unit (a span, a log record, a data point): a record, and counted
  record,     // a span's event or link
  attribute,  // a KeyValue or an array value, of its element
};

// An enum's proto names, value i named names[i]: OTLP/JSON writes enums as integers, and a
// reader accepts the names too, as protobuf's JSON mapping does.
struct EnumNames {
  const std::string_view* names;
  std::size_t count;
};

struct FieldSchema {
  std::uint32_t number;
  std::string_view json_name;
  FieldKind kind;
  bool repeated = false;
  Presence presence = Presence::implicit;
  const MessageSchema* message = nullptr;  // for FieldKind::message
  Count count = Count::none;
  const EnumNames* names = nullptr;        // for enums (FieldKind::uint32)
};

struct MessageSchema {
  const FieldSchema* fields;  // in field-number order, which is the JSON key order
  std::size_t count;
};

// The roots: Export{Trace,Logs,Metrics}ServiceRequest, and their responses.
extern const MessageSchema kTraceRequest;
extern const MessageSchema kLogsRequest;
extern const MessageSchema kMetricsRequest;
extern const MessageSchema kTraceResponse;
extern const MessageSchema kLogsResponse;
extern const MessageSchema kMetricsResponse;

// The request and response of a signal.
const MessageSchema& request_schema(Signal signal);
const MessageSchema& response_schema(Signal signal);

// The field numbered `number` in `schema`, or null.
inline const FieldSchema* find_field(const MessageSchema& schema, std::uint64_t number) {
  for (std::size_t i = 0; i < schema.count; ++i)
    if (schema.fields[i].number == number) return &schema.fields[i];
  return nullptr;
}

}  // namespace otlp::detail
