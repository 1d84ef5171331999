// OTLP/gRPC with grpc++: the core already encodes ExportTraceServiceRequest bytes, so they go out
// as a raw ByteBuffer through grpc's generic stub (no generated message classes) and the reply
// (status, RetryInfo trailer, partial_success) becomes the core's Outcome. Calls complete on a
// completion queue that run() waits on, so completions run on the host loop's thread.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "loop_transport.hpp"

namespace otlp::native {

inline constexpr const char* kGrpcExportMethod = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

struct GrpcOptions {
  // http://HOST:PORT is plaintext, https://HOST:PORT is TLS; without a scheme TLS unless
  // `insecure`. A path after the port is ignored; a missing port is 4317.
  std::string endpoint = "http://localhost:4317";
  bool insecure = false;
  std::uint64_t timeout_ms = 10000;  // deadline of one attempt (OTEL_EXPORTER_OTLP_TIMEOUT)
  std::string ca_file;               // PEM: verify the server with this CA (else the system roots)
  std::string client_certificate;    // PEM, mTLS (with client_key)
  std::string client_key;
};

class GrpcTransport final : public LoopTransport {
 public:
  explicit GrpcTransport(GrpcOptions options);
  ~GrpcTransport() override;  // abandon()s what is in flight
  GrpcTransport(const GrpcTransport&) = delete;
  GrpcTransport& operator=(const GrpcTransport&) = delete;

  // Empty when the options could be used; else what is wrong with them (a file that cannot be
  // read, a certificate without its key). Every send then fails at once, not retried
  // (FAILED_PRECONDITION), with this text as the outcome's message.
  const std::string& setup_error() const;

  // Host loop thread; `complete` runs in a later run() (or here, for a request refused up front).
  void send(const SendRequest& request, std::function<void(const Outcome&)> complete) override;
  // Host loop thread: waits up to `timeout_ms` for a finished call or a wake(), and runs the
  // completions of the calls that finished.
  void run(int timeout_ms) override;
  std::size_t in_flight() const override;
  // Any thread.
  void wake() override;
  // Cancels every call in flight and waits until gRPC is done with them; their completions
  // never run.
  void abandon() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace otlp::native
