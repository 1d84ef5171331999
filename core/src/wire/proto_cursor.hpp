// Internal: the protobuf read cursor. Each message is read through a two-pointer cursor over
// exactly its own bytes, so no read can pass the end of the input or of an enclosing message;
// every field is read whole (tag and value) before it is looked at, so unknown fields are
// skipped. Errors are values: the first one stops the walk with its byte offset. The request
// reader and validating pass (proto_reader.cpp) and the OTLP/JSON transcoder
// (json_transcode.cpp) all walk with it.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "wire/decode_budget.hpp"
#include "otlp/wire/decode.hpp"
#include "otlp/model/ids.hpp"
#include "otlp/model/span.hpp"
#include "wire/proto_wire.hpp"

namespace otlp::detail {

// Where the validating pass has no model object of type T.
template <class T>
struct Skip {};
template <class T>
inline constexpr bool kIsSkip = false;
template <class T>
inline constexpr bool kIsSkip<Skip<T>> = true;
// Whether an output (a model object, or a Skip) is really built.
template <class Out>
inline constexpr bool kBuilds = !kIsSkip<std::remove_cvref_t<Out>>;

struct Context {
  Context(const char* input, std::uint32_t depth_limit, const DecodeLimits& limits)
      : base(input), max_depth(depth_limit), budget(limits) {}

  const char* base;
  std::uint32_t max_depth;
  std::uint32_t depth = 0;  // cursors open, so the depth of the next one
  detail::DecodeBudget budget;
  std::uint64_t items = 0;  // the signal's unit (spans, log records) read so far
  DecodeStatus status;

  bool fail(DecodeError error, const char* at) {
    status.error = error;
    status.offset = static_cast<std::size_t>(at - base);
    return false;
  }
};

// Reads a varint from [p, end), advancing p. At most 10 bytes; the 10th may only be 0 or 1.
inline bool read_varint(Context& ctx, const char*& p, const char* end, std::uint64_t& out) {
  if (p != end && static_cast<std::uint8_t>(*p) < 0x80) {
    out = static_cast<std::uint8_t>(*p++);
    return true;
  }
  const char* const start = p;
  std::uint64_t v = 0;
  for (unsigned i = 0; i < 10; ++i) {
    if (p == end) return ctx.fail(DecodeError::truncated, start);
    const auto b = static_cast<std::uint8_t>(*p++);
    if (i == 9 && b > 1) return ctx.fail(DecodeError::overlong_varint, start);
    v |= static_cast<std::uint64_t>(b & 0x7f) << (7 * i);
    if (b < 0x80) {
      out = v;
      return true;
    }
  }
  return ctx.fail(DecodeError::overlong_varint, start);  // not reached: byte 10 ends or fails
}

inline std::uint64_t load_le(const char* p, unsigned n) {
  std::uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(p[i])) << (8 * i);
  return v;
}

// The values of a packed repeated scalar (its length-delimited form, `run`) of wire type `w`,
// each handed to `each`; false, with the error at the field's tag `at`, when the run does not
// split into whole values.
template <class F>
bool packed_values(Context& ctx, const char* at, std::string_view run, std::uint32_t w, F&& each) {
  const char* p = run.data();
  const char* const end = p + run.size();
  const unsigned width = w == kFixed64 ? 8 : w == kFixed32 ? 4 : 0;
  if (width != 0 && run.size() % width != 0) return ctx.fail(DecodeError::truncated, at);
  while (p < end) {
    std::uint64_t v;
    if (width != 0) {
      v = load_le(p, width);
      p += width;
    } else if (!read_varint(ctx, p, end, v)) {
      return false;
    }
    each(v);
  }
  return true;
}

// One field as read_field() finds it.
struct Field {
  const char* end;       // where the next field starts
  std::uint64_t number;
  std::uint32_t wire;
  std::uint64_t value;   // varint and fixed-width values
  const char* data;      // length-delimited values
  std::size_t size;
};

// Reads the field whose tag is at `p`, tag and value, within [p, end); false on an error,
// reported to `ctx`.
inline bool read_field(Context& ctx, const char* p, const char* end, Field& f) {
  const char* const tag_at = p;
  std::uint64_t tag;
  if (!read_varint(ctx, p, end, tag)) return false;
  f.number = tag >> 3;
  f.wire = static_cast<std::uint32_t>(tag & 7);
  f.value = 0;
  f.data = nullptr;
  f.size = 0;
  if (f.number == 0) return ctx.fail(DecodeError::bad_wire_type, tag_at);
  switch (f.wire) {
    case kVarint:
      if (!read_varint(ctx, p, end, f.value)) return false;
      break;
    case kFixed64:
    case kFixed32: {
      const unsigned n = f.wire == kFixed64 ? 8 : 4;
      if (static_cast<std::size_t>(end - p) < n) return ctx.fail(DecodeError::truncated, p);
      f.value = load_le(p, n);
      p += n;
      break;
    }
    case kLen: {
      const char* const len_at = p;
      std::uint64_t n;
      if (!read_varint(ctx, p, end, n)) return false;
      if (n > static_cast<std::uint64_t>(end - p)) return ctx.fail(DecodeError::length_past_end, len_at);
      f.data = p;
      f.size = static_cast<std::size_t>(n);
      p += f.size;
      break;
    }
    default: return ctx.fail(DecodeError::bad_wire_type, tag_at);
  }
  f.end = p;
  return true;
}

