// OTLP/JSON straight from OTLP protobuf bytes, driven by the message tables of otlp_schema.cpp:
// one walk for every message of every signal, no model in between. The output is what the
// model writer (json_writer.cpp) writes for the same request: keys in field-number order,
// proto3 defaults omitted except oneof members and KeyValue.value, repeated fields grouped into
// one array wherever their occurrences stand. A singular field that occurs more than once is
// written once, from its last occurrence (for a message: the last one whole, not a merge); the
// earlier ones are still checked.
// Unknown fields are skipped; framing errors, a known field of the wrong wire type, ids of the
// wrong length and nesting past max_depth are refused as the protobuf reader refuses them.
#include <vector>

#include "json/json_out.hpp"
#include "otlp/json/json.hpp"
#include "otlp/wire/proto_writer.hpp"
#include "wire/otlp_fields.hpp"
#include "wire/otlp_schema.hpp"
#include "wire/proto_cursor.hpp"
#include "wire/proto_wire.hpp"

namespace otlp {
namespace {

namespace envelope = detail::field::envelope;
using detail::FieldKind;
using detail::FieldSchema;
using detail::Message;
using detail::MessageSchema;
using detail::Presence;

struct Occurrence {
  std::uint32_t field;  // index into the schema's fields
  std::uint32_t wire;
  std::uint64_t value;
  const char* data;
  std::size_t size;
  const char* tag_at;
};

detail::WireType wire_type(FieldKind k) {
  switch (k) {
    case FieldKind::boolean:
    case FieldKind::uint32:
    case FieldKind::int64:
    case FieldKind::uint64:
    case FieldKind::sint32: return detail::kVarint;
    case FieldKind::fixed64:
    case FieldKind::sfixed64:
    case FieldKind::dbl: return detail::kFixed64;
    case FieldKind::fixed32: return detail::kFixed32;
    default: return detail::kLen;
  }
}

bool is_default(FieldKind k, const Occurrence& o) {
  switch (k) {
    case FieldKind::message: return false;
    case FieldKind::string:
    case FieldKind::bytes:
    case FieldKind::id16:
    case FieldKind::id8: return o.size == 0;
    case FieldKind::uint32:
    case FieldKind::sint32: return static_cast<std::uint32_t>(o.value) == 0;
    default: return o.value == 0;  // for doubles: +0.0 only (-0.0 has its sign bit set)
  }
}

class Transcoder {
 public:
  Transcoder(detail::Context& ctx, std::string& out) : ctx_(ctx), out_(out), w_(out) {}

  // `omit`: field numbers (bits 0-63) of this message, not of those below, left out.
  bool message(std::string_view bytes, const MessageSchema& schema, std::uint64_t omit = 0) {
    // Occurrences are gathered first, so that a repeated field's items make one array even
    // when other fields stand between them. One buffer per depth, reused from message to
    // message; it is indexed afresh after each child, whose deeper buffer may move it.
    Message m(ctx_, bytes);
    const std::uint32_t depth = m.depth();
    if (found_.size() <= depth) found_.resize(depth + 1);
    found_[depth].clear();
    bool sorted = true;
    std::uint32_t previous = 0;
    while (m.next()) {
      for (std::uint32_t i = 0; i < schema.count; ++i) {
        const FieldSchema& f = schema.fields[i];
        if (f.number != m.number()) continue;
        if (f.number < 64 && (omit >> f.number & 1)) break;
        const bool packed = f.repeated && detail::is_scalar(f.kind) && m.wire() == detail::kLen;
        if (!packed && !m.is(wire_type(f.kind))) return false;
        found_[depth].push_back({i, m.wire(), m.value(), m.data(), m.size(), m.tag_at()});
        sorted = sorted && i >= previous;
        previous = i;
        break;
      }
    }
    if (!m.ok()) return false;
    return sorted ? write_in_order(schema, depth) : write_by_field(schema, depth);
  }

