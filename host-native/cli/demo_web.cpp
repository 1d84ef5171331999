// `otlp demo --web`: the OTLP receiver on loopback, plus a small web server (cpp-httplib) for
// the demo page (web-demo/), the WASM module (build/wasm/dist/) and the page's JSON API:
//   GET  /api/config            the receiver's ports and which native rows this build can run
//   POST /api/native?run=&spans=&attributes=&batch=&ratio=
//                               runs the native exporters on the page's workload, one row each
//   GET  /api/counts?run=       spans the receiver got for one run, by transport, and what it
//                               got in all per signal ("received": spans, logRecords)
//   GET  /api/traces?limit=     the last traces the receiver got (the live panel)
//   GET  /api/logs?limit=       the last log records the receiver got (the live panel)
// Every span the demo sends carries the resource attributes demo.run and demo.transport, which
// the Tally (demo_tally.hpp) counts in the receiver's callback. Log records are counted by the
// receiver per signal: the page, which sends one transport's records at a time, takes the
// difference of logRecords across its send.
#include "cli/demo_web.hpp"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/demo_rows.hpp"
#include "cli/demo_tally.hpp"
#include "cli/demo_workload.hpp"
#include "cli/load.hpp"
#include "receiver.hpp"

#ifndef OTLP_WEB_DEMO_DIR
#define OTLP_WEB_DEMO_DIR "web-demo"
#endif
#ifndef OTLP_WASM_DIST_DIR
#define OTLP_WASM_DIST_DIR "build/wasm/dist"
#endif

