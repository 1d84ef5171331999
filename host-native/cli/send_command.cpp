// `otlp send`: N standard spans, log records or metrics requests (their data points sent as the
// periodic reader collects, and at the end) through the native SDK to an OTLP endpoint, like
// the Collector's telemetrygen. The last line on stdout is one JSON object with the counts.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/load.hpp"
#include "otlp/json/json.hpp"
#include "sdk.hpp"

namespace otlp::cli {
namespace {

// "k=v,k2=v2" -> headers; false on an entry without '=' or with an empty name.
bool parse_headers(const std::string& s, std::vector<std::pair<std::string, std::string>>& out) {
  std::size_t begin = 0;
  while (begin <= s.size()) {
    std::size_t end = s.find(',', begin);
    if (end == std::string::npos) end = s.size();
    const std::string entry = s.substr(begin, end - begin);
    const auto eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) return false;
    out.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
    begin = end + 1;
  }
  return true;
}

// A positive number of seconds ("2", "0.5") in milliseconds; 0 when malformed.
std::uint64_t parse_seconds_ms(const std::string& s) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !(v > 0) || v > 86400) return 0;
  const auto ms = static_cast<std::uint64_t>(v * 1000 + 0.5);
  return ms == 0 ? 1 : ms;
}

// An HTTP endpoint given without a path ("http://host:4318" or ".../") gets the signal's path
// (/v1/traces, /v1/logs), as OTEL_EXPORTER_OTLP_ENDPOINT does; gRPC endpoints are used as given.
std::string http_endpoint(std::string url, Signal signal) {
  const std::string_view path = signal_info(signal).http_path;
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return url.append(path);
  if (slash == url.size() - 1) return url.append(path.substr(1));
  return url;
}

void add_number(std::string& out, const char* name, std::uint64_t v) {
  out += ",\"";
  out += name;
  out += "\":" + std::to_string(v);
}

void add_number(std::string& out, const char* name, double v, int decimals) {
  out += ",\"";
  out += name;
  out += "\":" + fixed(v, decimals);
}

}  // namespace

