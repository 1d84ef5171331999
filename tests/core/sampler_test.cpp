#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "otlp/model/random.hpp"
#include "otlp/trace/sampler.hpp"

namespace otlp {
namespace {

constexpr auto kSample = SamplingDecision::record_and_sample;
constexpr auto kDrop = SamplingDecision::drop;
constexpr std::uint64_t kSecond = 1'000'000'000ULL;

TraceId random_trace_id(Random& rng) {
  TraceId id;
  std::uint64_t hi = rng.next(), lo = rng.next();
  for (std::size_t i = 0; i < 8; ++i) {
    id.bytes[i] = static_cast<std::uint8_t>(hi >> (56 - 8 * i));
    id.bytes[8 + i] = static_cast<std::uint8_t>(lo >> (56 - 8 * i));
  }
  return id;
}

// A trace id whose upper 8 bytes are `hi` and lower 8 bytes are `lo`, both big-endian.
TraceId trace_id(std::uint64_t hi, std::uint64_t lo) {
  TraceId id;
  for (std::size_t i = 0; i < 8; ++i) {
    id.bytes[i] = static_cast<std::uint8_t>(hi >> (56 - 8 * i));
    id.bytes[8 + i] = static_cast<std::uint8_t>(lo >> (56 - 8 * i));
  }
  return id;
}

SpanContext parent_context(bool remote, bool sampled, const TraceId& tid = trace_id(1, 1)) {
  SpanContext c;
  c.trace_id = tid;
  c.span_id = *SpanId::from_hex("00f067aa0ba902b7");
  c.trace_flags = sampled ? 0x01 : 0x00;
  c.remote = remote;
  return c;
}

SamplingDecision decide(Sampler& s, const TraceId& tid, const SpanContext* parent = nullptr,
                        std::uint64_t now = 0) {
  SamplingParams p{.parent = parent, .trace_id = tid, .name = "op", .kind = SpanKind::server,
                   .now_unix_nano = now};
  return s.should_sample(p).decision;
}

// The four non-root parent shapes plus "no parent" and "invalid parent".
std::vector<SpanContext> all_parents(const TraceId& tid) {
  std::vector<SpanContext> v;
  for (bool remote : {false, true})
    for (bool sampled : {false, true}) v.push_back(parent_context(remote, sampled, tid));
  return v;
}

// ---------------------------------------------------------------------------------------------

TEST(Sampler, AlwaysOnSamplesEverything) {
  auto s = always_on_sampler();
  Random rng(1);
  for (int i = 0; i < 100; ++i) {
    const TraceId tid = random_trace_id(rng);
    EXPECT_EQ(decide(*s, tid), kSample);
    for (const auto& p : all_parents(tid)) EXPECT_EQ(decide(*s, tid, &p), kSample);
  }
  EXPECT_EQ(s->description(), "AlwaysOnSampler");
}

TEST(Sampler, AlwaysOffDropsEverything) {
  auto s = always_off_sampler();
  Random rng(2);
  for (int i = 0; i < 100; ++i) {
    const TraceId tid = random_trace_id(rng);
    EXPECT_EQ(decide(*s, tid), kDrop);
    for (const auto& p : all_parents(tid)) EXPECT_EQ(decide(*s, tid, &p), kDrop);
  }
  EXPECT_EQ(s->description(), "AlwaysOffSampler");
}

// ---------------------------------------------------------------------------------------------
// TraceIdRatioBased: lower 8 bytes, big-endian, sampled iff < ratio * 2^64.

TEST(RatioSampler, UsesLowerEightBytesBigEndianAgainstRatioTimesTwoToThe64) {
  auto half = trace_id_ratio_sampler(0.5);
  EXPECT_EQ(decide(*half, trace_id(0, 0x7fffffffffffffffULL)), kSample);
  EXPECT_EQ(decide(*half, trace_id(0, 0x8000000000000000ULL)), kDrop);
  // Byte order: bytes 8..15 = 80 00 .. 00 is 2^63 big-endian (dropped), 0x80 little-endian.
  TraceId be_high{};
  be_high.bytes[8] = 0x80;
  be_high.bytes[0] = 1;
  EXPECT_EQ(decide(*half, be_high), kDrop);
  TraceId be_low{};
  be_low.bytes[15] = 0xff;
  be_low.bytes[0] = 0xff;
  EXPECT_EQ(decide(*half, be_low), kSample);

  auto quarter = trace_id_ratio_sampler(0.25);
  EXPECT_EQ(decide(*quarter, trace_id(0, 0x3fffffffffffffffULL)), kSample);
  EXPECT_EQ(decide(*quarter, trace_id(0, 0x4000000000000000ULL)), kDrop);

  // The upper 8 bytes do not matter.
  for (std::uint64_t hi : {0x0ULL, 0x1ULL, 0xffffffffffffffffULL, 0x8000000000000000ULL}) {
    EXPECT_EQ(decide(*quarter, trace_id(hi, 0x1000000000000000ULL)), kSample) << hi;
    EXPECT_EQ(decide(*quarter, trace_id(hi, 0xf000000000000000ULL)), kDrop) << hi;
  }
}

TEST(RatioSampler, ZeroSamplesNoneAndOneSamplesAll) {
  auto none = trace_id_ratio_sampler(0.0);
  auto all = trace_id_ratio_sampler(1.0);
  // The extremes of the lower 8 bytes, where an off-by-one or the 2^64 overflow would show.
  for (std::uint64_t lo : {0x0ULL, 0x1ULL, 0xfffffffffffff800ULL, 0xfffffffffffffffeULL,
                           0xffffffffffffffffULL}) {
    EXPECT_EQ(decide(*none, trace_id(1, lo)), kDrop) << lo;
    EXPECT_EQ(decide(*all, trace_id(1, lo)), kSample) << lo;
  }
  Random rng(3);
  for (int i = 0; i < 2000; ++i) {
    const TraceId tid = random_trace_id(rng);
    ASSERT_EQ(decide(*none, tid), kDrop);
    ASSERT_EQ(decide(*all, tid), kSample);
  }
  // The largest ratio below 1 samples all but the top 2^11 values.
  auto almost = trace_id_ratio_sampler(std::nextafter(1.0, 0.0));
  EXPECT_EQ(decide(*almost, trace_id(0, 0xfffffffffffff7ffULL)), kSample);
  EXPECT_EQ(decide(*almost, trace_id(0, 0xfffffffffffff800ULL)), kDrop);
  // The smallest positive ratio rounds down to nothing.
  auto tiny = trace_id_ratio_sampler(std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(decide(*tiny, trace_id(0, 0)), kDrop);
}

TEST(RatioSampler, OutOfRangeRatiosAreClamped) {
  auto above = trace_id_ratio_sampler(2.0);
  auto below = trace_id_ratio_sampler(-1.0);
  auto nan = trace_id_ratio_sampler(std::nan(""));
  EXPECT_EQ(decide(*above, trace_id(0, ~0ULL)), kSample);
  EXPECT_EQ(decide(*below, trace_id(0, 0)), kDrop);
  EXPECT_EQ(decide(*nan, trace_id(0, 0)), kDrop);
  EXPECT_EQ(above->description(), "TraceIdRatioBased{1}");
  EXPECT_EQ(below->description(), "TraceIdRatioBased{0}");
  EXPECT_EQ(nan->description(), "TraceIdRatioBased{0}");
}

TEST(RatioSampler, SameTraceIdSameDecisionAcrossInstances) {
  auto a = trace_id_ratio_sampler(0.3);
  auto b = trace_id_ratio_sampler(0.3);
  Random rng(4);
  int sampled = 0;
  for (int i = 0; i < 2000; ++i) {
    const TraceId tid = random_trace_id(rng);
    const auto first = decide(*a, tid);
    ASSERT_EQ(decide(*a, tid), first);
    ASSERT_EQ(decide(*b, tid), first);
    sampled += first == kSample;
  }
  EXPECT_GT(sampled, 0);
  EXPECT_LT(sampled, 2000);
}

TEST(RatioSampler, SampledFractionMatchesRatio) {
  for (double ratio : {0.1, 0.5}) {
    auto s = trace_id_ratio_sampler(ratio);
    Random rng(42);
    constexpr int kN = 100000;
    int sampled = 0;
    for (int i = 0; i < kN; ++i) sampled += decide(*s, random_trace_id(rng)) == kSample;
    const double fraction = static_cast<double>(sampled) / kN;
    EXPECT_NEAR(fraction, ratio, 0.01) << "ratio " << ratio;
  }
}

TEST(RatioSampler, LargerRatioSamplesSuperset) {
  const std::pair<double, double> pairs[] = {{0.2, 0.3}, {0.5, 0.5000000001}, {0.01, 0.99}};
  for (auto [low, high] : pairs) {
    auto lo = trace_id_ratio_sampler(low);
    auto hi = trace_id_ratio_sampler(high);
    Random rng(5);
    int sampled_low = 0;
    for (int i = 0; i < 20000; ++i) {
      const TraceId tid = random_trace_id(rng);
      if (decide(*lo, tid) == kSample) {
        ++sampled_low;
        ASSERT_EQ(decide(*hi, tid), kSample) << low << " vs " << high << ": " << tid.to_hex();
      }
    }
    EXPECT_GT(sampled_low, 0);
  }
}

TEST(RatioSampler, IgnoresTheParent) {
  auto s = trace_id_ratio_sampler(0.5);
  const TraceId in = trace_id(7, 0x1000000000000000ULL);   // sampled at 0.5
  const TraceId out = trace_id(7, 0xf000000000000000ULL);  // dropped at 0.5
  for (const auto& p : all_parents(in)) EXPECT_EQ(decide(*s, in, &p), kSample);
  for (const auto& p : all_parents(out)) EXPECT_EQ(decide(*s, out, &p), kDrop);
  SpanContext invalid;  // all-zero: no parent
  EXPECT_EQ(decide(*s, in, &invalid), kSample);
  EXPECT_EQ(decide(*s, out, &invalid), kDrop);
}

TEST(RatioSampler, DescriptionShowsTheRatio) {
  EXPECT_EQ(trace_id_ratio_sampler(0.25)->description(), "TraceIdRatioBased{0.25}");
  EXPECT_EQ(trace_id_ratio_sampler(0.1)->description(), "TraceIdRatioBased{0.1}");
  EXPECT_EQ(trace_id_ratio_sampler(1)->description(), "TraceIdRatioBased{1}");
  EXPECT_EQ(trace_id_ratio_sampler(0)->description(), "TraceIdRatioBased{0}");
  EXPECT_EQ(trace_id_ratio_sampler(1e-05)->description(), "TraceIdRatioBased{1e-05}");
  // Distinct ratios give distinct descriptions.
  EXPECT_NE(trace_id_ratio_sampler(0.5)->description(),
            trace_id_ratio_sampler(0.5000000001)->description());
}

// ---------------------------------------------------------------------------------------------
// ParentBased

class RecordingSampler final : public Sampler {
 public:
  RecordingSampler(std::string name, SamplingDecision decision, int* calls)
      : name_(std::move(name)), decision_(decision), calls_(calls) {}
  SamplingResult should_sample(const SamplingParams&) override {
    ++*calls_;
    return {decision_};
  }
  std::string description() const override { return name_; }

 private:
  std::string name_;
  SamplingDecision decision_;
  int* calls_;
};

struct Recorded {
  int root = 0, remote_sampled = 0, remote_not_sampled = 0, local_sampled = 0, local_not_sampled = 0;
  std::unique_ptr<Sampler> make() {
    // Each delegate answers differently from ParentBased's default for its branch, so a
    // default-delegate fallback or a swapped branch would change the decision.
    ParentBasedOptions o;
    o.remote_parent_sampled = std::make_unique<RecordingSampler>("RS", kDrop, &remote_sampled);
    o.remote_parent_not_sampled =
        std::make_unique<RecordingSampler>("RN", SamplingDecision::record_only, &remote_not_sampled);
    o.local_parent_sampled = std::make_unique<RecordingSampler>("LS", kDrop, &local_sampled);
    o.local_parent_not_sampled = std::make_unique<RecordingSampler>("LN", kSample, &local_not_sampled);
    return parent_based_sampler(std::make_unique<RecordingSampler>("R", SamplingDecision::record_only, &root),
                                std::move(o));
  }
  std::vector<int> counts() const {
    return {root, remote_sampled, remote_not_sampled, local_sampled, local_not_sampled};
  }
};

TEST(ParentBased, NoParentOrInvalidParentGoesToRoot) {
  Recorded r;
  auto s = r.make();
  const TraceId tid = trace_id(1, 2);
  EXPECT_EQ(decide(*s, tid), SamplingDecision::record_only);
  EXPECT_EQ(r.counts(), (std::vector<int>{1, 0, 0, 0, 0}));
  SpanContext invalid;  // all zero
  invalid.trace_flags = 1;
  invalid.remote = true;
  EXPECT_EQ(decide(*s, tid, &invalid), SamplingDecision::record_only);
  SpanContext no_span = parent_context(true, true);
  no_span.span_id = SpanId{};  // a valid trace id alone does not make a valid parent
  EXPECT_EQ(decide(*s, tid, &no_span), SamplingDecision::record_only);
  EXPECT_EQ(r.counts(), (std::vector<int>{3, 0, 0, 0, 0}));
}

TEST(ParentBased, RemoteSampledParent) {
  Recorded r;
  auto s = r.make();
  const auto p = parent_context(true, true);
  EXPECT_EQ(decide(*s, p.trace_id, &p), kDrop);
  EXPECT_EQ(r.counts(), (std::vector<int>{0, 1, 0, 0, 0}));
}

TEST(ParentBased, RemoteNotSampledParent) {
  Recorded r;
  auto s = r.make();
  const auto p = parent_context(true, false);
  EXPECT_EQ(decide(*s, p.trace_id, &p), SamplingDecision::record_only);
  EXPECT_EQ(r.counts(), (std::vector<int>{0, 0, 1, 0, 0}));
}

TEST(ParentBased, LocalSampledParent) {
  Recorded r;
  auto s = r.make();
  const auto p = parent_context(false, true);
  EXPECT_EQ(decide(*s, p.trace_id, &p), kDrop);
  EXPECT_EQ(r.counts(), (std::vector<int>{0, 0, 0, 1, 0}));
}

TEST(ParentBased, LocalNotSampledParent) {
  Recorded r;
  auto s = r.make();
  const auto p = parent_context(false, false);
  EXPECT_EQ(decide(*s, p.trace_id, &p), kSample);
  EXPECT_EQ(r.counts(), (std::vector<int>{0, 0, 0, 0, 1}));
}

TEST(ParentBased, OtherTraceFlagBitsDoNotCountAsSampled) {
  Recorded r;
  auto s = r.make();
  auto p = parent_context(true, false);
  p.trace_flags = 0xfe;  // every bit but "sampled"
  decide(*s, p.trace_id, &p);
  EXPECT_EQ(r.counts(), (std::vector<int>{0, 0, 1, 0, 0}));
}

TEST(ParentBased, DefaultDelegatesFollowTheParent) {
  // Root always off, so every sampled decision below comes from a default delegate.
  auto s = parent_based_sampler(always_off_sampler());
  const TraceId tid = trace_id(3, 4);
  EXPECT_EQ(decide(*s, tid), kDrop);
  auto rs = parent_context(true, true), rn = parent_context(true, false);
  auto ls = parent_context(false, true), ln = parent_context(false, false);
  EXPECT_EQ(decide(*s, tid, &rs), kSample);
  EXPECT_EQ(decide(*s, tid, &rn), kDrop);
  EXPECT_EQ(decide(*s, tid, &ls), kSample);
  EXPECT_EQ(decide(*s, tid, &ln), kDrop);

  auto on = parent_based_sampler(always_on_sampler());
  EXPECT_EQ(decide(*on, tid), kSample);
  EXPECT_EQ(decide(*on, tid, &rn), kDrop);
  EXPECT_EQ(decide(*on, tid, &ln), kDrop);
}

TEST(ParentBased, NullRootMeansAlwaysOn) {
  auto s = parent_based_sampler(nullptr);
  EXPECT_EQ(decide(*s, trace_id(1, 1)), kSample);
}

TEST(ParentBased, DescriptionNamesEveryDelegate) {
  EXPECT_EQ(parent_based_sampler(trace_id_ratio_sampler(0.25))->description(),
            "ParentBased{root=TraceIdRatioBased{0.25},remoteParentSampled=AlwaysOnSampler,"
            "remoteParentNotSampled=AlwaysOffSampler,localParentSampled=AlwaysOnSampler,"
            "localParentNotSampled=AlwaysOffSampler}");
  Recorded r;
  EXPECT_EQ(r.make()->description(),
            "ParentBased{root=R,remoteParentSampled=RS,remoteParentNotSampled=RN,"
            "localParentSampled=LS,localParentNotSampled=LN}");
}

// ---------------------------------------------------------------------------------------------
// Rate limiting

int take_roots(Sampler& s, std::uint64_t now, int attempts, Random& rng) {
  int sampled = 0;
  for (int i = 0; i < attempts; ++i) sampled += decide(s, random_trace_id(rng), nullptr, now) == kSample;
  return sampled;
}

TEST(RateLimiting, ExactlyNRootsPerSecondAtAFixedTime) {
  for (double n : {1.0, 3.0, 7.0, 10.0, 100.0, 1000.0}) {
    auto s = rate_limiting_sampler(n);
    Random rng(6);
    const std::uint64_t t = 1'700'000'000ULL * kSecond;
    EXPECT_EQ(take_roots(*s, t, static_cast<int>(n) * 3, rng), static_cast<int>(n)) << n;
    EXPECT_EQ(take_roots(*s, t, 10, rng), 0) << n;
  }
}

TEST(RateLimiting, StartsFullEvenAtTimeZero) {
  auto s = rate_limiting_sampler(5);
  Random rng(7);
  EXPECT_EQ(take_roots(*s, 0, 20, rng), 5);
}

TEST(RateLimiting, RefillsWithTime) {
  auto s = rate_limiting_sampler(100);
  Random rng(8);
  std::uint64_t t = 1'700'000'000ULL * kSecond;
  ASSERT_EQ(take_roots(*s, t, 500, rng), 100);
  t += kSecond / 2;
  EXPECT_EQ(take_roots(*s, t, 500, rng), 50);  // half a second: half the tokens
  t += kSecond / 100;
  EXPECT_EQ(take_roots(*s, t, 500, rng), 1);   // 10 ms: one token
  t += kSecond / 200;
  EXPECT_EQ(take_roots(*s, t, 500, rng), 0);   // 5 ms: half a token is no token
  t += kSecond / 200;
  EXPECT_EQ(take_roots(*s, t, 500, rng), 1);   // the other half
  t += 60 * kSecond;
  EXPECT_EQ(take_roots(*s, t, 500, rng), 100);  // a long pause fills the bucket, no more
}

TEST(RateLimiting, SpreadOutRootsAllPass) {
  auto s = rate_limiting_sampler(10);
  Random rng(9);
  std::uint64_t t = 5 * kSecond;
  ASSERT_EQ(take_roots(*s, t, 10, rng), 10);
  for (int i = 0; i < 100; ++i) {
    t += kSecond / 10;
    ASSERT_EQ(take_roots(*s, t, 1, rng), 1) << i;
  }
  EXPECT_EQ(take_roots(*s, t, 5, rng), 0);
}

TEST(RateLimiting, FractionalRate) {
  auto s = rate_limiting_sampler(0.5);  // capacity one token, one every two seconds
  Random rng(10);
  std::uint64_t t = 100 * kSecond;
  EXPECT_EQ(take_roots(*s, t, 5, rng), 1);
  EXPECT_EQ(take_roots(*s, t + kSecond, 5, rng), 0);
  EXPECT_EQ(take_roots(*s, t + 2 * kSecond, 5, rng), 1);
}

TEST(RateLimiting, ClockGoingBackwardsMintsNoTokens) {
  auto s = rate_limiting_sampler(10);
  Random rng(11);
  const std::uint64_t t = 1'700'000'000ULL * kSecond;
  ASSERT_EQ(take_roots(*s, t, 20, rng), 10);
  EXPECT_EQ(take_roots(*s, t - 1, 20, rng), 0);
  EXPECT_EQ(take_roots(*s, t - kSecond / 2, 20, rng), 0);
  EXPECT_EQ(take_roots(*s, t - 3600 * kSecond, 20, rng), 0);
  EXPECT_EQ(take_roots(*s, 0, 20, rng), 0);  // no unsigned wrap into a huge elapsed time
  EXPECT_EQ(take_roots(*s, t, 20, rng), 0);  // back at t: no time has passed, nothing new
  EXPECT_EQ(take_roots(*s, t + kSecond / 2, 20, rng), 5);  // and refill resumes from t
}

TEST(RateLimiting, FlappingClockMintsNoTokens) {
  auto s = rate_limiting_sampler(10);
  Random rng(12);
  const std::uint64_t t = 1'700'000'000ULL * kSecond;
  int sampled = 0;
  for (int i = 0; i < 50; ++i) {
    sampled += take_roots(*s, t, 20, rng);
    sampled += take_roots(*s, t - 10 * kSecond, 20, rng);
    sampled += take_roots(*s, 0, 20, rng);
  }
  EXPECT_EQ(sampled, 10);
}

TEST(RateLimiting, ClockStepBackShowsTheBucketAsItWas) {
  auto s = rate_limiting_sampler(10);
  Random rng(13);
  const std::uint64_t t = 1'700'000'000ULL * kSecond;
  ASSERT_EQ(take_roots(*s, t, 5, rng), 5);  // 5 of 10 left
  // 0.3 s earlier the bucket held 2 (3 less), not 5, and certainly not 10.
  EXPECT_EQ(take_roots(*s, t - 3 * kSecond / 10, 20, rng), 2);
  // Those 2 were taken from the same bucket: back at t, 3 remain.
  EXPECT_EQ(take_roots(*s, t, 20, rng), 3);
}

TEST(RateLimiting, SurvivesExtremeTimes) {
  auto s = rate_limiting_sampler(10);
  Random rng(14);
  const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(take_roots(*s, max, 20, rng), 10);
  EXPECT_EQ(take_roots(*s, max, 20, rng), 0);  // no saturation into unlimited tokens
  EXPECT_EQ(take_roots(*s, max - kSecond, 20, rng), 0);
  EXPECT_EQ(take_roots(*s, 0, 20, rng), 0);

  auto slow = rate_limiting_sampler(1e-30);  // one token per ~126 years at most
  EXPECT_EQ(take_roots(*slow, max, 3, rng), 1);
  EXPECT_EQ(take_roots(*slow, max, 3, rng), 0);
  auto fast = rate_limiting_sampler(1e12);  // far beyond one token per nanosecond
  EXPECT_EQ(take_roots(*fast, 0, 1000, rng), 1000);
}

TEST(RateLimiting, ZeroOrNegativeRateSamplesNoRoots) {
  Random rng(15);
  for (double r : {0.0, -1.0, std::nan("")}) {
    auto s = rate_limiting_sampler(r);
    EXPECT_EQ(take_roots(*s, 10 * kSecond, 5, rng), 0) << r;
    auto p = parent_context(false, true);
    EXPECT_EQ(decide(*s, p.trace_id, &p, 10 * kSecond), kSample) << r;
  }
}

TEST(RateLimiting, ChildrenFollowTheParentRegardlessOfTokens) {
  auto s = rate_limiting_sampler(3);
  Random rng(16);
  const std::uint64_t t = 50 * kSecond;
  // With tokens available, not-sampled parents still drop, and they spend no token.
  for (bool remote : {false, true}) {
    auto p = parent_context(remote, false);
    for (int i = 0; i < 10; ++i) EXPECT_EQ(decide(*s, p.trace_id, &p, t), kDrop);
  }
  // Sampled parents sample and spend no token either.
  for (bool remote : {false, true}) {
    auto p = parent_context(remote, true);
    for (int i = 0; i < 10; ++i) EXPECT_EQ(decide(*s, p.trace_id, &p, t), kSample);
  }
  EXPECT_EQ(take_roots(*s, t, 10, rng), 3);
  // With the bucket empty, sampled parents still sample.
  for (bool remote : {false, true}) {
    auto p = parent_context(remote, true);
    EXPECT_EQ(decide(*s, p.trace_id, &p, t), kSample);
    auto q = parent_context(remote, false);
    EXPECT_EQ(decide(*s, q.trace_id, &q, t), kDrop);
  }
  // An invalid parent is a root, and takes from the (empty) bucket.
  SpanContext invalid;
  invalid.trace_flags = 1;
  EXPECT_EQ(decide(*s, trace_id(1, 1), &invalid, t), kDrop);
}

TEST(RateLimiting, Description) {
  EXPECT_EQ(rate_limiting_sampler(100)->description(), "RateLimitingSampler{100}");
  EXPECT_EQ(rate_limiting_sampler(2.5)->description(), "RateLimitingSampler{2.5}");
}

// ---------------------------------------------------------------------------------------------
// make_sampler

// Stands in for a sampler make_sampler failed to build, so the test goes on to report more.
class FailedSampler final : public Sampler {
 public:
  SamplingResult should_sample(const SamplingParams&) override { return {SamplingDecision::record_only}; }
  std::string description() const override { return "<make_sampler failed>"; }
};

std::unique_ptr<Sampler> make_ok(std::string_view name, std::string_view arg) {
  auto r = make_sampler(name, arg);
  EXPECT_TRUE(r.ok()) << "'" << name << "', '" << arg << "': " << (r.ok() ? "" : r.error().message);
  if (!r.ok() || r.value() == nullptr) return std::make_unique<FailedSampler>();
  return std::move(r.value());
}

std::string make_error(std::string_view name, std::string_view arg) {
  auto r = make_sampler(name, arg);
  EXPECT_FALSE(r.ok()) << "'" << name << "', '" << arg << "' was accepted: " << r.value()->description();
  return r.ok() ? std::string() : r.error().message;
}

const std::string kParentBasedOn =
    "ParentBased{root=AlwaysOnSampler,remoteParentSampled=AlwaysOnSampler,"
    "remoteParentNotSampled=AlwaysOffSampler,localParentSampled=AlwaysOnSampler,"
    "localParentNotSampled=AlwaysOffSampler}";

TEST(MakeSampler, EveryName) {
  EXPECT_EQ(make_ok("always_on", "")->description(), "AlwaysOnSampler");
  EXPECT_EQ(make_ok("always_off", "")->description(), "AlwaysOffSampler");
  EXPECT_EQ(make_ok("traceidratio", "0.25")->description(), "TraceIdRatioBased{0.25}");
  EXPECT_EQ(make_ok("parentbased_always_on", "")->description(), kParentBasedOn);
  EXPECT_EQ(make_ok("parentbased_always_off", "")->description(),
            "ParentBased{root=AlwaysOffSampler,remoteParentSampled=AlwaysOnSampler,"
            "remoteParentNotSampled=AlwaysOffSampler,localParentSampled=AlwaysOnSampler,"
            "localParentNotSampled=AlwaysOffSampler}");
  EXPECT_EQ(make_ok("parentbased_traceidratio", "0.5")->description(),
            "ParentBased{root=TraceIdRatioBased{0.5},remoteParentSampled=AlwaysOnSampler,"
            "remoteParentNotSampled=AlwaysOffSampler,localParentSampled=AlwaysOnSampler,"
            "localParentNotSampled=AlwaysOffSampler}");
  EXPECT_EQ(make_ok("ratelimiting", "100")->description(), "RateLimitingSampler{100}");
}

TEST(MakeSampler, BuiltSamplersDecide) {
  const TraceId low = trace_id(9, 0x1000000000000000ULL), high = trace_id(9, 0xf000000000000000ULL);
  const auto not_sampled = parent_context(true, false, low);
  auto on = make_ok("always_on", "");
  EXPECT_EQ(decide(*on, low, &not_sampled), kSample);
  auto off = make_ok("always_off", "");
  EXPECT_EQ(decide(*off, low), kDrop);
  auto ratio = make_ok("traceidratio", "0.5");
  EXPECT_EQ(decide(*ratio, low, &not_sampled), kSample);
  EXPECT_EQ(decide(*ratio, high), kDrop);
  auto pb_ratio = make_ok("parentbased_traceidratio", "0.5");
  EXPECT_EQ(decide(*pb_ratio, low), kSample);
  EXPECT_EQ(decide(*pb_ratio, high), kDrop);
  EXPECT_EQ(decide(*pb_ratio, low, &not_sampled), kDrop);
  auto pb_off = make_ok("parentbased_always_off", "");
  EXPECT_EQ(decide(*pb_off, low), kDrop);
  auto rate = make_ok("ratelimiting", "2");
  Random rng(17);
  EXPECT_EQ(take_roots(*rate, kSecond, 5, rng), 2);
}

TEST(MakeSampler, EmptyNameIsParentBasedAlwaysOn) {
  EXPECT_EQ(make_ok("", "")->description(), kParentBasedOn);
  EXPECT_EQ(make_ok("  \t", "0.5")->description(), kParentBasedOn);
}

TEST(MakeSampler, EmptyRatioArgIsOne) {
  EXPECT_EQ(make_ok("traceidratio", "")->description(), "TraceIdRatioBased{1}");
  EXPECT_EQ(make_ok("parentbased_traceidratio", " ")->description(),
            "ParentBased{root=TraceIdRatioBased{1},remoteParentSampled=AlwaysOnSampler,"
            "remoteParentNotSampled=AlwaysOffSampler,localParentSampled=AlwaysOnSampler,"
            "localParentNotSampled=AlwaysOffSampler}");
}

TEST(MakeSampler, RatioForms) {
  EXPECT_EQ(make_ok("traceidratio", "0")->description(), "TraceIdRatioBased{0}");
  EXPECT_EQ(make_ok("traceidratio", "1")->description(), "TraceIdRatioBased{1}");
  EXPECT_EQ(make_ok("traceidratio", "1.0")->description(), "TraceIdRatioBased{1}");
  EXPECT_EQ(make_ok("traceidratio", ".5")->description(), "TraceIdRatioBased{0.5}");
  EXPECT_EQ(make_ok("traceidratio", "0.")->description(), "TraceIdRatioBased{0}");
  EXPECT_EQ(make_ok("traceidratio", "5e-1")->description(), "TraceIdRatioBased{0.5}");
  EXPECT_EQ(make_ok("traceidratio", "+0.125")->description(), "TraceIdRatioBased{0.125}");
  EXPECT_EQ(make_ok("traceidratio", "-0")->description(), "TraceIdRatioBased{0}");
}

TEST(MakeSampler, TrimsWhitespace) {
  EXPECT_EQ(make_ok(" \talways_off\r\n", "")->description(), "AlwaysOffSampler");
  EXPECT_EQ(make_ok(" traceidratio ", "\t0.25 \n")->description(), "TraceIdRatioBased{0.25}");
  EXPECT_EQ(make_ok("ratelimiting", " 7 ")->description(), "RateLimitingSampler{7}");
}

TEST(MakeSampler, NamesAreCaseInsensitive) {
  // The spec's enum values are lowercase and SHOULD be matched case-insensitively.
  EXPECT_EQ(make_ok("Always_On", "")->description(), "AlwaysOnSampler");
  EXPECT_EQ(make_ok("PARENTBASED_TRACEIDRATIO", "0.5")->description().rfind("ParentBased{root=TraceIdRatioBased{0.5}", 0),
            0u);
}

TEST(MakeSampler, ArgumentIgnoredWhereNoneIsTaken) {
  for (std::string_view name :
       {"always_on", "always_off", "parentbased_always_on", "parentbased_always_off", ""})
    EXPECT_TRUE(make_sampler(name, "not a number").ok()) << name;
}

TEST(MakeSampler, UnknownNameNamesTheVariableAndValue) {
  for (std::string_view bad : {"foo", "always-on", "traceid_ratio", "jaeger_remote", "xray"}) {
    const std::string m = make_error(bad, "");
    EXPECT_NE(m.find("OTEL_TRACES_SAMPLER:"), std::string::npos) << m;
    EXPECT_NE(m.find("'" + std::string(bad) + "'"), std::string::npos) << m;
    EXPECT_NE(m.find("always_on"), std::string::npos) << m;
    EXPECT_NE(m.find("parentbased_traceidratio"), std::string::npos) << m;
  }
  EXPECT_EQ(make_error("foo", ""),
            "OTEL_TRACES_SAMPLER: unknown sampler 'foo' (expected one of always_on, always_off, "
            "traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio, "
            "ratelimiting)");
  EXPECT_NE(make_error("  foo ", "").find("'foo'"), std::string::npos);
}

TEST(MakeSampler, BadRatioNamesTheVariableAndValue) {
  for (std::string_view name : {"traceidratio", "parentbased_traceidratio"}) {
    for (std::string_view bad : {"1.5", "-0.1", "abc", "nan", "NaN", "inf", "-inf", "0x1p-2", "0.5x",
                                 "0,5", "1e999", ".", "e5", "1e", "0.5 0.5", "2"}) {
      const std::string m = make_error(name, bad);
      EXPECT_NE(m.find("OTEL_TRACES_SAMPLER_ARG"), std::string::npos) << m;
      EXPECT_NE(m.find("'" + std::string(bad) + "'"), std::string::npos) << m;
      EXPECT_NE(m.find("ratio"), std::string::npos) << m;
    }
  }
  EXPECT_EQ(make_error("traceidratio", "1.5"),
            "OTEL_TRACES_SAMPLER_ARG: expected a ratio between 0 and 1, got '1.5'");
  EXPECT_EQ(make_error("traceidratio", " 1.5 "),
            "OTEL_TRACES_SAMPLER_ARG: expected a ratio between 0 and 1, got '1.5'");
}

TEST(MakeSampler, BadRateNamesTheVariableAndValue) {
  for (std::string_view bad : {"", "0", "-5", "abc", "nan", "inf", "1e999", "10/s"}) {
    const std::string m = make_error("ratelimiting", bad);
    EXPECT_NE(m.find("OTEL_TRACES_SAMPLER_ARG"), std::string::npos) << m;
    EXPECT_NE(m.find("'" + std::string(bad) + "'"), std::string::npos) << m;
    EXPECT_NE(m.find("ratelimiting"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace otlp

namespace otlp {
namespace {

TEST(SamplerUsesTime, OnlyTheRateLimiterAndWhatWrapsIt) {
  EXPECT_FALSE(always_on_sampler()->uses_time());
  EXPECT_FALSE(always_off_sampler()->uses_time());
  EXPECT_FALSE(trace_id_ratio_sampler(0.5)->uses_time());
  EXPECT_FALSE(parent_based_sampler(trace_id_ratio_sampler(0.5))->uses_time());
  EXPECT_TRUE(rate_limiting_sampler(10)->uses_time());
  EXPECT_TRUE(parent_based_sampler(rate_limiting_sampler(10))->uses_time());
  ParentBasedOptions o;
  o.local_parent_not_sampled = rate_limiting_sampler(1);
  EXPECT_TRUE(parent_based_sampler(always_on_sampler(), std::move(o))->uses_time());
}

}  // namespace
}  // namespace otlp

// ---------------------------------------------------------------------------------------------
// Fixed decisions: what the tracer may decide without calling the sampler.

namespace otlp {
namespace {

constexpr int kOn = static_cast<int>(SamplingDecision::record_and_sample);
constexpr int kOff = static_cast<int>(SamplingDecision::drop);
constexpr ParentCase kCases[] = {ParentCase::root, ParentCase::remote_sampled, ParentCase::remote_not_sampled,
                                 ParentCase::local_sampled, ParentCase::local_not_sampled};

TEST(FixedDecision, ParentCaseOfEachParent) {
  EXPECT_EQ(parent_case(nullptr), ParentCase::root);
  const SpanContext invalid;
  EXPECT_EQ(parent_case(&invalid), ParentCase::root);
  const auto rs = parent_context(true, true), rn = parent_context(true, false);
  const auto ls = parent_context(false, true), ln = parent_context(false, false);
  EXPECT_EQ(parent_case(&rs), ParentCase::remote_sampled);
  EXPECT_EQ(parent_case(&rn), ParentCase::remote_not_sampled);
  EXPECT_EQ(parent_case(&ls), ParentCase::local_sampled);
  EXPECT_EQ(parent_case(&ln), ParentCase::local_not_sampled);
}

TEST(FixedDecision, ConstantSamplersAreFixedInEveryCase) {
  for (ParentCase c : kCases) {
    EXPECT_EQ(always_on_sampler()->fixed_decision(c), kOn);
    EXPECT_EQ(always_off_sampler()->fixed_decision(c), kOff);
    EXPECT_EQ(trace_id_ratio_sampler(1.0)->fixed_decision(c), Sampler::kNone);  // decides by trace id
  }
}

TEST(FixedDecision, ParentBasedTakesEachDelegatesAnswer) {
  const auto pb = parent_based_sampler(always_on_sampler());
  EXPECT_EQ(pb->fixed_decision(ParentCase::root), kOn);
  EXPECT_EQ(pb->fixed_decision(ParentCase::remote_sampled), kOn);
  EXPECT_EQ(pb->fixed_decision(ParentCase::remote_not_sampled), kOff);
  EXPECT_EQ(pb->fixed_decision(ParentCase::local_sampled), kOn);
  EXPECT_EQ(pb->fixed_decision(ParentCase::local_not_sampled), kOff);

  ParentBasedOptions o;
  o.remote_parent_not_sampled = trace_id_ratio_sampler(0.5);
  const auto mixed = parent_based_sampler(trace_id_ratio_sampler(0.5), std::move(o));
  EXPECT_EQ(mixed->fixed_decision(ParentCase::root), Sampler::kNone);
  EXPECT_EQ(mixed->fixed_decision(ParentCase::remote_not_sampled), Sampler::kNone);
  EXPECT_EQ(mixed->fixed_decision(ParentCase::local_not_sampled), kOff);
}

TEST(FixedDecision, RateLimitingIsFixedOnlyForChildren) {
  const auto rl = rate_limiting_sampler(10);
  EXPECT_EQ(rl->fixed_decision(ParentCase::root), Sampler::kNone);
  EXPECT_EQ(rl->fixed_decision(ParentCase::remote_sampled), kOn);
  EXPECT_EQ(rl->fixed_decision(ParentCase::local_sampled), kOn);
  EXPECT_EQ(rl->fixed_decision(ParentCase::remote_not_sampled), kOff);
  EXPECT_EQ(rl->fixed_decision(ParentCase::local_not_sampled), kOff);
  EXPECT_EQ(rate_limiting_sampler(0)->fixed_decision(ParentCase::root), kOff);
}

// A fixed decision must equal what should_sample says, for every sampler the factory builds.
TEST(FixedDecision, AgreesWithShouldSample) {
  const TraceId tid = trace_id(0x1234, 0x8000000000000000ULL);
  for (const char* name : {"always_on", "always_off", "traceidratio", "parentbased_always_on",
                           "parentbased_always_off", "parentbased_traceidratio", "ratelimiting"}) {
    auto s = make_sampler(name, std::string_view(name) == "ratelimiting" ? "5" : "0.5");
    ASSERT_TRUE(s) << name;
    std::vector<SpanContext> parents = all_parents(tid);
    for (const auto& parent : parents) {
      const int fixed = (*s)->fixed_decision(parent_case(&parent));
      if (fixed != Sampler::kNone) EXPECT_EQ(fixed, static_cast<int>(decide(**s, tid, &parent))) << name;
    }
    const int root = (*s)->fixed_decision(ParentCase::root);
    if (root != Sampler::kNone) EXPECT_EQ(root, static_cast<int>(decide(**s, tid))) << name;
  }
}

}  // namespace
}  // namespace otlp
