// Reading a server's answer (response.hpp).
#include "otlp/export/response.hpp"

#include <optional>
#include <utility>

#include "json/json_utf8.hpp"
#include "otlp/wire/proto_reader.hpp"
#include "otlp/wire/rpc_status.hpp"
#ifndef OTLP_NO_JSON
#include "otlp/json/json.hpp"
#endif

namespace otlp {
namespace {

enum class Media : std::uint8_t { none, json, protobuf, other };

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The media type of a Content-Type value, parameters ("; charset=utf-8") and case aside.
Media media(std::string_view content_type) {
  std::string type(trim(content_type.substr(0, content_type.find(';'))));
  if (type.empty()) return Media::none;
  for (char& c : type)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (type == "application/json" || (type.size() > 5 && type.compare(type.size() - 5, 5, "+json") == 0))
    return Media::json;
  if (type == "application/x-protobuf" || type == "application/protobuf") return Media::protobuf;
  return Media::other;
}

// Text has no control bytes but whitespace; protobuf's tags and lengths nearly always are some.
bool looks_like_text(std::string_view body) {
  for (const char c : body) {
    const auto b = static_cast<unsigned char>(c);
    if ((b < 0x20 && !is_space(c)) || b == 0x7f) return false;
  }
  return true;
}

void append_hex(std::string& out, const char* prefix, unsigned value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out += prefix;
  out += kDigits[(value >> 4) & 0xf];
  out += kDigits[value & 0xf];
}

}  // namespace

std::string printable(std::string_view text, std::size_t max_bytes) {
  text = trim(text);
  std::string out;
  std::string unit;  // one character, escaped or not: never cut in two
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t i = 0; i < text.size();) {
    unit.clear();
    const unsigned char c = s[i];
    std::size_t used = 1;
    if (c == '\n') {
      unit = "\\n";
    } else if (c == '\r') {
      unit = "\\r";
    } else if (c == '\t') {
      unit = "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      append_hex(unit, "\\x", c);
    } else if (c < 0x80) {
      unit += static_cast<char>(c);
    } else {
      std::size_t bad = 0;
      const std::size_t n = json_detail::utf8_sequence(s + i, text.size() - i, bad);
      if (n == 0) {
        append_hex(unit, "\\x", c);  // one byte at a time: each shows what it was
      } else if (n == 2 && c == 0xc2 && s[i + 1] < 0xa0) {
        append_hex(unit, "\\u00", s[i + 1]);  // U+0080..U+009F
        used = 2;
      } else {
        unit.assign(text.data() + i, n);
        used = n;
      }
    }
    if (out.size() + unit.size() > max_bytes) {
      out += "...";
      break;
    }
    out += unit;
    i += used;
  }
  return out;
}

std::string error_text(std::string_view content_type, std::string_view body) {
  const Media type = media(content_type);
  RpcStatus status;
  bool decoded = false;
  if (type == Media::protobuf || (type == Media::none && !looks_like_text(body))) {
    decoded = decode_rpc_status(body, status).ok();
#ifndef OTLP_NO_JSON  // a protobuf-only build shows a JSON body as text
  } else if (type == Media::json) {
    decoded = decode_rpc_status_json(body, status).ok();
#endif
  }
  return printable(decoded && !trim(status.message).empty() ? std::string_view(status.message) : body);
}

Outcome accepted_outcome([[maybe_unused]] Signal signal, std::string_view body, bool json) {
  std::optional<PartialSuccess> partial;
  bool decoded = false;
  if (!json) {
    decoded = decode_trace_response(body, partial).ok();  // one wire shape for every signal
#ifndef OTLP_NO_JSON
  } else {
    decoded = decode_response_json(signal, body, partial).ok();
#endif
  }
  if (decoded && partial && (partial->rejected_spans != 0 || !partial->error_message.empty()))
    return Outcome::partial_ok(partial->rejected_spans, printable(partial->error_message));
  return Outcome::ok();
}

Outcome http_outcome(Signal signal, int status, std::string_view content_type, std::string_view body,
                     std::string_view retry_after, std::uint64_t now_unix_nano) {
  if (status >= 200 && status < 300) return accepted_outcome(signal, body, media(content_type) == Media::json);
  std::optional<std::uint64_t> delay;
  if (!retry_after.empty()) delay = parse_retry_after(retry_after, now_unix_nano);
  std::string message = "HTTP " + std::to_string(status);
  const std::string text = error_text(content_type, body);
  if (!text.empty()) message += ": " + text;
  return Outcome::http(status, delay, std::move(message));
}

const char* grpc_code_name(int code) {
  static constexpr const char* kNames[] = {
      "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
      "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
  return code >= 0 && code <= 16 ? kNames[code] : "UNKNOWN";
}

Outcome grpc_outcome(Signal signal, int code, std::string_view message, std::string_view details,
                     std::string_view response) {
  if (code == 0) return accepted_outcome(signal, response, false);
  std::optional<std::uint64_t> delay;
  if (!details.empty()) {
    RpcStatus status;
    if (decode_rpc_status(details, status).ok()) delay = status.retry_delay_ns;
  }
  std::string text = std::string("gRPC ") + grpc_code_name(code);
  if (const std::string said = printable(message); !said.empty()) text += ": " + said;
  return Outcome::grpc(static_cast<GrpcCode>(code >= 0 && code <= 16 ? code : 2), delay, std::move(text));
}

}  // namespace otlp
