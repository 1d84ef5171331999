// `otlp receive`: an OTLP/gRPC and OTLP/HTTP receiver of every signal until SIGINT/SIGTERM; spans,
// log records and metric data points go to --out as JSON lines, one per item with all it carries
// (transcode_record_lines; whole lines only: line_file.hpp). Without --out requests are only
// checked and counted.
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <ctime>
#include <iterator>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/line_file.hpp"
#include "otlp/json/json.hpp"
#include "receiver.hpp"

namespace otlp::cli {
namespace {

// "HOST:PORT" (HOST may be "[v6]"), or "off" (port -1: no such listener); false on a malformed
// value.
bool split_host_port(const std::string& s, std::string* host, int* port) {
  if (s == "off") {
    *port = -1;
    return true;
  }
  const auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) return false;
  std::string h = s.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  long p = 0;
  for (char c : s.substr(colon + 1)) {
    if (c < '0' || c > '9') return false;
    p = p * 10 + (c - '0');
    if (p > 65535) return false;
  }
  *host = h;
  *port = static_cast<int>(p);
  return true;
}

// "N requests, N spans, N log records, N data points, N bytes, N errors" for the live summary.
std::string live(std::uint64_t requests, std::uint64_t spans, std::uint64_t log_records, std::uint64_t data_points,
                 std::uint64_t bytes, std::uint64_t errors) {
  return std::to_string(requests) + " requests, " + std::to_string(spans) + " spans, " + std::to_string(log_records) +
         " log records, " + std::to_string(data_points) + " data points, " + std::to_string(bytes) + " bytes, " +
         std::to_string(errors) + " errors";
}

// Collects repeated `--cors-origin O` (Args keeps only the last value of a flag).
std::vector<std::string> take_repeated(std::vector<std::string>& argv, const std::string& flag) {
  std::vector<std::string> values, rest;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] == flag && i + 1 < argv.size()) {
      values.push_back(argv[++i]);
    } else {
      rest.push_back(argv[i]);
    }
  }
  argv.swap(rest);
  return values;
}

// Each open connection is a descriptor: take all the process may have (the hard limit), so that
// a thousand idle or slow clients do not starve the ones that matter.
void raise_open_files_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

