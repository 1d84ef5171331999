// The export engine alone: whole request bodies submitted directly (as a signal that builds its
// own requests does), sent, retried, throttled, timed out and flushed on a virtual clock, with
// the accounting invariant after every scenario: ended == exported + rejected + failed +
// dropped + queued.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "otlp/export/engine.hpp"
#include "otlp/export/transport.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/workload/workload.hpp"
#include "support/fake_host.hpp"

namespace otlp {
namespace {

using testing::balanced;
using testing::EngineHost;
using testing::FakeClock;
using testing::kMs;
using testing::kSec;

// A whole ExportTraceServiceRequest of `spans` standard spans, as the engine is handed one.
std::string request_of(std::uint64_t spans) {
  std::string body;
  encode_trace_request(workload::standard_request(spans, 7), body);
  return body;
}

struct Rig {
  explicit Rig(ExportConfig config = {}) : engine(std::move(config)), host(engine, clock) {}
  FakeClock clock;
  ExportEngine engine;
  EngineHost host;
};

TEST(Engine, AWholeBodyGoesOutAsItCame) {
  Rig rig;
  const std::string body = request_of(3);
  EXPECT_EQ(rig.engine.next_deadline(), UINT64_MAX);  // idle
  ASSERT_TRUE(rig.engine.submit(body, 3));
  EXPECT_EQ(rig.engine.next_deadline(), 0u);  // ready to send now
  ASSERT_EQ(rig.host.poll(), 1u);
  const auto& sent = rig.host.in_flight[0];
  EXPECT_EQ(sent.body, body);
  EXPECT_EQ(sent.spans, 3u);
  EXPECT_EQ(sent.attempt, 1u);
  EXPECT_EQ(sent.content_type, "application/x-protobuf");
  EXPECT_EQ(sent.deadline, rig.clock.now + 30 * kSec);
  EXPECT_EQ(rig.engine.stats().queued, 3u);
  rig.clock.now += 7 * kMs;
  rig.host.answer(Outcome::ok());
  const Stats s = rig.engine.stats();
  EXPECT_EQ(s.ended, 3u);
  EXPECT_EQ(s.exported, 3u);
  EXPECT_EQ(s.queued, 0u);
  EXPECT_EQ(s.requests, 1u);
  EXPECT_EQ(s.retries, 0u);
  EXPECT_EQ(s.bytes_sent, body.size());
  EXPECT_EQ(s.export_latency.total, 1u);
  EXPECT_EQ(s.export_latency.counts[3], 1u);  // 7 ms: [5, 10)
  EXPECT_TRUE(s.last_error.empty());
  EXPECT_TRUE(balanced(s));
  EXPECT_EQ(rig.engine.next_deadline(), UINT64_MAX);
}

TEST(Engine, BodiesGoOutInTheOrderTheyCameOneAtATime) {
  Rig rig;
  ASSERT_TRUE(rig.engine.submit(request_of(1), 1));
  ASSERT_TRUE(rig.engine.submit(request_of(2), 2));
  ASSERT_EQ(rig.host.poll(), 1u);  // exports do not overlap
  EXPECT_EQ(rig.host.in_flight[0].spans, 1u);
  EXPECT_EQ(rig.engine.next_deadline(), rig.host.in_flight[0].deadline);
  rig.host.answer(Outcome::ok());
  ASSERT_EQ(rig.host.poll(), 1u);
  EXPECT_EQ(rig.host.in_flight[0].spans, 2u);
  EXPECT_GT(rig.host.in_flight[0].id, rig.host.all[0].id);
  rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.engine.stats().exported, 3u);
  EXPECT_TRUE(balanced(rig.engine.stats()));
}

TEST(Engine, ARetryableAnswerIsRetriedAfterTheBackoff) {
  Rig rig;
  const std::string body = request_of(2);
  ASSERT_TRUE(rig.engine.submit(body, 2));
  rig.host.poll();
  const std::uint64_t t0 = rig.clock.now;
  rig.host.answer(Outcome::http(503));
  EXPECT_EQ(rig.host.poll(), 0u);  // not at once
  const std::uint64_t retry_at = rig.engine.next_deadline();
  EXPECT_GE(retry_at, t0 + 500 * kMs);  // the first backoff, 1 s jittered into [0.5 s, 1 s]
  EXPECT_LE(retry_at, t0 + 1 * kSec);
  EXPECT_EQ(rig.engine.stats().queued, 2u);
  ASSERT_TRUE(rig.host.advance());
  ASSERT_EQ(rig.host.in_flight.size(), 1u);
  EXPECT_EQ(rig.host.in_flight[0].attempt, 2u);
  EXPECT_EQ(rig.host.in_flight[0].body, body);
  EXPECT_EQ(rig.host.in_flight[0].deadline, t0 + 30 * kSec);  // the first send's bound still holds
  rig.host.answer(Outcome::ok());
  const Stats s = rig.engine.stats();
  EXPECT_EQ(s.exported, 2u);
  EXPECT_EQ(s.requests, 2u);
  EXPECT_EQ(s.retries, 1u);
  EXPECT_EQ(s.bytes_sent, 2 * body.size());
  EXPECT_TRUE(balanced(s));
}

TEST(Engine, AServerThrottleDelayIsHonoured) {
  Rig rig;
  ASSERT_TRUE(rig.engine.submit(request_of(1), 1));
  rig.host.poll();
  const std::uint64_t t0 = rig.clock.now;
  rig.host.answer(Outcome::http(429, 7 * kSec));
  EXPECT_EQ(rig.engine.next_deadline(), t0 + 7 * kSec);  // longer than the backoff: it wins
  rig.clock.now = t0 + 7 * kSec - 1;
  EXPECT_EQ(rig.host.poll(), 0u);
  rig.clock.now = t0 + 7 * kSec;
  ASSERT_EQ(rig.host.poll(), 1u);
  EXPECT_EQ(rig.host.in_flight[0].attempt, 2u);
  rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.engine.stats().exported, 1u);
}

