// Internal: the base-2 exponential histogram aggregation (OTLP ExponentialHistogramDataPoint),
// standalone so that the metrics SDK's instruments can hold one per series.
//
// At scale s the base is 2^(2^-s); a value v > 0 falls in the bucket `index` with
// base^index < v <= base^(index+1) (upper-inclusive: an exact power of the base goes to the lower
// bucket). Negative values go to the negative buckets by their absolute value; values within
// zero_threshold (0 by default, so only ±0) go to zero_count. A value whose bucket does not fit
// within max_size buckets of its sign lowers the scale of both signs (neighbouring buckets
// merged, index >> n) to the largest scale at which it fits. NaN and ±inf are not recorded
// (record returns false): they have no bucket, and one would make the sum meaningless.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace otlp::detail {

struct ExponentialHistogramOptions {
  std::uint32_t max_size = 160;  // buckets per sign; below 2 is taken as 2
  std::int32_t max_scale = 20;   // the starting scale, within [-10, 20]
  double zero_threshold = 0;     // |v| <= this counts as zero; negative or NaN is taken as 0
};

// The bucket index of v > 0 (finite, subnormals included) at `scale` (-11 <= scale <= 20).
// Exact at exact powers of two and at every scale <= 0; at scale > 0 the index comes from log2
// of the mantissa, so a value within an ulp or two of a bucket boundary that is not a power of
// two (those boundaries are irrational, so no double equals one) may land in its neighbour.
std::int32_t exponential_bucket_index(double v, std::int32_t scale) noexcept;

// One sign's buckets: counts of the consecutive indexes [offset, offset + size()). A ring of
// max_size counts, allocated at the sign's first value, so no later value allocates.
class ExponentialBuckets {
 public:
  std::int32_t offset() const noexcept { return size() == 0 ? 0 : start_; }
  std::size_t size() const noexcept { return empty() ? 0 : static_cast<std::size_t>(std::int64_t{end_} - start_ + 1); }
  bool empty() const noexcept { return total_ == 0; }
  // The count of bucket offset() + k, k < size().
  std::uint64_t operator[](std::size_t k) const noexcept;
  // The sum of all counts.
  std::uint64_t total() const noexcept { return total_; }

 private:
  friend class ExponentialHistogram;
  // Whether indexes [lo, hi] fit in max_size buckets together with those present.
  bool fits(std::int32_t lo, std::int32_t hi, std::uint32_t max_size) const noexcept;
  // Adds n to bucket `index`, which fits (fits(index, index, ...)).
  void add(std::int32_t index, std::uint64_t n, std::uint32_t max_size);
  // Merges neighbouring buckets: index i becomes i >> by.
  void downscale(std::int32_t by) noexcept;
  void clear() noexcept;
  std::size_t slot(std::int32_t index) const noexcept;

  std::vector<std::uint64_t> ring_;  // slot of index i: (i - base_) mod max_size
  std::int32_t base_ = 0;
  std::int32_t start_ = 0;  // lowest index present (when not empty)
  std::int32_t end_ = 0;    // highest index present
  std::uint64_t total_ = 0;
};

class ExponentialHistogram {
 public:
  explicit ExponentialHistogram(const ExponentialHistogramOptions& options = {}) noexcept;

  // Records one value; false (and nothing recorded) for NaN and ±inf.
  bool record(double v);
  // Adds another histogram's values, as if each had been recorded here: both are brought to the
  // smaller of their scales, lower still if the union does not fit (turns deltas into
  // cumulatives). The zero threshold kept is the larger; buckets are not re-examined against it.
  void merge(const ExponentialHistogram& other);
  // Forgets every value but keeps the scale and the buckets' memory (a delta collection).
  void reset() noexcept;

  std::int32_t scale() const noexcept { return scale_; }
  std::uint64_t count() const noexcept { return count_; }
  std::uint64_t zero_count() const noexcept { return zero_count_; }
  double zero_threshold() const noexcept { return zero_threshold_; }
  double sum() const noexcept { return sum_; }
  double min() const noexcept { return min_; }  // of the values recorded; +inf when none
  double max() const noexcept { return max_; }  // -inf when none
  const ExponentialBuckets& positive() const noexcept { return positive_; }
  const ExponentialBuckets& negative() const noexcept { return negative_; }
  std::uint32_t max_size() const noexcept { return max_size_; }

 private:
  // Lowers the scale of both signs by `by` (> 0).
  void downscale(std::int32_t by) noexcept;

  std::uint32_t max_size_;
  std::int32_t scale_;
  double zero_threshold_;
  std::uint64_t count_ = 0;
  std::uint64_t zero_count_ = 0;
  double sum_ = 0;
  double min_;
  double max_;
  ExponentialBuckets positive_;
  ExponentialBuckets negative_;
};

}  // namespace otlp::detail
