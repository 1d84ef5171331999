// otlp_oracle_gen <dir>: writes the golden files that the core suite compares against on
// both targets, serialized by protobuf-lite (the independent oracle), never by the core:
//   <dir>/random_request.pb  random_request(kGoldenSeed, {.spans = kGoldenSpans})
//   <dir>/workload_512.pb    workload::standard_request(kGoldenWorkloadSpans, kGoldenWorkloadSeed)
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>

#include "lite_mapping.hpp"
#include "otlp/workload.hpp"
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
                   otlp::workload::standard_request(kGoldenWorkloadSpans, kGoldenWorkloadSeed));
  return ok ? 0 : 1;
}
