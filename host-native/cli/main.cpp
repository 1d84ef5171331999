// `otlp`: the project's command line tool.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.hpp"

namespace {

constexpr const char* kUsage =
    "usage: otlp <command> [options]\n"
    "\n"
    "commands:\n"
    "  encode [--signal traces|logs|metrics] [--count N] [--format protobuf|json] [--seed S] [--summary]\n"
    "      write one export request of N (512) standard spans or log records to stdout (--spans N:\n"
    "      --count N for traces; metrics: N standard requests recorded, then one collection); --summary\n"
    "      reports size and speed on stderr and reads the output back\n"
    "  receive [--grpc HOST:PORT|off] [--http HOST:PORT|off] [--out FILE|-] [--token T]\n"
    "          [--cors-origin O]... [--max-body-mib N] [--tls-cert F --tls-key F [--client-ca F]]\n"
    "          [--max-connections N] [--header-timeout S] [--request-timeout S] [--idle-timeout S]\n"
    "      OTLP receiver until SIGINT/SIGTERM: gRPC TraceService, LogsService and MetricsService\n"
    "      Export, HTTP POST /v1/traces, /v1/logs and /v1/metrics;\n"
    "      with neither flag both listen (127.0.0.1:4317 and 127.0.0.1:4318), with one only that one;\n"
    "      port 0 picks one. Prints a live summary per transport; writes each span and log record\n"
    "      as a JSON line (\"signal\", \"resource\", \"scope\" and the record's OTLP/JSON fields) to\n"
    "      FILE; --cors-origin '*' allows any origin; --tls-cert/--tls-key serve both over TLS,\n"
    "      --client-ca also requires client certificates signed by that CA (mTLS). HTTP connections\n"
    "      over --max-connections (4096) are closed at once; a request's header must be in within\n"
    "      --header-timeout seconds (10) of its first byte and all of it within --request-timeout (30,\n"
    "      also a gRPC call's wait for its message); a connection with no request under way is\n"
    "      closed after --idle-timeout (60)\n"
    "  send [--endpoint URL] [--protocol grpc|http/protobuf|http/json] [--signal traces|logs|metrics] [--count N]\n"
    "       [--spans N] [--rate R] [--workers W] [--headers k=v,...] [--compression gzip|none] [--insecure]\n"
    "       [--ca F] [--cert F] [--key F] [--timeout S] [--batch B] [--exports E] [--seed S]\n"
    "      send N standard spans or log records (default 10000; --spans N: --signal traces --count N), or\n"
    "      record N standard metrics requests and send the data points the reader collects\n"
    "      through the SDK (OTEL_* variables apply, flags win) to URL (an HTTP URL without a path gets\n"
    "      /v1/traces or /v1/logs), waiting for queue room rather than dropping; prints one JSON line of\n"
    "      counts last and exits non-zero unless every item was exported; --exports: requests in\n"
    "      flight at once (default 1)\n"
    "  demo [--spans N] [--workers W] [--batch B]\n"
    "      start a receiver in-process on loopback, send N standard spans (default 200000) through each\n"
    "      transport and print a table: spans/s, bytes/span, export latency, sender CPU per span\n"
    "  demo --web [--port P] [--host H] [--assets DIR] [--wasm-dist DIR] [--no-receiver]\n"
    "      the web demo: start the receiver and serve the demo page (default http://127.0.0.1:8080/;\n"
    "      port 0 picks one) comparing the browser (WASM) and native transports, until SIGINT/SIGTERM;\n"
    "      --no-receiver serves the page with no receiver behind it (to see the page's error)\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  // `otlp COMMAND --help` as well as `otlp --help`: the usage on stdout, success. Only right
  // after the command, where no option's value can stand.
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "encode") return otlp::cli::encode_command(args);
  if (command == "receive") return otlp::cli::receive_command(args);
  if (command == "send") return otlp::cli::send_command(args);
  if (command == "demo") return otlp::cli::demo_command(args);
  if (command == "-h" || command == "--help" || command == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::fprintf(stderr, "otlp: unknown command '%s'\n\n%s", command.c_str(), kUsage);
  return 2;
}
