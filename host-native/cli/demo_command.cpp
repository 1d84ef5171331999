// `otlp demo`: the receiver in-process on loopback, the same standard workload sent through
// every transport this build has (the standard log records through gRPC and HTTP/protobuf), and
// a table of what each one costs.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/demo_rows.hpp"
#include "cli/demo_web.hpp"
#include "cli/load.hpp"
#include "receiver.hpp"

namespace otlp::cli {
namespace {

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
  if (std::find(argv.begin(), argv.end(), "--web") != argv.end()) return demo_web_command(argv);
  Args args(argv, {"--spans", "--workers", "--batch"}, {});
  std::string err = args.error();
  // --spans: the spans per transport, and as many log records per logs row.
  std::uint64_t count = 0, workers = 1, batch = 512;
  if (err.empty() && args.get_uint("--spans", 200'000, 1, 100'000'000, &count, &err) &&
      args.get_uint("--workers", 1, 1, 64, &workers, &err))
    args.get_uint("--batch", 512, 1, 100'000, &batch, &err);
  if (!err.empty()) {
    std::fprintf(stderr, "otlp demo: %s\n", err.c_str());
    return 2;
  }

  keep_freed_memory();
  native::ReceiverOptions ro;
  ro.host = "127.0.0.1";
  ro.port = 0;
  ro.grpc_host = "127.0.0.1";
  ro.grpc_port = 0;
  native::Receiver receiver(ro);  // nothing to write: requests are only validated and counted
  if (!receiver.start(&err)) {
    std::fprintf(stderr, "otlp demo: %s\n", err.c_str());
    return 1;
  }
  // A warm-up run lets the receiver start any thread it makes on demand; the threads alive after
  // it, but for this one, are the receiver's.
  auto load_of = [&](Signal signal, std::uint64_t n) {
    RowLoad load;
    load.signal = signal;
    load.count = n;
    load.batch = static_cast<std::uint32_t>(batch);
    load.record = [signal, n, &workers](native::Sdk& sdk) {
      run_load(sdk, {n, static_cast<unsigned>(workers), 0, 1, nullptr, signal});
    };
    load.arrived = [signal, &receiver] {
      const native::ReceiverStats s = receiver.stats();
      return signal == Signal::traces ? s.total_spans() : s.total_log_records();
    };
    return load;
  };
  const DemoRow& warm_up = demo_rows()[2];  // HTTP/protobuf
  run_row(warm_up, endpoint_for(warm_up.protocol, receiver), {}, load_of(Signal::traces, batch));
  std::set<std::string> receiver_tids = thread_ids();
  receiver_tids.erase(std::to_string(gettid()));

  std::printf("otlp demo: %llu standard spans per transport, as many standard log records over gRPC and "
              "HTTP/protobuf (batches of %llu, %llu sender thread%s), receiver in-process on 127.0.0.1:%d\n",
              static_cast<unsigned long long>(count),
              static_cast<unsigned long long>(batch), static_cast<unsigned long long>(workers),
              workers == 1 ? "" : "s", receiver.port());
  bool all_ok = true;
  // Spans through every transport; log records through the plain gRPC and HTTP/protobuf rows
  // only, to keep the table short.
  for (const Signal signal : {Signal::traces, Signal::logs}) {
    const char* unit = signal == Signal::traces ? "span" : "record";
    std::printf("\n%s%s%s%s%s%s  %s\n", pad(signal == Signal::traces ? "spans" : "log records", 20, false).c_str(),
                pad(std::string(unit) + "s/s", 12).c_str(), pad(std::string("bytes/") + unit, 14).c_str(),
                pad("p50 ms", 8).c_str(), pad("p99 ms", 8).c_str(), pad(std::string("CPU us/") + unit, 15).c_str(),
                "all arrived");
    std::fflush(stdout);
    for (const DemoRow& row : demo_rows()) {
      if (signal == Signal::logs && (row.gzip || row.protocol == native::Protocol::http_json)) continue;
      const RowResult r = run_row(row, endpoint_for(row.protocol, receiver, signal), receiver_tids, load_of(signal, count));
      std::string line = pad(row.label, 20, false);
      if (r.seconds == 0) {
        line += "  not run: " + r.error;
      } else {
        const bool complete = r.exported == count && r.arrived == count;
        all_ok = all_ok && complete;
        const double n = static_cast<double>(count);
        line += pad(grouped(static_cast<double>(r.exported) / r.seconds), 12);
        line += pad((row.gzip ? "~" : "") + fixed(r.wire_bytes / n, 1), 14);
        line += pad("<=" + fixed(r.p50_ms, 0), 8) + pad("<=" + fixed(r.p99_ms, 0), 8);
        line += pad(fixed(static_cast<double>(r.sender_cpu_ns) / 1e3 / n, 2), 15);
        line += "  " + std::string(complete ? "yes" : "NO") + " (" + std::to_string(r.arrived) + "/" +
                std::to_string(count) + ")";
        if (!complete && !r.error.empty()) line += " " + r.error;
      }
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    }
  }
  std::printf(
      "\nbytes/span, bytes/record: request body bytes sent per item (retries included); ~: gzip rows, body bytes "
      "times the ratio gzip\nachieves on one standard batch in the same encoding.\np50/p99: export latency from "
      "first send to final answer, as the upper bound of the pipeline's histogram bucket.\nCPU us/span, "
      "us/record: the sender's CPU time (recording, encoding, compression, I/O; the receiver's threads excluded) "
      "per item.\n");
  receiver.stop();
  return all_ok ? 0 : 1;
}

}  // namespace otlp::cli
