#include "record/attribute_writer.hpp"

#include "otlp/record/limits.hpp"

namespace otlp::detail {

void write_attribute(Writer& w, std::uint32_t field, std::string_view key, const AttributeValue& v,
                     std::uint32_t length_limit) {
  switch (v.kind()) {
    case AttributeValue::Kind::string: {
      std::string_view s = v.str();
      if (length_limit != kNoLimit && s.size() > length_limit) s = s.substr(0, utf8_prefix_bytes(s, length_limit));
      return kv_string(w, field, key, detail::field::any_value::string_value, s);
    }
    case AttributeValue::Kind::boolean: return kv_bool(w, field, key, v.int_value() != 0);
    case AttributeValue::Kind::int64: return kv_int(w, field, key, v.int_value());
    case AttributeValue::Kind::dbl: return kv_double(w, field, key, v.double_value());
    case AttributeValue::Kind::any:
      if (length_limit != kNoLimit) {
        AnyValue copy = v.any();
        truncate_value(copy, length_limit);
        return write_key_value(w, field, key, copy);
      }
      return write_key_value(w, field, key, v.any());
  }
}

std::uint32_t write_attribute_list(Writer& w, std::uint32_t field, const Attribute* attrs, std::size_t n,
                                   std::uint32_t count_limit, std::uint32_t length_limit) {
  std::uint32_t written = 0, dropped = 0;
  for (std::size_t i = 0; i < n; ++i) {
    bool superseded = false;
    for (std::size_t j = i + 1; j < n && !superseded; ++j) superseded = attrs[j].key == attrs[i].key;
    if (superseded) continue;
    if (written >= count_limit) {
      ++dropped;
      continue;
    }
    write_attribute(w, field, attrs[i].key, attrs[i].value, length_limit);
    ++written;
  }
  return dropped;
}

}  // namespace otlp::detail
