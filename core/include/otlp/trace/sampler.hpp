// Samplers with the OpenTelemetry SDK's behaviour and names, plus a rate-limiting sampler.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "otlp/model/error.hpp"
#include "otlp/model/span.hpp"

namespace otlp {

enum class SamplingDecision : std::uint8_t { drop, record_only, record_and_sample };

struct SamplingParams {
  const SpanContext* parent = nullptr;  // null or invalid: a root span
  const TraceId& trace_id;
  std::string_view name;
  SpanKind kind = SpanKind::internal;
  std::uint64_t now_unix_nano = 0;      // the host's clock, for rate limiting
};

struct SamplingResult {
  SamplingDecision decision = SamplingDecision::drop;
  // Attributes a sampler wants on the span are not needed by these samplers; tracestate
  // passes through from the parent unchanged.
};

// Which kind of parent a span has, as parent-based sampling tells them apart.
enum class ParentCase : std::uint8_t { root, remote_sampled, remote_not_sampled, local_sampled, local_not_sampled };
inline ParentCase parent_case(const SpanContext* parent) noexcept {  // null or invalid: root
  if (parent == nullptr || !parent->valid()) return ParentCase::root;
  if (parent->remote) return parent->sampled() ? ParentCase::remote_sampled : ParentCase::remote_not_sampled;
  return parent->sampled() ? ParentCase::local_sampled : ParentCase::local_not_sampled;
}

class Sampler {
 public:
  virtual ~Sampler() = default;
  virtual SamplingResult should_sample(const SamplingParams& params) = 0;
  // The decision this sampler makes for every span of a parent case, when that is fixed
  // (always_on, always_off, a parent-based sampler whose delegate for the case is): the tracer
  // asks once and then skips should_sample for those spans, whose samplers return kNone.
  static constexpr int kNone = -1;
  virtual int fixed_decision(ParentCase) const noexcept { return kNone; }
  // Whether decisions read SamplingParams::now_unix_nano. When none does, the tracer reads the
  // clock only for spans it records, so a dropped span costs no clock read.
  virtual bool uses_time() const noexcept { return false; }
  // The spec's description, e.g. "TraceIdRatioBased{0.25}", "ParentBased{root=AlwaysOnSampler,...}".
  virtual std::string description() const = 0;
};

std::unique_ptr<Sampler> always_on_sampler();
std::unique_ptr<Sampler> always_off_sampler();
// Decides from the trace id alone, so every participant of a trace decides alike: samples iff
// bytes 8..15 read big-endian are < floor(ratio * 2^64) (ratio 1: all). The parent is not
// consulted. ratio is clamped to [0, 1]; NaN counts as 0.
std::unique_ptr<Sampler> trace_id_ratio_sampler(double ratio);
// Delegates by parent: root (no parent, or an invalid one) / remote sampled / remote not sampled /
// local sampled / local not sampled. A null delegate (root included) takes its default.
struct ParentBasedOptions {
  std::unique_ptr<Sampler> remote_parent_sampled;      // default always_on
  std::unique_ptr<Sampler> remote_parent_not_sampled;  // default always_off
  std::unique_ptr<Sampler> local_parent_sampled;       // default always_on
  std::unique_ptr<Sampler> local_parent_not_sampled;   // default always_off
};
std::unique_ptr<Sampler> parent_based_sampler(std::unique_ptr<Sampler> root, ParentBasedOptions options = {});
// At most `per_second` root spans per second (token bucket refilled from now_unix_nano,
// capacity max(1, per_second), starting full); spans with a valid parent follow the parent's
// sampled flag and take no token. Lock-free and thread-safe. A clock going backwards never mints
// tokens (the bucket looks as it did at that earlier time). per_second <= 0 or NaN: no roots.
std::unique_ptr<Sampler> rate_limiting_sampler(double per_second);

// Builds a sampler from OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG values: always_on,
// always_off, traceidratio, parentbased_always_on, parentbased_always_off,
// parentbased_traceidratio, and ratelimiting (arg: spans per second, > 0, required). Both are
// trimmed of surrounding whitespace; names match ASCII case-insensitively (the spec's SHOULD for
// enum values). An empty name means the default parentbased_always_on; an empty ratio arg takes
// the spec default 1.0; samplers without an argument ignore it. Errors name the variable and
// the value: "OTEL_TRACES_SAMPLER_ARG: expected a ratio between 0 and 1, got '1.5'".
Result<std::unique_ptr<Sampler>> make_sampler(std::string_view name, std::string_view arg);

}  // namespace otlp
