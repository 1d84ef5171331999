// otlp::core alone: one request of standard spans encoded as OTLP protobuf, decoded back.
#include <cstdio>
#include <string>

#include "otlp/wire/proto_reader.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/workload/workload.hpp"

int main() {
  const otlp::TraceRequest request = otlp::workload::standard_request(512, 1);
  std::string bytes;
  otlp::encode_trace_request(request, bytes);
  otlp::TraceRequest back;
  const bool same = otlp::decode_trace_request(bytes, back).ok() && back == request;
  std::printf("encoded 512 spans into %zu bytes; decoded back: %s\n", bytes.size(), same ? "identical" : "DIFFERENT");
  return same ? 0 : 1;
}
