#include "cli/demo_rows.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "cli/load.hpp"
#include "http_transport.hpp"
#include "otlp/json/json.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/workload/workload.hpp"

namespace otlp::cli {
namespace {

constexpr DemoRow kRows[] = {
    {"gRPC", native::Protocol::grpc, false},
    {"gRPC+gzip", native::Protocol::grpc, true},
    {"HTTP/protobuf", native::Protocol::http_protobuf, false},
    {"HTTP/protobuf+gzip", native::Protocol::http_protobuf, true},
    {"HTTP/JSON", native::Protocol::http_json, false},
};

// CPU time of the process (threads that exited included) or of one of its threads, in ns.
// The receiver shares the process, so the sender's share is the process's minus the receiver
// threads'.
std::uint64_t process_cpu_ns() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<std::uint64_t>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1000u;
}

std::uint64_t thread_cpu_ns(const std::string& tid) {
  std::uint64_t ns = 0;
  std::ifstream sched("/proc/self/task/" + tid + "/schedstat");
  sched >> ns;  // the first field: nanoseconds on a CPU
  return ns;
}

std::uint64_t threads_cpu_ns(const std::set<std::string>& tids) {
  std::uint64_t total = 0;
  for (const auto& tid : tids) total += thread_cpu_ns(tid);
  return total;
}

}  // namespace

std::span<const DemoRow> demo_rows() { return kRows; }

double gzip_ratio(const TraceRequest& request, native::Protocol protocol) {
  std::string body, packed;
  if (protocol == native::Protocol::http_json) {
    encode_trace_request_json(request, body);
  } else {
    encode_trace_request(request, body);
  }
  if (body.empty() || !native::gzip_compress(body, packed)) return 1;
  return static_cast<double>(packed.size()) / static_cast<double>(body.size());
}

std::optional<std::string> endpoint_for(native::Protocol protocol, const native::Receiver& receiver, Signal signal) {
  if (!native::transport_available(protocol)) return std::nullopt;
  if (protocol == native::Protocol::grpc) {
    const int port = receiver.grpc_port();
    if (port <= 0) return std::nullopt;
    return "http://127.0.0.1:" + std::to_string(port);
  }
  if (receiver.port() < 0) return std::nullopt;
  return "http://127.0.0.1:" + std::to_string(receiver.port()) + std::string(signal_info(signal).http_path);
}

std::set<std::string> thread_ids() {
  std::set<std::string> ids;
  if (DIR* d = opendir("/proc/self/task")) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') ids.insert(e->d_name);
    closedir(d);
  }
  return ids;
}

RowResult run_row(const DemoRow& row, const std::optional<std::string>& endpoint,
                  const std::set<std::string>& excluded_threads, const RowLoad& load) {
  RowResult r;
  native::Options o;
  use_load_defaults(o, load.batch, load.signal);
  native::OtlpOptions& otlp = native::signal_options(o, load.signal).otlp;
  otlp.protocol = row.protocol;
  otlp.gzip = row.gzip;
  if (endpoint) otlp.endpoint = *endpoint;
  if (load.configure) load.configure(o);
  auto sdk = native::start(o);
  if (!sdk) {
    r.error = sdk.error().message;
    return r;
  }
  if (!endpoint) {
    r.error = "the receiver has no listener for it in this build";
    return r;
  }
  const std::uint64_t before_arrived = load.arrived();
  const std::uint64_t before = process_cpu_ns() - threads_cpu_ns(excluded_threads);
  const auto t0 = std::chrono::steady_clock::now();
  load.record(*sdk);
  const native::SignalReport report = sdk->shutdown(60'000'000'000)[load.signal];
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.sender_cpu_ns = process_cpu_ns() - threads_cpu_ns(excluded_threads) - before;
  r.ended = report.stats.ended;
  r.exported = report.stats.exported;
  r.arrived = load.arrived() - before_arrived;
  r.latency = report.stats.export_latency;
  r.p50_ms = r.latency.quantile_ms(0.5);
  r.p95_ms = r.latency.quantile_ms(0.95);
  r.p99_ms = r.latency.quantile_ms(0.99);
  r.body_bytes = report.stats.bytes_sent;
  // The transports keep no count of compressed bytes, so a gzip row's wire size is its body
  // bytes times the ratio gzip achieves on one of its requests (or, without a sample, on one
  // standard batch: batches of standard spans differ only in their random ids). Header bytes
  // are not counted.
  r.wire_bytes = static_cast<double>(r.body_bytes);
  if (row.gzip) {
    std::optional<TraceRequest> sample = load.gzip_sample ? load.gzip_sample() : std::nullopt;
    if (!sample) sample = workload::standard_request(load.batch, 1);
    r.wire_bytes *= gzip_ratio(*sample, row.protocol);
  }
  if (!report.stats.last_error.empty() && report.not_exported) r.error = report.stats.last_error;
  return r;
}

}  // namespace otlp::cli
