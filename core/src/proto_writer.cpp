// Protobuf encoding written straight from the model. Nested messages reserve a guessed
// number of length bytes and backpatch; a wrong guess costs one memmove of that message.
// KeyValues with scalar values have their sizes computed up front (no backpatch at all),
// because they are most of what a span holds.
#include "otlp/proto_writer.hpp"

#include <algorithm>
#include <cstring>

namespace otlp {
namespace {

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

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {
    const std::size_t used = out.size();
    out_.resize(std::max(out_.capacity(), used + 256));
    rebase(used);
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  ~Writer() { out_.resize(offset()); }

  // Every raw_* call must be covered by an earlier ensure().
  void ensure(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) grow(n);
  }

  void raw_varint(std::uint64_t v) {
    while (v >= 0x80) {
      *p_++ = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    *p_++ = static_cast<char>(v);
  }
  void raw_tag(std::uint32_t t) {
    if (t < 0x80) {
      *p_++ = static_cast<char>(t);
    } else {
      raw_varint(t);
    }
  }
  void raw_bytes(const void* data, std::size_t n) {
    if (n) std::memcpy(p_, data, n);
    p_ += n;
  }
  void raw_fixed64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) p_[i] = static_cast<char>(v >> (8 * i));
    p_ += 8;
  }
  void raw_fixed32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p_[i] = static_cast<char>(v >> (8 * i));
    p_ += 4;
  }

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
  void fixed64_field(std::uint32_t field, std::uint64_t v) {
    if (v == 0) return;
    ensure(10);
    raw_tag(tag(field, kFixed64));
    raw_fixed64(v);
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
    out_.resize(std::max(at + n, out_.size() * 2));
    rebase(at);
  }

  std::string& out_;
  char* p_ = nullptr;
  char* end_ = nullptr;
};

// ---- sizes of scalar AnyValues, so their KeyValues need no backpatch -----------------

bool scalar(const AnyValue& v) {
  return v.kind != AnyValue::Kind::array && v.kind != AnyValue::Kind::kvlist;
}

std::size_t scalar_value_size(const AnyValue& v) {
  switch (v.kind) {
    case AnyValue::Kind::empty: return 0;
    case AnyValue::Kind::string:
    case AnyValue::Kind::bytes: return 1 + varint_size(v.str.size()) + v.str.size();
    case AnyValue::Kind::boolean: return 2;
    case AnyValue::Kind::int64: return 1 + varint_size(static_cast<std::uint64_t>(v.int_value));
    case AnyValue::Kind::dbl: return 9;
    default: return 0;
  }
}

void write_any_value_body(Writer& w, const AnyValue& v);

void write_scalar_value_body(Writer& w, const AnyValue& v) {
  switch (v.kind) {
    case AnyValue::Kind::string: w.len_field(1, v.str); break;
    case AnyValue::Kind::bytes: w.len_field(7, v.str); break;
    case AnyValue::Kind::boolean:
      w.ensure(2);
      w.raw_tag(tag(2, kVarint));
      w.raw_varint(v.bool_value ? 1 : 0);
      break;
    case AnyValue::Kind::int64:
      w.ensure(11);
      w.raw_tag(tag(3, kVarint));
      w.raw_varint(static_cast<std::uint64_t>(v.int_value));
      break;
    case AnyValue::Kind::dbl: {
      std::uint64_t bits;
      std::memcpy(&bits, &v.double_value, sizeof bits);
      w.ensure(9);
      w.raw_tag(tag(4, kFixed64));
      w.raw_fixed64(bits);
      break;
    }
    default: break;
  }
}

void write_key_value(Writer& w, std::uint32_t field, const KeyValue& kv) {
  if (scalar(kv.value)) {
    const std::size_t value_size = scalar_value_size(kv.value);
    const std::size_t key_size = kv.key.empty() ? 0 : 1 + varint_size(kv.key.size()) + kv.key.size();
    const std::size_t kv_size = key_size + 1 + varint_size(value_size) + value_size;
    w.ensure(2 + varint_size(kv_size) + kv_size);
    w.raw_tag(tag(field, kLen));
    w.raw_varint(kv_size);
    if (key_size) {
      w.raw_tag(tag(1, kLen));
      w.raw_varint(kv.key.size());
      w.raw_bytes(kv.key.data(), kv.key.size());
    }
    w.raw_tag(tag(2, kLen));
    w.raw_varint(value_size);
    write_scalar_value_body(w, kv.value);
    return;
  }
  auto m = w.open(field, 2);
  w.string_field(1, kv.key);
  auto vm = w.open(2, 2);
  write_any_value_body(w, kv.value);
  w.close(vm);
  w.close(m);
}

void write_attributes(Writer& w, std::uint32_t field, const Attributes& attrs) {
  for (const auto& kv : attrs) write_key_value(w, field, kv);
}

