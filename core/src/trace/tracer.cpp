#include "otlp/trace/tracer.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "record/attribute_writer.hpp"
#include "record/hand_over.hpp"
#include "record/per_thread.hpp"
#include "wire/otlp_fields.hpp"
#include "wire/span_wire.hpp"

namespace otlp {

namespace field = detail::field;
using detail::kFixed64;
using detail::kLen;
using detail::kVarint;
using detail::tag;
using detail::varint_size;
using detail::write_attribute;
using detail::write_attribute_list;
using detail::Writer;

// The state of a recording span. `buf` is the span as it will be queued, written as it goes:
// the ScopeSpans.spans tag and a length left blank (kLengthRoom bytes), the fields known at
// start (ids, parent, name, kind, start time; `head_end` is where they end), then attributes,
// events and links in call order; end() appends the closing fields and fills in the length.
// Protobuf allows fields in any order.
struct SpanRecord {
  SpanContext context;
  SpanId parent_span_id;
  bool parent_remote = false;
  bool exported = false;  // RECORD_AND_SAMPLE; RECORD_ONLY spans record but are not exported
  std::uint16_t scope = 0;
  SpanKind kind = SpanKind::internal;
  std::uint64_t start_time = 0;
  std::string buf;      // kept at full size; `len` bytes are the span's
  std::size_t len = 0;
  std::size_t head_end = 0;
  std::uint32_t attributes = 0;  // Span.attributes entries in buf
  // A one-word filter of the keys recorded (key_bit): a key whose bit is clear repeats none,
  // so most set_attribute calls skip the scan for a duplicate.
  std::uint64_t key_bits = 0;
  std::uint32_t dropped_attributes = 0;
  std::uint32_t events = 0;
  std::uint32_t dropped_events = 0;
  std::uint32_t links = 0;
  std::uint32_t dropped_links = 0;
  Status status;
};

namespace {

constexpr std::size_t kTypicalSpanBytes = 640;

std::uint32_t link_flags(const SpanContext& ctx) {
  return ctx.trace_flags | kFlagHasIsRemote | (ctx.remote ? kFlagIsRemote : 0);
}

// The usual attribute: a key under 128 bytes and a scalar value, the whole KeyValue under
// 16 KiB, so every length is known up front (one or two bytes) and it is written straight into
// spare room without the general writer's sizing pass. small_kv_size is that KeyValue's size,
// 0 when it does not apply.
constexpr std::size_t kSmallKv = 16383;  // the largest two-byte varint
constexpr std::size_t size2(std::size_t v) { return v < 0x80 ? 1 : 2; }  // v <= kSmallKv
inline char* put2(char* p, std::size_t v) {                             // v <= kSmallKv
  if (v < 0x80) {
    *p++ = static_cast<char>(v);
  } else {
    *p++ = static_cast<char>(v | 0x80);
    *p++ = static_cast<char>(v >> 7);
  }
  return p;
}
[[gnu::always_inline]] inline std::size_t small_kv_size(std::string_view key, const AttributeValue& v, std::uint32_t length_limit) {
  if (key.empty() || key.size() > 127) return 0;
  std::size_t value_size = 0;  // the AnyValue message
  switch (v.kind()) {
    case AttributeValue::Kind::string: {
      const std::size_t n = v.str().size();
      if (n > kSmallKv - 8 || (length_limit != kNoLimit && n > length_limit)) return 0;
      value_size = 1 + size2(n) + n;
      break;
    }
    case AttributeValue::Kind::boolean: value_size = 2; break;
    case AttributeValue::Kind::int64: value_size = 1 + varint_size(static_cast<std::uint64_t>(v.int_value())); break;
    case AttributeValue::Kind::dbl: value_size = 9; break;
    case AttributeValue::Kind::any: return 0;
  }
  if (value_size > kSmallKv - 8) return 0;
  const std::size_t kv_size = 2 + key.size() + 1 + size2(value_size) + value_size;
  return kv_size > kSmallKv ? 0 : kv_size;
}

// Writes field `number` holding the KeyValue small_kv_size measured; returns the end.
[[gnu::always_inline]] inline char* put_small_kv(char* p, std::uint32_t number, std::string_view key, const AttributeValue& v,
                          std::size_t kv_size) {
  using detail::put_bytes;
  using detail::put_varint;
  *p++ = static_cast<char>(tag(number, kLen));
  p = put2(p, kv_size);
  *p++ = static_cast<char>(tag(field::key_value::key, kLen));
  *p++ = static_cast<char>(key.size());
  p = put_bytes(p, key.data(), key.size());
  *p++ = static_cast<char>(tag(field::key_value::value, kLen));
  switch (v.kind()) {
    case AttributeValue::Kind::string: {
      const std::size_t n = v.str().size();
      p = put2(p, 1 + size2(n) + n);
      *p++ = static_cast<char>(tag(field::any_value::string_value, kLen));
      p = put2(p, n);
      return put_bytes(p, v.str().data(), n);
    }
    case AttributeValue::Kind::boolean:
      *p++ = 2;
      *p++ = static_cast<char>(tag(field::any_value::bool_value, kVarint));
      *p++ = v.int_value() != 0 ? 1 : 0;
      return p;
    case AttributeValue::Kind::int64: {
      const auto u = static_cast<std::uint64_t>(v.int_value());
      *p++ = static_cast<char>(1 + varint_size(u));
      *p++ = static_cast<char>(tag(field::any_value::int_value, kVarint));
      return put_varint(p, u);
    }
    case AttributeValue::Kind::dbl: {
      std::uint64_t bits;
      const double d = v.double_value();
      std::memcpy(&bits, &d, sizeof bits);
      *p++ = 9;
      *p++ = static_cast<char>(tag(field::any_value::double_value, kFixed64));
      return detail::put_fixed64(p, bits);
    }
    case AttributeValue::Kind::any: break;
  }
  return p;
}

// Appends a small attribute (small_kv_size) after the span's other fields.
[[gnu::always_inline]] inline bool append_small_attribute(SpanRecord& r, std::string_view key, const AttributeValue& v, std::uint32_t length_limit) {
  const std::size_t kv_size = small_kv_size(key, v, length_limit);
  const std::size_t entry = 1 + size2(kv_size) + kv_size;
  if (kv_size == 0 || r.buf.size() - r.len < entry) return false;
  put_small_kv(r.buf.data() + r.len, field::span::attributes, key, v, kv_size);
  r.len += entry;
  ++r.attributes;
  return true;
}

// The usual event: a few small attributes with distinct keys, within the limits, the whole
// Span.Event under 128 bytes. False (nothing written) for anything else.
bool append_small_event(SpanRecord& r, const SpanLimits& limits, std::string_view name, const Attribute* attrs,
                        std::size_t n, std::uint64_t time) {
  constexpr std::size_t kMax = 4;
  if (n > kMax || n > limits.attributes_per_event || name.size() > 120) return false;
  // Every length here is one byte: the body, and so each KeyValue in it, stays under 128.
  std::size_t sizes[kMax];
  std::size_t body = (time ? 9 : 0) + (name.empty() ? 0 : 2 + name.size());
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j)
      if (attrs[j].key == attrs[i].key) return false;
    sizes[i] = small_kv_size(attrs[i].key, attrs[i].value, limits.attribute_value_length);
    if (sizes[i] == 0) return false;
    body += 2 + sizes[i];
  }
  if (body > 127 || r.buf.size() - r.len < 2 + body) return false;
  char* p = r.buf.data() + r.len;
  *p++ = static_cast<char>(tag(field::span::events, kLen));
  *p++ = static_cast<char>(body);
  p = detail::put_event_start(p, time, name);
  for (std::size_t i = 0; i < n; ++i) p = put_small_kv(p, field::event::attributes, attrs[i].key, attrs[i].value, sizes[i]);
  r.len += 2 + body;
  return true;
}

