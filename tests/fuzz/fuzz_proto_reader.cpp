// libFuzzer target for the protobuf reader. Any input: decoding must not crash, overrun or
// leak (ASan/UBSan), and an error must carry an offset within the input; the validating pass
// must give the same status and span count. A request that decodes must survive encode ->
// decode unchanged; the same for a response and for a google.rpc.Status (the gRPC status
// details trailer).
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "otlp/wire/proto_reader.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "otlp/wire/rpc_status.hpp"

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_proto_reader: %s\n", what);
  __builtin_trap();
}

void check_status(const otlp::DecodeStatus& st, std::size_t size) {
  if (st.ok()) return;
  if (st.offset > size) fail("error offset past the input");
  const char* message = st.message();
  if (message == nullptr || *message == '\0') fail("error without a message");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  otlp::TraceRequest first;
  const otlp::DecodeStatus st = otlp::decode_trace_request(bytes, first);
  check_status(st, size);
  std::uint64_t spans = 0;
  const otlp::DecodeStatus vst = otlp::validate_trace_request(bytes, spans);
  if (vst.error != st.error || vst.offset != st.offset) fail("validator and reader disagree");
  if (st.ok()) {
    std::uint64_t model_spans = 0;
    for (const auto& rs : first.resource_spans)
      for (const auto& ss : rs.scope_spans) model_spans += ss.spans.size();
    if (spans != model_spans) fail("validator counts other spans than the reader");
    std::string encoded;
    otlp::encode_trace_request(first, encoded);
    // The writer always writes a KeyValue's value, even an empty one that the input left
    // out; that can add one message level, so the second decode allows one more. The
    // re-encoding drops unknown fields, so it may be smaller: the input's limits apply.
    otlp::DecodeOptions deeper;
    deeper.max_depth = otlp::DecodeOptions{}.max_depth + 1;
    deeper.limits = otlp::DecodeLimits::for_body(size);
    otlp::TraceRequest second;
    if (!otlp::decode_trace_request(encoded, second, deeper).ok()) fail("re-encoded request does not decode");
    if (!(second == first)) fail("request changed in encode -> decode");
  }

  std::optional<otlp::PartialSuccess> partial;
  const otlp::DecodeStatus rst = otlp::decode_trace_response(bytes, partial);
  check_status(rst, size);
  if (rst.ok()) {
    std::string encoded;
    otlp::encode_trace_response(partial ? &*partial : nullptr, encoded);
    std::optional<otlp::PartialSuccess> again;
    if (!otlp::decode_trace_response(encoded, again).ok()) fail("re-encoded response does not decode");
    if (again != partial) fail("response changed in encode -> decode");
  }

  otlp::RpcStatus status;
  const otlp::DecodeStatus sst = otlp::decode_rpc_status(bytes, status);
  check_status(sst, size);
  if (sst.ok()) {
    std::string encoded;
    otlp::encode_rpc_status(status, encoded);
    otlp::RpcStatus again;
    if (!otlp::decode_rpc_status(encoded, again).ok()) fail("re-encoded status does not decode");
    if (again.code != status.code || again.message != status.message || again.retry_delay_ns != status.retry_delay_ns)
      fail("status changed in encode -> decode");
  }
  return 0;
}
