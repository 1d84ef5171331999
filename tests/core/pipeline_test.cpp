// The export pipeline's scenarios, on a virtual clock with a scripted transport. After every
// scenario: ended == exported + rejected + failed + dropped + queued.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>

#include "otlp/logs/logs.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/export/response.hpp"
#include "otlp/export/retry.hpp"
#include "otlp/workload/workload.hpp"
#include "support/fake_host.hpp"

namespace otlp {
namespace {

using testing::balanced;
using testing::FakeClock;
using testing::FakeHost;
using testing::kMs;
using testing::kSec;
using testing::items_in;
using testing::spans_in;

// The host's hooks, given to whichever recorder (tracer or logger) feeds the pipeline.
struct Hooks {
  std::function<bool(std::uint64_t timeout_ns)> wait_for_room;
  std::function<void()> on_batch_ready;
};

// A pipeline of the config's signal fed by a tracer and a logger: emit() records spans or log
// records as the signal says, so one scenario runs for every signal.
struct Rig {
  explicit Rig(PipelineConfig config = {}, Hooks hooks = {})
      : pipeline(std::move(config), workload::standard_resource()),
        provider(pipeline, clock, TracerConfig{.wait_for_room = hooks.wait_for_room, .on_batch_ready = hooks.on_batch_ready}),
        logger_provider(pipeline, clock,
                        LoggerConfig{.wait_for_room = hooks.wait_for_room, .on_batch_ready = hooks.on_batch_ready}),
        tracer(provider.tracer("test", "1.0")),
        logger(logger_provider.logger("test", "1.0")),
        host(pipeline, clock) {}

  void spans(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) tracer.start_span("span").set_attribute("i", static_cast<long long>(i)).end();
  }
  // One item of the pipeline's signal (a span or a log record) with one attribute.
  void emit_one(const Attribute& attribute) {
    if (pipeline.config().signal == Signal::logs)
      logger.emit({.severity = 9, .attributes = &attribute, .attribute_count = 1});
    else
      tracer.start_span("span").set_attributes(&attribute, 1).end();
  }
  void emit(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) emit_one({"i", static_cast<long long>(i)});
  }
  Stats stats() const { return pipeline.stats(); }

  FakeClock clock;
  Pipeline pipeline;
  TracerProvider provider;
  LoggerProvider logger_provider;
  Tracer tracer;
  Logger logger;
  FakeHost host;
};

PipelineConfig small(std::uint32_t queue = 64, std::uint32_t batch = 8, Signal signal = Signal::traces) {
  PipelineConfig c = PipelineConfig::for_signal(signal);
  c.max_queue_size = queue;
  c.max_export_batch_size = batch;
  return c;
}

// The scenarios every signal goes through alike: small() here is the signal's configuration.
class Scenario : public ::testing::TestWithParam<Signal> {
 protected:
  static PipelineConfig small(std::uint32_t queue = 64, std::uint32_t batch = 8) {
    return otlp::small(queue, batch, GetParam());
  }
  static std::string items() { return std::string(signal_info(GetParam()).items); }
};

TEST(Pipeline, SpecDefaults) {
  PipelineConfig c;
  EXPECT_EQ(c.max_queue_size, 2048u);
  EXPECT_EQ(c.max_export_batch_size, 512u);
  EXPECT_EQ(c.schedule_delay_ns, 5000 * kMs);
  EXPECT_EQ(c.export_timeout_ns, 30000 * kMs);
  EXPECT_EQ(c.max_concurrent_exports, 1u);
  EXPECT_EQ(c.retry.max_attempts, 5u);
  EXPECT_EQ(c.retry.initial_backoff_ns, 1 * kSec);
  EXPECT_EQ(c.retry.max_backoff_ns, 5 * kSec);
  EXPECT_DOUBLE_EQ(c.retry.multiplier, 1.5);
}

TEST(Pipeline, ValidateNamesTheSetting) {
  PipelineConfig c = small(10, 20);
  auto e = validate(c);
  ASSERT_TRUE(e);
  EXPECT_NE(e->message.find("OTEL_BSP_MAX_EXPORT_BATCH_SIZE"), std::string::npos);
  EXPECT_NE(e->message.find("20"), std::string::npos);
  c = small(0, 0);
  ASSERT_TRUE(validate(c));
  EXPECT_NE(validate(c)->message.find("OTEL_BSP_MAX_QUEUE_SIZE"), std::string::npos);
  EXPECT_FALSE(validate(PipelineConfig{}));
}

TEST_P(Scenario, FullBatchGoesOutWithoutWaitingForTheDelay) {
  Rig rig(small(64, 8));
  rig.host.poll();
  rig.emit(7);
  EXPECT_EQ(rig.host.poll(), 0u);  // 7 < 8 and no time has passed
  rig.emit(1);
  ASSERT_EQ(rig.host.poll(), 1u);
  EXPECT_EQ(rig.host.in_flight[0].spans, 8u);
  EXPECT_EQ(items_in(rig.host.in_flight[0].body), 8u);
  EXPECT_EQ(rig.host.in_flight[0].content_type, "application/x-protobuf");
  rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.stats().exported, 8u);
  EXPECT_TRUE(balanced(rig.stats()));
}