// A key's bit in SpanRecord::key_bits: a multiplicative hash of its length and last byte, which
// tell apart most keys of one span (keys often share a prefix, rarely length and ending).
inline std::uint64_t key_bit(std::string_view key) {
  const std::uint32_t last = key.empty() ? 0u : static_cast<unsigned char>(key.back());
  const std::uint32_t mixed = (static_cast<std::uint32_t>(key.size()) | last << 8) * 0x9E3779B1u;
  return std::uint64_t{1} << (mixed >> 26);
}

// Finds the Span.attributes entry with this key in the span's buffer: its offset and
// size, or size 0. Only called when the key-length filter says the key may repeat one.
struct Entry {
  std::size_t at = 0, size = 0;
};
// A length the recorder wrote itself (so well formed) at base[p]; p moves past it.
std::size_t read_length(const char* base, std::size_t& p) {
  std::size_t len = 0;
  for (unsigned shift = 0;; shift += 7) {
    const auto byte = static_cast<unsigned char>(base[p++]);
    len |= static_cast<std::size_t>(byte & 0x7f) << shift;
    if (byte < 0x80) return len;
  }
}

static_assert(tag(field::span::attributes, kLen) < 0x80 && tag(field::span::events, kLen) < 0x80 &&
                  tag(field::span::links, kLen) < 0x80 && tag(field::key_value::key, kLen) < 0x80,
              "the entries after the head have one-byte tags");
