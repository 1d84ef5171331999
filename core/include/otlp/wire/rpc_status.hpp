// google.rpc.Status, as gRPC servers send it in the `grpc-status-details-bin` trailer, reduced
// to what the OTLP retry policy needs: the code, the message and a RetryInfo's retry_delay.
//   Status    { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
//   Any       { string type_url = 1; bytes value = 2; }
//   RetryInfo { google.protobuf.Duration retry_delay = 1; }
//   Duration  { int64 seconds = 1; int32 nanos = 2; }
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "otlp/wire/decode.hpp"

namespace otlp {

inline constexpr std::string_view kRetryInfoTypeUrl = "type.googleapis.com/google.rpc.RetryInfo";

// A server's retry delay (an HTTP Retry-After in seconds or as a date, a RetryInfo's Duration)
// saturates here instead of overflowing: 2^31 s, the number RFC 9111 uses for delta-seconds that
// overflow.
inline constexpr std::uint64_t kRetryAfterMaxSeconds = 2'147'483'648;

struct RpcStatus {
  std::int32_t code = 0;
  std::string message;
  // From the first details entry whose type is google.rpc.RetryInfo; unset when there is none.
  std::optional<std::uint64_t> retry_delay_ns;
};

// Decodes a serialized google.rpc.Status. A RetryInfo is recognised by the type name after the
// last '/' of its type_url (any host). Its delay saturates at kRetryAfterMaxSeconds
// like Retry-After, and a negative one counts as 0. Details of other types are skipped;
// malformed bytes (including a malformed RetryInfo) are an error value.
DecodeStatus decode_rpc_status(std::string_view bytes, RpcStatus& out);

// Appends a serialized google.rpc.Status; a RetryInfo detail is written when retry_delay_ns is set.
void encode_rpc_status(const RpcStatus& status, std::string& out);

}  // namespace otlp
