// otlp_oracle_gen <dir>: writes the golden files that the core suite compares against on
// both targets, serialized by protobuf-lite (the independent oracle), never by the core:
//   <dir>/random_request.pb  random_request(kGoldenSeed, {.spans = kGoldenSpans})
//   <dir>/workload_512.pb    workload::standard_request(kGoldenWorkloadSpans, kGoldenWorkloadSeed)
//   <dir>/standard_logs_10.pb, .json  kGoldenLogRecords standard log records (oracle_logs.hpp), as
//                            protobuf and as OTLP/JSON written from the lite message
//   <dir>/random_metrics.pb, .json  random_metrics(kGoldenMetricsSeed) (oracle_metrics.hpp), every
//                            metric and data point type, as protobuf and OTLP/JSON from lite
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <system_error>

#include "lite_mapping.hpp"
#include "oracle_logs.hpp"
#include "oracle_metrics.hpp"
#include "otlp/workload/workload.hpp"
#include "support/files.hpp"
#include "support/random_request.hpp"

namespace {

bool write_golden(const std::filesystem::path& dir, const char* name, const otlp::TraceRequest& request) {
  const auto path = (dir / name).string();
  auto bytes = otlp::testing::lite::serialize_with_lite(request);
  if (!bytes) {
    std::fprintf(stderr, "otlp_oracle_gen: protobuf-lite failed to serialize %s\n", name);
    return false;
  }
  // Guard the mapping itself: what lite wrote must parse back to the same model.
  otlp::testing::lite::pb_collector::ExportTraceServiceRequest parsed;
  if (!parsed.ParseFromString(*bytes)) {
    std::fprintf(stderr, "otlp_oracle_gen: protobuf-lite cannot parse its own %s\n", name);
    return false;
  }
  std::string error;
  auto back = otlp::testing::lite::from_lite(parsed, &error);
  if (!back || !(*back == request)) {
    std::fprintf(stderr, "otlp_oracle_gen: %s does not round-trip through protobuf-lite %s\n", name, error.c_str());
    return false;
  }
  if (!otlp::testing::write_file(path, *bytes)) {
    std::fprintf(stderr, "otlp_oracle_gen: cannot write %s\n", path.c_str());
    return false;
  }
  std::printf("otlp_oracle_gen: wrote %s (%zu bytes, %zu spans)\n", path.c_str(), bytes->size(),
              otlp::testing::span_count(request));
  return true;
}

bool write_logs_golden(const std::filesystem::path& dir) {
  using namespace otlp::testing;
  const auto request = lite::standard_logs(kGoldenLogRecords, kGoldenLogSeed);
  std::string bytes;
  lite::pb_logs_collector::ExportLogsServiceRequest parsed;
  if (!request.SerializeToString(&bytes) || !parsed.ParseFromString(bytes) ||
      parsed.resource_logs(0).scope_logs(0).log_records_size() != static_cast<int>(kGoldenLogRecords)) {
    std::fprintf(stderr, "otlp_oracle_gen: protobuf-lite does not round-trip the standard log records\n");
    return false;
  }
  const auto json = lite::logs_json(request);
  if (!json) {
    std::fprintf(stderr, "otlp_oracle_gen: the standard log records hold a value the JSON writer lacks\n");
    return false;
  }
  for (const auto& [name, contents] : {std::pair<const char*, const std::string*>{"standard_logs_10.pb", &bytes},
                                       {"standard_logs_10.json", &*json}}) {
    const auto path = (dir / name).string();
    if (!write_file(path, *contents)) {
      std::fprintf(stderr, "otlp_oracle_gen: cannot write %s\n", path.c_str());
      return false;
    }
    std::printf("otlp_oracle_gen: wrote %s (%zu bytes, %u log records)\n", path.c_str(), contents->size(),
                kGoldenLogRecords);
  }
  return true;
}

bool write_metrics_golden(const std::filesystem::path& dir) {
  using namespace otlp::testing;
  const auto request = lite::random_metrics(kGoldenMetricsSeed);
  std::string bytes;
  if (!request.SerializeToString(&bytes)) {
    std::fprintf(stderr, "otlp_oracle_gen: protobuf-lite cannot serialize the random metrics\n");
    return false;
  }
  const std::string json = lite::metrics_json(request);
  for (const auto& [name, contents] : {std::pair<const char*, const std::string*>{"random_metrics.pb", &bytes},
                                       {"random_metrics.json", &json}}) {
    const auto path = (dir / name).string();
    if (!write_file(path, *contents)) {
      std::fprintf(stderr, "otlp_oracle_gen: cannot write %s\n", path.c_str());
      return false;
    }
    std::printf("otlp_oracle_gen: wrote %s (%zu bytes, %llu data points)\n", path.c_str(), contents->size(),
                static_cast<unsigned long long>(lite::data_point_count(request)));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: otlp_oracle_gen <dir>\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "otlp_oracle_gen: cannot create %s: %s\n", dir.string().c_str(), ec.message().c_str());
    return 1;
  }

  using namespace otlp::testing;
  RandomRequestOptions options;
  options.spans = kGoldenSpans;
  const bool ok =
      write_golden(dir, "random_request.pb", random_request(kGoldenSeed, options)) &&
      write_golden(dir, "workload_512.pb",
                   otlp::workload::standard_request(kGoldenWorkloadSpans, kGoldenWorkloadSeed)) &&
      write_logs_golden(dir) && write_metrics_golden(dir);
  return ok ? 0 : 1;
}
