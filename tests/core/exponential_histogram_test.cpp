// The base-2 exponential histogram against straightforward references: a bucket index found by
// walking boundaries 2^(k / 2^scale) computed in long double (exact where the boundary is a power
// of two), and bucket counts tallied value by value from those indexes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <vector>

#include "metrics/exponential_histogram.hpp"

namespace otlp::detail {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// base^k = 2^(k / 2^scale): a power of two when 2^scale divides k (or scale <= 0), exact then.
long double boundary(std::int64_t k, int scale) {
  if (scale <= 0) return std::ldexp(1.0L, static_cast<int>(k * (std::int64_t{1} << -scale)));
  const std::int64_t per_exponent = std::int64_t{1} << scale;
  const std::int64_t whole = k >= 0 ? k / per_exponent : -((-k + per_exponent - 1) / per_exponent);
  const std::int64_t rest = k - whole * per_exponent;
  const long double fraction = rest == 0 ? 1.0L : std::exp2(static_cast<long double>(rest) / per_exponent);
  return std::ldexp(fraction, static_cast<int>(whole));
}

// The k with base^k < v <= base^(k+1), v > 0.
std::int64_t reference_index(double v, int scale) {
  const long double x = v;
  auto k = static_cast<std::int64_t>(std::floor(std::log2(x) * std::ldexp(1.0L, scale)));
  while (boundary(k, scale) >= x) --k;
  while (boundary(k + 1, scale) < x) ++k;
  return k;
}

// Powers of two from the smallest subnormal to the largest, each with its neighbours; the
// smallest normal, the largest double; seeded random values over the whole range.
std::vector<double> index_probes() {
  std::vector<double> out;
  for (int e = -1074; e <= 1023; ++e) {
    const double p = std::ldexp(1.0, e);
    out.push_back(p);
    if (e > -1074) out.push_back(std::nextafter(p, 0.0));
    out.push_back(std::nextafter(p, kInf));
  }
  constexpr double kMax = std::numeric_limits<double>::max();
  for (double v : {std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::min(),
                   std::nextafter(std::numeric_limits<double>::min(), 0.0), kMax, std::nextafter(kMax, 0.0),
                   3.0, 0.1, 1.5, 2.5, 1e-300, 1e300, 5e-324 * 3})
    out.push_back(v);
  std::mt19937_64 rng(15);
  std::uniform_int_distribution<int> exponent(-1074, 1023);
  std::uniform_real_distribution<double> mantissa(1.0, 2.0);
  for (int i = 0; i < 2000; ++i) out.push_back(std::ldexp(mantissa(rng), exponent(rng)));
  return out;
}

TEST(ExponentialBucketIndex, EveryScaleAgainstLongDoubleBoundaries) {
  const std::vector<double> probes = index_probes();
  for (int scale = -10; scale <= 20; ++scale) {
    int wrong = 0;
    for (double v : probes) {
      const std::int64_t want = reference_index(v, scale);
      const std::int32_t got = exponential_bucket_index(v, scale);
      if (got != want && ++wrong <= 5) ADD_FAILURE() << "scale " << scale << " v " << v << " (" << std::hexfloat << v
                                                     << std::defaultfloat << "): " << got << ", want " << want;
    }
    EXPECT_EQ(wrong, 0) << "scale " << scale;
  }
}

TEST(ExponentialBucketIndex, ExactPowersOfTwoGoToTheLowerBucket) {
  for (int scale = -10; scale <= 20; ++scale) {
    const std::int64_t per_exponent = scale >= 0 ? std::int64_t{1} << scale : 1;
    for (int e : {-1074, -1022, -1, 0, 1, 10, 1023}) {
      const std::int64_t at_zero = e - 1;  // (2^(e-1), 2^e] at scale 0
      const std::int64_t want = scale >= 0 ? (at_zero + 1) * per_exponent - 1 : at_zero >> -scale;
      EXPECT_EQ(exponential_bucket_index(std::ldexp(1.0, e), scale), want) << "2^" << e << " scale " << scale;
    }
  }
  EXPECT_EQ(exponential_bucket_index(1.0, 20), -1);
  EXPECT_EQ(exponential_bucket_index(std::nextafter(1.0, 2.0), 20), 0);
  EXPECT_EQ(exponential_bucket_index(std::numeric_limits<double>::max(), 20), (1024 << 20) - 1);
  EXPECT_EQ(exponential_bucket_index(std::numeric_limits<double>::denorm_min(), 20), -1074 * (1 << 20) - 1);
  EXPECT_EQ(exponential_bucket_index(std::numeric_limits<double>::denorm_min(), -10), -2);
  EXPECT_EQ(exponential_bucket_index(std::numeric_limits<double>::max(), -10), 0);
}

// Bucket counts per index at `scale` for the values of one sign, from the reference index.
std::map<std::int64_t, std::uint64_t> reference_counts(const std::vector<double>& values, int scale, bool positive,
                                                       double zero_threshold = 0) {
  std::map<std::int64_t, std::uint64_t> out;
  for (double v : values)
    if (std::fabs(v) > zero_threshold && (v > 0) == positive) ++out[reference_index(std::fabs(v), scale)];
  return out;
}

std::map<std::int64_t, std::uint64_t> counts_of(const ExponentialBuckets& b) {
  std::map<std::int64_t, std::uint64_t> out;
  for (std::size_t k = 0; k < b.size(); ++k)
    if (b[k] != 0) out[b.offset() + static_cast<std::int64_t>(k)] = b[k];
  return out;
}

// The largest scale <= max_scale at which each sign's values span at most max_size buckets.
int reference_scale(const std::vector<double>& values, int max_scale, std::uint32_t max_size,
                    double zero_threshold = 0) {
  for (int scale = max_scale;; --scale) {
    bool fits = true;
    for (bool positive : {true, false}) {
      const auto counts = reference_counts(values, scale, positive, zero_threshold);
      if (!counts.empty() && counts.rbegin()->first - counts.begin()->first + 1 > max_size) fits = false;
    }
    if (fits) return scale;
  }
}

void expect_matches_reference(const ExponentialHistogram& h, const std::vector<double>& values, int max_scale = 20) {
  EXPECT_EQ(h.scale(), reference_scale(values, max_scale, h.max_size(), h.zero_threshold()));
  EXPECT_EQ(counts_of(h.positive()), reference_counts(values, h.scale(), true, h.zero_threshold()));
  EXPECT_EQ(counts_of(h.negative()), reference_counts(values, h.scale(), false, h.zero_threshold()));
  EXPECT_LE(h.positive().size(), h.max_size());
  EXPECT_LE(h.negative().size(), h.max_size());
  EXPECT_EQ(h.count(), values.size());
  EXPECT_EQ(h.positive().total() + h.negative().total() + h.zero_count(), h.count());
}

TEST(ExponentialHistogram, StartsAtTheMaxScale) {
  ExponentialHistogram h;
  EXPECT_EQ(h.scale(), 20);
  EXPECT_EQ(h.max_size(), 160u);
  ASSERT_TRUE(h.record(1.5));
  EXPECT_EQ(h.scale(), 20);
  EXPECT_EQ(h.positive().offset(), exponential_bucket_index(1.5, 20));
  EXPECT_EQ(h.positive().size(), 1u);
  EXPECT_EQ(h.positive()[0], 1u);
  EXPECT_TRUE(h.negative().empty());

  ExponentialHistogram low({.max_size = 160, .max_scale = 3});
  EXPECT_EQ(low.scale(), 3);
}

TEST(ExponentialHistogram, AFarValueLowersTheScaleToTheLargestThatFits) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> near_one(1.0, 1.001);
  std::vector<double> values;
  ExponentialHistogram h;
  for (int i = 0; i < 500; ++i) {
    values.push_back(near_one(rng));
    h.record(values.back());
  }
  EXPECT_EQ(h.scale(), reference_scale(values, 20, 160));
  const int before = h.scale();
  values.push_back(1e6);
  h.record(1e6);
  EXPECT_LT(h.scale(), before);
  expect_matches_reference(h, values);
  // The far value's bucket is the last one, the first values' merged buckets the first.
  EXPECT_EQ(h.positive().offset() + static_cast<std::int64_t>(h.positive().size()) - 1,
            reference_index(1e6, h.scale()));

