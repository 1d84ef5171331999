// Samplers: AlwaysOn, AlwaysOff, TraceIdRatioBased, ParentBased (OpenTelemetry trace SDK), a
// lock-free rate-limiting sampler, and the OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG factory.
#include "otlp/trace/sampler.hpp"

#include <atomic>
#include <bit>
#include <clocale>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

namespace otlp {
namespace {

constexpr SamplingResult kSample{SamplingDecision::record_and_sample};
constexpr SamplingResult kDrop{SamplingDecision::drop};

// ---------------------------------------------------------------------------------------------
// Numbers in text, independent of the C locale (a host may have called setlocale(LC_ALL, "")).

// The locale's decimal point, which strtod expects and snprintf writes.
std::string_view locale_decimal_point() {
  const std::lconv* lc = std::localeconv();
  if (lc == nullptr || lc->decimal_point == nullptr || lc->decimal_point[0] == '\0') return ".";
  return lc->decimal_point;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A plain decimal number: [+-] (digits [. digits] | . digits) [(e|E) [+-] digits]. No inf, nan,
// hex floats or surrounding text, which strtod alone would accept.
std::optional<double> parse_decimal(std::string_view s) {
  std::size_t i = 0, n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < n && is_digit(s[i])) ++i, ++int_digits;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && is_digit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return std::nullopt;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < n && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return std::nullopt;
  }
  if (i != n) return std::nullopt;

