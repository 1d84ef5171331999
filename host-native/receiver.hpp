// The OTLP receiver: an OTLP/HTTP server for POST /v1/traces (protobuf or JSON, gzip or
// identity, CORS, optional bearer token) that hands each accepted request to a callback.
// Built on cpp-httplib (kept out of this header); gRPC and TLS can be added as more listeners
// behind the same Receiver.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "otlp/span.hpp"

namespace otlp::native {

struct ReceiverOptions {
  std::string host = "127.0.0.1";
  int port = 4318;  // 0: any free port; Receiver::port() tells which
  // Bound on the request body, compressed and decompressed alike (gzip bombs): above it, 413.
  std::size_t max_body_bytes = 64u << 20;
  // When non-empty, POSTs need `Authorization: Bearer <token>` (else 401).
  std::string bearer_token;
  // Origins allowed by CORS (exact match, e.g. "http://localhost:5173"); "*" allows any.
  // Empty: no CORS headers at all.
  std::vector<std::string> cors_origins;
  int cors_max_age_seconds = 7200;
  // Seconds a connection may stay silent mid-request before the server gives up on it.
  int read_timeout_seconds = 5;

  // Test hooks.
  // The first `reject_first_spans` spans received (over all requests) are rejected through
  // partial_success (200, rejected_spans = how many of the request's spans) and not delivered.
  std::int64_t reject_first_spans = 0;
  // The first requests are answered, in order, with these statuses (body read, not decoded,
  // nothing delivered); a non-empty retry_after becomes the Retry-After header.
  struct ScriptedReply {
    int status = 503;
    std::string retry_after;
  };
  std::vector<ScriptedReply> script;
};

// Snapshot of the counters (each read atomically; the set is not one consistent instant).
struct ReceiverStats {
  std::uint64_t requests = 0;           // POST /v1/traces, whatever the outcome
  std::uint64_t accepted_requests = 0;  // answered 200
  std::uint64_t spans = 0;              // spans accepted and delivered to the callback
  std::uint64_t rejected_spans = 0;     // spans refused through partial_success (test hook)
  std::uint64_t bytes = 0;              // payload bytes decoded (after decompression)
  std::uint64_t preflights = 0;         // OPTIONS /v1/traces
  // Errors by class.
  std::uint64_t bad_request = 0;   // 400: malformed body (protobuf, JSON or gzip)
  std::uint64_t unauthorized = 0;  // 401
  std::uint64_t too_large = 0;     // 413
  std::uint64_t unsupported = 0;   // 415: content type or encoding
  std::uint64_t scripted = 0;      // replies of the `script` test hook

  std::uint64_t errors() const { return bad_request + unauthorized + too_large + unsupported + scripted; }
};

class Receiver {
 public:
  // Called once per accepted request with its (non-rejected) spans, on a server thread; calls
  // are serialized. It must not call stop().
  using Callback = std::function<void(const TraceRequest&)>;

  Receiver(ReceiverOptions options, Callback callback);
  ~Receiver();  // stops
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  // Binds and starts serving on a background thread. False (and *error set) when the address
  // cannot be bound or the receiver was already started.
  bool start(std::string* error);
  // The bound port (after a successful start), -1 before.
  int port() const;
  // Stops accepting, finishes in-flight requests and joins the server threads. Idempotent;
  // any thread but the callback's.
  void stop();

  ReceiverStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Appends one JSON line per span of `request` ('\n'-terminated):
// {"traceId","spanId","parentSpanId"?,"name","kind","service","scope","startTimeUnixNano",
//  "endTimeUnixNano","attributes":{...},"status"?}. Times are decimal strings (as in OTLP/JSON),
// attribute values native JSON (int64 as numbers, bytes as base64, non-finite doubles as strings).
void append_span_json_lines(const TraceRequest& request, std::string& out);

// zlib: gunzips `in` into `out` (cleared first). Returns 0 on success, 1 when the output
// would exceed `limit` bytes (stops there), 2 for malformed or truncated gzip data.
int gunzip_bounded(std::string_view in, std::size_t limit, std::string& out);

}  // namespace otlp::native