TEST(Pipeline, ANewBatchIsWrittenIntoTheBodyOfTheLastFinalOne) {
  Rig rig(small(64, 8));
  rig.spans(8);
  const auto first = rig.pipeline.poll_export(rig.clock.now);
  ASSERT_TRUE(first);
  const char* body = first->body.data();
  const std::size_t size = first->body.size();
  rig.pipeline.on_result(rig.clock.now, first->id, Outcome::ok());
  // Memory the allocator would hand out next, taken: only a kept body can be where it was.
  const std::string taken(size, 'x');
  rig.spans(8);
  const auto second = rig.pipeline.poll_export(rig.clock.now);
  ASSERT_TRUE(second);
  EXPECT_EQ(static_cast<const void*>(second->body.data()), static_cast<const void*>(body));
  EXPECT_EQ(spans_in(std::string(second->body)), 8u);
  rig.pipeline.on_result(rig.clock.now, second->id, Outcome::ok());
  EXPECT_EQ(rig.stats().exported, 16u);
  EXPECT_TRUE(balanced(rig.stats()));
}

TEST_P(Scenario, PartialBatchGoesOutWhenTheDelayPasses) {
  Rig rig(small(64, 8));
  const auto t0 = rig.clock.now;
  const auto delay = signal_info(GetParam()).schedule_delay_ns;  // 5 s for spans, 1 s for logs
  rig.host.poll();
  rig.emit(3);
  EXPECT_EQ(rig.pipeline.next_deadline(), t0 + delay);
  rig.clock.now = t0 + delay - 1;
  EXPECT_EQ(rig.host.poll(), 0u);
  rig.clock.now = t0 + delay;
  ASSERT_EQ(rig.host.poll(), 1u);
  EXPECT_EQ(rig.host.in_flight[0].spans, 3u);
  rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.pipeline.next_deadline(), UINT64_MAX);  // idle
  EXPECT_TRUE(balanced(rig.stats()));
}

TEST_P(Scenario, ExportsDoNotOverlap) {
  Rig rig(small(64, 4));
  rig.host.poll();
  rig.emit(12);
  EXPECT_EQ(rig.host.poll(), 1u);  // three batches are due, one goes out
  EXPECT_EQ(rig.host.poll(), 0u);
  rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.host.poll(), 1u);
  rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.host.poll(), 1u);
  rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.stats().exported, 12u);
  EXPECT_EQ(rig.stats().requests, 3u);
}

TEST(Pipeline, ConcurrentExportsWhenConfigured) {
  auto c = small(64, 4);
  c.max_concurrent_exports = 2;
  Rig rig(c);
  rig.host.poll();
  rig.spans(12);
  EXPECT_EQ(rig.host.poll(), 2u);
  EXPECT_TRUE(balanced(rig.stats()));
}

TEST_P(Scenario, Retries503TwiceThenSucceeds) {
  Rig rig(small(64, 4));
  rig.host.poll();
  rig.emit(4);
  ASSERT_EQ(rig.host.poll(), 1u);
  const auto body = rig.host.in_flight[0].body;
  rig.host.answer(Outcome::http(503));
  EXPECT_EQ(rig.host.poll(), 0u);  // backing off
  const auto first_retry = rig.pipeline.next_deadline();
  EXPECT_GE(first_retry, rig.clock.now + 500 * kMs);  // jitter keeps at least half of 1 s
  EXPECT_LE(first_retry, rig.clock.now + 1 * kSec);
  ASSERT_TRUE(rig.host.advance());
  ASSERT_EQ(rig.host.in_flight.size(), 1u);
  EXPECT_EQ(rig.host.in_flight[0].attempt, 2u);
  EXPECT_EQ(rig.host.in_flight[0].body, body);  // the same request again
  rig.host.answer(Outcome::http(503));
  const auto second_retry = rig.pipeline.next_deadline();
  EXPECT_GE(second_retry, rig.clock.now + 750 * kMs);  // 1.5 s base
  EXPECT_LE(second_retry, rig.clock.now + 1500 * kMs);
  ASSERT_TRUE(rig.host.advance());
  EXPECT_EQ(rig.host.in_flight[0].attempt, 3u);
  rig.host.answer(Outcome::ok());
  const auto s = rig.stats();
  EXPECT_EQ(s.exported, 4u);
  EXPECT_EQ(s.requests, 3u);
  EXPECT_EQ(s.retries, 2u);
  EXPECT_EQ(s.failed, 0u);
  EXPECT_TRUE(balanced(s));
}

TEST_P(Scenario, RetryAfterSecondsIsHonoured) {
  Rig rig(small(64, 4));
  rig.host.poll();
  rig.emit(4);
  rig.host.poll();
  const auto delay = parse_retry_after("7", rig.clock.now);
  ASSERT_TRUE(delay);
  rig.host.answer(Outcome::http(429, delay));
  EXPECT_EQ(rig.pipeline.next_deadline(), rig.clock.now + 7 * kSec);
  rig.clock.now += 7 * kSec - 1;
  EXPECT_EQ(rig.host.poll(), 0u);
  rig.clock.now += 1;
  EXPECT_EQ(rig.host.poll(), 1u);
  rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.stats().exported, 4u);
}

