// OTLP/JSON decoding: a strict RFC 8259 recursive-descent parser that decodes straight into
// the model, with no DOM.
//
// Decisions (see also json.hpp):
// - Syntax is strict: no comments, trailing commas, leading zeros, BOM, raw control characters
//   in strings or bytes that are not well-formed UTF-8 (all bad_json). Whitespace is RFC 8259's.
// - A \u escape of a lone surrogate decodes to U+FFFD (JavaScript's JSON.stringify emits lone
//   surrogates as such escapes; one odd attribute should not cost the batch); a well-formed
//   surrogate pair decodes to its code point. Decoded strings are therefore always valid UTF-8.
// - `null` for any field means the field is absent. For duplicate keys the last one wins
//   (a repeated or message field is replaced, not merged); within an AnyValue the last oneof
//   member wins.
// - 64-bit integers: a JSON number or a string holding one. uint32 fields: the same. A number
//   with a fraction or exponent is accepted when its value is an exact integer in range
//   ("1.0", "1e3"), otherwise bad_value.
// - doubleValue: a number, a string holding one, or "NaN" / "Infinity" / "-Infinity"; a finite
//   literal beyond the double range is bad_value.
// - Enums: integers 0..255 (values the model cannot hold are bad_value; unknown values within
//   that range are kept, as proto3 open enums are) or the proto names ("SPAN_KIND_SERVER",
//   "STATUS_CODE_ERROR"); any other string is bad_value.
// - Ids: hex of exactly 32/16 digits, either case; "" (or absent, or null) is the zero id;
//   anything else is bad_id_length.
// - bytesValue: base64 with the standard or URL-safe alphabet, padding optional.
// - Depth: messages are counted as the protobuf reader counts them (request 0, ResourceSpans 1,
//   ... a span attribute's AnyValue 5, each array/kvlist level +2); a message deeper than
//   max_depth (capped at kHardMaxDepth to protect the stack) is too_deep, and so is a KeyValue whose
//   value would be (even when "value" is absent, since it is always written). Raw JSON nesting, which
//   also covers the values of unknown keys, is limited to 2 * max_depth + 64 levels (too_deep).
// - OTLP/JSON to protobuf (decode_request_json_protobuf): the same syntax and value rules, walked
//   by the signal's schema (otlp_schema.cpp). Each member is written as it comes, so a key given
//   twice is two fields, which a protobuf reader merges (a later scalar wins, repeated fields
//   append); proto3 defaults of implicit fields are left out, and a message's length is written
//   in its fewest bytes, so a document written in field-number order, as OTLP/JSON writers write
//   it, reads back as the bytes the protobuf writer writes. The protobuf may be no longer than
//   the decoded_bytes limit; its records and attributes are for validate_request to count.
// - Limits (DecodeLimits, decode_budget.hpp) count what the protobuf reader counts; as an array's
//   length is not known ahead, its vector's capacity is charged as it grows rather than each
//   element's size. A limit error points at the element or string that passed it.
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <type_traits>

#include "wire/decode_budget.hpp"
#include "json/json_utf8.hpp"
#include "otlp/json/json.hpp"
#include "wire/otlp_schema.hpp"
#include "wire/proto_wire.hpp"

