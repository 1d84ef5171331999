// OTLP/HTTP with libcurl: one multi handle, driven by one thread (the native host loop), so
// every transfer, timeout and retry runs without a thread per request. One transport serves
// every signal: a request goes to its signal's destination (SendRequest::signal).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "loop_transport.hpp"
#include "otlp/model/signal.hpp"

namespace otlp::native {

// One signal's destination.
struct HttpOptions {
  std::string url = "http://localhost:4318/v1/traces";  // the full URL, the signal's path included
  std::uint64_t timeout_ms = 10000;  // per attempt (OTEL_EXPORTER_OTLP_TIMEOUT)
  std::string ca_file;               // verify the server with this CA (TLS)
  std::string client_certificate;    // mTLS
  std::string client_key;
};

class HttpTransport final : public LoopTransport {
 public:
  // Requests of every signal go to `options` until set_destination() gives a signal its own.
  explicit HttpTransport(HttpOptions options);
  ~HttpTransport() override;  // abandons transfers still running (their completions never run)
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Before the first send: where requests of `signal` go.
  void set_destination(Signal signal, HttpOptions options);

  // Host loop thread only.
  void send(const SendRequest& request, std::function<void(const Outcome&)> complete) override;
  // Moves transfers along for at most `timeout_ms`, returning early when one finishes or
  // wake() is called; finished transfers call their completion from here.
  void run(int timeout_ms) override;
  std::size_t in_flight() const override;
  // Drops every transfer without calling its completion.
  void abandon() override;

  // Any thread: makes a run() in progress return now.
  void wake() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Gzip-compresses `data` (RFC 1952) into `out`; false if zlib fails.
bool gzip_compress(std::string_view data, std::string& out);

}  // namespace otlp::native