Entry find_attribute(const SpanRecord& r, std::string_view key) {
  const char* const base = r.buf.data();
  std::size_t at = r.head_end;
  while (at < r.len) {
    // Every entry here is length-delimited (attributes, events, links): a one-byte tag, then a length.
    std::size_t p = at + 1;
    const std::size_t len = read_length(base, p);
    const std::size_t end = p + len;
    if (base[at] == static_cast<char>(tag(field::span::attributes, kLen))) {
      // KeyValue: key tag, key length, key ..., or no key field at all for an empty key.
      std::string_view found;
      if (len > 0 && base[p] == static_cast<char>(tag(field::key_value::key, kLen))) {
        std::size_t q = p + 1;
        const std::size_t klen = read_length(base, q);
        found = std::string_view(base + q, klen);
      }
      if (found == key) return {at, end - at};
    }
    at = end;
  }
  return {};
}

// The general path, out of line so the fast path in Span::record_attribute stays frameless.
[[gnu::noinline]] void set_attribute_in(SpanRecord& r, const SpanLimits& limits, std::string_view key, const AttributeValue& value) {
  const std::uint64_t bit = key_bit(key);
  if ((r.key_bits & bit) != 0) {
    if (const Entry e = find_attribute(r, key); e.size != 0) {
      // Replace: cut the old entry out and append the new value below.
      std::memmove(r.buf.data() + e.at, r.buf.data() + e.at + e.size, r.len - e.at - e.size);
      r.len -= e.size;
      --r.attributes;
    }
  }
  r.key_bits |= bit;
  if (r.attributes >= limits.attribute_count) {
    ++r.dropped_attributes;
    return;
  }
  if (append_small_attribute(r, key, value, limits.attribute_value_length)) return;
  Writer w(r.buf, r.len);
  write_attribute(w, field::span::attributes, key, value, limits.attribute_value_length);
  ++r.attributes;
}

void add_event_to(SpanRecord& r, const SpanLimits& limits, std::string_view name, const Attribute* attrs,
                  std::size_t n, std::uint64_t time) {
  if (r.events >= limits.event_count) {
    ++r.dropped_events;
    return;
  }
  if (append_small_event(r, limits, name, attrs, n, time)) {
    ++r.events;
    return;
  }
  Writer w(r.buf, r.len);
  detail::write_event(w, time, name, [&](Writer& aw, std::uint32_t number) {
    return write_attribute_list(aw, number, attrs, n, limits.attributes_per_event, limits.attribute_value_length);
  });
  ++r.events;
}

void add_link_to(SpanRecord& r, const SpanLimits& limits, const SpanContext& ctx, const Attribute* attrs,
                 std::size_t n) {
  if (r.links >= limits.link_count) {
    ++r.dropped_links;
    return;
  }
  Writer w(r.buf, r.len);
  detail::write_link(w, ctx.trace_id, ctx.span_id, ctx.trace_state, link_flags(ctx), [&](Writer& aw, std::uint32_t number) {
    return write_attribute_list(aw, number, attrs, n, limits.attributes_per_link, limits.attribute_value_length);
  });
  ++r.links;
}

