#include "console_transport.hpp"

#include <string>

#include "otlp/json/json.hpp"

namespace otlp::native {

void ConsoleTransport::send(const SendRequest& request, std::function<void(const Outcome&)> complete) {
  std::string line;
  const DecodeStatus status = transcode_request_json(request.signal, request.request.body, line);
  if (!status.ok())
    return complete(Outcome::grpc(GrpcCode::invalid_argument, {},
                                  std::string("console: cannot write the request as JSON: ") + status.message()));
  line.push_back('\n');
  // One write and a flush a request, so lines of two SDKs sharing stderr do not interleave.
  const bool written = std::fwrite(line.data(), 1, line.size(), out_) == line.size() && std::fflush(out_) == 0;
  if (!written) return complete(Outcome::network("console: cannot write to the stream"));
  complete(Outcome::ok());
}

}  // namespace otlp::native