TEST(Engine, AThrottleLongerThanTheExportTimeFailsAndSaysWhy) {
  ExportConfig c;
  c.exporter_timeout_ns = 5 * kSec;
  Rig rig(c);
  ASSERT_TRUE(rig.engine.submit(request_of(4), 4));
  rig.host.poll();
  rig.host.answer(Outcome::http(503, 6 * kSec, "busy"));
  const Stats s = rig.engine.stats();
  EXPECT_EQ(s.failed, 4u);
  EXPECT_EQ(s.requests, 1u);
  EXPECT_EQ(s.last_error, "export timeout: no time left to retry within 5000 ms: busy");
  EXPECT_TRUE(balanced(s));
}

TEST(Engine, PartialSuccessCountsRejectedItemsInTheSignalsUnitAndIsNotRetried) {
  ExportConfig c;
  c.signal = Signal::logs;
  Rig rig(c);
  ASSERT_TRUE(rig.engine.submit(request_of(5), 5));  // the engine never reads the body
  rig.host.poll();
  rig.host.answer(Outcome::partial_ok(2, "two were too old"));
  Stats s = rig.engine.stats();
  EXPECT_EQ(s.rejected, 2u);
  EXPECT_EQ(s.exported, 3u);
  EXPECT_EQ(s.requests, 1u);
  EXPECT_EQ(s.last_error, "partial success: 2 log records rejected: two were too old");
  EXPECT_EQ(rig.engine.next_deadline(), UINT64_MAX);
  EXPECT_TRUE(balanced(s));
  // A server that claims more rejected than were sent is held to what was sent.
  ASSERT_TRUE(rig.engine.submit(request_of(1), 1));
  rig.host.poll();
  rig.host.answer(Outcome::partial_ok(9, ""));
  s = rig.engine.stats();
  EXPECT_EQ(s.rejected, 3u);
  EXPECT_TRUE(balanced(s));
}

TEST(Engine, AFinalFailureIsNotRetried) {
  Rig rig;
  ASSERT_TRUE(rig.engine.submit(request_of(2), 2));
  rig.host.poll();
  rig.host.answer(Outcome::http(400, {}, "bad body"));
  const Stats s = rig.engine.stats();
  EXPECT_EQ(s.failed, 2u);
  EXPECT_EQ(s.requests, 1u);
  EXPECT_NE(s.last_error.find("bad body"), std::string::npos);
  EXPECT_EQ(rig.engine.next_deadline(), UINT64_MAX);
  EXPECT_TRUE(balanced(s));
}

