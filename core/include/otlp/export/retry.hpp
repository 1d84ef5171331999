// What an export attempt came back with, and the OTLP retry policy that decides what next:
// the spec's retryable gRPC codes and HTTP statuses, throttling delays (RetryInfo,
// Retry-After), exponential backoff with jitter, partial success and certificate failures never
// retried. Transports only say what happened; whether it is worth another attempt is decided here.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "otlp/model/random.hpp"
#include "otlp/model/span.hpp"
#include "otlp/wire/rpc_status.hpp"  // kRetryAfterMaxSeconds

namespace otlp {

// gRPC status codes used by the policy.
enum class GrpcCode : std::uint8_t {
  ok = 0, cancelled = 1, unknown = 2, invalid_argument = 3, deadline_exceeded = 4, not_found = 5,
  already_exists = 6, permission_denied = 7, resource_exhausted = 8, failed_precondition = 9,
  aborted = 10, out_of_range = 11, unimplemented = 12, internal = 13, unavailable = 14,
  data_loss = 15, unauthenticated = 16
};

struct Outcome {
  enum class Kind : std::uint8_t {
    success,          // 200 / OK without partial_success
    partial_success,  // 200 / OK with partial_success set (rejected may be 0: a warning)
    grpc_status,      // gRPC status in `code` (OK here is treated as success)
    http_status,      // HTTP status in `code` (2xx here is treated as success)
    network_error,    // connect failure, reset, DNS...: no answer from the server
    timeout,          // the attempt's deadline passed without an answer
    // TLS refused a certificate: the server's (unknown CA, another host's name, expired) or the
    // client's own (a file it cannot use). Another attempt would meet the same certificate.
    certificate,
  };
  Kind kind = Kind::success;
  int code = 0;
  // gRPC RetryInfo.retry_delay, or HTTP Retry-After already converted to a delay.
  std::optional<std::uint64_t> retry_delay_ns;
  PartialSuccess partial;
  std::string message;  // server or transport text, for the user

  static Outcome ok() { return {}; }
  static Outcome partial_ok(std::int64_t rejected, std::string msg);
  static Outcome grpc(GrpcCode c, std::optional<std::uint64_t> retry_delay_ns = {}, std::string msg = {});
  static Outcome http(int status, std::optional<std::uint64_t> retry_delay_ns = {}, std::string msg = {});
  static Outcome network(std::string msg);
  static Outcome timed_out();
  static Outcome certificate_failure(std::string msg);
};

struct RetryConfig {
  std::uint32_t max_attempts = 5;                      // including the first
  std::uint64_t initial_backoff_ns = 1'000'000'000;    // 1 s
  std::uint64_t max_backoff_ns = 5'000'000'000;        // 5 s
  double multiplier = 1.5;
  std::uint64_t max_throttle_ns = 30'000'000'000;      // a longer server-asked delay fails the export
};

struct RetryDecision {
  enum class Action : std::uint8_t { success, partial_success, retry, fail };
  Action action = Action::fail;
  std::uint64_t delay_ns = 0;  // for retry: wait this long before the next attempt
  const char* reason = "";     // static text: why (e.g. "HTTP 400 is not retryable")
};

// Decides after attempt number `attempt` (1 = the first) came back with `outcome`.
// Backoff for attempt n is base = min(max, initial * multiplier^(n-1)), jittered uniformly in
// [base/2, base] by one draw from `rng` (deterministic for a seed); a throttle delay from the
// server replaces the backoff when longer; one above max_throttle_ns fails the export.
// attempt >= max_attempts fails a retryable outcome; partial success is never retried.
// A build for an HTTP-only host may define OTLP_NO_GRPC: gRPC statuses then fail, and their
// texts stay out of the binary.
RetryDecision decide_retry(const Outcome& outcome, std::uint32_t attempt, const RetryConfig& config, Random& rng);

// True for the spec's retryable codes (RESOURCE_EXHAUSTED only when `has_retry_delay`).
bool grpc_retryable(GrpcCode code, bool has_retry_delay);
// True for 429, 502, 503, 504.
bool http_retryable(int status);

// Parses a Retry-After value into a delay in nanoseconds: delay-seconds (1*DIGIT), or an
// HTTP-date (IMF-fixdate, RFC 850, asctime) relative to `now_unix_nano`; a date at or before now
// gives 0. Surrounding spaces/tabs are ignored. nullopt when malformed (empty, signed,
// fractional, an impossible date, a bad name or separator).
std::optional<std::uint64_t> parse_retry_after(std::string_view value, std::uint64_t now_unix_nano);

}  // namespace otlp
