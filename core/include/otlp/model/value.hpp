// Attribute values of every OTLP AnyValue kind, and key-value pairs.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace otlp {

struct KeyValue;

struct AnyValue {
  // Order follows the AnyValue oneof field numbers (string_value=1 ... bytes_value=7).
  enum class Kind : std::uint8_t { empty, string, boolean, int64, dbl, array, kvlist, bytes };

  Kind kind = Kind::empty;
  bool bool_value = false;
  std::int64_t int_value = 0;
  double double_value = 0;
  std::string str;                // string_value or bytes_value
  std::vector<AnyValue> array;    // array_value.values
  std::vector<KeyValue> kvlist;   // kvlist_value.values

  AnyValue() = default;
  AnyValue(const char* s);
  AnyValue(std::string_view s);
  AnyValue(std::string s);
  AnyValue(bool b);
  AnyValue(int v);
  AnyValue(long v);
  AnyValue(long long v);
  AnyValue(unsigned v);
  AnyValue(double v);

  static AnyValue bytes(std::string raw);
  static AnyValue array_of(std::vector<AnyValue> values);
  static AnyValue kvlist_of(std::vector<KeyValue> values);

  // Field-by-field equality; doubles compare by bit pattern so NaN == NaN round-trips.
  friend bool operator==(const AnyValue& a, const AnyValue& b);
};

struct KeyValue {
  std::string key;
  AnyValue value;
  friend bool operator==(const KeyValue&, const KeyValue&) = default;
};

// Defined out of the class, once KeyValue is complete: clang with libstdc++ 12 (constexpr
// std::vector) instantiates vector<KeyValue>'s destructor eagerly and refuses it inside AnyValue.
inline AnyValue::AnyValue(const char* s) : kind(Kind::string), str(s) {}
inline AnyValue::AnyValue(std::string_view s) : kind(Kind::string), str(s) {}
inline AnyValue::AnyValue(std::string s) : kind(Kind::string), str(std::move(s)) {}
inline AnyValue::AnyValue(bool b) : kind(Kind::boolean), bool_value(b) {}
inline AnyValue::AnyValue(int v) : kind(Kind::int64), int_value(v) {}
inline AnyValue::AnyValue(long v) : kind(Kind::int64), int_value(v) {}
inline AnyValue::AnyValue(long long v) : kind(Kind::int64), int_value(v) {}
inline AnyValue::AnyValue(unsigned v) : kind(Kind::int64), int_value(v) {}
inline AnyValue::AnyValue(double v) : kind(Kind::dbl), double_value(v) {}

inline AnyValue AnyValue::bytes(std::string raw) {
  AnyValue v;
  v.kind = Kind::bytes;
  v.str = std::move(raw);
  return v;
}
inline AnyValue AnyValue::array_of(std::vector<AnyValue> values) {
  AnyValue v;
  v.kind = Kind::array;
  v.array = std::move(values);
  return v;
}
inline AnyValue AnyValue::kvlist_of(std::vector<KeyValue> values) {
  AnyValue v;
  v.kind = Kind::kvlist;
  v.kvlist = std::move(values);
  return v;
}

using Attributes = std::vector<KeyValue>;

}  // namespace otlp
