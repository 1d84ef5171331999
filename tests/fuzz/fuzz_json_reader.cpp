// libFuzzer target for the OTLP/JSON reader: any input decodes or fails cleanly (the sanitizers
// catch reads past the input), and whatever decodes survives writing and reading back unchanged.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "otlp/json/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  otlp::TraceRequest request;
  if (otlp::decode_trace_request_json(input, request).ok()) {
    std::string json;
    otlp::encode_trace_request_json(request, json);
    // The writing drops whitespace and unknown keys, so it may be smaller: the input's limits
    // apply.
    otlp::DecodeOptions same_limits;
    same_limits.limits = otlp::DecodeLimits::for_body(size);
    otlp::TraceRequest again;
    if (!otlp::decode_trace_request_json(json, again, same_limits).ok()) __builtin_trap();
    if (!(again == request)) __builtin_trap();
    std::string json2;
    otlp::encode_trace_request_json(again, json2);
    if (json2 != json) __builtin_trap();
  }

  std::optional<otlp::PartialSuccess> partial;
  if (otlp::decode_trace_response_json(input, partial).ok()) {
    std::string json;
    encode_trace_response_json(partial ? &*partial : nullptr, json);
    std::optional<otlp::PartialSuccess> again;
    if (!otlp::decode_trace_response_json(json, again).ok()) __builtin_trap();
    if (again != partial) __builtin_trap();
  }
  return 0;
}