TEST(Engine, AFlushTicketCoversWhatCameBeforeItOnly) {
  Rig rig;
  EXPECT_EQ(rig.engine.flush_state(rig.engine.force_flush(rig.clock.now, kSec)), FlushState::done);  // idle
  ASSERT_TRUE(rig.engine.submit(request_of(1), 1));
  rig.host.poll();
  const std::uint64_t ticket = rig.engine.force_flush(rig.clock.now, 60 * kSec);
  ASSERT_TRUE(rig.engine.submit(request_of(2), 2));  // after the flush: not its business
  EXPECT_EQ(rig.engine.flush_state(ticket), FlushState::pending);
  EXPECT_EQ(rig.engine.next_deadline(), rig.host.in_flight[0].deadline);  // sooner than the flush's
  rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.engine.flush_state(ticket), FlushState::done);
  EXPECT_EQ(rig.engine.stats().queued, 2u);
  rig.host.drain_ok();
  EXPECT_EQ(rig.engine.stats().exported, 3u);
}

TEST(Engine, AFlushWaitsForABodyNotYetSentAndTimesOut) {
  Rig rig;
  ASSERT_TRUE(rig.engine.submit(request_of(1), 1));
  const std::uint64_t ticket = rig.engine.force_flush(rig.clock.now, 2 * kSec);
  rig.host.poll();
  rig.host.answer(Outcome::http(503));  // back off: the flush waits on
  EXPECT_EQ(rig.engine.flush_state(ticket), FlushState::pending);
  rig.clock.now += 2 * kSec;
  rig.engine.handle_timeouts(rig.clock.now);
  EXPECT_EQ(rig.engine.flush_state(ticket), FlushState::timed_out);
  EXPECT_EQ(rig.engine.stats().queued, 1u);  // a flush that times out gives up nothing
  EXPECT_TRUE(balanced(rig.engine.stats()));
}

TEST(Engine, AnAttemptWithoutAnAnswerTimesOut) {
  ExportConfig c;
  c.exporter_timeout_ns = 2 * kSec;
  Rig rig(c);
  ASSERT_TRUE(rig.engine.submit(request_of(3), 3));
  rig.host.poll();
  const std::uint64_t id = rig.host.in_flight[0].id;
  EXPECT_EQ(rig.engine.next_deadline(), rig.clock.now + 2 * kSec);
  rig.clock.now += 2 * kSec - 1;
  rig.engine.handle_timeouts(rig.clock.now);
  EXPECT_EQ(rig.engine.stats().failed, 0u);
  rig.clock.now += 1;
  rig.engine.handle_timeouts(rig.clock.now);
  Stats s = rig.engine.stats();
  EXPECT_EQ(s.failed, 3u);
  EXPECT_EQ(s.queued, 0u);
  EXPECT_EQ(s.last_error, "export timeout: no answer within 2000 ms");
  rig.engine.on_result(rig.clock.now, id, Outcome::ok());  // too late: ignored
  s = rig.engine.stats();
  EXPECT_EQ(s.exported, 0u);
  EXPECT_TRUE(balanced(s));
}

TEST(Engine, ABodyOverTheRequestLimitFailsUnsent) {
  ExportConfig c;
  c.max_request_bytes = 1024;
  Rig rig(c);
  const std::string body = request_of(20);
  ASSERT_GT(body.size(), 1024u);
  EXPECT_FALSE(rig.engine.submit(body, 20));
  EXPECT_EQ(rig.host.poll(), 0u);
  const Stats s = rig.engine.stats();
  EXPECT_EQ(s.ended, 20u);
  EXPECT_EQ(s.failed, 20u);
  EXPECT_EQ(s.requests, 0u);
  EXPECT_EQ(s.last_error,
            "a request of " + std::to_string(body.size()) + " bytes exceeds the request limit of 1024 bytes");
  EXPECT_TRUE(balanced(s));
}

