// Protobuf decoding of OTLP trace messages into the model, and the validating pass.
//
// Each message is read through a two-pointer cursor over exactly its own bytes, so no read
// can pass the end of the input or of an enclosing message. Every field is read whole (tag
// and value) before it is looked at; unknown fields are thereby skipped. Errors are values:
// the first one found stops decoding and is reported with its byte offset.
//
// Each message's wire format is written once, as a function template over its output: the
// model object to fill (decode_trace_request), or Skip<T> where the validating pass
// (validate_trace_request) builds nothing. Both walk the same code, so they refuse the same
// inputs with the same error at the same offset, and count the same limits (decode_budget.hpp).
//
// Decisions (see also proto_reader.hpp):
// - A singular message field that occurs more than once is merged, as libprotobuf does:
//   scalars and strings of the later occurrence replace, repeated fields append. The same
//   holds for AnyValue: a oneof member of another kind replaces the value, a second
//   array_value/kvlist_value appends to the first.
// - Unknown SpanKind (outside 0..5) and StatusCode (outside 0..2) values become
//   unspecified/unset: proto3 keeps unknown enum values, but the model's enums cannot hold
//   them and "a kind we do not know" is what unspecified means to a consumer. Like protobuf,
//   an enum is the low 32 bits of its varint read as int32 (negative values are unknown).
// - uint32 fields take the low 32 bits of a longer varint, as protobuf does.
// - Strings are taken as bytes; invalid UTF-8 is not refused (the Collector does the same).
// - Error offsets: framing errors (truncated, length_past_end, overlong_varint) point at the
//   first byte of the varint, length or fixed-width value concerned; field errors
//   (bad_wire_type, wrong_wire_type, bad_id_length, too_deep, the limits) at the field's tag.
// - Depth: the request is depth 0 and each nested message one more; a message is refused
//   before it is entered, so recursion (AnyValue in AnyValue) is bounded by max_depth.
// - Limits: a record, attribute or string is charged when its field is read, before it is
//   decoded; "per element" counts the attributes (or values) of one message as it arrives.
#include "otlp/proto_reader.hpp"

#include "decode_budget.hpp"
#include "otlp/retry.hpp"
#include "otlp/rpc_status.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <type_traits>

namespace otlp {
namespace {

enum WireType : std::uint32_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
constexpr DecodeLimits kNoLimits{kMax, kMax, kMax, kMax};

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

// The member `member` of a model object, or a Skip of its type.
template <class T, class M>
M& at(T& object, M T::*member) {
  return object.*member;
}
template <class T, class M>
Skip<M> at(Skip<T>, M T::*) {
  return {};
}
// A new last element of a repeated field.
template <class T>
T& add(std::vector<T>& items) {
  return items.emplace_back();
}
template <class T>
Skip<T> add(Skip<std::vector<T>>) {
  return {};
}

struct Context {
  Context(const char* input, std::uint32_t depth_limit, const DecodeLimits& limits)
      : base(input), max_depth(depth_limit), budget(limits) {}

  const char* base;
  std::uint32_t max_depth;
  std::uint32_t depth = 0;  // messages open: the request is 1
  detail::DecodeBudget budget;
  std::uint64_t spans = 0;
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
bool read_field(Context& ctx, const char* p, const char* end, Field& f) {
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
  Message(Context& ctx, std::string_view bytes) : ctx_(ctx), p_(bytes.data()), end_(bytes.data() + bytes.size()) {
    ++ctx.depth;
  }
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
  std::uint64_t number() const { return number_; }
  std::uint64_t value() const { return value_; }

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
    return ctx_.depth <= ctx_.max_depth || ctx_.fail(DecodeError::too_deep, tag_at_);
  }
  OTLP_INLINE std::string_view child() const { return {data_, size_}; }