TEST_P(Scenario, RetryAfterHttpDateIsHonoured) {
  Rig rig(small(64, 4));
  rig.clock.now = 784111777ULL * kSec;  // Sun, 06 Nov 1994 08:49:37 GMT
  rig.host.poll();
  rig.emit(4);
  rig.host.poll();
  const auto delay = parse_retry_after("Sun, 06 Nov 1994 08:49:49 GMT", rig.clock.now);
  ASSERT_TRUE(delay);
  EXPECT_EQ(*delay, 12 * kSec);
  rig.host.answer(Outcome::http(503, delay));
  EXPECT_EQ(rig.pipeline.next_deadline(), rig.clock.now + 12 * kSec);
  ASSERT_TRUE(rig.host.advance());
  rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.stats().exported, 4u);
  EXPECT_TRUE(balanced(rig.stats()));
}

TEST_P(Scenario, UnavailableWithRetryDelayIsHonoured) {
  Rig rig(small(64, 4));
  rig.host.poll();
  rig.emit(4);
  rig.host.poll();
  rig.host.answer(Outcome::grpc(GrpcCode::unavailable, 3 * kSec));
  EXPECT_EQ(rig.pipeline.next_deadline(), rig.clock.now + 3 * kSec);
  ASSERT_TRUE(rig.host.advance());
  rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.stats().exported, 4u);
}

TEST_P(Scenario, ResourceExhaustedRetriesOnlyWithADelay) {
  Rig rig(small(64, 4));
  rig.host.poll();
  rig.emit(4);
  rig.host.poll();
  rig.host.answer(Outcome::grpc(GrpcCode::resource_exhausted, 2 * kSec));
  EXPECT_EQ(rig.pipeline.next_deadline(), rig.clock.now + 2 * kSec);
  ASSERT_TRUE(rig.host.advance());
  rig.host.answer(Outcome::grpc(GrpcCode::resource_exhausted));  // no RetryInfo: final
  const auto s = rig.stats();
  EXPECT_EQ(s.exported, 0u);
  EXPECT_EQ(s.failed, 4u);
  EXPECT_EQ(s.requests, 2u);
  EXPECT_EQ(rig.pipeline.next_deadline(), UINT64_MAX);
  EXPECT_FALSE(s.last_error.empty());
  EXPECT_TRUE(balanced(s));
}

TEST_P(Scenario, BadRequestIsFinal) {
  Rig rig(small(64, 4));
  rig.host.poll();
  rig.emit(4);
  rig.host.poll();
  rig.host.answer(Outcome::http(400, std::nullopt, "malformed"));
  const auto s = rig.stats();
  EXPECT_EQ(s.failed, 4u);
  EXPECT_EQ(s.requests, 1u);
  EXPECT_EQ(s.retries, 0u);
  EXPECT_NE(s.last_error.find("malformed"), std::string::npos);
  EXPECT_EQ(rig.pipeline.next_deadline(), UINT64_MAX);
  EXPECT_TRUE(balanced(s));
}

TEST_P(Scenario, PartialSuccessCountsRejectedAndIsNotRetried) {
  Rig rig(small(64, 4));
  rig.host.poll();
  rig.emit(4);
  rig.host.poll();
  rig.host.answer(Outcome::partial_ok(3, "3 spans had no name"));
  const auto s = rig.stats();
  EXPECT_EQ(s.rejected, 3u);
  EXPECT_EQ(s.exported, 1u);
  EXPECT_EQ(s.requests, 1u);
  EXPECT_NE(s.last_error.find("3 spans had no name"), std::string::npos);
  EXPECT_NE(s.last_error.find("partial success: 3 " + items() + " rejected"), std::string::npos) << s.last_error;
  EXPECT_TRUE(balanced(s));
}

// The host is told once that a full batch waits, not on every span ended after it; once it has
// cut a batch, the next span that finds a full batch tells it again.
TEST_P(Scenario, BatchReadyOncePerBatch) {
  int ready = 0;
  Hooks tc;
  tc.on_batch_ready = [&ready] { ++ready; };
  PipelineConfig c = small(64, 4);
  c.max_concurrent_exports = 1;
  Rig rig(c, std::move(tc));
  rig.host.poll();
  rig.emit(3);
  EXPECT_EQ(ready, 0);
  rig.emit(7);  // 10 queued: two full batches, one signal
  EXPECT_EQ(ready, 1);
  EXPECT_EQ(rig.host.poll(), 1u);  // cuts one batch (one export at a time)
  rig.emit(1);  // 7 queued: a full batch still waits
  EXPECT_EQ(ready, 2);
  rig.emit(5);
  EXPECT_EQ(ready, 2);
}

