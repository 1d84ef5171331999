#include <gtest/gtest.h>

#include "otlp/record/limits.hpp"

namespace otlp {
namespace {

TEST(Limits, SpecDefaults) {
  SpanLimits l;
  EXPECT_EQ(l.attribute_count, 128u);
  EXPECT_EQ(l.attribute_value_length, kNoLimit);
  EXPECT_EQ(l.event_count, 128u);
  EXPECT_EQ(l.link_count, 128u);
  EXPECT_EQ(l.attributes_per_event, 128u);
  EXPECT_EQ(l.attributes_per_link, 128u);
}

TEST(Limits, AttributeCountDropsAndCounts) {
  SpanLimits l;
  l.attribute_count = 2;
  SpanData s;
  EXPECT_TRUE(set_attribute(s, "a", 1, l));
  EXPECT_TRUE(set_attribute(s, "b", 2, l));
  EXPECT_FALSE(set_attribute(s, "c", 3, l));
  EXPECT_FALSE(set_attribute(s, "d", 4, l));
  ASSERT_EQ(s.attributes.size(), 2u);
  EXPECT_EQ(s.dropped_attributes_count, 2u);
  // Overwriting an existing key is not a drop, even when full.
  EXPECT_TRUE(set_attribute(s, "a", "x", l));
  EXPECT_EQ(s.attributes[0].value, AnyValue("x"));
  EXPECT_EQ(s.dropped_attributes_count, 2u);
}

TEST(Limits, ValueLengthTruncatesStringsAtCodePoints) {
  SpanLimits l;
  l.attribute_value_length = 3;
  SpanData s;
  set_attribute(s, "ascii", "abcdef", l);
  set_attribute(s, "utf8", "\xc3\xa9\xe4\xb8\xad\xf0\x9f\x99\x82z", l);  // é 中 🙂 z
  set_attribute(s, "short", "ab", l);
  set_attribute(s, "int", 123456789, l);
  set_attribute(s, "bytes", AnyValue::bytes("abcdef"), l);  // the spec limits strings only
  set_attribute(s, "array", AnyValue::array_of({"abcdef", 5, "xy"}), l);
  EXPECT_EQ(s.attributes[0].value.str, "abc");
  EXPECT_EQ(s.attributes[1].value.str, "\xc3\xa9\xe4\xb8\xad\xf0\x9f\x99\x82");
  EXPECT_EQ(s.attributes[2].value.str, "ab");
  EXPECT_EQ(s.attributes[3].value.int_value, 123456789);
  EXPECT_EQ(s.attributes[4].value.str, "abcdef");
  EXPECT_EQ(s.attributes[5].value.array[0].str, "abc");
  EXPECT_EQ(s.attributes[5].value.array[2].str, "xy");
  EXPECT_EQ(s.dropped_attributes_count, 0u);
}

TEST(Limits, TruncationNeverSplitsOrOverrunsMalformedUtf8) {
  AnyValue v(std::string("\xf0\x9f", 2));  // a 4-byte lead cut short
  truncate_value(v, 1);
  EXPECT_EQ(v.str, std::string("\xf0\x9f", 2));
  AnyValue w(std::string("\x80\x80\x80", 3));  // stray continuation bytes count one each
  truncate_value(w, 2);
  EXPECT_EQ(w.str.size(), 2u);
}

TEST(Limits, EventsAndLinksDropAndCount) {
  SpanLimits l;
  l.event_count = 1;
  l.link_count = 2;
  l.attributes_per_event = 1;
  l.attributes_per_link = 0;
  SpanData s;
  Event e;
  e.name = "first";
  e.attributes = {{"a", 1}, {"b", 2}, {"c", 3}};
  EXPECT_TRUE(add_event(s, e, l));
  EXPECT_FALSE(add_event(s, e, l));
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.dropped_events_count, 1u);
  EXPECT_EQ(s.events[0].attributes.size(), 1u);
  EXPECT_EQ(s.events[0].dropped_attributes_count, 2u);

  Link link;
  link.attributes = {{"k", "v"}};
  EXPECT_TRUE(add_link(s, link, l));
  EXPECT_TRUE(add_link(s, link, l));
  EXPECT_FALSE(add_link(s, link, l));
  EXPECT_EQ(s.links.size(), 2u);
  EXPECT_EQ(s.dropped_links_count, 1u);
  EXPECT_TRUE(s.links[0].attributes.empty());
  EXPECT_EQ(s.links[0].dropped_attributes_count, 1u);
}

TEST(Limits, ApplyLimitsToWholeSpanKeepsFirstAndMergesDuplicates) {
  SpanLimits l;
  l.attribute_count = 2;
  l.event_count = 0;
  l.attribute_value_length = 1;
  SpanData s;
  s.attributes = {{"a", "xx"}, {"a", "yy"}, {"b", 1}, {"c", 2}};
  s.dropped_attributes_count = 5;  // dropped before: kept and added to
  s.events.resize(3);
  apply_limits(s, l);
  ASSERT_EQ(s.attributes.size(), 2u);
  EXPECT_EQ(s.attributes[0].key, "a");
  EXPECT_EQ(s.attributes[0].value.str, "y");  // the later value of a duplicate key wins
  EXPECT_EQ(s.attributes[1].key, "b");
  EXPECT_EQ(s.dropped_attributes_count, 6u);
  EXPECT_TRUE(s.events.empty());
  EXPECT_EQ(s.dropped_events_count, 3u);
}

}  // namespace
}  // namespace otlp
