// `otlp encode`: one request of a signal's standard items (shared/WORKLOAD.md: the standard span
// or the standard log record; for metrics, one collection of the standard metrics requests) on stdout, written a chunk at a time: one item is built and
// restamped for each index, so memory stays flat whatever the count asks for.
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "otlp/json/json.hpp"
#include "otlp/logs/logs.hpp"
#include "otlp/metrics/metrics.hpp"
#include "otlp/wire/proto_reader.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/workload/metrics_workload.hpp"
#include "otlp/workload/workload.hpp"

namespace otlp::cli {
namespace {

constexpr std::size_t kChunkBytes = 1 << 20;

using Sink = std::function<bool(std::string_view)>;

// The standard items 0, 1, 2, ... of a signal and seed, each as its Scope* items field.
class StandardItems {
 public:
  StandardItems(Signal signal, std::uint64_t seed) : signal_(signal), rng_(seed) {}

  // Appends the next item as protobuf (its Scope* items field) or as OTLP/JSON (the item's
  // object, as transcode_request_json writes it). Spans have a model and its JSON writer, faster
  // than the transcoder; a log record is written as protobuf and transcoded.
  void append_next(bool json, std::string& out) {
    if (signal_ == Signal::traces) {
      if (next_ == 0) {
        span_ = workload::standard_span(rng_, 0);
      } else {
        workload::restamp_standard_span(span_, rng_, next_);
      }
      if (json) {
        encode_span_json(span_, out);
      } else {
        encode_span_field(span_, out);
      }
    } else {
      field_.clear();
      encode_log_record_field(log_record_.at(rng_, next_), json ? field_ : out);
      if (json) transcode_record_json(signal_, field_, out);
    }
    ++next_;
  }
  // The bytes of items 0..count-1, whatever the seed.
  static std::size_t bytes(Signal signal, std::uint64_t count) {
    return signal == Signal::traces ? workload::standard_spans_bytes(count) : workload::standard_log_records_bytes(count);
  }