// A collector on a 10 s period that submits a request of 2 spans per collection.
struct EveryTenSeconds final : Collector {
  explicit EveryTenSeconds(ExportEngine& e) : engine(e) {}
  std::uint64_t next_collection() const override { return next; }
  std::uint32_t collect(std::uint64_t now) override {
    times.push_back(now);
    next = now + 10 * kSec;
    return engine.submit(request_of(2), 2) ? 2 : 0;
  }
  ExportEngine& engine;
  std::uint64_t next = 10 * kSec;
  std::vector<std::uint64_t> times;
};

TEST(Engine, ACollectorCollectsWhenDueBeforeAFlushAndOnceMoreAtShutdown) {
  Rig rig;
  rig.clock.now = 1 * kSec;
  EveryTenSeconds collector(rig.engine);
  rig.engine.set_collector(&collector);
  EXPECT_EQ(rig.engine.next_deadline(), 10 * kSec);  // the engine wakes its host for it
  EXPECT_EQ(rig.host.poll(), 0u);
  rig.clock.now = 10 * kSec;
  ASSERT_EQ(rig.host.poll(), 1u);
  rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.engine.next_deadline(), 20 * kSec);
  rig.clock.now = 12 * kSec;
  const std::uint64_t ticket = rig.engine.force_flush(rig.clock.now, 5 * kSec);  // collects now
  EXPECT_EQ(rig.engine.flush_state(ticket), FlushState::pending);
  ASSERT_EQ(rig.host.poll(), 1u);  // the clock stays put: drain_ok would run it to later collections
  rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.engine.flush_state(ticket), FlushState::done);
  rig.clock.now = 15 * kSec;
  rig.engine.shutdown(rig.clock.now, 5 * kSec);
  rig.host.drain_ok();
  EXPECT_TRUE(rig.engine.is_shut_down());
  rig.clock.now = 60 * kSec;
  EXPECT_EQ(rig.engine.next_deadline(), UINT64_MAX);  // no collection after shutdown
  EXPECT_EQ(rig.host.poll(), 0u);
  EXPECT_EQ(collector.times, (std::vector<std::uint64_t>{10 * kSec, 12 * kSec, 15 * kSec}));
  const Stats s = rig.engine.stats();
  EXPECT_EQ(s.exported, 6u);
  EXPECT_TRUE(balanced(s));
}

TEST(Engine, BodiesWaitingUnsentAreCappedAndLaterOnesDropped) {
  ExportConfig c;
  c.max_waiting_bodies = 2;
  Rig rig(c);
  ASSERT_TRUE(rig.engine.submit(request_of(1), 1));
  ASSERT_EQ(rig.host.poll(), 1u);  // in flight: no longer waiting
  ASSERT_TRUE(rig.engine.submit(request_of(2), 2));
  ASSERT_TRUE(rig.engine.submit(request_of(3), 3));
  EXPECT_FALSE(rig.engine.submit(request_of(4), 4));  // two wait already
  Stats s = rig.engine.stats();
  EXPECT_EQ(s.dropped, 4u);
  EXPECT_EQ(s.last_error, "2 requests of spans wait unsent already: a new one of 4 is dropped");
  EXPECT_TRUE(balanced(s));
  rig.host.drain_ok();  // once they have gone, there is room again
  EXPECT_TRUE(rig.engine.submit(request_of(5), 5));
  rig.host.drain_ok();
  s = rig.engine.stats();
  EXPECT_EQ(s.exported, 11u);
  EXPECT_EQ(s.dropped, 4u);
  EXPECT_TRUE(balanced(s));
  c.max_waiting_bodies = 0;
  ASSERT_TRUE(validate(c).has_value());
  EXPECT_EQ(validate(c)->message, "max_waiting_bodies: must be at least 1, got 0");
}

TEST(Engine, JsonSendsTheBodyAsOtlpJsonAndRefusesBytesThatAreNotProtobuf) {
  ExportConfig c;
  c.protocol = Protocol::json;
  Rig rig(c);
  ASSERT_TRUE(rig.engine.submit(request_of(2), 2));
  ASSERT_EQ(rig.host.poll(), 1u);
  EXPECT_EQ(rig.host.in_flight[0].content_type, "application/json");
  EXPECT_EQ(rig.host.in_flight[0].body.rfind("{\"resourceSpans\":[", 0), 0u);
  rig.host.answer(Outcome::ok());
  EXPECT_FALSE(rig.engine.submit("\x0a\xff", 1));  // a length running past the end
  const Stats s = rig.engine.stats();
  EXPECT_EQ(s.exported, 2u);
  EXPECT_EQ(s.failed, 1u);
  EXPECT_EQ(s.last_error, "a request of spans could not be transcoded to JSON: it is not valid protobuf");
  EXPECT_EQ(rig.host.poll(), 0u);
  EXPECT_TRUE(balanced(s));
}

