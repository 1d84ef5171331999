// Error values and options shared by the protobuf and JSON readers.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>

namespace otlp {

enum class DecodeError : std::uint8_t {
  ok,
  truncated,          // input ends inside a tag, varint or fixed-width value
  length_past_end,    // a length-delimited field claims more bytes than remain
  overlong_varint,    // varint longer than 10 bytes, or a 10th byte above 1
  bad_wire_type,      // wire type 3, 4 (groups), 6 or 7, or field number 0
  wrong_wire_type,    // a known field arrives with a wire type other than its own
  bad_id_length,      // trace/span id neither empty nor 16/8 bytes (hex: not 32/16 digits)
  too_deep,           // message nesting beyond DecodeOptions::max_depth
  bad_json,           // JSON syntax error
  bad_value,          // JSON value of the wrong type or out of range for its field
  // Over one of the DecodeLimits (the input may be well-formed).
  too_many_records,                // DecodeLimits::records
  too_many_attributes,             // DecodeLimits::attributes
  too_many_attributes_in_element,  // DecodeLimits::attributes_per_element
  too_many_decoded_bytes,          // DecodeLimits::decoded_bytes
};

// Bounds on what one request decodes into. Protobuf says "an empty attribute" in 2 bytes and
// the model holds it in a KeyValue of over a hundred, so without them a body could decode into
// 70 times its size. A request over any of them is refused whole.
struct DecodeLimits {
  std::uint64_t records = 0;                 // spans, events and links, together
  std::uint64_t attributes = 0;              // KeyValues and array values at every level, together
  std::uint64_t attributes_per_element = 0;  // in one resource, scope, span, event, link, array or kvlist
  // The model's size: every record, KeyValue and array value at its sizeof, plus every string's
  // bytes. This is the bound on memory; the counts above bound shapes no real request has.
  std::uint64_t decoded_bytes = 0;

  // The defaults for a body of `body_bytes` bytes: the model within 3 times the body plus
  // 16 MiB, so that with the body itself and a receiver's copies it stays within 4 times the
  // body plus 64 MB (the standard span's model is 3.8 times its protobuf: requests of them up
  // to 20 MiB pass); a record per 8 bytes and an attribute per 4 bytes of body, plus a floor
  // for small bodies; 65,536 attributes in one element (the SDKs' default limit is 128).
  static DecodeLimits for_body(std::size_t body_bytes) noexcept;
};

struct DecodeOptions {
  // Nesting depth counted in messages from the request (depth 0). A standard span's
  // attribute value sits at depth 5; each array level adds 2 (ArrayValue, AnyValue) and each
  // kvlist level 3 (KeyValueList, KeyValue, AnyValue).
  std::uint32_t max_depth = 32;
  // Empty: DecodeLimits::for_body(the input's size).
  std::optional<DecodeLimits> limits;
};

struct DecodeStatus {
  DecodeError error = DecodeError::ok;
  std::size_t offset = 0;  // byte offset in the input where the error was found

  bool ok() const noexcept { return error == DecodeError::ok; }
  explicit operator bool() const noexcept { return ok(); }
  // The input may be well-formed but decodes into more than DecodeLimits allow.
  bool over_limit() const noexcept { return error >= DecodeError::too_many_records; }
  const char* message() const noexcept;  // a short static English description
};

}  // namespace otlp
