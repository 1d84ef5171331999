// The OTLP retry policy (see retry.hpp) and the Retry-After parser.
#include "otlp/export/retry.hpp"

#include <cstddef>
#include <utility>

namespace otlp {

// ---------------------------------------------------------------------------------------------
// Outcome factories

Outcome Outcome::partial_ok(std::int64_t rejected, std::string msg) {
  Outcome o;
  o.kind = Kind::partial_success;
  o.partial.rejected_spans = rejected;
  o.partial.error_message = std::move(msg);
  return o;
}

Outcome Outcome::grpc(GrpcCode c, std::optional<std::uint64_t> retry_delay_ns, std::string msg) {
  Outcome o;
  o.kind = Kind::grpc_status;
  o.code = static_cast<int>(c);
  o.retry_delay_ns = retry_delay_ns;
  o.message = std::move(msg);
  return o;
}

Outcome Outcome::http(int status, std::optional<std::uint64_t> retry_delay_ns, std::string msg) {
  Outcome o;
  o.kind = Kind::http_status;
  o.code = status;
  o.retry_delay_ns = retry_delay_ns;
  o.message = std::move(msg);
  return o;
}

Outcome Outcome::network(std::string msg) {
  Outcome o;
  o.kind = Kind::network_error;
  o.message = std::move(msg);
  return o;
}

Outcome Outcome::timed_out() {
  Outcome o;
  o.kind = Kind::timeout;
  o.message = "the export attempt timed out";
  return o;
}

Outcome Outcome::certificate_failure(std::string msg) {
  Outcome o;
  o.kind = Kind::certificate;
  o.message = std::move(msg);
  return o;
}

// ---------------------------------------------------------------------------------------------
// Classification

bool grpc_retryable(GrpcCode code, bool has_retry_delay) {
  switch (code) {
    case GrpcCode::cancelled:
    case GrpcCode::deadline_exceeded:
    case GrpcCode::aborted:
    case GrpcCode::out_of_range:
    case GrpcCode::unavailable:
    case GrpcCode::data_loss:
      return true;
    case GrpcCode::resource_exhausted:
      return has_retry_delay;
    default:
      return false;
  }
}

bool http_retryable(int status) { return status == 429 || status == 502 || status == 503 || status == 504; }

namespace {

using Action = RetryDecision::Action;

constexpr std::uint64_t kNanosPerSecond = 1'000'000'000;

#ifndef OTLP_NO_GRPC  // HTTP-only builds (the WASM modules) leave the gRPC texts out
// Why a non-OK gRPC status ends the export; static text, one per code.
const char* grpc_final_reason(int code) {
  switch (code) {
    case 2: return "gRPC UNKNOWN is not retryable";
    case 3: return "gRPC INVALID_ARGUMENT is not retryable";
    case 5: return "gRPC NOT_FOUND is not retryable";
    case 6: return "gRPC ALREADY_EXISTS is not retryable";
    case 7: return "gRPC PERMISSION_DENIED is not retryable";
    case 8: return "gRPC RESOURCE_EXHAUSTED without RetryInfo is not retryable";
    case 9: return "gRPC FAILED_PRECONDITION is not retryable";
    case 12: return "gRPC UNIMPLEMENTED is not retryable";
    case 13: return "gRPC INTERNAL is not retryable";
    case 16: return "gRPC UNAUTHENTICATED is not retryable";
    default: return "unknown gRPC status code is not retryable";
  }
}

const char* grpc_retry_reason(int code, bool throttled) {
  switch (code) {
    case 1: return "gRPC CANCELLED is retryable";
    case 4: return "gRPC DEADLINE_EXCEEDED is retryable";
    case 8: return "gRPC RESOURCE_EXHAUSTED with RetryInfo: throttled";
    case 10: return "gRPC ABORTED is retryable";
    case 11: return "gRPC OUT_OF_RANGE is retryable";
    case 14: return throttled ? "gRPC UNAVAILABLE with RetryInfo: throttled" : "gRPC UNAVAILABLE is retryable";
    case 15: return "gRPC DATA_LOSS is retryable";
    default: return "gRPC status is retryable";
  }
}
#endif

// Why a non-2xx HTTP status ends the export. Static text cannot carry every number, so the
// common statuses are named and the rest are described by class; the caller has outcome.code.
const char* http_final_reason(int status) {
  switch (status) {
    case 400: return "HTTP 400 is not retryable";
    case 401: return "HTTP 401 is not retryable";
    case 403: return "HTTP 403 is not retryable";
    case 404: return "HTTP 404 is not retryable";
    case 405: return "HTTP 405 is not retryable";
    case 413: return "HTTP 413 is not retryable";
    case 415: return "HTTP 415 is not retryable";
    case 500: return "HTTP 500 is not retryable";
    case 501: return "HTTP 501 is not retryable";
    default: break;
  }
  if (status >= 100 && status < 200) return "HTTP 1xx is not a final answer and is not retryable";
  if (status >= 300 && status < 400) return "HTTP 3xx (redirect not followed) is not retryable";
  if (status >= 400 && status < 500) return "HTTP 4xx other than 429 is not retryable";
  if (status >= 500 && status < 600) return "HTTP 5xx other than 502, 503, 504 is not retryable";
  return "invalid HTTP status is not retryable";
}

const char* http_retry_reason(int status, bool throttled) {
  switch (status) {
    case 429: return throttled ? "HTTP 429 with Retry-After: throttled" : "HTTP 429 is retryable";
    case 502: return throttled ? "HTTP 502 with Retry-After: throttled" : "HTTP 502 is retryable";
    case 503: return throttled ? "HTTP 503 with Retry-After: throttled" : "HTTP 503 is retryable";
    case 504: return throttled ? "HTTP 504 with Retry-After: throttled" : "HTTP 504 is retryable";
    default: return "HTTP status is retryable";
  }
}

// base = min(max, initial * multiplier^(n-1)). The power is taken by repeated squaring in
// double: IEEE multiplication gives the same bits natively and in WASM, exact for values like
// 1.5^k, and O(log n) however large the attempt number. Overflow to inf, or a NaN from a
// nonsensical multiplier, lands on the cap.
std::uint64_t backoff_base(std::uint32_t attempt, const RetryConfig& config) {
  const std::uint64_t cap = config.max_backoff_ns;
  if (config.initial_backoff_ns >= cap) return cap;
  std::uint32_t exponent = attempt > 0 ? attempt - 1 : 0;
  double factor = 1.0;
  double square = config.multiplier;
  while (exponent > 0) {
    if ((exponent & 1U) != 0) factor *= square;
    exponent >>= 1;
    if (exponent > 0) square *= square;
  }
  const double base = static_cast<double>(config.initial_backoff_ns) * factor;
  if (!(base >= 0.0)) return cap;  // NaN or negative (a negative multiplier)
  if (!(base < static_cast<double>(cap))) return cap;
  return static_cast<std::uint64_t>(base);
}

// Jitter: uniform in [base/2, base] ("equal jitter"), one draw from rng on every retry.
// Not "full jitter" (uniform in [0, base]): with OTLP's handful of attempts a draw near zero
// turns a backoff into an immediate retry against a server that just failed or said it is
// overloaded, and spends one of the few attempts for nothing. Keeping at least half of the
// base still spreads clients that failed together over a window as wide as base/2, so they do
// not retry in lock step, while guaranteeing that every retry really backs off.
std::uint64_t jittered(std::uint64_t base, Random& rng) {
  const std::uint64_t low = base / 2;
  return low + rng.below(base - low + 1);  // base - low + 1 >= 1; no overflow: base - low < 2^63 + 1
}

RetryDecision decide(Action action, const char* reason, std::uint64_t delay_ns = 0) {
  RetryDecision d;
  d.action = action;
  d.delay_ns = delay_ns;
  d.reason = reason;
  return d;
}

}  // namespace

// Order of the checks:
//  1. success and partial success end the export (partial success is never retried, whatever
//     the rejected count: the server has taken what it will take);
//  2. a status outside the spec's retryable set ends it, with the status as the reason, and so
//     does a certificate failure (expired, another host's, unknown CA: nothing a retry changes);
//  3. attempt >= max_attempts ends it ("attempts exhausted");
//  4. a server-asked delay (RetryInfo / Retry-After) above max_throttle_ns ends it rather than
//     parking the batch for minutes or hours;
//  5. otherwise retry after max(server delay, jittered backoff).
//
// Throttling vs backoff: the spec says "wait that long, then back off". We read it as: the
// server's delay is a floor on the wait, and backoff keeps growing underneath it. So the delay
// is the server's delay when it is longer than this attempt's jittered backoff, else the
// jittered backoff. We don't add the two: a server that says "retry in 2 s" would otherwise be
// answered after 2 s plus up to 5 s. The server's delay is honoured on any retryable outcome
// that carries one (the spec names 429/503 and UNAVAILABLE/RESOURCE_EXHAUSTED; a proxy's 502/504
// with Retry-After is treated the same). The rng is drawn on every retry, throttled or not, so
// the sequence for a seed does not depend on which outcomes carried a delay.
RetryDecision decide_retry(const Outcome& outcome, std::uint32_t attempt, const RetryConfig& config, Random& rng) {
  const bool has_delay = outcome.retry_delay_ns.has_value();
  const char* retry_reason = "";
  switch (outcome.kind) {
    case Outcome::Kind::success:
      return decide(Action::success, "exported");
    case Outcome::Kind::partial_success:
      return decide(Action::partial_success, "partial success is never retried");
    case Outcome::Kind::grpc_status: {
#ifdef OTLP_NO_GRPC
      return decide(Action::fail, "gRPC status in an HTTP-only build (OTLP_NO_GRPC)");
#else
      if (outcome.code == 0) return decide(Action::success, "gRPC OK");
      if (outcome.code < 0 || outcome.code > 16) return decide(Action::fail, grpc_final_reason(outcome.code));
      const auto code = static_cast<GrpcCode>(outcome.code);
      if (!grpc_retryable(code, has_delay)) return decide(Action::fail, grpc_final_reason(outcome.code));
      retry_reason = grpc_retry_reason(outcome.code, has_delay);
      break;
#endif
    }
    case Outcome::Kind::http_status:
      if (outcome.code >= 200 && outcome.code < 300) return decide(Action::success, "HTTP 2xx");
      if (!http_retryable(outcome.code)) return decide(Action::fail, http_final_reason(outcome.code));
      retry_reason = http_retry_reason(outcome.code, has_delay);
      break;
    case Outcome::Kind::network_error:
      retry_reason = "network error is retried with backoff";
      break;
    case Outcome::Kind::timeout:
      retry_reason = "attempt timeout is retried with backoff";
      break;
    case Outcome::Kind::certificate:
      return decide(Action::fail, "certificate failure is not retryable");
    default:
      return decide(Action::fail, "unknown outcome kind");
  }

  if (attempt >= config.max_attempts)
    return decide(Action::fail, "retryable error but attempts exhausted (max_attempts)");
  if (has_delay && *outcome.retry_delay_ns > config.max_throttle_ns)
    return decide(Action::fail, "server asked for a retry delay longer than max_throttle_ns");

  const std::uint64_t backoff = jittered(backoff_base(attempt, config), rng);
  std::uint64_t delay = backoff;
  if (has_delay && *outcome.retry_delay_ns > backoff) delay = *outcome.retry_delay_ns;
  return decide(Action::retry, retry_reason, delay);
}

// ---------------------------------------------------------------------------------------------
// Retry-After (RFC 9110 §10.2.3): delay-seconds / HTTP-date (§5.6.7)

namespace {

// A tiny cursor over the field value.
struct Cursor {
  std::string_view s;
  std::size_t i = 0;

