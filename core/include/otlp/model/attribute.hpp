// What the recording APIs of every signal share: the host's clock and borrowed attributes.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "otlp/model/value.hpp"

namespace otlp {

// The host's wall clock. Core never reads a clock itself.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::uint64_t now_unix_nano() noexcept = 0;
};

// A borrowed attribute value: the scalar kinds by value, strings as views, anything else
// (arrays, key-value lists, bytes) through an AnyValue. Nothing is copied until encoded. It
// is 16 bytes so it travels in registers (strings over 4 GiB are cut at 4 GiB).
class AttributeValue {
 public:
  enum class Kind : std::uint8_t { string, boolean, int64, dbl, any };

  AttributeValue(const char* s) : AttributeValue(std::string_view(s)) {}
  AttributeValue(std::string_view s) : ptr_(s.data()), len_(clamp(s.size())), kind_(Kind::string) {}
  AttributeValue(const std::string& s) : AttributeValue(std::string_view(s)) {}
  AttributeValue(bool b) : int_(b), kind_(Kind::boolean) {}
  AttributeValue(int v) : int_(v), kind_(Kind::int64) {}
  AttributeValue(long v) : int_(v), kind_(Kind::int64) {}
  AttributeValue(long long v) : int_(v), kind_(Kind::int64) {}
  AttributeValue(unsigned v) : int_(v), kind_(Kind::int64) {}
  AttributeValue(double v) : dbl_(v), kind_(Kind::dbl) {}
  AttributeValue(const AnyValue& v) : any_(&v), kind_(Kind::any) {}

  Kind kind() const { return kind_; }
  std::string_view str() const { return {ptr_, len_}; }
  std::int64_t int_value() const { return int_; }
  double double_value() const { return dbl_; }
  const AnyValue& any() const { return *any_; }

 private:
  static std::uint32_t clamp(std::size_t n) { return n > 0xffffffffu ? 0xffffffffu : static_cast<std::uint32_t>(n); }
  union {
    const char* ptr_;
    std::int64_t int_;
    double dbl_;
    const AnyValue* any_;
  };
  std::uint32_t len_ = 0;
  Kind kind_;
};

struct Attribute {
  std::string_view key;
  AttributeValue value;
};
using AttributeList = std::initializer_list<Attribute>;

}  // namespace otlp
