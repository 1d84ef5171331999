// Protobuf built by hand in tests, independent of the project's own writer.
#pragma once
#include <string>

namespace otlp::testing {

// A length-delimited field `number` holding `body`.
inline std::string field(unsigned number, const std::string& body) {
  std::string out(1, static_cast<char>(number << 3 | 2));
  for (std::size_t n = body.size();; n >>= 7) {
    if (n < 0x80) {
      out += static_cast<char>(n);
      break;
    }
    out += static_cast<char>((n & 0x7f) | 0x80);
  }
  return out + body;
}

}  // namespace otlp::testing