  // A far value below the others: the window grows downwards, through the ring's start.
  values.push_back(1e-6);
  h.record(1e-6);
  expect_matches_reference(h, values);
}

TEST(ExponentialHistogram, DescendingValuesWrapTheRing) {
  ExponentialHistogram h({.max_size = 8, .max_scale = 0});
  std::vector<double> values;
  for (int e = 0; e > -8; --e) {
    values.push_back(std::ldexp(1.5, e));
    h.record(values.back());
  }
  EXPECT_EQ(h.scale(), 0);
  expect_matches_reference(h, values, 0);
  values.push_back(std::ldexp(1.5, 1));  // one above: a ninth bucket, so two merge
  h.record(values.back());
  EXPECT_EQ(h.scale(), -1);
  expect_matches_reference(h, values, 0);
}

TEST(ExponentialHistogram, ManyRandomValuesStayWithinMaxSizeAndConserveTheCount) {
  std::mt19937_64 rng(1515);
  for (auto [lo, hi] : {std::pair{-3, 3}, std::pair{-40, 40}, std::pair{-1074, 1023}}) {
    std::uniform_int_distribution<int> exponent(lo, hi);
    std::uniform_real_distribution<double> mantissa(1.0, 2.0);
    std::bernoulli_distribution negative(0.3);
    ExponentialHistogram h;
    std::vector<double> values;
    for (int i = 0; i < 3000; ++i) {
      const double v = std::ldexp(mantissa(rng), exponent(rng)) * (negative(rng) ? -1 : 1);
      values.push_back(v);
      h.record(v);
      ASSERT_LE(h.positive().size(), 160u);
      ASSERT_LE(h.negative().size(), 160u);
    }
    SCOPED_TRACE(hi);
    expect_matches_reference(h, values);
  }
}

