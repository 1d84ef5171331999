// Internal: what one request decodes into, counted against its DecodeLimits by both readers
// (protobuf and JSON) the same way, so the bounds mean one thing whatever the format.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "otlp/wire/decode.hpp"

namespace otlp::detail {

// For what is not a request (responses, status details) and for walks that build nothing.
inline constexpr DecodeLimits kNoLimits{std::numeric_limits<std::uint64_t>::max(),
                                        std::numeric_limits<std::uint64_t>::max(),
                                        std::numeric_limits<std::uint64_t>::max(),
                                        std::numeric_limits<std::uint64_t>::max()};

class DecodeBudget {
 public:
  explicit DecodeBudget(const DecodeLimits& limits) : limits_(limits) {}

  // Each charge returns the limit it would pass (nothing is charged then), or ok.
  // A span, event or link, and `size` bytes for it.
  DecodeError record(std::size_t size) {
    if (records_ == limits_.records) return DecodeError::too_many_records;
    const DecodeError e = bytes(size);
    if (e == DecodeError::ok) ++records_;
    return e;
  }
  // A KeyValue or array value, and `size` bytes for it; `in_element` counts those of its
  // element (the caller holds one counter per element).
  DecodeError attribute(std::uint64_t& in_element, std::size_t size) {
    if (in_element == limits_.attributes_per_element) return DecodeError::too_many_attributes_in_element;
    if (attributes_ == limits_.attributes) return DecodeError::too_many_attributes;
    const DecodeError e = bytes(size);
    if (e == DecodeError::ok) {
      ++in_element;
      ++attributes_;
    }
    return e;
  }
  // Any other part of the model: a string's bytes, a ResourceSpans or ScopeSpans.
  DecodeError bytes(std::size_t n) {
    if (n > limits_.decoded_bytes - used_) return DecodeError::too_many_decoded_bytes;
    used_ += n;
    return DecodeError::ok;
  }

  // At most how many of `count` items of `size` bytes the budget still pays for: a reader that
  // counts a repeated field ahead reserves no more than that.
  std::size_t affordable(std::size_t count, std::size_t size) const {
    return static_cast<std::size_t>(std::min<std::uint64_t>(count, (limits_.decoded_bytes - used_) / size));
  }

  // Room for one more item in `items`, for a reader that cannot count a repeated field ahead
  // (JSON): the vector grows by doubling, no further than the budget pays for, and what it
  // grows by is charged, so its spare capacity counts too. Such a reader charges its records
  // and attributes 0 bytes.
  template <class T>
  DecodeError room_for_one(std::vector<T>& items) {
    if (items.size() < items.capacity()) return DecodeError::ok;
    const std::size_t grow = affordable(std::max<std::size_t>(items.size(), 1), sizeof(T));
    if (grow == 0) return DecodeError::too_many_decoded_bytes;
    used_ += grow * sizeof(T);
    items.reserve(items.size() + grow);
    return DecodeError::ok;
  }

 private:
  DecodeLimits limits_;
  std::uint64_t records_ = 0;
  std::uint64_t attributes_ = 0;
  std::uint64_t used_ = 0;
};

}  // namespace otlp::detail
