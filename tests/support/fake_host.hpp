// A scripted host for pipeline tests: a virtual clock that only moves when told, and a
// transport that records every request so the test answers each one as it likes.
#pragma once
#include <cstdint>
#include <deque>
#include <string>

#include "otlp/pipeline.hpp"
#include "otlp/proto_reader.hpp"
#include "otlp/tracer.hpp"

namespace otlp::testing {

constexpr std::uint64_t kMs = 1'000'000;
constexpr std::uint64_t kSec = 1'000'000'000;

class FakeClock final : public Clock {
 public:
  std::uint64_t now = 1'700'000'000 * kSec;
  std::uint64_t reads = 0;
  std::uint64_t now_unix_nano() noexcept override {
    ++reads;
    return now;
  }
};

struct SentRequest {
  std::uint64_t id;
  std::string body;
  std::string content_type;
  std::uint32_t spans;
  std::uint32_t attempt;
  std::uint64_t sent_at;
  std::uint64_t deadline;
};

class FakeHost {
 public:
  FakeHost(Pipeline& pipeline, FakeClock& clock) : pipeline_(pipeline), clock_(clock) {}

  // Polls like a host loop at the current time; returns how many requests went out.
  std::size_t poll() {
    std::size_t n = 0;
    while (auto r = pipeline_.poll_export(clock_.now)) {
      in_flight.push_back({r->id, std::string(r->body), r->content_type, r->spans, r->attempt, clock_.now,
                           r->deadline_unix_nano});
      all.push_back(in_flight.back());
      ++n;
    }
    return n;
  }
  // Answers the oldest request in flight.
  void answer(const Outcome& outcome) {
    const auto r = in_flight.front();
    in_flight.pop_front();
    pipeline_.on_result(clock_.now, r.id, outcome);
  }
  // Moves the clock to the pipeline's next deadline (no further than `limit`) and polls.
  bool advance(std::uint64_t limit = UINT64_MAX) {
    const std::uint64_t d = pipeline_.next_deadline();
    if (d == UINT64_MAX || d > limit) return false;
    if (d > clock_.now) clock_.now = d;
    pipeline_.handle_timeouts(clock_.now);
    poll();
    return true;
  }
  // Answers every request with success until nothing is queued or `max_rounds` passes.
  void drain_ok(int max_rounds = 1000) {
    for (int i = 0; i < max_rounds; ++i) {
      poll();
      if (in_flight.empty() && !advance()) return;
      while (!in_flight.empty()) answer(Outcome::ok());
    }
  }

  std::deque<SentRequest> in_flight;
  std::deque<SentRequest> all;

 private:
  Pipeline& pipeline_;
  FakeClock& clock_;
};

// The accounting invariant every scenario must keep.
inline bool balanced(const Stats& s) {
  return s.ended == s.exported + s.rejected + s.failed + s.dropped + s.queued;
}

// Spans in a protobuf request body (0 when it does not decode).
inline std::size_t spans_in(const std::string& body) {
  TraceRequest r;
  if (!decode_trace_request(body, r).ok()) return 0;
  std::size_t n = 0;
  for (const auto& rs : r.resource_spans)
    for (const auto& ss : rs.scope_spans) n += ss.spans.size();
  return n;
}

}  // namespace otlp::testing
