// Encodes 512-span batches of standard spans for a bounded time and prints the best rate.
// The same source runs natively and as WASM under node, so their ratio compares like with like.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "otlp/wire/proto_writer.hpp"
#include "otlp/workload/workload.hpp"

int main(int argc, char** argv) {
  const double seconds_per_round = argc > 1 ? std::atof(argv[1]) : 0.5;
  constexpr int kRounds = 5;
  constexpr std::uint64_t kBatch = 512;
  const otlp::TraceRequest batch = otlp::workload::standard_request(kBatch, 1);
  std::string out;
  double best = 0;
  std::size_t bytes = 0;
  for (int round = 0; round < kRounds; ++round) {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    std::uint64_t batches = 0;
    double elapsed = 0;
    while (elapsed < seconds_per_round && batches < 1'000'000) {
      out.clear();
      otlp::encode_trace_request(batch, out);
      bytes = out.size();
      ++batches;
      elapsed = std::chrono::duration<double>(clock::now() - start).count();
    }
    best = std::max(best, static_cast<double>(batches * kBatch) / elapsed);
  }
  std::printf("{\"spans_per_second\":%.0f,\"bytes_per_batch\":%zu}\n", best, bytes);
  return 0;
}
