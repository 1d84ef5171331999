#include "otlp/record/limits.hpp"

#include <algorithm>

namespace otlp {

std::size_t utf8_prefix_bytes(std::string_view s, std::uint32_t max_code_points) {
  std::size_t i = 0;
  for (std::uint32_t n = 0; n < max_code_points && i < s.size(); ++n) {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::size_t len = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : (lead >> 3) == 0x1e ? 4 : 1;
    std::size_t j = 1;
    while (j < len && i + j < s.size() && (static_cast<unsigned char>(s[i + j]) & 0xc0) == 0x80) ++j;
    i += j;  // a sequence cut short by a non-continuation byte counts as what it had
  }
  return i;
}

void truncate_value(AnyValue& value, std::uint32_t max_code_points) {
  if (max_code_points == kNoLimit) return;
  switch (value.kind) {
    case AnyValue::Kind::string:
      if (value.str.size() > max_code_points) value.str.resize(utf8_prefix_bytes(value.str, max_code_points));
      break;
    case AnyValue::Kind::array:
      for (auto& v : value.array) truncate_value(v, max_code_points);
      break;
    case AnyValue::Kind::kvlist:
      for (auto& kv : value.kvlist) truncate_value(kv.value, max_code_points);
      break;
    default: break;
  }
}

bool set_attribute(Attributes& attrs, std::uint32_t& dropped, std::string_view key, AnyValue value,
                   std::uint32_t count_limit, std::uint32_t value_length_limit) {
  truncate_value(value, value_length_limit);
  for (auto& kv : attrs) {
    if (kv.key == key) {
      kv.value = std::move(value);
      return true;
    }
  }
  if (attrs.size() >= count_limit) {
    ++dropped;
    return false;
  }
  attrs.push_back(KeyValue{std::string(key), std::move(value)});
  return true;
}

bool set_attribute(SpanData& span, std::string_view key, AnyValue value, const SpanLimits& limits) {
  return set_attribute(span.attributes, span.dropped_attributes_count, key, std::move(value),
                       limits.attribute_count, limits.attribute_value_length);
}

namespace {

// Keeps the first `count_limit` attributes (later duplicates of a key overwrite earlier ones).
void limit_attributes(Attributes& attrs, std::uint32_t& dropped, std::uint32_t count_limit,
                      std::uint32_t value_length_limit) {
  Attributes kept;
  kept.reserve(std::min<std::size_t>(attrs.size(), count_limit));
  for (auto& kv : attrs) set_attribute(kept, dropped, kv.key, std::move(kv.value), count_limit, value_length_limit);
  attrs = std::move(kept);
}

}  // namespace

bool add_event(SpanData& span, Event event, const SpanLimits& limits) {
  if (span.events.size() >= limits.event_count) {
    ++span.dropped_events_count;
    return false;
  }
  limit_attributes(event.attributes, event.dropped_attributes_count, limits.attributes_per_event,
                   limits.attribute_value_length);
  span.events.push_back(std::move(event));
  return true;
}

bool add_link(SpanData& span, Link link, const SpanLimits& limits) {
  if (span.links.size() >= limits.link_count) {
    ++span.dropped_links_count;
    return false;
  }
  limit_attributes(link.attributes, link.dropped_attributes_count, limits.attributes_per_link,
                   limits.attribute_value_length);
  span.links.push_back(std::move(link));
  return true;
}

void apply_limits(SpanData& span, const SpanLimits& limits) {
  limit_attributes(span.attributes, span.dropped_attributes_count, limits.attribute_count,
                   limits.attribute_value_length);
  auto events = std::move(span.events);
  span.events.clear();
  for (auto& e : events) add_event(span, std::move(e), limits);
  auto links = std::move(span.links);
  span.links.clear();
  for (auto& l : links) add_link(span, std::move(l), limits);
}

}  // namespace otlp
