#include "otlp/decode.hpp"

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
  }
  return "unknown error";
}

}  // namespace otlp
