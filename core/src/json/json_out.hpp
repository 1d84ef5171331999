// Internal: the compact JSON output that OTLP/JSON is written with (the model writer in
// json_writer.cpp, the protobuf transcoder in json_transcode.cpp): keys, numbers, the shortest
// round-tripping doubles, hex ids, base64 and strings with invalid UTF-8 replaced by U+FFFD.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "json/json_utf8.hpp"
#include "otlp/model/ids.hpp"

namespace otlp::detail {

// `,"name":` as one literal; the leading comma is skipped for an object's first field.
template <std::size_t N>
struct Key {
  char text[N + 3]{};  // no terminator
  constexpr Key(const char (&name)[N]) {
    text[0] = ',';
    text[1] = '"';
    for (std::size_t i = 0; i + 1 < N; ++i) text[2 + i] = name[i];
    text[N + 1] = '"';
    text[N + 2] = ':';
  }
  static constexpr std::size_t size = N + 3;  // comma, quotes, name and colon
};

// Bytes that pass into a JSON string unchanged and need no UTF-8 check: printable ASCII
// except '"' and '\\' (0x7f is allowed raw by RFC 8259).
constexpr bool plain(unsigned char c) noexcept { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

struct PlainTable {
  bool v[256]{};
  constexpr PlainTable() {
    for (unsigned i = 0; i < 256; ++i) v[i] = plain(static_cast<unsigned char>(i));
  }
};
constexpr PlainTable kPlain{};

constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void raw(char c) { out_.push_back(c); }
  template <std::size_t N>
  void raw(const char (&s)[N]) {
    out_.append(s, N - 1);
  }

  // Writes the key of a field; `first` tracks the enclosing object's first field.
  void key(std::string_view name, bool& first) {
    if (!first) out_.push_back(',');
    out_.push_back('"');
    out_.append(name);
    out_.append("\":", 2);
    first = false;
  }
  template <Key K>
  void key(bool& first) {
    const std::size_t skip = first ? 1 : 0;
    out_.append(K.text + skip, K.size - skip);
    first = false;
  }

  void u64(std::uint64_t v) {
    char buf[20];
    char* end = buf + sizeof buf;
    char* p = end;
    while (v >= 100) {
      const auto pair = static_cast<std::size_t>(v % 100) * 2;
      v /= 100;
      *--p = kDigitPairs[pair + 1];
      *--p = kDigitPairs[pair];
    }
    if (v >= 10) {
      const auto pair = static_cast<std::size_t>(v) * 2;
      *--p = kDigitPairs[pair + 1];
      *--p = kDigitPairs[pair];
    } else {
      *--p = static_cast<char>('0' + v);
    }
    out_.append(p, static_cast<std::size_t>(end - p));
  }

  void i64(std::int64_t v) {
    if (v < 0) {
      out_.push_back('-');
      u64(0 - static_cast<std::uint64_t>(v));
    } else {
      u64(static_cast<std::uint64_t>(v));
    }
  }

  void quoted_u64(std::uint64_t v) {
    out_.push_back('"');
    u64(v);
    out_.push_back('"');
  }

  void quoted_i64(std::int64_t v) {
    out_.push_back('"');
    i64(v);
    out_.push_back('"');
  }

  // The shortest of %.15g, %.16g and %.17g that reads back to the same bits; -0 stays "-0".
  // (WebAssembly's libc++ has no floating-point std::to_chars.)
  void dbl(double d) {
    if (std::isnan(d)) return raw("\"NaN\"");
    if (std::isinf(d)) return d > 0 ? raw("\"Infinity\"") : raw("\"-Infinity\"");
    if (d > -1e15 && d < 1e15 && d == std::trunc(d)) {
      // What %.15g prints for these, without going through printf.
      if (std::signbit(d)) out_.push_back('-');
      u64(static_cast<std::uint64_t>(std::fabs(d)));
      return;
    }
    char buf[32];
    int len = 0;
    for (int precision = 15; precision <= 17; ++precision) {
      len = std::snprintf(buf, sizeof buf, "%.*g", precision, d);
      if (precision == 17 || std::strtod(buf, nullptr) == d) break;
    }
    out_.append(buf, static_cast<std::size_t>(len));
  }

  template <std::size_t N>
  void hex_id(const Id<N>& id) {
    char buf[2 * N + 2];
    buf[0] = '"';
    id.to_hex(buf + 1);
    buf[2 * N + 1] = '"';
    out_.append(buf, sizeof buf);
  }

  void str(std::string_view s) {
    out_.push_back('"');
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t run = 0, i = 0;
    while (i < n) {
      const unsigned char c = p[i];
      if (kPlain.v[c]) {
        ++i;
        continue;
      }
      if (c >= 0x80) {
        std::size_t bad = 0;
        if (const std::size_t len = json_detail::utf8_sequence(p + i, n - i, bad)) {
          i += len;  // well-formed: stays in the raw run
          continue;
        }
        flush(p, run, i);
        raw("\xEF\xBF\xBD");  // U+FFFD for the maximal ill-formed subpart
        i += bad;
        run = i;
        continue;
      }
      flush(p, run, i);
      escape(c);
      run = ++i;
    }
    flush(p, run, n);
    out_.push_back('"');
  }

  void base64(std::string_view s) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    const std::size_t start = out_.size();
    out_.resize(start + 2 + (n + 2) / 3 * 4);
    char* o = out_.data() + start;
    *o++ = '"';
    std::size_t i = 0;
    for (; i + 3 <= n; i += 3) {
      const std::uint32_t v = std::uint32_t{p[i]} << 16 | std::uint32_t{p[i + 1]} << 8 | p[i + 2];
      *o++ = kAlphabet[v >> 18];
      *o++ = kAlphabet[(v >> 12) & 63];
      *o++ = kAlphabet[(v >> 6) & 63];
      *o++ = kAlphabet[v & 63];
    }
    if (n - i == 1) {
      const std::uint32_t v = std::uint32_t{p[i]} << 16;
      *o++ = kAlphabet[v >> 18];
      *o++ = kAlphabet[(v >> 12) & 63];
      *o++ = '=';
      *o++ = '=';
    } else if (n - i == 2) {
      const std::uint32_t v = std::uint32_t{p[i]} << 16 | std::uint32_t{p[i + 1]} << 8;
      *o++ = kAlphabet[v >> 18];
      *o++ = kAlphabet[(v >> 12) & 63];
      *o++ = kAlphabet[(v >> 6) & 63];
      *o++ = '=';
    }
    *o = '"';
  }

 private:
  void flush(const unsigned char* p, std::size_t from, std::size_t to) {
    if (to > from) out_.append(reinterpret_cast<const char*>(p + from), to - from);
  }

  void escape(unsigned char c) {
    switch (c) {
      case '"': return raw("\\\"");
      case '\\': return raw("\\\\");
      case '\n': return raw("\\n");
      case '\t': return raw("\\t");
      case '\r': return raw("\\r");
      case '\b': return raw("\\b");
      case '\f': return raw("\\f");
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        const char e[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out_.append(e, sizeof e);
      }
    }
  }

  std::string& out_;
};

}  // namespace otlp::detail