// The span's length goes in a varint padded to kLengthRoom bytes, written once the length is
// known (protobuf readers take padded varints; the tracing library Perfetto writes nested
// lengths the same way), so finishing a span moves none of its bytes. 3 bytes cover spans
// under 2 MiB; a larger one is shifted to make room.
constexpr std::size_t kLengthRoom = 3;

// Upper bound of the head's size.
std::size_t head_bound(const SpanRecord& r, std::string_view name) {
  return 1 + kLengthRoom + detail::span_start_bound(r.context.trace_state.size(), name.size());
}

// Writes the tag, the blank length and the fields known at start; returns the end.
char* put_head(char* p, const SpanRecord& r, std::string_view name) {
  *p++ = static_cast<char>(tag(field::scope_spans::spans, kLen));
  p += kLengthRoom;
  // The span's own ids are valid (made so, or its valid parent's): written unchecked.
  return detail::put_span_start<detail::IdCheck::known_valid>(
      p, {r.context.trace_id, r.context.span_id, r.context.trace_state, r.parent_span_id, name, r.kind, r.start_time});
}

void write_head(SpanRecord& r, std::string_view name) {
  const std::size_t bound = head_bound(r, name);
  if (r.buf.size() < bound + 256) r.buf.resize(bound + 256);
  r.len = r.head_end = static_cast<std::size_t>(put_head(r.buf.data(), r, name) - r.buf.data());
}

// A new name changes the head's size: write it again and move what follows.
void rewrite_head(SpanRecord& r, std::string_view name) {
  std::string head(head_bound(r, name), '\0');
  const auto size = static_cast<std::size_t>(put_head(head.data(), r, name) - head.data());
  const std::size_t rest = r.len - r.head_end;
  if (r.buf.size() < size + rest) r.buf.resize(size + rest);
  std::memmove(r.buf.data() + size, r.buf.data() + r.head_end, rest);
  std::memcpy(r.buf.data(), head.data(), size);
  r.head_end = size;
  r.len = size + rest;
}

// Appends the closing fields and fills in the length: `buf` becomes one ScopeSpans.spans
// entry (tag, length, Span).
void seal(SpanRecord& r, std::uint64_t end_time) {
  const std::uint32_t flags = r.context.trace_flags | kFlagHasIsRemote | (r.parent_remote ? kFlagIsRemote : 0);
  const detail::SpanEnd end{end_time, r.dropped_attributes, r.dropped_events, r.dropped_links, r.status, flags};
  const std::size_t tail = detail::span_end_bound(end);
  if (r.buf.size() - r.len < tail) r.buf.resize(r.len + tail);
  char* const d = r.buf.data();
  char* const p = detail::put_span_end(d + r.len, end);

  std::size_t len = static_cast<std::size_t>(p - d);
  const std::size_t body = len - 1 - kLengthRoom;
  std::size_t room = kLengthRoom;
  if (varint_size(body) > room) {  // 2 MiB or more: shift the body to make room
    const std::size_t extra = varint_size(body) - room;
    if (r.buf.size() < len + extra) r.buf.resize(len + extra);
    std::memmove(r.buf.data() + 1 + room + extra, r.buf.data() + 1 + room, body);
    room += extra;
    len += extra;
  }
  char* q = r.buf.data() + 1;
  std::uint64_t v = body;
  for (std::size_t i = 0; i + 1 < room; ++i, v >>= 7) *q++ = static_cast<char>((v & 0x7f) | 0x80);
  *q = static_cast<char>(v);
  r.len = len;  // the span is the buffer's first len bytes; the rest stays as room for the next
}

// One spare record per thread: a span's record (its name, attribute index and the buffer the
// queue handed back) is reused by the next span the thread starts, so steady-state recording
// does not allocate.
thread_local std::unique_ptr<SpanRecord> spare_record;

SpanRecord* take_record() {
  SpanRecord* r = spare_record ? spare_record.release() : new SpanRecord;
  // Size the buffer the queue handed back once for the whole span; it holds an older span,
  // so this zero-fills only what capacity it gained.
  const std::size_t room = std::max(r->buf.capacity(), kTypicalSpanBytes);
  if (r->buf.size() != room) r->buf.resize(room);
  r->len = 0;
  return r;
}