TEST(ExponentialHistogram, NegativeValuesByTheirMagnitude) {
  ExponentialHistogram h;
  const std::vector<double> values = {-1.0, -1.5, -2.0, 4.0, -0.25};
  for (double v : values) h.record(v);
  expect_matches_reference(h, values);
  EXPECT_EQ(h.negative().total(), 4u);
  EXPECT_EQ(h.positive().total(), 1u);
  EXPECT_EQ(counts_of(h.negative())[exponential_bucket_index(1.5, h.scale())], 1u);
}

TEST(ExponentialHistogram, ZerosAndTheZeroThreshold) {
  ExponentialHistogram h;
  h.record(0.0);
  h.record(-0.0);
  h.record(std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(h.zero_count(), 2u);
  EXPECT_EQ(h.positive().total(), 1u);
  EXPECT_EQ(h.count(), 3u);

  ExponentialHistogram t({.max_size = 160, .max_scale = 20, .zero_threshold = 0.5});
  const std::vector<double> values = {0.5, -0.5, 0.25, std::nextafter(0.5, 1.0), -0.75, 0.0};
  for (double v : values) t.record(v);
  EXPECT_EQ(t.zero_threshold(), 0.5);
  EXPECT_EQ(t.zero_count(), 4u);  // |v| <= threshold
  EXPECT_EQ(t.positive().total(), 1u);
  EXPECT_EQ(t.negative().total(), 1u);
  expect_matches_reference(t, values);

  // A negative or NaN threshold counts only zeros as zero.
  for (double bad : {-1.0, std::nan("")}) {
    ExponentialHistogram b({.max_size = 160, .max_scale = 20, .zero_threshold = bad});
    EXPECT_EQ(b.zero_threshold(), 0.0);
    b.record(1e-300);
    EXPECT_EQ(b.zero_count(), 0u);
  }
}

TEST(ExponentialHistogram, CountSumMinMax) {
  ExponentialHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), kInf);
  EXPECT_EQ(h.max(), -kInf);
  for (double v : {2.0, -3.0, 0.0, 10.5}) h.record(v);
  EXPECT_EQ(h.count(), 4u);
  EXPECT_EQ(h.sum(), 9.5);
  EXPECT_EQ(h.min(), -3.0);
  EXPECT_EQ(h.max(), 10.5);
}

TEST(ExponentialHistogram, NaNAndInfinitiesAreNotRecorded) {
  ExponentialHistogram h;
  h.record(1.0);
  for (double v : {std::nan(""), kInf, -kInf}) EXPECT_FALSE(h.record(v));
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(h.sum(), 1.0);
  EXPECT_EQ(h.max(), 1.0);
  EXPECT_EQ(h.min(), 1.0);
  EXPECT_EQ(h.positive().total(), 1u);
  EXPECT_EQ(h.scale(), 20);
  EXPECT_TRUE(h.record(std::numeric_limits<double>::max()));
  EXPECT_TRUE(h.record(-std::numeric_limits<double>::max()));
}

TEST(ExponentialHistogram, OptionsOutsideTheirRangeAreClamped) {
  ExponentialHistogram high({.max_size = 0, .max_scale = 40});
  EXPECT_EQ(high.scale(), 20);
  EXPECT_EQ(high.max_size(), 2u);
  EXPECT_EQ(ExponentialHistogram({.max_size = 160, .max_scale = -40}).scale(), -10);
  // Two buckets hold the whole range of doubles only below scale -10.
  const std::vector<double> values = {std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max(),
                                      1.0, 3.0};
  for (double v : values) high.record(v);
  EXPECT_EQ(high.scale(), -11);
  expect_matches_reference(high, values);
}

