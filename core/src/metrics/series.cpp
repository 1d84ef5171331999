#include "metrics/series.hpp"

namespace otlp::detail {

SeriesTable::Table::Table(std::size_t capacity)
    : mask(capacity - 1), slots(std::make_unique<std::atomic<Series*>[]>(capacity)) {
  for (std::size_t i = 0; i < capacity; ++i) slots[i].store(nullptr, std::memory_order_relaxed);
}

SeriesTable::SeriesTable(std::uint32_t limit, const std::vector<double>* bounds, bool exponential)
    : limit_(limit < 1 ? 1 : limit), bounds_(bounds), exponential_(exponential) {
  tables_.push_back(std::make_unique<Table>(16));
  table_.store(tables_.back().get(), std::memory_order_release);
}

SeriesTable::~SeriesTable() = default;

void SeriesTable::insert(Table& t, Series* s) noexcept {
  std::size_t i = s->attributes.hash() & t.mask;
  while (t.slots[i].load(std::memory_order_relaxed)) i = (i + 1) & t.mask;
  t.slots[i].store(s, std::memory_order_release);
}

Series& SeriesTable::add(const Attribute* attrs, std::size_t n) {
  SpinLock::Guard hold(lock_);
  // The canonical set: the borrowed list may repeat a key, and another thread may have added it.
  const AttributeSet set(attrs, n);
  Table* table = table_.load(std::memory_order_relaxed);
  if (Series* s = probe(*table, set.hash(), set.data(), set.size())) return *s;
  // The overflow series is the limit's last place. Sets past the limit come here, under the
  // lock, at every measurement: the limit is a guard against runaway attributes, not a mode.
  if (series_.size() + 1 >= limit_) {
    if (!overflow_owned_) {
      const Attribute overflow_attr{kOverflowKey, true};
      overflow_owned_ = std::make_unique<Series>(&overflow_attr, 1, bounds_, exponential_);
      overflow_.store(overflow_owned_.get(), std::memory_order_release);
    }
    return *overflow_owned_;
  }
  // Half full at most, so a probe always meets an empty slot soon.
  if ((series_.size() + 1) * 2 > table->mask + 1) {
    tables_.push_back(std::make_unique<Table>((table->mask + 1) * 2));
    for (const auto& s : series_) insert(*tables_.back(), s.get());
    table = tables_.back().get();
  }
  series_.push_back(std::make_unique<Series>(set.data(), set.size(), bounds_, exponential_));
  Series* s = series_.back().get();
  insert(*table, s);
  table_.store(table, std::memory_order_release);
  if (s->attributes.size() == 0) empty_.store(s, std::memory_order_release);
  return *s;
}

}  // namespace otlp::detail
