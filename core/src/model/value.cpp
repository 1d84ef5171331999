#include <cstring>

#include "otlp/model/value.hpp"

namespace otlp {

bool operator==(const AnyValue& a, const AnyValue& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case AnyValue::Kind::empty: return true;
    case AnyValue::Kind::string:
    case AnyValue::Kind::bytes: return a.str == b.str;
    case AnyValue::Kind::boolean: return a.bool_value == b.bool_value;
    case AnyValue::Kind::int64: return a.int_value == b.int_value;
    case AnyValue::Kind::dbl: return std::memcmp(&a.double_value, &b.double_value, sizeof(double)) == 0;
    case AnyValue::Kind::array: return a.array == b.array;
    case AnyValue::Kind::kvlist: return a.kvlist == b.kvlist;
  }
  return false;
}

}  // namespace otlp