 private:
  // The usual case, fields in number order (as protobuf writers write them): one pass.
  bool write_in_order(const MessageSchema& schema, std::uint32_t depth) {
    w_.raw('{');
    bool first = true;
    std::uint32_t next = 0;  // the first schema field not written yet
    const std::size_t n = found_[depth].size();
    for (std::size_t k = 0; k < n;) {
      const Occurrence head = found_[depth][k];
      const FieldSchema& f = schema.fields[head.field];
      write_required(schema, next, head.field, first);
      next = head.field + 1;
      if (f.repeated) {
        const Array a = open_array(f, first);
        bool any = false;
        for (; k < n && found_[depth][k].field == head.field; ++k)
          if (!element(f, found_[depth][k], depth, any)) return false;
        close_array(a, any, first);
        continue;
      }
      std::size_t last = k;
      for (; last + 1 < n && found_[depth][last + 1].field == head.field; ++last) {
        if (!check_unwritten(f, found_[depth][last], depth)) return false;
      }
      k = last + 1;
      if (!write_singular(f, found_[depth][last], depth, first)) return false;
    }
    write_required(schema, next, static_cast<std::uint32_t>(schema.count), first);
    w_.raw('}');
    return true;
  }

  // Fields out of order: each schema field gathers its occurrences from wherever they stand.
  bool write_by_field(const MessageSchema& schema, std::uint32_t depth) {
    w_.raw('{');
    bool first = true;
    for (std::uint32_t i = 0; i < schema.count; ++i) {
      const FieldSchema& f = schema.fields[i];
      const std::size_t n = found_[depth].size();
      if (f.repeated) {
        const Array a = open_array(f, first);
        bool any = false;
        for (std::size_t k = 0; k < n; ++k)
          if (found_[depth][k].field == i && !element(f, found_[depth][k], depth, any)) return false;
        close_array(a, any, first);
        continue;
      }
      std::size_t last = n;
      for (std::size_t k = 0; k < n; ++k) {
        if (found_[depth][k].field != i) continue;
        // An earlier occurrence is not written, but it is checked as the reader checks it.
        if (last != n && !check_unwritten(f, found_[depth][last], depth)) return false;
        last = k;
      }
      if (last == n) {
        write_required(schema, i, i + 1, first);
      } else if (!write_singular(f, found_[depth][last], depth, first)) {
        return false;
      }
    }
    w_.raw('}');
    return true;
  }

  // A repeated field's array, its key written before its elements are known: one with no
  // element (only empty packed runs) is taken back, as protobuf's JSON omits an empty list.
  struct Array {
    std::size_t at;
    bool first;
  };
  Array open_array(const FieldSchema& f, bool& first) {
    const Array a{out_.size(), first};
    w_.key(f.json_name, first);
    w_.raw('[');
    return a;
  }
  void close_array(const Array& a, bool any, bool& first) {
    if (any) {
      w_.raw(']');
    } else {
      out_.resize(a.at);
      first = a.first;
    }
  }

  // One occurrence of a repeated field: one element, or a packed run of any number of them.
  bool element(const FieldSchema& f, const Occurrence& o, std::uint32_t depth, bool& any) {
    if (!detail::is_scalar(f.kind) || o.wire != detail::kLen) {
      if (any) w_.raw(',');
      any = true;
      return value(f, o, depth);
    }
    Occurrence one = o;
    one.wire = wire_type(f.kind);
    return detail::packed_values(ctx_, o.tag_at, {o.data, o.size}, one.wire, [&](std::uint64_t v) {
      if (any) w_.raw(',');
      any = true;
      one.value = v;
      value(f, one, depth);
    });
  }

  // Writes the required fields among schema fields [from, to), all absent, as {}.
  void write_required(const MessageSchema& schema, std::uint32_t from, std::uint32_t to, bool& first) {
    for (std::uint32_t j = from; j < to; ++j) {
      if (schema.fields[j].presence != Presence::required) continue;
      w_.key(schema.fields[j].json_name, first);
      w_.raw("{}");
    }
  }

  bool write_singular(const FieldSchema& f, const Occurrence& o, std::uint32_t depth, bool& first) {
    if (f.presence == Presence::implicit && is_default(f.kind, o)) return true;
    w_.key(f.json_name, first);
    return value(f, o, depth);
  }

