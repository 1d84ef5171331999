// Internal: borrowed attributes (attribute.hpp) written as protobuf KeyValue fields within the
// limits, for every signal's recorder (spans, their events and links, log records).
#pragma once
#include <cstdint>
#include <string_view>

#include "otlp/model/attribute.hpp"
#include "wire/proto_wire.hpp"

namespace otlp::detail {

// One KeyValue as field `field`; strings (also inside arrays and key-value lists) cut to
// `length_limit` code points.
void write_attribute(Writer& w, std::uint32_t field, std::string_view key, const AttributeValue& v,
                     std::uint32_t length_limit);

// Writes a list of attributes as `field` entries within `count_limit`; a key repeated later
// in the list is written once, with its last value. Returns how many were dropped.
std::uint32_t write_attribute_list(Writer& w, std::uint32_t field, const Attribute* attrs, std::size_t n,
                                   std::uint32_t count_limit, std::uint32_t length_limit);

}  // namespace otlp::detail
