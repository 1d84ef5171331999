// Exporter: a pipeline driven through a host Transport, with completions now or later.
#include <gtest/gtest.h>

#include "otlp/export/transport.hpp"
#include "support/fake_host.hpp"

namespace otlp {
namespace {

using testing::FakeClock;
using testing::kSec;

class ScriptedTransport final : public Transport {
 public:
  struct Call {
    std::string body;
    std::string content_type;
    std::vector<std::pair<std::string, std::string>> headers;
    Compression compression;
    std::function<void(const Outcome&)> complete;
  };
  bool answer_at_once = false;
  Outcome immediate = Outcome::ok();
  std::vector<Call> calls;

  void send(const SendRequest& r, std::function<void(const Outcome&)> complete) override {
    calls.push_back({std::string(r.request.body), r.request.content_type, r.headers, r.compression, complete});
    if (answer_at_once) complete(immediate);
  }
};

struct Rig {
  Rig() : pipeline(config(), Resource{}), provider(pipeline, clock), tracer(provider.tracer("t")) {}
  static PipelineConfig config() {
    PipelineConfig c;
    c.max_export_batch_size = 4;
    return c;
  }
  FakeClock clock;
  Pipeline pipeline;
  TracerProvider provider;
  Tracer tracer;
};

TEST(Exporter, SendsWithHeadersAndCompressionAndAppliesLaterCompletions) {
  Rig rig;
  ScriptedTransport transport;
  Exporter exporter(rig.pipeline, transport, {{{"authorization", "Bearer t"}}, Compression::gzip});
  exporter.poll(rig.clock.now);
  for (int i = 0; i < 4; ++i) rig.tracer.start_span("s").end();
  exporter.poll(rig.clock.now);
  ASSERT_EQ(transport.calls.size(), 1u);
  EXPECT_EQ(transport.calls[0].content_type, "application/x-protobuf");
  EXPECT_EQ(transport.calls[0].headers.at(0).second, "Bearer t");
  EXPECT_EQ(transport.calls[0].compression, Compression::gzip);
  EXPECT_EQ(testing::spans_in(transport.calls[0].body), 4u);
  EXPECT_FALSE(exporter.has_completions());
  transport.calls[0].complete(Outcome::ok());  // later, as a network callback would
  EXPECT_TRUE(exporter.has_completions());
  EXPECT_EQ(rig.pipeline.stats().exported, 0u);  // applied on the host loop, not in the callback
  exporter.poll(rig.clock.now);
  EXPECT_EQ(rig.pipeline.stats().exported, 4u);
  EXPECT_EQ(exporter.poll(rig.clock.now), UINT64_MAX);
}

TEST(Exporter, ImmediateCompletionsAskForAnotherPollNow) {
  Rig rig;
  ScriptedTransport transport;
  transport.answer_at_once = true;
  Exporter exporter(rig.pipeline, transport);
  exporter.poll(rig.clock.now);
  for (int i = 0; i < 4; ++i) rig.tracer.start_span("s").end();
  EXPECT_EQ(exporter.poll(rig.clock.now), rig.clock.now);
  exporter.poll(rig.clock.now);
  EXPECT_EQ(rig.pipeline.stats().exported, 4u);
}

TEST(Exporter, RetriesGoThroughTheTransportAgain) {
  Rig rig;
  ScriptedTransport transport;
  transport.answer_at_once = true;
  transport.immediate = Outcome::http(503, 2 * kSec);
  Exporter exporter(rig.pipeline, transport);
  exporter.poll(rig.clock.now);
  for (int i = 0; i < 4; ++i) rig.tracer.start_span("s").end();
  exporter.poll(rig.clock.now);
  const std::uint64_t next = exporter.poll(rig.clock.now);
  EXPECT_EQ(next, rig.clock.now + 2 * kSec);
  transport.immediate = Outcome::ok();
  rig.clock.now = next;
  exporter.poll(rig.clock.now);
  exporter.poll(rig.clock.now);
  ASSERT_EQ(transport.calls.size(), 2u);
  EXPECT_EQ(transport.calls[0].body, transport.calls[1].body);
  EXPECT_EQ(rig.pipeline.stats().exported, 4u);
  EXPECT_EQ(rig.pipeline.stats().retries, 1u);
}

}  // namespace
}  // namespace otlp
