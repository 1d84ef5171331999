// Log records emitted through the logs API, read back by protobuf-lite (the independent
// oracle): 1,000 randomized records per run, every field compared with what was emitted.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "lite_mapping.hpp"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "otlp/logs/logs.hpp"
#include "support/compare.hpp"
#include "support/fake_host.hpp"
#include "support/random_request.hpp"

namespace otlp {
namespace {

namespace pb_logs = opentelemetry::proto::collector::logs::v1;

// What the exported attributes must be: a key repeated later in the list counts once, with its
// last value, at its last place.
Attributes deduplicated(const Attributes& in) {
  Attributes out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    bool later = false;
    for (std::size_t j = i + 1; j < in.size() && !later; ++j) later = in[j].key == in[i].key;
    if (!later) out.push_back(in[i]);
  }
  return out;
}

template <std::size_t N>
std::string id_bytes(const Id<N>& id) {
  return id.valid() ? std::string(reinterpret_cast<const char*>(id.bytes.data()), N) : std::string();
}

TEST(LogsLite, ThousandRandomRecordsFieldByField) {
  testing::FakeClock clock;
  Pipeline pipeline(PipelineConfig{}, Resource{});
  LoggerProvider provider(pipeline, clock);
  Logger logger = provider.logger("random", "0.1");
  testing::FakeHost host(pipeline, clock);

  const auto records = testing::random_log_records(2026, 1000);
  std::vector<pb_logs::ExportLogsServiceRequest> parsed;
  std::size_t emitted = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    logger.emit(testing::BorrowedLogRecord(records[i]).record);
    ++emitted;
    // Drain as a host loop would, so the queue (2,048) never overflows.
    if (emitted % 512 == 0 || i + 1 == records.size()) {
      pipeline.force_flush(clock.now, 1'000'000'000);
      host.poll();
      for (const auto& sent : host.in_flight) ASSERT_TRUE(parsed.emplace_back().ParseFromString(sent.body));
      while (!host.in_flight.empty()) host.answer(Outcome::ok());
    }
  }

  std::size_t k = 0;
  for (const auto& request : parsed) {
    ASSERT_EQ(request.resource_logs_size(), 1);
    for (const auto& scope_logs : request.resource_logs(0).scope_logs()) {
      EXPECT_EQ(scope_logs.scope().name(), "random");
      EXPECT_EQ(scope_logs.scope().version(), "0.1");
      for (const auto& got : scope_logs.log_records()) {
        ASSERT_LT(k, records.size());
        const auto& want = records[k];
        SCOPED_TRACE("record " + std::to_string(k));
        EXPECT_EQ(got.time_unix_nano(), want.time_unix_nano);
        EXPECT_EQ(got.observed_time_unix_nano(), want.observed_time_unix_nano);
        EXPECT_EQ(static_cast<int>(got.severity_number()), want.severity <= 24 ? want.severity : 0);
        EXPECT_EQ(got.severity_text(), want.severity_text);
        EXPECT_EQ(got.has_body(), want.has_body);
        if (want.has_body) {
          EXPECT_EQ(testing::first_difference(want.body, testing::lite::from_lite(got.body())), "");
        }
        const Attributes expected = deduplicated(want.attributes);
        ASSERT_EQ(static_cast<std::size_t>(got.attributes_size()), expected.size());
        for (std::size_t a = 0; a < expected.size(); ++a) {
          EXPECT_EQ(got.attributes(static_cast<int>(a)).key(), expected[a].key);
          EXPECT_EQ(testing::first_difference(expected[a].value,
                                              testing::lite::from_lite(got.attributes(static_cast<int>(a)).value())),
                    "");
        }
        EXPECT_EQ(got.dropped_attributes_count(), 0u);
        const bool valid = want.context.valid();
        EXPECT_EQ(got.flags(), valid ? want.context.trace_flags : 0u);
        EXPECT_EQ(got.trace_id(), valid ? id_bytes(want.context.trace_id) : "");
        EXPECT_EQ(got.span_id(), valid ? id_bytes(want.context.span_id) : "");
        EXPECT_EQ(got.event_name(), want.event_name);
        ++k;
      }
    }
  }
  EXPECT_EQ(k, records.size());
  const Stats s = pipeline.stats();
  EXPECT_EQ(s.exported, records.size());
  EXPECT_TRUE(testing::balanced(s));
}

}  // namespace
}  // namespace otlp
