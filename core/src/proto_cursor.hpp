// Internal: the protobuf read cursor. Each message is read through a two-pointer cursor over
// exactly its own bytes, so no read can pass the end of the input or of an enclosing message;
// every field is read whole (tag and value) before it is looked at, so unknown fields are
// skipped. Errors are values: the first one stops the walk with its byte offset. The request
// reader (proto_reader.cpp) and the OTLP/JSON transcoder (json_transcode.cpp) both walk with it.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <string>

#include "otlp/decode.hpp"
#include "otlp/ids.hpp"
#include "proto_wire.hpp"

namespace otlp::detail {

struct Context {
  const char* base = nullptr;
  std::uint32_t max_depth = 0;
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

// A cursor over the bytes of one message at a given nesting depth.
class Message {
 public:
  Message() = default;
  Message(Context& ctx, const char* begin, const char* end, std::uint32_t depth)
      : ctx_(&ctx), p_(begin), end_(end), depth_(depth) {}

  // Reads the next field, tag and value. False at the end of the message or on an error
  // (then ok() is false); a length-delimited value is checked to lie within the message.
  bool next() {
    if (p_ == end_) return false;
    tag_at_ = p_;
    std::uint64_t tag;
    if (!read_varint(*ctx_, p_, end_, tag)) return false;
    number_ = tag >> 3;
    wire_ = static_cast<std::uint32_t>(tag & 7);
    if (number_ == 0) return ctx_->fail(DecodeError::bad_wire_type, tag_at_);
    switch (wire_) {
      case kVarint: return read_varint(*ctx_, p_, end_, value_);
      case kFixed64: return fixed(8);
      case kFixed32: return fixed(4);
      case kLen: {
        const char* const len_at = p_;
        std::uint64_t n;
        if (!read_varint(*ctx_, p_, end_, n)) return false;
        if (n > static_cast<std::uint64_t>(end_ - p_)) return ctx_->fail(DecodeError::length_past_end, len_at);
        data_ = p_;
        size_ = static_cast<std::size_t>(n);
        p_ += size_;
        return true;
      }
      default: return ctx_->fail(DecodeError::bad_wire_type, tag_at_);
    }
  }

  bool ok() const { return ctx_->status.ok(); }
  std::uint32_t depth() const { return depth_; }
  const char* tag_at() const { return tag_at_; }
  std::uint64_t number() const { return number_; }
  std::uint64_t value() const { return value_; }
  const char* data() const { return data_; }
  std::size_t size() const { return size_; }

  // Typed access to the current field; each refuses a field of another wire type.
  bool is(WireType w) { return wire_ == w || ctx_->fail(DecodeError::wrong_wire_type, tag_at_); }
  bool string(std::string& s) {
    if (!is(kLen)) return false;
    s.assign(data_, size_);
    return true;
  }
  bool uint32(std::uint32_t& v) {
    if (!is(kVarint)) return false;
    v = static_cast<std::uint32_t>(value_);  // protobuf keeps the low 32 bits
    return true;
  }
  bool fixed64(std::uint64_t& v) {
    if (!is(kFixed64)) return false;
    v = value_;
    return true;
  }
  bool fixed32(std::uint32_t& v) {
    if (!is(kFixed32)) return false;
    v = static_cast<std::uint32_t>(value_);
    return true;
  }
  // An id is empty (the invalid all-zero id) or exactly N bytes.
  template <std::size_t N>
  bool id(Id<N>& out) {
    if (!is(kLen)) return false;
    if (size_ == 0) {
      out = Id<N>{};
      return true;
    }
    if (size_ != N) return ctx_->fail(DecodeError::bad_id_length, tag_at_);
    std::memcpy(out.bytes.data(), data_, N);
    return true;
  }
  // The current field as a nested message one level deeper.
  bool child(Message& sub) {
    if (!is(kLen)) return false;
    if (depth_ >= ctx_->max_depth) return ctx_->fail(DecodeError::too_deep, tag_at_);
    sub = Message(*ctx_, data_, data_ + size_, depth_ + 1);
    return true;
  }

  // How many fields numbered `a`, `b` and `c` follow the cursor in this message (0 matches
  // nothing), to reserve space up front; a malformed tail ends the count and is left for the
  // decoding pass to report. Costs one more walk over this message's tags, not its contents.
  std::array<std::size_t, 3> count(std::uint64_t a, std::uint64_t b = 0, std::uint64_t c = 0) const {
    Context scratch;
    scratch.base = ctx_->base;
    Message scan(scratch, p_, end_, 0);
    std::array<std::size_t, 3> n{};
    while (scan.next()) {
      const std::uint64_t f = scan.number_;
      if (f == a) ++n[0];
      else if (f == b) ++n[1];
      else if (f == c) ++n[2];
    }
    return n;
  }

 private:
  bool fixed(unsigned n) {
    if (static_cast<std::size_t>(end_ - p_) < n) return ctx_->fail(DecodeError::truncated, p_);
    value_ = load_le(p_, n);
    p_ += n;
    return true;
  }

  Context* ctx_ = nullptr;
  const char* p_ = nullptr;
  const char* end_ = nullptr;
  std::uint32_t depth_ = 0;
  // The current field.
  const char* tag_at_ = nullptr;
  std::uint64_t number_ = 0;
  std::uint32_t wire_ = 0;
  std::uint64_t value_ = 0;
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};


}  // namespace otlp::detail