int send_command(const std::vector<std::string>& argv) {
  Args args(argv,
            {"--signal", "--count", "--endpoint", "--protocol", "--spans", "--rate", "--workers", "--headers",
             "--compression", "--ca", "--cert", "--key", "--timeout", "--batch", "--seed", "--exports"},
            {"--insecure"});
  std::string err = args.error();
  Signal signal = Signal::traces;
  std::uint64_t count = 0, workers = 1, rate = 0, batch = 512, seed = 1, exports = 1;
  if (err.empty() && get_signal_count(args, 10000, 1'000'000'000'000, &signal, &count, &err) &&
      args.get_uint("--workers", 1, 1, 256, &workers, &err) && args.get_uint("--rate", 0, 0, 1'000'000'000, &rate, &err) &&
      args.get_uint("--batch", 512, 1, 1'000'000, &batch, &err) &&
      args.get_uint("--exports", 1, 1, 64, &exports, &err))
    args.get_uint("--seed", 1, 0, UINT64_MAX, &seed, &err);

  // The OTEL_* variables first, the flags on top of them, on the sent signal's exporter.
  native::Options options;
  if (err.empty()) {
    auto env = native::options_from_env();
    if (env) {
      options = std::move(env.value());
    } else {
      err = env.error().message;
    }
  }
  const native::SignalOptions sent = native::signal_options(options, signal);
  native::OtlpOptions& otlp = sent.otlp;
  if (err.empty() && args.has("--protocol")) {
    const std::string p = args.get("--protocol", "");
    const std::string http_default = native::OtlpOptions::for_signal(signal).endpoint;
    const bool was_default = otlp.endpoint == http_default || otlp.endpoint == native::kDefaultGrpcEndpoint;
    if (p == "grpc") {
      otlp.protocol = native::Protocol::grpc;
    } else if (p == "http/protobuf") {
      otlp.protocol = native::Protocol::http_protobuf;
    } else if (p == "http/json") {
      otlp.protocol = native::Protocol::http_json;
    } else {
      err = "option '--protocol' expects 'grpc', 'http/protobuf' or 'http/json', got '" + p + "'";
    }
    if (was_default)
      otlp.endpoint = otlp.protocol == native::Protocol::grpc ? std::string(native::kDefaultGrpcEndpoint) : http_default;
  }
  if (err.empty() && args.has("--endpoint")) {
    const std::string url = args.get("--endpoint", "");
    otlp.endpoint = otlp.protocol == native::Protocol::grpc ? url : http_endpoint(url, signal);
  }
  if (err.empty() && args.has("--headers")) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (parse_headers(args.get("--headers", ""), headers)) {
      otlp.headers = std::move(headers);
    } else {
      err = "option '--headers' expects k=v[,k=v...], got '" + args.get("--headers", "") + "'";
    }
  }
  if (err.empty() && args.has("--compression")) {
    const std::string c = args.get("--compression", "");
    if (c == "gzip" || c == "none") {
      otlp.gzip = c == "gzip";
    } else {
      err = "option '--compression' expects 'gzip' or 'none', got '" + c + "'";
    }
  }
  if (err.empty() && args.has("--timeout")) {
    otlp.timeout_ms = parse_seconds_ms(args.get("--timeout", ""));
    if (otlp.timeout_ms == 0)
      err = "option '--timeout' expects a number of seconds, got '" + args.get("--timeout", "") + "'";
  }
  if (args.has("--insecure")) otlp.insecure = true;
  if (args.has("--ca")) otlp.certificate = args.get("--ca", "");
  if (args.has("--cert")) otlp.client_certificate = args.get("--cert", "");
  if (args.has("--key")) otlp.client_key = args.get("--key", "");
  if (err.empty() && options.disabled) err = "OTEL_SDK_DISABLED is true: nothing would be sent";
  if (!err.empty()) {
    std::fprintf(stderr, "otlp send: %s\n", err.c_str());
    return 2;
  }
  use_load_defaults(options, static_cast<std::uint32_t>(batch), signal);
  // Requests in flight at once: 1 (the spec's no-overlap rule) unless the load asks for more.
  sent.pipeline.max_concurrent_exports = static_cast<std::uint32_t>(exports);

  auto sdk = native::start(options);
  if (!sdk) {
    std::fprintf(stderr, "otlp send: %s\n", sdk.error().message.c_str());
    return 2;
  }

  // Progress on a terminal only: pipes and files get the final line alone.
  std::atomic<std::uint64_t> recorded{0};
  std::mutex progress_mutex;
  std::condition_variable progress_stop;
  bool finished = false;
  std::thread progress;
  if (isatty(STDERR_FILENO)) {
    progress = std::thread([&] {
      std::unique_lock<std::mutex> lock(progress_mutex);
      while (!progress_stop.wait_for(lock, std::chrono::milliseconds(500), [&] { return finished; })) {
        const Stats s = sdk->stats(signal);
        std::fprintf(stderr, "\rotlp send: %llu/%llu recorded, %llu exported, %llu retries   ",
                     static_cast<unsigned long long>(recorded.load()), static_cast<unsigned long long>(count),
                     static_cast<unsigned long long>(s.exported), static_cast<unsigned long long>(s.retries));
      }
      std::fputs("\n", stderr);
    });
  }

  const auto t0 = std::chrono::steady_clock::now();
  run_load(*sdk, {count, static_cast<unsigned>(workers), static_cast<double>(rate), seed, &recorded, signal});
  // Every batch may take the whole export timeout (retries included), one after another.
  const std::uint64_t queued_batches = (sent.pipeline.max_queue_size + batch - 1) / batch + 1;
  const native::ShutdownReport report = sdk->shutdown(queued_batches * sent.pipeline.export_timeout_ns);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (progress.joinable()) {
    {
      std::lock_guard<std::mutex> lock(progress_mutex);
      finished = true;
    }
    progress_stop.notify_all();
    progress.join();
  }

  // Counts in the signal's unit; the rate is named after it ("spans_per_s", "log_records_per_s",
  // "data_points_per_s"). Metrics send the data points their collections made of the requests.
  const Stats& s = report[signal].stats;
  const bool metrics = signal == Signal::metrics;
  const std::uint64_t sent_items = metrics ? s.ended : count;
  const Usage usage = process_usage();
  std::string rate_key(signal_info(signal).items);
  std::replace(rate_key.begin(), rate_key.end(), ' ', '_');
  rate_key += "_per_s";
  std::string line = "{\"signal\":";
  append_json_string(signal_info(signal).name, line);
  add_number(line, "sent", sent_items);
  if (metrics) add_number(line, "requests_recorded", count);
  add_number(line, "exported", s.exported);
  add_number(line, "dropped", s.dropped);
  add_number(line, "rejected", s.rejected);
  add_number(line, "failed", s.failed + s.queued);
  add_number(line, "retries", s.retries);
  add_number(line, "requests", s.requests);
  add_number(line, "bytes", s.bytes_sent);
  add_number(line, "elapsed_s", elapsed, 3);
  add_number(line, rate_key.c_str(), elapsed > 0 ? static_cast<double>(s.exported) / elapsed : 0.0, 0);
  add_number(line, "cpu_s", usage.cpu_s, 3);
  add_number(line, "max_rss_kb", static_cast<std::uint64_t>(usage.max_rss_kb));
  if (!s.last_error.empty()) {
    line += ",\"last_error\":";
    append_json_string(s.last_error, line);
  }
  line += "}\n";
  std::fputs(line.c_str(), stdout);
  std::fflush(stdout);
  return s.exported == sent_items && sent_items > 0 ? 0 : 1;
}

}  // namespace otlp::cli
