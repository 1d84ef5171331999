#include "support/compare.hpp"

#include "otlp/wire/proto_reader.hpp"
#include "support/random_request.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

namespace otlp::testing {
namespace {

constexpr std::size_t kShowChars = 48;  // strings longer than this are abbreviated

std::string join(const std::string& path, const char* field) { return path.empty() ? field : path + "." + field; }
std::string index(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

std::string hex_of(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    s += digits[c >> 4];
    s += digits[c & 15];
  }
  return s;
}

std::string escaped(std::string_view s) {
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);  // UTF-8 passes through as is
        }
    }
  }
  return out;
}

std::size_t first_mismatch(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return i;
}

// A window of `s` starting near byte `at`, with its length when abbreviated.
std::string show(std::string_view s, std::size_t at, bool as_hex) {
  const std::size_t limit = as_hex ? kShowChars / 2 : kShowChars;
  if (s.size() <= limit) return as_hex ? "0x" + hex_of(s) : "\"" + escaped(s) + "\"";
  const std::size_t from = at > 8 ? at - 8 : 0;
  std::string_view part = s.substr(from, limit);
  std::string body = as_hex ? hex_of(part) : escaped(part);
  std::string out = as_hex ? "0x" : "\"";
  if (from > 0) out += "...";
  out += body;
  if (from + part.size() < s.size()) out += "...";
  if (!as_hex) out += "\"";
  out += " (" + std::to_string(s.size()) + " bytes)";
  return out;
}

std::string pair(std::string_view a, std::string_view b, bool as_hex) {
  const std::size_t at = first_mismatch(a, b);
  std::string out = show(a, at, as_hex) + " vs " + show(b, at, as_hex);
  if (a.size() > (as_hex ? kShowChars / 2 : kShowChars) || b.size() > (as_hex ? kShowChars / 2 : kShowChars))
    out += " (first difference at byte " + std::to_string(at) + ")";
  return out;
}