 private:
  Signal signal_;
  Random rng_;
  std::uint64_t next_ = 0;
  SpanData span_;
  workload::StandardLogRecord log_record_;
  std::string field_;
};

// The request of `count` standard items of `signal` under the standard resource and scope, as
// protobuf or as the transcoder writes it in OTLP/JSON, handed to `sink` in chunks; false when
// it refuses one.
bool stream_request(Signal signal, std::uint64_t count, std::uint64_t seed, bool json, const Sink& sink) {
  const Resource resource = workload::standard_resource();
  const InstrumentationScope scope = workload::standard_scope();
  StandardItems items(signal, seed);
  // Each item is written to `one` and copied: a protobuf writer sizes the string it writes to
  // its whole capacity first, which would be the chunk's megabyte for every item.
  std::string chunk, tail, one;
  chunk.reserve(kChunkBytes + 4096);
  if (json) {
    transcode_request_json_frame(signal, resource, scope, chunk, tail);
  } else {
    encode_trace_request_head(resource, scope, StandardItems::bytes(signal, count), chunk);  // every signal's envelope
  }
  for (std::uint64_t i = 0; i < count; ++i) {
    one.clear();
    if (json && i) one += ',';
    items.append_next(json, one);
    chunk += one;
    if (chunk.size() >= kChunkBytes) {
      if (!sink(chunk)) return false;
      chunk.clear();
    }
  }
  chunk += tail;
  return sink(chunk);
}

// Metrics: `count` standard requests recorded on a meter (scope "bench" 1.0.0), then one
// collection at a fixed time: its request, cumulative, as protobuf or OTLP/JSON. Returns the
// data points it holds.
std::uint32_t metrics_request(std::uint64_t count, bool json, std::string& out) {
  struct FixedClock final : Clock {
    std::uint64_t now_unix_nano() noexcept override { return workload::kBaseTimeUnixNano; }
  } clock;
  ExportConfig config;
  config.signal = Signal::metrics;
  config.protocol = json ? Protocol::json : Protocol::protobuf;
  config.max_request_bytes = SIZE_MAX;
  ExportEngine engine(config);
  MeterProviderConfig mc;
  mc.resource = workload::standard_resource();
  MeterProvider provider(engine, clock, std::move(mc));
  const InstrumentationScope scope = workload::standard_scope();
  workload::StandardMetrics metrics(provider.meter(scope.name, scope.version));
  for (std::uint64_t i = 0; i < count; ++i) metrics.request(i);
  const std::uint64_t at = workload::kBaseTimeUnixNano + 60'000'000'000;
  const std::uint32_t points = provider.collect(at);
  auto request = engine.poll_export(at);
  out.assign(request ? request->body : std::string_view());
  return points;
}

}  // namespace

// `otlp encode --signal metrics`: the request on stdout; with --summary its size, time (best of
// 7) and the data points read back by the core's validating pass.
int encode_metrics(std::uint64_t count, bool json, bool summary) {
  std::string out;
  std::uint32_t points = 0;
  double seconds = 1e30;
  for (int run = 0; run < (summary ? 7 : 1); ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    points = metrics_request(count, json, out);
    seconds = std::min(seconds, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    std::perror("otlp encode: writing stdout");
    return 1;
  }
  if (!summary) return 0;
  std::string protobuf;
  DecodeStatus st;
  if (json) st = decode_request_json_protobuf(Signal::metrics, out, protobuf);
  else protobuf = out;
  std::uint64_t items = 0;
  if (st.ok()) st = validate_request(Signal::metrics, protobuf, items);
  const bool same = st.ok() && items == points;
  std::fprintf(stderr,
               "otlp encode: %llu standard metrics requests, one collection of %u data points as %s: %zu bytes, "
               "recorded and encoded in %.3f ms (best of 7); decoded back: %s\n",
               static_cast<unsigned long long>(count), points, json ? "json" : "protobuf", out.size(), seconds * 1e3,
               same ? "identical" : (st.ok() ? "DIFFERENT" : st.message()));
  return same ? 0 : 1;
}

int encode_command(const std::vector<std::string>& argv) {
  Args args(argv, {"--signal", "--count", "--spans", "--format", "--seed"}, {"--summary"});
  std::string err = args.error();
  Signal signal = Signal::traces;
  std::uint64_t count = 0, seed = 0;
  if (err.empty() && get_signal_count(args, 512, 10'000'000, &signal, &count, &err))
    args.get_uint("--seed", 1, 0, UINT64_MAX, &seed, &err);
  const std::string format = args.get("--format", "protobuf");
  if (err.empty() && format != "protobuf" && format != "json")
    err = "option '--format' expects 'protobuf' or 'json', got '" + format + "'";
  if (!err.empty()) {
    std::fprintf(stderr, "otlp encode: %s\n", err.c_str());
    return 2;
  }
  const bool json = format == "json";

  if (signal == Signal::metrics) return encode_metrics(count, json, args.has("--summary"));
  if (!args.has("--summary")) {
    const bool written = stream_request(signal, count, seed, json, [](std::string_view bytes) {
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
  auto encode = [&](bool as_json, std::string& out) {
    stream_request(signal, count, seed, as_json, [&out](std::string_view bytes) {
      out.append(bytes);
      return true;
    });
  };
  std::string out;
  double seconds = 1e30;
  for (int run = 0; run < 7; ++run) {
    out.clear();
    const auto t0 = std::chrono::steady_clock::now();
    encode(json, out);
    seconds = std::min(seconds, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) {
    std::perror("otlp encode: writing stdout");
    return 1;
  }
  // Read back with the signal's readers: the protobuf is checked and its items counted; the
  // JSON must read back into the protobuf the same items encode into.
  // Without the decode limits: they defend a receiver, and this is the tool's own output.
  DecodeOptions unlimited;
  unlimited.limits = DecodeLimits{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX};
  std::string protobuf;
  DecodeStatus st;
  if (json) {
    std::string expected;
    encode(false, expected);
    st = decode_request_json_protobuf(signal, out, protobuf, unlimited);
    if (st.ok() && protobuf != expected) st.error = DecodeError::bad_value;
  } else {
    protobuf = out;
  }
  std::uint64_t items = 0;
  if (st.ok()) st = validate_request(signal, protobuf, items, unlimited);
  const bool same = st.ok() && items == count;
  const std::string_view unit = signal_info(signal).items;
  std::fprintf(stderr,
               "otlp encode: %llu standard %.*s as %s: %zu bytes (%.1f bytes each), encoded in %.3f ms "
               "(%.2f M %.*s/s, best of 7); decoded back: %s\n",
               static_cast<unsigned long long>(count), static_cast<int>(unit.size()), unit.data(), format.c_str(),
               out.size(), static_cast<double>(out.size()) / static_cast<double>(count), seconds * 1e3,
               static_cast<double>(count) / seconds / 1e6, static_cast<int>(unit.size()), unit.data(),
               same ? "identical" : (st.ok() ? "DIFFERENT" : st.message()));
  return same ? 0 : 1;
}

}  // namespace otlp::cli
