// One unary gRPC call made with grpc++ directly, bytes in and bytes out: for the tests that
// send the receiver what no well-behaved exporter would.
#pragma once
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <future>
#include <string>
#include <vector>

#include "grpc_transport.hpp"

namespace otlp::native {

struct RawReply {
  grpc::Status status;
  std::string body;
};

inline RawReply raw_call(int port, const std::string& bytes, const std::string& method = kGrpcExportMethod,
                         bool gzip = false) {
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  // What the tests check is the answer, not its speed: under ThreadSanitizer a fresh channel's
  // first megabyte-sized message took over 10 s to be taken in (CI, 2026-12-08), so the bound
  // only stops a hung call.
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  if (gzip) context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1), response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  RawReply reply;
  reply.status = done.get_future().get();
  std::vector<grpc::Slice> slices;
  if (response.Valid() && response.Dump(&slices).ok())
    for (const auto& s : slices) reply.body.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return reply;
}

}  // namespace otlp::native
