// The `console` exporter (OTEL_TRACES_EXPORTER / OTEL_LOGS_EXPORTER): each export request of any
// signal becomes one OTLP/JSON line on a stream (stderr by default), the transcoder reading the
// request's protobuf body. Synchronous: a send completes before it returns.
#pragma once
#include <cstdio>

#include "otlp/export/transport.hpp"

namespace otlp::native {

class ConsoleTransport final : public Transport {
 public:
  explicit ConsoleTransport(std::FILE* out = stderr) : out_(out) {}
  // The body must be protobuf (the pipeline's Protocol::protobuf). A body the transcoder cannot
  // read fails the request for good; a stream that refuses the line counts as a network error.
  void send(const SendRequest& request, std::function<void(const Outcome&)> complete) override;

 private:
  std::FILE* out_;
};

}  // namespace otlp::native