  bool done() const { return i == s.size(); }
  bool lit(std::string_view t) {
    if (s.substr(i, t.size()) != t) return false;
    i += t.size();
    return true;
  }
  bool digit_at(std::size_t k) const { return k < s.size() && s[k] >= '0' && s[k] <= '9'; }
  // Exactly n digits.
  bool digits(std::size_t n, int& out) {
    int v = 0;
    for (std::size_t k = 0; k < n; ++k) {
      if (!digit_at(i + k)) return false;
      v = v * 10 + (s[i + k] - '0');
    }
    i += n;
    out = v;
    return true;
  }
  // One of `names` (exact, case-sensitive as in the grammar); its index in out.
  template <std::size_t N>
  bool one_of(const std::string_view (&names)[N], int& out) {
    for (std::size_t k = 0; k < N; ++k) {
      if (lit(names[k])) {
        out = static_cast<int>(k);
        return true;
      }
    }
    return false;
  }
};

constexpr std::string_view kDayNames[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::string_view kLongDayNames[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                              "Friday", "Saturday", "Sunday"};
constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct Civil {
  std::int64_t year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
  int hour = 0, minute = 0, second = 0;
};

constexpr bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr int days_in_month(std::int64_t y, int m) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// Leap years in [1, y], counted on the proleptic Gregorian calendar (floor division keeps it
// right for y <= 0 too).
constexpr std::int64_t leaps_through(std::int64_t y) { return floor_div(y, 4) - floor_div(y, 100) + floor_div(y, 400); }

// Days from 1970-01-01 to y-m-d: whole years, plus the leap days among them, plus the months
// of year y already gone, plus the day.
constexpr std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  constexpr int kBefore[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  std::int64_t days = 365 * (y - 1970) + (leaps_through(y - 1) - leaps_through(1969));
  days += kBefore[m - 1] + ((m > 2 && is_leap(y)) ? 1 : 0);
  return days + (d - 1);
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(1972, 3, 1) == 790);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(days_from_civil(1969, 12, 31) == -1);

// The year that the day number (since 1970-01-01) falls in: start from an estimate and step.
std::int64_t year_of_day(std::int64_t days) {
  std::int64_t y = 1970 + floor_div(days, 365);
  while (days_from_civil(y, 1, 1) > days) --y;
  while (days_from_civil(y + 1, 1, 1) <= days) ++y;
  return y;
}

// time-of-day = hour ":" minute ":" second
bool parse_time(Cursor& c, Civil& t) {
  return c.digits(2, t.hour) && c.lit(":") && c.digits(2, t.minute) && c.lit(":") && c.digits(2, t.second);
}

// IMF-fixdate = day-name "," SP day SP month SP year SP time-of-day SP "GMT"
bool parse_imf(Cursor c, Civil& t) {
  int ignored = 0, year = 0;
  if (!(c.one_of(kDayNames, ignored) && c.lit(", ") && c.digits(2, t.day) && c.lit(" ") &&
        c.one_of(kMonths, t.month) && c.lit(" ") && c.digits(4, year) && c.lit(" ") && parse_time(c, t) &&
        c.lit(" GMT") && c.done()))
    return false;
  t.month += 1;
  t.year = year;
  return true;
}

// rfc850-date = day-name-l "," SP day "-" month "-" 2DIGIT SP time-of-day SP "GMT"
bool parse_rfc850(Cursor c, Civil& t, std::int64_t now_year) {
  int ignored = 0, yy = 0;
  if (!(c.one_of(kLongDayNames, ignored) && c.lit(", ") && c.digits(2, t.day) && c.lit("-") &&
        c.one_of(kMonths, t.month) && c.lit("-") && c.digits(2, yy) && c.lit(" ") && parse_time(c, t) &&
        c.lit(" GMT") && c.done()))
    return false;
  t.month += 1;
  // RFC 9110 §5.6.7: a two-digit year that appears to be more than 50 years in the future is
  // the most recent past year with those digits. So the year is the one with these last two
  // digits in (now - 50, now + 50]; judged on years, not to the second.
  std::int64_t y = now_year - (((now_year % 100) + 100) % 100) + yy;
  if (y > now_year + 50) y -= 100;
  if (y <= now_year - 50) y += 100;
  t.year = y;
  return true;
}

// asctime-date = day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time-of-day SP year
bool parse_asctime(Cursor c, Civil& t) {
  int ignored = 0, year = 0;
  if (!(c.one_of(kDayNames, ignored) && c.lit(" ") && c.one_of(kMonths, t.month) && c.lit(" ")))
    return false;
  if (c.lit(" ")) {
    if (!c.digits(1, t.day)) return false;
  } else if (!c.digits(2, t.day)) {
    return false;
  }
  if (!(c.lit(" ") && parse_time(c, t) && c.lit(" ") && c.digits(4, year) && c.done())) return false;
  t.month += 1;
  t.year = year;
  return true;
}

bool valid(const Civil& t) {
  return t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= days_in_month(t.year, t.month) &&
         t.hour < 24 && t.minute < 60 && t.second < 61;  // 60: a leap second
}

bool is_ows(char ch) { return ch == ' ' || ch == '\t'; }

}  // namespace

// Notes on what is accepted:
//  - delay-seconds is 1*DIGIT: no sign, no fraction, no unit. A value beyond
//    kRetryAfterMaxSeconds (2^31 s, ~68 years; RFC 9111 §1.2.2 uses the same number for
//    delta-seconds that overflow) is taken as that value, so absurd input saturates instead of
//    wrapping. decide_retry will then fail it against max_throttle_ns.
//  - HTTP-date in its three forms, case-sensitive as in the grammar. The day name must be a valid
//    name but need not agree with the date: the date decides, as RFC 9110 lets recipients be
//    lenient and a wrong weekday tells us nothing about when to retry. Day must exist in its
//    month (Feb 29 only in leap years), hour < 24, minute < 60, second <= 60 (a leap second is
//    counted as the next minute's :00).
//  - A date at or before now gives 0; a later one gives the difference, saturating at
//    kRetryAfterMaxSeconds like delay-seconds.
//  - Leading and trailing OWS (SP / HTAB) around either form is ignored.
std::optional<std::uint64_t> parse_retry_after(std::string_view value, std::uint64_t now_unix_nano) {
  while (!value.empty() && is_ows(value.front())) value.remove_prefix(1);
  while (!value.empty() && is_ows(value.back())) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;

  if (value.front() >= '0' && value.front() <= '9') {
    std::uint64_t seconds = 0;
    for (const char ch : value) {
      if (ch < '0' || ch > '9') return std::nullopt;
      if (seconds < kRetryAfterMaxSeconds) seconds = seconds * 10 + static_cast<std::uint64_t>(ch - '0');
    }
    if (seconds > kRetryAfterMaxSeconds) seconds = kRetryAfterMaxSeconds;
    return seconds * kNanosPerSecond;
  }

  const auto now_seconds = static_cast<std::int64_t>(now_unix_nano / kNanosPerSecond);
  const std::uint64_t now_fraction = now_unix_nano % kNanosPerSecond;
  Civil t;
  const Cursor c{value};
  if (!parse_imf(c, t) && !parse_rfc850(c, t, year_of_day(floor_div(now_seconds, 86400))) && !parse_asctime(c, t))
    return std::nullopt;
  if (!valid(t)) return std::nullopt;

  const std::int64_t when = days_from_civil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
  if (when <= now_seconds) return std::uint64_t{0};
  auto ahead = static_cast<std::uint64_t>(when - now_seconds);
  if (ahead > kRetryAfterMaxSeconds) return kRetryAfterMaxSeconds * kNanosPerSecond;
  return ahead * kNanosPerSecond - now_fraction;
}

}  // namespace otlp
