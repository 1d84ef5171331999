#include "console_transport.hpp"

#include <string>
#include <string_view>

#include "otlp/json/json.hpp"

namespace otlp::native {

void ConsoleTransport::send(const SendRequest& request, std::function<void(const Outcome&)> complete) {
  std::string line;
  if (std::string_view(request.request.content_type) == "application/json") {
    line = request.request.body;  // already OTLP/JSON, on one line
  } else if (const DecodeStatus status = transcode_request_json(request.signal, request.request.body, line);
             !status.ok()) {
    return complete(Outcome::grpc(GrpcCode::invalid_argument, {},
                                  std::string("console: cannot write the request as JSON: ") + status.message()));
  }
  line.push_back('\n');
  // One write and a flush a request, so lines of two SDKs sharing stderr do not interleave.
  const bool written = std::fwrite(line.data(), 1, line.size(), out_) == line.size() && std::fflush(out_) == 0;
  if (!written) return complete(Outcome::network("console: cannot write to the stream"));
  complete(Outcome::ok());
}

void TeeTransport::send(const SendRequest& request, std::function<void(const Outcome&)> complete) {
  if (request.request.attempt == 1) console_.send(request, [](const Outcome&) {});
  otlp_.send(request, std::move(complete));
}

}  // namespace otlp::native