// A span is the first `length` bytes of the buffer it arrives in; the rest is room that travels
// with the buffer and never reaches a request.
TEST(Pipeline, EnqueueTakesTheSpansLengthOfItsBuffer) {
  Pipeline pipeline(small(8, 2), workload::standard_resource());
  FakeClock clock;
  FakeHost host(pipeline, clock);
  host.poll();
  const std::uint16_t scope = pipeline.add_scope({"test", "1.0", {}});
  std::string expected;
  for (const char* name : {"first", "second"}) {
    Random rng(1);
    SpanData span = workload::standard_span(rng, 0);
    span.name = name;
    std::string encoded;
    encode_span_field(span, encoded);
    expected += encoded;
    std::string buffer = encoded + std::string(300, '\xff');
    ASSERT_NE(pipeline.enqueue(scope, buffer, encoded.size()), Pipeline::Enqueue::full);
  }
  ASSERT_EQ(host.poll(), 1u);
  const std::string& body = host.in_flight.front().body;
  EXPECT_EQ(spans_in(body), 2u);
  EXPECT_NE(body.find(expected), std::string::npos);
  EXPECT_EQ(body.find('\xff'), std::string::npos);
}

// last_error keeps a message's first 1 KiB, and a shorter message replaces a longer one whole.
TEST(Pipeline, LastErrorKeepsTheFirstKibibyte) {
  Rig rig(small(64, 4));
  rig.host.poll();
  rig.spans(4);
  rig.host.poll();
  const std::string long_message = "start:" + std::string(3000, 'x') + ":end";
  rig.host.answer(Outcome::partial_ok(1, long_message));
  const std::string kept = rig.stats().last_error;
  ASSERT_EQ(kept.size(), 1024u);
  EXPECT_EQ(kept.substr(0, 17), "partial success: ");
  EXPECT_NE(kept.find("start:xxx"), std::string::npos);
  rig.spans(4);
  rig.host.poll();
  rig.host.answer(Outcome::partial_ok(2, "short"));
  const std::string replaced = rig.stats().last_error;
  EXPECT_LT(replaced.size(), 100u);
  EXPECT_NE(replaced.find("short"), std::string::npos);
}