std::string double_text(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

std::uint64_t bits_of(double d) {
  std::uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

const char* kind_name(AnyValue::Kind k) {
  switch (k) {
    case AnyValue::Kind::empty: return "empty";
    case AnyValue::Kind::string: return "string_value";
    case AnyValue::Kind::boolean: return "bool_value";
    case AnyValue::Kind::int64: return "int_value";
    case AnyValue::Kind::dbl: return "double_value";
    case AnyValue::Kind::array: return "array_value";
    case AnyValue::Kind::kvlist: return "kvlist_value";
    case AnyValue::Kind::bytes: return "bytes_value";
  }
  return "?";
}

// Each check returns true when it found (and recorded) a difference, so callers can `return`.
class Differ {
 public:
  std::string result;

  bool str(const std::string& path, std::string_view a, std::string_view b) {
    if (a == b) return false;
    result = path + ": " + pair(a, b, false);
    return true;
  }
  bool bytes(const std::string& path, std::string_view a, std::string_view b) {
    if (a == b) return false;
    result = path + ": " + pair(a, b, true);
    return true;
  }
  template <class T>
  bool num(const std::string& path, T a, T b) {
    if (a == b) return false;
    result = path + ": " + std::to_string(a) + " vs " + std::to_string(b);
    return true;
  }
  bool boolean(const std::string& path, bool a, bool b) {
    if (a == b) return false;
    result = path + ": " + (a ? "true" : "false") + " vs " + (b ? "true" : "false");
    return true;
  }
  bool dbl(const std::string& path, double a, double b) {
    if (bits_of(a) == bits_of(b)) return false;
    std::string ta = double_text(a), tb = double_text(b);
    if (ta == tb) {  // e.g. NaNs with different payloads
      char buf[64];
      std::snprintf(buf, sizeof buf, " (bits 0x%016llx)", static_cast<unsigned long long>(bits_of(a)));
      ta += buf;
      std::snprintf(buf, sizeof buf, " (bits 0x%016llx)", static_cast<unsigned long long>(bits_of(b)));
      tb += buf;
    }
    result = path + ": " + ta + " vs " + tb;
    return true;
  }
  template <std::size_t N>
  bool id(const std::string& path, const Id<N>& a, const Id<N>& b) {
    if (a == b) return false;
    result = path + ": " + a.to_hex() + " vs " + b.to_hex();
    return true;
  }

  // Element by element over the common prefix, then the sizes: the first divergent index is
  // more telling than a count when something in the middle was lost.
  template <class T, class F>
  bool list(const std::string& path, const std::vector<T>& a, const std::vector<T>& b, F each) {
    const std::size_t n = a.size() < b.size() ? a.size() : b.size();
    for (std::size_t i = 0; i < n; ++i)
      if (each(index(path, i), a[i], b[i])) return true;
    if (a.size() != b.size()) {
      result = path + ".size(): " + std::to_string(a.size()) + " vs " + std::to_string(b.size());
      return true;
    }
    return false;
  }

  bool value(const std::string& path, const AnyValue& a, const AnyValue& b) {
    if (a.kind != b.kind) {
      result = path + ": kind " + kind_name(a.kind) + " vs " + kind_name(b.kind);
      return true;
    }
    switch (a.kind) {
      case AnyValue::Kind::empty: return false;
      case AnyValue::Kind::string: return str(join(path, "string_value"), a.str, b.str);
      case AnyValue::Kind::bytes: return bytes(join(path, "bytes_value"), a.str, b.str);
      case AnyValue::Kind::boolean: return boolean(join(path, "bool_value"), a.bool_value, b.bool_value);
      case AnyValue::Kind::int64: return num(join(path, "int_value"), a.int_value, b.int_value);
      case AnyValue::Kind::dbl: return dbl(join(path, "double_value"), a.double_value, b.double_value);
      case AnyValue::Kind::array:
        return list(join(path, "array_value.values"), a.array, b.array,
                    [this](const std::string& p, const AnyValue& x, const AnyValue& y) { return value(p, x, y); });
      case AnyValue::Kind::kvlist: return attributes(join(path, "kvlist_value.values"), a.kvlist, b.kvlist);
    }
    return false;
  }

  bool attributes(const std::string& path, const Attributes& a, const Attributes& b) {
    return list(path, a, b, [this](const std::string& p, const KeyValue& x, const KeyValue& y) {
      return str(join(p, "key"), x.key, y.key) || value(join(p, "value"), x.value, y.value);
    });
  }

  bool event(const std::string& p, const Event& a, const Event& b) {
    return num(join(p, "time_unix_nano"), a.time_unix_nano, b.time_unix_nano) ||
           str(join(p, "name"), a.name, b.name) || attributes(join(p, "attributes"), a.attributes, b.attributes) ||
           num(join(p, "dropped_attributes_count"), a.dropped_attributes_count, b.dropped_attributes_count);
  }

  bool link(const std::string& p, const Link& a, const Link& b) {
    return id(join(p, "trace_id"), a.trace_id, b.trace_id) || id(join(p, "span_id"), a.span_id, b.span_id) ||
           str(join(p, "trace_state"), a.trace_state, b.trace_state) ||
           attributes(join(p, "attributes"), a.attributes, b.attributes) ||
           num(join(p, "dropped_attributes_count"), a.dropped_attributes_count, b.dropped_attributes_count) ||
           num(join(p, "flags"), a.flags, b.flags);
  }

  bool span(const std::string& p, const SpanData& a, const SpanData& b) {
    return id(join(p, "trace_id"), a.trace_id, b.trace_id) || id(join(p, "span_id"), a.span_id, b.span_id) ||
           str(join(p, "trace_state"), a.trace_state, b.trace_state) ||
           id(join(p, "parent_span_id"), a.parent_span_id, b.parent_span_id) || str(join(p, "name"), a.name, b.name) ||
           num(join(p, "kind"), static_cast<int>(a.kind), static_cast<int>(b.kind)) ||
           num(join(p, "start_time_unix_nano"), a.start_time_unix_nano, b.start_time_unix_nano) ||
           num(join(p, "end_time_unix_nano"), a.end_time_unix_nano, b.end_time_unix_nano) ||
           attributes(join(p, "attributes"), a.attributes, b.attributes) ||
           num(join(p, "dropped_attributes_count"), a.dropped_attributes_count, b.dropped_attributes_count) ||
           list(join(p, "events"), a.events, b.events,
                [this](const std::string& q, const Event& x, const Event& y) { return event(q, x, y); }) ||
           num(join(p, "dropped_events_count"), a.dropped_events_count, b.dropped_events_count) ||
           list(join(p, "links"), a.links, b.links,
                [this](const std::string& q, const Link& x, const Link& y) { return link(q, x, y); }) ||
           num(join(p, "dropped_links_count"), a.dropped_links_count, b.dropped_links_count) ||
           str(join(p, "status.message"), a.status.message, b.status.message) ||
           num(join(p, "status.code"), static_cast<int>(a.status.code), static_cast<int>(b.status.code)) ||
           num(join(p, "flags"), a.flags, b.flags);
  }

  bool scope(const std::string& p, const InstrumentationScope& a, const InstrumentationScope& b) {
    return str(join(p, "name"), a.name, b.name) || str(join(p, "version"), a.version, b.version) ||
           attributes(join(p, "attributes"), a.attributes, b.attributes) ||
           num(join(p, "dropped_attributes_count"), a.dropped_attributes_count, b.dropped_attributes_count);
  }

  bool request(const TraceRequest& a, const TraceRequest& b) {
    return list("resource_spans", a.resource_spans, b.resource_spans,
                [this](const std::string& p, const ResourceSpans& x, const ResourceSpans& y) {
                  return attributes(join(p, "resource.attributes"), x.resource.attributes, y.resource.attributes) ||
                         num(join(p, "resource.dropped_attributes_count"), x.resource.dropped_attributes_count,
                             y.resource.dropped_attributes_count) ||
                         list(join(p, "scope_spans"), x.scope_spans, y.scope_spans,
                              [this](const std::string& q, const ScopeSpans& s, const ScopeSpans& t) {
                                return scope(join(q, "scope"), s.scope, t.scope) ||
                                       list(join(q, "spans"), s.spans, t.spans,
                                            [this](const std::string& r, const SpanData& u, const SpanData& v) {
                                              return span(r, u, v);
                                            }) ||
                                       str(join(q, "schema_url"), s.schema_url, t.schema_url);
                              }) ||
                         str(join(p, "schema_url"), x.schema_url, y.schema_url);
                });
  }
};

}  // namespace

std::string first_difference(const TraceRequest& expected, const TraceRequest& actual) {
  Differ d;
  if (d.request(expected, actual)) return d.result;
  // Belt and braces: a field added to the model but not to the walk above still shows up.
  if (!(expected == actual)) return "(requests differ in a field first_difference does not walk)";
  return "";
}

std::string first_difference(const AnyValue& expected, const AnyValue& actual, const std::string& path) {
  Differ d;
  if (d.value(path, expected, actual)) return d.result;
  return "";
}

std::string first_difference(const SpanData& expected, const SpanData& actual, const std::string& path) {
  Differ d;
  if (d.span(path, expected, actual)) return d.result;
  if (!(expected == actual)) return path + ": differs in a field first_difference does not walk";
  return "";
}

std::string validator_difference(std::string_view bytes, const DecodeOptions& options) {
  TraceRequest model;
  const DecodeStatus read = decode_trace_request(bytes, model, options);
  std::uint64_t spans = ~std::uint64_t{0};
  const DecodeStatus checked = validate_trace_request(bytes, spans, options);
  auto status = [](const DecodeStatus& st) {
    return st.ok() ? std::string("ok") : std::string(st.message()) + " at " + std::to_string(st.offset);
  };
  if (read.error != checked.error || read.offset != checked.offset)
    return "reader: " + status(read) + ", validator: " + status(checked);
  if (read.ok() && spans != span_count(model))
    return "reader: " + std::to_string(span_count(model)) + " spans, validator: " + std::to_string(spans);
  return "";
}

}  // namespace otlp::testing
