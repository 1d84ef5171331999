// Internal: a series' attribute set, owned and in canonical order (sorted by key, one value per
// key, the last given), with a hash that does not depend on the order the attributes came in,
// so that {a=1,b=2} and {b=2,a=1} find the same series. A recording compares its borrowed
// attributes against a stored set without building one: no allocation on the hot path.
#pragma once
#include <cstdint>
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

bool same_value(const AttributeValue& a, const AttributeValue& b) noexcept;

}  // namespace otlp::detail