  bool value(const FieldSchema& f, const Occurrence& o, std::uint32_t depth) {
    switch (f.kind) {
      case FieldKind::message:
        if (depth >= ctx_.max_depth) return ctx_.fail(DecodeError::too_deep, o.tag_at);
        return message({o.data, o.size}, *f.message);
      case FieldKind::string: w_.str({o.data, o.size}); return true;
      case FieldKind::bytes: w_.base64({o.data, o.size}); return true;
      case FieldKind::id16: return hex<16>(o);
      case FieldKind::id8: return hex<8>(o);
      case FieldKind::boolean: o.value ? w_.raw("true") : w_.raw("false"); return true;
      case FieldKind::uint32: w_.u64(static_cast<std::uint32_t>(o.value)); return true;
      case FieldKind::int64:
      case FieldKind::sfixed64: w_.quoted_i64(static_cast<std::int64_t>(o.value)); return true;
      case FieldKind::uint64:
      case FieldKind::fixed64: w_.quoted_u64(o.value); return true;
      case FieldKind::sint32: {
        w_.i64(detail::unzigzag32(static_cast<std::uint32_t>(o.value)));  // int32: the low 32 bits
        return true;
      }
      case FieldKind::fixed32: w_.u64(o.value); return true;
      case FieldKind::dbl: {
        double d;
        std::memcpy(&d, &o.value, sizeof d);
        w_.dbl(d);
        return true;
      }
    }
    return true;
  }

  bool check_unwritten(const FieldSchema& f, const Occurrence& o, std::uint32_t depth) {
    if (f.kind == FieldKind::id16 || f.kind == FieldKind::id8) {
      return o.size == 0 || o.size == (f.kind == FieldKind::id16 ? 16u : 8u) ||
             ctx_.fail(DecodeError::bad_id_length, o.tag_at);
    }
    if (f.kind != FieldKind::message) return true;
    std::string scratch;
    return Transcoder(ctx_, scratch).value(f, o, depth);
  }

  // Ids are non-empty here (an empty one is a default, never written) and must be N bytes.
  template <std::size_t N>
  bool hex(const Occurrence& o) {
    if (o.size != N) return ctx_.fail(DecodeError::bad_id_length, o.tag_at);
    Id<N> id;
    std::memcpy(id.bytes.data(), o.data, N);
    w_.hex_id(id);
    return true;
  }

  detail::Context& ctx_;
  std::string& out_;
  detail::JsonWriter w_;
  std::vector<std::vector<Occurrence>> found_;
};

// The messages of a signal's envelope (request -> Resource* -> Scope* -> items), the same
// shape for every signal, by the numbers every signal shares (field::envelope).
struct Envelope {
  explicit Envelope(Signal signal)
      : request(detail::request_schema(signal)),
        resource_x(*request.fields[0].message),
        scope_x_field(*detail::find_field(resource_x, envelope::scope_items)),
        scope_x(*scope_x_field.message),
        items_field(*detail::find_field(scope_x, envelope::items)),
        resource(*detail::find_field(resource_x, envelope::resource)->message),
        scope(*detail::find_field(scope_x, envelope::scope)->message),
        item(*items_field.message) {}
  const MessageSchema& request;
  const MessageSchema& resource_x;
  const FieldSchema& scope_x_field;
  const MessageSchema& scope_x;
  const FieldSchema& items_field;
  const MessageSchema& resource;
  const MessageSchema& scope;
  const MessageSchema& item;
};
constexpr std::uint32_t kItemDepth = 3;  // request 0, Resource* 1, Scope* 2

// Writes `message` of `schema` as JSON to `out` at the depth its cursor gets from `ctx`, "{}"
// for an absent one (null data).
bool message_or_empty(detail::Context& ctx, const char* data, std::size_t size, const MessageSchema& schema,
                      std::string& out) {
  if (!data) {
    out += "{}";
    return true;
  }
  return Transcoder(ctx, out).message({data, size}, schema);
}

// The lines of transcode_record_lines: one scope's items, each after `prefix` (the signal,
// resource and scope members).
class LineWriter {
 public:
  LineWriter(detail::Context& ctx, const Envelope& e, std::uint64_t skip, const RecordLinesSink& sink,
             std::size_t chunk)
      : ctx_(ctx), e_(e), skip_(skip), sink_(sink), chunk_(chunk), t_(ctx, lines_),
        metrics_(&e.request == &detail::kMetricsRequest) {}

  bool request(std::string_view bytes, std::string_view signal_name) {
    Message m(ctx_, bytes);
    while (m.next()) {
      if (m.number() != envelope::resource_items) continue;
      if (!m.enter() || !resource_x(m.child(), signal_name)) return false;
    }
    if (!m.ok()) return false;
    if (!lines_.empty()) sink_(lines_);
    return true;
  }

