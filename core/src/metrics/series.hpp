// Internal: an instrument's series, one per attribute set, and the table that finds them.
// Lookups walk an open-addressing table of atomic pointers without a lock; only adding a series
// takes the table's lock. Series live as long as their instrument (a bound instrument
// holds one), and a table outgrown stays alive beside the new one for readers still in it.
// Past the cardinality limit, new attribute sets share the overflow series.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "metrics/aggregation.hpp"
#include "metrics/attribute_set.hpp"
#include "otlp/metrics/spin_lock.hpp"

namespace otlp::detail {

struct Series {
  // A histogram cell when `bounds` are given, an exponential one when `is_exponential`.
  Series(const Attribute* attrs, std::size_t n, const std::vector<double>* bounds, bool is_exponential)
      : attributes(attrs, n), histogram(bounds ? std::make_unique<HistogramCell>(*bounds) : nullptr),
        exponential(is_exponential ? std::make_unique<ExponentialCell>() : nullptr) {}

  AttributeSet attributes;
  // Set after a measurement (mark_touched), taken by each collection: whether it has something new.
  std::atomic<bool> touched{false};
  std::atomic<std::int64_t> int_value{0};  // a sum or last value, whichever number the instrument takes
  std::atomic<double> double_value{0};
  std::unique_ptr<HistogramCell> histogram;
  std::unique_ptr<ExponentialCell> exponential;
  // The collector's own.
  bool reported = false;        // exported once: a cumulative series is exported from then on
  std::int64_t previous_int = 0;  // an observable sum's last observation (delta subtracts it)
  double previous_double = 0;
};

inline constexpr std::string_view kOverflowKey = "otel.metric.overflow";

class SeriesTable {
 public:
  // At most `limit` series, the overflow series included (a limit below 1 counts as 1);
  // `bounds` (explicit histograms), when given, outlive the table; `exponential`: each series
  // has an exponential histogram cell.
  SeriesTable(std::uint32_t limit, const std::vector<double>* bounds, bool exponential);
  ~SeriesTable();
  SeriesTable(const SeriesTable&) = delete;
  SeriesTable& operator=(const SeriesTable&) = delete;

  // The series of the borrowed set (added when new; the overflow series past the limit).
  Series& find_or_add(const Attribute* attrs, std::size_t n) {
    if (n == 0) {
      if (Series* s = empty_.load(std::memory_order_acquire)) return *s;
      return add(attrs, 0);
    }
    const std::uint64_t h = attribute_hash(attrs, n);
    if (Series* s = probe(*table_.load(std::memory_order_acquire), h, attrs, n)) return *s;
    return add(attrs, n);
  }
  Series* overflow() const noexcept { return overflow_.load(std::memory_order_acquire); }

  // Calls f(Series&) for every series there is now, the overflow one last. The lock is held
  // only to copy their addresses into `seen` (series are never removed), so a collection walking
  // thousands of series never keeps a recording thread waiting to add one.
  template <class F>
  void for_each(std::vector<Series*>& seen, F&& f) {
    seen.clear();
    {
      SpinLock::Guard hold(lock_);
      for (const auto& s : series_) seen.push_back(s.get());
    }
    for (Series* s : seen) f(*s);
    if (Series* o = overflow()) f(*o);
  }

 private:
  struct Table {
    explicit Table(std::size_t capacity);
    std::size_t mask;
    std::unique_ptr<std::atomic<Series*>[]> slots;
  };
  static Series* probe(const Table& t, std::uint64_t h, const Attribute* attrs, std::size_t n) noexcept {
    for (std::size_t i = h & t.mask;; i = (i + 1) & t.mask) {
      Series* s = t.slots[i].load(std::memory_order_acquire);
      if (!s) return nullptr;
      if (s->attributes.hash() == h && s->attributes.matches(attrs, n)) return s;
    }
  }
  Series& add(const Attribute* attrs, std::size_t n);
  void insert(Table& t, Series* s) noexcept;

  const std::uint32_t limit_;
  const std::vector<double>* bounds_;
  const bool exponential_;
  SpinLock lock_;  // adding a series
  std::atomic<Table*> table_;
  std::vector<std::unique_ptr<Table>> tables_;  // every table made, the current one last
  std::vector<std::unique_ptr<Series>> series_;
  std::atomic<Series*> empty_{nullptr};  // the series of no attributes: found without a lookup
  std::atomic<Series*> overflow_{nullptr};
  std::unique_ptr<Series> overflow_owned_;
};

}  // namespace otlp::detail
