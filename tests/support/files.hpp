// File helpers for tests: golden files live in OTLP_GOLDEN_DIR (see tests/CMakeLists.txt).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace otlp::testing {

std::optional<std::string> read_file(const std::string& path);
bool write_file(const std::string& path, const std::string& bytes);

// Seed and size of the golden random request, shared by the oracle and the suites.
inline constexpr std::uint64_t kGoldenSeed = 20261121;
inline constexpr std::uint32_t kGoldenSpans = 1200;
inline constexpr std::uint32_t kGoldenWorkloadSpans = 512;
inline constexpr std::uint64_t kGoldenWorkloadSeed = 1;
// The standard log records of the logs golden files: ten, so that the 10th is an ERROR.
inline constexpr std::uint32_t kGoldenLogRecords = 10;
inline constexpr std::uint64_t kGoldenLogSeed = 1;
// random_metrics.pb/.json: the oracle's random metrics request of this seed.
inline constexpr std::uint64_t kGoldenMetricsSeed = 2026;

}  // namespace otlp::testing