std::vector<double> spread(std::uint64_t seed, int lo, int hi, int n) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> exponent(lo, hi);
  std::uniform_real_distribution<double> mantissa(-2.0, 2.0);
  std::vector<double> out;
  for (int i = 0; i < n; ++i) out.push_back(std::ldexp(mantissa(rng), exponent(rng)));
  return out;
}

void expect_same(const ExponentialHistogram& a, const ExponentialHistogram& b) {
  EXPECT_EQ(a.scale(), b.scale());
  EXPECT_EQ(counts_of(a.positive()), counts_of(b.positive()));
  EXPECT_EQ(counts_of(a.negative()), counts_of(b.negative()));
  EXPECT_EQ(a.count(), b.count());
  EXPECT_EQ(a.zero_count(), b.zero_count());
  EXPECT_NEAR(a.sum(), b.sum(), 1e-9 * std::fabs(b.sum()));
  EXPECT_EQ(a.min(), b.min());
  EXPECT_EQ(a.max(), b.max());
}

TEST(ExponentialHistogram, MergeOfDifferentScalesEqualsRecordingAllIntoOne) {
  const std::vector<double> narrow = spread(1, 0, 1, 400);    // stays at a high scale
  const std::vector<double> wide = spread(2, -60, 60, 400);   // a low one
  const std::vector<double> far = spread(3, 200, 220, 100);   // its union with narrow needs lower still
  for (const auto& [first, second] : {std::pair{&narrow, &wide}, std::pair{&wide, &narrow},
                                      std::pair{&narrow, &far}, std::pair{&far, &narrow}}) {
    ExponentialHistogram a, b, all;
    for (double v : *first) a.record(v), all.record(v);
    for (double v : *second) b.record(v), all.record(v);
    a.merge(b);
    expect_same(a, all);
  }
  ExponentialHistogram h, empty;
  for (double v : wide) h.record(v);
  const int scale = h.scale();
  h.merge(empty);
  EXPECT_EQ(h.scale(), scale);
  EXPECT_EQ(h.count(), wide.size());
  empty.merge(h);
  expect_same(empty, h);
}

TEST(ExponentialHistogram, MergeKeepsTheLargerZeroThreshold) {
  ExponentialHistogram a, b({.max_size = 160, .max_scale = 20, .zero_threshold = 0.5});
  a.record(0.25);
  b.record(0.25);
  a.merge(b);
  EXPECT_EQ(a.zero_threshold(), 0.5);
  EXPECT_EQ(a.zero_count(), 1u);  // b's; a's own bucket is not re-examined
  EXPECT_EQ(a.positive().total(), 1u);
  b.merge(ExponentialHistogram{});
  EXPECT_EQ(b.zero_threshold(), 0.5);
}

TEST(ExponentialHistogram, MergeWithItselfDoublesEveryCount) {
  ExponentialHistogram h, twice;
  for (double v : spread(4, -5, 5, 300)) h.record(v), twice.record(v), twice.record(v);
  h.merge(h);
  expect_same(h, twice);
}

TEST(ExponentialHistogram, DeltasMergedIntoACumulative) {
  ExponentialHistogram delta, cumulative, all;
  for (std::uint64_t collection = 0; collection < 4; ++collection) {
    for (double v : spread(10 + collection, -3 * static_cast<int>(collection), 3, 200)) delta.record(v), all.record(v);
    cumulative.merge(delta);
    delta.reset();
  }
  expect_same(cumulative, all);
}

TEST(ExponentialHistogram, ResetKeepsTheScale) {
  ExponentialHistogram h;
  h.record(1.0);
  h.record(1e10);
  h.record(-5.0);
  h.record(0.0);
  const int scale = h.scale();
  ASSERT_LT(scale, 20);
  h.reset();
  EXPECT_EQ(h.scale(), scale);
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.zero_count(), 0u);
  EXPECT_EQ(h.sum(), 0.0);
  EXPECT_EQ(h.min(), kInf);
  EXPECT_EQ(h.max(), -kInf);
  EXPECT_TRUE(h.positive().empty());
  EXPECT_EQ(h.positive().size(), 0u);
  EXPECT_TRUE(h.negative().empty());
  const std::vector<double> values = {3.0, 3.0, 1e-3};
  for (double v : values) h.record(v);
  EXPECT_EQ(h.scale(), scale);
  EXPECT_EQ(counts_of(h.positive()), reference_counts(values, scale, true));
}

}  // namespace
}  // namespace otlp::detail
