// A server's answer to an export as the exporter reads it, the same for every host (libcurl and
// grpc++ natively, fetch() in the WASM host): what it means for the retry policy, and the text a
// person is shown. Server text is never shown raw: a status body is read for its message, and
// whatever is shown has its control bytes escaped and its length bounded.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "otlp/export/retry.hpp"
#include "otlp/model/signal.hpp"

namespace otlp {

// Text from a server is cut to this many bytes (then "..." follows).
inline constexpr std::size_t kServerTextBytes = 512;

// `text` fit to print on one line: surrounding whitespace trimmed; control bytes escaped as \n,
// \r, \t or \xHH, C1 controls (U+0080..U+009F, which terminals may obey) as \u00HH, bytes that
// are not well-formed UTF-8 as \xHH; cut on a character boundary after at most `max_bytes`
// bytes, with "..." appended when something was cut.
std::string printable(std::string_view text, std::size_t max_bytes = kServerTextBytes);

// What an HTTP error response's body says: the message of the google.rpc.Status it holds
// (OTLP/HTTP servers answer errors with one: protobuf for a protobuf Content-Type, JSON for a
// JSON one; a body without a Content-Type that is not text is tried as protobuf), else the
// body as text; printable() either way. Empty when the body is.
std::string error_text(std::string_view content_type, std::string_view body);

// The outcome of an accepted export (HTTP 2xx, gRPC OK) of `signal` from its response body
// (the signal's Export*ServiceResponse, OTLP/JSON when `json`, else protobuf): partial success
// when the body carries rejected items or a message, else success. A body that does not decode
// is still a success: the server took the items.
Outcome accepted_outcome(Signal signal, std::string_view body, bool json);

// The outcome of an OTLP/HTTP answer to an export of `signal`: 2xx as accepted_outcome (JSON by
// Content-Type); any other status with its Retry-After value (empty: none) read against
// `now_unix_nano` and the message "HTTP <status>: <error_text>".
Outcome http_outcome(Signal signal, int status, std::string_view content_type, std::string_view body,
                     std::string_view retry_after, std::uint64_t now_unix_nano);

// The outcome of an OTLP/gRPC answer to an export of `signal`: OK as accepted_outcome of the
// response message; any other status with the RetryInfo delay of its `details` (the serialized
// google.rpc.Status of grpc-status-details-bin; empty: none) and the message
// "gRPC <CODE NAME>: <message>". Codes outside 0..16 count as UNKNOWN.
Outcome grpc_outcome(Signal signal, int code, std::string_view message, std::string_view details,
                     std::string_view response);

// "UNAVAILABLE" for 14; "UNKNOWN" for codes outside 0..16.
const char* grpc_code_name(int code);

}  // namespace otlp
