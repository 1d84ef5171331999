// The OTLP receiver: an OTLP/HTTP server for POST on each signal's path (/v1/traces, /v1/logs,
// /v1/metrics;
// protobuf or JSON, gzip or identity, CORS, optional bearer token) and an OTLP/gRPC server for
// each signal's Export method, both optionally over TLS or mTLS, that hand each accepted request
// to one callback. What differs per signal is read from signal_info (otlp/model/signal.hpp).
// Built on Boost.Beast/Asio (http_server.hpp) and grpc++, both kept out of this header.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "otlp/model/signal.hpp"
#include "otlp/model/span.hpp"

namespace otlp::native {

struct ReceiverOptions {
  // The HTTP listener. 0: any free port (Receiver::port() tells which); -1: none.
  std::string host = "127.0.0.1";
  int port = 4318;
  // The gRPC listener. 0: any free port (Receiver::grpc_port() tells which); -1: none (the
  // default here; `otlp receive` listens on 127.0.0.1:4317).
  std::string grpc_host = "127.0.0.1";
  int grpc_port = -1;
  // TLS for both listeners when tls_cert_file is set (PEM server certificate and key); with
  // client_ca_file also mTLS: clients must present a certificate signed by that CA.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string client_ca_file;
  // Bound on the request body, compressed and decompressed alike (gzip bombs): above it, 413
  // over HTTP; over gRPC it is the maximum message size (RESOURCE_EXHAUSTED, sent by gRPC).
  std::size_t max_body_bytes = 64u << 20;
  // When non-empty, requests need `Authorization: Bearer <token>` (else 401 / UNAUTHENTICATED).
  std::string bearer_token;
  // Origins allowed by CORS (exact match, e.g. "http://localhost:5173"); "*" allows any.
  // Empty: no CORS headers at all.
  std::vector<std::string> cors_origins;
  int cors_max_age_seconds = 7200;

  // Against slow and greedy HTTP clients (each connection costs a socket and a few KiB, never a
  // thread). Connections over max_connections are closed as soon as they are accepted.
  std::size_t max_connections = 4096;
  // A request's header (request line and fields): more fields or bytes get 431 and the
  // connection is closed.
  std::size_t max_header_count = 100;
  std::size_t max_header_bytes = 16u << 10;
  // Deadlines counted from a request's first byte, which bytes trickling in do not extend: its
  // header must be in within header_timeout_ms and all of it, body included, within
  // request_timeout_ms, else the connection is closed. request_timeout_ms also bounds how long a
  // gRPC call may take to send its message (then DEADLINE_EXCEEDED).
  int header_timeout_ms = 10'000;
  int request_timeout_ms = 30'000;
  // How long an HTTP connection may stay open with no request under way (new or kept alive).
  int idle_timeout_ms = 60'000;
  // Threads running the HTTP listener's event loop; 0: one a core, at least 2, at most 8.
  int http_threads = 0;

  // Test hooks.
  // The first `reject_first_items` items received (spans, log records and data points alike,
  // over all requests and both transports) are rejected through partial_success (200 / OK,
  // rejected_spans, rejected_log_records or rejected_data_points = how many of the request's
  // items) and not delivered.
  std::int64_t reject_first_items = 0;
  // The first requests (of either transport, in arrival order) are answered with these replies
  // (body read, not decoded, nothing delivered). HTTP: `status`, and a non-empty retry_after
  // becomes the Retry-After header. gRPC: `grpc_code`, and a set grpc_retry_delay_ms becomes a
  // google.rpc.RetryInfo in the grpc-status-details-bin trailer.
  struct ScriptedReply {
    ScriptedReply() = default;
    ScriptedReply(int http_status, std::string http_retry_after = {}, int grpc = 14,
                  std::optional<std::uint64_t> grpc_delay_ms = {})
        : status(http_status), retry_after(std::move(http_retry_after)), grpc_code(grpc),
          grpc_retry_delay_ms(grpc_delay_ms) {}
    int status = 503;
    std::string retry_after;
    int grpc_code = 14;  // UNAVAILABLE
    std::optional<std::uint64_t> grpc_retry_delay_ms;
  };
  std::vector<ScriptedReply> script;
};

// Snapshot of the counters (each read atomically; the set is not one consistent instant).
// The top-level fields count the HTTP listener; `grpc` counts the gRPC listener.
// Items are counted per signal: spans, log records and data points apart.
struct ReceiverStats {
  std::uint64_t requests = 0;           // POSTs on a signal's path, whatever the outcome
  std::uint64_t accepted_requests = 0;  // answered 200
  std::uint64_t spans = 0;              // spans accepted (and delivered to the callback, if any)
  std::uint64_t rejected_spans = 0;     // spans refused through partial_success (test hook)
  std::uint64_t log_records = 0;        // log records accepted (and delivered, if any callback)
  std::uint64_t rejected_log_records = 0;  // log records refused through partial_success
  std::uint64_t data_points = 0;        // metric data points accepted (and delivered, if any callback)
  std::uint64_t rejected_data_points = 0;  // data points refused through partial_success
  std::uint64_t bytes = 0;              // payload bytes decoded (after decompression)
  std::uint64_t preflights = 0;         // OPTIONS on a signal's path
  // Errors by class.
  std::uint64_t bad_request = 0;   // 400: malformed body (protobuf, JSON or gzip)
  std::uint64_t unauthorized = 0;  // 401
  std::uint64_t too_large = 0;     // 413: body over max_body_bytes, or over the decode limits
  std::uint64_t unsupported = 0;   // 415: content type or encoding
  std::uint64_t scripted = 0;      // replies of the `script` test hook

