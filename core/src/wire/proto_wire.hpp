// Internal: the protobuf wire writer shared by the request encoder and the span recorder.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "otlp/model/ids.hpp"
#include "otlp/model/span.hpp"
#include "otlp/model/value.hpp"
#include "wire/otlp_fields.hpp"

namespace otlp::detail {

enum WireType : std::uint32_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

constexpr std::uint32_t tag(std::uint32_t field, WireType wt) { return field << 3 | wt; }

constexpr std::size_t varint_size(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Raw writes into memory the caller has sized; each returns the advanced pointer.
inline char* put_varint(char* p, std::uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}
// Copies up to 64 bytes as two fixed-size pieces that may overlap (the first and the last
// 2, 4, 8, 16 or 32 bytes): most fields are short (keys, small values), and in WebAssembly a
// variable-length copy is a memory.copy with a fixed cost of its own, while fixed-size copies
// are plain loads and stores. Natively it beats a memcpy call too.
inline char* put_bytes(char* p, const void* data, std::size_t n) {
  const auto* src = static_cast<const char*>(data);
  char* const end = p + n;
  if (n > 64) {
    std::memcpy(p, src, n);
  } else if (n > 16) {
    if (n > 32) {
      std::memcpy(p, src, 32);
      std::memcpy(end - 32, src + n - 32, 32);
    } else {
      std::memcpy(p, src, 16);
      std::memcpy(end - 16, src + n - 16, 16);
    }
  } else if (n >= 8) {
    std::memcpy(p, src, 8);
    std::memcpy(end - 8, src + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(p, src, 4);
    std::memcpy(end - 4, src + n - 4, 4);
  } else if (n >= 2) {
    std::memcpy(p, src, 2);
    std::memcpy(end - 2, src + n - 2, 2);
  } else if (n == 1) {
    *p = *src;
  }
  return end;
}
// sint32's zigzag mapping: 0, -1, 1, -2 ... as 0, 1, 2, 3 ... and back.
constexpr std::uint32_t zigzag32(std::int32_t v) {
  return (static_cast<std::uint32_t>(v) << 1) ^ static_cast<std::uint32_t>(v >> 31);
}
constexpr std::int32_t unzigzag32(std::uint32_t z) { return static_cast<std::int32_t>((z >> 1) ^ (0u - (z & 1))); }
static_assert(zigzag32(-1) == 1 && zigzag32(1) == 2 && unzigzag32(zigzag32(-2147483647 - 1)) == -2147483647 - 1);

inline std::uint64_t double_bits(double d) {
  std::uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

inline char* put_fixed64(char* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(v >> (8 * i));
  return p + 8;
}
inline char* put_fixed32(char* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (8 * i));
  return p + 4;
}

class Writer {
 public:
  // A greedy writer sizes the string to its whole capacity up front (few, large resizes: for
  // requests); an exact one grows it only by what each ensure() asks (for small appends to a
  // long-lived buffer, where zero-filling the spare capacity every time would dominate).
  enum class Growth { greedy, exact };
  explicit Writer(std::string& out, Growth growth = Growth::greedy) : out_(out), growth_(growth) {
    const std::size_t used = out.size();
    if (growth == Growth::greedy) out_.resize(std::max(out_.capacity(), used + 256));
    rebase(used);
  }
  // Writes after `length` bytes of a string kept at full size; the destructor stores the new
  // length back instead of resizing, so many small appends cost no resize at all.
  Writer(std::string& out, std::size_t& length) : out_(out), growth_(Growth::exact), length_(&length) {
    rebase(length);
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  ~Writer() {
    if (length_) {
      *length_ = offset();
    } else {
      out_.resize(offset());
    }
  }

  // Every raw_* call must be covered by an earlier ensure().
  void ensure(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) grow(n);
  }

  void raw_varint(std::uint64_t v) { p_ = put_varint(p_, v); }
  void raw_tag(std::uint32_t t) {
    if (t < 0x80) {
      *p_++ = static_cast<char>(t);
    } else {
      raw_varint(t);
    }
  }
  void raw_bytes(const void* data, std::size_t n) { p_ = put_bytes(p_, data, n); }
  void raw_fixed64(std::uint64_t v) { p_ = put_fixed64(p_, v); }
  void raw_fixed32(std::uint32_t v) { p_ = put_fixed32(p_, v); }
  // A run of raw writes through a local cursor: room for `n` bytes, then commit() where the
  // run ended. Stores through a char* may alias the member cursor, so a run of raw_* calls
  // reloads and stores it around every byte; a local cursor stays in a register.
  char* reserve(std::size_t n) {
    ensure(n);
    return p_;
  }
  void commit(char* p) { p_ = p; }

  // Fields that proto3 omits when they hold their default.
  void string_field(std::uint32_t field, std::string_view s) {
    if (s.empty()) return;
    len_field(field, s);
  }
  void len_field(std::uint32_t field, std::string_view s) {  // written even when empty
    ensure(12 + s.size());
    raw_tag(tag(field, kLen));
    raw_varint(s.size());
    raw_bytes(s.data(), s.size());
  }
  void varint_field(std::uint32_t field, std::uint64_t v) {
    if (v == 0) return;
    ensure(12);
    raw_tag(tag(field, kVarint));
    raw_varint(v);
  }
  void sint32_field(std::uint32_t field, std::int32_t v) { varint_field(field, zigzag32(v)); }
  // A packed repeated varint field; omitted when empty, as proto3 does.
  void packed_varint_field(std::uint32_t field, const std::uint64_t* values, std::size_t n) {
    if (n == 0) return;
    std::size_t len = 0;
    for (std::size_t i = 0; i < n; ++i) len += varint_size(values[i]);
    ensure(12 + len);
    raw_tag(tag(field, kLen));
    raw_varint(len);
    for (std::size_t i = 0; i < n; ++i) raw_varint(values[i]);
  }
  void fixed64_field(std::uint32_t field, std::uint64_t v) {
    if (v == 0) return;
    present_fixed64_field(field, v);
  }
  // Written even when zero: a oneof member or an optional field is present as set.
  void present_fixed64_field(std::uint32_t field, std::uint64_t v) {
    ensure(10);
    raw_tag(tag(field, kFixed64));
    raw_fixed64(v);
  }
  void double_field(std::uint32_t field, double d) {  // omitted when +0.0, as proto3 does
    fixed64_field(field, double_bits(d));
  }
  void present_double_field(std::uint32_t field, double d) { present_fixed64_field(field, double_bits(d)); }
  // A packed repeated fixed64 field (doubles as their bits); omitted when empty, as proto3 does.
  void packed_fixed64_field(std::uint32_t field, const std::uint64_t* values, std::size_t n) {
    if (n == 0) return;
    ensure(12 + 8 * n);
    raw_tag(tag(field, kLen));
    raw_varint(8 * n);
    for (std::size_t i = 0; i < n; ++i) raw_fixed64(values[i]);
  }
  void fixed32_field(std::uint32_t field, std::uint32_t v) {
    if (v == 0) return;
    ensure(6);
    raw_tag(tag(field, kFixed32));
    raw_fixed32(v);
  }
  template <std::size_t N>
  void id_field(std::uint32_t field, const Id<N>& id) {
    if (!id.valid()) return;
    ensure(2 + N);
    raw_tag(tag(field, kLen));
    raw_varint(N);
    raw_bytes(id.bytes.data(), N);
  }

  // Opens a length-delimited field, reserving `guess` bytes for its length.
  struct Mark {
    std::size_t len_at;
    std::size_t guess;
  };
  Mark open(std::uint32_t field, std::size_t guess) {
    ensure(2 + guess);
    raw_tag(tag(field, kLen));
    Mark m{offset(), guess};
    p_ += guess;
    return m;
  }
  void close(Mark m) {
    const std::size_t body_at = m.len_at + m.guess;
    const std::size_t len = offset() - body_at;
    const std::size_t need = varint_size(len);
    if (need != m.guess) {
      if (need > m.guess) ensure(need - m.guess);
      char* base = out_.data();
      std::memmove(base + m.len_at + need, base + body_at, len);
      p_ = p_ - m.guess + need;
    }
    char* end = p_;
    p_ = out_.data() + m.len_at;
    raw_varint(len);
    p_ = end;
  }

 private:
  std::size_t offset() const { return static_cast<std::size_t>(p_ - out_.data()); }
  void rebase(std::size_t at) {
    p_ = out_.data() + at;
    end_ = out_.data() + out_.size();
  }
  void grow(std::size_t n) {
    const std::size_t at = offset();
    out_.resize(growth_ == Growth::greedy || length_ ? std::max(at + n, out_.size() * 2) : at + n);
    rebase(at);
  }

  std::string& out_;
  Growth growth_;
  std::size_t* length_ = nullptr;
  char* p_ = nullptr;
  char* end_ = nullptr;
};

// KeyValue fields with scalar values, sized up front so they need no backpatch, each written as
// one run through a local cursor. `value_field` is the AnyValue member (field::any_value).
inline std::size_t kv_key_size(std::string_view key) {
  return key.empty() ? 0 : 1 + varint_size(key.size()) + key.size();
}
// Reserves room for the whole KeyValue field (its AnyValue holding `value_size` bytes) and
// writes up to the AnyValue's length; returns where the value goes.
[[gnu::always_inline]] inline char* kv_header(Writer& w, std::uint32_t number, std::string_view key,
                                              std::size_t value_size) {
  // Nearly every attribute has a key and fits in 127 bytes: every tag and length is one byte.
  if (const std::size_t small = 2 + key.size() + 2 + value_size;
      small < 0x80 && !key.empty() && tag(number, kLen) < 0x80) {
    char* p = w.reserve(2 + small);
    p[0] = static_cast<char>(tag(number, kLen));
    p[1] = static_cast<char>(small);
    p[2] = static_cast<char>(tag(field::key_value::key, kLen));
    p[3] = static_cast<char>(key.size());
    p = put_bytes(p + 4, key.data(), key.size());
    p[0] = static_cast<char>(tag(field::key_value::value, kLen));
    p[1] = static_cast<char>(value_size);
    return p + 2;
  }
  const std::size_t key_size = kv_key_size(key);
  const std::size_t kv_size = key_size + 1 + varint_size(value_size) + value_size;
  char* p = w.reserve(2 + varint_size(kv_size) + kv_size);
  p = put_varint(p, tag(number, kLen));
  p = put_varint(p, kv_size);
  if (key_size) {
    *p++ = static_cast<char>(tag(field::key_value::key, kLen));
    p = put_varint(p, key.size());
    p = put_bytes(p, key.data(), key.size());
  }
  *p++ = static_cast<char>(tag(field::key_value::value, kLen));
  return put_varint(p, value_size);
}
inline void kv_string(Writer& w, std::uint32_t number, std::string_view key, std::uint32_t value_field,
                      std::string_view s) {
  char* p = kv_header(w, number, key, 1 + varint_size(s.size()) + s.size());
  *p++ = static_cast<char>(tag(value_field, kLen));
  p = put_varint(p, s.size());
  w.commit(put_bytes(p, s.data(), s.size()));
}
inline void kv_bool(Writer& w, std::uint32_t number, std::string_view key, bool b) {
  char* p = kv_header(w, number, key, 2);
  *p++ = static_cast<char>(tag(field::any_value::bool_value, kVarint));
  *p++ = static_cast<char>(b);
  w.commit(p);
}
inline void kv_int(Writer& w, std::uint32_t number, std::string_view key, std::int64_t v) {
  const auto u = static_cast<std::uint64_t>(v);
  char* p = kv_header(w, number, key, 1 + varint_size(u));
  *p++ = static_cast<char>(tag(field::any_value::int_value, kVarint));
  w.commit(put_varint(p, u));
}
inline void kv_double(Writer& w, std::uint32_t number, std::string_view key, double d) {
  char* p = kv_header(w, number, key, 9);
  *p++ = static_cast<char>(tag(field::any_value::double_value, kFixed64));
  w.commit(put_fixed64(p, double_bits(d)));
}
inline void kv_empty(Writer& w, std::uint32_t number, std::string_view key) {
  w.commit(kv_header(w, number, key, 0));
}

}  // namespace otlp::detail

namespace otlp::detail {
// Resource and scope messages as field `number`, omitted when empty (proto_writer.cpp).
void write_resource(Writer& w, std::uint32_t number, const Resource& r);
void write_scope(Writer& w, std::uint32_t number, const InstrumentationScope& s);
// Any KeyValue, nested values included (defined in proto_writer.cpp).
void write_key_value(Writer& w, std::uint32_t number, std::string_view key, const AnyValue& value);
// An AnyValue message as field `number` (written even when empty: its presence is the value).
void write_any_value(Writer& w, std::uint32_t number, const AnyValue& value);
}  // namespace otlp::detail
