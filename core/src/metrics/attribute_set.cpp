#include "metrics/attribute_set.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "wire/proto_wire.hpp"

namespace otlp::detail {
namespace {

constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ull;

constexpr std::uint64_t mix(std::uint64_t x) noexcept {
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 29;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 32);
}

std::uint64_t load(const char* p, std::size_t n) noexcept {
  std::uint64_t w = 0;
  std::memcpy(&w, p, n);
  return w;
}

// Strings up to 32 bytes (nearly every key and value) are read as at most four 8-byte words,
// overlapping, multiplied independently so the steps do not wait on each other: a byte- or
// word-at-a-time chain would cost more than the rest of a recording. Longer ones take a loop.
std::uint64_t bytes_hash(std::string_view s, std::uint64_t seed) noexcept {
  const char* p = s.data();
  const std::size_t n = s.size();
  std::uint64_t a = 0, b = 0, c = 0, d = 0;
  if (n >= 8) {
    a = load(p, 8);
    b = load(p + n - 8, 8);
    if (n > 16) {
      c = load(p + 8, 8);
      d = load(p + n - 16, 8);
    }
    if (n > 32) {
      std::uint64_t h = 0;
      for (std::size_t i = 16; i + 8 <= n - 16; i += 8) h = (h ^ load(p + i, 8)) * kMul;
      c ^= h ^ load(p + n - 24, 8) * 0xC2B2AE3D27D4EB4Full;  // the loop's last, partial word
    }
  } else if (n >= 4) {
    a = load(p, 4);
    b = load(p + n - 4, 4);
  } else if (n > 0) {
    a = static_cast<std::uint64_t>(static_cast<unsigned char>(p[0])) |
        static_cast<std::uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8 |
        static_cast<std::uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16;
  }
  const std::uint64_t h = (a ^ seed) * 0xA0761D6478BD642Full ^ (b + n) * 0xE7037ED1A0B428DBull ^
                          (c ^ 0x8EBC6AF09C88C6E3ull) * 0x589965CC75374CC3ull ^ d * 0x1D8E4E27C47D124Full;
  return h ^ (h >> 32);
}

std::uint64_t value_hash(const AttributeValue& v) noexcept {
  const auto kind = static_cast<std::uint64_t>(v.kind()) + 1;
  switch (v.kind()) {
    case AttributeValue::Kind::string:
      return bytes_hash(v.str(), kind);
    case AttributeValue::Kind::boolean:
    case AttributeValue::Kind::int64:
      return (static_cast<std::uint64_t>(v.int_value()) + kind) * 0xBF58476D1CE4E5B9ull;
    case AttributeValue::Kind::dbl:
      return (double_bits(v.double_value()) + kind) * 0x94D049BB133111EBull;
    case AttributeValue::Kind::any:
      break;  // rare: equal hashes, told apart by the comparison
  }
  return kind;
}

}  // namespace

std::uint64_t attribute_hash(const Attribute* attrs, std::size_t n) noexcept {
  std::uint64_t sum = 0;  // a sum: the same whatever the order
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t v = value_hash(attrs[i].value);
    sum += (bytes_hash(attrs[i].key, 0) ^ (v << 23 | v >> 41)) * kMul;
  }
  return mix(sum + n);
}

AttributeSet::AttributeSet(const Attribute* attrs, std::size_t n) {
  // Canonical order: by key; of a key given twice, the last value.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return attrs[a].key < attrs[b].key; });
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < n; ++i) {
    if (i + 1 < n && attrs[order[i]].key == attrs[order[i + 1]].key) continue;
    kept.push_back(order[i]);
  }
  std::size_t bytes = 0;
  for (const std::size_t i : kept) {
    bytes += attrs[i].key.size();
    if (attrs[i].value.kind() == AttributeValue::Kind::string) bytes += attrs[i].value.str().size();
  }
  arena_ = std::make_unique<char[]>(bytes == 0 ? 1 : bytes);
  char* p = arena_.get();
  const auto copy = [&p](std::string_view s) {
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    const std::string_view out(p, s.size());
    p += s.size();
    return out;
  };
  entries_.reserve(kept.size());
  for (const std::size_t i : kept) {
    const std::string_view key = copy(attrs[i].key);
    const AttributeValue& v = attrs[i].value;
    if (v.kind() == AttributeValue::Kind::string) {
      entries_.push_back({key, AttributeValue(copy(v.str()))});
    } else if (v.kind() == AttributeValue::Kind::any) {
      anys_.push_back(std::make_unique<AnyValue>(v.any()));
      entries_.push_back({key, AttributeValue(*anys_.back())});
    } else {
      entries_.push_back({key, v});
    }
  }
  hash_ = attribute_hash(entries_.data(), entries_.size());
}

bool AttributeSet::matches(const Attribute* attrs, std::size_t n) const noexcept {
  if (n != entries_.size()) return false;
  if (n > 64) {  // beyond the mask below: the slower check that no key repeats
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = i + 1; j < n; ++j)
        if (same_key(attrs[i].key, attrs[j].key)) return false;
  }
  std::uint64_t seen = 0;  // each stored entry matched once, so a repeated key cannot pass
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t j = i;  // most callers pass the keys in the same order every time
    if (!same_key(attrs[i].key, entries_[j].key)) {
      for (j = 0; j < n && !same_key(attrs[i].key, entries_[j].key); ++j) {
      }
      if (j == n) return false;
    }
    if (n <= 64) {
      const std::uint64_t bit = std::uint64_t{1} << j;
      if (seen & bit) return false;
      seen |= bit;
    }
    if (!same_value(attrs[i].value, entries_[j].value)) return false;
  }
  return true;
}

}  // namespace otlp::detail
