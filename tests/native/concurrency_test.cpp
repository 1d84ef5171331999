// Several application threads end spans into one pipeline while a host thread drains it.
// Native only (WASM has no threads here); runs under ASan+UBSan in the native-asan build.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "otlp/wire/proto_reader.hpp"
#include "otlp/trace/tracer.hpp"
#include "otlp/export/transport.hpp"
#include "support/fake_host.hpp"

namespace otlp {
namespace {

class AtomicClock final : public Clock {
 public:
  std::atomic<std::uint64_t> now{1'000'000'000};
  std::uint64_t now_unix_nano() noexcept override { return now.load(std::memory_order_relaxed); }
};

struct Counts {
  std::uint64_t spans = 0;
  std::vector<std::uint64_t> per_thread;
};

// Runs `threads` producers of `per_thread` spans each against a draining host thread.
Stats run(std::uint32_t threads, std::uint32_t per_thread, PipelineConfig config, TracerConfig tc, Counts* seen) {
  AtomicClock clock;
  Pipeline pipeline(config, Resource{});
  TracerProvider provider(pipeline, clock, std::move(tc));
  Tracer tracer = provider.tracer("threads");
  std::atomic<bool> producing{true};
  std::thread host([&] {
    // The host loop: polls, decodes what it "sends" (to count spans per thread) and acks.
    for (int idle = 0; idle < 200;) {
      const std::uint64_t now = clock.now.fetch_add(1'000'000) + 1'000'000;
      bool sent = false;
      while (auto r = pipeline.poll_export(now)) {
        TraceRequest req;
        ASSERT_TRUE(decode_trace_request(r->body, req).ok());
        for (const auto& ss : req.resource_spans.at(0).scope_spans)
          for (const auto& s : ss.spans) {
            ++seen->spans;
            ++seen->per_thread.at(static_cast<std::size_t>(s.attributes.at(0).value.int_value));
          }
        pipeline.on_result(now, r->id, Outcome::ok());
        sent = true;
      }
      if (!sent && !producing.load()) {
        pipeline.force_flush(now, 1'000'000'000);
        ++idle;
      }
      if (!sent) std::this_thread::yield();
    }
  });
  std::vector<std::thread> workers;
  for (std::uint32_t t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      for (std::uint32_t i = 0; i < per_thread; ++i)
        tracer.start_span("work", {{"thread", static_cast<long long>(t)}, {"i", static_cast<long long>(i)}}).end();
    });
  for (auto& w : workers) w.join();
  producing = false;
  host.join();
  return pipeline.stats();
}

TEST(Concurrency, ManyThreadsWithRoomLoseNothing) {
  PipelineConfig c;
  c.max_queue_size = 1 << 16;
  c.max_export_batch_size = 256;
  Counts seen;
  seen.per_thread.resize(4);
  const auto s = run(4, 5000, c, {}, &seen);
  EXPECT_EQ(s.ended, 20000u);
  EXPECT_EQ(s.dropped, 0u);
  EXPECT_EQ(s.exported, 20000u);
  EXPECT_EQ(seen.spans, 20000u);
  for (auto n : seen.per_thread) EXPECT_EQ(n, 5000u);
  EXPECT_TRUE(testing::balanced(s));
}

TEST(Concurrency, SmallQueueDropsButAccountsForEverySpan) {
  PipelineConfig c;
  c.max_queue_size = 64;
  c.max_export_batch_size = 32;
  Counts seen;
  seen.per_thread.resize(4);
  const auto s = run(4, 5000, c, {}, &seen);
  EXPECT_EQ(s.ended, 20000u);
  EXPECT_EQ(s.exported + s.dropped, 20000u);
  EXPECT_EQ(seen.spans, s.exported);
  EXPECT_TRUE(testing::balanced(s));
}

TEST(Concurrency, WaitPolicyLosesNothingWithASmallQueue) {
  PipelineConfig c;
  c.max_queue_size = 64;
  c.max_export_batch_size = 32;
  c.queue_policy = QueuePolicy::wait;
  TracerConfig tc;
  tc.wait_for_room = [](std::uint64_t) {
    std::this_thread::sleep_for(std::chrono::microseconds(50));
    return true;  // a real host bounds this by time; here the drain always catches up
  };
  Counts seen;
  seen.per_thread.resize(3);
  const auto s = run(3, 3000, c, std::move(tc), &seen);
  EXPECT_EQ(s.dropped, 0u);
  EXPECT_EQ(s.exported, 9000u);
  EXPECT_EQ(seen.spans, 9000u);
  EXPECT_TRUE(testing::balanced(s));
}

// A transport whose answers come back on threads of their own, as network callbacks do.
class ThreadedTransport final : public Transport {
 public:
  ~ThreadedTransport() override {
    for (auto& t : threads) t.join();
  }
  void send(const SendRequest&, std::function<void(const Outcome&)> complete) override {
    threads.emplace_back([complete] {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      complete(Outcome::ok());
    });
  }
  std::vector<std::thread> threads;
};

TEST(Concurrency, ExporterTakesCompletionsFromOtherThreads) {
  AtomicClock clock;
  PipelineConfig c;
  c.max_export_batch_size = 16;
  c.max_concurrent_exports = 4;
  Pipeline pipeline(c, Resource{});
  TracerProvider provider(pipeline, clock);
  Tracer tracer = provider.tracer("t");
  ThreadedTransport transport;
  Exporter exporter(pipeline, transport);
  for (int i = 0; i < 320; ++i) tracer.start_span("s").end();
  pipeline.force_flush(clock.now, 10'000'000'000);
  for (int i = 0; i < 20000 && pipeline.stats().queued > 0; ++i) {
    exporter.poll(clock.now);
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
  const auto s = pipeline.stats();
  EXPECT_EQ(s.exported, 320u);
  EXPECT_TRUE(testing::balanced(s));
}

}  // namespace
}  // namespace otlp

namespace otlp {
namespace {

// More threads than the pipeline has counter sets of their own: the rest share one set through
// atomic adds, and the totals still come out exact.
TEST(Concurrency, CountersStayExactBeyondThePerThreadSets) {
  AtomicClock clock;
  PipelineConfig config;
  config.max_queue_size = 1 << 14;
  Pipeline pipeline(config, Resource{});
  TracerProvider provider(pipeline, clock);
  Tracer tracer = provider.tracer("threads");
  constexpr std::uint32_t kThreads = 70, kEach = 50;
  SpanContext unsampled_parent;
  unsampled_parent.trace_id.bytes[0] = 1;
  unsampled_parent.span_id.bytes[0] = 1;
  std::vector<std::thread> workers;
  for (std::uint32_t t = 0; t < kThreads; ++t)
    workers.emplace_back([&] {
      for (std::uint32_t i = 0; i < kEach; ++i) {
        tracer.start_span("sampled").end();
        tracer.start_span("unsampled", {.parent = &unsampled_parent}).end();
      }
    });
  for (auto& w : workers) w.join();
  const Stats s = pipeline.stats();
  EXPECT_EQ(s.started, 2u * kThreads * kEach);
  EXPECT_EQ(s.sampled_out, kThreads * kEach);
  EXPECT_EQ(s.ended, kThreads * kEach);
  EXPECT_EQ(s.dropped, 0u);
  EXPECT_EQ(s.queued, kThreads * kEach);
}

}  // namespace
}  // namespace otlp

namespace otlp {
namespace {

// Tracers made on many threads at once (scopes added concurrently, some the same), spans ended
// under each, while another thread reads stats() as the host loop writes errors and latencies:
// every span is exported under its own scope, each scope once per request.
TEST(Concurrency, ScopesAddedAndStatsReadFromManyThreads) {
  AtomicClock clock;
  PipelineConfig config;
  config.max_queue_size = 1 << 14;
  config.max_export_batch_size = 1 << 14;
  Pipeline pipeline(config, Resource{});
  TracerProvider provider(pipeline, clock);
  constexpr int kThreads = 8, kScopes = 12, kRounds = 20;
  std::atomic<bool> reading{true};
  std::thread reader([&] {
    while (reading.load()) {
      const Stats s = pipeline.stats();
      ASSERT_LE(s.last_error.size(), 1024u);
    }
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t)
    workers.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r)
        for (int k = 0; k < kScopes; ++k) {
          const std::string name = "scope" + std::to_string((k + t) % kScopes);
          provider.tracer(name).start_span(name).end();
        }
    });
  for (auto& w : workers) w.join();
  // The host loop: exports (with partial successes, so last_error is written) while the reader reads.
  pipeline.force_flush(clock.now, 1'000'000'000);
  std::size_t spans = 0;
  while (auto r = pipeline.poll_export(clock.now)) {
    TraceRequest req;
    ASSERT_TRUE(decode_trace_request(r->body, req).ok());
    std::vector<std::string> seen_scopes;
    for (const auto& ss : req.resource_spans.at(0).scope_spans) {
      EXPECT_EQ(std::count(seen_scopes.begin(), seen_scopes.end(), ss.scope.name), 0);
      seen_scopes.push_back(ss.scope.name);
      for (const auto& s : ss.spans) {
        EXPECT_EQ(s.name, ss.scope.name);
        ++spans;
      }
    }
    EXPECT_EQ(seen_scopes.size(), static_cast<std::size_t>(kScopes));
    pipeline.on_result(clock.now, r->id, Outcome::partial_ok(1, std::string(2000, 'e')));
  }
  reading = false;
  reader.join();
  EXPECT_EQ(spans, static_cast<std::size_t>(kThreads * kScopes * kRounds));
  EXPECT_EQ(pipeline.stats().export_latency.total, 1u);
}

}  // namespace
}  // namespace otlp