 private:
  bool resource_x(std::string_view bytes, std::string_view signal_name) {
    Message m(ctx_, bytes);
    const char* resource = nullptr;
    std::size_t resource_size = 0;
    std::string_view url;
    std::vector<std::string_view> scopes;
    while (m.next()) {
      if (m.number() == envelope::resource || m.number() == envelope::scope_items) {
        if (!m.enter()) return false;
        if (m.number() == envelope::resource) {
          resource = m.data();
          resource_size = m.size();
        } else {
          scopes.push_back(m.child());
        }
      } else if (m.number() == envelope::schema_url) {
        if (!m.is(detail::kLen)) return false;
        url = {m.data(), m.size()};
      }
    }
    if (!m.ok()) return false;
    // The members every line of this resource starts with. The cursors open (request, this
    // one) put the resource at its depth in the request, and the scope and items below at theirs.
    std::string head = "{\"signal\":";
    append_json_string(signal_name, head);
    head += ",\"resource\":";
    if (!message_or_empty(ctx_, resource, resource_size, e_.resource, head)) return false;
    if (!url.empty()) {
      head += ",\"resourceSchemaUrl\":";
      append_json_string(url, head);
    }
    for (std::string_view s : scopes)
      if (!scope_x(s, head)) return false;
    return true;
  }

  bool scope_x(std::string_view bytes, const std::string& resource_head) {
    Message m(ctx_, bytes);
    const char* scope = nullptr;
    std::size_t scope_size = 0;
    std::string_view url;
    items_.clear();
    while (m.next()) {
      if (m.number() == envelope::scope || m.number() == envelope::items) {
        if (!m.enter()) return false;
        if (m.number() == envelope::scope) {
          scope = m.data();
          scope_size = m.size();
        } else {
          items_.push_back(m.child());
        }
      } else if (m.number() == envelope::schema_url) {
        if (!m.is(detail::kLen)) return false;
        url = {m.data(), m.size()};
      }
    }
    if (!m.ok()) return false;
    std::string head = resource_head + ",\"scope\":";
    if (!message_or_empty(ctx_, scope, scope_size, e_.scope, head)) return false;
    if (!url.empty()) {
      head += ",\"scopeSchemaUrl\":";
      append_json_string(url, head);
    }
    // Items sit one deeper than this cursor, as the scope did.
    for (std::string_view item : items_) {
      if (metrics_) {
        if (!metric(item, head)) return false;
        continue;
      }
      if (skip_ > 0) {
        --skip_;
        continue;
      }
      if (!line(head, item, e_.item)) return false;
    }
    return true;
  }

  // One line: `head`, then the members of `item` (of `schema`).
  bool line(const std::string& head, std::string_view item, const MessageSchema& schema) {
    lines_ += head;
    const std::size_t at = lines_.size();
    if (!t_.message(item, schema)) return false;
    // The item's own members close the line: its '{' becomes the ',' after the scope.
    if (lines_.size() - at == 2) {
      lines_.resize(at);
      lines_ += "}\n";
    } else {
      lines_[at] = ',';
      lines_ += '\n';
    }
    if (lines_.size() >= chunk_) {
      sink_(lines_);
      lines_.clear();
    }
    return true;
  }

  // A Metric's lines, one per data point (the metrics' counted unit): the scope's head, the
  // metric's own members (name, description, unit, metadata), its "type" (gauge, sum,
  // histogram, exponential_histogram, summary) and its type's members (aggregationTemporality,
  // isMonotonic), then the point's. Each message is transcoded at its depth in the request.
  bool metric(std::string_view bytes, const std::string& scope_head) {
    namespace mf = detail::field::metric;
    constexpr std::uint64_t kData = 1ull << mf::gauge | 1ull << mf::sum | 1ull << mf::histogram |
                                    1ull << mf::exponential_histogram | 1ull << mf::summary;
    std::string head = scope_head;
    if (!members(bytes, e_.item, kData, head)) return false;
    // A oneof set more than once (malformed, but read) has lines for each, as the validating
    // pass counts each one's points.
    Message m(ctx_, bytes);
    while (m.next()) {
      if (m.number() >= 64 || !(kData >> m.number() & 1)) continue;
      if (!m.enter() || !data(m.child(), *detail::find_field(e_.item, m.number()), head)) return false;
    }
    return m.ok();
  }

