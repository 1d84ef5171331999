#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "otlp/export/retry.hpp"

namespace otlp {
namespace {

using Action = RetryDecision::Action;

constexpr std::uint64_t kSec = 1'000'000'000;
constexpr std::uint64_t kKnownInstant = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT, by hand

std::string reason(const RetryDecision& d) { return d.reason; }

// ---------------------------------------------------------------------------------------------
// Outcome factories

TEST(Retry, FactoriesFillTheOutcome) {
  const Outcome ok = Outcome::ok();
  EXPECT_EQ(ok.kind, Outcome::Kind::success);

  const Outcome p = Outcome::partial_ok(3, "bad spans");
  EXPECT_EQ(p.kind, Outcome::Kind::partial_success);
  EXPECT_EQ(p.partial.rejected_spans, 3);
  EXPECT_EQ(p.partial.error_message, "bad spans");

  const Outcome g = Outcome::grpc(GrpcCode::unavailable, 7 * kSec, "down");
  EXPECT_EQ(g.kind, Outcome::Kind::grpc_status);
  EXPECT_EQ(g.code, 14);
  EXPECT_EQ(g.retry_delay_ns, std::optional<std::uint64_t>(7 * kSec));
  EXPECT_EQ(g.message, "down");

  const Outcome h = Outcome::http(429, 2 * kSec, "slow down");
  EXPECT_EQ(h.kind, Outcome::Kind::http_status);
  EXPECT_EQ(h.code, 429);
  EXPECT_EQ(h.retry_delay_ns, std::optional<std::uint64_t>(2 * kSec));
  EXPECT_EQ(h.message, "slow down");

  const Outcome h2 = Outcome::http(400);
  EXPECT_FALSE(h2.retry_delay_ns.has_value());

  const Outcome n = Outcome::network("connection refused");
  EXPECT_EQ(n.kind, Outcome::Kind::network_error);
  EXPECT_EQ(n.message, "connection refused");

  EXPECT_EQ(Outcome::timed_out().kind, Outcome::Kind::timeout);
}

// ---------------------------------------------------------------------------------------------
// Classification

TEST(Retry, EveryGrpcCode) {
  const std::set<int> retryable = {1, 4, 10, 11, 14, 15};  // CANCELLED .. DATA_LOSS per the spec
  RetryConfig cfg;
  for (int c = 0; c <= 16; ++c) {
    SCOPED_TRACE(c);
    const auto code = static_cast<GrpcCode>(c);
    const bool expect_retry = retryable.count(c) != 0;
    EXPECT_EQ(grpc_retryable(code, false), expect_retry);
    Random rng(1);
    const RetryDecision d = decide_retry(Outcome::grpc(code), 1, cfg, rng);
    if (c == 0) {
      EXPECT_EQ(d.action, Action::success);
    } else if (expect_retry) {
      EXPECT_EQ(d.action, Action::retry);
      EXPECT_GT(d.delay_ns, 0u);
    } else {
      EXPECT_EQ(d.action, Action::fail);
      EXPECT_NE(reason(d).find("not retryable"), std::string::npos) << d.reason;
    }
    // With RetryInfo the only change is RESOURCE_EXHAUSTED becoming retryable.
    EXPECT_EQ(grpc_retryable(code, true), expect_retry || c == 8);
    Random rng2(1);
    const RetryDecision t = decide_retry(Outcome::grpc(code, kSec / 10), 1, cfg, rng2);
    if (c == 0) {
      EXPECT_EQ(t.action, Action::success);
    } else {
      EXPECT_EQ(t.action, expect_retry || c == 8 ? Action::retry : Action::fail);
    }
  }
  // Codes outside 0..16 are final, not a crash.
  Outcome odd = Outcome::grpc(GrpcCode::ok);
  odd.code = 17;
  Random rng(1);
  EXPECT_EQ(decide_retry(odd, 1, cfg, rng).action, Action::fail);
  odd.code = -1;
  EXPECT_EQ(decide_retry(odd, 1, cfg, rng).action, Action::fail);
}

TEST(Retry, ResourceExhaustedNeedsRetryInfo) {
  RetryConfig cfg;
  Random rng(5);
  const RetryDecision without = decide_retry(Outcome::grpc(GrpcCode::resource_exhausted), 1, cfg, rng);
  EXPECT_EQ(without.action, Action::fail);
  EXPECT_EQ(reason(without), "gRPC RESOURCE_EXHAUSTED without RetryInfo is not retryable");

  const RetryDecision with = decide_retry(Outcome::grpc(GrpcCode::resource_exhausted, 3 * kSec), 1, cfg, rng);
  EXPECT_EQ(with.action, Action::retry);
  EXPECT_EQ(with.delay_ns, 3 * kSec);  // longer than the first backoff (<= 1 s): the server's delay
}

TEST(Retry, EveryHttpStatus) {
  RetryConfig cfg;
  for (int s = 100; s <= 599; ++s) {
    SCOPED_TRACE(s);
    const bool expect_retry = s == 429 || s == 502 || s == 503 || s == 504;
    EXPECT_EQ(http_retryable(s), expect_retry);
    Random rng(2);
    const RetryDecision d = decide_retry(Outcome::http(s), 1, cfg, rng);
    if (s >= 200 && s < 300) {
      EXPECT_EQ(d.action, Action::success);
    } else if (expect_retry) {
      EXPECT_EQ(d.action, Action::retry);
    } else {
      EXPECT_EQ(d.action, Action::fail);
      EXPECT_NE(reason(d).find("not retryable"), std::string::npos) << d.reason;
    }
    // A Retry-After on a final status does not make it retryable.
    Random rng2(2);
    const RetryDecision t = decide_retry(Outcome::http(s, kSec), 1, cfg, rng2);
    EXPECT_EQ(t.action, d.action);
  }
  Random rng(2);
  EXPECT_EQ(decide_retry(Outcome::http(0), 1, cfg, rng).action, Action::fail);
  EXPECT_EQ(decide_retry(Outcome::http(999), 1, cfg, rng).action, Action::fail);
}

TEST(Retry, Http400IsFinal) {
  RetryConfig cfg;
  for (std::uint32_t attempt = 1; attempt <= 3; ++attempt) {
    Random rng(3);
    const RetryDecision d = decide_retry(Outcome::http(400, std::nullopt, "bad request"), attempt, cfg, rng);
    EXPECT_EQ(d.action, Action::fail);
    EXPECT_EQ(reason(d), "HTTP 400 is not retryable");
    EXPECT_EQ(d.delay_ns, 0u);
  }
}

TEST(Retry, PartialSuccessIsNeverRetried) {
  RetryConfig cfg;
  for (const std::int64_t rejected : {std::int64_t{0}, std::int64_t{1}, std::int64_t{1000}}) {
    for (const std::uint32_t attempt : {1u, 4u, 5u, 9u}) {
      SCOPED_TRACE(rejected);
      SCOPED_TRACE(attempt);
      Random rng(4);
      const RetryDecision d = decide_retry(Outcome::partial_ok(rejected, "msg"), attempt, cfg, rng);
      EXPECT_EQ(d.action, Action::partial_success);
      EXPECT_EQ(d.delay_ns, 0u);
      // No jitter was drawn: the generator is where a fresh one with the same seed is.
      Random fresh(4);
      EXPECT_EQ(rng.next(), fresh.next());
    }
  }
}

TEST(Retry, SuccessEvenOnTheLastAttempt) {
  RetryConfig cfg;
  Random rng(4);
  EXPECT_EQ(decide_retry(Outcome::ok(), 5, cfg, rng).action, Action::success);
  EXPECT_EQ(decide_retry(Outcome::grpc(GrpcCode::ok), 5, cfg, rng).action, Action::success);
  EXPECT_EQ(decide_retry(Outcome::http(200), 5, cfg, rng).action, Action::success);
  EXPECT_EQ(decide_retry(Outcome::http(204), 5, cfg, rng).action, Action::success);
}

TEST(Retry, NetworkErrorAndTimeoutRetryWithBackoff) {
  RetryConfig cfg;
  for (const Outcome& o : {Outcome::network("connection reset"), Outcome::timed_out()}) {
    Random rng(6);
    const RetryDecision d = decide_retry(o, 1, cfg, rng);
    EXPECT_EQ(d.action, Action::retry);
    EXPECT_GE(d.delay_ns, cfg.initial_backoff_ns / 2);
    EXPECT_LE(d.delay_ns, cfg.initial_backoff_ns);
  }
}

// Certificate and authentication failures end the export on the first attempt: a retry would
// meet the same certificate, or the same credentials.
TEST(Retry, CertificateAndAuthenticationFailuresAreFinal) {
  RetryConfig cfg;
  const Outcome final_outcomes[] = {Outcome::certificate_failure("certificate has expired"), Outcome::http(401),
                                    Outcome::http(403), Outcome::grpc(GrpcCode::unauthenticated),
                                    Outcome::grpc(GrpcCode::permission_denied)};
  for (const Outcome& o : final_outcomes) {
    SCOPED_TRACE(o.message + " " + std::to_string(o.code));
    Random rng(8);
    const RetryDecision d = decide_retry(o, 1, cfg, rng);
    EXPECT_EQ(d.action, Action::fail);
    EXPECT_EQ(d.delay_ns, 0u);
    EXPECT_NE(reason(d).find("not retryable"), std::string::npos) << d.reason;
    Random fresh(8);
    EXPECT_EQ(rng.next(), fresh.next());  // no backoff was drawn
  }
  const Outcome c = Outcome::certificate_failure("unable to get local issuer certificate");
  EXPECT_EQ(c.kind, Outcome::Kind::certificate);
  EXPECT_EQ(c.message, "unable to get local issuer certificate");
  Random rng(8);
  EXPECT_EQ(reason(decide_retry(c, 1, cfg, rng)), "certificate failure is not retryable");
}

TEST(Retry, AttemptLimit) {
  RetryConfig cfg;  // max_attempts = 5, including the first
  Random rng(7);
  for (std::uint32_t attempt = 1; attempt < 5; ++attempt)
    EXPECT_EQ(decide_retry(Outcome::http(503), attempt, cfg, rng).action, Action::retry) << attempt;
  for (const std::uint32_t attempt : {5u, 6u, 100u}) {
    for (const Outcome& o : {Outcome::http(503), Outcome::grpc(GrpcCode::unavailable), Outcome::network("x"),
                             Outcome::timed_out(), Outcome::http(429, kSec)}) {
      const RetryDecision d = decide_retry(o, attempt, cfg, rng);
      EXPECT_EQ(d.action, Action::fail);
      EXPECT_NE(reason(d).find("attempts exhausted"), std::string::npos) << d.reason;
    }
  }
  cfg.max_attempts = 1;  // no retries at all
  EXPECT_EQ(decide_retry(Outcome::network("x"), 1, cfg, rng).action, Action::fail);
}

// ---------------------------------------------------------------------------------------------
// Backoff and jitter

TEST(Retry, BackoffSequenceGrowsByTheMultiplierUpToTheCap) {
  RetryConfig cfg;  // 1 s, x1.5, capped at 5 s
  cfg.max_attempts = 100;
  const std::vector<std::uint64_t> bases = {1'000'000'000, 1'500'000'000, 2'250'000'000, 3'375'000'000,
                                            5'000'000'000, 5'000'000'000, 5'000'000'000};
  for (std::size_t i = 0; i < bases.size(); ++i) {
    const auto attempt = static_cast<std::uint32_t>(i + 1);
    const std::uint64_t base = bases[i];
    SCOPED_TRACE(attempt);
    std::uint64_t lo = UINT64_MAX, hi = 0;
    for (std::uint64_t seed = 0; seed < 2000; ++seed) {
      Random rng(seed);
      const RetryDecision d = decide_retry(Outcome::network("x"), attempt, cfg, rng);
      ASSERT_EQ(d.action, Action::retry);
      ASSERT_GE(d.delay_ns, base / 2);
      ASSERT_LE(d.delay_ns, base);
      lo = std::min(lo, d.delay_ns);
      hi = std::max(hi, d.delay_ns);
    }
    // The draws fill the whole window, so the window is [base/2, base] for exactly this base.
    EXPECT_LT(lo, base / 2 + base / 200);
    EXPECT_GT(hi, base - base / 200);
  }
}

TEST(Retry, HugeAttemptNumbersStayAtTheCap) {
  RetryConfig cfg;
  cfg.max_attempts = UINT32_MAX;
  for (const std::uint32_t attempt : {64u, 1000u, UINT32_MAX - 1}) {
    Random rng(8);
    const RetryDecision d = decide_retry(Outcome::network("x"), attempt, cfg, rng);
    EXPECT_EQ(d.action, Action::retry);
    EXPECT_GE(d.delay_ns, cfg.max_backoff_ns / 2);
    EXPECT_LE(d.delay_ns, cfg.max_backoff_ns);
  }
}

TEST(Retry, BackoffIsDeterministicPerSeed) {
  RetryConfig cfg;
  auto run = [&](std::uint64_t seed) {
    Random rng(seed);
    std::vector<std::uint64_t> out;
    for (std::uint32_t attempt = 1; attempt < cfg.max_attempts; ++attempt)
      out.push_back(decide_retry(Outcome::http(502), attempt, cfg, rng).delay_ns);
    return out;
  };
  EXPECT_EQ(run(42), run(42));
  EXPECT_EQ(run(0), run(0));
  EXPECT_NE(run(42), run(43));
}

TEST(Retry, JitterVariesAcrossDraws) {
  RetryConfig cfg;
  Random rng(9);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 100; ++i) seen.insert(decide_retry(Outcome::timed_out(), 1, cfg, rng).delay_ns);
  EXPECT_GE(seen.size(), 95u);
}

TEST(Retry, ZeroInitialBackoffMeansNoWait) {
  RetryConfig cfg;
  cfg.initial_backoff_ns = 0;
  cfg.max_backoff_ns = 0;
  Random rng(10);
  const RetryDecision d = decide_retry(Outcome::network("x"), 2, cfg, rng);
  EXPECT_EQ(d.action, Action::retry);
  EXPECT_EQ(d.delay_ns, 0u);
}

// ---------------------------------------------------------------------------------------------
// Throttling

TEST(Retry, ThrottleLongerThanBackoffIsHonouredExactly) {
  RetryConfig cfg;
  const std::vector<Outcome> throttled = {
      Outcome::http(429, 4 * kSec), Outcome::http(503, 4 * kSec),
      Outcome::grpc(GrpcCode::unavailable, 4 * kSec), Outcome::grpc(GrpcCode::resource_exhausted, 4 * kSec)};
  for (const Outcome& o : throttled) {
    SCOPED_TRACE(o.code);
    Random rng(11);
    const RetryDecision d = decide_retry(o, 1, cfg, rng);  // backoff at attempt 1 is <= 1 s
    EXPECT_EQ(d.action, Action::retry);
    EXPECT_EQ(d.delay_ns, 4 * kSec);
  }
  // Between the caps: longer than any backoff, and still honoured.
  Random rng(11);
  EXPECT_EQ(decide_retry(Outcome::http(429, 20 * kSec), 4, cfg, rng).delay_ns, 20 * kSec);
}

TEST(Retry, ThrottleShorterThanBackoffGivesTheBackoff) {
  RetryConfig cfg;
  for (std::uint32_t attempt = 1; attempt < cfg.max_attempts; ++attempt) {
    SCOPED_TRACE(attempt);
    Random a(12), b(12);
    const RetryDecision plain = decide_retry(Outcome::http(503), attempt, cfg, a);
    const RetryDecision throttled = decide_retry(Outcome::http(503, 1), attempt, cfg, b);  // 1 ns
    EXPECT_EQ(throttled.action, Action::retry);
    EXPECT_EQ(throttled.delay_ns, plain.delay_ns);
    EXPECT_GE(throttled.delay_ns, kSec / 2);
    // The generator advanced the same way, so later decisions stay in step.
    EXPECT_EQ(a.next(), b.next());
  }
  Random rng(12);
  const RetryDecision zero = decide_retry(Outcome::grpc(GrpcCode::unavailable, 0), 1, cfg, rng);
  EXPECT_EQ(zero.action, Action::retry);
  EXPECT_GE(zero.delay_ns, kSec / 2);
}

TEST(Retry, ThrottleAboveTheCapFails) {
  RetryConfig cfg;  // max_throttle_ns = 30 s
  Random rng(13);
  const RetryDecision at_cap = decide_retry(Outcome::http(429, cfg.max_throttle_ns), 1, cfg, rng);
  EXPECT_EQ(at_cap.action, Action::retry);
  EXPECT_EQ(at_cap.delay_ns, cfg.max_throttle_ns);
  for (const Outcome& o : {Outcome::http(429, cfg.max_throttle_ns + 1), Outcome::http(503, 3600 * kSec),
                           Outcome::grpc(GrpcCode::unavailable, UINT64_MAX),
                           Outcome::grpc(GrpcCode::resource_exhausted, 31 * kSec)}) {
    const RetryDecision d = decide_retry(o, 1, cfg, rng);
    EXPECT_EQ(d.action, Action::fail);
    EXPECT_NE(reason(d).find("max_throttle_ns"), std::string::npos) << d.reason;
  }
}

// ---------------------------------------------------------------------------------------------
// Retry-After

std::optional<std::uint64_t> ra(std::string_view v, std::uint64_t now = 0) { return parse_retry_after(v, now); }
std::optional<std::uint64_t> secs(std::uint64_t s) { return s * kSec; }

TEST(RetryAfter, DelaySeconds) {
  EXPECT_EQ(ra("120"), secs(120));
  EXPECT_EQ(ra("0"), secs(0));
  EXPECT_EQ(ra(" 5 "), secs(5));
  EXPECT_EQ(ra("\t7\t"), secs(7));
  EXPECT_EQ(ra("007"), secs(7));
  // Delay-seconds does not depend on now.
  EXPECT_EQ(ra("120", kKnownInstant * kSec + 123), secs(120));
}

TEST(RetryAfter, DelaySecondsMalformed) {
  for (const char* v : {"-1", "1.5", "", " ", "\t", "abc", "+5", "5s", "1 2", "0x10", "1e3", "5,", "٣"}) {
    EXPECT_EQ(ra(v), std::nullopt) << '"' << v << '"';
  }
}

TEST(RetryAfter, HugeDelaySecondsSaturate) {
  EXPECT_EQ(kRetryAfterMaxSeconds, 2147483648u);
  EXPECT_EQ(ra("2147483647"), secs(2147483647));
  EXPECT_EQ(ra("2147483648"), secs(kRetryAfterMaxSeconds));
  EXPECT_EQ(ra("2147483649"), secs(kRetryAfterMaxSeconds));
  EXPECT_EQ(ra("99999999999999999999"), secs(kRetryAfterMaxSeconds));
  EXPECT_EQ(ra("18446744073709551617"), secs(kRetryAfterMaxSeconds));  // 2^64 + 1 would wrap to 1
  EXPECT_EQ(ra(std::string(500, '9')), secs(kRetryAfterMaxSeconds));
}

TEST(RetryAfter, ThreeDateFormatsOfOneInstant) {
  // 1994-11-06: 24 years from 1970 (6 of them leap: 72 76 80 84 88 92) = 8766 days, + 309 days
  // to Nov 1 in a common year, + 5 = 9080 days; 9080 * 86400 + 8*3600 + 49*60 + 37 = 784111777.
  for (const char* v : {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                        "Sun Nov  6 08:49:37 1994", "Sun Nov 06 08:49:37 1994", "  Sun, 06 Nov 1994 08:49:37 GMT\t"}) {
    SCOPED_TRACE(v);
    EXPECT_EQ(ra(v, (kKnownInstant - 100) * kSec), secs(100));
    EXPECT_EQ(ra(v, kKnownInstant * kSec - 1), std::optional<std::uint64_t>(1));
  }
  // From the epoch the delay is the unix time itself (RFC 850's "94" is 1994 when now is 1970).
  EXPECT_EQ(ra("Sun, 06 Nov 1994 08:49:37 GMT", 0), secs(kKnownInstant));
  EXPECT_EQ(ra("Sunday, 06-Nov-94 08:49:37 GMT", 0), secs(kKnownInstant));
  EXPECT_EQ(ra("Sun Nov  6 08:49:37 1994", 0), secs(kKnownInstant));
}

TEST(RetryAfter, MoreKnownInstants) {
  EXPECT_EQ(ra("Thu, 01 Jan 1970 00:00:01 GMT"), secs(1));
  EXPECT_EQ(ra("Wed, 01 Mar 2000 00:00:00 GMT"), secs(951868800));
  EXPECT_EQ(ra("Thu, 29 Feb 2024 12:00:00 GMT"), secs(1709208000));
  // 4133980799 is past the 2^31 s cap from the epoch, so measure it from 2099-01-01 (4070908800).
  EXPECT_EQ(ra("Fri, 31 Dec 2100 23:59:59 GMT", 4070908800ULL * kSec), secs(4133980799 - 4070908800));
  EXPECT_EQ(ra("Tue, 19 Jan 2038 03:14:08 GMT"), secs(2147483648));
  EXPECT_EQ(ra("Tue, 19 Jan 2038 03:14:09 GMT"), secs(kRetryAfterMaxSeconds));  // one past: saturates
  EXPECT_EQ(ra("Fri, 31 Dec 9999 23:59:59 GMT"), secs(kRetryAfterMaxSeconds));
  // A leap second counts as the next minute's :00.
  EXPECT_EQ(ra("Sat, 31 Dec 2016 23:59:60 GMT"), secs(1483228800));
}

TEST(RetryAfter, FutureDateRelativeToNow) {
  const std::uint64_t now = (kKnownInstant - 120) * kSec + 250'000'000;  // 119.75 s before
  EXPECT_EQ(ra("Sun, 06 Nov 1994 08:49:37 GMT", now), std::optional<std::uint64_t>(119'750'000'000));
  EXPECT_EQ(ra("Sun, 06 Nov 1994 08:51:37 GMT", now), std::optional<std::uint64_t>(239'750'000'000));
}

TEST(RetryAfter, PastDateIsZero) {
  const std::uint64_t now = (kKnownInstant + 3600) * kSec;
  EXPECT_EQ(ra("Sun, 06 Nov 1994 08:49:37 GMT", now), secs(0));
  EXPECT_EQ(ra("Sun, 06 Nov 1994 09:49:37 GMT", now), secs(0));  // exactly now
  EXPECT_EQ(ra("Sun, 06 Nov 1994 09:49:37 GMT", now + 1), secs(0));  // 1 ns past that second: no wrap
  EXPECT_EQ(ra("Sun Nov  6 08:49:37 1994", now), secs(0));
  EXPECT_EQ(ra("Mon, 01 Jan 0001 00:00:00 GMT", now), secs(0));
  EXPECT_EQ(ra("Thu, 31 Dec 1969 23:59:59 GMT", 0), secs(0));
}

TEST(RetryAfter, TwoDigitYearsFollowTheFiftyYearRule) {
  const std::uint64_t now2024 = 1704067200ULL * kSec;  // Mon, 01 Jan 2024 00:00:00 GMT
  // "94" seen in 2024 would be 2094, more than 50 years ahead: it is 1994, in the past.
  EXPECT_EQ(ra("Sunday, 06-Nov-94 08:49:37 GMT", now2024), secs(0));
  // "25" is 2025: one leap year ahead.
  EXPECT_EQ(ra("Wednesday, 01-Jan-25 00:00:00 GMT", now2024), secs(366 * 86400));
  // "74" is exactly 50 years ahead (2074): not more than 50, so still the future.
  EXPECT_EQ(ra("Monday, 01-Jan-74 00:00:00 GMT", now2024), secs(1577923200));  // 50 y, 13 leap days
  // "75" would be 51 years ahead: it is 1975.
  EXPECT_EQ(ra("Wednesday, 01-Jan-75 00:00:00 GMT", now2024), secs(0));
  // In 2099, "00" is 2100 (1 year ahead), not 2000.
  const std::uint64_t now2099 = 4070908800ULL * kSec;  // Thu, 01 Jan 2099 00:00:00 GMT
  EXPECT_EQ(ra("Friday, 01-Jan-00 00:00:00 GMT", now2099), secs(365 * 86400));
  // Feb 29 of a two-digit year is checked against the year it resolves to: 2000 is leap.
  EXPECT_EQ(ra("Tuesday, 29-Feb-00 00:00:00 GMT", 946684800ULL * kSec), secs(59 * 86400));
}

TEST(RetryAfter, DayNameNeedNotMatchTheDate) {
  // 1994-11-06 was a Sunday; the date decides.
  EXPECT_EQ(ra("Mon, 06 Nov 1994 08:49:37 GMT"), secs(kKnownInstant));
  EXPECT_EQ(ra("Friday, 06-Nov-94 08:49:37 GMT"), secs(kKnownInstant));
  EXPECT_EQ(ra("Wed Nov  6 08:49:37 1994"), secs(kKnownInstant));
}

TEST(RetryAfter, InvalidDates) {
  for (const char* v : {
           "Sun, 30 Feb 1994 08:49:37 GMT",    // Feb 30
           "Sun, 29 Feb 1995 08:49:37 GMT",    // not a leap year
           "Sun, 29 Feb 1900 08:49:37 GMT",    // century, not leap
           "Sun, 31 Apr 1994 08:49:37 GMT",    // April has 30
           "Sun, 00 Nov 1994 08:49:37 GMT",    // day 0
           "Sun, 32 Dec 1994 08:49:37 GMT",    // day 32
           "Sun, 06 Nov 1994 24:00:00 GMT",    // hour 24
           "Sun, 06 Nov 1994 08:60:37 GMT",    // minute 60
           "Sun, 06 Nov 1994 08:49:61 GMT",    // second 61
           "Sun, 06 Foo 1994 08:49:37 GMT",    // bad month
           "Sun, 06 nov 1994 08:49:37 GMT",    // month names are case-sensitive
           "Sun, 06 November 1994 08:49:37 GMT",
           "Sun, 06 Nov 1994 08:49:37",        // missing GMT
           "Sun, 06 Nov 1994 08:49:37 UTC",
           "Sun, 06 Nov 1994 08:49:37 GMT x",  // trailing garbage
           "Sun 06 Nov 1994 08:49:37 GMT",     // no comma
           "Sun, 06-Nov-1994 08:49:37 GMT",    // RFC 850 separators with a 4-digit year
           "Sun, 06 Nov 1994 08.49.37 GMT",    // wrong time separators
           "Sun,  06 Nov 1994 08:49:37 GMT",   // double space
           "Sun, 6 Nov 1994 08:49:37 GMT",     // IMF day is 2 digits
           "Sun, 06 Nov 94 08:49:37 GMT",      // IMF year is 4 digits
           "Sun, 06 Nov 1994 8:49:37 GMT",     // hour is 2 digits
           "Xyz, 06 Nov 1994 08:49:37 GMT",    // bad day name
           "Sunday, 06 Nov 1994 08:49:37 GMT", // long day name in IMF
           "Sun, 06-Nov-94 08:49:37 GMT",      // short day name in RFC 850
           "Sunday, 06 Nov 94 08:49:37 GMT",   // RFC 850 with spaces
           "Sunday, 30-Feb-94 08:49:37 GMT",   // Feb 30 in RFC 850
           "Sunday, 06-Nov-94 24:49:37 GMT",
           "Sunday, 06-Nov-94 08:49:37",
           "Sun Nov  6 08:49:37 1994 GMT",     // asctime has no zone
           "Sun Nov 6 08:49:37 1994",          // asctime single-digit day needs two spaces
           "Sun Nov   6 08:49:37 1994",
           "Sun Nov 31 08:49:37 1994",         // Nov has 30
           "Sun Nov  6 08:49:37 94",
           "Sun Foo  6 08:49:37 1994",
           "Sun Nov  6 24:49:37 1994",
           "Sun",
           "Sun, ",
       }) {
    EXPECT_EQ(ra(v), std::nullopt) << '"' << v << '"';
  }
}

}  // namespace
}  // namespace otlp
