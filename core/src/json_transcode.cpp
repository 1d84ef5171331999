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

#include "json_out.hpp"
#include "otlp/json.hpp"
#include "otlp_schema.hpp"
#include "proto_cursor.hpp"

namespace otlp {
namespace {

using detail::FieldKind;
using detail::FieldSchema;
using detail::Message;
using detail::MessageSchema;
using detail::Presence;

struct Occurrence {
  std::uint32_t field;  // index into the schema's fields
  std::uint64_t value;
  const char* data;
  std::size_t size;
  const char* tag_at;
};

detail::WireType wire_type(FieldKind k) {
  switch (k) {
    case FieldKind::boolean:
    case FieldKind::uint32:
    case FieldKind::int64: return detail::kVarint;
    case FieldKind::fixed64:
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
    case FieldKind::uint32: return static_cast<std::uint32_t>(o.value) == 0;
    default: return o.value == 0;  // for doubles: +0.0 only (-0.0 has its sign bit set)
  }
}

class Transcoder {
 public:
  Transcoder(detail::Context& ctx, std::string& out) : ctx_(ctx), w_(out) {}

  bool message(std::string_view bytes, const MessageSchema& schema) {
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
        if (schema.fields[i].number != m.number()) continue;
        if (!m.is(wire_type(schema.fields[i].kind))) return false;
        found_[depth].push_back({i, m.value(), m.data(), m.size(), m.tag_at()});
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
        w_.key(f.json_name, first);
        w_.raw('[');
        for (bool item = false; k < n && found_[depth][k].field == head.field; ++k, item = true) {
          if (item) w_.raw(',');
          if (!value(f, found_[depth][k], depth)) return false;
        }
        w_.raw(']');
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
        bool open = false;
        for (std::size_t k = 0; k < n; ++k) {
          if (found_[depth][k].field != i) continue;
          if (open) {
            w_.raw(',');
          } else {
            w_.key(f.json_name, first);
            w_.raw('[');
            open = true;
          }
          if (!value(f, found_[depth][k], depth)) return false;
        }
        if (open) w_.raw(']');
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
      case FieldKind::int64: w_.quoted_i64(static_cast<std::int64_t>(o.value)); return true;
      case FieldKind::fixed64: w_.quoted_u64(o.value); return true;
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
  detail::JsonWriter w_;
  std::vector<std::vector<Occurrence>> found_;
};

}  // namespace

DecodeStatus transcode_request_json(Signal signal, std::string_view protobuf, std::string& out,
                                    const DecodeOptions& options) {
  detail::Context ctx(protobuf.data(), options.max_depth, detail::kNoLimits);
  const MessageSchema& root = signal == Signal::logs ? detail::kLogsRequest : detail::kTraceRequest;
  Transcoder t(ctx, out);
  t.message(protobuf, root);
  return ctx.status;
}

}  // namespace otlp