// Every member of the cursor that a read function calls is inlined into it: one left out of
// line would take the cursor's address, and the cursor would live in memory instead of
// registers (half again the time of the validating pass).
#define OTLP_INLINE [[gnu::always_inline]] inline

// A cursor over the bytes of one message, open while it lives (for the depth limit). Each
// read function makes its own from the bytes it is given, so that the cursor never leaves
// it and lives in registers.
class Message {
 public:
  Message(Context& ctx, std::string_view bytes)
      : ctx_(ctx), p_(bytes.data()), end_(bytes.data() + bytes.size()), depth_(ctx.depth++) {}
  ~Message() { --ctx_.depth; }
  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;

  // Reads the next field, tag and value. False at the end of the message or on an error
  // (then ok() is false); a length-delimited value is checked to lie within the message.
  // Inline for the common shapes (a one-byte tag, a one-byte varint or length, a fixed-width
  // value), which are most of every OTLP request; the rest goes through read_field().
  OTLP_INLINE bool next() {
    if (p_ == end_) return false;
    tag_at_ = p_;
    const auto tag = static_cast<std::uint8_t>(*p_);
    const std::size_t left = static_cast<std::size_t>(end_ - p_);
    if (tag >= 8 && tag < 0x80) {
      number_ = tag >> 3;
      wire_ = tag & 7u;
      switch (wire_) {
        case kLen:
          if (left >= 2 && static_cast<std::uint8_t>(p_[1]) <= std::min<std::size_t>(left - 2, 0x7f)) {
            size_ = static_cast<std::uint8_t>(p_[1]);
            data_ = p_ + 2;
            p_ = data_ + size_;
            return true;
          }
          break;
        case kVarint:
          if (left >= 2 && static_cast<std::uint8_t>(p_[1]) < 0x80) {
            value_ = static_cast<std::uint8_t>(p_[1]);
            p_ += 2;
            return true;
          }
          break;
        case kFixed64:
          if (left >= 9) {
            value_ = load_le(p_ + 1, 8);
            p_ += 9;
            return true;
          }
          break;
        case kFixed32:
          if (left >= 5) {
            value_ = load_le(p_ + 1, 4);
            p_ += 5;
            return true;
          }
          break;
        default: break;
      }
    }
    Field f;
    if (!read_field(ctx_, tag_at_, end_, f)) return false;
    p_ = f.end;
    number_ = f.number;
    wire_ = f.wire;
    value_ = f.value;
    data_ = f.data;
    size_ = f.size;
    return true;
  }

  OTLP_INLINE bool ok() const { return ctx_.status.ok(); }
  std::uint32_t depth() const { return depth_; }  // the request is 0
  const char* tag_at() const { return tag_at_; }
  std::uint64_t number() const { return number_; }
  std::uint32_t wire() const { return wire_; }
  std::uint64_t value() const { return value_; }
  const char* data() const { return data_; }
  std::size_t size() const { return size_; }

