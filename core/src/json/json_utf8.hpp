// UTF-8 well-formedness (Unicode Table 3-7) shared by the JSON writer and reader, so that what
// the writer passes through raw is exactly what the reader accepts. Internal to core/src.
#pragma once
#include <cstddef>
#include <cstdint>

namespace otlp::json_detail {

// Examines the sequence at s[0], a byte >= 0x80, with n >= 1 bytes available. Returns its length
// (2..4) when well formed. Otherwise returns 0 and sets `bad` to the length of the maximal
// subpart (>= 1): the bytes one U+FFFD replaces, as the Unicode standard recommends.
inline std::size_t utf8_sequence(const unsigned char* s, std::size_t n, std::size_t& bad) noexcept {
  const unsigned char c = s[0];
  std::size_t need;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    need = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 3;
    if (c == 0xE0) lo = 0xA0;  // no overlong forms
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 4;
    if (c == 0xF0) lo = 0x90;  // no overlong forms
    if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    bad = 1;
    return 0;
  }
  for (std::size_t k = 1; k < need; ++k) {
    if (k >= n) {
      bad = k;
      return 0;
    }
    const unsigned char b = s[k];
    const unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
    if (b < l || b > h) {
      bad = k;
      return 0;
    }
  }
  return need;
}

}  // namespace otlp::json_detail