TEST(Engine, ShutdownRefusesLaterBodiesAndFailsWhatIsLeftWhenTimeIsUp) {
  Rig rig;
  ASSERT_TRUE(rig.engine.submit(request_of(3), 3));
  ASSERT_TRUE(rig.engine.submit(request_of(2), 2));
  rig.host.poll();  // the first in flight, never answered
  const std::uint64_t ticket = rig.engine.shutdown(rig.clock.now, 5 * kSec);
  EXPECT_FALSE(rig.engine.submit(request_of(4), 4));
  EXPECT_FALSE(rig.engine.is_shut_down());
  EXPECT_EQ(rig.engine.next_deadline(), rig.clock.now + 5 * kSec);
  ASSERT_TRUE(rig.host.advance());
  const Stats s = rig.engine.stats();
  EXPECT_EQ(s.dropped, 4u);
  EXPECT_EQ(s.failed, 5u);
  EXPECT_EQ(s.queued, 0u);
  EXPECT_EQ(s.last_error, "shutdown: 5 spans could not be sent in time");
  EXPECT_EQ(rig.engine.flush_state(ticket), FlushState::timed_out);
  EXPECT_TRUE(rig.engine.is_shut_down());
  EXPECT_EQ(rig.engine.next_deadline(), UINT64_MAX);
  EXPECT_TRUE(balanced(s));
}

TEST(Engine, ShutdownSendsWhatIsLeftWhenTheServerAnswers) {
  Rig rig;
  ASSERT_TRUE(rig.engine.submit(request_of(1), 1));
  const std::uint64_t ticket = rig.engine.shutdown(rig.clock.now, 5 * kSec);
  rig.host.drain_ok();
  EXPECT_EQ(rig.engine.flush_state(ticket), FlushState::done);
  EXPECT_TRUE(rig.engine.is_shut_down());
  EXPECT_EQ(rig.engine.stats().exported, 1u);
}

// The Exporter drives an engine with no batcher as it drives a pipeline, on the signal's path.
TEST(Engine, AnExporterSendsSubmittedBodiesThroughTheTransport) {
  struct Recording final : Transport {
    std::vector<std::string> bodies;
    std::vector<Signal> signals;
    std::function<void(const Outcome&)> complete;
    void send(const SendRequest& r, std::function<void(const Outcome&)> done) override {
      bodies.emplace_back(r.request.body);
      signals.push_back(r.signal);
      complete = std::move(done);
    }
  };
  ExportConfig c;
  c.signal = Signal::logs;
  ExportEngine engine(c);
  Recording transport;
  Exporter exporter(engine, transport);
  FakeClock clock;
  const std::string body = request_of(2);
  ASSERT_TRUE(engine.submit(body, 2));
  exporter.poll(clock.now);
  ASSERT_EQ(transport.bodies.size(), 1u);
  EXPECT_EQ(transport.bodies[0], body);
  EXPECT_EQ(transport.signals[0], Signal::logs);
  transport.complete(Outcome::ok());
  EXPECT_EQ(exporter.poll(clock.now), UINT64_MAX);
  EXPECT_EQ(engine.stats().exported, 2u);
}

TEST(Engine, ValidateNamesTheSetting) {
  ExportConfig c;
  EXPECT_FALSE(validate(c));
  c.signal = Signal::logs;
  c.export_timeout_ns = 0;
  ASSERT_TRUE(validate(c));
  EXPECT_EQ(validate(c)->message, "OTEL_BLRP_EXPORT_TIMEOUT: must be greater than 0, got 0");
  c = {};
  c.max_request_bytes = 100;
  ASSERT_TRUE(validate(c));
  EXPECT_NE(validate(c)->message.find("max_request_bytes"), std::string::npos);
}

}  // namespace
}  // namespace otlp