// Tracers of one scope share its index; each scope's spans are exported under their own scope.
TEST(Pipeline, ScopesAreDedupedAndGroupSpans) {
  Rig rig(small(64, 8));
  Tracer a = rig.provider.tracer("a", "1");
  Tracer b = rig.provider.tracer("b", "1");
  Tracer a_again = rig.provider.tracer("a", "1");
  Tracer a2 = rig.provider.tracer("a", "2");  // another version: another scope
  a.start_span("a1").end();
  b.start_span("b1").end();
  a_again.start_span("a2").end();
  a2.start_span("a3").end();
  rig.pipeline.force_flush(rig.clock.now, kSec);
  rig.host.poll();
  ASSERT_EQ(rig.host.in_flight.size(), 1u);
  TraceRequest req;
  ASSERT_TRUE(decode_trace_request(rig.host.in_flight.front().body, req).ok());
  std::map<std::string, std::vector<std::string>> by_scope;
  for (const auto& ss : req.resource_spans.at(0).scope_spans)
    for (const auto& span : ss.spans) by_scope[ss.scope.name + "@" + ss.scope.version].push_back(span.name);
  EXPECT_EQ(by_scope["a@1"], (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(by_scope["b@1"], (std::vector<std::string>{"b1"}));
  EXPECT_EQ(by_scope["a@2"], (std::vector<std::string>{"a3"}));
}

TEST_P(Scenario, PartialSuccessRejectedCountIsClamped) {
  Rig rig(small(64, 4));
  rig.host.poll();
  rig.emit(4);
  rig.host.poll();
  rig.host.answer(Outcome::partial_ok(1000, "server miscounted"));
  const auto s = rig.stats();
  EXPECT_EQ(s.rejected, 4u);
  EXPECT_EQ(s.exported, 0u);
  EXPECT_TRUE(balanced(s));
}

TEST_P(Scenario, TransportThatNeverAnswersTimesOut) {
  auto c = small(64, 4);
  c.export_timeout_ns = 10 * kSec;
  Rig rig(c);
  rig.host.poll();
  rig.emit(4);
  rig.host.poll();
  const auto sent = rig.clock.now;
  EXPECT_EQ(rig.host.in_flight[0].deadline, sent + 10 * kSec);
  EXPECT_EQ(rig.pipeline.next_deadline(), sent + 10 * kSec);
  rig.host.advance();
  auto s = rig.stats();
  EXPECT_EQ(s.failed, 4u);
  EXPECT_EQ(s.queued, 0u);
  EXPECT_TRUE(balanced(s));
  rig.host.answer(Outcome::ok());  // too late: ignored
  EXPECT_EQ(rig.stats().exported, 0u);
  EXPECT_TRUE(balanced(rig.stats()));
}

TEST_P(Scenario, RetriesStopAtTheExportTimeout) {
  auto c = small(64, 4);
  c.export_timeout_ns = 3 * kSec;
  c.retry.max_attempts = 100;
  Rig rig(c);
  rig.host.poll();
  rig.emit(4);
  rig.host.poll();
  for (int i = 0; i < 20 && !rig.host.in_flight.empty(); ++i) {
    rig.host.answer(Outcome::network("connection refused"));
    rig.host.advance();
  }
  const auto s = rig.stats();
  EXPECT_EQ(s.failed, 4u);
  EXPECT_LT(s.requests, 6u);  // backoff 1, 1.5, ... cannot fit many attempts in 3 s
  EXPECT_TRUE(balanced(s));
}

// OTEL_EXPORTER_OTLP_TIMEOUT (exporter_timeout_ns) bounds a batch's whole export like
// OTEL_BSP_EXPORT_TIMEOUT does, whichever is sooner: the first attempt against a server that
// never answers ends at it, with no retry after.
TEST(Pipeline, ExporterTimeoutBoundsTheWholeExport) {
  auto c = small(64, 4);
  c.export_timeout_ns = 30 * kSec;
  c.exporter_timeout_ns = 5 * kSec;
  EXPECT_EQ(export_time_limit_ns(c), 5 * kSec);
  Rig rig(c);
  rig.host.poll();
  rig.spans(4);
  rig.host.poll();
  const auto sent = rig.clock.now;
  ASSERT_EQ(rig.host.in_flight.size(), 1u);
  EXPECT_EQ(rig.host.in_flight[0].deadline, sent + 5 * kSec);
  EXPECT_EQ(rig.pipeline.next_deadline(), sent + 5 * kSec);
  ASSERT_TRUE(rig.host.advance());
  EXPECT_EQ(rig.clock.now, sent + 5 * kSec);
  const auto s = rig.stats();
  EXPECT_EQ(s.failed, 4u);
  EXPECT_EQ(s.requests, 1u);
  EXPECT_EQ(s.last_error, "export timeout: no answer within 5000 ms");
  EXPECT_EQ(rig.host.all.size(), 1u);  // nothing sent after it
  EXPECT_TRUE(balanced(s));
  EXPECT_EQ(rig.pipeline.next_deadline(), UINT64_MAX);
}

// Attempts that fail fast are retried while the export's time lasts, each told how much is
// left, and the last one ends by the deadline: no attempt and no backoff run past it.
TEST(Pipeline, RetriesAndBackoffStayWithinTheExporterTimeout) {
  auto c = small(64, 4);
  c.exporter_timeout_ns = 4 * kSec;
  c.retry.max_attempts = 100;
  Rig rig(c);
  rig.host.poll();
  rig.spans(4);
  rig.host.poll();
  const auto sent = rig.clock.now;
  for (int i = 0; i < 20 && !rig.host.in_flight.empty(); ++i) {
    const auto deadline = rig.host.in_flight[0].deadline;
    EXPECT_EQ(deadline, sent + 4 * kSec);  // each attempt is told what is left
    // The attempt takes 300 ms, or what is left of them: a host gives up at the deadline.
    rig.clock.now = std::min(rig.clock.now + 300 * kMs, deadline);
    rig.host.answer(Outcome::network("connection reset"));
    rig.host.advance();
  }
  const auto s = rig.stats();
  EXPECT_EQ(s.failed, 4u);
  EXPECT_GE(s.requests, 2u);
  EXPECT_LE(rig.clock.now, sent + 4 * kSec);
  for (const auto& r : rig.host.all) EXPECT_LT(r.sent_at, sent + 4 * kSec);
  EXPECT_EQ(s.last_error, "export timeout: no time left to retry within 4000 ms: connection reset");
  EXPECT_TRUE(balanced(s));
}

// The sooner bound wins either way; the message says how long it was.
TEST(Pipeline, BatchExportTimeoutStillBoundsWhenSooner) {
  auto c = small(64, 4);
  c.export_timeout_ns = 2 * kSec;
  c.exporter_timeout_ns = 10 * kSec;
  Rig rig(c);
  rig.host.poll();
  rig.spans(4);
  rig.host.poll();
  EXPECT_EQ(rig.host.in_flight[0].deadline, rig.clock.now + 2 * kSec);
  rig.host.advance();
  EXPECT_EQ(rig.stats().last_error, "export timeout: no answer within 2000 ms");
  c.exporter_timeout_ns = 0;
  ASSERT_TRUE(validate(c));
  EXPECT_NE(validate(c)->message.find("OTEL_EXPORTER_OTLP_TIMEOUT"), std::string::npos);
}

TEST_P(Scenario, AttemptsAreLimited) {
  Rig rig(small(64, 4));
  rig.host.poll();
  rig.emit(4);
  rig.host.poll();
  for (int i = 0; i < 10 && !rig.host.in_flight.empty(); ++i) {
    rig.host.answer(Outcome::http(502));
    rig.host.advance();
  }
  const auto s = rig.stats();
  EXPECT_EQ(s.requests, 5u);
  EXPECT_EQ(s.failed, 4u);
}

TEST_P(Scenario, BurstOverflowsTheQueueAndIsCountedDropped) {
  Rig rig(small(16, 8));
  rig.host.poll();
  rig.emit(100);  // the app thread never waits: 84 find no room
  auto s = rig.stats();
  EXPECT_EQ(s.ended, 100u);
  EXPECT_EQ(s.dropped, 84u);
  EXPECT_EQ(s.queued, 16u);
  EXPECT_TRUE(balanced(s));
  rig.host.drain_ok();
  s = rig.stats();
  EXPECT_EQ(s.exported, 16u);
  EXPECT_TRUE(balanced(s));
}

TEST_P(Scenario, WaitPolicyWaitsForRoomInsteadOfDropping) {
  auto c = small(16, 8);
  c.queue_policy = QueuePolicy::wait;
  Hooks tc;
  FakeHost* host = nullptr;
  int waits = 0;
  tc.wait_for_room = [&](std::uint64_t) {
    ++waits;
    host->drain_ok();  // the host loop makes room while the app thread waits
    return true;
  };
  Rig rig(c, std::move(tc));
  host = &rig.host;
  rig.host.poll();
  rig.emit(100);
  rig.host.drain_ok();
  const auto s = rig.stats();
  EXPECT_GT(waits, 0);
  EXPECT_EQ(s.dropped, 0u);
  EXPECT_EQ(s.exported, 100u);
  EXPECT_TRUE(balanced(s));
}

TEST_P(Scenario, WaitPolicyGivesUpWhenTheWaitTimesOut) {
  auto c = small(16, 8);
  c.queue_policy = QueuePolicy::wait;
  Hooks tc;
  tc.wait_for_room = [](std::uint64_t) { return false; };  // time is up at once
  Rig rig(c, std::move(tc));
  rig.emit(20);
  const auto s = rig.stats();
  EXPECT_EQ(s.dropped, 4u);
  EXPECT_TRUE(balanced(s));
}

TEST_P(Scenario, FlushWhileAnExportIsInFlight) {
  Rig rig(small(64, 4));
  rig.host.poll();
  rig.emit(4);
  ASSERT_EQ(rig.host.poll(), 1u);  // in flight
  rig.emit(2);                    // queued behind it, not a full batch
  const auto ticket = rig.pipeline.force_flush(rig.clock.now, 10 * kSec);
  EXPECT_EQ(rig.pipeline.flush_state(ticket), FlushState::pending);
  EXPECT_EQ(rig.host.poll(), 0u);  // exports do not overlap, even for a flush
  rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.pipeline.flush_state(ticket), FlushState::pending);
  ASSERT_EQ(rig.host.poll(), 1u);  // the flush sends the partial batch without the delay
  EXPECT_EQ(rig.host.in_flight[0].spans, 2u);
  rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.pipeline.flush_state(ticket), FlushState::done);
  EXPECT_EQ(rig.stats().exported, 6u);
}

