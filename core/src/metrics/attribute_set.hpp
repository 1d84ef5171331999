// Internal: a series' attribute set, owned and in canonical order (sorted by key, one value per
// key, the last given), with a hash that does not depend on the order the attributes came in,
// so that {a=1,b=2} and {b=2,a=1} find the same series. A recording compares its borrowed
// attributes against a stored set without building one: no allocation on the hot path.
#pragma once
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "otlp/model/attribute.hpp"

namespace otlp::detail {

// The order-independent hash of a borrowed list (a key given twice counts twice: such a list
// never matches on the fast path and is canonicalised on the slow one).
std::uint64_t attribute_hash(const Attribute* attrs, std::size_t n) noexcept;

class AttributeSet {
 public:
  AttributeSet() = default;
  // Copies `attrs` (strings and any-values included) in canonical order.
  AttributeSet(const Attribute* attrs, std::size_t n);
  AttributeSet(const AttributeSet&) = delete;
  AttributeSet& operator=(const AttributeSet&) = delete;

  const Attribute* data() const noexcept { return entries_.data(); }
  std::size_t size() const noexcept { return entries_.size(); }
  std::uint64_t hash() const noexcept { return hash_; }
  // Whether the borrowed list names exactly this set (each key once).
  bool matches(const Attribute* attrs, std::size_t n) const noexcept;

 private:
  std::vector<Attribute> entries_;           // keys and string values point into arena_
  std::unique_ptr<char[]> arena_;
  std::vector<std::unique_ptr<AnyValue>> anys_;  // values of Kind::any, owned
  std::uint64_t hash_ = 0;
};

inline std::uint64_t load_bytes(const char* p, std::size_t n) noexcept {
  std::uint64_t w = 0;
  std::memcpy(&w, p, n);
  return w;
}

// Equal strings, compared in line: a memcmp call costs more than the short keys it compares.
inline bool same_key(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const char *p = a.data(), *q = b.data();
  if (n >= 8) {
    if (n > 16) return std::memcmp(p, q, n) == 0;
    return load_bytes(p, 8) == load_bytes(q, 8) && load_bytes(p + n - 8, 8) == load_bytes(q + n - 8, 8);
  }
  if (n >= 4) return load_bytes(p, 4) == load_bytes(q, 4) && load_bytes(p + n - 4, 4) == load_bytes(q + n - 4, 4);
  for (std::size_t i = 0; i < n; ++i)
    if (p[i] != q[i]) return false;
  return true;
}

inline bool same_value(const AttributeValue& a, const AttributeValue& b) noexcept {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case AttributeValue::Kind::string:
      return same_key(a.str(), b.str());
    case AttributeValue::Kind::boolean:
    case AttributeValue::Kind::int64:
      return a.int_value() == b.int_value();
    case AttributeValue::Kind::dbl: {
      const double x = a.double_value(), y = b.double_value();
      return std::memcmp(&x, &y, sizeof x) == 0;  // bit patterns: NaN finds its series
    }
    case AttributeValue::Kind::any:
      return a.any() == b.any();
  }
  return false;
}

}  // namespace otlp::detail