int receive_command(const std::vector<std::string>& argv_in) {
  std::vector<std::string> argv = argv_in;
  native::ReceiverOptions options;
  options.cors_origins = take_repeated(argv, "--cors-origin");
  Args args(argv,
            {"--http", "--grpc", "--out", "--token", "--max-body-mib", "--tls-cert", "--tls-key", "--client-ca",
             "--max-connections", "--header-timeout", "--request-timeout", "--idle-timeout"},
            {});
  std::string err = args.error();
  std::uint64_t mib = 64, connections = 0, header_s = 0, request_s = 0, idle_s = 0;
  const native::ReceiverOptions defaults;
  if (err.empty() && args.get_uint("--max-body-mib", 64, 1, 4096, &mib, &err) &&
      args.get_uint("--max-connections", defaults.max_connections, 1, 1'000'000, &connections, &err) &&
      args.get_uint("--header-timeout", defaults.header_timeout_ms / 1000, 1, 3600, &header_s, &err) &&
      args.get_uint("--request-timeout", defaults.request_timeout_ms / 1000, 1, 3600, &request_s, &err)) {
    args.get_uint("--idle-timeout", defaults.idle_timeout_ms / 1000, 1, 3600, &idle_s, &err);
  }
  // No listener named: both on their defaults. Naming one (say --http for a browser test) serves
  // only that one unless the other is named too, so such runs never contend for 4317 or 4318.
  const bool named = args.has("--http") || args.has("--grpc");
  const std::string http = args.get("--http", named ? "off" : "127.0.0.1:4318");
  if (err.empty() && !split_host_port(http, &options.host, &options.port))
    err = "option '--http' expects HOST:PORT or off, got '" + http + "'";
  const std::string grpc = args.get("--grpc", named ? "off" : "127.0.0.1:4317");
  if (err.empty() && !split_host_port(grpc, &options.grpc_host, &options.grpc_port))
    err = "option '--grpc' expects HOST:PORT or off, got '" + grpc + "'";
  if (err.empty() && options.port < 0 && options.grpc_port < 0) err = "'--grpc off' and '--http off': nothing to listen on";
  options.tls_cert_file = args.get("--tls-cert", "");
  options.tls_key_file = args.get("--tls-key", "");
  options.client_ca_file = args.get("--client-ca", "");
  if (err.empty() && options.tls_cert_file.empty() != options.tls_key_file.empty())
    err = "options '--tls-cert' and '--tls-key' go together";
  if (err.empty() && !options.client_ca_file.empty() && options.tls_cert_file.empty())
    err = "option '--client-ca' needs '--tls-cert' and '--tls-key'";
  if (!err.empty()) {
    std::fprintf(stderr, "otlp receive: %s\n", err.c_str());
    return 2;
  }
  options.max_body_bytes = static_cast<std::size_t>(mib) << 20;
  options.max_connections = static_cast<std::size_t>(connections);
  options.header_timeout_ms = static_cast<int>(header_s * 1000);
  options.request_timeout_ms = static_cast<int>(request_s * 1000);
  options.idle_timeout_ms = static_cast<int>(idle_s * 1000);
  raise_open_files_limit();
  keep_freed_memory();
  options.bearer_token = args.get("--token", "");

  LineFile out;
  const std::string out_path = args.get("--out", "");
  if (out_path == "-") {
    out.use_stdout();
  } else if (!out_path.empty()) {
    std::uint64_t cut = 0;
    if (!out.open(out_path, err, cut)) {
      std::fprintf(stderr, "otlp receive: '%s': %s\n", out_path.c_str(), err.c_str());
      return 1;
    }
    if (cut > 0)
      std::fprintf(stderr,
                   "otlp receive: '%s' ended inside a line (a receiver stopped while writing it): cut the last %llu "
                   "bytes, back to its last whole line\n",
                   out_path.c_str(), static_cast<unsigned long long>(cut));
  }

  // Block the signals in every thread (the receiver's inherit the mask); sigtimedwait takes them.
  const sigset_t signals = block_stop_signals();

  bool write_failed = false;
  native::Receiver::RequestCallback write;
  if (out.is_open()) {
    write = [&](const native::Receiver::Delivery& d) {
      // The request was checked: the lines cannot fail to transcode.
      transcode_record_lines(d.signal, d.protobuf, d.rejected, [&](std::string_view lines) {
        std::string why;
        if (!write_failed && !out.append(lines, why)) {
          write_failed = true;
          std::fprintf(stderr, "otlp receive: writing '%s': %s; no more records are written\n", out_path.c_str(),
                       why.c_str());
        }
      });
    };
  }
  native::Receiver receiver(options, write);
  if (!receiver.start(&err)) {
    std::fprintf(stderr, "otlp receive: %s\n", err.c_str());
    return 1;
  }
  const bool tls = !options.tls_cert_file.empty();
  // One line per listener, "listening on" then the address first: scripts read the port from it.
  const char* security = tls ? (options.client_ca_file.empty() ? " over TLS" : " over mTLS") : "";
  if (options.grpc_port >= 0)
    std::fprintf(stderr, "otlp receive: listening on %s:%d for OTLP/gRPC%s\n", options.grpc_host.c_str(),
                 receiver.grpc_port(), security);
  // The first signal's URL, as before the others were served (scripts read it), then the others' paths.
  if (options.port >= 0) {
    std::string others;
    for (std::size_t i = 1; i < std::size(kSignals); ++i)
      others += " (" + std::string(kSignals[i].name) + " on " + std::string(kSignals[i].http_path) + ")";
    std::fprintf(stderr, "otlp receive: listening on %s://%s:%d%s for OTLP/HTTP%s%s\n", tls ? "https" : "http",
                 options.host.c_str(), receiver.port(), std::string(kSignals[0].http_path).c_str(), security,
                 others.c_str());
  }

  const bool grpc_on = options.grpc_port >= 0, http_on = options.port >= 0;
  native::ReceiverStats last;
  bool printed = false;
  int sig = 0;
  for (;;) {
    const timespec one_second{1, 0};
    sig = sigtimedwait(&signals, nullptr, &one_second);
    if (sig == SIGINT || sig == SIGTERM) break;
    const native::ReceiverStats s = receiver.stats();
    if (s.requests == last.requests && s.bytes == last.bytes && s.preflights == last.preflights &&
        s.grpc.requests == last.grpc.requests && s.grpc.bytes == last.grpc.bytes)
      continue;
    std::string line = "\rotlp receive:";
    if (grpc_on)
      line += " gRPC " + live(s.grpc.requests, s.grpc.spans, s.grpc.log_records, s.grpc.data_points, s.grpc.bytes, s.grpc.errors());
    if (grpc_on && http_on) line += " |";
    if (http_on) line += " HTTP " + live(s.requests, s.spans, s.log_records, s.data_points, s.bytes, s.errors());
    std::fputs((line + "   ").c_str(), stderr);
    printed = true;
    last = s;
  }
  receiver.stop();
  const native::ReceiverStats s = receiver.stats();
  // The first line keeps the wording of the HTTP-only receiver ("stopped by SIGTERM after N
  // requests (N accepted), N spans, ..."), which scripts and tests read.
  const char* by = sig == SIGINT ? "SIGINT" : "SIGTERM";
  if (http_on) {
    std::fprintf(stderr,
                 "%sotlp receive: stopped by %s after %llu requests (%llu accepted), %llu spans, %llu log records, %llu "
                 "data points, %llu bytes over HTTP; "
                 "errors: %llu bad request, %llu unauthorized, %llu too large, %llu unsupported; refused: %llu "
                 "headers too large, %llu timed out, %llu connections over the limit\n",
                 printed ? "\n" : "", by, static_cast<unsigned long long>(s.requests),
                 static_cast<unsigned long long>(s.accepted_requests), static_cast<unsigned long long>(s.spans),
                 static_cast<unsigned long long>(s.log_records), static_cast<unsigned long long>(s.data_points),
                 static_cast<unsigned long long>(s.bytes),
                 static_cast<unsigned long long>(s.bad_request),
                 static_cast<unsigned long long>(s.unauthorized), static_cast<unsigned long long>(s.too_large),
                 static_cast<unsigned long long>(s.unsupported), static_cast<unsigned long long>(s.header_too_large),
                 static_cast<unsigned long long>(s.timed_out), static_cast<unsigned long long>(s.refused_connections));
  } else {
    std::fprintf(stderr, "%sotlp receive: stopped by %s\n", printed ? "\n" : "", by);
  }
  if (grpc_on) {
    const auto& g = s.grpc;
    std::fprintf(stderr,
                 "otlp receive: and %llu requests (%llu accepted), %llu spans, %llu log records, %llu data points, %llu "
                 "bytes over gRPC; "
                 "errors: %llu "
                 "invalid argument, %llu unauthenticated, %llu unimplemented, %llu resource exhausted, %llu unread\n",
                 static_cast<unsigned long long>(g.requests), static_cast<unsigned long long>(g.accepted_requests),
                 static_cast<unsigned long long>(g.spans), static_cast<unsigned long long>(g.log_records),
                 static_cast<unsigned long long>(g.data_points),
                 static_cast<unsigned long long>(g.bytes),
                 static_cast<unsigned long long>(g.invalid_argument),
                 static_cast<unsigned long long>(g.unauthenticated), static_cast<unsigned long long>(g.unimplemented),
                 static_cast<unsigned long long>(g.resource_exhausted), static_cast<unsigned long long>(g.unread));
  }
  return write_failed ? 1 : 0;
}

}  // namespace otlp::cli