TEST_P(Scenario, FlushIgnoresItemsEmittedAfterIt) {
  Rig rig(small(64, 8));
  rig.host.poll();
  rig.emit(2);
  const auto ticket = rig.pipeline.force_flush(rig.clock.now, 10 * kSec);
  rig.host.poll();
  rig.emit(3);  // after the flush
  rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.pipeline.flush_state(ticket), FlushState::done);
  EXPECT_EQ(rig.stats().queued, 3u);
}

TEST(Pipeline, FlushOfAnEmptyPipelineIsDoneAtOnce) {
  Rig rig;
  EXPECT_EQ(rig.pipeline.flush_state(rig.pipeline.force_flush(rig.clock.now, kSec)), FlushState::done);
}

TEST_P(Scenario, FlushTimesOutAndSaysSo) {
  Rig rig(small(64, 8));
  rig.host.poll();
  rig.emit(2);
  const auto ticket = rig.pipeline.force_flush(rig.clock.now, 2 * kSec);
  rig.host.poll();  // sent, never answered
  rig.clock.now += 2 * kSec;
  rig.pipeline.handle_timeouts(rig.clock.now);
  EXPECT_EQ(rig.pipeline.flush_state(ticket), FlushState::timed_out);
  EXPECT_TRUE(balanced(rig.stats()));
}

TEST_P(Scenario, ShutdownWithAFullQueueSendsEverything) {
  Rig rig(small(32, 8));
  rig.host.poll();
  rig.emit(32);
  const auto ticket = rig.pipeline.shutdown(rig.clock.now, 30 * kSec);
  rig.host.drain_ok();
  EXPECT_EQ(rig.pipeline.flush_state(ticket), FlushState::done);
  EXPECT_TRUE(rig.pipeline.is_shut_down());
  EXPECT_EQ(rig.stats().exported, 32u);
  rig.emit(1);  // after shutdown: refused, counted dropped
  const auto s = rig.stats();
  EXPECT_EQ(s.dropped, 1u);
  EXPECT_TRUE(balanced(s));
}

TEST_P(Scenario, ShutdownTimeoutReportsWhatCouldNotBeSent) {
  Rig rig(small(32, 8));
  rig.host.poll();
  rig.emit(32);
  const auto ticket = rig.pipeline.shutdown(rig.clock.now, 5 * kSec);
  rig.host.poll();
  rig.host.answer(Outcome::ok());  // one batch goes through
  rig.host.poll();
  rig.host.answer(Outcome::http(503));  // then the server falters
  rig.clock.now += 5 * kSec;
  rig.pipeline.handle_timeouts(rig.clock.now);
  const auto s = rig.stats();
  EXPECT_EQ(rig.pipeline.flush_state(ticket), FlushState::timed_out);
  EXPECT_EQ(s.exported, 8u);
  EXPECT_EQ(s.failed, 24u);
  EXPECT_EQ(s.queued, 0u);
  EXPECT_NE(s.last_error.find("shutdown: 24 " + items() + " could not"), std::string::npos) << s.last_error;
  EXPECT_TRUE(rig.pipeline.is_shut_down());
  EXPECT_TRUE(balanced(s));
}