  // The points of a Metric's data (`field`, a Gauge, Sum, ... message), one line each.
  bool data(std::string_view bytes, const FieldSchema& field, const std::string& metric_head) {
    namespace mf = detail::field::metric;
    std::string_view type;
    switch (field.number) {
      case mf::gauge: type = "gauge"; break;
      case mf::sum: type = "sum"; break;
      case mf::histogram: type = "histogram"; break;
      case mf::exponential_histogram: type = "exponential_histogram"; break;
      default: type = "summary"; break;
    }
    std::string head = metric_head + ",\"type\":";
    append_json_string(type, head);
    const MessageSchema& schema = *field.message;
    const FieldSchema& points = schema.fields[0];  // data_points, 1 in every type
    if (!members(bytes, schema, 1ull << points.number, head)) return false;
    Message d(ctx_, bytes);
    while (d.next()) {
      if (d.number() != points.number) continue;
      if (!d.enter()) return false;
      if (skip_ > 0) {
        --skip_;
        continue;
      }
      if (!line(head, d.child(), *points.message)) return false;
    }
    return d.ok();
  }

  // Appends ",<members>" of `bytes` (of `schema`), the fields in `omit` left out.
  bool members(std::string_view bytes, const MessageSchema& schema, std::uint64_t omit, std::string& out) {
    std::string json;
    if (!Transcoder(ctx_, json).message(bytes, schema, omit)) return false;
    if (json.size() > 2) {
      out += ',';
      out.append(json, 1, json.size() - 2);
    }
    return true;
  }

  detail::Context& ctx_;
  const Envelope& e_;
  std::uint64_t skip_;
  const RecordLinesSink& sink_;
  std::size_t chunk_;
  std::string lines_;
  Transcoder t_;
  bool metrics_;  // a line per data point, not per item (Metric)
  std::vector<std::string_view> items_;
};

}  // namespace

DecodeStatus transcode_request_json(Signal signal, std::string_view protobuf, std::string& out,
                                    const DecodeOptions& options) {
  detail::Context ctx(protobuf.data(), options.max_depth, detail::kNoLimits);
  Transcoder t(ctx, out);
  t.message(protobuf, detail::request_schema(signal));
  return ctx.status;
}

DecodeStatus transcode_response_json(Signal signal, std::string_view protobuf, std::string& out) {
  detail::Context ctx(protobuf.data(), DecodeOptions{}.max_depth, detail::kNoLimits);
  Transcoder t(ctx, out);
  t.message(protobuf, detail::response_schema(signal));
  return ctx.status;
}

DecodeStatus transcode_record_json(Signal signal, std::string_view item_field, std::string& out,
                                   const DecodeOptions& options) {
  const Envelope e(signal);
  detail::Context ctx(item_field.data(), options.max_depth, detail::kNoLimits);
  ctx.depth = kItemDepth - 1;
  Message m(ctx, item_field);
  if (m.next()) {
    if (m.number() != e.items_field.number) {
      ctx.fail(DecodeError::wrong_wire_type, m.tag_at());
    } else if (m.enter()) {
      Transcoder(ctx, out).message(m.child(), e.item);
    }
  }
  return ctx.status;
}

void transcode_request_json_frame(Signal signal, const Resource& resource, const InstrumentationScope& scope,
                                  std::string& head, std::string& tail) {
  // The request with one empty item, cut around that item's JSON: the frame is then exactly
  // what the transcoder writes around the items (the envelope's protobuf is every signal's).
  const Envelope e(signal);
  std::string protobuf, whole;
  const char empty_item[] = {static_cast<char>(detail::tag(e.items_field.number, detail::kLen)), 0};
  encode_trace_request(resource, scope, std::string_view(empty_item, 2), protobuf);
  transcode_request_json(signal, protobuf, whole);
  std::string marker = "\"";
  marker.append(e.items_field.json_name);
  marker += "\":[";
  const std::size_t at = whole.rfind(marker) + marker.size();  // at the empty item's "{}"
  head.assign(whole, 0, at);
  tail.assign(whole, at + 2);
}

DecodeStatus transcode_record_lines(Signal signal, std::string_view protobuf, std::uint64_t skip,
                                    const RecordLinesSink& sink, std::size_t chunk_bytes,
                                    const DecodeOptions& options) {
  const Envelope e(signal);
  detail::Context ctx(protobuf.data(), options.max_depth, detail::kNoLimits);
  LineWriter(ctx, e, skip, sink, chunk_bytes).request(protobuf, signal_info(signal).name);
  return ctx.status;
}

}  // namespace otlp