void give_back(SpanRecord* r) {
  if (spare_record || r->buf.capacity() > 8192) {
    delete r;
    return;
  }
  r->len = 0;
  r->attributes = 0;
  r->key_bits = 0;
  r->context.trace_state.clear();
  r->status = Status{};
  r->parent_span_id = SpanId{};
  r->parent_remote = false;
  r->dropped_attributes = r->events = r->dropped_events = r->links = r->dropped_links = 0;
  spare_record.reset(r);
}

template <class IdT>
IdT make_id(Random& rng) {
  IdT id;
  do {
    for (std::size_t i = 0; i < IdT::size; i += 8) {
      const std::uint64_t word = rng.next();
      std::memcpy(id.bytes.data() + i, &word, 8);
    }
  } while (!id.valid());
  return id;
}

}  // namespace

// ---- TracerProvider ---------------------------------------------------------------------

namespace {
std::atomic<std::uint64_t> provider_serials{0};
}  // namespace

TracerProvider::TracerProvider(Pipeline& pipeline, Clock& clock, TracerConfig config)
    : pipeline_(pipeline),
      clock_(clock),
      config_(std::move(config)),
      serial_(provider_serials.fetch_add(1, std::memory_order_relaxed) + 1) {
  if (!config_.sampler) config_.sampler = parent_based_sampler(always_on_sampler());
  sampler_uses_time_ = config_.sampler->uses_time();
  for (std::size_t c = 0; c < fixed_decisions_.size(); ++c)
    fixed_decisions_[c] = config_.sampler->fixed_decision(static_cast<ParentCase>(c));
}

Tracer TracerProvider::tracer(std::string_view scope_name, std::string_view scope_version) {
  InstrumentationScope scope;
  scope.name = std::string(scope_name);
  scope.version = std::string(scope_version);
  return Tracer(*this, pipeline_.add_scope(std::move(scope)));
}

struct TracerProvider::Local {
  std::uint64_t provider = 0;
  Random rng;
  Pipeline::SpanCounters* counters = nullptr;
};

TracerProvider::Local& TracerProvider::local() noexcept {
  // Ids come from a generator per thread and provider, seeded from the provider's seed and the
  // order in which threads first asked: no shared atomic on the hot path, and one seed still
  // gives one sequence to a single-threaded program. A thread remembers a few providers; one
  // it forgot gets a fresh stream (never a repeat of an old one) when it comes back.
  return detail::per_thread<Local>(serial_, [this](Local& l) {
    const std::uint64_t ordinal = id_streams_.fetch_add(1, std::memory_order_relaxed);
    l.rng.reseed(config_.id_seed ^ (ordinal * 0xd1b54a32d192ed03ULL));
    l.counters = &pipeline_.claim_counters();
  });
}

void TracerProvider::finish(SpanRecord& r, std::uint64_t end_time) {
  if (!r.exported) return;
  Pipeline::SpanCounters& counters = *local().counters;
  counters.bump(counters.ended);
  seal(r, end_time ? end_time : clock_.now_unix_nano());
  detail::hand_over(pipeline_, r.scope, r.buf, r.len, counters, config_.wait_for_room, config_.on_batch_ready);
}

// ---- Tracer ----------------------------------------------------------------------------