TEST(Pipeline, BatchLargerThanTheSizeLimitIsSplit) {
  auto c = small(512, 512);
  c.max_request_bytes = 8 * 1024;
  Rig rig(c);
  rig.host.poll();
  for (int i = 0; i < 200; ++i)
    rig.tracer.start_span("s").set_attribute("payload", std::string(200, 'x')).end();
  rig.pipeline.force_flush(rig.clock.now, 60 * kSec);
  std::size_t spans = 0, requests = 0;
  for (int i = 0; i < 100 && rig.stats().queued > 0; ++i) {
    rig.host.poll();
    while (!rig.host.in_flight.empty()) {
      EXPECT_LE(rig.host.in_flight[0].body.size(), 8u * 1024);
      spans += spans_in(rig.host.in_flight[0].body);
      ++requests;
      rig.host.answer(Outcome::ok());
    }
  }
  EXPECT_EQ(spans, 200u);
  EXPECT_GT(requests, 5u);
  EXPECT_EQ(rig.stats().exported, 200u);
  EXPECT_TRUE(balanced(rig.stats()));
}

TEST(Pipeline, JsonBodiesAreSplitToFitToo) {
  auto c = small(512, 512);
  c.max_request_bytes = 8 * 1024;
  c.protocol = Protocol::json;
  Rig rig(c);
  rig.host.poll();
  for (int i = 0; i < 100; ++i) rig.tracer.start_span("s").set_attribute("payload", std::string(100, 'x')).end();
  rig.pipeline.force_flush(rig.clock.now, 60 * kSec);
  rig.host.drain_ok();
  for (const auto& r : rig.host.all) {
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_LE(r.body.size(), 8u * 1024);
    EXPECT_EQ(r.body.front(), '{');
  }
  EXPECT_EQ(rig.stats().exported, 100u);
}

TEST_P(Scenario, OneItemOverTheLimitFailsAloneAndSaysWhy) {
  auto c = small(64, 8);
  c.max_request_bytes = 2048;
  Rig rig(c);
  rig.host.poll();
  rig.emit_one({"payload", std::string(4096, 'x')});
  rig.emit(2);
  rig.pipeline.force_flush(rig.clock.now, 10 * kSec);
  rig.host.drain_ok();
  const auto s = rig.stats();
  EXPECT_EQ(s.failed, 1u);
  EXPECT_EQ(s.exported, 2u);
  EXPECT_NE(s.last_error.find(" " + std::string(signal_info(GetParam()).item) + " of "), std::string::npos) << s.last_error;
  EXPECT_NE(s.last_error.find("exceeds the request limit"), std::string::npos);
  EXPECT_TRUE(balanced(s));
}

TEST(Pipeline, CountersAndLatency) {
  Rig rig(small(64, 4));
  rig.host.poll();
  rig.spans(4);
  rig.host.poll();
  const auto bytes = rig.host.in_flight[0].body.size();
  rig.clock.now += 30 * kMs;
  rig.host.answer(Outcome::ok());
  const auto s = rig.stats();
  EXPECT_EQ(s.started, 4u);
  EXPECT_EQ(s.ended, 4u);
  EXPECT_EQ(s.bytes_sent, bytes);
  EXPECT_EQ(s.export_latency.total, 1u);
  EXPECT_EQ(s.export_latency.quantile_ms(0.5), 50.0);  // the 25..50 ms bucket
}

TEST(Pipeline, RequestsCarryResourceAndScope) {
  Rig rig(small(64, 2));
  auto other = rig.provider.tracer("other-lib", "2.0");
  rig.host.poll();
  rig.tracer.start_span("a").end();
  other.start_span("b").end();
  ASSERT_EQ(rig.host.poll(), 1u);
  TraceRequest r;
  ASSERT_TRUE(decode_trace_request(rig.host.in_flight[0].body, r).ok());
  ASSERT_EQ(r.resource_spans.size(), 1u);
  EXPECT_EQ(r.resource_spans[0].resource, workload::standard_resource());
  ASSERT_EQ(r.resource_spans[0].scope_spans.size(), 2u);
  EXPECT_EQ(r.resource_spans[0].scope_spans[0].scope.name, "test");
  EXPECT_EQ(r.resource_spans[0].scope_spans[0].spans[0].name, "a");
  EXPECT_EQ(r.resource_spans[0].scope_spans[1].scope.name, "other-lib");
  EXPECT_EQ(r.resource_spans[0].scope_spans[1].scope.version, "2.0");
  EXPECT_EQ(r.resource_spans[0].scope_spans[1].spans[0].name, "b");
}

}  // namespace
}  // namespace otlp

