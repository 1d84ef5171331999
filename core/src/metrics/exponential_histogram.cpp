#include "metrics/exponential_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace otlp::detail {

std::int32_t exponential_bucket_index(double v, std::int32_t scale) noexcept {
  int exp = 0;
  const double f = std::frexp(v, &exp);  // v = f * 2^exp, f in [0.5, 1), subnormals included
  const bool power_of_two = f == 0.5;
  const std::int32_t e = exp - 1;  // v = m * 2^e with m = 2f in [1, 2)
  if (scale <= 0) {
    // At scale 0 the bucket is ceil(log2 v) - 1; a lower scale merges 2^-scale of them.
    const std::int32_t at_zero = power_of_two ? e - 1 : e;
    return at_zero >> -scale;
  }
  // An exact power of two is the upper bound of the last bucket of the exponent below; the log
  // would land on either side of it.
  if (power_of_two) return e * (std::int32_t{1} << scale) - 1;
  // m in (1, 2): its bucket within the exponent, ceil(log2(m) * 2^scale) - 1. A faithfully
  // rounded log2 of m in (1, 2) lies in (0, 1], so the bucket stays within the exponent's.
  const double x = std::ldexp(std::log2(2 * f), scale);
  return e * (std::int32_t{1} << scale) + static_cast<std::int32_t>(std::ceil(x)) - 1;
}

namespace {

// The smallest n with (hi >> n) - (lo >> n) + 1 <= max_size (max_size >= 2, so n <= 31).
std::int32_t shift_to_fit(std::int32_t lo, std::int32_t hi, std::uint32_t max_size) noexcept {
  std::int32_t n = 0;
  while (std::int64_t{hi >> n} - (lo >> n) + 1 > max_size) ++n;
  return n;
}

}  // namespace

std::size_t ExponentialBuckets::slot(std::int32_t index) const noexcept {
  const auto n = static_cast<std::int64_t>(ring_.size());
  const std::int64_t d = (std::int64_t{index} - base_) % n;
  return static_cast<std::size_t>(d < 0 ? d + n : d);
}

std::uint64_t ExponentialBuckets::operator[](std::size_t k) const noexcept {
  return ring_[slot(static_cast<std::int32_t>(start_ + static_cast<std::int64_t>(k)))];
}

bool ExponentialBuckets::fits(std::int32_t lo, std::int32_t hi, std::uint32_t max_size) const noexcept {
  if (!empty()) {
    lo = std::min(lo, start_);
    hi = std::max(hi, end_);
  }
  return std::int64_t{hi} - lo + 1 <= max_size;
}

void ExponentialBuckets::add(std::int32_t index, std::uint64_t n, std::uint32_t max_size) {
  if (ring_.empty()) ring_.assign(max_size, 0);
  if (empty()) {
    base_ = start_ = end_ = index;
  } else {
    start_ = std::min(start_, index);
    end_ = std::max(end_, index);
  }
  ring_[slot(index)] += n;
  total_ += n;
}

void ExponentialBuckets::downscale(std::int32_t by) noexcept {
  if (empty() || by == 0) return;
  // Unroll the ring so that slot k holds index start_ + k, then fold in place: bucket k moves to
  // a slot at or below k, already read.
  std::rotate(ring_.begin(), ring_.begin() + static_cast<std::ptrdiff_t>(slot(start_)), ring_.end());
  const std::size_t n = size();
  const std::int32_t new_start = start_ >> by;
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint64_t c = ring_[k];
    ring_[k] = 0;
    const auto index = static_cast<std::int32_t>(start_ + static_cast<std::int64_t>(k));
    ring_[static_cast<std::size_t>((index >> by) - new_start)] += c;
  }
  start_ = base_ = new_start;
  end_ >>= by;
}

void ExponentialBuckets::clear() noexcept {
  std::fill(ring_.begin(), ring_.end(), 0);
  total_ = 0;
}

ExponentialHistogram::ExponentialHistogram(const ExponentialHistogramOptions& options) noexcept
    : max_size_(std::max<std::uint32_t>(options.max_size, 2)),
      scale_(std::clamp<std::int32_t>(options.max_scale, -10, 20)),
      zero_threshold_(options.zero_threshold > 0 ? options.zero_threshold : 0),
      min_(std::numeric_limits<double>::infinity()),
      max_(-std::numeric_limits<double>::infinity()) {}

bool ExponentialHistogram::record(double v) {
  if (!std::isfinite(v)) return false;
  ++count_;
  sum_ += v;
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
  const double magnitude = std::fabs(v);
  if (magnitude <= zero_threshold_) {
    ++zero_count_;
    return true;
  }
  ExponentialBuckets& buckets = v > 0 ? positive_ : negative_;
  std::int32_t index = exponential_bucket_index(magnitude, scale_);
  if (!buckets.fits(index, index, max_size_)) {
    const std::int32_t by =
        shift_to_fit(std::min(index, buckets.start_), std::max(index, buckets.end_), max_size_);
    downscale(by);
    index >>= by;
  }
  buckets.add(index, 1, max_size_);
  return true;
}

void ExponentialHistogram::downscale(std::int32_t by) noexcept {
  positive_.downscale(by);
  negative_.downscale(by);
  scale_ -= by;
}

void ExponentialHistogram::merge(const ExponentialHistogram& other) {
  const std::int32_t scale = std::min(scale_, other.scale_);
  const std::int32_t mine = scale_ - scale;
  const std::int32_t theirs = other.scale_ - scale;
  // Lower the common scale further until each sign's union fits.
  std::int32_t extra = 0;
  for (auto [a, b] : {std::pair{&positive_, &other.positive_}, std::pair{&negative_, &other.negative_}}) {
    if (b->empty()) continue;
    std::int32_t lo = b->start_ >> theirs;
    std::int32_t hi = b->end_ >> theirs;
    if (!a->empty()) {
      lo = std::min(lo, a->start_ >> mine);
      hi = std::max(hi, a->end_ >> mine);
    }
    extra = std::max(extra, shift_to_fit(lo, hi, max_size_));
  }
  downscale(mine + extra);
  // Merging with itself needs no copy: the scale stays, and bucket k is read before it is added to.
  const std::int32_t shift = theirs + extra;
  for (auto [a, b] : {std::pair{&positive_, &other.positive_}, std::pair{&negative_, &other.negative_}}) {
    for (std::size_t k = 0; k < b->size(); ++k) {
      const std::uint64_t c = (*b)[k];
      if (c == 0) continue;
      const auto index = static_cast<std::int32_t>(b->start_ + static_cast<std::int64_t>(k));
      a->add(index >> shift, c, max_size_);
    }
  }
  count_ += other.count_;
  zero_count_ += other.zero_count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  zero_threshold_ = std::max(zero_threshold_, other.zero_threshold_);
}

void ExponentialHistogram::reset() noexcept {
  positive_.clear();
  negative_.clear();
  count_ = zero_count_ = 0;
  sum_ = 0;
  min_ = std::numeric_limits<double>::infinity();
  max_ = -std::numeric_limits<double>::infinity();
}

}  // namespace otlp::detail