void write_any_value_body(Writer& w, const AnyValue& v) {
  if (scalar(v)) return write_scalar_value_body(w, v);
  if (v.kind == AnyValue::Kind::array) {
    auto m = w.open(5, 2);
    for (const auto& item : v.array) {
      auto im = w.open(1, 1);
      write_any_value_body(w, item);
      w.close(im);
    }
    w.close(m);
  } else {
    auto m = w.open(6, 2);
    write_attributes(w, 1, v.kvlist);
    w.close(m);
  }
}

void write_span_body(Writer& w, const SpanData& s) {
  w.id_field(1, s.trace_id);
  w.id_field(2, s.span_id);
  w.string_field(3, s.trace_state);
  w.id_field(4, s.parent_span_id);
  w.string_field(5, s.name);
  w.varint_field(6, static_cast<std::uint64_t>(s.kind));
  w.fixed64_field(7, s.start_time_unix_nano);
  w.fixed64_field(8, s.end_time_unix_nano);
  write_attributes(w, 9, s.attributes);
  w.varint_field(10, s.dropped_attributes_count);
  for (const auto& e : s.events) {
    auto m = w.open(11, 1);
    w.fixed64_field(1, e.time_unix_nano);
    w.string_field(2, e.name);
    write_attributes(w, 3, e.attributes);
    w.varint_field(4, e.dropped_attributes_count);
    w.close(m);
  }
  w.varint_field(12, s.dropped_events_count);
  for (const auto& l : s.links) {
    auto m = w.open(13, 1);
    w.id_field(1, l.trace_id);
    w.id_field(2, l.span_id);
    w.string_field(3, l.trace_state);
    write_attributes(w, 4, l.attributes);
    w.varint_field(5, l.dropped_attributes_count);
    w.fixed32_field(6, l.flags);
    w.close(m);
  }
  w.varint_field(14, s.dropped_links_count);
  if (s.status.code != StatusCode::unset || !s.status.message.empty()) {
    auto m = w.open(15, 1);
    w.string_field(2, s.status.message);
    w.varint_field(3, static_cast<std::uint64_t>(s.status.code));
    w.close(m);
  }
  w.fixed32_field(16, s.flags);
}

void write_span(Writer& w, std::uint32_t field, const SpanData& s) {
  auto m = w.open(field, 2);
  write_span_body(w, s);
  w.close(m);
}

void write_resource(Writer& w, std::uint32_t field, const Resource& r) {
  if (r.attributes.empty() && r.dropped_attributes_count == 0) return;
  auto m = w.open(field, 2);
  write_attributes(w, 1, r.attributes);
  w.varint_field(2, r.dropped_attributes_count);
  w.close(m);
}

void write_scope(Writer& w, std::uint32_t field, const InstrumentationScope& s) {
  if (s.name.empty() && s.version.empty() && s.attributes.empty() && s.dropped_attributes_count == 0) return;
  auto m = w.open(field, 1);
  w.string_field(1, s.name);
  w.string_field(2, s.version);
  write_attributes(w, 3, s.attributes);
  w.varint_field(4, s.dropped_attributes_count);
  w.close(m);
}

}  // namespace

void encode_trace_request(const TraceRequest& request, std::string& out) {
  Writer w(out);
  for (const auto& rs : request.resource_spans) {
    auto rm = w.open(1, 3);
    write_resource(w, 1, rs.resource);
    for (const auto& ss : rs.scope_spans) {
      auto sm = w.open(2, 3);
      write_scope(w, 1, ss.scope);
      for (const auto& span : ss.spans) write_span(w, 2, span);
      w.string_field(3, ss.schema_url);
      w.close(sm);
    }
    w.string_field(3, rs.schema_url);
    w.close(rm);
  }
}

void encode_span_field(const SpanData& span, std::string& out) {
  Writer w(out);
  write_span(w, 2, span);
}

void encode_trace_request(const Resource& resource, const InstrumentationScope& scope,
                          std::string_view encoded_spans, std::string& out) {
  std::string resource_part, scope_part;
  {
    Writer w(resource_part);
    write_resource(w, 1, resource);
  }
  {
    Writer w(scope_part);
    write_scope(w, 1, scope);
  }
  const std::size_t ss_len = scope_part.size() + encoded_spans.size();
  const std::size_t rs_len = resource_part.size() + 1 + varint_size(ss_len) + ss_len;
  Writer w(out);
  w.ensure(2 + 2 * varint_size(rs_len) + rs_len);
  w.raw_tag(tag(1, kLen));
  w.raw_varint(rs_len);
  w.raw_bytes(resource_part.data(), resource_part.size());
  w.raw_tag(tag(2, kLen));
  w.raw_varint(ss_len);
  w.raw_bytes(scope_part.data(), scope_part.size());
  w.raw_bytes(encoded_spans.data(), encoded_spans.size());
}

void encode_trace_response(const PartialSuccess* partial, std::string& out) {
  if (!partial) return;
  Writer w(out);
  auto m = w.open(1, 1);
  w.varint_field(1, static_cast<std::uint64_t>(partial->rejected_spans));
  w.string_field(2, partial->error_message);
  w.close(m);
}

}  // namespace otlp
