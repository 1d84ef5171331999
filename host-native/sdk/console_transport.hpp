// The `console` exporter (OTEL_TRACES_EXPORTER / OTEL_LOGS_EXPORTER): each export request of any
// signal becomes one OTLP/JSON line on a stream (stderr by default): a protobuf body through the
// transcoder, a JSON body (the pipeline of an http/json exporter beside it) as it is.
// Synchronous: a send completes before it returns.
#pragma once
#include <cstdio>

#include "otlp/export/transport.hpp"

namespace otlp::native {

class ConsoleTransport final : public Transport {
 public:
  explicit ConsoleTransport(std::FILE* out = stderr) : out_(out) {}
  // A body the transcoder cannot read fails the request for good; a stream that refuses the line
  // counts as a network error.
  void send(const SendRequest& request, std::function<void(const Outcome&)> complete) override;

 private:
  std::FILE* out_;
};

// `otlp,console`: every request goes to the OTLP transport, whose outcome is the request's, and
// is written to the console once, at its first attempt (a retry is the same request again). The
// console's own failure does not fail the export.
class TeeTransport final : public Transport {
 public:
  TeeTransport(ConsoleTransport& console, Transport& otlp) : console_(console), otlp_(otlp) {}
  void send(const SendRequest& request, std::function<void(const Outcome&)> complete) override;

 private:
  ConsoleTransport& console_;
  Transport& otlp_;
};

}  // namespace otlp::native
