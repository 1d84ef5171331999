// Span limits (OpenTelemetry SDK spec defaults) and the operations that honour them,
// truncating values and counting what they drop into the OTLP dropped_* fields.
#pragma once
#include <cstdint>
#include <limits>
#include <string_view>

#include "otlp/model/span.hpp"

namespace otlp {

inline constexpr std::uint32_t kNoLimit = std::numeric_limits<std::uint32_t>::max();

struct SpanLimits {
  std::uint32_t attribute_count = 128;
  std::uint32_t attribute_value_length = kNoLimit;  // in Unicode code points
  std::uint32_t event_count = 128;
  std::uint32_t link_count = 128;
  std::uint32_t attributes_per_event = 128;
  std::uint32_t attributes_per_link = 128;
};

// Byte length of the first `max_code_points` code points of UTF-8 text; a malformed byte
// counts as one code point, so the result never exceeds s.size().
std::size_t utf8_prefix_bytes(std::string_view s, std::uint32_t max_code_points);

// Truncates a string value (or each string of an array, recursively through arrays and
// key-value lists) to at most `max_code_points`, never splitting a UTF-8 sequence.
void truncate_value(AnyValue& value, std::uint32_t max_code_points);

// Sets `key` to `value`: an existing key is overwritten in place; a new key is appended
// while fewer than `count_limit` attributes are held, otherwise it is dropped and counted.
// Returns false when dropped.
bool set_attribute(Attributes& attrs, std::uint32_t& dropped, std::string_view key, AnyValue value,
                   std::uint32_t count_limit, std::uint32_t value_length_limit);

// Span-level helpers applying the limits of `limits`.
bool set_attribute(SpanData& span, std::string_view key, AnyValue value, const SpanLimits& limits);
bool add_event(SpanData& span, Event event, const SpanLimits& limits);
bool add_link(SpanData& span, Link link, const SpanLimits& limits);

// Brings a span built wholesale within limits (e.g. one decoded from the network).
void apply_limits(SpanData& span, const SpanLimits& limits);

}  // namespace otlp
