// OTLP/gRPC with grpc++: the core already encodes the Export*ServiceRequest bytes, so they go out
// as a raw ByteBuffer through grpc's generic stub (no generated message classes), to the method
// of the request's signal (signal.hpp), and the reply (status, RetryInfo trailer,
// partial_success) becomes the core's Outcome. Calls complete on a completion queue that run()
// waits on, so completions run on the host loop's thread. One transport serves every signal.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "loop_transport.hpp"
#include "otlp/model/signal.hpp"

namespace otlp::native {

// The traces' method, for tests that call it by hand.
inline constexpr const char* kGrpcExportMethod = signal_info(Signal::traces).grpc_method.data();

// One signal's destination.
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
  // Requests of every signal go to `options` until set_destination() gives a signal its own.
  explicit GrpcTransport(GrpcOptions options);
  ~GrpcTransport() override;  // abandon()s what is in flight
  GrpcTransport(const GrpcTransport&) = delete;
  GrpcTransport& operator=(const GrpcTransport&) = delete;

  // Before the first send: where requests of `signal` go (a channel of its own).
  void set_destination(Signal signal, GrpcOptions options);

  // Empty when every destination's options could be used; else what is wrong with the first
  // that could not (a file that cannot be read, a certificate without its key). Every send to
  // it then fails at once, not retried (FAILED_PRECONDITION), with this text as the message.
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
