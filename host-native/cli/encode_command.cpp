// `otlp encode`: one request of standard spans (shared/WORKLOAD.md) on stdout.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "otlp/json.hpp"
#include "otlp/proto_reader.hpp"
#include "otlp/proto_writer.hpp"
#include "otlp/workload.hpp"

namespace otlp::cli {

int encode_command(const std::vector<std::string>& argv) {
  Args args(argv, {"--spans", "--format", "--seed"}, {"--summary"});
  std::string err = args.error();
  std::uint64_t spans = 0, seed = 0;
  if (err.empty() && args.get_uint("--spans", 512, 1, 10'000'000, &spans, &err))
    args.get_uint("--seed", 1, 0, UINT64_MAX, &seed, &err);
  const std::string format = args.get("--format", "protobuf");
  if (err.empty() && format != "protobuf" && format != "json")
    err = "option '--format' expects 'protobuf' or 'json', got '" + format + "'";
  if (!err.empty()) {
    std::fprintf(stderr, "otlp encode: %s\n", err.c_str());
    return 2;
  }

  const TraceRequest request = workload::standard_request(spans, seed);
  std::string out;
  // The summary quotes the best of a few encodings: the first one pays for cold caches.
  double seconds = 1e30;
  for (int run = 0; run < (args.has("--summary") ? 7 : 1); ++run) {
    out.clear();
    const auto t0 = std::chrono::steady_clock::now();
    if (format == "protobuf") {
      encode_trace_request(request, out);
    } else {
      encode_trace_request_json(request, out);
    }
    seconds = std::min(seconds, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }

  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    std::perror("otlp encode: writing stdout");
    return 1;
  }
  if (!args.has("--summary")) return 0;

  TraceRequest back;
  DecodeStatus st = format == "protobuf" ? decode_trace_request(out, back) : decode_trace_request_json(out, back);
  const bool same = st.ok() && back == request;
  std::fprintf(stderr,
               "otlp encode: %llu standard spans as %s: %zu bytes (%.1f bytes/span), encoded in %.3f ms "
               "(%.2f M spans/s, best of 7); decoded back: %s\n",
               static_cast<unsigned long long>(spans), format.c_str(), out.size(),
               static_cast<double>(out.size()) / static_cast<double>(spans), seconds * 1e3,
               static_cast<double>(spans) / seconds / 1e6,
               same ? "identical" : (st.ok() ? "DIFFERENT" : st.message()));
  return same ? 0 : 1;
}

}  // namespace otlp::cli
