// `otlp encode`: one request of standard spans (shared/WORKLOAD.md) on stdout, written a chunk
// at a time: one span is built and restamped for each index, so memory stays flat whatever
// --spans asks for.
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "otlp/json.hpp"
#include "otlp/proto_reader.hpp"
#include "otlp/proto_writer.hpp"
#include "otlp/workload.hpp"

namespace otlp::cli {
namespace {

constexpr std::size_t kChunkBytes = 1 << 20;

using Sink = std::function<bool(std::string_view)>;

// Calls `each` with the standard spans 0..count-1 of `seed`, one span object restamped in turn.
template <class Each>
void for_each_standard_span(std::uint64_t count, std::uint64_t seed, Each each) {
  Random rng(seed);
  SpanData span;
  for (std::uint64_t i = 0; i < count; ++i) {
    if (i == 0) {
      span = workload::standard_span(rng, 0);
    } else {
      workload::restamp_standard_span(span, rng, i);
    }
    each(span);
  }
}

// The request of workload::standard_request(count, seed), as encode_trace_request or
// encode_trace_request_json would write it, handed to `sink` in chunks; false when it refuses
// one.
bool stream_request(std::uint64_t count, std::uint64_t seed, bool json, const Sink& sink) {
  const Resource resource = workload::standard_resource();
  const InstrumentationScope scope = workload::standard_scope();
  std::string chunk, tail, one;
  chunk.reserve(kChunkBytes + 4096);
  auto add = [&](std::string_view bytes) {
    chunk.append(bytes);
    if (chunk.size() < kChunkBytes) return true;
    const bool ok = sink(chunk);
    chunk.clear();
    return ok;
  };
  bool ok = true;
  if (json) {
    encode_trace_request_json_frame(resource, scope, chunk, tail);
    bool first = true;
    for_each_standard_span(count, seed, [&](const SpanData& span) {
      one.clear();
      if (!first) one += ',';
      first = false;
      encode_span_json(span, one);
      ok = ok && add(one);
    });
  } else {
    encode_trace_request_head(resource, scope, workload::standard_spans_bytes(count), chunk);
    for_each_standard_span(count, seed, [&](const SpanData& span) {
      one.clear();
      encode_span_field(span, one);
      ok = ok && add(one);
    });
  }
  return ok && add(tail) && (chunk.empty() || sink(chunk));
}

}  // namespace

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
  const bool json = format == "json";

  if (!args.has("--summary")) {
    const bool written = stream_request(spans, seed, json, [](std::string_view bytes) {
      return std::fwrite(bytes.data(), 1, bytes.size(), stdout) == bytes.size();
    });
    if (!written || std::fflush(stdout) != 0) {
      std::perror("otlp encode: writing stdout");
      return 1;
    }
    return 0;
  }

  // The summary keeps the request in memory to read it back, and quotes the best of a few
  // encodings: the first one pays for cold caches.
  std::string out;
  double seconds = 1e30;
  for (int run = 0; run < 7; ++run) {
    out.clear();
    const auto t0 = std::chrono::steady_clock::now();
    stream_request(spans, seed, json, [&out](std::string_view bytes) {
      out.append(bytes);
      return true;
    });
    seconds = std::min(seconds, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    std::perror("otlp encode: writing stdout");
    return 1;
  }
  TraceRequest back;
  const DecodeStatus st = json ? decode_trace_request_json(out, back) : decode_trace_request(out, back);
  const bool same = st.ok() && back == workload::standard_request(spans, seed);
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