  std::uint64_t errors() const { return bad_request + unauthorized + too_large + unsupported + scripted; }

  // Refused by the HTTP listener before any request was counted above.
  std::uint64_t refused_connections = 0;  // over max_connections
  std::uint64_t header_too_large = 0;     // 431
  std::uint64_t timed_out = 0;            // cut by the header or whole-request deadline

  struct Grpc {
    std::uint64_t requests = 0;           // calls, whatever the method or outcome
    std::uint64_t accepted_requests = 0;  // answered OK
    std::uint64_t spans = 0;              // spans accepted (and delivered to the callback, if any)
    std::uint64_t rejected_spans = 0;     // spans refused through partial_success (test hook)
    std::uint64_t log_records = 0;        // log records accepted (and delivered, if any callback)
    std::uint64_t rejected_log_records = 0;  // log records refused through partial_success
    std::uint64_t data_points = 0;        // metric data points accepted (and delivered, if any callback)
    std::uint64_t rejected_data_points = 0;  // data points refused through partial_success
    std::uint64_t bytes = 0;              // message bytes decoded (after decompression)
    // Errors by class.
    std::uint64_t invalid_argument = 0;  // malformed Export*ServiceRequest
    std::uint64_t unauthenticated = 0;   // missing or wrong bearer token
    std::uint64_t unimplemented = 0;     // a method other than the signals' Export
    std::uint64_t resource_exhausted = 0;  // over the decode limits (DecodeLimits::for_body)
    // The request message never arrived whole: over max_body_bytes (gRPC itself answers
    // RESOURCE_EXHAUSTED), not within request_timeout_ms (DEADLINE_EXCEEDED), or the client
    // cancelled or went away.
    std::uint64_t unread = 0;
    std::uint64_t scripted = 0;  // replies of the `script` test hook

    std::uint64_t errors() const {
      return invalid_argument + unauthenticated + unimplemented + resource_exhausted + unread + scripted;
    }
  } grpc;

  // Both transports.
  std::uint64_t total_requests() const { return requests + grpc.requests; }
  std::uint64_t total_spans() const { return spans + grpc.spans; }
  std::uint64_t total_log_records() const { return log_records + grpc.log_records; }
  std::uint64_t total_data_points() const { return data_points + grpc.data_points; }
};

// Every request is decoded within DecodeLimits::for_body(its size) (decode.hpp): one that would
// decode into more is refused whole, 413 over HTTP and RESOURCE_EXHAUSTED over gRPC, so that
// what a request decodes into stays a small multiple of its body whatever the body holds.
class Receiver {
 public:
  // Callbacks are called once per accepted request, on a server thread; calls are serialized.
  // They must not call stop().
  // A trace request decoded into the model, its rejected spans removed. Log requests are
  // checked and counted, not delivered to it.
  using Callback = std::function<void(const TraceRequest&)>;
  // A request of any signal as protobuf (a JSON one read into protobuf), checked, valid during
  // the call; its first `rejected` items were refused by the reject_first_items hook and are
  // not to be delivered.
  struct Delivery {
    Signal signal;
    std::string_view protobuf;
    std::uint64_t rejected;
  };
  using RequestCallback = std::function<void(const Delivery&)>;

  // Without a callback nothing needs the items themselves: a request is then only checked and
  // its items counted (validate_request: the same answers, no model built).
  explicit Receiver(ReceiverOptions options, Callback callback = nullptr);
  Receiver(ReceiverOptions options, RequestCallback callback);
  ~Receiver();  // stops
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  // Binds and starts serving on background threads. False (and *error set, nothing left
  // running) when an address cannot be bound, a TLS file cannot be used, or the receiver was
  // already started.
  bool start(std::string* error);
  // The bound HTTP / gRPC port (after a successful start), -1 before or without that listener.
  int port() const;
  int grpc_port() const;
  // Stops accepting, finishes in-flight requests and joins the server threads. Idempotent;
  // any thread but the callback's.
  void stop();

  ReceiverStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// zlib: gunzips `in` into `out` (cleared first). Returns 0 on success, 1 when the output
// would exceed `limit` bytes (stops there), 2 for malformed data, a stream that does not end
// (truncated) or bytes after its end. The receiver's one inflater, whatever the spelling of gzip.
int gunzip_bounded(std::string_view in, std::size_t limit, std::string& out);

}  // namespace otlp::native
