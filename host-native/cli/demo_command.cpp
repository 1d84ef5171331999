// `otlp demo`: the receiver in-process on loopback, the same standard workload sent through
// every transport this build has, and a table of what each one costs.
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/load.hpp"
#include "http_transport.hpp"
#include "otlp/json.hpp"
#include "otlp/proto_writer.hpp"
#include "otlp/workload.hpp"
#include "receiver.hpp"
#include "sdk.hpp"

namespace otlp::cli {
namespace {

// The rows of the table. Adding a transport is adding a line here (and, for a new protocol, a
// case in endpoint_for).
struct Row {
  const char* label;
  native::Protocol protocol;
  bool gzip;
};
constexpr Row kRows[] = {
    {"gRPC", native::Protocol::grpc, false},
    {"gRPC+gzip", native::Protocol::grpc, true},
    {"HTTP/protobuf", native::Protocol::http_protobuf, false},
    {"HTTP/protobuf+gzip", native::Protocol::http_protobuf, true},
    {"HTTP/JSON", native::Protocol::http_json, false},
};

// Where the in-process receiver listens for `protocol`; nullopt when it has no such listener.
std::optional<std::string> endpoint_for(native::Protocol protocol, const native::Receiver& receiver) {
  if (protocol == native::Protocol::grpc) {
    if (receiver.grpc_port() <= 0) return std::nullopt;
    return "http://127.0.0.1:" + std::to_string(receiver.grpc_port());
  }
  return "http://127.0.0.1:" + std::to_string(receiver.port()) + "/v1/traces";
}

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

std::set<std::string> thread_ids() {
  std::set<std::string> ids;
  if (DIR* d = opendir("/proc/self/task")) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') ids.insert(e->d_name);
    closedir(d);
  }
  return ids;
}

std::uint64_t threads_cpu_ns(const std::set<std::string>& tids) {
  std::uint64_t total = 0;
  for (const auto& tid : tids) total += thread_cpu_ns(tid);
  return total;
}

// The transports keep no count of compressed bytes, so a gzip row's wire size is its body
// bytes times the ratio gzip achieves on one standard batch in the same encoding (batches
// differ only in their random ids). Header bytes are not counted.
double gzip_ratio(native::Protocol protocol, std::uint32_t batch) {
  const TraceRequest request = workload::standard_request(batch, 1);
  std::string body, packed;
  if (protocol == native::Protocol::http_json) {
    encode_trace_request_json(request, body);
  } else {
    encode_trace_request(request, body);
  }
  if (!native::gzip_compress(body, packed) || body.empty()) return 1;
  return static_cast<double>(packed.size()) / static_cast<double>(body.size());
}

struct RowResult {
  std::string error;  // non-empty: the row could not run
  std::uint64_t exported = 0, arrived = 0;
  double seconds = 0;
  std::uint64_t sender_cpu_ns = 0;
  double p50_ms = 0, p99_ms = 0;
  std::uint64_t body_bytes = 0;
};

RowResult run_row(const Row& row, native::Receiver& receiver, const std::set<std::string>& receiver_tids,
               std::uint64_t spans, unsigned workers, std::uint32_t batch) {
  RowResult r;
  const auto endpoint = endpoint_for(row.protocol, receiver);
  native::Options o;
  use_load_defaults(o, batch);
  o.protocol = row.protocol;
  o.gzip = row.gzip;
  if (endpoint) o.endpoint = *endpoint;
  auto sdk = native::start(o);
  if (!sdk) {
    r.error = sdk.error().message;
    return r;
  }
  if (!endpoint) {
    r.error = "the receiver has no listener for it in this build";
    return r;
  }
  const std::uint64_t before_spans = receiver.stats().total_spans();
  const std::uint64_t before = process_cpu_ns() - threads_cpu_ns(receiver_tids);
  const auto t0 = std::chrono::steady_clock::now();
  run_load(*sdk, {spans, workers, 0, 1, nullptr});
  const native::ShutdownReport report = sdk->shutdown(60'000'000'000);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.sender_cpu_ns = process_cpu_ns() - threads_cpu_ns(receiver_tids) - before;
  r.exported = report.stats.exported;
  r.arrived = receiver.stats().total_spans() - before_spans;
  r.p50_ms = report.stats.export_latency.quantile_ms(0.5);
  r.p99_ms = report.stats.export_latency.quantile_ms(0.99);
  r.body_bytes = report.stats.bytes_sent;
  if (!report.stats.last_error.empty() && report.not_exported) r.error = report.stats.last_error;
  return r;
}

std::string pad(std::string s, std::size_t width, bool right = true) {
  if (s.size() >= width) return s;
  return right ? std::string(width - s.size(), ' ') + s : s + std::string(width - s.size(), ' ');
}

// 1234567 -> "1,234,567" (built forwards: g++ 12 warns falsely about string::insert here).
std::string grouped(double v) {
  const std::string digits = std::to_string(static_cast<std::uint64_t>(v + 0.5));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

int demo_command(const std::vector<std::string>& argv) {
  Args args(argv, {"--spans", "--workers", "--batch"}, {});
  std::string err = args.error();
  std::uint64_t spans = 0, workers = 1, batch = 512;
  if (err.empty() && args.get_uint("--spans", 200'000, 1, 100'000'000, &spans, &err) &&
      args.get_uint("--workers", 1, 1, 64, &workers, &err))
    args.get_uint("--batch", 512, 1, 100'000, &batch, &err);
  if (!err.empty()) {
    std::fprintf(stderr, "otlp demo: %s\n", err.c_str());
    return 2;
  }

  native::ReceiverOptions ro;
  ro.host = "127.0.0.1";
  ro.port = 0;
  ro.grpc_host = "127.0.0.1";
  ro.grpc_port = 0;
  native::Receiver receiver(ro, [](const TraceRequest&) {});
  if (!receiver.start(&err)) {
    std::fprintf(stderr, "otlp demo: %s\n", err.c_str());
    return 1;
  }
  // A warm-up run starts the receiver's threads (cpp-httplib makes its pool on the first
  // listen); the threads alive after it, but for this one, are the receiver's.
  run_row(kRows[2], receiver, {}, batch, 1, static_cast<std::uint32_t>(batch));
  std::set<std::string> receiver_tids = thread_ids();
  receiver_tids.erase(std::to_string(gettid()));

  std::printf("otlp demo: %llu standard spans per transport (batches of %llu, %llu sender thread%s), receiver "
              "in-process on 127.0.0.1:%d\n\n",
              static_cast<unsigned long long>(spans), static_cast<unsigned long long>(batch),
              static_cast<unsigned long long>(workers), workers == 1 ? "" : "s", receiver.port());
  std::printf("%s%s%s%s%s%s  %s\n", pad("transport", 20, false).c_str(), pad("spans/s", 11).c_str(),
              pad("bytes/span", 12).c_str(), pad("p50 ms", 8).c_str(), pad("p99 ms", 8).c_str(),
              pad("CPU us/span", 13).c_str(), "all arrived");
  std::fflush(stdout);
  bool all_ok = true;
  for (const Row& row : kRows) {
    const RowResult r = run_row(row, receiver, receiver_tids, spans, static_cast<unsigned>(workers),
                             static_cast<std::uint32_t>(batch));
    std::string line = pad(row.label, 20, false);
    if (r.seconds == 0) {
      line += "  not run: " + r.error;
    } else {
      const bool complete = r.exported == spans && r.arrived == spans;
      all_ok = all_ok && complete;
      const double n = static_cast<double>(spans);
      line += pad(grouped(static_cast<double>(r.exported) / r.seconds), 11);
      const double ratio = row.gzip ? gzip_ratio(row.protocol, static_cast<std::uint32_t>(batch)) : 1.0;
      line += pad((row.gzip ? "~" : "") + fixed(static_cast<double>(r.body_bytes) * ratio / n, 1), 12);
      line += pad("<=" + fixed(r.p50_ms, 0), 8) + pad("<=" + fixed(r.p99_ms, 0), 8);
      line += pad(fixed(static_cast<double>(r.sender_cpu_ns) / 1e3 / n, 2), 13);
      line += "  " + std::string(complete ? "yes" : "NO") + " (" + std::to_string(r.arrived) + "/" +
              std::to_string(spans) + ")";
      if (!complete && !r.error.empty()) line += " " + r.error;
    }
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }
  std::printf(
      "\nbytes/span: request body bytes sent per span (retries included); ~: gzip rows, body bytes times the "
      "ratio gzip\nachieves on one standard batch in the same encoding.\np50/p99: export latency from first send to final answer, as the upper bound of the pipeline's "
      "histogram bucket.\nCPU us/span: the sender's CPU time (recording, encoding, compression, I/O; the "
      "receiver's threads excluded) per span.\n");
  receiver.stop();
  return all_ok ? 0 : 1;
}

}  // namespace otlp::cli