  const std::string_view point = locale_decimal_point();
  std::string buf;
  buf.reserve(s.size() + point.size());
  for (char c : s) {
    if (c == '.')
      buf.append(point);
    else
      buf.push_back(c);
  }
  char* end = nullptr;
  const double v = std::strtod(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size()) return std::nullopt;
  return v;  // may be +-inf on overflow; callers range-check
}

// The shortest "%g" text that reads back as the same double, with '.' as the decimal point.
std::string format_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  if (v == std::trunc(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);  // integers in full: "100", not "1e+02"
    return buf[0] == '-' && buf[1] == '0' && buf[2] == '\0' ? "0" : buf;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string out(buf);
  const std::string_view point = locale_decimal_point();
  if (point != ".") {
    const std::size_t at = out.find(point);
    // Rebuilt rather than replace()d: GCC 12 misreports -Wrestrict inside string::replace.
    if (at != std::string::npos) out = out.substr(0, at) + "." + out.substr(at + point.size());
  }
  return out;
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const std::size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// ---------------------------------------------------------------------------------------------

class AlwaysOnSampler final : public Sampler {
 public:
  SamplingResult should_sample(const SamplingParams&) override { return kSample; }
  int fixed_decision(ParentCase) const noexcept override { return static_cast<int>(kSample.decision); }
  std::string description() const override { return "AlwaysOnSampler"; }
};

class AlwaysOffSampler final : public Sampler {
 public:
  SamplingResult should_sample(const SamplingParams&) override { return kDrop; }
  int fixed_decision(ParentCase) const noexcept override { return static_cast<int>(kDrop.decision); }
  std::string description() const override { return "AlwaysOffSampler"; }
};

// Bytes 8..15 of a trace id as a big-endian integer: one load (and a byte swap on the usual
// little-endian targets, x86-64 and wasm32) rather than eight shifts.
std::uint64_t lower_half(const TraceId& id) {
  std::uint64_t x;
  std::memcpy(&x, id.bytes.data() + 8, sizeof x);
  if constexpr (std::endian::native == std::endian::little) x = __builtin_bswap64(x);
  return x;
}

// TraceIdRatioBased. Convention: the trace id's lower 8 bytes (bytes 8..15, which hold the 7
// bytes W3C trace context level 2 designates as random) read as a big-endian uint64 x; sample iff
// x < floor(ratio * 2^64). ratio 1 samples everything, ratio 0 nothing. floor(ratio * 2^64) is
// exact for ratio < 1 (scaling by a power of two) and fits a uint64 (at most 2^64 - 2^11), and it
// grows with ratio, so a larger ratio samples a superset. Integer-only at decision time, so every
// process and both builds decide alike. The parent is never consulted (ParentBased does that).
// Other SDKs differ in detail (Go and Java compare 63 bits; the newer spec text compares the low
// 56 bits against a rejection threshold), so mixed-SDK traces may decide differently near the edge.
class TraceIdRatioSampler final : public Sampler {
 public:
  explicit TraceIdRatioSampler(double ratio) {
    if (!(ratio > 0)) ratio = 0;  // also NaN
    if (ratio > 1) ratio = 1;
    ratio_ = ratio;
    all_ = ratio >= 1;
    // 2^64 as a double is exact; the product is < 2^64 because ratio < 1 here.
    bound_ = all_ ? 0 : static_cast<std::uint64_t>(ratio * 18446744073709551616.0);
  }

  SamplingResult should_sample(const SamplingParams& params) override {
    if (all_) return kSample;
    return lower_half(params.trace_id) < bound_ ? kSample : kDrop;
  }
  // Built when asked (rarely: logs, tests), so that a build that never asks (the WASM module,
  // with virtual function elimination) links no number formatting for it.
  std::string description() const override { return "TraceIdRatioBased{" + format_number(ratio_) + "}"; }

 private:
  double ratio_ = 0;
  bool all_ = false;
  std::uint64_t bound_ = 0;
};

class ParentBasedSampler final : public Sampler {
 public:
  ParentBasedSampler(std::unique_ptr<Sampler> root, ParentBasedOptions o)
      : root_(or_default(std::move(root), true)),
        remote_sampled_(or_default(std::move(o.remote_parent_sampled), true)),
        remote_not_sampled_(or_default(std::move(o.remote_parent_not_sampled), false)),
        local_sampled_(or_default(std::move(o.local_parent_sampled), true)),
        local_not_sampled_(or_default(std::move(o.local_parent_not_sampled), false)) {}

  bool uses_time() const noexcept override {
    return root_->uses_time() || remote_sampled_->uses_time() || remote_not_sampled_->uses_time() ||
           local_sampled_->uses_time() || local_not_sampled_->uses_time();
  }
  SamplingResult should_sample(const SamplingParams& params) override {
    return delegate(parent_case(params.parent)).should_sample(params);
  }
  int fixed_decision(ParentCase c) const noexcept override { return delegate(c).fixed_decision(c); }

  std::string description() const override {
    return "ParentBased{root=" + root_->description() +
           ",remoteParentSampled=" + remote_sampled_->description() +
           ",remoteParentNotSampled=" + remote_not_sampled_->description() +
           ",localParentSampled=" + local_sampled_->description() +
           ",localParentNotSampled=" + local_not_sampled_->description() + "}";
  }

 private:
  Sampler& delegate(ParentCase c) const noexcept {
    switch (c) {
      case ParentCase::root: return *root_;
      case ParentCase::remote_sampled: return *remote_sampled_;
      case ParentCase::remote_not_sampled: return *remote_not_sampled_;
      case ParentCase::local_sampled: return *local_sampled_;
      case ParentCase::local_not_sampled: return *local_not_sampled_;
    }
    return *root_;
  }
  static std::unique_ptr<Sampler> or_default(std::unique_ptr<Sampler> s, bool on) {
    if (s) return s;
    if (on) return std::make_unique<AlwaysOnSampler>();
    return std::make_unique<AlwaysOffSampler>();
  }

  std::unique_ptr<Sampler> root_, remote_sampled_, remote_not_sampled_, local_sampled_,
      local_not_sampled_;
};

// A token bucket kept as one atomic word, in the "virtual scheduling" (GCRA) form: instead of
// (tokens, last time) it stores `due_`, the time at which the bucket would be full again.
// At time `now` the bucket is short of (due_ - now) / period_ tokens (nothing if due_ <= now);
// a root span takes a token iff that shortfall is at most (capacity - 1) tokens, and taking one
// moves due_ to max(due_, now) + period_. Capacity = max(1, per_second) tokens, refilled at
// per_second per second; the bucket starts full (due_ = 0). One compare-and-swap per sampled
// root and a plain load per dropped one, no lock, so concurrent app threads are fine (slightly
// out-of-order `now`s between threads are harmless); in WASM without threads the atomics are
// plain memory operations.
//
// The clock is the host's (now_unix_nano); the bucket's level is a function of `now` and due_
// alone, and due_ never decreases, so no sequence of times can mint tokens: the number of
// tokens granted is bounded by capacity + per_second * (latest time seen - first time seen).
// A clock stepped back by d shows the bucket d's worth emptier, so a large step back suspends
// root sampling until the clock has caught up with where it was (the price of never minting).
// Times past 2^63 ns (year 2262) count as 2^63, which keeps the arithmetic far from overflow.
class RateLimitingSampler final : public Sampler {
 public:
  explicit RateLimitingSampler(double per_second) {
    if (!(per_second > 0)) per_second = 0;  // also NaN: no root spans at all
    per_second_ = per_second;
    if (per_second > 0) {
      // One token per period_ ns: at least 1 ns (so at most 1e9 refills a second) and at most
      // ~126 years.
      const double period = std::round(1e9 / per_second);
      period_ = period < 1 ? 1 : period > kMaxSpan ? kMaxSpan : static_cast<std::uint64_t>(period);
      const double capacity = per_second < 1 ? 1 : per_second;
      // (capacity - 1) tokens of slack; exact for integral capacities.
      const double slack = (capacity - 1) * static_cast<double>(period_);
      slack_ = slack > kMaxSpan ? kMaxSpan : static_cast<std::uint64_t>(slack);
    }
  }

  bool uses_time() const noexcept override { return true; }
  int fixed_decision(ParentCase c) const noexcept override {
    switch (c) {
      case ParentCase::root: return period_ == 0 ? static_cast<int>(kDrop.decision) : kNone;
      case ParentCase::remote_sampled:
      case ParentCase::local_sampled: return static_cast<int>(kSample.decision);
      case ParentCase::remote_not_sampled:
      case ParentCase::local_not_sampled: return static_cast<int>(kDrop.decision);
    }
    return kNone;
  }
  SamplingResult should_sample(const SamplingParams& params) override {
    const SpanContext* parent = params.parent;
    if (parent != nullptr && parent->valid()) return parent->sampled() ? kSample : kDrop;
    if (period_ == 0) return kDrop;

    const std::uint64_t now = params.now_unix_nano < kMaxNow ? params.now_unix_nano : kMaxNow;
    std::uint64_t due = due_.load(std::memory_order_relaxed);
    for (;;) {
      const std::uint64_t base = due > now ? due : now;
      if (base - now > slack_) return kDrop;  // less than one token in the bucket
      // due_ <= kMaxNow + slack_ + period_ < 2^64, so the sum cannot wrap.
      if (due_.compare_exchange_weak(due, base + period_, std::memory_order_relaxed)) return kSample;
    }
  }

  std::string description() const override { return "RateLimitingSampler{" + format_number(per_second_) + "}"; }

 private:
  static constexpr std::uint64_t kMaxNow = std::uint64_t{1} << 63;
  static constexpr std::uint64_t kMaxSpan = 4'000'000'000'000'000'000ULL;  // < 2^62

  double per_second_ = 0;
  std::uint64_t period_ = 0;  // ns per token; 0: never sample roots
  std::uint64_t slack_ = 0;   // (capacity - 1) * period_, in ns
  std::atomic<std::uint64_t> due_{0};
};

constexpr std::string_view kSamplerVar = "OTEL_TRACES_SAMPLER";
constexpr std::string_view kArgVar = "OTEL_TRACES_SAMPLER_ARG";
constexpr std::string_view kKnownNames =
    "always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, "
    "parentbased_traceidratio, ratelimiting";

Error bad_value(std::string_view var, std::string_view expected, std::string_view got) {
  std::string m;
  m.append(var).append(": ").append(expected).append(", got '").append(got).append("'");
  return Error{std::move(m)};
}

Result<double> parse_ratio(std::string_view arg) {
  arg = trim(arg);
  if (arg.empty()) return 1.0;  // the spec default
  const std::optional<double> v = parse_decimal(arg);
  if (!v || !(*v >= 0 && *v <= 1)) return bad_value(kArgVar, "expected a ratio between 0 and 1", arg);
  return *v;
}

Result<double> parse_rate(std::string_view arg) {
  arg = trim(arg);
  const std::optional<double> v = parse_decimal(arg);
  if (!v || !(*v > 0) || std::isinf(*v))
    return bad_value(kArgVar, "ratelimiting expects a number of spans per second greater than 0", arg);
  return *v;
}

}  // namespace

std::unique_ptr<Sampler> always_on_sampler() { return std::make_unique<AlwaysOnSampler>(); }
std::unique_ptr<Sampler> always_off_sampler() { return std::make_unique<AlwaysOffSampler>(); }
std::unique_ptr<Sampler> trace_id_ratio_sampler(double ratio) {
  return std::make_unique<TraceIdRatioSampler>(ratio);
}
std::unique_ptr<Sampler> parent_based_sampler(std::unique_ptr<Sampler> root, ParentBasedOptions options) {
  return std::make_unique<ParentBasedSampler>(std::move(root), std::move(options));
}
std::unique_ptr<Sampler> rate_limiting_sampler(double per_second) {
  return std::make_unique<RateLimitingSampler>(per_second);
}

Result<std::unique_ptr<Sampler>> make_sampler(std::string_view name, std::string_view arg) {
  const std::string_view raw = trim(name);
  // The spec lists the values in lowercase and says enum values SHOULD be matched
  // case-insensitively; we do (ASCII), and echo the value as given when it is unknown.
  std::string n(raw);
  for (char& c : n)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');

  if (n.empty() || n == "parentbased_always_on") return parent_based_sampler(always_on_sampler());
  if (n == "always_on") return always_on_sampler();
  if (n == "always_off") return always_off_sampler();
  if (n == "parentbased_always_off") return parent_based_sampler(always_off_sampler());
  if (n == "traceidratio" || n == "parentbased_traceidratio") {
    Result<double> ratio = parse_ratio(arg);
    if (!ratio) return ratio.error();
    auto s = trace_id_ratio_sampler(ratio.value());
    if (n == "traceidratio") return s;
    return parent_based_sampler(std::move(s));
  }
  if (n == "ratelimiting") {
    Result<double> rate = parse_rate(arg);
    if (!rate) return rate.error();
    return rate_limiting_sampler(rate.value());
  }
  std::string m;
  m.append(kSamplerVar).append(": unknown sampler '").append(raw).append("' (expected one of ");
  m.append(kKnownNames).append(")");
  return Error{std::move(m)};
}

}  // namespace otlp