  // Charges the current field against the limits (decode_budget.hpp); false, with the error at
  // its tag, when over.
  OTLP_INLINE bool span() {
    if (!charged(ctx_.budget.record(sizeof(SpanData)))) return false;
    ++ctx_.spans;
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
  // The current field, set by next().
  const char* tag_at_ = nullptr;
  std::uint64_t number_ = 0;
  std::uint32_t wire_ = 0;
  std::uint64_t value_ = 0;
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

// ---- each message's wire format, once -------------------------------------------------------

template <class Value>
bool read_any_value(Context& ctx, std::string_view bytes, Value&& v);

template <class Kv>
bool read_key_value(Context& ctx, std::string_view bytes, Kv&& kv) {
  Message m(ctx, bytes);
  while (m.next()) {
    switch (m.number()) {
      case 1:
        if (!m.string(at(kv, &KeyValue::key))) return false;
        break;
      case 2:
        if (!m.enter() || !read_any_value(ctx, m.child(), at(kv, &KeyValue::value))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

// Appends the current field of `m` as a KeyValue to `attrs`, the next of its element. Inline,
// so that the cursor of the element being read stays in registers.
template <class Attrs>
OTLP_INLINE bool read_attribute(Context& ctx, Message& m, Attrs&& attrs, std::uint64_t& in_element) {
  return m.enter() && m.attribute(in_element, sizeof(KeyValue)) && read_key_value(ctx, m.child(), add(attrs));
}

template <class Values>
bool read_array(Context& ctx, std::string_view bytes, Values&& values) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Values>) m.reserve(values, m.count(1)[0]);
  std::uint64_t n = 0;
  while (m.next()) {
    if (m.number() == 1) {
      if (!m.enter() || !m.attribute(n, sizeof(AnyValue)) || !read_any_value(ctx, m.child(), add(values))) return false;
    }
  }
  return m.ok();
}

template <class Kvs>
bool read_kvlist(Context& ctx, std::string_view bytes, Kvs&& kvs) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Kvs>) m.reserve(kvs, m.count(1)[0]);
  std::uint64_t n = 0;
  while (m.next())
    if (m.number() == 1 && !read_attribute(ctx, m, kvs, n)) return false;
  return m.ok();
}

// Makes `v` hold a oneof member of kind `k`, dropping the member it held before.
inline void become(AnyValue& v, AnyValue::Kind k) {
  if (v.kind == k) return;
  if (v.kind == AnyValue::Kind::array) v.array.clear();
  if (v.kind == AnyValue::Kind::kvlist) v.kvlist.clear();
  v.str.clear();
  v.bool_value = false;
  v.int_value = 0;
  v.double_value = 0;
  v.kind = k;
}
inline void become(Skip<AnyValue>, AnyValue::Kind) {}

template <class Value>
bool read_any_value(Context& ctx, std::string_view bytes, Value&& v) {
  Message m(ctx, bytes);
  using Kind = AnyValue::Kind;
  while (m.next()) {
    switch (m.number()) {
      case 1:
        become(v, Kind::string);
        if (!m.string(at(v, &AnyValue::str))) return false;
        break;
      case 2:
        become(v, Kind::boolean);
        if (!m.boolean(at(v, &AnyValue::bool_value))) return false;
        break;
      case 3:
        become(v, Kind::int64);
        if (!m.int64(at(v, &AnyValue::int_value))) return false;
        break;
      case 4:
        become(v, Kind::dbl);
        if (!m.dbl(at(v, &AnyValue::double_value))) return false;
        break;
      case 5:
        if (!m.enter()) return false;
        become(v, Kind::array);
        if (!read_array(ctx, m.child(), at(v, &AnyValue::array))) return false;
        break;
      case 6:
        if (!m.enter()) return false;
        become(v, Kind::kvlist);
        if (!read_kvlist(ctx, m.child(), at(v, &AnyValue::kvlist))) return false;
        break;
      case 7:
        become(v, Kind::bytes);
        if (!m.string(at(v, &AnyValue::str))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

template <class St>
bool read_status(Context& ctx, std::string_view bytes, St&& st) {
  Message m(ctx, bytes);
  while (m.next()) {
    switch (m.number()) {
      case 2:
        if (!m.string(at(st, &Status::message))) return false;
        break;
      case 3:
        if (!m.enumeration(at(st, &Status::code), 2)) return false;
        break;
      default: break;  // includes the reserved field 1
    }
  }
  return m.ok();
}

template <class Ev>
bool read_event(Context& ctx, std::string_view bytes, Ev&& e) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Ev>) m.reserve(e.attributes, m.count(3)[0]);
  std::uint64_t attributes = 0;
  while (m.next()) {
    switch (m.number()) {
      case 1:
        if (!m.fixed64(at(e, &Event::time_unix_nano))) return false;
        break;
      case 2:
        if (!m.string(at(e, &Event::name))) return false;
        break;
      case 3:
        if (!read_attribute(ctx, m, at(e, &Event::attributes), attributes)) return false;
        break;
      case 4:
        if (!m.uint32(at(e, &Event::dropped_attributes_count))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

template <class Ln>
bool read_link(Context& ctx, std::string_view bytes, Ln&& l) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Ln>) m.reserve(l.attributes, m.count(4)[0]);
  std::uint64_t attributes = 0;
  while (m.next()) {
    switch (m.number()) {
      case 1:
        if (!m.id(at(l, &Link::trace_id))) return false;
        break;
      case 2:
        if (!m.id(at(l, &Link::span_id))) return false;
        break;
      case 3:
        if (!m.string(at(l, &Link::trace_state))) return false;
        break;
      case 4:
        if (!read_attribute(ctx, m, at(l, &Link::attributes), attributes)) return false;
        break;
      case 5:
        if (!m.uint32(at(l, &Link::dropped_attributes_count))) return false;
        break;
      case 6:
        if (!m.fixed32(at(l, &Link::flags))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

template <class Span>
bool read_span(Context& ctx, std::string_view bytes, Span&& s) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Span>) {
    s.kind = SpanKind::unspecified;  // the proto3 default of an absent field (the model's is internal)
    const auto n = m.count(9, 11, 13);
    m.reserve(s.attributes, n[0]);
    m.reserve(s.events, n[1]);
    m.reserve(s.links, n[2]);
  }
  std::uint64_t attributes = 0;
  while (m.next()) {
    switch (m.number()) {
      case 1:
        if (!m.id(at(s, &SpanData::trace_id))) return false;
        break;
      case 2:
        if (!m.id(at(s, &SpanData::span_id))) return false;
        break;
      case 3:
        if (!m.string(at(s, &SpanData::trace_state))) return false;
        break;
      case 4:
        if (!m.id(at(s, &SpanData::parent_span_id))) return false;
        break;
      case 5:
        if (!m.string(at(s, &SpanData::name))) return false;
        break;
      case 6:
        if (!m.enumeration(at(s, &SpanData::kind), 5)) return false;
        break;
      case 7:
        if (!m.fixed64(at(s, &SpanData::start_time_unix_nano))) return false;
        break;
      case 8:
        if (!m.fixed64(at(s, &SpanData::end_time_unix_nano))) return false;
        break;
      case 9:
        if (!read_attribute(ctx, m, at(s, &SpanData::attributes), attributes)) return false;
        break;
      case 10:
        if (!m.uint32(at(s, &SpanData::dropped_attributes_count))) return false;
        break;
      case 11:
        if (!m.enter() || !m.record(sizeof(Event)) || !read_event(ctx, m.child(), add(at(s, &SpanData::events)))) return false;
        break;
      case 12:
        if (!m.uint32(at(s, &SpanData::dropped_events_count))) return false;
        break;
      case 13:
        if (!m.enter() || !m.record(sizeof(Link)) || !read_link(ctx, m.child(), add(at(s, &SpanData::links)))) return false;
        break;
      case 14:
        if (!m.uint32(at(s, &SpanData::dropped_links_count))) return false;
        break;
      case 15:
        if (!m.enter() || !read_status(ctx, m.child(), at(s, &SpanData::status))) return false;
        break;
      case 16:
        if (!m.fixed32(at(s, &SpanData::flags))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

template <class Res>
bool read_resource(Context& ctx, std::string_view bytes, Res&& r) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Res>) m.reserve(r.attributes, m.count(1)[0]);
  std::uint64_t attributes = 0;
  while (m.next()) {
    switch (m.number()) {
      case 1:
        if (!read_attribute(ctx, m, at(r, &Resource::attributes), attributes)) return false;
        break;
      case 2:
        if (!m.uint32(at(r, &Resource::dropped_attributes_count))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

template <class Scope>
bool read_scope(Context& ctx, std::string_view bytes, Scope&& s) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Scope>) m.reserve(s.attributes, m.count(3)[0]);
  std::uint64_t attributes = 0;
  while (m.next()) {
    switch (m.number()) {
      case 1:
        if (!m.string(at(s, &InstrumentationScope::name))) return false;
        break;
      case 2:
        if (!m.string(at(s, &InstrumentationScope::version))) return false;
        break;
      case 3:
        if (!read_attribute(ctx, m, at(s, &InstrumentationScope::attributes), attributes)) return false;
        break;
      case 4:
        if (!m.uint32(at(s, &InstrumentationScope::dropped_attributes_count))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

template <class Ss>
bool read_scope_spans(Context& ctx, std::string_view bytes, Ss&& ss) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Ss>) m.reserve(ss.spans, m.count(2)[0]);
  while (m.next()) {
    switch (m.number()) {
      case 1:
        if (!m.enter() || !read_scope(ctx, m.child(), at(ss, &ScopeSpans::scope))) return false;
        break;
      case 2:
        if (!m.enter() || !m.span() || !read_span(ctx, m.child(), add(at(ss, &ScopeSpans::spans)))) return false;
        break;
      case 3:
        if (!m.string(at(ss, &ScopeSpans::schema_url))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

template <class Rs>
bool read_resource_spans(Context& ctx, std::string_view bytes, Rs&& rs) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Rs>) m.reserve(rs.scope_spans, m.count(2)[0]);
  while (m.next()) {
    switch (m.number()) {
      case 1:
        if (!m.enter() || !read_resource(ctx, m.child(), at(rs, &ResourceSpans::resource))) return false;
        break;
      case 2:
        if (!m.enter() || !m.bytes(sizeof(ScopeSpans)) ||
            !read_scope_spans(ctx, m.child(), add(at(rs, &ResourceSpans::scope_spans))))
          return false;
        break;
      case 3:
        if (!m.string(at(rs, &ResourceSpans::schema_url))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

template <class Request>
void read_request(Context& ctx, std::string_view bytes, Request&& out) {
  Message m(ctx, bytes);
  if constexpr (kBuilds<Request>) m.reserve(out.resource_spans, m.count(1)[0]);
  while (m.next()) {
    if (m.number() == 1) {
      if (!m.enter() || !m.bytes(sizeof(ResourceSpans)) ||
          !read_resource_spans(ctx, m.child(), add(at(out, &TraceRequest::resource_spans))))
        return;
    }
  }
}

template <class Ps>
bool read_partial_success(Context& ctx, std::string_view bytes, Ps&& ps) {
  Message m(ctx, bytes);
  while (m.next()) {
    switch (m.number()) {
      case 1:
        if (!m.int64(at(ps, &PartialSuccess::rejected_spans))) return false;
        break;
      case 2:
        if (!m.string(at(ps, &PartialSuccess::error_message))) return false;
        break;
      default: break;
    }
  }
  return m.ok();
}

}  // namespace

DecodeStatus decode_trace_request(std::string_view bytes, TraceRequest& out, const DecodeOptions& options) {
  out.resource_spans.clear();
  Context ctx(bytes.data(), options.max_depth, options.limits.value_or(DecodeLimits::for_body(bytes.size())));
  read_request(ctx, bytes, out);
  return ctx.status;
}

DecodeStatus validate_trace_request(std::string_view bytes, std::uint64_t& spans, const DecodeOptions& options) {
  Context ctx(bytes.data(), options.max_depth, options.limits.value_or(DecodeLimits::for_body(bytes.size())));
  read_request(ctx, bytes, Skip<TraceRequest>{});
  spans = ctx.spans;
  return ctx.status;
}

DecodeStatus decode_trace_response(std::string_view bytes, std::optional<PartialSuccess>& partial) {
  partial.reset();
  Context ctx(bytes.data(), DecodeOptions{}.max_depth, kNoLimits);
  Message m(ctx, bytes);
  while (m.next()) {
    if (m.number() == 1) {
      if (!m.enter()) break;
      if (!partial) partial.emplace();
      if (!read_partial_success(ctx, m.child(), *partial)) break;
    }
  }
  return ctx.status;
}

// ---------------------------------------------------------------------------------------------
// google.rpc.Status (rpc_status.hpp): the gRPC status details trailer.

namespace {

constexpr std::uint64_t kNanosPerSecond = 1'000'000'000;

// google.protobuf.Duration -> nanoseconds, negative as 0, saturating like Retry-After.
bool decode_duration(Context& ctx, std::string_view bytes, std::uint64_t& out) {
  Message m(ctx, bytes);
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;
  while (m.next()) {
    if (m.number() == 1) {
      if (!m.is(kVarint)) return false;
      seconds = static_cast<std::int64_t>(m.value());
    } else if (m.number() == 2) {
      if (!m.is(kVarint)) return false;
      nanos = static_cast<std::int32_t>(static_cast<std::uint32_t>(m.value()));  // int32: low 32 bits
    }
  }
  if (!m.ok()) return false;
  if (seconds < 0) {
    out = 0;
  } else if (static_cast<std::uint64_t>(seconds) >= kRetryAfterMaxSeconds) {
    out = kRetryAfterMaxSeconds * kNanosPerSecond;
  } else {
    const std::int64_t total = seconds * static_cast<std::int64_t>(kNanosPerSecond) + nanos;
    out = total < 0 ? 0 : static_cast<std::uint64_t>(total);
  }
  return true;
}

// google.rpc.RetryInfo { Duration retry_delay = 1; }; an absent delay is a delay of 0.
bool decode_retry_info(Context& ctx, std::string_view bytes, std::uint64_t& delay) {
  Message m(ctx, bytes);
  delay = 0;
  while (m.next()) {
    if (m.number() != 1) continue;
    if (!m.enter() || !decode_duration(ctx, m.child(), delay)) return false;
  }
  return m.ok();
}

bool is_retry_info(std::string_view type_url) {
  const std::size_t slash = type_url.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? type_url : type_url.substr(slash + 1);
  return name == kRetryInfoTypeUrl.substr(kRetryInfoTypeUrl.rfind('/') + 1);
}

// google.protobuf.Any: type_url and value may come in either order, so both are read first.
bool decode_detail(Context& ctx, std::string_view bytes, RpcStatus& out) {
  Message m(ctx, bytes);
  std::string type_url;
  std::string_view value;
  bool has_value = false;
  while (m.next()) {
    if (m.number() == 1) {
      if (!m.string(type_url)) return false;
    } else if (m.number() == 2) {
      if (!m.enter()) return false;
      value = m.child();
      has_value = true;
    }
  }
  if (!m.ok()) return false;
  if (out.retry_delay_ns || !is_retry_info(type_url)) return true;  // the first RetryInfo wins
  std::uint64_t delay = 0;
  if (has_value && !decode_retry_info(ctx, value, delay)) return false;
  out.retry_delay_ns = delay;
  return true;
}

}  // namespace

DecodeStatus decode_rpc_status(std::string_view bytes, RpcStatus& out) {
  out = RpcStatus{};
  Context ctx(bytes.data(), DecodeOptions{}.max_depth, kNoLimits);
  Message m(ctx, bytes);
  while (m.next()) {
    if (m.number() == 1) {
      if (!m.is(kVarint)) break;
      out.code = static_cast<std::int32_t>(static_cast<std::uint32_t>(m.value()));
    } else if (m.number() == 2) {
      if (!m.string(out.message)) break;
    } else if (m.number() == 3) {
      if (!m.enter() || !decode_detail(ctx, m.child(), out)) break;
    }
  }
  return ctx.status;
}

}  // namespace otlp