  // Typed access to the current field, into a model member or a Skip of its type; each
  // refuses a field of another wire type.
  OTLP_INLINE bool is(WireType w) { return wire_ == w || ctx_.fail(DecodeError::wrong_wire_type, tag_at_); }
  template <class Out>
  OTLP_INLINE bool string(Out&& out) {  // string or bytes
    if (!is(kLen) || !charged(ctx_.budget.bytes(size_))) return false;
    if constexpr (kBuilds<Out>) out.assign(data_, size_);
    return true;
  }
  template <class Out>
  OTLP_INLINE bool uint32(Out&& out) {
    if (!is(kVarint)) return false;
    if constexpr (kBuilds<Out>) out = static_cast<std::uint32_t>(value_);  // protobuf keeps the low 32 bits
    return true;
  }
  template <class Out>
  OTLP_INLINE bool int64(Out&& out) {
    if (!is(kVarint)) return false;
    if constexpr (kBuilds<Out>) out = static_cast<std::int64_t>(value_);
    return true;
  }
  template <class Out>
  OTLP_INLINE bool boolean(Out&& out) {
    if (!is(kVarint)) return false;
    if constexpr (kBuilds<Out>) out = value_ != 0;
    return true;
  }
  template <class Out>
  OTLP_INLINE bool fixed64(Out&& out) {
    if (!is(kFixed64)) return false;
    if constexpr (kBuilds<Out>) out = value_;
    return true;
  }
  template <class Out>
  OTLP_INLINE bool fixed32(Out&& out) {
    if (!is(kFixed32)) return false;
    if constexpr (kBuilds<Out>) out = static_cast<std::uint32_t>(value_);
    return true;
  }
  template <class Out>
  OTLP_INLINE bool dbl(Out&& out) {
    if (!is(kFixed64)) return false;
    if constexpr (kBuilds<Out>) std::memcpy(&out, &value_, sizeof out);
    return true;
  }
  // An enum whose known values are 0..`last`; others become 0 (unspecified, unset).
  template <class Out>
  OTLP_INLINE bool enumeration(Out&& out, std::uint32_t last) {
    if (!is(kVarint)) return false;
    if constexpr (kBuilds<Out>) {
      const auto v = static_cast<std::uint32_t>(value_);
      out = v <= last ? static_cast<std::remove_cvref_t<Out>>(v) : std::remove_cvref_t<Out>{};
    }
    return true;
  }
  // An id is empty (the invalid all-zero id) or exactly N bytes.
  template <std::size_t N>
  OTLP_INLINE bool id(Id<N>& out) {
    if (!id_length(N)) return false;
    if (size_ == 0) {
      out = Id<N>{};
    } else {
      std::memcpy(out.bytes.data(), data_, N);
    }
    return true;
  }
  template <std::size_t N>
  OTLP_INLINE bool id(Skip<Id<N>>) {
    return id_length(N);
  }
  // Whether the current field can be read as a nested message one level deeper; then
  // child() holds its bytes.
  OTLP_INLINE bool enter() {
    if (!is(kLen)) return false;
    return depth_ < ctx_.max_depth || ctx_.fail(DecodeError::too_deep, tag_at_);
  }
  OTLP_INLINE std::string_view child() const { return {data_, size_}; }

  // Charges the current field against the limits (decode_budget.hpp); false, with the error at
  // its tag, when over.
  // One of the signal's items (a span, a log record): a record of `size` bytes, and counted.
  OTLP_INLINE bool item(std::size_t size) {
    if (!charged(ctx_.budget.record(size))) return false;
    ++ctx_.items;
    return true;
  }
  OTLP_INLINE bool record(std::size_t size) { return charged(ctx_.budget.record(size)); }
  OTLP_INLINE bool attribute(std::uint64_t& in_element, std::size_t size) {
    return charged(ctx_.budget.attribute(in_element, size));
  }
  OTLP_INLINE bool bytes(std::size_t size) { return charged(ctx_.budget.bytes(size)); }

  // How many fields numbered `a`, `b` and `c` follow the cursor in this message (0 matches
  // nothing), to reserve room up front: one more walk over this message's tags, not its
  // contents; a malformed tail ends the count and is left for the decoding pass to report.
  std::array<std::size_t, 3> count(std::uint64_t a, std::uint64_t b = 0, std::uint64_t c = 0) const {
    Context scratch(ctx_.base, 0, kNoLimits);
    Message scan(scratch, std::string_view(p_, static_cast<std::size_t>(end_ - p_)));
    std::array<std::size_t, 3> n{};
    while (scan.next()) {
      const std::uint64_t f = scan.number_;
      if (f == a) ++n[0];
      else if (f == b) ++n[1];
      else if (f == c) ++n[2];
    }
    return n;
  }
  // Reserves room in `items` for `count` more, no more than the limits let decode, so that
  // the model's vectors are as large as the budget counts them.
  template <class T>
  void reserve(std::vector<T>& items, std::size_t count) const {
    items.reserve(items.size() + ctx_.budget.affordable(count, sizeof(T)));
  }

 private:
  OTLP_INLINE bool id_length(std::size_t n) {
    if (!is(kLen)) return false;
    return size_ == 0 || size_ == n || ctx_.fail(DecodeError::bad_id_length, tag_at_);
  }
  OTLP_INLINE bool charged(DecodeError e) { return e == DecodeError::ok || ctx_.fail(e, tag_at_); }

  Context& ctx_;
  const char* p_;
  const char* end_;
  std::uint32_t depth_;
  // The current field, set by next().
  const char* tag_at_ = nullptr;
  std::uint64_t number_ = 0;
  std::uint32_t wire_ = 0;
  std::uint64_t value_ = 0;
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace otlp::detail
