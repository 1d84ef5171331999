#include "otlp/wire/decode.hpp"

namespace otlp {

const char* DecodeStatus::message() const noexcept {
  switch (error) {
    case DecodeError::ok: return "ok";
    case DecodeError::truncated: return "input ends inside a field";
    case DecodeError::length_past_end: return "length-delimited field runs past the end of its message";
    case DecodeError::overlong_varint: return "varint longer than 10 bytes";
    case DecodeError::bad_wire_type: return "invalid wire type or field number 0";
    case DecodeError::wrong_wire_type: return "known field with the wrong wire type";
    case DecodeError::bad_id_length: return "trace or span id of the wrong length";
    case DecodeError::too_deep: return "messages nested too deep";
    case DecodeError::bad_json: return "malformed JSON";
    case DecodeError::bad_value: return "JSON value of the wrong type or out of range";
    case DecodeError::too_many_records: return "more spans, events and links than the decode limit";
    case DecodeError::too_many_attributes: return "more attributes and array values than the decode limit";
    case DecodeError::too_many_attributes_in_element:
      return "more attributes or array values in one element than the decode limit";
    case DecodeError::too_many_decoded_bytes: return "decodes into more bytes than the decode limit";
  }
  return "unknown error";
}

DecodeLimits DecodeLimits::for_body(std::size_t body_bytes) noexcept {
  const std::uint64_t n = body_bytes;
  DecodeLimits l;
  l.records = n / 8 + 4096;
  l.attributes = n / 4 + 16384;
  l.attributes_per_element = 65536;
  l.decoded_bytes = 3 * n + (16u << 20);
  return l;
}

}  // namespace otlp
