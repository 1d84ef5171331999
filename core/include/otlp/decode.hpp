// Error values shared by the protobuf and JSON readers.
#pragma once
#include <cstddef>
#include <cstdint>

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
};

struct DecodeOptions {
  // Nesting depth counted in messages from the request (depth 0). A standard span's
  // attribute value sits at depth 5; each array level adds 2 (ArrayValue, AnyValue) and each
  // kvlist level 3 (KeyValueList, KeyValue, AnyValue).
  std::uint32_t max_depth = 32;
};

struct DecodeStatus {
  DecodeError error = DecodeError::ok;
  std::size_t offset = 0;  // byte offset in the input where the error was found

  bool ok() const noexcept { return error == DecodeError::ok; }
  explicit operator bool() const noexcept { return ok(); }
  const char* message() const noexcept;  // a short static English description
};

}  // namespace otlp