namespace otlp::cli {
namespace {

// The native rows the page asks for: the browser rows already cover HTTP+gzip and JSON.
constexpr const char* kNativeLabels[] = {"gRPC", "gRPC+gzip", "HTTP/protobuf"};

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

bool file_exists(const std::string& path) { return std::ifstream(path).good(); }

// A port on loopback where nothing will ever answer: bound, never listening, so connecting is
// refused at once (--no-receiver, for the page's receiver-down error).
int dead_port(int* fd_out) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  *fd_out = fd;
  return ntohs(a.sin_port);
}

struct NativeRequest {
  std::string run;
  std::uint64_t spans = 0, attributes = 0, batch = 0;
  double ratio = 1;
};

// Parses the query of POST /api/native; the error names the parameter.
bool parse_native(const httplib::Request& req, NativeRequest& out, std::string& err) {
  out.run = req.get_param_value("run");
  if (out.run.empty() || out.run.size() > 64) {
    err = "parameter 'run' must be 1 to 64 characters";
    return false;
  }
  const auto uint_param = [&](const char* name, std::uint64_t min, std::uint64_t max, std::uint64_t& v) {
    const std::string s = req.get_param_value(name);
    char* end = nullptr;
    const unsigned long long parsed = s.empty() ? 0 : std::strtoull(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || s[0] == '-' || parsed < min || parsed > max) {
      err = std::string("parameter '") + name + "' must be an integer in [" + std::to_string(min) + ", " +
            std::to_string(max) + "], got '" + s + "'";
      return false;
    }
    v = parsed;
    return true;
  };
  if (!uint_param("spans", 1, 1'000'000, out.spans) || !uint_param("attributes", 0, 64, out.attributes) ||
      !uint_param("batch", 1, 10'000, out.batch))
    return false;
  const std::string r = req.get_param_value("ratio");
  char* end = nullptr;
  out.ratio = r.empty() ? -1 : std::strtod(r.c_str(), &end);
  if (r.empty() || *end != '\0' || !(out.ratio >= 0 && out.ratio <= 1)) {
    err = "parameter 'ratio' must be a number in [0, 1], got '" + r + "'";
    return false;
  }
  return true;
}

std::string row_json(const std::string& transport, const RowResult& r, std::uint64_t spans, bool gzip) {
  std::string out = "{\"transport\":" + json_string(transport) + ",\"error\":" + json_string(r.error) +
                    ",\"ran\":" + (r.seconds > 0 ? "true" : "false") + ",\"sent\":" + std::to_string(r.ended) +
                    ",\"exported\":" + std::to_string(r.exported) + ",\"arrived\":" + std::to_string(r.arrived) +
                    ",\"seconds\":" + json_number(r.seconds);
  if (r.seconds > 0) {
    const double n = static_cast<double>(spans);
    out += ",\"spansPerSec\":" + json_number(static_cast<double>(r.exported) / r.seconds);
    out += ",\"bytesPerSpan\":" + json_number(r.exported ? r.wire_bytes / static_cast<double>(r.exported) : 0);
    out += std::string(",\"bytesEstimated\":") + (gzip ? "true" : "false");
    out += ",\"p50\":" + json_number(r.p50_ms) + ",\"p95\":" + json_number(r.p95_ms) + ",\"p99\":" + json_number(r.p99_ms);
    out += ",\"cpuUsPerSpan\":" + json_number(static_cast<double>(r.sender_cpu_ns) / 1e3 / n);
    out += ",\"latencyCounts\":[";
    for (std::size_t i = 0; i < LatencyHistogram::kBuckets; ++i)
      out += (i ? "," : "") + std::to_string(r.latency.counts[i]);
    out += "]";
  }
  return out + "}";
}

struct WebOptions {
  std::string host = "127.0.0.1";
  std::uint64_t port = 8080;
  std::string assets = OTLP_WEB_DEMO_DIR, wasm_dist = OTLP_WASM_DIST_DIR;
  bool receiver = true;
};

}  // namespace

int demo_web_command(const std::vector<std::string>& argv) {
  Args args(argv, {"--port", "--host", "--assets", "--wasm-dist"}, {"--web", "--no-receiver"});
  std::string err = args.error();
  WebOptions o;
  if (err.empty()) args.get_uint("--port", 8080, 0, 65535, &o.port, &err);
  if (!err.empty()) {
    std::fprintf(stderr, "otlp demo --web: %s\n", err.c_str());
    return 2;
  }
  o.host = args.get("--host", o.host);
  o.assets = args.get("--assets", o.assets);
  o.wasm_dist = args.get("--wasm-dist", o.wasm_dist);
  o.receiver = !args.has("--no-receiver");
  if (!file_exists(o.assets + "/index.html")) {
    std::fprintf(stderr, "otlp demo --web: the demo page is not in %s (pass --assets DIR: the repository's web-demo/)\n",
                 o.assets.c_str());
    return 1;
  }
  // The page sends spans and log records as OTLP/protobuf (otlp-logs.wasm) and OTLP/JSON
  // (otlp-json.wasm); otlp.wasm is the spans-only module, served for pages that want it.
  if (!file_exists(o.wasm_dist + "/otlp.mjs") || !file_exists(o.wasm_dist + "/otlp-logs.mjs") ||
      !file_exists(o.wasm_dist + "/otlp.wasm") || !file_exists(o.wasm_dist + "/otlp-logs.wasm") ||
      !file_exists(o.wasm_dist + "/otlp-json.wasm")) {
    std::fprintf(stderr,
                 "otlp demo --web: the WASM module (otlp.mjs, otlp-logs.mjs, otlp.wasm, otlp-logs.wasm, otlp-json.wasm) is not in %s.\n"
                 "Build it with:  NODE_PATH=/usr/share/nodejs cmake --preset wasm && cmake --build --preset wasm "
                 "--target otlp_wasm_dist\n(bash scripts/demo does it for you), or pass --wasm-dist DIR.\n",
                 o.wasm_dist.c_str());
    return 1;
  }

  // Signals are taken by sigwait below; every thread started from here on inherits the mask.
  const sigset_t signals = block_stop_signals();

  httplib::Server web;
  const int web_port = o.port == 0 ? web.bind_to_any_port(o.host) : (web.bind_to_port(o.host, static_cast<int>(o.port)) ? static_cast<int>(o.port) : -1);
  if (web_port <= 0) {
    std::fprintf(stderr, "otlp demo --web: cannot listen on %s:%llu (in use? try --port 0)\n", o.host.c_str(),
                 static_cast<unsigned long long>(o.port));
    return 1;
  }
  const std::string shown_host = o.host == "0.0.0.0" ? "127.0.0.1" : o.host;

  // The receiver answers CORS for the page's origins: the ways a browser on this machine
  // names the page, and any origin when the page is served beyond loopback.
  Tally tally;
  native::ReceiverOptions ro;
  // Loopback, unless the page is served to other machines too (--host 0.0.0.0): their browsers
  // must reach the receiver as well. The native rows dial 127.0.0.1 either way.
  ro.host = o.host == "0.0.0.0" ? o.host : "127.0.0.1";
  ro.port = 0;
  ro.grpc_host = "127.0.0.1";
  ro.grpc_port = 0;
  for (const char* h : {"127.0.0.1", "localhost", "[::1]"}) ro.cors_origins.push_back("http://" + std::string(h) + ":" + std::to_string(web_port));
  ro.cors_origins.push_back("http://" + o.host + ":" + std::to_string(web_port));
  if (o.host == "0.0.0.0") ro.cors_origins = {"*"};
  // Every signal reaches the callback as checked protobuf; the demo never sets the receiver's
  // rejecting hook, so there are no rejected items to leave out.
  native::Receiver receiver(ro, [&tally](const native::Receiver::Delivery& d) {
    if (d.signal == Signal::logs) return tally.on_logs(d.protobuf);
    TraceRequest request;
    if (decode_trace_request(d.protobuf, request).ok()) tally.on_request(request);
  });
  int dead_fd = -1, receiver_port = -1;
  if (o.receiver) {
    if (!receiver.start(&err)) {
      std::fprintf(stderr, "otlp demo --web: receiver: %s\n", err.c_str());
      return 1;
    }
    receiver_port = receiver.port();
  } else {
    receiver_port = dead_port(&dead_fd);
  }
  const int grpc_port = o.receiver ? receiver.grpc_port() : -1;

  // The native rows this build can run, with the transport names their spans are tagged with.
  std::vector<const DemoRow*> native_rows;
  std::string missing = "[";
  for (const DemoRow& row : demo_rows()) {
    if (std::find_if(std::begin(kNativeLabels), std::end(kNativeLabels), [&](const char* l) { return row.label == std::string(l); }) ==
        std::end(kNativeLabels))
      continue;
    if (!o.receiver || endpoint_for(row.protocol, receiver)) {
      native_rows.push_back(&row);
    } else {
      missing += std::string(missing.size() > 1 ? "," : "") + json_string(row.label);
    }
  }
  missing += "]";

  const auto set_headers = [&](httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
                   "connect-src 'self' http://*:" + std::to_string(receiver_port) + "; base-uri 'none'; form-action 'none'");
  };
  const auto serve = [&](const std::string& path, const char* type) {
    return [&set_headers, path, type](const httplib::Request&, httplib::Response& res) {
      std::string body;
      set_headers(res);
      if (!read_file(path, body)) {
        res.status = 404;
        res.set_content("missing: " + path, "text/plain");
        return;
      }
      res.set_content(body, type);
    };
  };
  web.Get("/", serve(o.assets + "/index.html", "text/html; charset=utf-8"));
  web.Get("/otlp.mjs", serve(o.wasm_dist + "/otlp.mjs", "text/javascript"));
  web.Get("/otlp-logs.mjs", serve(o.wasm_dist + "/otlp-logs.mjs", "text/javascript"));  // the logs API
  web.Get("/otlp.wasm", serve(o.wasm_dist + "/otlp.wasm", "application/wasm"));
  web.Get("/otlp-json.wasm", serve(o.wasm_dist + "/otlp-json.wasm", "application/wasm"));
  web.Get("/otlp-logs.wasm", serve(o.wasm_dist + "/otlp-logs.wasm", "application/wasm"));
  for (const char* f : {"app.mjs", "charts.mjs", "workload.mjs"}) web.Get(std::string("/") + f, serve(o.assets + "/" + f, "text/javascript"));
  web.Get("/style.css", serve(o.assets + "/style.css", "text/css"));
  web.Get("/favicon.svg", serve(o.assets + "/favicon.svg", "image/svg+xml"));

  std::string config_head = "{\"receiver\":{\"port\":" + std::to_string(receiver_port) + ",\"path\":\"/v1/traces\"" +
                            ",\"logsPath\":\"/v1/logs\"}" +
                        ",\"grpcPort\":" + (grpc_port > 0 ? std::to_string(grpc_port) : "null") + ",\"native\":[";
  for (std::size_t i = 0; i < native_rows.size(); ++i)
    config_head += std::string(i ? "," : "") + json_string(std::string("native ") + native_rows[i]->label);
  const std::string config = config_head + "],\"nativeMissing\":" + missing + "}";
  web.Get("/api/config", [&](const httplib::Request&, httplib::Response& res) {
    set_headers(res);
    res.set_content(config, "application/json");
  });
  web.Get("/api/counts", [&](const httplib::Request& req, httplib::Response& res) {
    set_headers(res);
    const native::ReceiverStats s = receiver.stats();
    res.set_content(tally.counts_json(req.get_param_value("run"), s.total_spans(), s.total_log_records()),
                    "application/json");
  });
  web.Get("/api/traces", [&](const httplib::Request& req, httplib::Response& res) {
    set_headers(res);
    const std::string l = req.get_param_value("limit");
    const long limit = l.empty() ? 8 : std::strtol(l.c_str(), nullptr, 10);
    res.set_content(tally.traces_json(static_cast<std::size_t>(std::clamp(limit, 1L, 50L))), "application/json");
  });
  web.Get("/api/logs", [&](const httplib::Request& req, httplib::Response& res) {
    set_headers(res);
    const std::string l = req.get_param_value("limit");
    const long limit = l.empty() ? 10 : std::strtol(l.c_str(), nullptr, 10);
    res.set_content(tally.logs_json(static_cast<std::size_t>(std::clamp(limit, 1L, static_cast<long>(kRecentLogs)))),
                    "application/json");
  });
  std::mutex native_busy;
  web.Post("/api/native", [&](const httplib::Request& req, httplib::Response& res) {
    set_headers(res);
    NativeRequest nr;
    std::string error;
    const auto fail = [&](int status, const std::string& message) {
      res.status = status;
      res.set_content("{\"error\":" + json_string(message) + "}", "application/json");
    };
    if (!parse_native(req, nr, error)) return fail(400, error);
    if (!o.receiver) return fail(503, "the receiver is not running (--no-receiver)");
    std::unique_lock lock(native_busy, std::try_to_lock);
    if (!lock) return fail(409, "a native run is already in progress");
    // The sender's CPU is everything but the threads alive now (receiver, web server), this
    // one aside: it records the spans.
    std::set<std::string> excluded = thread_ids();
    excluded.erase(std::to_string(gettid()));
    std::string out = "{\"rows\":[";
    for (std::size_t i = 0; i < native_rows.size(); ++i) {
      const DemoRow& row = *native_rows[i];
      const std::string transport = std::string("native ") + row.label;
      RowLoad load;
      load.count = nr.spans;
      load.batch = static_cast<std::uint32_t>(nr.batch);
      load.configure = [&](native::Options& opt) {
        opt.service_name = "otlp-demo-native";
        opt.sampler = "parentbased_traceidratio";
        opt.sampler_arg = fixed(nr.ratio, 6);
        opt.resource.attributes.push_back({"demo.run", AnyValue(nr.run)});
        opt.resource.attributes.push_back({"demo.transport", AnyValue(transport)});
      };
      const DemoWorkload w{nr.spans, static_cast<std::uint32_t>(nr.attributes), 0};
      load.record = [w](native::Sdk& sdk) {
        DemoWorkload now = w;
        now.base_unix_nano = static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
        Tracer tracer = sdk.tracer("otlp-demo", "1.0.0");
        record_demo_workload(tracer, now);
      };
      load.arrived = [&tally, &nr, transport] { return tally.count(nr.run, transport); };
      load.gzip_sample = [&tally, &nr, transport] { return tally.sample(nr.run, transport); };
      const RowResult r = run_row(row, endpoint_for(row.protocol, receiver), excluded, load);
      out += std::string(i ? "," : "") + row_json(transport, r, nr.spans, row.gzip);
    }
    res.set_content(out + "]}", "application/json");
  });

  std::thread server([&web] { web.listen_after_bind(); });
  for (int i = 0; i < 500 && !web.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::printf("otlp demo --web: open http://%s:%d/ (receiver: http://127.0.0.1:%d/v1/traces%s%s); Ctrl-C stops\n",
              shown_host.c_str(), web_port, receiver_port, grpc_port > 0 ? ", gRPC 127.0.0.1:" : "",
              grpc_port > 0 ? std::to_string(grpc_port).c_str() : "");
  if (!o.receiver) std::printf("otlp demo --web: --no-receiver: nothing listens on port %d\n", receiver_port);
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  std::printf("otlp demo --web: %s, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  std::fflush(stdout);
  web.stop();
  server.join();
  receiver.stop();
  if (dead_fd >= 0) ::close(dead_fd);
  return 0;
}

}  // namespace otlp::cli
