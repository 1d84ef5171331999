// Trace and span identifiers: fixed-size byte arrays with hex parse/format.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace otlp {

template <std::size_t N>
struct Id {
  static constexpr std::size_t size = N;
  static_assert(N % 8 == 0, "ids are whole 64-bit words");
  std::array<std::uint8_t, N> bytes{};

  // All-zero ids are invalid per W3C trace context and OTLP.
  // Word-wise: the check runs several times per span start (parent, sampler, new ids).
  constexpr bool valid() const noexcept {
    // __builtin_bit_cast: emscripten 3.1.6's libc++ has no std::bit_cast.
    const auto words = __builtin_bit_cast(std::array<std::uint64_t, N / 8>, bytes);
    std::uint64_t any = 0;
    for (auto w : words) any |= w;
    return any != 0;
  }
  // Exactly 2*N lowercase or uppercase hex digits; anything else yields nullopt.
  static std::optional<Id> from_hex(std::string_view hex) noexcept;
  // Exactly N raw bytes; anything else yields nullopt.
  static std::optional<Id> from_bytes(std::string_view raw) noexcept;
  // Lowercase hex, 2*N characters.
  std::string to_hex() const;
  void to_hex(char* out) const noexcept;  // writes 2*N chars, no terminator

  friend constexpr bool operator==(const Id&, const Id&) = default;
};

using TraceId = Id<16>;
using SpanId = Id<8>;

namespace detail {
constexpr int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace detail

template <std::size_t N>
std::optional<Id<N>> Id<N>::from_hex(std::string_view hex) noexcept {
  if (hex.size() != 2 * N) return std::nullopt;
  Id id;
  for (std::size_t i = 0; i < N; ++i) {
    int hi = detail::hex_digit(hex[2 * i]), lo = detail::hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    id.bytes[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return id;
}

template <std::size_t N>
std::optional<Id<N>> Id<N>::from_bytes(std::string_view raw) noexcept {
  if (raw.size() != N) return std::nullopt;
  Id id;
  for (std::size_t i = 0; i < N; ++i) id.bytes[i] = static_cast<std::uint8_t>(raw[i]);
  return id;
}

template <std::size_t N>
void Id<N>::to_hex(char* out) const noexcept {
  constexpr char digits[] = "0123456789abcdef";
  for (std::size_t i = 0; i < N; ++i) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 0xf];
  }
}

template <std::size_t N>
std::string Id<N>::to_hex() const {
  std::string s(2 * N, '0');
  to_hex(s.data());
  return s;
}

}  // namespace otlp