namespace otlp {
namespace {

constexpr std::uint32_t kHardMaxDepth = 512;

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_ws(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// String bytes that need no attention: printable ASCII except '"' and '\\'.
struct SimpleTable {
  bool v[256]{};
  constexpr SimpleTable() {
    for (unsigned i = 0x20; i < 0x80; ++i) v[i] = i != '"' && i != '\\';
  }
};
constexpr SimpleTable kSimple{};

// A number token split into its parts; the value is
// (-1 if neg) * digits(int ++ frac) * 10^(exp - |frac|).
struct Number {
  bool neg = false;
  const char* int_begin = nullptr;
  const char* int_end = nullptr;
  const char* frac_begin = nullptr;
  const char* frac_end = nullptr;
  std::int64_t exp = 0;  // saturates near 1e16; far beyond any representable value
  const char* begin = nullptr;
  const char* end = nullptr;
};

// Scans the RFC 8259 number grammar at s; returns its end, or nullptr if s starts no number.
const char* scan_number(const char* s, const char* e, Number& n) noexcept {
  n = Number{};
  n.begin = s;
  if (s < e && *s == '-') {
    n.neg = true;
    ++s;
  }
  if (s >= e || !is_digit(*s)) return nullptr;
  n.int_begin = s;
  if (*s == '0') {
    ++s;
  } else {
    while (s < e && is_digit(*s)) ++s;
  }
  n.int_end = n.frac_begin = n.frac_end = s;
  if (s < e && *s == '.') {
    ++s;
    if (s >= e || !is_digit(*s)) return nullptr;
    n.frac_begin = s;
    while (s < e && is_digit(*s)) ++s;
    n.frac_end = s;
  }
  if (s < e && (*s == 'e' || *s == 'E')) {
    ++s;
    bool eneg = false;
    if (s < e && (*s == '+' || *s == '-')) eneg = *s++ == '-';
    if (s >= e || !is_digit(*s)) return nullptr;
    std::int64_t x = 0;
    for (; s < e && is_digit(*s); ++s)
      if (x < 1'000'000'000'000'000) x = x * 10 + (*s - '0');
    n.exp = eneg ? -x : x;
  }
  n.end = s;
  return s;
}

// The magnitude of an integer-valued number; false when it has a fractional part or
// exceeds 2^64 - 1.
bool integer_magnitude(const Number& n, std::uint64_t& mag) noexcept {
  const auto ni = static_cast<std::size_t>(n.int_end - n.int_begin);
  const auto nf = static_cast<std::size_t>(n.frac_end - n.frac_begin);
  const std::size_t total = ni + nf;
  auto digit = [&](std::size_t i) { return i < ni ? n.int_begin[i] : n.frac_begin[i - ni]; };
  std::size_t last = total;
  while (last > 0 && digit(last - 1) == '0') --last;
  std::size_t first = 0;
  while (first < last && digit(first) == '0') ++first;
  mag = 0;
  if (first == last) return true;  // zero, whatever the exponent
  const std::int64_t e10 = n.exp - static_cast<std::int64_t>(nf) + static_cast<std::int64_t>(total - last);
  if (e10 < 0) return false;
  if (static_cast<std::int64_t>(last - first) + e10 > 20) return false;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  for (std::size_t i = first; i < last; ++i) {
    const auto d = static_cast<std::uint64_t>(digit(i) - '0');
    if (mag > (kMax - d) / 10) return false;
    mag = mag * 10 + d;
  }
  for (std::int64_t i = 0; i < e10; ++i) {
    if (mag > kMax / 10) return false;
    mag *= 10;
  }
  return true;
}

// The double nearest to a number token; false when a finite literal overflows.
bool number_to_double(const Number& n, double& out) {
  const auto len = static_cast<std::size_t>(n.end - n.begin);
  char small[128];
  std::string big;
  const char* text = small;
  if (len < sizeof small) {
    std::memcpy(small, n.begin, len);
    small[len] = '\0';
  } else {
    big.assign(n.begin, len);
    text = big.c_str();
  }
  out = std::strtod(text, nullptr);  // the grammar was checked, so strtod reads all of it
  return !std::isinf(out);
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    const char b[2] = {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(b, 2);
  } else if (cp < 0x10000) {
    const char b[3] = {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                       static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(b, 3);
  } else {
    const char b[4] = {static_cast<char>(0xF0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
                       static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(b, 4);
  }
}

// Decodes base64 (standard or URL-safe alphabet, padding optional) into `out`.
bool decode_base64(std::string_view in, std::string& out) {
  struct Table {
    std::uint8_t v[256]{};
    constexpr Table() {
      for (auto& x : v) x = 0xFF;
      const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
      for (std::uint8_t i = 0; i < 62; ++i) v[static_cast<unsigned char>(a[i])] = i;
      v[static_cast<unsigned char>('+')] = v[static_cast<unsigned char>('-')] = 62;
      v[static_cast<unsigned char>('/')] = v[static_cast<unsigned char>('_')] = 63;
    }
  };
  static constexpr Table kTable{};
  std::size_t n = in.size();
  if (n % 4 == 0 && n > 0 && in[n - 1] == '=') {
    --n;
    if (in[n - 1] == '=') --n;
  }
  if (n % 4 == 1) return false;
  out.clear();
  out.reserve(n / 4 * 3 + 2);
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t v = kTable.v[static_cast<unsigned char>(in[i])];
    if (v == 0xFF) return false;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

class Parser {
 public:
  Parser(std::string_view in, std::uint32_t max_depth, const DecodeLimits& limits)
      : begin_(in.data()),
        p_(in.data()),
        end_(in.data() + in.size()),
        max_depth_(max_depth < kHardMaxDepth ? max_depth : kHardMaxDepth),
        json_limit_(2 * max_depth_ + 64),
        budget_(limits) {}

  // Parses one top-level value with `value` and requires nothing but whitespace after it.
  template <class F>
  DecodeStatus document(F&& value) {
    ws();
    if (p_ >= end_) {
      fail(DecodeError::bad_json);
    } else if (value()) {
      ws();
      if (p_ != end_) fail(DecodeError::bad_json);  // trailing garbage
    }
    DecodeStatus st;
    st.error = error_;
    st.offset = error_offset_;
    return st;
  }

  bool request(TraceRequest& r) {
    return message(0, [&](std::string_view k) {
      if (k == "resourceSpans") return repeated(r.resource_spans, [&](ResourceSpans& rs) { return resource_spans(rs, 1); });
      return skip_value();
    });
  }

  bool response(std::string_view rejected_key, std::optional<PartialSuccess>& partial) {
    return message(0, [&](std::string_view k) {
      if (k == "partialSuccess") {
        PartialSuccess& ps = partial.emplace();
        return message(1, [&](std::string_view f) {
          if (f == rejected_key) return i64(ps.rejected_spans);
          if (f == "errorMessage") return string(ps.error_message);
          return skip_value();
        });
      }
      return skip_value();
    });
  }

  // A request of `schema` appended to `out` as protobuf, `out` kept within `cap` bytes.
  bool request_protobuf(const detail::MessageSchema& schema, std::uint64_t cap, std::string& out) {
    cap_ = cap;
    return protobuf_message(schema, 0, out);
  }

  bool rpc_status(RpcStatus& st) {
    return message(0, [&](std::string_view k) {
      if (k == "code") {
        std::int64_t code = 0;
        if (!i64(code)) return false;
        if (code < std::numeric_limits<std::int32_t>::min() || code > std::numeric_limits<std::int32_t>::max())
          return fail(DecodeError::bad_value);
        st.code = static_cast<std::int32_t>(code);
        return true;
      }
      if (k == "message") return string(st.message);
      return skip_value();
    });
  }

 private:
  // ---- errors and the cursor ----

  bool fail(DecodeError e) { return fail(e, p_); }
  bool fail(DecodeError e, const char* at) {
    if (error_ == DecodeError::ok) {
      error_ = e;
      error_offset_ = static_cast<std::size_t>(at - begin_);
    }
    return false;
  }

  void ws() {
    while (p_ < end_ && is_ws(*p_)) ++p_;
  }

  bool literal_at(const char* lit, std::size_t n) const {
    return static_cast<std::size_t>(end_ - p_) >= n && std::memcmp(p_, lit, n) == 0;
  }

  // A value of the wrong type for its field: bad_value if it is a JSON value at all.
  bool mismatch() {
    const char c = *p_;
    if (c == '{' || c == '[' || c == '"' || c == '-' || is_digit(c) || literal_at("true", 4) ||
        literal_at("false", 5) || literal_at("null", 4))
      return fail(DecodeError::bad_value);
    return fail(DecodeError::bad_json);
  }

  // ---- structure: value parsers are entered with p_ < end_ at the value's first byte ----

  // An object whose members `field(key)` parses (or skips); null members are skipped here.
  template <class F>
  bool object(F&& field) {
    if (++json_depth_ > json_limit_) return fail(DecodeError::too_deep);
    ++p_;  // '{'
    ws();
    if (p_ < end_ && *p_ == '}') {
      ++p_;
      --json_depth_;
      return true;
    }
    for (;;) {
      if (p_ >= end_ || *p_ != '"') return fail(DecodeError::bad_json);
      std::string_view key;
      if (!string_token(key_buf_, key)) return false;
      ws();
      if (p_ >= end_ || *p_ != ':') return fail(DecodeError::bad_json);
      ++p_;
      ws();
      if (p_ >= end_) return fail(DecodeError::bad_json);
      if (literal_at("null", 4)) {
        p_ += 4;
      } else if (!field(key)) {
        return false;
      }
      ws();
      if (p_ >= end_) return fail(DecodeError::bad_json);
      if (*p_ == ',') {
        ++p_;
        ws();
        continue;
      }
      if (*p_ != '}') return fail(DecodeError::bad_json);
      ++p_;
      --json_depth_;
      return true;
    }
  }

  template <class F>
  bool array(F&& element) {
    if (++json_depth_ > json_limit_) return fail(DecodeError::too_deep);
    ++p_;  // '['
    ws();
    if (p_ < end_ && *p_ == ']') {
      ++p_;
      --json_depth_;
      return true;
    }
    for (;;) {
      if (p_ >= end_) return fail(DecodeError::bad_json);
      if (!element()) return false;
      ws();
      if (p_ >= end_) return fail(DecodeError::bad_json);
      if (*p_ == ',') {
        ++p_;
        ws();
        continue;
      }
      if (*p_ != ']') return fail(DecodeError::bad_json);
      ++p_;
      --json_depth_;
      return true;
    }
  }

  // A protobuf message at `depth`: a JSON object.
  template <class F>
  bool message(std::uint32_t depth, F&& field) {
    if (depth > max_depth_) return fail(DecodeError::too_deep);
    if (*p_ != '{') return mismatch();
    return object(field);
  }

  // A repeated message field: replaces `items` with the array's elements, each charged
  // against the limits at its first byte.
  template <class T, class F>
  bool repeated(std::vector<T>& items, F&& parse) {
    if (*p_ != '[') return mismatch();
    items.clear();
    std::uint64_t in_element = 0;
    return array([&] {
      DecodeError e = DecodeError::ok;
      if constexpr (std::is_same_v<T, SpanData> || std::is_same_v<T, Event> || std::is_same_v<T, Link>) {
        e = budget_.record(0);
      } else if constexpr (std::is_same_v<T, KeyValue> || std::is_same_v<T, AnyValue>) {
        e = budget_.attribute(in_element, 0);
      }
      if (e == DecodeError::ok) e = budget_.room_for_one(items);
      if (e != DecodeError::ok) return fail(e);
      return parse(items.emplace_back());
    });
  }

  // A decoded string's bytes against the limits.
  bool charge(std::size_t n, const char* at) {
    const DecodeError e = budget_.bytes(n);
    return e == DecodeError::ok || fail(e, at);
  }

  bool skip_value() {
    switch (*p_) {
      case '{': return object([&](std::string_view) { return skip_value(); });
      case '[': return array([&] { return skip_value(); });
      case '"': {
        std::string_view ignored;
        return string_token(scratch_, ignored);
      }
      case 't': return literal("true", 4);
      case 'f': return literal("false", 5);
      case 'n': return literal("null", 4);
      default: {
        Number n;
        const char* end = scan_number(p_, end_, n);
        if (!end) return fail(DecodeError::bad_json);
        p_ = end;
        return true;
      }
    }
  }

  bool literal(const char* lit, std::size_t n) {
    if (!literal_at(lit, n)) return fail(DecodeError::bad_json);
    p_ += n;
    return true;
  }

  // A string at p_ ('"'). `out` views the input when there are no escapes, else `buf`.
  bool string_token(std::string& buf, std::string_view& out) {
    const char* start = ++p_;
    while (p_ < end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (kSimple.v[c]) {
        ++p_;
      } else if (c == '"') {
        out = std::string_view(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return true;
      } else if (c >= 0x80) {
        if (!utf8()) return false;
      } else if (c == '\\') {
        break;
      } else {
        return fail(DecodeError::bad_json);  // raw control character
      }
    }
    if (p_ >= end_) return fail(DecodeError::bad_json);  // unterminated
    // Escapes: decode into buf.
    buf.assign(start, static_cast<std::size_t>(p_ - start));
    while (p_ < end_) {
      const char* run = p_;
      while (p_ < end_ && kSimple.v[static_cast<unsigned char>(*p_)]) ++p_;
      buf.append(run, static_cast<std::size_t>(p_ - run));
      if (p_ >= end_) break;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        out = buf;
        return true;
      }
      if (c >= 0x80) {
        run = p_;
        if (!utf8()) return false;
        buf.append(run, static_cast<std::size_t>(p_ - run));
      } else if (c == '\\') {
        if (!escape(buf)) return false;
      } else {
        return fail(DecodeError::bad_json);
      }
    }
    return fail(DecodeError::bad_json);
  }

  // Steps over one well-formed UTF-8 sequence at p_.
  bool utf8() {
    std::size_t bad = 0;
    const std::size_t len = json_detail::utf8_sequence(reinterpret_cast<const unsigned char*>(p_),
                                                       static_cast<std::size_t>(end_ - p_), bad);
    if (!len) return fail(DecodeError::bad_json);
    p_ += len;
    return true;
  }

  bool hex4(const char* s, std::uint32_t& v) const {
    if (end_ - s < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) {
      const int d = detail::hex_digit(s[i]);
      if (d < 0) return false;
      v = v << 4 | static_cast<std::uint32_t>(d);
    }
    return true;
  }

  // An escape at p_ ('\\'), appended to buf as UTF-8.
  bool escape(std::string& buf) {
    ++p_;
    if (p_ >= end_) return fail(DecodeError::bad_json);
    char c = *p_++;
    switch (c) {
      case '"': case '\\': case '/': buf.push_back(c); return true;
      case 'b': buf.push_back('\b'); return true;
      case 'f': buf.push_back('\f'); return true;
      case 'n': buf.push_back('\n'); return true;
      case 'r': buf.push_back('\r'); return true;
      case 't': buf.push_back('\t'); return true;
      case 'u': break;
      default: return fail(DecodeError::bad_json, p_ - 1);
    }
    std::uint32_t cp;
    if (!hex4(p_, cp)) return fail(DecodeError::bad_json);
    p_ += 4;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      std::uint32_t lo;
      if (end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u' && hex4(p_ + 2, lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
        p_ += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      } else {
        cp = 0xFFFD;  // lone high surrogate
      }
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      cp = 0xFFFD;  // lone low surrogate
    }
    append_utf8(buf, cp);
    return true;
  }

  // ---- scalar fields ----

  bool string(std::string& out) {
    if (*p_ != '"') return mismatch();
    const char* at = p_;
    std::string_view v;
    if (!string_token(scratch_, v) || !charge(v.size(), at)) return false;
    out.assign(v.data(), v.size());
    return true;
  }

  bool boolean(bool& out) {
    if (literal_at("true", 4)) {
      p_ += 4;
      out = true;
      return true;
    }
    if (literal_at("false", 5)) {
      p_ += 5;
      out = false;
      return true;
    }
    return mismatch();
  }

  // A number, or a string holding exactly one.
  bool number(Number& n, const char*& at, bool& quoted) {
    at = p_;
    quoted = *p_ == '"';
    if (quoted) {
      std::string_view v;
      if (!string_token(scratch_, v)) return false;
      const char* end = scan_number(v.data(), v.data() + v.size(), n);
      if (!end || end != v.data() + v.size()) return fail(DecodeError::bad_value, at);
      return true;
    }
    if (*p_ != '-' && !is_digit(*p_)) return mismatch();
    const char* end = scan_number(p_, end_, n);
    if (!end) return fail(DecodeError::bad_json);
    p_ = end;
    return true;
  }

  // An integer whose magnitude is at most pos_max (non-negative) or neg_max (negative).
  bool integer(std::uint64_t pos_max, std::uint64_t neg_max, bool& neg, std::uint64_t& mag) {
    Number n;
    const char* at;
    bool quoted;
    if (!number(n, at, quoted)) return false;
    if (!integer_magnitude(n, mag)) return fail(DecodeError::bad_value, at);
    neg = n.neg && mag != 0;
    if (mag > (neg ? neg_max : pos_max)) return fail(DecodeError::bad_value, at);
    return true;
  }

  bool u64(std::uint64_t& out) {
    bool neg;
    return integer(std::numeric_limits<std::uint64_t>::max(), 0, neg, out);
  }

  bool u32(std::uint32_t& out) {
    bool neg;
    std::uint64_t v;
    if (!integer(std::numeric_limits<std::uint32_t>::max(), 0, neg, v)) return false;
    out = static_cast<std::uint32_t>(v);
    return true;
  }

  bool i32(std::int32_t& out) {
    bool neg;
    std::uint64_t mag;
    constexpr std::uint64_t kPos = static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max());
    if (!integer(kPos, kPos + 1, neg, mag)) return false;
    out = static_cast<std::int32_t>(neg ? -static_cast<std::int64_t>(mag) : static_cast<std::int64_t>(mag));
    return true;
  }

  bool i64(std::int64_t& out) {
    bool neg;
    std::uint64_t mag;
    constexpr std::uint64_t kPos = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (!integer(kPos, kPos + 1, neg, mag)) return false;
    out = neg ? static_cast<std::int64_t>(0 - mag) : static_cast<std::int64_t>(mag);
    return true;
  }

  bool dbl(double& out) {
    const char* at = p_;
    if (*p_ == '"') {
      std::string_view v;
      if (!string_token(scratch_, v)) return false;
      if (v == "NaN") {
        out = std::numeric_limits<double>::quiet_NaN();
        return true;
      }
      if (v == "Infinity" || v == "-Infinity") {
        out = v[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        return true;
      }
      Number n;
      const char* end = scan_number(v.data(), v.data() + v.size(), n);
      if (!end || end != v.data() + v.size() || !number_to_double(n, out)) return fail(DecodeError::bad_value, at);
      return true;
    }
    if (*p_ != '-' && !is_digit(*p_)) return mismatch();
    Number n;
    const char* end = scan_number(p_, end_, n);
    if (!end) return fail(DecodeError::bad_json);
    p_ = end;
    if (!number_to_double(n, out)) return fail(DecodeError::bad_value, at);
    return true;
  }

  // An enum as an integer 0..255 or one of its proto names (names[i] is value i).
  template <std::size_t N>
  bool enumeration(std::uint8_t& out, const std::string_view (&names)[N]) {
    if (*p_ == '"') {
      const char* at = p_;
      std::string_view v;
      if (!string_token(scratch_, v)) return false;
      for (std::size_t i = 0; i < N; ++i)
        if (v == names[i]) {
          out = static_cast<std::uint8_t>(i);
          return true;
        }
      return fail(DecodeError::bad_value, at);
    }
    if (*p_ != '-' && !is_digit(*p_)) return mismatch();
    bool neg;
    std::uint64_t v;
    if (!integer(255, 0, neg, v)) return false;
    out = static_cast<std::uint8_t>(v);
    return true;
  }

  template <std::size_t N>
  bool id(Id<N>& out) {
    if (*p_ != '"') return mismatch();
    const char* at = p_;
    std::string_view v;
    if (!string_token(scratch_, v)) return false;
    if (v.empty()) {
      out = Id<N>{};
      return true;
    }
    auto parsed = Id<N>::from_hex(v);
    if (!parsed) return fail(DecodeError::bad_id_length, at);
    out = *parsed;
    return true;
  }

  bool bytes(std::string& out) {
    if (*p_ != '"') return mismatch();
    const char* at = p_;
    std::string_view v;
    if (!string_token(scratch_, v)) return false;
    if (!decode_base64(v, out)) return fail(DecodeError::bad_value, at);
    return charge(out.size(), at);
  }

  // ---- OTLP/JSON to protobuf, by the schema ----

  static void put_varint(std::uint64_t v, std::string& out) {
    char buf[10];
    out.append(buf, static_cast<std::size_t>(detail::put_varint(buf, v) - buf));
  }
  static void put_tag(const detail::FieldSchema& f, detail::WireType w, std::string& out) {
    put_varint(detail::tag(f.number, w), out);
  }
  static void put_le(std::uint64_t v, unsigned n, std::string& out) {
    for (unsigned i = 0; i < n; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  }
  static void put_len(const detail::FieldSchema& f, std::string_view v, std::string& out) {
    put_tag(f, detail::kLen, out);
    put_varint(v.size(), out);
    out.append(v);
  }

  bool protobuf_message(const detail::MessageSchema& schema, std::uint32_t depth, std::string& out) {
    return message(depth, [&](std::string_view key) {
      const detail::FieldSchema* f = nullptr;
      for (std::size_t i = 0; i < schema.count && !f; ++i)
        if (schema.fields[i].json_name == key) f = &schema.fields[i];
      if (!f) return skip_value();
      if (!f->repeated) return protobuf_field(*f, depth, out);
      if (*p_ != '[') return mismatch();
      if (!detail::is_scalar(f->kind)) return array([&] { return protobuf_field(*f, depth, out); });
      // A repeated scalar is written packed: its values back to back in one field.
      const char* at = p_;
      packed_.clear();
      if (!array([&] {
            return protobuf_field(*f, depth, packed_, true) &&
                   (out.size() + packed_.size() <= cap_ || fail(DecodeError::too_many_decoded_bytes, p_));
          }))
        return false;
      if (!packed_.empty()) put_len(*f, packed_, out);
      return within_cap(out, at);
    });
  }

  // One value of field `f` of a message at `depth`; `packed`: the value alone (no tag, a default
  // kept), as one of a packed run.
  bool protobuf_field(const detail::FieldSchema& f, std::uint32_t depth, std::string& out, bool packed = false) {
    using detail::FieldKind;
    const char* at = p_;
    const bool keep_default = packed || f.presence != detail::Presence::implicit;
    std::uint64_t v = 0;  // varint and fixed-width values
    switch (f.kind) {
      case FieldKind::message: {
        // The length goes before the message, which is written after room for the longest
        // length; the room not needed is closed up once the message is done.
        put_tag(f, detail::kLen, out);
        const std::size_t room = out.size();
        out.append(5, '\0');
        if (!protobuf_message(*f.message, depth + 1, out)) return false;
        char len[10];
        const auto n = static_cast<std::size_t>(detail::put_varint(len, out.size() - room - 5) - len);
        out.replace(room, 5, len, n);
        return within_cap(out, at);
      }
      case FieldKind::string: {
        if (*p_ != '"') return mismatch();
        std::string_view s;
        if (!string_token(scratch_, s)) return false;
        if (!s.empty() || keep_default) put_len(f, s, out);
        return within_cap(out, at);
      }
      case FieldKind::bytes:
        if (!bytes(bytes_)) return false;
        if (!bytes_.empty() || keep_default) put_len(f, bytes_, out);
        return within_cap(out, at);
      case FieldKind::id16:
      case FieldKind::id8: {
        if (*p_ != '"') return mismatch();
        std::string_view hex;
        if (!string_token(scratch_, hex)) return false;
        if (hex.empty()) return true;
        std::optional<Id<16>> id16;
        std::optional<Id<8>> id8;
        const std::uint8_t* id = nullptr;
        if (f.kind == FieldKind::id16 && (id16 = Id<16>::from_hex(hex))) id = id16->bytes.data();
        if (f.kind == FieldKind::id8 && (id8 = Id<8>::from_hex(hex))) id = id8->bytes.data();
        if (!id) return fail(DecodeError::bad_id_length, at);
        put_len(f, {reinterpret_cast<const char*>(id), f.kind == FieldKind::id16 ? 16u : 8u}, out);
        return within_cap(out, at);
      }
      case FieldKind::boolean: {
        bool b = false;
        if (!boolean(b)) return false;
        v = b;
        break;
      }
      case FieldKind::uint32: {
        std::uint32_t u;
        if (f.names && *p_ == '"') {
          std::string_view name;
          if (!string_token(scratch_, name)) return false;
          std::size_t i = 0;
          while (i < f.names->count && f.names->names[i] != name) ++i;
          if (i == f.names->count) return fail(DecodeError::bad_value, at);
          u = static_cast<std::uint32_t>(i);
        } else if (!u32(u)) {
          return false;
        }
        v = u;
        break;
      }
      case FieldKind::int64: {
        std::int64_t i;
        if (!i64(i)) return false;
        v = static_cast<std::uint64_t>(i);
        break;
      }
      case FieldKind::uint64:
      case FieldKind::fixed64:
        if (!u64(v)) return false;
        break;
      case FieldKind::sfixed64: {
        std::int64_t i;
        if (!i64(i)) return false;
        v = static_cast<std::uint64_t>(i);
        break;
      }
      case FieldKind::sint32: {
        std::int32_t i;
        if (!i32(i)) return false;
        v = detail::zigzag32(i);
        break;
      }
      case FieldKind::fixed32: {
        std::uint32_t u;
        if (!u32(u)) return false;
        v = u;
        break;
      }
      case FieldKind::dbl: {
        double d;
        if (!dbl(d)) return false;
        std::memcpy(&v, &d, sizeof v);
        break;
      }
    }
    if (v == 0 && !keep_default) return true;
    switch (f.kind) {
      case FieldKind::fixed64:
      case FieldKind::sfixed64:
      case FieldKind::dbl:
        if (!packed) put_tag(f, detail::kFixed64, out);
        put_le(v, 8, out);
        break;
      case FieldKind::fixed32:
        if (!packed) put_tag(f, detail::kFixed32, out);
        put_le(v, 4, out);
        break;
      default:
        if (!packed) put_tag(f, detail::kVarint, out);
        put_varint(v, out);
        break;
    }
    return within_cap(out, at);
  }

  bool within_cap(const std::string& out, const char* at) {
    return out.size() <= cap_ || fail(DecodeError::too_many_decoded_bytes, at);
  }

  // ---- messages ----

  bool any_value(AnyValue& v, std::uint32_t depth) {
    v = AnyValue{};
    return message(depth, [&](std::string_view k) {
      if (k == "stringValue") {
        v = AnyValue{};
        v.kind = AnyValue::Kind::string;
        return string(v.str);
      }
      if (k == "boolValue") {
        v = AnyValue{};
        v.kind = AnyValue::Kind::boolean;
        return boolean(v.bool_value);
      }
      if (k == "intValue") {
        v = AnyValue{};
        v.kind = AnyValue::Kind::int64;
        return i64(v.int_value);
      }
      if (k == "doubleValue") {
        v = AnyValue{};
        v.kind = AnyValue::Kind::dbl;
        return dbl(v.double_value);
      }
      if (k == "arrayValue") {
        v = AnyValue{};
        v.kind = AnyValue::Kind::array;
        return message(depth + 1, [&](std::string_view f) {
          if (f == "values") return repeated(v.array, [&](AnyValue& item) { return any_value(item, depth + 2); });
          return skip_value();
        });
      }
      if (k == "kvlistValue") {
        v = AnyValue{};
        v.kind = AnyValue::Kind::kvlist;
        return message(depth + 1, [&](std::string_view f) {
          if (f == "values") return attributes(v.kvlist, depth + 2);
          return skip_value();
        });
      }
      if (k == "bytesValue") {
        v = AnyValue{};
        v.kind = AnyValue::Kind::bytes;
        return bytes(v.str);
      }
      return skip_value();
    });
  }

  // A repeated KeyValue field whose elements sit at `depth`. A KeyValue always has a value
  // (the writers write `"value":{}` for an empty one), so its value's depth counts even when
  // the key is absent; otherwise a decoded request could be too deep to decode once re-encoded.
  bool attributes(Attributes& attrs, std::uint32_t depth) {
    return repeated(attrs, [&](KeyValue& kv) {
      if (depth + 1 > max_depth_) return fail(DecodeError::too_deep);
      return message(depth, [&](std::string_view k) {
        if (k == "key") return string(kv.key);
        if (k == "value") return any_value(kv.value, depth + 1);
        return skip_value();
      });
    });
  }

  bool status(Status& s, std::uint32_t depth) {
    s = Status{};
    return message(depth, [&](std::string_view k) {
      if (k == "message") return string(s.message);
      if (k == "code") {
        static constexpr std::string_view kNames[] = {"STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"};
        std::uint8_t code = 0;
        if (!enumeration(code, kNames)) return false;
        s.code = static_cast<StatusCode>(code);
        return true;
      }
      return skip_value();
    });
  }

  bool event(Event& e, std::uint32_t depth) {
    return message(depth, [&](std::string_view k) {
      if (k == "timeUnixNano") return u64(e.time_unix_nano);
      if (k == "name") return string(e.name);
      if (k == "attributes") return attributes(e.attributes, depth + 1);
      if (k == "droppedAttributesCount") return u32(e.dropped_attributes_count);
      return skip_value();
    });
  }

  bool link(Link& l, std::uint32_t depth) {
    return message(depth, [&](std::string_view k) {
      if (k == "traceId") return id(l.trace_id);
      if (k == "spanId") return id(l.span_id);
      if (k == "traceState") return string(l.trace_state);
      if (k == "attributes") return attributes(l.attributes, depth + 1);
      if (k == "droppedAttributesCount") return u32(l.dropped_attributes_count);
      if (k == "flags") return u32(l.flags);
      return skip_value();
    });
  }

  bool span(SpanData& s, std::uint32_t depth) {
    s.kind = SpanKind::unspecified;  // the proto3 default, unlike the model's
    return message(depth, [&](std::string_view k) {
      switch (k.size()) {
        case 4:
          if (k == "name") return string(s.name);
          if (k == "kind") {
            static constexpr std::string_view kNames[] = {
                "SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
                "SPAN_KIND_CLIENT",      "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"};
            std::uint8_t kind = 0;
            if (!enumeration(kind, kNames)) return false;
            s.kind = static_cast<SpanKind>(kind);
            return true;
          }
          break;
        case 5:
          if (k == "flags") return u32(s.flags);
          if (k == "links") return repeated(s.links, [&](Link& l) { return link(l, depth + 1); });
          break;
        case 6:
          if (k == "spanId") return id(s.span_id);
          if (k == "events") return repeated(s.events, [&](Event& e) { return event(e, depth + 1); });
          if (k == "status") return status(s.status, depth + 1);
          break;
        case 7:
          if (k == "traceId") return id(s.trace_id);
          break;
        case 10:
          if (k == "traceState") return string(s.trace_state);
          if (k == "attributes") return attributes(s.attributes, depth + 1);
          break;
        case 12:
          if (k == "parentSpanId") return id(s.parent_span_id);
          break;
        case 15:
          if (k == "endTimeUnixNano") return u64(s.end_time_unix_nano);
          break;
        case 17:
          if (k == "startTimeUnixNano") return u64(s.start_time_unix_nano);
          if (k == "droppedLinksCount") return u32(s.dropped_links_count);
          break;
        case 18:
          if (k == "droppedEventsCount") return u32(s.dropped_events_count);
          break;
        case 22:
          if (k == "droppedAttributesCount") return u32(s.dropped_attributes_count);
          break;
        default: break;
      }
      return skip_value();
    });
  }

  bool scope(InstrumentationScope& sc, std::uint32_t depth) {
    sc = InstrumentationScope{};
    return message(depth, [&](std::string_view k) {
      if (k == "name") return string(sc.name);
      if (k == "version") return string(sc.version);
      if (k == "attributes") return attributes(sc.attributes, depth + 1);
      if (k == "droppedAttributesCount") return u32(sc.dropped_attributes_count);
      return skip_value();
    });
  }

  bool resource(Resource& r, std::uint32_t depth) {
    r = Resource{};
    return message(depth, [&](std::string_view k) {
      if (k == "attributes") return attributes(r.attributes, depth + 1);
      if (k == "droppedAttributesCount") return u32(r.dropped_attributes_count);
      return skip_value();
    });
  }

  bool scope_spans(ScopeSpans& ss, std::uint32_t depth) {
    return message(depth, [&](std::string_view k) {
      if (k == "scope") return scope(ss.scope, depth + 1);
      if (k == "spans") return repeated(ss.spans, [&](SpanData& s) { return span(s, depth + 1); });
      if (k == "schemaUrl") return string(ss.schema_url);
      return skip_value();
    });
  }

  bool resource_spans(ResourceSpans& rs, std::uint32_t depth) {
    return message(depth, [&](std::string_view k) {
      if (k == "resource") return resource(rs.resource, depth + 1);
      if (k == "scopeSpans") return repeated(rs.scope_spans, [&](ScopeSpans& ss) { return scope_spans(ss, depth + 1); });
      if (k == "schemaUrl") return string(rs.schema_url);
      return skip_value();
    });
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  std::uint32_t max_depth_;
  std::uint32_t json_limit_;
  std::uint32_t json_depth_ = 0;
  detail::DecodeBudget budget_;
  DecodeError error_ = DecodeError::ok;
  std::size_t error_offset_ = 0;
  std::string key_buf_;  // keys with escapes
  std::string scratch_;  // values with escapes
  std::string bytes_;    // a bytes value decoded, on its way to protobuf
  std::string packed_;   // a repeated scalar's values, on their way to one packed field
  std::uint64_t cap_ = 0;  // request_protobuf's bound on its output
};

}  // namespace

DecodeStatus decode_trace_request_json(std::string_view json, TraceRequest& out, const DecodeOptions& options) {
  out = TraceRequest{};
  Parser parser(json, options.max_depth, options.limits.value_or(DecodeLimits::for_body(json.size())));
  return parser.document([&] { return parser.request(out); });
}

DecodeStatus decode_request_json_protobuf(Signal signal, std::string_view json, std::string& out,
                                         const DecodeOptions& options) {
  const DecodeLimits limits = options.limits.value_or(DecodeLimits::for_body(json.size()));
  Parser parser(json, options.max_depth, limits);
  const std::uint64_t cap = out.size() + limits.decoded_bytes;
  return parser.document([&] { return parser.request_protobuf(detail::request_schema(signal), cap, out); });
}

DecodeStatus decode_response_json(Signal signal, std::string_view json, std::optional<PartialSuccess>& partial) {
  partial.reset();
  Parser parser(json, DecodeOptions{}.max_depth, detail::kNoLimits);
  // The rejected count's name: Export*ServiceResponse.partial_success (1), its field 1.
  const detail::MessageSchema& partial_schema = *detail::find_field(detail::response_schema(signal), 1)->message;
  const std::string_view rejected_key = detail::find_field(partial_schema, 1)->json_name;
  return parser.document([&] { return parser.response(rejected_key, partial); });
}

DecodeStatus decode_rpc_status_json(std::string_view json, RpcStatus& out) {
  out = RpcStatus{};
  Parser parser(json, DecodeOptions{}.max_depth, detail::kNoLimits);
  return parser.document([&] { return parser.rpc_status(out); });
}

}  // namespace otlp
