// A scripted host for pipeline and engine tests: a virtual clock that only moves when told, and a
// transport that records every request so the test answers each one as it likes.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "otlp/export/pipeline.hpp"
#include "otlp/wire/proto_reader.hpp"
#include "otlp/trace/tracer.hpp"

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

// Drives a Pipeline or an ExportEngine alone: both have the host loop's calls.
template <class Driven>
class BasicFakeHost {
 public:
  BasicFakeHost(Driven& pipeline, FakeClock& clock) : pipeline_(pipeline), clock_(clock) {}

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
  Driven& pipeline_;
  FakeClock& clock_;
};
using FakeHost = BasicFakeHost<Pipeline>;
using EngineHost = BasicFakeHost<ExportEngine>;

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

// Items (spans, log records) in a protobuf request body of any signal, read by the shape every
// signal's request shares: field 1 (Resource*) > field 2 (Scope*) > field 2 (items). 0 when
// the body is malformed. Written apart from the core's reader, for a test to count with.
inline std::size_t items_in(std::string_view body) {
  // Calls `each(number, value)` for the length-delimited fields of `message`; false when malformed.
  const auto fields = [](std::string_view message, auto&& each) {
    std::size_t at = 0;
    const auto varint = [&](std::uint64_t& v) {
      v = 0;
      for (int shift = 0; shift < 64 && at < message.size(); shift += 7) {
        const auto b = static_cast<unsigned char>(message[at++]);
        v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
        if (b < 0x80) return true;
      }
      return false;
    };
    while (at < message.size()) {
      std::uint64_t tag = 0, v = 0;
      if (!varint(tag)) return false;
      switch (tag & 7) {
        case 0: if (!varint(v)) return false; break;
        case 1: at += 8; break;
        case 5: at += 4; break;
        case 2:
          if (!varint(v) || v > message.size() - at) return false;
          each(tag >> 3, message.substr(at, v));
          at += v;
          break;
        default: return false;
      }
      if (at > message.size()) return false;
    }
    return true;
  };
  std::size_t n = 0;
  bool ok = true;
  ok &= fields(body, [&](std::uint64_t f, std::string_view resource) {
    if (f == 1)
      ok &= fields(resource, [&](std::uint64_t g, std::string_view scope) {
        if (g == 2) ok &= fields(scope, [&](std::uint64_t h, std::string_view) { n += h == 2; });
      });
  });
  return ok ? n : 0;
}

}  // namespace otlp::testing