Span Tracer::start_span(std::string_view name, AttributeList attributes, const SpanStartOptions& options) {
  TracerProvider& p = *provider_;
  const SpanContext* parent = options.parent && options.parent->valid() ? options.parent : nullptr;
  Span span;  // returned in place: a dropped span costs its ids, the decision and a counter
  span.provider_ = &p;
  SpanContext& ctx = span.context_;
  TracerProvider::Local& local = p.local();
  ctx.trace_id = parent ? parent->trace_id : make_id<TraceId>(local.rng);
  ctx.span_id = make_id<SpanId>(local.rng);
  if (parent && !parent->trace_state.empty()) ctx.trace_state = parent->trace_state;

  std::uint64_t now = options.start_time_unix_nano;
  SamplingDecision decision;
  if (const int fixed = p.fixed_decisions_[static_cast<std::size_t>(parent_case(parent))]; fixed != Sampler::kNone) {
    decision = static_cast<SamplingDecision>(fixed);
  } else {
    if (now == 0 && p.sampler_uses_time_) now = p.clock_.now_unix_nano();
    SamplingParams params{parent, ctx.trace_id, name, options.kind, now};
    decision = p.config_.sampler->should_sample(params).decision;
  }
  const bool sampled = decision == SamplingDecision::record_and_sample;
  ctx.trace_flags = static_cast<std::uint8_t>(((parent ? parent->trace_flags : 0) & ~kFlagSampled) |
                                               (sampled ? kFlagSampled : 0));
  local.counters->bump(sampled ? local.counters->started : local.counters->sampled_out);
  if (decision == SamplingDecision::drop) return span;

  if (now == 0) now = p.clock_.now_unix_nano();  // only spans that record pay for the clock
  SpanRecord* r = take_record();
  r->context.trace_id = ctx.trace_id;
  r->context.span_id = ctx.span_id;
  r->context.trace_flags = ctx.trace_flags;
  if (!ctx.trace_state.empty()) r->context.trace_state = ctx.trace_state;
  r->exported = sampled;
  r->scope = scope_;
  r->kind = options.kind;
  r->start_time = now;
  if (parent) {
    r->parent_span_id = parent->span_id;
    r->parent_remote = parent->remote;
  }
  write_head(*r, name);
  span.record_ = r;
  span.set_attributes(attributes);
  for (const auto& link : options.links) span.add_link(link.context, link.attributes);
  return span;
}

// ---- Span ------------------------------------------------------------------------------

Span::Span(Span&& other) noexcept
    : provider_(other.provider_), record_(other.record_), context_(std::move(other.context_)) {
  other.record_ = nullptr;
}

Span& Span::operator=(Span&& other) noexcept {
  if (this != &other) {
    end();
    provider_ = other.provider_;
    record_ = other.record_;
    context_ = std::move(other.context_);
    other.record_ = nullptr;
  }
  return *this;
}

void Span::record_attribute(std::string_view key, const AttributeValue& value) {
  // The fast path, kept small so it needs no stack frame: a key whose length no earlier key
  // had (so it repeats none), within the count limit, with a small scalar value that fits.
  SpanRecord& r = *record_;
  const SpanLimits& limits = provider_->limits();
  const std::uint64_t bit = key_bit(key);
  if ((r.key_bits & bit) == 0 && r.attributes < limits.attribute_count &&
      append_small_attribute(r, key, value, limits.attribute_value_length)) {
    r.key_bits |= bit;
    return;
  }
  set_attribute_in(r, limits, key, value);
}

void Span::record_event(std::string_view name, const Attribute* attributes, std::size_t n, std::uint64_t time) {
  add_event_to(*record_, provider_->limits(), name, attributes, n, time ? time : provider_->clock().now_unix_nano());
}

void Span::record_link(const SpanContext& context, const Attribute* attributes, std::size_t n) {
  if (context.valid()) add_link_to(*record_, provider_->limits(), context, attributes, n);
}

Span& Span::record_exception(std::string_view type, std::string_view message, std::string_view stacktrace,
                             std::uint64_t time) {
  if (!record_) return *this;
  Attribute attrs[3] = {{"exception.type", type}, {"exception.message", message}, {"exception.stacktrace", stacktrace}};
  Attribute present[3] = {attrs[0], attrs[1], attrs[2]};
  std::size_t n = 0;
  for (const auto& a : attrs)
    if (!a.value.str().empty()) present[n++] = a;
  add_event_to(*record_, provider_->limits(), "exception", present, n,
               time ? time : provider_->clock().now_unix_nano());
  return *this;
}

Span& Span::set_status(StatusCode code, std::string_view description) {
  if (!record_ || code == StatusCode::unset || record_->status.code == StatusCode::ok) return *this;
  record_->status.code = code;
  record_->status.message = code == StatusCode::error ? std::string(description) : std::string();
  return *this;
}

Span& Span::update_name(std::string_view name) {
  if (record_) rewrite_head(*record_, name);
  return *this;
}

void Span::finish(std::uint64_t end_time) {
  SpanRecord* r = record_;
  record_ = nullptr;
  provider_->finish(*r, end_time);
  give_back(r);
}

}  // namespace otlp