namespace otlp {
namespace {

// A page being unloaded cuts what is queued into small requests sent at once (the browser's
// keepalive budget), then goes back to its normal limits.
TEST(Pipeline, RequestLimitsChangeAtRunTime) {
  Rig rig(small(64, 32));
  rig.host.poll();
  const std::string filler(300, 'x');
  for (int i = 0; i < 12; ++i) rig.tracer.start_span("span").set_attribute("filler", filler).end();
  rig.pipeline.set_request_limits(1024, 3);
  rig.pipeline.force_flush(rig.clock.now, 10 * kSec);
  EXPECT_EQ(rig.host.poll(), 3u);  // three small requests in flight together
  for (const auto& r : rig.host.in_flight) EXPECT_LE(r.body.size(), 1024u);
  rig.pipeline.set_request_limits(0, 0);  // raised to the minimums: 1024 bytes, one export
  EXPECT_EQ(rig.pipeline.config().max_request_bytes, 1024u);
  EXPECT_EQ(rig.pipeline.config().max_concurrent_exports, 1u);
  rig.pipeline.set_request_limits(4 << 20, 1);
  while (!rig.host.in_flight.empty()) rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.host.poll(), 1u);  // the rest in one request now
  rig.host.answer(Outcome::ok());
  EXPECT_EQ(rig.stats().exported, 12u);
  EXPECT_TRUE(balanced(rig.stats()));
}

// The server's answer as the hosts read it (response.hpp): partial_success in a protobuf or an
// OTLP/JSON body, whose rejected count is rejected_spans or rejected_log_records.
TEST_P(Scenario, PartialSuccessFromTheResponseBody) {
  const std::string key = GetParam() == Signal::logs ? "rejectedLogRecords" : "rejectedSpans";
  // partial_success=1 {rejected=1: 2, error_message=2: "old"}: the same bytes for every signal.
  const std::string protobuf("\x0a\x07\x08\x02\x12\x03old", 9);
  Rig rig(small(64, 4));
  rig.host.poll();
  rig.emit(8);
  ASSERT_EQ(rig.host.poll(), 1u);
  rig.host.answer(http_outcome(GetParam(), 200, "application/x-protobuf", protobuf, "", rig.clock.now));
  ASSERT_EQ(rig.host.poll(), 1u);
  rig.host.answer(http_outcome(GetParam(), 200, "application/json",
                               "{\"partialSuccess\":{\"" + key + "\":\"3\",\"errorMessage\":\"dup\"}}", "",
                               rig.clock.now));
  const auto s = rig.stats();
  EXPECT_EQ(s.rejected, 5u);
  EXPECT_EQ(s.exported, 3u);
  EXPECT_EQ(s.retries, 0u);
  EXPECT_NE(s.last_error.find("3 " + items() + " rejected: dup"), std::string::npos) << s.last_error;
  EXPECT_TRUE(balanced(s));
}

// emitted (ended) == exported + rejected + failed + dropped + queued after every step of a run
// that meets every outcome: overflow, a retried 503, Retry-After, partial success, a final 400,
// a timeout and a shutdown that cannot finish.
TEST_P(Scenario, EveryOutcomeKeepsTheInvariant) {
  auto c = small(16, 4);
  c.export_timeout_ns = 10 * kSec;
  Rig rig(c);
  rig.host.poll();
  std::vector<Stats> seen;
  const auto step = [&] {
    seen.push_back(rig.stats());
    EXPECT_TRUE(balanced(seen.back())) << "step " << seen.size();
  };
  rig.emit(20);  // 4 dropped
  step();
  ASSERT_EQ(rig.host.poll(), 1u);
  rig.host.answer(Outcome::http(503));
  step();
  ASSERT_TRUE(rig.host.advance());
  rig.host.answer(Outcome::http(429, 2 * kSec));
  step();
  ASSERT_TRUE(rig.host.advance());
  rig.host.answer(Outcome::partial_ok(1, ""));  // 3 exported, 1 rejected
  step();
  ASSERT_EQ(rig.host.poll(), 1u);
  rig.host.answer(Outcome::http(400));  // 4 failed
  step();
  ASSERT_EQ(rig.host.poll(), 1u);
  rig.host.answer(Outcome::ok());  // 4 exported
  step();
  ASSERT_EQ(rig.host.poll(), 1u);  // never answered: times out, 4 failed
  rig.clock.now += 10 * kSec;
  rig.pipeline.handle_timeouts(rig.clock.now);
  step();
  rig.emit(6);
  rig.pipeline.shutdown(rig.clock.now, kSec);
  ASSERT_EQ(rig.host.poll(), 1u);  // 4 in flight, never answered; 2 queued
  rig.clock.now += kSec;
  rig.pipeline.handle_timeouts(rig.clock.now);
  rig.emit(1);  // after shutdown: dropped
  step();
  const Stats& s = seen.back();
  EXPECT_EQ(s.ended, 27u);
  EXPECT_EQ(s.dropped, 5u);
  EXPECT_EQ(s.exported, 7u);
  EXPECT_EQ(s.rejected, 1u);
  EXPECT_EQ(s.failed, 14u);
  EXPECT_EQ(s.queued, 0u);
  EXPECT_EQ(s.retries, 2u);
}

INSTANTIATE_TEST_SUITE_P(Signals, Scenario, ::testing::Values(Signal::traces, Signal::logs),
                         [](const auto& info) { return std::string(signal_info(info.param).name); });

}  // namespace
}  // namespace otlp
